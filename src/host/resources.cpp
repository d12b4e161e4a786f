// Registration, inspection and resource handles of fact::host::Host.
#include <cassert>
#include <limits>
#include <utility>

#include "fact/host/host.h"
#include "host_state.h"

namespace fact::host {

Error trap(std::string_view op, std::string message) {
  std::string text(op);
  text += ": ";
  text += message;
  return Error{std::move(text)};
}

namespace {

std::string str(uint64_t value) { return std::to_string(value); }

Expected<const TableBinding*> find_resource_table(Host::State& state, std::string_view op,
                                                  uint32_t table) {
  auto it = state.resource_tables.find(table);
  if (it == state.resource_tables.end()) {
    return trap(op, "unknown resource table " + str(table));
  }
  return &it->second;
}

// The resource handle `handle` of the table's instance, of the table's type.
Expected<ResourceHandle*> find_resource(Host::State& state, std::string_view op, uint32_t table,
                                        const TableBinding& binding, uint32_t handle) {
  auto instance = find_instance(state, op, binding.instance);
  if (!instance) return instance.error();
  auto element = find_element(**instance, op, binding.instance, handle);
  if (!element) return element.error();
  auto* resource = std::get_if<ResourceHandle>(*element);
  if (!resource) {
    return trap(op, "handle " + str(handle) + " of instance " + str(binding.instance) + " is " +
                        describe(**element) + ", not a resource handle");
  }
  if (resource->type != binding.type) {
    // Wasmtime's wording, which .wast scripts match, then the details.
    auto defined_by = [&](uint32_t type) {
      auto it = state.resource_types.find(type);
      return it != state.resource_types.end() && it->second.implementer ? "guest-defined"
                                                                        : "host-defined";
    };
    return trap(op, "handle index " + str(handle) + " used with the wrong type, expected " +
                        defined_by(binding.type) + " resource but found a different " +
                        defined_by(resource->type) + " resource (handle " + str(handle) +
                        " of instance " + str(binding.instance) + " has resource type " +
                        str(resource->type) + ", but resource table " + str(table) +
                        " is for resource type " + str(binding.type) + ")");
  }
  return resource;
}

// The two tables of a transfer; they must name the same resource type.
Expected<std::pair<const TableBinding*, const TableBinding*>> find_transfer_tables(
    Host::State& state, std::string_view op, uint32_t src_table, uint32_t dst_table) {
  auto src = find_resource_table(state, op, src_table);
  if (!src) return src.error();
  auto dst = find_resource_table(state, op, dst_table);
  if (!dst) return dst.error();
  if ((*src)->type != (*dst)->type) {
    return trap(op, "resource tables " + str(src_table) + " and " + str(dst_table) +
                        " are for different resource types (" + str((*src)->type) + " and " +
                        str((*dst)->type) + ")");
  }
  return std::pair{*src, *dst};
}

// lift_own's checks.
Expected<ResourceHandle*> find_unlent_own(Host::State& state, std::string_view op, uint32_t table,
                                          const TableBinding& binding, uint32_t handle) {
  auto resource = find_resource(state, op, table, binding, handle);
  if (!resource) return resource.error();
  if (!(*resource)->own) {
    return trap(op, "handle " + str(handle) + " of instance " + str(binding.instance) +
                        " is a borrow handle, not an own handle");
  }
  if ((*resource)->num_lends != 0) {
    return trap(op, "cannot remove owned resource while borrowed (own handle " + str(handle) +
                        " of instance " + str(binding.instance) + " is lent out to " +
                        str((*resource)->num_lends) + " borrow(s) that have not been returned)");
  }
  return resource;
}

// resource.new and resource.rep are only valid for locally defined types.
Expected<void> check_defined_by(const Host::State& state, std::string_view op,
                                const TableBinding& binding) {
  const ResourceTypeState& type = state.resource_types.at(binding.type);
  if (type.implementer != binding.instance) {
    return trap(op, "resource type " + str(binding.type) + " is not defined by instance " +
                        str(binding.instance));
  }
  return {};
}

}  // namespace

std::string describe(const Element& element) {
  if (const auto* resource = std::get_if<ResourceHandle>(&element)) {
    return resource->own ? "an own handle" : "a borrow handle";
  }
  if (std::holds_alternative<ErrorContextHandle>(element)) return "an error-context";
  if (std::holds_alternative<SubtaskHandle>(element)) return "a subtask";
  if (std::holds_alternative<WaitableSetHandle>(element)) return "a waitable set";
  const auto& end = std::get<CopyEnd>(element);
  std::string text = end.readable ? "the readable end of a " : "the writable end of a ";
  return text + (end.kind == CopyKind::Future ? "future" : "stream");
}

Expected<InstanceState*> find_instance(Host::State& state, std::string_view op, uint32_t instance) {
  auto it = state.instances.find(instance);
  if (it == state.instances.end()) return trap(op, "unknown instance " + str(instance));
  return &it->second;
}

Expected<Element*> find_element(InstanceState& instance, std::string_view op,
                                uint32_t instance_index, uint32_t handle) {
  if (handle == 0) {
    return trap(op, "unknown handle index 0 (index 0 is never valid; instance " +
                        str(instance_index) + ")");
  }
  Element* element = instance.handles.get(handle);
  if (!element) {
    return trap(op, "unknown handle index " + str(handle) + " (not in use in instance " +
                        str(instance_index) + ")");
  }
  return element;
}

Expected<void> check_not_full(const InstanceState& instance, std::string_view op,
                              uint32_t instance_index) {
  if (instance.handles.full()) {
    return trap(op, "the handle table of instance " + str(instance_index) + " is full");
  }
  return {};
}

Expected<uint32_t> move_element(Host::State& state, std::string_view op, uint32_t src_instance,
                                uint32_t handle, uint32_t dst_instance, Element moved) {
  InstanceState& src = state.instances.at(src_instance);
  InstanceState& dst = state.instances.at(dst_instance);
  if (&src == &dst) {
    // Removing first, as the spec does, lets the new handle reuse the slot.
    src.handles.remove(handle);
    return dst.handles.add(std::move(moved));
  }
  if (auto room = check_not_full(dst, op, dst_instance); !room) return room.error();
  uint32_t index = dst.handles.add(std::move(moved));
  src.handles.remove(handle);
  return index;
}

Host::Host(HostOptions options) : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
}
Host::~Host() {
  if (state_) state_->unwind_fibers();
}
Host::Host(Host&&) noexcept = default;
Host& Host::operator=(Host&& other) noexcept {
  if (this != &other) {
    if (state_) state_->unwind_fibers();
    state_ = std::move(other.state_);
  }
  return *this;
}

