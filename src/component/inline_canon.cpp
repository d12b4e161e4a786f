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
  if (o.callback) {
    if (auto cb = at_index(f, f.core_funcs, *o.callback, Sort::CoreFunc, at); !cb)
      return cb.error();
  }
  return d;
}

wasm::FuncType Inliner::core_type_of(FuncTypeId type, const OptionsDef& o,
                                     SignatureContext context) {
  SignatureOptions so;
  so.memory64 = o.memory && o.memory->type.memory64;
  return flatten_functype(out_.types.store(), type, so, context).func_type();
}

Expected<void> Inliner::step(Frame& f, const Canon& c) {
  switch (c.kind) {
    case CanonKind::Lift: return lift(f, c);
    case CanonKind::Lower: return lower(f, c);
    case CanonKind::ResourceNew:
    case CanonKind::ResourceRep:
    case CanonKind::ResourceDrop: return resource_builtin(f, c);
    default:
      return fail(f, c.offset,
                  std::string("`canon ") + canon_name(c.kind) +
                      "` is not supported yet (fact supports synchronous lift, "
                      "lower and the resource builtins)");
  }
}

Expected<void> Inliner::lift(Frame& f, const Canon& c) {
  auto core = at_index(f, f.core_funcs, c.core_func, Sort::CoreFunc, c.offset);
  if (!core) return core.error();
  auto type = func_type_at(f, *f.scope->types, c.type, c.offset);
  if (!type) return type.error();
  if (out_.types.store().get(*type).is_async) {
    return fail(f, c.offset, "canon lift: async function types are not supported yet");
  }
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
  if (out_.types.store().get(item.type).is_async) {
    return fail(f, c.offset, "canon lower: async function types are not supported yet");
  }
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
    entity.def =
        CoreDef{CoreDef::Kind::Trampoline, static_cast<uint32_t>(out_.trampolines.size()), ""};
    out_.trampolines.push_back(std::move(t));
    f.core_funcs.push_back(std::move(entity));
    return {};
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
  entity.def =
      CoreDef{CoreDef::Kind::Trampoline, static_cast<uint32_t>(out_.trampolines.size()), ""};
  out_.trampolines.push_back(std::move(t));
  f.core_funcs.push_back(std::move(entity));
  return {};
}

}  // namespace fact::component::inlining
