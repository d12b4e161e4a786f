#include "plan_command.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>
#include <vector>

#include "fact/component/plan.h"
#include "fact/engine/modules.h"
#include "fact/runner/component_runner.h"
#include "input.h"
#include "output.h"

namespace fact::tool {
namespace {

using json = nlohmann::ordered_json;

json export_json(const CoreExport& e) { return {{"instance", e.instance}, {"name", e.name}}; }

json def_json(const component::PlanDef& def) {
  return std::visit(
      [](const auto& x) -> json {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, CoreExport>) {
          return {{"export", export_json(x)}};
        } else if constexpr (std::is_same_v<T, component::PlanTrampoline>) {
          return {{"trampoline", x.index}};
        } else if constexpr (std::is_same_v<T, binding::InstanceFlags>) {
          return {{"flags", x.instance}};
        } else if constexpr (std::is_same_v<T, binding::Trap>) {
          return {{"trap", static_cast<int>(x.code)}, {"message", trap_message(x.code)}};
        } else if constexpr (std::is_same_v<T, binding::Transcoder>) {
          return {{"transcode", transcode_name(x.op)},
                  {"from_memory", x.from_memory},
                  {"from_memory64", x.from_memory64},
                  {"to_memory", x.to_memory},
                  {"to_memory64", x.to_memory64}};
        } else if constexpr (std::is_same_v<T, binding::RuntimeIntrinsic>) {
          return {{"intrinsic", intrinsic_name(x.intrinsic)}};
        } else if constexpr (std::is_same_v<T, component::PlanPrepareCall>) {
          return {{"prepare_call", x.adapter},
                  {"memory", x.memory ? export_json(*x.memory) : json(nullptr)}};
        } else {
          return {{"start_call", x.index}};
        }
      },
      def);
}

json memory_json(const Memory& m) {
  json out = export_json(m.export_);
  out["memory64"] = m.type.memory64;
  if (m.type.shared) out["shared"] = true;
  if (m.type.page_size_log2 != 16) out["page_size_log2"] = m.type.page_size_log2;
  return out;
}

json optional_def(const std::optional<component::PlanDef>& def) {
  return def ? def_json(*def) : json(nullptr);
}

json options_json(uint32_t instance, StringEncoding encoding, const std::optional<Memory>& memory,
                  const std::optional<component::PlanDef>& realloc,
                  const std::optional<component::PlanDef>& post_return) {
  return {{"component_instance", instance},
          {"string_encoding", string_encoding_name(encoding)},
          {"memory", memory ? memory_json(*memory) : json(nullptr)},
          {"realloc", optional_def(realloc)},
          {"post_return", optional_def(post_return)}};
}

std::string module_file(const component::PlanStep& step) {
  return step.kind == component::PlanStep::Kind::CoreModule
             ? "modules/m" + std::to_string(step.module) + ".wasm"
             : "modules/adapter" + std::to_string(step.index) + ".wasm";
}

json plan_json(const component::ComponentResult& r, const component::Plan& plan) {
  const component::Dataflow& flow = r.flow;
  const TypeStore& types = flow.types.store();
  json out;
  out["format"] = "fact-plan/1";
  out["core_instances"] = plan.core_instances;

  json instances = json::array();
  for (size_t i = 0; i < flow.component_instances.size(); ++i) {
    const auto& ci = flow.component_instances[i];
    instances.push_back(
        {{"id", i}, {"parent", ci.parent ? json(*ci.parent) : json(nullptr)}, {"name", ci.name}});
  }
  out["component_instances"] = std::move(instances);

  json steps = json::array();
  for (const component::PlanStep& step : plan.steps) {
    json args = json::array();
    for (const component::PlanArg& a : step.args) {
      args.push_back({{"module", a.module},
                      {"field", a.field},
                      {"kind", wasm::to_string(a.kind)},
                      {"def", def_json(a.def)}});
    }
    json s = {{"instance", step.instance},
              {"kind", step.kind == component::PlanStep::Kind::CoreModule ? "core" : "adapter"},
              {"file", module_file(step)}};
    if (step.kind == component::PlanStep::Kind::CoreModule) {
      s["component_instance"] = step.component_instance;
    }
    s["args"] = std::move(args);
    steps.push_back(std::move(s));
  }
  out["steps"] = std::move(steps);

  json trampolines = json::array();
  for (const component::PlanTrampolineDef& tr : plan.trampolines) {
    json j = {{"id", tr.id}, {"component_instance", tr.component_instance}};
    using K = component::Trampoline::Kind;
    switch (tr.kind) {
      case K::LowerImport:
        j["kind"] = "lower-import";
        j["import"] = tr.import;
        j["type"] = to_string(types, tr.type);
        j["options"] = options_json(tr.options.component_instance, tr.options.string_encoding,
                                    tr.options.memory, tr.options.realloc, std::nullopt);
        break;
      case K::TaskReturn:
        j["kind"] = component::trampoline_kind_name(tr.kind);
        j["result"] = tr.result ? json(to_string(types, *tr.result)) : json(nullptr);
        j["result_type"] = tr.result_type;
        j["options"] = options_json(tr.options.component_instance, tr.options.string_encoding,
                                    tr.options.memory, std::nullopt, std::nullopt);
        break;
      case K::WaitableSetWait:
      case K::WaitableSetPoll:
        j["kind"] = component::trampoline_kind_name(tr.kind);
        j["cancellable"] = tr.cancellable;
        j["memory"] = tr.options.memory ? memory_json(*tr.options.memory) : json(nullptr);
        break;
      case K::ThreadYield:
        j["kind"] = component::trampoline_kind_name(tr.kind);
        j["cancellable"] = tr.cancellable;
        break;
      case K::ContextGet:
      case K::ContextSet:
        j["kind"] = component::trampoline_kind_name(tr.kind);
        j["slot"] = tr.slot;
        break;
      case K::StreamRead:
      case K::StreamWrite:
      case K::FutureRead:
      case K::FutureWrite:
      case K::ErrorContextNew:
      case K::ErrorContextDebugMessage:
        j["kind"] = component::trampoline_kind_name(tr.kind);
        j["options"] = options_json(tr.options.component_instance, tr.options.string_encoding,
                                    tr.options.memory, tr.options.realloc, std::nullopt);
        j["async"] = tr.options.is_async;
        break;
      case K::StreamCancelRead:
      case K::StreamCancelWrite:
      case K::FutureCancelRead:
      case K::FutureCancelWrite:
      case K::SubtaskCancel:
        j["kind"] = component::trampoline_kind_name(tr.kind);
        j["async"] = tr.cancellable;
        break;
      case K::ThreadSuspend:
      case K::ThreadSuspendThenResume:
      case K::ThreadYieldThenResume:
      case K::ThreadSuspendThenPromote:
      case K::ThreadYieldThenPromote:
        j["kind"] = component::trampoline_kind_name(tr.kind);
        j["cancellable"] = tr.cancellable;
        break;
      case K::ThreadNewIndirect:
        j["kind"] = component::trampoline_kind_name(tr.kind);
        j["table"] = optional_def(tr.func_table);
        j["start_type"] = wasm::to_string(tr.start_type);
        break;
      default: j["kind"] = component::trampoline_kind_name(tr.kind); break;
    }
    if (component::is_resource_builtin(tr.kind)) {
      j["resource"] = tr.resource;
      j["table"] = tr.table;
    }
    if (component::is_copy_builtin(tr.kind)) {
      j["type"] = to_string(types, tr.copy_type);
      j["table"] = tr.table;
    }
    if (component::is_error_context_builtin(tr.kind)) j["table"] = tr.table;
    trampolines.push_back(std::move(j));
  }
  out["trampolines"] = std::move(trampolines);

  json start_calls = json::array();
  for (size_t i = 0; i < plan.start_calls.size(); ++i) {
    const component::PlanStartCallDef& sc = plan.start_calls[i];
    start_calls.push_back({{"id", i},
                           {"async_lower", sc.async_lower},
                           {"callback", optional_def(sc.callback)},
                           {"post_return", optional_def(sc.post_return)}});
  }
  out["start_calls"] = std::move(start_calls);

  json resources = json::array();
  for (const component::PlanResource& res : plan.resources) {
    resources.push_back(
        {{"id", res.id},
         {"name", res.name},
         {"defined_in", res.component_instance ? json(*res.component_instance) : json(nullptr)},
         {"destructor", optional_def(res.destructor)},
         {"import", res.import.empty() ? json(nullptr) : json(res.import)}});
  }
  out["resources"] = std::move(resources);
  json resource_imports = json::array();
  for (const component::PlanResourceImport& i : plan.resource_imports) {
    resource_imports.push_back({{"path", i.path}, {"resource", i.resource}, {"alias", i.alias}});
  }
  out["resource_imports"] = std::move(resource_imports);

  json tables = json::array();
  const std::vector<component::TableMap::Entry>& entries = plan.tables.entries();
  for (size_t t = 0; t < entries.size(); ++t) {
    const component::TableMap::Entry& e = entries[t];
    json j = {{"id", t}};
    using K = component::TableMap::Kind;
    switch (e.kind) {
      case K::Resource:
        j["kind"] = "resource";
        j["resource"] = e.key;
        break;
      case K::Future:
      case K::Stream:
        j["kind"] = e.kind == K::Future ? "future" : "stream";
        j["type"] = to_string(types, TypeId{e.key});
        break;
      case K::ErrorContext: j["kind"] = "error-context"; break;
    }
    j["component_instance"] = e.instance;
    tables.push_back(std::move(j));
  }
  out["tables"] = std::move(tables);

  json exports = json::array();
  for (const component::PlanExport& e : plan.exports) {
    json j = {{"name", e.name}, {"type", to_string(types, e.type)}};
    if (e.core_func) {
      j["core_func"] = def_json(*e.core_func);
      j["options"] = options_json(e.options.component_instance, e.options.string_encoding,
                                  e.options.memory, e.options.realloc, e.options.post_return);
      j["options"]["async"] = e.options.is_async;
      j["options"]["callback"] = optional_def(e.options.callback);
    } else {
      j["host_import"] = e.host_import;
    }
    exports.push_back(std::move(j));
  }
  out["exports"] = std::move(exports);
  return out;
}

}  // namespace

