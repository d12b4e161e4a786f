// AdapterModule: checks an adapter's description, imports what its options
// name, and hands it to the trampoline compiler.
#include <algorithm>
#include <set>
#include <string>

#include "adapter/module_builder.h"
#include "adapter/trampoline.h"
#include "fact/abi.h"
#include "fact/adapter.h"

namespace fact {
namespace {

using adapter::ModuleBuilder;
using adapter::SideOptions;
using adapter::to_vals;

Error error(std::string message) { return Error{std::move(message)}; }

// Types on the two sides must be equal: there is no subtyping. Handles name
// side-specific resource tables, so only their kind and payload must agree.
Expected<void> match_types(const TypeStore& store, TypeId lift, TypeId lower,
                           const std::string& where) {
  if (lift == lower) return {};
  const TypeNode& a = store.get(lift);
  const TypeNode& b = store.get(lower);
  auto mismatch = [&](const std::string& what) {
    return error("the lifted and lowered function types differ: " + where + " is `" +
                 to_string(store, lift) + "` in the lifted type but `" + to_string(store, lower) +
                 "` in the lowered type (" + what + ")");
  };
  if (a.kind != b.kind) return mismatch("different kinds of type");
  switch (a.kind) {
    case TypeKind::Record:
      if (a.fields.size() != b.fields.size()) return mismatch("different field counts");
      for (size_t i = 0; i < a.fields.size(); ++i) {
        if (a.fields[i].name != b.fields[i].name) return mismatch("different field names");
        if (auto r = match_types(store, a.fields[i].type, b.fields[i].type,
                                 "field `" + a.fields[i].name + "` of " + where);
            !r) {
          return r;
        }
      }
      return {};
    case TypeKind::Variant:
    case TypeKind::Option:
    case TypeKind::Result:
    case TypeKind::Enum:
      if (a.cases.size() != b.cases.size()) return mismatch("different case counts");
      for (size_t i = 0; i < a.cases.size(); ++i) {
        const Case& ca = a.cases[i];
        const Case& cb = b.cases[i];
        if (ca.name != cb.name) return mismatch("different case names");
        if (ca.type.has_value() != cb.type.has_value()) {
          return mismatch("case `" + ca.name + "` has a payload on one side only");
        }
        if (ca.type) {
          if (auto r = match_types(store, *ca.type, *cb.type,
                                   "the payload of case `" + ca.name + "` of " + where);
              !r) {
            return r;
          }
        }
      }
      return {};
    case TypeKind::Flags:
      if (a.labels != b.labels) return mismatch("different flag labels");
      return {};
    case TypeKind::Tuple:
      if (a.elements.size() != b.elements.size()) return mismatch("different element counts");
      for (size_t i = 0; i < a.elements.size(); ++i) {
        if (auto r = match_types(store, a.elements[i], b.elements[i],
                                 "element " + std::to_string(i) + " of " + where);
            !r) {
          return r;
        }
      }
      return {};
    case TypeKind::FixedList:
      if (a.length != b.length) return mismatch("different lengths");
      [[fallthrough]];
    case TypeKind::List:
    case TypeKind::Future:
    case TypeKind::Stream:
      if (a.element.has_value() != b.element.has_value()) return mismatch("different payloads");
      if (a.element) return match_types(store, *a.element, *b.element, "the element of " + where);
      return {};
    case TypeKind::Map:
      if (auto r = match_types(store, a.key, b.key, "the key of " + where); !r) return r;
      return match_types(store, a.value, b.value, "the value of " + where);
    case TypeKind::Own:
    case TypeKind::Borrow:
      return {};
    default:
      // Equal kinds without children are equal types.
      return {};
  }
}

Expected<void> match_func_types(const TypeStore& store, FuncTypeId lift, FuncTypeId lower) {
  const FuncType& a = store.get(lift);
  const FuncType& b = store.get(lower);
  if (a.is_async != b.is_async) {
    return error("the lifted and lowered function types differ: one is `async` and the other is not");
  }
  if (a.params.size() != b.params.size()) {
    return error("the lifted and lowered function types differ: " +
                 std::to_string(a.params.size()) + " parameters in the lifted type, " +
                 std::to_string(b.params.size()) + " in the lowered type");
  }
  for (size_t i = 0; i < a.params.size(); ++i) {
    if (a.params[i].name != b.params[i].name) {
      return error("the lifted and lowered function types differ: parameter " +
                   std::to_string(i) + " is named `" + a.params[i].name +
                   "` in the lifted type and `" + b.params[i].name + "` in the lowered type");
    }
    if (auto r = match_types(store, a.params[i].type, b.params[i].type,
                             "parameter `" + a.params[i].name + "`");
        !r) {
      return r;
    }
  }
  if (a.result.has_value() != b.result.has_value()) {
    return error("the lifted and lowered function types differ: only one of them has a result");
  }
  if (a.result) return match_types(store, *a.result, *b.result, "the result");
  return {};
}

Expected<void> check_options(const CanonOptions& o, const char* side,
                             const CoreSignature& signature, OptionRequirements needs,
                             bool is_lift) {
  std::string s = side;
  if (o.is_async) return error("async adapters are not implemented yet (the " + s + " side is async)");
  if (o.callback) {
    if (!is_lift) return error("the lower side has a `callback` option; only `canon lift` takes one");
    return error("async adapters are not implemented yet (the lift side has a `callback`)");
  }
  if (o.post_return && !is_lift) {
    return error("the lower side has a `post-return` option; only `canon lift` takes one");
  }
  if (o.realloc && !o.memory) {
    return error("the " + s + " side has a `realloc` option but no `memory` option");
  }
  if (o.memory && o.memory->type.page_size_log2 != 16 && o.memory->type.page_size_log2 != 0) {
    return error("the " + s + " side's memory has a page size of 2^" +
                 std::to_string(o.memory->type.page_size_log2) +
                 " bytes; only 1 and 65536 are valid page sizes");
  }
  bool indirect = signature.params_indirect || signature.results_indirect;
  if (needs.memory && !o.memory) {
    return error("the " + s + " side needs a `memory` option: " +
                 (indirect ? std::string(signature.params_indirect ? "its parameters" : "its results") +
                                 " do not fit in flat values and travel through memory"
                           : std::string("its parameters or result contain strings or lists")));
  }
  if (needs.realloc && !o.realloc) {
    return error("the " + s + " side needs a `realloc` option: " +
                 (is_lift ? "its parameters are allocated in its memory"
                          : "its result contains strings or lists, which are allocated in its memory"));
  }
  return {};
}

SignatureOptions signature_options(const CanonOptions& o) {
  SignatureOptions s;
  s.memory64 = o.memory && o.memory->type.memory64;
  s.is_async = o.is_async;
  s.callback = o.callback.has_value();
  return s;
}

// Imports what one side's options name, in Wasmtime's order: flags, memory,
// realloc.
SideOptions import_side(ModuleBuilder& module, const CanonOptions& o) {
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
    wasm::ValType p = side.memory64 ? wasm::ValType::I64 : wasm::ValType::I32;
    side.realloc = module.import_export_func(binding::Export::Role::Realloc, "realloc", "",
                                             *o.realloc, wasm::FuncType{{p, p, p, p}, {p}});
  }
  return side;
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
    return error("adapter `" + std::string(name) + "` names a function type that is not in the type store");
  }
  for (FuncTypeId f : {adapter.lift_type, adapter.lower_type}) {
    if (auto r = check_func_type(store, f); !r) return r;
  }
  if (auto r = match_func_types(store, adapter.lift_type, adapter.lower_type); !r) return r;
  if (const FuncType& f = store.get(adapter.lift_type); f.result && store.get(*f.result).contains_borrow) {
    return error("`" + to_string(store, adapter.lift_type) +
                 "` returns a `borrow`; borrowed handles may only be passed as parameters");
  }

