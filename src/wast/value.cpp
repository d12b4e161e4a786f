#include "fact/wast/value.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "fact/values/utf8.h"

namespace fact::wast {

using values::append_utf8;
using values::decode_utf8;
namespace {

using Kind = WastValue::Kind;

struct KindName {
  Kind kind;
  const char* keyword;
};

constexpr KindName kKindNames[] = {
    {Kind::Bool, "bool.const"},   {Kind::S8, "s8.const"},           {Kind::U8, "u8.const"},
    {Kind::S16, "s16.const"},     {Kind::U16, "u16.const"},         {Kind::S32, "s32.const"},
    {Kind::U32, "u32.const"},     {Kind::S64, "s64.const"},         {Kind::U64, "u64.const"},
    {Kind::F32, "f32.const"},     {Kind::F64, "f64.const"},         {Kind::Char, "char.const"},
    {Kind::String, "str.const"},  {Kind::List, "list.const"},       {Kind::Record, "record.const"},
    {Kind::Tuple, "tuple.const"}, {Kind::Variant, "variant.const"}, {Kind::Enum, "enum.const"},
    {Kind::None, "option.none"},  {Kind::Some, "option.some"},      {Kind::Ok, "result.ok"},
    {Kind::Err, "result.err"},    {Kind::Flags, "flags.const"},
};

Error fail(const sexpr::Position& at, const std::string& message) {
  return Error{sexpr::to_string(at) + ": " + message};
}

// The integer kinds: width and signedness, and the matching type kind.
struct IntKind {
  Kind kind;
  TypeKind type;
  unsigned bits;
  bool is_signed;
};

constexpr IntKind kIntKinds[] = {
    {Kind::S8, TypeKind::S8, 8, true},    {Kind::U8, TypeKind::U8, 8, false},
    {Kind::S16, TypeKind::S16, 16, true}, {Kind::U16, TypeKind::U16, 16, false},
    {Kind::S32, TypeKind::S32, 32, true}, {Kind::U32, TypeKind::U32, 32, false},
    {Kind::S64, TypeKind::S64, 64, true}, {Kind::U64, TypeKind::U64, 64, false},
};

const IntKind* int_kind(Kind kind) {
  for (const IntKind& k : kIntKinds) {
    if (k.kind == kind) return &k;
  }
  return nullptr;
}

const IntKind* int_kind(TypeKind type) {
  for (const IntKind& k : kIntKinds) {
    if (k.type == type) return &k;
  }
  return nullptr;
}

bool is_digit(char c, bool hex) {
  if (c >= '0' && c <= '9') return true;
  return hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
}

// `digits` with `_` allowed only between two digits; the digits without
// the underscores, or nullopt.
std::optional<std::string> strip_underscores(std::string_view digits, bool hex) {
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    const char c = digits[i];
    if (c == '_') {
      if (i == 0 || i + 1 == digits.size() || !is_digit(digits[i - 1], hex) ||
          !is_digit(digits[i + 1], hex)) {
        return std::nullopt;
      }
      continue;
    }
    if (!is_digit(c, hex)) return std::nullopt;
    out += c;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

// A float literal without its sign: decimal (`1.5e3`) or hex (`0x1.8p3`),
// stripped of underscores into the form strtod reads; nullopt if malformed.
std::optional<std::string> float_body(std::string_view text) {
  const bool hex = text.starts_with("0x") || text.starts_with("0X");
  if (hex) text.remove_prefix(2);
  const char exponent_char = hex ? 'p' : 'e';
  size_t exp_at = std::string_view::npos;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == exponent_char || text[i] == exponent_char - 32) {
      exp_at = i;
      break;
    }
  }
  std::string_view mantissa = text.substr(0, exp_at);
  std::string_view exponent =
      exp_at == std::string_view::npos ? std::string_view() : text.substr(exp_at + 1);
  const size_t dot = mantissa.find('.');
  std::string_view whole = mantissa.substr(0, dot);
  std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : mantissa.substr(dot + 1);
  auto whole_digits = strip_underscores(whole, hex);
  if (!whole_digits) return std::nullopt;
  std::string out = (hex ? "0x" : "") + *whole_digits;
  if (dot != std::string_view::npos) {
    out += '.';
    if (!fraction.empty()) {
      auto fraction_digits = strip_underscores(fraction, hex);
      if (!fraction_digits) return std::nullopt;
      out += *fraction_digits;
    }
  }
  if (exp_at != std::string_view::npos) {
    out += hex ? 'p' : 'e';
    if (!exponent.empty() && (exponent[0] == '+' || exponent[0] == '-')) {
      out += exponent[0];
      exponent.remove_prefix(1);
    }
    auto exponent_digits = strip_underscores(exponent, false);
    if (!exponent_digits) return std::nullopt;
    out += *exponent_digits;
  }
  return out;
}

// The bits of a float literal in a format with `mantissa_bits` fraction
// bits (23 or 52), of total width 32 or 64.
template <class Float, class Bits>
Expected<Bits> parse_float(std::string_view text, unsigned mantissa_bits) {
  const std::string original(text);
  const unsigned width = sizeof(Bits) * 8;
  const Bits sign_bit = Bits(1) << (width - 1);
  const Bits exponent_mask =
      static_cast<Bits>(~Bits(0) << mantissa_bits) & static_cast<Bits>(~sign_bit);
  const Bits payload_mask = static_cast<Bits>((Bits(1) << mantissa_bits) - 1);
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  const Bits sign = negative ? sign_bit : 0;
  if (text == "inf") return static_cast<Bits>(sign | exponent_mask);
  if (text == "nan")
    return static_cast<Bits>(sign | exponent_mask | (Bits(1) << (mantissa_bits - 1)));
  if (text.starts_with("nan:0x")) {
    auto digits = strip_underscores(text.substr(6), true);
    uint64_t payload = 0;
    if (!digits || digits->size() > 16 ||
        std::from_chars(digits->data(), digits->data() + digits->size(), payload, 16).ec !=
            std::errc()) {
      return Error{"malformed NaN payload in `" + original + "`"};
    }
    if (payload == 0 || payload > payload_mask) {
      return Error{"NaN payload out of range in `" + original + "` (1 to 0x" + [&] {
        char buf[20];
        auto r = std::to_chars(buf, buf + sizeof buf, static_cast<uint64_t>(payload_mask), 16);
        return std::string(buf, r.ptr);
      }() + ")"};
    }
    return static_cast<Bits>(sign | exponent_mask | static_cast<Bits>(payload));
  }
  auto body = float_body(text);
  if (!body) return Error{"malformed number `" + original + "`"};
  // strtod and strtof round correctly, hex floats included; the tools never
  // change the C locale, so the decimal point is '.'.
  errno = 0;
  char* end = nullptr;
  Float f;
  if constexpr (sizeof(Float) == 4) {
    f = std::strtof(body->c_str(), &end);
  } else {
    f = std::strtod(body->c_str(), &end);
  }
  if (end != body->c_str() + body->size()) return Error{"malformed number `" + original + "`"};
  if (std::isinf(f)) return Error{"number `" + original + "` is out of range"};
  Bits bits;
  std::memcpy(&bits, &f, sizeof bits);
  return static_cast<Bits>(bits | sign);
}

// UTF-8 text in script string syntax, quotes included.
std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const auto byte = static_cast<uint8_t>(c);
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\t': out += "\\t"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      default: break;
    }
    if (byte < 0x20 || byte == 0x7F) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u{";
      if (byte >= 0x10) out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
      out += '}';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

template <class Float, class Bits>
std::string format_float(Bits bits, unsigned mantissa_bits) {
  const unsigned width = sizeof(Bits) * 8;
  const bool negative = (bits >> (width - 1)) & 1;
  const Bits exponent_all = static_cast<Bits>(((Bits(1) << (width - 1 - mantissa_bits)) - 1));
  const Bits exponent = static_cast<Bits>((bits >> mantissa_bits) & exponent_all);
  const Bits payload = static_cast<Bits>(bits & ((Bits(1) << mantissa_bits) - 1));
  const std::string sign = negative ? "-" : "";
  if (exponent == exponent_all) {
    if (payload == 0) return sign + "inf";
    if (payload == (Bits(1) << (mantissa_bits - 1))) return sign + "nan";
    char buf[20];
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<uint64_t>(payload), 16);
    return sign + "nan:0x" + std::string(buf, r.ptr);
  }
  Float f;
  std::memcpy(&f, &bits, sizeof f);
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, f);
  return std::string(buf, r.ptr);
}

