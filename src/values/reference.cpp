#include "fact/values/reference.h"

#include <algorithm>
#include <cassert>

namespace fact::values {
namespace {

constexpr uint64_t kMaxStringByteLength = (uint64_t{1} << 28) - 1;
constexpr uint64_t kMaxListByteLength = (uint64_t{1} << 28) - 1;

uint64_t align_up(uint64_t v, uint64_t align) { return (v + align - 1) / align * align; }

uint32_t discriminant_bytes(size_t cases) {
  if (cases <= (size_t{1} << 8)) return 1;
  if (cases <= (size_t{1} << 16)) return 2;
  return 4;
}

uint32_t flags_bytes(size_t labels) {
  if (labels <= 8) return 1;
  if (labels <= 16) return 2;
  return 4;
}

uint64_t flags_mask(size_t labels) {
  return labels >= 64 ? ~uint64_t{0} : (uint64_t{1} << labels) - 1;
}

ValType join(ValType a, ValType b) {
  if (a == b) return a;
  if ((a == ValType::I32 && b == ValType::F32) || (a == ValType::F32 && b == ValType::I32)) {
    return ValType::I32;
  }
  return ValType::I64;
}

uint64_t load_le(const MemoryView& m, uint64_t ptr, uint32_t bytes) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < bytes; ++i) v |= uint64_t{m.data[ptr + i]} << (8 * i);
  return v;
}

void store_le(MemoryView& m, uint64_t ptr, uint32_t bytes, uint64_t v) {
  for (uint32_t i = 0; i < bytes; ++i) m.data[ptr + i] = static_cast<uint8_t>(v >> (8 * i));
}

bool in_bounds(const MemoryView& m, uint64_t ptr, uint64_t length) {
  return ptr <= m.size && length <= m.size - ptr;
}

uint32_t ptr_size(const MemoryView& m) { return m.memory64 ? 8 : 4; }

uint32_t int_bytes(TypeKind kind) {
  switch (kind) {
    case TypeKind::Bool:
    case TypeKind::S8:
    case TypeKind::U8: return 1;
    case TypeKind::S16:
    case TypeKind::U16: return 2;
    case TypeKind::S64:
    case TypeKind::U64:
    case TypeKind::F64: return 8;
    default: return 4;
  }
}

Value make_case(TypeKind kind, uint64_t index, std::optional<Value> payload) {
  Value v;
  v.kind = kind;
  v.bits = index;
  if (payload) v.items.push_back(std::move(*payload));
  return v;
}

}  // namespace

namespace {

// The checks of an allocation the guest's realloc returned, worded as
// Wasmtime's host-side lowering does (what .wast scripts expect).
Expected<void> check_realloc_result(const MemoryView& memory, uint64_t ptr, uint64_t align, uint64_t size) {
  if (ptr % align != 0) {
    return Error{"realloc return: result not aligned (" + std::to_string(ptr) + " for alignment " +
                 std::to_string(align) + ")"};
  }
  if (!in_bounds(memory, ptr, size)) {
    return Error{"realloc return: beyond end of memory (" + std::to_string(size) + " bytes at " +
                 std::to_string(ptr) + ")"};
  }
  return {};
}

}  // namespace

Error reference_trap(TrapCode code, const std::string& detail) {
  return Error{"trap " + std::to_string(static_cast<int>(code)) + " (" + trap_message(code) +
               "): " + detail};
}


// Reads flat values of the wanted types; a CoerceReader on top implements the
// spec's CoerceValueIter for variant payloads.
class Reference::FlatReader {
 public:
  virtual ~FlatReader() = default;
  virtual Val next(ValType want) = 0;
};

namespace {

class VectorReader final : public Reference::FlatReader {
 public:
  VectorReader(const std::vector<Val>& flat, size_t* index) : flat_(flat), index_(index) {}
  Val next(ValType want) override {
    if (*index_ >= flat_.size() || flat_[*index_].type != want) {
      if (error_.empty()) {
        error_ = "flat value " + std::to_string(*index_) + " should be " + wasm::to_string(want) +
                 " in " + wasm::to_string(flat_);
      }
      return Val{want, 0};
    }
    return flat_[(*index_)++];
  }
  const std::string& error() const { return error_; }

