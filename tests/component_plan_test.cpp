// The instantiation plan (component/plan.h) of the component fixtures, and
// running it in-process with runner::ComponentRunner.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fact/component/plan.h"
#include "fact/runner/component_runner.h"
#include "fact/values/wave.h"

namespace fact::component {
namespace {

std::vector<uint8_t> read_fixture(const std::string& name) {
  std::ifstream in(
      std::filesystem::path(__FILE__).parent_path() / "fixtures" / "components" / (name + ".wasm"),
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
  EXPECT_EQ(order, (std::vector<std::pair<K, uint32_t>>{{K::CoreModule, 0},
                                                        {K::AdapterModule, 0},
                                                        {K::CoreModule, 1},
                                                        {K::AdapterModule, 1},
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
  for (const char* name :
       {"two-siblings", "instantiated-twice", "nested-three-levels", "reentrance", "resources",
        "strings-lists", "host-imports", "root-exports", "resource-lifecycle",
        "resource-three-instances", "start-trap"}) {
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
  EXPECT_EQ(names,
            (std::vector<std::string>{"add", "api#double", "checked-div", "echo", "fail",
                                      "flags-id", "flip", "len", "maybe-double", "post-returns",
                                      "sign", "started", "sum", "sum17", "swap"}));
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
        EXPECT_EQ(loaded->result.flow.trampolines.at(t->index).import,
                  "wasi:cli/stdout@0.2.0#print");
      }
    }
  }
  EXPECT_TRUE(found);
  auto runner = runner::ComponentRunner::create(loaded->result, loaded->plan);
  ASSERT_FALSE(runner);
  EXPECT_NE(runner.error().message.find(
                "component import `wasi:cli/stdout@0.2.0#print` is not satisfied"),
            std::string::npos);
}

TEST(ComponentRunner, HostFunctionsImplementImports) {
  auto loaded = load("host-imports");
  ASSERT_TRUE(loaded);
  // `run` prints 1 directly and 2 through the adapter of `wrap`.
  std::vector<uint32_t> printed;
  runner::HostFunctions host;
  host["wasi:cli/stdout@0.2.0#print"] = {
      "func(code: u32)",
      [&](const std::vector<values::Value>& args) -> Expected<std::optional<values::Value>> {
        printed.push_back(static_cast<uint32_t>(args.at(0).bits));
        if (printed.size() > 2) return Error{"printed too much"};
        return std::optional<values::Value>();
      },
      {}};
  auto runner = runner::ComponentRunner::create(loaded->result, loaded->plan, nullptr, {host, {}});
  ASSERT_TRUE(runner) << runner.error().message;
  const PlanExport* run = (*runner)->find_export("run");
  ASSERT_NE(run, nullptr);
  auto first = (*runner)->call(*run, {});
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE(first->trap) << *first->trap;
  EXPECT_EQ(printed, (std::vector<uint32_t>{1, 2}));
  // An error of the host function is a trap of the caller.
  auto second = (*runner)->call(*run, {});
  ASSERT_TRUE(second);
  ASSERT_TRUE(second->trap);
  EXPECT_NE(second->trap->find("printed too much"), std::string::npos) << *second->trap;

  // A host function of another type is refused by name.
  host["wasi:cli/stdout@0.2.0#print"].type = "func(code: u64)";
  auto mismatched =
      runner::ComponentRunner::create(loaded->result, loaded->plan, nullptr, {host, {}});
  ASSERT_FALSE(mismatched);
  EXPECT_NE(mismatched.error().message.find("has type `func(code: u32)`, but the host function "
                                            "has type `func(code: u64)`"),
            std::string::npos)
      << mismatched.error().message;
}

TEST(ComponentRunner, CallsWithValuesAndReportsTraps) {
  auto loaded = load("root-exports");
  ASSERT_TRUE(loaded);
  auto runner = runner::ComponentRunner::create(loaded->result, loaded->plan);
  ASSERT_TRUE(runner) << runner.error().message;
  const TypeStore& types = (*runner)->types();
  const PlanExport* div = (*runner)->find_export("checked-div");
  ASSERT_NE(div, nullptr);
  auto r = (*runner)->call(*div, {values::Value::u32(9), values::Value::u32(0)});
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->result);
  EXPECT_EQ(values::print_wave(types, *types.get(div->type).result, *r->result),
            "err(\"division by zero\")");
  // A value of the wrong type is refused before anything runs.
  auto bad = (*runner)->call(*div, {values::Value::string("9"), values::Value::u32(0)});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("argument 1 of `checked-div`"), std::string::npos)
      << bad.error().message;
  auto arity = (*runner)->call(*div, {});
  ASSERT_FALSE(arity);
  const PlanExport* fail = (*runner)->find_export("fail");
  ASSERT_NE(fail, nullptr);
  auto trapped = (*runner)->call(*fail, {});
  ASSERT_TRUE(trapped);
  ASSERT_TRUE(trapped->trap);
  EXPECT_NE(trapped->trap->find("unreachable"), std::string::npos) << *trapped->trap;
  auto after = (*runner)->call(*div, {values::Value::u32(9), values::Value::u32(3)});
  ASSERT_TRUE(after);
  ASSERT_TRUE(after->trap);
  EXPECT_NE(after->trap->find("wasm trap: cannot enter component instance"), std::string::npos)
      << *after->trap;
  EXPECT_NE(after->trap->find("unreachable"), std::string::npos) << *after->trap;
  EXPECT_EQ((*runner)->find_export("missing"), nullptr);
}

TEST(ComponentPlan, ResourcesTrampolinesAndTables) {
  auto loaded = load("resource-three-instances");
  ASSERT_TRUE(loaded);
  const Plan& plan = loaded->plan;
  // The destructor is tracked from the resource type to the plan.
  ASSERT_EQ(loaded->result.flow.types.resources().size(), 1u);
  const ResourceInfo& info = loaded->result.flow.types.resource(0);
  ASSERT_TRUE(info.destructor);
  EXPECT_EQ(*info.destructor, (CoreDef{CoreDef::Kind::Export, 0, "dtor"}));
  ASSERT_EQ(plan.resources.size(), 1u);
  EXPECT_EQ(plan.resources[0].component_instance, std::optional<uint32_t>(1));
  ASSERT_TRUE(plan.resources[0].destructor);
  EXPECT_EQ(std::get<CoreExport>(*plan.resources[0].destructor), (CoreExport{0, "dtor"}));

  // The provider's new/rep/drop and the middle's drop (of the borrow handles
  // it receives), each with the table of (resource, its instance).
  using K = Trampoline::Kind;
  std::vector<std::pair<K, uint32_t>> kinds;
  for (const PlanTrampolineDef& t : plan.trampolines) {
    kinds.emplace_back(t.kind, t.component_instance);
    EXPECT_EQ(t.resource, 0u);
    ASSERT_LT(t.table, plan.tables.entries().size());
    EXPECT_EQ(plan.tables.entries()[t.table],
              (TableMap::Entry{TableMap::Kind::Resource, 0, t.component_instance}));
  }
  EXPECT_EQ(
      kinds,
      (std::vector<std::pair<K, uint32_t>>{
          {K::ResourceNew, 1}, {K::ResourceRep, 1}, {K::ResourceDrop, 1}, {K::ResourceDrop, 2}}));
  // The adapters' table constants keep their numbers in the plan.
  const auto& adapter_tables = loaded->result.adapters.tables.entries();
  ASSERT_FALSE(adapter_tables.empty());
  ASSERT_LE(adapter_tables.size(), plan.tables.entries().size());
  for (size_t i = 0; i < adapter_tables.size(); ++i)
    EXPECT_EQ(plan.tables.entries()[i], adapter_tables[i]) << i;
}

TEST(ComponentPlan, BuiltinsOfAResourceNoAdapterMovesGetTables) {
  auto loaded = load("resource-lifecycle");
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(loaded->result.adapters.tables.entries().empty());
  ASSERT_EQ(loaded->plan.trampolines.size(), 3u);
  for (const PlanTrampolineDef& t : loaded->plan.trampolines) EXPECT_EQ(t.table, 0u);
  ASSERT_EQ(loaded->plan.tables.entries().size(), 1u);
  EXPECT_EQ(loaded->plan.tables.entries()[0], (TableMap::Entry{TableMap::Kind::Resource, 0, 1}));
}

TEST(ComponentPlan, DestructorOfTheWrongTypeIsAnError) {
  auto result = adapters_of_component(read_fixture("error-resource-dtor-type"));
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find(
                "the resource destructor (core func 0) has type [i32] -> [i32], but a "
                "destructor takes [i32] -> []"),
            std::string::npos)
      << result.error().message;
}

// In-process: the host's handles, the destructor and the borrow scope.
TEST(ComponentRunner, HandlesAtTheRootBoundary) {
  auto loaded = load("resource-lifecycle");
  ASSERT_TRUE(loaded);
  auto runner = runner::ComponentRunner::create(loaded->result, loaded->plan);
  ASSERT_TRUE(runner) << runner.error().message;
  runner::ComponentRunner& r = **runner;
  auto call = [&](const char* name, std::vector<values::Value> args) -> runner::CallResult {
    const PlanExport* e = r.find_export(name);
    EXPECT_NE(e, nullptr) << name;
    if (!e) return {};
    auto out = r.call(*e, args);
    EXPECT_TRUE(out) << name << ": " << out.error().message;
    if (!out) return {};
    EXPECT_FALSE(out->trap) << name << ": " << *out->trap;
    return *out;
  };
  runner::CallResult made = call("make", {values::Value::u32(41)});
  ASSERT_TRUE(made.result);
  EXPECT_EQ(made.result->kind, TypeKind::Own);
  const auto handle = static_cast<uint32_t>(made.result->bits);
  std::optional<host::HandleInfo> info = r.host_handle(handle);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->kind, host::HandleInfo::Kind::Own);
  EXPECT_EQ(info->rep, 41u);
  EXPECT_EQ(r.host_handles(), 1u);

