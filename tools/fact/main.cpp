// The `fact` command-line tool.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <new>
#include <string>

#include "adapter_command.h"
#include "adapters_command.h"
#include "failure.h"
#include "plan_command.h"
#include "run_command.h"
#include "wast_command.h"

namespace {

// Keep in step with project(fact VERSION ...) in CMakeLists.txt.
constexpr const char* kVersion = FACT_VERSION;

int report(const fact::tool::Failure& failure) {
  std::fprintf(stderr, "fact: error: %s\n", failure.message.c_str());
  return failure.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("fact: the WebAssembly Component Model's fused adapter compiler", "fact");
  app.set_version_flag("--version", std::string("fact ") + kVersion);
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 on success, 1 for bad input or options, 2 for an internal error, 3 when "
      "`fact run` traps.\n"
      "Run 'fact COMMAND --help' for the options of a command.");

  fact::tool::AdapterCommandOptions adapter_options;
  CLI::App* adapter = fact::tool::add_adapter_command(app, adapter_options);
  fact::tool::AdaptersCommandOptions adapters_options;
  CLI::App* adapters = fact::tool::add_adapters_command(app, adapters_options);
  fact::tool::PlanCommandOptions plan_options;
  CLI::App* plan = fact::tool::add_plan_command(app, plan_options);
  fact::tool::RunCommandOptions run_options;
  CLI::App* run = fact::tool::add_run_command(app, run_options);
  fact::tool::WastCommandOptions wast_options;
  CLI::App* wast = fact::tool::add_wast_command(app, wast_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version arrive as "errors" with a success exit code.
    if (e.get_exit_code() == 0) return app.exit(e);
    return report(
        {std::string(e.what()) + "\nRun 'fact --help' for usage.", fact::tool::kExitUsage});
  }

  fact::tool::Outcome outcome;
  try {
    if (adapter->parsed()) outcome = fact::tool::run_adapter_command(adapter_options);
    if (adapters->parsed()) outcome = fact::tool::run_adapters_command(adapters_options);
    if (plan->parsed()) outcome = fact::tool::run_plan_command(plan_options);
    if (run->parsed()) outcome = fact::tool::run_run_command(run_options);
    if (wast->parsed()) outcome = fact::tool::run_wast_command(wast_options);
  } catch (const std::bad_alloc&) {
    // Every size taken from the input is checked against a limit first;
    // this is the host itself running out, reported rather than aborted.
    return report(
        {"out of memory (the input needs more memory than this machine gives fact; "
         "for `fact run`, --max-memory bounds each linear memory)",
         fact::tool::kExitUsage});
  }
  return outcome ? report(*outcome) : fact::tool::kExitSuccess;
}
