// Internal state of fact::host::Host, shared by its implementation files.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

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

struct CopyEnd {
  CopyKind kind = CopyKind::Future;
  bool readable = true;
  uint32_t type = 0;
  CopyState state = CopyState::Idle;
  bool in_waitable_set = false;
};

using Element = std::variant<ResourceHandle, ErrorContextHandle, CopyEnd>;

struct InstanceState {
  std::optional<uint32_t> parent;
  // The spec's may_enter: false while the instance is on the call stack.
  bool may_enter = true;
  SlotTable<Element> handles;
};

struct ResourceTypeState {
  std::optional<uint32_t> implementer;
  Destructor destructor;
};

struct TableBinding {
  uint32_t instance = 0;
  uint32_t type = 0;
};

// Where a lent handle lives, to give the lend back at the end of the call.
struct Lender {
  uint32_t instance = 0;
  uint32_t handle = 0;
};

struct CallScope {
  enum class Origin : uint8_t { SyncCall, HostCall, Destructor };
  Origin origin = Origin::SyncCall;
  uint64_t id = 0;
  std::optional<uint32_t> caller;
  uint32_t callee = 0;
  // Borrow handles lowered into the callee during this call and not dropped.
  uint32_t num_borrows = 0;
  std::vector<Lender> lenders;
  // Instances whose may_enter this call cleared.
  std::vector<uint32_t> entered;
  std::array<uint32_t, 2> context{};
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
  std::vector<CallScope> scopes;
  uint64_t next_scope_id = 1;
  std::array<uint32_t, 2> host_context{};
  std::map<uint64_t, ErrorContextState> error_contexts;
  uint64_t next_error_context = 1;

  bool may_leave(uint32_t instance) const {
    return !options.may_leave || options.may_leave(instance);
  }
  CallScope* find_scope(uint64_t id);
  std::array<uint32_t, 2>& current_context();

  // Pushes a scope after the checks of enter_sync_call.
  Expected<void> enter(std::string_view op, std::optional<uint32_t> caller, uint32_t callee,
                       CallScope::Origin origin);
  // Pops the innermost scope after the checks of exit_sync_call.
  Expected<void> exit(std::string_view op, CallScope::Origin origin);
};

// "op: message".
Error trap(std::string_view op, std::string message);

// Lookups shared by the implementation files; each error names `op`.
Expected<InstanceState*> find_instance(Host::State& state, std::string_view op, uint32_t instance);
Expected<Element*> find_element(InstanceState& instance, std::string_view op,
                                uint32_t instance_index, uint32_t handle);
Expected<void> check_not_full(const InstanceState& instance, std::string_view op,
                              uint32_t instance_index);
// "an own handle", "the readable end of a future", ...
std::string describe(const Element& element);
// Replaces `handle` of `src_instance` by `moved` in `dst_instance`: the new
// index. Precondition: the handle exists; fails only when dst is full.
Expected<uint32_t> move_element(Host::State& state, std::string_view op, uint32_t src_instance,
                                uint32_t handle, uint32_t dst_instance, Element moved);

}  // namespace fact::host