  // A borrow leaves the handle with the host, lent only during the call.
  runner::CallResult got = call("get", {values::Value::handle(TypeKind::Borrow, handle)});
  ASSERT_TRUE(got.result);
  EXPECT_EQ(got.result->bits, 41u);
  ASSERT_TRUE(r.host_handle(handle));
  EXPECT_EQ(r.host_handle(handle)->num_lends, 0u);

  // An own argument takes it; the implementer drops it and the destructor runs.
  EXPECT_EQ(call("drops", {}).result->bits, 0u);
  runner::CallResult consumed = call("consume", {values::Value::handle(TypeKind::Own, handle)});
  ASSERT_TRUE(consumed.result);
  EXPECT_EQ(consumed.result->bits, 41u);
  EXPECT_EQ(r.host_handles(), 0u);
  EXPECT_FALSE(r.host_handle(handle));
  EXPECT_EQ(call("drops", {}).result->bits, 1u);

  // Handles the host does not hold are refused before anything runs.
  const PlanExport* get = r.find_export("get");
  ASSERT_NE(get, nullptr);
  auto stale = r.call(*get, {values::Value::handle(TypeKind::Borrow, handle)});
  ASSERT_FALSE(stale);
  EXPECT_NE(stale.error().message.find("is not a handle the host holds"), std::string::npos);

