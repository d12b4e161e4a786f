#include "fact/values/wave.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "fact/values/utf8.h"

namespace fact::values {
namespace {

constexpr std::string_view kKeywords[] = {"true", "false", "inf", "nan",
                                          "some", "none",  "ok",  "err"};

bool is_keyword(std::string_view label) {
  for (std::string_view k : kKeywords) {
    if (k == label) return true;
  }
  return false;
}

bool is_label_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

// One code point of valid UTF-8 at text[*pos], advancing; nullopt if invalid.
std::optional<uint32_t> next_utf8(std::string_view text, size_t* pos) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  size_t i = *pos;
  if (i >= text.size()) return std::nullopt;
  uint8_t b0 = byte(i);
  size_t len = b0 < 0x80           ? 1
               : (b0 >> 5) == 0x6  ? 2
               : (b0 >> 4) == 0xE  ? 3
               : (b0 >> 3) == 0x1E ? 4
                                   : 0;
  if (len == 0 || i + len > text.size()) return std::nullopt;
  uint32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  *pos = i + len;
  return cp;
}

class Parser {
 public:
  Parser(const TypeStore& store, std::string_view text) : store_(store), text_(text) {}

  Expected<Value> value(TypeId type, uint32_t depth = 0) {
    if (depth > 1000) return fail("values nest too deeply");
    skip();
    const TypeNode& node = store_.get(type);
    switch (node.kind) {
      case TypeKind::Bool: {
        auto l = label();
        if (!l) return l.error();
        if (l->first == "true" && !l->second) return Value::boolean(true);
        if (l->first == "false" && !l->second) return Value::boolean(false);
        return fail("expected `true` or `false`");
      }
      case TypeKind::S8:
      case TypeKind::U8:
      case TypeKind::S16:
      case TypeKind::U16:
      case TypeKind::S32:
      case TypeKind::U32:
      case TypeKind::S64:
      case TypeKind::U64: return integer(node.kind);
      case TypeKind::F32:
      case TypeKind::F64: return floating(node.kind);
      case TypeKind::Char: return character();
      case TypeKind::String: return string();
      case TypeKind::List:
      case TypeKind::FixedList: {
        auto items = sequence(
            '[', ']', [&](size_t) { return std::optional<TypeId>(*node.element); }, depth);
        if (!items) return items.error();
        if (node.kind == TypeKind::FixedList && items->size() != node.length) {
          return fail("expected " + std::to_string(node.length) + " elements, found " +
                      std::to_string(items->size()));
        }
        return node.kind == TypeKind::List ? Value::list(std::move(*items))
                                           : Value::fixed_list(std::move(*items));
      }
      case TypeKind::Tuple: {
        auto items = sequence(
            '(', ')',
            [&](size_t i) {
              return i < node.elements.size() ? std::optional<TypeId>(node.elements[i])
                                              : std::nullopt;
            },
            depth);
        if (!items) return items.error();
        if (items->size() != node.elements.size()) {
          return fail("expected a tuple of " + std::to_string(node.elements.size()) + " values");
        }
        return Value::tuple(std::move(*items));
      }
      case TypeKind::Record: return record(node, depth);
      case TypeKind::Flags: return flags(node);
      case TypeKind::Map: return map(node, depth);
      case TypeKind::Variant:
      case TypeKind::Enum: return variant(node, depth);
      case TypeKind::Option:
      case TypeKind::Result: {
        if (at_label()) {
          size_t save = pos_;
          auto l = label();
          if (!l) return l.error();
          pos_ = save;
          bool explicit_case = !l->second && (node.kind == TypeKind::Option
                                                  ? (l->first == "some" || l->first == "none")
                                                  : (l->first == "ok" || l->first == "err"));
          if (explicit_case) return variant(node, depth);
        }
        // The flat form: a value of the `some` or `ok` payload.
        if (!node.cases[node.kind == TypeKind::Option ? 1 : 0].type) {
          return fail(node.kind == TypeKind::Option ? "expected `some(...)` or `none`"
                                                    : "expected `ok` or `err`");
        }
        auto payload = value(*node.cases[node.kind == TypeKind::Option ? 1 : 0].type, depth + 1);
        if (!payload) return payload.error();
        return node.kind == TypeKind::Option ? Value::some(std::move(*payload))
                                             : Value::ok(std::move(*payload));
      }
      case TypeKind::Own:
      case TypeKind::Borrow:
      case TypeKind::Future:
      case TypeKind::Stream:
      case TypeKind::ErrorContext: return handle(node.kind);
      default:
        return fail(std::string("values of type `") + kind_name(node.kind) +
                    "` cannot be written in WAVE here");
    }
  }

