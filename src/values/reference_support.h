// What the files of the reference Canonical ABI share: little-endian memory
// access, the layout helpers it computes for itself (independently of the
// compiler's), and the readers of flat values. Internal to fact_values.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <vector>

#include "fact/values/reference.h"

namespace fact::values::reference_detail {

inline constexpr uint64_t kMaxStringByteLength = (uint64_t{1} << 28) - 1;
inline constexpr uint64_t kMaxListByteLength = (uint64_t{1} << 28) - 1;

inline uint64_t align_up(uint64_t v, uint64_t align) { return (v + align - 1) / align * align; }

inline uint32_t discriminant_bytes(size_t cases) {
  if (cases <= (size_t{1} << 8)) return 1;
  if (cases <= (size_t{1} << 16)) return 2;
  return 4;
}

inline uint32_t flags_bytes(size_t labels) {
  if (labels <= 8) return 1;
  if (labels <= 16) return 2;
  return 4;
}

inline uint64_t flags_mask(size_t labels) {
  return labels >= 64 ? ~uint64_t{0} : (uint64_t{1} << labels) - 1;
}

inline ValType join(ValType a, ValType b) {
  if (a == b) return a;
  if ((a == ValType::I32 && b == ValType::F32) || (a == ValType::F32 && b == ValType::I32)) {
    return ValType::I32;
  }
  return ValType::I64;
}

inline uint64_t load_le(const MemoryView& m, uint64_t ptr, uint32_t bytes) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < bytes; ++i) v |= uint64_t{m.data[ptr + i]} << (8 * i);
  return v;
}

inline void store_le(MemoryView& m, uint64_t ptr, uint32_t bytes, uint64_t v) {
  for (uint32_t i = 0; i < bytes; ++i) m.data[ptr + i] = static_cast<uint8_t>(v >> (8 * i));
}

inline bool in_bounds(const MemoryView& m, uint64_t ptr, uint64_t length) {
  return ptr <= m.size && length <= m.size - ptr;
}

inline uint32_t ptr_size(const MemoryView& m) { return m.memory64 ? 8 : 4; }

inline uint32_t int_bytes(TypeKind kind) {
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

inline Value make_case(TypeKind kind, uint64_t index, std::optional<Value> payload) {
  Value v;
  v.kind = kind;
  v.bits = index;
  if (payload) v.items.push_back(std::move(*payload));
  return v;
}

// The checks of an allocation the guest's realloc returned, worded as
// Wasmtime's host-side lowering does (what .wast scripts expect).
inline Expected<void> check_realloc_result(const MemoryView& memory, uint64_t ptr, uint64_t align,
                                           uint64_t size) {
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

}  // namespace fact::values::reference_detail

namespace fact::values {

// Reads flat values of the wanted types; a CoerceReader on top implements the
// spec's CoerceValueIter for variant payloads.
class Reference::FlatReader {
 public:
  virtual ~FlatReader() = default;
  virtual Val next(ValType want) = 0;
};

namespace reference_detail {

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

}  // namespace reference_detail
}  // namespace fact::values
