// Type resolution for the component front end.
//
// Component-level types are resolved into a *canonical* TypeStore in which
// `own`/`borrow` name a global resource id (ResourceId), not a table. Two
// canonical types are the same type exactly when their ids are equal, which
// makes the type equality checks at imports and adapters id comparisons.
// (adapter_types.h converts them, per runtime component instance, into the
// store the adapter compiler sees.)
//
// Also here: what a core module type declares, in the form the core module
// reader gives for a real module (wasm::ModuleInterface), so that the two
// can be matched.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "fact/component/ast.h"
#include "fact/component/core_def.h"
#include "fact/error.h"
#include "fact/types.h"
#include "fact/wasm/module_reader.h"

namespace fact::component {

// "at byte 0x1a3: <message>" (offsets are absolute in the input file).
Error error_at(size_t offset, const std::string& message);

// ---------------------------------------------------------------------------
// Resources

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
  // A resource imported from the host: its import path ("host#r").
  std::string import_path;
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
  std::optional<wasm::FuncType> func;
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
  // A type import from the host bounded by `(eq T)` where T is the
  // resource `id`: the host need not provide `path`, but if it does, it
  // must be the same resource type.
  void note_resource_alias(const std::string& path, ResourceId id);
  // Every resource-type import from the host: (path, resource), for
  // `(sub resource)` imports and for the aliases above.
  struct ResourceImport {
    std::string path;
    ResourceId resource = 0;
    bool alias = false;
  };
  const std::vector<ResourceImport>& resource_imports() const { return resource_imports_; }

  // Resolves a value type in `scope`; `at` is the offset for messages.
  Expected<TypeId> valtype(const TypeSpace& scope, const ValType& type, size_t at);
  // Resolves a type definition (section 7 entry or declarator) in `scope`.
  // Resource definitions are not handled here (the inliner defines them).
  Expected<TypeDef> deftype(const TypeSpace& scope, const Type& type);
  // The core type definition of a core type entry defined in `scope`.
  static CoreTypeDef core_type(const CoreType& type, const TypeSpace* scope);

  // The scope `count` levels out of `scope`, and entry `index` of a scope.
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
  std::vector<ResourceImport> resource_imports_;
};

// Type equality of canonical types (canon_rules' type_difference, with
// resources compared by id): nullopt when `actual` is `expected`,
// otherwise "expected `A`, found `B` (where they differ)".
std::optional<std::string> describe_mismatch(const TypeStore& canonical, FuncTypeId expected,
                                             FuncTypeId actual);
std::optional<std::string> describe_mismatch(const TypeStore& canonical, TypeId expected,
                                             TypeId actual);

// What a module type says about the modules it describes (for imported
// core modules and module-typed imports). `at` is for messages.
Expected<wasm::ModuleInterface> module_type_interface(const CoreTypeDef& type, size_t at);

// The static rules of a core module type: unique import and export names
// and memory sizes within the core spec's bounds.
Expected<void> check_module_type(const CoreModuleType& type);

}  // namespace fact::component
