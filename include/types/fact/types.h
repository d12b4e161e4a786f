// Component Model value types and function types, interned structurally.
//
// A TypeStore owns every type; a TypeId names one. Two structurally equal
// types built in the same store get the same TypeId, so type equality is id
// equality. Building a type never fails: checks that the Component Model
// imposes (flags with 1 to 32 labels, non-empty records, unique names, ...)
// are made by check_value_type() and by the adapter compiler before code is
// generated, so that they can be reported as errors.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fact/error.h"
#include "fact/wasm/types.h"

namespace fact {

enum class TypeKind : uint8_t {
  Bool,
  S8,
  U8,
  S16,
  U16,
  S32,
  U32,
  S64,
  U64,
  F32,
  F64,
  Char,
  String,
  List,       // list<T>
  FixedList,  // list<T, N>
  Map,        // map<K, V>
  Record,
  Tuple,
  Variant,
  Enum,
  Option,
  Result,
  Flags,
  Own,
  Borrow,
  Future,
  Stream,
  ErrorContext,
};

// The WIT spelling of a kind ("u32", "record", "list", ...).
const char* kind_name(TypeKind kind);
// An integer or float kind (the spec's number types): the same bytes in
// every memory, and no invalid bit patterns.
bool is_number(TypeKind kind);

struct TypeId {
  uint32_t index = 0;
  friend bool operator==(TypeId a, TypeId b) { return a.index == b.index; }
  friend bool operator!=(TypeId a, TypeId b) { return a.index != b.index; }
};

struct FuncTypeId {
  uint32_t index = 0;
  friend bool operator==(FuncTypeId a, FuncTypeId b) { return a.index == b.index; }
  friend bool operator!=(FuncTypeId a, FuncTypeId b) { return a.index != b.index; }
};

struct Field {
  std::string name;
  TypeId type;
  friend bool operator==(const Field&, const Field&) = default;
};

struct Case {
  std::string name;
  std::optional<TypeId> type;
  friend bool operator==(const Case&, const Case&) = default;
};

// The most flat values a type may have and still be passed as flat values.
inline constexpr uint32_t kMaxFlatParams = 16;
inline constexpr uint32_t kMaxFlatAsyncParams = 4;
inline constexpr uint32_t kMaxFlatResults = 1;

// Canonical ABI facts about a type for one pointer width, computed once when
// the type is interned (children are always interned first).
struct AbiLayout {
  uint32_t size = 0;
  uint32_t align = 1;
  // The flattened core types (always numbers), or nullopt when there are
  // more than kMaxFlatParams of them (the type then never travels as flat
  // values).
  std::optional<std::vector<wasm::ValType>> flat;
};

// One interned type. Which members are used depends on kind:
//   List, FixedList, Option, Future, Stream: element (absent for a
//     future or stream without payload); FixedList: also length.
//   Map: key and value.
//   Record: fields. Tuple: elements.
//   Variant, Enum, Option, Result: cases, always filled in, so that the
//     whole variant family can be handled as the Canonical ABI's
//     despecialized variant (enum: cases without payload; option: none,
//     some(T); result: ok(T?), error(E?)).
//   Enum, Flags: labels.
//   Own, Borrow: resource, an embedder-chosen index naming the resource
//     table on the side of the adapter the type belongs to. Future, Stream,
//     ErrorContext: resource likewise names their table (0 by default).
struct TypeNode {
  TypeKind kind = TypeKind::Bool;
  std::optional<TypeId> element;
  uint32_t length = 0;
  TypeId key, value;
  std::vector<Field> fields;
  std::vector<TypeId> elements;
  std::vector<Case> cases;
  std::vector<std::string> labels;
  uint32_t resource = 0;

  // Derived, not part of the identity of the type.
  AbiLayout abi32;  // in a memory with 32-bit addresses
  AbiLayout abi64;  // in a memory with 64-bit addresses
  bool contains_borrow = false;
  // Nesting depth: 1 for types without children.
  uint32_t depth = 1;

