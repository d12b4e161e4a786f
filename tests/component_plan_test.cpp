// The instantiation plan (component/plan.h) of the component fixtures, and
// running it in-process with run::ComponentRunner.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "component/plan.h"
#include "run/component_runner.h"
#include "run/wave.h"

namespace fact::component {
namespace {

std::vector<uint8_t> read_fixture(const std::string& name) {
  std::ifstream in(std::filesystem::path(__FILE__).parent_path() / "fixtures" / "components" / (name + ".wasm"),
                   std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Loaded {
  ComponentResult result;
  Plan plan;
};

std::unique_ptr<Loaded> load(const std::string& name) {
  auto result = adapters_of_component(read_fixture(name));
  if (!result) {
    ADD_FAILURE() << name << ": " << result.error().message;
    return nullptr;
  }
  auto loaded = std::make_unique<Loaded>();
  loaded->result = std::move(*result);
  auto plan = build_plan(loaded->result);
  if (!plan) {
    ADD_FAILURE() << name << ": " << plan.error().message;
    return nullptr;
  }
  loaded->plan = std::move(*plan);
  return loaded;
}

// Every CoreExport argument names an instance created by an earlier step.
void expect_well_ordered(const Plan& plan) {
  std::vector<bool> created;
  for (const PlanStep& step : plan.steps) {
    for (const PlanArg& arg : step.args) {
      if (const auto* e = std::get_if<CoreExport>(&arg.def)) {
        EXPECT_TRUE(e->instance < created.size() && created[e->instance])
            << "step for instance " << step.instance << " imports from instance " << e->instance;
      }
    }
    if (created.size() <= step.instance) created.resize(step.instance + 1);
    EXPECT_FALSE(created[step.instance]) << "instance " << step.instance << " created twice";
    created[step.instance] = true;
  }
}

TEST(ComponentPlan, ChainPutsEachAdapterModuleBeforeItsUser) {
  auto loaded = load("chain-of-three");
  ASSERT_TRUE(loaded);
  const Plan& plan = loaded->plan;
  EXPECT_EQ(plan.core_instances, 3u);
  ASSERT_EQ(plan.steps.size(), 5u);
  std::vector<std::pair<PlanStep::Kind, uint32_t>> order;
  for (const PlanStep& s : plan.steps) order.emplace_back(s.kind, s.index);
  using K = PlanStep::Kind;
  EXPECT_EQ(order, (std::vector<std::pair<K, uint32_t>>{
                       {K::CoreModule, 0}, {K::AdapterModule, 0}, {K::CoreModule, 1}, {K::AdapterModule, 1},
                       {K::CoreModule, 2}}));
  expect_well_ordered(plan);
  // Core instance 1 imports adapter 0 from adapter module 0 (instance 3).
  ASSERT_EQ(plan.steps[2].args.size(), 1u);
  EXPECT_EQ(plan.steps[2].args[0].module, "deps");
  EXPECT_EQ(plan.steps[2].args[0].field, "f");
  EXPECT_EQ(std::get<CoreExport>(plan.steps[2].args[0].def), (CoreExport{3, "adapter0"}));
  ASSERT_EQ(plan.exports.size(), 1u);
  EXPECT_EQ(plan.exports[0].name, "run");
  EXPECT_EQ(std::get<CoreExport>(*plan.exports[0].core_func), (CoreExport{2, "run"}));
}

TEST(ComponentPlan, EveryRunnableFixtureIsWellOrdered) {
  for (const char* name : {"two-siblings", "instantiated-twice", "nested-three-levels", "reentrance", "resources",
                           "strings-lists", "host-imports", "root-exports"}) {
    SCOPED_TRACE(name);
    auto loaded = load(name);
    ASSERT_TRUE(loaded);
    expect_well_ordered(loaded->plan);
    EXPECT_EQ(loaded->plan.steps.size(),
              loaded->result.flow.instances.size() + loaded->result.adapters.modules.size());
  }
}

TEST(ComponentPlan, RootExportsWithOptionsAndInstanceExports) {
  auto loaded = load("root-exports");
  ASSERT_TRUE(loaded);
  std::vector<std::string> names;
  for (const PlanExport& e : loaded->plan.exports) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"add", "api#double", "checked-div", "echo", "fail", "flags-id", "flip",
                                             "len", "maybe-double", "post-returns", "sign", "started", "sum", "sum17", "swap"}));
  const PlanExport& echo = loaded->plan.exports[3];
  ASSERT_TRUE(echo.options.memory);
  EXPECT_EQ(echo.options.memory->export_, (CoreExport{0, "memory"}));
  ASSERT_TRUE(echo.options.realloc);
  EXPECT_EQ(std::get<CoreExport>(*echo.options.realloc), (CoreExport{0, "realloc"}));
  ASSERT_TRUE(echo.options.post_return);
  EXPECT_EQ(std::get<CoreExport>(*echo.options.post_return), (CoreExport{0, "count-post"}));
  EXPECT_FALSE(loaded->plan.exports[0].options.post_return);
}

TEST(ComponentPlan, HostImportsBecomeTrampolines) {
  auto loaded = load("host-imports");
  ASSERT_TRUE(loaded);
  bool found = false;
  for (const PlanStep& step : loaded->plan.steps) {
    for (const PlanArg& arg : step.args) {
      if (const auto* t = std::get_if<PlanTrampoline>(&arg.def)) {
        found = true;
        EXPECT_EQ(loaded->result.flow.trampolines.at(t->index).import, "wasi:cli/stdout@0.2.0#print");
      }
    }
  }
  EXPECT_TRUE(found);
  auto runner = run::ComponentRunner::create(loaded->result, loaded->plan);
  ASSERT_FALSE(runner);
  EXPECT_NE(runner.error().message.find("component import `wasi:cli/stdout@0.2.0#print` is not satisfied"),
            std::string::npos);
}

TEST(ComponentRunner, CallsWithValuesAndReportsTraps) {
  auto loaded = load("root-exports");
  ASSERT_TRUE(loaded);
  auto runner = run::ComponentRunner::create(loaded->result, loaded->plan);
  ASSERT_TRUE(runner) << runner.error().message;
  const TypeStore& types = (*runner)->types();
  const PlanExport* div = (*runner)->find_export("checked-div");
  ASSERT_NE(div, nullptr);
  auto r = (*runner)->call(*div, {run::Value::u32(9), run::Value::u32(0)});
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->result);
  EXPECT_EQ(run::print_wave(types, *types.get(div->type).result, *r->result), "err(\"division by zero\")");
  // A value of the wrong type is refused before anything runs.
  auto bad = (*runner)->call(*div, {run::Value::string("9"), run::Value::u32(0)});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("argument 1 of `checked-div`"), std::string::npos) << bad.error().message;
  auto arity = (*runner)->call(*div, {});
  ASSERT_FALSE(arity);
  const PlanExport* fail = (*runner)->find_export("fail");
  ASSERT_NE(fail, nullptr);
  auto trapped = (*runner)->call(*fail, {});
  ASSERT_TRUE(trapped);
  ASSERT_TRUE(trapped->trap);
  EXPECT_NE(trapped->trap->find("unreachable"), std::string::npos) << *trapped->trap;
  auto after = (*runner)->call(*div, {run::Value::u32(9), run::Value::u32(3)});
  ASSERT_FALSE(after);
  EXPECT_NE(after.error().message.find("trapped earlier"), std::string::npos) << after.error().message;
  EXPECT_EQ((*runner)->find_export("missing"), nullptr);
}

}  // namespace
}  // namespace fact::component