 private:
  const std::vector<Val>& flat_;
  size_t* index_;
  std::string error_;
};

class CoerceReader final : public Reference::FlatReader {
 public:
  CoerceReader(Reference::FlatReader& parent, std::vector<ValType> have)
      : parent_(parent), have_(std::move(have)) {}
  Val next(ValType want) override {
    assert(pos_ < have_.size());
    ValType have = have_[pos_++];
    Val x = parent_.next(have);
    // Bit patterns carry over unchanged; an i64 slot read as 32 bits wraps.
    if (have == ValType::I64 && (want == ValType::I32 || want == ValType::F32)) {
      x.bits &= 0xFFFFFFFFu;
    }
    assert(have == want || have == join(have, want));
    return Val{want, x.bits};
  }
  void skip_rest() {
    while (pos_ < have_.size()) parent_.next(have_[pos_++]);
  }

 private:
  Reference::FlatReader& parent_;
  std::vector<ValType> have_;
  size_t pos_ = 0;
};

}  // namespace

Reference::Reference(const TypeStore& store) : store_(store) {}

std::vector<TypeId> Reference::members(const TypeNode& node) const {
  std::vector<TypeId> out;
  switch (node.kind) {
    case TypeKind::Record:
      for (const Field& f : node.fields) out.push_back(f.type);
      break;
    case TypeKind::Tuple: out = node.elements; break;
    case TypeKind::FixedList: out.assign(node.length, *node.element); break;
    default: break;
  }
  return out;
}

const Reference::Layout& Reference::layout(TypeId type, bool memory64) const {
  auto& cache = cache_[memory64 ? 1 : 0];
  if (cache.size() <= type.index) cache.resize(type.index + 1);
  if (!cache[type.index]) cache[type.index] = compute(type, memory64);
  return *cache[type.index];
}

Reference::Layout Reference::compute(TypeId type, bool memory64) const {
  const TypeNode& node = store_.get(type);
  const uint32_t ptr = memory64 ? 8 : 4;
  const ValType ptr_type = memory64 ? ValType::I64 : ValType::I32;
  Layout out;
  switch (node.kind) {
    case TypeKind::Bool:
    case TypeKind::S8:
    case TypeKind::U8:
    case TypeKind::S16:
    case TypeKind::U16:
    case TypeKind::S32:
    case TypeKind::U32:
    case TypeKind::Char:
      out.size = out.align = int_bytes(node.kind);
      out.flat = {ValType::I32};
      break;
    case TypeKind::S64:
    case TypeKind::U64:
      out.size = out.align = 8;
      out.flat = {ValType::I64};
      break;
    case TypeKind::F32:
      out.size = out.align = 4;
      out.flat = {ValType::F32};
      break;
    case TypeKind::F64:
      out.size = out.align = 8;
      out.flat = {ValType::F64};
      break;
    case TypeKind::String:
    case TypeKind::List:
    case TypeKind::Map:
      out.align = ptr;
      out.size = 2 * ptr;
      out.flat = {ptr_type, ptr_type};
      break;
    case TypeKind::Own:
    case TypeKind::Borrow:
    case TypeKind::Future:
    case TypeKind::Stream:
    case TypeKind::ErrorContext:
      out.size = out.align = 4;
      out.flat = {ValType::I32};
      break;
    case TypeKind::Flags:
      out.size = out.align = flags_bytes(node.labels.size());
      out.flat = {ValType::I32};
      break;
    case TypeKind::Record:
    case TypeKind::Tuple:
    case TypeKind::FixedList: {
      uint64_t size = 0;
      for (TypeId m : members(node)) {
        const Layout& l = layout(m, memory64);
        size = align_up(size, l.align) + l.size;
        out.align = std::max(out.align, l.align);
        out.flat.insert(out.flat.end(), l.flat.begin(), l.flat.end());
      }
      out.size = static_cast<uint32_t>(align_up(size, out.align));
      break;
    }
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: {
      uint32_t disc = discriminant_bytes(node.cases.size());
      uint32_t case_align = 1, case_size = 0;
      std::vector<ValType> payload;
      for (const Case& c : node.cases) {
        if (!c.type) continue;
        const Layout& l = layout(*c.type, memory64);
        case_align = std::max(case_align, l.align);
        case_size = std::max(case_size, l.size);
        for (size_t i = 0; i < l.flat.size(); ++i) {
          if (i < payload.size()) {
            payload[i] = join(payload[i], l.flat[i]);
          } else {
            payload.push_back(l.flat[i]);
          }
        }
      }
      out.align = std::max(disc, case_align);
      out.size = static_cast<uint32_t>(align_up(align_up(disc, case_align) + case_size, out.align));
      out.flat = {ValType::I32};
      out.flat.insert(out.flat.end(), payload.begin(), payload.end());
      break;
    }
  }
  return out;
}

