// Waitables, waitable sets and the built-ins of the running call's
// instance that use them or the scheduler: waitable-set.new/wait/poll/drop,
// waitable.join, subtask.drop, backpressure.inc/dec and thread.yield
// (CanonicalABI.md, the functions of the same names).
#include <cstring>
#include <string>

#include "fact/host/host.h"
#include "host_state.h"

namespace fact::host {
namespace {

std::string str(uint64_t value) { return std::to_string(value); }

constexpr uint32_t kEventNone = 0;
constexpr uint32_t kEventSubtask = 1;
constexpr uint32_t kEventTaskCancelled = 6;
constexpr uint32_t kBlocked = 0xffffffff;
constexpr uint32_t kMaxBackpressure = 0xffff;

// The running call's instance, which must be allowed to leave.
Expected<uint32_t> running_instance(Host::State& state, std::string_view op) {
  auto call = state.running_call(op);
  if (!call) return call.error();
  return (*call)->callee;
}

Expected<std::shared_ptr<WaitableSet>> find_set(Host::State& state, std::string_view op,
                                                uint32_t instance, uint32_t index) {
  auto element = find_element(state.instances.at(instance), op, instance, index);
  if (!element) return element.error();
  auto* set = std::get_if<WaitableSetHandle>(*element);
  if (!set) {
    return trap(op, "handle " + str(index) + " of instance " + str(instance) + " is " +
                        describe(**element) + ", not a waitable set");
  }
  return set->set;
}

// The subtask `index` of `instance`'s table.
Expected<std::shared_ptr<Subtask>> find_subtask(Host::State& state, std::string_view op,
                                                uint32_t instance, uint32_t index) {
  auto element = find_element(state.instances.at(instance), op, instance, index);
  if (!element) return element.error();
  auto* handle = std::get_if<SubtaskHandle>(*element);
  if (!handle) {
    return trap(op, "handle " + str(index) + " of instance " + str(instance) + " is " +
                        describe(**element) + ", not a subtask");
  }
  return handle->subtask;
}

Subtask* subtask_at(InstanceState& inst, uint32_t index) {
  Element* element = inst.handles.get(index);
  auto* handle = element ? std::get_if<SubtaskHandle>(element) : nullptr;
  return handle ? handle->subtask.get() : nullptr;
}

// unpack_event: the payloads go to memory as two u32 at `ptr`.
Expected<uint32_t> write_event(std::string_view op, const MemoryAccess& memory, uint64_t ptr,
                               const Event& event) {
  if (!memory) return trap(op, "the built-in has no memory to write the event to");
  const GuestMemory m = memory();
  if (ptr % 4 != 0) return trap(op, "wasm trap: unaligned pointer (" + str(ptr) + ")");
  if (ptr > m.size || m.size - ptr < 8) {
    return trap(op, "wasm trap: pointer " + str(ptr) + " is out of bounds of memory");
  }
  const uint32_t payload[2] = {event[1], event[2]};
  std::memcpy(m.data + ptr, payload, sizeof payload);
  return event[0];
}

// The running call's instance, for the built-ins the spec does not guard
// with may_leave (backpressure.inc/dec: a realloc may call them).
Expected<uint32_t> current_instance(Host::State& state, std::string_view op) {
  const CallScope* call = state.innermost();
  if (!call) return trap(op, "no component call is running");
  return call->callee;
}

}  // namespace

bool Host::State::has_event(const WaitableSet& set) {
  InstanceState& inst = instances.at(set.instance);
  for (uint32_t index : set.members) {
    if (const Subtask* subtask = subtask_at(inst, index); subtask && subtask->pending_event) {
      return true;
    }
    if (const CopyEnd* end = end_at(set.instance, index); end && end->pending_event) return true;
  }
  return false;
}

std::optional<Event> Host::State::take_event(WaitableSet& set) {
  InstanceState& inst = instances.at(set.instance);
  for (uint32_t index : set.members) {
    if (const CopyEnd* end = end_at(set.instance, index); end && end->pending_event) {
      return deliver_copy_event(set.instance, index);
    }
    Subtask* subtask = subtask_at(inst, index);
    if (!subtask || !subtask->pending_event) continue;
    // subtask_event: computed now, from the subtask's current state.
    subtask->pending_event = false;
    if (subtask->resolved() && !subtask->resolve_delivered) deliver_resolve(*subtask);
    return Event{kEventSubtask, index, static_cast<uint32_t>(subtask->state)};
  }
  return std::nullopt;
}

Expected<Event> Host::State::wait_for_event(std::string_view op,
                                            const std::shared_ptr<WaitableSet>& set,
                                            std::function<bool()> also, bool cancellable) {
  ++set->waiting;
  Expected<bool> cancelled = wait_cancellable(
      op, [this, set, also = std::move(also)] { return also() && has_event(*set); }, false,
      cancellable);
  --set->waiting;
  if (!cancelled) return cancelled.error();
  if (*cancelled) return Event{kEventTaskCancelled, 0, 0};
  return *take_event(*set);
}

Expected<uint32_t> Host::waitable_set_new() {
  constexpr std::string_view op = "waitable-set.new";
  auto instance = running_instance(*state_, op);
  if (!instance) return instance.error();
  InstanceState& inst = state_->instances.at(*instance);
  if (auto room = check_not_full(inst, op, *instance); !room) return room.error();
  auto set = std::make_shared<WaitableSet>();
  set->instance = *instance;
  return inst.handles.add(WaitableSetHandle{std::move(set)});
}

Expected<uint32_t> Host::waitable_set_wait(uint32_t set, const MemoryAccess& memory, uint64_t ptr,
                                           bool cancellable) {
  constexpr std::string_view op = "waitable-set.wait";
  auto instance = running_instance(*state_, op);
  if (!instance) return instance.error();
  auto found = find_set(*state_, op, *instance, set);
  if (!found) return found.error();
  auto event = state_->wait_for_event(
      op, *found, [] { return true; }, cancellable);
  if (!event) return event.error();
  return write_event(op, memory, ptr, *event);
}

Expected<uint32_t> Host::waitable_set_poll(uint32_t set, const MemoryAccess& memory, uint64_t ptr,
                                           bool cancellable) {
  constexpr std::string_view op = "waitable-set.poll";
  auto instance = running_instance(*state_, op);
  if (!instance) return instance.error();
  auto found = find_set(*state_, op, *instance, set);
  if (!found) return found.error();
  if (state_->deliver_pending_cancel(cancellable)) {
    return write_event(op, memory, ptr, Event{kEventTaskCancelled, 0, 0});
  }
  const std::optional<Event> event = state_->take_event(**found);
  return write_event(op, memory, ptr, event.value_or(Event{kEventNone, 0, 0}));
}

Expected<void> Host::waitable_set_drop(uint32_t set) {
  constexpr std::string_view op = "waitable-set.drop";
  auto instance = running_instance(*state_, op);
  if (!instance) return instance.error();
  auto found = find_set(*state_, op, *instance, set);
  if (!found) return found.error();
  // WaitableSet.drop: no thread may wait on it, and no waitable may be left
  // pointing at it.
  if ((*found)->waiting > 0) {
    return trap(op, "cannot drop waitable set with waiters (" + str((*found)->waiting) +
                        " thread(s) wait on handle " + str(set) + ")");
  }
  if (!(*found)->members.empty()) {
    return trap(op, "cannot drop waitable set with members (" + str((*found)->members.size()) +
                        " waitable(s) joined handle " + str(set) + ")");
  }
  state_->instances.at(*instance).handles.remove(set);
  return {};
}

Expected<void> Host::waitable_join(uint32_t waitable, uint32_t set) {
  constexpr std::string_view op = "waitable.join";
  auto instance = running_instance(*state_, op);
  if (!instance) return instance.error();
  InstanceState& inst = state_->instances.at(*instance);
  auto element = find_element(inst, op, *instance, waitable);
  if (!element) return element.error();
  // The waitable's `wset` field: a subtask's or a copy end's.
  uint32_t* member_of = nullptr;
  if (auto* handle = std::get_if<SubtaskHandle>(*element)) {
    if (handle->subtask->has_sync_waiter) {
      return trap(op,
                  "waitable cannot be used synchronously while added to a waitable set "
                  "(handle " +
                      str(waitable) + " of instance " + str(*instance) +
                      " has a synchronous waiter)");
    }
    member_of = &handle->subtask->set;
  } else if (auto* end = std::get_if<CopyEnd>(*element)) {
    if (end->has_sync_waiter) {
      return trap(op,
                  "waitable cannot be used synchronously while added to a waitable set "
                  "(handle " +
                      str(waitable) + " of instance " + str(*instance) +
                      " has a synchronous waiter)");
    }
    member_of = &end->set;
  } else {
    return trap(op, "handle " + str(waitable) + " of instance " + str(*instance) + " is " +
                        describe(**element) + ", not a waitable");
  }
  std::shared_ptr<WaitableSet> target;
  if (set != 0) {
    auto found = find_set(*state_, op, *instance, set);
    if (!found) return found.error();
    target = *found;
  }
  if (*member_of != 0) {
    if (auto old = find_set(*state_, op, *instance, *member_of)) (*old)->members.erase(waitable);
  }
  *member_of = set;
  if (target) target->members.insert(waitable);
  return {};
}

Expected<void> Host::subtask_drop(uint32_t index) {
  constexpr std::string_view op = "subtask.drop";
  auto instance = running_instance(*state_, op);
  if (!instance) return instance.error();
  InstanceState& inst = state_->instances.at(*instance);
  auto found = find_subtask(*state_, op, *instance, index);
  if (!found) return found.error();
  Subtask& subtask = **found;
  // Subtask.drop: the caller must have seen it resolve (and so have its
  // lends back).
  if (!subtask.resolve_delivered) {
    return trap(op, "cannot drop a subtask which has not yet resolved (handle " + str(index) +
                        " of instance " + str(*instance) + ")");
  }
  if (subtask.set != 0) {
    if (auto set = find_set(*state_, op, *instance, subtask.set)) (*set)->members.erase(index);
  }
  inst.handles.remove(index);
  return {};
}

Expected<void> Host::backpressure_inc() {
  constexpr std::string_view op = "backpressure.inc";
  auto instance = current_instance(*state_, op);
  if (!instance) return instance.error();
  InstanceState& inst = state_->instances.at(*instance);
  if (inst.backpressure == kMaxBackpressure) {
    return trap(op, "wasm trap: backpressure counter overflow (instance " + str(*instance) +
                        " is at 65535)");
  }
  ++inst.backpressure;
  return {};
}

Expected<void> Host::backpressure_dec() {
  constexpr std::string_view op = "backpressure.dec";
  auto instance = current_instance(*state_, op);
  if (!instance) return instance.error();
  InstanceState& inst = state_->instances.at(*instance);
  if (inst.backpressure == 0) {
    return trap(
        op, "wasm trap: backpressure counter overflow (instance " + str(*instance) + " is at 0)");
  }
  --inst.backpressure;
  return {};
}

Expected<uint32_t> Host::thread_yield(bool cancellable) {
  constexpr std::string_view op = "thread.yield";
  auto instance = running_instance(*state_, op);
  if (!instance) return instance.error();
  auto cancelled = state_->wait_cancellable(
      op, [] { return true; }, true, cancellable);
  if (!cancelled) return cancelled.error();
  return *cancelled ? 1 : 0;
}

Expected<uint32_t> Host::subtask_cancel(uint32_t index, bool async) {
  constexpr std::string_view op = "subtask.cancel";
  auto instance = running_instance(*state_, op);
  if (!instance) return instance.error();
  auto found = find_subtask(*state_, op, *instance, index);
  if (!found) return found.error();
  const std::shared_ptr<Subtask> subtask = *found;
  const std::string where = " (handle " + str(index) + " of instance " + str(*instance) + ")";
  if (subtask->resolve_delivered) {
    return trap(op, "`subtask.cancel` called after terminal status delivered" + where);
  }
  if (subtask->cancellation_requested) {
    return trap(op, "`subtask.cancel` called twice for the same subtask" + where);
  }
  if (subtask->set != 0 && !async) {
    return trap(op, "waitable cannot be used synchronously while added to a waitable set" + where);
  }
  if (!subtask->resolved()) {
    subtask->cancellation_requested = true;
    if (subtask->host_task) {
      // A host task stops at once: it resolves as cancelled, and what it
      // would have returned never reaches the caller.
      subtask->cancel_host_task();
      subtask->state = Subtask::State::CancelledBeforeReturned;
      Host::State::progress(*subtask);
      std::erase(state_->host_tasks, subtask);
    } else if (CallScope* task = state_->find_scope(subtask->callee_call)) {
      if (auto r = state_->request_cancellation(op, *task, *instance); !r) return r.error();
    }
    if (!subtask->resolved()) {
      if (async) return kBlocked;
      // Waitable.wait_for_pending_event, not cancellable.
      subtask->has_sync_waiter = true;
      auto waited = state_->wait_until(op, [subtask] { return subtask->pending_event; });
      subtask->has_sync_waiter = false;
      if (!waited) return waited.error();
    }
  }
  // The resolve event, delivered now: the lends come back.
  subtask->pending_event = false;
  if (!subtask->resolve_delivered) state_->deliver_resolve(*subtask);
  return static_cast<uint32_t>(subtask->state);
}

}  // namespace fact::host
