// Reading and writing futures and streams (CanonicalABI.md: Buffer,
// SharedStreamImpl, SharedFutureImpl, stream_copy, future_copy,
// cancel_copy): a rendezvous without an intermediate buffer. The first side
// to arrive leaves its buffer pending in the shared state; the second copies
// straight from one guest memory to the other, as many elements as both
// buffers allow, at once.
//
// Trap messages are Wasmtime's where its scripts check them.
#include <algorithm>
#include <cstring>
#include <string>

#include "fact/host/host.h"
#include "host_state.h"

namespace fact::host {
namespace {

std::string str(uint64_t value) { return std::to_string(value); }

constexpr uint32_t kBlocked = 0xffffffff;
constexpr uint32_t kMaxLength = (uint32_t{1} << 28) - 1;

// EventCode.STREAM_READ .. FUTURE_WRITE.
uint32_t event_code(CopyKind kind, bool readable) {
  if (kind == CopyKind::Stream) return readable ? 2 : 3;
  return readable ? 4 : 5;
}

bool copying(CopyState state) {
  return state == CopyState::Copying || state == CopyState::CancellingCopy;
}

uint32_t elem_size(const ElementType& element, bool memory64) {
  return memory64 ? element.size64 : element.size32;
}
uint32_t alignment(const ElementType& element, bool memory64) {
  return memory64 ? element.align64 : element.align32;
}

// BufferGuestImpl's constructor: the buffer must be aligned and in bounds
// (only when it can hold elements of a payload).
Expected<void> check_buffer(std::string_view op, const ElementType& element,
                            const CopyOptions& options, uint64_t ptr, uint64_t length) {
  if (!element.present || length == 0) return {};
  if (!options.memory) return trap(op, "the built-in has no memory to copy through");
  const uint64_t align = alignment(element, options.memory64);
  if (ptr % align != 0) {
    return trap(op, "wasm trap: pointer " + str(ptr) + " is not aligned to " + str(align) +
                        " for the elements");
  }
  const uint64_t size = options.memory().size;
  const uint64_t bytes = length * elem_size(element, options.memory64);  // < 2^28 * 2^32
  if (ptr > size || size - ptr < bytes) {
    return trap(op, "wasm trap: pointer/length out of bounds of memory (" + str(length) +
                        " elements at " + str(ptr) + ", memory of " + str(size) + " bytes)");
  }
  return {};
}

}  // namespace

CopyEnd* Host::State::end_at(uint32_t instance, uint32_t handle) {
  auto it = instances.find(instance);
  if (it == instances.end()) return nullptr;
  Element* element = it->second.handles.get(handle);
  return element ? std::get_if<CopyEnd>(element) : nullptr;
}

Event Host::State::deliver_copy_event(uint32_t instance, uint32_t handle) {
  CopyEnd& end = *end_at(instance, handle);
  const CopyEnd::PendingEvent pending = *end.pending_event;
  end.pending_event.reset();
  SharedCopy& shared = *end.shared;
  // The reclaim_buffer of OnCopy: the other side may no longer fill this
  // end's buffer.
  if (pending.reclaim && shared.pending && shared.pending->instance == instance &&
      shared.pending->handle == handle) {
    shared.pending.reset();
  }
  const uint32_t progress = end.buffer ? end.buffer->progress : 0;
  end.buffer.reset();
  const bool done = pending.result == CopyResult::Dropped ||
                    (end.kind == CopyKind::Future && pending.result == CopyResult::Completed);
  end.state = done ? CopyState::Done : CopyState::Idle;
  if (done) {
    end.done_by =
        pending.result == CopyResult::Dropped ? DoneBy::OtherEndDropped : DoneBy::Completed;
  }
  // A future's event carries no count: one element is implied by COMPLETED.
  const uint32_t payload = end.kind == CopyKind::Stream
                               ? static_cast<uint32_t>(pending.result) | (progress << 4)
                               : static_cast<uint32_t>(pending.result);
  return Event{event_code(end.kind, end.readable), handle, payload};
}

void Host::State::drop_shared(SharedCopy& shared) {
  if (shared.dropped) return;
  shared.dropped = true;
  if (!shared.pending) return;
  // reset_and_notify_pending(DROPPED): the waiting side learns it.
  const SharedCopy::Pending pending = *shared.pending;
  shared.pending.reset();
  if (CopyEnd* other = end_at(pending.instance, pending.handle)) {
    other->pending_event = CopyEnd::PendingEvent{CopyResult::Dropped, false};
  }
}

namespace {

// Moves `n` elements from `src` to `dst` and advances both.
Expected<void> move_elements(Host::State& state, std::string_view op, const SharedCopy& shared,
                             GuestBuffer& src, GuestBuffer& dst, uint32_t n) {
  const ElementType& element = shared.element;
  if (element.present && n > 0) {
    if (element.number) {
      // Numbers have the same size in every memory and no invalid bit
      // patterns (floats keep theirs): the copy is one memmove.
      const uint64_t bytes = uint64_t{n} * element.size32;
      const GuestMemory from = src.options.memory();
      const GuestMemory to = dst.options.memory();
      if (src.ptr > from.size || from.size - src.ptr < bytes || dst.ptr > to.size ||
          to.size - dst.ptr < bytes) {
        return trap(op, "wasm trap: pointer/length out of bounds of memory");
      }
      std::memmove(to.data + dst.ptr, from.data + src.ptr, bytes);
    } else {
      if (!state.options.copy_elements) {
        return trap(op, "the embedder gave no way to copy elements of " +
                            std::string(kind_name(shared.kind)) + " type " + str(shared.type));
      }
      const CopySide from{src.instance, &src.options, src.ptr};
      const CopySide to{dst.instance, &dst.options, dst.ptr};
      if (auto copied = state.options.copy_elements(shared.type, from, to, n); !copied) {
        return copied.error();
      }
    }
    src.ptr += uint64_t{n} * elem_size(element, src.options.memory64);
    dst.ptr += uint64_t{n} * elem_size(element, dst.options.memory64);
  }
  src.progress += n;
  dst.progress += n;
  return {};
}

// The `# temporary` rule of SharedStreamImpl/SharedFutureImpl: one
// instance may only read what it writes itself when the payload is a
// number (or absent).
Expected<void> check_not_intra_component(std::string_view op, const SharedCopy& shared, uint32_t a,
                                         uint32_t b) {
  if (a == b && shared.element.present && !shared.element.number) {
    return trap(op,
                "cannot read from and write to intra-component future/stream with non-numeric "
                "payload (instance " +
                    str(a) + ")");
  }
  return {};
}

// The rendezvous of `me` (which just started a read or write with its
// buffer) with whatever the shared state holds: SharedStreamImpl.read/
// write and SharedFutureImpl.read/write. Sets the pending events of both
// sides as the spec's OnCopy/OnCopyDone callbacks would.
Expected<void> rendezvous(Host::State& state, std::string_view op, uint32_t instance,
                          uint32_t handle) {
  CopyEnd* me = state.end_at(instance, handle);
  SharedCopy& shared = *me->shared;
  const bool stream = shared.kind == CopyKind::Stream;
  auto done = [&](CopyEnd& end, CopyResult result) {
    end.pending_event = CopyEnd::PendingEvent{result, false};
  };
  if (shared.dropped) {
    done(*me, CopyResult::Dropped);
    return {};
  }
  if (!shared.pending) {
    shared.pending = SharedCopy::Pending{instance, handle};
    return {};
  }
  const SharedCopy::Pending pending = *shared.pending;
  if (auto r = check_not_intra_component(op, shared, instance, pending.instance); !r) return r;
  CopyEnd* other = state.end_at(pending.instance, pending.handle);
  // Copy on local buffers: copying may run guest code (realloc) that
  // changes the tables the ends live in.
  GuestBuffer mine = *me->buffer;
  GuestBuffer theirs = *other->buffer;
  GuestBuffer& src = me->readable ? theirs : mine;
  GuestBuffer& dst = me->readable ? mine : theirs;
  if (!stream) {
    // A future moves its one value and completes both sides.
    if (auto moved = move_elements(state, op, shared, src, dst, 1); !moved) return moved;
    shared.pending.reset();
    me = state.end_at(instance, handle);
    other = state.end_at(pending.instance, pending.handle);
    me->buffer = mine;
    other->buffer = theirs;
    done(*other, CopyResult::Completed);
    done(*me, CopyResult::Completed);
    return {};
  }
  if (theirs.remain() > 0) {
    if (mine.remain() > 0) {
      const uint32_t n = std::min(mine.remain(), theirs.remain());
      if (auto moved = move_elements(state, op, shared, src, dst, n); !moved) return moved;
      me = state.end_at(instance, handle);
      other = state.end_at(pending.instance, pending.handle);
      me->buffer = mine;
      other->buffer = theirs;
      // OnCopy: the waiting side may be filled further until it takes its
      // event.
      other->pending_event = CopyEnd::PendingEvent{CopyResult::Completed, true};
    }
    done(*me, CopyResult::Completed);
    return {};
  }
  // The waiting side has a zero-length buffer: it is told, and this side
  // waits in its place, except that a zero-length write meeting a
  // zero-length read completes at once.
  if (!me->readable && mine.length == 0 && theirs.length == 0) {
    done(*me, CopyResult::Completed);
    return {};
  }
  shared.pending.reset();
  done(*other, CopyResult::Completed);
  shared.pending = SharedCopy::Pending{instance, handle};
  return {};
}

// The messages Wasmtime gives for an end that is not IDLE.
Error not_idle(std::string_view op, const CopyEnd& end, uint32_t instance, uint32_t handle) {
  const std::string where = " (handle " + str(handle) + " of instance " + str(instance) + ")";
  if (copying(end.state)) {
    return trap(op, "cannot have concurrent operations active on a future/stream" + where);
  }
  if (end.done_by == DoneBy::OtherEndDropped) {
    return trap(op, std::string(end.readable ? "cannot read after being notified that the "
                                               "writable end dropped"
                                             : "cannot write after being notified that the "
                                               "readable end dropped") +
                        where);
  }
  return trap(op,
              std::string(end.readable ? "cannot read from future after previous read succeeded"
                                       : "cannot write to future after previous write succeeded or "
                                         "readable end dropped") +
                  where);
}

constexpr const char* kSyncAndAsync =
    "waitable cannot be used synchronously while added to a waitable set";

// Waitable.wait_for_pending_event for the end `handle` of `instance`.
Expected<void> wait_for_pending_event(Host::State& state, std::string_view op, uint32_t instance,
                                      uint32_t handle) {
  state.end_at(instance, handle)->has_sync_waiter = true;
  Expected<void> waited = state.wait_until(op, [&state, instance, handle] {
    const CopyEnd* end = state.end_at(instance, handle);
    return end && end->pending_event.has_value();
  });
  if (CopyEnd* end = state.end_at(instance, handle)) end->has_sync_waiter = false;
  return waited;
}

// stream_copy and future_copy.
Expected<uint32_t> copy(Host::State& state, std::string_view op, CopyKind kind, bool readable,
                        uint32_t table, uint32_t handle, const CopyOptions& options, uint64_t ptr,
                        uint64_t count) {
  auto found = find_end_of_builtin(state, op, kind, table, handle, readable);
  if (!found) return found.error();
  const uint32_t instance = found->instance;
  CopyEnd& end = *found->end;
  if (end.state != CopyState::Idle) return not_idle(op, end, instance, handle);
  if (end.in_waitable_set() && !options.async) {
    return trap(op, std::string(kSyncAndAsync) + " (handle " + str(handle) + " of instance " +
                        str(instance) + ")");
  }
  if (count > kMaxLength) {
    return trap(op, "stream read/write count too large (" + str(count) + " elements; at most " +
                        str(kMaxLength) + ")");
  }
  if (auto valid = check_buffer(op, end.shared->element, options, ptr, count); !valid) {
    return valid.error();
  }
  end.buffer = GuestBuffer{instance, options, ptr, static_cast<uint32_t>(count), 0};
  end.state = CopyState::Copying;
  if (auto met = rendezvous(state, op, instance, handle); !met) return met.error();
  if (!state.end_at(instance, handle)->pending_event) {
    if (options.async) return kBlocked;
    if (auto waited = wait_for_pending_event(state, op, instance, handle); !waited) {
      return waited.error();
    }
  }
  return state.deliver_copy_event(instance, handle)[2];
}

// cancel_copy.
Expected<uint32_t> cancel(Host::State& state, std::string_view op, CopyKind kind, bool readable,
                          uint32_t table, uint32_t handle, bool async) {
  auto found = find_end_of_builtin(state, op, kind, table, handle, readable);
  if (!found) return found.error();
  const uint32_t instance = found->instance;
  CopyEnd& end = *found->end;
  const std::string where = " (handle " + str(handle) + " of instance " + str(instance) + ")";
  if (end.state != CopyState::Copying || end.has_sync_waiter) {
    return trap(op, std::string("there is no ") + kind_name(kind) +
                        (readable ? " read" : " write") + " in progress to cancel" + where);
  }
  if (end.in_waitable_set() && !async) return trap(op, kSyncAndAsync + where);
  end.state = CopyState::CancellingCopy;
  if (!end.pending_event) {
    // SharedCopy.cancel: this end's buffer is the pending one; it is
    // handed back at once.
    SharedCopy& shared = *end.shared;
    shared.pending.reset();
    end.pending_event = CopyEnd::PendingEvent{CopyResult::Cancelled, false};
  }
  return state.deliver_copy_event(instance, handle)[2];
}

}  // namespace

Expected<uint32_t> Host::stream_read(uint32_t table, uint32_t handle, const CopyOptions& options,
                                     uint64_t ptr, uint64_t count) {
  return copy(*state_, "stream.read", CopyKind::Stream, true, table, handle, options, ptr, count);
}
Expected<uint32_t> Host::stream_write(uint32_t table, uint32_t handle, const CopyOptions& options,
                                      uint64_t ptr, uint64_t count) {
  return copy(*state_, "stream.write", CopyKind::Stream, false, table, handle, options, ptr, count);
}
Expected<uint32_t> Host::future_read(uint32_t table, uint32_t handle, const CopyOptions& options,
                                     uint64_t ptr) {
  return copy(*state_, "future.read", CopyKind::Future, true, table, handle, options, ptr, 1);
}
Expected<uint32_t> Host::future_write(uint32_t table, uint32_t handle, const CopyOptions& options,
                                      uint64_t ptr) {
  return copy(*state_, "future.write", CopyKind::Future, false, table, handle, options, ptr, 1);
}
Expected<uint32_t> Host::stream_cancel_read(uint32_t table, uint32_t handle, bool async) {
  return cancel(*state_, "stream.cancel-read", CopyKind::Stream, true, table, handle, async);
}
Expected<uint32_t> Host::stream_cancel_write(uint32_t table, uint32_t handle, bool async) {
  return cancel(*state_, "stream.cancel-write", CopyKind::Stream, false, table, handle, async);
}
Expected<uint32_t> Host::future_cancel_read(uint32_t table, uint32_t handle, bool async) {
  return cancel(*state_, "future.cancel-read", CopyKind::Future, true, table, handle, async);
}
Expected<uint32_t> Host::future_cancel_write(uint32_t table, uint32_t handle, bool async) {
  return cancel(*state_, "future.cancel-write", CopyKind::Future, false, table, handle, async);
}

}  // namespace fact::host
