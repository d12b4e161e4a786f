#include <algorithm>
#include <cassert>
#include <deque>
#include <functional>
#include <limits>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>

#include "fact/abi.h"
#include "fact/types.h"

namespace fact {

bool is_number(TypeKind kind) {
  switch (kind) {
    case TypeKind::U8:
    case TypeKind::S8:
    case TypeKind::U16:
    case TypeKind::S16:
    case TypeKind::U32:
    case TypeKind::S32:
    case TypeKind::U64:
    case TypeKind::S64:
    case TypeKind::F32:
    case TypeKind::F64: return true;
    default: return false;
  }
}

const char* kind_name(TypeKind kind) {
  switch (kind) {
    case TypeKind::Bool: return "bool";
    case TypeKind::S8: return "s8";
    case TypeKind::U8: return "u8";
    case TypeKind::S16: return "s16";
    case TypeKind::U16: return "u16";
    case TypeKind::S32: return "s32";
    case TypeKind::U32: return "u32";
    case TypeKind::S64: return "s64";
    case TypeKind::U64: return "u64";
    case TypeKind::F32: return "f32";
    case TypeKind::F64: return "f64";
    case TypeKind::Char: return "char";
    case TypeKind::String: return "string";
    case TypeKind::List: return "list";
    case TypeKind::FixedList: return "list";
    case TypeKind::Map: return "map";
    case TypeKind::Record: return "record";
    case TypeKind::Tuple: return "tuple";
    case TypeKind::Variant: return "variant";
    case TypeKind::Enum: return "enum";
    case TypeKind::Option: return "option";
    case TypeKind::Result: return "result";
    case TypeKind::Flags: return "flags";
    case TypeKind::Own: return "own";
    case TypeKind::Borrow: return "borrow";
    case TypeKind::Future: return "future";
    case TypeKind::Stream: return "stream";
    case TypeKind::ErrorContext: return "error-context";
  }
  return "unknown";
}

namespace {

// A fixed-length list's size is computed in 64 bits and saturated, as the
// ABI's sequence layouts are (abi.cpp), so that absurd lengths cannot
// overflow; check_value_type rejects anything this large.
constexpr uint64_t kSizeLimit = std::numeric_limits<uint32_t>::max() & ~uint64_t{7};

uint32_t saturate(uint64_t size) { return static_cast<uint32_t>(std::min(size, kSizeLimit)); }

[[maybe_unused]] bool is_primitive(TypeKind kind) {
  switch (kind) {
    case TypeKind::Bool:
    case TypeKind::S8:
    case TypeKind::U8:
    case TypeKind::S16:
    case TypeKind::U16:
    case TypeKind::S32:
    case TypeKind::U32:
    case TypeKind::S64:
    case TypeKind::U64:
    case TypeKind::F32:
    case TypeKind::F64:
    case TypeKind::Char:
    case TypeKind::String:
    case TypeKind::ErrorContext: return true;
    default: return false;
  }
}

// Appends `more` to `flat`, giving up (nullopt) beyond kMaxFlatParams.
void append_flat(std::optional<std::vector<wasm::ValType>>& flat,
                 const std::optional<std::vector<wasm::ValType>>& more) {
  if (!flat) return;
  if (!more || flat->size() + more->size() > kMaxFlatParams) {
    flat.reset();
    return;
  }
  flat->insert(flat->end(), more->begin(), more->end());
}

AbiLayout scalar(uint32_t size, wasm::ValType flat) {
  return AbiLayout{size, size, std::vector{flat}};
}

// Layout of members placed one after the other (record, tuple): sizes and
// offsets as the ABI lays out any sequence, flat values concatenated.
AbiLayout record_layout(const std::vector<const AbiLayout*>& members) {
  const SequenceLayout sequence = sequence_layout(members);
  AbiLayout out;
  out.size = sequence.size;
  out.align = sequence.align;
  out.flat.emplace();
  for (const AbiLayout* member : members) append_flat(out.flat, member->flat);
  return out;
}

// The variant family: the discriminant, then the payloads sharing their
// place; flat, the discriminant then each position's join over the cases.
AbiLayout variant_family_layout(const std::vector<const AbiLayout*>& payloads, size_t case_count) {
  const VariantLayout variant = variant_layout(payloads, case_count);
  std::optional<std::vector<wasm::ValType>> joined{std::in_place};
  for (const AbiLayout* payload : payloads) {
    if (!joined) break;
    if (!payload->flat || payload->flat->size() + 1 > kMaxFlatParams) {
      joined.reset();
      break;
    }
    for (size_t i = 0; i < payload->flat->size(); ++i) {
      const wasm::ValType t = (*payload->flat)[i];
      if (i < joined->size()) {
        (*joined)[i] = join((*joined)[i], t);
      } else {
        joined->push_back(t);
      }
    }
  }
  AbiLayout out;
  out.align = variant.align;
  out.size = variant.size;
  out.flat = std::vector{wasm::ValType::I32};
  append_flat(out.flat, joined);
  return out;
}

struct NodeHash {
  size_t operator()(const TypeNode& n) const {
    size_t h = static_cast<size_t>(n.kind);
    auto mix = [&h](size_t v) { h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2); };
    auto mix_str = [&mix](const std::string& s) { mix(std::hash<std::string_view>{}(s)); };
    mix(n.element ? n.element->index + 1 : 0);
    mix(n.length);
    mix(n.key.index);
    mix(n.value.index);
    mix(n.resource);
    for (const Field& f : n.fields) {
      mix_str(f.name);
      mix(f.type.index);
    }
    for (TypeId e : n.elements) mix(e.index);
    for (const Case& c : n.cases) {
      mix_str(c.name);
      mix(c.type ? c.type->index + 1 : 0);
    }
    for (const std::string& l : n.labels) mix_str(l);
    return h;
  }
};

bool same_identity(const TypeNode& a, const TypeNode& b) {
  return a.kind == b.kind && a.element == b.element && a.length == b.length && a.key == b.key &&
         a.value == b.value && a.resource == b.resource && a.fields == b.fields &&
         a.elements == b.elements && a.cases == b.cases && a.labels == b.labels;
}

struct FuncHash {
  size_t operator()(const FuncType& f) const {
    size_t h = f.is_async ? 1 : 0;
    auto mix = [&h](size_t v) { h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2); };
    for (const Param& p : f.params) {
      mix(std::hash<std::string_view>{}(p.name));
      mix(p.type.index);
    }
    mix(f.result ? f.result->index + 1 : 0);
    return h;
  }
};

}  // namespace

