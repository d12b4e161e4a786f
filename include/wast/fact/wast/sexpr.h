// The s-expression layer of the WebAssembly text format, as .wast scripts
// use it: parentheses, atoms (keywords, numbers, $ids) and strings, with
// line and block comments skipped and annotations `(@name ...)` kept or
// dropped. Every node records where it came from, so that the original text
// of a form can be sliced out again (a text component is handed to an
// external parser verbatim).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fact/error.h"

namespace fact::wast::sexpr {

struct Position {
  uint32_t line = 1;
  uint32_t column = 1;  // in code points, from 1
  size_t offset = 0;    // in bytes, from 0
};

// `end` is just past the last byte of the node.
struct Span {
  Position begin, end;
};

struct Node {
  enum class Kind : uint8_t { List, Atom, String };
  Kind kind = Kind::Atom;
  // Atom: the token as written; String: the bytes it denotes, after escapes
  // (not necessarily UTF-8).
  std::string text;
  std::vector<Node> items;  // List only
  // A list written `(@name ...)`: items[0] is the atom `@name`.
  bool annotation = false;
  Span span;

  bool is_list() const { return kind == Kind::List; }
  bool is_string() const { return kind == Kind::String; }
  bool is_atom() const { return kind == Kind::Atom; }
  bool is_atom(std::string_view word) const { return kind == Kind::Atom && text == word; }
  bool is_id() const { return kind == Kind::Atom && text.size() > 1 && text[0] == '$'; }
  // The keyword a list starts with (`assert_return` for `(assert_return ...)`),
  // or "" when it does not start with an atom.
  std::string_view head() const;
};

struct ParseOptions {
  // Keep annotations as nodes; by default they are dropped at every depth.
  bool keep_annotations = false;
};

// The top-level forms of `text`. Errors start with "LINE:COLUMN: ".
Expected<std::vector<Node>> parse(std::string_view text, ParseOptions options = {});

// The original text of `span`.
std::string_view slice(std::string_view text, const Span& span);

// "LINE:COLUMN".
std::string to_string(const Position& position);

}  // namespace fact::wast::sexpr
