// Internal state of fact::host::Host, shared by its implementation files.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fact/host/fiber.h"
#include "fact/host/host.h"

namespace fact::host {

// The spec's Table: slot 0 reserved, holes reused last-freed-first.
template <class T>
class SlotTable {
 public:
  static constexpr uint32_t kMaxLength = (uint32_t{1} << 28) - 1;

  T* get(uint32_t index) {
    if (index >= slots_.size() || !slots_[index]) return nullptr;
    return &*slots_[index];
  }
  const T* get(uint32_t index) const {
    if (index >= slots_.size() || !slots_[index]) return nullptr;
    return &*slots_[index];
  }

  bool full() const { return free_.empty() && slots_.size() > kMaxLength; }

  // Precondition: !full().
  uint32_t add(T value) {
    uint32_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      index = static_cast<uint32_t>(slots_.size());
      slots_.emplace_back();
    }
    slots_[index] = std::move(value);
    ++live_;
    return index;
  }

  // Precondition: get(index) != nullptr.
  T remove(uint32_t index) {
    T value = std::move(*slots_[index]);
    slots_[index].reset();
    free_.push_back(index);
    --live_;
    return value;
  }

  std::size_t live() const { return live_; }

 private:
  std::vector<std::optional<T>> slots_ = std::vector<std::optional<T>>(1);
  std::vector<uint32_t> free_;
  std::size_t live_ = 0;
};

struct ResourceHandle {
  uint32_t type = 0;
  uint32_t rep = 0;
  bool own = true;
  uint32_t num_lends = 0;
  // Borrow handles: the scope whose task received the borrow.
  uint64_t scope_id = 0;
};

struct ErrorContextHandle {
  uint64_t id = 0;
};

// The result of a copy, as the event reports it (the spec's CopyResult).
enum class CopyResult : uint8_t { Completed = 0, Dropped = 1, Cancelled = 2 };

// A guest's buffer in a read or write (BufferGuestImpl): where the next
// element goes or comes from, and how many have moved.
struct GuestBuffer {
  uint32_t instance = 0;
  CopyOptions options;
  uint64_t ptr = 0;
  uint32_t length = 0;
  uint32_t progress = 0;
  uint32_t remain() const { return length - progress; }
};

// What an end knows of the other end: the spec's SharedStreamImpl and
// SharedFutureImpl. `pending` is the end whose read or write waits for
// the other side, by where it lives (it cannot move while it copies).
struct SharedCopy {
  CopyKind kind = CopyKind::Future;
  uint32_t type = 0;
  ElementType element;
  bool dropped = false;
  struct Pending {
    uint32_t instance = 0;
    uint32_t handle = 0;
  };
  std::optional<Pending> pending;
};

// Why an end is DONE, which decides the message of a later misuse.
enum class DoneBy : uint8_t { None, Completed, OtherEndDropped };

struct CopyEnd {
  CopyKind kind = CopyKind::Future;
  bool readable = true;
  uint32_t type = 0;
  CopyState state = CopyState::Idle;
  DoneBy done_by = DoneBy::None;
  uint32_t set = 0;  // the waitable set it joined (0: none)
  bool has_sync_waiter = false;
  std::shared_ptr<SharedCopy> shared;
  // While copying: this end's buffer.
  std::optional<GuestBuffer> buffer;
  // A copy event not yet delivered; `reclaim` when delivering it takes the
  // buffer back from the other side (a partial copy, OnCopy).
  struct PendingEvent {
    CopyResult result = CopyResult::Completed;
    bool reclaim = false;
  };
  std::optional<PendingEvent> pending_event;
  bool in_waitable_set() const { return set != 0; }
};

struct Subtask;
struct WaitableSet;

// A subtask in its caller's table: the caller's handle on an async call
// that did not return before the call did (canon_lower).
struct SubtaskHandle {
  std::shared_ptr<Subtask> subtask;
};

// A waitable set: its members are the handles of the same table that
// joined it.
struct WaitableSetHandle {
  std::shared_ptr<WaitableSet> set;
};

using Element =
    std::variant<ResourceHandle, ErrorContextHandle, CopyEnd, SubtaskHandle, WaitableSetHandle>;

struct Thread;