std::string format_scalar(Kind kind, uint64_t bits) {
  if (kind == Kind::Bool) return bits ? "true" : "false";
  if (kind == Kind::F32) return format_float<float, uint32_t>(static_cast<uint32_t>(bits), 23);
  if (kind == Kind::F64) return format_float<double, uint64_t>(bits, 52);
  if (kind == Kind::Char) {
    std::string utf8;
    append_utf8(utf8, static_cast<uint32_t>(bits));
    return quote(utf8);
  }
  const IntKind* k = int_kind(kind);
  if (k && k->is_signed) return std::to_string(static_cast<int64_t>(bits));
  return std::to_string(bits);
}

std::string form(Kind kind, const std::string& inside) {
  std::string out = std::string("(") + wast_keyword(kind);
  if (!inside.empty()) out += " " + inside;
  return out + ")";
}

// A printed value without its outer parentheses, as record fields are
// written.
std::string unwrap(const std::string& printed) { return printed.substr(1, printed.size() - 2); }

Expected<const sexpr::Node*> one_string(const sexpr::Node& node, const char* what) {
  if (node.items.size() != 2 || !node.items[1].is_string()) {
    return fail(node.span.begin,
                std::string("`") + std::string(node.head()) + "` takes one string (" + what + ")");
  }
  return &node.items[1];
}