  Expected<void> finish() {
    skip();
    if (pos_ != text_.size()) return fail("unexpected text after the value");
    return {};
  }

  void skip() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++pos_;
      } else if (text_.substr(pos_, 2) == "//") {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }

  bool eat(char c) {
    skip();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool at_end() {
    skip();
    return pos_ == text_.size();
  }

  Error fail(const std::string& message) const {
    return Error{"invalid WAVE at offset " + std::to_string(pos_) + ": " + message};
  }

 private:
  bool at_label() const {
    return pos_ < text_.size() &&
           (text_[pos_] == '%' || std::isalpha(static_cast<unsigned char>(text_[pos_])));
  }

  // A label and whether it was %-escaped.
  Expected<std::pair<std::string, bool>> label() {
    skip();
    bool escaped = pos_ < text_.size() && text_[pos_] == '%';
    if (escaped) ++pos_;
    size_t start = pos_;
    while (pos_ < text_.size() && is_label_char(text_[pos_])) ++pos_;
    if (pos_ == start) return fail("expected a label");
    return std::pair<std::string, bool>(std::string(text_.substr(start, pos_ - start)), escaped);
  }

  std::string_view number_token() {
    skip();
    size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '-' ||
            text_[pos_] == '+' || text_[pos_] == '.')) {
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  Expected<Value> integer(TypeKind kind) {
    size_t start = pos_;
    std::string_view token = number_token();
    const bool is_signed = kind == TypeKind::S8 || kind == TypeKind::S16 || kind == TypeKind::S32 ||
                           kind == TypeKind::S64;
    const int width = kind == TypeKind::S8 || kind == TypeKind::U8     ? 8
                      : kind == TypeKind::S16 || kind == TypeKind::U16 ? 16
                      : kind == TypeKind::S32 || kind == TypeKind::U32 ? 32
                                                                       : 64;
    auto bad = [&](const std::string& why) {
      pos_ = start;
      return fail("`" + std::string(token) + "` " + why);
    };
    if (token.empty()) return bad("is not an integer");
    if (is_signed) {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
      if (ec == std::errc::result_out_of_range)
        return bad("is out of range for " + std::string(kind_name(kind)));
      if (ec != std::errc() || end != token.data() + token.size()) return bad("is not an integer");
      const int64_t lo =
          width == 64 ? std::numeric_limits<int64_t>::min() : -(int64_t{1} << (width - 1));
      const int64_t hi =
          width == 64 ? std::numeric_limits<int64_t>::max() : (int64_t{1} << (width - 1)) - 1;
      if (v < lo || v > hi) return bad("is out of range for " + std::string(kind_name(kind)));
      return Value::integer(kind, static_cast<uint64_t>(v));
    }
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
    if (ec == std::errc::result_out_of_range || (ec == std::errc() && width < 64 && v >> width)) {
      return bad("is out of range for " + std::string(kind_name(kind)));
    }
    if (ec != std::errc() || end != token.data() + token.size()) {
      return bad(token.front() == '-' ? "is out of range for " + std::string(kind_name(kind))
                                      : "is not an integer");
    }
    return Value::integer(kind, v);
  }

  Expected<Value> floating(TypeKind kind) {
    size_t start = pos_;
    std::string_view token = number_token();
    const bool f32 = kind == TypeKind::F32;
    auto make = [&](double d) { return f32 ? Value::f32(static_cast<float>(d)) : Value::f64(d); };
    if (token == "nan")
      return f32 ? Value::f32_bits(0x7fc00000) : Value::f64_bits(0x7ff8000000000000);
    if (token == "inf") return make(std::numeric_limits<double>::infinity());
    if (token == "-inf") return make(-std::numeric_limits<double>::infinity());
    // JSON numbers only: no hex, no leading '+', no bare "inf" spellings.
    bool json = !token.empty() && token.front() != '+';
    for (char c : token)
      json &= std::isdigit(static_cast<unsigned char>(c)) || std::strchr("-+.eE", c) != nullptr;
    if (json) {
      if (f32) {
        float f = 0;
        auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), f);
        if (ec == std::errc() && end == token.data() + token.size()) return Value::f32(f);
      } else {
        double d = 0;
        auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), d);
        if (ec == std::errc() && end == token.data() + token.size()) return Value::f64(d);
      }
    }
    pos_ = start;
    return fail("`" + std::string(token) + "` is not a number");
  }

  // One character of a char or string literal, escapes decoded.
  Expected<uint32_t> literal_char(char quote) {
    if (pos_ >= text_.size()) return fail("unterminated literal");
    char c = text_[pos_];
    if (c == '\n' || c == '\r') return fail("line break in a literal");
    if (c != '\\') {
      if (c == quote) return fail("empty char literal");
      auto cp = next_utf8(text_, &pos_);
      if (!cp) return fail("invalid UTF-8");
      return *cp;
    }
    ++pos_;
    if (pos_ >= text_.size()) return fail("unterminated escape");
    char e = text_[pos_++];
    switch (e) {
      case '\'': return uint32_t{'\''};
      case '"': return uint32_t{'"'};
      case '\\': return uint32_t{'\\'};
      case 't': return uint32_t{'\t'};
      case 'n': return uint32_t{'\n'};
      case 'r': return uint32_t{'\r'};
      case 'u': {
        if (pos_ >= text_.size() || text_[pos_] != '{') return fail("expected `{` after `\\u`");
        size_t close = text_.find('}', pos_);
        if (close == std::string_view::npos) return fail("unterminated `\\u{` escape");
        std::string_view hex = text_.substr(pos_ + 1, close - pos_ - 1);
        uint32_t cp = 0;
        auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), cp, 16);
        if (hex.empty() || hex.size() > 6 || ec != std::errc() || end != hex.data() + hex.size() ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
          return fail("`\\u{" + std::string(hex) + "}` is not a Unicode scalar value");
        }
        pos_ = close + 1;
        return cp;
      }
      default: return fail(std::string("unknown escape `\\") + e + "`");
    }
  }

  // fact's extension of WAVE, which has no syntax for resources, futures,
  // streams or error contexts: `#N` is the handle the host holds at index
  // N of its table (for a future or stream, its readable end).
  Expected<Value> handle(TypeKind kind) {
    if (!eat('#'))
      return fail(std::string("expected a handle (#N) for a value of type `") + kind_name(kind) +
                  "`");
    size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    uint32_t index = 0;
    auto [end, ec] = std::from_chars(text_.data() + start, text_.data() + pos_, index);
    if (start == pos_ || ec != std::errc() || end != text_.data() + pos_) {
      pos_ = start;
      return fail("expected the decimal index of a handle after `#`");
    }
    return Value::handle(kind, index);
  }

  Expected<Value> character() {
    if (!eat('\'')) return fail("expected a char literal ('x')");
    auto cp = literal_char('\'');
    if (!cp) return cp.error();
    if (pos_ >= text_.size() || text_[pos_] != '\'')
      return fail("a char literal holds one character");
    ++pos_;
    return Value::character(*cp);
  }

  Expected<Value> string() {
    if (!eat('"')) return fail("expected a string literal (\"...\")");
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) return fail("unterminated string");
      if (text_[pos_] == '"') {
        ++pos_;
        return Value::string(std::move(out));
      }
      auto cp = literal_char('"');
      if (!cp) return cp.error();
      append_utf8(out, *cp);
    }
  }

  template <typename TypeOf>
  Expected<std::vector<Value>> sequence(char open, char close, TypeOf type_of, uint32_t depth) {
    if (!eat(open)) return fail(std::string("expected `") + open + "`");
    std::vector<Value> items;
    while (!eat(close)) {
      std::optional<TypeId> t = type_of(items.size());
      if (!t) return fail("too many values");
      auto v = value(*t, depth + 1);
      if (!v) return v.error();
      items.push_back(std::move(*v));
      if (!eat(',')) {
        if (!eat(close)) return fail(std::string("expected `,` or `") + close + "`");
        break;
      }
    }
    return items;
  }

  Expected<Value> record(const TypeNode& node, uint32_t depth) {
    if (!eat('{')) return fail("expected `{`");
    std::vector<std::optional<Value>> fields(node.fields.size());
    if (eat(':')) {
      if (!eat('}')) return fail("expected `}` after `{:`");
    } else {
      while (!eat('}')) {
        auto l = label();
        if (!l) return l.error();
        size_t i = 0;
        while (i < node.fields.size() && node.fields[i].name != l->first) ++i;
        if (i == node.fields.size()) return fail("the record has no field `" + l->first + "`");
        if (fields[i]) return fail("field `" + l->first + "` is given twice");
        if (!eat(':')) return fail("expected `:` after field `" + l->first + "`");
        auto v = value(node.fields[i].type, depth + 1);
        if (!v) return v.error();
        fields[i] = std::move(*v);
        if (!eat(',')) {
          if (!eat('}')) return fail("expected `,` or `}`");
          break;
        }
      }
    }
    std::vector<Value> out;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (!fields[i]) {
        if (store_.get(node.fields[i].type).kind != TypeKind::Option) {
          return fail("field `" + node.fields[i].name + "` is missing");
        }
        fields[i] = Value::none();
      }
      out.push_back(std::move(*fields[i]));
    }
    return Value::record(std::move(out));
  }

  Expected<Value> flags(const TypeNode& node) {
    if (!eat('{')) return fail("expected `{`");
    uint64_t bits = 0;
    while (!eat('}')) {
      auto l = label();
      if (!l) return l.error();
      size_t i = 0;
      while (i < node.labels.size() && node.labels[i] != l->first) ++i;
      if (i == node.labels.size()) return fail("no flag `" + l->first + "`");
      if ((bits >> i) & 1) return fail("flag `" + l->first + "` is given twice");
      bits |= uint64_t{1} << i;
      if (!eat(',')) {
        if (!eat('}')) return fail("expected `,` or `}`");
        break;
      }
    }
    Value v = Value::flags(0);
    v.bits = bits;
    return v;
  }

  Expected<Value> map(const TypeNode& node, uint32_t depth) {
    if (!eat('{')) return fail("expected `{`");
    std::vector<std::pair<Value, Value>> entries;
    while (!eat('}')) {
      auto k = value(node.key, depth + 1);
      if (!k) return k.error();
      if (!eat(':')) return fail("expected `:` after a map key");
      auto v = value(node.value, depth + 1);
      if (!v) return v.error();
      entries.emplace_back(std::move(*k), std::move(*v));
      if (!eat(',')) {
        if (!eat('}')) return fail("expected `,` or `}`");
        break;
      }
    }
    return Value::map(std::move(entries));
  }

  Expected<Value> variant(const TypeNode& node, uint32_t depth) {
    skip();
    size_t start = pos_;
    auto l = label();
    if (!l) return l.error();
    // Keywords name option and result cases only; other cases spelled like
    // a keyword must be escaped.
    const bool builtin = node.kind == TypeKind::Option || node.kind == TypeKind::Result;
    std::string name = l->first;
    if (node.kind == TypeKind::Result && name == "err") name = "error";
    if (!builtin && !l->second && is_keyword(name)) {
      pos_ = start;
      return fail("the case `" + name + "` must be written `%" + name + "`");
    }
    size_t i = 0;
    while (i < node.cases.size() && node.cases[i].name != name) ++i;
    if (i == node.cases.size()) {
      pos_ = start;
      return fail("no case `" + l->first + "`");
    }
    Value v;
    v.kind = node.kind;
    v.bits = i;
    const std::optional<TypeId>& payload = node.cases[i].type;
    if (eat('(')) {
      if (!payload) return fail("case `" + l->first + "` has no payload");
      auto p = value(*payload, depth + 1);
      if (!p) return p.error();
      v.items.push_back(std::move(*p));
      if (!eat(')')) return fail("expected `)`");
    } else if (payload) {
      return fail("case `" + l->first + "` needs a payload: `" + l->first + "(...)`");
    }
    return v;
  }

  const TypeStore& store_;
  std::string_view text_;
  size_t pos_ = 0;
};

