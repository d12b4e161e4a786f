// Canonical ABI layout and flattening (CanonicalABI.md: alignment,
// elem_size, flatten_type, flatten_functype), for 32- and 64-bit memories.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "fact/types.h"

namespace fact {

inline constexpr uint32_t align_to(uint32_t offset, uint32_t align) {
  return (offset + align - 1) / align * align;
}

// Bytes of a variant discriminant for a variant with `case_count` cases:
// 1 up to 2^8 cases, 2 up to 2^16, otherwise 4.
uint32_t discriminant_size(size_t case_count);

// Bytes of a flags value with `label_count` labels (1 to 32): 1, 2 or 4.
uint32_t flags_size(size_t label_count);

struct VariantLayout {
  uint32_t discriminant_size = 1;
  uint32_t payload_offset = 0;
  uint32_t size = 0;
  uint32_t align = 1;
};

// Layout of a type of the variant family (variant, enum, option, result).
VariantLayout variant_layout(const TypeStore& store, TypeId id, bool memory64);
// The same from the layouts of the cases' payloads (cases without payload
// left out) and the number of cases.
VariantLayout variant_layout(std::span<const AbiLayout* const> payloads, size_t case_count);

// Values placed one after the other, each at the next multiple of its
// alignment (the Canonical ABI's record layout): record fields, tuple
// elements, a map entry's key and value, parameters passed in memory.
struct SequenceLayout {
  std::vector<uint32_t> offsets;
  uint32_t size = 0;
  uint32_t align = 1;
};
SequenceLayout sequence_layout(std::span<const AbiLayout* const> members);
SequenceLayout sequence_layout(const TypeStore& store, std::span<const TypeId> members,
                               bool memory64);

// Byte offset of each member of a record, tuple or fixed-length list, and of
// the key and value of a map entry (the tuple <K, V>), in declaration order.
std::vector<uint32_t> member_offsets(const TypeStore& store, TypeId id, bool memory64);

// The member types of a record, tuple or fixed-length list, in order.
std::vector<TypeId> member_types(const TypeStore& store, TypeId id);

// The size and alignment of one entry of a map<K, V> (a tuple<K, V>).
AbiLayout map_entry_layout(const TypeStore& store, TypeId map, bool memory64);

// Concatenated flat types of `types`, or nullopt when there are more than
// `max` of them.
std::optional<std::vector<wasm::ValType>> flatten_types(const TypeStore& store,
                                                        const std::vector<TypeId>& types,
                                                        bool memory64, uint32_t max);

// The canonical options that decide a core signature.
struct SignatureOptions {
  bool memory64 = false;
  bool is_async = false;
  bool callback = false;
};

enum class SignatureContext { Lift, Lower };

struct CoreSignature {
  std::vector<wasm::ValType> params;
  std::vector<wasm::ValType> results;
  // True when the parameters travel through memory as a single pointer.
  bool params_indirect = false;
  // True when the results travel through memory: a returned pointer (lift)
  // or an extra trailing pointer parameter (lower).
  bool results_indirect = false;
  friend bool operator==(const CoreSignature&, const CoreSignature&) = default;

  // The core function type: what a lifted core function has, or what a
  // lowering provides.
  wasm::FuncType func_type() const { return {params, results}; }
};

// The spec's flatten_functype.
CoreSignature flatten_functype(const TypeStore& store, FuncTypeId func,
                               const SignatureOptions& options, SignatureContext context);

// The Canonical ABI's join of two flat types occupying the same slot.
wasm::ValType join(wasm::ValType a, wasm::ValType b);

}  // namespace fact
