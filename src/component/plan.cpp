#include "fact/component/plan.h"

#include "fact/wasm/module_reader.h"

namespace fact::component {
namespace {

wasm::ExternKind extern_kind(fact::Import::Kind kind) {
  switch (kind) {
    case fact::Import::Kind::Func: return wasm::ExternKind::Func;
    case fact::Import::Kind::Memory: return wasm::ExternKind::Memory;
    case fact::Import::Kind::Global: return wasm::ExternKind::Global;
  }
  return wasm::ExternKind::Func;
}

class PlanBuilder {
 public:
  explicit PlanBuilder(const ComponentResult& r)
      : r_(r),
        core_count_(static_cast<uint32_t>(r.flow.instances.size())),
        module_count_(static_cast<uint32_t>(r.adapters.modules.size())),
        state_(module_count_, State::Pending) {}

  Expected<Plan> run() {
    plan_.core_instances = core_count_;
    for (uint32_t i = 0; i < core_count_; ++i) {
      const CoreInstanceDef& inst = r_.flow.instances[i];
      if (inst.imported_module) {
        return Error{"the plan of a component that imports a core module (`" +
                     *inst.imported_module + "`) is not supported yet"};
      }
      const CoreModule* module = r_.flow.modules.at(inst.module);
      auto info = wasm::read_module_interface(module->bytes, module->offset);
      if (!info) return info.error();
      if (info->imports.size() != inst.args.size()) {
        return Error{"internal error: core instance " + std::to_string(i) + " has " +
                     std::to_string(inst.args.size()) + " arguments for " +
                     std::to_string(info->imports.size()) + " imports"};
      }
      PlanStep step;
      step.kind = PlanStep::Kind::CoreModule;
      step.index = i;
      step.instance = i;
      step.module = inst.module;
      step.component_instance = inst.component_instance;
      for (size_t a = 0; a < inst.args.size(); ++a) {
        PlanDef def = plan_def(inst.args[a]);
        if (auto r = need(def, i); !r) return r.error();
        const wasm::ModuleInterface::Import& imp = info->imports[a];
        step.args.push_back(PlanArg{imp.module, imp.field, imp.kind, std::move(def)});
      }
      plan_.steps.push_back(std::move(step));
      ++cores_done_;
    }
    for (uint32_t k = 0; k < module_count_; ++k) {
      if (auto r = emit_module(k); !r) return r.error();
    }
    for (const RootExport& e : r_.flow.exports) {
      PlanExport out;
      out.name = e.name;
      out.type = e.type;
      out.host_import = e.host_import;
      if (e.callee) {
        out.core_func = plan_def(*e.callee);
        out.options = plan_options(e.options);
      }
      plan_.exports.push_back(std::move(out));
    }
    describe_host_side();
    return std::move(plan_);
  }

 private:
  enum class State : uint8_t { Pending, Emitting, Done };

  PlanOptions plan_options(const OptionsDef& o) const {
    PlanOptions out;
    out.component_instance = o.instance;
    out.string_encoding = o.string_encoding;
    if (o.memory) {
      out.memory = fact::Memory{std::get<CoreExport>(plan_def(o.memory->def)), o.memory->type};
    }
    if (o.realloc) out.realloc = plan_def(*o.realloc);
    if (o.post_return) out.post_return = plan_def(*o.post_return);
    out.is_async = o.is_async;
    if (o.callback) out.callback = plan_def(*o.callback);
    return out;
  }

  // Resources, trampolines and handle tables. The adapters' TableMap is
  // extended, never renumbered, so the table constants inside the adapter
  // modules and those of the builtins name the same tables.
  void describe_host_side() {
    plan_.tables = r_.adapters.tables;
    const std::vector<ResourceInfo>& resources = r_.flow.types.resources();
    for (size_t id = 0; id < resources.size(); ++id) {
      PlanResource out;
      out.id = static_cast<ResourceId>(id);
      out.name = resources[id].name;
      out.component_instance = resources[id].instance;
      if (resources[id].destructor) out.destructor = plan_def(*resources[id].destructor);
      out.import = resources[id].import_path;
      plan_.resources.push_back(std::move(out));
    }
    for (const TypeResolver::ResourceImport& i : r_.flow.types.resource_imports()) {
      plan_.resource_imports.push_back(PlanResourceImport{i.path, i.resource, i.alias});
    }
    for (size_t t = 0; t < r_.flow.trampolines.size(); ++t) {
      const Trampoline& tr = r_.flow.trampolines[t];
      PlanTrampolineDef out;
      out.id = static_cast<uint32_t>(t);
      out.kind = tr.kind;
      out.component_instance = tr.instance;
      if (tr.kind == Trampoline::Kind::LowerImport) {
        out.import = tr.import;
        out.type = tr.type;
        out.options = plan_options(tr.options);
      } else if (is_resource_builtin(tr.kind)) {
        out.resource = tr.resource;
        out.table = plan_.tables.table(TableMap::Kind::Resource, tr.resource, tr.instance);
      } else {
        if (is_copy_builtin(tr.kind)) {
          const bool stream = tr.kind <= Trampoline::Kind::StreamDropWritable;
          out.copy_type = tr.copy_type;
          out.table = plan_.tables.table(stream ? TableMap::Kind::Stream : TableMap::Kind::Future,
                                         tr.copy_type.index, tr.instance);
        } else if (is_error_context_builtin(tr.kind)) {
          out.table = plan_.tables.table(TableMap::Kind::ErrorContext, 0, tr.instance);
        }
        out.options = plan_options(tr.options);
        out.result = tr.result;
        out.result_type = task_return_type(tr.result);
        out.slot = tr.slot;
        out.cancellable = tr.cancellable;
        if (tr.func_table) out.func_table = plan_def(*tr.func_table);
        out.start_type = tr.start_type;
      }
      plan_.trampolines.push_back(std::move(out));
    }
  }

