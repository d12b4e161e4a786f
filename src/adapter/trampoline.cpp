#include "adapter/trampoline.h"

#include "adapter/compiler.h"

namespace fact::adapter {
namespace {

std::vector<TypeId> param_types(const FuncType& f) {
  std::vector<TypeId> out;
  out.reserve(f.params.size());
  for (const Param& p : f.params) out.push_back(p.type);
  return out;
}

}  // namespace

void Compiler::translate_params(const ResolvedAdapter& a) {
  const FuncType& lower = types_.get(a.lower_type);
  const FuncType& lift = types_.get(a.lift_type);
  std::vector<TypeId> src_types = param_types(lower);
  std::vector<TypeId> dst_types = param_types(lift);
  const SideOptions& lower_opts = opts(a.lower_options);
  const SideOptions& lift_opts = opts(a.lift_options);

  // Caller side (fact-reference §B1).
  std::vector<Source> sources;
  if (!a.lower_signature.params_indirect) {
    uint32_t local = 0;
    for (TypeId t : src_types) {
      Source s;
      s.location = Location::Stack;
      s.options = a.lower_options;
      for (CoreType c : *abi(t, a.lower_options).flat) s.slots.push_back({local++, to_val(c)});
      sources.push_back(std::move(s));
    }
  } else {
    AbiLayout layout;
    std::vector<uint32_t> offsets = tuple_offsets(src_types, lower_opts.memory64, &layout);
    validate_pointer(a.lower_options, 0, Operand::of(layout.size), layout.align,
                     TrapCode::MemoryOutOfBounds);
    for (uint32_t offset : offsets) {
      Source s;
      s.location = Location::Memory;
      s.options = a.lower_options;
      s.addr = 0;
      s.offset = offset;
      sources.push_back(s);
    }
  }

  // Callee side (fact-reference §B2).
  std::vector<Destination> destinations;
  std::optional<uint32_t> area;
  if (!a.lift_signature.params_indirect) {
    for (TypeId t : dst_types) {
      Destination d;
      d.location = Location::Stack;
      d.options = a.lift_options;
      d.slots = natural_flat(t, a.lift_options);
      destinations.push_back(std::move(d));
    }
  } else {
    AbiLayout layout;
    std::vector<uint32_t> offsets = tuple_offsets(dst_types, lift_opts.memory64, &layout);
    area = malloc(a.lift_options, Operand::of(layout.size), layout.align,
                  TrapCode::MemoryOutOfBounds);
    for (uint32_t offset : offsets) {
      Destination d;
      d.location = Location::Memory;
      d.options = a.lift_options;
      d.addr = *area;
      d.offset = offset;
      destinations.push_back(d);
    }
  }

  for (size_t i = 0; i < src_types.size(); ++i) {
    translate(src_types[i], sources[i], dst_types[i], destinations[i]);
  }
  if (area) {
    ins_.local_get(*area);
    free_local(*area);
  }
}

void Compiler::translate_results(const ResolvedAdapter& a, const std::vector<Slot>& results) {
  const FuncType& lower = types_.get(a.lower_type);
  const FuncType& lift = types_.get(a.lift_type);
  if (!lift.result) return;
  TypeId src_type = *lift.result;
  TypeId dst_type = *lower.result;

  // Callee side (fact-reference §B4).
  Source src;
  src.options = a.lift_options;
  if (!a.lift_signature.results_indirect) {
    src.location = Location::Stack;
    src.slots = results;
  } else {
    src.location = Location::Memory;
    src.addr = results[0].local;
    const AbiLayout& l = abi(src_type, a.lift_options);
    validate_pointer(a.lift_options, src.addr, Operand::of(l.size), l.align,
                     TrapCode::MemoryOutOfBounds);
  }

  // Caller side (fact-reference §B5).
  Destination dst;
  dst.options = a.lower_options;
  if (!a.lower_signature.results_indirect) {
    dst.location = Location::Stack;
    dst.slots = natural_flat(dst_type, a.lower_options);
  } else {
    dst.location = Location::Memory;
    dst.addr = static_cast<uint32_t>(a.lower_signature.params.size() - 1);
    const AbiLayout& l = abi(dst_type, a.lower_options);
    validate_pointer(a.lower_options, dst.addr, Operand::of(l.size), l.align,
                     TrapCode::MemoryOutOfBounds);
  }
  translate(src_type, src, dst_type, dst);
}

// The sync-to-sync adapter (fact-reference §A3, with fact's Decision 2
// items 5 and 6).
void Compiler::compile_sync_to_sync(const ResolvedAdapter& a) {
  if (a.reentrance_trap) {
    trap(TrapCode::CannotEnterComponent);
    finish();
    return;
  }
  const SideOptions& lower_opts = opts(a.lower_options);
  const SideOptions& lift_opts = opts(a.lift_options);
  const FuncType& lift_type = types_.get(a.lift_type);
  bool barrier = module_.options().exceptions;
  BlockType results_type = block_type_for(to_vals(a.lower_signature.results));
  if (barrier) {
    // fact-reference §L1: an exception thrown by anything the adapter calls
    // becomes a trap instead of crossing the component boundary.
    ins_.block(results_type);
    ins_.block(BlockType::empty());
    ins_.try_table_catch_all(results_type, 0);
  }
  bool concurrency = module_.options().concurrency_support;
  bool bracket = concurrency || a.has_borrow;

  // The caller must be allowed to leave its instance.
  uint32_t lower_flags = new_local(ValType::I32);
  ins_.global_get(lower_opts.flags_global);
  ins_.local_tee(lower_flags);
  ins_.i32_eqz();
  trap_if(TrapCode::CannotLeaveComponent);

  if (bracket) {
    ins_.i32_const(static_cast<int32_t>(lower_opts.instance));
    ins_.i32_const(concurrency && lift_type.is_async ? 1 : 0);
    ins_.i32_const(static_cast<int32_t>(lift_opts.instance));
    call_intrinsic(Intrinsic::EnterSyncCall);
  }

  // The callee may not call out while its realloc runs.
  uint32_t lift_flags = new_local(ValType::I32);
  ins_.global_get(lift_opts.flags_global);
  ins_.local_set(lift_flags);
  ins_.i32_const(0);
  ins_.global_set(lift_opts.flags_global);
  translate_params(a);
  ins_.local_get(lift_flags);
  ins_.global_set(lift_opts.flags_global);

  ins_.call(a.callee);
  std::vector<Slot> results(a.lift_signature.results.size());
  for (size_t i = results.size(); i-- > 0;) {
    ValType t = to_val(a.lift_signature.results[i]);
    results[i] = {new_local(t), t};
    ins_.local_set(results[i].local);
  }

  std::optional<std::pair<uint32_t, uint32_t>> callee_context;
  if (a.post_return && concurrency) {
    callee_context = {new_local(ValType::I32), new_local(ValType::I32)};
    call_intrinsic(Intrinsic::ContextGet0);
    ins_.local_set(callee_context->first);
    call_intrinsic(Intrinsic::ContextGet1);
    ins_.local_set(callee_context->second);
  }
  if (bracket) call_intrinsic(Intrinsic::ExitSyncCall);

  // The caller may not call out while its realloc runs.
  ins_.i32_const(0);
  ins_.global_set(lower_opts.flags_global);
  translate_results(a, results);
  ins_.local_get(lower_flags);
  ins_.global_set(lower_opts.flags_global);

  if (a.post_return) {
    std::optional<std::pair<uint32_t, uint32_t>> caller_context;
    if (callee_context) {
      caller_context = {new_local(ValType::I32), new_local(ValType::I32)};
      call_intrinsic(Intrinsic::ContextGet0);
      ins_.local_set(caller_context->first);
      call_intrinsic(Intrinsic::ContextGet1);
      ins_.local_set(caller_context->second);
      ins_.local_get(callee_context->first);
      call_intrinsic(Intrinsic::ContextSet0);
      ins_.local_get(callee_context->second);
      call_intrinsic(Intrinsic::ContextSet1);
    }
    // canon_lift runs post-return with the callee's may_leave cleared.
    ins_.global_get(lift_opts.flags_global);
    ins_.local_set(lift_flags);
    ins_.i32_const(0);
    ins_.global_set(lift_opts.flags_global);
    for (const Slot& r : results) ins_.local_get(r.local);
    ins_.call(*a.post_return);
    ins_.local_get(lift_flags);
    ins_.global_set(lift_opts.flags_global);
    if (caller_context) {
      ins_.local_get(caller_context->first);
      call_intrinsic(Intrinsic::ContextSet0);
      ins_.local_get(caller_context->second);
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
  finish();
}

void Compiler::compile_outlined(const OutlineRequest& request) {
  const OutlineKey& k = request.key;
  TypeId src_type{k.src_type};
  TypeId dst_type{k.dst_type};
  Source src;
  src.location = k.src_location;
  src.options = k.src_options;
  uint32_t next_param = 0;
  if (k.src_location == Location::Stack) {
    for (ValType t : natural_flat(src_type, k.src_options)) src.slots.push_back({next_param++, t});
  } else {
    src.addr = next_param++;
  }
  Destination dst;
  dst.location = k.dst_location;
  dst.options = k.dst_options;
  if (k.dst_location == Location::Stack) {
    dst.slots = natural_flat(dst_type, k.dst_options);
  } else {
    dst.addr = next_param++;
  }
  // The layer that did not fit where it was requested is paid for from a
  // fresh budget here; it is never outlined again, so the chain ends.
  uint32_t cost = layer_cost(node(src_type));
  fuel_ = cost > kInitialFuel ? 0 : kInitialFuel - cost;
  translate_layer(src_type, src, dst_type, dst);
  finish();
}

void compile_adapter(ModuleBuilder& module, const ResolvedAdapter& adapter) {
  wasm::FuncType type{to_vals(adapter.lower_signature.params),
                      to_vals(adapter.lower_signature.results)};
  FunctionId main = module.add_function(type, adapter.name);
  {
    Compiler compiler(module, main, type.params);
    compiler.compile_sync_to_sync(adapter);
  }
  while (std::optional<OutlineRequest> request = module.next_outline_request()) {
    const Function& f = module.function(request->function);
    Compiler compiler(module, request->function, module.core_type(f.type_index).params);
    compiler.compile_outlined(*request);
  }
}

}  // namespace fact::adapter
