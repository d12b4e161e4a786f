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

// Everything lives in one wabt store; handles stay valid as long as the
// Runtime does.
class Runtime {
 public:
  struct Handle {
    size_t ref = 0;
  };

  Runtime();
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  Handle host_func(const std::vector<ValType>& params, const std::vector<ValType>& results,
                   HostCallback callback);
  Handle global(ValType type, bool mutable_, uint64_t initial_bits);
  uint64_t global_get(Handle global) const;
  void global_set(Handle global, uint64_t bits);

  // Instantiates a binary module; `imports` follow the module's import order.
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
