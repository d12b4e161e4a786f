// Runs an instantiation plan (component/plan.h) on libwabt's interpreter
// with the reference host (host/resources.h), and calls root exports from
// the host side: arguments are lowered into the component and results
// lifted with the Canonical ABI reference (run/reference.h), then the
// post-return function is called.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fact/component/plan.h"
#include "fact/engine/runtime.h"
#include "fact/error.h"
#include "fact/host/host.h"
#include "fact/values/value.h"

namespace fact::runner {

using values::Value;

// What a host function returns: its result (nullopt for a function
// without one), or an error, which is a trap of the calling component with
// that message.
using HostResult = Expected<std::optional<Value>>;

// An asynchronous host function's call in progress: the event loop polls
// it once per turn until it has its result. Without one yet, it says
// whether it goes on by itself (Pending: poll again) or waits for what only
// guests can do (Idle: when every host call is idle and no guest can run,
// the call that waits traps with a deadlock instead of waiting forever).
// When the caller cancels the call, it is dropped unfinished.
enum class HostWait : uint8_t { Pending, Idle };
using HostPoll = std::function<std::variant<HostResult, HostWait>()>;

// A function the embedder provides for a component import: its type in
// fact's type syntax (`func(x: u32) -> string`, fact/type_expr.h), which
// must be the imported function's, with the host's resources named by
// their HostResource::type (`own<resource1>`), and its implementation on
// component values (the arguments are checked against the type). Exactly
// one of:
//   call   a synchronous function: it returns before its caller goes on;
//   start  an asynchronous one (Wasmtime's func_wrap_concurrent): it
//          starts the call and returns its poll. A caller that lowered it
//          with `async` gets a subtask when the first poll has no result;
//          one that did not waits, as it waits for any callee.
// Handles: an own or borrow of a host resource is its rep (Value::bits),
// in arguments and results; an own argument is the host's to drop.
struct HostFunction {
  std::string type;
  std::function<HostResult(const std::vector<Value>& args)> call;
  std::function<HostPoll(const std::vector<Value>& args)> start;
};

// Host functions by import path: `f` for a function the root imports,
// `host#f` for the function `f` of an imported instance `host`, and
// `host#nested#f` inside an instance it exports.
using HostFunctions = std::map<std::string, HostFunction, std::less<>>;

// A resource type the host defines, for a `(sub resource)` import.
struct HostResource {
  // The host's name for the type: imports whose resources have the same
  // name are the same type, and host functions' types say `own<type>`.
  std::string type;
  // Called with the rep when a guest drops an own handle; an error is a
  // trap of the drop. May be empty.
  std::function<Expected<void>(uint32_t rep)> drop;
};

// Host resources by import path (`host#resource1`).
using HostResources = std::map<std::string, HostResource, std::less<>>;

// Everything the host provides for a component's imports.
struct HostImports {
  HostFunctions functions;
  HostResources resources;
};

struct CallResult {
  std::optional<Value> result;      // nullopt for a function without result
  std::optional<std::string> trap;  // set when the call trapped
};

// Every core module of `component`, nested components' included, is valid
// core wasm (a component is valid only if its core modules are); the error
// names the first that is not, by its byte offset and its index in binary
// order.
Expected<void> validate_core_modules(const component::Component& component);

// component::adapters_of_component, then validate_core_modules. When both
// fail, the invalid core module is reported: it is the cause.
Expected<component::ComponentResult> read_valid_component(std::span<const uint8_t> bytes,
                                                          const ModuleOptions& options = {});

class ComponentRunner {
 public:
  ~ComponentRunner();
  ComponentRunner(const ComponentRunner&) = delete;
  ComponentRunner& operator=(const ComponentRunner&) = delete;

  // Runs every step of `plan`. `result` and `plan` must outlive the runner.
  // Fails on what cannot be run (an import `host` does not provide, or
  // provides as another sort or with another type, or two resource imports
  // that must be one type but are not: the error names it) and on traps
  // during instantiation, which also set `*trapped` when it is given. Host
  // functions take and return handles of host resources only (not of
  // resources guests define, nor futures, streams or error contexts);
  // others are refused by name.
  //
  // Every core module and adapter module is loaded (decoded, validated and
  // checked against `limits`) before anything is instantiated: a module
  // that cannot be loaded is an error naming it, never a trap, and no start
  // function has run.
  static Expected<std::unique_ptr<ComponentRunner>> create(const component::ComponentResult& result,
                                                           const component::Plan& plan,
                                                           bool* trapped = nullptr,
                                                           HostImports host = {},
                                                           engine::Limits limits = {});

  // The root export `name` ("f" or "inst#f"), if there is one.
  const component::PlanExport* find_export(std::string_view name) const;
  const TypeStore& types() const;

  // What the host's handle `index` is, if it holds one.
  std::optional<host::HandleInfo> host_handle(uint32_t index) const;
  // How many handles the host holds.
  std::size_t host_handles() const;

  // Calls a root export with values of its parameter types. Errors are
  // about the call itself (a bad argument, a host import); traps are in the
  // result. After a trap the component is poisoned: every further call
  // traps with "cannot enter component instance".
  //
  // Handles: the host is a component instance of its own, with its own
  // handle table. An own or borrow argument is the index of a handle the
  // host holds (an own handle it received in an earlier result): own
  // arguments move it into the callee (the host's handle is gone), borrow
  // arguments lend it for the duration of the call. Own handles in the
  // result move into the host's table, and the result holds their new
  // indices. Futures, streams and error contexts work the same way: a
  // readable end (or an error context) in a result moves into the host's
  // table, and an argument names one the host holds.
  Expected<CallResult> call(const component::PlanExport& e, const std::vector<Value>& args);

 private:
  struct Impl;
  explicit ComponentRunner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fact::runner
