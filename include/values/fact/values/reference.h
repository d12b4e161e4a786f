// A Canonical ABI reference, written from CanonicalABI.md
// (alignment, elem_size, flatten_type, load/store, lift_flat/lower_flat,
// lift_flat_values/lower_flat_values) independently of the compiler, for
// 32-bit and 64-bit memories.
//
// Floats keep their bit patterns (no NaN canonicalisation or scrambling):
// fact passes them through bit-exactly, which the spec allows.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fact/adapter.h"
#include "fact/types.h"
#include "fact/values/utf8.h"
#include "fact/values/value.h"
#include "fact/wasm/types.h"

namespace fact::values {

using wasm::Val;
using wasm::ValType;

// A linear memory as one side of a call sees it.
struct MemoryView {
  uint8_t* data = nullptr;
  uint64_t size = 0;
  bool memory64 = false;
  StringEncoding encoding = StringEncoding::Utf8;
  // The side's realloc(0, 0, align, size), for strings and lists.
  std::function<Expected<uint64_t>(uint64_t align, uint64_t size)> allocate;
  // When set: how much loads may still read, counting one unit per list
  // element and per 64 bytes of string; a load past it fails (a host that
  // copies values through itself bounds its work and memory, whatever the
  // guest's lists alias).
  uint64_t* budget = nullptr;
};

// What a trap found by the reference looks like: the message starts with
// "trap N" so tests can match it against the adapter's trap.
Error reference_trap(TrapCode code, const std::string& detail);

class Reference {
 public:
  explicit Reference(const TypeStore& store);

  uint32_t alignment(TypeId type, bool memory64) const;
  uint32_t elem_size(TypeId type, bool memory64) const;
  // The flattening, without the kMaxFlatParams cut-off.
  std::vector<ValType> flatten(TypeId type, bool memory64) const;
  std::vector<ValType> flatten(const std::vector<TypeId>& types, bool memory64) const;
  // alignment/elem_size of tuple<types...>.
  uint32_t tuple_alignment(const std::vector<TypeId>& types, bool memory64) const;
  uint32_t tuple_size(const std::vector<TypeId>& types, bool memory64) const;

  // Flat values of `value` (lower_flat).
  Expected<std::vector<Val>> lower_flat(TypeId type, const Value& value, MemoryView& memory) const;
  // One value from the front of `flat` starting at `*index` (lift_flat).
  Expected<Value> lift_flat(TypeId type, const std::vector<Val>& flat, size_t* index,
                            const MemoryView& memory) const;
  Expected<void> store(TypeId type, const Value& value, MemoryView& memory, uint64_t ptr) const;
  Expected<Value> load(TypeId type, const MemoryView& memory, uint64_t ptr) const;

  // lift_flat_values: when the flattening of `types` has more than
  // `max_flat` values, `flat` is a single pointer to a tuple in memory.
  Expected<std::vector<Value>> lift_flat_values(const std::vector<TypeId>& types,
                                                const std::vector<Val>& flat, uint32_t max_flat,
                                                const MemoryView& memory) const;
  // lower_flat_values: when more than `max_flat` flat values, the tuple is
  // stored at `out_ptr` if given, else in memory allocated through
  // memory.allocate, whose pointer is returned as the single flat value.
  Expected<std::vector<Val>> lower_flat_values(
      const std::vector<TypeId>& types, const std::vector<Value>& values, uint32_t max_flat,
      MemoryView& memory, std::optional<uint64_t> out_ptr = std::nullopt) const;

  const TypeStore& types() const { return store_; }

  // The source of flat values while lifting (CoreValueIter).
  class FlatReader;

 private:
  struct Layout {
    uint32_t size = 0;
    uint32_t align = 1;
    std::vector<ValType> flat;
  };
  const Layout& layout(TypeId type, bool memory64) const;
  Layout compute(TypeId type, bool memory64) const;
  std::vector<TypeId> members(const TypeNode& node) const;

  Expected<Value> lift(TypeId type, FlatReader& reader, const MemoryView& memory) const;
  Expected<Value> load_string(const MemoryView& memory, uint64_t ptr, uint64_t tagged_units) const;
  // Element size and alignment of a list or map (whose entries are tuple<K, V>).
  std::pair<uint32_t, uint32_t> element_layout(const TypeNode& list, bool memory64) const;
  Expected<Value> load_list(const TypeNode& list, const MemoryView& memory, uint64_t ptr,
                            uint64_t length) const;
  Expected<std::pair<uint64_t, uint64_t>> store_string(const std::string& utf8,
                                                       MemoryView& memory) const;
  Expected<std::pair<uint64_t, uint64_t>> store_list(const TypeNode& list,
                                                     const std::vector<Value>& items,
                                                     MemoryView& memory) const;

  const TypeStore& store_;
  mutable std::vector<std::optional<Layout>> cache_[2];
};

}  // namespace fact::values
