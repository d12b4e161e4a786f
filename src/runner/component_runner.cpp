#include "fact/runner/component_runner.h"

#include "runner_impl.h"

namespace fact::runner {

using detail::handle_text;
using detail::kind_inside;

namespace {
constexpr uint64_t kRootLiftBudget = uint64_t{16} << 20;
}  // namespace

ComponentRunner::ComponentRunner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ComponentRunner::~ComponentRunner() = default;

Expected<std::unique_ptr<ComponentRunner>> ComponentRunner::create(
    const component::ComponentResult& result, const component::Plan& plan, bool* trapped,
    HostImports host, engine::Limits limits) {
  auto impl = std::make_unique<Impl>(result, plan, limits);
  impl->host_functions = std::move(host.functions);
  impl->host_resources = std::move(host.resources);
  if (auto r = impl->load_modules(); !r) return r.error();
  if (auto r = impl->link_host_resources(); !r) return r.error();
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
  // Lifted values take far more host memory than their bytes in the guest
  // (a list<u8> element becomes a Value): a result is lifted only up to 16
  // Mi list elements or 64-byte pieces of strings, so that a guest cannot
  // make the host allocate without bound.
  uint64_t lift_budget = kRootLiftBudget;
  view.budget = &lift_budget;
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
    engine::CallOutcome out = m.call_realloc(*realloc, {word(0), word(0), word(align), word(size)});
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
    // canon_lift: the callee may not leave (call imports or built-ins such
    // as error-context.new) while its post-return runs.
    const Handle flags = m.flags_of(callee);
    m.runtime.global_set(flags, 0);
    engine::CallOutcome post = m.runtime.call(*post_return, out.results);
    m.runtime.global_set(flags, 1);
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
