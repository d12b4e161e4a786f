// Type resolution for the component front end (frontend-reference §2.3).
//
// Component-level types are resolved into a *canonical* TypeStore in which
// `own`/`borrow` name a global resource id (ResourceId), not a table. Two
// canonical types are the same type exactly when their ids are equal, which
// makes the type equality checks at imports and adapters id comparisons.
// Types are then converted, per runtime component instance, into the store
// the adapter compiler sees, where handles name resource tables: one table
// per (resource, runtime instance), as Wasmtime's TypeResourceTableIndex.
//
// Also here: a summary of nested core modules (imports, exports and the
// types of their functions and memories), which is all the inliner needs to
// know about core code.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "component/ast.h"
#include "fact/adapter.h"
#include "fact/error.h"
#include "fact/types.h"

namespace fact::component {

// "at byte 0x1a3: <message>" (offsets are absolute in the input file).
Error error_at(size_t offset, const std::string& message);

// ---------------------------------------------------------------------------
// Core modules

// Limits of a core table or memory, for the import subtyping check of core
// instantiation.
struct CoreLimitsInfo {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  friend bool operator==(const CoreLimitsInfo&, const CoreLimitsInfo&) = default;
};
struct CoreTableInfo {
  std::string element;  // the element type's name ("funcref", "externref", "(ref 3)")
  CoreLimitsInfo limits;
  bool is64 = false;
};
struct CoreGlobalInfo {
  std::string type;  // the value type's name
  bool mutable_ = false;
};

// Whether `actual` limits fit where `expected` ones are required (the core
// spec's limits subtyping: at least the minimum, at most the maximum).
bool limits_match(const CoreLimitsInfo& expected, const CoreLimitsInfo& actual);

struct CoreModuleInfo {
  struct Entity {
    CoreExternType::Kind kind = CoreExternType::Kind::Func;
    uint32_t index = 0;
  };
  struct ImportEntry {
    std::string module;
    std::string field;
    CoreExternType::Kind kind = CoreExternType::Kind::Func;
    uint32_t index = 0;  // in the index space of its kind (tags: unused)
  };
  std::vector<FuncSignature> types;
  std::vector<uint32_t> funcs;                // type index of each function, imports first
  std::vector<MemoryType> memories;           // imports first
  std::vector<CoreLimitsInfo> memory_limits;  // parallel to `memories`
  std::vector<CoreTableInfo> tables;          // imports first
  std::vector<CoreGlobalInfo> globals;        // imports first
  std::vector<ImportEntry> imports;
  std::map<std::string, Entity, std::less<>> exports;

  // The signature of a function (nullopt for a reference-typed or
  // otherwise non-numeric one, which no canonical function can have).
  std::optional<FuncSignature> func_signature(uint32_t func) const;
};

// Reads the sections of a core module that the inliner needs. `offset` is
// the module's absolute offset, for messages.
Expected<CoreModuleInfo> summarize_core_module(std::span<const uint8_t> bytes, size_t offset);

struct CoreTypeDef;

// What a module type says about the modules it describes, in the same form
// as a summary (for imported core modules). `at` is for messages.
Expected<CoreModuleInfo> summarize_module_type(const CoreTypeDef& type, size_t at);

// The static rules of a core module type: unique import and export names
// and memory limits within the core spec's bounds.
Expected<void> check_module_type(const CoreModuleType& type);

// The numeric core value type of an AST core type, if it is one.
std::optional<fact::CoreType> numeric_core_type(const CoreValType& type);

// ---------------------------------------------------------------------------
// Core definitions and resources

// A core definition in the flattened graph (component/inline.h).
struct CoreDef {
  enum class Kind : uint8_t {
    Export,      // export `name` of core instance `index`
    Adapter,     // fused adapter `index`
    Trampoline,  // trampoline `index` (a host lowering or a resource builtin)
  };
  Kind kind = Kind::Export;
  uint32_t index = 0;
  std::string name;
  friend bool operator==(const CoreDef&, const CoreDef&) = default;
};

using ResourceId = uint32_t;

struct ResourceInfo {
  // The runtime component instance that defined the resource, or nullopt
  // for a resource imported from the host.
  std::optional<uint32_t> instance;
  // For diagnostics and reports: the import path or "instance N type T".
  std::string name;
  // The core function `(dtor ...)` of the resource type, called with the
  // rep when the last own handle is dropped (type [i32] -> []).
  std::optional<CoreDef> destructor;
};

// ---------------------------------------------------------------------------
// Resolved component types

struct TypeSpace;

// One entry of a type index space.
struct TypeDef {
  struct Value {
    TypeId type;  // canonical
  };
  struct Func {
    FuncTypeId type;  // canonical
  };
  struct Resource {
    ResourceId id;
  };
  // Instance and component types are kept as declarations, resolved against
  // what they describe when they are used (an import, an alias).
  // Scopes are owned by whoever runs the resolution (the inliner keeps
  // every scope alive until it is done), so plain pointers suffice and no
  // ownership cycle can arise between scopes and the types they hold.
  struct Instance {
    const InstanceType* decls;
    const TypeSpace* scope;  // where the type was defined
  };
  struct Component {
    const ComponentType* decls;
    const TypeSpace* scope;
  };
  std::variant<Value, Func, Resource, Instance, Component> def;
};

// A core type: a function type, or a module type (kept as declarations with
// the scope it was defined in, for its outer aliases).
struct CoreTypeDef {
  std::optional<FuncSignature> func;
  const CoreModuleType* module = nullptr;
  const TypeSpace* scope = nullptr;
};

// The type and core type spaces of one scope (a component, or a component
// or instance type declaration), and the scope they are nested in, for outer
// aliases.
struct TypeSpace {
  std::vector<TypeDef> types;
  std::vector<CoreTypeDef> core_types;
  const TypeSpace* parent = nullptr;
};

// The canonical store with its resources.
class TypeResolver {
 public:
  TypeStore& store() { return store_; }
  const TypeStore& store() const { return store_; }
  const std::vector<ResourceInfo>& resources() const { return resources_; }
  const ResourceInfo& resource(ResourceId id) const { return resources_.at(id); }

