// The state of a ComponentRunner, shared by its files:
//   component_runner.cpp  creating the runner, and calls at the root boundary
//   bindings.cpp          what every import of a plan step is bound to: core
//                         exports, flags, traps, transcoders, intrinsics, the
//                         resource and async built-ins, prepare- and start-calls
#pragma once

#include <initializer_list>
#include <map>

#include "fact/abi.h"
#include "fact/engine/runtime.h"
#include "fact/host/host.h"
#include "fact/runner/component_runner.h"
#include "fact/values/reference.h"

namespace fact::runner {

using Handle = engine::Runtime::Handle;
using values::Value;
using wasm::Val;
using wasm::ValType;

namespace detail {

inline std::vector<TypeId> children(const TypeNode& node) {
  std::vector<TypeId> out = node.elements;
  if (node.element) out.push_back(*node.element);
  if (node.kind == TypeKind::Map) {
    out.push_back(node.key);
    out.push_back(node.value);
  }
  for (const Field& f : node.fields) out.push_back(f.type);
  for (const Case& c : node.cases) {
    if (c.type) out.push_back(*c.type);
  }
  return out;
}

// The first of `kinds` found inside `type` (itself included).
inline std::optional<TypeKind> kind_inside(const TypeStore& store, TypeId type,
                                           std::initializer_list<TypeKind> kinds) {
  const TypeNode& node = store.get(type);
  for (TypeKind k : kinds) {
    if (node.kind == k) return k;
  }
  for (TypeId child : children(node)) {
    if (auto k = kind_inside(store, child, kinds)) return k;
  }
  return std::nullopt;
}

// Calls `visit(type, node, value)` on every handle inside `value` (own, borrow,
// future, stream, error-context),
// a well-formed value of `type`, depth first and left to right: the order
// in which the Canonical ABI lifts and lowers them.
template <class V, class Visit>
Expected<void> visit_handles(const TypeStore& store, TypeId type, V& value, const Visit& visit) {
  const TypeNode& node = store.get(type);
  auto each = [&](TypeId child, V& item) {
    return detail::visit_handles(store, child, item, visit);
  };
  switch (node.kind) {
    case TypeKind::Own:
    case TypeKind::Borrow:
    case TypeKind::Future:
    case TypeKind::Stream:
    case TypeKind::ErrorContext: return visit(type, node, value);
    case TypeKind::List:
    case TypeKind::FixedList:
      for (V& item : value.items) {
        if (auto r = each(*node.element, item); !r) return r;
      }
      return {};
    case TypeKind::Record:
      for (size_t i = 0; i < node.fields.size() && i < value.items.size(); ++i) {
        if (auto r = each(node.fields[i].type, value.items[i]); !r) return r;
      }
      return {};
    case TypeKind::Tuple:
      for (size_t i = 0; i < node.elements.size() && i < value.items.size(); ++i) {
        if (auto r = each(node.elements[i], value.items[i]); !r) return r;
      }
      return {};
    case TypeKind::Map:
      for (V& entry : value.items) {
        if (entry.items.size() != 2) continue;
        if (auto r = each(node.key, entry.items[0]); !r) return r;
        if (auto r = each(node.value, entry.items[1]); !r) return r;
      }
      return {};
    case TypeKind::Variant:
    case TypeKind::Option:
    case TypeKind::Result:
      if (value.bits < node.cases.size() && node.cases[value.bits].type && !value.items.empty()) {
        return each(*node.cases[value.bits].type, value.items[0]);
      }
      return {};
    default: return {};
  }
}

inline std::string handle_text(uint32_t index) { return "#" + std::to_string(index); }

}  // namespace detail

struct ComponentRunner::Impl {
  const component::ComponentResult& result;
  const component::Plan& plan;
  engine::Runtime runtime;
  std::map<uint32_t, Handle> flags;  // by component instance
  host::Host host;
  std::vector<std::optional<Handle>> instances;  // by plan instance
  // Loaded modules: the static core modules (by Dataflow::modules index)
  // and the adapter modules (by AdapterModules::modules index).
  std::vector<Handle> core_modules;
  std::vector<Handle> adapter_modules;
  // The plan's tables, extended (never renumbered) with the host's own
  // tables and with those of root exports' instances that no adapter or
  // builtin uses. Every entry below `registered_tables` is known to `host`.
  component::TableMap tables;
  size_t registered_tables = 0;
  // The host, as the owner of the handles it receives, is one more
  // component instance, numbered after those of the component.
  uint32_t host_instance = 0;
  std::map<component::ResourceId, Handle> destructors;  // resolved on first use
  HostFunctions host_functions;
  HostResources host_resources;
  // The host resource of each imported resource of the plan (by id).
  std::map<component::ResourceId, const HostResource*> imported_resources;
  // A trap leaves the instances in an unknown state (a call scope open,
  // memory half written): like a trapped component instance, the runner
  // refuses further calls.
  std::optional<std::string> trapped;

