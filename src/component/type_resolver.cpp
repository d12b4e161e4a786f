#include "fact/component/type_resolver.h"

#include <algorithm>
#include <set>

#include "fact/canon_rules.h"
#include "fact/wasm/cursor.h"

namespace fact::component {

using wasm::hex;

Error error_at(size_t offset, const std::string& message) {
  return Error{"at byte " + hex(offset) + ": " + message};
}

// ---------------------------------------------------------------------------
// Resources and types

ResourceId TypeResolver::define_resource(ResourceInfo info) {
  resources_.push_back(std::move(info));
  return static_cast<ResourceId>(resources_.size() - 1);
}

ResourceId TypeResolver::imported_resource(const std::string& path) {
  if (auto it = imported_.find(path); it != imported_.end()) return it->second;
  ResourceId id = define_resource(ResourceInfo{std::nullopt, "import " + path, std::nullopt, path});
  imported_.emplace(path, id);
  resource_imports_.push_back(ResourceImport{path, id, false});
  return id;
}

void TypeResolver::note_resource_alias(const std::string& path, ResourceId id) {
  resource_imports_.push_back(ResourceImport{path, id, true});
}

Expected<const TypeSpace*> TypeResolver::outer(const TypeSpace& scope, uint32_t count, size_t at) {
  const TypeSpace* s = &scope;
  for (uint32_t i = 0; i < count; ++i) {
    if (!s->parent) {
      return error_at(at, "outer alias reaches " + std::to_string(count) +
                              " scopes out, but only " + std::to_string(i) + " enclose it");
    }
    s = s->parent;
  }
  return s;
}

Expected<TypeDef> TypeResolver::type_at(const TypeSpace& scope, uint32_t index, size_t at) {
  if (index >= scope.types.size()) {
    return error_at(at, "type index " + std::to_string(index) + " is out of range (" +
                            std::to_string(scope.types.size()) + " types defined)");
  }
  return scope.types[index];
}

Expected<ResourceId> TypeResolver::resource_at(const TypeSpace& scope, uint32_t index, size_t at) {
  auto def = type_at(scope, index, at);
  if (!def) return def.error();
  if (auto* r = std::get_if<TypeDef::Resource>(&def->def)) return r->id;
  return error_at(at, "type index " + std::to_string(index) +
                          " is used as a resource in own/borrow, but it is not "
                          "a resource type");
}

namespace {

// Nesting limit for value types built from type indices: conversion and
// printing recurse on it.
constexpr uint32_t kMaxTypeDepth = 256;

TypeKind prim_kind(PrimValType p) {
  switch (p) {
    case PrimValType::Bool: return TypeKind::Bool;
    case PrimValType::S8: return TypeKind::S8;
    case PrimValType::U8: return TypeKind::U8;
    case PrimValType::S16: return TypeKind::S16;
    case PrimValType::U16: return TypeKind::U16;
    case PrimValType::S32: return TypeKind::S32;
    case PrimValType::U32: return TypeKind::U32;
    case PrimValType::S64: return TypeKind::S64;
    case PrimValType::U64: return TypeKind::U64;
    case PrimValType::F32: return TypeKind::F32;
    case PrimValType::F64: return TypeKind::F64;
    case PrimValType::Char: return TypeKind::Char;
    case PrimValType::String: return TypeKind::String;
    case PrimValType::ErrorContext: return TypeKind::ErrorContext;
  }
  return TypeKind::Bool;
}

}  // namespace

Expected<TypeId> TypeResolver::valtype(const TypeSpace& scope, const ValType& type, size_t at) {
  if (type.primitive) return store_.primitive(prim_kind(*type.primitive));
  auto def = type_at(scope, type.index, at);
  if (!def) return def.error();
  if (auto* v = std::get_if<TypeDef::Value>(&def->def)) return v->type;
  return error_at(at, "type index " + std::to_string(type.index) +
                          " is used as a value type, but it is not one");
}

// CanonicalABI.md bounds a list's byte length by MAX_LIST_BYTE_LENGTH
// (2^28 - 1), and a value that can never be stored in one element cannot be
// valid: every defined value type (and the entry tuple of a map, which is
// what its list holds) must fit, measured with 64-bit pointers, the larger
// of the two layouts. Children were checked when they were defined, so only
// this type itself is measured.
Expected<void> TypeResolver::check_value_size(TypeId id, size_t at) const {
  constexpr uint64_t kMaxValueByteLength = (uint64_t{1} << 28) - 1;
  uint64_t size = store_.get(id).abi64.size;
  const char* what = "";
  if (store_.get(id).kind == TypeKind::Map) {
    size = map_entry_layout(store_, id, true).size;
    what = "the entry of ";
  }
  if (size > kMaxValueByteLength) {
    return error_at(at, std::string(what) + "type `" + to_string(store_, id, kTypeMessageLimit) +
                            "` exceeds maximum byte size: it takes " + std::to_string(size) +
                            " bytes or more in a 64-bit memory; a value may take at most " +
                            std::to_string(kMaxValueByteLength) + " (2^28 - 1)");
  }
  return {};
}

Expected<TypeId> TypeResolver::defvaltype(const TypeSpace& scope, const DefValType& type,
                                          size_t at) {
  auto val = [&](const ValType& v) { return valtype(scope, v, at); };
  auto opt = [&](const std::optional<ValType>& v) -> Expected<std::optional<TypeId>> {
    if (!v) return std::optional<TypeId>();
    auto t = val(*v);
    if (!t) return t.error();
    return std::optional<TypeId>(*t);
  };
  Expected<TypeId> result = std::visit(
      [&](const auto& t) -> Expected<TypeId> {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, PrimitiveType>) {
          return store_.primitive(prim_kind(t.type));
        } else if constexpr (std::is_same_v<T, RecordType>) {
          std::vector<Field> fields;
          for (const auto& f : t.fields) {
            auto ft = val(f.type);
            if (!ft) return ft.error();
            fields.push_back({f.label, *ft});
          }
          return store_.record(std::move(fields));
        } else if constexpr (std::is_same_v<T, VariantType>) {
          std::vector<Case> cases;
          for (const auto& c : t.cases) {
            auto ct = opt(c.type);
            if (!ct) return ct.error();
            cases.push_back({c.label, *ct});
          }
          return store_.variant(std::move(cases));
        } else if constexpr (std::is_same_v<T, ListType>) {
          auto e = val(t.element);
          if (!e) return e.error();
          return store_.list(*e);
        } else if constexpr (std::is_same_v<T, FixedListType>) {
          auto e = val(t.element);
          if (!e) return e.error();
          return store_.fixed_list(*e, t.length);
        } else if constexpr (std::is_same_v<T, TupleType>) {
          std::vector<TypeId> elements;
          for (const auto& e : t.elements) {
            auto et = val(e);
            if (!et) return et.error();
            elements.push_back(*et);
          }
          return store_.tuple(std::move(elements));
        } else if constexpr (std::is_same_v<T, FlagsType>) {
          return store_.flags(t.labels);
        } else if constexpr (std::is_same_v<T, EnumType>) {
          return store_.enumeration(t.labels);
        } else if constexpr (std::is_same_v<T, OptionType>) {
          auto e = val(t.element);
          if (!e) return e.error();
          return store_.option(*e);
        } else if constexpr (std::is_same_v<T, ResultType>) {
          auto ok = opt(t.ok);
          if (!ok) return ok.error();
          auto err = opt(t.error);
          if (!err) return err.error();
          return store_.result(*ok, *err);
        } else if constexpr (std::is_same_v<T, OwnType>) {
          auto r = resource_at(scope, t.resource, at);
          if (!r) return r.error();
          return store_.own(*r);
        } else if constexpr (std::is_same_v<T, BorrowType>) {
          auto r = resource_at(scope, t.resource, at);
          if (!r) return r.error();
          return store_.borrow(*r);
        } else if constexpr (std::is_same_v<T, StreamType>) {
          auto e = opt(t.element);
          if (!e) return e.error();
          if (auto problem = copy_payload_problem(store_, TypeKind::Stream, *e)) {
            return error_at(at, *problem);
          }
          return store_.stream(*e);
        } else if constexpr (std::is_same_v<T, FutureType>) {
          auto e = opt(t.element);
          if (!e) return e.error();
          if (auto problem = copy_payload_problem(store_, TypeKind::Future, *e)) {
            return error_at(at, *problem);
          }
          return store_.future(*e);
        } else {
          static_assert(std::is_same_v<T, MapType>);
          auto k = val(t.key);
          if (!k) return k.error();
          auto v = val(t.value);
          if (!v) return v.error();
          return store_.map(*k, *v);
        }
      },
      type);
  if (result && store_.get(*result).depth > kMaxTypeDepth) {
    return error_at(at,
                    "type is nested more than " + std::to_string(kMaxTypeDepth) + " levels deep");
  }
  if (result) {
    if (auto r = check_value_size(*result, at); !r) return r.error();
  }
  return result;
}

