// Integer operands of either width, and everything that touches a guest's
// memory before values move: bounds and alignment checks of pointers the
// guest handed over, and the calls of its realloc.
#include "compiler.h"

namespace fact::adapter {

void Compiler::push_as(const Operand& v, ValType as) {
  if (!v.is_local) {
    if (as == ValType::I64) {
      ins_.i64_const(static_cast<int64_t>(v.constant));
    } else {
      ins_.i32_const(static_cast<int32_t>(static_cast<uint32_t>(v.constant)));
    }
    return;
  }
  ins_.local_get(v.local);
  convert_int(v.type, as);
}

void Compiler::op_eq(ValType t) { t == ValType::I64 ? ins_.i64_eq() : ins_.i32_eq(); }
void Compiler::op_ne(ValType t) { t == ValType::I64 ? ins_.i64_ne() : ins_.i32_ne(); }
void Compiler::op_gt_u(ValType t) { t == ValType::I64 ? ins_.i64_gt_u() : ins_.i32_gt_u(); }
void Compiler::op_sub(ValType t) { t == ValType::I64 ? ins_.i64_sub() : ins_.i32_sub(); }
void Compiler::op_mul(ValType t) { t == ValType::I64 ? ins_.i64_mul() : ins_.i32_mul(); }
void Compiler::op_or(ValType t) { t == ValType::I64 ? ins_.i64_or() : ins_.i32_or(); }
void Compiler::op_xor(ValType t) { t == ValType::I64 ? ins_.i64_xor() : ins_.i32_xor(); }

void Compiler::op_test_bits(ValType t, uint64_t mask) {
  push_as(Operand::of(mask), t);
  if (t == ValType::I64) {
    ins_.i64_and();
    ins_.i64_eqz();
    ins_.i32_eqz();
  } else {
    ins_.i32_and();
  }
}

void Compiler::convert_int(ValType from, ValType to) {
  if (from == ValType::I32 && to == ValType::I64) {
    ins_.i64_extend_i32_u();
  } else if (from == ValType::I64 && to == ValType::I32) {
    ins_.i32_wrap_i64();
  }
}

TempLocal Compiler::converted(uint32_t local, ValType from, ValType to) {
  TempLocal out = temp(to);
  ins_.local_get(local);
  convert_int(from, to);
  ins_.local_set(out.index());
  return out;
}

TempLocal Compiler::scaled(uint32_t local, ValType t, uint32_t factor) {
  TempLocal out = temp(t);
  ins_.local_get(local);
  push_as(Operand::of(factor), t);
  op_mul(t);
  ins_.local_set(out.index());
  return out;
}

void Compiler::validate_pointer(const SideOptions& o, uint32_t addr, const Operand& size,
                                uint32_t align, TrapCode out_of_bounds) {
  if (align > 1) {
    ins_.local_get(addr);
    if (o.memory64) {
      ins_.i64_const(align - 1);
      ins_.i64_and();
      ins_.i64_eqz();
    } else {
      ins_.i32_const(static_cast<int32_t>(align - 1));
      ins_.i32_and();
      ins_.i32_eqz();
    }
    ins_.i32_eqz();
    trap_if(TrapCode::UnalignedPointer);
  }
  // The end is computed in 64 bits so that a 4 GiB 32-bit memory works.
  TempLocal end = temp(ValType::I64);
  ins_.local_get(addr);
  if (!o.memory64) ins_.i64_extend_i32_u();
  push_as(size, ValType::I64);
  ins_.i64_add();
  ins_.local_set(end.index());
  if (o.memory64) {
    // A 64-bit address plus a size can wrap around.
    ins_.local_get(end.index());
    ins_.local_get(addr);
    ins_.i64_lt_u();
    trap_if(out_of_bounds);
  }
  ins_.local_get(end.index());
  ins_.memory_size(*o.memory);
  if (!o.memory64) ins_.i64_extend_i32_u();
  ins_.i64_const(o.page_size_log2);
  ins_.i64_shl();
  ins_.i64_gt_u();
  trap_if(out_of_bounds);
}

void Compiler::call_realloc(const SideOptions& o, const Operand& ptr, const Operand& old_size,
                            uint32_t align, const Operand& new_size, TrapCode out_of_bounds,
                            uint32_t into) {
  // realloc runs as a fresh thread whose context starts out zeroed (the
  // Canonical ABI calls it like any other export), so the caller's slots are
  // saved and restored around it.
  std::optional<TempLocal> slot0, slot1;
  if (module_.options().concurrency_support) {
    slot0 = temp(ValType::I32);
    slot1 = temp(ValType::I32);
    call_intrinsic(Intrinsic::ContextGet0);
    ins_.local_set(slot0->index());
    call_intrinsic(Intrinsic::ContextGet1);
    ins_.local_set(slot1->index());
    ins_.i32_const(0);
    call_intrinsic(Intrinsic::ContextSet0);
    ins_.i32_const(0);
    call_intrinsic(Intrinsic::ContextSet1);
  }
  push_as(ptr, o.ptr());
  push_as(old_size, o.ptr());
  push_as(Operand::of(align), o.ptr());
  push_as(new_size, o.ptr());
  ins_.call(*o.realloc);
  ins_.local_set(into);
  if (slot0) {
    ins_.local_get(slot0->index());
    call_intrinsic(Intrinsic::ContextSet0);
    ins_.local_get(slot1->index());
    call_intrinsic(Intrinsic::ContextSet1);
    slot0.reset();
    slot1.reset();
  }
  validate_pointer(o, into, new_size, align, out_of_bounds);
}

TempLocal Compiler::malloc(const SideOptions& o, const Operand& size, uint32_t align,
                           TrapCode out_of_bounds) {
  TempLocal result = temp(o.ptr());
  malloc_into(o, size, align, out_of_bounds, result.index());
  return result;
}

void Compiler::malloc_into(const SideOptions& o, const Operand& size, uint32_t align,
                           TrapCode out_of_bounds, uint32_t into) {
  call_realloc(o, Operand::of(0), Operand::of(0), align, size, out_of_bounds, into);
}

void Compiler::assert_aligned(const SideOptions& o, const MemoryPlace& place, uint32_t align) {
  if (!module_.options().debug || align <= 1) return;
  ins_.local_get(place.addr);
  if (o.memory64) {
    ins_.i64_const(static_cast<int64_t>(place.offset));
    ins_.i64_add();
    ins_.i64_const(align - 1);
    ins_.i64_and();
    ins_.i64_eqz();
  } else {
    ins_.i32_const(static_cast<int32_t>(static_cast<uint32_t>(place.offset)));
    ins_.i32_add();
    ins_.i32_const(static_cast<int32_t>(align - 1));
    ins_.i32_and();
    ins_.i32_eqz();
  }
  ins_.i32_eqz();
  trap_if(TrapCode::DebugAssertPointerAligned);
}

}  // namespace fact::adapter
