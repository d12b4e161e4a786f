// Reading a command's input file (or standard input).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "failure.h"

namespace fact::tool {

// Appends the bytes of `path` ("-": standard input) to `bytes`.
Outcome read_input_file(const std::string& path, std::vector<uint8_t>& bytes);

}  // namespace fact::tool
