// The code generator behind compile_adapter: one Compiler writes the body of
// one function (an adapter or an outlined translation helper). Its value
// translations are split across translate_*.cpp by type family.
#pragma once

#include <cassert>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "adapter/module_builder.h"
#include "adapter/trampoline.h"
#include "fact/abi.h"

namespace fact::adapter {

using wasm::BlockType;
using wasm::MemArg;
using wasm::ValType;

inline constexpr uint32_t kInitialFuel = 1000;

inline uint32_t log2_of(uint32_t align) {
  uint32_t log = 0;
  while ((1u << log) < align) ++log;
  return log;
}

// A flat value held in a local, whose type may be wider than the value's
// natural type when it is a joined variant slot.
struct Slot {
  uint32_t local;
  ValType type;
};

// Where a value is read from.
struct Source {
  Location location = Location::Stack;
  std::vector<Slot> slots;  // Stack
  uint32_t options = 0;     // ModuleBuilder side options
  uint32_t addr = 0;        // Memory: local holding the base address
  uint64_t offset = 0;      // Memory: static offset from the base
};

// Where a value is written to. Stack values are pushed onto the operand
// stack, with the slot types given.
struct Destination {
  Location location = Location::Stack;
  std::vector<ValType> slots;
  uint32_t options = 0;
  uint32_t addr = 0;
  uint64_t offset = 0;
};

// Fuel cost of translating one layer of a type (fact-reference §N2).
inline uint32_t layer_cost(const TypeNode& node) {
  switch (node.kind) {
    case TypeKind::Char:
    case TypeKind::Own:
    case TypeKind::Borrow:
    case TypeKind::Future:
    case TypeKind::Stream:
    case TypeKind::ErrorContext:
      return 1;
    case TypeKind::String:
    case TypeKind::List:
    case TypeKind::Map:
      return 40;
    case TypeKind::Flags:
      return node.labels.empty() ? 0 : 1;
    case TypeKind::Record:
      return static_cast<uint32_t>(node.fields.size());
    case TypeKind::Tuple:
      return static_cast<uint32_t>(node.elements.size());
    case TypeKind::Variant:
    case TypeKind::Enum:
      return static_cast<uint32_t>(node.cases.size());
    case TypeKind::Option:
    case TypeKind::Result:
      return 2;
    case TypeKind::FixedList:
      return node.length;
    default:
      return 0;
  }
}

class Compiler {
 public:
  Compiler(ModuleBuilder& module, FunctionId function, const std::vector<ValType>& params)
      : module_(module), types_(module.types()), function_(function), ins_(code_) {
    local_types_ = params;
  }

  // --- entry points -------------------------------------------------------

  void compile_sync_to_sync(const ResolvedAdapter& a);
  void compile_outlined(const OutlineRequest& request);

 private:
  const SideOptions& opts(uint32_t index) const { return module_.options_at(index); }
  const TypeNode& node(TypeId id) const { return types_.get(id); }
  const AbiLayout& abi(TypeId id, uint32_t options) const {
    return node(id).abi(opts(options).memory64);
  }

  // --- locals -------------------------------------------------------------

  uint32_t new_local(ValType type) {
    auto& free = free_locals_[type];
    if (!free.empty()) {
      uint32_t local = free.back();
      free.pop_back();
      return local;
    }
    local_types_.push_back(type);
    return static_cast<uint32_t>(local_types_.size() - 1);
  }
  void free_local(uint32_t local) { free_locals_[local_types_[local]].push_back(local); }

  // --- instructions -------------------------------------------------------

  void trap(TrapCode code) {
    ins_.call(module_.import_trap(code));
    ins_.unreachable();
  }
  // Traps with `code` when the i32 on the stack is not zero.
  void trap_if(TrapCode code) {
    ins_.if_(BlockType::empty());
    trap(code);
    ins_.end();
  }
  void call_intrinsic(Intrinsic intrinsic) { ins_.call(module_.import_intrinsic(intrinsic)); }
  void call_defined(FunctionId target) {
    relocations_.push_back({code_.size(), target, false});
  }

  void ptr_const(uint32_t options, uint64_t value) {
    if (opts(options).memory64) {
      ins_.i64_const(static_cast<int64_t>(value));
    } else {
      ins_.i32_const(static_cast<int32_t>(static_cast<uint32_t>(value)));
    }
  }
  void ptr_add(uint32_t options) {
    if (opts(options).memory64) {
      ins_.i64_add();
    } else {
      ins_.i32_add();
    }
  }
  MemArg memarg(uint32_t options, uint64_t offset, uint32_t align) const {
    return MemArg{log2_of(align), offset, *opts(options).memory};
  }

