// `fact run COMPONENT.wasm --invoke 'name(args...)'`: instantiates the
// component's plan in libwabt's interpreter and calls root exports with
// WAVE arguments, printing each result in WAVE (as `wasmtime run --invoke`).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "fact/engine/runtime.h"
#include "failure.h"

namespace fact::tool {

struct RunCommandOptions {
  std::string input;  // a path, or "-" for standard input
  std::vector<std::string> invokes;
  // Per linear memory, in bytes (engine::Limits).
  uint64_t max_memory = engine::Limits{}.max_memory_bytes;
};

CLI::App* add_run_command(CLI::App& app, RunCommandOptions& options);

Outcome run_run_command(const RunCommandOptions& options);

}  // namespace fact::tool
