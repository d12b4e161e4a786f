#include "run_command.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "fact/component/plan.h"
#include "fact/runner/component_runner.h"
#include "fact/values/wave.h"
#include "input.h"

namespace fact::tool {
namespace {

std::string export_names(const component::Plan& plan) {
  std::string out;
  for (const component::PlanExport& e : plan.exports)
    out += (out.empty() ? "`" : ", `") + e.name + "`";
  return out.empty() ? "none" : out;
}

}  // namespace

CLI::App* add_run_command(CLI::App& app, RunCommandOptions& options) {
  CLI::App* command = app.add_subcommand(
      "run",
      "Instantiate a component in libwabt's interpreter and call its exports, with arguments "
      "and results in WAVE (as `wasmtime run --invoke`)");
  command->add_option("COMPONENT", options.input, "The component binary ('-': standard input)")
      ->required();
  command
      ->add_option(
          "--invoke", options.invokes,
          "Call an export, e.g. 'add(1, 2)' or 'api#greet(\"you\")'; repeatable, run in order "
          "on one instance")
      ->option_text("'NAME(ARGS...)'")
      ->required();
  command
      ->add_option("--max-memory", options.max_memory,
                   "The largest a linear memory may be, in bytes (suffixes KiB, MiB, GiB, TiB); "
                   "a module declaring a larger one is refused, and memory.grow past it returns "
                   "-1 (default 8GiB)")
      ->transform(CLI::AsSizeValue(false))
      ->option_text("SIZE");
  return command;
}

Outcome run_run_command(const RunCommandOptions& options) {
  std::vector<uint8_t> bytes;
  if (auto failed = read_input_file(options.input, bytes)) return failed;
  auto result = runner::read_valid_component(bytes);
  if (!result) return Failure{result.error().message};
  auto plan = component::build_plan(*result);
  if (!plan) return Failure{plan.error().message};
  bool trapped = false;
  engine::Limits limits;
  limits.max_memory_bytes = options.max_memory;
  auto runner = runner::ComponentRunner::create(*result, *plan, &trapped, {}, limits);
  if (!runner) {
    return Failure{
        (trapped ? "instantiating the component trapped: " : "cannot instantiate the component: ") +
            runner.error().message,
        trapped ? kExitTrap : kExitUsage};
  }

  const TypeStore& types = (*runner)->types();
  for (const std::string& text : options.invokes) {
    auto invocation = values::split_invocation(text);
    if (!invocation) return Failure{invocation.error().message};
    const component::PlanExport* e = (*runner)->find_export(invocation->name);
    if (!e) {
      return Failure{"the component has no exported function `" + invocation->name +
                     "` (exports: " + export_names(*plan) + ")"};
    }
    const FuncType& type = types.get(e->type);
    std::vector<TypeId> params;
    for (const Param& p : type.params) params.push_back(p.type);
    auto args = values::parse_wave_values(types, params, invocation->args);
    if (!args) {
      return Failure{"arguments of `" + e->name + "` (" +
                     to_string(types, e->type, kTypeMessageLimit) + "): " + args.error().message};
    }
    auto called = (*runner)->call(*e, *args);
    if (!called) return Failure{called.error().message};
    if (called->trap) return Failure{"`" + e->name + "` trapped: " + *called->trap, kExitTrap};
    if (called->result)
      std::printf("%s\n", values::print_wave(types, *type.result, *called->result).c_str());
    if (std::fflush(stdout) != 0)
      return Failure{std::string("cannot write the result: ") + std::strerror(errno)};
  }
  return std::nullopt;
}

}  // namespace fact::tool
