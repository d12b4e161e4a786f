// Reading a component binary into its syntax tree (component/ast.h).
#pragma once

#include <cstdint>
#include <span>

#include "fact/component/ast.h"
#include "fact/error.h"

namespace fact::component {

// Decodes a whole component binary (preamble, every section, nested
// components recursively). Nested core modules are kept as bytes and only
// their preamble is checked.
//
// Checked here: the encoding itself (LEB128 ranges, UTF-8, opcodes, option
// bytes, section sizes), the name grammar of imports, exports and labels,
// counts the format bounds (flags 1..32, non-empty records, ...), sort bytes
// allowed in each position, and every index against the size of its index
// space at that point (outer aliases against the enclosing scope). Left to
// later passes: what an index refers to (e.g. that `own` names a resource),
// type matching, name uniqueness, and rejecting features fact does not
// support (async, values, start, ...), which are read faithfully.
//
// Never reads out of bounds; every count is checked against the bytes left
// before anything is reserved, at most 100000 definitions and declarators
// are accepted, and nesting deeper than 64 components or types is rejected.
// Errors read "at byte 0x1a3: in the canon section (entry 2): expected ...".
Expected<Component> read_component(std::span<const uint8_t> bytes);

}  // namespace fact::component
