// Validating, printing and assembling core modules with libwabt, for the
// `fact` tool and the tests.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fact/error.h"

namespace fact::engine {

// Decodes and validates a binary module; the error carries wabt's messages.
Expected<void> validate_module(std::span<const uint8_t> wasm);

// The text format of a binary module, with folded expressions and names
// generated for unnamed items so that it reads well.
Expected<std::string> module_to_wat(std::span<const uint8_t> wasm);

// Assembles a text-format module into its validated binary encoding.
Expected<std::vector<uint8_t>> wat_to_module(std::string_view wat);

}  // namespace fact::engine
