#include "component/inline.h"

#include <map>
#include <memory>
#include <unordered_map>
#include <utility>

#include "component/cursor.h"
#include "fact/abi.h"

namespace fact::component {
namespace {

// ---------------------------------------------------------------------------
// What the index spaces of a frame hold: definitions, not indices.

struct CoreEntity {
  CoreExternType::Kind kind = CoreExternType::Kind::Func;
  CoreDef def;
  std::optional<FuncSignature> signature;  // functions, when known
  MemoryType memory;                       // memories
  // For the import checks of core instantiation, when known.
  std::optional<CoreLimitsInfo> memory_limits;
  std::optional<CoreTableInfo> table;
  std::optional<CoreGlobalInfo> global;
};

struct LiftedFunc {
  FuncTypeId type;
  CoreDef callee;
  OptionsDef options;
  std::string name;  // the first name it was exported under
  size_t offset = 0;
  uint32_t index = 0;  // in the lifting frame's func space
};

struct HostFunc {
  std::string path;
};

struct FuncItem {
  std::variant<std::shared_ptr<LiftedFunc>, HostFunc> def;
  FuncTypeId type;   // canonical, as the holding frame sees it
  std::string name;  // how the holding frame got it, for reports
};

struct ModuleItem {
  uint32_t index = 0;  // into the inliner's module summaries
  std::optional<std::string> import;  // the root import path of an imported module
};

struct Scope;

struct ComponentItem {
  const Component* ast = nullptr;
  const Scope* closure = nullptr;  // the scope that defined it
};

struct InstanceItem;
using InstancePtr = std::shared_ptr<const InstanceItem>;
using Item = std::variant<FuncItem, ModuleItem, ComponentItem, InstancePtr, TypeDef>;
using ItemMap = std::map<std::string, Item, std::less<>>;

struct InstanceItem {
  ItemMap exports;
  std::string name;  // the import name, when the frame imported it
};

// The lexically scoped spaces: what outer aliases can reach.
struct Scope {
  TypeSpace* types = nullptr;
  std::vector<ModuleItem> modules;
  std::vector<ComponentItem> components;
  const Scope* parent = nullptr;
};

struct CoreInstanceItem {
  std::optional<uint32_t> id;  // an instantiated module; nullopt for a bag
  uint32_t module = 0;
  std::map<std::string, CoreEntity, std::less<>> bag;
};

struct Frame {
  const Component* ast = nullptr;
  Scope* scope = nullptr;
  uint32_t instance = 0;
  std::vector<uint32_t> ancestors;
  const ItemMap* args = nullptr;  // nullptr for the root
  std::vector<CoreEntity> core_funcs, tables, memories, globals, tags;
  std::vector<CoreInstanceItem> core_instances;
  std::vector<FuncItem> funcs;
  std::vector<InstancePtr> instances;
  ItemMap exports;
};

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

const char* core_kind_name(CoreExternType::Kind kind) {
  switch (kind) {
    case CoreExternType::Kind::Func: return "func";
    case CoreExternType::Kind::Table: return "table";
    case CoreExternType::Kind::Memory: return "memory";
    case CoreExternType::Kind::Global: return "global";
    case CoreExternType::Kind::Tag: return "tag";
  }
  return "?";
}

std::optional<CoreExternType::Kind> core_kind(Sort sort) {
  switch (sort) {
    case Sort::CoreFunc: return CoreExternType::Kind::Func;
    case Sort::CoreTable: return CoreExternType::Kind::Table;
    case Sort::CoreMemory: return CoreExternType::Kind::Memory;
    case Sort::CoreGlobal: return CoreExternType::Kind::Global;
    case Sort::CoreTag: return CoreExternType::Kind::Tag;
    default: return std::nullopt;
  }
}

std::string signature_text(const FuncSignature& s) {
  auto list = [](const std::vector<fact::CoreType>& types) {
    std::string out = "[";
    for (size_t i = 0; i < types.size(); ++i) {
      if (i) out += " ";
      out += core_type_name(types[i]);
    }
    return out + "]";
  };
  return list(s.params) + " -> " + list(s.results);
}

// A key that identifies an adapter by value, for deduplication. Built with
// plain appends (GCC 12 warns spuriously about chains of string `+`).
void key_number(std::string& k, char tag, uint64_t value) {
  k += tag;
  k += std::to_string(value);
}
void key_core(std::string& k, const CoreDef& d) {
  key_number(k, 'k', static_cast<uint64_t>(d.kind));
  key_number(k, ':', d.index);
  key_number(k, ':', d.name.size());
  k += ':';
  k += d.name;
}
void key_options(std::string& k, const OptionsDef& o) {
  key_number(k, 'i', o.instance);
  key_number(k, 'e', static_cast<uint64_t>(o.string_encoding));
  for (uint32_t a : o.ancestors) key_number(k, 'a', a);
  if (o.memory) {
    key_number(k, 'm', o.memory->type.memory64);
    key_number(k, ',', o.memory->type.shared);
    key_number(k, ',', o.memory->type.page_size_log2);
    key_core(k, o.memory->def);
  }
  if (o.realloc) {
    k += 'r';
    key_core(k, *o.realloc);
  }
  if (o.post_return) {
    k += 'p';
    key_core(k, *o.post_return);
  }
  k += '|';
}

class Inliner {
 public:
  Inliner(Dataflow& out, const InlineLimits& limits) : out_(out), limits_(limits) {}

