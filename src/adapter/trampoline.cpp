// The adapter function itself: a synchronous call from the lowering
// instance into the lifting one, with the checks and bookkeeping the
// Canonical ABI's canon_lower and canon_lift make around it.
#include "compiler.h"

namespace fact::adapter {
namespace {

std::vector<TypeId> param_types(const FuncType& f) {
  std::vector<TypeId> out;
  out.reserve(f.params.size());
  for (const Param& p : f.params) out.push_back(p.type);
  return out;
}

}  // namespace

// The parameters go from the caller's flat values (or the tuple its single
// pointer parameter points to) to the callee's flat values (or a tuple the
// adapter allocates with the callee's realloc and passes as a pointer),
// which are left on the stack for the call.
void Compiler::translate_params(const ResolvedAdapter& a) {
  const std::vector<TypeId> src_types = param_types(types_.get(a.lower_type));
  const std::vector<TypeId> dst_types = param_types(types_.get(a.lift_type));
  const SideOptions& lower = *a.lower_options;
  const SideOptions& lift = *a.lift_options;

  // The caller's flat parameters are the adapter's parameters.
  std::vector<std::vector<Slot>> src_slots;
  std::vector<Source> sources;
  if (!a.lower_signature.params_indirect) {
    uint32_t local = 0;
    src_slots.reserve(src_types.size());
    for (TypeId t : src_types) {
      std::vector<Slot>& slots = src_slots.emplace_back();
      for (ValType c : *abi(t, lower).flat) slots.push_back({local++, c});
      sources.push_back(Source::stack(lower, slots));
    }
  } else {
    const SequenceLayout tuple = sequence_layout(types_, src_types, lower.memory64);
    validate_pointer(lower, 0, Operand::of(tuple.size), tuple.align, TrapCode::MemoryOutOfBounds);
    for (uint32_t offset : tuple.offsets) sources.push_back(Source::memory(lower, 0, offset));
  }

  std::vector<std::vector<ValType>> dst_slots;
  std::vector<Destination> destinations;
  std::optional<TempLocal> area;
  if (!a.lift_signature.params_indirect) {
    dst_slots.reserve(dst_types.size());
    for (TypeId t : dst_types) {
      destinations.push_back(
          Destination::stack(lift, dst_slots.emplace_back(natural_flat(t, lift))));
    }
  } else {
    const SequenceLayout tuple = sequence_layout(types_, dst_types, lift.memory64);
    area = malloc(lift, Operand::of(tuple.size), tuple.align, TrapCode::MemoryOutOfBounds);
    for (uint32_t offset : tuple.offsets) {
      destinations.push_back(Destination::memory(lift, area->index(), offset));
    }
  }

  for (size_t i = 0; i < src_types.size(); ++i) {
    translate(src_types[i], sources[i], dst_types[i], destinations[i]);
  }
  if (area) ins_.local_get(area->index());
}

// The result goes from the callee's flat result (or the tuple its pointer
// points to) to the caller's flat result (or the place `retptr` names).
void Compiler::translate_results(const ResolvedAdapter& a, std::span<const Slot> results,
                                 bool indirect, std::optional<uint32_t> retptr) {
  const FuncType& lift_type = types_.get(a.lift_type);
  if (!lift_type.result) return;
  const TypeId src_type = *lift_type.result;
  const TypeId dst_type = *types_.get(a.lower_type).result;
  const SideOptions& lift = *a.lift_options;
  const SideOptions& lower = *a.lower_options;

  std::optional<Source> src;
  if (!indirect) {
    src = Source::stack(lift, results);
  } else {
    const AbiLayout& l = abi(src_type, lift);
    validate_pointer(lift, results[0].local, Operand::of(l.size), l.align,
                     TrapCode::MemoryOutOfBounds);
    src = Source::memory(lift, results[0].local);
  }

  std::vector<ValType> dst_slots;
  std::optional<Destination> dst;
  if (!retptr) {
    dst_slots = natural_flat(dst_type, lower);
    dst = Destination::stack(lower, dst_slots);
  } else {
    const AbiLayout& l = abi(dst_type, lower);
    validate_pointer(lower, *retptr, Operand::of(l.size), l.align, TrapCode::MemoryOutOfBounds);
    dst = Destination::memory(lower, *retptr);
  }
  translate(src_type, *src, dst_type, *dst);
}

TempLocal Compiler::clear_may_leave(const SideOptions& options) {
  TempLocal saved = temp(ValType::I32);
  ins_.global_get(options.flags_global);
  ins_.local_set(saved.index());
  ins_.i32_const(0);
  ins_.global_set(options.flags_global);
  return saved;
}

void Compiler::restore_may_leave(const SideOptions& options, const TempLocal& saved) {
  ins_.local_get(saved.index());
  ins_.global_set(options.flags_global);
}

// Wasmtime's sync-to-sync trampoline, with two differences the
// documentation lists (docs/divergences.md): context slots are saved and
// restored around realloc and post-return, and a sync caller of an
// async-typed callee is bracketed like any other call.
void Compiler::compile_sync_to_sync(const ResolvedAdapter& a) {
  if (a.reentrance_trap) {
    trap(TrapCode::CannotEnterComponent);
    return;
  }
  const SideOptions& lower = *a.lower_options;
  const SideOptions& lift = *a.lift_options;
  const FuncType& lift_type = types_.get(a.lift_type);
  const bool barrier = module_.options().exceptions;
  const BlockType results_type = block_type_for(a.lower_signature.results);
  if (barrier) {
    // An exception thrown by anything the adapter calls becomes a trap
    // instead of crossing the component boundary.
    ins_.block(results_type);
    ins_.block(BlockType::empty());
    ins_.try_table_catch_all(results_type, 0);
  }
  const bool concurrency = module_.options().concurrency_support;
  const bool bracket = concurrency || a.has_borrow;

  // The caller must be allowed to leave its instance.
  TempLocal lower_flags = temp(ValType::I32);
  ins_.global_get(lower.flags_global);
  ins_.local_tee(lower_flags.index());
  ins_.i32_eqz();
  trap_if(TrapCode::CannotLeaveComponent);

  if (bracket) {
    ins_.i32_const(static_cast<int32_t>(lower.instance));
    ins_.i32_const(concurrency && lift_type.is_async ? 1 : 0);
    ins_.i32_const(static_cast<int32_t>(lift.instance));
    call_intrinsic(Intrinsic::EnterSyncCall);
  }

  // The callee may not call out while its realloc runs.
  {
    const TempLocal lift_flags = clear_may_leave(lift);
    translate_params(a);
    restore_may_leave(lift, lift_flags);
  }

  ins_.call(a.callee);
  std::vector<TempLocal> result_locals;
  std::vector<Slot> results;
  for (ValType t : a.lift_signature.results) {
    result_locals.push_back(temp(t));
    results.push_back({result_locals.back().index(), t});
  }
  for (size_t i = results.size(); i-- > 0;) ins_.local_set(results[i].local);

  // The callee's context slots, for its post-return.
  std::optional<TempLocal> callee_context0, callee_context1;
  if (a.post_return && concurrency) {
    callee_context0 = temp(ValType::I32);
    callee_context1 = temp(ValType::I32);
    call_intrinsic(Intrinsic::ContextGet0);
    ins_.local_set(callee_context0->index());
    call_intrinsic(Intrinsic::ContextGet1);
    ins_.local_set(callee_context1->index());
  }
  if (bracket) call_intrinsic(Intrinsic::ExitSyncCall);

  // The caller may not call out while its realloc runs.
  ins_.i32_const(0);
  ins_.global_set(lower.flags_global);
  std::optional<uint32_t> retptr;
  if (a.lower_signature.results_indirect) {
    retptr = static_cast<uint32_t>(a.lower_signature.params.size() - 1);
  }
  translate_results(a, results, a.lift_signature.results_indirect, retptr);
  ins_.local_get(lower_flags.index());
  ins_.global_set(lower.flags_global);

  if (a.post_return) {
    std::optional<TempLocal> caller_context0, caller_context1;
    if (callee_context0) {
      caller_context0 = temp(ValType::I32);
      caller_context1 = temp(ValType::I32);
      call_intrinsic(Intrinsic::ContextGet0);
      ins_.local_set(caller_context0->index());
      call_intrinsic(Intrinsic::ContextGet1);
      ins_.local_set(caller_context1->index());
      ins_.local_get(callee_context0->index());
      call_intrinsic(Intrinsic::ContextSet0);
      ins_.local_get(callee_context1->index());
      call_intrinsic(Intrinsic::ContextSet1);
    }
    // canon_lift runs post-return with the callee's may_leave cleared.
    const TempLocal lift_flags = clear_may_leave(lift);
    for (const Slot& r : results) ins_.local_get(r.local);
    ins_.call(*a.post_return);
    restore_may_leave(lift, lift_flags);
    if (caller_context0) {
      ins_.local_get(caller_context0->index());
      call_intrinsic(Intrinsic::ContextSet0);
      ins_.local_get(caller_context1->index());
      call_intrinsic(Intrinsic::ContextSet1);
    }
  }
  if (barrier) {
    ins_.end();  // try_table
    ins_.br(1);
    ins_.end();
    trap(TrapCode::UncaughtException);
    ins_.end();
  }
}

}  // namespace fact::adapter
