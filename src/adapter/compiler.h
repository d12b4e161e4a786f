// The code generator: one Compiler writes the body of one function of an
// adapter module, an adapter or an outlined translation helper. The
// definitions are split by job:
//   compiler.cpp          locals, instructions shared by everything, finish
//   memory_access.cpp     integer operands, pointer checks, realloc calls
//   translate.cpp         the dispatch on type families, and outlining
//   translate_scalar.cpp  bool, integers, floats, char, flags
//   translate_record.cpp  records, tuples, fixed-length lists
//   translate_variant.cpp variants, enums, options, results
//   translate_handle.cpp  own, borrow, future, stream, error-context
//   translate_string.cpp  strings in every encoding pair
//   translate_list.cpp    lists and maps
//   trampoline.cpp        the adapter function itself, sync to sync
//   async_trampoline.cpp  adapters with an async side, and their helpers
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "fact/abi.h"
#include "fact/wasm/encoder.h"
#include "locals.h"
#include "location.h"
#include "module_builder.h"
#include "trampoline.h"

namespace fact::adapter {

using wasm::BlockType;
using wasm::MemArg;
using wasm::MemOp;

class Compiler {
 public:
  Compiler(ModuleBuilder& module, FunctionId function);

  // The body of an adapter: sync lower to sync lift (trampoline.cpp).
  void compile_sync_to_sync(const ResolvedAdapter& a);
  // The helpers of an adapter with an async side, which the runtime calls
  // (async_trampoline.cpp): `[async-start]` translates the caller's
  // parameters into the callee's, `[async-return]` the callee's results
  // into the caller's. And the adapter itself, which prepares and starts
  // the call through the runtime; `start` and `return_` are the helpers.
  void compile_async_start(const ResolvedAdapter& a);
  void compile_async_return(const ResolvedAdapter& a);
  void compile_async_call(const ResolvedAdapter& a, FunctionId start, FunctionId return_);
  // The body of an outlined translation (translate.cpp).
  void compile_outlined(const OutlineRequest& request);
  // Ends the body and hands code and locals to the module. Every temporary
  // local must have been given back by then.
  void finish();

 private:
  // Fuel of a function: the sum of layer costs (translate.cpp) it may
  // translate inline before it outlines the rest.
  static constexpr uint32_t kInitialFuel = 1000;

  // A size, length or pointer operand: a constant or a local of either
  // integer type, converted to the type an instruction needs.
  struct Operand {
    bool is_local = false;
    uint64_t constant = 0;
    uint32_t local = 0;
    ValType type = ValType::I64;
    static Operand of(uint64_t value) { return {false, value, 0, ValType::I64}; }
    static Operand in(uint32_t local, ValType type) { return {true, 0, local, type}; }
    static Operand in(const TempLocal& local) { return in(local.index(), local.type()); }
  };

  // The destination buffer of a string: pointer and length (tag included),
  // both of the destination's pointer type.
  struct StringBuffer {
    uint32_t ptr;
    uint32_t len;
  };
  enum class SimpleEncoding { Utf8, Utf16, Latin1 };

  const TypeNode& node(TypeId id) const { return types_.get(id); }
  const AbiLayout& abi(TypeId id, const SideOptions& options) const {
    return node(id).abi(options.memory64);
  }
  // The flat types of a value of `type` as the options lay it out.
  std::vector<ValType> natural_flat(TypeId type, const SideOptions& options) const;

  // --- instructions shared by everything (compiler.cpp) -------------------

  TempLocal temp(ValType type) { return locals_.temp(type); }
  void trap(TrapCode code);
  // Traps with `code` when the i32 on the stack is not zero.
  void trap_if(TrapCode code);
  void call_intrinsic(Intrinsic intrinsic);
  void call_defined(FunctionId target);
  void ref_func_defined(FunctionId target);
  void ptr_const(const SideOptions& options, uint64_t value);
  void ptr_add(const SideOptions& options);
  MemArg memarg(const SideOptions& options, uint64_t offset, uint32_t align) const;
  BlockType block_type_for(std::span<const ValType> results);
  void push_zero(ValType type);
  // Converts the value on the stack between a slot type and the value's
  // natural flat type (the Canonical ABI's join, undone or applied).
  void slot_to_natural(ValType slot, ValType natural);
  void natural_to_slot(ValType natural, ValType slot);
  // i64 -> i32; in debug mode, asserts that the upper half is clear.
  void wrap_checked();

