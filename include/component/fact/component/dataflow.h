// The flat dataflow of a component, as inline_component() produces it:
// every core instance with its arguments, every fused adapter between a
// lifted export and its lowering, the trampolines the host provides, and the
// root's exports, each item resolved to where it is really defined, so that
// synthetic instances, aliases and instantiation arguments are gone.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fact/adapter.h"
#include "fact/component/ast.h"
#include "fact/component/core_def.h"
#include "fact/component/type_resolver.h"
#include "fact/types.h"
#include "fact/wasm/types.h"

namespace fact::component {

struct MemoryDef {
  CoreDef def;  // always an Export
  wasm::MemoryType type;
  friend bool operator==(const MemoryDef&, const MemoryDef&) = default;
  friend std::weak_ordering operator<=>(const MemoryDef&, const MemoryDef&) = default;
};

// The canonical options of one lift or lower, resolved.
struct OptionsDef {
  uint32_t instance = 0;            // runtime component instance
  std::vector<uint32_t> ancestors;  // the instances that (transitively) created it
  fact::StringEncoding string_encoding = fact::StringEncoding::Utf8;
  std::optional<MemoryDef> memory;
  std::optional<CoreDef> realloc;
  std::optional<CoreDef> post_return;  // lift only
  bool is_async = false;               // the `async` option
  std::optional<CoreDef> callback;     // lift only, with `async`
  friend bool operator==(const OptionsDef&, const OptionsDef&) = default;
  friend std::weak_ordering operator<=>(const OptionsDef&, const OptionsDef&) = default;
};

// A `canon lower` of a lifted function.
struct AdapterDef {
  FuncTypeId lift_type;   // canonical
  FuncTypeId lower_type;  // canonical
  OptionsDef lift;
  OptionsDef lower;
  CoreDef callee;
  // For reports: where the lifted function is exported ("greet", or
  // "func 3" when it never is) and the name under which the lowering
  // instance imported it ("api#greet").
  std::string lift_name;
  std::string lower_name;
  size_t lift_offset = 0;   // the canon lift
  size_t lower_offset = 0;  // the first canon lower that made it
};

// A core function the host provides: a lowering of a host import, or a
// canon built-in (CanonicalABI.md, the `canon_*` function of the same name).
struct Trampoline {
  enum class Kind : uint8_t {
    LowerImport,
    ResourceNew,
    ResourceRep,
    ResourceDrop,
    TaskReturn,
    ContextGet,
    ContextSet,
    BackpressureInc,
    BackpressureDec,
    ThreadYield,
    SubtaskDrop,
    WaitableSetNew,
    WaitableSetWait,
    WaitableSetPoll,
    WaitableSetDrop,
    WaitableJoin,
    SubtaskCancel,
    TaskCancel,
    StreamNew,
    StreamRead,
    StreamWrite,
    StreamCancelRead,
    StreamCancelWrite,
    StreamDropReadable,
    StreamDropWritable,
    FutureNew,
    FutureRead,
    FutureWrite,
    FutureCancelRead,
    FutureCancelWrite,
    FutureDropReadable,
    FutureDropWritable,
    ErrorContextNew,
    ErrorContextDebugMessage,
    ErrorContextDrop,
    ThreadIndex,
    ThreadNewIndirect,
    ThreadResumeLater,
    ThreadSuspend,
    ThreadSuspendThenResume,
    ThreadYieldThenResume,
    ThreadSuspendThenPromote,
    ThreadYieldThenPromote,
  };
  Kind kind = Kind::LowerImport;
  uint32_t instance = 0;  // the component instance that made it
  std::string import;     // LowerImport: the host import path ("wasi:cli/stdout#print")
  FuncTypeId type;        // LowerImport: canonical type
  // LowerImport; TaskReturn (memory, string encoding); WaitableSetWait and
  // WaitableSetPoll (memory); stream and future reads and writes (memory,
  // realloc, string encoding, async); error-context.new and
  // debug-message (memory, string encoding; realloc for debug-message).
  OptionsDef options;
  ResourceId resource = 0;  // resource builtins
  // TaskReturn: the result type (canonical), if any.
  std::optional<TypeId> result;
  uint32_t slot = 0;  // ContextGet, ContextSet
  // ThreadYield, ThreadSuspend, Thread*Then*, WaitableSetWait,
  // WaitableSetPoll; the `async` immediate
  // of SubtaskCancel and of the cancel-read/cancel-write built-ins.
  bool cancellable = false;
  // Stream* and Future*: the canonical stream or future type.
  TypeId copy_type;
  // ThreadNewIndirect: the core table of funcrefs it indexes (an export of
  // a core instance), and the core type its entries must have.
  std::optional<CoreDef> func_table;
  wasm::FuncType start_type;
};

// Whether `kind` is a stream.* or future.* built-in.
bool is_copy_builtin(Trampoline::Kind kind);
// Whether `kind` is an error-context.* built-in.
bool is_error_context_builtin(Trampoline::Kind kind);

// Whether `kind` is one of the resource built-ins.
bool is_resource_builtin(Trampoline::Kind kind);
// "task.return", "lower-import", ...: how plans and messages name it.
const char* trampoline_kind_name(Trampoline::Kind kind);
// The constant that names a task's result type at run time: what adapters
// pass to prepare-call as task_return_type and what a task.return built-in
// is compared with (1 + the canonical TypeId, 0 for no result).
uint32_t task_return_type(std::optional<TypeId> result);

struct CoreInstanceDef {
  // The static module index; for an imported module, the root import path
  // is in `imported_module` and `module` is not an index into
  // Dataflow::modules.
  uint32_t module = 0;
  std::optional<std::string> imported_module;
  uint32_t component_instance = 0;  // the runtime component instance it belongs to
  std::vector<CoreDef> args;        // one per import of the module, in order
};

struct ComponentInstanceInfo {
  std::optional<uint32_t> parent;  // nullopt for the root
  std::string name;                // "root", or how the parent instantiated it
};

// A function exported by the root, directly ("run") or as an export of an
// exported instance ("api#run"): a lifted function, or a host import
// exported again.
struct RootExport {
  std::string name;
  FuncTypeId type;                // canonical
  std::optional<CoreDef> callee;  // nullopt for a re-exported host import
  OptionsDef options;             // lifted functions
  std::string host_import;        // re-exported host imports: the import path
};

struct Dataflow {
  TypeResolver types;
  std::vector<const CoreModule*> modules;  // static modules, in binary order
  std::vector<CoreInstanceDef> instances;  // in instantiation order
  std::vector<ComponentInstanceInfo> component_instances;
  std::vector<AdapterDef> adapters;  // in creation order (AdapterId)
  std::vector<Trampoline> trampolines;
  std::vector<RootExport> exports;  // by name; instance exports by instance, then name
};

}  // namespace fact::component