  PlanDef plan_def(const CoreDef& d) const {
    if (d.kind == CoreDef::Kind::Trampoline) return PlanTrampoline{d.index};
    return r_.adapters.names.name(d);
  }

  // An item of a core instance, named by the CoreItemNames, mapped back.
  Expected<PlanDef> named_def(const CoreExport& item) const {
    const CoreDef* def = r_.adapters.names.def_of(item);
    if (!def) {
      return Error{"internal error: adapter module import of `" + item.name + "` of instance " +
                   std::to_string(item.instance) + ", which no adapter named"};
    }
    return plan_def(*def);
  }

  Expected<std::optional<PlanDef>> named_def(const std::optional<CoreExport>& item) const {
    if (!item) return std::optional<PlanDef>();
    auto def = named_def(*item);
    if (!def) return def.error();
    return std::optional<PlanDef>(std::move(*def));
  }

  Expected<PlanDef> start_call_def(bool async_lower, const std::optional<CoreExport>& callback,
                                   const std::optional<CoreExport>& post_return) {
    PlanStartCallDef out;
    out.async_lower = async_lower;
    auto c = named_def(callback);
    if (!c) return c.error();
    out.callback = std::move(*c);
    auto p = named_def(post_return);
    if (!p) return p.error();
    out.post_return = std::move(*p);
    plan_.start_calls.push_back(std::move(out));
    return PlanDef(PlanStartCall{static_cast<uint32_t>(plan_.start_calls.size() - 1)});
  }

  // What an adapter module's import is bound to.
  Expected<PlanDef> adapter_import_def(const ImportBinding& b) {
    return std::visit(
        [&](const auto& x) -> Expected<PlanDef> {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, binding::Export>) {
            return named_def(x.item);
          } else if constexpr (std::is_same_v<T, binding::PrepareCall>) {
            auto memory = named_def(x.memory);
            if (!memory) return memory.error();
            PlanPrepareCall out{x.adapter, std::nullopt};
            if (*memory) out.memory = std::get<CoreExport>(**memory);
            return PlanDef(std::move(out));
          } else if constexpr (std::is_same_v<T, binding::SyncStartCall>) {
            return start_call_def(false, x.callback, std::nullopt);
          } else if constexpr (std::is_same_v<T, binding::AsyncStartCall>) {
            return start_call_def(true, x.callback, x.post_return);
          } else {
            return PlanDef(x);
          }
        },
        b);
  }

  // Makes sure what `def` names exists before the step that uses it:
  // adapter modules are emitted on demand, core instances must be earlier.
  Expected<void> need(const PlanDef& def, uint32_t user_core) {
    const auto* e = std::get_if<CoreExport>(&def);
    if (!e) return {};
    if (e->instance < core_count_) {
      if (e->instance >= cores_done_) {
        return Error{"internal error: instance " + std::to_string(e->instance) +
                     " is needed before it is created (by the step before core instance " +
                     std::to_string(user_core) + ")"};
      }
      return {};
    }
    return emit_module(e->instance - core_count_, user_core);
  }

  Expected<void> emit_module(uint32_t k, uint32_t user_core = UINT32_MAX) {
    if (state_.at(k) == State::Done) return {};
    if (state_[k] == State::Emitting) {
      return Error{"internal error: adapter module " + std::to_string(k) + " depends on itself"};
    }
    state_[k] = State::Emitting;
    const AdapterModuleOutput& m = r_.adapters.modules[k];
    PlanStep step;
    step.kind = PlanStep::Kind::AdapterModule;
    step.index = k;
    step.instance = core_count_ + k;
    for (const fact::Import& imp : m.imports) {
      auto def = adapter_import_def(imp.binding);
      if (!def) return def.error();
      if (auto r = need(*def, user_core); !r) return r.error();
      step.args.push_back(PlanArg{imp.module, imp.field, extern_kind(imp.kind), std::move(*def)});
    }
    plan_.steps.push_back(std::move(step));
    state_[k] = State::Done;
    return {};
  }

  const ComponentResult& r_;
  uint32_t core_count_;
  uint32_t module_count_;
  std::vector<State> state_;
  uint32_t cores_done_ = 0;
  Plan plan_;
};

}  // namespace

Expected<Plan> build_plan(const ComponentResult& result) { return PlanBuilder(result).run(); }

std::optional<size_t> step_of_instance(const Plan& plan, uint32_t instance) {
  for (size_t s = 0; s < plan.steps.size(); ++s) {
    if (plan.steps[s].instance == instance) return s;
  }
  return std::nullopt;
}

}  // namespace fact::component