void print_char(uint32_t cp, std::string& out) {
  switch (cp) {
    case '\\': out += "\\\\"; return;
    case '"': out += "\\\""; return;
    case '\'': out += "\\'"; return;
    case '\t': out += "\\t"; return;
    case '\r': out += "\\r"; return;
    case '\n': out += "\\n"; return;
    default: break;
  }
  if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "\\u{%x}", cp);
    out += buf;
    return;
  }
  append_utf8(out, cp);
}

template <typename F>
void print_float(F f, std::string& out) {
  if (std::isnan(f)) {
    out += "nan";
    return;
  }
  if (std::isinf(f)) {
    out += f < 0 ? "-inf" : "inf";
    return;
  }
  // Rust's Display: the shortest digits that read back, written out with
  // zeros instead of an exponent.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::scientific);
  std::string_view text(buf, ec == std::errc() ? static_cast<size_t>(end - buf) : 0);
  size_t e = text.find('e');
  if (e == std::string_view::npos) {
    out += text;
    return;
  }
  std::string_view mantissa = text.substr(0, e);
  if (!mantissa.empty() && mantissa.front() == '-') {
    out += '-';
    mantissa.remove_prefix(1);
  }
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::string_view exp_text = text.substr(e + 1);
  if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  // digits = d0 d1 d2 ..., value = d0.d1d2... * 10^exponent
  const int point = exponent + 1;  // digits before the decimal point
  if (point <= 0) {
    out += "0." + std::string(static_cast<size_t>(-point), '0') + digits;
  } else if (static_cast<size_t>(point) >= digits.size()) {
    out += digits + std::string(static_cast<size_t>(point) - digits.size(), '0');
  } else {
    out += digits.substr(0, static_cast<size_t>(point)) + "." +
           digits.substr(static_cast<size_t>(point));
  }
}

