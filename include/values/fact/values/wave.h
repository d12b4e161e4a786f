// WAVE, the Web Assembly Value Encoding (the text of `wasmtime run --invoke`
// arguments and results; crates/wasm-wave in wasm-tools): parsing typed
// values and printing them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fact/error.h"
#include "fact/types.h"
#include "fact/values/value.h"

namespace fact::values {

// A value of `type`. Accepts comments (`//` to the end of the line),
// trailing commas, `%`-escaped labels, record fields in any order (option
// fields may be left out: none), and the flat forms of options and results
// (`5` for some(5) or ok(5)). Own and borrow handles are written `#N`
// (fact's extension: the handle at index N of the host's table).
Expected<Value> parse_wave(const TypeStore& store, TypeId type, std::string_view text);

// Comma-separated values of `types` (the inside of an invocation's
// parentheses).
Expected<std::vector<Value>> parse_wave_values(const TypeStore& store,
                                               const std::vector<TypeId>& types,
                                               std::string_view text);

// As wasm-wave's writer: floats as the shortest decimal that reads back
// (no exponent), NaN as `nan`; records leave out fields that are none
// (`{:}` when nothing is left); case labels that are keywords get a `%`;
// handles as `#N`.
std::string print_wave(const TypeStore& store, TypeId type, const Value& value);

// `name(args)`: the function name (everything before the first `(`,
// trimmed) and the text between the parentheses.
struct Invocation {
  std::string name;
  std::string args;
};
Expected<Invocation> split_invocation(std::string_view text);

}  // namespace fact::values