Expected<void> Host::add_instance(uint32_t instance, std::optional<uint32_t> parent) {
  constexpr std::string_view op = "add_instance";
  if (state_->instances.contains(instance)) {
    return trap(op, "instance " + str(instance) + " is already registered");
  }
  if (parent && !state_->instances.contains(*parent)) {
    return trap(op, "unknown parent instance " + str(*parent) + " of instance " + str(instance));
  }
  state_->instances[instance].parent = parent;
  return {};
}

Expected<void> Host::add_resource_type(uint32_t type, std::optional<uint32_t> implementer,
                                       Destructor destructor) {
  constexpr std::string_view op = "add_resource_type";
  if (state_->resource_types.contains(type)) {
    return trap(op, "resource type " + str(type) + " is already registered");
  }
  if (implementer && !state_->instances.contains(*implementer)) {
    return trap(
        op, "unknown instance " + str(*implementer) + " implementing resource type " + str(type));
  }
  state_->resource_types[type] = ResourceTypeState{implementer, std::move(destructor)};
  return {};
}

Expected<void> Host::add_resource_table(uint32_t table, uint32_t instance, uint32_t type) {
  constexpr std::string_view op = "add_resource_table";
  if (state_->resource_tables.contains(table)) {
    return trap(op, "resource table " + str(table) + " is already registered");
  }
  if (!state_->instances.contains(instance)) return trap(op, "unknown instance " + str(instance));
  if (!state_->resource_types.contains(type)) {
    return trap(op, "unknown resource type " + str(type));
  }
  state_->resource_tables[table] = TableBinding{instance, type, {}};
  return {};
}

Expected<void> Host::add_error_context_table(uint32_t table, uint32_t instance) {
  constexpr std::string_view op = "add_error_context_table";
  if (state_->error_context_tables.contains(table)) {
    return trap(op, "error-context table " + str(table) + " is already registered");
  }
  if (!state_->instances.contains(instance)) return trap(op, "unknown instance " + str(instance));
  state_->error_context_tables[table] = instance;
  return {};
}

Expected<uint32_t> Host::resource_transfer_own(uint32_t handle, uint32_t src_table,
                                               uint32_t dst_table) {
  constexpr std::string_view op = "resource.transfer-own";
  auto tables = find_transfer_tables(*state_, op, src_table, dst_table);
  if (!tables) return tables.error();
  auto [src, dst] = *tables;
  auto resource = find_unlent_own(*state_, op, src_table, *src, handle);
  if (!resource) return resource.error();
  ResourceHandle moved{.type = src->type, .rep = (*resource)->rep, .own = true};
  return move_element(*state_, op, src->instance, handle, dst->instance, moved);
}

