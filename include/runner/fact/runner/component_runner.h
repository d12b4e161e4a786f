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
#include <string>
#include <string_view>
#include <vector>

#include "fact/component/plan.h"
#include "fact/error.h"
#include "fact/host/host.h"
#include "fact/values/value.h"

namespace fact::runner {

using values::Value;

// A function the embedder provides for a component import: its type in
// fact's type syntax (`func(x: u32) -> string`, fact/type_expr.h), which
// must be the imported function's, and its implementation on component
// values (the arguments are checked against the type; an error is a trap
// of the calling component, with that message).
struct HostFunction {
  std::string type;
  std::function<Expected<std::optional<Value>>(const std::vector<Value>& args)> call;
};

// Host functions by import path: `f` for a function the root imports,
// `host#f` for the function `f` of an imported instance `host`, and
// `host#nested#f` inside an instance it exports.
using HostFunctions = std::map<std::string, HostFunction, std::less<>>;

struct CallResult {
  std::optional<Value> result;      // nullopt for a function without result
  std::optional<std::string> trap;  // set when the call trapped
};

class ComponentRunner {
 public:
  ~ComponentRunner();
  ComponentRunner(const ComponentRunner&) = delete;
  ComponentRunner& operator=(const ComponentRunner&) = delete;

  // Runs every step of `plan`. `result` and `plan` must outlive the runner.
  // Fails on what cannot be run (an import none of `host_functions`
  // provides, or provides with another type: the error names it) and on
  // traps during instantiation, which also set `*trapped` when it is given.
  // Host functions are synchronous and take and return no handles (own,
  // borrow, future, stream, error-context); others are refused by name.
  static Expected<std::unique_ptr<ComponentRunner>> create(const component::ComponentResult& result,
                                                           const component::Plan& plan,
                                                           bool* trapped = nullptr,
                                                           HostFunctions host_functions = {});

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
