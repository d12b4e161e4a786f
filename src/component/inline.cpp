#include <map>
#include <memory>
#include <utility>

#include "fact/wasm/cursor.h"
#include "fact/wasm/matching.h"
#include "inliner.h"

namespace fact::component::inlining {

using wasm::hex;

const char* item_kind(const Item& item) {
  switch (item.index()) {
    case 0: return "func";
    case 1: return "core module";
    case 2: return "component";
    case 3: return "instance";
    default: return "type";
  }
}

Sort item_sort(const Item& item) {
  switch (item.index()) {
    case 0: return Sort::Func;
    case 1: return Sort::CoreModule;
    case 2: return Sort::Component;
    case 3: return Sort::Instance;
    default: return Sort::Type;
  }
}

namespace {

std::optional<wasm::ExternKind> core_kind(Sort sort) {
  switch (sort) {
    case Sort::CoreFunc: return wasm::ExternKind::Func;
    case Sort::CoreTable: return wasm::ExternKind::Table;
    case Sort::CoreMemory: return wasm::ExternKind::Memory;
    case Sort::CoreGlobal: return wasm::ExternKind::Global;
    case Sort::CoreTag: return wasm::ExternKind::Tag;
    default: return std::nullopt;
  }
}

}  // namespace

Expected<void> Inliner::number_modules(const Component& c) {
  for (const Definition& d : c.definitions) {
    if (const auto* t = std::get_if<CoreType>(&d.item)) {
      if (auto r = check_core_type(*t); !r) return r;
    } else if (const auto* t = std::get_if<Type>(&d.item)) {
      if (auto r = check_nested_types(*t); !r) return r;
    }
    if (auto* m = std::get_if<CoreModule>(&d.item)) {
      auto info = wasm::read_module_interface(m->bytes, m->offset);
      if (!info) return info.error();
      module_index_.emplace(m, static_cast<uint32_t>(out_.modules.size()));
      out_.modules.push_back(m);
      interfaces_.push_back(std::move(*info));
    } else if (auto* nested = std::get_if<Component>(&d.item)) {
      if (auto r = number_modules(*nested); !r) return r;
    }
  }
  return {};
}

Expected<void> Inliner::run_root(const Component& root) {
  out_.component_instances.push_back({std::nullopt, "root"});
  Frame f;
  f.ast = &root;
  f.scope = new_scope(nullptr);
  f.instance = 0;
  auto r = run_frame(f);
  if (!r) return r.error();
  for (const auto& [name, item] : *r) {
    if (const auto* inst = std::get_if<InstancePtr>(&item)) {
      for (const auto& [inner, x] : (*inst)->exports) add_root_export(name + "#" + inner, x);
    } else {
      add_root_export(name, item);
    }
  }
  for (size_t i = 0; i < lifted_of_adapter_.size(); ++i) {
    const LiftedFunc& lf = *lifted_of_adapter_[i];
    out_.adapters[i].lift_name = lf.name.empty() ? "func " + std::to_string(lf.index) : lf.name;
  }
  return {};
}

// Functions only: modules, types and nested instances at the root are not
// callable from the host.
void Inliner::add_root_export(const std::string& name, const Item& item) {
  const auto* func = std::get_if<FuncItem>(&item);
  if (!func) return;
  RootExport e;
  e.name = name;
  e.type = func->type;
  if (const auto* lifted = std::get_if<std::shared_ptr<LiftedFunc>>(&func->def)) {
    e.callee = (*lifted)->callee;
    e.options = (*lifted)->options;
  } else {
    e.host_import = std::get<HostFunc>(func->def).path;
  }
  out_.exports.push_back(std::move(e));
}

Scope* Inliner::new_scope(const Scope* parent) {
  auto types = std::make_unique<TypeSpace>();
  types->parent = parent ? parent->types : nullptr;
  auto scope = std::make_unique<Scope>();
  scope->types = types.get();
  scope->parent = parent;
  type_spaces_.push_back(std::move(types));
  scopes_.push_back(std::move(scope));
  return scopes_.back().get();
}

TypeSpace* Inliner::new_type_space(const TypeSpace* parent) {
  type_spaces_.push_back(std::make_unique<TypeSpace>());
  type_spaces_.back()->parent = parent;
  return type_spaces_.back().get();
}

std::string Inliner::where(const Frame& f) const {
  if (f.instance == 0) return "in the root component";
  return "in component instance " + std::to_string(f.instance) + " (" +
         out_.component_instances[f.instance].name + ")";
}

Error Inliner::fail(const Frame& f, size_t at, const std::string& message) const {
  return Error{"at byte " + hex(at) + ": " + where(f) + ": " + message};
}

Expected<ItemMap> Inliner::run_frame(Frame& f) {
  for (const Definition& d : f.ast->definitions) {
    auto r = std::visit([&](const auto& x) { return step(f, x); }, d.item);
    if (!r) return r.error();
  }
  return std::move(f.exports);
}

std::vector<CoreEntity>* Inliner::core_space(Frame& f, Sort s) {
  switch (s) {
    case Sort::CoreFunc: return &f.core_funcs;
    case Sort::CoreTable: return &f.tables;
    case Sort::CoreMemory: return &f.memories;
    case Sort::CoreGlobal: return &f.globals;
    case Sort::CoreTag: return &f.tags;
    default: return nullptr;
  }
}

Expected<Item> Inliner::get_item(Frame& f, Sort s, uint32_t index, size_t at) {
  auto wrap = [](auto r) -> Expected<Item> {
    if (!r) return r.error();
    return Item(**r);
  };
  switch (s) {
    case Sort::Func: return wrap(at_index(f, f.funcs, index, s, at));
    case Sort::CoreModule: return wrap(at_index(f, f.scope->modules, index, s, at));
    case Sort::Component: return wrap(at_index(f, f.scope->components, index, s, at));
    case Sort::Instance: return wrap(at_index(f, f.instances, index, s, at));
    case Sort::Type: return wrap(at_index(f, f.scope->types->types, index, s, at));
    case Sort::Value: return fail(f, at, "component values are not supported");
    default:
      return fail(f, at,
                  std::string("a ") + sort_name(s) +
                      " cannot be exported or passed to a component instance");
  }
}

void Inliner::push_item(Frame& f, const Item& item) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, FuncItem>)
          f.funcs.push_back(x);
        else if constexpr (std::is_same_v<T, ModuleItem>)
          f.scope->modules.push_back(x);
        else if constexpr (std::is_same_v<T, ComponentItem>)
          f.scope->components.push_back(x);
        else if constexpr (std::is_same_v<T, InstancePtr>)
          f.instances.push_back(x);
        else
          f.scope->types->types.push_back(x);
      },
      item);
}