struct InstanceState {
  std::optional<uint32_t> parent;
  // The spec's may_enter, as a count: how many calls running right now
  // entered the instance (Store.lift's enter_from). A call that blocks
  // stops counting until it runs again, which is what lets a blocked
  // instance be reentered.
  uint32_t entered = 0;
  SlotTable<Element> handles;
  // ComponentInstance.backpressure, num_waiting_to_enter, exclusive_thread.
  uint32_t backpressure = 0;
  uint32_t waiting_to_enter = 0;
  const Thread* exclusive = nullptr;
  // ComponentInstance.threads: the threads of its tasks, by index.
  SlotTable<Thread*> threads;
};

struct ResourceTypeState {
  std::optional<uint32_t> implementer;
  Destructor destructor;
};

struct TableBinding {
  uint32_t instance = 0;
  uint32_t type = 0;
  ElementType element;  // future and stream tables
};

// Where a lent handle lives, to give the lend back at the end of the call.
struct Lender {
  uint32_t instance = 0;
  uint32_t handle = 0;
};

struct CallScope;
struct Stack;

// A component thread (the spec's Thread). Part of the implicit thread of a
// call's task; its stack is where it runs: a fiber of its own for an
// async-typed call, its caller's stack for a sync-typed one.
struct Thread {
  CallScope* task = nullptr;
  Stack* stack = nullptr;
  std::array<uint32_t, 2> context{};
  // While waiting (in Host::State::waiting): when it may go on.
  std::function<bool()> ready;
  // Yielded: runs after the threads that wait for something.
  bool low_priority = false;
  // Waiting where cancellation may be delivered (Thread.cancellable), and
  // resumed to have it delivered.
  bool cancellable = false;
  bool cancelled = false;
  // Its index in its instance's thread table (thread.index); 0 while it
  // has none (before its task started, after it exited).
  uint32_t index = 0;
  // Thread.suspended(): neither running nor waiting, until another thread
  // resumes it (thread.resume-later, thread.*-then-resume). A new thread
  // starts suspended.
  bool suspended = false;
  // Made by thread.new-indirect (not its task's implicit thread).
  bool explicit_thread = false;
};

// The caller's side of a call with an async side (canon_lower's Subtask).
// Shared by the callee's task and, once the call blocked, the caller's
// table.
struct Subtask {
  enum class State : uint8_t {
    Starting = 0,
    Started = 1,
    Returned = 2,
    CancelledBeforeStarted = 3,
    CancelledBeforeReturned = 4,
  };
  State state = State::Starting;
  uint64_t callee_call = 0;  // the callee's CallScope id (its task)
  bool cancellation_requested = false;
  bool has_sync_waiter = false;   // a synchronous subtask.cancel waits for it
  uint32_t caller = 0;            // instance
  std::optional<uint32_t> index;  // in the caller's table, once it has one
  uint32_t set = 0;               // the waitable set it joined (0: none)
  bool pending_event = false;     // a state change not yet delivered
  bool resolve_delivered = false;
  std::vector<Lender> lenders;          // given back when the resolve is delivered
  std::vector<wasm::Val> flat_results;  // of a sync caller, from [async-return]
  // The call of a host function (call_host_task): polled until it resolves.
  std::unique_ptr<HostTask> host_task;
  bool resolved() const { return state >= State::Returned; }
  // Tells the host task (if any) that nobody wants its result any more.
  void cancel_host_task() const {
    if (host_task && host_task->cancel) host_task->cancel();
  }
};

struct WaitableSet {
  uint32_t instance = 0;
  // The handles that joined it. Ordered: events are delivered lowest
  // handle first, as Wasmtime does.
  std::set<uint32_t> members;
  uint32_t waiting = 0;  // threads waiting on it
};

// An event as waitable-set.wait returns it: code, payload 1, payload 2.
using Event = std::array<uint32_t, 3>;