Expected<FuncTypeId> TypeResolver::functype(const TypeSpace& scope, const FuncType& type,
                                            size_t at) {
  fact::FuncType f;
  f.is_async = type.is_async;
  for (const auto& p : type.params) {
    auto t = valtype(scope, p.type, at);
    if (!t) return t.error();
    f.params.push_back({p.label, *t});
  }
  if (type.result) {
    auto t = valtype(scope, *type.result, at);
    if (!t) return t.error();
    if (auto r = check_result_has_no_borrow(store_, *t); !r) return error_at(at, r.error().message);
    f.result = *t;
  }
  return store_.func(std::move(f));
}

Expected<TypeDef> TypeResolver::deftype(const TypeSpace& scope, const Type& type) {
  return std::visit(
      [&](const auto& t) -> Expected<TypeDef> {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, DefValType>) {
          auto v = defvaltype(scope, t, type.offset);
          if (!v) return v.error();
          return TypeDef{TypeDef::Value{*v}};
        } else if constexpr (std::is_same_v<T, FuncType>) {
          auto f = functype(scope, t, type.offset);
          if (!f) return f.error();
          return TypeDef{TypeDef::Func{*f}};
        } else if constexpr (std::is_same_v<T, ComponentType>) {
          return TypeDef{TypeDef::Component{&t, &scope}};
        } else if constexpr (std::is_same_v<T, InstanceType>) {
          return TypeDef{TypeDef::Instance{&t, &scope}};
        } else {
          static_assert(std::is_same_v<T, ResourceType>);
          return error_at(type.offset,
                          "a resource type may only be defined in a component, "
                          "not in a type declaration");
        }
      },
      type.type);
}

