// The adapters with an async side: an async lower, an async lift, or both.
// The call cannot run straight through: the callee may be held back by
// backpressure before it starts, and an async callee returns its result
// through `task.return` long after it started, or never. So the adapter
// only asks the runtime to prepare the call (a subtask holding the caller's
// flat arguments) and to start it; the runtime later calls two helpers the
// module exports:
//   [async-start]{name}   the caller's parameters -> the callee's, once the
//                         callee may start (canon_lift's on_start);
//   [async-return]{name}  the callee's results -> the caller's, when the
//                         callee returns them (canon_lower's on_resolve).
// docs/import-abi.md is the contract; the import names and signatures are
// Wasmtime's, so that one runtime serves both compilers' adapters.
#include <limits>

#include "compiler.h"

namespace fact::adapter {
namespace {

// What the caller hands over as parameters, without its return pointer.
std::vector<ValType> lowered_params(const ResolvedAdapter& a) {
  std::vector<ValType> params = a.lower_signature.params;
  if (a.lower_signature.results_indirect) params.pop_back();
  return params;
}

}  // namespace

wasm::FuncType async_start_type(const ResolvedAdapter& a) {
  return {lowered_params(a), a.lift_signature.params};
}

wasm::FuncType async_return_type(const ResolvedAdapter& a) {
  wasm::FuncType type{a.lifted_results, {}};
  // The caller's return pointer, in the caller's memory.
  if (a.lower_signature.results_indirect) type.params.push_back(a.lower_signature.params.back());
  if (!a.lower_options->is_async && !a.lower_signature.results_indirect) {
    type.results = a.lower_signature.results;
  }
  return type;
}

// The callee's flat parameters (or the pointer to them, allocated with its
// realloc) are this function's results. The callee may not call out while
// its realloc runs.
void Compiler::compile_async_start(const ResolvedAdapter& a) {
  const SideOptions& lift = *a.lift_options;
  const TempLocal saved = clear_may_leave(lift);
  translate_params(a);
  restore_may_leave(lift, saved);
}

// The callee's results (what it passed to `task.return`, or its core
// results for a sync lift) are the parameters, followed by the caller's
// return pointer when the caller takes its results through memory. The
// caller may not call out while its realloc runs.
void Compiler::compile_async_return(const ResolvedAdapter& a) {
  const SideOptions& lower = *a.lower_options;
  const TempLocal saved = clear_may_leave(lower);
  std::vector<Slot> results;
  for (uint32_t i = 0; i < a.lifted_results.size(); ++i)
    results.push_back({i, a.lifted_results[i]});
  std::optional<uint32_t> retptr;
  if (a.lower_signature.results_indirect) retptr = static_cast<uint32_t>(a.lifted_results.size());
  translate_results(a, results, a.lifted_results_indirect, retptr);
  restore_may_leave(lower, saved);
}

// prepare-call, then start-call; the start-call's result is the adapter's:
// an async caller gets the subtask's state and handle, a sync caller its
// flat results.
void Compiler::compile_async_call(const ResolvedAdapter& a, FunctionId start, FunctionId return_) {
  const SideOptions& lower = *a.lower_options;
  const SideOptions& lift = *a.lift_options;

  // canon_lower's first check: the caller must be allowed to leave.
  ins_.global_get(lower.flags_global);
  ins_.i32_eqz();
  trap_if(TrapCode::CannotLeaveComponent);

  // start-call is imported before prepare-call, as Wasmtime does, so that
  // both compilers number the imports alike.
  uint32_t start_call = 0;
  if (lower.is_async) {
    // Async calls to the same callback (or, for sync callees, the same
    // post-return) share one start-call.
    start_call =
        module_.import_async_start_call(a.name, lift.is_async ? a.lift_callback : std::nullopt,
                                        lift.is_async ? std::nullopt : a.lift_post_return);
  } else {
    start_call = module_.import_sync_start_call(a.name, a.lift_callback, a.lower_signature.results);
  }
  const uint32_t prepare =
      module_.import_prepare_call(a.name, a.lower_signature.params, a.lift_memory);

  ref_func_defined(start);
  ref_func_defined(return_);
  ins_.i32_const(static_cast<int32_t>(lower.instance));
  ins_.i32_const(static_cast<int32_t>(lift.instance));
  ins_.i32_const(static_cast<int32_t>(a.task_return_type));
  ins_.i32_const(a.lift_type_async ? 1 : 0);
  ins_.i32_const(static_cast<int32_t>(lift.string_encoding));
  if (lower.is_async) {
    ins_.i32_const(types_.get(a.lower_type).result ? kPrepareAsyncWithResult
                                                   : kPrepareAsyncNoResult);
  } else {
    // How many flat results the sync caller takes from start-call, or
    // INT32_MAX when they travel through memory.
    const FuncType& lower_type = types_.get(a.lower_type);
    uint64_t count = 0;
    if (lower_type.result) {
      const std::optional<std::vector<ValType>>& flat = abi(*lower_type.result, lower).flat;
      count = flat ? flat->size() : std::numeric_limits<int32_t>::max();
    }
    ins_.i32_const(static_cast<int32_t>(count));
  }
  for (uint32_t i = 0; i < a.lower_signature.params.size(); ++i) ins_.local_get(i);
  ins_.call(prepare);

  ins_.ref_func(a.callee);
  ins_.i32_const(static_cast<int32_t>(a.lift_signature.params.size()));
  if (lower.is_async) {
    if (lift.is_async) {
      // An async callee's core result is its callback code, if it has a
      // callback; the runtime is told to make room for one either way.
      ins_.i32_const(1);
      ins_.i32_const(kStartFlagAsyncCallee);
    } else {
      ins_.i32_const(static_cast<int32_t>(a.lift_signature.results.size()));
      ins_.i32_const(0);
    }
  }
  ins_.call(start_call);
}

}  // namespace fact::adapter
