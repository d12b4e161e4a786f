// The reference Canonical ABI, lifting: lift_flat and load.
#include <algorithm>
#include <cassert>

#include "fact/values/reference.h"
#include "reference_support.h"

namespace fact::values {

using namespace reference_detail;

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
    case TypeKind::F32:
      return Value::f32_bits(static_cast<uint32_t>(reader.next(ValType::F32).bits));
    case TypeKind::F64: return Value::f64_bits(reader.next(ValType::F64).bits);
    case TypeKind::Char: {
      uint64_t cp = reader.next(ValType::I32).bits;
      if (cp >= 0x110000 || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return reference_trap(TrapCode::InvalidChar, "char " + std::to_string(cp));
      }
      return Value::character(static_cast<uint32_t>(cp));
    }
    case TypeKind::Flags:
      return Value::flags(
          static_cast<uint32_t>(reader.next(ValType::I32).bits & flags_mask(node.labels.size())));
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
        return reference_trap(
            TrapCode::InvalidDiscriminant,
            "case " + std::to_string(index) + " of " + std::to_string(node.cases.size()));
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

namespace {

// Takes `units` from the view's budget, if it has one.
Expected<void> spend(const MemoryView& memory, uint64_t units) {
  if (!memory.budget) return {};
  if (*memory.budget < units) {
    return Error{
        "fuel allocated for hostcalls has been exhausted (the value's strings and lists "
        "exceed what the host copies at once)"};
  }
  *memory.budget -= units;
  return {};
}

}  // namespace

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
    return reference_trap(TrapCode::StringOutOfBounds,
                          "string of " + std::to_string(byte_length) + " bytes");
  }
  if (auto spent = spend(memory, byte_length / 64 + 1); !spent) return spent.error();
  if (ptr % align != 0)
    // Wasmtime's words, which its scripts check, then where.
    return reference_trap(TrapCode::UnalignedPointer, "string pointer not aligned to " +
                                                          std::to_string(align) + " (string at " +
                                                          std::to_string(ptr) + ")");
  if (!in_bounds(memory, ptr, byte_length)) {
    return reference_trap(
        TrapCode::StringOutOfBounds,
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
      if (unit >= 0xD800 && unit <= 0xDFFF)
        return Error{"trap: invalid utf-16 string: unpaired surrogate"};
      cps.push_back(unit);
    }
  }
  return Value::string(encode_utf8(cps));
}

Expected<Value> Reference::load_list(const TypeNode& list, const MemoryView& memory, uint64_t ptr,
                                     uint64_t length) const {
  auto [size, align] = element_layout(list, memory.memory64);
  if (length > kMaxListByteLength / std::max<uint64_t>(size, 1)) {
    return reference_trap(TrapCode::ListOutOfBounds,
                          "list of " + std::to_string(length) + " elements");
  }
  if (auto spent = spend(memory, length); !spent) return spent.error();
  if (ptr % align != 0)
    return reference_trap(TrapCode::UnalignedPointer,
                          "list pointer is not aligned (list at " + std::to_string(ptr) + ")");
  if (!in_bounds(memory, ptr, length * size)) {
    return reference_trap(
        TrapCode::ListOutOfBounds,
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
                      at + align_up(elem_size(list.key, memory.memory64),
                                    alignment(list.value, memory.memory64)));
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
    return Error{"reference: load of " + to_string(store_, type, kTypeMessageLimit) +
                 " at bad address " + std::to_string(ptr)};
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
      return Value::flags(
          static_cast<uint32_t>(load_le(memory, ptr, l.size) & flags_mask(node.labels.size())));
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
        return reference_trap(
            TrapCode::InvalidDiscriminant,
            "case " + std::to_string(index) + " of " + std::to_string(node.cases.size()));
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

}  // namespace fact::values
