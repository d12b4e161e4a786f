// Writing a command's result to a file or to standard output.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "failure.h"

namespace fact::tool {

// Writes `bytes` to `path`, or to standard output when `path` is empty or
// "-". A binary result is refused when standard output is a terminal.
Outcome write_output(const std::string& path, std::span<const uint8_t> bytes, bool binary);

}  // namespace fact::tool
