// The wasm features fact's modules are validated and run with. C++17, so
// that the libwabt interpreter code (built as C++17 with GCC 12) can use it.
#pragma once

#include <wabt/common.h>
#include <wabt/error.h>
#include <wabt/feature.h>

#include <string>

namespace fact::engine {

// wabt's defaults plus what adapter modules (and the modules around them)
// use: several memories of either index type, bulk memory, multi-value,
// mutable global imports and shared memories; and every other feature the
// interpreter can run (extended constants, tail calls, legacy exceptions,
// relaxed SIMD).
wabt::Features adapter_features();

// libwabt's errors, formatted, with the feature named when the error is an
// opcode of a proposal it cannot decode ("unexpected opcode: 0x1f" is
// `try_table`, of exception handling with exnref).
std::string describe_wabt_errors(const wabt::Errors& errors);

}  // namespace fact::engine
