// The host `fact wast` gives every script: what Wasmtime's wast harness
// provides for component scripts (crates/wast/src/spectest.rs).
//
//   host-return-two                 func() -> u32          2
//   host-echo-u32                   async func(u32) -> u32 its argument, at once
//   host#return-three               func() -> u32          3
//   host#nested#return-four         func() -> u32          4
//   host#return-hi                  func() -> string       "hi"
//   host#resource1, host#resource2  resource types; resource1-again is
//                                   resource1 again (its drops fail)
//   host#[constructor]resource1     func(u32) -> own<resource1>, the rep
//   host#[static]resource1.assert   func(own<resource1>, u32): rep equals
//   host#[static]resource1.last-drop, .drops
//                                   the rep last dropped by a guest, and
//                                   how many were
//   host#[method]resource1.simple   func(borrow<resource1>, u32): rep equals
//   host#[method]resource1.take-borrow, .take-own
//                                   take two handles
//   host#never-return               async func(): never resolves
//   host#[method]resource1.never-return
//                                   async func(borrow<resource1>): the same
//   host#return-two-slowly          async func() -> s32: 2, one turn of the
//                                   event loop later
//   host#echo-slowly                async func(u32) -> u32: its argument,
//                                   one turn later
//
// A failed assertion of Wasmtime's (a panic there) is a trap here.
// docs/wast.md lists what of that harness is not provided.
#pragma once

#include <memory>

#include "fact/runner/component_runner.h"

namespace fact::wast {

// The imports of one script: they share the counters of resource1's drops,
// which Wasmtime's harness keeps for the whole script too.
runner::HostImports wast_host();

}  // namespace fact::wast