struct TypeStore::Impl {
  // Deques keep references returned by get() valid while more types are added.
  std::deque<TypeNode> nodes;
  std::deque<FuncType> funcs;
  // Hash of the identity members -> candidates with that hash.
  std::unordered_multimap<size_t, uint32_t> node_index;
  std::unordered_multimap<size_t, uint32_t> func_index;

  const TypeNode& node(TypeId id) const {
    assert(id.index < nodes.size() && "TypeId from another store");
    return nodes[id.index];
  }

  AbiLayout layout(const TypeNode& n, bool m64) const {
    const uint32_t ptr = m64 ? 8 : 4;
    const wasm::ValType ptr_type = m64 ? wasm::ValType::I64 : wasm::ValType::I32;
    auto child = [&](TypeId id) -> const AbiLayout& { return node(id).abi(m64); };
    switch (n.kind) {
      case TypeKind::Bool:
      case TypeKind::S8:
      case TypeKind::U8: return scalar(1, wasm::ValType::I32);
      case TypeKind::S16:
      case TypeKind::U16: return scalar(2, wasm::ValType::I32);
      case TypeKind::S32:
      case TypeKind::U32:
      case TypeKind::Char:
      case TypeKind::Own:
      case TypeKind::Borrow:
      case TypeKind::Future:
      case TypeKind::Stream:
      case TypeKind::ErrorContext: return scalar(4, wasm::ValType::I32);
      case TypeKind::S64:
      case TypeKind::U64: return scalar(8, wasm::ValType::I64);
      case TypeKind::F32: return scalar(4, wasm::ValType::F32);
      case TypeKind::F64: return scalar(8, wasm::ValType::F64);
      case TypeKind::String:
      case TypeKind::List:
      case TypeKind::Map: return AbiLayout{2 * ptr, ptr, std::vector{ptr_type, ptr_type}};
      case TypeKind::FixedList: {
        const AbiLayout& e = child(*n.element);
        AbiLayout out;
        out.align = e.align;
        out.size = saturate(uint64_t{e.size} * n.length);
        // An element without flat values (only possible in invalid types)
        // must not make a huge length loop.
        if (n.length == 0 || (e.flat && e.flat->empty())) {
          out.flat.emplace();
        } else if (e.flat && uint64_t{e.flat->size()} * n.length <= kMaxFlatParams) {
          out.flat.emplace();
          for (uint32_t i = 0; i < n.length; ++i) {
            out.flat->insert(out.flat->end(), e.flat->begin(), e.flat->end());
          }
        }
        return out;
      }
      case TypeKind::Record: {
        std::vector<const AbiLayout*> members;
        for (const Field& f : n.fields) members.push_back(&child(f.type));
        return record_layout(members);
      }
      case TypeKind::Tuple: {
        std::vector<const AbiLayout*> members;
        for (TypeId e : n.elements) members.push_back(&child(e));
        return record_layout(members);
      }
      case TypeKind::Variant:
      case TypeKind::Enum:
      case TypeKind::Option:
      case TypeKind::Result: {
        std::vector<const AbiLayout*> payloads;
        for (const Case& c : n.cases) {
          if (c.type) payloads.push_back(&child(*c.type));
        }
        return variant_family_layout(payloads, n.cases.size());
      }
      case TypeKind::Flags: {
        const size_t count = n.labels.size();
        AbiLayout out;
        out.size = flags_size(count);
        out.align = count == 0 ? 1 : std::min<uint32_t>(out.size, 4);
        const size_t words = count <= 32 ? (count == 0 ? 0 : 1) : (count + 31) / 32;
        if (words <= kMaxFlatParams)
          out.flat = std::vector<wasm::ValType>(words, wasm::ValType::I32);
        return out;
      }
    }
    assert(false && "unknown type kind");
    return {};
  }