  CoreSignature lift_signature = flatten_functype(store, adapter.lift_type,
                                                  signature_options(adapter.lift),
                                                  SignatureContext::Lift);
  CoreSignature lower_signature = flatten_functype(store, adapter.lower_type,
                                                   signature_options(adapter.lower),
                                                   SignatureContext::Lower);
  CanonRequirements needs = canon_requirements(store, adapter.lift_type,
                                               signature_options(adapter.lift),
                                               signature_options(adapter.lower));
  if (auto r = check_options(adapter.lift, "lift", lift_signature, needs.lift, true); !r) return r;
  if (auto r = check_options(adapter.lower, "lower", lower_signature, needs.lower, false); !r) {
    return r;
  }

  adapter::ResolvedAdapter resolved;
  resolved.name = std::string(name);
  resolved.lift_type = adapter.lift_type;
  resolved.lower_type = adapter.lower_type;
  resolved.lift_signature = lift_signature;
  resolved.lower_signature = lower_signature;
  resolved.lift_options = module.intern_options(import_side(module, adapter.lift));
  resolved.lower_options = module.intern_options(import_side(module, adapter.lower));

  wasm::FuncType callee_type{to_vals(lift_signature.params), to_vals(lift_signature.results)};
  resolved.callee = module.import_export_func(binding::Export::Role::Callee, "callee", name,
                                              adapter.callee, callee_type);
  if (adapter.lift.post_return) {
    resolved.post_return = module.import_export_func(
        binding::Export::Role::PostReturn, "post_return", name, *adapter.lift.post_return,
        wasm::FuncType{to_vals(lift_signature.results), {}});
  }

  const CanonOptions& lift = adapter.lift;
  const CanonOptions& lower = adapter.lower;
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
