// The dispatch on type families, and outlining: a function that has spent
// its fuel calls a helper function for the rest of a value, so that deeply
// nested or very wide types compile to many small functions instead of one
// huge one, and equal translations share their helper.
#include <algorithm>
#include <cassert>

#include "compiler.h"

namespace fact::adapter {
namespace {

// What translating one layer of a type costs: roughly the code it emits
// before reaching the types it contains.
uint32_t layer_cost(const TypeNode& node) {
  switch (node.kind) {
    case TypeKind::Char:
    case TypeKind::Own:
    case TypeKind::Borrow:
    case TypeKind::Future:
    case TypeKind::Stream:
    case TypeKind::ErrorContext: return 1;
    case TypeKind::String:
    case TypeKind::List:
    case TypeKind::Map: return 40;
    case TypeKind::Flags: return node.labels.empty() ? 0 : 1;
    case TypeKind::Record: return static_cast<uint32_t>(node.fields.size());
    case TypeKind::Tuple: return static_cast<uint32_t>(node.elements.size());
    case TypeKind::Variant:
    case TypeKind::Enum: return static_cast<uint32_t>(node.cases.size());
    case TypeKind::Option:
    case TypeKind::Result: return 2;
    case TypeKind::FixedList: return node.length;
    default: return 0;
  }
}

}  // namespace

void Compiler::translate(TypeId src_type, const Source& src, TypeId dst_type,
                         const Destination& dst) {
  const uint32_t cost = layer_cost(node(src_type));
  if (cost > fuel_) {
    outline(src_type, src, dst_type, dst);
    return;
  }
  fuel_ -= cost;
  translate_layer(src_type, src, dst_type, dst);
}

void Compiler::translate_layer(TypeId src_type, const Source& src, TypeId dst_type,
                               const Destination& dst) {
  if (src.in_memory())
    assert_aligned(src.options(), src.place(), abi(src_type, src.options()).align);
  if (dst.in_memory())
    assert_aligned(dst.options(), dst.place(), abi(dst_type, dst.options()).align);
  const TypeNode& n = node(src_type);
  switch (n.kind) {
    case TypeKind::Bool: translate_bool(src, dst); break;
    case TypeKind::U8: translate_small_int(src, dst, 1, false); break;
    case TypeKind::S8: translate_small_int(src, dst, 1, true); break;
    case TypeKind::U16: translate_small_int(src, dst, 2, false); break;
    case TypeKind::S16: translate_small_int(src, dst, 2, true); break;
    case TypeKind::U32:
    case TypeKind::S32: translate_plain(src, dst, ValType::I32); break;
    case TypeKind::U64:
    case TypeKind::S64: translate_plain(src, dst, ValType::I64); break;
    case TypeKind::F32: translate_plain(src, dst, ValType::F32); break;
    case TypeKind::F64: translate_plain(src, dst, ValType::F64); break;
    case TypeKind::Char: translate_char(src, dst); break;
    case TypeKind::Flags: translate_flags(n, src, dst); break;
    case TypeKind::Record:
    case TypeKind::Tuple: translate_members(src_type, src, dst_type, dst); break;
    case TypeKind::FixedList:
      if (src.in_memory() && dst.in_memory() && n.length > 1) {
        translate_fixed_list_loop(src_type, src, dst_type, dst);
      } else {
        translate_members(src_type, src, dst_type, dst);
      }
      break;
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: translate_variant(src_type, src, dst_type, dst); break;
    case TypeKind::String: translate_string(src, dst); break;
    case TypeKind::Own:
    case TypeKind::Borrow:
    case TypeKind::Future:
    case TypeKind::Stream:
    case TypeKind::ErrorContext: translate_handle(n, node(dst_type), src, dst); break;
    case TypeKind::List:
    case TypeKind::Map: translate_list(src_type, src, dst_type, dst); break;
  }
}

// An outlined function takes the source's flat values (natural types) or
// its address, then the destination's address when it is memory, and
// returns the destination's flat values when they go on the stack.
wasm::FuncType Compiler::outlined_type(const OutlineKey& key) const {
  const SideOptions& src = module_.options_at(key.src_options);
  const SideOptions& dst = module_.options_at(key.dst_options);
  wasm::FuncType type;
  if (key.src_location == Location::Stack) {
    type.params = natural_flat(key.src_type, src);
  } else {
    type.params.push_back(src.ptr());
  }
  if (key.dst_location == Location::Memory) {
    type.params.push_back(dst.ptr());
  } else {
    type.results = natural_flat(key.dst_type, dst);
  }
  return type;
}

void Compiler::outline(TypeId src_type, const Source& src, TypeId dst_type,
                       const Destination& dst) {
  const OutlineKey key{src_type, src.options().id, src.kind(),
                       dst_type, dst.options().id, dst.kind()};
  const FunctionId target = module_.outlined(key, outlined_type(key));
  if (src.in_memory()) {
    ins_.local_get(src.place().addr);
    if (src.place().offset != 0) {
      ptr_const(src.options(), src.place().offset);
      ptr_add(src.options());
    }
  } else {
    const std::vector<ValType> natural = natural_flat(src_type, src.options());
    for (size_t i = 0; i < natural.size(); ++i) {
      ins_.local_get(src.slots()[i].local);
      slot_to_natural(src.slots()[i].type, natural[i]);
    }
  }
  if (dst.in_memory()) {
    ins_.local_get(dst.place().addr);
    if (dst.place().offset != 0) {
      ptr_const(dst.options(), dst.place().offset);
      ptr_add(dst.options());
    }
  }
  call_defined(target);
  if (dst.in_memory()) return;
  // The results come back in their natural types; the destination's slots
  // may be wider (joined variant slots).
  const std::vector<ValType> natural = natural_flat(dst_type, dst.options());
  if (std::equal(natural.begin(), natural.end(), dst.slots().begin(), dst.slots().end())) return;
  std::vector<TempLocal> results;
  results.reserve(natural.size());
  for (ValType t : natural) results.push_back(temp(t));
  for (size_t i = natural.size(); i-- > 0;) ins_.local_set(results[i].index());
  for (size_t i = 0; i < natural.size(); ++i) {
    ins_.local_get(results[i].index());
    natural_to_slot(natural[i], dst.slots()[i]);
  }
}

void Compiler::compile_outlined(const OutlineRequest& request) {
  const OutlineKey& k = request.key;
  const SideOptions& src_options = module_.options_at(k.src_options);
  const SideOptions& dst_options = module_.options_at(k.dst_options);
  uint32_t next_param = 0;
  std::vector<Slot> src_slots;
  std::optional<Source> src;
  if (k.src_location == Location::Stack) {
    for (ValType t : natural_flat(k.src_type, src_options)) src_slots.push_back({next_param++, t});
    src = Source::stack(src_options, src_slots);
  } else {
    src = Source::memory(src_options, next_param++);
  }
  std::vector<ValType> dst_slots;
  if (k.dst_location == Location::Stack) dst_slots = natural_flat(k.dst_type, dst_options);
  const Destination dst = k.dst_location == Location::Stack
                              ? Destination::stack(dst_options, dst_slots)
                              : Destination::memory(dst_options, next_param++);
  // The layer that did not fit where it was requested is paid for from a
  // fresh budget here; it is never outlined again, so the chain ends.
  const uint32_t cost = layer_cost(node(k.src_type));
  fuel_ = cost > kInitialFuel ? 0 : kInitialFuel - cost;
  translate_layer(k.src_type, *src, k.dst_type, dst);
}

}  // namespace fact::adapter