// The call of a lifted function: the spec's Task with its implicit thread,
// and the bookkeeping of the call that made it (lends, entered instances).
struct CallScope {
  enum class Origin : uint8_t { SyncCall, HostCall, Destructor, AsyncCall };
  enum class State : uint8_t { Initial, Started, PendingCancel, CancelDelivered, Resolved };
  Origin origin = Origin::SyncCall;
  uint64_t id = 0;
  std::optional<uint32_t> caller;
  uint32_t callee = 0;
  bool type_async = false;  // the function type is async
  State state = State::Initial;
  // Borrow handles lowered into the callee during this call and not dropped.
  uint32_t num_borrows = 0;
  // The lends of a sync call, given back when it exits (an async call keeps
  // them in its Subtask).
  std::vector<Lender> lenders;
  // Instances this call entered (Store.lift's entering set).
  std::vector<uint32_t> entered;
  Thread thread;
  bool holds_exclusive = false;
  // An async call: its callee, for task.return's checks, and what to do
  // when it returns.
  LiftedFunc func;
  std::function<Expected<void>(const std::vector<wasm::Val>&)> on_resolve;
  // OnResolve(None): the task resolved by task.cancel (its caller's
  // subtask is then cancelled before it started or returned).
  std::function<Expected<void>()> on_cancel;
  std::shared_ptr<Subtask> subtask;
  // Threads thread.new-indirect made for this task that have not exited,
  // and whether the implicit thread has: the task ends when the last of
  // them exits (Task.unregister_thread), and must have resolved by then.
  uint32_t explicit_threads = 0;
  bool implicit_exited = false;
};

// A native stack: the host's own, or a fiber's. `chain` is the calls that
// run on it, innermost last: a call into a sync-typed function runs on its
// caller's stack.
struct Stack {
  std::unique_ptr<Fiber> fiber;  // none: the host's stack
  std::vector<CallScope*> chain;
  // The fiber of an explicit thread: chain[0] is its task, which it shares
  // with the task's other threads, and this thread runs it.
  Thread* base_thread = nullptr;
  // Set by a thread that suspends its fiber to switch to another
  // (thread.*-then-resume): whoever resumed the fiber runs that one next.
  Thread* switch_to = nullptr;
  // Whether it is running or below one that runs (resumed and not yet
  // suspended again): its threads cannot be resumed, only flagged.
  bool running = false;
  // How the fiber's body ended, when it trapped.
  std::optional<Error> trap;
  // Set when the fiber is resumed only to unwind: every blocking call on
  // it returns a trap.
  bool unwinding = false;
  // The arguments prepare-call stashed for the next start-call.
  struct Prepared {
    GuestFunc start;
    GuestFunc return_;
    uint32_t caller = 0;
    uint32_t callee = 0;
    uint32_t task_return_type = 0;
    bool callee_async = false;
    StringEncoding string_encoding = StringEncoding::Utf8;
    int32_t result_count_or_async = 0;
    std::optional<uint64_t> memory;
    std::vector<wasm::Val> params;
  };
  std::optional<Prepared> prepared;
};

struct ErrorContextState {
  std::string debug_message;
  uint64_t references = 0;
};

struct Host::State {
  HostOptions options;
  std::map<uint32_t, InstanceState> instances;
  std::map<uint32_t, ResourceTypeState> resource_types;
  std::map<uint32_t, TableBinding> resource_tables;
  std::map<uint32_t, TableBinding> future_tables;
  std::map<uint32_t, TableBinding> stream_tables;
  std::map<uint32_t, uint32_t> error_context_tables;  // table -> instance
  uint64_t next_scope_id = 1;
  std::array<uint32_t, 2> host_context{};
  std::map<uint64_t, ErrorContextState> error_contexts;
  uint64_t next_error_context = 1;

  // Every live call, by id.
  std::map<uint64_t, std::unique_ptr<CallScope>> calls;
  // The host's stack and the fibers; `current` is the one running.
  Stack host_stack;
  std::map<const Stack*, std::unique_ptr<Stack>> fibers;
  Stack* current = &host_stack;
  // Threads that wait to be resumed, oldest first (the spec's
  // Store.waiting): each is the innermost call of a suspended fiber.
  std::vector<Thread*> waiting;
  // Host tasks that have not resolved, oldest first.
  std::vector<std::shared_ptr<Subtask>> host_tasks;
  // The threads thread.new-indirect made, until their fiber ends.
  std::map<const Thread*, std::unique_ptr<Thread>> explicit_threads;

