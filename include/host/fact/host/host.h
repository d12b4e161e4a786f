// A reference host for the runtime imports of fact's adapter modules
// (docs/import-abi.md, "Runtime intrinsics" and "Adapters with an async
// side"):
//
//   resource.transfer-own      -> Host::resource_transfer_own
//   resource.transfer-borrow   -> Host::resource_transfer_borrow
//   future.transfer            -> Host::future_transfer
//   stream.transfer            -> Host::stream_transfer
//   error-context.transfer     -> Host::error_context_transfer
//   async.enter-sync-call      -> Host::enter_sync_call
//   async.exit-sync-call       -> Host::exit_sync_call
//   context.get0 / get1        -> Host::context_get(0 / 1)
//   context.set0 / set1        -> Host::context_set(0 / 1, value)
//   sync.[prepare-call]{name}  -> Host::prepare_call
//   sync.[start-call]{name}    -> Host::sync_start_call
//   async.[start-call]{name}   -> Host::async_start_call
//
// plus the guest built-ins that create, use and drop what those imports
// move around (canon resource.new/rep/drop; future/stream.new, read, write,
// cancel-read, cancel-write and drops; error-context.new/debug-message/
// drop), and those of tasks (task.return, task.cancel, waitable sets,
// subtask.drop, subtask.cancel, backpressure, thread.yield). The
// transcoders are in transcode.h. The async side (tasks on fibers, the scheduler) is described
// with its functions below and in docs/host.md.
//
// Semantics are the Canonical ABI's (CanonicalABI.md: Table, ResourceHandle,
// lift_own/lift_borrow/lower_own/lower_borrow, canon_resource_*, Task and
// Subtask borrow accounting, Store.lift's reentrance check, context.get/set).
//
// Model
// -----
// * Instances. Every runtime component instance (CanonOptions::instance) is
//   registered with add_instance, with its parent when it was instantiated by
//   another component. Each instance has ONE handle table, as in the spec:
//   resource handles, future/stream ends and error contexts share its index
//   space. Index 0 is never valid; freed indices are reused, last freed first
//   (the spec's free list); at most 2^28 - 1 entries.
// * Resource types are opaque u32 ids, registered with add_resource_type: the
//   instance that implements (defines) the type, or none for a host-defined
//   type, and an optional destructor.
// * Tables. The `src_table` / `dst_table` constants an adapter passes are
//   Wasmtime's TypeResourceTableIndex / TypeFutureTableIndex /
//   TypeStreamTableIndex / TypeComponentLocalErrorContextTableIndex: each
//   names one type as seen from one instance. Register each with
//   add_resource_table(table, instance, type) and friends. The four kinds are
//   separate index spaces. The guest built-ins take the same table indices
//   (a `canon resource.drop $rt` in instance I binds to the table of ($rt, I)).
// * Call scopes. enter_sync_call pushes a scope (the callee's task, and the
//   caller's subtask), exit_sync_call pops it. transfer-borrow records lends
//   and borrow handles in the innermost scope. The embedder may bracket calls
//   from the host into a guest with enter_host_call / exit_host_call, which
//   gives the guest a task (context slots, borrow scope) and makes the
//   reentrance check of enter_sync_call complete.
// * Context slots. With concurrency support (the default, as in
//   ModuleOptions), every scope has its own two slots, zero on entry: a
//   call runs as a new thread of the callee, whose context starts zeroed,
//   and the caller's slots are back when it returns.
//   Outside any scope, and in every scope when concurrency support is off,
//   the slots of the outermost (host) thread are used.
//
// Errors
// ------
// Every operation returns fact::Expected. An error is a trap: the embedder
// must abort the running wasm with the message (e.g. return a wabt trap).
// The message starts with the operation's name. A failing operation leaves
// the host unchanged, with one exception: when a destructor fails, the
// handle is already gone and the destructor's call scope stays open (the
// trap ends the store anyway).
//
// Where Wasmtime and the specification differ, this host follows the
// specification (docs/divergences.md): lift_borrow records a lend for
// borrow handles too, not only for own handles, so a borrow handle that is
// lent on to a nested call cannot be dropped until that call exits.
//
// Binding an adapter module (sketch, for an interpreter such as libwabt):
//
//   fact::host::Host host;
//   host.add_instance(0); host.add_instance(1);
//   host.add_resource_type(/*type*/ 7, /*implementer*/ 1,
//                          [](uint32_t rep) -> fact::Expected<void> { ...; return {}; });
//   host.add_resource_table(/*table*/ 0, /*instance*/ 0, /*type*/ 7);
//   host.add_resource_table(/*table*/ 1, /*instance*/ 1, /*type*/ 7);
//   for (const fact::Import& import : module.imports()) {
//     auto* rt = std::get_if<fact::binding::RuntimeIntrinsic>(&import.binding);
//     if (!rt) continue;
//     switch (rt->intrinsic) {
//       case fact::Intrinsic::ResourceTransferOwn:
//         bind(import, [&](uint32_t h, uint32_t src, uint32_t dst) {
//           return trap_or_value(host.resource_transfer_own(h, src, dst));
//         });
//         break;
//       case fact::Intrinsic::EnterSyncCall:
//         bind(import, [&](uint32_t caller, uint32_t is_async, uint32_t callee) {
//           return trap_or_void(host.enter_sync_call(caller, is_async, callee));
//         });
//         break;
//       case fact::Intrinsic::ContextGet0:
//         bind(import, [&] { return trap_or_value(host.context_get(0)); });
//         break;
//       ... one line per intrinsic, all u32 in and u32 out ...
//     }
//   }
//
// The canon built-ins of the guests bind the same way: `resource.new $rt` of
// instance I to [&](uint32_t rep) { return host.resource_new(table_of(rt, I), rep); }.
// docs/host.md has a longer walk-through.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fact/adapter.h"
#include "fact/error.h"
#include "fact/host/fiber.h"
#include "fact/wasm/types.h"