  // Static checks of core module types wherever they are declared, also in
  // components that are never instantiated and in type declarations.
  static Expected<void> check_module_types(const std::vector<Decl>& decls) {
    for (const Decl& d : decls) {
      if (const auto* t = std::get_if<CoreType>(&d.decl)) {
        if (auto r = check_core_type(*t); !r) return r;
      } else if (const auto* t = std::get_if<Type>(&d.decl)) {
        if (auto r = check_nested_types(*t); !r) return r;
      }
    }
    return {};
  }
  static Expected<void> check_core_type(const CoreType& t) {
    if (const auto* m = std::get_if<CoreModuleType>(&t.type)) return check_module_type(*m);
    return {};
  }
  static Expected<void> check_nested_types(const Type& t) {
    if (const auto* c = std::get_if<ComponentType>(&t.type)) return check_module_types(c->decls);
    if (const auto* i = std::get_if<InstanceType>(&t.type)) return check_module_types(i->decls);
    return {};
  }

  Expected<void> number_modules(const Component& c) {
    for (const Definition& d : c.definitions) {
      if (const auto* t = std::get_if<CoreType>(&d.item)) {
        if (auto r = check_core_type(*t); !r) return r;
      } else if (const auto* t = std::get_if<Type>(&d.item)) {
        if (auto r = check_nested_types(*t); !r) return r;
      }
      if (auto* m = std::get_if<CoreModule>(&d.item)) {
        auto info = summarize_core_module(m->bytes, m->offset);
        if (!info) return info.error();
        module_index_.emplace(m, static_cast<uint32_t>(out_.modules.size()));
        out_.modules.push_back(m);
        infos_.push_back(std::move(*info));
      } else if (auto* nested = std::get_if<Component>(&d.item)) {
        if (auto r = number_modules(*nested); !r) return r;
      }
    }
    return {};
  }

  Expected<void> run_root(const Component& root) {
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
      out_.adapters[i].lift_name =
          lf.name.empty() ? "func " + std::to_string(lf.index) : lf.name;
    }
    return {};
  }

 private:
  // Functions only: modules, types and nested instances at the root are not
  // callable from the host.
  void add_root_export(const std::string& name, const Item& item) {
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

  Scope* new_scope(const Scope* parent) {
    auto types = std::make_unique<TypeSpace>();
    types->parent = parent ? parent->types : nullptr;
    auto scope = std::make_unique<Scope>();
    scope->types = types.get();
    scope->parent = parent;
    type_spaces_.push_back(std::move(types));
    scopes_.push_back(std::move(scope));
    return scopes_.back().get();
  }
  TypeSpace* new_type_space(const TypeSpace* parent) {
    type_spaces_.push_back(std::make_unique<TypeSpace>());
    type_spaces_.back()->parent = parent;
    return type_spaces_.back().get();
  }

  std::string where(const Frame& f) const {
    if (f.instance == 0) return "in the root component";
    return "in component instance " + std::to_string(f.instance) + " (" +
           out_.component_instances[f.instance].name + ")";
  }
  Error fail(const Frame& f, size_t at, const std::string& message) const {
    return Error{"at byte " + hex(at) + ": " + where(f) + ": " + message};
  }

  Expected<ItemMap> run_frame(Frame& f) {
    for (const Definition& d : f.ast->definitions) {
      auto r = std::visit([&](const auto& x) { return step(f, x); }, d.item);
      if (!r) return r.error();
    }
    return std::move(f.exports);
  }

  // ---- index spaces --------------------------------------------------------

  std::vector<CoreEntity>* core_space(Frame& f, Sort s) {
    switch (s) {
      case Sort::CoreFunc: return &f.core_funcs;
      case Sort::CoreTable: return &f.tables;
      case Sort::CoreMemory: return &f.memories;
      case Sort::CoreGlobal: return &f.globals;
      case Sort::CoreTag: return &f.tags;
      default: return nullptr;
    }
  }

  template <class T>
  Expected<const T*> at_index(const Frame& f, const std::vector<T>& space, uint32_t index,
                              Sort s, size_t at) {
    if (index >= space.size()) {
      return fail(f, at, std::string(sort_name(s)) + " index " + std::to_string(index) +
                             " is out of range (" + std::to_string(space.size()) + " defined)");
    }
    return &space[index];
  }

  Expected<Item> get_item(Frame& f, Sort s, uint32_t index, size_t at) {
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
        return fail(f, at, std::string("a ") + sort_name(s) +
                               " cannot be exported or passed to a component instance");
    }
  }

