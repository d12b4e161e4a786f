// The built-ins of futures, streams, error contexts and cancellation
// (CanonicalABI.md: canon_{stream,future}_*, canon_error_context_*,
// canon_subtask_cancel, canon_task_cancel): trampolines the host provides,
// with the core types and option rules of their validation.
#include "fact/canon_rules.h"
#include "inliner.h"

namespace fact::component::inlining {

using wasm::ValType;

namespace {

using K = Trampoline::Kind;

struct CopyBuiltin {
  K kind;
  bool stream;
  enum class Op : uint8_t { New, Read, Write, CancelRead, CancelWrite, DropReadable, DropWritable };
  Op op;
};

CopyBuiltin copy_builtin_of(CanonKind kind) {
  using Op = CopyBuiltin::Op;
  switch (kind) {
    case CanonKind::StreamNew: return {K::StreamNew, true, Op::New};
    case CanonKind::StreamRead: return {K::StreamRead, true, Op::Read};
    case CanonKind::StreamWrite: return {K::StreamWrite, true, Op::Write};
    case CanonKind::StreamCancelRead: return {K::StreamCancelRead, true, Op::CancelRead};
    case CanonKind::StreamCancelWrite: return {K::StreamCancelWrite, true, Op::CancelWrite};
    case CanonKind::StreamDropReadable: return {K::StreamDropReadable, true, Op::DropReadable};
    case CanonKind::StreamDropWritable: return {K::StreamDropWritable, true, Op::DropWritable};
    case CanonKind::FutureNew: return {K::FutureNew, false, Op::New};
    case CanonKind::FutureRead: return {K::FutureRead, false, Op::Read};
    case CanonKind::FutureWrite: return {K::FutureWrite, false, Op::Write};
    case CanonKind::FutureCancelRead: return {K::FutureCancelRead, false, Op::CancelRead};
    case CanonKind::FutureCancelWrite: return {K::FutureCancelWrite, false, Op::CancelWrite};
    case CanonKind::FutureDropReadable: return {K::FutureDropReadable, false, Op::DropReadable};
    default: return {K::FutureDropWritable, false, Op::DropWritable};
  }
}

}  // namespace

Expected<void> Inliner::copy_builtin(Frame& f, const Canon& c) {
  using Op = CopyBuiltin::Op;
  const CopyBuiltin b = copy_builtin_of(c.kind);
  const std::string name = std::string("canon ") + canon_name(c.kind);
  auto def = TypeResolver::type_at(*f.scope->types, c.type, c.offset);
  if (!def) return def.error();
  const auto* value = std::get_if<TypeDef::Value>(&def->def);
  const TypeStore& store = out_.types.store();
  const TypeKind expected = b.stream ? TypeKind::Stream : TypeKind::Future;
  if (!value || store.get(value->type).kind != expected) {
    return fail(f, c.offset,
                name + ": type index " + std::to_string(c.type) + " is not a " +
                    (b.stream ? "stream" : "future") + " type");
  }
  Trampoline t;
  t.kind = b.kind;
  t.instance = f.instance;
  t.copy_type = value->type;
  t.cancellable = c.flag;
  CoreEntity entity;
  switch (b.op) {
    case Op::New: entity.type = wasm::FuncType{{}, {ValType::I64}}; break;
    case Op::Read:
    case Op::Write: {
      const CanonOptions& o = c.options;
      if (o.post_return || o.callback) {
        return fail(f, c.offset, name + " takes no `post-return` or `callback` option");
      }
      auto opts = options(f, o, CanonSide::Lower, c.offset);
      if (!opts) return opts.error();
      t.options = std::move(*opts);
      const std::optional<TypeId> element = store.get(value->type).element;
      if (element) {
        // Reading lowers values into this memory (lift's rules for the
        // reader's options: realloc for strings and lists); writing lifts
        // them out of it.
        if (!t.options.memory) {
          return fail(f, c.offset, name + ": canonical option `memory` is required");
        }
        if (b.op == Op::Read && contains_list_or_string(store, *element) && !t.options.realloc) {
          return fail(f, c.offset,
                      name +
                          ": canonical option `realloc` is required (the elements contain a "
                          "string or list)");
        }
      }
      if (t.options.realloc) {
        const bool memory64 = t.options.memory && t.options.memory->type.memory64;
        const wasm::FuncType* actual = f.core_funcs[*o.realloc].func_type();
        if (actual && *actual != realloc_type(memory64)) {
          return fail(f, c.offset,
                      name + ": the `realloc` function has type " + wasm::to_string(*actual) +
                          ", but " + wasm::to_string(realloc_type(memory64)) + " is expected");
        }
      }
      const ValType ptr =
          t.options.memory && t.options.memory->type.memory64 ? ValType::I64 : ValType::I32;
      entity.type = b.stream ? wasm::FuncType{{ValType::I32, ptr, ptr}, {ptr}}
                             : wasm::FuncType{{ValType::I32, ptr}, {ValType::I32}};
      break;
    }
    case Op::CancelRead:
    case Op::CancelWrite: entity.type = wasm::FuncType{{ValType::I32}, {ValType::I32}}; break;
    case Op::DropReadable:
    case Op::DropWritable: entity.type = wasm::FuncType{{ValType::I32}, {}}; break;
  }
  return add_trampoline(f, std::move(t), std::move(entity));
}

Expected<void> Inliner::error_context_builtin(Frame& f, const Canon& c) {
  const std::string name = std::string("canon ") + canon_name(c.kind);
  Trampoline t;
  t.instance = f.instance;
  CoreEntity entity;
  if (c.kind == CanonKind::ErrorContextDrop) {
    t.kind = K::ErrorContextDrop;
    entity.type = wasm::FuncType{{ValType::I32}, {}};
  } else {
    const bool message_out = c.kind == CanonKind::ErrorContextDebugMessage;
    t.kind = message_out ? K::ErrorContextDebugMessage : K::ErrorContextNew;
    const CanonOptions& o = c.options;
    if (o.post_return || o.callback || o.async || (!message_out && o.realloc)) {
      return fail(f, c.offset,
                  name + " takes only the `memory`" + (message_out ? ", `realloc`" : "") +
                      " and string encoding options");
    }
    auto opts = options(f, o, CanonSide::Lower, c.offset);
    if (!opts) return opts.error();
    t.options = std::move(*opts);
    if (!t.options.memory) {
      return fail(f, c.offset, name + ": canonical option `memory` is required");
    }
    if (message_out && !t.options.realloc) {
      return fail(f, c.offset, name + ": canonical option `realloc` is required");
    }
    const ValType ptr = t.options.memory->type.memory64 ? ValType::I64 : ValType::I32;
    entity.type = message_out ? wasm::FuncType{{ValType::I32, ptr}, {}}
                              : wasm::FuncType{{ptr, ptr}, {ValType::I32}};
  }
  return add_trampoline(f, std::move(t), std::move(entity));
}

Expected<void> Inliner::cancel_builtin(Frame& f, const Canon& c) {
  Trampoline t;
  t.instance = f.instance;
  CoreEntity entity;
  if (c.kind == CanonKind::TaskCancel) {
    t.kind = K::TaskCancel;
    entity.type = wasm::FuncType{};
  } else {
    t.kind = K::SubtaskCancel;
    t.cancellable = c.flag;
    entity.type = wasm::FuncType{{ValType::I32}, {ValType::I32}};
  }
  return add_trampoline(f, std::move(t), std::move(entity));
}

Expected<void> Inliner::thread_builtin(Frame& f, const Canon& c) {
  const std::string name = std::string("canon ") + canon_name(c.kind);
  Trampoline t;
  t.instance = f.instance;
  t.cancellable = c.flag;
  CoreEntity entity;
  const wasm::FuncType takes_thread{{ValType::I32}, {ValType::I32}};
  switch (c.kind) {
    case CanonKind::ThreadIndex:
      t.kind = K::ThreadIndex;
      entity.type = wasm::FuncType{{}, {ValType::I32}};
      break;
    case CanonKind::ThreadNewIndirect: {
      t.kind = K::ThreadNewIndirect;
      if (c.core_type >= f.scope->types->core_types.size()) {
        return fail(f, c.offset,
                    name + ": core type index " + std::to_string(c.core_type) + " is out of range");
      }
      const std::optional<wasm::FuncType>& start = f.scope->types->core_types[c.core_type].func;
      // canon_thread_new_indirect: the thread's function takes the one
      // context value (i32, or i64 with 64-bit memories) and returns nothing.
      if (!start || !start->results.empty() || start->params.size() != 1 ||
          (start->params[0] != ValType::I32 && start->params[0] != ValType::I64)) {
        return fail(f, c.offset,
                    name + ": the start function type must be [i32] -> [] or [i64] -> []");
      }
      auto table = at_index(f, f.tables, c.table, Sort::CoreTable, c.offset);
      if (!table) return table.error();
      const auto* table_type =
          (*table)->type ? std::get_if<wasm::TableType>(&*(*table)->type) : nullptr;
      if (table_type && table_type->element != ValType::funcref()) {
        return fail(f, c.offset, name + ": the table must hold funcref");
      }
      t.func_table = (*table)->def;
      t.start_type = *start;
      entity.type = wasm::FuncType{{ValType::I32, start->params[0]}, {ValType::I32}};
      break;
    }
    case CanonKind::ThreadResumeLater:
      t.kind = K::ThreadResumeLater;
      entity.type = wasm::FuncType{{ValType::I32}, {}};
      break;
    case CanonKind::ThreadSuspend:
      t.kind = K::ThreadSuspend;
      entity.type = wasm::FuncType{{}, {ValType::I32}};
      break;
    case CanonKind::ThreadSuspendThenResume:
      t.kind = K::ThreadSuspendThenResume;
      entity.type = takes_thread;
      break;
    case CanonKind::ThreadYieldThenResume:
      t.kind = K::ThreadYieldThenResume;
      entity.type = takes_thread;
      break;
    case CanonKind::ThreadSuspendThenPromote:
      t.kind = K::ThreadSuspendThenPromote;
      entity.type = takes_thread;
      break;
    case CanonKind::ThreadYieldThenPromote:
      t.kind = K::ThreadYieldThenPromote;
      entity.type = takes_thread;
      break;
    default: return fail(f, c.offset, "internal error: `" + name + "` is not a thread built-in");
  }
  return add_trampoline(f, std::move(t), std::move(entity));
}

}  // namespace fact::component::inlining
