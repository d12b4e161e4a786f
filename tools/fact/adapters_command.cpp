#include "adapters_command.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <span>
#include <system_error>
#include <vector>

#include "fact/component/adapters.h"
#include "fact/engine/modules.h"
#include "fact/runner/component_runner.h"
#include "input.h"
#include "output.h"

namespace fact::tool {
namespace {

bool beyond_wabt(const Adapter& a) {
  return (a.lift.memory && a.lift.memory->type.page_size_log2 != 16) ||
         (a.lower.memory && a.lower.memory->type.page_size_log2 != 16);
}

}  // namespace

CLI::App* add_adapters_command(CLI::App& app, AdaptersCommandOptions& options) {
  CLI::App* command = app.add_subcommand(
      "adapters",
      "Find the fused adapters of a component, write its adapter modules and report which "
      "lifted export each adapter joins to which lowered import");
  command->add_option("COMPONENT", options.input, "The component binary ('-': standard input)")
      ->required();
  command
      ->add_option("-o,--output-dir", options.output_dir,
                   "Directory for adapter-module-N.wasm (.wat with -t); created if missing")
      ->option_text("DIR")
      ->capture_default_str();
  command->add_flag("-t,--text", options.text, "Write the modules as WebAssembly text (WAT)");
  command->add_flag("--no-concurrency", options.no_concurrency,
                    "Compile without concurrency support (no sync-call bracketing or context "
                    "slot saving)");
  return command;
}

Outcome run_adapters_command(const AdaptersCommandOptions& options) {
  std::vector<uint8_t> bytes;
  if (auto failed = read_input_file(options.input, bytes)) return failed;
  ModuleOptions module_options;
  module_options.concurrency_support = !options.no_concurrency;
  auto result = runner::read_valid_component(bytes, module_options);
  if (!result) return Failure{result.error().message};

  std::error_code ec;
  std::filesystem::create_directories(options.output_dir, ec);
  if (ec) return Failure{"cannot create directory '" + options.output_dir + "': " + ec.message()};

  const component::ComponentAdapters& adapters = result->adapters;
  for (size_t k = 0; k < adapters.modules.size(); ++k) {
    const component::AdapterModuleOutput& m = adapters.modules[k];
    bool unvalidatable = false;
    for (uint32_t id : m.adapters) unvalidatable |= beyond_wabt(adapters.adapters[id]);
    if (!unvalidatable) {
      if (auto valid = engine::validate_module(m.wasm); !valid) {
        return internal_failure("adapter module " + std::to_string(k) + " does not validate:\n" +
                                valid.error().message);
      }
    } else if (options.text) {
      return Failure{"cannot print adapter module " + std::to_string(k) +
                     " as text: it uses custom page sizes, which libwabt does not support"};
    }
    std::filesystem::path path =
        std::filesystem::path(options.output_dir) /
        ("adapter-module-" + std::to_string(k) + (options.text ? ".wat" : ".wasm"));
    Outcome written;
    if (options.text) {
      auto wat = engine::module_to_wat(m.wasm);
      if (!wat)
        return internal_failure("cannot print adapter module " + std::to_string(k) + ":\n" +
                                wat.error().message);
      written = write_output(path.string(),
                             std::span(reinterpret_cast<const uint8_t*>(wat->data()), wat->size()),
                             false);
    } else {
      written = write_output(path.string(), m.wasm, true);
    }
    if (written) return written;
  }

  const component::Dataflow& flow = result->flow;
  std::printf(
      "component instances: %zu, core instances: %zu, adapters: %zu, adapter modules: %zu\n",
      flow.component_instances.size(), flow.instances.size(), flow.adapters.size(),
      adapters.modules.size());
  for (size_t k = 0; k < adapters.modules.size(); ++k) {
    const component::AdapterModuleOutput& m = adapters.modules[k];
    std::printf(
        "\nadapter module %zu (adapter-module-%zu.%s): %zu adapters, %zu bytes of wasm, %zu "
        "imports\n",
        k, k, options.text ? "wat" : "wasm", m.adapters.size(), m.wasm.size(), m.imports.size());
    for (uint32_t id : m.adapters)
      std::printf("%s", component::describe_adapter(*result, id).c_str());
  }
  if (std::fflush(stdout) != 0)
    return Failure{std::string("cannot write the report: ") + std::strerror(errno)};
  return std::nullopt;
}

}  // namespace fact::tool