Expected<uint32_t> Host::resource_transfer_borrow(uint32_t handle, uint32_t src_table,
                                                  uint32_t dst_table) {
  constexpr std::string_view op = "resource.transfer-borrow";
  CallScope* innermost = state_->innermost();
  if (!innermost) {
    return trap(op, "a borrow can only be passed inside a call (no enter-sync-call is active)");
  }
  auto tables = find_transfer_tables(*state_, op, src_table, dst_table);
  if (!tables) return tables.error();
  auto [src, dst] = *tables;
  CallScope& scope = *innermost;
  // Borrows only travel in parameters, from the caller into the callee of
  // the innermost call; anything else means the tables are bound wrongly.
  if (scope.caller != src->instance || scope.callee != dst->instance) {
    return trap(op, "a borrow from instance " + str(src->instance) + " to instance " +
                        str(dst->instance) + " does not match the innermost call, " +
                        (scope.caller ? "from instance " + str(*scope.caller) : "from the host") +
                        " into instance " + str(scope.callee));
  }
  auto found = find_resource(*state_, op, src_table, *src, handle);
  if (!found) return found.error();
  ResourceHandle& lender = **found;
  if (lender.num_lends == std::numeric_limits<uint32_t>::max()) {
    return trap(op,
                "too many borrows of handle " + str(handle) + " of instance " + str(src->instance));
  }

  // lower_borrow: the implementer only ever needs the rep.
  const bool into_implementer = state_->resource_types.at(src->type).implementer == dst->instance;
  InstanceState& dst_instance = state_->instances.at(dst->instance);
  if (!into_implementer) {
    if (auto room = check_not_full(dst_instance, op, dst->instance); !room) return room.error();
    if (scope.num_borrows == std::numeric_limits<uint32_t>::max()) {
      return trap(op, "too many borrows in one call");
    }
  }

  // lift_borrow: the lend lasts until the caller learns that the call
  // returned (the end of a sync call; the resolve event of an async one).
  const uint32_t rep = lender.rep;
  ++lender.num_lends;
  (scope.subtask ? scope.subtask->lenders : scope.lenders).push_back(Lender{src->instance, handle});
  if (into_implementer) return rep;
  ++scope.num_borrows;
  return dst_instance.handles.add(
      ResourceHandle{.type = src->type, .rep = rep, .own = false, .scope_id = scope.id});
}

Expected<uint32_t> Host::host_lower_own(uint32_t table, uint32_t rep) {
  constexpr std::string_view op = "host_lower_own";
  auto binding = find_resource_table(*state_, op, table);
  if (!binding) return binding.error();
  InstanceState& instance = state_->instances.at((*binding)->instance);
  if (auto room = check_not_full(instance, op, (*binding)->instance); !room) return room.error();
  return instance.handles.add(ResourceHandle{.type = (*binding)->type, .rep = rep, .own = true});
}

Expected<uint32_t> Host::host_lift_own(uint32_t table, uint32_t handle) {
  constexpr std::string_view op = "host_lift_own";
  auto binding = find_resource_table(*state_, op, table);
  if (!binding) return binding.error();
  auto resource = find_unlent_own(*state_, op, table, **binding, handle);
  if (!resource) return resource.error();
  const uint32_t rep = (*resource)->rep;
  state_->instances.at((*binding)->instance).handles.remove(handle);
  return rep;
}

Expected<uint32_t> Host::host_lift_borrow(uint32_t table, uint32_t handle) {
  constexpr std::string_view op = "host_lift_borrow";
  auto binding = find_resource_table(*state_, op, table);
  if (!binding) return binding.error();
  auto found = find_resource(*state_, op, table, **binding, handle);
  if (!found) return found.error();
  ResourceHandle& lender = **found;
  if (lender.num_lends == std::numeric_limits<uint32_t>::max()) {
    return trap(op, "too many borrows of handle " + str(handle) + " of instance " +
                        str((*binding)->instance));
  }
  ++lender.num_lends;
  return lender.rep;
}

Expected<uint32_t> Host::resource_new(uint32_t table, uint32_t rep) {
  constexpr std::string_view op = "resource.new";
  auto binding = find_resource_table(*state_, op, table);
  if (!binding) return binding.error();
  const uint32_t instance_index = (*binding)->instance;
  if (auto leave = check_may_leave(*state_, op, instance_index); !leave) return leave.error();
  if (auto local = check_defined_by(*state_, op, **binding); !local) return local.error();
  InstanceState& instance = state_->instances.at(instance_index);
  if (auto room = check_not_full(instance, op, instance_index); !room) return room.error();
  return instance.handles.add(ResourceHandle{.type = (*binding)->type, .rep = rep, .own = true});
}