void Inliner::name_lifted(const Item& item, const std::string& name) {
  if (auto* func = std::get_if<FuncItem>(&item)) {
    if (auto* lifted = std::get_if<std::shared_ptr<LiftedFunc>>(&func->def)) {
      if ((*lifted)->name.empty()) (*lifted)->name = name;
    }
  }
}

Expected<void> Inliner::step(Frame& f, const CoreModule& m) {
  f.scope->modules.push_back(ModuleItem{module_index_.at(&m), std::nullopt});
  return {};
}

Expected<void> Inliner::step(Frame& f, const CoreType& t) {
  f.scope->types->core_types.push_back(TypeResolver::core_type(t, f.scope->types));
  return {};
}

Expected<void> Inliner::step(Frame& f, const Component& c) {
  f.scope->components.push_back(ComponentItem{&c, f.scope});
  return {};
}

Expected<void> Inliner::step(Frame& f, const Start& s) {
  return fail(f, s.offset, "component start functions are not supported");
}

Expected<void> Inliner::step(Frame& f, const Value& v) {
  return fail(f, v.offset, "component values are not supported");
}

Expected<CoreEntity> Inliner::core_export(const Frame& f, const CoreInstanceItem& ci,
                                          uint32_t ci_index, std::string_view name, size_t at) {
  if (!ci.id) {
    auto it = ci.bag.find(name);
    if (it == ci.bag.end()) {
      return fail(f, at,
                  "core instance " + std::to_string(ci_index) + " has no export `" +
                      std::string(name) + "`");
    }
    return it->second;
  }
  const wasm::ModuleInterface& info = interfaces_[ci.module];
  auto it = info.exports.find(name);
  if (it == info.exports.end()) {
    return fail(f, at,
                "core instance " + std::to_string(ci_index) + " (of core module " +
                    std::to_string(ci.module) + ") has no export `" + std::string(name) + "`");
  }
  CoreEntity e;
  e.kind = it->second.kind;
  e.def = CoreDef{CoreDef::Kind::Export, *ci.id, std::string(name)};
  e.type = wasm::entity_type(info, e.kind, it->second.index);
  // Functions and memories are always read; anything else the reader could
  // not learn is only missing its type.
  if (!e.type && (e.kind == wasm::ExternKind::Func || e.kind == wasm::ExternKind::Memory)) {
    return fail(f, at,
                "export `" + std::string(name) + "` of core module " + std::to_string(ci.module) +
                    " names " + wasm::to_string(e.kind) + " " + std::to_string(it->second.index) +
                    ", which does not exist");
  }
  return e;
}