  Impl(const component::ComponentResult& r, const component::Plan& p, engine::Limits limits)
      : result(r),
        plan(p),
        runtime(limits),
        host(host_options()),
        tables(p.tables),
        host_instance(static_cast<uint32_t>(r.flow.component_instances.size())) {}

  host::HostOptions host_options() {
    host::HostOptions options;
    // may_leave is the instance's flags global, which adapters clear while
    // they copy values (docs/import-abi.md); an instance without one may
    // always leave.
    options.may_leave = [this](uint32_t instance) {
      auto it = flags.find(instance);
      return it == flags.end() || runtime.global_get(it->second) != 0;
    };
    options.set_may_leave = [this](uint32_t instance, bool may_leave) {
      runtime.global_set(flags_of(instance), may_leave ? 1 : 0);
    };
    // A GuestFunc is the store reference a funcref holds, which is also
    // what the facade's handles are.
    options.call_guest = [this](host::GuestFunc func,
                                const std::vector<Val>& args) -> Expected<std::vector<Val>> {
      engine::CallOutcome out = runtime.call(Handle{func.ref}, args);
      if (out.trap) return Error{*out.trap};
      return std::move(out.results);
    };
    options.copy_elements = [this](uint32_t type, const host::CopySide& from,
                                   const host::CopySide& to,
                                   uint32_t count) { return copy_elements(type, from, to, count); };
    return options;
  }

  // Instances, resource types and every table of the plan; the host gets
  // a table for each resource.
  Expected<void> register_with_host() {
    const auto& infos = result.flow.component_instances;
    for (size_t i = 0; i < infos.size(); ++i) {
      if (auto r = host.add_instance(static_cast<uint32_t>(i), infos[i].parent); !r)
        return r.error();
    }
    if (auto r = host.add_instance(host_instance); !r) return r.error();
    for (const component::PlanResource& res : plan.resources) {
      host::Destructor destructor;
      if (res.destructor) {
        destructor = [this, id = res.id](uint32_t rep) { return run_destructor(id, rep); };
      } else if (auto it = imported_resources.find(res.id); it != imported_resources.end()) {
        destructor = it->second->drop;
      }
      if (auto r = host.add_resource_type(res.id, res.component_instance, std::move(destructor));
          !r) {
        return r.error();
      }
      tables.table(component::TableMap::Kind::Resource, res.id, host_instance);
    }
    return register_new_tables();
  }

  Expected<void> register_new_tables() {
    const std::vector<component::TableMap::Entry>& entries = tables.entries();
    for (; registered_tables < entries.size(); ++registered_tables) {
      const component::TableMap::Entry& e = entries[registered_tables];
      const auto t = static_cast<uint32_t>(registered_tables);
      Expected<void> added;
      switch (e.kind) {
        case component::TableMap::Kind::Resource:
          added = host.add_resource_table(t, e.instance, e.key);
          break;
        case component::TableMap::Kind::Future:
          added = host.add_future_table(t, e.instance, e.key, element_type(e.key));
          break;
        case component::TableMap::Kind::Stream:
          added = host.add_stream_table(t, e.instance, e.key, element_type(e.key));
          break;
        case component::TableMap::Kind::ErrorContext:
          added = host.add_error_context_table(t, e.instance);
          break;
      }
      if (!added) return added.error();
    }
    return {};
  }

  Expected<uint32_t> resource_table(component::ResourceId resource, uint32_t instance) {
    const uint32_t t = tables.table(component::TableMap::Kind::Resource, resource, instance);
    if (auto r = register_new_tables(); !r) return r.error();
    return t;
  }

  // canon_resource_drop's destructor call; a trap is a trap of the drop.
  Expected<void> run_destructor(component::ResourceId id, uint32_t rep) {
    const component::PlanResource& res = plan.resources.at(id);
    auto it = destructors.find(id);
    if (it == destructors.end()) {
      const wasm::FuncType signature{{wasm::ValType::I32}, {}};
      auto func = resolve(*res.destructor, &signature);
      if (!func)
        return Error{"resource.drop: the destructor of " + res.name + ": " + func.error().message};
      it = destructors.emplace(id, *func).first;
    }
    engine::CallOutcome out = runtime.call(it->second, {Val::i32(rep)});
    if (out.trap)
      return Error{"resource.drop: the destructor of " + res.name + " trapped: " + *out.trap};
    return {};
  }

