// Instance-graph inlining: instantiates the root component symbolically,
// runs every nested instantiation, and produces the flat dataflow of core
// instances, host lowerings and fused adapters (dataflow.h). Along the way
// it checks what instantiation requires: that every import is given, with
// the type it declares, and that canonical definitions are valid.
#pragma once

#include <cstdint>

#include "fact/component/ast.h"
#include "fact/component/dataflow.h"
#include "fact/error.h"

namespace fact::component {

struct InlineLimits {
  // Runtime component instances (a nested component instantiated twice
  // inside one instantiated twice ... grows exponentially).
  uint32_t max_component_instances = 100000;
  uint32_t max_depth = 100;
};

// The dataflow keeps pointers into `root` (its core modules), which must
// outlive it.
Expected<Dataflow> inline_component(const Component& root, const InlineLimits& limits = {});

}  // namespace fact::component
