// Cooperative threads (CanonicalABI.md: Thread, Task.register_thread and
// unregister_thread, canon thread.*).
//
// A thread that thread.new-indirect makes runs on a fiber of its own whose
// bottom call is its task, shared with the task's implicit thread; the
// task's CallScope lives until the last of its threads exits. Switching
// (thread.*-then-resume) is a suspension that names the thread to run
// next: a fiber suspends and whoever resumed it runs that thread
// (run_stack); a thread above a sync-typed call runs it directly and then
// waits in the call's loop (block).
#include <algorithm>
#include <string>

#include "fact/host/host.h"
#include "host_state.h"

namespace fact::host {
namespace {

constexpr const char* kNoResult = "wasm trap: async-lifted export failed to produce a result";

std::string str(uint64_t value) { return std::to_string(value); }

// Thread `index` of the running thread's instance.
Expected<Thread*> find_thread(Host::State& s, std::string_view op, uint32_t index) {
  auto running = s.running_call(op);
  if (!running) return running.error();
  const uint32_t instance = (*running)->callee;
  Thread** found = s.instances.at(instance).threads.get(index);
  if (!found) {
    return trap(op, "unknown thread index " + str(index) + " (not in use in instance " +
                        str(instance) + ")");
  }
  return *found;
}

}  // namespace

Expected<void> Host::State::register_thread(std::string_view op, Thread& thread) {
  InstanceState& inst = instances.at(thread.task->callee);
  if (inst.threads.full()) {
    return trap(op, "the thread table of instance " + str(thread.task->callee) + " is full");
  }
  thread.index = inst.threads.add(&thread);
  return {};
}

void Host::State::unregister_thread(Thread& thread) {
  if (thread.index == 0) return;
  instances.at(thread.task->callee).threads.remove(thread.index);
  thread.index = 0;
}

Expected<uint32_t> Host::thread_index() {
  constexpr std::string_view op = "thread.index";
  State& s = *state_;
  if (auto running = s.running_call(op); !running) return running.error();
  return s.current_thread()->index;
}

Expected<uint32_t> Host::thread_new(GuestFunc func, wasm::Val arg) {
  constexpr std::string_view op = "thread.new-indirect";
  State& s = *state_;
  auto running = s.running_call(op);
  if (!running) return running.error();
  CallScope* task = *running;
  auto owned = std::make_unique<Thread>();
  Thread* thread = owned.get();
  thread->task = task;
  thread->explicit_thread = true;
  thread->suspended = true;
  if (auto registered = s.register_thread(op, *thread); !registered) return registered.error();

  auto stack_owned = std::make_unique<Stack>();
  Stack* stack = stack_owned.get();
  stack->chain.push_back(task);
  stack->base_thread = thread;
  thread->stack = stack;
  stack->fiber = std::make_unique<Fiber>(
      [&s, stack, thread, task, func, arg] {
        auto ran = s.call_guest(func, {arg});
        if (!ran) {
          stack->trap = ran.error();
          return;
        }
        // The thread exits (Task.unregister_thread); its task ends with its
        // last thread, and must have resolved by then.
        s.unregister_thread(*thread);
        s.release(task->entered);
        stack->chain.pop_back();
        --task->explicit_threads;
        if (task->implicit_exited && task->explicit_threads == 0) {
          const bool resolved = task->state == CallScope::State::Resolved;
          s.calls.erase(task->id);
          if (!resolved) stack->trap = Error{kNoResult};
        }
      },
      s.options.fiber_backend);
  ++task->explicit_threads;
  s.fibers.emplace(stack, std::move(stack_owned));
  s.explicit_threads.emplace(thread, std::move(owned));
  return thread->index;
}

Expected<void> Host::thread_resume_later(uint32_t index) {
  constexpr std::string_view op = "thread.resume-later";
  State& s = *state_;
  auto other = find_thread(s, op, index);
  if (!other) return other.error();
  Thread* thread = *other;
  if (!thread->suspended) return trap(op, "thread " + str(index) + " is not suspended");
  thread->suspended = false;
  // A thread below the running one (in a sync call's loop) sees the flag;
  // any other waits, ready, for its turn.
  if (!thread->stack->fiber || thread->stack->running) return {};
  thread->ready = [] { return true; };
  thread->low_priority = false;
  s.waiting.push_back(thread);
  return {};
}

Expected<uint32_t> Host::thread_suspend(bool cancellable) {
  constexpr std::string_view op = "thread.suspend";
  State& s = *state_;
  if (auto running = s.running_call(op); !running) return running.error();
  auto cancelled = s.block(op, nullptr, false, cancellable, nullptr);
  if (!cancelled) return cancelled.error();
  return *cancelled ? 1 : 0;
}

Expected<uint32_t> Host::thread_switch(ThreadSwitch how, uint32_t index, bool cancellable) {
  const bool yield = how == ThreadSwitch::YieldThenResume || how == ThreadSwitch::YieldThenPromote;
  const bool promote =
      how == ThreadSwitch::SuspendThenPromote || how == ThreadSwitch::YieldThenPromote;
  const std::string_view op = how == ThreadSwitch::SuspendThenResume ? "thread.suspend-then-resume"
                              : how == ThreadSwitch::YieldThenResume ? "thread.yield-then-resume"
                              : how == ThreadSwitch::SuspendThenPromote
                                  ? "thread.suspend-then-promote"
                                  : "thread.yield-then-promote";
  State& s = *state_;
  auto other = find_thread(s, op, index);
  if (!other) return other.error();
  Thread* target = *other;
  if (promote) {
    // Thread.*_then_promote: only a thread that waits and is ready is
    // switched to; otherwise this is a plain suspend or yield.
    const bool ready = std::find(s.waiting.begin(), s.waiting.end(), target) != s.waiting.end() &&
                       target->ready && target->ready() && target->stack->fiber &&
                       !target->stack->running;
    // A cancellation block() is about to deliver comes first: the target
    // keeps waiting.
    const CallScope* task = s.innermost();
    const bool cancel_first = cancellable && task && task->state == CallScope::State::PendingCancel;
    if (!ready || cancel_first) {
      target = nullptr;
    } else {
      s.stop_waiting(target);
      target->suspended = true;
    }
  } else if (!target->suspended) {
    return trap(op, "thread " + str(index) + " is not suspended");
  }
  std::function<bool()> ready;
  if (yield) ready = [] { return true; };
  auto cancelled = s.block(op, std::move(ready), yield, cancellable, target);
  if (!cancelled) return cancelled.error();
  return *cancelled ? 1 : 0;
}

}  // namespace fact::host
