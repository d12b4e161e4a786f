#include "host.h"

namespace fact::wast {

namespace {

using runner::HostFunction;
using runner::HostPoll;
using runner::HostResult;
using values::Value;

HostResult returns(Value v) { return std::optional<Value>(std::move(v)); }
HostResult returns_nothing() { return std::optional<Value>(); }

HostFunction sync(std::string type, std::function<HostResult(const std::vector<Value>&)> call) {
  return HostFunction{std::move(type), std::move(call), {}};
}

HostFunction async(std::string type, std::function<HostPoll(const std::vector<Value>&)> start) {
  return HostFunction{std::move(type), {}, std::move(start)};
}

HostFunction constant(std::string type, Value v) {
  return sync(std::move(type), [v](const std::vector<Value>&) -> HostResult { return returns(v); });
}

// A result after `turns` polls without one (tokio's yield_now in Wasmtime's
// harness is one).
HostPoll after(int turns, std::optional<Value> result) {
  return [turns, result]() mutable -> std::variant<HostResult, runner::HostWait> {
    if (turns-- > 0) return runner::HostWait::Pending;
    return HostResult(result);
  };
}

// Never resolves (Wasmtime's std::future::pending), and is idle: a caller
// that waits for it alone deadlocks, where Wasmtime would wait forever.
HostPoll never() {
  return []() -> std::variant<HostResult, runner::HostWait> { return runner::HostWait::Idle; };
}

Expected<void> check_rep(const char* function, const Value& handle, const Value& rep) {
  if (handle.bits == rep.bits) return {};
  return Error{std::string(function) + ": the resource's rep is " + std::to_string(handle.bits) +
               ", not " + std::to_string(rep.bits)};
}

}  // namespace

runner::HostImports wast_host() {
  struct Drops {
    uint32_t count = 0;
    uint32_t last = 0;
  };
  auto drops = std::make_shared<Drops>();
  runner::HostImports host;
  runner::HostFunctions& f = host.functions;
  f["host-return-two"] = constant("func() -> u32", Value::u32(2));
  f["host-echo-u32"] = async("async func(v: u32) -> u32",
                             [](const std::vector<Value>& args) { return after(0, args.at(0)); });
  f["host#return-three"] = constant("func() -> u32", Value::u32(3));
  f["host#nested#return-four"] = constant("func() -> u32", Value::u32(4));
  f["host#return-hi"] = constant("func() -> string", Value::string("hi"));

  host.resources["host#resource1"] = {"resource1", [drops](uint32_t rep) -> Expected<void> {
                                        ++drops->count;
                                        drops->last = rep;
                                        return {};
                                      }};
  host.resources["host#resource2"] = {"resource2", {}};
  host.resources["host#resource1-again"] = {
      "resource1",
      [](uint32_t) -> Expected<void> { return Error{"resource1-again shouldn't be destroyed"}; }};
  f["host#[constructor]resource1"] =
      sync("func(rep: u32) -> own<resource1>", [](const std::vector<Value>& args) -> HostResult {
        return returns(Value::handle(TypeKind::Own, static_cast<uint32_t>(args.at(0).bits)));
      });
  f["host#[static]resource1.assert"] =
      sync("func(r: own<resource1>, rep: u32)", [](const std::vector<Value>& args) -> HostResult {
        if (auto ok = check_rep("[static]resource1.assert", args.at(0), args.at(1)); !ok) {
          return ok.error();
        }
        return returns_nothing();
      });
  f["host#[static]resource1.last-drop"] =
      sync("func() -> u32", [drops](const std::vector<Value>&) -> HostResult {
        return returns(Value::u32(drops->last));
      });
  f["host#[static]resource1.drops"] =
      sync("func() -> u32", [drops](const std::vector<Value>&) -> HostResult {
        return returns(Value::u32(drops->count));
      });
  f["host#[method]resource1.simple"] = sync(
      "func(self: borrow<resource1>, rep: u32)", [](const std::vector<Value>& args) -> HostResult {
        if (auto ok = check_rep("[method]resource1.simple", args.at(0), args.at(1)); !ok) {
          return ok.error();
        }
        return returns_nothing();
      });
  auto nothing = [](const std::vector<Value>&) -> HostResult { return returns_nothing(); };
  f["host#[method]resource1.take-borrow"] =
      sync("func(self: borrow<resource1>, b: borrow<resource1>)", nothing);
  f["host#[method]resource1.take-own"] =
      sync("func(self: borrow<resource1>, b: own<resource1>)", nothing);
  f["host#never-return"] = async("async func()", [](const std::vector<Value>&) { return never(); });
  f["host#[method]resource1.never-return"] = async(
      "async func(self: borrow<resource1>)", [](const std::vector<Value>&) { return never(); });
  f["host#return-two-slowly"] = async(
      "async func() -> s32", [](const std::vector<Value>&) { return after(1, Value::s32(2)); });
  f["host#echo-slowly"] = async("async func(v: u32) -> u32", [](const std::vector<Value>& args) {
    return after(1, args.at(0));
  });
  return host;
}

}  // namespace fact::wast
