// libFuzzer target: read_component() must return a value or an error for any
// input, without crashes, sanitizer reports or leaks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "fact/component/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto result = fact::component::read_component(std::span<const uint8_t>(data, size));
  if (result.ok()) {
    // Walk the index spaces: every entry must name an existing definition,
    // which catches bookkeeping bugs the sanitizers cannot see.
    const auto& c = *result;
    for (const auto& space : c.index_spaces)
      for (uint32_t position : space)
        if (position >= c.definitions.size()) std::abort();
    if (c.size != size) std::abort();
  } else if (result.error().message.rfind("at byte 0x", 0) != 0) {
    std::abort();  // every error names its offset
  }
  return 0;
}
