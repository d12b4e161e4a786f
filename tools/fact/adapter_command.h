// `fact adapter SIGNATURE`: compiles one adapter between two instances that
// share a function type, for trying out and inspecting the compiler.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "failure.h"

namespace fact::tool {

struct AdapterCommandOptions {
  std::string signature;
  std::string output;  // empty or "-": standard output
  bool text = false;
  std::string name = "adapter";
  std::string lift_string_encoding = "utf8";
  std::string lower_string_encoding = "utf8";
  bool lift_memory64 = false;
  bool lower_memory64 = false;
  bool lift_post_return = false;
  bool lift_async = false;
  bool lower_async = false;
  bool lift_callback = false;
  bool no_concurrency = false;
  bool debug = false;
  bool exceptions = false;
  unsigned lift_page_size = 65536;
  unsigned lower_page_size = 65536;
  bool lift_shared = false;
  bool lower_shared = false;
};

// Adds the subcommand to `app`; parsing fills `options`.
CLI::App* add_adapter_command(CLI::App& app, AdapterCommandOptions& options);

Outcome run_adapter_command(const AdapterCommandOptions& options);

}  // namespace fact::tool