  // --- integer operands, pointers and allocation (memory_access.cpp) ------

  void push_as(const Operand& v, ValType as);
  // Integer operations on i32 or i64 operands, chosen by `t`.
  void op_eq(ValType t);
  void op_ne(ValType t);
  void op_gt_u(ValType t);
  void op_sub(ValType t);
  void op_mul(ValType t);
  void op_or(ValType t);
  void op_xor(ValType t);
  // Replaces the value on the stack by `value & mask != 0` as an i32.
  void op_test_bits(ValType t, uint64_t mask);
  // Lengths below 2^32 move between pointer widths unchanged.
  void convert_int(ValType from, ValType to);
  // A new local holding `local` converted from one pointer width to another.
  TempLocal converted(uint32_t local, ValType from, ValType to);
  // A new local holding `local` times `factor`.
  TempLocal scaled(uint32_t local, ValType t, uint32_t factor);
  // Traps with `out_of_bounds` unless `addr .. addr + size` lies in the
  // options' memory, and with UnalignedPointer unless addr is a multiple
  // of `align`.
  void validate_pointer(const SideOptions& options, uint32_t addr, const Operand& size,
                        uint32_t align, TrapCode out_of_bounds);
  // Calls the options' realloc(ptr, old_size, align, new_size), stores the
  // result in `into` and validates it for alignment and bounds.
  void call_realloc(const SideOptions& options, const Operand& ptr, const Operand& old_size,
                    uint32_t align, const Operand& new_size, TrapCode out_of_bounds, uint32_t into);
  // realloc(0, 0, align, size) into a new local, or into `into`.
  TempLocal malloc(const SideOptions& options, const Operand& size, uint32_t align,
                   TrapCode out_of_bounds);
  void malloc_into(const SideOptions& options, const Operand& size, uint32_t align,
                   TrapCode out_of_bounds, uint32_t into);
  // In debug mode, traps unless the address of a memory operand is aligned.
  void assert_aligned(const SideOptions& options, const MemoryPlace& place, uint32_t align);

  // --- translation (translate.cpp and translate_*.cpp) --------------------

  // Translates a value, or calls an outlined function that does when this
  // function has spent its fuel.
  void translate(TypeId src_type, const Source& src, TypeId dst_type, const Destination& dst);
  void translate_layer(TypeId src_type, const Source& src, TypeId dst_type, const Destination& dst);
  void outline(TypeId src_type, const Source& src, TypeId dst_type, const Destination& dst);
  wasm::FuncType outlined_type(const OutlineKey& key) const;

  // Scalars: read the value (from its slot, or with `load` from memory),
  // then write it (to the stack as the destination's slot type, or with
  // `store` to memory, whose address begin_write pushed first).
  void begin_write(const Destination& dst);
  // An unsigned integer of `bytes` bytes (1, 2 or 4) loaded as an i32, and
  // the low `bytes` bytes of an i32 stored.
  static MemOp unsigned_load(uint32_t bytes);
  static MemOp narrow_store(uint32_t bytes);
  void read_scalar(const Source& src, ValType natural, MemOp load, uint32_t size);
  void write_scalar(const Destination& dst, ValType natural, MemOp store, uint32_t size);
  void translate_plain(const Source& src, const Destination& dst, ValType type);
  void translate_small_int(const Source& src, const Destination& dst, uint32_t bytes,
                           bool is_signed);
  void translate_bool(const Source& src, const Destination& dst);
  void translate_char(const Source& src, const Destination& dst);
  void translate_flags(const TypeNode& n, const Source& src, const Destination& dst);

