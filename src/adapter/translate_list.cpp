// list<T> and map<K, V> (a map is a list of key-value entries): the spec's
// load_list_from_range followed by store_list_into_range. The length is
// checked against the specification's limit, the source range against the
// source memory, the destination is allocated with the callee's realloc,
// then the elements move one by one, or all at once with memory.copy when
// their bytes are the same on both sides.
#include <cassert>

#include "compiler.h"

namespace fact::adapter {
namespace {

constexpr uint64_t kMaxListByteLength = (uint64_t{1} << 28) - 1;

// One member of a list element: the element itself, or the key or value of
// a map entry.
struct ElementPart {
  TypeId type;
  uint32_t offset;
};

struct ElementLayout {
  uint32_t size;
  uint32_t align;
  std::vector<ElementPart> parts;
};

ElementLayout element_layout(const TypeStore& store, TypeId list, bool memory64) {
  const TypeNode& n = store.get(list);
  if (n.kind == TypeKind::Map) {
    const AbiLayout entry = map_entry_layout(store, list, memory64);
    const std::vector<uint32_t> offsets = member_offsets(store, list, memory64);
    return {entry.size, entry.align, {{n.key, offsets[0]}, {n.value, offsets[1]}}};
  }
  const AbiLayout& e = store.get(*n.element).abi(memory64);
  return {e.size, e.align, {{*n.element, 0}}};
}

}  // namespace

void Compiler::load_pointer_pair(const Source& src, uint32_t ptr, uint32_t len) {
  const ValType p = src.options().ptr();
  if (!src.in_memory()) {
    ins_.local_get(src.slots()[0].local);
    slot_to_natural(src.slots()[0].type, p);
    ins_.local_set(ptr);
    ins_.local_get(src.slots()[1].local);
    slot_to_natural(src.slots()[1].type, p);
    ins_.local_set(len);
    return;
  }
  const uint32_t width = p == ValType::I64 ? 8 : 4;
  for (uint32_t i = 0; i < 2; ++i) {
    ins_.local_get(src.place().addr);
    ins_.mem(p == ValType::I64 ? MemOp::I64Load : MemOp::I32Load,
             memarg(src.options(), src.place().offset + i * width, width));
    ins_.local_set(i == 0 ? ptr : len);
  }
}

void Compiler::store_pointer_pair(const Destination& dst, uint32_t ptr, uint32_t len) {
  const ValType p = dst.options().ptr();
  if (!dst.in_memory()) {
    ins_.local_get(ptr);
    natural_to_slot(p, dst.slots()[0]);
    ins_.local_get(len);
    natural_to_slot(p, dst.slots()[1]);
    return;
  }
  const uint32_t width = p == ValType::I64 ? 8 : 4;
  for (uint32_t i = 0; i < 2; ++i) {
    ins_.local_get(dst.place().addr);
    ins_.local_get(i == 0 ? ptr : len);
    ins_.mem(p == ValType::I64 ? MemOp::I64Store : MemOp::I32Store,
             memarg(dst.options(), dst.place().offset + i * width, width));
  }
}

// Integers and floats, and records, tuples and fixed-length lists made only
// of them, have the same bytes on both sides (their layout does not depend
// on the pointer width) and need no validation, so a list of them is copied
// with one memory.copy. Floats keep their NaN bits, which the specification
// allows.
bool Compiler::copyable_as_bytes(TypeId type) const {
  const TypeNode& n = node(type);
  if (is_number(n.kind)) return true;
  switch (n.kind) {
    case TypeKind::Record:
      for (const Field& f : n.fields) {
        if (!copyable_as_bytes(f.type)) return false;
      }
      return true;
    case TypeKind::Tuple:
      for (TypeId e : n.elements) {
        if (!copyable_as_bytes(e)) return false;
      }
      return true;
    case TypeKind::FixedList: return copyable_as_bytes(*n.element);
    default: return false;
  }
}

void Compiler::translate_list(TypeId src_type, const Source& src, TypeId dst_type,
                              const Destination& dst) {
  const SideOptions& so = src.options();
  const SideOptions& dopt = dst.options();
  const ValType sp = so.ptr();
  const ValType dp = dopt.ptr();
  const ElementLayout src_elem = element_layout(types_, src_type, so.memory64);
  const ElementLayout dst_elem = element_layout(types_, dst_type, dopt.memory64);
  // check_value_type rejects empty records and tuples, so no element is
  // zero-sized.
  assert(src_elem.size > 0 && dst_elem.size > 0);

  TempLocal src_ptr = temp(sp);
  TempLocal len = temp(sp);
  load_pointer_pair(src, src_ptr.index(), len.index());

  // The specification's list length limit, checked without overflow.
  ins_.local_get(len.index());
  push_as(Operand::of(kMaxListByteLength / src_elem.size), sp);
  op_gt_u(sp);
  trap_if(TrapCode::ListOutOfBounds);

  TempLocal src_bytes = scaled(len.index(), sp, src_elem.size);
  validate_pointer(so, src_ptr.index(), Operand::in(src_bytes), src_elem.align,
                   TrapCode::ListOutOfBounds);

  // Below 2^28 elements the destination byte length cannot overflow either.
  TempLocal dst_len = converted(len.index(), sp, dp);
  TempLocal dst_bytes = scaled(dst_len.index(), dp, dst_elem.size);
  TempLocal dst_ptr =
      malloc(dopt, Operand::in(dst_bytes), dst_elem.align, TrapCode::ListOutOfBounds);

  bool copy_bytes = true;
  for (const ElementPart& part : src_elem.parts) copy_bytes &= copyable_as_bytes(part.type);
  if (copy_bytes) {
    assert(src_elem.size == dst_elem.size);
    // memory.copy takes each address in its memory's index type and the
    // length as i64 only when both memories are 64-bit.
    const ValType length_type =
        sp == ValType::I64 && dp == ValType::I64 ? ValType::I64 : ValType::I32;
    ins_.local_get(dst_ptr.index());
    ins_.local_get(src_ptr.index());
    push_as(Operand::in(src_bytes), length_type);
    ins_.memory_copy(*dopt.memory, *so.memory);
  } else {
    TempLocal src_cursor = temp(sp);
    TempLocal dst_cursor = temp(dp);
    TempLocal remaining = temp(sp);
    ins_.local_get(len.index());
    sp == ValType::I64 ? ins_.i64_eqz() : ins_.i32_eqz();
    ins_.i32_eqz();
    ins_.if_(BlockType::empty());
    ins_.local_get(src_ptr.index());
    ins_.local_set(src_cursor.index());
    ins_.local_get(dst_ptr.index());
    ins_.local_set(dst_cursor.index());
    ins_.local_get(len.index());
    ins_.local_set(remaining.index());
    ins_.loop(BlockType::empty());
    for (size_t i = 0; i < src_elem.parts.size(); ++i) {
      translate(src_elem.parts[i].type,
                Source::memory(so, src_cursor.index(), src_elem.parts[i].offset),
                dst_elem.parts[i].type,
                Destination::memory(dopt, dst_cursor.index(), dst_elem.parts[i].offset));
    }
    ins_.local_get(src_cursor.index());
    push_as(Operand::of(src_elem.size), sp);
    ptr_add(so);
    ins_.local_set(src_cursor.index());
    ins_.local_get(dst_cursor.index());
    push_as(Operand::of(dst_elem.size), dp);
    ptr_add(dopt);
    ins_.local_set(dst_cursor.index());
    ins_.local_get(remaining.index());
    push_as(Operand::of(1), sp);
    op_sub(sp);
    ins_.local_tee(remaining.index());
    if (sp == ValType::I64) {
      ins_.i64_eqz();
      ins_.i32_eqz();
    }
    ins_.br_if(0);
    ins_.end();
    ins_.end();
  }

  store_pointer_pair(dst, dst_ptr.index(), dst_len.index());
}

}  // namespace fact::adapter
