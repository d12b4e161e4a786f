// Component values as .wast scripts write them (the `wast` crate's syntax:
// `(u32.const 1)`, `(record.const (field "x" (s8.const -1)))`,
// `(option.some (str.const "a"))`, ...): read into an untyped tree first,
// then given a type (labels become indices), compared and printed back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fact/error.h"
#include "fact/types.h"
#include "fact/values/value.h"
#include "fact/wast/sexpr.h"

namespace fact::wast {

using values::Value;

struct WastValue {
  enum class Kind : uint8_t {
    Bool,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
    S64,
    U64,
    F32,
    F64,
    Char,
    String,
    List,
    Record,
    Tuple,
    Variant,
    Enum,
    None,
    Some,
    Ok,
    Err,
    Flags,
  };
  Kind kind = Kind::Bool;
  // Bool: 0 or 1. Integers: the value, sign-extended for the signed kinds.
  // F32, F64: the bit pattern. Char: the code point.
  uint64_t bits = 0;
  std::string text;                 // String: the UTF-8; Variant, Enum: the case
  std::vector<std::string> labels;  // Record: field names, one per item; Flags: the flags
  std::vector<WastValue> items;  // List, Tuple, Record; Variant, Some, Ok, Err: the payload, if any
  sexpr::Position where;
};

// The keyword of a kind ("u32.const", "option.some", ...).
const char* wast_keyword(WastValue::Kind kind);

// One value form. Errors start with "LINE:COLUMN: ".
Expected<WastValue> parse_wast_value(const sexpr::Node& node);

// Number literals of the text format: sign, decimal or `0x` hex, `_`
// between digits; floats also hex floats, `inf`, `nan` and `nan:0x...`.
Expected<uint64_t> parse_wast_integer(std::string_view text, unsigned bits, bool is_signed);
Expected<uint32_t> parse_wast_f32(std::string_view text);
Expected<uint64_t> parse_wast_f64(std::string_view text);

// The value of `type` that `value` denotes. The kinds must agree exactly
// (a u8 is written `u8.const`); labels must name fields, cases or flags of
// the type. Errors start with the position of the offending part.
Expected<Value> typed_value(const TypeStore& store, TypeId type, const WastValue& value);

// Whether `actual` equals `expected`, except that an expected NaN matches
// any NaN.
bool values_match(const Value& expected, const Value& actual);

// `value` in script syntax, with the labels of `type`.
std::string print_wast(const TypeStore& store, TypeId type, const Value& value);
// An untyped value back in script syntax.
std::string print_wast(const WastValue& value);

// `text` as a script string, quotes included: `"a\"b"`.
std::string wast_string(std::string_view text);

}  // namespace fact::wast
