// The parser behind read_component(), shared by reader.cpp (sections and
// definitions), reader_types.cpp (types, names, aliases) and reader_canon.cpp
// (canonical definitions). Internal to the reader.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fact/component/ast.h"
#include "fact/wasm/cursor.h"
#include "fact/wasm/module_reader.h"

namespace fact::component {

using wasm::Cursor;
using wasm::Diag;
using wasm::hex;

// A name or label as messages quote it.
inline std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// What the [constructor]/[method]/[static] checks need to know about one
// type index, as far as the reader can tell without resolving types.
// Resources are identified by their defining byte offset + 1 (0: unknown).
struct TypeFacts {
  enum class Kind : uint8_t { Unknown, Resource, Own, Borrow, Result, OtherValue, Func };
  Kind kind = Kind::Unknown;
  size_t resource = 0;                        // Resource, Own, Borrow
  std::optional<ValType> ok;                  // Result
  std::optional<LabeledValType> first_param;  // Func
  std::optional<ValType> result;              // Func
};

// The import or the export names of one scope (they are separate spaces).
struct NameSpace {
  // unique_key() of each name -> the name as written, for "conflicts with".
  std::unordered_map<std::string, std::string> keys;
  // Plain names of type imports/exports -> their type index: the resources
  // that annotated names can refer to.
  std::unordered_map<std::string, uint32_t> types;
};

// One lexical scope: a component, a component or instance type, or a core
// module type. Only the sizes of its index spaces are tracked, which is all
// the structural index checks need.
struct Scope {
  enum class Kind : uint8_t { Component, ComponentType, InstanceType, ModuleType };
  Kind kind = Kind::Component;
  std::array<uint32_t, kSortCount> counts{};
  std::vector<TypeFacts> types;  // by type index; shorter when facts are unknown
  NameSpace imports;
  NameSpace exports;
};

// Components and types nested deeper than this are rejected, which bounds
// the recursion of the parser (and of every later pass walking the tree).
inline constexpr size_t kMaxNesting = 64;

// At most this many definitions and declarators in one input. A definition
// can be a single byte but takes a few hundred bytes in the tree, so without
// a cap a large input of tiny entries would need far more memory than its
// size suggests. Real components stay far below this.
inline constexpr size_t kMaxItems = 100'000;

class Reader {
 public:
  Reader(std::span<const uint8_t> input, Diag& diag) : input_(input), diag_(diag) {}

  // A whole component starting at the cursor's position: preamble and
  // sections up to the cursor's end.
  Component component(Cursor& c);

  // reader_types.cpp
  Type deftype(Cursor& c);
  CoreType core_type(Cursor& c);
  ValType valtype(Cursor& c);
  ExternType externtype(Cursor& c);
  ExternName extern_name(Cursor& c);
  // An alias in a component (in_type = false) or in a type declarator.
  Alias alias(Cursor& c, bool in_type);
  // `0x00 core:sort` or 0x01..0x05.
  Sort sort(Cursor& c);
  Sort core_sort(Cursor& c);
  std::string label(Cursor& c, std::string_view what);

  // Names (reader_types.cpp). facts_of/type_facts describe type indices of
  // the current scope; set_type_facts records the facts of the type index
  // added last.
  TypeFacts facts_of(const Type& t) const;
  TypeFacts extern_type_facts(const ExternType& t, size_t offset) const;
  TypeFacts type_facts(uint32_t index) const;
  void set_type_facts(TypeFacts facts);
  // Checks a new import/export name against `ns` (sort rules, strong
  // uniqueness, the resource of an annotated name and the shape of its
  // function type `func_type`, when known) and records it. `type_index` is
  // the type the name stands for when its sort is type.
  void declare_name(Cursor& c, size_t at, NameSpace& ns, const ExternName& name, Sort sort,
                    std::optional<uint32_t> func_type, std::optional<uint32_t> type_index,
                    std::string_view what);

  // reader_canon.cpp
  Canon canon(Cursor& c);

  // Scopes. push_scope fails (and returns false) beyond kMaxNesting.
  bool push_scope(Cursor& c, Scope::Kind kind);
  void pop_scope() { scopes_.pop_back(); }
  Scope& scope() { return scopes_.back(); }
  uint32_t count(Sort s) const { return scopes_.back().counts[size_t(s)]; }
  void add(Sort s) { ++scopes_.back().counts[size_t(s)]; }
  // Reports "<what> index N out of range (M defined)" when index >= count.
  void check_index(Cursor& c, size_t at, Sort s, uint32_t index, std::string_view what);
  // Reads a u32 index and checks it against the current scope.
  uint32_t index(Cursor& c, Sort s, std::string_view what);
  // Counts one more definition or declarator against kMaxItems.
  bool count_item(Cursor& c);

 private:
  void section(Component& comp, uint8_t id, Cursor& c, size_t section_offset);
  void append(Component& comp, Definition def);

  std::span<const uint8_t> input_;
  Diag& diag_;
  std::vector<Scope> scopes_;
  size_t items_ = 0;
};

}  // namespace fact::component