CoreTypeDef TypeResolver::core_type(const CoreType& type, const TypeSpace* scope) {
  CoreTypeDef def;
  def.scope = scope;
  if (auto* m = std::get_if<CoreModuleType>(&type.type)) def.module = m;
  if (auto* f = std::get_if<wasm::FuncType>(&type.type)) def.func = *f;
  return def;
}

Expected<void> check_module_type(const CoreModuleType& type) {
  std::set<std::pair<std::string_view, std::string_view>> imports;
  std::set<std::string_view> exports;
  for (const CoreModuleDecl& d : type.decls) {
    const CoreExternType* extern_type = nullptr;
    if (const auto* i = std::get_if<CoreImportDecl>(&d.decl)) {
      if (!imports.emplace(i->module, i->field).second) {
        return error_at(d.offset, "in a core module type: duplicate import name `" + i->module +
                                      ":" + i->field + "`");
      }
      extern_type = &i->type;
    } else if (const auto* e = std::get_if<CoreExportDecl>(&d.decl)) {
      if (!exports.insert(e->name).second) {
        return error_at(d.offset,
                        "in a core module type: export name `" + e->name + "` already defined");
      }
      extern_type = &e->type;
    }
    if (extern_type && extern_type->kind == wasm::ExternKind::Memory) {
      const wasm::MemoryType& m = extern_type->memory;
      const uint64_t limit = wasm::max_pages(m);
      if (m.limits.min > limit || (m.limits.max && *m.limits.max > limit)) {
        return error_at(d.offset,
                        "in a core module type: memory size must be at most " +
                            std::to_string(limit) + " pages, found " +
                            std::to_string(std::max(m.limits.min, m.limits.max.value_or(0))));
      }
    }
  }
  return {};
}