Expected<void> Inliner::step(Frame& f, const CoreInstance& ci) {
  if (const auto* bag = std::get_if<CoreInstanceFromExports>(&ci.expr)) {
    CoreInstanceItem item;
    for (const CoreInlineExport& e : bag->exports) {
      auto* space = core_space(f, e.sort);
      if (!space) {
        return fail(f, ci.offset,
                    std::string("a core instance cannot export a ") + sort_name(e.sort));
      }
      auto entity = at_index(f, *space, e.index, e.sort, ci.offset);
      if (!entity) return entity.error();
      if (!item.bag.emplace(e.name, **entity).second) {
        return fail(f, ci.offset, "core instance exports `" + e.name + "` twice");
      }
    }
    f.core_instances.push_back(std::move(item));
    return {};
  }
  const auto& inst = std::get<CoreInstantiate>(ci.expr);
  auto module = at_index(f, f.scope->modules, inst.module, Sort::CoreModule, ci.offset);
  if (!module) return module.error();
  uint32_t index = (*module)->index;
  const wasm::ModuleInterface& info = interfaces_[index];
  std::map<std::string_view, uint32_t> by_name;
  for (const CoreInstantiateArg& a : inst.args) {
    if (!by_name.emplace(a.name, a.instance).second) {
      return fail(f, ci.offset, "core module instantiation names argument `" + a.name + "` twice");
    }
    if (a.instance >= f.core_instances.size()) {
      return fail(f, ci.offset,
                  "argument `" + a.name + "`: core instance index " + std::to_string(a.instance) +
                      " is out of range");
    }
  }
  CoreInstanceDef def{index, (*module)->import, f.instance, {}};
  for (const auto& imp : info.imports) {
    auto arg = by_name.find(imp.module);
    if (arg == by_name.end()) {
      return fail(f, ci.offset,
                  "core module " + std::to_string(index) + " imports `" + imp.module + "` `" +
                      imp.field + "`, but the instantiation has no argument named `" + imp.module +
                      "`");
    }
    auto entity = core_export(f, f.core_instances[arg->second], arg->second, imp.field, ci.offset);
    if (!entity) return entity.error();
    if (auto r = check_core_argument(f, ci.offset, index, imp, *entity); !r) return r;
    def.args.push_back(entity->def);
  }
  CoreInstanceItem item;
  item.id = static_cast<uint32_t>(out_.instances.size());
  item.module = index;
  out_.instances.push_back(std::move(def));
  f.core_instances.push_back(std::move(item));
  return {};
}

