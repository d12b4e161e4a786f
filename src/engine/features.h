// The wasm features fact's modules are validated and run with. C++17, so
// that the libwabt interpreter code (built as C++17 with GCC 12) can use it.
#pragma once

#include <wabt/feature.h>

namespace fact::engine {

// wabt's defaults plus what adapter modules (and the modules around them)
// use: several memories of either index type, bulk memory, multi-value,
// mutable global imports and shared memories.
wabt::Features adapter_features();

}  // namespace fact::engine
