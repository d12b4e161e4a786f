// Core wasm binary encoding: LEB128, value and block types, the instructions
// adapter modules use, and the sections of a module, each of which counts
// its own entries (as wasm-encoder's do). Knows nothing about components.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "fact/wasm/types.h"

namespace fact::wasm {

using Bytes = std::vector<uint8_t>;

void write_u32(Bytes& out, uint32_t value);  // unsigned LEB128
void write_u64(Bytes& out, uint64_t value);  // unsigned LEB128
void write_s32(Bytes& out, int32_t value);   // signed LEB128
void write_s64(Bytes& out, int64_t value);   // signed LEB128
void write_name(Bytes& out, std::string_view name);
void write_val_type(Bytes& out, ValType type);
void write_limits(Bytes& out, const Limits& limits, uint8_t flags);

// A block's type: empty, one result, or a type index (multi-value).
struct BlockType {
  enum class Kind : uint8_t { Empty, Value, TypeIndex } kind = Kind::Empty;
  ValType value = ValType::I32;
  uint32_t type_index = 0;

  static BlockType empty() { return {}; }
  static BlockType of(ValType v) { return {Kind::Value, v, 0}; }
  static BlockType index(uint32_t i) { return {Kind::TypeIndex, ValType::I32, i}; }
};

// A memory immediate. `offset` is 64-bit for memory64; the memory index is
// written only when it is not 0 (multi-memory encoding sets bit 6 of the
// alignment field).
struct MemArg {
  uint32_t align_log2 = 0;
  uint64_t offset = 0;
  uint32_t memory = 0;
};

// The load and store instructions, by opcode.
enum class MemOp : uint8_t {
  I32Load = 0x28,
  I64Load = 0x29,
  F32Load = 0x2A,
  F64Load = 0x2B,
  I32Load8S = 0x2C,
  I32Load8U = 0x2D,
  I32Load16S = 0x2E,
  I32Load16U = 0x2F,
  I64Load8U = 0x31,
  I64Load16U = 0x33,
  I64Load32U = 0x35,
  I32Store = 0x36,
  I64Store = 0x37,
  F32Store = 0x38,
  F64Store = 0x39,
  I32Store8 = 0x3A,
  I32Store16 = 0x3B,
};

// Appends instructions to a byte buffer.
class Instructions {
 public:
  explicit Instructions(Bytes& out) : out_(out) {}

  // control
  void unreachable() { op(0x00); }
  void nop() { op(0x01); }
  void block(BlockType type) { op(0x02), block_type(type); }
  void loop(BlockType type) { op(0x03), block_type(type); }
  void if_(BlockType type) { op(0x04), block_type(type); }
  void else_() { op(0x05); }
  void end() { op(0x0B); }
  void br(uint32_t depth) { op(0x0C), write_u32(out_, depth); }
  void br_if(uint32_t depth) { op(0x0D), write_u32(out_, depth); }
  void br_table(std::span<const uint32_t> targets, uint32_t default_target);
  void return_() { op(0x0F); }
  // try_table with a single `catch_all <label>` clause (exception handling).
  void try_table_catch_all(BlockType type, uint32_t label) {
    op(0x1F), block_type(type), write_u32(out_, 1), op(0x02), write_u32(out_, label);
  }
  void call(uint32_t function) { op(0x10), write_u32(out_, function); }
  void drop() { op(0x1A); }
  void select() { op(0x1B); }

  // variables
  void local_get(uint32_t i) { op(0x20), write_u32(out_, i); }
  void local_set(uint32_t i) { op(0x21), write_u32(out_, i); }
  void local_tee(uint32_t i) { op(0x22), write_u32(out_, i); }
  void global_get(uint32_t i) { op(0x23), write_u32(out_, i); }
  void global_set(uint32_t i) { op(0x24), write_u32(out_, i); }

  // memory
  void mem(MemOp op, MemArg m) { mem_op(static_cast<uint8_t>(op), m); }
  void i32_load(MemArg m) { mem(MemOp::I32Load, m); }
  void i64_load(MemArg m) { mem(MemOp::I64Load, m); }
  void f32_load(MemArg m) { mem(MemOp::F32Load, m); }
  void f64_load(MemArg m) { mem(MemOp::F64Load, m); }
  void i32_load8_s(MemArg m) { mem(MemOp::I32Load8S, m); }
  void i32_load8_u(MemArg m) { mem(MemOp::I32Load8U, m); }
  void i32_load16_s(MemArg m) { mem(MemOp::I32Load16S, m); }
  void i32_load16_u(MemArg m) { mem(MemOp::I32Load16U, m); }
  void i64_load8_u(MemArg m) { mem(MemOp::I64Load8U, m); }
  void i64_load16_u(MemArg m) { mem(MemOp::I64Load16U, m); }
  void i64_load32_u(MemArg m) { mem(MemOp::I64Load32U, m); }
  void i32_store(MemArg m) { mem(MemOp::I32Store, m); }
  void i64_store(MemArg m) { mem(MemOp::I64Store, m); }
  void f32_store(MemArg m) { mem(MemOp::F32Store, m); }
  void f64_store(MemArg m) { mem(MemOp::F64Store, m); }
  void i32_store8(MemArg m) { mem(MemOp::I32Store8, m); }
  void i32_store16(MemArg m) { mem(MemOp::I32Store16, m); }
  void memory_size(uint32_t memory) { op(0x3F), write_u32(out_, memory); }
  void memory_grow(uint32_t memory) { op(0x40), write_u32(out_, memory); }
  void memory_copy(uint32_t dst_memory, uint32_t src_memory);
  void memory_fill(uint32_t memory);

