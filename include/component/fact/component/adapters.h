// Adapter modules of a component: the fused adapters found by inlining are
// partitioned into adapter modules with Wasmtime's greedy rule, described as
// fact::Adapter values and compiled with fact::AdapterModule.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "fact/adapter.h"
#include "fact/component/adapter_types.h"
#include "fact/component/ast.h"
#include "fact/component/dataflow.h"
#include "fact/component/inline.h"
#include "fact/error.h"
#include "fact/types.h"

namespace fact::component {

// Partitions the adapters of `flow` (ids 0..n-1) into modules: visiting the
// adapters in creation order, a new module is started whenever an adapter
// depends on an adapter of the module being built, directly (its callee) or
// through a core instance it needs (a memory, realloc, callee or
// post-return of an instance whose instantiation, or that of an earlier
// instance, takes an adapter of the module being built). Every module is
// non-empty; together they list each adapter once, in order.
std::vector<std::vector<uint32_t>> partition_adapters(const Dataflow& flow);

// How core items are named in the fact::Adapter values (CoreExport), and
// back: core instance i of the dataflow is instance i, exporting what its
// module exports; adapter module K is instance `core_instances + K`,
// exporting `adapter{id}`; trampolines are exports `trampoline{t}` of
// instance `core_instances + modules`, which the host provides.
class CoreItemNames {
 public:
  CoreItemNames() = default;
  CoreItemNames(uint32_t core_instances, std::vector<uint32_t> module_of, uint32_t module_count)
      : core_instances_(core_instances),
        module_of_(std::move(module_of)),
        module_count_(module_count) {}

  CoreExport name(const CoreDef& def) const;
  // Names `def` and remembers it, so that def_of() can map the name back.
  CoreExport record(const CoreDef& def);
  // The item a name recorded here stands for.
  const CoreDef* def_of(const CoreExport& name) const;

  uint32_t module_of(uint32_t adapter) const { return module_of_.at(adapter); }

 private:
  uint32_t core_instances_ = 0;
  std::vector<uint32_t> module_of_;  // adapter id -> adapter module
  uint32_t module_count_ = 0;
  std::map<CoreExport, CoreDef> defs_;
};

struct AdapterModuleOutput {
  std::vector<uint32_t> adapters;  // adapter ids, exported as adapter{id}
  std::vector<uint8_t> wasm;
  std::vector<fact::Import> imports;
};

struct ComponentAdapters {
  // The types of the fact::Adapter values: handles name tables of `tables`.
  TypeStore types;
  TableMap tables;
  std::vector<Adapter> adapters;  // indexed by adapter id
  // Every CoreExport in `adapters` and the module imports is recorded here.
  CoreItemNames names;
  std::vector<AdapterModuleOutput> modules;
};

// Partitions, describes and compiles every adapter of `flow`.
Expected<ComponentAdapters> compile_adapters(const Dataflow& flow, ModuleOptions options = {});

// Everything from a component binary: read, inline, compile. The report
// functions need the Dataflow, so it is returned too (`flow` keeps pointers
// into `ast`).
struct ComponentResult {
  Component ast;
  Dataflow flow;
  ComponentAdapters adapters;
};
Expected<ComponentResult> adapters_of_component(std::span<const uint8_t> bytes,
                                                ModuleOptions options = {});

// One adapter, described for people (the `fact adapters` report):
//   adapter3 (module 1): instance 1 export `greet` -> instance 2 import `greet`
//     type:  func(name: string) -> string
//     lift:  utf8, memory32 core0.memory, realloc core0.cabi_realloc, post-return ...
//     lower: utf16, memory32 core1.memory, realloc core1.cabi_realloc
std::string describe_adapter(const ComponentResult& result, uint32_t id);

}  // namespace fact::component
