// Where a value being translated is: flat values on the wasm side of the
// call (in locals when read, pushed on the operand stack when written), or a
// place in one side's linear memory. A location slices itself into the
// locations of a record's members or of a variant's payload, so the
// translation of each type family only says what to do with each part.
#pragma once

#include <cassert>
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "fact/abi.h"
#include "module_builder.h"

namespace fact::adapter {

// A flat value read from a local. The local's type may be wider than the
// value's own flat type when it is a joined variant slot (the Canonical
// ABI's join in flatten_variant).
struct Slot {
  uint32_t local;
  ValType type;
};

// A value in linear memory: at the address held in local `addr`, plus a
// static offset.
struct MemoryPlace {
  uint32_t addr = 0;
  uint64_t offset = 0;
};

// A location on one side of the adapter, read from (Source, whose flat
// values are Slots) or written to (Destination, whose flat values are
// pushed with the given slot types). Stack locations view slots that their
// creator keeps alive.
template <class FlatSlot>
class ValueLocation {
 public:
  static ValueLocation stack(const SideOptions& options, std::span<const FlatSlot> slots) {
    return ValueLocation(options, slots);
  }
  static ValueLocation memory(const SideOptions& options, uint32_t addr, uint64_t offset = 0) {
    return ValueLocation(options, MemoryPlace{addr, offset});
  }

  const SideOptions& options() const { return *options_; }
  Location kind() const {
    return std::holds_alternative<MemoryPlace>(where_) ? Location::Memory : Location::Stack;
  }
  bool in_memory() const { return kind() == Location::Memory; }

  std::span<const FlatSlot> slots() const { return std::get<std::span<const FlatSlot>>(where_); }
  const MemoryPlace& place() const { return std::get<MemoryPlace>(where_); }

  // `bytes` further into memory.
  ValueLocation at_offset(uint64_t bytes) const {
    const MemoryPlace& p = place();
    return memory(*options_, p.addr, p.offset + bytes);
  }

  // The members of a record, tuple, fixed-length list or map entry
  // (member_types), in order.
  std::vector<ValueLocation> members(const TypeStore& types, TypeId type) const {
    std::vector<TypeId> member_list = member_types(types, type);
    std::vector<ValueLocation> out;
    out.reserve(member_list.size());
    if (in_memory()) {
      for (uint32_t offset : member_offsets(types, type, options_->memory64)) {
        out.push_back(at_offset(offset));
      }
      return out;
    }
    size_t at = 0;
    for (TypeId member : member_list) {
      const size_t count = flat_count(types, member);
      out.push_back(stack(*options_, slots().subspan(at, count)));
      at += count;
    }
    return out;
  }

  // The payload `payload` of a case of the variant-family type `variant`:
  // after the discriminant, in memory at the variant's payload offset, on
  // the stack in the slots after the discriminant's (flatten_variant).
  ValueLocation payload(const TypeStore& types, TypeId variant, TypeId payload) const {
    if (in_memory()) {
      return at_offset(variant_layout(types, variant, options_->memory64).payload_offset);
    }
    return stack(*options_, slots().subspan(1, flat_count(types, payload)));
  }

 private:
  ValueLocation(const SideOptions& options,
                std::variant<std::span<const FlatSlot>, MemoryPlace> where)
      : options_(&options), where_(where) {}

  size_t flat_count(const TypeStore& types, TypeId type) const {
    const auto& flat = types.get(type).abi(options_->memory64).flat;
    assert(flat && "a value on the stack has flat members");
    return flat->size();
  }

  const SideOptions* options_;
  std::variant<std::span<const FlatSlot>, MemoryPlace> where_;
};

using Source = ValueLocation<Slot>;
using Destination = ValueLocation<ValType>;

}  // namespace fact::adapter