Expected<void> Inliner::step(Frame& f, const Instance& inst) {
  if (const auto* bag = std::get_if<InstanceFromExports>(&inst.expr)) {
    auto item = std::make_shared<InstanceItem>();
    for (const InlineExport& e : bag->exports) {
      auto x = get_item(f, e.sort, e.index, inst.offset);
      if (!x) return x.error();
      name_lifted(*x, e.name.text);
      if (!item->exports.emplace(e.name.text, std::move(*x)).second) {
        return fail(f, inst.offset, "instance exports `" + e.name.text + "` twice");
      }
    }
    f.instances.push_back(std::move(item));
    return {};
  }
  const auto& call = std::get<Instantiate>(inst.expr);
  auto component = at_index(f, f.scope->components, call.component, Sort::Component, inst.offset);
  if (!component) return component.error();
  ItemMap args;
  for (const InstantiateArg& a : call.args) {
    auto x = get_item(f, a.sort, a.index, inst.offset);
    if (!x) return x.error();
    if (!args.emplace(a.name, std::move(*x)).second) {
      return fail(f, inst.offset, "component instantiation names argument `" + a.name + "` twice");
    }
  }
  auto exports = instantiate(f, **component, args, inst.offset);
  if (!exports) return exports.error();
  auto item = std::make_shared<InstanceItem>();
  item->exports = std::move(*exports);
  f.instances.push_back(std::move(item));
  return {};
}

Expected<ItemMap> Inliner::instantiate(Frame& parent, const ComponentItem& c, const ItemMap& args,
                                       size_t at) {
  if (depth_ >= limits_.max_depth) {
    return fail(parent, at,
                "component instantiations nest more than " + std::to_string(limits_.max_depth) +
                    " levels deep");
  }
  if (out_.component_instances.size() >= limits_.max_component_instances) {
    return fail(
        parent, at,
        "more than " + std::to_string(limits_.max_component_instances) + " component instances");
  }
  Frame child;
  child.ast = c.ast;
  child.scope = new_scope(c.closure);
  child.instance = static_cast<uint32_t>(out_.component_instances.size());
  child.ancestors = parent.ancestors;
  child.ancestors.push_back(parent.instance);
  child.args = &args;
  out_.component_instances.push_back(
      {parent.instance, "the component at byte " + hex(c.ast->offset) + ", instantiated at byte " +
                            hex(at) + " by instance " + std::to_string(parent.instance)});
  ++depth_;
  auto r = run_frame(child);
  --depth_;
  return r;
}

