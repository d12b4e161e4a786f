#include "run/component_runner.h"

#include <map>

#include "host/resources.h"
#include "run/reference.h"
#include "run/transcode.h"
#include "run/wasm_runtime.h"

namespace fact::run {
namespace {

using Handle = wasm::Runtime::Handle;
using wasm::Val;
using wasm::ValType;

std::vector<ValType> val_types(const std::vector<CoreType>& types) {
  std::vector<ValType> out;
  for (CoreType t : types) {
    switch (t) {
      case CoreType::I32: out.push_back(ValType::I32); break;
      case CoreType::I64: out.push_back(ValType::I64); break;
      case CoreType::F32: out.push_back(ValType::F32); break;
      case CoreType::F64: out.push_back(ValType::F64); break;
    }
  }
  return out;
}

// One runtime intrinsic on the reference host; a host error is a trap.
std::optional<std::string> call_intrinsic(host::Host& host, Intrinsic which, const std::vector<Val>& args,
                                          std::vector<Val>& results) {
  std::vector<uint32_t> raw;
  for (const Val& a : args) raw.push_back(static_cast<uint32_t>(a.bits));
  Expected<std::optional<uint32_t>> r = host::call_intrinsic(host, which, raw);
  if (!r) return r.error().message;
  if (*r) results.at(0).bits = **r;
  return std::nullopt;
}

// The first handle type (own, borrow, future, stream, error-context) inside
// `type`: the host side has no values of those yet.
std::optional<TypeKind> handle_inside(const TypeStore& store, TypeId type) {
  const TypeNode& node = store.get(type);
  switch (node.kind) {
    case TypeKind::Own:
    case TypeKind::Borrow:
    case TypeKind::Future:
    case TypeKind::Stream:
    case TypeKind::ErrorContext: return node.kind;
    default: break;
  }
  std::vector<TypeId> children = node.elements;
  if (node.element) children.push_back(*node.element);
  if (node.kind == TypeKind::Map) {
    children.push_back(node.key);
    children.push_back(node.value);
  }
  for (const Field& f : node.fields) children.push_back(f.type);
  for (const Case& c : node.cases) {
    if (c.type) children.push_back(*c.type);
  }
  for (TypeId child : children) {
    if (auto k = handle_inside(store, child)) return k;
  }
  return std::nullopt;
}

}  // namespace

struct ComponentRunner::Impl {
  const component::ComponentResult& result;
  const component::Plan& plan;
  wasm::Runtime runtime;
  host::Host host;
  std::vector<std::optional<Handle>> instances;  // by plan instance
  std::map<uint32_t, Handle> flags;              // by component instance
  // A trap leaves the instances in an unknown state (a call scope open,
  // memory half written): like a trapped component instance, the runner
  // refuses further calls.
  std::optional<std::string> trapped;

  Impl(const component::ComponentResult& r, const component::Plan& p) : result(r), plan(p) {}

  Expected<Handle> export_handle(const CoreExport& e) {
    if (e.instance >= instances.size() || !instances[e.instance]) {
      return Error{"internal error: instance " + std::to_string(e.instance) + " is used before it is created"};
    }
    return runtime.export_of(*instances[e.instance], e.name);
  }