Expected<WastValue> parse_value(const sexpr::Node& node, uint32_t depth);

// The value that makes up node.items[first...]: either one parenthesized
// value, or a value's keyword and arguments written without parentheses, as
// the wast crate reads record fields (`(field "x" u32.const 1)`); both
// forms are accepted wherever one value is expected.
Expected<WastValue> single_value(const sexpr::Node& node, size_t first, uint32_t depth) {
  const std::vector<sexpr::Node>& items = node.items;
  if (items.size() == first + 1 && items[first].is_list())
    return parse_value(items[first], depth + 1);
  if (items.size() > first && items[first].is_atom()) {
    sexpr::Node inline_form;
    inline_form.kind = sexpr::Node::Kind::List;
    inline_form.items.assign(items.begin() + static_cast<ptrdiff_t>(first), items.end());
    inline_form.span = {items[first].span.begin, items.back().span.end};
    return parse_value(inline_form, depth + 1);
  }
  if (items.size() <= first)
    return fail(node.span.begin, "`" + std::string(node.head()) + "` needs a value");
  return fail(items[first + 1].span.begin, "`" + std::string(node.head()) + "` takes one value");
}

// The optional payload after `first` arguments.
Expected<void> optional_payload(const sexpr::Node& node, size_t first, WastValue& out,
                                uint32_t depth) {
  if (node.items.size() <= first) return {};
  auto payload = single_value(node, first, depth);
  if (!payload) return payload.error();
  out.items.push_back(std::move(*payload));
  return {};
}

