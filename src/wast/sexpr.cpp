#include "fact/wast/sexpr.h"

#include <optional>

#include "fact/values/utf8.h"

namespace fact::wast::sexpr {

using values::append_utf8;
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The characters of keywords, numbers and ids (the text format's idchar),
// which also covers the reserved tokens a script may contain.
bool is_atom_char(char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '/':
    case ':':
    case '<':
    case '=':
    case '>':
    case '?':
    case '@':
    case '\\':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
    case ',':
    case '[':
    case ']':
    case '{':
    case '}': return true;
    default: return false;
  }
}

std::optional<uint32_t> hex_digit(char c) {
  if (c >= '0' && c <= '9') return static_cast<uint32_t>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<uint32_t>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return static_cast<uint32_t>(c - 'A' + 10);
  return std::nullopt;
}

class Lexer {
 public:
  Lexer(std::string_view text, ParseOptions options) : text_(text), options_(options) {}

  Expected<std::vector<Node>> run() {
    // Lists being read, innermost last; the bottom one collects the
    // top-level forms. Iterative, so that deep nesting cannot exhaust the
    // stack.
    std::vector<Node> open(1);
    open[0].kind = Node::Kind::List;
    for (;;) {
      if (auto skipped = skip_blanks(); !skipped) return skipped.error();
      if (at_end()) break;
      const char c = peek();
      if (c == '(') {
        Node list;
        list.kind = Node::Kind::List;
        list.span.begin = pos_;
        advance();
        list.annotation = !at_end() && peek() == '@';
        open.push_back(std::move(list));
        continue;
      }
      if (c == ')') {
        if (open.size() == 1) return fail(pos_, "unexpected ')'");
        advance();
        Node list = std::move(open.back());
        open.pop_back();
        list.span.end = pos_;
        if (list.annotation && !options_.keep_annotations) continue;
        open.back().items.push_back(std::move(list));
        continue;
      }
      auto token = c == '"' ? string_token() : atom_token();
      if (!token) return token.error();
      open.back().items.push_back(std::move(*token));
    }
    if (open.size() > 1)
      return fail(open.back().span.begin, "unclosed '(': expected ')' before the end of the text");
    return std::move(open[0].items);
  }

 private:
  bool at_end() const { return pos_.offset >= text_.size(); }
  char peek(size_t ahead = 0) const {
    return pos_.offset + ahead < text_.size() ? text_[pos_.offset + ahead] : '\0';
  }

  void advance() {
    const char c = text_[pos_.offset++];
    if (c == '\n') {
      ++pos_.line;
      pos_.column = 1;
    } else if ((static_cast<uint8_t>(c) & 0xC0) != 0x80) {
      ++pos_.column;
    }
  }

  static Error fail(const Position& at, const std::string& message) {
    return Error{to_string(at) + ": " + message};
  }

  Expected<void> skip_blanks() {
    while (!at_end()) {
      const char c = peek();
      if (is_space(c)) {
        advance();
      } else if (c == ';' && peek(1) == ';') {
        while (!at_end() && peek() != '\n') advance();
      } else if (c == '(' && peek(1) == ';') {
        if (auto r = block_comment(); !r) return r;
      } else {
        break;
      }
    }
    return {};
  }

  Expected<void> block_comment() {
    const Position start = pos_;
    advance();
    advance();
    size_t depth = 1;
    while (depth > 0) {
      if (at_end()) return fail(start, "unclosed block comment: expected ';)'");
      if (peek() == '(' && peek(1) == ';') {
        advance();
        advance();
        ++depth;
      } else if (peek() == ';' && peek(1) == ')') {
        advance();
        advance();
        --depth;
      } else {
        advance();
      }
    }
    return {};
  }

  Expected<Node> atom_token() {
    Node node;
    node.kind = Node::Kind::Atom;
    node.span.begin = pos_;
    // `$"..."`: an id written as a string.
    if (peek() == '$' && peek(1) == '"') {
      advance();
      auto name = string_token();
      if (!name) return name.error();
      node.text = "$" + name->text;
      node.span.end = pos_;
      return node;
    }
    while (!at_end() && is_atom_char(peek())) advance();
    if (pos_.offset == node.span.begin.offset) {
      const auto byte = static_cast<uint8_t>(peek());
      if (byte >= 0x21 && byte < 0x7F)
        return fail(pos_, std::string("unexpected character '") + peek() + "'");
      return fail(pos_, "unexpected character (byte 0x" + hex_byte(byte) + ")");
    }
    node.text =
        std::string(text_.substr(node.span.begin.offset, pos_.offset - node.span.begin.offset));
    node.span.end = pos_;
    return node;
  }

