// Future and stream ends and error contexts of fact::host::Host: creation,
// drops and the synchronous transfers of adapter modules.
#include <string>

#include "fact/host/host.h"
#include "host_state.h"

namespace fact::host {

namespace {

std::string str(uint64_t value) { return std::to_string(value); }

}  // namespace

const char* kind_name(CopyKind kind) { return kind == CopyKind::Future ? "future" : "stream"; }

namespace {
std::map<uint32_t, TableBinding>& copy_tables(Host::State& state, CopyKind kind) {
  return kind == CopyKind::Future ? state.future_tables : state.stream_tables;
}
}  // namespace

Expected<const TableBinding*> find_copy_table(Host::State& state, std::string_view op,
                                              CopyKind kind, uint32_t table) {
  auto& tables = copy_tables(state, kind);
  auto it = tables.find(table);
  if (it == tables.end()) {
    return trap(op, "unknown " + std::string(kind_name(kind)) + " table " + str(table));
  }
  return &it->second;
}

Expected<void> check_may_leave(const Host::State& state, std::string_view op, uint32_t instance) {
  if (!state.may_leave(instance)) {
    return trap(op,
                "cannot leave component instance " + str(instance) + " (its may_leave flag is 0)");
  }
  return {};
}

Expected<CopyEnd*> find_end(Host::State& state, std::string_view op, CopyKind kind, uint32_t table,
                            const TableBinding& binding, uint32_t handle,
                            std::optional<bool> readable) {
  auto instance = find_instance(state, op, binding.instance);
  if (!instance) return instance.error();
  auto element = find_element(**instance, op, binding.instance, handle);
  if (!element) return element.error();
  auto* end = std::get_if<CopyEnd>(*element);
  if (!end || end->kind != kind || (readable && end->readable != *readable)) {
    std::string expected = readable
                               ? (*readable ? "the readable end of a " : "the writable end of a ")
                               : "an end of a ";
    return trap(op, "handle " + str(handle) + " of instance " + str(binding.instance) + " is " +
                        describe(**element) + ", not " + expected + kind_name(kind));
  }
  if (end->type != binding.type) {
    return trap(op, "handle " + str(handle) + " of instance " + str(binding.instance) + " is a " +
                        kind_name(kind) + " of type " + str(end->type) + ", but " +
                        kind_name(kind) + " table " + str(table) + " is for type " +
                        str(binding.type));
  }
  return end;
}

Expected<BuiltinEnd> find_end_of_builtin(Host::State& state, std::string_view op, CopyKind kind,
                                         uint32_t table, uint32_t handle, bool readable) {
  auto binding = find_copy_table(state, op, kind, table);
  if (!binding) return binding.error();
  const uint32_t instance = (*binding)->instance;
  if (auto leave = check_may_leave(state, op, instance); !leave) return leave.error();
  auto found = find_end(state, op, kind, table, **binding, handle, readable);
  if (!found) return found.error();
  return BuiltinEnd{instance, *found};
}

namespace {

bool copying(CopyState state) {
  return state == CopyState::Copying || state == CopyState::CancellingCopy;
}

Expected<CopyEnds> new_ends(Host::State& state, std::string_view op, CopyKind kind,
                            uint32_t table) {
  auto binding = find_copy_table(state, op, kind, table);
  if (!binding) return binding.error();
  const uint32_t instance_index = (*binding)->instance;
  if (auto leave = check_may_leave(state, op, instance_index); !leave) return leave.error();
  InstanceState& instance = state.instances.at(instance_index);
  if (auto room = check_not_full(instance, op, instance_index); !room) return room.error();
  auto shared = std::make_shared<SharedCopy>();
  shared->kind = kind;
  shared->type = (*binding)->type;
  shared->element = (*binding)->element;
  auto end = [&](bool readable) {
    CopyEnd e;
    e.kind = kind;
    e.readable = readable;
    e.type = (*binding)->type;
    e.shared = shared;
    return e;
  };
  CopyEnds ends;
  ends.readable = instance.handles.add(end(true));
  if (auto room = check_not_full(instance, op, instance_index); !room) {
    instance.handles.remove(ends.readable);
    return room.error();
  }
  ends.writable = instance.handles.add(end(false));
  return ends;
}

// CopyEnd.drop, and WritableFutureEnd.drop's check that a value was
// written (or the reader dropped first).
Expected<void> drop_end(Host::State& state, std::string_view op, CopyKind kind, bool readable,
                        uint32_t table, uint32_t handle) {
  auto found = find_end_of_builtin(state, op, kind, table, handle, readable);
  if (!found) return found.error();
  const uint32_t instance_index = found->instance;
  CopyEnd& end = *found->end;
  if (copying(end.state)) {
    // Wasmtime's words: a readable end is removed, a writable one dropped.
    return trap(op, std::string(readable ? "cannot remove busy " : "cannot drop busy ") +
                        kind_name(kind) + " (handle " + str(handle) + " of instance " +
                        str(instance_index) + " has a copy in progress)");
  }
  if (kind == CopyKind::Future && !readable && end.state != CopyState::Done) {
    return trap(op, "cannot drop future write end without first writing a value (handle " +
                        str(handle) + " of instance " + str(instance_index) + ")");
  }
  // Dropping leaves any waitable set (Waitable.drop).
  InstanceState& instance = state.instances.at(instance_index);
  if (end.set != 0) {
    if (auto* set = std::get_if<WaitableSetHandle>(instance.handles.get(end.set))) {
      set->set->members.erase(handle);
    }
  }
  std::shared_ptr<SharedCopy> shared = end.shared;
  instance.handles.remove(handle);
  if (shared) state.drop_shared(*shared);
  return {};
}

// lift_async_value, then a new readable end in dst on the same shared
// state. The messages are Wasmtime's.
Expected<uint32_t> transfer_end(Host::State& state, std::string_view op, CopyKind kind,
                                uint32_t handle, uint32_t src_table, uint32_t dst_table) {
  auto src = find_copy_table(state, op, kind, src_table);
  if (!src) return src.error();
  auto dst = find_copy_table(state, op, kind, dst_table);
  if (!dst) return dst.error();
  if ((*src)->type != (*dst)->type) {
    return trap(op, std::string(kind_name(kind)) + " tables " + str(src_table) + " and " +
                        str(dst_table) + " are for different types (" + str((*src)->type) +
                        " and " + str((*dst)->type) + ")");
  }
  auto found = find_end(state, op, kind, src_table, **src, handle, true);
  if (!found) return found.error();
  const CopyEnd& end = **found;
  const std::string name = kind_name(kind);
  const std::string which =
      " (the readable end " + str(handle) + " of instance " + str((*src)->instance) + ")";
  if (copying(end.state)) return trap(op, "cannot remove busy " + name + which);
  if (end.state == CopyState::Done) {
    if (end.done_by == DoneBy::Completed) {
      return trap(op, "cannot lift " + name + " after previous read succeeded" + which);
    }
    return trap(
        op, "cannot lift " + name + " after being notified that the writable end dropped" + which);
  }
  if (end.in_waitable_set()) {
    return trap(op, "cannot lift " + name + " while it's in a waitable set" + which);
  }
  CopyEnd moved;
  moved.kind = kind;
  moved.readable = true;
  moved.type = (*src)->type;
  moved.shared = end.shared;
  return move_element(state, op, (*src)->instance, handle, (*dst)->instance, std::move(moved));
}

Expected<uint32_t> find_error_context_table(Host::State& state, std::string_view op,
                                            uint32_t table) {
  auto it = state.error_context_tables.find(table);
  if (it == state.error_context_tables.end()) {
    return trap(op, "unknown error-context table " + str(table));
  }
  return it->second;
}

Expected<ErrorContextHandle*> find_error_context(Host::State& state, std::string_view op,
                                                 uint32_t instance_index, uint32_t handle) {
  auto instance = find_instance(state, op, instance_index);
  if (!instance) return instance.error();
  auto element = find_element(**instance, op, instance_index, handle);
  if (!element) return element.error();
  auto* context = std::get_if<ErrorContextHandle>(*element);
  if (!context) {
    return trap(op, "handle " + str(handle) + " of instance " + str(instance_index) + " is " +
                        describe(**element) + ", not an error-context");
  }
  return context;
}

}  // namespace

Expected<void> Host::add_future_table(uint32_t table, uint32_t instance, uint32_t type,
                                      ElementType element) {
  if (state_->future_tables.contains(table)) {
    return trap("add_future_table", "future table " + str(table) + " is already registered");
  }
  if (!state_->instances.contains(instance)) {
    return trap("add_future_table", "unknown instance " + str(instance));
  }
  state_->future_tables[table] = TableBinding{instance, type, element};
  return {};
}

Expected<void> Host::add_stream_table(uint32_t table, uint32_t instance, uint32_t type,
                                      ElementType element) {
  if (state_->stream_tables.contains(table)) {
    return trap("add_stream_table", "stream table " + str(table) + " is already registered");
  }
  if (!state_->instances.contains(instance)) {
    return trap("add_stream_table", "unknown instance " + str(instance));
  }
  state_->stream_tables[table] = TableBinding{instance, type, element};
  return {};
}

Expected<CopyEnds> Host::future_new(uint32_t table) {
  return new_ends(*state_, "future.new", CopyKind::Future, table);
}
Expected<CopyEnds> Host::stream_new(uint32_t table) {
  return new_ends(*state_, "stream.new", CopyKind::Stream, table);
}
Expected<void> Host::future_drop_readable(uint32_t table, uint32_t handle) {
  return drop_end(*state_, "future.drop-readable", CopyKind::Future, true, table, handle);
}
Expected<void> Host::future_drop_writable(uint32_t table, uint32_t handle) {
  return drop_end(*state_, "future.drop-writable", CopyKind::Future, false, table, handle);
}
Expected<void> Host::stream_drop_readable(uint32_t table, uint32_t handle) {
  return drop_end(*state_, "stream.drop-readable", CopyKind::Stream, true, table, handle);
}
Expected<void> Host::stream_drop_writable(uint32_t table, uint32_t handle) {
  return drop_end(*state_, "stream.drop-writable", CopyKind::Stream, false, table, handle);
}
Expected<uint32_t> Host::future_transfer(uint32_t handle, uint32_t src_table, uint32_t dst_table) {
  return transfer_end(*state_, "future.transfer", CopyKind::Future, handle, src_table, dst_table);
}
Expected<uint32_t> Host::stream_transfer(uint32_t handle, uint32_t src_table, uint32_t dst_table) {
  return transfer_end(*state_, "stream.transfer", CopyKind::Stream, handle, src_table, dst_table);
}

Expected<uint32_t> Host::error_context_new(uint32_t table, std::string debug_message) {
  constexpr std::string_view op = "error-context.new";
  auto instance_index = find_error_context_table(*state_, op, table);
  if (!instance_index) return instance_index.error();
  if (auto leave = check_may_leave(*state_, op, *instance_index); !leave) return leave.error();
  InstanceState& instance = state_->instances.at(*instance_index);
  if (auto room = check_not_full(instance, op, *instance_index); !room) return room.error();
  const uint64_t id = state_->next_error_context++;
  state_->error_contexts[id] = ErrorContextState{std::move(debug_message), 1};
  return instance.handles.add(ErrorContextHandle{id});
}

Expected<std::string> Host::error_context_debug_message(uint32_t table, uint32_t handle) const {
  constexpr std::string_view op = "error-context.debug-message";
  auto instance_index = find_error_context_table(*state_, op, table);
  if (!instance_index) return instance_index.error();
  if (auto leave = check_may_leave(*state_, op, *instance_index); !leave) return leave.error();
  auto context = find_error_context(*state_, op, *instance_index, handle);
  if (!context) return context.error();
  return state_->error_contexts.at((*context)->id).debug_message;
}

Expected<void> Host::error_context_drop(uint32_t table, uint32_t handle) {
  constexpr std::string_view op = "error-context.drop";
  auto instance_index = find_error_context_table(*state_, op, table);
  if (!instance_index) return instance_index.error();
  if (auto leave = check_may_leave(*state_, op, *instance_index); !leave) return leave.error();
  auto context = find_error_context(*state_, op, *instance_index, handle);
  if (!context) return context.error();
  const uint64_t id = (*context)->id;
  state_->instances.at(*instance_index).handles.remove(handle);
  auto shared = state_->error_contexts.find(id);
  if (--shared->second.references == 0) state_->error_contexts.erase(shared);
  return {};
}

Expected<uint32_t> Host::error_context_transfer(uint32_t handle, uint32_t src_table,
                                                uint32_t dst_table) {
  constexpr std::string_view op = "error-context.transfer";
  auto src = find_error_context_table(*state_, op, src_table);
  if (!src) return src.error();
  auto dst = find_error_context_table(*state_, op, dst_table);
  if (!dst) return dst.error();
  auto context = find_error_context(*state_, op, *src, handle);
  if (!context) return context.error();
  const uint64_t id = (*context)->id;
  InstanceState& dst_instance = state_->instances.at(*dst);
  if (auto room = check_not_full(dst_instance, op, *dst); !room) return room.error();
  ++state_->error_contexts.at(id).references;
  return dst_instance.handles.add(ErrorContextHandle{id});
}

}  // namespace fact::host
