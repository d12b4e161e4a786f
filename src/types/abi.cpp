#include "fact/abi.h"

#include <algorithm>
#include <cassert>
#include <limits>

namespace fact {

namespace {

// Offsets and sizes are computed in 64 bits and saturated here so that
// absurd fixed-list lengths cannot overflow; check_value_type rejects any
// type this large.
constexpr uint64_t kOffsetLimit = std::numeric_limits<uint32_t>::max() & ~uint64_t{7};

uint64_t align_up(uint64_t offset, uint64_t align) { return (offset + align - 1) / align * align; }

uint32_t saturate(uint64_t value) { return static_cast<uint32_t>(std::min(value, kOffsetLimit)); }

[[maybe_unused]] bool is_variant_family(TypeKind kind) {
  return kind == TypeKind::Variant || kind == TypeKind::Enum || kind == TypeKind::Option ||
         kind == TypeKind::Result;
}

std::vector<const AbiLayout*> layouts_of(const TypeStore& store, std::span<const TypeId> types,
                                         bool memory64) {
  std::vector<const AbiLayout*> out;
  out.reserve(types.size());
  for (TypeId t : types) out.push_back(&store.get(t).abi(memory64));
  return out;
}

}  // namespace

SequenceLayout sequence_layout(std::span<const AbiLayout* const> members) {
  SequenceLayout out;
  out.offsets.reserve(members.size());
  uint64_t offset = 0;
  for (const AbiLayout* member : members) {
    offset = align_up(offset, member->align);
    out.offsets.push_back(saturate(offset));
    offset += member->size;
    out.align = std::max(out.align, member->align);
  }
  out.size = saturate(align_up(offset, out.align));
  return out;
}

SequenceLayout sequence_layout(const TypeStore& store, std::span<const TypeId> members,
                               bool memory64) {
  return sequence_layout(layouts_of(store, members, memory64));
}

VariantLayout variant_layout(std::span<const AbiLayout* const> payloads, size_t case_count) {
  VariantLayout out;
  out.discriminant_size = discriminant_size(case_count);
  uint32_t case_align = 1;
  uint32_t case_size = 0;
  for (const AbiLayout* payload : payloads) {
    case_align = std::max(case_align, payload->align);
    case_size = std::max(case_size, payload->size);
  }
  out.align = std::max(out.discriminant_size, case_align);
  const uint64_t payload_offset = align_up(out.discriminant_size, case_align);
  out.payload_offset = saturate(payload_offset);
  out.size = saturate(align_up(payload_offset + case_size, out.align));
  return out;
}

uint32_t discriminant_size(size_t case_count) {
  if (case_count <= (size_t{1} << 8)) return 1;
  if (case_count <= (size_t{1} << 16)) return 2;
  return 4;
}

uint32_t flags_size(size_t label_count) {
  if (label_count == 0) return 0;
  if (label_count <= 8) return 1;
  if (label_count <= 16) return 2;
  // Beyond 32 labels (rejected by check_value_type) Wasmtime's layout of one
  // i32 word per 32 labels keeps the answer well defined.
  return saturate(uint64_t{4} * ((uint64_t{label_count} + 31) / 32));
}

VariantLayout variant_layout(const TypeStore& store, TypeId id, bool memory64) {
  const TypeNode& node = store.get(id);
  assert(is_variant_family(node.kind) && "variant_layout of a type outside the variant family");
  std::vector<const AbiLayout*> payloads;
  for (const Case& c : node.cases) {
    if (c.type) payloads.push_back(&store.get(*c.type).abi(memory64));
  }
  return variant_layout(payloads, node.cases.size());
}

std::vector<TypeId> member_types(const TypeStore& store, TypeId id) {
  const TypeNode& node = store.get(id);
  switch (node.kind) {
    case TypeKind::Record: {
      std::vector<TypeId> out;
      out.reserve(node.fields.size());
      for (const Field& f : node.fields) out.push_back(f.type);
      return out;
    }
    case TypeKind::Tuple: return node.elements;
    case TypeKind::FixedList: return std::vector<TypeId>(node.length, *node.element);
    case TypeKind::Map: return {node.key, node.value};
    default: assert(false && "member_types of a type without members"); return {};
  }
}

std::vector<uint32_t> member_offsets(const TypeStore& store, TypeId id, bool memory64) {
  const TypeNode& node = store.get(id);
  if (node.kind == TypeKind::FixedList) {
    // Every element has the same size, which is already a multiple of its
    // alignment, so no padding is needed between elements.
    const uint64_t stride = store.get(*node.element).abi(memory64).size;
    std::vector<uint32_t> offsets(node.length);
    for (uint32_t i = 0; i < node.length; ++i) offsets[i] = saturate(stride * i);
    return offsets;
  }
  return sequence_layout(store, member_types(store, id), memory64).offsets;
}

AbiLayout map_entry_layout(const TypeStore& store, TypeId map, bool memory64) {
  const TypeNode& node = store.get(map);
  assert(node.kind == TypeKind::Map && "map_entry_layout of a type that is not a map");
  const AbiLayout& key = store.get(node.key).abi(memory64);
  const AbiLayout& value = store.get(node.value).abi(memory64);
  const SequenceLayout entry = sequence_layout(std::vector{&key, &value});
  AbiLayout out;
  out.align = entry.align;
  out.size = entry.size;
  if (key.flat && value.flat && key.flat->size() + value.flat->size() <= kMaxFlatParams) {
    out.flat = *key.flat;
    out.flat->insert(out.flat->end(), value.flat->begin(), value.flat->end());
  }
  return out;
}

std::optional<std::vector<wasm::ValType>> flatten_types(const TypeStore& store,
                                                        const std::vector<TypeId>& types,
                                                        bool memory64, uint32_t max) {
  // A type whose own flat list exceeds kMaxFlatParams is only known to be
  // "too long", which decides the answer only for limits up to that.
  assert(max <= kMaxFlatParams);
  std::vector<wasm::ValType> out;
  for (TypeId t : types) {
    const auto& flat = store.get(t).abi(memory64).flat;
    if (!flat || out.size() + flat->size() > max) return std::nullopt;
    out.insert(out.end(), flat->begin(), flat->end());
  }
  return out;
}

CoreSignature flatten_functype(const TypeStore& store, FuncTypeId func,
                               const SignatureOptions& options, SignatureContext context) {
  const FuncType& type = store.get(func);
  const wasm::ValType ptr = options.memory64 ? wasm::ValType::I64 : wasm::ValType::I32;
  std::vector<TypeId> param_types;
  param_types.reserve(type.params.size());
  for (const Param& p : type.params) param_types.push_back(p.type);

  const uint32_t max_params =
      options.is_async && context == SignatureContext::Lower ? kMaxFlatAsyncParams : kMaxFlatParams;
  CoreSignature sig;
  if (auto flat = flatten_types(store, param_types, options.memory64, max_params)) {
    sig.params = std::move(*flat);
  } else {
    sig.params = {ptr};
    sig.params_indirect = true;
  }

  // The result's flat list, or nullopt when it is longer than kMaxFlatParams
  // (and so certainly longer than anything that travels flat).
  std::optional<std::vector<wasm::ValType>> flat_results{std::in_place};
  if (type.result) flat_results = store.get(*type.result).abi(options.memory64).flat;

  if (!options.is_async) {
    if (flat_results && flat_results->size() <= kMaxFlatResults) {
      sig.results = std::move(*flat_results);
    } else {
      sig.results_indirect = true;
      if (context == SignatureContext::Lift) {
        sig.results = {ptr};
      } else {
        sig.params.push_back(ptr);
      }
    }
    return sig;
  }
  if (context == SignatureContext::Lift) {
    // Async lifts deliver results through task.return, not the signature.
    if (options.callback) sig.results = {wasm::ValType::I32};
    return sig;
  }
  if (!flat_results || !flat_results->empty()) {
    sig.params.push_back(ptr);
    sig.results_indirect = true;
  }
  sig.results = {wasm::ValType::I32};
  return sig;
}

wasm::ValType join(wasm::ValType a, wasm::ValType b) {
  if (a == b) return a;
  if ((a == wasm::ValType::I32 && b == wasm::ValType::F32) ||
      (a == wasm::ValType::F32 && b == wasm::ValType::I32)) {
    return wasm::ValType::I32;
  }
  return wasm::ValType::I64;
}

}  // namespace fact