  TypeId intern(TypeNode n) {
    const size_t hash = NodeHash{}(n);
    auto [first, last] = node_index.equal_range(hash);
    for (auto it = first; it != last; ++it) {
      if (same_identity(nodes[it->second], n)) return TypeId{it->second};
    }
    std::vector<TypeId> children;
    if (n.element) children.push_back(*n.element);
    if (n.kind == TypeKind::Map) {
      children.push_back(n.key);
      children.push_back(n.value);
    }
    for (const Field& f : n.fields) children.push_back(f.type);
    for (TypeId e : n.elements) children.push_back(e);
    for (const Case& c : n.cases) {
      if (c.type) children.push_back(*c.type);
    }
    n.contains_borrow = n.kind == TypeKind::Borrow;
    n.depth = 1;
    for (TypeId c : children) {
      const TypeNode& cn = node(c);
      n.contains_borrow = n.contains_borrow || cn.contains_borrow;
      n.depth = std::max(n.depth, cn.depth + 1);
    }
    n.abi32 = layout(n, false);
    n.abi64 = layout(n, true);
    assert(nodes.size() < std::numeric_limits<uint32_t>::max());
    const auto index = static_cast<uint32_t>(nodes.size());
    nodes.push_back(std::move(n));
    node_index.emplace(hash, index);
    return TypeId{index};
  }
};

TypeStore::TypeStore() : impl_(std::make_unique<Impl>()) {}
TypeStore::~TypeStore() = default;
TypeStore::TypeStore(TypeStore&&) noexcept = default;
TypeStore& TypeStore::operator=(TypeStore&&) noexcept = default;