  void translate_members(TypeId src_type, const Source& src, TypeId dst_type,
                         const Destination& dst);
  void translate_fixed_list_loop(TypeId src_type, const Source& src, TypeId dst_type,
                                 const Destination& dst);

  void read_discriminant(TypeId type, const Source& src);
  void write_discriminant(TypeId type, const Destination& dst, uint32_t index);
  void translate_variant(TypeId src_type, const Source& src, TypeId dst_type,
                         const Destination& dst);

  void translate_handle(const TypeNode& src_node, const TypeNode& dst_node, const Source& src,
                        const Destination& dst);

  void load_pointer_pair(const Source& src, uint32_t ptr, uint32_t len);
  void store_pointer_pair(const Destination& dst, uint32_t ptr, uint32_t len);
  void translate_string(const Source& src, const Destination& dst);
  void transcode_string(const SideOptions& src, SimpleEncoding from, uint32_t src_ptr,
                        uint32_t units, const SideOptions& dst, const StringBuffer& out);
  void copy_string(const SideOptions& src, uint32_t src_ptr, uint32_t units, const SideOptions& dst,
                   Transcode op, uint32_t unit_size, uint32_t align, const StringBuffer& out);
  void string_to_utf16(const SideOptions& src, uint32_t src_ptr, uint32_t units,
                       const SideOptions& dst, const StringBuffer& out);
  void string_to_utf8(const SideOptions& src, SimpleEncoding from, uint32_t src_ptr, uint32_t units,
                      const SideOptions& dst, const StringBuffer& out);
  void string_to_compact(const SideOptions& src, SimpleEncoding from, uint32_t src_ptr,
                         uint32_t units, const SideOptions& dst, const StringBuffer& out);
  void probably_utf16_to_compact(const SideOptions& src, uint32_t src_ptr, uint32_t units,
                                 const SideOptions& dst, const StringBuffer& out);
  uint32_t transcoder(Transcode op, const SideOptions& src, const SideOptions& dst);
  void shrink_utf16(const SideOptions& dst, const StringBuffer& out, uint32_t units_d,
                    uint32_t allocated);

  bool copyable_as_bytes(TypeId type) const;
  void translate_list(TypeId src_type, const Source& src, TypeId dst_type, const Destination& dst);

  // --- the adapter (trampoline.cpp) ---------------------------------------

  void translate_params(const ResolvedAdapter& a);
  // `results`: the callee's results, flat or (when `indirect`) a pointer to
  // them in its memory. `retptr`: the local holding where the caller wants
  // them, or none to leave them on the stack as the caller's flat results.
  void translate_results(const ResolvedAdapter& a, std::span<const Slot> results, bool indirect,
                         std::optional<uint32_t> retptr);
  // Saves the flags global of `options` in a new local and clears it (the
  // instance may not call out meanwhile), and restores it.
  TempLocal clear_may_leave(const SideOptions& options);
  void restore_may_leave(const SideOptions& options, const TempLocal& saved);

  ModuleBuilder& module_;
  const TypeStore& types_;
  FunctionId function_;
  Locals locals_;
  wasm::Bytes code_;
  wasm::Instructions ins_;
  std::vector<Relocation> relocations_;
  uint32_t fuel_;
};

// The helpers of an adapter with an async side (async_trampoline.cpp):
// `[async-start]` takes the caller's flat parameters (without a return
// pointer) and returns the callee's; `[async-return]` takes the callee's
// results (plus the caller's return pointer, when it has one) and returns
// a sync caller's flat result.
wasm::FuncType async_start_type(const ResolvedAdapter& a);
wasm::FuncType async_return_type(const ResolvedAdapter& a);

// Generates the body of the adapter's function, then drains the worklist of
// outlined functions it and they asked for.
void compile_adapter(ModuleBuilder& module, const ResolvedAdapter& adapter);

}  // namespace fact::adapter
