// A small facade over libwabt's interpreter: create host functions, globals,
// instantiate binary modules, read memories and call exported functions.
//
// This header and src/engine/runtime.cpp are kept C++17-clean on purpose: GCC
// before 14 rejects wabt's interp headers in C++20 mode (a destructor
// written as `~FreeList<T>()`), so runtime.cpp may have to be compiled
// as C++17, and everything else only sees this facade.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fact/error.h"
#include "fact/wasm/types.h"

namespace fact::engine {

using wasm::Val;
using wasm::ValType;

// A host function body: reads params, writes results (already sized to the
// declared result count) and returns a trap message to make the call trap.
using HostCallback = std::function<std::optional<std::string>(const std::vector<Val>& params,
                                                              std::vector<Val>& results)>;

// What a call did: its results, or the message of the trap that ended it.
struct CallOutcome {
  std::vector<Val> results;
  std::optional<std::string> trap;
};

// What a module may ask for. libwabt allocates the whole of a memory or a
// table when it creates or grows one, so a module declaring a huge one
// would exhaust the host: a module whose initial sizes exceed these is
// refused when it is loaded, and growing past them fails (memory.grow and
// table.grow return -1), as under Wasmtime's resource limiter.
struct Limits {
  // Per linear memory. The default is twice the 32-bit address space: only
  // 64-bit memories can meet it, and they can still go past 4 GiB (as
  // Wasmtime's tests of 64-bit addressing do).
  uint64_t max_memory_bytes = uint64_t{8} << 30;
  // Per table.
  uint64_t max_table_elements = 10'000'000;
};

// Everything lives in one wabt store; handles stay valid as long as the
// Runtime does.
class Runtime {
 public:
  struct Handle {
    size_t ref = 0;
  };

  explicit Runtime(Limits limits = {});
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  Handle host_func(const std::vector<ValType>& params, const std::vector<ValType>& results,
                   HostCallback callback);
  Handle global(ValType type, bool mutable_, uint64_t initial_bits);
  uint64_t global_get(Handle global) const;
  void global_set(Handle global, uint64_t bits);

  // Decodes and validates a binary module and checks its memories and
  // tables against the limits. An error here is bad input, never a trap.
  Expected<Handle> load(const std::vector<uint8_t>& wasm);
  // Instantiates a loaded module; `imports` follow the module's import
  // order. An error is the instantiation trapping (a segment out of bounds,
  // the start function), which sets `*trapped`, or what is not a trap:
  // imports that do not fit, or a host without the memory the module's
  // memories and tables need.
  Expected<Handle> instantiate(Handle module, const std::vector<Handle>& imports,
                               bool* trapped = nullptr);
  // load, then instantiate.
  Expected<Handle> instantiate(const std::vector<uint8_t>& wasm,
                               const std::vector<Handle>& imports);
  // An export of an instance, by name.
  Expected<Handle> export_of(Handle instance, const std::string& name) const;

  uint8_t* memory_data(Handle memory);
  uint64_t memory_size(Handle memory) const;
  bool memory_is_64(Handle memory) const;

  Expected<void> table_set(Handle table, uint32_t index, Handle func);
  // Entry `index` of a funcref table: its function, or nullopt when the
  // entry is null; an error when the index is out of range.
  Expected<std::optional<Handle>> table_get(Handle table, uint32_t index) const;
  // The core type of a function.
  wasm::FuncType func_type(Handle func) const;

  CallOutcome call(Handle func, const std::vector<Val>& args);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fact::engine
