// `fact plan COMPONENT.wasm -o DIR`: writes the instantiation plan of a
// component (DIR/plan.json, see docs/plan.md) with its core modules and
// adapter modules (DIR/modules/*.wasm).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "failure.h"

namespace fact::tool {

struct PlanCommandOptions {
  std::string input;  // a path, or "-" for standard input
  std::string output_dir = ".";
  bool no_concurrency = false;
};

CLI::App* add_plan_command(CLI::App& app, PlanCommandOptions& options);

Outcome run_plan_command(const PlanCommandOptions& options);

}  // namespace fact::tool