Expected<WastValue> parse_value(const sexpr::Node& node, uint32_t depth) {
  if (depth > 500) return fail(node.span.begin, "values nest too deeply");
  if (!node.is_list() || node.head().empty()) {
    return fail(node.span.begin, "expected a value such as `(u32.const 1)`");
  }
  const std::string_view head = node.head();
  std::optional<Kind> kind;
  for (const KindName& k : kKindNames) {
    if (head == k.keyword) kind = k.kind;
  }
  if (!kind) return fail(node.span.begin, "unknown value `" + std::string(head) + "`");
  WastValue out;
  out.kind = *kind;
  out.where = node.span.begin;
  const std::vector<sexpr::Node>& args = node.items;
  auto number_argument = [&]() -> Expected<std::string_view> {
    if (args.size() != 2 || !args[1].is_atom()) {
      return fail(node.span.begin, "`" + std::string(head) + "` takes one number");
    }
    return std::string_view(args[1].text);
  };
  switch (*kind) {
    case Kind::Bool: {
      if (args.size() != 2 || !(args[1].is_atom("true") || args[1].is_atom("false"))) {
        return fail(node.span.begin, "`bool.const` takes `true` or `false`");
      }
      out.bits = args[1].is_atom("true");
      return out;
    }
    case Kind::F32:
    case Kind::F64: {
      auto text = number_argument();
      if (!text) return text.error();
      if (*kind == Kind::F32) {
        auto bits = parse_wast_f32(*text);
        if (!bits) return fail(args[1].span.begin, bits.error().message);
        out.bits = *bits;
      } else {
        auto bits = parse_wast_f64(*text);
        if (!bits) return fail(args[1].span.begin, bits.error().message);
        out.bits = *bits;
      }
      return out;
    }
    case Kind::Char: {
      auto s = one_string(node, "one character");
      if (!s) return s.error();
      auto code_points = decode_utf8((*s)->text);
      if (!code_points || code_points->size() != 1) {
        return fail(args[1].span.begin, "`char.const` takes a string of exactly one character");
      }
      out.bits = (*code_points)[0];
      return out;
    }
    case Kind::String: {
      auto s = one_string(node, "the text");
      if (!s) return s.error();
      if (!decode_utf8((*s)->text))
        return fail(args[1].span.begin, "`str.const` takes valid UTF-8");
      out.text = (*s)->text;
      return out;
    }
    case Kind::List:
    case Kind::Tuple:
      for (size_t i = 1; i < args.size(); ++i) {
        auto item = parse_value(args[i], depth + 1);
        if (!item) return item.error();
        out.items.push_back(std::move(*item));
      }
      return out;
    case Kind::Record:
      for (size_t i = 1; i < args.size(); ++i) {
        const sexpr::Node& field = args[i];
        if (field.head() != "field" || field.items.size() < 3 || !field.items[1].is_string()) {
          return fail(field.span.begin, "expected `(field \"name\" VALUE)`");
        }
        auto item = single_value(field, 2, depth);
        if (!item) return item.error();
        out.labels.push_back(field.items[1].text);
        out.items.push_back(std::move(*item));
      }
      return out;
    case Kind::Variant:
      if (args.size() < 2 || !args[1].is_string()) {
        return fail(node.span.begin, "`variant.const` takes a case name and an optional payload");
      }
      out.text = args[1].text;
      if (auto r = optional_payload(node, 2, out, depth); !r) return r.error();
      return out;
    case Kind::Enum: {
      auto s = one_string(node, "the case");
      if (!s) return s.error();
      out.text = (*s)->text;
      return out;
    }
    case Kind::None:
      if (args.size() != 1) return fail(node.span.begin, "`option.none` takes nothing");
      return out;
    case Kind::Some: {
      auto payload = single_value(node, 1, depth);
      if (!payload) return payload.error();
      out.items.push_back(std::move(*payload));
      return out;
    }
    case Kind::Ok:
    case Kind::Err:
      if (auto r = optional_payload(node, 1, out, depth); !r) return r.error();
      return out;
    case Kind::Flags:
      for (size_t i = 1; i < args.size(); ++i) {
        if (!args[i].is_string())
          return fail(args[i].span.begin, "`flags.const` takes flag names as strings");
        out.labels.push_back(args[i].text);
      }
      return out;
    default: {
      const IntKind* k = int_kind(*kind);
      auto text = number_argument();
      if (!text) return text.error();
      auto value = parse_wast_integer(*text, k->bits, k->is_signed);
      if (!value) return fail(args[1].span.begin, value.error().message);
      out.bits = *value;
      return out;
    }
  }
}

class Typer {
 public:
  explicit Typer(const TypeStore& store) : store_(store) {}

