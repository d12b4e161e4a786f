// Anonymous WIT-style type expressions, as the `fact adapter` command takes
// them: `func(a: u32, p: record { x: f32, y: f32 }) -> option<u8>`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fact/error.h"
#include "fact/types.h"

namespace fact {

// Resource names met in `own<name>` / `borrow<name>`, numbered in order of
// first appearance; the number is the TypeNode::resource of the handle.
struct ResourceNames {
  std::vector<std::string> names;
  uint32_t index_of(std::string_view name);
};

// Grammar (whitespace is free between tokens; names are WIT identifiers,
// optionally %-prefixed):
//   func     := 'async'? 'func' '(' (param (',' param)* ','?)? ')' ('->' type)?
//   param    := name ':' type
//   type     := bool | s8 | u8 | s16 | u16 | s32 | u32 | s64 | u64 | f32 | f64
//             | char | string | error-context
//             | 'list' '<' type (',' number)? '>' | 'map' '<' type ',' type '>'
//             | 'tuple' '<' type (',' type)* '>' | 'option' '<' type '>'
//             | 'result' ('<' (type | '_') (',' type)? '>')?
//             | 'record' '{' name ':' type (',' ...)* '}'
//             | 'variant' '{' name ('(' type ')')? (',' ...)* '}'
//             | 'enum' '{' name (',' name)* '}' | 'flags' '{' name (',' name)* '}'
//             | 'own' '<' name '>' | 'borrow' '<' name '>'
//             | 'future' ('<' type '>')? | 'stream' ('<' type '>')?
// On a syntax error, the message starts with "column N:" (1-based) and says
// what was expected and what was found.
Expected<FuncTypeId> parse_func_type(TypeStore& store, std::string_view text,
                                     ResourceNames& resources);
Expected<TypeId> parse_value_type(TypeStore& store, std::string_view text,
                                  ResourceNames& resources);

}  // namespace fact