namespace fact::host {

// What a poll of a host task says.
enum class HostTaskPoll : uint8_t {
  // It has resolved: its result is lowered into the caller.
  Resolved,
  // Not yet, but it goes on by itself: poll it again.
  Pending,
  // Not yet, and it waits for something only guests can do. When every
  // host task is idle and no thread can run, the event loop reports a
  // deadlock instead of waiting forever.
  Idle,
};

// A call of a function the embedder implements, in progress (the spec's
// subtask whose callee is the host).
struct HostTask {
  // Goes on with the call. Called by the event loop between turns of the
  // component threads, never inside another poll; an error is a trap.
  std::function<Expected<HostTaskPoll>()> poll;
  // The caller cancelled the call before it resolved: it stops, and is not
  // polled again.
  std::function<void()> cancel;
};

// A handle lent to a host task (host_lift_borrow): its table and index.
struct BorrowedHandle {
  uint32_t table = 0;
  uint32_t handle = 0;
};

// Called with the rep when an own handle of the resource type is dropped.
// An error is a trap and is returned by resource_drop.
using Destructor = std::function<Expected<void>(uint32_t rep)>;

// The may_leave flag of a runtime component instance (the `flags.instance{N}`
// global of the adapter modules). The built-ins that the spec guards with
// `trap_if(not inst.may_leave)` consult it.
using MayLeave = std::function<bool(uint32_t instance)>;

// A core function of a guest, as the embedder names it: for libwabt, the
// store reference a funcref value holds.
struct GuestFunc {
  uint64_t ref = 0;
  friend bool operator==(const GuestFunc&, const GuestFunc&) = default;
};

// Calls a guest function: its results, or an error, which is a trap (the
// message is the trap's).
using GuestCall =
    std::function<Expected<std::vector<wasm::Val>>(GuestFunc, const std::vector<wasm::Val>&)>;

// Sets the may_leave flag of an instance (its flags global), which the host
// clears while it runs a post-return function.
using SetMayLeave = std::function<void(uint32_t instance, bool may_leave)>;

// Where a built-in writes through a pointer: the memory's current bytes
// (asked for when needed, since running guest code may grow it).
struct GuestMemory {
  uint8_t* data = nullptr;
  uint64_t size = 0;
};
using MemoryAccess = std::function<GuestMemory()>;

// The payload type of a future or stream, as the host needs it to check
// and advance buffers (alignment, elem_size) and to decide how elements
// move.
struct ElementType {
  bool present = false;  // false: `future` / `stream` without a payload
  // An integer or float type (the spec's none_or_number_type): copied
  // byte for byte, and one instance may both read and write it.
  bool number = false;
  uint32_t size32 = 0, align32 = 1;  // in a 32-bit memory
  uint32_t size64 = 0, align64 = 1;  // in a 64-bit memory
};

// The canonical options of a stream or future built-in (read, write).
struct CopyOptions {
  MemoryAccess memory;
  bool memory64 = false;
  StringEncoding string_encoding = StringEncoding::Utf8;
  std::optional<GuestFunc> realloc;
  bool async = false;
};

// One side of a copy between two guest buffers.
struct CopySide {
  uint32_t instance = 0;
  const CopyOptions* options = nullptr;
  uint64_t ptr = 0;  // the first element; aligned and in bounds
};

// Moves `count` elements of a payload that is not a number: lifts them from
// `from` (load) and lowers them into `to` (store, with `to`'s realloc and
// string encoding). `type` is the table's type, as the embedder registered
// it. An error is a trap.
using CopyElements = std::function<Expected<void>(uint32_t type, const CopySide& from,
                                                  const CopySide& to, uint32_t count)>;

struct HostOptions {
  // Wasmtime's Tunables::concurrency_support, as in fact::ModuleOptions:
  // when on, every call scope has its own context slots.
  bool concurrency_support = true;
  // Empty: every instance may always leave.
  MayLeave may_leave;
  // Needed for calls with an async side (start calls, host calls of async
  // functions): the host calls the callee and the adapter's helpers.
  GuestCall call_guest;
  SetMayLeave set_may_leave;
  // Needed for futures and streams whose payload is not a number.
  CopyElements copy_elements;
  // What the fibers of blocking calls and threads run on (fact/host/fiber.h).
  FiberBackend fiber_backend = FiberBackend::Ucontext;
};

// How a function was lifted: `canon lift` without `async`, with `async`
// and a callback (stackless: the callback is the event loop), or with
// `async` alone (stackful: the callee blocks in built-ins).
enum class LiftKind : uint8_t { Sync, Callback, Stackful };

// What the host must know to run a call of a lifted function.
struct LiftedFunc {
  uint32_t instance = 0;
  bool type_async = false;  // the function type has the async effect
  LiftKind lift = LiftKind::Sync;
  GuestFunc callee;
  std::optional<GuestFunc> callback;     // LiftKind::Callback
  std::optional<GuestFunc> post_return;  // LiftKind::Sync
  // What task.return must match (canon_task_return): the result type, as
  // the embedder numbers types (the constant adapters pass to
  // prepare-call), the identity of the lift's memory and its string
  // encoding.
  uint32_t result_type = 0;
  std::optional<uint64_t> memory;
  StringEncoding string_encoding = StringEncoding::Utf8;
};

// The copy state of a future or stream end (the spec's CopyState).
enum class CopyState : uint8_t { Idle, Copying, CancellingCopy, Done };

enum class CopyKind : uint8_t { Future, Stream };

// The two ends made by future.new / stream.new, both in the same instance.
struct CopyEnds {
  uint32_t readable = 0;
  uint32_t writable = 0;
};

// What one slot of an instance's handle table holds, for embedders (debug
// printing, tests) and for the async layer built on top of this host.
struct HandleInfo {
  enum class Kind : uint8_t {
    Own,
    Borrow,
    ErrorContext,
    ReadableFuture,
    WritableFuture,
    ReadableStream,
    WritableStream,
    Subtask,
    WaitableSet,
  };
  Kind kind = Kind::Own;
  // Own/Borrow: the resource type; future and stream ends: the payload type.
  uint32_t type = 0;
  uint32_t rep = 0;        // Own/Borrow
  uint32_t num_lends = 0;  // Own/Borrow: borrows lent out of this handle
  // Borrow: how many scopes deep (1 = outermost) the borrow's scope is.
  std::size_t scope_depth = 0;
  uint64_t error_context = 0;              // ErrorContext: identity of the shared value
  CopyState copy_state = CopyState::Idle;  // future and stream ends
  bool in_waitable_set = false;            // future and stream ends
};

// Not copyable; a moved-from Host may only be destroyed or assigned to.
class Host {
 public:
  explicit Host(HostOptions options = {});
  ~Host();
  Host(Host&&) noexcept;
  Host& operator=(Host&&) noexcept;

