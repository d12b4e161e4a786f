// How the front end names a core item once instantiation is flattened: an
// export of a core instance, a fused adapter, or a trampoline the host
// provides.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace fact::component {

// A core definition in the flattened graph.
struct CoreDef {
  enum class Kind : uint8_t {
    Export,      // export `name` of core instance `index`
    Adapter,     // fused adapter `index`
    Trampoline,  // trampoline `index` (a host lowering or a resource builtin)
  };
  Kind kind = Kind::Export;
  uint32_t index = 0;
  std::string name;  // Export only
  friend auto operator<=>(const CoreDef&, const CoreDef&) = default;
};

}  // namespace fact::component
