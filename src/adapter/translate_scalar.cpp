// bool, the integers, floats, char and flags: one flat value or one memory
// cell each, checked or normalized as the Canonical ABI lifts it.
#include <cassert>

#include "compiler.h"

namespace fact::adapter {
namespace {

MemOp load_of(ValType type) {
  switch (type.kind()) {
    case ValType::Kind::I64: return MemOp::I64Load;
    case ValType::Kind::F32: return MemOp::F32Load;
    case ValType::Kind::F64: return MemOp::F64Load;
    default: return MemOp::I32Load;
  }
}

MemOp store_of(ValType type) {
  switch (type.kind()) {
    case ValType::Kind::I64: return MemOp::I64Store;
    case ValType::Kind::F32: return MemOp::F32Store;
    case ValType::Kind::F64: return MemOp::F64Store;
    default: return MemOp::I32Store;
  }
}

uint32_t size_of(ValType type) { return type == ValType::I64 || type == ValType::F64 ? 8 : 4; }

}  // namespace

MemOp Compiler::unsigned_load(uint32_t bytes) {
  return bytes == 1 ? MemOp::I32Load8U : bytes == 2 ? MemOp::I32Load16U : MemOp::I32Load;
}

MemOp Compiler::narrow_store(uint32_t bytes) {
  return bytes == 1 ? MemOp::I32Store8 : bytes == 2 ? MemOp::I32Store16 : MemOp::I32Store;
}

// Stores take the address below the value, so it goes first.
void Compiler::begin_write(const Destination& dst) {
  if (dst.in_memory()) ins_.local_get(dst.place().addr);
}

void Compiler::read_scalar(const Source& src, ValType natural, MemOp load, uint32_t size) {
  if (src.in_memory()) {
    ins_.local_get(src.place().addr);
    ins_.mem(load, memarg(src.options(), src.place().offset, size));
    return;
  }
  assert(src.slots().size() == 1);
  ins_.local_get(src.slots()[0].local);
  slot_to_natural(src.slots()[0].type, natural);
}

void Compiler::write_scalar(const Destination& dst, ValType natural, MemOp store, uint32_t size) {
  if (dst.in_memory()) {
    ins_.mem(store, memarg(dst.options(), dst.place().offset, size));
    return;
  }
  assert(dst.slots().size() == 1);
  natural_to_slot(natural, dst.slots()[0]);
}

void Compiler::translate_plain(const Source& src, const Destination& dst, ValType type) {
  begin_write(dst);
  read_scalar(src, type, load_of(type), size_of(type));
  write_scalar(dst, type, store_of(type), size_of(type));
}

// u8, s8, u16, s16: a stack value is masked or sign-extended (the spec's
// lift_flat_unsigned / lift_flat_signed); a memory value is loaded with
// the matching narrow load.
void Compiler::translate_small_int(const Source& src, const Destination& dst, uint32_t bytes,
                                   bool is_signed) {
  begin_write(dst);
  if (src.in_memory()) {
    const MemOp load = bytes == 1 ? (is_signed ? MemOp::I32Load8S : MemOp::I32Load8U)
                                  : (is_signed ? MemOp::I32Load16S : MemOp::I32Load16U);
    read_scalar(src, ValType::I32, load, bytes);
  } else {
    read_scalar(src, ValType::I32, MemOp::I32Load, 4);
    if (is_signed) {
      if (bytes == 1) {
        ins_.i32_extend8_s();
      } else {
        ins_.i32_extend16_s();
      }
    } else {
      ins_.i32_const(bytes == 1 ? 0xFF : 0xFFFF);
      ins_.i32_and();
    }
  }
  write_scalar(dst, ValType::I32, narrow_store(bytes), bytes);
}

// Any non-zero value is true (the spec's convert_int_to_bool).
void Compiler::translate_bool(const Source& src, const Destination& dst) {
  begin_write(dst);
  ins_.i32_const(1);
  ins_.i32_const(0);
  read_scalar(src, ValType::I32, MemOp::I32Load8U, 1);
  ins_.select();
  write_scalar(dst, ValType::I32, MemOp::I32Store8, 1);
}

// Traps unless the value is a Unicode scalar value (the spec's
// convert_i32_to_char): below 0x110000 and not a surrogate. XOR with
// 0xD800 moves the surrogates to [0, 0x800) and keeps every other value
// below 0x110000 exactly when it was, so one unsigned compare suffices.
void Compiler::translate_char(const Source& src, const Destination& dst) {
  begin_write(dst);
  TempLocal value = temp(ValType::I32);
  read_scalar(src, ValType::I32, MemOp::I32Load, 4);
  ins_.local_tee(value.index());
  ins_.i32_const(0xD800);
  ins_.i32_xor();
  ins_.i32_const(0x800);
  ins_.i32_sub();
  ins_.i32_const(0x110000 - 0x800);
  ins_.i32_ge_u();
  trap_if(TrapCode::InvalidChar);
  ins_.local_get(value.index());
  write_scalar(dst, ValType::I32, MemOp::I32Store, 4);
}

// Flags are copied with the bits beyond the last label cleared (the spec's
// lift_flat_flags / load_flags ignore them).
void Compiler::translate_flags(const TypeNode& n, const Source& src, const Destination& dst) {
  const size_t count = n.labels.size();
  const uint32_t bytes = flags_size(count);
  const uint32_t mask = count >= 32 ? 0xFFFFFFFFu : (1u << count) - 1;
  begin_write(dst);
  bool needs_mask;
  if (src.in_memory()) {
    read_scalar(src, ValType::I32, unsigned_load(bytes), bytes);
    needs_mask = count != bytes * 8;
  } else {
    read_scalar(src, ValType::I32, MemOp::I32Load, 4);
    needs_mask = mask != 0xFFFFFFFFu;
  }
  if (needs_mask) {
    ins_.i32_const(static_cast<int32_t>(mask));
    ins_.i32_and();
  }
  write_scalar(dst, ValType::I32, narrow_store(bytes), bytes);
}

}  // namespace fact::adapter