TypeId TypeStore::primitive(TypeKind kind) {
  assert(is_primitive(kind) && "not a type without children");
  TypeNode n;
  n.kind = kind;
  return impl_->intern(std::move(n));
}

TypeId TypeStore::list(TypeId element) {
  TypeNode n;
  n.kind = TypeKind::List;
  n.element = element;
  return impl_->intern(std::move(n));
}

TypeId TypeStore::fixed_list(TypeId element, uint32_t length) {
  TypeNode n;
  n.kind = TypeKind::FixedList;
  n.element = element;
  n.length = length;
  return impl_->intern(std::move(n));
}

TypeId TypeStore::map(TypeId key, TypeId value) {
  TypeNode n;
  n.kind = TypeKind::Map;
  n.key = key;
  n.value = value;
  return impl_->intern(std::move(n));
}

TypeId TypeStore::record(std::vector<Field> fields) {
  TypeNode n;
  n.kind = TypeKind::Record;
  n.fields = std::move(fields);
  return impl_->intern(std::move(n));
}

TypeId TypeStore::tuple(std::vector<TypeId> elements) {
  TypeNode n;
  n.kind = TypeKind::Tuple;
  n.elements = std::move(elements);
  return impl_->intern(std::move(n));
}

TypeId TypeStore::variant(std::vector<Case> cases) {
  TypeNode n;
  n.kind = TypeKind::Variant;
  n.cases = std::move(cases);
  return impl_->intern(std::move(n));
}

TypeId TypeStore::enumeration(std::vector<std::string> labels) {
  TypeNode n;
  n.kind = TypeKind::Enum;
  n.cases.reserve(labels.size());
  for (const std::string& label : labels) n.cases.push_back(Case{label, std::nullopt});
  n.labels = std::move(labels);
  return impl_->intern(std::move(n));
}

TypeId TypeStore::option(TypeId some) {
  TypeNode n;
  n.kind = TypeKind::Option;
  n.element = some;
  n.cases = {Case{"none", std::nullopt}, Case{"some", some}};
  return impl_->intern(std::move(n));
}

TypeId TypeStore::result(std::optional<TypeId> ok, std::optional<TypeId> error) {
  TypeNode n;
  n.kind = TypeKind::Result;
  n.cases = {Case{"ok", ok}, Case{"error", error}};
  return impl_->intern(std::move(n));
}

TypeId TypeStore::flags(std::vector<std::string> labels) {
  TypeNode n;
  n.kind = TypeKind::Flags;
  n.labels = std::move(labels);
  return impl_->intern(std::move(n));
}

TypeId TypeStore::own(uint32_t resource) {
  TypeNode n;
  n.kind = TypeKind::Own;
  n.resource = resource;
  return impl_->intern(std::move(n));
}

TypeId TypeStore::borrow(uint32_t resource) {
  TypeNode n;
  n.kind = TypeKind::Borrow;
  n.resource = resource;
  return impl_->intern(std::move(n));
}

TypeId TypeStore::future(std::optional<TypeId> element, uint32_t table) {
  TypeNode n;
  n.kind = TypeKind::Future;
  n.element = element;
  n.resource = table;
  return impl_->intern(std::move(n));
}

TypeId TypeStore::stream(std::optional<TypeId> element, uint32_t table) {
  TypeNode n;
  n.kind = TypeKind::Stream;
  n.element = element;
  n.resource = table;
  return impl_->intern(std::move(n));
}

TypeId TypeStore::error_context(uint32_t table) {
  TypeNode n;
  n.kind = TypeKind::ErrorContext;
  n.resource = table;
  return impl_->intern(std::move(n));
}