  // Converts the value on the stack from a slot type to the natural type
  // (fact-reference §C6).
  void slot_to_natural(ValType slot, ValType natural) {
    if (slot == natural) return;
    if (slot == ValType::I32 && natural == ValType::F32) {
      ins_.f32_reinterpret_i32();
    } else if (slot == ValType::I64 && natural == ValType::I32) {
      wrap_checked();
    } else if (slot == ValType::I64 && natural == ValType::F64) {
      ins_.f64_reinterpret_i64();
    } else if (slot == ValType::I64 && natural == ValType::F32) {
      wrap_checked();
      ins_.f32_reinterpret_i32();
    } else {
      assert(false && "no conversion between these slot types");
    }
  }
  // i64 -> i32; in debug mode, asserts that the upper half is clear.
  void wrap_checked() {
    if (module_.options().debug) {
      uint32_t tmp = new_local(ValType::I64);
      ins_.local_tee(tmp);
      ins_.i64_const(32);
      ins_.i64_shr_u();
      ins_.i64_eqz();
      ins_.i32_eqz();
      trap_if(TrapCode::DebugAssertUpperBitsUnset);
      ins_.local_get(tmp);
      free_local(tmp);
    }
    ins_.i32_wrap_i64();
  }
  void natural_to_slot(ValType natural, ValType slot) {
    if (slot == natural) return;
    if (natural == ValType::F32 && slot == ValType::I32) {
      ins_.i32_reinterpret_f32();
    } else if (natural == ValType::I32 && slot == ValType::I64) {
      ins_.i64_extend_i32_u();
    } else if (natural == ValType::F64 && slot == ValType::I64) {
      ins_.i64_reinterpret_f64();
    } else if (natural == ValType::F32 && slot == ValType::I64) {
      ins_.i32_reinterpret_f32();
      ins_.i64_extend_i32_u();
    } else {
      assert(false && "no conversion between these slot types");
    }
  }
  void push_zero(ValType type) {
    switch (type) {
      case ValType::I32:
        ins_.i32_const(0);
        break;
      case ValType::I64:
        ins_.i64_const(0);
        break;
      case ValType::F32:
        ins_.f32_const_bits(0);
        break;
      case ValType::F64:
        ins_.f64_const_bits(0);
        break;
      default:
        assert(false && "no zero for this type");
    }
  }

  // --- memory validation and allocation (fact-reference §H) ---------------

  // A size, length or pointer operand: a constant or a local of either
  // integer type, converted to the type an instruction needs.
  struct Operand {
    bool is_local = false;
    uint64_t constant = 0;
    uint32_t local = 0;
    ValType type = ValType::I64;
    static Operand of(uint64_t value) { return {false, value, 0, ValType::I64}; }
    static Operand in(uint32_t local, ValType type) { return {true, 0, local, type}; }
  };