  bool may_leave(uint32_t instance) const {
    return !options.may_leave || options.may_leave(instance);
  }
  CallScope* find_scope(uint64_t id);
  // The innermost call of the running stack, if any.
  CallScope* innermost() { return current->chain.empty() ? nullptr : current->chain.back(); }
  // The thread that runs now: the innermost call's implicit thread, or the
  // explicit thread of the running fiber while it runs its task.
  Thread* current_thread() {
    if (current->chain.empty()) return nullptr;
    if (current->base_thread && current->chain.size() == 1) return current->base_thread;
    return &current->chain.back()->thread;
  }
  // Task.register_thread / unregister_thread: a thread's index in its
  // task's instance.
  Expected<void> register_thread(std::string_view op, Thread& thread);
  void unregister_thread(Thread& thread);
  // Takes `thread` out of `waiting` (if it is there) and forgets what it
  // waited for; false if it was not waiting.
  bool stop_waiting(Thread* thread);
  // Lets `thread`, suspended or waiting, go on: a suspended fiber runs now
  // (until it suspends again); a thread below the running one (a sync
  // loop) sees that it may go on when control comes back to it.
  Expected<void> resume_thread(Thread* thread);
  // The innermost call, whose instance must be allowed to leave: the
  // built-ins start with canon's `trap_if(not inst.may_leave)`.
  Expected<CallScope*> running_call(std::string_view op);
  std::array<uint32_t, 2>& current_context();

  // Store.lift's reentrance check and enter_from: the instances entering
  // `callee` from `caller` enters, or a trap naming the first that may not
  // be entered.
  Expected<std::vector<uint32_t>> entering(std::string_view op, std::optional<uint32_t> caller,
                                           uint32_t callee) const;
  void take(const std::vector<uint32_t>& instances);
  void release(const std::vector<uint32_t>& instances);

  // Pushes a scope after the checks of enter_sync_call.
  Expected<void> enter(std::string_view op, std::optional<uint32_t> caller, uint32_t callee,
                       CallScope::Origin origin, bool type_async = false);
  // Pops the innermost scope after the checks of exit_sync_call.
  Expected<void> exit(std::string_view op, CallScope::Origin origin);

  // --- scheduling (tasks.cpp) ---

  // Thread.wait_until for the innermost call of the running stack: returns
  // once `ready()` holds. A `yield` goes on after others had their turn.
  Expected<void> wait_until(std::string_view op, std::function<bool()> ready, bool yield = false);
  // The same, where cancellation may be delivered: true when it was (the
  // wait ended without `ready()`).
  Expected<bool> wait_cancellable(std::string_view op, std::function<bool()> ready, bool yield,
                                  bool cancellable);
  // Thread.block for the running thread: without `ready` it suspends
  // (until resumed), with it it waits; `switch_to`, a suspended thread of
  // the same instance, runs next (thread.*-then-resume). True when
  // cancellation was delivered.
  Expected<bool> block(std::string_view op, std::function<bool()> ready, bool yield,
                       bool cancellable, Thread* switch_to);
  // Task.deliver_pending_cancel for the innermost call.
  bool deliver_pending_cancel(bool cancellable);
  // Task.request_cancellation of `task` by `caller`.
  Expected<void> request_cancellation(std::string_view op, CallScope& task,
                                      std::optional<uint32_t> caller);
  // Runs `thread`, the innermost call of a suspended fiber, until that
  // fiber suspends again or ends; a trap in it is returned.
  Expected<void> resume(Thread* thread);
  // Starts `stack`, a new fiber, and runs it until it suspends or ends.
  Expected<void> start(Stack* stack);
  // After an async start-call: while the new call `id` waits only for its
  // instance's exclusive lock and the holder can go on, the holder runs
  // (and then the new call), so the call starts before the start-call
  // returns. Wasmtime's start-call drives ready work the same way, and the
  // suites rely on it (docs/divergences.md).
  Expected<void> hand_over_exclusive(uint64_t id);
  // The event loop of a host call: runs ready threads until `done()`.
  Expected<void> run_until(std::function<bool()> done);
  // One turn of the host tasks: each pending one is polled once. True when
  // one of them resolved or is still going on by itself (Pending): the
  // event loop is not stuck while one is.
  Expected<bool> poll_host_tasks();
  // Task.enter_implicit_thread: waits for backpressure, takes the
  // exclusive lock when the call needs it.
  // False when the call was cancelled while it waited (it then resolved
  // by task.cancel, and runs no guest code).
  Expected<bool> enter_implicit_thread(std::string_view op, CallScope& call);
  void exit_implicit_thread(CallScope& call);
  bool has_backpressure(const CallScope& call) const;
  // Every suspended fiber is resumed to unwind (a blocking call returns a
  // trap) and ends.
  void unwind_fibers();

