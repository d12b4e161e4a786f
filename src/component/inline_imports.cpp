// Imports and exports: an import takes what the instantiation passes (or,
// at the root, what the host will provide), checked against the import's
// type; instance types are resolved against the instance given.
#include "inliner.h"

namespace fact::component::inlining {

Expected<InstancePtr> Inliner::resolve_instance_type(const Frame& f, const TypeDef::Instance& type,
                                                     const Source& source,
                                                     const std::string& name) {
  TypeSpace* local = new_type_space(type.scope);
  std::vector<InstancePtr> local_instances;
  auto out = std::make_shared<InstanceItem>();
  out->name = name;
  for (const Decl& d : type.decls->decls) {
    if (const auto* t = std::get_if<CoreType>(&d.decl)) {
      local->core_types.push_back(TypeResolver::core_type(*t, local));
    } else if (const auto* t = std::get_if<Type>(&d.decl)) {
      auto def = out_.types.deftype(*local, *t);
      if (!def) return def.error();
      local->types.push_back(std::move(*def));
    } else if (const auto* a = std::get_if<Alias>(&d.decl)) {
      if (auto r = decl_alias(f, *local, local_instances, *a); !r) return r.error();
    } else if (const auto* e = std::get_if<ExportDecl>(&d.decl)) {
      auto item = export_decl(f, *local, *e, source, name, d.offset);
      if (!item) return item.error();
      if (auto* inst = std::get_if<InstancePtr>(&*item)) local_instances.push_back(*inst);
      if (auto* def = std::get_if<TypeDef>(&*item)) local->types.push_back(*def);
      out->exports.insert_or_assign(e->name.text, std::move(*item));
    } else {
      return fail(f, d.offset, "an instance type cannot contain an import declaration");
    }
  }
  return InstancePtr(std::move(out));
}

Expected<void> Inliner::decl_alias(const Frame& f, TypeSpace& local,
                                   const std::vector<InstancePtr>& instances, const Alias& a) {
  if (const auto* o = std::get_if<AliasOuter>(&a.target)) {
    auto scope = TypeResolver::outer(local, o->count, a.offset);
    if (!scope) return scope.error();
    if (a.sort == Sort::Type) {
      auto t = TypeResolver::type_at(**scope, o->index, a.offset);
      if (!t) return t.error();
      local.types.push_back(std::move(*t));
      return {};
    }
    if (a.sort == Sort::CoreType && o->index < (*scope)->core_types.size()) {
      local.core_types.push_back((*scope)->core_types[o->index]);
      return {};
    }
    return fail(f, a.offset,
                std::string("unsupported outer alias of a ") + sort_name(a.sort) +
                    " in a type declaration");
  }
  if (const auto* e = std::get_if<AliasInstanceExport>(&a.target); e && a.sort == Sort::Type) {
    if (e->instance >= instances.size()) {
      return fail(f, a.offset,
                  "instance index " + std::to_string(e->instance) +
                      " is out of range in this type declaration");
    }
    auto it = instances[e->instance]->exports.find(e->name);
    if (it == instances[e->instance]->exports.end() ||
        !std::holds_alternative<TypeDef>(it->second)) {
      return fail(f, a.offset,
                  "instance " + std::to_string(e->instance) +
                      " of this type declaration has no type export `" + e->name + "`");
    }
    local.types.push_back(std::get<TypeDef>(it->second));
    return {};
  }
  return fail(
      f, a.offset,
      std::string("unsupported alias of a ") + sort_name(a.sort) + " in a type declaration");
}

Expected<Item> Inliner::export_decl(const Frame& f, const TypeSpace& local, const ExportDecl& e,
                                    const Source& source, const std::string& name, size_t at) {
  const std::string& n = e.name.text;
  const std::string path = name + "#" + n;
  const Item* actual = nullptr;
  if (source.arg) {
    auto it = source.arg->exports.find(n);
    if (it == source.arg->exports.end()) {
      return fail(f, at,
                  "the instance given for import `" + name + "` has no export `" + n +
                      "`, which the import's type requires");
    }
    actual = &it->second;
    if (item_sort(*actual) != e.type.sort) {
      return fail(f, at,
                  "export `" + n + "` of the instance given for import `" + name + "` is a " +
                      item_kind(*actual) + ", but the import's type says " +
                      sort_name(e.type.sort));
    }
  }
  switch (e.type.sort) {
    case Sort::Func: {
      auto type = func_type_at(f, local, e.type.index, at);
      if (!type) return type.error();
      if (!actual) return Item(FuncItem{HostFunc{path}, *type, path});
      FuncItem func = std::get<FuncItem>(*actual);
      if (auto m = describe_mismatch(out_.types.store(), *type, func.type)) {
        return fail(f, at,
                    "export `" + n + "` of the instance given for import `" + name +
                        "` has the wrong type: " + *m);
      }
      func.name = path;
      return Item(std::move(func));
    }
    case Sort::Type: {
      if (e.type.type_bound.kind == TypeBound::Kind::SubResource) {
        if (!actual) return Item(TypeDef{TypeDef::Resource{out_.types.imported_resource(path)}});
        if (!std::holds_alternative<TypeDef::Resource>(std::get<TypeDef>(*actual).def)) {
          return fail(f, at,
                      "export `" + n + "` of the instance given for import `" + name +
                          "` is not a resource type");
        }
        return *actual;
      }
      auto def = TypeResolver::type_at(local, e.type.type_bound.index, at);
      if (!def) return def.error();
      if (actual) {
        if (auto r = check_same_type(f, *def, std::get<TypeDef>(*actual), path, at); !r) {
          return r.error();
        }
      } else if (const auto* resource = std::get_if<TypeDef::Resource>(&def->def)) {
        out_.types.note_resource_alias(path, resource->id);
      }
      return Item(std::move(*def));
    }
    case Sort::Instance: {
      auto def = TypeResolver::type_at(local, e.type.index, at);
      if (!def) return def.error();
      const auto* type = std::get_if<TypeDef::Instance>(&def->def);
      if (!type)
        return fail(f, at,
                    "export `" + n + "` is declared with a type that is not an instance type");
      Source nested{actual ? std::get<InstancePtr>(*actual).get() : nullptr, path};
      auto inst = resolve_instance_type(f, *type, nested, path);
      if (!inst) return inst.error();
      return Item(std::move(*inst));
    }
    case Sort::CoreModule: {
      if (e.type.index >= local.core_types.size()) {
        return fail(f, at, "core type index " + std::to_string(e.type.index) + " is out of range");
      }
      auto info = module_type_interface(local.core_types[e.type.index], at);
      if (!info) return info.error();
      if (actual) {
        if (auto r = check_module_argument(f, at,
                                           "export `" + n + "` of the instance given for import `" +
                                               name + "` is a core module that",
                                           *info, std::get<ModuleItem>(*actual).index);
            !r) {
          return r.error();
        }
        return *actual;
      }
      interfaces_.push_back(std::move(*info));
      return Item(ModuleItem{static_cast<uint32_t>(interfaces_.size() - 1), path});
    }
    case Sort::Component:
      if (!actual)
        return fail(f, at, "importing a component (`" + path + "`) at the root is not supported");
      return *actual;
    default: return fail(f, at, "component values are not supported (`" + path + "`)");
  }
}

Expected<FuncTypeId> Inliner::func_type_at(const Frame& f, const TypeSpace& types, uint32_t index,
                                           size_t at) {
  auto def = TypeResolver::type_at(types, index, at);
  if (!def) return def.error();
  if (const auto* func = std::get_if<TypeDef::Func>(&def->def)) return func->type;
  return fail(f, at, "type index " + std::to_string(index) + " is not a function type");
}

Expected<void> Inliner::step(Frame& f, const Import& imp) {
  const std::string& name = imp.name.text;
  const ExternType& type = imp.type;
  const Item* actual = nullptr;
  if (f.args) {
    auto it = f.args->find(name);
    if (it != f.args->end()) actual = &it->second;
    if (actual && item_sort(*actual) != type.sort) {
      return fail(f, imp.offset,
                  "import `" + name + "` is a " + sort_name(type.sort) +
                      ", but the instantiation passes a " + item_kind(*actual));
    }
    bool optional = type.sort == Sort::Type && type.type_bound.kind == TypeBound::Kind::Eq;
    if (!actual && !optional) {
      return fail(f, imp.offset, "import `" + name + "` is not given by the instantiation");
    }
  }
  switch (type.sort) {
    case Sort::Func: {
      auto ftype = func_type_at(f, *f.scope->types, type.index, imp.offset);
      if (!ftype) return ftype.error();
      if (!actual) {
        f.funcs.push_back(FuncItem{HostFunc{name}, *ftype, name});
        return {};
      }
      FuncItem func = std::get<FuncItem>(*actual);
      if (auto m = describe_mismatch(out_.types.store(), *ftype, func.type)) {
        return fail(f, imp.offset,
                    "the function given for import `" + name + "` has the wrong type: " + *m);
      }
      func.name = name;
      f.funcs.push_back(std::move(func));
      return {};
    }
    case Sort::Instance: {
      auto def = TypeResolver::type_at(*f.scope->types, type.index, imp.offset);
      if (!def) return def.error();
      const auto* itype = std::get_if<TypeDef::Instance>(&def->def);
      if (!itype)
        return fail(f, imp.offset,
                    "import `" + name + "` is declared with a type that is not an instance type");
      Source source{actual ? std::get<InstancePtr>(*actual).get() : nullptr, name};
      auto inst = resolve_instance_type(f, *itype, source, name);
      if (!inst) return inst.error();
      f.instances.push_back(std::move(*inst));
      return {};
    }
    case Sort::Type: {
      if (type.type_bound.kind == TypeBound::Kind::SubResource) {
        if (!actual) {
          f.scope->types->types.push_back(
              TypeDef{TypeDef::Resource{out_.types.imported_resource(name)}});
          return {};
        }
        if (!std::holds_alternative<TypeDef::Resource>(std::get<TypeDef>(*actual).def)) {
          return fail(f, imp.offset, "import `" + name + "` expects a resource type");
        }
        f.scope->types->types.push_back(std::get<TypeDef>(*actual));
        return {};
      }
      auto def = TypeResolver::type_at(*f.scope->types, type.type_bound.index, imp.offset);
      if (!def) return def.error();
      if (actual) {
        if (auto r = check_same_type(f, *def, std::get<TypeDef>(*actual), name, imp.offset); !r) {
          return r;
        }
      } else if (const auto* resource = std::get_if<TypeDef::Resource>(&def->def);
                 resource && !f.args) {
        out_.types.note_resource_alias(name, resource->id);
      }
      f.scope->types->types.push_back(std::move(*def));
      return {};
    }
    case Sort::CoreModule: {
      if (type.index >= f.scope->types->core_types.size()) {
        return fail(f, imp.offset,
                    "core type index " + std::to_string(type.index) + " is out of range");
      }
      auto info = module_type_interface(f.scope->types->core_types[type.index], imp.offset);
      if (!info) return info.error();
      if (actual) {
        const ModuleItem& given = std::get<ModuleItem>(*actual);
        if (auto r = check_module_argument(f, imp.offset,
                                           "the core module given for import `" + name + "`", *info,
                                           given.index);
            !r) {
          return r;
        }
        push_item(f, *actual);
        return {};
      }
      interfaces_.push_back(std::move(*info));
      f.scope->modules.push_back(ModuleItem{static_cast<uint32_t>(interfaces_.size() - 1), name});
      return {};
    }
    case Sort::Component:
      if (!actual)
        return fail(f, imp.offset,
                    "importing a component (`" + name + "`) at the root is not supported");
      push_item(f, *actual);
      return {};
    default:
      return fail(f, imp.offset, "component values are not supported (import `" + name + "`)");
  }
}

Expected<void> Inliner::step(Frame& f, const Export& e) {
  auto item = get_item(f, e.sort, e.index, e.offset);
  if (!item) return item.error();
  if (e.sort == Sort::Component && f.args == nullptr) {
    return fail(f, e.offset, "exporting a component (`" + e.name.text + "`) is not supported");
  }
  name_lifted(*item, e.name.text);
  push_item(f, *item);
  if (!f.exports.emplace(e.name.text, std::move(*item)).second) {
    return fail(f, e.offset, "`" + e.name.text + "` is exported twice");
  }
  return {};
}

}  // namespace fact::component::inlining
