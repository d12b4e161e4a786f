#include "fact/values/value.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace fact::values {
namespace {

uint32_t int_width(TypeKind kind) {
  switch (kind) {
    case TypeKind::S8:
    case TypeKind::U8: return 8;
    case TypeKind::S16:
    case TypeKind::U16: return 16;
    case TypeKind::S32:
    case TypeKind::U32: return 32;
    default: return 64;
  }
}

bool is_signed(TypeKind kind) {
  return kind == TypeKind::S8 || kind == TypeKind::S16 || kind == TypeKind::S32 ||
         kind == TypeKind::S64;
}

bool is_integer(TypeKind kind) { return kind >= TypeKind::S8 && kind <= TypeKind::U64; }

bool is_handle(TypeKind kind) {
  return kind == TypeKind::Own || kind == TypeKind::Borrow || kind == TypeKind::Future ||
         kind == TypeKind::Stream || kind == TypeKind::ErrorContext;
}

std::string hex(uint64_t v) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(v));
  return buffer;
}

std::string float_text(TypeKind kind, uint64_t bits) {
  char buffer[48];
  if (kind == TypeKind::F32) {
    uint32_t b = static_cast<uint32_t>(bits);
    float f;
    std::memcpy(&f, &b, 4);
    if (std::isnan(f)) return "nan:" + hex(b);
    std::snprintf(buffer, sizeof buffer, "%.9g", static_cast<double>(f));
  } else {
    double d;
    std::memcpy(&d, &bits, 8);
    if (std::isnan(d)) return "nan:" + hex(bits);
    std::snprintf(buffer, sizeof buffer, "%.17g", d);
  }
  return buffer;
}

std::string char_text(uint64_t cp) {
  if (cp >= 0x20 && cp < 0x7F && cp != '\'' && cp != '\\') {
    return std::string("'") + static_cast<char>(cp) + "'";
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "'\\u{%llx}'", static_cast<unsigned long long>(cp));
  return buffer;
}

std::string string_text(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F) {
      char buffer[16];
      std::snprintf(buffer, sizeof buffer, "\\u{%x}", c);
      out += buffer;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string scalar_text(const Value& v) {
  switch (v.kind) {
    case TypeKind::Bool: return v.bits ? "true" : "false";
    case TypeKind::F32:
    case TypeKind::F64: return float_text(v.kind, v.bits);
    case TypeKind::Char: return char_text(v.bits);
    case TypeKind::String: return string_text(v.text);
    default: break;
  }
  if (is_integer(v.kind)) {
    return is_signed(v.kind) ? std::to_string(static_cast<int64_t>(v.bits))
                             : std::to_string(v.bits);
  }
  if (is_handle(v.kind)) return std::string(kind_name(v.kind)) + "#" + std::to_string(v.bits);
  return "?";
}

bool is_scalar(TypeKind kind) { return kind <= TypeKind::String || is_handle(kind); }

// Prints with labels when `store` is given, positionally otherwise.
void print(const TypeStore* store, std::optional<TypeId> type, const Value& v, std::string& out) {
  const TypeNode* node = store && type ? &store->get(*type) : nullptr;
  if (node && node->kind != v.kind) {
    out += "<kind mismatch: ";
    out += kind_name(v.kind);
    out += " for ";
    out += kind_name(node->kind);
    out += "> ";
    node = nullptr;
  }
  if (is_scalar(v.kind)) {
    out += scalar_text(v);
    return;
  }
  auto child = [&](size_t i) -> std::optional<TypeId> {
    if (!node) return std::nullopt;
    switch (node->kind) {
      case TypeKind::List:
      case TypeKind::FixedList: return node->element;
      case TypeKind::Record:
        return i < node->fields.size() ? std::optional<TypeId>(node->fields[i].type) : std::nullopt;
      case TypeKind::Tuple:
        return i < node->elements.size() ? std::optional<TypeId>(node->elements[i]) : std::nullopt;
      default: return std::nullopt;
    }
  };
  switch (v.kind) {
    case TypeKind::List:
    case TypeKind::FixedList:
    case TypeKind::Tuple: {
      out += v.kind == TypeKind::Tuple ? "(" : "[";
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ", ";
        print(store, child(i), v.items[i], out);
      }
      out += v.kind == TypeKind::Tuple ? ")" : "]";
      return;
    }
    case TypeKind::Map: {
      out += "{";
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ", ";
        const Value& entry = v.items[i];
        if (entry.items.size() != 2) {
          out += "<bad entry>";
          continue;
        }
        print(store, node ? std::optional<TypeId>(node->key) : std::nullopt, entry.items[0], out);
        out += ": ";
        print(store, node ? std::optional<TypeId>(node->value) : std::nullopt, entry.items[1], out);
      }
      out += "}";
      return;
    }
    case TypeKind::Record: {
      out += "{";
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ", ";
        out += node && i < node->fields.size() ? node->fields[i].name : "#" + std::to_string(i);
        out += ": ";
        print(store, child(i), v.items[i], out);
      }
      out += "}";
      return;
    }
    case TypeKind::Flags: {
      out += "{";
      bool first = true;
      for (uint32_t i = 0; i < 64; ++i) {
        if (!((v.bits >> i) & 1)) continue;
        if (!first) out += ", ";
        first = false;
        out += node && i < node->labels.size() ? node->labels[i] : "#" + std::to_string(i);
      }
      out += "}";
      return;
    }
    default: break;
  }
  // The variant family.
  const Case* c = node && v.bits < node->cases.size() ? &node->cases[v.bits] : nullptr;
  if (c) {
    out += c->name;
  } else if (v.kind == TypeKind::Option && v.bits < 2) {
    out += v.bits ? "some" : "none";
  } else if (v.kind == TypeKind::Result && v.bits < 2) {
    out += v.bits ? "err" : "ok";
  } else {
    out += "case#" + std::to_string(v.bits);
  }
  if (const Value* p = v.payload()) {
    out += "(";
    print(store, c ? c->type : std::nullopt, *p, out);
    out += ")";
  }
}

}  // namespace