  // A trapping destructor is a trap of the call that drops.
  runner::CallResult thirteen = call("make", {values::Value::u32(13)});
  ASSERT_TRUE(thirteen.result);
  const PlanExport* consume = r.find_export("consume");
  ASSERT_NE(consume, nullptr);
  auto trapped =
      r.call(*consume,
             {values::Value::handle(TypeKind::Own, static_cast<uint32_t>(thirteen.result->bits))});
  ASSERT_TRUE(trapped) << trapped.error().message;
  ASSERT_TRUE(trapped->trap);
  EXPECT_EQ(trapped->trap->rfind("resource.drop: the destructor of ", 0), 0u) << *trapped->trap;
}

TEST(ComponentRunner, ResourcesOfComposedComponentsUseTheAdaptersTables) {
  auto loaded = load("resources");
  ASSERT_TRUE(loaded);
  auto runner = runner::ComponentRunner::create(loaded->result, loaded->plan);
  ASSERT_TRUE(runner) << runner.error().message;
  for (const char* name : {"run1", "run2"}) {
    const PlanExport* e = (*runner)->find_export(name);
    ASSERT_NE(e, nullptr);
    auto r = (*runner)->call(*e, {});
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_FALSE(r->trap) << *r->trap;
    ASSERT_TRUE(r->result);
    EXPECT_EQ(r->result->bits, 5u) << name;
  }
}

TEST(ComponentRunner, InstantiationTrapsAreReported) {
  auto loaded = load("start-trap");
  ASSERT_TRUE(loaded);
  bool trapped = false;
  auto runner = runner::ComponentRunner::create(loaded->result, loaded->plan, &trapped);
  ASSERT_FALSE(runner);
  EXPECT_TRUE(trapped);
  bool host_import_trapped = true;
  auto host = load("host-imports");
  ASSERT_TRUE(host);
  ASSERT_FALSE(runner::ComponentRunner::create(host->result, host->plan, &host_import_trapped));
  EXPECT_FALSE(host_import_trapped);
}

}  // namespace
}  // namespace fact::component
