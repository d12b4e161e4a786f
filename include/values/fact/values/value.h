// Component values for the Canonical ABI reference (src/run/reference.h).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "fact/types.h"

namespace fact::values {

// One component-level value. Which members are used depends on kind:
//   Bool: bits is 0 or 1. Integers: bits holds the value, sign-extended to
//   64 bits for the signed kinds. F32/F64: bits holds the bit pattern (f32
//   in the low 32 bits), so NaN payloads compare exactly. Char: the code
//   point. Flags: bit i is label i. Own/Borrow/Future/Stream/ErrorContext:
//   the handle index.
//   String: text, in UTF-8.
//   List, FixedList, Record, Tuple: items in order. Map: items are
//   two-element Tuple values (key, value).
//   Variant, Enum, Option, Result: bits is the case index; items holds the
//   payload when the case has one.
struct Value {
  TypeKind kind = TypeKind::Bool;
  uint64_t bits = 0;
  std::vector<Value> items;
  std::string text;

  friend bool operator==(const Value&, const Value&) = default;

  static Value boolean(bool b);
  // An integer of kind S8..U64, wrapped to the kind's width.
  static Value integer(TypeKind kind, uint64_t v);
  static Value u8(uint8_t v) { return integer(TypeKind::U8, v); }
  static Value s8(int8_t v) { return integer(TypeKind::S8, static_cast<uint64_t>(v)); }
  static Value u16(uint16_t v) { return integer(TypeKind::U16, v); }
  static Value s16(int16_t v) { return integer(TypeKind::S16, static_cast<uint64_t>(v)); }
  static Value u32(uint32_t v) { return integer(TypeKind::U32, v); }
  static Value s32(int32_t v) { return integer(TypeKind::S32, static_cast<uint64_t>(v)); }
  static Value u64(uint64_t v) { return integer(TypeKind::U64, v); }
  static Value s64(int64_t v) { return integer(TypeKind::S64, static_cast<uint64_t>(v)); }
  static Value f32_bits(uint32_t bits);
  static Value f64_bits(uint64_t bits);
  static Value f32(float f);
  static Value f64(double d);
  static Value character(uint32_t code_point);
  static Value string(std::string utf8);
  static Value list(std::vector<Value> elements);
  static Value fixed_list(std::vector<Value> elements);
  static Value map(std::vector<std::pair<Value, Value>> entries);
  static Value record(std::vector<Value> fields);
  static Value tuple(std::vector<Value> elements);
  static Value variant(uint32_t case_index, std::optional<Value> payload = std::nullopt);
  static Value enumeration(uint32_t case_index);
  static Value none();
  static Value some(Value payload);
  static Value ok(std::optional<Value> payload = std::nullopt);
  static Value err(std::optional<Value> payload = std::nullopt);
  static Value flags(uint32_t bits);
  static Value handle(TypeKind kind, uint32_t index);

  // The case payload of a variant-family value, if any.
  const Value* payload() const { return items.empty() ? nullptr : &items[0]; }
};

// WAVE-like text without type information (records print positionally,
// cases by index): for failure messages when no type is at hand.
std::string to_string(const Value& value);

// WAVE-like text using the labels of `type`: `{x: 1, y: some('a')}`,
// `ok(3)`, `{read, write}`, `red`, NaNs as `nan:0x7fc00001`.
std::string to_wave(const TypeStore& store, TypeId type, const Value& value);
std::string to_wave(const TypeStore& store, const std::vector<TypeId>& types,
                    const std::vector<Value>& values);

// Whether `value` is a well-formed value of `type` (kinds, counts, case
// indices, char range, flags bits, integer ranges); the error says where not.
Expected<void> check_value(const TypeStore& store, TypeId type, const Value& value);

// Lets GoogleTest print values.
void PrintTo(const Value& value, std::ostream* os);

}  // namespace fact::values
