// Compiles one adapter through the installed public API and checks that the
// result looks like a core wasm module. Exits non-zero, saying why, if not.
#include <algorithm>
#include <cstdio>
#include <variant>

#include "fact/adapter.h"
#include "fact/types.h"

namespace {

int fail(const char* what) {
  std::fprintf(stderr, "fact_consumer: %s\n", what);
  return 1;
}

}  // namespace

int main() {
  fact::TypeStore types;
  const fact::TypeId u32 = types.primitive(fact::TypeKind::U32);
  const fact::FuncTypeId func = types.func({.is_async = false, .params = {{"a", u32}}, .result = u32});

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
  if (bytes.size() < sizeof kHeader || !std::equal(std::begin(kHeader), std::end(kHeader), bytes.begin())) {
    return fail("encode() does not start with the wasm magic and version 1");
  }

  const auto& imports = module.imports();
  const bool imports_callee = std::any_of(imports.begin(), imports.end(), [](const fact::Import& import) {
    const auto* bound = std::get_if<fact::binding::Export>(&import.binding);
    return bound != nullptr && bound->role == fact::binding::Export::Role::Callee && bound->item.name == "f";
  });
  if (!imports_callee) {
    return fail("the module does not import the callee f");
  }

  std::printf("fact_consumer: adapter module of %zu bytes with %zu imports\n", bytes.size(), imports.size());
  return 0;
}
