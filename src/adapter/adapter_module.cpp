// AdapterModule: checks an adapter's description, imports what its options
// name, and hands it to the code generator.
#include <algorithm>
#include <set>
#include <string>

#include "compiler.h"
#include "fact/abi.h"
#include "fact/adapter.h"
#include "fact/canon_rules.h"
#include "module_builder.h"
#include "trampoline.h"

namespace fact {
namespace {

using adapter::ModuleBuilder;
using adapter::SideOptions;
using wasm::ValType;

Error error(std::string message) { return Error{std::move(message)}; }

OptionFacts option_facts(const CanonOptions& o) {
  OptionFacts facts;
  facts.memory = o.memory.has_value();
  facts.memory64 = o.memory && o.memory->type.memory64;
  if (o.memory) facts.page_size_log2 = o.memory->type.page_size_log2;
  facts.realloc = o.realloc.has_value();
  facts.post_return = o.post_return.has_value();
  facts.is_async = o.is_async;
  facts.callback = o.callback.has_value();
  return facts;
}

// Imports what one side's options name, in Wasmtime's order: flags, memory,
// realloc, callback.
const SideOptions& import_side(ModuleBuilder& module, const CanonOptions& o) {
  SideOptions side;
  side.instance = o.instance;
  side.string_encoding = o.string_encoding;
  side.is_async = o.is_async;
  side.flags_global = module.import_flags(o.instance);
  if (o.memory) {
    side.memory = module.import_memory(*o.memory);
    side.memory64 = o.memory->type.memory64;
    side.page_size_log2 = o.memory->type.page_size_log2;
  }
  if (o.realloc) {
    side.realloc = module.import_export_func(binding::Export::Role::Realloc, "realloc", "",
                                             *o.realloc, realloc_type(side.memory64));
  }
  if (o.callback) {
    // (event code, payload 1, payload 2) -> callback code
    const wasm::FuncType callback_type{{ValType::I32, ValType::I32, ValType::I32}, {ValType::I32}};
    module.import_export_func(binding::Export::Role::Callback, "callback", "", *o.callback,
                              callback_type);
  }
  return module.intern_options(side);
}

bool contains_ancestor(const std::vector<uint32_t>& ancestors, uint32_t instance) {
  return std::find(ancestors.begin(), ancestors.end(), instance) != ancestors.end();
}

}  // namespace

struct AdapterModule::Impl {
  Impl(const TypeStore& types, ModuleOptions options) : builder(types, options) {}
  ModuleBuilder builder;
  std::set<std::string, std::less<>> names;
};

AdapterModule::AdapterModule(const TypeStore& types, ModuleOptions options)
    : impl_(std::make_unique<Impl>(types, options)) {}
AdapterModule::~AdapterModule() = default;
AdapterModule::AdapterModule(AdapterModule&&) noexcept = default;
AdapterModule& AdapterModule::operator=(AdapterModule&&) noexcept = default;

Expected<void> AdapterModule::adapt(std::string_view name, const Adapter& adapter) {
  ModuleBuilder& module = impl_->builder;
  const TypeStore& store = module.types();

  // Everything that can be wrong with the input is found here, before the
  // module changes, so a failed adapt() leaves no trace.
  if (name.empty()) return error("an adapter needs a non-empty export name");
  if (impl_->names.count(name)) {
    return error("an adapter named `" + std::string(name) + "` is already in this module");
  }
  if (adapter.lift_type.index >= store.func_count() ||
      adapter.lower_type.index >= store.func_count()) {
    return error("adapter `" + std::string(name) +
                 "` names a function type that is not in the type store");
  }
  for (FuncTypeId f : {adapter.lift_type, adapter.lower_type}) {
    if (auto r = check_func_type(store, f); !r) return r;
  }
  // Handles name each side's own table, so only their kinds must agree.
  if (auto d = func_type_difference(store, adapter.lift_type, adapter.lower_type,
                                    HandleMatch::SameKind)) {
    return error("the lifted and lowered function types differ: " + *d);
  }
  if (const FuncType& f = store.get(adapter.lift_type); f.result) {
    if (auto r = check_result_has_no_borrow(store, *f.result); !r) return r;
  }
  if ((adapter.lift.is_async || adapter.lower.is_async) && !module.options().concurrency_support) {
    return error("adapter `" + std::string(name) +
                 "` has an async side, which needs the module's concurrency support");
  }
  const OptionFacts lift_facts = option_facts(adapter.lift);
  const OptionFacts lower_facts = option_facts(adapter.lower);
  if (auto r = check_canon_options(store, adapter.lift_type, CanonSide::Lift, lift_facts); !r) {
    return r;
  }
  if (auto r = check_canon_options(store, adapter.lower_type, CanonSide::Lower, lower_facts); !r) {
    return r;
  }

  adapter::ResolvedAdapter resolved;
  resolved.name = std::string(name);
  resolved.lift_type = adapter.lift_type;
  resolved.lower_type = adapter.lower_type;
  resolved.lift_signature =
      flatten_functype(store, adapter.lift_type, lift_facts.signature(), SignatureContext::Lift);
  resolved.lower_signature =
      flatten_functype(store, adapter.lower_type, lower_facts.signature(), SignatureContext::Lower);
  resolved.lift_options = &import_side(module, adapter.lift);
  resolved.lower_options = &import_side(module, adapter.lower);
  resolved.callee = module.import_export_func(binding::Export::Role::Callee, "callee", name,
                                              adapter.callee, resolved.lift_signature.func_type());
  if (adapter.lift.post_return) {
    resolved.post_return = module.import_export_func(binding::Export::Role::PostReturn,
                                                     "post_return", name, *adapter.lift.post_return,
                                                     post_return_type(resolved.lift_signature));
  }

  const CanonOptions& lift = adapter.lift;
  const CanonOptions& lower = adapter.lower;
  if (lift.is_async) {
    // What the callee passes to `task.return`: the result's flat values, up
    // to MAX_FLAT_PARAMS, else a pointer into its memory.
    if (const FuncType& f = store.get(adapter.lift_type); f.result) {
      if (auto flat = store.get(*f.result).abi(lift_facts.memory64).flat) {
        resolved.lifted_results = *flat;
      } else {
        resolved.lifted_results = {lift_facts.memory64 ? ValType::I64 : ValType::I32};
        resolved.lifted_results_indirect = true;
      }
    }
  } else {
    resolved.lifted_results = resolved.lift_signature.results;
    resolved.lifted_results_indirect = resolved.lift_signature.results_indirect;
  }
  resolved.lift_type_async = store.get(adapter.lift_type).is_async;
  resolved.task_return_type = adapter.task_return_type;
  if (lift.memory) resolved.lift_memory = lift.memory->export_;
  resolved.lift_callback = lift.callback;
  resolved.lift_post_return = lift.post_return;
  resolved.reentrance_trap = lift.instance == lower.instance ||
                             contains_ancestor(lift.ancestors, lower.instance) ||
                             contains_ancestor(lower.ancestors, lift.instance);
  for (const Param& p : store.get(adapter.lift_type).params) {
    resolved.has_borrow |= store.get(p.type).contains_borrow;
  }

  adapter::compile_adapter(module, resolved);
  impl_->names.emplace(name);
  return {};
}

std::vector<uint8_t> AdapterModule::encode() const { return impl_->builder.encode(); }

const std::vector<Import>& AdapterModule::imports() const { return impl_->builder.imports(); }

}  // namespace fact
