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

  // The lift's results as the callee hands them over: its core results for
  // a sync lift, the arguments of `task.return` for an async one (up to
  // MAX_FLAT_PARAMS flat values, else a pointer).
  std::vector<ValType> lifted_results;
  bool lifted_results_indirect = false;

  // For the imports of adapters with an async side.
  bool lift_type_async = false;  // the function type is async
  uint32_t task_return_type = 0;
  std::optional<CoreExport> lift_memory;
  std::optional<CoreExport> lift_callback;
  std::optional<CoreExport> lift_post_return;
  // Lift and lower are the same instance or one is an ancestor of the
  // other: entering would reenter an instance already on the stack, so the
  // adapter only traps (Store.lift's may_enter check, decided statically).
  bool reentrance_trap = false;
  // Some parameter contains a borrow: the call must be bracketed by
  // enter/exit-sync-call so that the borrow's lend is returned.
  bool has_borrow = false;
};

}  // namespace fact::adapter