  Expected<Value> convert(TypeId type, const WastValue& v) {
    const TypeNode& node = store_.get(type);
    auto mismatch = [&]() -> Error {
      return fail(v.where, "expected a value of type `" +
                               to_string(store_, type, kTypeMessageLimit) + "`, found `" +
                               wast_keyword(v.kind) + "`");
    };
    if (const IntKind* k = int_kind(node.kind)) {
      if (v.kind != k->kind) return mismatch();
      return Value::integer(node.kind, v.bits);
    }
    switch (node.kind) {
      case TypeKind::Bool:
        if (v.kind != Kind::Bool) return mismatch();
        return Value::boolean(v.bits != 0);
      case TypeKind::F32:
        if (v.kind != Kind::F32) return mismatch();
        return Value::f32_bits(static_cast<uint32_t>(v.bits));
      case TypeKind::F64:
        if (v.kind != Kind::F64) return mismatch();
        return Value::f64_bits(v.bits);
      case TypeKind::Char:
        if (v.kind != Kind::Char) return mismatch();
        return Value::character(static_cast<uint32_t>(v.bits));
      case TypeKind::String:
        if (v.kind != Kind::String) return mismatch();
        return Value::string(v.text);
      case TypeKind::List:
      case TypeKind::FixedList: {
        if (v.kind != Kind::List) return mismatch();
        if (node.kind == TypeKind::FixedList && v.items.size() != node.length) {
          return fail(v.where, "expected " + std::to_string(node.length) + " elements for type `" +
                                   to_string(store_, type, kTypeMessageLimit) + "`, found " +
                                   std::to_string(v.items.size()));
        }
        std::vector<Value> items;
        for (const WastValue& item : v.items) {
          auto typed = convert(*node.element, item);
          if (!typed) return typed.error();
          items.push_back(std::move(*typed));
        }
        return node.kind == TypeKind::List ? Value::list(std::move(items))
                                           : Value::fixed_list(std::move(items));
      }
      case TypeKind::Record: {
        if (v.kind != Kind::Record) return mismatch();
        std::vector<std::optional<Value>> fields(node.fields.size());
        for (size_t i = 0; i < v.items.size(); ++i) {
          size_t f = 0;
          while (f < node.fields.size() && node.fields[f].name != v.labels[i]) ++f;
          if (f == node.fields.size()) {
            return fail(v.items[i].where, "type `" + to_string(store_, type, kTypeMessageLimit) +
                                              "` has no field `" + v.labels[i] + "`");
          }
          if (fields[f])
            return fail(v.items[i].where, "field `" + v.labels[i] + "` is given twice");
          auto typed = convert(node.fields[f].type, v.items[i]);
          if (!typed) return typed.error();
          fields[f] = std::move(*typed);
        }
        std::vector<Value> items;
        for (size_t f = 0; f < fields.size(); ++f) {
          if (!fields[f]) return fail(v.where, "field `" + node.fields[f].name + "` is missing");
          items.push_back(std::move(*fields[f]));
        }
        return Value::record(std::move(items));
      }
      case TypeKind::Tuple: {
        if (v.kind != Kind::Tuple) return mismatch();
        if (v.items.size() != node.elements.size()) {
          return fail(v.where, "expected " + std::to_string(node.elements.size()) +
                                   " elements for type `" +
                                   to_string(store_, type, kTypeMessageLimit) + "`, found " +
                                   std::to_string(v.items.size()));
        }
        std::vector<Value> items;
        for (size_t i = 0; i < v.items.size(); ++i) {
          auto typed = convert(node.elements[i], v.items[i]);
          if (!typed) return typed.error();
          items.push_back(std::move(*typed));
        }
        return Value::tuple(std::move(items));
      }
      case TypeKind::Variant:
      case TypeKind::Enum: {
        if (v.kind != (node.kind == TypeKind::Variant ? Kind::Variant : Kind::Enum))
          return mismatch();
        size_t c = 0;
        while (c < node.cases.size() && node.cases[c].name != v.text) ++c;
        if (c == node.cases.size()) {
          return fail(v.where, "type `" + to_string(store_, type, kTypeMessageLimit) +
                                   "` has no case `" + v.text + "`");
        }
        if (node.kind == TypeKind::Enum) return Value::enumeration(static_cast<uint32_t>(c));
        auto payload = case_payload(node.cases[c].type, v, "case `" + v.text + "`");
        if (!payload) return payload.error();
        return Value::variant(static_cast<uint32_t>(c), std::move(*payload));
      }
      case TypeKind::Option: {
        if (v.kind == Kind::None) return Value::none();
        if (v.kind != Kind::Some) return mismatch();
        auto payload = convert(*node.element, v.items.at(0));
        if (!payload) return payload.error();
        return Value::some(std::move(*payload));
      }
      case TypeKind::Result: {
        if (v.kind != Kind::Ok && v.kind != Kind::Err) return mismatch();
        const bool ok = v.kind == Kind::Ok;
        auto payload =
            case_payload(node.cases[ok ? 0 : 1].type, v, ok ? "`result.ok`" : "`result.err`");
        if (!payload) return payload.error();
        return ok ? Value::ok(std::move(*payload)) : Value::err(std::move(*payload));
      }
      case TypeKind::Flags: {
        if (v.kind != Kind::Flags) return mismatch();
        uint32_t bits = 0;
        for (const std::string& label : v.labels) {
          size_t f = 0;
          while (f < node.labels.size() && node.labels[f] != label) ++f;
          if (f == node.labels.size()) {
            return fail(v.where, "type `" + to_string(store_, type, kTypeMessageLimit) +
                                     "` has no flag `" + label + "`");
          }
          if (bits & (1u << f)) return fail(v.where, "flag `" + label + "` is given twice");
          bits |= 1u << f;
        }
        return Value::flags(bits);
      }
      default:
        return fail(v.where, "values of type `" + to_string(store_, type, kTypeMessageLimit) +
                                 "` cannot be written in a script");
    }
  }