  const AbiLayout& abi(bool memory64) const { return memory64 ? abi64 : abi32; }
};

struct Param {
  std::string name;
  TypeId type;
  friend bool operator==(const Param&, const Param&) = default;
};

struct FuncType {
  bool is_async = false;
  std::vector<Param> params;
  std::optional<TypeId> result;
  friend bool operator==(const FuncType&, const FuncType&) = default;
};

class TypeStore {
 public:
  TypeStore();
  ~TypeStore();
  TypeStore(TypeStore&&) noexcept;
  TypeStore& operator=(TypeStore&&) noexcept;
  TypeStore(const TypeStore&) = delete;
  TypeStore& operator=(const TypeStore&) = delete;

  // A type without children: the scalars, string and error-context.
  TypeId primitive(TypeKind kind);
  TypeId boolean() { return primitive(TypeKind::Bool); }
  TypeId string() { return primitive(TypeKind::String); }

  TypeId list(TypeId element);
  TypeId fixed_list(TypeId element, uint32_t length);
  TypeId map(TypeId key, TypeId value);
  TypeId record(std::vector<Field> fields);
  TypeId tuple(std::vector<TypeId> elements);
  TypeId variant(std::vector<Case> cases);
  TypeId enumeration(std::vector<std::string> labels);
  TypeId option(TypeId some);
  TypeId result(std::optional<TypeId> ok, std::optional<TypeId> error);
  TypeId flags(std::vector<std::string> labels);
  TypeId own(uint32_t resource);
  TypeId borrow(uint32_t resource);
  // `table` (kept in TypeNode::resource) names the future, stream or
  // error-context table of the side the type belongs to, as for handles.
  TypeId future(std::optional<TypeId> element, uint32_t table = 0);
  TypeId stream(std::optional<TypeId> element, uint32_t table = 0);
  TypeId error_context(uint32_t table = 0);

  FuncTypeId func(FuncType type);

  const TypeNode& get(TypeId id) const;
  const FuncType& get(FuncTypeId id) const;

  // Number of interned value types and function types: ids below these
  // counts are valid.
  size_t size() const;
  size_t func_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Checks the rules the Component Model places on a value type and all types
// it contains: flags and enums have 1 to 32 (flags) or 1 or more (enum)
// labels, records and tuples and variants are not empty, names are unique
// and not empty, fixed-length lists have a length of at least 1, and the
// 64-bit element size stays below 2^28. The error names the offending type.
Expected<void> check_value_type(const TypeStore& store, TypeId id);
// Why `stream<element>` or `future<element>` (`kind`) is not valid, as the
// binary format's validation says: a stream of chars, or a payload that
// holds a borrow. nullopt when it is valid.
std::optional<std::string> copy_payload_problem(const TypeStore& store, TypeKind kind,
                                                std::optional<TypeId> element);
Expected<void> check_func_type(const TypeStore& store, FuncTypeId id);

// The most characters of a type's text that to_string writes by default.
// Types share their children, so the text of a type can grow exponentially
// with its nesting (`tuple<t, t>` of `tuple<u, u>` of ...) while the type
// itself stays small: a longer text is cut there and ends in "...".
inline constexpr size_t kTypeTextLimit = 4096;
// The limit for a type quoted in an error message: enough to recognise it,
// short enough for one line.
inline constexpr size_t kTypeMessageLimit = 200;

// WIT-style text for a type, e.g. "record { x: f32, y: option<u8> }", cut
// after `limit` characters as kTypeTextLimit says. Printing costs at most
// O(limit + nesting depth).
std::string to_string(const TypeStore& store, TypeId id, size_t limit = kTypeTextLimit);
std::string to_string(const TypeStore& store, FuncTypeId id, size_t limit = kTypeTextLimit);
// The same, with handles naming their resource as `name_resource` says
// (`own<name>`) instead of by id (`own<r3>`).
using ResourceNamer = std::function<std::string(uint32_t resource)>;
std::string to_string(const TypeStore& store, const FuncType& type,
                      const ResourceNamer& name_resource, size_t limit = kTypeTextLimit);

}  // namespace fact