  // --- Registration (errors: duplicates, unknown instances or types) ------

  Expected<void> add_instance(uint32_t instance, std::optional<uint32_t> parent = std::nullopt);
  // `implementer`: the instance whose `canon resource.new` creates values of
  // this type; none for a host-defined type.
  Expected<void> add_resource_type(uint32_t type, std::optional<uint32_t> implementer,
                                   Destructor destructor = {});
  Expected<void> add_resource_table(uint32_t table, uint32_t instance, uint32_t type);
  // `type` identifies the future or stream type (opaque: ends of one type
  // only meet ends of the same type); `element` describes its payload.
  Expected<void> add_future_table(uint32_t table, uint32_t instance, uint32_t type,
                                  ElementType element = {});
  Expected<void> add_stream_table(uint32_t table, uint32_t instance, uint32_t type,
                                  ElementType element = {});
  Expected<void> add_error_context_table(uint32_t table, uint32_t instance);

  // --- Adapter imports --------------------------------------------------------

  // lift_own from src_table's instance, then lower_own into dst_table's:
  // returns the new own handle's index. Traps unless `handle` is an own handle
  // of the table's type that is not lent out.
  Expected<uint32_t> resource_transfer_own(uint32_t handle, uint32_t src_table, uint32_t dst_table);
  // lift_borrow (records a lend on the source handle in the innermost scope,
  // undone by its exit) then lower_borrow: the rep when dst_table's instance
  // implements the type, otherwise a new borrow handle tied to the innermost
  // scope. Traps outside any scope, and unless src_table belongs to the
  // innermost call's caller and dst_table to its callee (borrows only travel
  // in parameters).
  Expected<uint32_t> resource_transfer_borrow(uint32_t handle, uint32_t src_table,
                                              uint32_t dst_table);
  // Moves a readable end; traps unless it is idle and in no waitable set.
  Expected<uint32_t> future_transfer(uint32_t handle, uint32_t src_table, uint32_t dst_table);
  Expected<uint32_t> stream_transfer(uint32_t handle, uint32_t src_table, uint32_t dst_table);
  // A new handle in dst to the same error context; the source handle stays.
  Expected<uint32_t> error_context_transfer(uint32_t handle, uint32_t src_table,
                                            uint32_t dst_table);

