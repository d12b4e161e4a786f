// Canonical ABI layout and flattening (CanonicalABI.md: alignment,
// elem_size, flatten_type, flatten_functype), for 32- and 64-bit memories.
#pragma once

#include <cstdint>
#include <optional>
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

// Byte offset of each member of a record, tuple or fixed-length list, and of
// the key and value of a map entry (the tuple <K, V>), in declaration order.
std::vector<uint32_t> member_offsets(const TypeStore& store, TypeId id, bool memory64);

// The member types of a record, tuple or fixed-length list, in order.
std::vector<TypeId> member_types(const TypeStore& store, TypeId id);

// The size and alignment of one entry of a map<K, V> (a tuple<K, V>).
AbiLayout map_entry_layout(const TypeStore& store, TypeId map, bool memory64);

// Concatenated flat types of `types`, or nullopt when there are more than
// `max` of them.
std::optional<std::vector<CoreType>> flatten_types(const TypeStore& store,
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
  std::vector<CoreType> params;
  std::vector<CoreType> results;
  // True when the parameters travel through memory as a single pointer.
  bool params_indirect = false;
  // True when the results travel through memory: a returned pointer (lift)
  // or an extra trailing pointer parameter (lower).
  bool results_indirect = false;
  friend bool operator==(const CoreSignature&, const CoreSignature&) = default;
};

// The spec's flatten_functype.
CoreSignature flatten_functype(const TypeStore& store, FuncTypeId func,
                               const SignatureOptions& options, SignatureContext context);

struct OptionRequirements {
  bool memory = false;
  bool realloc = false;
};

struct CanonRequirements {
  OptionRequirements lift;   // canon lift of the function
  OptionRequirements lower;  // canon lower of the function
};

// The `memory` and `realloc` options that `canon lift` and `canon lower` of
// `func` must have (CanonicalABI.md, canonopt validation): lowering a value
// that contains a string or list needs `memory`, lifting one needs
// `realloc` (and so `memory`), and parameters or results that do not fit in
// flat values need them too.
CanonRequirements canon_requirements(const TypeStore& store, FuncTypeId func,
                                     const SignatureOptions& lift, const SignatureOptions& lower);

// The Canonical ABI's join of two flat types occupying the same slot.
CoreType join(CoreType a, CoreType b);

}  // namespace fact
