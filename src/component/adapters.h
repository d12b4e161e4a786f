// Adapter modules of a component (frontend-reference §2.4): the fused
// adapters found by inlining are partitioned into adapter modules with
// Wasmtime's greedy rule, described as fact::Adapter values and compiled
// with fact::AdapterModule.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "component/ast.h"
#include "component/inline.h"
#include "fact/adapter.h"
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

struct AdapterModuleOutput {
  std::vector<uint32_t> adapters;  // adapter ids, exported as adapter{id}
  std::vector<uint8_t> wasm;
  std::vector<fact::Import> imports;
};

struct ComponentAdapters {
  // The types of the fact::Adapter values: handles name tables of `tables`.
  TypeStore types;
  TableMap tables;
  std::vector<Adapter> adapters;      // indexed by adapter id
  std::vector<uint32_t> module_of;    // adapter id -> index in `modules`
  std::vector<AdapterModuleOutput> modules;
};

// How a CoreDef is named in the fact::Adapter values (CoreExport): core
// instance i is instance i; adapter module K is instance
// `flow.instances.size() + K`, exporting `adapter{id}`; trampolines are
// exports `trampoline{t}` of instance `flow.instances.size() + modules`.
CoreExport core_export_name(const Dataflow& flow, const std::vector<uint32_t>& module_of,
                            size_t module_count, const CoreDef& def);

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