  // Push a call scope for a synchronous call from `caller_instance` into
  // `callee_instance`. Traps when `callee_is_async` is not 0 or 1, when an
  // instance is unknown, when the caller is not the instance running in the
  // innermost scope, or when the call would reenter an instance that is
  // already on the call stack (Store.lift's may_enter_from).
  // `callee_is_async` has no other effect: a synchronous caller of an
  // async-typed callee simply waits for it (docs/divergences.md,
  // `task_may_block`), and this host runs every call to completion.
  Expected<void> enter_sync_call(uint32_t caller_instance, uint32_t callee_is_async,
                                 uint32_t callee_instance);
  // Pop the innermost scope, which must come from enter_sync_call. Traps if
  // the callee still holds borrow handles it received in it; otherwise gives
  // the lent handles back and restores the caller's context slots.
  Expected<void> exit_sync_call();

  // Slot 0 or 1 of the current thread.
  Expected<uint32_t> context_get(uint32_t slot) const;
  Expected<void> context_set(uint32_t slot, uint32_t value);

  // --- Host calls into guests -------------------------------------------------

  // As enter_sync_call with the host as the caller.
  Expected<void> enter_host_call(uint32_t callee_instance);
  // As exit_sync_call, for a scope from enter_host_call.
  Expected<void> exit_host_call();
  // The host passes its own value of a resource type into an instance: a new
  // own handle (lower_own). Works for every resource type.
  Expected<uint32_t> host_lower_own(uint32_t table, uint32_t rep);
  // The host takes an own handle out of an instance (lift_own): its rep.
  Expected<uint32_t> host_lift_own(uint32_t table, uint32_t handle);
  // The host borrows handle `handle` (own or borrow) of the table's
  // instance (lift_borrow): its rep. The handle is lent (it cannot be
  // dropped or moved) until the lend is handed to call_host_task, which
  // gives it back when the caller learns that the call resolved.
  Expected<uint32_t> host_lift_borrow(uint32_t table, uint32_t handle);

  // --- Calls of host functions ------------------------------------------------

  // canon_lower of a function the embedder implements (a host task), by
  // the running instance `caller`: `task` was started with the lifted
  // arguments, `borrows` are the handles host_lift_borrow lent it. The task
  // is polled once now; then
  //   async: RETURNED (2) if it resolved, else STARTED (1) | handle << 4,
  //     a subtask in the caller's table that each turn of the event loop
  //     polls until it resolves (or the caller cancels it);
  //   sync: the caller waits, as for any callee, until it resolved:
  //     RETURNED.
  // Without a running call (a core start function) the task must resolve
  // at once. A poll's error is a trap of the caller.
  Expected<uint32_t> call_host_task(uint32_t caller, HostTask task,
                                    std::span<const BorrowedHandle> borrows, bool async);

  // --- Guest built-ins --------------------------------------------------------

