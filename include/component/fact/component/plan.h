// The instantiation plan of a component: the ordered list of core instantiations, core modules and
// adapter modules alike, with every import bound by name, plus what the host must provide (host
// lowerings, resource builtins, runtime intrinsics) and the root exports with their core functions
// and options. An embedder that runs the steps in order and implements the host side runs the
// component.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "fact/adapter.h"
#include "fact/component/adapters.h"
#include "fact/component/dataflow.h"
#include "fact/component/inline.h"
#include "fact/error.h"

namespace fact::component {

// Plan instances are numbered as in the fact::Adapter values
// (CoreItemNames): core instance i of the dataflow is instance i, adapter
// module K is instance `core instances + K`.

// Trampoline t of the dataflow: a host lowering or a resource builtin that
// the host provides.
struct PlanTrampoline {
  uint32_t index = 0;
  friend bool operator==(const PlanTrampoline&, const PlanTrampoline&) = default;
};

// `sync.[prepare-call]{adapter}` of an adapter with an async side
// (docs/import-abi.md). `memory` is the lift's memory, which the callee's
// `task.return` must name too.
struct PlanPrepareCall {
  std::string adapter;
  std::optional<fact::CoreExport> memory;
  friend bool operator==(const PlanPrepareCall&, const PlanPrepareCall&) = default;
};

// A `sync.[start-call]` or `async.[start-call]` import: entry `index` of
// Plan::start_calls.
struct PlanStartCall {
  uint32_t index = 0;
  friend bool operator==(const PlanStartCall&, const PlanStartCall&) = default;
};

// What one import of a step is bound to.
using PlanDef =
    std::variant<fact::CoreExport,  // an export of an earlier step's instance
                 PlanTrampoline, binding::InstanceFlags, binding::Trap, binding::Transcoder,
                 binding::RuntimeIntrinsic, PlanPrepareCall, PlanStartCall>;

// The metadata of a start-call import: how the runtime runs the callee.
struct PlanStartCallDef {
  // `async.[start-call]` (an async lower) or `sync.[start-call]`.
  bool async_lower = false;
  // An async lift's callback: a stackless callee driven by the callback
  // loop. An async lift without one is stackful.
  std::optional<PlanDef> callback;
  // A sync lift's post-return (async lowers of sync lifts only).
  std::optional<PlanDef> post_return;
};

struct PlanArg {
  std::string module;
  std::string field;
  wasm::ExternKind kind = wasm::ExternKind::Func;
  PlanDef def;
};

struct PlanStep {
  enum class Kind : uint8_t { CoreModule, AdapterModule };
  Kind kind = Kind::CoreModule;
  // CoreModule: the dataflow's core instance; AdapterModule: the module K.
  uint32_t index = 0;
  uint32_t instance = 0;  // the plan instance it creates
  // CoreModule: the static module (index into Dataflow::modules), or the
  // root import path of an imported module.
  uint32_t module = 0;
  std::optional<std::string> imported_module;
  uint32_t component_instance = 0;  // CoreModule only
  std::vector<PlanArg> args;        // one per import of the module, in order
};

struct PlanOptions {
  uint32_t component_instance = 0;
  fact::StringEncoding string_encoding = fact::StringEncoding::Utf8;
  std::optional<fact::Memory> memory;
  std::optional<PlanDef> realloc;
  std::optional<PlanDef> post_return;
  bool is_async = false;            // the `async` option
  std::optional<PlanDef> callback;  // lifts with `async`
};

struct PlanExport {
  std::string name;  // "run", or "api#run" inside an exported instance
  FuncTypeId type;   // in Dataflow::types (canonical)
  // nullopt when the root exports a host import again.
  std::optional<PlanDef> core_func;
  PlanOptions options;
  std::string host_import;
};

// A resource type (Dataflow::types.resources(), same ids).
struct PlanResource {
  ResourceId id = 0;
  std::string name;  // for messages
  // The runtime component instance that defines it (whose resource.new
  // makes its handles); nullopt for a resource imported from the host.
  std::optional<uint32_t> component_instance;
  // The core function [i32] -> [] the host calls with the rep when an own
  // handle is dropped, as a PlanDef (an export of a plan instance, which
  // exists by the time any handle of the resource does).
  std::optional<PlanDef> destructor;
  // A resource imported from the host: its import path ("host#r"), which
  // the host must provide.
  std::string import;
};

// A resource-type import from the host (`(sub resource)` or an `(eq ...)`
// bound naming such a resource): the host provides `path`, except that an
// alias may be left out; when given, it must be the same resource type as
// the one of `resource`.
struct PlanResourceImport {
  std::string path;
  ResourceId resource = 0;
  bool alias = false;
};

// What the host provides for trampoline t (`PlanTrampoline{t}`).
struct PlanTrampolineDef {
  uint32_t id = 0;
  Trampoline::Kind kind = Trampoline::Kind::LowerImport;
  uint32_t component_instance = 0;  // the instance whose canon made it
  // LowerImport: the host import path, its canonical type and the
  // lowering's options (the caller's side).
  std::string import;
  FuncTypeId type;
  PlanOptions options;
  // ResourceNew/Rep/Drop: the resource and the handle table of
  // (resource, component_instance) in Plan::tables; stream.* and future.*:
  // the table of (copy_type, component_instance); error-context.*: the
  // instance's error-context table.
  ResourceId resource = 0;
  uint32_t table = 0;
  TypeId copy_type;  // stream.* and future.*: the stream or future type
  // TaskReturn: the result type (task_return_type's constant, which the
  // adapters pass to prepare-call) and the options (memory, string
  // encoding); WaitableSetWait/Poll: the memory the event is written to.
  uint32_t result_type = 0;
  std::optional<TypeId> result;
  uint32_t slot = 0;  // ContextGet/Set
  // ThreadYield, ThreadSuspend, Thread*Then*, WaitableSetWait/Poll; the
  // `async` immediate of subtask.cancel and of the cancel-read/cancel-write
  // built-ins.
  bool cancellable = false;
  // ThreadNewIndirect: the core funcref table it indexes, and the core type
  // the function it starts must have.
  std::optional<PlanDef> func_table;
  wasm::FuncType start_type;
};

struct Plan {
  uint32_t core_instances = 0;  // plan instances below this are core modules
  std::vector<PlanStep> steps;  // run exactly in this order
  std::vector<PlanExport> exports;
  std::vector<PlanResource> resources;  // by id
  std::vector<PlanResourceImport> resource_imports;
  std::vector<PlanTrampolineDef> trampolines;  // by id
  std::vector<PlanStartCallDef> start_calls;   // by PlanStartCall::index
  // The handle tables: entry i is table i, the constant that adapter
  // modules pass to the transfer intrinsics and that resource builtins
  // use. The adapters' tables (ComponentAdapters::tables) come first, with
  // the same indices; tables that only builtins use follow.
  TableMap tables;
};

// Builds the plan of `result` (see adapters_of_component). Fails when an
// adapter module would need an instance that is created after its first
// user, which partitioning rules out.
Expected<Plan> build_plan(const ComponentResult& result);

// The plan instance a PlanDef export refers to: the step index creating it.
std::optional<size_t> step_of_instance(const Plan& plan, uint32_t instance);

}  // namespace fact::component