  // constants
  void i32_const(int32_t v) { op(0x41), write_s32(out_, v); }
  void i64_const(int64_t v) { op(0x42), write_s64(out_, v); }
  void f32_const_bits(uint32_t bits);
  void f64_const_bits(uint64_t bits);

  // i32
  void i32_eqz() { op(0x45); }
  void i32_eq() { op(0x46); }
  void i32_ne() { op(0x47); }
  void i32_lt_u() { op(0x49); }
  void i32_gt_u() { op(0x4B); }
  void i32_le_u() { op(0x4D); }
  void i32_ge_u() { op(0x4F); }
  void i32_add() { op(0x6A); }
  void i32_sub() { op(0x6B); }
  void i32_mul() { op(0x6C); }
  void i32_and() { op(0x71); }
  void i32_or() { op(0x72); }
  void i32_xor() { op(0x73); }
  void i32_shl() { op(0x74); }
  void i32_shr_u() { op(0x76); }

  // i64
  void i64_eqz() { op(0x50); }
  void i64_eq() { op(0x51); }
  void i64_ne() { op(0x52); }
  void i64_lt_u() { op(0x54); }
  void i64_gt_u() { op(0x56); }
  void i64_le_u() { op(0x58); }
  void i64_ge_u() { op(0x5A); }
  void i64_add() { op(0x7C); }
  void i64_sub() { op(0x7D); }
  void i64_mul() { op(0x7E); }
  void i64_and() { op(0x83); }
  void i64_or() { op(0x84); }
  void i64_xor() { op(0x85); }
  void i64_shl() { op(0x86); }
  void i64_shr_u() { op(0x88); }

  // conversions
  void i32_wrap_i64() { op(0xA7); }
  void i64_extend_i32_u() { op(0xAD); }
  void i32_reinterpret_f32() { op(0xBC); }
  void i64_reinterpret_f64() { op(0xBD); }
  void f32_reinterpret_i32() { op(0xBE); }
  void f64_reinterpret_i64() { op(0xBF); }
  void i32_extend8_s() { op(0xC0); }
  void i32_extend16_s() { op(0xC1); }

  // references
  void ref_func(uint32_t function) { op(0xD2), write_u32(out_, function); }

  Bytes& bytes() { return out_; }

 private:
  void op(uint8_t code) { out_.push_back(code); }
  void block_type(BlockType type);
  void mem_op(uint8_t code, MemArg m);

  Bytes& out_;
};

// A section under construction: its entries, and how many there are.
class Section {
 public:
  uint32_t count() const { return count_; }
  const Bytes& bytes() const { return bytes_; }

 protected:
  // Starts the next entry: the caller appends its bytes.
  Bytes& entry() {
    ++count_;
    return bytes_;
  }

 private:
  uint32_t count_ = 0;
  Bytes bytes_;
};

class TypeSection : public Section {
 public:
  void func(const FuncType& type);
};

class ImportSection : public Section {
 public:
  void func(std::string_view module, std::string_view field, uint32_t type_index);
  void memory(std::string_view module, std::string_view field, const MemoryType& type);
  void global(std::string_view module, std::string_view field, const GlobalType& type);
};

class FunctionSection : public Section {
 public:
  void func(uint32_t type_index);
};

class ExportSection : public Section {
 public:
  void item(std::string_view name, ExternKind kind, uint32_t index);
};

class CodeSection : public Section {
 public:
  // `locals` is the run-length encoded declaration ((count, type) pairs);
  // `code` the instructions, ending with `end`.
  void body(std::span<const std::pair<uint32_t, ValType>> locals, std::span<const uint8_t> code);
};

// A module, section by section; sections must be added in the order the
// binary format requires.
class ModuleWriter {
 public:
  ModuleWriter();

  void section(const TypeSection& s) { add(1, s); }
  void section(const ImportSection& s) { add(2, s); }
  void section(const FunctionSection& s) { add(3, s); }
  void section(const ExportSection& s) { add(7, s); }
  void section(const CodeSection& s) { add(10, s); }

  Bytes finish() && { return std::move(out_); }

 private:
  void add(uint8_t id, const Section& s);

  Bytes out_;
};

}  // namespace fact::wasm