  // `memories`: the memory imports of the module being instantiated, which
  // transcoders name by index.
  Expected<Handle> resolve(const component::PlanDef& def, const FuncSignature* signature,
                           const std::vector<Handle>& memories = {}) {
    if (const auto* e = std::get_if<CoreExport>(&def)) return export_handle(*e);
    if (const auto* t = std::get_if<component::PlanTrampoline>(&def)) {
      const component::Trampoline& tr = result.flow.trampolines.at(t->index);
      if (tr.kind == component::Trampoline::Kind::LowerImport) {
        return Error{"component import `" + tr.import + "` is not satisfied: fact run provides no host imports"};
      }
      return Error{"resource builtins (canon resource.new/rep/drop) are not supported by fact run yet"};
    }
    if (const auto* f = std::get_if<binding::InstanceFlags>(&def)) {
      auto it = flags.find(f->instance);
      if (it == flags.end()) it = flags.emplace(f->instance, runtime.global(ValType::I32, true, 1)).first;
      return it->second;
    }
    if (!signature) return Error{"internal error: a runtime function without a signature"};
    const std::vector<ValType> params = val_types(signature->params);
    const std::vector<ValType> results = val_types(signature->results);
    if (const auto* t = std::get_if<binding::Trap>(&def)) {
      std::string message = trap_message(t->code);
      return runtime.host_func(params, results, [message](const std::vector<Val>&, std::vector<Val>&) {
        return std::optional<std::string>(message);
      });
    }
    if (const auto* t = std::get_if<binding::Transcoder>(&def)) {
      if (t->from_memory >= memories.size() || t->to_memory >= memories.size()) {
        return Error{"internal error: a transcoder names a memory the adapter module does not import"};
      }
      const Handle from = memories[t->from_memory];
      const Handle to = memories[t->to_memory];
      const Transcode op = t->op;
      return runtime.host_func(params, results,
                               [this, op, from, to](const std::vector<Val>& args, std::vector<Val>& out) {
                                 return run_transcoder(op, RawMemory{runtime.memory_data(from), runtime.memory_size(from)},
                                                       RawMemory{runtime.memory_data(to), runtime.memory_size(to)},
                                                       args, out);
                               });
    }
    const Intrinsic which = std::get<binding::RuntimeIntrinsic>(def).intrinsic;
    return runtime.host_func(params, results, [this, which](const std::vector<Val>& args, std::vector<Val>& out) {
      return call_intrinsic(host, which, args, out);
    });
  }