  static std::string hex_byte(uint8_t byte) {
    static constexpr char kHex[] = "0123456789abcdef";
    return {kHex[byte >> 4], kHex[byte & 0xF]};
  }

  Expected<Node> string_token() {
    Node node;
    node.kind = Node::Kind::String;
    node.span.begin = pos_;
    advance();  // the opening quote
    for (;;) {
      if (at_end()) return fail(node.span.begin, "unclosed string: expected '\"'");
      const char c = peek();
      const auto byte = static_cast<uint8_t>(c);
      if (c == '"') {
        advance();
        break;
      }
      if (byte < 0x20 || byte == 0x7F) {
        return fail(pos_, "control character (byte 0x" + hex_byte(byte) +
                              ") in a string; write it as an escape");
      }
      if (c != '\\') {
        node.text += c;
        advance();
        continue;
      }
      const Position escape = pos_;
      advance();
      if (at_end()) return fail(node.span.begin, "unclosed string: expected '\"'");
      const char e = peek();
      switch (e) {
        case 't':
          node.text += '\t';
          advance();
          continue;
        case 'n':
          node.text += '\n';
          advance();
          continue;
        case 'r':
          node.text += '\r';
          advance();
          continue;
        case '"':
          node.text += '"';
          advance();
          continue;
        case '\'':
          node.text += '\'';
          advance();
          continue;
        case '\\':
          node.text += '\\';
          advance();
          continue;
        case 'u': {
          advance();
          auto cp = unicode_escape(escape);
          if (!cp) return cp.error();
          append_utf8(node.text, *cp);
          continue;
        }
        default: break;
      }
      const auto high = hex_digit(e);
      const auto low = hex_digit(peek(1));
      if (!high || !low)
        return fail(
            escape,
            "invalid escape in a string (expected \\t \\n \\r \\\" \\' \\\\ \\hh or \\u{...})");
      node.text += static_cast<char>((*high << 4) | *low);
      advance();
      advance();
    }
    node.span.end = pos_;
    return node;
  }

  // After `\u`: `{hexnum}` with a Unicode scalar value.
  Expected<uint32_t> unicode_escape(const Position& escape) {
    if (peek() != '{') return fail(escape, "invalid \\u escape: expected '{'");
    advance();
    uint64_t value = 0;
    size_t digits = 0;
    bool last_was_digit = false;
    while (!at_end() && peek() != '}') {
      if (peek() == '_' && last_was_digit) {
        last_was_digit = false;
        advance();
        continue;
      }
      const auto d = hex_digit(peek());
      if (!d) return fail(escape, "invalid \\u escape: expected hexadecimal digits and '}'");
      value = value * 16 + *d;
      if (value > 0x10FFFF) return fail(escape, "invalid \\u escape: beyond U+10FFFF");
      ++digits;
      last_was_digit = true;
      advance();
    }
    if (at_end()) return fail(escape, "invalid \\u escape: expected '}'");
    if (digits == 0 || !last_was_digit)
      return fail(escape, "invalid \\u escape: expected hexadecimal digits");
    advance();
    if (value >= 0xD800 && value <= 0xDFFF)
      return fail(escape, "invalid \\u escape: a surrogate is not a scalar value");
    return static_cast<uint32_t>(value);
  }

  std::string_view text_;
  ParseOptions options_;
  Position pos_;
};

}  // namespace

std::string_view Node::head() const {
  if (kind != Kind::List || items.empty() || !items[0].is_atom()) return {};
  return items[0].text;
}

Expected<std::vector<Node>> parse(std::string_view text, ParseOptions options) {
  return Lexer(text, options).run();
}

std::string_view slice(std::string_view text, const Span& span) {
  if (span.begin.offset > text.size() || span.end.offset < span.begin.offset) return {};
  return text.substr(span.begin.offset, span.end.offset - span.begin.offset);
}

std::string to_string(const Position& position) {
  return std::to_string(position.line) + ":" + std::to_string(position.column);
}

}  // namespace fact::wast::sexpr
