// Calls of host functions (host tasks): canon_lower when the callee is the
// embedder. The embedder lifts the arguments and starts its function; the
// host makes the caller's subtask, polls the function on every turn of the
// event loop until it resolves, and lets the caller cancel it.
//
// A host task has no component thread: it never runs guest code of its own
// (its poll may call the caller's realloc to lower the result, which
// Wasmtime does from its event loop too). So it waits in `host_tasks`
// rather than in `waiting`, and the loops that look for work
// (wait_cancellable's for a sync-typed call, run_until's for a host call)
// poll it before they pick a thread.
#include <algorithm>
#include <limits>
#include <string>

#include "fact/host/host.h"
#include "host_state.h"

namespace fact::host {
namespace {

constexpr uint32_t kStatusReturned = 2;

std::string str(uint64_t value) { return std::to_string(value); }

}  // namespace

Expected<bool> Host::State::poll_host_tasks() {
  bool going_on = false;
  // A poll may start or cancel other host tasks (its realloc is guest
  // code): iterate over the tasks of this turn.
  const std::vector<std::shared_ptr<Subtask>> turn = host_tasks;
  for (const std::shared_ptr<Subtask>& subtask : turn) {
    if (subtask->resolved()) continue;
    auto polled = subtask->host_task->poll();
    if (!polled) return polled.error();
    if (*polled == HostTaskPoll::Idle) continue;
    going_on = true;
    if (*polled == HostTaskPoll::Pending) continue;
    subtask->state = Subtask::State::Returned;
    progress(*subtask);
  }
  std::erase_if(host_tasks, [](const std::shared_ptr<Subtask>& s) { return s->resolved(); });
  return going_on;
}

Expected<uint32_t> Host::call_host_task(uint32_t caller, HostTask task,
                                        std::span<const BorrowedHandle> borrows, bool async) {
  constexpr std::string_view op = "canon lower";
  State& s = *state_;
  auto instance = find_instance(s, op, caller);
  if (!instance) return instance.error();
  if (!task.poll) return trap(op, "the host task has no poll function");
  auto subtask = std::make_shared<Subtask>();
  subtask->caller = caller;
  // on_start ran: the embedder lifted the arguments before it started the
  // task.
  subtask->state = Subtask::State::Started;
  for (const BorrowedHandle& b : borrows) {
    auto binding = s.resource_tables.find(b.table);
    const Element* element =
        binding == s.resource_tables.end() || binding->second.instance != caller
            ? nullptr
            : (*instance)->handles.get(b.handle);
    const auto* resource = element ? std::get_if<ResourceHandle>(element) : nullptr;
    if (!resource || resource->num_lends == 0) {
      s.give_back(subtask->lenders);
      return trap(op, "handle " + str(b.handle) + " of resource table " + str(b.table) +
                          " was not lent by host_lift_borrow in instance " + str(caller));
    }
    subtask->lenders.push_back(Lender{caller, b.handle});
  }
  subtask->host_task = std::make_unique<HostTask>(std::move(task));
  // A call that fails after the task started: the host task is told to
  // stop and the lent handles come back, as no resolve will be delivered.
  auto abandon = [&s, &subtask] {
    subtask->cancel_host_task();
    s.give_back(subtask->lenders);
  };

  auto polled = subtask->host_task->poll();
  if (!polled) {
    s.give_back(subtask->lenders);
    return polled.error();
  }
  if (*polled == HostTaskPoll::Resolved) subtask->state = Subtask::State::Returned;
  if (!subtask->resolved()) {
    if (async) {
      if (auto room = check_not_full(**instance, op, caller); !room) {
        abandon();
        return room.error();
      }
      const uint32_t index = (*instance)->handles.add(SubtaskHandle{subtask});
      subtask->index = index;
      s.host_tasks.push_back(subtask);
      return static_cast<uint32_t>(Subtask::State::Started) | (index << 4);
    }
    // canon_lower, sync: Thread.wait_until(subtask.resolved), which needs a
    // component thread to wait in.
    if (!s.innermost()) {
      abandon();
      return trap(op, "a host function called outside any component call (from a core start " +
                          std::string("function) did not return at once"));
    }
    s.host_tasks.push_back(subtask);
    auto waited = s.wait_until(op, [subtask] { return subtask->resolved(); });
    if (!waited) return waited.error();
  }
  s.deliver_resolve(*subtask);
  return kStatusReturned;
}

}  // namespace fact::host
