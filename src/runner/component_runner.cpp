#include "fact/runner/component_runner.h"

#include <initializer_list>
#include <map>

#include "fact/abi.h"
#include "fact/engine/runtime.h"
#include "fact/host/host.h"
#include "fact/host/transcoder_call.h"
#include "fact/values/reference.h"

namespace fact::runner {
namespace {

using Handle = engine::Runtime::Handle;
using values::Value;
using wasm::Val;
using wasm::ValType;

// One runtime intrinsic on the reference host; a host error is a trap.
std::optional<std::string> call_intrinsic(host::Host& host, Intrinsic which,
                                          const std::vector<Val>& args, std::vector<Val>& results) {
  std::vector<uint32_t> raw;
  for (const Val& a : args) raw.push_back(static_cast<uint32_t>(a.bits));
  Expected<std::optional<uint32_t>> r = host::call_intrinsic(host, which, raw);
  if (!r) return r.error().message;
  if (*r) results.at(0).bits = **r;
  return std::nullopt;
}

std::vector<TypeId> children(const TypeNode& node) {
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
std::optional<TypeKind> kind_inside(const TypeStore& store, TypeId type,
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

// Calls `visit(node, value)` on every own and borrow handle inside `value`,
// a well-formed value of `type`, depth first and left to right: the order
// in which the Canonical ABI lifts and lowers them.
template <class V, class Visit>
Expected<void> visit_handles(const TypeStore& store, TypeId type, V& value, const Visit& visit) {
  const TypeNode& node = store.get(type);
  auto each = [&](TypeId child, V& item) { return visit_handles(store, child, item, visit); };
  switch (node.kind) {
    case TypeKind::Own:
    case TypeKind::Borrow: return visit(node, value);
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

std::string handle_text(uint32_t index) { return "#" + std::to_string(index); }

// A built-in's outcome as an i32 result (or none), or its trap.
Expected<std::optional<uint32_t>> none(Expected<void> r) {
  if (!r) return r.error();
  return std::optional<uint32_t>();
}
Expected<std::optional<uint32_t>> value(Expected<uint32_t> r) {
  if (!r) return r.error();
  return std::optional<uint32_t>(*r);
}

}  // namespace

struct ComponentRunner::Impl {
  const component::ComponentResult& result;
  const component::Plan& plan;
  engine::Runtime runtime;
  std::map<uint32_t, Handle> flags;  // by component instance
  host::Host host;
  std::vector<std::optional<Handle>> instances;  // by plan instance
  // The plan's tables, extended (never renumbered) with the host's own
  // tables and with those of root exports' instances that no adapter or
  // builtin uses. Every entry below `registered_tables` is known to `host`.
  component::TableMap tables;
  size_t registered_tables = 0;
  // The host, as the owner of the handles it receives, is one more
  // component instance, numbered after those of the component.
  uint32_t host_instance = 0;
  std::map<component::ResourceId, Handle> destructors;  // resolved on first use
  // A trap leaves the instances in an unknown state (a call scope open,
  // memory half written): like a trapped component instance, the runner
  // refuses further calls.
  std::optional<std::string> trapped;

  Impl(const component::ComponentResult& r, const component::Plan& p)
      : result(r),
        plan(p),
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
      if (auto it = flags.find(instance); it != flags.end()) {
        runtime.global_set(it->second, may_leave ? 1 : 0);
      }
    };
    // A GuestFunc is the store reference a funcref holds, which is also
    // what the facade's handles are.
    options.call_guest = [this](host::GuestFunc func,
                                const std::vector<Val>& args) -> Expected<std::vector<Val>> {
      engine::CallOutcome out = runtime.call(Handle{func.ref}, args);
      if (out.trap) return Error{*out.trap};
      return std::move(out.results);
    };
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
          added = host.add_future_table(t, e.instance, e.key);
          break;
        case component::TableMap::Kind::Stream:
          added = host.add_stream_table(t, e.instance, e.key);
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

  Expected<Handle> export_handle(const CoreExport& e) {
    if (e.instance >= instances.size() || !instances[e.instance]) {
      return Error{"internal error: instance " + std::to_string(e.instance) +
                   " is used before it is created"};
    }
    return runtime.export_of(*instances[e.instance], e.name);
  }

  // The identity of a memory (host::LiftedFunc::memory): its store reference.
  Expected<std::optional<uint64_t>> memory_identity(const std::optional<fact::Memory>& memory) {
    if (!memory) return std::optional<uint64_t>();
    auto h = export_handle(memory->export_);
    if (!h) return h.error();
    return std::optional<uint64_t>(h->ref);
  }

  host::MemoryAccess memory_access(std::optional<Handle> memory) {
    if (!memory) return {};
    return [this, m = *memory] {
      return host::GuestMemory{runtime.memory_data(m), runtime.memory_size(m)};
    };
  }

  // A host function of [params] -> [results] (i32s) whose body calls `body`
  // with the i32 arguments; an error is a trap.
  template <class Body>
  Handle i32_builtin(size_t params, size_t results, Body body) {
    return runtime.host_func(
        std::vector<ValType>(params, ValType::I32), std::vector<ValType>(results, ValType::I32),
        [body](const std::vector<Val>& args, std::vector<Val>& out) -> std::optional<std::string> {
          std::vector<uint32_t> raw;
          for (const Val& a : args) raw.push_back(static_cast<uint32_t>(a.bits));
          Expected<std::optional<uint32_t>> r = body(raw);
          if (!r) return r.error().message;
          if (*r) out.at(0).bits = **r;
          return std::nullopt;
        });
  }

  // The built-ins of tasks, subtasks, waitable sets, backpressure, context
  // and thread.yield, on the reference host.
  Expected<Handle> async_builtin(const component::PlanTrampolineDef& tr) {
    using K = component::Trampoline::Kind;
    std::optional<Handle> memory;
    if (tr.options.memory) {
      auto h = export_handle(tr.options.memory->export_);
      if (!h) return h.error();
      memory = *h;
    }
    switch (tr.kind) {
      case K::TaskReturn: {
        auto identity = memory_identity(tr.options.memory);
        if (!identity) return identity.error();
        const wasm::FuncType type = task_return_type(tr);
        return runtime.host_func(
            type.params, type.results,
            [this, result_type = tr.result_type, identity = *identity,
             encoding = tr.options.string_encoding](
                const std::vector<Val>& args, std::vector<Val>&) -> std::optional<std::string> {
              auto r = host.task_return(result_type, identity, encoding, args);
              if (!r) return r.error().message;
              return std::nullopt;
            });
      }
      case K::ContextGet:
        return i32_builtin(0, 1, [this, slot = tr.slot](const std::vector<uint32_t>&) {
          return value(host.context_get(slot));
        });
      case K::ContextSet:
        return i32_builtin(1, 0, [this, slot = tr.slot](const std::vector<uint32_t>& a) {
          return none(host.context_set(slot, a[0]));
        });
      case K::BackpressureInc:
        return i32_builtin(0, 0, [this](const auto&) { return none(host.backpressure_inc()); });
      case K::BackpressureDec:
        return i32_builtin(0, 0, [this](const auto&) { return none(host.backpressure_dec()); });
      case K::ThreadYield:
        return i32_builtin(0, 1, [this](const auto&) { return value(host.thread_yield()); });
      case K::SubtaskDrop:
        return i32_builtin(1, 0, [this](const auto& a) { return none(host.subtask_drop(a[0])); });
      case K::WaitableSetNew:
        return i32_builtin(0, 1, [this](const auto&) { return value(host.waitable_set_new()); });
      case K::WaitableSetDrop:
        return i32_builtin(1, 0,
                           [this](const auto& a) { return none(host.waitable_set_drop(a[0])); });
      case K::WaitableJoin:
        return i32_builtin(2, 0,
                           [this](const auto& a) { return none(host.waitable_join(a[0], a[1])); });
      case K::WaitableSetWait:
      case K::WaitableSetPoll: {
        const bool wait = tr.kind == K::WaitableSetWait;
        const bool memory64 = tr.options.memory && tr.options.memory->type.memory64;
        return runtime.host_func(
            {ValType::I32, memory64 ? ValType::I64 : ValType::I32}, {ValType::I32},
            [this, wait, access = memory_access(memory)](
                const std::vector<Val>& args, std::vector<Val>& out) -> std::optional<std::string> {
              const auto set = static_cast<uint32_t>(args.at(0).bits);
              Expected<uint32_t> r = wait ? host.waitable_set_wait(set, access, args.at(1).bits)
                                          : host.waitable_set_poll(set, access, args.at(1).bits);
              if (!r) return r.error().message;
              out.at(0).bits = *r;
              return std::nullopt;
            });
      }
      default: break;
    }
    return Error{std::string("internal error: `") + component::trampoline_kind_name(tr.kind) +
                 "` is not a built-in of the async host"};
  }

  // task.return takes the result as a `canon lower` of it would pass it.
  wasm::FuncType task_return_type(const component::PlanTrampolineDef& tr) const {
    const TypeStore& store = result.flow.types.store();
    const bool memory64 = tr.options.memory && tr.options.memory->type.memory64;
    if (!tr.result) return {};
    if (auto flat = flatten_types(store, {*tr.result}, memory64, kMaxFlatParams)) {
      return {*flat, {}};
    }
    return {{memory64 ? ValType::I64 : ValType::I32}, {}};
  }

  // canon resource.new/rep/drop of one instance, on the reference host.
  Expected<Handle> trampoline(uint32_t index) {
    const component::PlanTrampolineDef& tr = plan.trampolines.at(index);
    using K = component::Trampoline::Kind;
    const uint32_t table = tr.table;
    if (tr.kind != K::LowerImport && !component::is_resource_builtin(tr.kind)) {
      return async_builtin(tr);
    }
    switch (tr.kind) {
      case K::LowerImport:
        return Error{"component import `" + tr.import +
                     "` is not satisfied: fact run provides no host imports"};
      case K::ResourceDrop:
        return runtime.host_func({ValType::I32}, {},
                                 [this, table](const std::vector<Val>& args,
                                               std::vector<Val>&) -> std::optional<std::string> {
                                   auto dropped = host.resource_drop(
                                       table, static_cast<uint32_t>(args.at(0).bits));
                                   if (!dropped) return dropped.error().message;
                                   return std::nullopt;
                                 });
      case K::ResourceNew:
      case K::ResourceRep: {
        const bool make = tr.kind == K::ResourceNew;
        return runtime.host_func(
            {ValType::I32}, {ValType::I32},
            [this, table, make](const std::vector<Val>& args,
                                std::vector<Val>& out) -> std::optional<std::string> {
              const auto arg = static_cast<uint32_t>(args.at(0).bits);
              Expected<uint32_t> r =
                  make ? host.resource_new(table, arg) : host.resource_rep(table, arg);
              if (!r) return r.error().message;
              out.at(0).bits = *r;
              return std::nullopt;
            });
      }
      default: break;
    }
    return Error{"internal error: unknown trampoline kind"};
  }

  // `memories`: the memory imports of the module being instantiated, which
  // transcoders name by index.
  Expected<Handle> resolve(const component::PlanDef& def, const wasm::FuncType* signature,
                           const std::vector<Handle>& memories = {}) {
    if (const auto* e = std::get_if<CoreExport>(&def)) return export_handle(*e);
    if (const auto* t = std::get_if<component::PlanTrampoline>(&def)) return trampoline(t->index);
    if (const auto* f = std::get_if<binding::InstanceFlags>(&def)) {
      auto it = flags.find(f->instance);
      if (it == flags.end())
        it = flags.emplace(f->instance, runtime.global(ValType::I32, true, 1)).first;
      return it->second;
    }
    if (!signature) return Error{"internal error: a runtime function without a signature"};
    const std::vector<ValType> params = signature->params;
    const std::vector<ValType> results = signature->results;
    if (const auto* t = std::get_if<binding::Trap>(&def)) {
      std::string message = std::string("wasm trap: ") + trap_message(t->code);
      return runtime.host_func(params, results,
                               [message](const std::vector<Val>&, std::vector<Val>&) {
                                 return std::optional<std::string>(message);
                               });
    }
    if (const auto* t = std::get_if<binding::Transcoder>(&def)) {
      if (t->from_memory >= memories.size() || t->to_memory >= memories.size()) {
        return Error{
            "internal error: a transcoder names a memory the adapter module does not import"};
      }
      const Handle from = memories[t->from_memory];
      const Handle to = memories[t->to_memory];
      const Transcode op = t->op;
      return runtime.host_func(
          params, results,
          [this, op, from, to](const std::vector<Val>& args, std::vector<Val>& out) {
            return host::call_transcoder(
                op, host::RawMemory{runtime.memory_data(from), runtime.memory_size(from)},
                host::RawMemory{runtime.memory_data(to), runtime.memory_size(to)}, args, out);
          });
    }
    if (const auto* p = std::get_if<component::PlanPrepareCall>(&def)) {
      std::optional<uint64_t> memory;
      if (p->memory) {
        auto h = export_handle(*p->memory);
        if (!h) return h.error();
        memory = h->ref;
      }
      return runtime.host_func(params, results,
                               [this, memory](const std::vector<Val>& args,
                                              std::vector<Val>&) -> std::optional<std::string> {
                                 auto r = host.prepare_call(args, memory);
                                 if (!r) return r.error().message;
                                 return std::nullopt;
                               });
    }
    if (const auto* sc = std::get_if<component::PlanStartCall>(&def)) {
      return start_call(plan.start_calls.at(sc->index), params, results);
    }
    const auto* intrinsic = std::get_if<binding::RuntimeIntrinsic>(&def);
    if (!intrinsic) return Error{"internal error: an adapter import the runner cannot bind"};
    const Intrinsic which = intrinsic->intrinsic;
    return runtime.host_func(params, results,
                             [this, which](const std::vector<Val>& args, std::vector<Val>& out) {
                               return call_intrinsic(host, which, args, out);
                             });
  }

  // A start-call import: its callback or post-return are resolved now, and
  // the host runs the call.
  Expected<Handle> start_call(const component::PlanStartCallDef& sc,
                              const std::vector<ValType>& params,
                              const std::vector<ValType>& results) {
    std::optional<host::GuestFunc> callback, post_return;
    if (sc.callback) {
      auto h = resolve(*sc.callback, nullptr);
      if (!h) return h.error();
      callback = host::GuestFunc{h->ref};
    }
    if (sc.post_return) {
      auto h = resolve(*sc.post_return, nullptr);
      if (!h) return h.error();
      post_return = host::GuestFunc{h->ref};
    }
    if (sc.async_lower) {
      return runtime.host_func(
          params, results,
          [this, callback, post_return](const std::vector<Val>& args,
                                        std::vector<Val>& out) -> std::optional<std::string> {
            auto r = host.async_start_call(callback, post_return, host::GuestFunc{args.at(0).bits},
                                           static_cast<uint32_t>(args.at(1).bits),
                                           static_cast<uint32_t>(args.at(2).bits),
                                           static_cast<uint32_t>(args.at(3).bits));
            if (!r) return r.error().message;
            out.at(0).bits = *r;
            return std::nullopt;
          });
    }
    return runtime.host_func(
        params, results,
        [this, callback](const std::vector<Val>& args,
                         std::vector<Val>& out) -> std::optional<std::string> {
          auto r = host.sync_start_call(callback, host::GuestFunc{args.at(0).bits},
                                        static_cast<uint32_t>(args.at(1).bits));
          if (!r) return r.error().message;
          if (r->size() != out.size()) {
            return "internal error: [async-return] gave " + std::to_string(r->size()) +
                   " results for " + std::to_string(out.size());
          }
          for (size_t i = 0; i < out.size(); ++i) out[i].bits = (*r)[i].bits;
          return std::nullopt;
        });
  }

  // Sets `trapped_out` when the error is a trap of the instantiation.
  Expected<void> run_step(const component::PlanStep& step, bool& trapped_out) {
    std::vector<Handle> imports;
    const std::vector<fact::Import>* adapter_imports = nullptr;
    if (step.kind == component::PlanStep::Kind::AdapterModule) {
      adapter_imports = &result.adapters.modules.at(step.index).imports;
    }
    std::vector<Handle> memories;
    for (size_t a = 0; a < step.args.size(); ++a) {
      const wasm::FuncType* signature = adapter_imports ? &(*adapter_imports)[a].func : nullptr;
      auto handle = resolve(step.args[a].def, signature, memories);
      if (!handle) return handle.error();
      imports.push_back(*handle);
      if (step.args[a].kind == wasm::ExternKind::Memory) memories.push_back(*handle);
    }
    const std::vector<uint8_t>& wasm = step.kind == component::PlanStep::Kind::CoreModule
                                           ? result.flow.modules.at(step.module)->bytes
                                           : result.adapters.modules.at(step.index).wasm;
    // A core module's start function runs as a sync-typed call from the
    // host into the instance the module belongs to: it may not block.
    const bool core = step.kind == component::PlanStep::Kind::CoreModule;
    if (core) {
      if (auto entered = host.enter_host_call(step.component_instance); !entered) {
        trapped_out = true;
        return entered.error();
      }
    }
    auto instance = runtime.instantiate(wasm, imports);
    if (instance && core) {
      if (auto exited = host.exit_host_call(); !exited) {
        trapped_out = true;
        return exited.error();
      }
    }
    if (!instance) {
      // The imports match by construction, so what fails is the module's
      // own instantiation: a segment out of bounds or a trapping start.
      trapped_out = true;
      return Error{(step.kind == component::PlanStep::Kind::CoreModule ? "core instance "
                                                                       : "adapter module ") +
                   std::to_string(step.index) + ": " + instance.error().message};
    }
    if (instances.size() <= step.instance) instances.resize(step.instance + 1);
    instances[step.instance] = *instance;
    return {};
  }

  // Own and borrow arguments must name handles the host holds, of the
  // parameter's resource.
  Expected<void> check_arg_handles(TypeId type, const Value& value) {
    const TypeStore& store = result.flow.types.store();
    return visit_handles(
        store, type, value, [&](const TypeNode& node, const Value& v) -> Expected<void> {
          const auto index = static_cast<uint32_t>(v.bits);
          std::optional<host::HandleInfo> info = host.inspect(host_instance, index);
          if (!info || info->kind != host::HandleInfo::Kind::Own) {
            return Error{handle_text(index) + " is not a handle the host holds"};
          }
          if (info->type != node.resource) {
            return Error{handle_text(index) + " is a handle of " +
                         plan.resources.at(info->type).name + ", not of " +
                         plan.resources.at(node.resource).name};
          }
          return {};
        });
  }

  // lift_own/lift_borrow from `from`'s table, lower_own/lower_borrow into
  // `to`'s: `value` then holds `to`'s handles (or reps, for a borrow of a
  // resource `to` implements). Arguments go from the host to the callee,
  // results (own handles only) from the callee to the host.
  Expected<void> move_handles(TypeId type, Value& value, uint32_t from, uint32_t to) {
    const TypeStore& store = result.flow.types.store();
    return visit_handles(store, type, value, [&](const TypeNode& node, Value& v) -> Expected<void> {
      auto from_table = resource_table(node.resource, from);
      if (!from_table) return from_table.error();
      auto to_table = resource_table(node.resource, to);
      if (!to_table) return to_table.error();
      const auto index = static_cast<uint32_t>(v.bits);
      auto moved = node.kind == TypeKind::Own
                       ? host.resource_transfer_own(index, *from_table, *to_table)
                       : host.resource_transfer_borrow(index, *from_table, *to_table);
      if (!moved) return moved.error();
      v.bits = *moved;
      return {};
    });
  }
};

ComponentRunner::ComponentRunner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ComponentRunner::~ComponentRunner() = default;

Expected<std::unique_ptr<ComponentRunner>> ComponentRunner::create(
    const component::ComponentResult& result, const component::Plan& plan, bool* trapped) {
  auto impl = std::make_unique<Impl>(result, plan);
  if (auto r = impl->register_with_host(); !r) return Error{"internal error: " + r.error().message};
  for (const component::PlanStep& step : plan.steps) {
    bool step_trapped = false;
    if (auto r = impl->run_step(step, step_trapped); !r) {
      if (trapped) *trapped = step_trapped;
      return r.error();
    }
  }
  return std::unique_ptr<ComponentRunner>(new ComponentRunner(std::move(impl)));
}

const component::PlanExport* ComponentRunner::find_export(std::string_view name) const {
  for (const component::PlanExport& e : impl_->plan.exports) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

const TypeStore& ComponentRunner::types() const { return impl_->result.flow.types.store(); }

std::optional<host::HandleInfo> ComponentRunner::host_handle(uint32_t index) const {
  return impl_->host.inspect(impl_->host_instance, index);
}

std::size_t ComponentRunner::host_handles() const {
  return impl_->host.live_handles(impl_->host_instance);
}

Expected<CallResult> ComponentRunner::call(const component::PlanExport& e,
                                           const std::vector<Value>& args) {
  Impl& m = *impl_;
  if (!e.core_func) {
    return Error{"`" + e.name + "` is the host import `" + e.host_import +
                 "` exported again, which fact run does not provide"};
  }
  if (m.trapped) {
    // A trap poisons the instances it went through; the runner does not
    // know which, so it treats them all as poisoned: every later call
    // traps as entering a poisoned instance does.
    CallResult poisoned;
    poisoned.trap =
        "wasm trap: cannot enter component instance (the component trapped earlier: " + *m.trapped +
        ")";
    return poisoned;
  }
  const TypeStore& store = types();
  const FuncType& type = store.get(e.type);
  std::vector<TypeId> params, results;
  for (const Param& p : type.params) params.push_back(p.type);
  if (type.result) results.push_back(*type.result);
  std::vector<TypeId> all = params;
  all.insert(all.end(), results.begin(), results.end());
  for (TypeId t : all) {
    if (auto k =
            kind_inside(store, t, {TypeKind::Future, TypeKind::Stream, TypeKind::ErrorContext})) {
      return Error{"`" + e.name + "` passes values of type " + kind_name(*k) +
                   ", which fact run does not support at the root (only own and borrow handles)"};
    }
  }
  for (TypeId t : results) {
    if (store.get(t).contains_borrow) {
      return Error{"`" + e.name + "` returns a borrow handle, which a function cannot return"};
    }
  }
  if (args.size() != params.size()) {
    return Error{"`" + e.name + "` takes " + std::to_string(params.size()) + " arguments, " +
                 std::to_string(args.size()) + " given"};
  }
  for (size_t i = 0; i < args.size(); ++i) {
    auto ok = check_value(store, params[i], args[i]);
    if (ok) ok = m.check_arg_handles(params[i], args[i]);
    if (!ok)
      return Error{"argument " + std::to_string(i + 1) + " of `" + e.name +
                   "`: " + ok.error().message};
  }

  auto func = m.resolve(*e.core_func, nullptr);
  if (!func) return func.error();
  std::optional<Handle> memory, realloc, post_return;
  if (e.options.memory) {
    auto h = m.export_handle(e.options.memory->export_);
    if (!h) return h.error();
    memory = *h;
  }
  if (e.options.realloc) {
    auto h = m.resolve(*e.options.realloc, nullptr);
    if (!h) return h.error();
    realloc = *h;
  }
  if (e.options.post_return) {
    auto h = m.resolve(*e.options.post_return, nullptr);
    if (!h) return h.error();
    post_return = *h;
  }

  const bool memory64 = e.options.memory && e.options.memory->type.memory64;
  values::MemoryView view;
  view.memory64 = memory64;
  view.encoding = e.options.string_encoding;
  // realloc may grow the memory, which moves its bytes.
  auto refresh = [&] {
    if (!memory) return;
    view.data = m.runtime.memory_data(*memory);
    view.size = m.runtime.memory_size(*memory);
  };
  refresh();
  std::optional<std::string> realloc_trap;
  view.allocate = [&](uint64_t align, uint64_t size) -> Expected<uint64_t> {
    if (!memory || !realloc)
      return Error{"`" + e.name + "` needs memory and realloc options to pass its arguments"};
    auto word = [&](uint64_t v) {
      return memory64 ? Val::i64(v) : Val::i32(static_cast<uint32_t>(v));
    };
    engine::CallOutcome out = m.runtime.call(*realloc, {word(0), word(0), word(align), word(size)});
    refresh();
    if (out.trap) {
      realloc_trap = out.trap;
      return Error{*out.trap};
    }
    return out.results.at(0).bits;
  };

  CallResult call_result;
  // Every path that sets call_result.trap returns through here.
  auto trap = [&](std::string message) {
    m.trapped = message;
    call_result.trap = std::move(message);
    // Threads left waiting can never run now: unwind their guest frames
    // while the store is still there.
    m.host.unwind_suspended();
    return call_result;
  };
  const uint32_t callee = e.options.component_instance;
  if (type.is_async) {
    // An async-typed export runs as a task of its own, driven by the host's
    // event loop until it returns its result.
    host::LiftedFunc lifted;
    lifted.instance = callee;
    lifted.type_async = true;
    lifted.lift = !e.options.is_async  ? host::LiftKind::Sync
                  : e.options.callback ? host::LiftKind::Callback
                                       : host::LiftKind::Stackful;
    lifted.callee = host::GuestFunc{func->ref};
    if (e.options.callback) {
      auto h = m.resolve(*e.options.callback, nullptr);
      if (!h) return h.error();
      lifted.callback = host::GuestFunc{h->ref};
    }
    if (post_return) lifted.post_return = host::GuestFunc{post_return->ref};
    lifted.result_type = component::task_return_type(type.result);
    if (memory) lifted.memory = memory->ref;
    lifted.string_encoding = e.options.string_encoding;
    const std::string host_note = " (instance " + std::to_string(m.host_instance) + " is the host)";
    std::optional<std::vector<Value>> lifted_results;
    values::Reference ref(store);
    auto on_start = [&]() -> Expected<std::vector<Val>> {
      std::vector<Value> passed = args;
      for (size_t i = 0; i < passed.size(); ++i) {
        if (auto moved = m.move_handles(params[i], passed[i], m.host_instance, callee); !moved) {
          return Error{moved.error().message + host_note};
        }
      }
      auto flat = ref.lower_flat_values(params, passed, kMaxFlatParams, view);
      if (realloc_trap) return Error{*realloc_trap};
      return flat;
    };
    auto on_resolve = [&](const std::vector<Val>& flat) -> Expected<void> {
      refresh();
      const uint32_t max = lifted.lift == host::LiftKind::Sync ? kMaxFlatResults : kMaxFlatParams;
      auto values = ref.lift_flat_values(results, flat, max, view);
      if (!values) return values.error();
      for (size_t i = 0; i < values->size(); ++i) {
        if (auto moved = m.move_handles(results[i], (*values)[i], callee, m.host_instance);
            !moved) {
          return Error{moved.error().message + host_note};
        }
      }
      lifted_results = std::move(*values);
      return {};
    };
    if (auto ran = m.host.call_from_host(m.host_instance, lifted, on_start, on_resolve); !ran) {
      return trap(ran.error().message);
    }
    if (lifted_results && !lifted_results->empty()) {
      call_result.result = std::move(lifted_results->front());
    }
    return call_result;
  }
  // The host calls as an instance of its own, so that its handles can be
  // lent to the callee for the call (borrows travel from caller to callee).
  if (auto entered = m.host.enter_sync_call(m.host_instance, 0, callee); !entered) {
    return trap(entered.error().message);
  }
  // Host errors name instances by number; say which one is the host.
  const std::string host_note = " (instance " + std::to_string(m.host_instance) + " is the host)";
  std::vector<Value> passed = args;
  for (size_t i = 0; i < passed.size(); ++i) {
    if (auto moved = m.move_handles(params[i], passed[i], m.host_instance, callee); !moved) {
      return trap(moved.error().message + host_note);
    }
  }
  values::Reference ref(store);
  auto flat = ref.lower_flat_values(params, passed, kMaxFlatParams, view);
  if (realloc_trap) {
    return trap(*realloc_trap);
  }
  // The arguments were checked, so a failing lowering is the component's
  // (options it lacks), and handles may have moved already: a trap.
  if (!flat) return trap(flat.error().message);
  engine::CallOutcome out = m.runtime.call(*func, *flat);
  if (out.trap) {
    return trap(*out.trap);
  }
  refresh();
  auto lifted = ref.lift_flat_values(results, out.results, kMaxFlatResults, view);
  if (!lifted) {
    // A lift error is the component's fault (an invalid char, string or case index).
    return trap(lifted.error().message);
  }
  for (size_t i = 0; i < lifted->size(); ++i) {
    if (auto moved = m.move_handles(results[i], (*lifted)[i], callee, m.host_instance); !moved) {
      return trap(moved.error().message + host_note);
    }
  }
  if (post_return) {
    engine::CallOutcome post = m.runtime.call(*post_return, out.results);
    if (post.trap) {
      return trap(*post.trap);
    }
  }
  if (auto exited = m.host.exit_sync_call(); !exited) {
    return trap(exited.error().message);
  }
  if (!lifted->empty()) call_result.result = std::move(lifted->front());
  return call_result;
}

}  // namespace fact::runner
