// Call scopes (enter/exit-sync-call, host calls, destructor calls), the
// reentrance check, and the context slots of fact::host::Host.
#include <algorithm>
#include <cassert>
#include <set>
#include <string>

#include "fact/host/host.h"
#include "host_state.h"

namespace fact::host {

namespace {

std::string str(uint64_t value) { return std::to_string(value); }

std::set<uint32_t> self_and_ancestors(const Host::State& state, std::optional<uint32_t> instance) {
  std::set<uint32_t> result;
  while (instance) {
    result.insert(*instance);
    instance = state.instances.at(*instance).parent;
  }
  return result;
}

const char* origin_name(CallScope::Origin origin) {
  switch (origin) {
    case CallScope::Origin::SyncCall: return "enter-sync-call";
    case CallScope::Origin::HostCall: return "enter_host_call";
    case CallScope::Origin::Destructor: return "a destructor call";
    case CallScope::Origin::AsyncCall: return "a start-call";
  }
  return "?";
}

Expected<void> check_slot(std::string_view op, uint32_t slot) {
  if (slot >= 2) return trap(op, "context slot " + str(slot) + " is out of range (0 or 1)");
  return {};
}

}  // namespace

CallScope* Host::State::find_scope(uint64_t id) {
  auto it = calls.find(id);
  return it == calls.end() ? nullptr : it->second.get();
}

std::array<uint32_t, 2>& Host::State::current_context() {
  if (options.concurrency_support) {
    if (Thread* thread = current_thread()) return thread->context;
  }
  return host_context;
}

Expected<std::vector<uint32_t>> Host::State::entering(std::string_view op,
                                                      std::optional<uint32_t> caller,
                                                      uint32_t callee) const {
  // Store.lift: entering the callee enters its ancestors too, except those
  // the caller is already inside.
  std::set<uint32_t> entering = self_and_ancestors(*this, callee);
  for (uint32_t inside : self_and_ancestors(*this, caller)) entering.erase(inside);
  for (uint32_t instance : entering) {
    if (instances.at(instance).entered > 0) {
      return trap(op, "cannot enter component instance " + str(instance) +
                          ": it is already on the call stack");
    }
  }
  return std::vector<uint32_t>(entering.begin(), entering.end());
}

void Host::State::take(const std::vector<uint32_t>& entered) {
  for (uint32_t instance : entered) ++instances.at(instance).entered;
}

void Host::State::release(const std::vector<uint32_t>& entered) {
  for (uint32_t instance : entered) {
    assert(instances.at(instance).entered > 0);
    --instances.at(instance).entered;
  }
}

void Host::State::give_back(const std::vector<Lender>& lenders) {
  // None can have gone away: a lent handle can be neither dropped nor moved.
  for (const Lender& lender : lenders) {
    Element* element = instances.at(lender.instance).handles.get(lender.handle);
    assert(element && std::holds_alternative<ResourceHandle>(*element));
    auto& resource = std::get<ResourceHandle>(*element);
    assert(resource.num_lends > 0);
    --resource.num_lends;
  }
}

Expected<void> Host::State::enter(std::string_view op, std::optional<uint32_t> caller,
                                  uint32_t callee, CallScope::Origin origin, bool type_async) {
  if (caller && !instances.contains(*caller)) return trap(op, "unknown instance " + str(*caller));
  if (!instances.contains(callee)) return trap(op, "unknown instance " + str(callee));
  const CallScope* inner = innermost();
  if (caller && inner && inner->callee != *caller) {
    return trap(op, "the caller, instance " + str(*caller) + ", is not the running instance " +
                        str(inner->callee));
  }
  auto entered = entering(op, caller, callee);
  if (!entered) return entered.error();
  auto scope = std::make_unique<CallScope>();
  scope->origin = origin;
  scope->id = next_scope_id++;
  scope->caller = caller;
  scope->callee = callee;
  scope->type_async = type_async;
  scope->state = CallScope::State::Started;
  scope->entered = std::move(*entered);
  scope->thread.task = scope.get();
  scope->thread.stack = current;
  take(scope->entered);
  CallScope& call = *scope;
  current->chain.push_back(scope.get());
  calls.emplace(call.id, std::move(scope));
  if (auto registered = register_thread(op, call.thread); !registered) {
    current->chain.pop_back();
    release(call.entered);
    calls.erase(call.id);
    return registered;
  }
  // An async-typed callee of a sync call still waits for backpressure and
  // takes the exclusive lock (Task.enter_implicit_thread).
  if (type_async) {
    if (auto entered_thread = enter_implicit_thread(op, call); !entered_thread) {
      return entered_thread.error();
    }
  }
  return {};
}

Expected<void> Host::State::exit(std::string_view op, CallScope::Origin origin) {
  CallScope* scope = innermost();
  if (!scope) return trap(op, "no call to end: there is no matching call entry");
  if (scope->origin != origin) {
    return trap(op, "the innermost call was begun by " + std::string(origin_name(scope->origin)) +
                        ", not by " + origin_name(origin));
  }
  if (scope->num_borrows > 0) {
    return trap(op, "borrow handles still remain at the end of the call: instance " +
                        str(scope->callee) + " did not drop " + str(scope->num_borrows) +
                        " borrow handle(s) it received");
  }
  // Subtask.deliver_resolve: the lent handles are the caller's again.
  give_back(scope->lenders);
  exit_implicit_thread(*scope);
  unregister_thread(scope->thread);
  release(scope->entered);
  current->chain.pop_back();
  // Threads thread.new-indirect made go on with the task; the last one to
  // exit ends it.
  if (scope->explicit_threads > 0) {
    scope->implicit_exited = true;
    return {};
  }
  calls.erase(scope->id);
  return {};
}

Expected<void> Host::enter_sync_call(uint32_t caller_instance, uint32_t callee_is_async,
                                     uint32_t callee_instance) {
  constexpr std::string_view op = "async.enter-sync-call";
  if (callee_is_async > 1) {
    return trap(op, "callee_is_async must be 0 or 1, not " + str(callee_is_async));
  }
  return state_->enter(op, caller_instance, callee_instance, CallScope::Origin::SyncCall,
                       callee_is_async == 1);
}

Expected<void> Host::exit_sync_call() {
  return state_->exit("async.exit-sync-call", CallScope::Origin::SyncCall);
}

Expected<void> Host::enter_host_call(uint32_t callee_instance) {
  return state_->enter("enter_host_call", std::nullopt, callee_instance,
                       CallScope::Origin::HostCall);
}

Expected<void> Host::exit_host_call() {
  return state_->exit("exit_host_call", CallScope::Origin::HostCall);
}

Expected<uint32_t> Host::context_get(uint32_t slot) const {
  if (auto valid = check_slot("context.get", slot); !valid) return valid.error();
  return state_->current_context()[slot];
}

Expected<void> Host::context_set(uint32_t slot, uint32_t value) {
  if (auto valid = check_slot("context.set", slot); !valid) return valid.error();
  state_->current_context()[slot] = value;
  return {};
}

std::size_t Host::call_depth() const { return state_->current->chain.size(); }

}  // namespace fact::host
