#include "fact/component/ast.h"

namespace fact::component {

const char* sort_name(Sort sort) {
  switch (sort) {
    case Sort::CoreFunc: return "core func";
    case Sort::CoreTable: return "core table";
    case Sort::CoreMemory: return "core memory";
    case Sort::CoreGlobal: return "core global";
    case Sort::CoreTag: return "core tag";
    case Sort::CoreType: return "core type";
    case Sort::CoreModule: return "core module";
    case Sort::CoreInstance: return "core instance";
    case Sort::Func: return "func";
    case Sort::Value: return "value";
    case Sort::Type: return "type";
    case Sort::Component: return "component";
    case Sort::Instance: return "instance";
  }
  return "?";
}

const char* prim_name(PrimValType type) {
  switch (type) {
    case PrimValType::Bool: return "bool";
    case PrimValType::S8: return "s8";
    case PrimValType::U8: return "u8";
    case PrimValType::S16: return "s16";
    case PrimValType::U16: return "u16";
    case PrimValType::S32: return "s32";
    case PrimValType::U32: return "u32";
    case PrimValType::S64: return "s64";
    case PrimValType::U64: return "u64";
    case PrimValType::F32: return "f32";
    case PrimValType::F64: return "f64";
    case PrimValType::Char: return "char";
    case PrimValType::String: return "string";
    case PrimValType::ErrorContext: return "error-context";
  }
  return "?";
}

const char* canon_name(CanonKind kind) {
  switch (kind) {
    case CanonKind::Lift: return "lift";
    case CanonKind::Lower: return "lower";
    case CanonKind::ResourceNew: return "resource.new";
    case CanonKind::ResourceDrop: return "resource.drop";
    case CanonKind::ResourceRep: return "resource.rep";
    case CanonKind::TaskCancel: return "task.cancel";
    case CanonKind::SubtaskCancel: return "subtask.cancel";
    case CanonKind::TaskReturn: return "task.return";
    case CanonKind::ContextGet: return "context.get";
    case CanonKind::ContextSet: return "context.set";
    case CanonKind::ThreadYield: return "thread.yield";
    case CanonKind::SubtaskDrop: return "subtask.drop";
    case CanonKind::StreamNew: return "stream.new";
    case CanonKind::StreamRead: return "stream.read";
    case CanonKind::StreamWrite: return "stream.write";
    case CanonKind::StreamCancelRead: return "stream.cancel-read";
    case CanonKind::StreamCancelWrite: return "stream.cancel-write";
    case CanonKind::StreamDropReadable: return "stream.drop-readable";
    case CanonKind::StreamDropWritable: return "stream.drop-writable";
    case CanonKind::FutureNew: return "future.new";
    case CanonKind::FutureRead: return "future.read";
    case CanonKind::FutureWrite: return "future.write";
    case CanonKind::FutureCancelRead: return "future.cancel-read";
    case CanonKind::FutureCancelWrite: return "future.cancel-write";
    case CanonKind::FutureDropReadable: return "future.drop-readable";
    case CanonKind::FutureDropWritable: return "future.drop-writable";
    case CanonKind::ErrorContextNew: return "error-context.new";
    case CanonKind::ErrorContextDebugMessage: return "error-context.debug-message";
    case CanonKind::ErrorContextDrop: return "error-context.drop";
    case CanonKind::WaitableSetNew: return "waitable-set.new";
    case CanonKind::WaitableSetWait: return "waitable-set.wait";
    case CanonKind::WaitableSetPoll: return "waitable-set.poll";
    case CanonKind::WaitableSetDrop: return "waitable-set.drop";
    case CanonKind::WaitableJoin: return "waitable.join";
    case CanonKind::BackpressureInc: return "backpressure.inc";
    case CanonKind::BackpressureDec: return "backpressure.dec";
    case CanonKind::ThreadIndex: return "thread.index";
    case CanonKind::ThreadNewIndirect: return "thread.new-indirect";
    case CanonKind::ThreadResumeLater: return "thread.resume-later";
    case CanonKind::ThreadSuspend: return "thread.suspend";
    case CanonKind::ThreadSuspendThenResume: return "thread.suspend-then-resume";
    case CanonKind::ThreadYieldThenResume: return "thread.yield-then-resume";
    case CanonKind::ThreadSuspendThenPromote: return "thread.suspend-then-promote";
    case CanonKind::ThreadYieldThenPromote: return "thread.yield-then-promote";
    case CanonKind::ThreadSpawnRef: return "thread.spawn-ref";
    case CanonKind::ThreadSpawnIndirect: return "thread.spawn-indirect";
    case CanonKind::ThreadAvailableParallelism: return "thread.available-parallelism";
  }
  return "?";
}

size_t Definition::offset() const {
  return std::visit([](const auto& d) { return d.offset; }, item);
}

std::optional<Sort> Definition::sort() const {
  struct Visitor {
    std::optional<Sort> operator()(const CoreModule&) const { return Sort::CoreModule; }
    std::optional<Sort> operator()(const CoreInstance&) const { return Sort::CoreInstance; }
    std::optional<Sort> operator()(const CoreType&) const { return Sort::CoreType; }
    std::optional<Sort> operator()(const Component&) const { return Sort::Component; }
    std::optional<Sort> operator()(const Instance&) const { return Sort::Instance; }
    std::optional<Sort> operator()(const Alias& a) const { return a.sort; }
    std::optional<Sort> operator()(const Type&) const { return Sort::Type; }
    std::optional<Sort> operator()(const Canon& c) const {
      return c.kind == CanonKind::Lift ? Sort::Func : Sort::CoreFunc;
    }
    std::optional<Sort> operator()(const Start&) const { return Sort::Value; }
    std::optional<Sort> operator()(const Import& i) const { return i.type.sort; }
    std::optional<Sort> operator()(const Export& e) const { return e.sort; }
    std::optional<Sort> operator()(const Value&) const { return Sort::Value; }
  };
  return std::visit(Visitor{}, item);
}

}  // namespace fact::component