Expected<wasm::ModuleInterface> module_type_interface(const CoreTypeDef& type, size_t at) {
  if (!type.module)
    return error_at(at, "the core type of an imported core module is not a module type");
  if (auto r = check_module_type(*type.module); !r) return r.error();
  wasm::ModuleInterface info;
  // The module type's own core type space; an outer alias may bring in a
  // module type, which no function may use.
  std::vector<bool> is_func;
  auto add = [&](const CoreTypeDef& t) {
    info.types.push_back(t.func.value_or(wasm::FuncType{}));
    is_func.push_back(t.func.has_value());
  };
  auto entity = [&](const CoreExternType& e,
                    size_t where) -> Expected<wasm::ModuleInterface::Entity> {
    auto added = [&](size_t size) {
      return wasm::ModuleInterface::Entity{e.kind, static_cast<uint32_t>(size - 1)};
    };
    switch (e.kind) {
      case wasm::ExternKind::Func:
        if (e.func_type >= info.types.size() || !is_func[e.func_type]) {
          return error_at(where, "core type index " + std::to_string(e.func_type) +
                                     " is not a function type of this module type");
        }
        info.funcs.push_back(e.func_type);
        return added(info.funcs.size());
      case wasm::ExternKind::Table:
        info.tables.push_back(e.table);
        return added(info.tables.size());
      case wasm::ExternKind::Global:
        info.globals.push_back(e.global);
        return added(info.globals.size());
      case wasm::ExternKind::Memory:
        info.memories.push_back(e.memory);
        return added(info.memories.size());
      case wasm::ExternKind::Tag: break;
    }
    return wasm::ModuleInterface::Entity{e.kind, 0};
  };
  for (const CoreModuleDecl& d : type.module->decls) {
    if (const auto* t = std::get_if<CoreType>(&d.decl)) {
      add(TypeResolver::core_type(*t, nullptr));
    } else if (const auto* o = std::get_if<CoreOuterTypeAlias>(&d.decl)) {
      // Count 0 would be the module type itself, which holds no outer
      // aliases of its own types; 1 is the scope that defined it.
      if (o->count == 0 || !type.scope)
        return error_at(d.offset, "unsupported outer alias in a module type");
      auto scope = TypeResolver::outer(*type.scope, o->count - 1, d.offset);
      if (!scope) return scope.error();
      if (o->index >= (*scope)->core_types.size()) {
        return error_at(
            d.offset, "outer alias of core type " + std::to_string(o->index) + " is out of range");
      }
      add((*scope)->core_types[o->index]);
    } else if (const auto* i = std::get_if<CoreImportDecl>(&d.decl)) {
      auto e = entity(i->type, d.offset);
      if (!e) return e.error();
      info.imports.push_back({i->module, i->field, i->type.kind, e->index});
    } else {
      const auto& x = std::get<CoreExportDecl>(d.decl);
      auto e = entity(x.type, d.offset);
      if (!e) return e.error();
      info.exports[x.name] = *e;
    }
  }
  return info;
}

namespace {

// Where two canonical types differ, as the message of a mismatch.
std::string mismatch_text(const std::string& expected, const std::string& actual,
                          const std::optional<std::string>& difference) {
  std::string out = "expected `" + expected + "`, found `" + actual + "`";
  if (difference) out += " (" + *difference + ")";
  return out;
}

}  // namespace

std::optional<std::string> describe_mismatch(const TypeStore& canonical, FuncTypeId expected,
                                             FuncTypeId actual) {
  if (expected == actual) return std::nullopt;
  return mismatch_text(
      to_string(canonical, expected, kTypeMessageLimit),
      to_string(canonical, actual, kTypeMessageLimit),
      func_type_difference(canonical, expected, actual, HandleMatch::SameResource));
}

std::optional<std::string> describe_mismatch(const TypeStore& canonical, TypeId expected,
                                             TypeId actual) {
  if (expected == actual) return std::nullopt;
  return mismatch_text(to_string(canonical, expected, kTypeMessageLimit),
                       to_string(canonical, actual, kTypeMessageLimit),
                       type_difference(canonical, expected, actual, HandleMatch::SameResource));
}

}  // namespace fact::component
