// Seeded random component types and values for round-trip tests.
#pragma once

#include <cstdint>
#include <random>

#include "fact/types.h"
#include "support/canonical.h"

namespace fact::test {

using Rng = std::mt19937_64;

struct RandomTypeOptions {
  // Deepest nesting generated (1: scalars only).
  uint32_t max_depth = 4;
  // Members of an ordinary record, tuple or variant: 1 to max_members.
  uint32_t max_members = 6;
  // Now and then a record, variant or enum gets up to wide_members members,
  // and rarely an enum or variant gets more than 256 cases (two-byte
  // discriminants).
  uint32_t wide_members = 40;
  uint32_t max_fixed_length = 4;
  // Include string, list<T> and map<K, V>.
  bool strings_and_lists = false;
};

class RandomTypes {
 public:
  RandomTypes(TypeStore& store, Rng& rng, RandomTypeOptions options = {});

  // A type of nesting depth at most `max_depth` (options.max_depth if 0).
  TypeId value_type(uint32_t max_depth = 0);
  // A function type with 1 to max_params parameters and, mostly, a result.
  FuncTypeId func_type(uint32_t max_params);

 private:
  TypeId scalar();
  TypeId compound(uint32_t depth);
  uint32_t member_count(uint32_t depth);

  TypeStore& store_;
  Rng& rng_;
  RandomTypeOptions options_;
};

struct RandomValueOptions {
  uint32_t max_list_length = 4;
  uint32_t max_string_length = 8;
};

// A random well-formed value of `type`: integers favour edge values, floats
// include infinities, zeros and NaNs with payloads, chars include 0xD7FF,
// 0xE000 and 0x10FFFF.
Value random_value(const TypeStore& store, TypeId type, Rng& rng, RandomValueOptions options = {});

}  // namespace fact::test
