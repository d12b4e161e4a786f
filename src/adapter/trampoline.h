// Code generation for adapter functions and outlined translation helpers
// (fact-reference §1.6, §2).
#pragma once

#include <optional>
#include <string>

#include "adapter/module_builder.h"
#include "fact/abi.h"

namespace fact::adapter {

// An adapter whose options have been checked and whose imports exist.
struct ResolvedAdapter {
  std::string name;
  FuncTypeId lift_type;
  FuncTypeId lower_type;
  uint32_t lift_options;   // ModuleBuilder::intern_options index
  uint32_t lower_options;  // ditto
  CoreSignature lift_signature;
  CoreSignature lower_signature;
  uint32_t callee;  // imported function index
  std::optional<uint32_t> post_return;
  // Lift and lower are the same instance or one is an ancestor of the
  // other: the adapter only traps (fact-reference §A1).
  bool reentrance_trap = false;
  // Some parameter contains a borrow (fact-reference §A3 step 3).
  bool has_borrow = false;
};

// Generates the body of the adapter's main function, then drains the
// worklist of outlined functions.
void compile_adapter(ModuleBuilder& module, const ResolvedAdapter& adapter);

}  // namespace fact::adapter