  // The may_leave flags global of a component instance (1 until cleared),
  // made on first use: adapters import it, and the host clears it around
  // a root call's post-return.
  Handle flags_of(uint32_t instance) {
    auto it = flags.find(instance);
    if (it == flags.end())
      it = flags.emplace(instance, runtime.global(ValType::I32, true, 1)).first;
    return it->second;
  }

  // A realloc the host calls (to lower arguments at the root, or stream,
  // future and debug-message values) runs with context slots of its own,
  // zero on entry, and what it stores there does not leak into the thread
  // it allocates for (as Wasmtime does).
  engine::CallOutcome call_realloc(Handle realloc, const std::vector<Val>& args) {
    uint32_t saved[2] = {};
    for (uint32_t slot = 0; slot < 2; ++slot) {
      const Expected<uint32_t> value = host.context_get(slot);
      saved[slot] = value ? *value : 0;
      (void)host.context_set(slot, 0);
    }
    engine::CallOutcome out = runtime.call(realloc, args);
    for (uint32_t slot = 0; slot < 2; ++slot) (void)host.context_set(slot, saved[slot]);
    return out;
  }

  Expected<Handle> export_handle(const CoreExport& e) {
    if (e.instance >= instances.size() || !instances[e.instance]) {
      return Error{"internal error: instance " + std::to_string(e.instance) +
                   " is used before it is created"};
    }
    return runtime.export_of(*instances[e.instance], e.name);
  }

  // The identity of a memory (host::LiftedFunc::memory): its store reference.
  Expected<std::optional<uint64_t>> memory_identity(const std::optional<fact::Memory>& memory);

  host::MemoryAccess memory_access(std::optional<Handle> memory);

  // The built-ins of tasks, subtasks, waitable sets, backpressure, context
  // and thread.yield, on the reference host.
  Expected<Handle> async_builtin(const component::PlanTrampolineDef& tr);

  // A lowered host function, as its calls need it.
  struct HostCallSite {
    std::string name;  // "component import `host#f`", for messages
    std::vector<TypeId> params, results;
    uint32_t caller = 0;  // the component instance that lowered it
    bool async = false;   // lowered with `async`
    host::CopyOptions options;
  };
  // lift_flat_values of a host call's arguments, with own handles taken
  // out of the caller (their reps) and borrows lent (added to `borrows`).
  Expected<std::vector<Value>> lift_host_args(const HostCallSite& site,
                                              const std::vector<Val>& flat,
                                              std::vector<host::BorrowedHandle>& borrows);
  // lower_flat_values of a host function's result into its caller (own
  // handles into the caller's table): the flat results, or none when
  // stored at `retptr`.
  Expected<std::vector<Val>> lower_host_result(const HostCallSite& site, const HostResult& value,
                                               std::optional<uint64_t> retptr);
  // Binds the plan's resource imports to host_resources, checking that
  // each is provided and that aliases name the same type (host_imports.cpp).
  Expected<void> link_host_resources();
  // A lowered host import, bound to its host function (host_imports.cpp).
  Expected<Handle> lower_import(const component::PlanTrampolineDef& tr);

  // stream.*, future.* and error-context.* of one instance (copy_bindings.cpp).
  Expected<Handle> copy_builtin(const component::PlanTrampolineDef& tr);
  // The payload of the future or stream type `type` (a canonical TypeId),
  // as the host checks and copies it.
  host::ElementType element_type(uint32_t type) const;
  // HostOptions::copy_elements: load from one memory, store into the
  // other, moving own handles between the two instances' tables.
  Expected<void> copy_elements(uint32_t type, const host::CopySide& from, const host::CopySide& to,
                               uint32_t count);
  // The canonical options of a built-in or lowering, for the host: memory,
  // width, string encoding, realloc, async.
  Expected<host::CopyOptions> copy_options(const component::PlanOptions& options);
  // Points `view` at the guest memory `options` name, for the reference
  // Canonical ABI: its bytes, taken again after every realloc (which may
  // grow the memory), and allocation with the options' realloc
  // (call_realloc); without one, allocating fails with `no_realloc`.
  // `view` and `options` must stay where they are while the view is used.
  void view_memory(values::MemoryView& view, const host::CopyOptions& options,
                   std::string no_realloc);

  // thread.new-indirect of one instance: the function at an index of its
  // table, checked against the start type, becomes a new thread.
  Expected<Handle> thread_new_indirect(const component::PlanTrampolineDef& tr);

  // task.return takes the result as a `canon lower` of it would pass it.
  wasm::FuncType task_return_type(const component::PlanTrampolineDef& tr) const;