Value Value::boolean(bool b) { return Value{TypeKind::Bool, b ? 1u : 0u, {}, {}}; }

Value Value::integer(TypeKind kind, uint64_t v) {
  uint32_t width = int_width(kind);
  if (width < 64) {
    uint64_t mask = (uint64_t{1} << width) - 1;
    v &= mask;
    if (is_signed(kind) && (v >> (width - 1)) & 1) v |= ~mask;
  }
  return Value{kind, v, {}, {}};
}

Value Value::f32_bits(uint32_t bits) { return Value{TypeKind::F32, bits, {}, {}}; }
Value Value::f64_bits(uint64_t bits) { return Value{TypeKind::F64, bits, {}, {}}; }
Value Value::f32(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return f32_bits(bits);
}
Value Value::f64(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  return f64_bits(bits);
}
Value Value::character(uint32_t code_point) { return Value{TypeKind::Char, code_point, {}, {}}; }
Value Value::string(std::string utf8) { return Value{TypeKind::String, 0, {}, std::move(utf8)}; }
Value Value::list(std::vector<Value> elements) {
  return Value{TypeKind::List, 0, std::move(elements), {}};
}
Value Value::fixed_list(std::vector<Value> elements) {
  return Value{TypeKind::FixedList, 0, std::move(elements), {}};
}
Value Value::map(std::vector<std::pair<Value, Value>> entries) {
  Value v{TypeKind::Map, 0, {}, {}};
  for (auto& [key, value] : entries) v.items.push_back(tuple({std::move(key), std::move(value)}));
  return v;
}
Value Value::record(std::vector<Value> fields) {
  return Value{TypeKind::Record, 0, std::move(fields), {}};
}
Value Value::tuple(std::vector<Value> elements) {
  return Value{TypeKind::Tuple, 0, std::move(elements), {}};
}
Value Value::variant(uint32_t case_index, std::optional<Value> payload) {
  Value v{TypeKind::Variant, case_index, {}, {}};
  if (payload) v.items.push_back(std::move(*payload));
  return v;
}
Value Value::enumeration(uint32_t case_index) { return Value{TypeKind::Enum, case_index, {}, {}}; }
Value Value::none() { return Value{TypeKind::Option, 0, {}, {}}; }
Value Value::some(Value payload) { return Value{TypeKind::Option, 1, {std::move(payload)}, {}}; }
Value Value::ok(std::optional<Value> payload) {
  Value v{TypeKind::Result, 0, {}, {}};
  if (payload) v.items.push_back(std::move(*payload));
  return v;
}
Value Value::err(std::optional<Value> payload) {
  Value v{TypeKind::Result, 1, {}, {}};
  if (payload) v.items.push_back(std::move(*payload));
  return v;
}
Value Value::flags(uint32_t bits) { return Value{TypeKind::Flags, bits, {}, {}}; }
Value Value::handle(TypeKind kind, uint32_t index) { return Value{kind, index, {}, {}}; }