  ResourceId define_resource(ResourceInfo info);
  // The resource imported from the host at `path`, created on first use.
  ResourceId imported_resource(const std::string& path);

  // Resolves a value type in `scope`; `at` is the offset for messages.
  Expected<TypeId> valtype(const TypeSpace& scope, const ValType& type, size_t at);
  // Resolves a type definition (section 7 entry or declarator) in `scope`.
  // Resource definitions are not handled here (the inliner defines them).
  Expected<TypeDef> deftype(const TypeSpace& scope, const Type& type);
  // The core type definition of a core type entry defined in `scope`.
  static CoreTypeDef core_type(const CoreType& type, const TypeSpace* scope);

  // The entry of `scope` (or of an enclosing scope, `count` levels out).
  static Expected<const TypeSpace*> outer(const TypeSpace& scope, uint32_t count, size_t at);
  static Expected<TypeDef> type_at(const TypeSpace& scope, uint32_t index, size_t at);

 private:
  Expected<TypeId> defvaltype(const TypeSpace& scope, const DefValType& type, size_t at);
  Expected<FuncTypeId> functype(const TypeSpace& scope, const FuncType& type, size_t at);
  Expected<ResourceId> resource_at(const TypeSpace& scope, uint32_t index, size_t at);
  Expected<void> check_value_size(TypeId id, size_t at) const;

  TypeStore store_;
  std::vector<ResourceInfo> resources_;
  std::map<std::string, ResourceId, std::less<>> imported_;
};

// ---------------------------------------------------------------------------
// Handle tables and conversion into the adapter compiler's store

// Allocates table indices: one per (resource, runtime instance) for handles,
// one per (future or stream type, runtime instance) and one per instance for
// error contexts.
class TableMap {
 public:
  enum class Kind : uint8_t { Resource, Future, Stream, ErrorContext };
  struct Entry {
    Kind kind;
    uint32_t key;  // resource id, or canonical type id of the future/stream
    uint32_t instance;
    auto operator<=>(const Entry&) const = default;
  };
  uint32_t table(Kind kind, uint32_t key, uint32_t instance);
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::map<Entry, uint32_t> index_;
  std::vector<Entry> entries_;
};

// Converts canonical types into `out` as seen from one runtime instance.
class TypeConverter {
 public:
  TypeConverter(const TypeStore& canonical, TypeStore& out, TableMap& tables)
      : canonical_(canonical), out_(out), tables_(tables) {}
  TypeId convert(TypeId canonical, uint32_t instance);
  FuncTypeId convert(FuncTypeId canonical, uint32_t instance);

 private:
  const TypeStore& canonical_;
  TypeStore& out_;
  TableMap& tables_;
  std::map<std::pair<uint32_t, uint32_t>, TypeId> memo_;
};

// Compares two canonical function types: nullopt when they are the same
// type, otherwise a description of both.
std::optional<std::string> describe_mismatch(const TypeStore& canonical, FuncTypeId expected,
                                             FuncTypeId actual);
std::optional<std::string> describe_mismatch(const TypeStore& canonical, TypeId expected,
                                             TypeId actual);

}  // namespace fact::component
