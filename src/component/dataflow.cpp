#include "fact/component/dataflow.h"

namespace fact::component {

bool is_resource_builtin(Trampoline::Kind kind) {
  return kind == Trampoline::Kind::ResourceNew || kind == Trampoline::Kind::ResourceRep ||
         kind == Trampoline::Kind::ResourceDrop;
}

const char* trampoline_kind_name(Trampoline::Kind kind) {
  using K = Trampoline::Kind;
  switch (kind) {
    case K::LowerImport: return "lower-import";
    case K::ResourceNew: return "resource.new";
    case K::ResourceRep: return "resource.rep";
    case K::ResourceDrop: return "resource.drop";
    case K::TaskReturn: return "task.return";
    case K::ContextGet: return "context.get";
    case K::ContextSet: return "context.set";
    case K::BackpressureInc: return "backpressure.inc";
    case K::BackpressureDec: return "backpressure.dec";
    case K::ThreadYield: return "thread.yield";
    case K::SubtaskDrop: return "subtask.drop";
    case K::WaitableSetNew: return "waitable-set.new";
    case K::WaitableSetWait: return "waitable-set.wait";
    case K::WaitableSetPoll: return "waitable-set.poll";
    case K::WaitableSetDrop: return "waitable-set.drop";
    case K::WaitableJoin: return "waitable.join";
    case K::SubtaskCancel: return "subtask.cancel";
    case K::TaskCancel: return "task.cancel";
    case K::StreamNew: return "stream.new";
    case K::StreamRead: return "stream.read";
    case K::StreamWrite: return "stream.write";
    case K::StreamCancelRead: return "stream.cancel-read";
    case K::StreamCancelWrite: return "stream.cancel-write";
    case K::StreamDropReadable: return "stream.drop-readable";
    case K::StreamDropWritable: return "stream.drop-writable";
    case K::FutureNew: return "future.new";
    case K::ThreadIndex: return "thread.index";
    case K::ThreadNewIndirect: return "thread.new-indirect";
    case K::ThreadResumeLater: return "thread.resume-later";
    case K::ThreadSuspend: return "thread.suspend";
    case K::ThreadSuspendThenResume: return "thread.suspend-then-resume";
    case K::ThreadYieldThenResume: return "thread.yield-then-resume";
    case K::ThreadSuspendThenPromote: return "thread.suspend-then-promote";
    case K::ThreadYieldThenPromote: return "thread.yield-then-promote";
    case K::FutureRead: return "future.read";
    case K::FutureWrite: return "future.write";
    case K::FutureCancelRead: return "future.cancel-read";
    case K::FutureCancelWrite: return "future.cancel-write";
    case K::FutureDropReadable: return "future.drop-readable";
    case K::FutureDropWritable: return "future.drop-writable";
    case K::ErrorContextNew: return "error-context.new";
    case K::ErrorContextDebugMessage: return "error-context.debug-message";
    case K::ErrorContextDrop: return "error-context.drop";
  }
  return "?";
}

bool is_copy_builtin(Trampoline::Kind kind) {
  return kind >= Trampoline::Kind::StreamNew && kind <= Trampoline::Kind::FutureDropWritable;
}

bool is_error_context_builtin(Trampoline::Kind kind) {
  return kind >= Trampoline::Kind::ErrorContextNew && kind <= Trampoline::Kind::ErrorContextDrop;
}

uint32_t task_return_type(std::optional<TypeId> result) { return result ? result->index + 1 : 0; }

}  // namespace fact::component
