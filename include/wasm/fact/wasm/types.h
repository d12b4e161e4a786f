// The core WebAssembly vocabulary every layer of fact shares: value types
// with their binary encodings, function types, limits, memory, table and
// global types, the kinds of imports and exports, and core values. The
// encoder writes these, the module and component readers produce them, the
// Canonical ABI flattens into them, the adapter compiler and the engine
// consume them.
//
// Kept to C++17 on purpose: the engine's bridge to libwabt includes it and
// must be compiled as C++17 with GCC 12 (src/engine/runtime.cpp says why),
// so comparisons are written out instead of defaulted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

namespace fact::wasm {

// A heap type: an abstract one, by its binary shorthand byte (0x70 func,
// 0x6f extern, 0x6e any, ...), or a concrete type index.
struct HeapType {
  bool concrete = false;
  uint32_t index = 0;    // concrete
  uint8_t abstract = 0;  // !concrete

  static HeapType of_abstract(uint8_t byte) { return {false, 0, byte}; }
  static HeapType of_index(uint32_t index) { return {true, index, 0}; }

  friend bool operator==(const HeapType& a, const HeapType& b) {
    return a.concrete == b.concrete && (a.concrete ? a.index == b.index : a.abstract == b.abstract);
  }
  friend bool operator!=(const HeapType& a, const HeapType& b) { return !(a == b); }
};

// The heap types of the shorthand reference types.
inline constexpr uint8_t kFuncHeap = 0x70;
inline constexpr uint8_t kExternHeap = 0x6F;

// A value type: a number, a vector or a reference (the core spec's valtype,
// wasm-encoder's ValType). Numbers and v128 compare and switch by kind();
// ValType::I32 and friends read as the enum constants they replace.
class ValType {
 public:
  // The binary encodings; a reference is written 0x64 (ref ht) or 0x63
  // (ref null ht), and the shorthands (funcref, externref, ...) mean
  // `(ref null <their byte>)`.
  enum class Kind : uint8_t {
    I32 = 0x7F,
    I64 = 0x7E,
    F32 = 0x7D,
    F64 = 0x7C,
    V128 = 0x7B,
    Ref = 0x64
  };

  static const ValType I32;
  static const ValType I64;
  static const ValType F32;
  static const ValType F64;
  static const ValType V128;

  constexpr ValType() = default;  // i32
  static ValType ref(HeapType heap, bool nullable) { return ValType(Kind::Ref, heap, nullable); }
  static ValType funcref() { return ref(HeapType::of_abstract(kFuncHeap), true); }

  constexpr Kind kind() const { return kind_; }
  constexpr bool is_ref() const { return kind_ == Kind::Ref; }
  // i32, i64, f32 or f64: the types flattened component values use.
  constexpr bool is_number() const { return kind_ != Kind::Ref && kind_ != Kind::V128; }
  const HeapType& heap() const { return heap_; }  // references only
  bool nullable() const { return nullable_; }     // references only

  friend bool operator==(const ValType& a, const ValType& b) {
    if (a.kind_ != b.kind_) return false;
    return !a.is_ref() || (a.nullable_ == b.nullable_ && a.heap_ == b.heap_);
  }
  friend bool operator!=(const ValType& a, const ValType& b) { return !(a == b); }
  // An arbitrary but fixed order, for use as a map key.
  friend bool operator<(const ValType& a, const ValType& b) { return a.key() < b.key(); }

 private:
  constexpr explicit ValType(Kind kind) : kind_(kind) {}
  ValType(Kind kind, HeapType heap, bool nullable)
      : kind_(kind), heap_(heap), nullable_(nullable) {}
  std::tuple<uint8_t, bool, bool, uint32_t, uint8_t> key() const {
    if (!is_ref()) return {static_cast<uint8_t>(kind_), false, false, 0, 0};
    return {static_cast<uint8_t>(kind_), nullable_, heap_.concrete, heap_.index, heap_.abstract};
  }