FuncTypeId TypeStore::func(FuncType type) {
  const size_t hash = FuncHash{}(type);
  auto [first, last] = impl_->func_index.equal_range(hash);
  for (auto it = first; it != last; ++it) {
    if (impl_->funcs[it->second] == type) return FuncTypeId{it->second};
  }
  const auto index = static_cast<uint32_t>(impl_->funcs.size());
  impl_->funcs.push_back(std::move(type));
  impl_->func_index.emplace(hash, index);
  return FuncTypeId{index};
}

const TypeNode& TypeStore::get(TypeId id) const { return impl_->node(id); }

const FuncType& TypeStore::get(FuncTypeId id) const {
  assert(id.index < impl_->funcs.size() && "FuncTypeId from another store");
  return impl_->funcs[id.index];
}

size_t TypeStore::size() const { return impl_->nodes.size(); }

size_t TypeStore::func_count() const { return impl_->funcs.size(); }

// ---------------------------------------------------------------------------
// Printing

namespace {

// Printing works from an explicit stack so that deeply nested types cannot
// exhaust the native stack. `limit` bounds the output (error messages must
// stay readable even for huge types whose text would grow exponentially).
class Printer {
 public:
  Printer(const TypeStore& store, size_t limit, const ResourceNamer* name_resource = nullptr)
      : store_(store), limit_(limit), name_resource_(name_resource) {}

  std::string print(TypeId id) {
    work_.emplace_back(id);
    run();
    return std::move(out_);
  }

  std::string print(const FuncType& f) {
    // Pushed in reverse: the stack pops the last item first.
    if (f.result) {
      work_.emplace_back(*f.result);
      work_.emplace_back(std::string_view(" -> "));
    }
    work_.emplace_back(std::string_view(")"));
    for (size_t i = f.params.size(); i-- > 0;) {
      work_.emplace_back(f.params[i].type);
      work_.emplace_back(std::string_view(": "));
      work_.emplace_back(std::string_view(f.params[i].name));
      if (i > 0) work_.emplace_back(std::string_view(", "));
    }
    work_.emplace_back(std::string_view(f.is_async ? "async func(" : "func("));
    run();
    return std::move(out_);
  }

 private:
  using Item = std::variant<TypeId, std::string_view, std::string>;

  void run() {
    while (!work_.empty() && out_.size() <= limit_) {
      Item item = std::move(work_.back());
      work_.pop_back();
      if (auto* id = std::get_if<TypeId>(&item)) {
        expand(*id);
      } else if (auto* text = std::get_if<std::string_view>(&item)) {
        out_ += *text;
      } else {
        out_ += std::get<std::string>(item);
      }
    }
    work_.clear();
    if (out_.size() > limit_) {
      out_.resize(limit_);
      out_ += "...";
    }
  }

