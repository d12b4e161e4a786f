// Uses every installed library through its public headers, as an embedder
// would: the adapter compiler (one adapter), the component front end (the
// adapters and instantiation plan of a component file, argv[1]) and the
// reference host (a string transcoder and a resource's handles). Exits
// non-zero, saying why, when something does not work.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <variant>
#include <vector>

#include "fact/adapter.h"
#include "fact/component/adapters.h"
#include "fact/component/plan.h"
#include "fact/host/host.h"
#include "fact/host/transcode.h"
#include "fact/types.h"

namespace {

int fail(const char* what) {
  std::fprintf(stderr, "fact_consumer: %s\n", what);
  return 1;
}

// The adapter compiler: func(a: u32) -> u32 from instance 0 into instance 1.
int compile_one_adapter() {
  fact::TypeStore types;
  const fact::TypeId u32 = types.primitive(fact::TypeKind::U32);
  const fact::FuncTypeId func =
      types.func({.is_async = false, .params = {{"a", u32}}, .result = u32});

  fact::Adapter adapter;
  adapter.lift_type = func;
  adapter.lower_type = func;
  adapter.lift.instance = 1;
  adapter.lower.instance = 0;
  adapter.callee = {.instance = 1, .name = "f"};

  fact::AdapterModule module(types);
  if (auto added = module.adapt("adapter", adapter); !added) {
    std::fprintf(stderr, "fact_consumer: adapt failed: %s\n", added.error().message.c_str());
    return 1;
  }
  const std::vector<uint8_t> bytes = module.encode();
  static constexpr uint8_t kHeader[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  if (bytes.size() < sizeof kHeader ||
      !std::equal(std::begin(kHeader), std::end(kHeader), bytes.begin())) {
    return fail("encode() does not start with the wasm magic and version 1");
  }
  const auto& imports = module.imports();
  const bool imports_callee =
      std::any_of(imports.begin(), imports.end(), [](const fact::Import& import) {
        const auto* bound = std::get_if<fact::binding::Export>(&import.binding);
        return bound != nullptr && bound->role == fact::binding::Export::Role::Callee &&
               bound->item.name == "f";
      });
  if (!imports_callee) return fail("the module does not import the callee f");
  std::printf("fact_consumer: adapter module of %zu bytes with %zu imports\n", bytes.size(),
              imports.size());
  return 0;
}

// The component front end: read a component, compile its adapters, plan it.
int plan_component(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot open the component given as the first argument");
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
  auto result = fact::component::adapters_of_component(bytes);
  if (!result) {
    std::fprintf(stderr, "fact_consumer: %s\n", result.error().message.c_str());
    return 1;
  }
  auto plan = fact::component::build_plan(*result);
  if (!plan) {
    std::fprintf(stderr, "fact_consumer: %s\n", plan.error().message.c_str());
    return 1;
  }
  if (result->adapters.modules.empty()) return fail("the component has no adapter module");
  if (plan->steps.empty() || plan->exports.empty())
    return fail("the plan has no steps or no exports");
  std::printf("fact_consumer: %s: %zu adapter module(s), a plan of %zu steps and %zu exports\n",
              path, result->adapters.modules.size(), plan->steps.size(), plan->exports.size());
  return 0;
}

// The reference host: a transcoder and the life of a resource handle.
int use_host() {
  const std::vector<uint8_t> utf8 = {'h', 0xC3, 0xA9};  // "hé"
  std::vector<uint8_t> utf16(2 * utf8.size());
  auto units = fact::host::utf8_to_utf16(utf8, utf16);
  if (!units || *units != 2 || utf16[2] != 0xE9 || utf16[3] != 0x00) {
    return fail("utf8_to_utf16 did not transcode \"h\\u00e9\"");
  }

  fact::host::Host host;
  int destroyed = 0;
  const bool registered = host.add_instance(0).ok() &&
                          host.add_resource_type(7, 0,
                                                 [&](uint32_t rep) -> fact::Expected<void> {
                                                   destroyed += static_cast<int>(rep);
                                                   return {};
                                                 })
                              .ok() &&
                          host.add_resource_table(0, 0, 7).ok();
  if (!registered) return fail("cannot register an instance, a resource type and its table");
  auto handle = host.resource_new(0, 42);
  if (!handle || host.live_handles(0) != 1) return fail("resource.new did not make a handle");
  if (!host.resource_drop(0, *handle) || destroyed != 42)
    return fail("resource.drop did not run the destructor");
  std::printf("fact_consumer: host transcoded a string and ran a resource's destructor\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return fail("usage: fact_consumer COMPONENT.wasm");
  if (int r = compile_one_adapter()) return r;
  if (int r = plan_component(argv[1])) return r;
  return use_host();
}