  // canon resource.new/rep/drop of one instance, on the reference host.
  Expected<Handle> trampoline(uint32_t index);

  // `memories`: the memory imports of the module being instantiated, which
  // transcoders name by index.
  Expected<Handle> resolve(const component::PlanDef& def, const wasm::FuncType* signature,
                           const std::vector<Handle>& memories = {});

  // A start-call import: its callback or post-return are resolved now, and
  // the host runs the call.
  Expected<Handle> start_call(const component::PlanStartCallDef& sc,
                              const std::vector<ValType>& params,
                              const std::vector<ValType>& results);

  // Sets `trapped_out` when the error is a trap of the instantiation.
  // Loads every module the plan instantiates, before any runs.
  Expected<void> load_modules();
  Expected<void> run_step(const component::PlanStep& step, bool& trapped_out);

  // The table of a handle type (own, borrow, future, stream,
  // error-context) in `instance`. `type` is the canonical type.
  Expected<uint32_t> table_of(TypeId type, const TypeNode& node, uint32_t instance) {
    using Kind = component::TableMap::Kind;
    switch (node.kind) {
      case TypeKind::Own:
      case TypeKind::Borrow: return resource_table(node.resource, instance);
      default: break;
    }
    const Kind kind = node.kind == TypeKind::Future   ? Kind::Future
                      : node.kind == TypeKind::Stream ? Kind::Stream
                                                      : Kind::ErrorContext;
    const uint32_t key = kind == Kind::ErrorContext ? 0 : type.index;
    const uint32_t t = tables.table(kind, key, instance);
    if (auto r = register_new_tables(); !r) return r.error();
    return t;
  }

  // Handle arguments must name handles the host holds, of the parameter's
  // type: an own handle of the resource, the readable end of a future or
  // stream of that type, an error context.
  Expected<void> check_arg_handles(TypeId type, const Value& value) {
    const TypeStore& store = result.flow.types.store();
    return detail::visit_handles(
        store, type, value, [&](TypeId, const TypeNode& node, const Value& v) -> Expected<void> {
          const auto index = static_cast<uint32_t>(v.bits);
          std::optional<host::HandleInfo> info = host.inspect(host_instance, index);
          using HK = host::HandleInfo::Kind;
          const HK wanted = node.kind == TypeKind::Future         ? HK::ReadableFuture
                            : node.kind == TypeKind::Stream       ? HK::ReadableStream
                            : node.kind == TypeKind::ErrorContext ? HK::ErrorContext
                                                                  : HK::Own;
          if (!info || info->kind != wanted) {
            return Error{detail::handle_text(index) + " is not a " +
                         (wanted == HK::Own ? std::string("handle")
                                            : std::string(kind_name(node.kind)) + " end") +
                         " the host holds"};
          }
          if ((wanted == HK::Own) && info->type != node.resource) {
            return Error{detail::handle_text(index) + " is a handle of " +
                         plan.resources.at(info->type).name + ", not of " +
                         plan.resources.at(node.resource).name};
          }
          return {};
        });
  }

  // lift_own/lift_borrow from `from`'s table, lower_own/lower_borrow into
  // `to`'s (and the same for future and stream readable ends and error
  // contexts): `value` then holds `to`'s handles (or reps, for a borrow of
  // a resource `to` implements). Arguments go from the host to the callee,
  // results (own handles only) from the callee to the host.
  Expected<void> move_handles(TypeId type, Value& value, uint32_t from, uint32_t to) {
    const TypeStore& store = result.flow.types.store();
    return detail::visit_handles(store, type, value, [&](TypeId t, const TypeNode& node, Value& v) {
      return move_one(t, node, v, from, to);
    });
  }

  Expected<void> move_one(TypeId type, const TypeNode& node, Value& v, uint32_t from, uint32_t to) {
    auto from_table = table_of(type, node, from);
    if (!from_table) return from_table.error();
    auto to_table = table_of(type, node, to);
    if (!to_table) return to_table.error();
    const auto index = static_cast<uint32_t>(v.bits);
    Expected<uint32_t> moved = Error{""};
    switch (node.kind) {
      case TypeKind::Own: moved = host.resource_transfer_own(index, *from_table, *to_table); break;
      case TypeKind::Borrow:
        moved = host.resource_transfer_borrow(index, *from_table, *to_table);
        break;
      case TypeKind::Future: moved = host.future_transfer(index, *from_table, *to_table); break;
      case TypeKind::Stream: moved = host.stream_transfer(index, *from_table, *to_table); break;
      default: moved = host.error_context_transfer(index, *from_table, *to_table); break;
    }
    if (!moved) return moved.error();
    v.bits = *moved;
    return {};
  }
};

}  // namespace fact::runner
