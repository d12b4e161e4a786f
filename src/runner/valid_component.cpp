// Reading a component whose core modules are valid core wasm: the front end
// does not depend on libwabt, so the check that every core module
// validates (Explainer.md: a component is valid only if its core modules
// are) is made here, where the engine is at hand.
#include <cstdint>
#include <string>
#include <variant>

#include "fact/component/reader.h"
#include "fact/engine/modules.h"
#include "fact/runner/component_runner.h"
#include "fact/wasm/cursor.h"

namespace fact::runner {
namespace {

// In binary order, nested components' modules where they appear, so that
// `number` is the module's index among all of them.
Expected<void> validate_core_modules(const component::Component& c, uint32_t& number) {
  for (const component::Definition& d : c.definitions) {
    if (const auto* m = std::get_if<component::CoreModule>(&d.item)) {
      if (auto valid = engine::validate_module(m->bytes); !valid) {
        return Error{"at byte " + wasm::hex(m->offset) + ": core module " + std::to_string(number) +
                     " is not valid core wasm: " + valid.error().message};
      }
      ++number;
    } else if (const auto* nested = std::get_if<component::Component>(&d.item)) {
      if (auto r = validate_core_modules(*nested, number); !r) return r;
    }
  }
  return {};
}

}  // namespace

Expected<void> validate_core_modules(const component::Component& component) {
  uint32_t number = 0;
  return validate_core_modules(component, number);
}

Expected<component::ComponentResult> read_valid_component(std::span<const uint8_t> bytes,
                                                          const ModuleOptions& options) {
  auto result = component::adapters_of_component(bytes, options);
  if (!result) {
    // An invalid core module is reported in preference to what it made the
    // front end stumble over; only this failing path reads the bytes again.
    if (auto ast = component::read_component(bytes); ast) {
      if (auto valid = validate_core_modules(*ast); !valid) return valid.error();
    }
    return result.error();
  }
  if (auto valid = validate_core_modules(result->ast); !valid) return valid.error();
  return result;
}

}  // namespace fact::runner
