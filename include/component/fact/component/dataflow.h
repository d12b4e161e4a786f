// The flat dataflow of a component, as inline_component() produces it:
// every core instance with its arguments, every fused adapter between a
// lifted export and its lowering, the trampolines the host provides, and the
// root's exports, each item resolved to where it is really defined, so that
// synthetic instances, aliases and instantiation arguments are gone.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fact/adapter.h"
#include "fact/component/ast.h"
#include "fact/component/core_def.h"
#include "fact/component/type_resolver.h"
#include "fact/types.h"
#include "fact/wasm/types.h"

namespace fact::component {

struct MemoryDef {
  CoreDef def;  // always an Export
  wasm::MemoryType type;
  friend bool operator==(const MemoryDef&, const MemoryDef&) = default;
  friend std::weak_ordering operator<=>(const MemoryDef&, const MemoryDef&) = default;
};

// The canonical options of one lift or lower, resolved.
struct OptionsDef {
  uint32_t instance = 0;            // runtime component instance
  std::vector<uint32_t> ancestors;  // the instances that (transitively) created it
  fact::StringEncoding string_encoding = fact::StringEncoding::Utf8;
  std::optional<MemoryDef> memory;
  std::optional<CoreDef> realloc;
  std::optional<CoreDef> post_return;  // lift only
  friend bool operator==(const OptionsDef&, const OptionsDef&) = default;
  friend std::weak_ordering operator<=>(const OptionsDef&, const OptionsDef&) = default;
};

// A `canon lower` of a lifted function.
struct AdapterDef {
  FuncTypeId lift_type;   // canonical
  FuncTypeId lower_type;  // canonical
  OptionsDef lift;
  OptionsDef lower;
  CoreDef callee;
  // For reports: where the lifted function is exported ("greet", or
  // "func 3" when it never is) and the name under which the lowering
  // instance imported it ("api#greet").
  std::string lift_name;
  std::string lower_name;
  size_t lift_offset = 0;   // the canon lift
  size_t lower_offset = 0;  // the first canon lower that made it
};

struct Trampoline {
  enum class Kind : uint8_t { LowerImport, ResourceNew, ResourceRep, ResourceDrop };
  Kind kind = Kind::LowerImport;
  uint32_t instance = 0;    // the component instance that made it
  std::string import;       // LowerImport: the host import path ("wasi:cli/stdout#print")
  FuncTypeId type;          // LowerImport: canonical type
  OptionsDef options;       // LowerImport
  ResourceId resource = 0;  // resource builtins
};

struct CoreInstanceDef {
  // The static module index; for an imported module, the root import path
  // is in `imported_module` and `module` is not an index into
  // Dataflow::modules.
  uint32_t module = 0;
  std::optional<std::string> imported_module;
  uint32_t component_instance = 0;  // the runtime component instance it belongs to
  std::vector<CoreDef> args;        // one per import of the module, in order
};

struct ComponentInstanceInfo {
  std::optional<uint32_t> parent;  // nullopt for the root
  std::string name;                // "root", or how the parent instantiated it
};

// A function exported by the root, directly ("run") or as an export of an
// exported instance ("api#run"): a lifted function, or a host import
// exported again.
struct RootExport {
  std::string name;
  FuncTypeId type;                // canonical
  std::optional<CoreDef> callee;  // nullopt for a re-exported host import
  OptionsDef options;             // lifted functions
  std::string host_import;        // re-exported host imports: the import path
};

struct Dataflow {
  TypeResolver types;
  std::vector<const CoreModule*> modules;  // static modules, in binary order
  std::vector<CoreInstanceDef> instances;  // in instantiation order
  std::vector<ComponentInstanceInfo> component_instances;
  std::vector<AdapterDef> adapters;  // in creation order (AdapterId)
  std::vector<Trampoline> trampolines;
  std::vector<RootExport> exports;  // by name; instance exports by instance, then name
};

}  // namespace fact::component
