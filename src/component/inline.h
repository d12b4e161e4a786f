// Instance-graph inlining (frontend-reference §2.2): instantiates the root
// component symbolically, runs every nested instantiation, and produces a
// flat dataflow of core instances, host lowerings and fused adapters. Every
// item is resolved to where it is really defined, so synthetic instances,
// aliases and instantiation arguments disappear.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "component/ast.h"
#include "component/resolve.h"
#include "fact/adapter.h"
#include "fact/error.h"
#include "fact/types.h"

namespace fact::component {

struct MemoryDef {
  CoreDef def;  // always an Export
  MemoryType type;
  friend bool operator==(const MemoryDef&, const MemoryDef&) = default;
};

// The canonical options of one lift or lower, resolved.
struct OptionsDef {
  uint32_t instance = 0;             // runtime component instance
  std::vector<uint32_t> ancestors;   // the instances that (transitively) created it
  fact::StringEncoding string_encoding = fact::StringEncoding::Utf8;
  std::optional<MemoryDef> memory;
  std::optional<CoreDef> realloc;
  std::optional<CoreDef> post_return;  // lift only
  friend bool operator==(const OptionsDef&, const OptionsDef&) = default;
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
  uint32_t instance = 0;  // the component instance that made it
  std::string import;     // LowerImport: the host import path ("wasi:cli/stdout#print")
  FuncTypeId type;        // LowerImport: canonical type
  OptionsDef options;     // LowerImport
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
  FuncTypeId type;  // canonical
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

struct InlineLimits {
  // Runtime component instances (a nested component instantiated twice
  // inside one instantiated twice ... grows exponentially).
  uint32_t max_component_instances = 100000;
  uint32_t max_depth = 100;
};

Expected<Dataflow> inline_component(const Component& root, const InlineLimits& limits = {});

}  // namespace fact::component
