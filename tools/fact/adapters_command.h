// `fact adapters COMPONENT.wasm`: finds every fused adapter of a component,
// writes the adapter modules and reports which lift joins which lower.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "failure.h"

namespace fact::tool {

struct AdaptersCommandOptions {
  std::string input;  // a path, or "-" for standard input
  std::string output_dir = ".";
  bool text = false;
  bool no_concurrency = false;
};

// Adds the subcommand to `app`; parsing fills `options`.
CLI::App* add_adapters_command(CLI::App& app, AdaptersCommandOptions& options);

Outcome run_adapters_command(const AdaptersCommandOptions& options);

}  // namespace fact::tool
