// Canonical definitions: a lift makes a component function of a core
// function; a lower of a lifted function makes a fused adapter, a lower of
// a host import a trampoline; the resource built-ins are trampolines too.
#include "inliner.h"

namespace fact::component::inlining {

Expected<OptionsDef> Inliner::options(Frame& f, const CanonOptions& o, CanonSide side, size_t at) {
  if (o.gc || o.core_type) {
    return fail(f, at,
                std::string(fact::canon_name(side)) +
                    ": the GC options (`gc`, `core-type`) are not supported");
  }
  OptionsDef d;
  d.instance = f.instance;
  d.ancestors = f.ancestors;
  switch (o.string_encoding.value_or(component::StringEncoding::Utf8)) {
    case component::StringEncoding::Utf8: d.string_encoding = fact::StringEncoding::Utf8; break;
    case component::StringEncoding::Utf16: d.string_encoding = fact::StringEncoding::Utf16; break;
    case component::StringEncoding::Latin1Utf16:
      d.string_encoding = fact::StringEncoding::CompactUtf16;
      break;
  }
  if (o.memory) {
    auto m = at_index(f, f.memories, *o.memory, Sort::CoreMemory, at);
    if (!m) return m.error();
    const wasm::MemoryType* type = (*m)->memory_type();
    d.memory = MemoryDef{(*m)->def, type ? *type : wasm::MemoryType{}};
  }
  if (o.realloc) {
    auto r = at_index(f, f.core_funcs, *o.realloc, Sort::CoreFunc, at);
    if (!r) return r.error();
    d.realloc = (*r)->def;
  }
  if (o.post_return) {
    auto p = at_index(f, f.core_funcs, *o.post_return, Sort::CoreFunc, at);
    if (!p) return p.error();
    d.post_return = (*p)->def;
  }
  d.is_async = o.async;
  if (o.callback) {
    auto cb = at_index(f, f.core_funcs, *o.callback, Sort::CoreFunc, at);
    if (!cb) return cb.error();
    d.callback = (*cb)->def;
  }
  return d;
}

wasm::FuncType Inliner::core_type_of(FuncTypeId type, const OptionsDef& o,
                                     SignatureContext context) {
  SignatureOptions so;
  so.memory64 = o.memory && o.memory->type.memory64;
  so.is_async = o.is_async;
  so.callback = o.callback.has_value();
  return flatten_functype(out_.types.store(), type, so, context).func_type();
}

Expected<void> Inliner::add_trampoline(Frame& f, Trampoline t, CoreEntity entity) {
  entity.def =
      CoreDef{CoreDef::Kind::Trampoline, static_cast<uint32_t>(out_.trampolines.size()), ""};
  out_.trampolines.push_back(std::move(t));
  f.core_funcs.push_back(std::move(entity));
  return {};
}

Expected<void> Inliner::step(Frame& f, const Canon& c) {
  switch (c.kind) {
    case CanonKind::Lift: return lift(f, c);
    case CanonKind::Lower: return lower(f, c);
    case CanonKind::ResourceNew:
    case CanonKind::ResourceRep:
    case CanonKind::ResourceDrop: return resource_builtin(f, c);
    case CanonKind::TaskReturn:
    case CanonKind::ContextGet:
    case CanonKind::ContextSet:
    case CanonKind::BackpressureInc:
    case CanonKind::BackpressureDec:
    case CanonKind::ThreadYield:
    case CanonKind::SubtaskDrop:
    case CanonKind::WaitableSetNew:
    case CanonKind::WaitableSetWait:
    case CanonKind::WaitableSetPoll:
    case CanonKind::WaitableSetDrop:
    case CanonKind::WaitableJoin: return async_builtin(f, c);
    case CanonKind::StreamNew:
    case CanonKind::StreamRead:
    case CanonKind::StreamWrite:
    case CanonKind::StreamCancelRead:
    case CanonKind::StreamCancelWrite:
    case CanonKind::StreamDropReadable:
    case CanonKind::StreamDropWritable:
    case CanonKind::FutureNew:
    case CanonKind::FutureRead:
    case CanonKind::FutureWrite:
    case CanonKind::FutureCancelRead:
    case CanonKind::FutureCancelWrite:
    case CanonKind::FutureDropReadable:
    case CanonKind::FutureDropWritable: return copy_builtin(f, c);
    case CanonKind::ErrorContextNew:
    case CanonKind::ErrorContextDebugMessage:
    case CanonKind::ErrorContextDrop: return error_context_builtin(f, c);
    case CanonKind::SubtaskCancel:
    case CanonKind::TaskCancel: return cancel_builtin(f, c);
    case CanonKind::ThreadIndex:
    case CanonKind::ThreadNewIndirect:
    case CanonKind::ThreadResumeLater:
    case CanonKind::ThreadSuspend:
    case CanonKind::ThreadSuspendThenResume:
    case CanonKind::ThreadYieldThenResume:
    case CanonKind::ThreadSuspendThenPromote:
    case CanonKind::ThreadYieldThenPromote: return thread_builtin(f, c);
    default:
      return fail(f, c.offset,
                  std::string("`canon ") + canon_name(c.kind) +
                      "` is not supported yet (fact supports lift, lower, the resource "
                      "built-ins, those of tasks, subtasks, waitable sets, backpressure, "
                      "context, streams, futures, error contexts, cancellation and "
                      "cooperative threads)");
  }
}

Expected<void> Inliner::lift(Frame& f, const Canon& c) {
  auto core = at_index(f, f.core_funcs, c.core_func, Sort::CoreFunc, c.offset);
  if (!core) return core.error();
  auto type = func_type_at(f, *f.scope->types, c.type, c.offset);
  if (!type) return type.error();
  auto opts = options(f, c.options, CanonSide::Lift, c.offset);
  if (!opts) return opts.error();
  if (auto r = check_canon(f, c, *type, *opts, CanonSide::Lift, *core); !r) return r;
  auto lifted = std::make_shared<LiftedFunc>();
  lifted->type = *type;
  lifted->callee = (*core)->def;
  lifted->options = std::move(*opts);
  lifted->offset = c.offset;
  lifted->index = static_cast<uint32_t>(f.funcs.size());
  f.funcs.push_back(FuncItem{std::move(lifted), *type, ""});
  return {};
}

Expected<void> Inliner::lower(Frame& f, const Canon& c) {
  auto func = at_index(f, f.funcs, c.func, Sort::Func, c.offset);
  if (!func) return func.error();
  const FuncItem& item = **func;
  auto opts = options(f, c.options, CanonSide::Lower, c.offset);
  if (!opts) return opts.error();
  if (auto r = check_canon(f, c, item.type, *opts, CanonSide::Lower, nullptr); !r) return r;
  CoreEntity entity;
  entity.type = core_type_of(item.type, *opts, SignatureContext::Lower);
  if (const auto* host = std::get_if<HostFunc>(&item.def)) {
    Trampoline t;
    t.kind = Trampoline::Kind::LowerImport;
    t.instance = f.instance;
    t.import = host->path;
    t.type = item.type;
    t.options = std::move(*opts);
    return add_trampoline(f, std::move(t), std::move(entity));
  }
  const auto& lifted = std::get<std::shared_ptr<LiftedFunc>>(item.def);
  if (auto m = describe_mismatch(out_.types.store(), lifted->type, item.type)) {
    return fail(f, c.offset,
                "canon lower: the lowered function's type does not match the "
                "lifted one: " +
                    *m);
  }
  AdapterDef a;
  a.lift_type = lifted->type;
  a.lower_type = item.type;
  a.lift = lifted->options;
  a.lower = std::move(*opts);
  a.callee = lifted->callee;
  a.lower_name = item.name.empty() ? "func " + std::to_string(c.func) : item.name;
  a.lift_offset = lifted->offset;
  a.lower_offset = c.offset;
  // Equal lowerings of one lifted function share an adapter.
  AdapterKey key{a.lift_type, a.lower_type, a.lift, a.lower, a.callee};
  auto [it, inserted] =
      adapter_ids_.emplace(std::move(key), static_cast<uint32_t>(out_.adapters.size()));
  if (inserted) {
    out_.adapters.push_back(std::move(a));
    lifted_of_adapter_.push_back(lifted);
  }
  entity.def = CoreDef{CoreDef::Kind::Adapter, it->second, ""};
  f.core_funcs.push_back(std::move(entity));
  return {};
}

Expected<void> Inliner::resource_builtin(Frame& f, const Canon& c) {
  auto def = TypeResolver::type_at(*f.scope->types, c.type, c.offset);
  if (!def) return def.error();
  const auto* r = std::get_if<TypeDef::Resource>(&def->def);
  if (!r) {
    return fail(f, c.offset,
                std::string("`canon ") + canon_name(c.kind) + "`: type index " +
                    std::to_string(c.type) + " is not a resource type");
  }
  using wasm::ValType;
  Trampoline t;
  t.instance = f.instance;
  t.resource = r->id;
  CoreEntity entity;
  switch (c.kind) {
    case CanonKind::ResourceNew:
      t.kind = Trampoline::Kind::ResourceNew;
      entity.type = wasm::FuncType{{ValType::I32}, {ValType::I32}};
      break;
    case CanonKind::ResourceRep:
      t.kind = Trampoline::Kind::ResourceRep;
      entity.type = wasm::FuncType{{ValType::I32}, {ValType::I32}};
      break;
    default:
      t.kind = Trampoline::Kind::ResourceDrop;
      entity.type = wasm::FuncType{{ValType::I32}, {}};
      break;
  }
  if (t.kind != Trampoline::Kind::ResourceDrop &&
      out_.types.resource(r->id).instance != f.instance) {
    return fail(f, c.offset,
                std::string("`canon ") + canon_name(c.kind) +
                    "` needs a resource defined by this component");
  }
  return add_trampoline(f, std::move(t), std::move(entity));
}

Expected<void> Inliner::async_builtin(Frame& f, const Canon& c) {
  using wasm::ValType;
  using K = Trampoline::Kind;
  const std::string name = std::string("canon ") + canon_name(c.kind);
  Trampoline t;
  t.instance = f.instance;
  t.cancellable = c.flag;
  CoreEntity entity;
  // The options these built-ins take: `memory` (and for task.return a
  // string encoding), nothing else.
  auto memory_options = [&](bool string_encoding) -> Expected<OptionsDef> {
    const CanonOptions& o = c.options;
    if (o.realloc || o.post_return || o.async || o.callback || o.gc || o.core_type ||
        (!string_encoding && o.string_encoding)) {
      return fail(f, c.offset,
                  "`" + name + "` takes only the `memory`" +
                      (string_encoding ? " and string encoding options" : " option"));
    }
    return options(f, o, CanonSide::Lower, c.offset);
  };
  switch (c.kind) {
    case CanonKind::TaskReturn: {
      t.kind = K::TaskReturn;
      auto opts = memory_options(true);
      if (!opts) return opts.error();
      t.options = std::move(*opts);
      std::vector<TypeId> params;
      if (c.result) {
        auto result = out_.types.valtype(*f.scope->types, *c.result, c.offset);
        if (!result) return result.error();
        if (auto r = check_result_has_no_borrow(out_.types.store(), *result); !r) {
          return fail(f, c.offset, name + ": " + r.error().message);
        }
        t.result = *result;
        params.push_back(*result);
      }
      // The result travels as the built-in's parameters, lowered as a
      // `canon lower` with these options lowers parameters.
      const bool memory64 = t.options.memory && t.options.memory->type.memory64;
      const TypeStore& store = out_.types.store();
      if (auto flat = flatten_types(store, params, memory64, kMaxFlatParams)) {
        entity.type = wasm::FuncType{*flat, {}};
      } else {
        entity.type = wasm::FuncType{{memory64 ? ValType::I64 : ValType::I32}, {}};
      }
      const bool needs_memory = (c.result && contains_list_or_string(store, *t.result)) ||
                                !flatten_types(store, params, memory64, kMaxFlatParams).has_value();
      if (needs_memory && !t.options.memory) {
        return fail(f, c.offset, name + ": canonical option `memory` is required for the result");
      }
      break;
    }
    case CanonKind::ContextGet:
    case CanonKind::ContextSet:
      if (c.slot >= 2) {
        return fail(
            f, c.offset,
            name + ": context slot " + std::to_string(c.slot) + " is out of range (there are 2)");
      }
      t.kind = c.kind == CanonKind::ContextGet ? K::ContextGet : K::ContextSet;
      t.slot = c.slot;
      entity.type = c.kind == CanonKind::ContextGet ? wasm::FuncType{{}, {ValType::I32}}
                                                    : wasm::FuncType{{ValType::I32}, {}};
      break;
    case CanonKind::BackpressureInc:
    case CanonKind::BackpressureDec:
      t.kind = c.kind == CanonKind::BackpressureInc ? K::BackpressureInc : K::BackpressureDec;
      entity.type = wasm::FuncType{};
      break;
    case CanonKind::ThreadYield:
      t.kind = K::ThreadYield;
      entity.type = wasm::FuncType{{}, {ValType::I32}};
      break;
    case CanonKind::SubtaskDrop:
    case CanonKind::WaitableSetDrop:
      t.kind = c.kind == CanonKind::SubtaskDrop ? K::SubtaskDrop : K::WaitableSetDrop;
      entity.type = wasm::FuncType{{ValType::I32}, {}};
      break;
    case CanonKind::WaitableSetNew:
      t.kind = K::WaitableSetNew;
      entity.type = wasm::FuncType{{}, {ValType::I32}};
      break;
    case CanonKind::WaitableJoin:
      t.kind = K::WaitableJoin;
      entity.type = wasm::FuncType{{ValType::I32, ValType::I32}, {}};
      break;
    case CanonKind::WaitableSetWait:
    case CanonKind::WaitableSetPoll: {
      t.kind = c.kind == CanonKind::WaitableSetWait ? K::WaitableSetWait : K::WaitableSetPoll;
      // The memory is an immediate of these two.
      CanonOptions with_memory;
      with_memory.memory = c.memory;
      auto opts = options(f, with_memory, CanonSide::Lower, c.offset);
      if (!opts) return opts.error();
      t.options = std::move(*opts);
      const ValType ptr = t.options.memory->type.memory64 ? ValType::I64 : ValType::I32;
      entity.type = wasm::FuncType{{ValType::I32, ptr}, {ValType::I32}};
      break;
    }
    default: return fail(f, c.offset, "internal error: `" + name + "` is not an async built-in");
  }
  return add_trampoline(f, std::move(t), std::move(entity));
}

}  // namespace fact::component::inlining