  // The parts are collected in reading order and pushed backwards because
  // the stack pops its last item first.
  void expand(TypeId id) {
    const TypeNode& n = store_.get(id);
    std::vector<Item> parts;
    auto lit = [&parts](std::string_view s) { parts.emplace_back(s); };
    switch (n.kind) {
      case TypeKind::List:
        lit("list<");
        parts.emplace_back(*n.element);
        lit(">");
        break;
      case TypeKind::FixedList:
        lit("list<");
        parts.emplace_back(*n.element);
        parts.emplace_back(", " + std::to_string(n.length) + ">");
        break;
      case TypeKind::Map:
        lit("map<");
        parts.emplace_back(n.key);
        lit(", ");
        parts.emplace_back(n.value);
        lit(">");
        break;
      case TypeKind::Record:
        lit("record {");
        for (size_t i = 0; i < n.fields.size(); ++i) {
          lit(i == 0 ? " " : ", ");
          lit(n.fields[i].name);
          lit(": ");
          parts.emplace_back(n.fields[i].type);
        }
        lit(" }");
        break;
      case TypeKind::Tuple:
        lit("tuple<");
        for (size_t i = 0; i < n.elements.size(); ++i) {
          if (i > 0) lit(", ");
          parts.emplace_back(n.elements[i]);
        }
        lit(">");
        break;
      case TypeKind::Variant:
        lit("variant {");
        for (size_t i = 0; i < n.cases.size(); ++i) {
          lit(i == 0 ? " " : ", ");
          lit(n.cases[i].name);
          if (n.cases[i].type) {
            lit("(");
            parts.emplace_back(*n.cases[i].type);
            lit(")");
          }
        }
        lit(" }");
        break;
      case TypeKind::Enum:
      case TypeKind::Flags:
        lit(n.kind == TypeKind::Enum ? "enum {" : "flags {");
        for (size_t i = 0; i < n.labels.size(); ++i) {
          lit(i == 0 ? " " : ", ");
          lit(n.labels[i]);
        }
        lit(" }");
        break;
      case TypeKind::Option:
        lit("option<");
        parts.emplace_back(*n.element);
        lit(">");
        break;
      case TypeKind::Result: {
        const std::optional<TypeId>& ok = n.cases[0].type;
        const std::optional<TypeId>& error = n.cases[1].type;
        lit("result");
        if (ok || error) {
          lit("<");
          if (ok) {
            parts.emplace_back(*ok);
          } else {
            lit("_");
          }
          if (error) {
            lit(", ");
            parts.emplace_back(*error);
          }
          lit(">");
        }
        break;
      }
      case TypeKind::Own:
      case TypeKind::Borrow:
        parts.emplace_back(
            std::string(kind_name(n.kind)) + "<" +
            (name_resource_ ? (*name_resource_)(n.resource) : "r" + std::to_string(n.resource)) +
            ">");
        break;
      case TypeKind::Future:
      case TypeKind::Stream:
        lit(kind_name(n.kind));
        if (n.element) {
          lit("<");
          parts.emplace_back(*n.element);
          lit(">");
        }
        break;
      default: lit(kind_name(n.kind)); break;
    }
    for (size_t i = parts.size(); i-- > 0;) work_.push_back(std::move(parts[i]));
  }