  // canon resource.new / rep: the table's instance must implement its type.
  Expected<uint32_t> resource_new(uint32_t table, uint32_t rep);
  Expected<uint32_t> resource_rep(uint32_t table, uint32_t handle) const;
  // canon resource.drop: an own handle runs the destructor (inside a call
  // scope from the dropping instance into the implementer, when there is
  // one); a borrow handle gives its scope's borrow back.
  Expected<void> resource_drop(uint32_t table, uint32_t handle);

  Expected<CopyEnds> future_new(uint32_t table);
  Expected<CopyEnds> stream_new(uint32_t table);
  Expected<void> future_drop_readable(uint32_t table, uint32_t handle);
  Expected<void> future_drop_writable(uint32_t table, uint32_t handle);
  Expected<void> stream_drop_readable(uint32_t table, uint32_t handle);
  Expected<void> stream_drop_writable(uint32_t table, uint32_t handle);
  // stream.read / stream.write (stream_copy): `count` elements at `ptr`.
  // The result is the packed `result | progress << 4`, or BLOCKED
  // (0xffffffff) when an async copy has to wait.
  Expected<uint32_t> stream_read(uint32_t table, uint32_t handle, const CopyOptions& options,
                                 uint64_t ptr, uint64_t count);
  Expected<uint32_t> stream_write(uint32_t table, uint32_t handle, const CopyOptions& options,
                                  uint64_t ptr, uint64_t count);
  // future.read / future.write (future_copy): one element at `ptr`.
  Expected<uint32_t> future_read(uint32_t table, uint32_t handle, const CopyOptions& options,
                                 uint64_t ptr);
  Expected<uint32_t> future_write(uint32_t table, uint32_t handle, const CopyOptions& options,
                                  uint64_t ptr);
  // {stream,future}.cancel-{read,write} (cancel_copy).
  Expected<uint32_t> stream_cancel_read(uint32_t table, uint32_t handle, bool async);
  Expected<uint32_t> stream_cancel_write(uint32_t table, uint32_t handle, bool async);
  Expected<uint32_t> future_cancel_read(uint32_t table, uint32_t handle, bool async);
  Expected<uint32_t> future_cancel_write(uint32_t table, uint32_t handle, bool async);

  Expected<uint32_t> error_context_new(uint32_t table, std::string debug_message);
  Expected<std::string> error_context_debug_message(uint32_t table, uint32_t handle) const;
  Expected<void> error_context_drop(uint32_t table, uint32_t handle);

  // --- Calls with an async side (docs/import-abi.md, docs/host.md) ---------
  //
  // Every call that may block runs on a fiber of its own (fact/host/fiber.h);
  // sync-typed calls run on their caller's stack. Blocking follows the
  // Canonical ABI: an async-typed call suspends its fiber and the caller
  // goes on; a sync-typed call runs the ready threads of its own instance
  // until it can go on, and traps when there are none ("cannot block a
  // synchronous task before returning", or "deadlock detected: event loop
  // cannot make further progress" when other threads wait elsewhere).

  // `sync.[prepare-call]{adapter}`: `args` are the import's arguments (the
  // two helper funcrefs as GuestFunc refs, six i32 constants, the caller's
  // parameters). `memory` is the identity of the lift's memory.
  Expected<void> prepare_call(const std::vector<wasm::Val>& args, std::optional<uint64_t> memory);
  // `sync.[start-call]{adapter}`: runs the prepared call until the callee
  // has returned its result: the caller's flat results.
  Expected<std::vector<wasm::Val>> sync_start_call(std::optional<GuestFunc> callback,
                                                   GuestFunc callee, uint32_t param_count);
  // `async.[start-call]`: starts the prepared call and runs it until it
  // blocks or returns: RETURNED (2), or the subtask's state | handle << 4.
  Expected<uint32_t> async_start_call(std::optional<GuestFunc> callback,
                                      std::optional<GuestFunc> post_return, GuestFunc callee,
                                      uint32_t param_count, uint32_t result_count, uint32_t flags);

  // A call from the host into `func` (Store.invoke, then the event loop
  // until the call returns): `caller` is the host's own instance,
  // `on_start` gives the callee's flat arguments, `on_resolve` receives
  // its flat results (core results of a sync lift, the arguments of
  // task.return otherwise) and `post_return` runs after it for sync lifts.
  Expected<void> call_from_host(
      uint32_t caller, const LiftedFunc& func,
      std::function<Expected<std::vector<wasm::Val>>()> on_start,
      std::function<Expected<void>(const std::vector<wasm::Val>&)> on_resolve);

