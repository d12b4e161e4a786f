// Adapter discovery, partitioning and generation from component binaries:
// the fixtures in tests/fixtures/components (their .wat sources say what
// each one expects), synthetic dataflows for the partitioning rule, and
// error cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fact/component/adapters.h"
#include "fact/engine/modules.h"

namespace fact::component {
namespace {

std::filesystem::path fixture_dir() {
  return std::filesystem::path(__FILE__).parent_path() / "fixtures" / "components";
}

std::vector<uint8_t> read_fixture(const std::string& name) {
  std::ifstream in(fixture_dir() / (name + ".wasm"), std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

ComponentResult load(const std::string& name) {
  auto result = adapters_of_component(read_fixture(name));
  if (!result) {
    ADD_FAILURE() << name << ": " << result.error().message;
    return {};
  }
  for (size_t k = 0; k < result->adapters.modules.size(); ++k) {
    auto valid = engine::validate_module(result->adapters.modules[k].wasm);
    EXPECT_TRUE(valid) << name << " adapter module " << k << ": "
                       << (valid ? "" : valid.error().message);
  }
  return std::move(*result);
}

std::string error_of(const std::string& name) {
  auto result = adapters_of_component(read_fixture(name));
  if (result) {
    ADD_FAILURE() << name << " was accepted";
    return "";
  }
  return result.error().message;
}

std::vector<std::vector<uint32_t>> modules_of(const ComponentResult& r) {
  std::vector<std::vector<uint32_t>> out;
  for (const auto& m : r.adapters.modules) out.push_back(m.adapters);
  return out;
}

bool traps(const ComponentResult& r, uint32_t id) {
  return describe_adapter(r, id).find("always traps") != std::string::npos;
}

using Modules = std::vector<std::vector<uint32_t>>;

TEST(ComponentAdapters, TwoSiblings) {
  ComponentResult r = load("two-siblings");
  ASSERT_EQ(r.flow.adapters.size(), 1u);
  EXPECT_EQ(r.flow.component_instances.size(), 3u);
  const AdapterDef& a = r.flow.adapters[0];
  EXPECT_EQ(a.lift.instance, 1u);
  EXPECT_EQ(a.lower.instance, 2u);
  EXPECT_EQ(a.lift_name, "greet");
  EXPECT_EQ(a.lower_name, "greet");
  const Adapter& adapter = r.adapters.adapters[0];
  EXPECT_EQ(adapter.lift.string_encoding, fact::StringEncoding::Utf8);
  EXPECT_EQ(adapter.lower.string_encoding, fact::StringEncoding::Utf16);
  ASSERT_TRUE(adapter.lift.memory && adapter.lift.realloc && adapter.lift.post_return);
  EXPECT_EQ(adapter.lift.memory->export_, (CoreExport{0, "memory"}));
  EXPECT_EQ(*adapter.lift.post_return, (CoreExport{0, "greet-post"}));
  EXPECT_EQ(adapter.callee, (CoreExport{0, "greet"}));
  ASSERT_TRUE(adapter.lower.memory && adapter.lower.realloc);
  EXPECT_EQ(adapter.lower.memory->export_, (CoreExport{1, "memory"}));
  EXPECT_FALSE(adapter.lower.post_return);
  EXPECT_EQ(to_string(r.adapters.types, adapter.lift_type), "func(name: string) -> string");
  EXPECT_EQ(modules_of(r), (Modules{{0}}));
  EXPECT_FALSE(traps(r, 0));
  // The module imports what the options name, with Wasmtime's names.
  const auto& imports = r.adapters.modules[0].imports;
  EXPECT_TRUE(std::any_of(imports.begin(), imports.end(), [](const fact::Import& i) {
    return i.module == "transcode" && i.field.starts_with("utf8-to-utf16");
  }));
}

TEST(ComponentAdapters, ChainOfThreeSplitsModules) {
  ComponentResult r = load("chain-of-three");
  ASSERT_EQ(r.flow.adapters.size(), 2u);
  EXPECT_EQ(r.flow.adapters[0].lift.instance, 1u);
  EXPECT_EQ(r.flow.adapters[0].lower.instance, 2u);
  EXPECT_EQ(r.flow.adapters[1].lift.instance, 2u);
  EXPECT_EQ(r.flow.adapters[1].lower.instance, 3u);
  EXPECT_EQ(r.flow.adapters[1].lift_name, "g");
  // adapter1's callee is in b's core instance, which takes adapter0.
  EXPECT_EQ(modules_of(r), (Modules{{0}, {1}}));
  EXPECT_EQ(r.flow.instances[1].args.size(), 1u);
  EXPECT_EQ(r.flow.instances[1].args[0].kind, CoreDef::Kind::Adapter);
}

TEST(ComponentAdapters, InstantiatedTwiceAndDeduplicated) {
  ComponentResult r = load("instantiated-twice");
  EXPECT_EQ(r.flow.component_instances.size(), 4u);
  ASSERT_EQ(r.flow.adapters.size(), 2u);
  EXPECT_EQ(r.flow.adapters[0].lift.instance, 1u);
  EXPECT_EQ(r.flow.adapters[0].lower.instance, 2u);
  EXPECT_EQ(r.flow.adapters[1].lift.instance, 1u);
  EXPECT_EQ(r.flow.adapters[1].lower.instance, 3u);
  // Each consumer instance has its own core instance, instantiated with
  // the one adapter twice.
  ASSERT_EQ(r.flow.instances.size(), 3u);
  EXPECT_EQ(r.flow.instances[1].args[0], r.flow.instances[1].args[1]);
  EXPECT_EQ(r.flow.instances[1].component_instance, 2u);
  EXPECT_EQ(r.flow.instances[2].component_instance, 3u);
  EXPECT_EQ(modules_of(r), (Modules{{0, 1}}));
}

TEST(ComponentAdapters, NestedThreeLevels) {
  ComponentResult r = load("nested-three-levels");
  EXPECT_EQ(r.flow.component_instances.size(), 5u);
  ASSERT_EQ(r.flow.adapters.size(), 2u);
  const AdapterDef& parent = r.flow.adapters[0];
  EXPECT_EQ(parent.lift.instance, 3u);
  EXPECT_EQ(parent.lower.instance, 2u);
  EXPECT_EQ(parent.lift.ancestors, (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_TRUE(traps(r, 0));
  const AdapterDef& user = r.flow.adapters[1];
  EXPECT_EQ(user.lift.instance, 3u);
  EXPECT_EQ(user.lower.instance, 4u);
  EXPECT_EQ(user.lower.ancestors, (std::vector<uint32_t>{0}));
  EXPECT_EQ(user.lower_name, "api#f");
  EXPECT_FALSE(traps(r, 1));
  EXPECT_EQ(r.adapters.adapters[0].lift.ancestors, (std::vector<uint32_t>{0, 1, 2}));
}

TEST(ComponentAdapters, ResourcesGetATablePerInstance) {
  ComponentResult r = load("resources");
  ASSERT_EQ(r.flow.adapters.size(), 4u);
  const std::pair<uint32_t, const char*> expected[] = {{2, "res#[constructor]r"},
                                                       {2, "res#[method]r.get"},
                                                       {3, "res#[constructor]r"},
                                                       {3, "res#[method]r.get"}};
  for (uint32_t i = 0; i < 4; ++i) {
    EXPECT_EQ(r.flow.adapters[i].lift.instance, 1u);
    EXPECT_EQ(r.flow.adapters[i].lower.instance, expected[i].first);
    EXPECT_EQ(r.flow.adapters[i].lower_name, expected[i].second);
  }
  EXPECT_EQ(r.flow.types.resources().size(), 1u);
  const TypeStore& types = r.adapters.types;
  auto result_table = [&](FuncTypeId f) { return types.get(*types.get(f).result).resource; };
  const auto& ad = r.adapters.adapters;
  uint32_t provider = result_table(ad[0].lift_type);
  uint32_t user1 = result_table(ad[0].lower_type);
  uint32_t user2 = result_table(ad[2].lower_type);
  EXPECT_NE(provider, user1);
  EXPECT_NE(user1, user2);
  EXPECT_EQ(provider, result_table(ad[2].lift_type));
  auto param_table = [&](FuncTypeId f) { return types.get(types.get(f).params[0].type).resource; };
  EXPECT_EQ(param_table(ad[1].lift_type), provider);
  EXPECT_EQ(param_table(ad[1].lower_type), user1);
  EXPECT_EQ(r.adapters.tables.entries().size(), 3u);
  EXPECT_EQ(modules_of(r), (Modules{{0, 1, 2, 3}}));
}

TEST(ComponentAdapters, StringsAndListsAcrossEncodings) {
  ComponentResult r = load("strings-lists");
  ASSERT_EQ(r.flow.adapters.size(), 3u);
  const auto& ad = r.adapters.adapters;
  for (const Adapter& a : ad) EXPECT_EQ(a.lift.string_encoding, fact::StringEncoding::CompactUtf16);
  EXPECT_EQ(ad[0].lower.string_encoding, fact::StringEncoding::Utf8);
  EXPECT_EQ(ad[1].lower.string_encoding, fact::StringEncoding::Utf16);
  EXPECT_EQ(ad[2].lower.string_encoding, fact::StringEncoding::Utf8);
  EXPECT_FALSE(ad[1].lower.memory->type.memory64);
  EXPECT_TRUE(ad[2].lower.memory->type.memory64);
  // Each adapter needs a core instance created after the previous
  // adapter's user, so each starts a module.
  EXPECT_EQ(modules_of(r), (Modules{{0}, {1}, {2}}));
}

TEST(ComponentAdapters, HostImportsAreNotAdapters) {
  ComponentResult r = load("host-imports");
  ASSERT_EQ(r.flow.adapters.size(), 1u);
  ASSERT_EQ(r.flow.trampolines.size(), 2u);
  for (const Trampoline& t : r.flow.trampolines) {
    EXPECT_EQ(t.kind, Trampoline::Kind::LowerImport);
    EXPECT_EQ(t.import, "wasi:cli/stdout@0.2.0#print");
  }
  EXPECT_EQ(r.flow.trampolines[0].instance, 1u);
  EXPECT_EQ(r.flow.trampolines[1].instance, 2u);
  const AdapterDef& a = r.flow.adapters[0];
  EXPECT_EQ(a.callee.kind, CoreDef::Kind::Trampoline);
  EXPECT_EQ(a.lift.instance, 1u);
  EXPECT_EQ(a.lower.instance, 2u);
  // Trampolines are named as exports of the instance after the adapter
  // modules.
  EXPECT_EQ(r.adapters.adapters[0].callee, (CoreExport{2, "trampoline0"}));
}

TEST(ComponentAdapters, ImportedCoreModule) {
  ComponentResult r = load("imported-module");
  ASSERT_EQ(r.flow.instances.size(), 2u);
  EXPECT_EQ(r.flow.instances[0].imported_module, std::optional<std::string>("lib"));
  EXPECT_FALSE(r.flow.instances[1].imported_module);
  ASSERT_EQ(r.flow.adapters.size(), 1u);
  const Adapter& a = r.adapters.adapters[0];
  EXPECT_EQ(a.callee, (CoreExport{0, "f"}));
  ASSERT_TRUE(a.lift.memory);
  EXPECT_EQ(a.lift.memory->export_, (CoreExport{0, "memory"}));
  EXPECT_EQ(r.flow.adapters[0].lift.instance, 1u);
  EXPECT_EQ(r.flow.adapters[0].lower.instance, 2u);
}

TEST(ComponentAdapters, ReentranceTraps) {
  ComponentResult r = load("reentrance");
  ASSERT_EQ(r.flow.adapters.size(), 2u);
  EXPECT_EQ(r.flow.adapters[0].lift.instance, 0u);
  EXPECT_EQ(r.flow.adapters[0].lower.instance, 0u);
  EXPECT_EQ(r.flow.adapters[1].lift.instance, 0u);
  EXPECT_EQ(r.flow.adapters[1].lower.instance, 1u);
  EXPECT_TRUE(traps(r, 0));
  EXPECT_TRUE(traps(r, 1));
  const auto& imports = r.adapters.modules.at(0).imports;
  EXPECT_TRUE(std::any_of(imports.begin(), imports.end(), [](const fact::Import& i) {
    return i.module == "runtime" && i.field == "trap17";
  }));
}

TEST(ComponentAdapters, Errors) {
  EXPECT_NE(error_of("error-async-lift")
                .find("the `async` canonical option requires an async function type"),
            std::string::npos);
  std::string mismatch = error_of("error-type-mismatch");
  EXPECT_NE(mismatch.find("wrong type"), std::string::npos) << mismatch;
  EXPECT_NE(mismatch.find("func(x: u64) -> u64"), std::string::npos) << mismatch;
  EXPECT_NE(mismatch.find("at byte 0x"), std::string::npos) << mismatch;
  EXPECT_NE(error_of("error-missing-argument").find("import `f` is not given"), std::string::npos);
  EXPECT_NE(error_of("error-stream").find("stream.new: type index 0 is not a stream type"),
            std::string::npos);
  std::string lift = error_of("error-lift-signature");
  EXPECT_NE(lift.find("core function has type [i64] -> [i64]"), std::string::npos) << lift;
  EXPECT_NE(lift.find("needs [i32] -> [i32]"), std::string::npos) << lift;
  EXPECT_NE(error_of("error-resource-in-outer-alias").find("may not refer to a resource"),
            std::string::npos);
}

TEST(ComponentAdapters, RejectsGarbage) {
  EXPECT_FALSE(adapters_of_component(std::vector<uint8_t>{}));
  EXPECT_FALSE(adapters_of_component(std::vector<uint8_t>{0, 'a', 's', 'm', 1, 0, 0, 0}));
}

// Corrupting fixtures must give errors or results, never a crash (the
// sanitizer build checks for undefined behaviour along the way).
TEST(ComponentAdapters, SurvivesCorruptedInputs) {
  for (const auto& entry : std::filesystem::directory_iterator(fixture_dir())) {
    if (entry.path().extension() != ".wasm") continue;
    std::vector<uint8_t> bytes = read_fixture(entry.path().stem().string());
    for (size_t i = 8; i < bytes.size(); i += 7) {
      for (uint8_t value : {uint8_t{0x00}, uint8_t{0x01}, uint8_t{0x7f}, uint8_t{0xff}}) {
        std::vector<uint8_t> copy = bytes;
        copy[i] = value;
        (void)adapters_of_component(copy);
      }
      std::vector<uint8_t> truncated(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(i));
      (void)adapters_of_component(truncated);
    }
  }
}

// The partitioning rule on hand-made dataflows.
Dataflow flow_with(size_t instances) {
  Dataflow flow;
  for (size_t i = 0; i < instances; ++i) flow.instances.push_back({0, std::nullopt, 0, {}});
  return flow;
}

AdapterDef adapter_calling(CoreDef callee) {
  AdapterDef a;
  a.callee = std::move(callee);
  return a;
}

CoreDef export_of(uint32_t instance) { return {CoreDef::Kind::Export, instance, "f"}; }
CoreDef adapter_ref(uint32_t id) { return {CoreDef::Kind::Adapter, id, ""}; }

TEST(PartitionAdapters, IndependentAdaptersShareAModule) {
  Dataflow flow = flow_with(2);
  flow.adapters = {adapter_calling(export_of(0)), adapter_calling(export_of(1))};
  EXPECT_EQ(partition_adapters(flow), (Modules{{0, 1}}));
}

TEST(PartitionAdapters, AdapterCallingAnAdapterStartsAModule) {
  Dataflow flow = flow_with(1);
  flow.adapters = {adapter_calling(export_of(0)), adapter_calling(adapter_ref(0)),
                   adapter_calling(export_of(0))};
  EXPECT_EQ(partition_adapters(flow), (Modules{{0}, {1, 2}}));
}

TEST(PartitionAdapters, EarlierInstancesCountAsDependencies) {
  // Instance 1 is instantiated with adapter 0; adapter 1 needs the memory of
  // instance 2, hence instance 1 too.
  Dataflow flow = flow_with(3);
  flow.instances[1].args = {adapter_ref(0)};
  flow.adapters = {adapter_calling(export_of(0)), adapter_calling(export_of(0))};
  flow.adapters[1].lower.memory = MemoryDef{export_of(2), wasm::MemoryType{}};
  EXPECT_EQ(partition_adapters(flow), (Modules{{0}, {1}}));
  // Needing only instance 0 does not split.
  flow.adapters[1].lower.memory = MemoryDef{export_of(0), wasm::MemoryType{}};
  EXPECT_EQ(partition_adapters(flow), (Modules{{0, 1}}));
}

TEST(PartitionAdapters, NoAdaptersNoModules) {
  Dataflow flow = flow_with(2);
  EXPECT_TRUE(partition_adapters(flow).empty());
}

}  // namespace
}  // namespace fact::component
