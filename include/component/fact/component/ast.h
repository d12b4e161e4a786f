// The syntax tree of a component binary, as read by read_component().
//
// It mirrors the binary format (the Component Model's Binary.md) one to one:
// every definition of every section is kept in the order it appears, with
// its byte offset, and nothing is resolved or checked beyond what the reader
// documents. Later passes (type resolution, instance-graph inlining, adapter
// discovery) work on this tree and report their errors with `offset`.
//
// Offsets are absolute: they count from the first byte of the outermost
// input, also inside nested components, so that every message can point at
// the exact byte in the file the user passed in.
//
// Stability: consumers rely on this header; it only ever grows.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "fact/wasm/types.h"

namespace fact::component {

// ---------------------------------------------------------------------------
// Sorts and index spaces (Binary.md "sort")

// The 13 index spaces. The binary sort bytes are mapped onto this enum by the
// reader (`0x00 0x00` -> CoreFunc, `0x01` -> Func, ...).
enum class Sort : uint8_t {
  CoreFunc,
  CoreTable,
  CoreMemory,
  CoreGlobal,
  CoreTag,
  CoreType,
  CoreModule,
  CoreInstance,
  Func,
  Value,
  Type,
  Component,
  Instance,
};
inline constexpr size_t kSortCount = 13;

inline constexpr bool is_core(Sort s) { return s <= Sort::CoreInstance; }

// "core func", "func", "component", ... as in the text format.
const char* sort_name(Sort sort);

// ---------------------------------------------------------------------------
// Core types (section 3, and inside module types)

// Core types use the core wasm vocabulary (fact/wasm/types.h). A value
// type's reference shorthands (funcref 0x70, ...) are read as their long
// form, `(ref null <heap type>)`.

// A core extern type (import/export of a module type). `func_type` and the
// tag's type are core type indices.
struct CoreExternType {
  wasm::ExternKind kind = wasm::ExternKind::Func;
  uint32_t func_type = 0;   // Func
  wasm::TableType table;    // Table
  wasm::MemoryType memory;  // Memory
  wasm::GlobalType global;  // Global
  wasm::TagType tag;        // Tag
};

struct CoreModuleDecl;

// `0x50 vec(moduledecl)`. Each module type starts with an empty core type
// index space of its own.
struct CoreModuleType {
  std::vector<CoreModuleDecl> decls;
};

struct CoreImportDecl {
  std::string module;
  std::string field;
  CoreExternType type;
};
struct CoreExportDecl {
  std::string name;
  CoreExternType type;
};
// `0x02 0x10 0x01 ct idx`: the only alias a module type may contain.
struct CoreOuterTypeAlias {
  uint32_t count = 0;
  uint32_t index = 0;
};

// A core type: the reader accepts function types (0x60) and module types
// (0x50); module types may contain only function types.
struct CoreType {
  size_t offset = 0;
  std::variant<wasm::FuncType, CoreModuleType> type;
};

struct CoreModuleDecl {
  size_t offset = 0;
  std::variant<CoreImportDecl, CoreType, CoreOuterTypeAlias, CoreExportDecl> decl;
};

// ---------------------------------------------------------------------------
// Names (Binary.md "importname" and "exportname")

enum class NameKind : uint8_t {
  Label,        // "foo-bar"
  Constructor,  // "[constructor]r"
  Method,       // "[method]r.f"
  Static,       // "[static]r.f"
  Interface,    // "ns:pkg/iface@1.2.3" (nested namespaces and paths allowed)
  // Legacy forms that wasmparser still accepts; kept opaque.
  Url,          // "url=<...>"
  RelativeUrl,  // "relative-url=<...>"
  Integrity,    // "integrity=<...>"
  LockedDep,    // "locked-dep=<...>"
  UnlockedDep,  // "unlocked-dep=<...>"
  AsyncLabel,   // "[async]f"
  AsyncMethod,  // "[async method]r.f"
  AsyncStatic,  // "[async static]r.f"
};

struct NameAttribute {
  enum class Kind : uint8_t { Implements = 0x00, VersionSuffix = 0x01, ExternalId = 0x02 };
  Kind kind = Kind::Implements;
  std::string value;
  friend bool operator==(const NameAttribute&, const NameAttribute&) = default;
};

// An import or export name (`nameattributes`). Matching inside a component is
// plain equality on `text`; everything else is metadata or a parse of `text`
// kept for diagnostics and for the [constructor]/[method]/[static] rules.
struct ExternName {
  std::string text;                       // the exact bytes
  uint8_t form = 0x00;                    // discriminator byte: 0x00, 0x01 or 0x02
  std::vector<NameAttribute> attributes;  // form 0x02 only
  NameKind kind = NameKind::Label;
  // Label/AsyncLabel: the label. Constructor: the resource. Method, Static
  // and their async forms: the function label (resource in `resource`).
  std::string label;
  std::string resource;
  // Interface: "ns:pkg" (or "a:b:pkg" nested), "iface" (or "a/b"), and the
  // version after '@' (empty when there is none).
  std::string package;
  std::string interface;
  std::string version;
};

// ---------------------------------------------------------------------------
// Component types (section 7, and inside component/instance types)

enum class PrimValType : uint8_t {
  Bool = 0x7f,
  S8 = 0x7e,
  U8 = 0x7d,
  S16 = 0x7c,
  U16 = 0x7b,
  S32 = 0x7a,
  U32 = 0x79,
  S64 = 0x78,
  U64 = 0x77,
  F32 = 0x76,
  F64 = 0x75,
  Char = 0x74,
  String = 0x73,
  ErrorContext = 0x64,
};

const char* prim_name(PrimValType type);

// `valtype`: a primitive or an index into the (current scope's) type space.
struct ValType {
  std::optional<PrimValType> primitive;
  uint32_t index = 0;  // when !primitive

