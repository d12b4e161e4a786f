// What every import of a plan step is bound to: exports of earlier
// instances, flags globals, traps, transcoders, runtime intrinsics, the
// resource and async built-ins, and the prepare- and start-calls of async
// adapters, all on the reference host.
#include "fact/host/transcoder_call.h"
#include "fact/wasm/cursor.h"
#include "runner_impl.h"

namespace fact::runner {
namespace {

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

// A built-in's outcome as an i32 result (or none), or its trap.
Expected<std::optional<uint32_t>> none(Expected<void> r) {
  if (!r) return r.error();
  return std::optional<uint32_t>();
}
Expected<std::optional<uint32_t>> value(Expected<uint32_t> r) {
  if (!r) return r.error();
  return std::optional<uint32_t>(*r);
}

// A host function of [params] -> [results] (i32s) whose body calls `body`
// with the i32 arguments; an error is a trap.
template <class Body>
Handle i32_builtin(engine::Runtime& runtime, size_t params, size_t results, Body body) {
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

}  // namespace

Expected<std::optional<uint64_t>> ComponentRunner::Impl::memory_identity(
    const std::optional<fact::Memory>& memory) {
  if (!memory) return std::optional<uint64_t>();
  auto h = export_handle(memory->export_);
  if (!h) return h.error();
  return std::optional<uint64_t>(h->ref);
}

host::MemoryAccess ComponentRunner::Impl::memory_access(std::optional<Handle> memory) {
  if (!memory) return {};
  return [this, m = *memory] {
    return host::GuestMemory{runtime.memory_data(m), runtime.memory_size(m)};
  };
}

Expected<Handle> ComponentRunner::Impl::async_builtin(const component::PlanTrampolineDef& tr) {
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
           encoding = tr.options.string_encoding](const std::vector<Val>& args,
                                                  std::vector<Val>&) -> std::optional<std::string> {
            auto r = host.task_return(result_type, identity, encoding, args);
            if (!r) return r.error().message;
            return std::nullopt;
          });
    }
    case K::ContextGet:
      return i32_builtin(runtime, 0, 1, [this, slot = tr.slot](const std::vector<uint32_t>&) {
        return value(host.context_get(slot));
      });
    case K::ContextSet:
      return i32_builtin(runtime, 1, 0, [this, slot = tr.slot](const std::vector<uint32_t>& a) {
        return none(host.context_set(slot, a[0]));
      });
    case K::BackpressureInc:
      return i32_builtin(runtime, 0, 0,
                         [this](const auto&) { return none(host.backpressure_inc()); });
    case K::BackpressureDec:
      return i32_builtin(runtime, 0, 0,
                         [this](const auto&) { return none(host.backpressure_dec()); });
    case K::ThreadYield:
      return i32_builtin(runtime, 0, 1, [this, cancellable = tr.cancellable](const auto&) {
        return value(host.thread_yield(cancellable));
      });
    case K::ThreadIndex:
      return i32_builtin(runtime, 0, 1, [this](const auto&) { return value(host.thread_index()); });
    case K::ThreadResumeLater:
      return i32_builtin(runtime, 1, 0,
                         [this](const auto& a) { return none(host.thread_resume_later(a[0])); });
    case K::ThreadSuspend:
      return i32_builtin(runtime, 0, 1, [this, cancellable = tr.cancellable](const auto&) {
        return value(host.thread_suspend(cancellable));
      });
    case K::ThreadSuspendThenResume:
    case K::ThreadYieldThenResume:
    case K::ThreadSuspendThenPromote:
    case K::ThreadYieldThenPromote: {
      using Switch = host::Host::ThreadSwitch;
      const Switch how = tr.kind == K::ThreadSuspendThenResume    ? Switch::SuspendThenResume
                         : tr.kind == K::ThreadYieldThenResume    ? Switch::YieldThenResume
                         : tr.kind == K::ThreadSuspendThenPromote ? Switch::SuspendThenPromote
                                                                  : Switch::YieldThenPromote;
      return i32_builtin(runtime, 1, 1, [this, how, cancellable = tr.cancellable](const auto& a) {
        return value(host.thread_switch(how, a[0], cancellable));
      });
    }
    case K::ThreadNewIndirect: return thread_new_indirect(tr);
    case K::SubtaskCancel:
      return i32_builtin(runtime, 1, 1, [this, async = tr.cancellable](const auto& a) {
        return value(host.subtask_cancel(a[0], async));
      });
    case K::TaskCancel:
      return i32_builtin(runtime, 0, 0, [this](const auto&) { return none(host.task_cancel()); });
    case K::SubtaskDrop:
      return i32_builtin(runtime, 1, 0,
                         [this](const auto& a) { return none(host.subtask_drop(a[0])); });
    case K::WaitableSetNew:
      return i32_builtin(runtime, 0, 1,
                         [this](const auto&) { return value(host.waitable_set_new()); });
    case K::WaitableSetDrop:
      return i32_builtin(runtime, 1, 0,
                         [this](const auto& a) { return none(host.waitable_set_drop(a[0])); });
    case K::WaitableJoin:
      return i32_builtin(runtime, 2, 0,
                         [this](const auto& a) { return none(host.waitable_join(a[0], a[1])); });
    case K::WaitableSetWait:
    case K::WaitableSetPoll: {
      const bool wait = tr.kind == K::WaitableSetWait;
      const bool memory64 = tr.options.memory && tr.options.memory->type.memory64;
      return runtime.host_func(
          {ValType::I32, memory64 ? ValType::I64 : ValType::I32}, {ValType::I32},
          [this, wait, cancellable = tr.cancellable, access = memory_access(memory)](
              const std::vector<Val>& args, std::vector<Val>& out) -> std::optional<std::string> {
            const auto set = static_cast<uint32_t>(args.at(0).bits);
            Expected<uint32_t> r =
                wait ? host.waitable_set_wait(set, access, args.at(1).bits, cancellable)
                     : host.waitable_set_poll(set, access, args.at(1).bits, cancellable);
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

Expected<Handle> ComponentRunner::Impl::thread_new_indirect(
    const component::PlanTrampolineDef& tr) {
  const auto* table_export =
      tr.func_table ? std::get_if<fact::CoreExport>(&*tr.func_table) : nullptr;
  if (!table_export) {
    return Error{"internal error: thread.new-indirect without the export of its table"};
  }
  const ValType arg_type = tr.start_type.params.at(0);
  return runtime.host_func(
      {ValType::I32, arg_type}, {ValType::I32},
      [this, table_export = *table_export, start_type = tr.start_type](
          const std::vector<Val>& args, std::vector<Val>& out) -> std::optional<std::string> {
        constexpr const char* op = "thread.new-indirect";
        // canon_thread_new_indirect: ftbl.get(fi), then trap_if(f.t != ft).
        auto table = export_handle(table_export);
        if (!table) return table.error().message;
        const auto index = static_cast<uint32_t>(args.at(0).bits);
        auto entry = runtime.table_get(*table, index);
        if (!entry) return std::string(op) + ": " + entry.error().message;
        if (!*entry) {
          return std::string(op) + ": uninitialized element " + std::to_string(index) +
                 " of the table";
        }
        if (runtime.func_type(**entry) != start_type) {
          return std::string(op) + ": the function at table index " + std::to_string(index) +
                 " has type " + wasm::to_string(runtime.func_type(**entry)) + ", not " +
                 wasm::to_string(start_type) + " (indirect call type mismatch)";
        }
        auto thread = host.thread_new(host::GuestFunc{(*entry)->ref}, args.at(1));
        if (!thread) return thread.error().message;
        out.at(0) = Val::i32(*thread);
        return std::nullopt;
      });
}

wasm::FuncType ComponentRunner::Impl::task_return_type(
    const component::PlanTrampolineDef& tr) const {
  const TypeStore& store = result.flow.types.store();
  const bool memory64 = tr.options.memory && tr.options.memory->type.memory64;
  if (!tr.result) return {};
  if (auto flat = flatten_types(store, {*tr.result}, memory64, kMaxFlatParams)) {
    return {*flat, {}};
  }
  return {{memory64 ? ValType::I64 : ValType::I32}, {}};
}

Expected<Handle> ComponentRunner::Impl::trampoline(uint32_t index) {
  const component::PlanTrampolineDef& tr = plan.trampolines.at(index);
  using K = component::Trampoline::Kind;
  const uint32_t table = tr.table;
  if (component::is_copy_builtin(tr.kind) || component::is_error_context_builtin(tr.kind)) {
    return copy_builtin(tr);
  }
  if (tr.kind != K::LowerImport && !component::is_resource_builtin(tr.kind)) {
    return async_builtin(tr);
  }
  switch (tr.kind) {
    case K::LowerImport: return lower_import(tr);
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

Expected<Handle> ComponentRunner::Impl::resolve(const component::PlanDef& def,
                                                const wasm::FuncType* signature,
                                                const std::vector<Handle>& memories) {
  if (const auto* e = std::get_if<CoreExport>(&def)) return export_handle(*e);
  if (const auto* t = std::get_if<component::PlanTrampoline>(&def)) return trampoline(t->index);
  if (const auto* f = std::get_if<binding::InstanceFlags>(&def)) return flags_of(f->instance);
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
        params, results, [this, op, from, to](const std::vector<Val>& args, std::vector<Val>& out) {
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

Expected<Handle> ComponentRunner::Impl::start_call(const component::PlanStartCallDef& sc,
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

Expected<void> ComponentRunner::Impl::load_modules() {
  for (size_t i = 0; i < result.flow.modules.size(); ++i) {
    const component::CoreModule& module = *result.flow.modules[i];
    auto loaded = runtime.load(module.bytes);
    if (!loaded) {
      return Error{"at byte " + wasm::hex(module.offset) + ": core module " + std::to_string(i) +
                   " cannot be loaded: " + loaded.error().message};
    }
    core_modules.push_back(*loaded);
  }
  for (size_t i = 0; i < result.adapters.modules.size(); ++i) {
    auto loaded = runtime.load(result.adapters.modules[i].wasm);
    if (!loaded) {
      return Error{"internal error: adapter module " + std::to_string(i) +
                   " cannot be loaded: " + loaded.error().message};
    }
    adapter_modules.push_back(*loaded);
  }
  return {};
}

Expected<void> ComponentRunner::Impl::run_step(const component::PlanStep& step, bool& trapped_out) {
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
  const Handle module = step.kind == component::PlanStep::Kind::CoreModule
                            ? core_modules.at(step.module)
                            : adapter_modules.at(step.index);
  // A core module's start function runs as a sync-typed call from the
  // host into the instance the module belongs to: it may not block.
  const bool core = step.kind == component::PlanStep::Kind::CoreModule;
  if (core) {
    if (auto entered = host.enter_host_call(step.component_instance); !entered) {
      trapped_out = true;
      return entered.error();
    }
  }
  bool instantiation_trapped = false;
  auto instance = runtime.instantiate(module, imports, &instantiation_trapped);
  if (instance && core) {
    if (auto exited = host.exit_host_call(); !exited) {
      trapped_out = true;
      return exited.error();
    }
  }
  if (!instance) {
    // The imports match by construction, so what fails is the module's
    // own instantiation: a segment out of bounds or a trapping start, or
    // a host without the memory it needs (not a trap).
    trapped_out = instantiation_trapped;
    return Error{(step.kind == component::PlanStep::Kind::CoreModule ? "core instance "
                                                                     : "adapter module ") +
                 std::to_string(step.index) + ": " + instance.error().message};
  }
  if (instances.size() <= step.instance) instances.resize(step.instance + 1);
  instances[step.instance] = *instance;
  return {};
}

}  // namespace fact::runner