  void push_as(const Operand& v, ValType as) {
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

  // Integer operations on i32 or i64 operands, chosen by `t`.
  void op_eq(ValType t) { t == ValType::I64 ? ins_.i64_eq() : ins_.i32_eq(); }
  void op_ne(ValType t) { t == ValType::I64 ? ins_.i64_ne() : ins_.i32_ne(); }
  void op_gt_u(ValType t) { t == ValType::I64 ? ins_.i64_gt_u() : ins_.i32_gt_u(); }
  void op_sub(ValType t) { t == ValType::I64 ? ins_.i64_sub() : ins_.i32_sub(); }
  void op_mul(ValType t) { t == ValType::I64 ? ins_.i64_mul() : ins_.i32_mul(); }
  void op_or(ValType t) { t == ValType::I64 ? ins_.i64_or() : ins_.i32_or(); }
  void op_xor(ValType t) { t == ValType::I64 ? ins_.i64_xor() : ins_.i32_xor(); }
  // Replaces the value on the stack by `value & mask != 0` as an i32.
  void op_test_bits(ValType t, uint64_t mask) {
    push_as(Operand::of(mask), t);
    if (t == ValType::I64) {
      ins_.i64_and();
      ins_.i64_eqz();
      ins_.i32_eqz();
    } else {
      ins_.i32_and();
    }
  }

  // A new local holding `local` converted from one pointer width to another.
  uint32_t converted(uint32_t local, ValType from, ValType to) {
    uint32_t out = new_local(to);
    ins_.local_get(local);
    convert_int(from, to);
    ins_.local_set(out);
    return out;
  }

  // A new local holding `local` times `factor`.
  uint32_t scaled(uint32_t local, ValType t, uint32_t factor) {
    uint32_t out = new_local(t);
    ins_.local_get(local);
    push_as(Operand::of(factor), t);
    op_mul(t);
    ins_.local_set(out);
    return out;
  }

  // Lengths below 2^32 move between pointer widths unchanged.
  void convert_int(ValType from, ValType to) {
    if (from == ValType::I32 && to == ValType::I64) {
      ins_.i64_extend_i32_u();
    } else if (from == ValType::I64 && to == ValType::I32) {
      ins_.i32_wrap_i64();
    }
  }

  // Traps unless `addr .. addr + size` lies in the memory of `options` and
  // addr is a multiple of `align` (fact-reference §H3, §H4).
  void validate_pointer(uint32_t options, uint32_t addr, const Operand& size, uint32_t align,
                        TrapCode out_of_bounds) {
    const SideOptions& o = opts(options);
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
    uint32_t end = new_local(ValType::I64);
    ins_.local_get(addr);
    if (!o.memory64) ins_.i64_extend_i32_u();
    push_as(size, ValType::I64);
    ins_.i64_add();
    ins_.local_set(end);
    if (o.memory64) {
      // A 64-bit address plus a size can wrap around.
      ins_.local_get(end);
      ins_.local_get(addr);
      ins_.i64_lt_u();
      trap_if(out_of_bounds);
    }
    ins_.local_get(end);
    ins_.memory_size(*o.memory);
    if (!o.memory64) ins_.i64_extend_i32_u();
    ins_.i64_const(o.page_size_log2);
    ins_.i64_shl();
    ins_.i64_gt_u();
    trap_if(out_of_bounds);
    free_local(end);
  }

  // Calls the realloc of `options` with (ptr, old_size, align, new_size) and
  // returns a new local holding the result, validated for alignment and
  // bounds (fact-reference §H1–§H3, §K1).
  // The result goes to `into` when given.
  uint32_t call_realloc(uint32_t options, const Operand& ptr, const Operand& old_size,
                        uint32_t align, const Operand& new_size, TrapCode out_of_bounds,
                        std::optional<uint32_t> into = std::nullopt) {
    const SideOptions& o = opts(options);
    bool save_context = module_.options().concurrency_support;
    uint32_t slot0 = 0, slot1 = 0;
    if (save_context) {
      // realloc runs as a fresh thread whose context starts out zeroed.
      slot0 = new_local(ValType::I32);
      slot1 = new_local(ValType::I32);
      call_intrinsic(Intrinsic::ContextGet0);
      ins_.local_set(slot0);
      call_intrinsic(Intrinsic::ContextGet1);
      ins_.local_set(slot1);
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
    uint32_t result = into ? *into : new_local(o.ptr());
    ins_.local_set(result);
    if (save_context) {
      ins_.local_get(slot0);
      call_intrinsic(Intrinsic::ContextSet0);
      ins_.local_get(slot1);
      call_intrinsic(Intrinsic::ContextSet1);
      free_local(slot0);
      free_local(slot1);
    }
    validate_pointer(options, result, new_size, align, out_of_bounds);
    return result;
  }

  uint32_t malloc(uint32_t options, const Operand& size, uint32_t align, TrapCode out_of_bounds,
                  std::optional<uint32_t> into = std::nullopt) {
    return call_realloc(options, Operand::of(0), Operand::of(0), align, size, out_of_bounds, into);
  }

  // In debug mode, traps unless the address of a memory operand is aligned
  // (fact-reference §O).
  void assert_aligned(uint32_t options, uint32_t addr, uint64_t offset, uint32_t align) {
    if (!module_.options().debug || align <= 1) return;
    const SideOptions& o = opts(options);
    ins_.local_get(addr);
    if (o.memory64) {
      ins_.i64_const(static_cast<int64_t>(offset));
      ins_.i64_add();
      ins_.i64_const(align - 1);
      ins_.i64_and();
      ins_.i64_eqz();
    } else {
      ins_.i32_const(static_cast<int32_t>(static_cast<uint32_t>(offset)));
      ins_.i32_add();
      ins_.i32_const(static_cast<int32_t>(align - 1));
      ins_.i32_and();
      ins_.i32_eqz();
    }
    ins_.i32_eqz();
    trap_if(TrapCode::DebugAssertPointerAligned);
  }

  // --- value translation ----------------------------------------------------

  void translate(TypeId src_type, const Source& src, TypeId dst_type, const Destination& dst) {
    uint32_t cost = layer_cost(node(src_type));
    if (cost > fuel_) {
      outline(src_type, src, dst_type, dst);
      return;
    }
    fuel_ -= cost;
    translate_layer(src_type, src, dst_type, dst);
  }

  void translate_layer(TypeId src_type, const Source& src, TypeId dst_type,
                       const Destination& dst) {
    if (src.location == Location::Memory) {
      assert_aligned(src.options, src.addr, src.offset, abi(src_type, src.options).align);
    }
    if (dst.location == Location::Memory) {
      assert_aligned(dst.options, dst.addr, dst.offset, abi(dst_type, dst.options).align);
    }
    const TypeNode& n = node(src_type);
    switch (n.kind) {
      case TypeKind::Bool:
        translate_bool(src, dst);
        break;
      case TypeKind::U8:
        translate_small_int(src, dst, 1, false);
        break;
      case TypeKind::S8:
        translate_small_int(src, dst, 1, true);
        break;
      case TypeKind::U16:
        translate_small_int(src, dst, 2, false);
        break;
      case TypeKind::S16:
        translate_small_int(src, dst, 2, true);
        break;
      case TypeKind::U32:
      case TypeKind::S32:
        translate_plain(src, dst, ValType::I32);
        break;
      case TypeKind::U64:
      case TypeKind::S64:
        translate_plain(src, dst, ValType::I64);
        break;
      case TypeKind::F32:
        translate_plain(src, dst, ValType::F32);
        break;
      case TypeKind::F64:
        translate_plain(src, dst, ValType::F64);
        break;
      case TypeKind::Char:
        translate_char(src, dst);
        break;
      case TypeKind::Flags:
        translate_flags(n, src, dst);
        break;
      case TypeKind::Record:
      case TypeKind::Tuple:
        translate_members(src_type, src, dst_type, dst);
        break;
      case TypeKind::FixedList:
        if (src.location == Location::Memory && dst.location == Location::Memory &&
            n.length > 1) {
          translate_fixed_list_loop(src_type, src, dst_type, dst);
        } else {
          translate_members(src_type, src, dst_type, dst);
        }
        break;
      case TypeKind::Variant:
      case TypeKind::Enum:
      case TypeKind::Option:
      case TypeKind::Result:
        translate_variant(src_type, src, dst_type, dst);
        break;
      case TypeKind::String:
        translate_string(src, dst);
        break;
      case TypeKind::Own:
      case TypeKind::Borrow:
      case TypeKind::Future:
      case TypeKind::Stream:
      case TypeKind::ErrorContext:
        translate_handle(n, node(dst_type), src, dst);
        break;
      case TypeKind::List:
      case TypeKind::Map:
        translate_list(src_type, src, dst_type, dst);
        break;
      default:
        // AdapterModule::adapt rejects every other kind before compiling.
        assert(false && "type kind not supported by the trampoline compiler");
    }
  }

  // Handles move between the two instances' tables through the runtime
  // (fact-reference §I): transfer(handle, src table, dst table) -> handle.
  void translate_handle(const TypeNode& src_node, const TypeNode& dst_node, const Source& src,
                        const Destination& dst) {
    Intrinsic transfer = Intrinsic::ResourceTransferOwn;
    switch (src_node.kind) {
      case TypeKind::Own:
        transfer = Intrinsic::ResourceTransferOwn;
        break;
      case TypeKind::Borrow:
        transfer = Intrinsic::ResourceTransferBorrow;
        break;
      case TypeKind::Future:
        transfer = Intrinsic::FutureTransfer;
        break;
      case TypeKind::Stream:
        transfer = Intrinsic::StreamTransfer;
        break;
      default:
        transfer = Intrinsic::ErrorContextTransfer;
        break;
    }
    begin_write(dst);
    read_scalar(src, ValType::I32, [&] { ins_.i32_load(memarg(src.options, src.offset, 4)); });
    ins_.i32_const(static_cast<int32_t>(src_node.resource));
    ins_.i32_const(static_cast<int32_t>(dst_node.resource));
    call_intrinsic(transfer);
    write_scalar(dst, ValType::I32, [&] { store_i32(dst, 4); });
  }

  // Pushes the destination address when the destination is memory: stores
  // take the address below the value.
  void begin_write(const Destination& dst) {
    if (dst.location == Location::Memory) ins_.local_get(dst.addr);
  }

  // Reads a scalar whose natural flat type is `natural` onto the stack.
  // Memory reads use `load`.
  template <class Load>
  void read_scalar(const Source& src, ValType natural, Load load) {
    if (src.location == Location::Stack) {
      assert(src.slots.size() == 1);
      ins_.local_get(src.slots[0].local);
      slot_to_natural(src.slots[0].type, natural);
    } else {
      ins_.local_get(src.addr);
      load();
    }
  }

  // Writes the natural-typed value on the stack (above the address pushed by
  // begin_write for memory destinations).
  template <class Store>
  void write_scalar(const Destination& dst, ValType natural, Store store) {
    if (dst.location == Location::Stack) {
      assert(dst.slots.size() == 1);
      natural_to_slot(natural, dst.slots[0]);
    } else {
      store();
    }
  }

  void translate_plain(const Source& src, const Destination& dst, ValType type) {
    begin_write(dst);
    read_scalar(src, type, [&] {
      MemArg m = memarg(src.options, src.offset, type == ValType::I32 || type == ValType::F32 ? 4 : 8);
      switch (type) {
        case ValType::I32:
          ins_.i32_load(m);
          break;
        case ValType::I64:
          ins_.i64_load(m);
          break;
        case ValType::F32:
          ins_.f32_load(m);
          break;
        default:
          ins_.f64_load(m);
          break;
      }
    });
    write_scalar(dst, type, [&] {
      MemArg m = memarg(dst.options, dst.offset, type == ValType::I32 || type == ValType::F32 ? 4 : 8);
      switch (type) {
        case ValType::I32:
          ins_.i32_store(m);
          break;
        case ValType::I64:
          ins_.i64_store(m);
          break;
        case ValType::F32:
          ins_.f32_store(m);
          break;
        default:
          ins_.f64_store(m);
          break;
      }
    });
  }

  // Stores the low `bytes` bytes of an i32 (1, 2 or 4).
  void store_i32(const Destination& dst, uint32_t bytes) {
    MemArg m = memarg(dst.options, dst.offset, bytes);
    if (bytes == 1) {
      ins_.i32_store8(m);
    } else if (bytes == 2) {
      ins_.i32_store16(m);
    } else {
      ins_.i32_store(m);
    }
  }

  // Loads an unsigned integer of `bytes` bytes (1, 2 or 4) as an i32.
  void load_u(uint32_t options, uint64_t offset, uint32_t bytes) {
    MemArg m = memarg(options, offset, bytes);
    if (bytes == 1) {
      ins_.i32_load8_u(m);
    } else if (bytes == 2) {
      ins_.i32_load16_u(m);
    } else {
      ins_.i32_load(m);
    }
  }

  // u8, s8, u16, s16: a stack value is masked or sign-extended (the spec's
  // lift_flat_unsigned / lift_flat_signed); a memory value is loaded with
  // the matching narrow load.
  void translate_small_int(const Source& src, const Destination& dst, uint32_t bytes,
                           bool is_signed) {
    begin_write(dst);
    if (src.location == Location::Stack) {
      read_scalar(src, ValType::I32, [] {});
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
    } else {
      ins_.local_get(src.addr);
      MemArg m = memarg(src.options, src.offset, bytes);
      if (bytes == 1) {
        is_signed ? ins_.i32_load8_s(m) : ins_.i32_load8_u(m);
      } else {
        is_signed ? ins_.i32_load16_s(m) : ins_.i32_load16_u(m);
      }
    }
    write_scalar(dst, ValType::I32, [&] { store_i32(dst, bytes); });
  }

  // Any non-zero value is true (the spec's convert_int_to_bool).
  void translate_bool(const Source& src, const Destination& dst) {
    begin_write(dst);
    ins_.i32_const(1);
    ins_.i32_const(0);
    read_scalar(src, ValType::I32, [&] { load_u(src.options, src.offset, 1); });
    ins_.select();
    write_scalar(dst, ValType::I32, [&] { store_i32(dst, 1); });
  }

  // Traps unless the value is a Unicode scalar value (the spec's
  // convert_i32_to_char): below 0x110000 and not a surrogate. XOR with
  // 0xD800 moves the surrogates to [0, 0x800) and keeps every other value
  // below 0x110000 exactly when it was, so one unsigned compare suffices.
  void translate_char(const Source& src, const Destination& dst) {
    begin_write(dst);
    uint32_t value = new_local(ValType::I32);
    read_scalar(src, ValType::I32, [&] { ins_.i32_load(memarg(src.options, src.offset, 4)); });
    ins_.local_tee(value);
    ins_.i32_const(0xD800);
    ins_.i32_xor();
    ins_.i32_const(0x800);
    ins_.i32_sub();
    ins_.i32_const(0x110000 - 0x800);
    ins_.i32_ge_u();
    trap_if(TrapCode::InvalidChar);
    ins_.local_get(value);
    free_local(value);
    write_scalar(dst, ValType::I32, [&] { store_i32(dst, 4); });
  }

  // Flags are copied with the bits beyond the last label cleared (the spec's
  // lift_flat_flags / load_flags ignore them).
  void translate_flags(const TypeNode& n, const Source& src, const Destination& dst) {
    size_t count = n.labels.size();
    uint32_t bytes = flags_size(count);
    uint32_t mask = count >= 32 ? 0xFFFFFFFFu : (1u << count) - 1;
    begin_write(dst);
    bool needs_mask;
    if (src.location == Location::Stack) {
      read_scalar(src, ValType::I32, [] {});
      needs_mask = mask != 0xFFFFFFFFu;
    } else {
      ins_.local_get(src.addr);
      load_u(src.options, src.offset, bytes);
      needs_mask = count != bytes * 8;
    }
    if (needs_mask) {
      ins_.i32_const(static_cast<int32_t>(mask));
      ins_.i32_and();
    }
    write_scalar(dst, ValType::I32, [&] { store_i32(dst, bytes); });
  }

  // The member sources of a record, tuple or fixed-length list.
  std::vector<Source> member_sources(TypeId type, const Source& src) {
    std::vector<TypeId> members = member_types(types_, type);
    std::vector<Source> out;
    out.reserve(members.size());
    if (src.location == Location::Stack) {
      size_t at = 0;
      for (TypeId m : members) {
        size_t count = abi(m, src.options).flat->size();
        Source s;
        s.location = Location::Stack;
        s.options = src.options;
        s.slots.assign(src.slots.begin() + static_cast<std::ptrdiff_t>(at),
                       src.slots.begin() + static_cast<std::ptrdiff_t>(at + count));
        at += count;
        out.push_back(std::move(s));
      }
    } else {
      std::vector<uint32_t> offsets = member_offsets(types_, type, opts(src.options).memory64);
      for (size_t i = 0; i < members.size(); ++i) {
        Source s = src;
        s.offset = src.offset + offsets[i];
        out.push_back(std::move(s));
      }
    }
    return out;
  }

  std::vector<Destination> member_destinations(TypeId type, const Destination& dst) {
    std::vector<TypeId> members = member_types(types_, type);
    std::vector<Destination> out;
    out.reserve(members.size());
    if (dst.location == Location::Stack) {
      size_t at = 0;
      for (TypeId m : members) {
        size_t count = abi(m, dst.options).flat->size();
        Destination d;
        d.location = Location::Stack;
        d.options = dst.options;
        d.slots.assign(dst.slots.begin() + static_cast<std::ptrdiff_t>(at),
                       dst.slots.begin() + static_cast<std::ptrdiff_t>(at + count));
        at += count;
        out.push_back(std::move(d));
      }
    } else {
      std::vector<uint32_t> offsets = member_offsets(types_, type, opts(dst.options).memory64);
      for (size_t i = 0; i < members.size(); ++i) {
        Destination d = dst;
        d.offset = dst.offset + offsets[i];
        out.push_back(std::move(d));
      }
    }
    return out;
  }

  // Records, tuples and fixed-length lists: member by member, in order (the
  // two types are equal, so the orders agree).
  void translate_members(TypeId src_type, const Source& src, TypeId dst_type,
                         const Destination& dst) {
    std::vector<TypeId> src_members = member_types(types_, src_type);
    std::vector<TypeId> dst_members = member_types(types_, dst_type);
    std::vector<Source> sources = member_sources(src_type, src);
    std::vector<Destination> destinations = member_destinations(dst_type, dst);
    for (size_t i = 0; i < src_members.size(); ++i) {
      translate(src_members[i], sources[i], dst_members[i], destinations[i]);
    }
  }

  // list<T, N> from memory to memory: a loop over the elements. The enclosing
  // value's bounds were checked already. The counter is always an i32; the
  // cursors have each memory's pointer type.
  void translate_fixed_list_loop(TypeId src_type, const Source& src, TypeId dst_type,
                                 const Destination& dst) {
    const TypeNode& sn = node(src_type);
    const TypeNode& dn = node(dst_type);
    TypeId src_elem = *sn.element;
    TypeId dst_elem = *dn.element;
    uint32_t src_cursor = new_local(opts(src.options).ptr());
    uint32_t dst_cursor = new_local(opts(dst.options).ptr());
    uint32_t remaining = new_local(ValType::I32);
    ins_.local_get(src.addr);
    ptr_const(src.options, src.offset);
    ptr_add(src.options);
    ins_.local_set(src_cursor);
    ins_.local_get(dst.addr);
    ptr_const(dst.options, dst.offset);
    ptr_add(dst.options);
    ins_.local_set(dst_cursor);
    ins_.i32_const(static_cast<int32_t>(sn.length));
    ins_.local_set(remaining);

    ins_.loop(BlockType::empty());
    Source s;
    s.location = Location::Memory;
    s.options = src.options;
    s.addr = src_cursor;
    Destination d;
    d.location = Location::Memory;
    d.options = dst.options;
    d.addr = dst_cursor;
    translate(src_elem, s, dst_elem, d);
    ins_.local_get(src_cursor);
    ptr_const(src.options, abi(src_elem, src.options).size);
    ptr_add(src.options);
    ins_.local_set(src_cursor);
    ins_.local_get(dst_cursor);
    ptr_const(dst.options, abi(dst_elem, dst.options).size);
    ptr_add(dst.options);
    ins_.local_set(dst_cursor);
    ins_.local_get(remaining);
    ins_.i32_const(1);
    ins_.i32_sub();
    ins_.local_tee(remaining);
    ins_.br_if(0);
    ins_.end();

    free_local(src_cursor);
    free_local(dst_cursor);
    free_local(remaining);
  }

  // Pushes the source discriminant as an i32.
  void read_discriminant(TypeId type, const Source& src) {
    if (src.location == Location::Stack) {
      // A nested variant's discriminant may sit in a joined (wider) slot.
      ins_.local_get(src.slots[0].local);
      slot_to_natural(src.slots[0].type, ValType::I32);
    } else {
      VariantLayout layout = variant_layout(types_, type, opts(src.options).memory64);
      ins_.local_get(src.addr);
      load_u(src.options, src.offset, layout.discriminant_size);
    }
  }

  void write_discriminant(TypeId type, const Destination& dst, uint32_t index) {
    if (dst.location == Location::Stack) {
      ins_.i32_const(static_cast<int32_t>(index));
      natural_to_slot(ValType::I32, dst.slots[0]);
    } else {
      VariantLayout layout = variant_layout(types_, type, opts(dst.options).memory64);
      ins_.local_get(dst.addr);
      ins_.i32_const(static_cast<int32_t>(index));
      store_i32(dst, layout.discriminant_size);
    }
  }

  BlockType block_type_for(const std::vector<ValType>& results) {
    if (results.empty()) return BlockType::empty();
    if (results.size() == 1) return BlockType::of(results[0]);
    return BlockType::index(module_.intern_type(wasm::FuncType{{}, results}));
  }

  // Variants, enums, options and results (the spec's despecialized variant):
  // the discriminant is checked against the case count (the spec's
  // load_variant / lift_flat_variant trap), then the payload of the case is
  // translated.
  void translate_variant(TypeId src_type, const Source& src, TypeId dst_type,
                         const Destination& dst) {
    const TypeNode& sn = node(src_type);
    const TypeNode& dn = node(dst_type);
    uint32_t case_count = static_cast<uint32_t>(sn.cases.size());
    bool any_payload = false;
    for (const Case& c : sn.cases) any_payload |= c.type.has_value();

    if (!any_payload) {
      // Only the discriminant travels; the case indices of equal types agree.
      uint32_t disc = new_local(ValType::I32);
      read_discriminant(src_type, src);
      ins_.local_tee(disc);
      ins_.i32_const(static_cast<int32_t>(case_count));
      ins_.i32_ge_u();
      trap_if(TrapCode::InvalidDiscriminant);
      if (dst.location == Location::Stack) {
        ins_.local_get(disc);
        natural_to_slot(ValType::I32, dst.slots[0]);
      } else {
        VariantLayout layout = variant_layout(types_, dst_type, opts(dst.options).memory64);
        ins_.local_get(dst.addr);
        ins_.local_get(disc);
        store_i32(dst, layout.discriminant_size);
      }
      free_local(disc);
      return;
    }

    VariantLayout src_layout = variant_layout(types_, src_type, opts(src.options).memory64);
    VariantLayout dst_layout = variant_layout(types_, dst_type, opts(dst.options).memory64);

    // block $outer (result <dst slots>)
    //   block $b[n-1] ... block $b[0] block $invalid block $dispatch
    //     <discriminant> br_table $invalid $b[0] .. $b[n-2] default $dispatch
    //   end  trap InvalidDiscriminant
    //   end  <case 0> br $outer
    //   end  <case 1> br $outer ...
    // Leaving block $b[i-1] (or $invalid for i = 0) starts the code of case i.
    std::vector<ValType> outer_results;
    if (dst.location == Location::Stack) outer_results = dst.slots;
    ins_.block(block_type_for(outer_results));
    for (uint32_t i = 0; i < case_count; ++i) ins_.block(BlockType::empty());
    ins_.block(BlockType::empty());  // $invalid
    ins_.block(BlockType::empty());  // $dispatch
    read_discriminant(src_type, src);
    std::vector<uint32_t> targets(case_count);
    for (uint32_t i = 0; i < case_count; ++i) targets[i] = i + 1;
    ins_.br_table(targets, 0);
    ins_.end();
    trap(TrapCode::InvalidDiscriminant);
    ins_.end();

    for (uint32_t i = 0; i < case_count; ++i) {
      const Case& sc = sn.cases[i];
      const Case& dc = dn.cases[i];
      write_discriminant(dst_type, dst, i);
      size_t payload_slots = 0;
      if (sc.type) {
        Source ps;
        ps.location = src.location;
        ps.options = src.options;
        if (src.location == Location::Stack) {
          size_t count = abi(*sc.type, src.options).flat->size();
          ps.slots.assign(src.slots.begin() + 1,
                          src.slots.begin() + 1 + static_cast<std::ptrdiff_t>(count));
        } else {
          ps.addr = src.addr;
          ps.offset = src.offset + src_layout.payload_offset;
        }
        Destination pd;
        pd.location = dst.location;
        pd.options = dst.options;
        if (dst.location == Location::Stack) {
          payload_slots = abi(*dc.type, dst.options).flat->size();
          pd.slots.assign(dst.slots.begin() + 1,
                          dst.slots.begin() + 1 + static_cast<std::ptrdiff_t>(payload_slots));
        } else {
          pd.addr = dst.addr;
          pd.offset = dst.offset + dst_layout.payload_offset;
        }
        translate(*sc.type, ps, *dc.type, pd);
      }
      if (dst.location == Location::Stack) {
        for (size_t k = 1 + payload_slots; k < dst.slots.size(); ++k) push_zero(dst.slots[k]);
      }
      // Case i runs inside the blocks of cases i..n-1, so the outer block is
      // at depth n - i.
      ins_.br(case_count - i);
      ins_.end();
    }
    // Every case has branched out: nothing reaches the end of $outer from here.
    ins_.unreachable();
    ins_.end();  // outer
  }

  // --- outlining (fact-reference §N) ----------------------------------------

  std::vector<ValType> natural_flat(TypeId type, uint32_t options) {
    return to_vals(*abi(type, options).flat);
  }

  wasm::FuncType outlined_type(TypeId src_type, Location src_location, uint32_t src_options,
                               TypeId dst_type, Location dst_location, uint32_t dst_options) {
    wasm::FuncType type;
    if (src_location == Location::Stack) {
      type.params = natural_flat(src_type, src_options);
    } else {
      type.params.push_back(opts(src_options).ptr());
    }
    if (dst_location == Location::Memory) {
      type.params.push_back(opts(dst_options).ptr());
    } else {
      type.results = natural_flat(dst_type, dst_options);
    }
    return type;
  }

  void outline(TypeId src_type, const Source& src, TypeId dst_type, const Destination& dst) {
    OutlineKey key{src_type.index, src.options, src.location,
                   dst_type.index, dst.options, dst.location};
    FunctionId target = module_.outlined(
        key, outlined_type(src_type, src.location, src.options, dst_type, dst.location,
                           dst.options));
    if (src.location == Location::Stack) {
      std::vector<ValType> natural = natural_flat(src_type, src.options);
      for (size_t i = 0; i < natural.size(); ++i) {
        ins_.local_get(src.slots[i].local);
        slot_to_natural(src.slots[i].type, natural[i]);
      }
    } else {
      ins_.local_get(src.addr);
      if (src.offset != 0) {
        ptr_const(src.options, src.offset);
        ptr_add(src.options);
      }
    }
    if (dst.location == Location::Memory) {
      ins_.local_get(dst.addr);
      if (dst.offset != 0) {
        ptr_const(dst.options, dst.offset);
        ptr_add(dst.options);
      }
    }
    call_defined(target);
    if (dst.location == Location::Stack) {
      std::vector<ValType> natural = natural_flat(dst_type, dst.options);
      if (natural != dst.slots) {
        std::vector<uint32_t> temps(natural.size());
        for (size_t i = natural.size(); i-- > 0;) {
          temps[i] = new_local(natural[i]);
          ins_.local_set(temps[i]);
        }
        for (size_t i = 0; i < natural.size(); ++i) {
          ins_.local_get(temps[i]);
          natural_to_slot(natural[i], dst.slots[i]);
          free_local(temps[i]);
        }
      }
    }
  }

  // --- adapter pieces -------------------------------------------------------

  // Offsets of the members of a parameter tuple.
  std::vector<uint32_t> tuple_offsets(const std::vector<TypeId>& members, bool memory64,
                                      AbiLayout* layout) {
    std::vector<uint32_t> offsets;
    uint32_t offset = 0, align = 1;
    for (TypeId m : members) {
      const AbiLayout& l = node(m).abi(memory64);
      offset = align_to(offset, l.align);
      offsets.push_back(offset);
      offset += l.size;
      align = std::max(align, l.align);
    }
    layout->size = align_to(offset, align);
    layout->align = align;
    return offsets;
  }

  void finish() {
    Function& f = module_.function(function_);
    f.local_runs.clear();
    for (size_t i = f.param_count; i < local_types_.size(); ++i) {
      if (!f.local_runs.empty() && f.local_runs.back().second == local_types_[i]) {
        ++f.local_runs.back().first;
      } else {
        f.local_runs.emplace_back(1, local_types_[i]);
      }
    }
    ins_.end();
    f.code = std::move(code_);
    f.relocations = std::move(relocations_);
    f.filled = true;
  }

  // Strings and lists (translate_string.cpp, translate_list.cpp).
  void translate_string(const Source& src, const Destination& dst);
  void translate_list(TypeId src_type, const Source& src, TypeId dst_type, const Destination& dst);
  void load_pointer_pair(const Source& src, uint32_t ptr, uint32_t len);
  void store_pointer_pair(const Destination& dst, uint32_t ptr, uint32_t len);
  struct StringBuffer {
    uint32_t ptr;  // local of the destination pointer type
    uint32_t len;  // local of the destination pointer type, tag included
  };
  enum class SimpleEncoding { Utf8, Utf16, Latin1 };
  void transcode_string(uint32_t src_options, SimpleEncoding from, uint32_t src_ptr,
                        uint32_t units, uint32_t dst_options, const StringBuffer& out);
  void copy_string(uint32_t src_options, uint32_t src_ptr, uint32_t units, uint32_t dst_options,
                   Transcode op, uint32_t unit_size, uint32_t align, const StringBuffer& out);
  void string_to_utf16(uint32_t src_options, uint32_t src_ptr, uint32_t units,
                       uint32_t dst_options, const StringBuffer& out);
  void string_to_utf8(uint32_t src_options, SimpleEncoding from, uint32_t src_ptr,
                      uint32_t units, uint32_t dst_options, const StringBuffer& out);
  void string_to_compact(uint32_t src_options, SimpleEncoding from, uint32_t src_ptr,
                         uint32_t units, uint32_t dst_options, const StringBuffer& out);
  void probably_utf16_to_compact(uint32_t src_options, uint32_t src_ptr, uint32_t units,
                                 uint32_t dst_options, const StringBuffer& out);
  uint32_t transcoder(Transcode op, uint32_t src_options, uint32_t dst_options);
  void shrink_utf16(uint32_t dst_options, const StringBuffer& out, uint32_t units_d,
                    uint32_t allocated);
  bool copyable_as_bytes(TypeId type) const;

  void translate_params(const ResolvedAdapter& a);
  void translate_results(const ResolvedAdapter& a, const std::vector<Slot>& results);

  ModuleBuilder& module_;
  const TypeStore& types_;
  FunctionId function_;
  wasm::Bytes code_;
  wasm::Instructions ins_;
  std::vector<Relocation> relocations_;
  std::vector<ValType> local_types_;  // params first, then declared locals
  std::map<ValType, std::vector<uint32_t>> free_locals_;
  uint32_t fuel_ = kInitialFuel;
};

}  // namespace fact::adapter