 private:
  Expected<std::optional<Value>> case_payload(std::optional<TypeId> type, const WastValue& v,
                                              const std::string& what) {
    if (!type) {
      if (!v.items.empty()) return fail(v.where, what + " has no payload, but one is given");
      return std::optional<Value>();
    }
    if (v.items.empty())
      return fail(v.where, what + " needs a payload of type `" +
                               to_string(store_, *type, kTypeMessageLimit) + "`");
    auto payload = convert(*type, v.items[0]);
    if (!payload) return payload.error();
    return std::optional<Value>(std::move(*payload));
  }

  const TypeStore& store_;
};

std::string print_typed(const TypeStore& store, TypeId type, const Value& value) {
  const TypeNode& node = store.get(type);
  auto items = [&](auto type_of) {
    std::string out;
    for (size_t i = 0; i < value.items.size(); ++i) {
      if (i) out += ' ';
      out += print_typed(store, type_of(i), value.items[i]);
    }
    return out;
  };
  auto payload = [&](std::optional<TypeId> t) -> std::string {
    if (!t || value.items.empty()) return "";
    return print_typed(store, *t, value.items[0]);
  };
  switch (node.kind) {
    case TypeKind::Bool: return form(Kind::Bool, format_scalar(Kind::Bool, value.bits));
    case TypeKind::F32: return form(Kind::F32, format_scalar(Kind::F32, value.bits));
    case TypeKind::F64: return form(Kind::F64, format_scalar(Kind::F64, value.bits));
    case TypeKind::Char: return form(Kind::Char, format_scalar(Kind::Char, value.bits));
    case TypeKind::String: return form(Kind::String, quote(value.text));
    case TypeKind::List:
    case TypeKind::FixedList: return form(Kind::List, items([&](size_t) { return *node.element; }));
    case TypeKind::Map: {
      // Scripts have no map syntax: a list of (key, value) tuples.
      const TypeId entry_types[] = {node.key, node.value};
      std::string out;
      for (const Value& entry : value.items) {
        std::string pair;
        for (size_t i = 0; i < 2; ++i)
          pair += (i ? " " : "") + print_typed(store, entry_types[i], entry.items[i]);
        out += (out.empty() ? "" : " ") + form(Kind::Tuple, pair);
      }
      return form(Kind::List, out);
    }
    case TypeKind::Record: {
      std::string out;
      for (size_t i = 0; i < value.items.size(); ++i) {
        out += (i ? " " : "") + std::string("(field ") + quote(node.fields[i].name) + " " +
               unwrap(print_typed(store, node.fields[i].type, value.items[i])) + ")";
      }
      return form(Kind::Record, out);
    }
    case TypeKind::Tuple:
      return form(Kind::Tuple, items([&](size_t i) { return node.elements[i]; }));
    case TypeKind::Variant: {
      const Case& c = node.cases[value.bits];
      const std::string p = payload(c.type);
      return form(Kind::Variant, quote(c.name) + (p.empty() ? "" : " " + p));
    }
    case TypeKind::Enum: return form(Kind::Enum, quote(node.cases[value.bits].name));
    case TypeKind::Option:
      return value.bits == 0 ? form(Kind::None, "") : form(Kind::Some, payload(node.element));
    case TypeKind::Result:
      return form(value.bits == 0 ? Kind::Ok : Kind::Err, payload(node.cases[value.bits].type));
    case TypeKind::Flags: {
      std::string out;
      for (size_t i = 0; i < node.labels.size(); ++i) {
        if (value.bits & (uint64_t(1) << i))
          out += (out.empty() ? "" : " ") + quote(node.labels[i]);
      }
      return form(Kind::Flags, out);
    }
    default: {
      if (const IntKind* k = int_kind(node.kind))
        return form(k->kind, format_scalar(k->kind, value.bits));
      // Handles have no script syntax either.
      return "(" + std::string(kind_name(node.kind)) + " " + std::to_string(value.bits) + ")";
    }
  }
}

}  // namespace