CLI::App* add_plan_command(CLI::App& app, PlanCommandOptions& options) {
  CLI::App* command = app.add_subcommand(
      "plan",
      "Write the instantiation plan of a component: plan.json, its core modules and its "
      "adapter modules (see docs/plan.md)");
  command->add_option("COMPONENT", options.input, "The component binary ('-': standard input)")
      ->required();
  command
      ->add_option("-o,--output-dir", options.output_dir,
                   "Directory for plan.json and modules/; created if missing")
      ->option_text("DIR")
      ->capture_default_str();
  command->add_flag("--no-concurrency", options.no_concurrency,
                    "Compile the adapters without concurrency support");
  return command;
}

Outcome run_plan_command(const PlanCommandOptions& options) {
  std::vector<uint8_t> bytes;
  if (auto failed = read_input_file(options.input, bytes)) return failed;
  ModuleOptions module_options;
  module_options.concurrency_support = !options.no_concurrency;
  auto result = runner::read_valid_component(bytes, module_options);
  if (!result) return Failure{result.error().message};
  auto plan = component::build_plan(*result);
  if (!plan) return Failure{plan.error().message};

  namespace fs = std::filesystem;
  const fs::path dir(options.output_dir);
  std::error_code ec;
  fs::create_directories(dir / "modules", ec);
  if (ec)
    return Failure{"cannot create directory '" + (dir / "modules").string() + "': " + ec.message()};

  for (const component::PlanStep& step : plan->steps) {
    std::span<const uint8_t> wasm;
    if (step.kind == component::PlanStep::Kind::CoreModule) {
      wasm = result->flow.modules.at(step.module)->bytes;
    } else {
      const component::AdapterModuleOutput& m = result->adapters.modules.at(step.index);
      wasm = m.wasm;
      // libwabt does not know custom page sizes; such modules are written unchecked.
      bool custom_pages = false;
      for (uint32_t id : m.adapters) {
        const Adapter& a = result->adapters.adapters[id];
        custom_pages |= (a.lift.memory && a.lift.memory->type.page_size_log2 != 16) ||
                        (a.lower.memory && a.lower.memory->type.page_size_log2 != 16);
      }
      if (auto valid = custom_pages ? Expected<void>{} : engine::validate_module(wasm); !valid) {
        return internal_failure("adapter module " + std::to_string(step.index) +
                                " does not validate:\n" + valid.error().message);
      }
    }
    if (auto written = write_output((dir / module_file(step)).string(), wasm, true)) return written;
  }
  std::string text = plan_json(*result, *plan).dump(2) + "\n";
  return write_output((dir / "plan.json").string(),
                      std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()), false);
}

}  // namespace fact::tool
