// Lowered host imports: a guest calls a function the embedder provides
// (HostFunction), as canon_lower does for a host callee: the arguments are
// lifted out of the guest with the lowering's options (lift_flat_values),
// the function runs on component values, and its result goes back
// (lower_flat_values: flat, or stored through the guest's return pointer,
// allocating with the guest's realloc).
#include "fact/type_expr.h"
#include "runner_impl.h"

namespace fact::runner {

Expected<Handle> ComponentRunner::Impl::lower_import(const component::PlanTrampolineDef& tr) {
  const TypeStore& store = result.flow.types.store();
  const std::string name = "component import `" + tr.import + "`";
  auto found = host_functions.find(tr.import);
  if (found == host_functions.end()) {
    return Error{name + " is not satisfied: the host provides no function of that name"};
  }
  const HostFunction& function = found->second;
  const std::string wanted = to_string(store, tr.type);
  TypeStore local;
  ResourceNames resources;
  auto parsed = parse_func_type(local, function.type, resources);
  if (!parsed) {
    return Error{"the host function for " + name + " has an invalid type `" + function.type +
                 "`: " + parsed.error().message};
  }
  if (to_string(local, *parsed) != wanted) {
    return Error{name + " has type `" + wanted + "`, but the host function has type `" +
                 to_string(local, *parsed) + "`"};
  }
  if (tr.options.is_async) {
    return Error{name + " is lowered with `async`, which host functions do not support yet"};
  }
  const FuncType& type = store.get(tr.type);
  std::vector<TypeId> params, results;
  for (const Param& p : type.params) params.push_back(p.type);
  if (type.result) results.push_back(*type.result);
  for (const std::vector<TypeId>* list : {&params, &results}) {
    for (TypeId t : *list) {
      if (auto k = detail::kind_inside(store, t,
                                       {TypeKind::Own, TypeKind::Borrow, TypeKind::Future,
                                        TypeKind::Stream, TypeKind::ErrorContext})) {
        return Error{name + " passes values of type " + kind_name(*k) +
                     ", which host functions do not support yet"};
      }
    }
  }
  auto options = copy_options(tr.options);
  if (!options) return options.error();
  SignatureOptions signature_options;
  signature_options.memory64 = options->memory64;
  const CoreSignature signature =
      flatten_functype(store, tr.type, signature_options, SignatureContext::Lower);
  const uint32_t caller = tr.component_instance;
  return runtime.host_func(
      signature.params, signature.results,
      [this, &store, name, params, results, signature, caller, options = *options,
       call = function.call](const std::vector<Val>& args,
                             std::vector<Val>& out) -> std::optional<std::string> {
        // canon_lower: the caller must be allowed to leave.
        if (runtime.global_get(flags_of(caller)) == 0) {
          return "wasm trap: cannot leave component instance (" + name + ")";
        }
        values::MemoryView view;
        view_memory(view, options, name + " needs a `realloc` option to return its result");
        std::vector<Val> flat = args;
        std::optional<uint64_t> retptr;
        if (signature.results_indirect) {
          retptr = flat.back().bits;
          flat.pop_back();
        }
        const values::Reference ref(store);
        auto values = ref.lift_flat_values(params, flat, kMaxFlatParams, view);
        if (!values) return values.error().message;
        auto value = call(*values);
        if (!value) return value.error().message;
        if (results.empty()) {
          if (*value) return "the host function for " + name + " returned a value it has none of";
          return std::nullopt;
        }
        if (!*value) return "the host function for " + name + " returned no value";
        if (auto ok = values::check_value(store, results[0], **value); !ok) {
          return "the host function for " + name + " returned a wrong value: " + ok.error().message;
        }
        auto lowered = ref.lower_flat_values(results, {**value}, kMaxFlatResults, view, retptr);
        if (!lowered) return lowered.error().message;
        if (!signature.results_indirect) {
          for (size_t i = 0; i < out.size() && i < lowered->size(); ++i) out[i] = (*lowered)[i];
        }
        return std::nullopt;
      });
}

}  // namespace fact::runner
