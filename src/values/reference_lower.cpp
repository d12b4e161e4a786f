// The reference Canonical ABI, lowering: lower_flat and store.
#include <algorithm>
#include <cassert>

#include "fact/values/reference.h"
#include "reference_support.h"

namespace fact::values {

using namespace reference_detail;

// ---- lowering -------------------------------------------------------------

Expected<std::vector<Val>> Reference::lower_flat(TypeId type, const Value& value,
                                                 MemoryView& memory) const {
  const TypeNode& node = store_.get(type);
  if (node.kind != value.kind) {
    return Error{"cannot lower " + to_string(value) + " as " +
                 to_string(store_, type, kTypeMessageLimit)};
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
      if (types.size() != value.items.size())
        return Error{"member count mismatch lowering " + to_string(value)};
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
      if (value.bits >= node.cases.size())
        return Error{"case index out of range: " + to_string(value)};
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
  if (list.kind == TypeKind::List)
    return {elem_size(*list.element, memory64), alignment(*list.element, memory64)};
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
    uint64_t value_at =
        at + align_up(elem_size(list.key, memory.memory64), alignment(list.value, memory.memory64));
    if (auto r = store(list.value, entry.items[1], memory, value_at); !r) return r.error();
  }
  return std::pair<uint64_t, uint64_t>{*ptr, items.size()};
}

Expected<void> Reference::store(TypeId type, const Value& value, MemoryView& memory,
                                uint64_t ptr) const {
  const TypeNode& node = store_.get(type);
  if (node.kind != value.kind) {
    return Error{"cannot store " + to_string(value) + " as " +
                 to_string(store_, type, kTypeMessageLimit)};
  }
  const Layout& l = layout(type, memory.memory64);
  if (ptr % l.align != 0 || !in_bounds(memory, ptr, l.size)) {
    return Error{"store of " + to_string(store_, type, kTypeMessageLimit) +
                 " at misaligned or out-of-bounds " + std::to_string(ptr)};
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
      if (types.size() != value.items.size())
        return Error{"member count mismatch storing " + to_string(value)};
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
      if (value.bits >= node.cases.size())
        return Error{"case index out of range: " + to_string(value)};
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

}  // namespace fact::values