Expected<uint32_t> Host::resource_rep(uint32_t table, uint32_t handle) const {
  constexpr std::string_view op = "resource.rep";
  auto binding = find_resource_table(*state_, op, table);
  if (!binding) return binding.error();
  if (auto local = check_defined_by(*state_, op, **binding); !local) return local.error();
  auto resource = find_resource(*state_, op, table, **binding, handle);
  if (!resource) return resource.error();
  return (*resource)->rep;
}

Expected<void> Host::resource_drop(uint32_t table, uint32_t handle) {
  constexpr std::string_view op = "resource.drop";
  auto binding = find_resource_table(*state_, op, table);
  if (!binding) return binding.error();
  const uint32_t instance_index = (*binding)->instance;
  if (auto leave = check_may_leave(*state_, op, instance_index); !leave) return leave.error();
  auto found = find_resource(*state_, op, table, **binding, handle);
  if (!found) return found.error();
  ResourceHandle& resource = **found;
  if (resource.num_lends != 0) {
    return trap(op, "cannot remove owned resource while borrowed (handle " + str(handle) +
                        " of instance " + str(instance_index) + " is lent out to " +
                        str(resource.num_lends) + " borrow(s) that have not been returned)");
  }
  InstanceState& instance = state_->instances.at(instance_index);

  if (!resource.own) {
    CallScope* scope = state_->find_scope(resource.scope_id);
    assert(scope && scope->num_borrows > 0 && "a borrow handle outlived its call scope");
    instance.handles.remove(handle);
    --scope->num_borrows;
    return {};
  }

  const uint32_t rep = resource.rep;
  const ResourceTypeState& type = state_->resource_types.at(resource.type);
  // Copied: the destructor may register more types.
  Destructor destructor = type.destructor;
  const std::optional<uint32_t> implementer = type.implementer;
  if (!implementer) {
    instance.handles.remove(handle);
    return destructor ? destructor(rep) : Expected<void>{};
  }
  // The destructor runs as a synchronous call into the implementer, with the
  // reentrance check of any such call (checked before the handle goes away).
  if (auto entered = state_->enter(op, instance_index, *implementer, CallScope::Origin::Destructor);
      !entered) {
    return entered.error();
  }
  instance.handles.remove(handle);
  if (destructor) {
    if (auto done = destructor(rep); !done) return done.error();
  }
  return state_->exit(op, CallScope::Origin::Destructor);
}

std::optional<HandleInfo> Host::inspect(uint32_t instance, uint32_t handle) const {
  auto it = state_->instances.find(instance);
  if (it == state_->instances.end()) return std::nullopt;
  const Element* element = it->second.handles.get(handle);
  if (!element) return std::nullopt;
  HandleInfo info;
  if (const auto* resource = std::get_if<ResourceHandle>(element)) {
    info.kind = resource->own ? HandleInfo::Kind::Own : HandleInfo::Kind::Borrow;
    info.type = resource->type;
    info.rep = resource->rep;
    info.num_lends = resource->num_lends;
    if (!resource->own) {
      if (const CallScope* scope = state_->find_scope(resource->scope_id)) {
        const std::vector<CallScope*>& chain = scope->thread.stack->chain;
        for (std::size_t i = 0; i < chain.size(); ++i) {
          if (chain[i] == scope) info.scope_depth = i + 1;
        }
      }
    }
  } else if (const auto* context = std::get_if<ErrorContextHandle>(element)) {
    info.kind = HandleInfo::Kind::ErrorContext;
    info.error_context = context->id;
  } else if (const auto* subtask = std::get_if<SubtaskHandle>(element)) {
    info.kind = HandleInfo::Kind::Subtask;
    info.in_waitable_set = subtask->subtask->set != 0;
  } else if (std::holds_alternative<WaitableSetHandle>(*element)) {
    info.kind = HandleInfo::Kind::WaitableSet;
  } else {
    const auto& end = std::get<CopyEnd>(*element);
    if (end.kind == CopyKind::Future) {
      info.kind =
          end.readable ? HandleInfo::Kind::ReadableFuture : HandleInfo::Kind::WritableFuture;
    } else {
      info.kind =
          end.readable ? HandleInfo::Kind::ReadableStream : HandleInfo::Kind::WritableStream;
    }
    info.type = end.type;
    info.copy_state = end.state;
    info.in_waitable_set = end.in_waitable_set();
  }
  return info;
}

std::size_t Host::live_handles(uint32_t instance) const {
  auto it = state_->instances.find(instance);
  return it == state_->instances.end() ? 0 : it->second.handles.live();
}

std::size_t Host::live_error_contexts() const { return state_->error_contexts.size(); }

}  // namespace fact::host