  static ValType prim(PrimValType p) { return ValType{p, 0}; }
  static ValType type_index(uint32_t i) { return ValType{std::nullopt, i}; }
  bool is_primitive() const { return primitive.has_value(); }
  friend bool operator==(const ValType&, const ValType&) = default;
};

struct LabeledValType {
  std::string label;
  ValType type;
  friend bool operator==(const LabeledValType&, const LabeledValType&) = default;
};

struct VariantCase {
  std::string label;
  std::optional<ValType> type;
  friend bool operator==(const VariantCase&, const VariantCase&) = default;
};

// defvaltype alternatives.
struct PrimitiveType {
  PrimValType type = PrimValType::Bool;
};
struct RecordType {
  std::vector<LabeledValType> fields;
};
struct VariantType {
  std::vector<VariantCase> cases;
};
struct ListType {
  ValType element;
};
struct FixedListType {
  ValType element;
  uint32_t length = 0;
};
struct TupleType {
  std::vector<ValType> elements;
};
struct FlagsType {
  std::vector<std::string> labels;
};
struct EnumType {
  std::vector<std::string> labels;
};
struct OptionType {
  ValType element;
};
struct ResultType {
  std::optional<ValType> ok;
  std::optional<ValType> error;
};
struct OwnType {
  uint32_t resource = 0;
};  // type index
struct BorrowType {
  uint32_t resource = 0;
};  // type index
struct StreamType {
  std::optional<ValType> element;
};
struct FutureType {
  std::optional<ValType> element;
};
struct MapType {
  ValType key;
  ValType value;
};

using DefValType = std::variant<PrimitiveType, RecordType, VariantType, ListType, FixedListType,
                                TupleType, FlagsType, EnumType, OptionType, ResultType, OwnType,
                                BorrowType, StreamType, FutureType, MapType>;

// 0x40 (sync) or 0x43 (async).
struct FuncType {
  bool is_async = false;
  std::vector<LabeledValType> params;
  std::optional<ValType> result;
};

// 0x3f: `rep` is a core value type byte (the reader requires 0x7f, i32).
struct ResourceType {
  uint8_t rep = 0x7f;
  std::optional<uint32_t> destructor;  // core func index
};

// externtype: what an import, an export declaration or an export ascription
// says about the item.
struct TypeBound {
  enum class Kind : uint8_t { Eq = 0x00, SubResource = 0x01 };
  Kind kind = Kind::SubResource;
  uint32_t index = 0;  // Eq: type index
};
struct ValueBound {
  enum class Kind : uint8_t { Eq = 0x00, Type = 0x01 };
  Kind kind = Kind::Type;
  uint32_t index = 0;  // Eq: value index
  ValType type;        // Type
};
struct ExternType {
  // The sort of the item: CoreModule, Func, Value, Type, Component or Instance.
  Sort sort = Sort::Func;
  // CoreModule: core type index (a module type). Func, Component, Instance:
  // type index of a func, component or instance type.
  uint32_t index = 0;
  TypeBound type_bound;    // Sort::Type
  ValueBound value_bound;  // Sort::Value
};

struct Decl;

// 0x41 and 0x42. Each starts with empty index spaces of its own (a new
// scope for outer aliases).
struct ComponentType {
  std::vector<Decl> decls;
};
struct InstanceType {
  std::vector<Decl> decls;
};

// A component-level type definition (`type` in section 7 or in a declarator).
struct Type {
  size_t offset = 0;
  std::variant<DefValType, FuncType, ComponentType, InstanceType, ResourceType> type;
};

// ---------------------------------------------------------------------------
// Aliases (section 6, and declarators)

struct AliasInstanceExport {  // 0x00: export `name` of component instance
  uint32_t instance = 0;
  std::string name;
};
struct AliasCoreInstanceExport {  // 0x01: export `name` of core instance
  uint32_t instance = 0;
  std::string name;
};
struct AliasOuter {  // 0x02: item `index` of the scope `count` levels out
  uint32_t count = 0;
  uint32_t index = 0;
};

struct Alias {
  size_t offset = 0;
  Sort sort = Sort::Func;
  std::variant<AliasInstanceExport, AliasCoreInstanceExport, AliasOuter> target;
};

// ---------------------------------------------------------------------------
// Declarators of component and instance types

struct ImportDecl {  // component types only
  ExternName name;
  ExternType type;
};
struct ExportDecl {
  ExternName name;
  ExternType type;
};

struct Decl {
  size_t offset = 0;
  std::variant<CoreType, Type, Alias, ImportDecl, ExportDecl> decl;
};

// ---------------------------------------------------------------------------
// Core modules and instances (sections 1, 2)

// A nested core module, kept as bytes (not validated here).
struct CoreModule {
  size_t offset = 0;  // of the module's first byte (its preamble)
  std::vector<uint8_t> bytes;
};

struct CoreInstantiateArg {
  std::string name;
  uint32_t instance = 0;  // core instance index (sort byte 0x12 is the only one)
};
struct CoreInstantiate {
  uint32_t module = 0;
  std::vector<CoreInstantiateArg> args;
};
struct CoreInlineExport {
  std::string name;
  Sort sort = Sort::CoreFunc;  // always a core sort
  uint32_t index = 0;
};
struct CoreInstanceFromExports {
  std::vector<CoreInlineExport> exports;
};

struct CoreInstance {
  size_t offset = 0;
  std::variant<CoreInstantiate, CoreInstanceFromExports> expr;
};

// ---------------------------------------------------------------------------
// Component instances (section 5)

struct InstantiateArg {
  std::string name;  // plain string: no attribute byte
  Sort sort = Sort::Instance;
  uint32_t index = 0;
};
struct Instantiate {
  uint32_t component = 0;
  std::vector<InstantiateArg> args;
};
struct InlineExport {
  ExternName name;
  Sort sort = Sort::Func;
  uint32_t index = 0;
};
struct InstanceFromExports {
  std::vector<InlineExport> exports;
};

struct Instance {
  size_t offset = 0;
  std::variant<Instantiate, InstanceFromExports> expr;
};

// ---------------------------------------------------------------------------
// Canonical definitions (section 8)

enum class StringEncoding : uint8_t { Utf8 = 0x00, Utf16 = 0x01, Latin1Utf16 = 0x02 };

// Each option at most once (the reader rejects duplicates and conflicting
// string encodings). Absent string encoding means utf8.
struct CanonOptions {
  std::optional<StringEncoding> string_encoding;  // 0x00..0x02
  std::optional<uint32_t> memory;                 // 0x03 core memory index
  std::optional<uint32_t> realloc;                // 0x04 core func index
  std::optional<uint32_t> post_return;            // 0x05 core func index
  bool async = false;                             // 0x06
  std::optional<uint32_t> callback;               // 0x07 core func index
  std::optional<uint32_t> core_type;              // 0x08 core type index (GC ABI)
  bool gc = false;                                // 0x09
};

enum class CanonKind : uint8_t {
  Lift,                        // 00 00
  Lower,                       // 01 00
  ResourceNew,                 // 02
  ResourceDrop,                // 03
  ResourceRep,                 // 04
  TaskCancel,                  // 05
  SubtaskCancel,               // 06
  TaskReturn,                  // 09
  ContextGet,                  // 0a
  ContextSet,                  // 0b
  ThreadYield,                 // 0c
  SubtaskDrop,                 // 0d
  StreamNew,                   // 0e
  StreamRead,                  // 0f
  StreamWrite,                 // 10
  StreamCancelRead,            // 11
  StreamCancelWrite,           // 12
  StreamDropReadable,          // 13
  StreamDropWritable,          // 14
  FutureNew,                   // 15
  FutureRead,                  // 16
  FutureWrite,                 // 17
  FutureCancelRead,            // 18
  FutureCancelWrite,           // 19
  FutureDropReadable,          // 1a
  FutureDropWritable,          // 1b
  ErrorContextNew,             // 1c
  ErrorContextDebugMessage,    // 1d
  ErrorContextDrop,            // 1e
  WaitableSetNew,              // 1f
  WaitableSetWait,             // 20
  WaitableSetPoll,             // 21
  WaitableSetDrop,             // 22
  WaitableJoin,                // 23
  BackpressureInc,             // 24
  BackpressureDec,             // 25
  ThreadIndex,                 // 26
  ThreadNewIndirect,           // 27
  ThreadResumeLater,           // 28
  ThreadSuspend,               // 29
  ThreadSuspendThenResume,     // 2a
  ThreadYieldThenResume,       // 2b
  ThreadSuspendThenPromote,    // 2c
  ThreadYieldThenPromote,      // 2d
  ThreadSpawnRef,              // 40
  ThreadSpawnIndirect,         // 41
  ThreadAvailableParallelism,  // 42
};

// "lift", "resource.new", "stream.read", ... as in the text format.
const char* canon_name(CanonKind kind);

// One canon entry. Which fields are meaningful depends on `kind`:
//   Lift: core_func, options, type (a func type).
//   Lower: func (component func), options.
//   ResourceNew/Drop/Rep: type (a resource type).
//   Stream*/Future*: type (the stream or future type); Read/Write: options;
//     CancelRead/CancelWrite: flag (async).
//   TaskReturn: result, options.
//   ContextGet/Set: core_valtype, slot.
//   SubtaskCancel: flag (async).
//   ErrorContextNew/DebugMessage: options.
//   WaitableSetWait/Poll: flag (cancellable), memory.
//   ThreadYield, ThreadSuspend, Thread*Then*: flag (cancellable).
//   ThreadNewIndirect: core_type, table.
//   ThreadSpawnRef: flag (shared), core_type.
//   ThreadSpawnIndirect: flag (shared), core_type, table.
//   ThreadAvailableParallelism: flag (shared).
// Lift appends to the component func space; every other kind to core func.
struct Canon {
  size_t offset = 0;
  CanonKind kind = CanonKind::Lift;
  uint32_t core_func = 0;
  uint32_t func = 0;
  uint32_t type = 0;
  uint32_t core_type = 0;
  uint32_t table = 0;
  uint32_t memory = 0;
  uint32_t slot = 0;
  wasm::ValType core_valtype;
  std::optional<ValType> result;
  bool flag = false;
  CanonOptions options;
};

// ---------------------------------------------------------------------------
// Start, imports, exports, values (sections 9..12)

struct Start {  // 🪙
  size_t offset = 0;
  uint32_t func = 0;
  std::vector<uint32_t> args;  // value indices
  uint32_t results = 0;
};

struct Import {
  size_t offset = 0;
  ExternName name;
  ExternType type;
};

struct Export {
  size_t offset = 0;
  ExternName name;
  Sort sort = Sort::Func;
  uint32_t index = 0;
  std::optional<ExternType> ascribed;
};

struct Value {  // 🪙: the encoded value is kept as bytes
  size_t offset = 0;
  ValType type;
  std::vector<uint8_t> bytes;
};

// ---------------------------------------------------------------------------
// Components

struct Definition;

struct CustomSection {
  size_t offset = 0;  // of the section id byte
  std::string name;
  size_t data_offset = 0;  // of the first byte after the name
  size_t data_size = 0;
  // Kept only for "component-name", the one standard custom section.
  std::vector<uint8_t> data;
};

// Where each section is and which definitions it produced.
struct SectionInfo {
  uint8_t id = 0;
  size_t offset = 0;          // of the id byte
  size_t payload_offset = 0;  // of the first payload byte
  size_t payload_size = 0;
  size_t first_definition = 0;  // index into Component::definitions
  size_t definition_count = 0;
};

struct Component {
  size_t offset = 0;  // of the preamble's first byte
  size_t size = 0;    // total bytes, preamble included
  // All definitions in binary order (custom sections excluded).
  std::vector<Definition> definitions;
  std::vector<SectionInfo> sections;
  std::vector<CustomSection> custom_sections;
  // For each sort, the definition that introduced each index:
  // index_spaces[size_t(sort)][i] is a position in `definitions`.
  std::array<std::vector<uint32_t>, kSortCount> index_spaces;

  const std::vector<uint32_t>& space(Sort s) const { return index_spaces[size_t(s)]; }
  // The definition that introduced index `i` of sort `s` (i must be in range).
  const Definition& defining(Sort s, uint32_t i) const;
};

// One definition. A core type section entry, an alias, an import, an export,
// ... each is its own Definition; a nested component is a Component.
struct Definition {
  std::variant<CoreModule, CoreInstance, CoreType, Component, Instance, Alias, Type, Canon, Start,
               Import, Export, Value>
      item;

  // The byte offset of the definition (for a nested component or core module
  // the offset of its preamble).
  size_t offset() const;
  // The index space this definition appends to. Every definition appends
  // exactly one index, except a start, which appends `results` values (its
  // sort is Value), and a core type section's entries (always one each).
  std::optional<Sort> sort() const;
};

inline const Definition& Component::defining(Sort s, uint32_t i) const {
  return definitions[index_spaces[size_t(s)][i]];
}

}  // namespace fact::component