void print(const TypeStore& store, TypeId type, const Value& v, std::string& out) {
  const TypeNode& node = store.get(type);
  switch (node.kind) {
    case TypeKind::Bool: out += v.bits ? "true" : "false"; return;
    case TypeKind::S8:
    case TypeKind::S16:
    case TypeKind::S32:
    case TypeKind::S64: out += std::to_string(static_cast<int64_t>(v.bits)); return;
    case TypeKind::U8:
    case TypeKind::U16:
    case TypeKind::U32:
    case TypeKind::U64: out += std::to_string(v.bits); return;
    case TypeKind::F32: {
      float f;
      uint32_t bits = static_cast<uint32_t>(v.bits);
      std::memcpy(&f, &bits, 4);
      print_float(f, out);
      return;
    }
    case TypeKind::F64: {
      double d;
      std::memcpy(&d, &v.bits, 8);
      print_float(d, out);
      return;
    }
    case TypeKind::Char:
      out += '\'';
      print_char(static_cast<uint32_t>(v.bits), out);
      out += '\'';
      return;
    case TypeKind::String: {
      out += '"';
      size_t pos = 0;
      while (pos < v.text.size()) {
        auto cp = next_utf8(v.text, &pos);
        if (!cp) {
          out += "\\u{fffd}";
          ++pos;
          continue;
        }
        print_char(*cp, out);
      }
      out += '"';
      return;
    }
    case TypeKind::List:
    case TypeKind::FixedList:
    case TypeKind::Tuple: {
      const bool tuple = node.kind == TypeKind::Tuple;
      out += tuple ? '(' : '[';
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ", ";
        print(store, tuple ? node.elements.at(i) : *node.element, v.items[i], out);
      }
      out += tuple ? ')' : ']';
      return;
    }
    case TypeKind::Map: {
      out += '{';
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ", ";
        print(store, node.key, v.items[i].items.at(0), out);
        out += ": ";
        print(store, node.value, v.items[i].items.at(1), out);
      }
      out += '}';
      return;
    }
    case TypeKind::Record: {
      out += '{';
      bool first = true;
      for (size_t i = 0; i < v.items.size(); ++i) {
        const Value& f = v.items[i];
        if (f.kind == TypeKind::Option && f.bits == 0) continue;
        if (!first) out += ", ";
        first = false;
        out += node.fields.at(i).name + ": ";
        print(store, node.fields[i].type, f, out);
      }
      if (first) out += ':';
      out += '}';
      return;
    }
    case TypeKind::Flags: {
      out += '{';
      bool first = true;
      for (size_t i = 0; i < node.labels.size(); ++i) {
        if (!((v.bits >> i) & 1)) continue;
        if (!first) out += ", ";
        first = false;
        out += node.labels[i];
      }
      out += '}';
      return;
    }
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: {
      const Case& c = node.cases.at(v.bits);
      if (node.kind == TypeKind::Result) {
        out += v.bits ? "err" : "ok";
      } else {
        if ((node.kind == TypeKind::Variant || node.kind == TypeKind::Enum) && is_keyword(c.name))
          out += '%';
        out += c.name;
      }
      if (const Value* p = v.payload(); p && c.type) {
        out += '(';
        print(store, *c.type, *p, out);
        out += ')';
      }
      return;
    }
    case TypeKind::Own:
    case TypeKind::Borrow:
    case TypeKind::Future:
    case TypeKind::Stream:
    case TypeKind::ErrorContext: out += "#" + std::to_string(v.bits); return;
    default:
      out += std::string("<") + kind_name(node.kind) + " " + std::to_string(v.bits) + ">";
      return;
  }
}

}  // namespace

