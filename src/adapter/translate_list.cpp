// list<T> and map<K, V> (fact-reference §G1, §G2, Decision 2 item 2,
// Decision 4a).
#include "adapter/compiler.h"

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
    AbiLayout entry = map_entry_layout(store, list, memory64);
    std::vector<uint32_t> offsets = member_offsets(store, list, memory64);
    return {entry.size, entry.align, {{n.key, offsets[0]}, {n.value, offsets[1]}}};
  }
  const AbiLayout& e = store.get(*n.element).abi(memory64);
  return {e.size, e.align, {{*n.element, 0}}};
}

}  // namespace

void Compiler::load_pointer_pair(const Source& src, uint32_t ptr, uint32_t len) {
  ValType p = opts(src.options).ptr();
  if (src.location == Location::Stack) {
    ins_.local_get(src.slots[0].local);
    slot_to_natural(src.slots[0].type, p);
    ins_.local_set(ptr);
    ins_.local_get(src.slots[1].local);
    slot_to_natural(src.slots[1].type, p);
    ins_.local_set(len);
    return;
  }
  uint32_t width = p == ValType::I64 ? 8 : 4;
  for (uint32_t i = 0; i < 2; ++i) {
    ins_.local_get(src.addr);
    MemArg m = memarg(src.options, src.offset + i * width, width);
    p == ValType::I64 ? ins_.i64_load(m) : ins_.i32_load(m);
    ins_.local_set(i == 0 ? ptr : len);
  }
}

void Compiler::store_pointer_pair(const Destination& dst, uint32_t ptr, uint32_t len) {
  ValType p = opts(dst.options).ptr();
  if (dst.location == Location::Stack) {
    ins_.local_get(ptr);
    natural_to_slot(p, dst.slots[0]);
    ins_.local_get(len);
    natural_to_slot(p, dst.slots[1]);
    return;
  }
  uint32_t width = p == ValType::I64 ? 8 : 4;
  for (uint32_t i = 0; i < 2; ++i) {
    ins_.local_get(dst.addr);
    ins_.local_get(i == 0 ? ptr : len);
    MemArg m = memarg(dst.options, dst.offset + i * width, width);
    p == ValType::I64 ? ins_.i64_store(m) : ins_.i32_store(m);
  }
}

// Integers and floats, and records, tuples and fixed-length lists made only
// of them, have the same bytes on both sides (their layout does not depend
// on the pointer width) and need no validation: a list of them is copied
// with one memory.copy (Decision 4a). Floats keep their NaN bits, which the
// specification allows.
bool Compiler::copyable_as_bytes(TypeId type) const {
  const TypeNode& n = node(type);
  switch (n.kind) {
    case TypeKind::U8:
    case TypeKind::S8:
    case TypeKind::U16:
    case TypeKind::S16:
    case TypeKind::U32:
    case TypeKind::S32:
    case TypeKind::U64:
    case TypeKind::S64:
    case TypeKind::F32:
    case TypeKind::F64:
      return true;
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
    case TypeKind::FixedList:
      return copyable_as_bytes(*n.element);
    default:
      return false;
  }
}

// The spec's load_list_from_range followed by store_list_into_range.
void Compiler::translate_list(TypeId src_type, const Source& src, TypeId dst_type,
                              const Destination& dst) {
  const SideOptions& so = opts(src.options);
  const SideOptions& dopt = opts(dst.options);
  ValType sp = so.ptr();
  ValType dp = dopt.ptr();
  ElementLayout src_elem = element_layout(types_, src_type, so.memory64);
  ElementLayout dst_elem = element_layout(types_, dst_type, dopt.memory64);
  // check_value_type rejects empty records and tuples, so no element is
  // zero-sized.
  assert(src_elem.size > 0 && dst_elem.size > 0);

  uint32_t src_ptr = new_local(sp);
  uint32_t len = new_local(sp);
  load_pointer_pair(src, src_ptr, len);

  // The specification's list length limit, checked without overflow.
  ins_.local_get(len);
  push_as(Operand::of(kMaxListByteLength / src_elem.size), sp);
  op_gt_u(sp);
  trap_if(TrapCode::ListOutOfBounds);

  uint32_t src_bytes = scaled(len, sp, src_elem.size);
  validate_pointer(src.options, src_ptr, Operand::in(src_bytes, sp), src_elem.align,
                   TrapCode::ListOutOfBounds);

  // Below 2^28 elements the destination byte length cannot overflow either.
  uint32_t dst_len = converted(len, sp, dp);
  uint32_t dst_bytes = scaled(dst_len, dp, dst_elem.size);
  uint32_t dst_ptr = malloc(dst.options, Operand::in(dst_bytes, dp), dst_elem.align,
                            TrapCode::ListOutOfBounds);

  bool copy_bytes = true;
  for (const ElementPart& part : src_elem.parts) copy_bytes &= copyable_as_bytes(part.type);
  if (copy_bytes) {
    assert(src_elem.size == dst_elem.size);
    // memory.copy takes each address in its memory's index type and the
    // length as i64 only when both memories are 64-bit.
    ValType length_type = sp == ValType::I64 && dp == ValType::I64 ? ValType::I64 : ValType::I32;
    ins_.local_get(dst_ptr);
    ins_.local_get(src_ptr);
    push_as(Operand::in(src_bytes, sp), length_type);
    ins_.memory_copy(*dopt.memory, *so.memory);
  } else {
    uint32_t src_cursor = new_local(sp);
    uint32_t dst_cursor = new_local(dp);
    uint32_t remaining = new_local(sp);
    ins_.local_get(len);
    sp == ValType::I64 ? ins_.i64_eqz() : ins_.i32_eqz();
    ins_.i32_eqz();
    ins_.if_(BlockType::empty());
    ins_.local_get(src_ptr);
    ins_.local_set(src_cursor);
    ins_.local_get(dst_ptr);
    ins_.local_set(dst_cursor);
    ins_.local_get(len);
    ins_.local_set(remaining);
    ins_.loop(BlockType::empty());
    for (size_t i = 0; i < src_elem.parts.size(); ++i) {
      Source s;
      s.location = Location::Memory;
      s.options = src.options;
      s.addr = src_cursor;
      s.offset = src_elem.parts[i].offset;
      Destination d;
      d.location = Location::Memory;
      d.options = dst.options;
      d.addr = dst_cursor;
      d.offset = dst_elem.parts[i].offset;
      translate(src_elem.parts[i].type, s, dst_elem.parts[i].type, d);
    }
    ins_.local_get(src_cursor);
    push_as(Operand::of(src_elem.size), sp);
    ptr_add(src.options);
    ins_.local_set(src_cursor);
    ins_.local_get(dst_cursor);
    push_as(Operand::of(dst_elem.size), dp);
    ptr_add(dst.options);
    ins_.local_set(dst_cursor);
    ins_.local_get(remaining);
    push_as(Operand::of(1), sp);
    op_sub(sp);
    ins_.local_tee(remaining);
    if (sp == ValType::I64) {
      ins_.i64_eqz();
      ins_.i32_eqz();
    }
    ins_.br_if(0);
    ins_.end();
    ins_.end();
    free_local(src_cursor);
    free_local(dst_cursor);
    free_local(remaining);
  }

  store_pointer_pair(dst, dst_ptr, dst_len);
  for (uint32_t l : {src_ptr, len, src_bytes, dst_len, dst_bytes, dst_ptr}) free_local(l);
}

}  // namespace fact::adapter
