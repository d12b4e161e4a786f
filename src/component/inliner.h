// The inliner behind inline_component(), shared by its files:
//   inline.cpp          frames and index spaces; core and component
//                       instantiation, aliases and type definitions
//   inline_imports.cpp  imports, exports and the instance types they use
//   inline_canon.cpp    canonical definitions (lifts, lowers, built-ins)
//   inline_checks.cpp   what instantiation must verify: types given for
//                       imports, core instantiation arguments, canonical
//                       options and the core functions they name
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "fact/abi.h"
#include "fact/canon_rules.h"
#include "fact/component/inline.h"
#include "fact/component/type_resolver.h"
#include "fact/wasm/module_reader.h"

// Internal to the inliner; a namespace of its own keeps its names (Scope,
// Frame, ...) apart from the reader's.
namespace fact::component::inlining {

// ---------------------------------------------------------------------------
// What the index spaces of a frame hold: definitions, not indices.

struct CoreEntity {
  wasm::ExternKind kind = wasm::ExternKind::Func;
  CoreDef def;
  // The entity's type, when known: the module reader skips tables and
  // globals after one whose initializer it cannot decode.
  std::optional<wasm::ExternType> type;

  const wasm::FuncType* func_type() const {
    return type ? std::get_if<wasm::FuncType>(&*type) : nullptr;
  }
  const wasm::MemoryType* memory_type() const {
    return type ? std::get_if<wasm::MemoryType>(&*type) : nullptr;
  }
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
  uint32_t index = 0;                 // into the inliner's module interfaces
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

// One component being instantiated: its index spaces as they grow.
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

// "func", "core module", "component", "instance" or "type".
const char* item_kind(const Item& item);
Sort item_sort(const Item& item);

// Adapters are deduplicated by everything that makes them differ.
struct AdapterKey {
  FuncTypeId lift_type;
  FuncTypeId lower_type;
  OptionsDef lift;
  OptionsDef lower;
  CoreDef callee;
  friend bool operator<(const AdapterKey& a, const AdapterKey& b) {
    return std::tie(a.lift_type.index, a.lower_type.index, a.lift, a.lower, a.callee) <
           std::tie(b.lift_type.index, b.lower_type.index, b.lift, b.lower, b.callee);
  }
};

class Inliner {
 public:
  Inliner(Dataflow& out, const InlineLimits& limits) : out_(out), limits_(limits) {}

  // Reads the interface of every core module of `c` and its nested
  // components, in binary order, and checks every core module type.
  Expected<void> number_modules(const Component& c);
  Expected<void> run_root(const Component& root);

 private:
  // Where items come from when an instance type is resolved: the host (a
  // root import), or the instance passed as an instantiation argument.
  struct Source {
    const InstanceItem* arg = nullptr;
    std::string path;  // the import path (host) or a description of the argument
  };

  // --- frames and index spaces (inline.cpp) -------------------------------

  void add_root_export(const std::string& name, const Item& item);
  Scope* new_scope(const Scope* parent);
  TypeSpace* new_type_space(const TypeSpace* parent);
  std::string where(const Frame& f) const;
  Error fail(const Frame& f, size_t at, const std::string& message) const;
  Expected<ItemMap> run_frame(Frame& f);
  std::vector<CoreEntity>* core_space(Frame& f, Sort s);
  template <class T>
  Expected<const T*> at_index(const Frame& f, const std::vector<T>& space, uint32_t index, Sort s,
                              size_t at) {
    if (index >= space.size()) {
      return fail(f, at,
                  std::string(sort_name(s)) + " index " + std::to_string(index) +
                      " is out of range (" + std::to_string(space.size()) + " defined)");
    }
    return &space[index];
  }
  Expected<Item> get_item(Frame& f, Sort s, uint32_t index, size_t at);
  void push_item(Frame& f, const Item& item);
  static void name_lifted(const Item& item, const std::string& name);
  Expected<CoreEntity> core_export(const Frame& f, const CoreInstanceItem& ci, uint32_t ci_index,
                                   std::string_view name, size_t at);
  Expected<ItemMap> instantiate(Frame& parent, const ComponentItem& c, const ItemMap& args,
                                size_t at);