Expected<void> Inliner::step(Frame& f, const Alias& a) {
  if (const auto* e = std::get_if<AliasInstanceExport>(&a.target)) {
    auto inst = at_index(f, f.instances, e->instance, Sort::Instance, a.offset);
    if (!inst) return inst.error();
    const InstanceItem& item = ***inst;
    auto it = item.exports.find(e->name);
    if (it == item.exports.end()) {
      return fail(f, a.offset,
                  "instance " + std::to_string(e->instance) + " has no export `" + e->name + "`");
    }
    if (item_sort(it->second) != a.sort) {
      return fail(f, a.offset,
                  "export `" + e->name + "` of instance " + std::to_string(e->instance) + " is a " +
                      item_kind(it->second) + ", not a " + sort_name(a.sort));
    }
    Item x = it->second;
    if (auto* func = std::get_if<FuncItem>(&x)) {
      func->name = item.name.empty() ? e->name : item.name + "#" + e->name;
    }
    push_item(f, x);
    return {};
  }
  if (const auto* e = std::get_if<AliasCoreInstanceExport>(&a.target)) {
    auto ci = at_index(f, f.core_instances, e->instance, Sort::CoreInstance, a.offset);
    if (!ci) return ci.error();
    auto entity = core_export(f, **ci, e->instance, e->name, a.offset);
    if (!entity) return entity.error();
    auto kind = core_kind(a.sort);
    auto* space = core_space(f, a.sort);
    if (!kind || !space) {
      return fail(f, a.offset,
                  std::string("cannot alias a ") + sort_name(a.sort) + " from a core instance");
    }
    if (*kind != entity->kind) {
      return fail(f, a.offset,
                  "export `" + e->name + "` of core instance " + std::to_string(e->instance) +
                      " is a " + wasm::to_string(entity->kind) + ", not a " + sort_name(a.sort));
    }
    space->push_back(std::move(*entity));
    return {};
  }
  const auto& o = std::get<AliasOuter>(a.target);
  const Scope* s = f.scope;
  for (uint32_t i = 0; i < o.count; ++i) {
    if (!s->parent) {
      return fail(f, a.offset,
                  "outer alias reaches " + std::to_string(o.count) + " components out, but only " +
                      std::to_string(i) + " enclose it");
    }
    s = s->parent;
  }
  switch (a.sort) {
    case Sort::CoreModule: {
      auto m = at_index(f, s->modules, o.index, a.sort, a.offset);
      if (!m) return m.error();
      f.scope->modules.push_back(**m);
      return {};
    }
    case Sort::Component: {
      auto c = at_index(f, s->components, o.index, a.sort, a.offset);
      if (!c) return c.error();
      f.scope->components.push_back(**c);
      return {};
    }
    case Sort::Type: {
      auto t = at_index(f, s->types->types, o.index, a.sort, a.offset);
      if (!t) return t.error();
      if (o.count > 0 && std::holds_alternative<TypeDef::Resource>((*t)->def)) {
        return fail(f, a.offset, "an outer alias of a type may not refer to a resource");
      }
      f.scope->types->types.push_back(**t);
      return {};
    }
    case Sort::CoreType: {
      auto t = at_index(f, s->types->core_types, o.index, a.sort, a.offset);
      if (!t) return t.error();
      f.scope->types->core_types.push_back(**t);
      return {};
    }
    default:
      return fail(f, a.offset, std::string("an outer alias cannot name a ") + sort_name(a.sort));
  }
}

Expected<void> Inliner::step(Frame& f, const Type& t) {
  if (const auto* r = std::get_if<ResourceType>(&t.type)) {
    if (r->rep != 0x7f) return fail(f, t.offset, "a resource's representation must be i32");
    std::optional<CoreDef> destructor;
    if (r->destructor) {
      if (*r->destructor >= f.core_funcs.size()) {
        return fail(f, t.offset,
                    "the resource destructor names core func " + std::to_string(*r->destructor) +
                        ", which does not exist");
      }
      const CoreEntity& dtor = f.core_funcs[*r->destructor];
      if (auto c = check_destructor(f, t.offset, *r->destructor, dtor); !c) return c;
      destructor = dtor.def;
    }
    ResourceId id =
        out_.types.define_resource({f.instance,
                                    "resource defined at byte " + hex(t.offset) +
                                        " in component instance " + std::to_string(f.instance),
                                    std::move(destructor),
                                    {}});
    f.scope->types->types.push_back(TypeDef{TypeDef::Resource{id}});
    return {};
  }
  auto def = out_.types.deftype(*f.scope->types, t);
  if (!def) return def.error();
  f.scope->types->types.push_back(std::move(*def));
  return {};
}

}  // namespace fact::component::inlining

namespace fact::component {

Expected<Dataflow> inline_component(const Component& root, const InlineLimits& limits) {
  using inlining::Inliner;
  Dataflow out;
  Inliner inliner(out, limits);
  if (auto r = inliner.number_modules(root); !r) return r.error();
  if (auto r = inliner.run_root(root); !r) return r.error();
  return out;
}

}  // namespace fact::component
