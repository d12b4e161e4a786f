// The host functions `fact wast` gives every script, the synchronous ones
// of Wasmtime's wast harness (crates/wast/src/spectest.rs):
//   host-return-two          func() -> u32      2
//   host#return-three        func() -> u32      3
//   host#nested#return-four  func() -> u32      4
//   host#return-hi           func() -> string   "hi"
// docs/wast.md lists what of that harness is not provided.
#pragma once

#include "fact/runner/component_runner.h"

namespace fact::wast {

runner::HostFunctions wast_host_functions();

}  // namespace fact::wast