uint32_t Reference::alignment(TypeId type, bool memory64) const {
  return layout(type, memory64).align;
}
uint32_t Reference::elem_size(TypeId type, bool memory64) const {
  return layout(type, memory64).size;
}
std::vector<ValType> Reference::flatten(TypeId type, bool memory64) const {
  return layout(type, memory64).flat;
}
std::vector<ValType> Reference::flatten(const std::vector<TypeId>& types, bool memory64) const {
  std::vector<ValType> out;
  for (TypeId t : types) {
    const auto& f = layout(t, memory64).flat;
    out.insert(out.end(), f.begin(), f.end());
  }
  return out;
}
uint32_t Reference::tuple_alignment(const std::vector<TypeId>& types, bool memory64) const {
  uint32_t align = 1;
  for (TypeId t : types) align = std::max(align, alignment(t, memory64));
  return align;
}
uint32_t Reference::tuple_size(const std::vector<TypeId>& types, bool memory64) const {
  uint64_t size = 0;
  for (TypeId t : types) size = align_up(size, alignment(t, memory64)) + elem_size(t, memory64);
  return static_cast<uint32_t>(align_up(size, tuple_alignment(types, memory64)));
}

// ---- lowering -------------------------------------------------------------

Expected<std::vector<Val>> Reference::lower_flat(TypeId type, const Value& value,
                                                 MemoryView& memory) const {
  const TypeNode& node = store_.get(type);
  if (node.kind != value.kind) {
    return Error{"cannot lower " + to_string(value) + " as " + to_string(store_, type)};
  }
  const ValType ptr_type = memory.memory64 ? ValType::I64 : ValType::I32;
  switch (node.kind) {
    case TypeKind::Bool: return std::vector<Val>{Val::i32(value.bits ? 1 : 0)};
    case TypeKind::S8:
    case TypeKind::U8:
    case TypeKind::S16:
    case TypeKind::U16:
    case TypeKind::S32:
    case TypeKind::U32:
    case TypeKind::Char:
    case TypeKind::Flags:
    case TypeKind::Own:
    case TypeKind::Borrow:
    case TypeKind::Future:
    case TypeKind::Stream:
    case TypeKind::ErrorContext:
      return std::vector<Val>{Val::i32(static_cast<uint32_t>(value.bits))};
    case TypeKind::S64:
    case TypeKind::U64: return std::vector<Val>{Val::i64(value.bits)};
    case TypeKind::F32: return std::vector<Val>{Val::f32_bits(static_cast<uint32_t>(value.bits))};
    case TypeKind::F64: return std::vector<Val>{Val::f64_bits(value.bits)};
    case TypeKind::String: {
      auto range = store_string(value.text, memory);
      if (!range) return range.error();
      return std::vector<Val>{Val{ptr_type, range->first}, Val{ptr_type, range->second}};
    }
    case TypeKind::List:
    case TypeKind::Map: {
      auto range = store_list(node, value.items, memory);
      if (!range) return range.error();
      return std::vector<Val>{Val{ptr_type, range->first}, Val{ptr_type, range->second}};
    }
    case TypeKind::Record:
    case TypeKind::Tuple:
    case TypeKind::FixedList: {
      std::vector<TypeId> types = members(node);
      if (types.size() != value.items.size()) return Error{"member count mismatch lowering " + to_string(value)};
      std::vector<Val> out;
      for (size_t i = 0; i < types.size(); ++i) {
        auto part = lower_flat(types[i], value.items[i], memory);
        if (!part) return part.error();
        out.insert(out.end(), part->begin(), part->end());
      }
      return out;
    }
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: {
      std::vector<ValType> want = flatten(type, memory.memory64);
      std::vector<Val> out{Val::i32(static_cast<uint32_t>(value.bits))};
      if (value.bits >= node.cases.size()) return Error{"case index out of range: " + to_string(value)};
      const Case& c = node.cases[value.bits];
      if (c.type) {
        if (!value.payload()) return Error{"missing payload: " + to_string(value)};
        auto payload = lower_flat(*c.type, *value.payload(), memory);
        if (!payload) return payload.error();
        for (const Val& v : *payload) out.push_back(Val{want[out.size()], v.bits});
      }
      while (out.size() < want.size()) out.push_back(Val{want[out.size()], 0});
      return out;
    }
  }
  return Error{"unhandled type"};
}

