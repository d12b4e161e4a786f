// Scheduling: how a component thread waits (Thread.wait_until), which
// thread runs next, backpressure and the exclusive lock
// (Task.enter_implicit_thread), and the event loop of a host call
// (Store.tick).
//
// Every call that may block runs on a fiber of its own: an async-typed
// call. A sync-typed call runs on its caller's stack, because it may not
// block before it returns (canon_lift) and so never needs to leave it. A
// thread that waits is therefore either
//   * under no sync-typed call on its stack: its fiber suspends, and the
//     caller of the fiber's bottom call goes on (what the spec's
//     canon_lift does when an async-typed callee blocks: the caller gets
//     its subtask, or waits for it in turn);
//   * above a sync-typed call C: the spec's end of canon_lift for C, which
//     resumes ready threads of C's own instance (other than the holder of
//     its exclusive lock) until C can go on, and traps when there are none.
//     A thread above C is not in C's instance, so only C itself can go on.
#include <algorithm>
#include <cassert>
#include <string>
#include <utility>

#include "fact/host/host.h"
#include "host_state.h"

namespace fact::host {
namespace {

constexpr const char* kCannotBlock = "wasm trap: cannot block a synchronous task before returning";
constexpr const char* kDeadlock =
    "wasm trap: deadlock detected: event loop cannot make further progress";
constexpr const char* kUnwound = "wasm trap: the call was abandoned after an earlier trap";

// Task.needs_exclusive: a call that shares its instance's one linear-memory
// stack with the others of its kind (sync lifts, and callback lifts while
// their callee runs) holds the exclusive lock while it runs.
bool needs_exclusive(const CallScope& call) {
  return call.type_async && call.func.lift != LiftKind::Stackful;
}

}  // namespace

bool Host::State::has_backpressure(const CallScope& call) const {
  const InstanceState& inst = instances.at(call.callee);
  return inst.backpressure > 0 || (needs_exclusive(call) && inst.exclusive != nullptr);
}

Expected<bool> Host::State::enter_implicit_thread(std::string_view op, CallScope& call) {
  if (!call.type_async) return true;
  InstanceState& inst = instances.at(call.callee);
  // Callers that arrive while others wait queue behind them.
  if (has_backpressure(call) || inst.waiting_to_enter > 0) {
    ++inst.waiting_to_enter;
    Expected<bool> cancelled = wait_cancellable(
        op, [this, &call] { return !has_backpressure(call); }, false, true);
    --inst.waiting_to_enter;
    if (!cancelled) return cancelled.error();
    if (*cancelled) {
      // Task.cancel before the callee ever ran: its caller sees
      // CANCELLED_BEFORE_STARTED.
      call.state = CallScope::State::Resolved;
      if (call.on_cancel) {
        if (auto r = call.on_cancel(); !r) return r.error();
      }
      return false;
    }
  }
  if (needs_exclusive(call)) {
    assert(inst.exclusive == nullptr);
    inst.exclusive = &call.thread;
    call.holds_exclusive = true;
  }
  return true;
}

bool Host::State::deliver_pending_cancel(bool cancellable) {
  CallScope* call = innermost();
  if (!cancellable || !call || call->state != CallScope::State::PendingCancel) return false;
  call->state = CallScope::State::CancelDelivered;
  return true;
}

Expected<void> Host::State::request_cancellation(std::string_view op, CallScope& task,
                                                 std::optional<uint32_t> caller) {
  Thread& thread = task.thread;
  const bool suspended =
      thread.cancellable &&
      (thread.suspended || std::find(waiting.begin(), waiting.end(), &thread) != waiting.end());
  if (task.state == CallScope::State::Initial) {
    // Still waiting to enter (backpressure): cancelled at once, no guest
    // code runs.
    task.state = CallScope::State::CancelDelivered;
    if (!suspended) return trap(op, "internal error: a task that has not started is not waiting");
    thread.cancelled = true;
    return resume(&thread);
  }
  // The candidates: the task's threads that wait or are suspended where
  // cancellation may be delivered; its implicit thread not while another
  // holds the lock it needs. The implicit thread goes first, then the
  // others by index (the specification picks any).
  const InstanceState& inst = instances.at(task.callee);
  const bool exclusive_elsewhere =
      needs_exclusive(task) && inst.exclusive != nullptr && inst.exclusive != &thread;
  Thread* chosen = suspended && !exclusive_elsewhere ? &thread : nullptr;
  for (const auto& [key, other] : explicit_threads) {
    if (chosen && chosen == &thread) break;
    if (other->task != &task || !other->cancellable) continue;
    const bool blocked =
        other->suspended || std::find(waiting.begin(), waiting.end(), other.get()) != waiting.end();
    if (blocked && (!chosen || other->index < chosen->index)) chosen = other.get();
  }
  if (chosen && entering(op, caller, task.callee)) {
    task.state = CallScope::State::CancelDelivered;
    chosen->cancelled = true;
    return resume_thread(chosen);
  }
  // Delivered at its next cancellable wait.
  task.state = CallScope::State::PendingCancel;
  return {};
}

void Host::State::exit_implicit_thread(CallScope& call) {
  if (!call.holds_exclusive) return;
  InstanceState& inst = instances.at(call.callee);
  assert(inst.exclusive == &call.thread);
  inst.exclusive = nullptr;
  call.holds_exclusive = false;
}

namespace {

// The first ready thread in the order they started waiting, those that
// yielded last; only of `instance` (other than its exclusive holder) when
// given, and not on `exclude`.
Thread* next_ready(Host::State& state, std::optional<uint32_t> instance, const Stack* exclude) {
  for (bool low : {false, true}) {
    for (Thread* t : state.waiting) {
      if (t->low_priority != low || t->stack == exclude) continue;
      if (instance) {
        if (t->task->callee != *instance) continue;
        // The sync call uses the instance's stack: neither the holder of
        // the exclusive lock nor any implicit thread that needs it (a
        // callback or sync lift of an async-typed function) may run.
        if (state.instances.at(*instance).exclusive == t) continue;
        if (t == &t->task->thread && needs_exclusive(*t->task)) continue;
      }
      if (t->ready()) return t;
    }
  }
  return nullptr;
}

}  // namespace

Expected<void> Host::State::wait_until(std::string_view op, std::function<bool()> ready,
                                       bool yield) {
  auto cancelled = wait_cancellable(op, std::move(ready), yield, false);
  if (!cancelled) return cancelled.error();
  return {};
}

Expected<bool> Host::State::wait_cancellable(std::string_view op, std::function<bool()> ready,
                                             bool yield, bool cancellable) {
  return block(op, std::move(ready), yield, cancellable, nullptr);
}

Expected<bool> Host::State::block(std::string_view op, std::function<bool()> ready, bool yield,
                                  bool cancellable, Thread* switch_to) {
  Stack* stack = current;
  if (stack->unwinding) return Error{kUnwound};
  CallScope* call = innermost();
  Thread* thread = current_thread();
  if (!call || !thread) return trap(op, "the host cannot wait: no component call is running");
  if (deliver_pending_cancel(cancellable)) return true;
  if (ready && !yield && !switch_to && ready()) return false;
  // Without `ready` the thread suspends: it goes on once another resumes it.
  if (!ready) thread->suspended = true;

  // The innermost sync-typed call on this stack; an explicit thread's task
  // (the bottom of its fiber) is not a call on it.
  CallScope* sync_call = nullptr;
  const size_t bottom = stack->base_thread ? 1 : 0;
  for (size_t i = stack->chain.size(); i-- > bottom;) {
    if (!stack->chain[i]->type_async) {
      sync_call = stack->chain[i];
      break;
    }
  }
  if (!sync_call) {
    // Only async-typed calls on this stack, so it is a fiber: it waits, and
    // its resumer goes on (with `switch_to`, when given).
    assert(stack->fiber && "async-typed calls run on fibers");
    if (ready) {
      thread->ready = std::move(ready);
      thread->low_priority = yield;
      waiting.push_back(thread);
    }
    thread->cancellable = cancellable;
    stack->switch_to = switch_to;
    for (CallScope* c : stack->chain) release(c->entered);
    stack->fiber->suspend();
    // Whoever resumed the fiber took the chain's instances again.
    if (stack->unwinding) return Error{kUnwound};
    thread->cancellable = false;
    const bool cancelled = thread->cancelled;
    thread->cancelled = false;
    return cancelled;
  }

  // Above a sync-typed call: run the thread it switches to, then the ready
  // threads of the call's instance, until this one may go on.
  bool others_ran = false;
  if (switch_to) {
    if (auto resumed = resume_thread(switch_to); !resumed) return resumed.error();
    others_ran = true;
    if (stack->unwinding) return Error{kUnwound};
  }
  auto can_go_on = [&] {
    if (!ready) return !thread->suspended;
    return yield ? others_ran : ready();
  };
  for (;;) {
    auto polled = poll_host_tasks();
    if (!polled) return polled.error();
    others_ran = others_ran || *polled;
    if (call == sync_call && can_go_on()) return false;
    Thread* next = next_ready(*this, sync_call->callee, stack);
    if (!next) {
      if (*polled) continue;
      if (call == sync_call && ready && yield) return false;
      // Other threads or host tasks wait, but none this call may run or
      // that goes on by itself: the event loop of this sync call is stuck.
      // None at all: the call blocked alone.
      return Error{waiting.empty() && host_tasks.empty() ? kCannotBlock : kDeadlock};
    }
    if (auto resumed = resume(next); !resumed) return resumed.error();
    others_ran = true;
    if (stack->unwinding) return Error{kUnwound};
  }
}

namespace {

// Runs `stack` until its fiber suspends or ends, then the thread it
// switched to, if any, and so on; the trap of a fiber that ended with one.
Expected<void> run_stack(Host::State& state, Stack* stack) {
  while (stack) {
    for (CallScope* c : stack->chain) state.take(c->entered);
    Stack* resumer = state.current;
    state.current = stack;
    stack->running = true;
    stack->fiber->resume();
    stack->running = false;
    state.current = resumer;
    Thread* next = std::exchange(stack->switch_to, nullptr);
    if (stack->fiber->finished()) {
      std::optional<Error> trapped = std::move(stack->trap);
      // A body that trapped leaves its calls behind: they end with the
      // fiber, except an explicit thread's task, which other threads share.
      for (size_t i = 0; i < stack->chain.size(); ++i) {
        CallScope* c = stack->chain[i];
        state.release(c->entered);
        if (i == 0 && stack->base_thread) continue;
        state.exit_implicit_thread(*c);
        state.unregister_thread(c->thread);
        // Threads thread.new-indirect made still run it (and unwind).
        if (c->explicit_threads > 0) {
          c->implicit_exited = true;
          continue;
        }
        state.calls.erase(c->id);
      }
      if (stack->base_thread) {
        state.unregister_thread(*stack->base_thread);
        state.explicit_threads.erase(stack->base_thread);
      }
      state.fibers.erase(stack);
      if (trapped) return *trapped;
      return {};
    }
    if (!next) return {};
    // thread.*-then-resume: the thread it names runs now, unless it is
    // below (a sync loop), which sees that it may go on.
    next->suspended = false;
    state.stop_waiting(next);
    if (!next->stack->fiber || next->stack->running) return {};
    stack = next->stack;
  }
  return {};
}

}  // namespace

bool Host::State::stop_waiting(Thread* thread) {
  auto it = std::find(waiting.begin(), waiting.end(), thread);
  if (it == waiting.end()) return false;
  waiting.erase(it);
  thread->ready = nullptr;
  thread->low_priority = false;
  return true;
}

Expected<void> Host::State::resume_thread(Thread* thread) {
  thread->suspended = false;
  stop_waiting(thread);
  if (!thread->stack->fiber || thread->stack->running) return {};
  return run_stack(*this, thread->stack);
}

Expected<void> Host::State::resume(Thread* thread) {
  [[maybe_unused]] const bool was_waiting = stop_waiting(thread);
  assert(was_waiting);
  return run_stack(*this, thread->stack);
}

Expected<void> Host::State::start(Stack* stack) { return run_stack(*this, stack); }

Expected<void> Host::State::hand_over_exclusive(uint64_t id) {
  auto is_ready = [this](const Thread* t) {
    return t && std::find(waiting.begin(), waiting.end(), t) != waiting.end() && t->ready();
  };
  for (;;) {
    CallScope* task = find_scope(id);
    if (!task || task->state != CallScope::State::Initial) return {};
    const InstanceState& inst = instances.at(task->callee);
    Thread* next = nullptr;
    if (is_ready(&task->thread)) {
      next = &task->thread;
    } else if (inst.backpressure == 0 && is_ready(inst.exclusive)) {
      next = const_cast<Thread*>(inst.exclusive);
    }
    if (!next) return {};
    if (auto resumed = resume(next); !resumed) return resumed;
  }
}

Expected<void> Host::State::run_until(std::function<bool()> done) {
  while (!done()) {
    auto polled = poll_host_tasks();
    if (!polled) return polled.error();
    if (done()) break;
    Thread* next = next_ready(*this, std::nullopt, nullptr);
    if (!next) {
      if (*polled) continue;
      return Error{kDeadlock};
    }
    if (auto resumed = resume(next); !resumed) return resumed;
  }
  return {};
}

void Host::State::unwind_fibers() {
  std::vector<Stack*> suspended;
  for (const auto& [key, stack] : fibers) {
    if (stack->fiber->started() && !stack->fiber->finished()) suspended.push_back(stack.get());
  }
  waiting.clear();
  for (Stack* stack : suspended) {
    // A blocking call on it returns a trap, which unwinds the guest frames
    // above it; the body then ends (run_stack forgets the fiber).
    stack->unwinding = true;
    (void)run_stack(*this, stack);
  }
  fibers.clear();
}

void Host::unwind_suspended() { state_->unwind_fibers(); }

}  // namespace fact::host
