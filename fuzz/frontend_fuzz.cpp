// libFuzzer target: the whole front end, from bytes to the instantiation
// plan. For any input, reading the component, inlining its instance graph,
// resolving its types, compiling its adapters, validating its core modules
// and building the plan each return a value or an error; never a crash, a
// sanitizer report, a leak or an unbounded cost. What fact itself produces
// must be right: every adapter module validates, and the plan refers only
// to modules and instances that exist.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "fact/component/plan.h"
#include "fact/engine/modules.h"
#include "fact/runner/component_runner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto result = fact::runner::read_valid_component(std::span<const uint8_t>(data, size));
  if (!result) {
    if (result.error().message.empty()) std::abort();  // every error says what is wrong
    return 0;
  }
  for (const auto& module : result->adapters.modules) {
    if (!fact::engine::validate_module(module.wasm)) std::abort();  // a compiler bug
  }
  auto plan = fact::component::build_plan(*result);
  if (!plan) {
    if (plan.error().message.empty()) std::abort();
    return 0;
  }
  const size_t instances = plan->core_instances + result->adapters.modules.size();
  std::vector<bool> made(instances, false);
  for (const auto& step : plan->steps) {
    // Each plan instance is made once.
    if (step.instance >= instances || made[step.instance]) std::abort();
    made[step.instance] = true;
    if (step.kind == fact::component::PlanStep::Kind::CoreModule) {
      if (!step.imported_module && step.module >= result->flow.modules.size()) std::abort();
    } else if (step.index >= result->adapters.modules.size()) {
      std::abort();
    }
  }
  return 0;
}