const char* wast_keyword(WastValue::Kind kind) {
  for (const KindName& k : kKindNames) {
    if (k.kind == kind) return k.keyword;
  }
  return "?";
}

Expected<WastValue> parse_wast_value(const sexpr::Node& node) { return parse_value(node, 0); }

std::string wast_string(std::string_view text) { return quote(text); }

Expected<uint64_t> parse_wast_integer(std::string_view text, unsigned bits, bool is_signed) {
  const std::string original(text);
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  const bool hex = text.starts_with("0x") || text.starts_with("0X");
  if (hex) text.remove_prefix(2);
  auto digits = strip_underscores(text, hex);
  if (!digits) return Error{"malformed integer `" + original + "`"};
  uint64_t magnitude = 0;
  auto r =
      std::from_chars(digits->data(), digits->data() + digits->size(), magnitude, hex ? 16 : 10);
  const bool too_big = r.ec == std::errc::result_out_of_range;
  if (!too_big && (r.ec != std::errc() || r.ptr != digits->data() + digits->size())) {
    return Error{"malformed integer `" + original + "`"};
  }
  const std::string type = std::string(is_signed ? "s" : "u") + std::to_string(bits);
  const uint64_t unsigned_max = bits == 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1;
  const uint64_t positive_max = is_signed ? unsigned_max >> 1 : unsigned_max;
  const uint64_t negative_max = is_signed ? positive_max + 1 : 0;
  if (too_big || (!negative && magnitude > positive_max) ||
      (negative && magnitude > negative_max)) {
    return Error{"integer `" + original + "` is out of range for " + type};
  }
  return negative ? uint64_t(0) - magnitude : magnitude;
}

Expected<uint32_t> parse_wast_f32(std::string_view text) {
  return parse_float<float, uint32_t>(text, 23);
}
Expected<uint64_t> parse_wast_f64(std::string_view text) {
  return parse_float<double, uint64_t>(text, 52);
}

Expected<Value> typed_value(const TypeStore& store, TypeId type, const WastValue& value) {
  return Typer(store).convert(type, value);
}

bool values_match(const Value& expected, const Value& actual) {
  if (expected.kind != actual.kind) return false;
  if (expected.kind == TypeKind::F32) {
    const auto nan = [](uint64_t b) { return ((b >> 23) & 0xFF) == 0xFF && (b & 0x7FFFFF) != 0; };
    if (nan(expected.bits)) return nan(actual.bits);
  }
  if (expected.kind == TypeKind::F64) {
    const auto nan = [](uint64_t b) {
      return ((b >> 52) & 0x7FF) == 0x7FF && (b & 0xFFFFFFFFFFFFF) != 0;
    };
    if (nan(expected.bits)) return nan(actual.bits);
  }
  if (expected.bits != actual.bits || expected.text != actual.text ||
      expected.items.size() != actual.items.size()) {
    return false;
  }
  for (size_t i = 0; i < expected.items.size(); ++i) {
    if (!values_match(expected.items[i], actual.items[i])) return false;
  }
  return true;
}

std::string print_wast(const TypeStore& store, TypeId type, const Value& value) {
  // A value that does not fit its type (which the runner rules out) still
  // prints, without labels.
  if (!check_value(store, type, value)) return to_string(value);
  return print_typed(store, type, value);
}

std::string print_wast(const WastValue& value) {
  std::string inside;
  auto add = [&](const std::string& part) { inside += (inside.empty() ? "" : " ") + part; };
  switch (value.kind) {
    case Kind::String: add(quote(value.text)); break;
    case Kind::Variant:
    case Kind::Enum: add(quote(value.text)); break;
    case Kind::Flags:
      for (const std::string& label : value.labels) add(quote(label));
      break;
    case Kind::Record:
      for (size_t i = 0; i < value.items.size(); ++i) {
        add("(field " + quote(value.labels[i]) + " " + unwrap(print_wast(value.items[i])) + ")");
      }
      break;
    case Kind::List:
    case Kind::Tuple:
    case Kind::Some:
    case Kind::Ok:
    case Kind::Err:
    case Kind::None: break;
    default: add(format_scalar(value.kind, value.bits)); break;
  }
  if (value.kind != Kind::Record) {
    for (const WastValue& item : value.items) add(print_wast(item));
  }
  return form(value.kind, inside);
}

}  // namespace fact::wast