  void push_item(Frame& f, const Item& item) {
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, FuncItem>) f.funcs.push_back(x);
          else if constexpr (std::is_same_v<T, ModuleItem>) f.scope->modules.push_back(x);
          else if constexpr (std::is_same_v<T, ComponentItem>) f.scope->components.push_back(x);
          else if constexpr (std::is_same_v<T, InstancePtr>) f.instances.push_back(x);
          else f.scope->types->types.push_back(x);
        },
        item);
  }

  static void name_lifted(const Item& item, const std::string& name) {
    if (auto* func = std::get_if<FuncItem>(&item)) {
      if (auto* lifted = std::get_if<std::shared_ptr<LiftedFunc>>(&func->def)) {
        if ((*lifted)->name.empty()) (*lifted)->name = name;
      }
    }
  }

  // ---- definitions ---------------------------------------------------------

  Expected<void> step(Frame& f, const CoreModule& m) {
    f.scope->modules.push_back(ModuleItem{module_index_.at(&m), std::nullopt});
    return {};
  }

  Expected<void> step(Frame& f, const CoreType& t) {
    f.scope->types->core_types.push_back(TypeResolver::core_type(t, f.scope->types));
    return {};
  }

  Expected<void> step(Frame& f, const Component& c) {
    f.scope->components.push_back(ComponentItem{&c, f.scope});
    return {};
  }

  Expected<void> step(Frame& f, const Start& s) {
    return fail(f, s.offset, "component start functions are not supported");
  }

  Expected<void> step(Frame& f, const Value& v) {
    return fail(f, v.offset, "component values are not supported");
  }

  // What a module (or module type) says about one of its imports or
  // exports, in the form import_mismatch compares.
  static CoreEntity module_entity(const CoreModuleInfo& info, CoreExternType::Kind kind,
                                  uint32_t index) {
    CoreEntity e;
    e.kind = kind;
    switch (kind) {
      case CoreExternType::Kind::Func:
        e.signature = info.func_signature(index);
        break;
      case CoreExternType::Kind::Memory:
        if (index < info.memories.size()) e.memory = info.memories[index];
        if (index < info.memory_limits.size()) e.memory_limits = info.memory_limits[index];
        break;
      case CoreExternType::Kind::Table:
        if (index < info.tables.size()) e.table = info.tables[index];
        break;
      case CoreExternType::Kind::Global:
        if (index < info.globals.size()) e.global = info.globals[index];
        break;
      case CoreExternType::Kind::Tag:
        break;
    }
    return e;
  }

  // Core module subtyping (Explainer.md, instantiation with a core module
  // argument): the module given may import less than the declared type
  // (each of its imports must accept what the type promises to supply) and
  // export more (each declared export must be present, of a subtype).
  static std::optional<std::string> module_mismatch(const CoreModuleInfo& declared,
                                                    const CoreModuleInfo& actual) {
    for (const auto& imp : actual.imports) {
      const std::string name = imp.module + "::" + imp.field;
      const CoreModuleInfo::ImportEntry* want = nullptr;
      for (const auto& d : declared.imports) {
        if (d.module == imp.module && d.field == imp.field) {
          want = &d;
          break;
        }
      }
      if (!want)
        return "missing expected import `" + name +
               "` (the module given imports it, the type does not)";
      if (want->kind != imp.kind) {
        return "type mismatch in import `" + name + "`: expected " + core_kind_name(imp.kind) +
               ", found " + core_kind_name(want->kind);
      }
      if (auto why =
              import_mismatch(actual, imp, module_entity(declared, want->kind, want->index))) {
        return "type mismatch in import `" + name + "`: " + *why;
      }
    }
    for (const auto& [name, want] : declared.exports) {
      auto it = actual.exports.find(name);
      if (it == actual.exports.end()) return "missing expected export `" + name + "`";
      if (it->second.kind != want.kind) {
        return "type mismatch in export `" + name + "`: expected " + core_kind_name(want.kind) +
               ", found " + core_kind_name(it->second.kind);
      }
      const CoreModuleInfo::ImportEntry as_import{"", name, want.kind, want.index};
      if (auto why = import_mismatch(declared, as_import,
                                     module_entity(actual, it->second.kind, it->second.index))) {
        return "type mismatch in export `" + name + "`: " + *why;
      }
    }
    return std::nullopt;
  }

  Expected<CoreEntity> core_export(const Frame& f, const CoreInstanceItem& ci, uint32_t ci_index,
                                   std::string_view name, size_t at) {
    if (!ci.id) {
      auto it = ci.bag.find(name);
      if (it == ci.bag.end()) {
        return fail(f, at, "core instance " + std::to_string(ci_index) + " has no export `" +
                               std::string(name) + "`");
      }
      return it->second;
    }
    const CoreModuleInfo& info = infos_[ci.module];
    auto it = info.exports.find(name);
    if (it == info.exports.end()) {
      return fail(f, at, "core instance " + std::to_string(ci_index) + " (of core module " +
                             std::to_string(ci.module) + ") has no export `" + std::string(name) +
                             "`");
    }
    CoreEntity e;
    e.kind = it->second.kind;
    e.def = CoreDef{CoreDef::Kind::Export, *ci.id, std::string(name)};
    if (e.kind == CoreExternType::Kind::Func) {
      if (it->second.index >= info.funcs.size()) {
        return fail(f, at, "export `" + std::string(name) + "` of core module " +
                               std::to_string(ci.module) + " names function " +
                               std::to_string(it->second.index) + ", which does not exist");
      }
      e.signature = info.func_signature(it->second.index);
    } else if (e.kind == CoreExternType::Kind::Memory) {
      if (it->second.index >= info.memories.size()) {
        return fail(f, at, "export `" + std::string(name) + "` of core module " +
                               std::to_string(ci.module) + " names memory " +
                               std::to_string(it->second.index) + ", which does not exist");
      }
      e.memory = info.memories[it->second.index];
      if (it->second.index < info.memory_limits.size())
        e.memory_limits = info.memory_limits[it->second.index];
    } else if (e.kind == CoreExternType::Kind::Table && it->second.index < info.tables.size()) {
      e.table = info.tables[it->second.index];
    } else if (e.kind == CoreExternType::Kind::Global && it->second.index < info.globals.size()) {
      e.global = info.globals[it->second.index];
    }
    return e;
  }

  // Core subtyping of an instantiation argument against the import it
  // fills: nullopt when it fits, otherwise what is wrong.
  static std::optional<std::string> import_mismatch(const CoreModuleInfo& info,
                                                    const CoreModuleInfo::ImportEntry& imp,
                                                    const CoreEntity& actual) {
    auto limits_text = [](const CoreLimitsInfo& l) {
      return std::to_string(l.min) + (l.max ? " " + std::to_string(*l.max) : std::string());
    };
    switch (imp.kind) {
      case CoreExternType::Kind::Func: {
        auto expected = info.func_signature(imp.index);
        if (expected && actual.signature && *expected != *actual.signature) {
          return "the function given has type " + signature_text(*actual.signature) + ", but " +
                 signature_text(*expected) + " is expected";
        }
        return std::nullopt;
      }
      case CoreExternType::Kind::Table: {
        if (imp.index >= info.tables.size() || !actual.table) return std::nullopt;
        const CoreTableInfo& expected = info.tables[imp.index];
        if (expected.element != actual.table->element) {
          return "expected table element type " + expected.element + ", found " +
                 actual.table->element;
        }
        if (expected.is64 != actual.table->is64) return "the table index types (i32, i64) differ";
        if (!limits_match(expected.limits, actual.table->limits)) {
          return "mismatch in table limits: expected " + limits_text(expected.limits) + ", found " +
                 limits_text(actual.table->limits);
        }
        return std::nullopt;
      }
      case CoreExternType::Kind::Memory: {
        if (imp.index >= info.memories.size()) return std::nullopt;
        const MemoryType& expected = info.memories[imp.index];
        if (expected.shared != actual.memory.shared)
          return "mismatch in the shared flag for memories";
        if (expected.memory64 != actual.memory.memory64)
          return "the memory index types (i32, i64) differ";
        if (expected.page_size_log2 != actual.memory.page_size_log2)
          return "the memory page sizes differ";
        if (imp.index < info.memory_limits.size() && actual.memory_limits &&
            !limits_match(info.memory_limits[imp.index], *actual.memory_limits)) {
          return "mismatch in memory limits: expected " +
                 limits_text(info.memory_limits[imp.index]) + ", found " +
                 limits_text(*actual.memory_limits);
        }
        return std::nullopt;
      }
      case CoreExternType::Kind::Global: {
        if (imp.index >= info.globals.size() || !actual.global) return std::nullopt;
        const CoreGlobalInfo& expected = info.globals[imp.index];
        if (expected.mutable_ != actual.global->mutable_) {
          return std::string("expected ") + (expected.mutable_ ? "a mutable" : "an immutable") +
                 " global, found " + (actual.global->mutable_ ? "a mutable" : "an immutable") +
                 " one";
        }
        if (expected.type != actual.global->type) {
          return "expected global type " + expected.type + ", found " + actual.global->type;
        }
        return std::nullopt;
      }
      case CoreExternType::Kind::Tag:
        return std::nullopt;
    }
    return std::nullopt;
  }

  Expected<void> step(Frame& f, const CoreInstance& ci) {
    if (const auto* bag = std::get_if<CoreInstanceFromExports>(&ci.expr)) {
      CoreInstanceItem item;
      for (const CoreInlineExport& e : bag->exports) {
        auto* space = core_space(f, e.sort);
        if (!space) {
          return fail(f, ci.offset, std::string("a core instance cannot export a ") +
                                        sort_name(e.sort));
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
    const CoreModuleInfo& info = infos_[index];
    std::map<std::string_view, uint32_t> by_name;
    for (const CoreInstantiateArg& a : inst.args) {
      if (!by_name.emplace(a.name, a.instance).second) {
        return fail(f, ci.offset, "core module instantiation names argument `" + a.name + "` twice");
      }
      if (a.instance >= f.core_instances.size()) {
        return fail(f, ci.offset, "argument `" + a.name + "`: core instance index " +
                                      std::to_string(a.instance) + " is out of range");
      }
    }
    CoreInstanceDef def{index, (*module)->import, f.instance, {}};
    for (const auto& imp : info.imports) {
      auto arg = by_name.find(imp.module);
      if (arg == by_name.end()) {
        return fail(f, ci.offset, "core module " + std::to_string(index) + " imports `" +
                                      imp.module + "` `" + imp.field +
                                      "`, but the instantiation has no argument named `" +
                                      imp.module + "`");
      }
      auto entity = core_export(f, f.core_instances[arg->second], arg->second, imp.field, ci.offset);
      if (!entity) return entity.error();
      if (entity->kind != imp.kind) {
        return fail(f, ci.offset, "import `" + imp.module + "` `" + imp.field + "` of core module " +
                                      std::to_string(index) + " is a " + core_kind_name(imp.kind) +
                                      ", but the argument provides a " +
                                      core_kind_name(entity->kind));
      }
      if (auto why = import_mismatch(info, imp, *entity)) {
        return fail(f, ci.offset,
                    "import `" + imp.module + "` `" + imp.field + "` of core module " +
                        std::to_string(index) + ": " + *why);
      }
      def.args.push_back(entity->def);
    }
    CoreInstanceItem item;
    item.id = static_cast<uint32_t>(out_.instances.size());
    item.module = index;
    out_.instances.push_back(std::move(def));
    f.core_instances.push_back(std::move(item));
    return {};
  }

  Expected<void> step(Frame& f, const Instance& inst) {
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

  Expected<ItemMap> instantiate(Frame& parent, const ComponentItem& c, const ItemMap& args,
                                size_t at) {
    if (depth_ >= limits_.max_depth) {
      return fail(parent, at, "component instantiations nest more than " +
                                  std::to_string(limits_.max_depth) + " levels deep");
    }
    if (out_.component_instances.size() >= limits_.max_component_instances) {
      return fail(parent, at, "more than " + std::to_string(limits_.max_component_instances) +
                                  " component instances");
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

  // ---- aliases
  // ---------------------------------------------------------------

  Expected<void> step(Frame& f, const Alias& a) {
    if (const auto* e = std::get_if<AliasInstanceExport>(&a.target)) {
      auto inst = at_index(f, f.instances, e->instance, Sort::Instance, a.offset);
      if (!inst) return inst.error();
      const InstanceItem& item = ***inst;
      auto it = item.exports.find(e->name);
      if (it == item.exports.end()) {
        return fail(f, a.offset, "instance " + std::to_string(e->instance) + " has no export `" +
                                     e->name + "`");
      }
      if (item_sort(it->second) != a.sort) {
        return fail(f, a.offset, "export `" + e->name + "` of instance " +
                                     std::to_string(e->instance) + " is a " + item_kind(it->second) +
                                     ", not a " + sort_name(a.sort));
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
        return fail(f, a.offset, std::string("cannot alias a ") + sort_name(a.sort) +
                                     " from a core instance");
      }
      if (*kind != entity->kind) {
        return fail(f, a.offset, "export `" + e->name + "` of core instance " +
                                     std::to_string(e->instance) + " is a " +
                                     core_kind_name(entity->kind) + ", not a " + sort_name(a.sort));
      }
      space->push_back(std::move(*entity));
      return {};
    }
    const auto& o = std::get<AliasOuter>(a.target);
    const Scope* s = f.scope;
    for (uint32_t i = 0; i < o.count; ++i) {
      if (!s->parent) {
        return fail(f, a.offset, "outer alias reaches " + std::to_string(o.count) +
                                     " components out, but only " + std::to_string(i) +
                                     " enclose it");
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

  // ---- types
  // -----------------------------------------------------------------

  Expected<void> step(Frame& f, const Type& t) {
    if (const auto* r = std::get_if<ResourceType>(&t.type)) {
      if (r->rep != 0x7f) return fail(f, t.offset, "a resource's representation must be i32");
      std::optional<CoreDef> destructor;
      if (r->destructor) {
        if (*r->destructor >= f.core_funcs.size()) {
          return fail(f, t.offset, "the resource destructor names core func " +
                                       std::to_string(*r->destructor) + ", which does not exist");
        }
        const CoreEntity& dtor = f.core_funcs[*r->destructor];
        const FuncSignature expected{{fact::CoreType::I32}, {}};
        if (dtor.signature && *dtor.signature != expected) {
          return fail(f, t.offset, "the resource destructor (core func " +
                                       std::to_string(*r->destructor) + ") has type " +
                                       signature_text(*dtor.signature) + ", but a destructor takes " +
                                       signature_text(expected));
        }
        destructor = dtor.def;
      }
      ResourceId id = out_.types.define_resource(
          {f.instance,
           "resource defined at byte " + hex(t.offset) + " in component instance " +
               std::to_string(f.instance),
           std::move(destructor)});
      f.scope->types->types.push_back(TypeDef{TypeDef::Resource{id}});
      return {};
    }
    auto def = out_.types.deftype(*f.scope->types, t);
    if (!def) return def.error();
    f.scope->types->types.push_back(std::move(*def));
    return {};
  }

  // ---- imports and exports
  // -----------------------------------------------------

  // Where an instance type's items come from: the host (a root import), or
  // the instance passed as an instantiation argument.
  struct Source {
    const InstanceItem* arg = nullptr;
    std::string path;  // the import path (host) or a description of the argument
  };

  Expected<InstancePtr> resolve_instance_type(const Frame& f, const TypeDef::Instance& type,
                                              const Source& source, const std::string& name) {
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

  Expected<void> decl_alias(const Frame& f, TypeSpace& local,
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
      return fail(f, a.offset, std::string("unsupported outer alias of a ") + sort_name(a.sort) +
                                   " in a type declaration");
    }
    if (const auto* e = std::get_if<AliasInstanceExport>(&a.target); e && a.sort == Sort::Type) {
      if (e->instance >= instances.size()) {
        return fail(f, a.offset, "instance index " + std::to_string(e->instance) +
                                     " is out of range in this type declaration");
      }
      auto it = instances[e->instance]->exports.find(e->name);
      if (it == instances[e->instance]->exports.end() || !std::holds_alternative<TypeDef>(it->second)) {
        return fail(f, a.offset, "instance " + std::to_string(e->instance) +
                                     " of this type declaration has no type export `" + e->name + "`");
      }
      local.types.push_back(std::get<TypeDef>(it->second));
      return {};
    }
    return fail(f, a.offset, std::string("unsupported alias of a ") + sort_name(a.sort) +
                                 " in a type declaration");
  }

  Expected<Item> export_decl(const Frame& f, const TypeSpace& local, const ExportDecl& e,
                             const Source& source, const std::string& name, size_t at) {
    const std::string& n = e.name.text;
    const std::string path = name + "#" + n;
    const Item* actual = nullptr;
    if (source.arg) {
      auto it = source.arg->exports.find(n);
      if (it == source.arg->exports.end()) {
        return fail(f, at, "the instance given for import `" + name + "` has no export `" + n +
                               "`, which the import's type requires");
      }
      actual = &it->second;
      if (item_sort(*actual) != e.type.sort) {
        return fail(f, at, "export `" + n + "` of the instance given for import `" + name +
                               "` is a " + item_kind(*actual) + ", but the import's type says " +
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
          return fail(f, at, "export `" + n + "` of the instance given for import `" + name +
                                 "` has the wrong type: " + *m);
        }
        func.name = path;
        return Item(std::move(func));
      }
      case Sort::Type: {
        if (e.type.type_bound.kind == TypeBound::Kind::SubResource) {
          if (!actual) return Item(TypeDef{TypeDef::Resource{out_.types.imported_resource(path)}});
          if (!std::holds_alternative<TypeDef::Resource>(std::get<TypeDef>(*actual).def)) {
            return fail(f, at, "export `" + n + "` of the instance given for import `" + name +
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
        }
        return Item(std::move(*def));
      }
      case Sort::Instance: {
        auto def = TypeResolver::type_at(local, e.type.index, at);
        if (!def) return def.error();
        const auto* type = std::get_if<TypeDef::Instance>(&def->def);
        if (!type) return fail(f, at, "export `" + n + "` is declared with a type that is not an instance type");
        Source nested{actual ? std::get<InstancePtr>(*actual).get() : nullptr, path};
        auto inst = resolve_instance_type(f, *type, nested, path);
        if (!inst) return inst.error();
        return Item(std::move(*inst));
      }
      case Sort::CoreModule: {
        if (e.type.index >= local.core_types.size()) {
          return fail(f, at, "core type index " + std::to_string(e.type.index) + " is out of range");
        }
        auto info = summarize_module_type(local.core_types[e.type.index], at);
        if (!info) return info.error();
        if (actual) {
          if (auto why = module_mismatch(*info, infos_[std::get<ModuleItem>(*actual).index])) {
            return fail(f, at,
                        "export `" + n + "` of the instance given for import `" + name +
                            "` is a core module that does not match its type: " + *why);
          }
          return *actual;
        }
        infos_.push_back(std::move(*info));
        return Item(ModuleItem{static_cast<uint32_t>(infos_.size() - 1), path});
      }
      case Sort::Component:
        if (!actual) return fail(f, at, "importing a component (`" + path + "`) at the root is not supported");
        return *actual;
      default:
        return fail(f, at, "component values are not supported (`" + path + "`)");
    }
  }

  Expected<FuncTypeId> func_type_at(const Frame& f, const TypeSpace& types, uint32_t index,
                                    size_t at) {
    auto def = TypeResolver::type_at(types, index, at);
    if (!def) return def.error();
    if (const auto* func = std::get_if<TypeDef::Func>(&def->def)) return func->type;
    return fail(f, at, "type index " + std::to_string(index) + " is not a function type");
  }

  Expected<void> check_same_type(const Frame& f, const TypeDef& expected, const TypeDef& actual,
                                 const std::string& what, size_t at) {
    const auto* ev = std::get_if<TypeDef::Value>(&expected.def);
    const auto* av = std::get_if<TypeDef::Value>(&actual.def);
    if (ev && av) {
      if (auto m = describe_mismatch(out_.types.store(), ev->type, av->type)) {
        return fail(f, at, "type `" + what + "` does not match: " + *m);
      }
      return {};
    }
    const auto* er = std::get_if<TypeDef::Resource>(&expected.def);
    const auto* ar = std::get_if<TypeDef::Resource>(&actual.def);
    if (er && ar && er->id != ar->id) {
      return fail(f, at, "type `" + what + "` is " + out_.types.resource(ar->id).name +
                             ", but " + out_.types.resource(er->id).name + " is expected");
    }
    if (expected.def.index() != actual.def.index()) {
      return fail(f, at, "type `" + what + "` is not the kind of type the import declares");
    }
    return {};
  }

  Expected<void> step(Frame& f, const Import& imp) {
    const std::string& name = imp.name.text;
    const ExternType& type = imp.type;
    const Item* actual = nullptr;
    if (f.args) {
      auto it = f.args->find(name);
      if (it != f.args->end()) actual = &it->second;
      if (actual && item_sort(*actual) != type.sort) {
        return fail(f, imp.offset, "import `" + name + "` is a " + sort_name(type.sort) +
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
          return fail(f, imp.offset, "the function given for import `" + name +
                                         "` has the wrong type: " + *m);
        }
        func.name = name;
        f.funcs.push_back(std::move(func));
        return {};
      }
      case Sort::Instance: {
        auto def = TypeResolver::type_at(*f.scope->types, type.index, imp.offset);
        if (!def) return def.error();
        const auto* itype = std::get_if<TypeDef::Instance>(&def->def);
        if (!itype) return fail(f, imp.offset, "import `" + name + "` is declared with a type that is not an instance type");
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
        }
        f.scope->types->types.push_back(std::move(*def));
        return {};
      }
      case Sort::CoreModule: {
        if (type.index >= f.scope->types->core_types.size()) {
          return fail(f, imp.offset, "core type index " + std::to_string(type.index) + " is out of range");
        }
        auto info = summarize_module_type(f.scope->types->core_types[type.index], imp.offset);
        if (!info) return info.error();
        if (actual) {
          const ModuleItem& given = std::get<ModuleItem>(*actual);
          if (auto why = module_mismatch(*info, infos_[given.index])) {
            return fail(
                f, imp.offset,
                "the core module given for import `" + name + "` does not match its type: " + *why);
          }
          push_item(f, *actual);
          return {};
        }
        infos_.push_back(std::move(*info));
        f.scope->modules.push_back(ModuleItem{static_cast<uint32_t>(infos_.size() - 1), name});
        return {};
      }
      case Sort::Component:
        if (!actual) return fail(f, imp.offset, "importing a component (`" + name + "`) at the root is not supported");
        push_item(f, *actual);
        return {};
      default:
        return fail(f, imp.offset, "component values are not supported (import `" + name + "`)");
    }
  }

  Expected<void> step(Frame& f, const Export& e) {
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

  // ---- canonical definitions
  // ---------------------------------------------------

  Expected<OptionsDef> options(Frame& f, const CanonOptions& o, bool lift, size_t at) {
    const char* canon = lift ? "canon lift" : "canon lower";
    if (o.async) return fail(f, at, std::string(canon) + ": the `async` option is not supported yet");
    if (o.callback) return fail(f, at, std::string(canon) + ": the `callback` option is not supported yet");
    if (o.gc || o.core_type) {
      return fail(f, at, std::string(canon) + ": the GC options (`gc`, `core-type`) are not supported");
    }
    if (o.post_return && !lift) return fail(f, at, "post-return is not allowed on canon lower");
    OptionsDef d;
    d.instance = f.instance;
    d.ancestors = f.ancestors;
    switch (o.string_encoding.value_or(component::StringEncoding::Utf8)) {
      case component::StringEncoding::Utf8: d.string_encoding = fact::StringEncoding::Utf8; break;
      case component::StringEncoding::Utf16: d.string_encoding = fact::StringEncoding::Utf16; break;
      case component::StringEncoding::Latin1Utf16:
        d.string_encoding = fact::StringEncoding::CompactUtf16;
        break;
    }
    if (o.memory) {
      auto m = at_index(f, f.memories, *o.memory, Sort::CoreMemory, at);
      if (!m) return m.error();
      d.memory = MemoryDef{(*m)->def, (*m)->memory};
    }
    if (o.realloc) {
      auto r = at_index(f, f.core_funcs, *o.realloc, Sort::CoreFunc, at);
      if (!r) return r.error();
      d.realloc = (*r)->def;
    }
    if (o.post_return) {
      auto p = at_index(f, f.core_funcs, *o.post_return, Sort::CoreFunc, at);
      if (!p) return p.error();
      d.post_return = (*p)->def;
    }
    return d;
  }

  FuncSignature core_signature(FuncTypeId type, const OptionsDef& o, SignatureContext context) {
    SignatureOptions so;
    so.memory64 = o.memory && o.memory->type.memory64;
    CoreSignature s = flatten_functype(out_.types.store(), type, so, context);
    return FuncSignature{s.params, s.results};
  }

  Expected<void> step(Frame& f, const Canon& c) {
    switch (c.kind) {
      case CanonKind::Lift: return lift(f, c);
      case CanonKind::Lower: return lower(f, c);
      case CanonKind::ResourceNew:
      case CanonKind::ResourceRep:
      case CanonKind::ResourceDrop: return resource_builtin(f, c);
      default:
        return fail(f, c.offset, std::string("`canon ") + canon_name(c.kind) +
                                     "` is not supported yet (fact supports synchronous lift, "
                                     "lower and the resource builtins)");
    }
  }

  // CanonicalABI.md, canonopt validation: `memory` and `realloc` where the
  // function type needs them, `realloc` only with `memory`, and the core
  // types of `realloc` and `post-return`.
  Expected<void> check_options(const Frame& f, const Canon& c, FuncTypeId type, const OptionsDef& o,
                               bool lift) {
    const std::string canon = lift ? "canon lift" : "canon lower";
    const std::string type_text = to_string(out_.types.store(), type);
    SignatureOptions so;
    so.memory64 = o.memory && o.memory->type.memory64;
    CanonRequirements needs = canon_requirements(out_.types.store(), type, so, so);
    const OptionRequirements& need = lift ? needs.lift : needs.lower;
    if (o.realloc && !o.memory) {
      return fail(f, c.offset,
                  canon +
                      ": canonical option `realloc` requires `memory` to "
                      "also be specified");
    }
    if (need.memory && !o.memory) {
      return fail(f, c.offset,
                  canon + ": canonical option `memory` is required for `" + type_text + "`");
    }
    if (need.realloc && !o.realloc) {
      return fail(f, c.offset,
                  canon + ": canonical option `realloc` is required for `" + type_text + "`");
    }
    if (o.realloc && c.options.realloc) {
      const CoreEntity& r = f.core_funcs[*c.options.realloc];
      const fact::CoreType ptr = so.memory64 ? fact::CoreType::I64 : fact::CoreType::I32;
      const FuncSignature expected{{ptr, ptr, ptr, ptr}, {ptr}};
      if (r.signature && *r.signature != expected) {
        return fail(f, c.offset,
                    canon + ": the `realloc` function has type " + signature_text(*r.signature) +
                        ", but " + signature_text(expected) + " is expected");
      }
    }
    if (lift && o.post_return && c.options.post_return) {
      const CoreEntity& p = f.core_funcs[*c.options.post_return];
      FuncSignature expected{core_signature(type, o, SignatureContext::Lift).results, {}};
      if (p.signature && *p.signature != expected) {
        return fail(f, c.offset,
                    canon + ": the `post-return` function has type " +
                        signature_text(*p.signature) + ", but lifting `" + type_text + "` needs " +
                        signature_text(expected));
      }
    }
    return {};
  }

  Expected<void> lift(Frame& f, const Canon& c) {
    auto core = at_index(f, f.core_funcs, c.core_func, Sort::CoreFunc, c.offset);
    if (!core) return core.error();
    auto type = func_type_at(f, *f.scope->types, c.type, c.offset);
    if (!type) return type.error();
    if (out_.types.store().get(*type).is_async) {
      return fail(f, c.offset, "canon lift: async function types are not supported yet");
    }
    auto opts = options(f, c.options, true, c.offset);
    if (!opts) return opts.error();
    if ((*core)->signature) {
      FuncSignature expected = core_signature(*type, *opts, SignatureContext::Lift);
      if (expected != *(*core)->signature) {
        return fail(f, c.offset, "canon lift: the core function has type " +
                                     signature_text(*(*core)->signature) + ", but lifting `" +
                                     to_string(out_.types.store(), *type) + "` needs " +
                                     signature_text(expected));
      }
    }
    if (auto r = check_options(f, c, *type, *opts, true); !r) return r;
    auto lifted = std::make_shared<LiftedFunc>();
    lifted->type = *type;
    lifted->callee = (*core)->def;
    lifted->options = std::move(*opts);
    lifted->offset = c.offset;
    lifted->index = static_cast<uint32_t>(f.funcs.size());
    f.funcs.push_back(FuncItem{std::move(lifted), *type, ""});
    return {};
  }

  Expected<void> lower(Frame& f, const Canon& c) {
    auto func = at_index(f, f.funcs, c.func, Sort::Func, c.offset);
    if (!func) return func.error();
    const FuncItem& item = **func;
    if (out_.types.store().get(item.type).is_async) {
      return fail(f, c.offset, "canon lower: async function types are not supported yet");
    }
    auto opts = options(f, c.options, false, c.offset);
    if (!opts) return opts.error();
    if (auto r = check_options(f, c, item.type, *opts, false); !r) return r;
    CoreEntity entity;
    entity.signature = core_signature(item.type, *opts, SignatureContext::Lower);
    if (const auto* host = std::get_if<HostFunc>(&item.def)) {
      Trampoline t;
      t.kind = Trampoline::Kind::LowerImport;
      t.instance = f.instance;
      t.import = host->path;
      t.type = item.type;
      t.options = std::move(*opts);
      entity.def = CoreDef{CoreDef::Kind::Trampoline, static_cast<uint32_t>(out_.trampolines.size()), ""};
      out_.trampolines.push_back(std::move(t));
      f.core_funcs.push_back(std::move(entity));
      return {};
    }
    const auto& lifted = std::get<std::shared_ptr<LiftedFunc>>(item.def);
    if (auto m = describe_mismatch(out_.types.store(), lifted->type, item.type)) {
      return fail(f, c.offset, "canon lower: the lowered function's type does not match the "
                               "lifted one: " + *m);
    }
    AdapterDef a;
    a.lift_type = lifted->type;
    a.lower_type = item.type;
    a.lift = lifted->options;
    a.lower = std::move(*opts);
    a.callee = lifted->callee;
    a.lower_name = item.name.empty() ? "func " + std::to_string(c.func) : item.name;
    a.lift_offset = lifted->offset;
    a.lower_offset = c.offset;
    std::string key;
    key_number(key, 'L', a.lift_type.index);
    key_number(key, 'W', a.lower_type.index);
    key_options(key, a.lift);
    key_options(key, a.lower);
    key_core(key, a.callee);
    auto [it, inserted] = adapter_ids_.emplace(key, static_cast<uint32_t>(out_.adapters.size()));
    if (inserted) {
      out_.adapters.push_back(std::move(a));
      lifted_of_adapter_.push_back(lifted);
    }
    entity.def = CoreDef{CoreDef::Kind::Adapter, it->second, ""};
    f.core_funcs.push_back(std::move(entity));
    return {};
  }

  Expected<void> resource_builtin(Frame& f, const Canon& c) {
    auto def = TypeResolver::type_at(*f.scope->types, c.type, c.offset);
    if (!def) return def.error();
    const auto* r = std::get_if<TypeDef::Resource>(&def->def);
    if (!r) {
      return fail(f, c.offset, std::string("`canon ") + canon_name(c.kind) + "`: type index " +
                                   std::to_string(c.type) + " is not a resource type");
    }
    Trampoline t;
    t.instance = f.instance;
    t.resource = r->id;
    CoreEntity entity;
    switch (c.kind) {
      case CanonKind::ResourceNew:
        t.kind = Trampoline::Kind::ResourceNew;
        entity.signature = FuncSignature{{fact::CoreType::I32}, {fact::CoreType::I32}};
        break;
      case CanonKind::ResourceRep:
        t.kind = Trampoline::Kind::ResourceRep;
        entity.signature = FuncSignature{{fact::CoreType::I32}, {fact::CoreType::I32}};
        break;
      default:
        t.kind = Trampoline::Kind::ResourceDrop;
        entity.signature = FuncSignature{{fact::CoreType::I32}, {}};
        break;
    }
    if (t.kind != Trampoline::Kind::ResourceDrop && out_.types.resource(r->id).instance != f.instance) {
      return fail(f, c.offset, std::string("`canon ") + canon_name(c.kind) +
                                   "` needs a resource defined by this component");
    }
    entity.def = CoreDef{CoreDef::Kind::Trampoline, static_cast<uint32_t>(out_.trampolines.size()), ""};
    out_.trampolines.push_back(std::move(t));
    f.core_funcs.push_back(std::move(entity));
    return {};
  }

  Dataflow& out_;
  const InlineLimits& limits_;
  uint32_t depth_ = 0;
  std::vector<std::unique_ptr<Scope>> scopes_;
  std::vector<std::unique_ptr<TypeSpace>> type_spaces_;
  std::map<const CoreModule*, uint32_t> module_index_;
  std::vector<CoreModuleInfo> infos_;
  std::unordered_map<std::string, uint32_t> adapter_ids_;
  std::vector<std::shared_ptr<LiftedFunc>> lifted_of_adapter_;
};

}  // namespace

Expected<Dataflow> inline_component(const Component& root, const InlineLimits& limits) {
  Dataflow out;
  Inliner inliner(out, limits);
  if (auto r = inliner.number_modules(root); !r) return r.error();
  if (auto r = inliner.run_root(root); !r) return r.error();
  return out;
}

}  // namespace fact::component
