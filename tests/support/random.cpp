#include "support/random.h"

#include <string>

namespace fact::test {
namespace {

uint32_t uniform(Rng& rng, uint32_t lo, uint32_t hi) {
  return std::uniform_int_distribution<uint32_t>(lo, hi)(rng);
}

bool chance(Rng& rng, double p) { return std::bernoulli_distribution(p)(rng); }

std::vector<std::string> names(const char* prefix, uint32_t n) {
  std::vector<std::string> out;
  for (uint32_t i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

}  // namespace

RandomTypes::RandomTypes(TypeStore& store, Rng& rng, RandomTypeOptions options)
    : store_(store), rng_(rng), options_(options) {}

TypeId RandomTypes::scalar() {
  static constexpr TypeKind kScalars[] = {
      TypeKind::Bool, TypeKind::S8,  TypeKind::U8,  TypeKind::S16, TypeKind::U16, TypeKind::S32,
      TypeKind::U32,  TypeKind::S64, TypeKind::U64, TypeKind::F32, TypeKind::F64, TypeKind::Char,
  };
  if (options_.strings_and_lists && chance(rng_, 0.1)) return store_.string();
  return store_.primitive(kScalars[uniform(rng_, 0, std::size(kScalars) - 1)]);
}

uint32_t RandomTypes::member_count(uint32_t depth) {
  // Wide aggregates only near the leaves, so that values stay small.
  if (depth <= 2 && chance(rng_, 0.08))
    return uniform(rng_, options_.max_members, options_.wide_members);
  return uniform(rng_, 1, options_.max_members);
}

TypeId RandomTypes::value_type(uint32_t max_depth) {
  if (max_depth == 0) max_depth = options_.max_depth;
  uint32_t depth = uniform(rng_, 1, max_depth);
  return depth == 1 ? scalar() : compound(depth);
}

TypeId RandomTypes::compound(uint32_t depth) {
  auto child = [&] { return value_type(depth - 1); };
  enum Family { Record, Tuple, Variant, Enum, Option, Result, Flags, FixedList, List, Map, Count };
  uint32_t last = options_.strings_and_lists ? Map : FixedList;
  switch (static_cast<Family>(uniform(rng_, 0, last))) {
    case Record: {
      std::vector<Field> fields;
      uint32_t n = member_count(depth);
      for (uint32_t i = 0; i < n; ++i) fields.push_back({"f" + std::to_string(i), child()});
      return store_.record(std::move(fields));
    }
    case Tuple: {
      std::vector<TypeId> elements;
      uint32_t n = member_count(depth);
      for (uint32_t i = 0; i < n; ++i) elements.push_back(child());
      return store_.tuple(std::move(elements));
    }
    case Variant: {
      uint32_t n = chance(rng_, 0.01) ? uniform(rng_, 250, 300) : member_count(depth);
      std::vector<Case> cases;
      for (uint32_t i = 0; i < n; ++i) {
        // Huge variants get few payloads, to keep generation and values cheap.
        bool payload = n > 64 ? chance(rng_, 0.02) : chance(rng_, 0.7);
        cases.push_back(
            {"c" + std::to_string(i), payload ? std::optional<TypeId>(child()) : std::nullopt});
      }
      return store_.variant(std::move(cases));
    }
    case Enum: {
      uint32_t n = chance(rng_, 0.02) ? uniform(rng_, 250, 300) : member_count(depth);
      return store_.enumeration(names("e", n));
    }
    case Option: return store_.option(child());
    case Result: {
      std::optional<TypeId> ok, err;
      if (chance(rng_, 0.7)) ok = child();
      if (chance(rng_, 0.7)) err = child();
      return store_.result(ok, err);
    }
    case Flags: return store_.flags(names("l", uniform(rng_, 1, 32)));
    case FixedList: return store_.fixed_list(child(), uniform(rng_, 1, options_.max_fixed_length));
    case List: return store_.list(child());
    case Map: return store_.map(scalar(), child());
    case Count: break;
  }
  return scalar();
}

FuncTypeId RandomTypes::func_type(uint32_t max_params) {
  FuncType func;
  uint32_t n = uniform(rng_, 1, max_params);
  for (uint32_t i = 0; i < n; ++i) func.params.push_back({"p" + std::to_string(i), value_type()});
  if (chance(rng_, 0.85)) func.result = value_type();
  return store_.func(std::move(func));
}

namespace {

uint64_t random_bits(Rng& rng) { return rng(); }

uint64_t random_integer(Rng& rng) {
  switch (uniform(rng, 0, 5)) {
    case 0: return 0;
    case 1: return ~uint64_t{0};                        // -1 / max
    case 2: return uint64_t{1} << uniform(rng, 0, 63);  // a single bit: min of some width
    case 3: return (uint64_t{1} << uniform(rng, 0, 63)) - 1;
    default: return random_bits(rng);
  }
}

uint32_t random_f32(Rng& rng) {
  switch (uniform(rng, 0, 7)) {
    case 0: return 0x7FC00000u;  // canonical NaN
    case 1:
      return 0x7F800000u | uniform(rng, 1, 0x7FFFFF) |
             (chance(rng, 0.5) ? 0x80000000u : 0);                // NaN payload
    case 2: return chance(rng, 0.5) ? 0x7F800000u : 0xFF800000u;  // infinities
    case 3: return chance(rng, 0.5) ? 0u : 0x80000000u;           // zeros
    default: return static_cast<uint32_t>(random_bits(rng));
  }
}

uint64_t random_f64(Rng& rng) {
  switch (uniform(rng, 0, 7)) {
    case 0: return 0x7FF8000000000000u;
    case 1:
      return 0x7FF0000000000000u | ((random_bits(rng) & 0xFFFFFFFFFFFFFu) | 1) |
             (chance(rng, 0.5) ? 0x8000000000000000u : 0);
    case 2: return chance(rng, 0.5) ? 0x7FF0000000000000u : 0xFFF0000000000000u;
    case 3: return chance(rng, 0.5) ? 0u : 0x8000000000000000u;
    default: return random_bits(rng);
  }
}

uint32_t random_char(Rng& rng) {
  static constexpr uint32_t kEdges[] = {0,      0x7F,   0x80,   0xFF,    0x100,
                                        0xD7FF, 0xE000, 0xFFFF, 0x10000, 0x10FFFF};
  if (chance(rng, 0.4)) return kEdges[uniform(rng, 0, std::size(kEdges) - 1)];
  uint32_t cp = uniform(rng, 0, 0x10FFFF - 0x800);
  return cp >= 0xD800 ? cp + 0x800 : cp;
}

std::string random_string(Rng& rng, uint32_t max_length) {
  std::vector<uint32_t> cps;
  uint32_t n = uniform(rng, 0, max_length);
  bool ascii = chance(rng, 0.5);
  for (uint32_t i = 0; i < n; ++i)
    cps.push_back(ascii ? uniform(rng, 0x20, 0x7E) : random_char(rng));
  return encode_utf8(cps);
}

}  // namespace

Value random_value(const TypeStore& store, TypeId type, Rng& rng, RandomValueOptions options) {
  const TypeNode& node = store.get(type);
  auto child = [&](TypeId t) { return random_value(store, t, rng, options); };
  switch (node.kind) {
    case TypeKind::Bool: return Value::boolean(chance(rng, 0.5));
    case TypeKind::S8:
    case TypeKind::U8:
    case TypeKind::S16:
    case TypeKind::U16:
    case TypeKind::S32:
    case TypeKind::U32:
    case TypeKind::S64:
    case TypeKind::U64: return Value::integer(node.kind, random_integer(rng));
    case TypeKind::F32: return Value::f32_bits(random_f32(rng));
    case TypeKind::F64: return Value::f64_bits(random_f64(rng));
    case TypeKind::Char: return Value::character(random_char(rng));
    case TypeKind::String: return Value::string(random_string(rng, options.max_string_length));
    case TypeKind::List: {
      std::vector<Value> items;
      uint32_t n = uniform(rng, 0, options.max_list_length);
      for (uint32_t i = 0; i < n; ++i) items.push_back(child(*node.element));
      return Value::list(std::move(items));
    }
    case TypeKind::FixedList: {
      std::vector<Value> items;
      for (uint32_t i = 0; i < node.length; ++i) items.push_back(child(*node.element));
      return Value::fixed_list(std::move(items));
    }
    case TypeKind::Map: {
      std::vector<std::pair<Value, Value>> entries;
      uint32_t n = uniform(rng, 0, options.max_list_length);
      for (uint32_t i = 0; i < n; ++i) entries.emplace_back(child(node.key), child(node.value));
      return Value::map(std::move(entries));
    }
    case TypeKind::Record:
    case TypeKind::Tuple: {
      Value v;
      v.kind = node.kind;
      if (node.kind == TypeKind::Record) {
        for (const Field& f : node.fields) v.items.push_back(child(f.type));
      } else {
        for (TypeId t : node.elements) v.items.push_back(child(t));
      }
      return v;
    }
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: {
      Value v;
      v.kind = node.kind;
      v.bits = uniform(rng, 0, static_cast<uint32_t>(node.cases.size() - 1));
      if (const auto& t = node.cases[v.bits].type) v.items.push_back(child(*t));
      return v;
    }
    case TypeKind::Flags: {
      uint64_t mask =
          node.labels.size() >= 32 ? 0xFFFFFFFFu : (uint64_t{1} << node.labels.size()) - 1;
      return Value::flags(static_cast<uint32_t>(random_bits(rng) & mask));
    }
    case TypeKind::Own:
    case TypeKind::Borrow:
    case TypeKind::Future:
    case TypeKind::Stream:
    case TypeKind::ErrorContext:
      return Value::handle(node.kind, static_cast<uint32_t>(random_bits(rng)));
  }
  return Value{};
}

}  // namespace fact::test