  const TypeStore& store_;
  size_t limit_;
  const ResourceNamer* name_resource_;
  std::vector<Item> work_;
  std::string out_;
};

std::string quoted(const TypeStore& store, TypeId id) {
  return "`" + Printer(store, kTypeMessageLimit).print(id) + "`";
}

// The largest 64-bit element size a type may have (exclusive).
constexpr uint64_t kMaxElemSize = uint64_t{1} << 28;

std::optional<std::string> check_names(std::string_view what,
                                       const std::vector<std::string_view>& names) {
  std::set<std::string_view> seen;
  for (std::string_view name : names) {
    if (name.empty()) return "has an empty " + std::string(what) + " name";
    if (!seen.insert(name).second) {
      return "has the " + std::string(what) + " `" + std::string(name) + "` more than once";
    }
  }
  return std::nullopt;
}

// The problem with one type itself, ignoring its children's own problems.
std::optional<std::string> own_problem(const TypeStore& store, const TypeNode& n) {
  std::vector<std::string_view> names;
  switch (n.kind) {
    case TypeKind::Future:
    case TypeKind::Stream:
      if (auto problem = copy_payload_problem(store, n.kind, n.element)) {
        return "has an invalid payload: " + *problem;
      }
      break;
    case TypeKind::Flags:
      if (n.labels.empty() || n.labels.size() > 32) {
        return "has " + std::to_string(n.labels.size()) +
               " labels; flags need 1 to 32 labels (Component Model)";
      }
      names.assign(n.labels.begin(), n.labels.end());
      return check_names("label", names);
    case TypeKind::Enum:
      if (n.labels.empty()) return std::string("has 0 labels; an enum needs at least 1 label");
      names.assign(n.labels.begin(), n.labels.end());
      return check_names("label", names);
    case TypeKind::Record:
      if (n.fields.empty()) return std::string("has no fields; a record needs at least 1 field");
      for (const Field& f : n.fields) names.push_back(f.name);
      return check_names("field", names);
    case TypeKind::Tuple:
      if (n.elements.empty())
        return std::string("has no elements; a tuple needs at least 1 element");
      return std::nullopt;
    case TypeKind::Variant:
      if (n.cases.empty()) return std::string("has no cases; a variant needs at least 1 case");
      for (const Case& c : n.cases) names.push_back(c.name);
      return check_names("case", names);
    case TypeKind::FixedList:
      if (n.length == 0)
        return std::string("has length 0; a fixed-length list needs a length of at least 1");
      break;
    default: break;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> copy_payload_problem(const TypeStore& store, TypeKind kind,
                                                std::optional<TypeId> element) {
  if (!element) return std::nullopt;
  const TypeNode& payload = store.get(*element);
  if (kind == TypeKind::Stream && payload.kind == TypeKind::Char) {
    return "`stream<char>` is not valid (a text stream is a stream of bytes in an encoding both "
           "sides agree on)";
  }
  if (payload.contains_borrow) {
    return "`" + std::string(kind_name(kind)) +
           "` payloads may not hold a `borrow` (a borrow cannot outlive the call that lent it)";
  }
  return std::nullopt;
}

std::string to_string(const TypeStore& store, TypeId id, size_t limit) {
  return Printer(store, limit).print(id);
}

std::string to_string(const TypeStore& store, FuncTypeId id, size_t limit) {
  return Printer(store, limit).print(store.get(id));
}

std::string to_string(const TypeStore& store, const FuncType& type,
                      const ResourceNamer& name_resource, size_t limit) {
  return Printer(store, limit, &name_resource).print(type);
}

Expected<void> check_value_type(const TypeStore& store, TypeId id) {
  // Collect every reachable type once (types are DAGs and may share a lot).
  std::vector<uint32_t> reachable;
  std::vector<TypeId> pending{id};
  std::set<uint32_t> seen{id.index};
  while (!pending.empty()) {
    const TypeNode& n = store.get(pending.back());
    reachable.push_back(pending.back().index);
    pending.pop_back();
    auto visit = [&](TypeId child) {
      if (seen.insert(child.index).second) pending.push_back(child);
    };
    if (n.element) visit(*n.element);
    if (n.kind == TypeKind::Map) {
      visit(n.key);
      visit(n.value);
    }
    for (const Field& f : n.fields) visit(f.type);
    for (TypeId e : n.elements) visit(e);
    for (const Case& c : n.cases) {
      if (c.type) visit(*c.type);
    }
  }
  // Children are interned before their parents, so ascending ids report the
  // innermost offending type first.
  std::sort(reachable.begin(), reachable.end());
  for (uint32_t index : reachable) {
    const TypeId child{index};
    const TypeNode& n = store.get(child);
    if (auto problem = own_problem(store, n)) {
      return Error{std::string(kind_name(n.kind)) + " type " + quoted(store, child) + " " +
                   *problem};
    }
    if (n.abi64.size >= kMaxElemSize) {
      return Error{std::string(kind_name(n.kind)) + " type " + quoted(store, child) +
                   " is too large: its size in a 64-bit memory is " + std::to_string(n.abi64.size) +
                   " bytes or more; it must be below 2^28 bytes"};
    }
  }
  return {};
}

Expected<void> check_func_type(const TypeStore& store, FuncTypeId id) {
  const FuncType& f = store.get(id);
  auto describe = [&] {
    return "function type `" + Printer(store, kTypeMessageLimit).print(f) + "`";
  };
  std::vector<std::string_view> names;
  for (const Param& p : f.params) names.push_back(p.name);
  if (auto problem = check_names("parameter", names)) return Error{describe() + " " + *problem};
  for (const Param& p : f.params) {
    Expected<void> ok = check_value_type(store, p.type);
    if (!ok) return Error{describe() + ", parameter `" + p.name + "`: " + ok.error().message};
  }
  if (f.result) {
    Expected<void> ok = check_value_type(store, *f.result);
    if (!ok) return Error{describe() + ", result: " + ok.error().message};
  }
  return {};
}

}  // namespace fact