Expected<std::pair<uint64_t, uint64_t>> Reference::store_string(const std::string& utf8,
                                                                 MemoryView& memory) const {
  auto cps = decode_utf8(utf8);
  if (!cps) return Error{"the string is not valid UTF-8"};
  std::vector<uint8_t> bytes;
  uint64_t units = 0, align = 1;
  bool latin1 = memory.encoding == StringEncoding::CompactUtf16 &&
                std::all_of(cps->begin(), cps->end(), [](uint32_t cp) { return cp <= 0xFF; });
  if (memory.encoding == StringEncoding::Utf8) {
    bytes.assign(utf8.begin(), utf8.end());
    units = bytes.size();
  } else if (latin1) {
    align = 2;
    for (uint32_t cp : *cps) bytes.push_back(static_cast<uint8_t>(cp));
    units = bytes.size();
  } else {
    align = 2;
    for (uint32_t cp : *cps) {
      auto put = [&](uint32_t unit) {
        bytes.push_back(static_cast<uint8_t>(unit));
        bytes.push_back(static_cast<uint8_t>(unit >> 8));
      };
      if (cp >= 0x10000) {
        put(0xD800 + ((cp - 0x10000) >> 10));
        put(0xDC00 + ((cp - 0x10000) & 0x3FF));
      } else {
        put(cp);
      }
    }
    units = bytes.size() / 2;
    if (memory.encoding == StringEncoding::CompactUtf16) {
      units |= uint64_t{1} << (memory.memory64 ? 63 : 31);
    }
  }
  if (!memory.allocate) return Error{"no allocator to store a string"};
  auto ptr = memory.allocate(align, bytes.size());
  if (!ptr) return ptr.error();
  if (auto bad = check_realloc_result(memory, *ptr, align, bytes.size()); !bad) return bad.error();
  std::copy(bytes.begin(), bytes.end(), memory.data + *ptr);
  return std::pair<uint64_t, uint64_t>{*ptr, units};
}

std::pair<uint32_t, uint32_t> Reference::element_layout(const TypeNode& list, bool memory64) const {
  if (list.kind == TypeKind::List) return {elem_size(*list.element, memory64), alignment(*list.element, memory64)};
  // A map entry is a tuple<K, V>.
  uint32_t align = std::max(alignment(list.key, memory64), alignment(list.value, memory64));
  uint64_t size = align_up(elem_size(list.key, memory64), alignment(list.value, memory64)) +
                  elem_size(list.value, memory64);
  return {static_cast<uint32_t>(align_up(size, align)), align};
}

Expected<std::pair<uint64_t, uint64_t>> Reference::store_list(const TypeNode& list,
                                                               const std::vector<Value>& items,
                                                               MemoryView& memory) const {
  auto [size, align] = element_layout(list, memory.memory64);
  if (!memory.allocate) return Error{"no allocator to store a list"};
  auto ptr = memory.allocate(align, uint64_t{size} * items.size());
  if (!ptr) return ptr.error();
  if (auto bad = check_realloc_result(memory, *ptr, align, uint64_t{size} * items.size()); !bad) {
    return bad.error();
  }
  for (size_t i = 0; i < items.size(); ++i) {
    uint64_t at = *ptr + i * size;
    if (list.kind == TypeKind::List) {
      if (auto r = store(*list.element, items[i], memory, at); !r) return r.error();
      continue;
    }
    const Value& entry = items[i];
    if (entry.items.size() != 2) return Error{"bad map entry " + to_string(entry)};
    if (auto r = store(list.key, entry.items[0], memory, at); !r) return r.error();
    uint64_t value_at = at + align_up(elem_size(list.key, memory.memory64), alignment(list.value, memory.memory64));
    if (auto r = store(list.value, entry.items[1], memory, value_at); !r) return r.error();
  }
  return std::pair<uint64_t, uint64_t>{*ptr, items.size()};
}