  // Guest built-ins of the running call's instance (the CanonicalABI.md
  // function of the same name).
  Expected<void> task_return(uint32_t result_type, std::optional<uint64_t> memory,
                             StringEncoding string_encoding, const std::vector<wasm::Val>& args);
  Expected<uint32_t> waitable_set_new();
  // Wait for / poll an event of the set, written as two u32 at `ptr`.
  // `cancellable`: a cancellation of the task is delivered as the event
  // TASK_CANCELLED (6).
  Expected<uint32_t> waitable_set_wait(uint32_t set, const MemoryAccess& memory, uint64_t ptr,
                                       bool cancellable = false);
  Expected<uint32_t> waitable_set_poll(uint32_t set, const MemoryAccess& memory, uint64_t ptr,
                                       bool cancellable = false);
  Expected<void> waitable_set_drop(uint32_t set);
  Expected<void> waitable_join(uint32_t waitable, uint32_t set);
  Expected<void> subtask_drop(uint32_t subtask);
  Expected<void> backpressure_inc();
  Expected<void> backpressure_dec();
  // Lets the other ready threads run first: 0, or 1 when `cancellable`
  // and the task was cancelled meanwhile.
  Expected<uint32_t> thread_yield(bool cancellable = false);
  // canon subtask.cancel: asks the callee to hurry; its final state
  // (RETURNED, CANCELLED_BEFORE_STARTED = 3, CANCELLED_BEFORE_RETURNED = 4),
  // or BLOCKED (0xffffffff) when `async` and it has not resolved yet.
  Expected<uint32_t> subtask_cancel(uint32_t subtask, bool async);
  // canon task.cancel: the running task resolves without a result, once
  // its cancellation was delivered.
  Expected<void> task_cancel();

  // --- Cooperative threads (canon thread.*) -----------------------------------
  //
  // A task's threads are its implicit thread and those thread.new-indirect
  // makes; each has an index in its instance's thread table, and the task
  // ends when the last of them exits (it must have resolved by then).

  // thread.index: the running thread's index.
  Expected<uint32_t> thread_index();
  // thread.new-indirect: a new thread of the running task, which will call
  // `func` with `arg` (the embedder checked its type); it starts suspended.
  // Its index.
  Expected<uint32_t> thread_new(GuestFunc func, wasm::Val arg);
  // thread.resume-later: the suspended thread `index` of the running
  // instance becomes ready.
  Expected<void> thread_resume_later(uint32_t index);
  // thread.suspend: the running thread suspends until another resumes it;
  // 1 when it was resumed to have a cancellation delivered (`cancellable`).
  Expected<uint32_t> thread_suspend(bool cancellable);
  // thread.{suspend,yield}-then-{resume,promote}: the running thread
  // suspends (or yields) and thread `index` of its instance runs next. A
  // `resume` needs it suspended; a `promote` switches to it only when it is
  // ready to run, and otherwise just suspends (or yields).
  enum class ThreadSwitch : uint8_t {
    SuspendThenResume,
    YieldThenResume,
    SuspendThenPromote,
    YieldThenPromote,
  };
  Expected<uint32_t> thread_switch(ThreadSwitch how, uint32_t index, bool cancellable);

  // Unwinds every suspended fiber: each blocking call in it returns a trap
  // and its body ends. After a trap, and before the engine the fibers run
  // guest code in goes away (the destructor does it too).
  void unwind_suspended();

  // --- Inspection -------------------------------------------------------------

  // The slot `handle` of `instance`'s table; none if unknown or empty.
  std::optional<HandleInfo> inspect(uint32_t instance, uint32_t handle) const;
  // Occupied slots of `instance`'s table (0 if unknown).
  std::size_t live_handles(uint32_t instance) const;
  // Open call scopes (enter_sync_call / enter_host_call / destructor calls).
  std::size_t call_depth() const;
  // Error contexts with at least one handle.
  std::size_t live_error_contexts() const;

  // The implementation's state (src/host/host_state.h).
  struct State;

 private:
  std::unique_ptr<State> state_;
};

// Calls what an adapter import bound to `binding::RuntimeIntrinsic{which}`
// does on `host`: `args` are the import's i32 arguments; the result is its
// i32 result, or nullopt for the imports that return nothing. An error is a
// trap with that message.
Expected<std::optional<uint32_t>> call_intrinsic(Host& host, Intrinsic which,
                                                 std::span<const uint32_t> args);

}  // namespace fact::host