  Kind kind_ = Kind::I32;
  HeapType heap_;
  bool nullable_ = false;
};

inline constexpr ValType ValType::I32{ValType::Kind::I32};
inline constexpr ValType ValType::I64{ValType::Kind::I64};
inline constexpr ValType ValType::F32{ValType::Kind::F32};
inline constexpr ValType ValType::F64{ValType::Kind::F64};
inline constexpr ValType ValType::V128{ValType::Kind::V128};

// The text format's name: "i32", "funcref", "(ref null 3)", "(ref func)".
std::string to_string(ValType type);

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;

  // Whether every parameter and result is a number (what the Canonical
  // ABI's flattened signatures are made of).
  bool is_numeric() const;

  friend bool operator==(const FuncType& a, const FuncType& b) {
    return a.params == b.params && a.results == b.results;
  }
  friend bool operator!=(const FuncType& a, const FuncType& b) { return !(a == b); }
  friend bool operator<(const FuncType& a, const FuncType& b) {
    return std::tie(a.params, a.results) < std::tie(b.params, b.results);
  }
};

// "[i32 i32] -> [i32]".
std::string to_string(const FuncType& type);

// The size limits of a memory or table, in pages or elements.
struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;

  friend bool operator==(const Limits& a, const Limits& b) {
    return a.min == b.min && a.max == b.max;
  }
  friend bool operator!=(const Limits& a, const Limits& b) { return !(a == b); }
};

// "1" or "1 2".
std::string to_string(const Limits& limits);

struct MemoryType {
  Limits limits;
  bool memory64 = false;
  bool shared = false;
  // The custom-page-sizes proposal: 16 (64 KiB pages) or 0 (1-byte pages).
  uint8_t page_size_log2 = 16;

  friend bool operator==(const MemoryType& a, const MemoryType& b) {
    return a.limits == b.limits && a.memory64 == b.memory64 && a.shared == b.shared &&
           a.page_size_log2 == b.page_size_log2;
  }
  friend bool operator!=(const MemoryType& a, const MemoryType& b) { return !(a == b); }
  friend bool operator<(const MemoryType& a, const MemoryType& b) {
    return std::tie(a.limits.min, a.limits.max, a.memory64, a.shared, a.page_size_log2) <
           std::tie(b.limits.min, b.limits.max, b.memory64, b.shared, b.page_size_log2);
  }
};

// The most pages a memory of this index type and page size may have (the
// core spec's bound: 2^16 pages of 64 KiB for 32-bit memories, 2^48 for
// 64-bit ones, the same byte range with other page sizes).
uint64_t max_pages(const MemoryType& type);

struct TableType {
  ValType element = ValType::funcref();  // always a reference type
  Limits limits;
  bool table64 = false;
};

struct GlobalType {
  ValType type;
  bool mutable_ = false;
};

// An exception tag: the index of its function type (parameters only).
struct TagType {
  uint32_t func_type = 0;
};

// What an import or export is, by its binary encoding.
enum class ExternKind : uint8_t {
  Func = 0x00,
  Table = 0x01,
  Memory = 0x02,
  Global = 0x03,
  Tag = 0x04
};

// "func", "table", "memory", "global", "tag".
const char* to_string(ExternKind kind);

// The type of an import or export; the alternatives are in ExternKind order.
using ExternType = std::variant<FuncType, TableType, MemoryType, GlobalType, TagType>;

inline ExternKind kind_of(const ExternType& type) { return static_cast<ExternKind>(type.index()); }

// A core value; floats are kept as their bit patterns (an f32 in the low 32
// bits) so that NaN payloads survive unchanged. Only numbers.
struct Val {
  ValType type = ValType::I32;
  uint64_t bits = 0;

  static Val i32(uint32_t v) { return {ValType::I32, v}; }
  static Val i64(uint64_t v) { return {ValType::I64, v}; }
  static Val f32_bits(uint32_t v) { return {ValType::F32, v}; }
  static Val f64_bits(uint64_t v) { return {ValType::F64, v}; }
  friend bool operator==(const Val& a, const Val& b) {
    return a.type == b.type && a.bits == b.bits;
  }
  friend bool operator!=(const Val& a, const Val& b) { return !(a == b); }
};

// "i32:0x2a", and "[i32:0x1, f32:0x3f800000]" for a list.
std::string to_string(const Val& value);
std::string to_string(const std::vector<Val>& values);

}  // namespace fact::wasm
