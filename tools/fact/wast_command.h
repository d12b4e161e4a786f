// `fact wast FILE.wast...`: runs component .wast scripts (the Component
// Model test suite's format) and reports every failing assertion, then
// `N passed, N failed`. Text components are converted to binary with jco.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "failure.h"

namespace fact::tool {

struct WastCommandOptions {
  std::vector<std::string> scripts;
  std::optional<std::string> jco;  // the jco command, split on spaces
  bool verbose = false;
};

CLI::App* add_wast_command(CLI::App& app, WastCommandOptions& options);

Outcome run_wast_command(const WastCommandOptions& options);

}  // namespace fact::tool
