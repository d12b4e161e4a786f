// Calls with an async side: prepare-call and the two start-calls of the
// adapters (docs/import-abi.md), calls from the host into async-typed
// functions, and the body every such call runs on its fiber (canon_lift:
// backpressure, the callee, the callback loop, task.return's checks).
#include <cassert>
#include <limits>
#include <string>

#include "fact/host/host.h"
#include "host_state.h"

namespace fact::host {
namespace {

using wasm::Val;

std::string str(uint64_t value) { return std::to_string(value); }

constexpr uint32_t kStatusReturned = 2;
constexpr uint32_t kEventTaskCancelled = 6;
constexpr const char* kNoResult = "wasm trap: async-lifted export failed to produce a result";
constexpr const char* kReturnTwice =
    "`task.return` or `task.cancel` called more than once for current task";
constexpr const char* kReturnInvalid =
    "invalid `task.return` signature and/or options for current task";

// The callback codes of an async callback lift (unpack_callback_result).
enum class CallbackCode : uint32_t { Exit = 0, Yield = 1, Wait = 2 };

// Whether the caller's last parameter is its return pointer (see
// result_count_or_max_if_async in docs/import-abi.md).
bool has_retptr(int32_t result_count_or_async) {
  return result_count_or_async == kPrepareAsyncWithResult || result_count_or_async > 1;
}

// A new fiber whose only call is `call`.
Stack* new_fiber(Host::State& state, CallScope& call,
                 std::function<Expected<std::vector<Val>>()> on_start) {
  auto owned = std::make_unique<Stack>();
  Stack* stack = owned.get();
  stack->chain.push_back(&call);
  call.thread.stack = stack;
  stack->fiber = std::make_unique<Fiber>(
      [&state, stack, &call, on_start = std::move(on_start)] {
        if (auto ran = state.run_call(call, on_start); !ran) stack->trap = ran.error();
      },
      state.options.fiber_backend);
  state.fibers.emplace(stack, std::move(owned));
  return stack;
}

// Task.return_ and Task.cancel: the caller may assume its lends are back
// when it learns the task resolved.
Expected<void> check_no_borrows(std::string_view op, const CallScope& call) {
  if (call.num_borrows > 0) {
    return trap(op, "borrow handles still remain at the end of the call: instance " +
                        str(call.callee) + " did not drop " + str(call.num_borrows) +
                        " borrow handle(s) it received");
  }
  return {};
}

// Task.return_: the call's result goes to its caller.
Expected<void> resolve(std::string_view op, CallScope& call, const std::vector<Val>& flat) {
  if (call.state == CallScope::State::Resolved) return trap(op, kReturnTwice);
  if (auto none = check_no_borrows(op, call); !none) return none;
  call.state = CallScope::State::Resolved;
  return call.on_resolve(flat);
}

}  // namespace

void Host::State::progress(Subtask& subtask) {
  if (subtask.index) subtask.pending_event = true;
}

Expected<CallScope*> Host::State::running_call(std::string_view op) {
  CallScope* call = innermost();
  if (!call) return trap(op, "no component call is running");
  if (!may_leave(call->callee)) {
    return trap(
        op, "cannot leave component instance " + str(call->callee) + " (its may_leave flag is 0)");
  }
  return call;
}

Expected<std::vector<Val>> Host::State::call_guest(GuestFunc func, const std::vector<Val>& args) {
  if (!options.call_guest) {
    return Error{"internal error: the host was given no way to call guest functions"};
  }
  return options.call_guest(func, args);
}

void Host::State::deliver_resolve(Subtask& subtask) {
  assert(subtask.resolved() && !subtask.resolve_delivered);
  give_back(subtask.lenders);
  subtask.lenders.clear();
  subtask.resolve_delivered = true;
}

Expected<void> Host::State::run_call(CallScope& call,
                                     std::function<Expected<std::vector<Val>>()> on_start) {
  constexpr std::string_view op = "canon lift";
  auto entered = enter_implicit_thread(op, call);
  if (!entered) return entered.error();
  if (!*entered) return finish_call(call);
  if (auto registered = register_thread(op, call.thread); !registered) return registered;
  call.state = CallScope::State::Started;
  auto args = on_start();
  if (!args) return args.error();
  InstanceState& inst = instances.at(call.callee);
  switch (call.func.lift) {
    case LiftKind::Sync: {
      auto results = call_guest(call.func.callee, *args);
      if (!results) return results.error();
      if (auto r = resolve(op, call, *results); !r) return r;
      if (call.func.post_return) {
        // As canon_lift does: the callee may not call out meanwhile.
        if (options.set_may_leave) options.set_may_leave(call.callee, false);
        auto post = call_guest(*call.func.post_return, *results);
        if (options.set_may_leave) options.set_may_leave(call.callee, true);
        if (!post) return post.error();
      }
      break;
    }
    case LiftKind::Stackful: {
      auto results = call_guest(call.func.callee, *args);
      if (!results) return results.error();
      break;
    }
    case LiftKind::Callback: {
      auto first = call_guest(call.func.callee, *args);
      if (!first) return first.error();
      if (first->size() != 1) return trap(op, "the callee of a callback lift returned no code");
      auto packed = static_cast<uint32_t>(first->front().bits);
      for (;;) {
        const uint32_t code = packed & 0xf;
        const uint32_t set_index = packed >> 4;
        if (code == static_cast<uint32_t>(CallbackCode::Exit)) break;
        if (code > static_cast<uint32_t>(CallbackCode::Wait)) {
          return trap(op, "wasm trap: unsupported callback code (" + str(code) + ")");
        }
        // Between callbacks the instance's other calls may run.
        exit_implicit_thread(call);
        std::array<uint32_t, 3> event{0, 0, 0};
        if (code == static_cast<uint32_t>(CallbackCode::Yield)) {
          auto cancelled = wait_cancellable(
              op, [&inst] { return inst.exclusive == nullptr; }, true, true);
          if (!cancelled) return cancelled.error();
          if (*cancelled) event = {kEventTaskCancelled, 0, 0};
        } else {
          Element* element = inst.handles.get(set_index);
          auto* set = element ? std::get_if<WaitableSetHandle>(element) : nullptr;
          if (!set) {
            return trap(op, "the callback code names handle " + str(set_index) + " of instance " +
                                str(call.callee) + ", which is not a waitable set");
          }
          std::shared_ptr<WaitableSet> waited_on = set->set;
          auto waited = wait_for_event(
              op, waited_on, [&inst] { return inst.exclusive == nullptr; }, true);
          if (!waited) return waited.error();
          event = *waited;
        }
        // A cancelled callback wait ends at once: the lock may still be
        // held by another call, which then runs first.
        if (inst.exclusive != nullptr) {
          auto waited = wait_until(op, [&inst] { return inst.exclusive == nullptr; });
          if (!waited) return waited;
        }
        inst.exclusive = &call.thread;
        call.holds_exclusive = true;
        auto next = call_guest(*call.func.callback,
                               {Val::i32(event[0]), Val::i32(event[1]), Val::i32(event[2])});
        if (!next) return next.error();
        if (next->size() != 1) return trap(op, "the callback returned no code");
        packed = static_cast<uint32_t>(next->front().bits);
      }
      break;
    }
  }
  return finish_call(call);
}

Expected<void> Host::State::finish_call(CallScope& call) {
  // Task.exit_implicit_thread; the task ends with its last thread, which
  // may be one thread.new-indirect made.
  exit_implicit_thread(call);
  unregister_thread(call.thread);
  Stack* stack = current;
  assert(!stack->chain.empty() && stack->chain.back() == &call);
  if (call.explicit_threads > 0) {
    call.implicit_exited = true;
    release(call.entered);
    stack->chain.pop_back();
    return {};
  }
  if (call.state != CallScope::State::Resolved) return Error{kNoResult};
  release(call.entered);
  stack->chain.pop_back();
  calls.erase(call.id);
  return {};
}

Expected<void> Host::prepare_call(const std::vector<Val>& args, std::optional<uint64_t> memory) {
  constexpr std::string_view op = "sync.[prepare-call]";
  constexpr size_t kFixed = 8;
  if (args.size() < kFixed) {
    return trap(op, "called with " + str(args.size()) + " arguments, fewer than " + str(kFixed));
  }
  State& s = *state_;
  const CallScope* caller = s.innermost();
  Stack::Prepared p;
  p.start = GuestFunc{args[0].bits};
  p.return_ = GuestFunc{args[1].bits};
  p.caller = static_cast<uint32_t>(args[2].bits);
  p.callee = static_cast<uint32_t>(args[3].bits);
  p.task_return_type = static_cast<uint32_t>(args[4].bits);
  const auto callee_async = static_cast<uint32_t>(args[5].bits);
  const auto encoding = static_cast<uint32_t>(args[6].bits);
  p.result_count_or_async = static_cast<int32_t>(static_cast<uint32_t>(args[7].bits));
  p.memory = memory;
  p.params.assign(args.begin() + kFixed, args.end());
  if (!caller || caller->callee != p.caller) {
    return trap(op, "the caller, instance " + str(p.caller) + ", is not the running instance");
  }
  if (!s.instances.contains(p.callee)) return trap(op, "unknown instance " + str(p.callee));
  if (callee_async > 1 || encoding > 2) {
    return trap(op, "invalid constant arguments (callee_async " + str(callee_async) +
                        ", string_encoding " + str(encoding) + ")");
  }
  if (has_retptr(p.result_count_or_async) && p.params.empty()) {
    return trap(op, "the caller's return pointer is missing");
  }
  p.callee_async = callee_async == 1;
  p.string_encoding = static_cast<StringEncoding>(encoding);
  s.current->prepared = std::move(p);
  return {};
}

namespace {

// Makes the call that prepare-call described: a callee task whose start
// and resolve run the adapter's helpers, on a fiber of its own.
Expected<CallScope*> make_prepared_call(Host::State& s, std::string_view op,
                                        std::optional<GuestFunc> callback,
                                        std::optional<GuestFunc> post_return, GuestFunc callee,
                                        bool async_callee, bool async_caller) {
  if (!s.current->prepared) return trap(op, "no prepare-call came before it");
  Stack::Prepared p = std::move(*s.current->prepared);
  s.current->prepared.reset();
  const bool prepared_async = p.result_count_or_async < 0;
  if (prepared_async != async_caller) {
    return trap(op, "the prepare-call was for a " + std::string(prepared_async ? "async" : "sync") +
                        " caller");
  }
  auto entered = s.entering(op, p.caller, p.callee);
  if (!entered) return entered.error();

  auto owned = std::make_unique<CallScope>();
  CallScope& call = *owned;
  call.origin = CallScope::Origin::AsyncCall;
  call.id = s.next_scope_id++;
  call.caller = p.caller;
  call.callee = p.callee;
  call.type_async = p.callee_async;
  call.entered = std::move(*entered);
  call.thread.task = &call;
  call.func.instance = p.callee;
  call.func.type_async = p.callee_async;
  call.func.lift = !async_callee ? LiftKind::Sync
                   : callback    ? LiftKind::Callback
                                 : LiftKind::Stackful;
  call.func.callee = callee;
  call.func.callback = callback;
  call.func.post_return = post_return;
  call.func.result_type = p.task_return_type;
  call.func.memory = p.memory;
  call.func.string_encoding = p.string_encoding;
  call.subtask = std::make_shared<Subtask>();
  call.subtask->caller = p.caller;
  call.subtask->callee_call = call.id;
  s.calls.emplace(call.id, std::move(owned));

  std::vector<Val> params = p.params;
  std::optional<Val> retptr;
  if (has_retptr(p.result_count_or_async)) {
    retptr = params.back();
    params.pop_back();
  }
  const std::shared_ptr<Subtask> subtask = call.subtask;
  // on_resolve: [async-return] lowers the result into the caller, and gives
  // a sync caller its flat result.
  call.on_resolve = [&s, subtask, retptr, return_ = p.return_](const std::vector<Val>& flat) {
    std::vector<Val> args = flat;
    if (retptr) args.push_back(*retptr);
    auto lowered = s.call_guest(return_, args);
    if (!lowered) return Expected<void>(lowered.error());
    subtask->flat_results = std::move(*lowered);
    subtask->state = Subtask::State::Returned;
    Host::State::progress(*subtask);
    return Expected<void>();
  };
  // OnResolve(None): the callee resolved by task.cancel.
  call.on_cancel = [subtask] {
    subtask->state = subtask->state == Subtask::State::Starting
                         ? Subtask::State::CancelledBeforeStarted
                         : Subtask::State::CancelledBeforeReturned;
    subtask->flat_results.clear();
    Host::State::progress(*subtask);
    return Expected<void>();
  };
  // on_start: [async-start] lifts the caller's parameters and lowers them
  // into the callee.
  new_fiber(s, call, [&s, subtask, params = std::move(params), start = p.start] {
    auto args = s.call_guest(start, params);
    if (args) {
      subtask->state = Subtask::State::Started;
      Host::State::progress(*subtask);
    }
    return args;
  });
  return &call;
}

}  // namespace

Expected<std::vector<Val>> Host::sync_start_call(std::optional<GuestFunc> callback,
                                                 GuestFunc callee, uint32_t param_count) {
  constexpr std::string_view op = "sync.[start-call]";
  State& s = *state_;
  (void)param_count;
  auto call = make_prepared_call(s, op, callback, std::nullopt, callee, true, false);
  if (!call) return call.error();
  const std::shared_ptr<Subtask> subtask = (*call)->subtask;
  if (auto started = s.start((*call)->thread.stack); !started) return started.error();
  // canon_lower, sync: wait until the callee has returned its result.
  if (!subtask->resolved()) {
    if (auto waited = s.wait_until(op, [subtask] { return subtask->resolved(); }); !waited) {
      return waited.error();
    }
  }
  s.deliver_resolve(*subtask);
  return subtask->flat_results;
}

Expected<uint32_t> Host::async_start_call(std::optional<GuestFunc> callback,
                                          std::optional<GuestFunc> post_return, GuestFunc callee,
                                          uint32_t param_count, uint32_t result_count,
                                          uint32_t flags) {
  constexpr std::string_view op = "async.[start-call]";
  State& s = *state_;
  (void)param_count;
  (void)result_count;
  if (flags > kStartFlagAsyncCallee) return trap(op, "unknown flags " + str(flags));
  const bool async_callee = flags == kStartFlagAsyncCallee;
  auto call =
      make_prepared_call(s, op, async_callee ? callback : std::nullopt,
                         async_callee ? std::nullopt : post_return, callee, async_callee, true);
  if (!call) return call.error();
  const std::shared_ptr<Subtask> subtask = (*call)->subtask;
  const uint32_t caller = subtask->caller;
  const uint64_t id = (*call)->id;
  if (auto started = s.start((*call)->thread.stack); !started) return started.error();
  if (auto handed = s.hand_over_exclusive(id); !handed) return handed.error();
  if (subtask->resolved()) {
    // Returned before it blocked: no handle, and the lends are back.
    s.deliver_resolve(*subtask);
    return kStatusReturned;
  }
  InstanceState& inst = s.instances.at(caller);
  if (auto room = check_not_full(inst, op, caller); !room) return room.error();
  const uint32_t index = inst.handles.add(SubtaskHandle{subtask});
  subtask->index = index;
  return static_cast<uint32_t>(subtask->state) | (index << 4);
}

Expected<void> Host::call_from_host(
    uint32_t caller, const LiftedFunc& func, std::function<Expected<std::vector<Val>>()> on_start,
    std::function<Expected<void>(const std::vector<Val>&)> on_resolve) {
  constexpr std::string_view op = "call_from_host";
  State& s = *state_;
  if (!s.instances.contains(caller)) return trap(op, "unknown instance " + str(caller));
  if (!s.instances.contains(func.instance))
    return trap(op, "unknown instance " + str(func.instance));
  if (s.current != &s.host_stack || !s.host_stack.chain.empty()) {
    return trap(op, "a host call must start from the host, with no call running");
  }
  auto entered = s.entering(op, caller, func.instance);
  if (!entered) return entered.error();
  auto owned = std::make_unique<CallScope>();
  CallScope& call = *owned;
  call.origin = CallScope::Origin::AsyncCall;
  call.id = s.next_scope_id++;
  call.caller = caller;
  call.callee = func.instance;
  call.type_async = func.type_async;
  call.entered = std::move(*entered);
  call.thread.task = &call;
  call.func = func;
  auto resolved = std::make_shared<bool>(false);
  call.on_resolve = [resolved, on_resolve = std::move(on_resolve)](const std::vector<Val>& flat) {
    *resolved = true;
    return on_resolve(flat);
  };
  s.calls.emplace(call.id, std::move(owned));
  Stack* stack = new_fiber(s, call, std::move(on_start));
  if (auto started = s.start(stack); !started) return started;
  // Store.tick until the call has returned its result.
  return s.run_until([resolved] { return *resolved; });
}

Expected<void> Host::task_return(uint32_t result_type, std::optional<uint64_t> memory,
                                 StringEncoding string_encoding, const std::vector<Val>& args) {
  constexpr std::string_view op = "task.return";
  auto running = state_->running_call(op);
  if (!running) return running.error();
  CallScope* call = *running;
  // canon_task_return's checks: an async lift, the same result type, and
  // the same memory and string encoding as the lift.
  if (call->origin != CallScope::Origin::AsyncCall || call->func.lift == LiftKind::Sync) {
    return trap(op, std::string(kReturnInvalid) + " (the current task was lifted synchronously)");
  }
  // A task.return without a memory needs none for its result, whatever the
  // lift's (the Component Model's tests and Wasmtime agree; LiftOptions.equal
  // would compare it too: docs/divergences.md).
  if (result_type != call->func.result_type || (memory && memory != call->func.memory) ||
      string_encoding != call->func.string_encoding) {
    return trap(op, std::string(kReturnInvalid) + " (its result type or options differ from the " +
                        "lift's)");
  }
  return resolve(op, *call, args);
}

Expected<void> Host::task_cancel() {
  constexpr std::string_view op = "task.cancel";
  auto running = state_->running_call(op);
  if (!running) return running.error();
  CallScope* call = *running;
  if (call->origin != CallScope::Origin::AsyncCall || call->func.lift == LiftKind::Sync) {
    return trap(op, "the current task was lifted synchronously");
  }
  // Task.cancel: only once cancellation was delivered, and without
  // outstanding borrows.
  if (call->state == CallScope::State::Resolved) return trap(op, kReturnTwice);
  if (call->state != CallScope::State::CancelDelivered) {
    return trap(op, "`task.cancel` called by a task that has not been cancelled");
  }
  if (auto none = check_no_borrows(op, *call); !none) return none;
  if (!call->on_cancel) return trap(op, "the caller of this task cannot be told of a cancel");
  call->state = CallScope::State::Resolved;
  return call->on_cancel();
}

}  // namespace fact::host