Expected<void> Reference::store(TypeId type, const Value& value, MemoryView& memory,
                                uint64_t ptr) const {
  const TypeNode& node = store_.get(type);
  if (node.kind != value.kind) {
    return Error{"cannot store " + to_string(value) + " as " + to_string(store_, type)};
  }
  const Layout& l = layout(type, memory.memory64);
  if (ptr % l.align != 0 || !in_bounds(memory, ptr, l.size)) {
    return Error{"store of " + to_string(store_, type) + " at misaligned or out-of-bounds " +
                 std::to_string(ptr)};
  }
  switch (node.kind) {
    case TypeKind::Bool: store_le(memory, ptr, 1, value.bits ? 1 : 0); return {};
    case TypeKind::Flags: store_le(memory, ptr, l.size, value.bits); return {};
    case TypeKind::String: {
      auto range = store_string(value.text, memory);
      if (!range) return range.error();
      store_le(memory, ptr, ptr_size(memory), range->first);
      store_le(memory, ptr + ptr_size(memory), ptr_size(memory), range->second);
      return {};
    }
    case TypeKind::List:
    case TypeKind::Map: {
      auto range = store_list(node, value.items, memory);
      if (!range) return range.error();
      store_le(memory, ptr, ptr_size(memory), range->first);
      store_le(memory, ptr + ptr_size(memory), ptr_size(memory), range->second);
      return {};
    }
    case TypeKind::Record:
    case TypeKind::Tuple:
    case TypeKind::FixedList: {
      std::vector<TypeId> types = members(node);
      if (types.size() != value.items.size()) return Error{"member count mismatch storing " + to_string(value)};
      uint64_t offset = 0;
      for (size_t i = 0; i < types.size(); ++i) {
        offset = align_up(offset, alignment(types[i], memory.memory64));
        if (auto r = store(types[i], value.items[i], memory, ptr + offset); !r) return r;
        offset += elem_size(types[i], memory.memory64);
      }
      return {};
    }
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: {
      if (value.bits >= node.cases.size()) return Error{"case index out of range: " + to_string(value)};
      uint32_t disc = discriminant_bytes(node.cases.size());
      store_le(memory, ptr, disc, value.bits);
      uint32_t case_align = 1;
      for (const Case& c : node.cases) {
        if (c.type) case_align = std::max(case_align, alignment(*c.type, memory.memory64));
      }
      const Case& c = node.cases[value.bits];
      if (c.type) {
        if (!value.payload()) return Error{"missing payload: " + to_string(value)};
        return store(*c.type, *value.payload(), memory, ptr + align_up(disc, case_align));
      }
      return {};
    }
    default:
      // Integers, floats, chars and handles: their bits, little-endian.
      store_le(memory, ptr, l.size, value.bits);
      return {};
  }
}

// ---- lifting --------------------------------------------------------------

Expected<Value> Reference::lift_flat(TypeId type, const std::vector<Val>& flat, size_t* index,
                                     const MemoryView& memory) const {
  VectorReader reader(flat, index);
  auto v = lift(type, reader, memory);
  if (!reader.error().empty()) return Error{"reference: " + reader.error()};
  return v;
}