  Expected<void> step(Frame& f, const CoreModule& m);
  Expected<void> step(Frame& f, const CoreType& t);
  Expected<void> step(Frame& f, const Component& c);
  Expected<void> step(Frame& f, const Start& s);
  Expected<void> step(Frame& f, const Value& v);
  Expected<void> step(Frame& f, const CoreInstance& ci);
  Expected<void> step(Frame& f, const Instance& inst);
  Expected<void> step(Frame& f, const Alias& a);
  Expected<void> step(Frame& f, const Type& t);

  // --- imports and exports (inline_imports.cpp) ---------------------------

  Expected<InstancePtr> resolve_instance_type(const Frame& f, const TypeDef::Instance& type,
                                              const Source& source, const std::string& name);
  Expected<void> decl_alias(const Frame& f, TypeSpace& local,
                            const std::vector<InstancePtr>& instances, const Alias& a);
  Expected<Item> export_decl(const Frame& f, const TypeSpace& local, const ExportDecl& e,
                             const Source& source, const std::string& name, size_t at);
  Expected<FuncTypeId> func_type_at(const Frame& f, const TypeSpace& types, uint32_t index,
                                    size_t at);
  Expected<void> step(Frame& f, const Import& imp);
  Expected<void> step(Frame& f, const Export& e);

  // --- canonical definitions (inline_canon.cpp) ---------------------------

  Expected<OptionsDef> options(Frame& f, const CanonOptions& o, CanonSide side, size_t at);
  wasm::FuncType core_type_of(FuncTypeId type, const OptionsDef& o, SignatureContext context);
  Expected<void> step(Frame& f, const Canon& c);
  // Makes `t` the core function `entity` of the frame: a built-in or host
  // import the host provides.
  Expected<void> add_trampoline(Frame& f, Trampoline t, CoreEntity entity);
  Expected<void> lift(Frame& f, const Canon& c);
  Expected<void> lower(Frame& f, const Canon& c);
  Expected<void> resource_builtin(Frame& f, const Canon& c);
  // The built-ins of tasks, subtasks, waitables, backpressure, context and
  // thread.yield: trampolines the host provides.
  Expected<void> async_builtin(Frame& f, const Canon& c);

  // --- futures, streams, error contexts, cancellation (inline_copy.cpp) ---

  Expected<void> copy_builtin(Frame& f, const Canon& c);
  Expected<void> error_context_builtin(Frame& f, const Canon& c);
  Expected<void> cancel_builtin(Frame& f, const Canon& c);
  // thread.index, thread.new-indirect, thread.resume-later, thread.suspend
  // and the thread.*-then-* built-ins.
  Expected<void> thread_builtin(Frame& f, const Canon& c);

  // --- what instantiation verifies (inline_checks.cpp) --------------------

  // The static rules of every core module type in `decls` (and in the
  // component and instance types there), also where nothing instantiates
  // or imports them.
  static Expected<void> check_module_types(const std::vector<Decl>& decls);
  static Expected<void> check_core_type(const CoreType& t);
  static Expected<void> check_nested_types(const Type& t);
  // A type given for an import or an instance type's export.
  Expected<void> check_same_type(const Frame& f, const TypeDef& expected, const TypeDef& actual,
                                 const std::string& what, size_t at);
  // A core instantiation argument against the import it fills.
  Expected<void> check_core_argument(const Frame& f, size_t at, uint32_t module,
                                     const wasm::ModuleInterface::Import& imp,
                                     const CoreEntity& given);
  // A module given for a module-typed import.
  Expected<void> check_module_argument(const Frame& f, size_t at, const std::string& what,
                                       const wasm::ModuleInterface& declared, uint32_t given);
  // The options of a canon lift or lower of `type`, and the types of the
  // core functions it names (`core`: the lifted function, if any).
  Expected<void> check_canon(const Frame& f, const Canon& c, FuncTypeId type, const OptionsDef& o,
                             CanonSide side, const CoreEntity* core);
  // A resource's destructor takes the rep.
  Expected<void> check_destructor(const Frame& f, size_t at, uint32_t index,
                                  const CoreEntity& dtor);

  Dataflow& out_;
  const InlineLimits& limits_;
  uint32_t depth_ = 0;
  std::vector<std::unique_ptr<Scope>> scopes_;
  std::vector<std::unique_ptr<TypeSpace>> type_spaces_;
  std::map<const CoreModule*, uint32_t> module_index_;
  std::vector<wasm::ModuleInterface> interfaces_;
  std::map<AdapterKey, uint32_t> adapter_ids_;
  std::vector<std::shared_ptr<LiftedFunc>> lifted_of_adapter_;
};

}  // namespace fact::component::inlining
