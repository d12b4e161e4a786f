// An adapter as the code generator sees it: checked, with its imports made.
#pragma once

#include <optional>
#include <string>

#include "fact/abi.h"
#include "module_builder.h"

namespace fact::adapter {

struct ResolvedAdapter {
  std::string name;
  FuncTypeId lift_type;
  FuncTypeId lower_type;
  const SideOptions* lift_options = nullptr;  // interned in the ModuleBuilder
  const SideOptions* lower_options = nullptr;
  CoreSignature lift_signature;
  CoreSignature lower_signature;
  uint32_t callee = 0;  // imported function index
  std::optional<uint32_t> post_return;
  // Lift and lower are the same instance or one is an ancestor of the
  // other: entering would reenter an instance already on the stack, so the
  // adapter only traps (Store.lift's may_enter check, decided statically).
  bool reentrance_trap = false;
  // Some parameter contains a borrow: the call must be bracketed by
  // enter/exit-sync-call so that the borrow's lend is returned.
  bool has_borrow = false;
};

}  // namespace fact::adapter