Expected<Value> Reference::lift(TypeId type, FlatReader& reader, const MemoryView& memory) const {
  const TypeNode& node = store_.get(type);
  const ValType ptr_type = memory.memory64 ? ValType::I64 : ValType::I32;
  switch (node.kind) {
    case TypeKind::Bool: return Value::boolean(reader.next(ValType::I32).bits != 0);
    case TypeKind::S8:
    case TypeKind::U8:
    case TypeKind::S16:
    case TypeKind::U16:
    case TypeKind::S32:
    case TypeKind::U32: return Value::integer(node.kind, reader.next(ValType::I32).bits);
    case TypeKind::S64:
    case TypeKind::U64: return Value::integer(node.kind, reader.next(ValType::I64).bits);
    case TypeKind::F32: return Value::f32_bits(static_cast<uint32_t>(reader.next(ValType::F32).bits));
    case TypeKind::F64: return Value::f64_bits(reader.next(ValType::F64).bits);
    case TypeKind::Char: {
      uint64_t cp = reader.next(ValType::I32).bits;
      if (cp >= 0x110000 || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return reference_trap(TrapCode::InvalidChar, "char " + std::to_string(cp));
      }
      return Value::character(static_cast<uint32_t>(cp));
    }
    case TypeKind::Flags:
      return Value::flags(static_cast<uint32_t>(reader.next(ValType::I32).bits &
                                                flags_mask(node.labels.size())));
    case TypeKind::Own:
    case TypeKind::Borrow:
    case TypeKind::Future:
    case TypeKind::Stream:
    case TypeKind::ErrorContext:
      return Value::handle(node.kind, static_cast<uint32_t>(reader.next(ValType::I32).bits));
    case TypeKind::String: {
      uint64_t ptr = reader.next(ptr_type).bits;
      uint64_t units = reader.next(ptr_type).bits;
      return load_string(memory, ptr, units);
    }
    case TypeKind::List:
    case TypeKind::Map: {
      uint64_t ptr = reader.next(ptr_type).bits;
      uint64_t length = reader.next(ptr_type).bits;
      return load_list(node, memory, ptr, length);
    }
    case TypeKind::Record:
    case TypeKind::Tuple:
    case TypeKind::FixedList: {
      Value out;
      out.kind = node.kind;
      for (TypeId m : members(node)) {
        auto v = lift(m, reader, memory);
        if (!v) return v;
        out.items.push_back(std::move(*v));
      }
      return out;
    }
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: {
      std::vector<ValType> flat = flatten(type, memory.memory64);
      uint64_t index = reader.next(ValType::I32).bits;
      CoerceReader payload_reader(reader, std::vector<ValType>(flat.begin() + 1, flat.end()));
      if (index >= node.cases.size()) {
        return reference_trap(TrapCode::InvalidDiscriminant, "case " + std::to_string(index) + " of " +
                                                                  std::to_string(node.cases.size()));
      }
      std::optional<Value> payload;
      if (const auto& t = node.cases[index].type) {
        auto v = lift(*t, payload_reader, memory);
        if (!v) return v;
        payload = std::move(*v);
      }
      payload_reader.skip_rest();
      return make_case(node.kind, index, std::move(payload));
    }
  }
  return Error{"unhandled type"};
}

