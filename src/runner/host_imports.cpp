// Host imports: the resource types and functions the embedder provides.
//
// A lowered host function is canon_lower with the host as the callee: the
// arguments are lifted out of the guest with the lowering's options
// (lift_flat_values; own handles of host resources leave the caller's table
// and become their reps, borrows are lent), the function runs on component
// values, and its result goes back (lower_flat_values: flat, or stored
// through the guest's return pointer, allocating with the guest's realloc;
// own handles in it enter the caller's table). Every call is a host task of
// the reference host (Host::call_host_task), which polls an asynchronous
// function until it has its result and lets an `async` caller wait for it
// as for any subtask.
#include <algorithm>
#include <set>

#include "fact/type_expr.h"
#include "runner_impl.h"

namespace fact::runner {

Expected<void> ComponentRunner::Impl::link_host_resources() {
  // Aliases are checked against the resources they name, so every
  // `(sub resource)` import is bound first.
  for (bool aliases : {false, true}) {
    for (const component::PlanResourceImport& i : plan.resource_imports) {
      if (i.alias != aliases) continue;
      const std::string name = "component import `" + i.path + "`";
      auto found = host_resources.find(i.path);
      if (found == host_resources.end()) {
        if (i.alias) continue;  // an (eq ...) import may be left out
        if (host_functions.contains(i.path)) {
          return Error{name + " is a resource type, but the host provides a function of that " +
                       "name (expected resource found func)"};
        }
        return Error{name + " is a resource type that was not found: the host provides none of " +
                     "that name"};
      }
      if (!i.alias) {
        imported_resources[i.resource] = &found->second;
        continue;
      }
      auto target = imported_resources.find(i.resource);
      if (target == imported_resources.end()) continue;
      if (target->second->type != found->second.type) {
        return Error{name + " must be the same resource type as `" +
                     plan.resources.at(i.resource).import + "`, but the host's are `" +
                     found->second.type + "` and `" + target->second->type +
                     "` (mismatched resource types)"};
      }
    }
  }
  return {};
}

namespace {

// What of `type` a host function cannot pass: futures, streams, error
// contexts, and handles of resources the host does not define. Each
// distinct type is looked at once (`seen`): types are DAGs.
std::optional<std::string> unsupported_inside(
    const TypeStore& store, TypeId type, const component::Plan& plan,
    const std::map<component::ResourceId, const HostResource*>& host_resources,
    std::set<uint32_t>& seen) {
  if (!seen.insert(type.index).second) return std::nullopt;
  const TypeNode& node = store.get(type);
  switch (node.kind) {
    case TypeKind::Future:
    case TypeKind::Stream:
    case TypeKind::ErrorContext:
      return "values of type " + std::string(kind_name(node.kind)) +
             ", which host functions do not support yet";
    case TypeKind::Own:
    case TypeKind::Borrow:
      if (!host_resources.contains(node.resource)) {
        return "handles of the " + plan.resources.at(node.resource).name +
               ", a resource the host does not define (host functions pass handles of host " +
               "resources only)";
      }
      return std::nullopt;
    default: break;
  }
  for (TypeId child : detail::children(node)) {
    if (auto found = unsupported_inside(store, child, plan, host_resources, seen)) return found;
  }
  return std::nullopt;
}

}  // namespace

Expected<Handle> ComponentRunner::Impl::lower_import(const component::PlanTrampolineDef& tr) {
  const TypeStore& store = result.flow.types.store();
  const std::string name = "component import `" + tr.import + "`";
  auto found = host_functions.find(tr.import);
  if (found == host_functions.end()) {
    if (host_resources.contains(tr.import)) {
      return Error{name + " is a function, but the host provides a resource type of that name"};
    }
    return Error{name + " is not satisfied: the host provides no function of that name"};
  }
  const HostFunction& function = found->second;
  if (!function.call == !function.start) {
    return Error{"the host function for " + name + " must have exactly one of `call` and `start`"};
  }
  const FuncType& type = store.get(tr.type);
  std::vector<TypeId> params, results;
  for (const Param& p : type.params) params.push_back(p.type);
  if (type.result) results.push_back(*type.result);
  std::set<uint32_t> seen;
  for (const std::vector<TypeId>* list : {&params, &results}) {
    for (TypeId t : *list) {
      if (auto what = unsupported_inside(store, t, plan, imported_resources, seen)) {
        return Error{name + " passes " + *what};
      }
    }
  }
  // The types compare as text, with resources by their host names and
  // without parameter names, which host functions need not know (as in
  // Wasmtime, where a host function's type is that of its Rust closure).
  TypeStore local;
  ResourceNames names;
  auto parsed = parse_func_type(local, function.type, names);
  if (!parsed) {
    return Error{"the host function for " + name + " has an invalid type `" + function.type +
                 "`: " + parsed.error().message};
  }
  // The host's text is no longer than a few times what the embedder wrote,
  // so a limit above that never cuts it: the import's text, cut there,
  // differs from it exactly when the types differ.
  const size_t limit = std::max(kTypeTextLimit, 4 * function.type.size() + 64);
  auto text = [limit](const TypeStore& types, FuncType f, const ResourceNamer& name_resource,
                      bool with_names) {
    if (!with_names) {
      for (size_t i = 0; i < f.params.size(); ++i) f.params[i].name = "p" + std::to_string(i);
    }
    return to_string(types, f, name_resource, limit);
  };
  const ResourceNamer import_names = [this](uint32_t resource) {
    return imported_resources.at(resource)->type;
  };
  const ResourceNamer host_names = [&names](uint32_t resource) { return names.names.at(resource); };
  if (text(store, type, import_names, false) !=
      text(local, local.get(*parsed), host_names, false)) {
    return Error{name + " has type `" + text(store, type, import_names, true) +
                 "`, but the host function has type `" +
                 text(local, local.get(*parsed), host_names, true) + "`"};
  }

  auto options = copy_options(tr.options);
  if (!options) return options.error();
  auto site = std::make_shared<HostCallSite>();
  site->name = name;
  site->params = std::move(params);
  site->results = std::move(results);
  site->caller = tr.component_instance;
  site->async = tr.options.is_async;
  site->options = *options;
  SignatureOptions signature_options;
  signature_options.memory64 = options->memory64;
  signature_options.is_async = site->async;
  const CoreSignature signature =
      flatten_functype(store, tr.type, signature_options, SignatureContext::Lower);
  return runtime.host_func(
      signature.params, signature.results,
      [this, site, signature, call = function.call, start = function.start](
          const std::vector<Val>& args, std::vector<Val>& out) -> std::optional<std::string> {
        // canon_lower: the caller must be allowed to leave.
        if (runtime.global_get(flags_of(site->caller)) == 0) {
          return "wasm trap: cannot leave component instance (" + site->name + ")";
        }
        std::vector<Val> flat = args;
        std::optional<uint64_t> retptr;
        if (signature.results_indirect) {
          retptr = flat.back().bits;
          flat.pop_back();
        }
        std::vector<host::BorrowedHandle> borrows;
        auto values = lift_host_args(*site, flat, borrows);
        if (!values) return values.error().message;

        // The poll lowers the result into the caller once there is one; a
        // sync caller then takes its flat results from `flat_results`.
        auto flat_results = std::make_shared<std::vector<Val>>();
        auto deliver = [this, site, retptr, flat_results](const HostResult& value) {
          auto lowered = lower_host_result(*site, value, retptr);
          if (!lowered) return Expected<void>(lowered.error());
          *flat_results = std::move(*lowered);
          return Expected<void>();
        };
        host::HostTask task;
        if (call) {
          task.poll = [deliver, call,
                       values = std::move(*values)]() -> Expected<host::HostTaskPoll> {
            if (auto r = deliver(call(values)); !r) return r.error();
            return host::HostTaskPoll::Resolved;
          };
        } else {
          auto pending = std::make_shared<HostPoll>(start(*values));
          task.poll = [deliver, pending]() -> Expected<host::HostTaskPoll> {
            if (!*pending) return Error{"internal error: a cancelled host task was polled"};
            std::variant<HostResult, HostWait> polled = (*pending)();
            if (const HostWait* wait = std::get_if<HostWait>(&polled)) {
              return *wait == HostWait::Pending ? host::HostTaskPoll::Pending
                                                : host::HostTaskPoll::Idle;
            }
            if (auto r = deliver(std::get<HostResult>(polled)); !r) return r.error();
            return host::HostTaskPoll::Resolved;
          };
          task.cancel = [pending] { *pending = nullptr; };
        }
        auto status = host.call_host_task(site->caller, std::move(task), borrows, site->async);
        if (!status) return status.error().message;
        if (site->async) {
          out.at(0) = Val::i32(*status);
        } else if (!signature.results_indirect) {
          for (size_t i = 0; i < out.size() && i < flat_results->size(); ++i) {
            out[i] = (*flat_results)[i];
          }
        }
        return std::nullopt;
      });
}

Expected<std::vector<Value>> ComponentRunner::Impl::lift_host_args(
    const HostCallSite& site, const std::vector<Val>& flat,
    std::vector<host::BorrowedHandle>& borrows) {
  const TypeStore& store = result.flow.types.store();
  const values::Reference ref(store);
  values::MemoryView view;
  view_memory(view, site.options, site.name + " cannot allocate while its arguments are lifted");
  auto values = ref.lift_flat_values(site.params, flat,
                                     site.async ? kMaxFlatAsyncParams : kMaxFlatParams, view);
  if (!values) return values.error();
  // lift_own / lift_borrow: the host takes the handles' reps.
  for (size_t i = 0; i < site.params.size(); ++i) {
    auto lifted = detail::visit_handles(
        store, site.params[i], (*values)[i],
        [&](TypeId t, const TypeNode& node, Value& v) -> Expected<void> {
          auto table = table_of(t, node, site.caller);
          if (!table) return table.error();
          const auto handle = static_cast<uint32_t>(v.bits);
          auto rep = node.kind == TypeKind::Own ? host.host_lift_own(*table, handle)
                                                : host.host_lift_borrow(*table, handle);
          if (!rep) return rep.error();
          if (node.kind == TypeKind::Borrow) borrows.push_back({*table, handle});
          v.bits = *rep;
          return {};
        });
    if (!lifted) return lifted.error();
  }
  return values;
}

Expected<std::vector<Val>> ComponentRunner::Impl::lower_host_result(
    const HostCallSite& site, const HostResult& value, std::optional<uint64_t> retptr) {
  const TypeStore& store = result.flow.types.store();
  if (!value) return value.error();
  const std::string& name = site.name;
  if (site.results.empty()) {
    if (*value) return Error{"the host function for " + name + " returned a value it has none of"};
    return std::vector<Val>{};
  }
  if (!*value) return Error{"the host function for " + name + " returned no value"};
  if (auto ok = values::check_value(store, site.results[0], **value); !ok) {
    return Error{"the host function for " + name +
                 " returned a wrong value: " + ok.error().message};
  }
  // lower_own: the host's reps become handles of the caller.
  Value result = **value;
  auto moved = detail::visit_handles(
      store, site.results[0], result,
      [&](TypeId t, const TypeNode& node, Value& v) -> Expected<void> {
        auto table = table_of(t, node, site.caller);
        if (!table) return table.error();
        auto handle = host.host_lower_own(*table, static_cast<uint32_t>(v.bits));
        if (!handle) return handle.error();
        v.bits = *handle;
        return {};
      });
  if (!moved) return moved.error();
  const values::Reference ref(store);
  values::MemoryView view;
  view_memory(view, site.options, name + " needs a `realloc` option to return its result");
  return ref.lower_flat_values(site.results, {result}, site.async ? 0 : kMaxFlatResults, view,
                               retptr);
}

}  // namespace fact::runner