Expected<Value> parse_wave(const TypeStore& store, TypeId type, std::string_view text) {
  Parser p(store, text);
  auto v = p.value(type);
  if (!v) return v.error();
  if (auto done = p.finish(); !done) return done.error();
  return v;
}

Expected<std::vector<Value>> parse_wave_values(const TypeStore& store,
                                               const std::vector<TypeId>& types,
                                               std::string_view text) {
  Parser p(store, text);
  std::vector<Value> out;
  for (size_t i = 0; i < types.size(); ++i) {
    if (p.at_end()) {
      return Error{"expected " + std::to_string(types.size()) + " arguments, found " +
                   std::to_string(i)};
    }
    auto v = p.value(types[i]);
    if (!v) return v.error();
    out.push_back(std::move(*v));
    if (!p.eat(',')) break;
  }
  if (out.size() < types.size()) {
    return Error{"expected " + std::to_string(types.size()) + " arguments, found " +
                 std::to_string(out.size())};
  }
  if (!p.at_end())
    return Error{"expected " + std::to_string(types.size()) + " arguments, found more"};
  return out;
}

std::string print_wave(const TypeStore& store, TypeId type, const Value& value) {
  std::string out;
  print(store, type, value, out);
  return out;
}

Expected<Invocation> split_invocation(std::string_view text) {
  size_t open = text.find('(');
  size_t close = text.find_last_not_of(" \t\r\n");
  if (open == std::string_view::npos || close == std::string_view::npos || text[close] != ')') {
    return Error{"invalid invocation `" + std::string(text) + "`: expected `name(arguments...)`"};
  }
  std::string_view name = text.substr(0, open);
  size_t first = name.find_first_not_of(" \t\r\n");
  size_t last = name.find_last_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return Error{"invalid invocation `" + std::string(text) + "`: no function name"};
  }
  return Invocation{std::string(name.substr(first, last - first + 1)),
                    std::string(text.substr(open + 1, close - open - 1))};
}

}  // namespace fact::values