Expected<Value> Reference::load_string(const MemoryView& memory, uint64_t ptr,
                                       uint64_t tagged_units) const {
  const uint64_t tag = uint64_t{1} << (memory.memory64 ? 63 : 31);
  uint64_t align = 1, byte_length = tagged_units;
  bool utf16 = false;
  switch (memory.encoding) {
    case StringEncoding::Utf8: break;
    case StringEncoding::Utf16:
      align = 2;
      utf16 = true;
      byte_length = 2 * tagged_units;
      break;
    case StringEncoding::CompactUtf16:
      align = 2;
      if (tagged_units & tag) {
        utf16 = true;
        byte_length = 2 * (tagged_units ^ tag);
      }
      break;
  }
  if (byte_length > kMaxStringByteLength) {
    return reference_trap(TrapCode::StringOutOfBounds, "string of " + std::to_string(byte_length) + " bytes");
  }
  if (ptr % align != 0) return reference_trap(TrapCode::UnalignedPointer, "string at " + std::to_string(ptr));
  if (!in_bounds(memory, ptr, byte_length)) {
    return reference_trap(TrapCode::StringOutOfBounds,
                          "string pointer/length out of bounds of memory: string at " + std::to_string(ptr));
  }
  const uint8_t* bytes = memory.data + ptr;
  if (memory.encoding == StringEncoding::Utf8) {
    std::string text(bytes, bytes + byte_length);
    if (!decode_utf8(text)) return Error{"trap: invalid utf-8 string"};
    return Value::string(std::move(text));
  }
  std::vector<uint32_t> cps;
  if (!utf16) {
    cps.assign(bytes, bytes + byte_length);
  } else {
    for (uint64_t i = 0; i < byte_length; i += 2) {
      uint32_t unit = bytes[i] | (uint32_t{bytes[i + 1]} << 8);
      if (unit >= 0xD800 && unit <= 0xDBFF && i + 3 < byte_length) {
        uint32_t low = bytes[i + 2] | (uint32_t{bytes[i + 3]} << 8);
        if (low >= 0xDC00 && low <= 0xDFFF) {
          cps.push_back(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
          i += 2;
          continue;
        }
      }
      if (unit >= 0xD800 && unit <= 0xDFFF) return Error{"trap: invalid utf-16 string: unpaired surrogate"};
      cps.push_back(unit);
    }
  }
  return Value::string(encode_utf8(cps));
}

Expected<Value> Reference::load_list(const TypeNode& list, const MemoryView& memory, uint64_t ptr,
                                     uint64_t length) const {
  auto [size, align] = element_layout(list, memory.memory64);
  if (length > kMaxListByteLength / std::max<uint64_t>(size, 1)) {
    return reference_trap(TrapCode::ListOutOfBounds, "list of " + std::to_string(length) + " elements");
  }
  if (ptr % align != 0) return reference_trap(TrapCode::UnalignedPointer, "list at " + std::to_string(ptr));
  if (!in_bounds(memory, ptr, length * size)) {
    return reference_trap(TrapCode::ListOutOfBounds,
                          "list pointer/length out of bounds of memory: list at " + std::to_string(ptr));
  }
  Value out;
  out.kind = list.kind;
  for (uint64_t i = 0; i < length; ++i) {
    uint64_t at = ptr + i * size;
    if (list.kind == TypeKind::List) {
      auto v = load(*list.element, memory, at);
      if (!v) return v;
      out.items.push_back(std::move(*v));
      continue;
    }
    auto key = load(list.key, memory, at);
    if (!key) return key;
    auto value = load(list.value, memory,
                      at + align_up(elem_size(list.key, memory.memory64), alignment(list.value, memory.memory64)));
    if (!value) return value;
    out.items.push_back(Value::tuple({std::move(*key), std::move(*value)}));
  }
  return out;
}

Expected<Value> Reference::load(TypeId type, const MemoryView& memory, uint64_t ptr) const {
  const TypeNode& node = store_.get(type);
  const Layout& l = layout(type, memory.memory64);
  // The spec asserts these; a caller of load has checked them.
  if (ptr % l.align != 0 || !in_bounds(memory, ptr, l.size)) {
    return Error{"reference: load of " + to_string(store_, type) + " at bad address " + std::to_string(ptr)};
  }
  switch (node.kind) {
    case TypeKind::Bool: return Value::boolean(memory.data[ptr] != 0);
    case TypeKind::S8:
    case TypeKind::U8:
    case TypeKind::S16:
    case TypeKind::U16:
    case TypeKind::S32:
    case TypeKind::U32:
    case TypeKind::S64:
    case TypeKind::U64: return Value::integer(node.kind, load_le(memory, ptr, l.size));
    case TypeKind::F32: return Value::f32_bits(static_cast<uint32_t>(load_le(memory, ptr, 4)));
    case TypeKind::F64: return Value::f64_bits(load_le(memory, ptr, 8));
    case TypeKind::Char: {
      uint64_t cp = load_le(memory, ptr, 4);
      if (cp >= 0x110000 || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return reference_trap(TrapCode::InvalidChar, "char " + std::to_string(cp));
      }
      return Value::character(static_cast<uint32_t>(cp));
    }
    case TypeKind::Flags:
      return Value::flags(static_cast<uint32_t>(load_le(memory, ptr, l.size) & flags_mask(node.labels.size())));
    case TypeKind::Own:
    case TypeKind::Borrow:
    case TypeKind::Future:
    case TypeKind::Stream:
    case TypeKind::ErrorContext:
      return Value::handle(node.kind, static_cast<uint32_t>(load_le(memory, ptr, 4)));
    case TypeKind::String:
      return load_string(memory, load_le(memory, ptr, ptr_size(memory)),
                         load_le(memory, ptr + ptr_size(memory), ptr_size(memory)));
    case TypeKind::List:
    case TypeKind::Map: {
      return load_list(node, memory, load_le(memory, ptr, ptr_size(memory)),
                       load_le(memory, ptr + ptr_size(memory), ptr_size(memory)));
    }
    case TypeKind::Record:
    case TypeKind::Tuple:
    case TypeKind::FixedList: {
      Value out;
      out.kind = node.kind;
      uint64_t offset = 0;
      for (TypeId m : members(node)) {
        offset = align_up(offset, alignment(m, memory.memory64));
        auto v = load(m, memory, ptr + offset);
        if (!v) return v;
        out.items.push_back(std::move(*v));
        offset += elem_size(m, memory.memory64);
      }
      return out;
    }
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: {
      uint32_t disc = discriminant_bytes(node.cases.size());
      uint64_t index = load_le(memory, ptr, disc);
      if (index >= node.cases.size()) {
        return reference_trap(TrapCode::InvalidDiscriminant, "case " + std::to_string(index) + " of " +
                                                                  std::to_string(node.cases.size()));
      }
      uint32_t case_align = 1;
      for (const Case& c : node.cases) {
        if (c.type) case_align = std::max(case_align, alignment(*c.type, memory.memory64));
      }
      std::optional<Value> payload;
      if (const auto& t = node.cases[index].type) {
        auto v = load(*t, memory, ptr + align_up(disc, case_align));
        if (!v) return v;
        payload = std::move(*v);
      }
      return make_case(node.kind, index, std::move(payload));
    }
  }
  return Error{"unhandled type"};
}

// ---- function-level helpers ------------------------------------------------

Expected<std::vector<Value>> Reference::lift_flat_values(const std::vector<TypeId>& types,
                                                         const std::vector<Val>& flat,
                                                         uint32_t max_flat,
                                                         const MemoryView& memory) const {
  std::vector<Value> out;
  if (flatten(types, memory.memory64).size() > max_flat) {
    const ValType ptr_type = memory.memory64 ? ValType::I64 : ValType::I32;
    if (flat.size() != 1 || flat[0].type != ptr_type) {
      return Error{"reference: expected one pointer, got " + wasm::to_string(flat)};
    }
    uint64_t ptr = flat[0].bits;
    if (ptr % tuple_alignment(types, memory.memory64) != 0) {
      return reference_trap(TrapCode::UnalignedPointer, "tuple at " + std::to_string(ptr));
    }
    if (!in_bounds(memory, ptr, tuple_size(types, memory.memory64))) {
      return reference_trap(TrapCode::MemoryOutOfBounds, "tuple at " + std::to_string(ptr));
    }
    uint64_t offset = 0;
    for (TypeId t : types) {
      offset = align_up(offset, alignment(t, memory.memory64));
      auto v = load(t, memory, ptr + offset);
      if (!v) return v.error();
      out.push_back(std::move(*v));
      offset += elem_size(t, memory.memory64);
    }
    return out;
  }
  size_t index = 0;
  for (TypeId t : types) {
    auto v = lift_flat(t, flat, &index, memory);
    if (!v) return v.error();
    out.push_back(std::move(*v));
  }
  if (index != flat.size()) return Error{"reference: unused flat values in " + wasm::to_string(flat)};
  return out;
}

Expected<std::vector<Val>> Reference::lower_flat_values(const std::vector<TypeId>& types,
                                                        const std::vector<Value>& values,
                                                        uint32_t max_flat, MemoryView& memory,
                                                        std::optional<uint64_t> out_ptr) const {
  if (types.size() != values.size()) return Error{"reference: value count differs from type count"};
  std::vector<Val> out;
  if (flatten(types, memory.memory64).size() > max_flat) {
    uint64_t align = tuple_alignment(types, memory.memory64);
    uint64_t size = tuple_size(types, memory.memory64);
    uint64_t ptr;
    if (out_ptr) {
      ptr = *out_ptr;
    } else {
      if (!memory.allocate) return Error{"no allocator for the tuple"};
      auto p = memory.allocate(align, size);
      if (!p) return p.error();
      ptr = *p;
      out.push_back(Val{memory.memory64 ? ValType::I64 : ValType::I32, ptr});
    }
    if (auto bad = check_realloc_result(memory, ptr, align, size); !bad) return bad.error();
    uint64_t offset = 0;
    for (size_t i = 0; i < types.size(); ++i) {
      offset = align_up(offset, alignment(types[i], memory.memory64));
      if (auto r = store(types[i], values[i], memory, ptr + offset); !r) return r.error();
      offset += elem_size(types[i], memory.memory64);
    }
    return out;
  }
  for (size_t i = 0; i < types.size(); ++i) {
    auto part = lower_flat(types[i], values[i], memory);
    if (!part) return part.error();
    out.insert(out.end(), part->begin(), part->end());
  }
  return out;
}

}  // namespace fact::values
