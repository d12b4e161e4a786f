#include "compiler.h"

#include <cassert>

namespace fact::adapter {
namespace {

uint32_t log2_of(uint32_t align) {
  uint32_t log = 0;
  while ((1u << log) < align) ++log;
  return log;
}

}  // namespace

Compiler::Compiler(ModuleBuilder& module, FunctionId function)
    : module_(module),
      types_(module.types()),
      function_(function),
      locals_(module.core_type(module.function(function).type_index).params),
      ins_(code_),
      fuel_(kInitialFuel) {}

void Compiler::finish() {
  assert(locals_.live_temps() == 0 && "a temporary local was kept past the end of its function");
  Function& f = module_.function(function_);
  f.local_runs = locals_.declared_runs();
  ins_.end();
  f.code = std::move(code_);
  f.relocations = std::move(relocations_);
  f.filled = true;
}

std::vector<ValType> Compiler::natural_flat(TypeId type, const SideOptions& options) const {
  return *abi(type, options).flat;
}

void Compiler::trap(TrapCode code) {
  ins_.call(module_.import_trap(code));
  ins_.unreachable();
}

void Compiler::trap_if(TrapCode code) {
  ins_.if_(BlockType::empty());
  trap(code);
  ins_.end();
}

void Compiler::call_intrinsic(Intrinsic intrinsic) {
  ins_.call(module_.import_intrinsic(intrinsic));
}

void Compiler::call_defined(FunctionId target) {
  relocations_.push_back({code_.size(), target, false});
}

void Compiler::ref_func_defined(FunctionId target) {
  relocations_.push_back({code_.size(), target, true});
}

void Compiler::ptr_const(const SideOptions& options, uint64_t value) {
  if (options.memory64) {
    ins_.i64_const(static_cast<int64_t>(value));
  } else {
    ins_.i32_const(static_cast<int32_t>(static_cast<uint32_t>(value)));
  }
}

void Compiler::ptr_add(const SideOptions& options) {
  if (options.memory64) {
    ins_.i64_add();
  } else {
    ins_.i32_add();
  }
}

MemArg Compiler::memarg(const SideOptions& options, uint64_t offset, uint32_t align) const {
  return MemArg{log2_of(align), offset, *options.memory};
}

BlockType Compiler::block_type_for(std::span<const ValType> results) {
  if (results.empty()) return BlockType::empty();
  if (results.size() == 1) return BlockType::of(results[0]);
  return BlockType::index(module_.intern_type(
      wasm::FuncType{{}, std::vector<ValType>(results.begin(), results.end())}));
}

void Compiler::push_zero(ValType type) {
  switch (type.kind()) {
    case ValType::Kind::I32: ins_.i32_const(0); break;
    case ValType::Kind::I64: ins_.i64_const(0); break;
    case ValType::Kind::F32: ins_.f32_const_bits(0); break;
    case ValType::Kind::F64: ins_.f64_const_bits(0); break;
    default: assert(false && "flat values are numbers");
  }
}

void Compiler::slot_to_natural(ValType slot, ValType natural) {
  if (slot == natural) return;
  if (slot == ValType::I32 && natural == ValType::F32) {
    ins_.f32_reinterpret_i32();
  } else if (slot == ValType::I64 && natural == ValType::I32) {
    wrap_checked();
  } else if (slot == ValType::I64 && natural == ValType::F64) {
    ins_.f64_reinterpret_i64();
  } else if (slot == ValType::I64 && natural == ValType::F32) {
    wrap_checked();
    ins_.f32_reinterpret_i32();
  } else {
    assert(false && "no conversion between these slot types");
  }
}

void Compiler::wrap_checked() {
  if (module_.options().debug) {
    TempLocal tmp = temp(ValType::I64);
    ins_.local_tee(tmp.index());
    ins_.i64_const(32);
    ins_.i64_shr_u();
    ins_.i64_eqz();
    ins_.i32_eqz();
    trap_if(TrapCode::DebugAssertUpperBitsUnset);
    ins_.local_get(tmp.index());
  }
  ins_.i32_wrap_i64();
}

void Compiler::natural_to_slot(ValType natural, ValType slot) {
  if (slot == natural) return;
  if (natural == ValType::F32 && slot == ValType::I32) {
    ins_.i32_reinterpret_f32();
  } else if (natural == ValType::I32 && slot == ValType::I64) {
    ins_.i64_extend_i32_u();
  } else if (natural == ValType::F64 && slot == ValType::I64) {
    ins_.i64_reinterpret_f64();
  } else if (natural == ValType::F32 && slot == ValType::I64) {
    ins_.i32_reinterpret_f32();
    ins_.i64_extend_i32_u();
  } else {
    assert(false && "no conversion between these slot types");
  }
}

void compile_adapter(ModuleBuilder& module, const ResolvedAdapter& adapter) {
  const wasm::FuncType type{adapter.lower_signature.params, adapter.lower_signature.results};
  // An adapter that may only trap needs no helpers, async or not.
  if (adapter.reentrance_trap ||
      (!adapter.lift_options->is_async && !adapter.lower_options->is_async)) {
    const FunctionId main = module.add_function(type, adapter.name);
    Compiler compiler(module, main);
    compiler.compile_sync_to_sync(adapter);
    compiler.finish();
  } else {
    // The helpers come first, then the adapter, which re-exports its callee
    // so that its ref.func is declared.
    const FunctionId start =
        module.add_function(async_start_type(adapter), "[async-start]" + adapter.name);
    const FunctionId return_ =
        module.add_function(async_return_type(adapter), "[async-return]" + adapter.name);
    const FunctionId main = module.add_function(type, adapter.name);
    module.export_import("[adapter-callee]" + adapter.name, adapter.callee);
    {
      Compiler compiler(module, start);
      compiler.compile_async_start(adapter);
      compiler.finish();
    }
    {
      Compiler compiler(module, return_);
      compiler.compile_async_return(adapter);
      compiler.finish();
    }
    Compiler compiler(module, main);
    compiler.compile_async_call(adapter, start, return_);
    compiler.finish();
  }
  while (std::optional<OutlineRequest> request = module.next_outline_request()) {
    Compiler compiler(module, request->function);
    compiler.compile_outlined(*request);
    compiler.finish();
  }
}

}  // namespace fact::adapter
