// UTF-8 and code points, for the string encodings of the Canonical ABI
// reference, WAVE text and the tests' value generators.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fact::values {

// The code points of valid UTF-8, or nullopt.
std::optional<std::vector<uint32_t>> decode_utf8(const std::string& utf8);
// Appends one Unicode scalar value.
void append_utf8(std::string& out, uint32_t cp);
std::string encode_utf8(const std::vector<uint32_t>& code_points);

}  // namespace fact::values
