#include "fact/values/reference.h"

#include <algorithm>
#include <cassert>

#include "reference_support.h"

namespace fact::values {

using namespace reference_detail;

Error reference_trap(TrapCode code, const std::string& detail) {
  return Error{"trap " + std::to_string(static_cast<int>(code)) + " (" + trap_message(code) +
               "): " + detail};
}

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
      return reference_trap(TrapCode::UnalignedPointer,
                            "pointer not aligned (tuple at " + std::to_string(ptr) + ")");
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
  if (index != flat.size())
    return Error{"reference: unused flat values in " + wasm::to_string(flat)};
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
