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
  }
  return "?";
}

uint32_t task_return_type(std::optional<TypeId> result) { return result ? result->index + 1 : 0; }

}  // namespace fact::component
