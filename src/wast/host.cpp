#include "host.h"

namespace fact::wast {

runner::HostFunctions wast_host_functions() {
  using values::Value;
  auto constant = [](Value v) {
    return [v](const std::vector<Value>&) -> Expected<std::optional<Value>> {
      return std::optional<Value>(v);
    };
  };
  runner::HostFunctions out;
  out["host-return-two"] = {"func() -> u32", constant(Value::u32(2))};
  out["host#return-three"] = {"func() -> u32", constant(Value::u32(3))};
  out["host#nested#return-four"] = {"func() -> u32", constant(Value::u32(4))};
  out["host#return-hi"] = {"func() -> string", constant(Value::string("hi"))};
  return out;
}

}  // namespace fact::wast