std::string to_string(const Value& value) {
  std::string out;
  print(nullptr, std::nullopt, value, out);
  return out;
}

std::string to_wave(const TypeStore& store, TypeId type, const Value& value) {
  std::string out;
  print(&store, type, value, out);
  return out;
}

std::string to_wave(const TypeStore& store, const std::vector<TypeId>& types,
                    const std::vector<Value>& values) {
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    if (i < types.size()) {
      print(&store, types[i], values[i], out);
    } else {
      print(nullptr, std::nullopt, values[i], out);
    }
  }
  return out + ")";
}

Expected<void> check_value(const TypeStore& store, TypeId type, const Value& v) {
  const TypeNode& node = store.get(type);
  auto fail = [&](const std::string& why) {
    return Error{"value " + to_string(v) + " is not a " +
                 to_string(store, type, kTypeMessageLimit) + ": " + why};
  };
  if (node.kind != v.kind) return fail("kind differs");
  auto check_items = [&](const std::vector<TypeId>& types) -> Expected<void> {
    if (v.items.size() != types.size()) return fail("wrong number of members");
    for (size_t i = 0; i < types.size(); ++i) {
      if (auto r = check_value(store, types[i], v.items[i]); !r) return r;
    }
    return {};
  };
  if (is_integer(v.kind)) {
    if (Value::integer(v.kind, v.bits).bits != v.bits) return fail("out of range");
    return {};
  }
  switch (v.kind) {
    case TypeKind::Bool: return v.bits <= 1 ? Expected<void>() : fail("not 0 or 1");
    case TypeKind::F32: return v.bits <= 0xFFFFFFFFu ? Expected<void>() : fail("more than 32 bits");
    case TypeKind::Char:
      if (v.bits >= 0x110000 || (v.bits >= 0xD800 && v.bits <= 0xDFFF))
        return fail("not a scalar value");
      return {};
    case TypeKind::List: {
      std::vector<TypeId> types(v.items.size(), *node.element);
      return check_items(types);
    }
    case TypeKind::FixedList: {
      if (v.items.size() != node.length) return fail("wrong length");
      std::vector<TypeId> types(v.items.size(), *node.element);
      return check_items(types);
    }
    case TypeKind::Map: {
      for (const Value& entry : v.items) {
        if (entry.kind != TypeKind::Tuple || entry.items.size() != 2) return fail("bad map entry");
        if (auto r = check_value(store, node.key, entry.items[0]); !r) return r;
        if (auto r = check_value(store, node.value, entry.items[1]); !r) return r;
      }
      return {};
    }
    case TypeKind::Record: {
      std::vector<TypeId> types;
      for (const Field& f : node.fields) types.push_back(f.type);
      return check_items(types);
    }
    case TypeKind::Tuple: return check_items(node.elements);
    case TypeKind::Flags: {
      uint64_t allowed =
          node.labels.size() >= 64 ? ~uint64_t{0} : (uint64_t{1} << node.labels.size()) - 1;
      return (v.bits & ~allowed) == 0 ? Expected<void>() : fail("bits beyond the labels");
    }
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: {
      if (v.bits >= node.cases.size()) return fail("case index out of range");
      const Case& c = node.cases[v.bits];
      if (c.type.has_value() != (v.payload() != nullptr)) return fail("payload presence differs");
      if (c.type) return check_value(store, *c.type, *v.payload());
      return {};
    }
    default: return {};
  }
}

void PrintTo(const Value& value, std::ostream* os) { *os << to_string(value); }

}  // namespace fact::values