  Expected<void> run_step(const component::PlanStep& step) {
    std::vector<Handle> imports;
    const std::vector<fact::Import>* adapter_imports = nullptr;
    if (step.kind == component::PlanStep::Kind::AdapterModule) {
      adapter_imports = &result.adapters.modules.at(step.index).imports;
    }
    std::vector<Handle> memories;
    for (size_t a = 0; a < step.args.size(); ++a) {
      const FuncSignature* signature = adapter_imports ? &(*adapter_imports)[a].func : nullptr;
      auto handle = resolve(step.args[a].def, signature, memories);
      if (!handle) return handle.error();
      imports.push_back(*handle);
      if (step.args[a].kind == component::CoreExternType::Kind::Memory) memories.push_back(*handle);
    }
    const std::vector<uint8_t>& wasm = step.kind == component::PlanStep::Kind::CoreModule
                                           ? result.flow.modules.at(step.module)->bytes
                                           : result.adapters.modules.at(step.index).wasm;
    auto instance = runtime.instantiate(wasm, imports);
    if (!instance) {
      return Error{(step.kind == component::PlanStep::Kind::CoreModule ? "core instance " : "adapter module ") +
                   std::to_string(step.index) + ": " + instance.error().message};
    }
    if (instances.size() <= step.instance) instances.resize(step.instance + 1);
    instances[step.instance] = *instance;
    return {};
  }
};

ComponentRunner::ComponentRunner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ComponentRunner::~ComponentRunner() = default;

Expected<std::unique_ptr<ComponentRunner>> ComponentRunner::create(const component::ComponentResult& result,
                                                                   const component::Plan& plan) {
  auto impl = std::make_unique<Impl>(result, plan);
  for (size_t i = 0; i < result.flow.component_instances.size(); ++i) {
    if (auto r = impl->host.add_instance(static_cast<uint32_t>(i), result.flow.component_instances[i].parent); !r) {
      return r.error();
    }
  }
  for (const component::PlanStep& step : plan.steps) {
    if (auto r = impl->run_step(step); !r) return r.error();
  }
  return std::unique_ptr<ComponentRunner>(new ComponentRunner(std::move(impl)));
}

const component::PlanExport* ComponentRunner::find_export(std::string_view name) const {
  for (const component::PlanExport& e : impl_->plan.exports) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

const TypeStore& ComponentRunner::types() const { return impl_->result.flow.types.store(); }

Expected<CallResult> ComponentRunner::call(const component::PlanExport& e, const std::vector<Value>& args) {
  Impl& m = *impl_;
  if (!e.core_func) {
    return Error{"`" + e.name + "` is the host import `" + e.host_import +
                 "` exported again, which fact run does not provide"};
  }
  if (m.trapped) return Error{"the component trapped earlier (" + *m.trapped + ") and cannot be called again"};
  const TypeStore& store = types();
  const FuncType& type = store.get(e.type);
  std::vector<TypeId> params, results;
  for (const Param& p : type.params) params.push_back(p.type);
  if (type.result) results.push_back(*type.result);
  std::vector<TypeId> all = params;
  all.insert(all.end(), results.begin(), results.end());
  for (TypeId t : all) {
    if (auto k = handle_inside(store, t)) {
      return Error{"`" + e.name + "` passes values of type " + kind_name(*k) +
                   ", which fact run does not support yet"};
    }
  }
  if (args.size() != params.size()) {
    return Error{"`" + e.name + "` takes " + std::to_string(params.size()) + " arguments, " +
                 std::to_string(args.size()) + " given"};
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (auto ok = check_value(store, params[i], args[i]); !ok) {
      return Error{"argument " + std::to_string(i + 1) + " of `" + e.name + "`: " + ok.error().message};
    }
  }

  auto func = m.resolve(*e.core_func, nullptr);
  if (!func) return func.error();
  std::optional<Handle> memory, realloc, post_return;
  if (e.options.memory) {
    auto h = m.export_handle(e.options.memory->export_);
    if (!h) return h.error();
    memory = *h;
  }
  if (e.options.realloc) {
    auto h = m.resolve(*e.options.realloc, nullptr);
    if (!h) return h.error();
    realloc = *h;
  }
  if (e.options.post_return) {
    auto h = m.resolve(*e.options.post_return, nullptr);
    if (!h) return h.error();
    post_return = *h;
  }

  const bool memory64 = e.options.memory && e.options.memory->type.memory64;
  MemoryView view;
  view.memory64 = memory64;
  view.encoding = e.options.string_encoding;
  // realloc may grow the memory, which moves its bytes.
  auto refresh = [&] {
    if (!memory) return;
    view.data = m.runtime.memory_data(*memory);
    view.size = m.runtime.memory_size(*memory);
  };
  refresh();
  std::optional<std::string> realloc_trap;
  view.allocate = [&](uint64_t align, uint64_t size) -> Expected<uint64_t> {
    if (!memory || !realloc) return Error{"`" + e.name + "` needs memory and realloc options to pass its arguments"};
    auto word = [&](uint64_t v) { return memory64 ? Val::i64(v) : Val::i32(static_cast<uint32_t>(v)); };
    wasm::CallOutcome out = m.runtime.call(*realloc, {word(0), word(0), word(align), word(size)});
    refresh();
    if (out.trap) {
      realloc_trap = out.trap;
      return Error{*out.trap};
    }
    return out.results.at(0).bits;
  };

  CallResult call_result;
  // Every path that sets call_result.trap returns through here.
  auto trap = [&](std::string message) {
    m.trapped = message;
    call_result.trap = std::move(message);
    return call_result;
  };
  if (auto entered = m.host.enter_host_call(e.options.component_instance); !entered) {
    return trap(entered.error().message);
  }
  Reference ref(store);
  auto flat = ref.lower_flat_values(params, args, kMaxFlatParams, view);
  if (realloc_trap) {
    return trap(*realloc_trap);
  }
  if (!flat) return flat.error();
  wasm::CallOutcome out = m.runtime.call(*func, *flat);
  if (out.trap) {
    return trap(*out.trap);
  }
  refresh();
  auto lifted = ref.lift_flat_values(results, out.results, kMaxFlatResults, view);
  if (!lifted) {
    // A lift error is the component's fault (an invalid char, string or case index).
    return trap(lifted.error().message);
  }
  if (post_return) {
    wasm::CallOutcome post = m.runtime.call(*post_return, out.results);
    if (post.trap) {
      return trap(*post.trap);
    }
  }
  if (auto exited = m.host.exit_host_call(); !exited) {
    return trap(exited.error().message);
  }
  if (!lifted->empty()) call_result.result = std::move(lifted->front());
  return call_result;
}

}  // namespace fact::run