  // --- calls with an async side (async_calls.cpp) ---

  // The body of a call's implicit thread: start, call the callee (and its
  // callback loop), exit.
  Expected<void> run_call(CallScope& call,
                          std::function<Expected<std::vector<wasm::Val>>()> on_start);
  // The end of a call's body: its implicit thread exits, and it must have
  // resolved.
  Expected<void> finish_call(CallScope& call);
  Expected<std::vector<wasm::Val>> call_guest(GuestFunc func, const std::vector<wasm::Val>& args);
  // Subtask.deliver_resolve.
  void deliver_resolve(Subtask& subtask);
  // A subtask changed state: its caller learns of it through its event,
  // once the subtask has a handle (before that, the call's result says it).
  static void progress(Subtask& subtask);

  // --- waitables (waitables.cpp) ---

  // WaitableSet.wait_for_event_and: waits until `also()` holds and the set
  // has an event, and takes it (TASK_CANCELLED when cancellation is
  // delivered meanwhile).
  Expected<Event> wait_for_event(std::string_view op, const std::shared_ptr<WaitableSet>& set,
                                 std::function<bool()> also, bool cancellable = false);
  bool has_event(const WaitableSet& set);
  // The event of the set's lowest member that has one.
  std::optional<Event> take_event(WaitableSet& set);
  void give_back(const std::vector<Lender>& lenders);

  // --- futures and streams (copies.cpp) ---

  // The end `handle` of `instance`, if it is a future or stream end.
  CopyEnd* end_at(uint32_t instance, uint32_t handle);
  // Takes the end's pending copy event (stream_event / future_event): the
  // end goes back to IDLE or on to DONE.
  Event deliver_copy_event(uint32_t instance, uint32_t handle);
  // SharedCopy.drop: the end's side of the shared state is gone; a read or
  // write waiting on the other end learns it (DROPPED).
  void drop_shared(SharedCopy& shared);
};

// "op: message".
Error trap(std::string_view op, std::string message);

// Lookups shared by the implementation files; each error names `op`.
Expected<InstanceState*> find_instance(Host::State& state, std::string_view op, uint32_t instance);
Expected<Element*> find_element(InstanceState& instance, std::string_view op,
                                uint32_t instance_index, uint32_t handle);
Expected<void> check_not_full(const InstanceState& instance, std::string_view op,
                              uint32_t instance_index);
// "future" or "stream".
const char* kind_name(CopyKind kind);
Expected<void> check_may_leave(const Host::State& state, std::string_view op, uint32_t instance);
Expected<const TableBinding*> find_copy_table(Host::State& state, std::string_view op,
                                              CopyKind kind, uint32_t table);
// The end `handle` of the table's instance: of `kind`, of the table's type,
// and readable or writable as asked (either when `readable` is empty).
Expected<CopyEnd*> find_end(Host::State& state, std::string_view op, CopyKind kind, uint32_t table,
                            const TableBinding& binding, uint32_t handle,
                            std::optional<bool> readable);
// The end `handle` of a future or stream built-in's table, after canon's
// `trap_if(not inst.may_leave)` for the table's instance.
struct BuiltinEnd {
  uint32_t instance = 0;
  CopyEnd* end = nullptr;
};
Expected<BuiltinEnd> find_end_of_builtin(Host::State& state, std::string_view op, CopyKind kind,
                                         uint32_t table, uint32_t handle, bool readable);
// "an own handle", "the readable end of a future", ...
std::string describe(const Element& element);
// Replaces `handle` of `src_instance` by `moved` in `dst_instance`: the new
// index. Precondition: the handle exists; fails only when dst is full.
Expected<uint32_t> move_element(Host::State& state, std::string_view op, uint32_t src_instance,
                                uint32_t handle, uint32_t dst_instance, Element moved);

}  // namespace fact::host
