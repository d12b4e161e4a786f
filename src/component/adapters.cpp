#include "fact/component/adapters.h"

#include <algorithm>
#include <utility>

#include "fact/component/reader.h"
#include "fact/wasm/cursor.h"

namespace fact::component {
namespace {

using wasm::hex;

class Partitioner {
 public:
  explicit Partitioner(const Dataflow& flow) : flow_(flow), defined_(flow.adapters.size(), false) {}

  std::vector<std::vector<uint32_t>> run() {
    for (uint32_t id = 0; id < flow_.adapters.size(); ++id) {
      const AdapterDef& a = flow_.adapters[id];
      visit_options(a.lift);
      visit_options(a.lower);
      visit(a.callee);
      current_.push_back(id);
    }
    finish();
    return std::move(modules_);
  }

 private:
  void finish() {
    if (current_.empty()) return;
    for (uint32_t id : current_) defined_[id] = true;
    modules_.push_back(std::move(current_));
    current_.clear();
  }

  void visit_options(const OptionsDef& o) {
    if (o.memory) visit(o.memory->def);
    if (o.realloc) visit(*o.realloc);
    if (o.post_return) visit(*o.post_return);
    if (o.callback) visit(*o.callback);
  }

  void visit(const CoreDef& def) {
    switch (def.kind) {
      case CoreDef::Kind::Export: visit_instance(def.index); break;
      // Adapters are visited in creation order and depend only on what was
      // created before them, so an adapter not yet defined is one of the
      // module being built.
      case CoreDef::Kind::Adapter:
        if (!defined_[def.index]) finish();
        break;
      case CoreDef::Kind::Trampoline: break;
    }
  }

  // Instances are created in a fixed order, so needing instance i means
  // needing every instance before it as well: the defined instances are a
  // prefix. Arguments of newly defined instances only name earlier
  // instances, which are defined by then, so this never recurses deeply.
  void visit_instance(uint32_t i) {
    if (i < defined_instances_) return;
    uint32_t from = defined_instances_;
    defined_instances_ = i + 1;
    for (uint32_t k = from; k <= i; ++k) {
      for (const CoreDef& arg : flow_.instances[k].args) visit(arg);
    }
  }

  const Dataflow& flow_;
  std::vector<bool> defined_;
  uint32_t defined_instances_ = 0;
  std::vector<uint32_t> current_;
  std::vector<std::vector<uint32_t>> modules_;
};

fact::CanonOptions canon_options(CoreItemNames& names, const OptionsDef& o) {
  auto name = [&](const CoreDef& d) { return names.record(d); };
  fact::CanonOptions c;
  c.instance = o.instance;
  c.ancestors = o.ancestors;
  c.string_encoding = o.string_encoding;
  if (o.memory) c.memory = Memory{name(o.memory->def), o.memory->type};
  if (o.realloc) c.realloc = name(*o.realloc);
  if (o.post_return) c.post_return = name(*o.post_return);
  c.is_async = o.is_async;
  if (o.callback) c.callback = name(*o.callback);
  return c;
}

std::string export_text(const CoreExport& e) {
  return "core" + std::to_string(e.instance) + "." + e.name;
}

std::string options_text(const fact::CanonOptions& o) {
  std::string out = string_encoding_name(o.string_encoding);
  if (o.memory) {
    out += std::string(", ") + (o.memory->type.memory64 ? "memory64 " : "memory32 ") +
           export_text(o.memory->export_);
    if (o.memory->type.shared) out += " (shared)";
    if (o.memory->type.page_size_log2 != 16) out += " (page size 1)";
  } else {
    out += ", no memory";
  }
  if (o.realloc) out += ", realloc " + export_text(*o.realloc);
  if (o.post_return) out += ", post-return " + export_text(*o.post_return);
  if (o.is_async) out += ", async";
  if (o.callback) out += ", callback " + export_text(*o.callback);
  return out;
}

}  // namespace

std::vector<std::vector<uint32_t>> partition_adapters(const Dataflow& flow) {
  return Partitioner(flow).run();
}

CoreExport CoreItemNames::name(const CoreDef& def) const {
  switch (def.kind) {
    case CoreDef::Kind::Export: return CoreExport{def.index, def.name};
    case CoreDef::Kind::Adapter:
      return CoreExport{core_instances_ + module_of_.at(def.index),
                        "adapter" + std::to_string(def.index)};
    case CoreDef::Kind::Trampoline:
      return CoreExport{core_instances_ + module_count_, "trampoline" + std::to_string(def.index)};
  }
  return {};
}

CoreExport CoreItemNames::record(const CoreDef& def) {
  CoreExport out = name(def);
  defs_.emplace(out, def);
  return out;
}

const CoreDef* CoreItemNames::def_of(const CoreExport& name) const {
  auto it = defs_.find(name);
  return it == defs_.end() ? nullptr : &it->second;
}

Expected<ComponentAdapters> compile_adapters(const Dataflow& flow, ModuleOptions options) {
  ComponentAdapters out;
  std::vector<std::vector<uint32_t>> parts = partition_adapters(flow);
  std::vector<uint32_t> module_of(flow.adapters.size(), 0);
  for (size_t k = 0; k < parts.size(); ++k) {
    for (uint32_t id : parts[k]) module_of[id] = static_cast<uint32_t>(k);
  }
  out.names = CoreItemNames(static_cast<uint32_t>(flow.instances.size()), std::move(module_of),
                            static_cast<uint32_t>(parts.size()));
  TypeConverter convert(flow.types.store(), out.types, out.tables);
  for (const AdapterDef& a : flow.adapters) {
    Adapter adapter;
    adapter.lift_type = convert.convert(a.lift_type, a.lift.instance);
    adapter.lower_type = convert.convert(a.lower_type, a.lower.instance);
    adapter.lift = canon_options(out.names, a.lift);
    adapter.lower = canon_options(out.names, a.lower);
    adapter.callee = out.names.record(a.callee);
    adapter.task_return_type = task_return_type(flow.types.store().get(a.lift_type).result);
    out.adapters.push_back(std::move(adapter));
  }
  for (auto& part : parts) {
    AdapterModule module(out.types, options);
    for (uint32_t id : part) {
      const AdapterDef& a = flow.adapters[id];
      if (auto r = module.adapt("adapter" + std::to_string(id), out.adapters[id]); !r) {
        return Error{"at byte " + hex(a.lower_offset) + ": adapter" + std::to_string(id) +
                     " (from `" + a.lift_name + "` of component instance " +
                     std::to_string(a.lift.instance) + " to `" + a.lower_name +
                     "` of component instance " + std::to_string(a.lower.instance) +
                     "): " + r.error().message};
      }
    }
    AdapterModuleOutput m;
    m.adapters = std::move(part);
    m.wasm = module.encode();
    m.imports = module.imports();
    out.modules.push_back(std::move(m));
  }
  return out;
}

Expected<ComponentResult> adapters_of_component(std::span<const uint8_t> bytes,
                                                ModuleOptions options) {
  auto ast = read_component(bytes);
  if (!ast) return ast.error();
  ComponentResult result{std::move(*ast), {}, {}};
  auto flow = inline_component(result.ast);
  if (!flow) return flow.error();
  result.flow = std::move(*flow);
  auto adapters = compile_adapters(result.flow, options);
  if (!adapters) return adapters.error();
  result.adapters = std::move(*adapters);
  return result;
}

std::string describe_adapter(const ComponentResult& result, uint32_t id) {
  const AdapterDef& a = result.flow.adapters.at(id);
  const Adapter& adapter = result.adapters.adapters.at(id);
  std::string out = "adapter" + std::to_string(id) + " (adapter module " +
                    std::to_string(result.adapters.names.module_of(id)) + "): instance " +
                    std::to_string(a.lift.instance) + " export `" + a.lift_name + "` -> instance " +
                    std::to_string(a.lower.instance) + " import `" + a.lower_name + "`\n";
  // Handles name each side's own table, so the two types can print
  // differently while being the same component type.
  std::string lift_type = to_string(result.adapters.types, adapter.lift_type);
  std::string lower_type = to_string(result.adapters.types, adapter.lower_type);
  out += "  type:  " + lift_type + "\n";
  if (lower_type != lift_type) out += "  lower type: " + lower_type + "\n";
  out +=
      "  lift:  " + options_text(adapter.lift) + ", callee " + export_text(adapter.callee) + "\n";
  out += "  lower: " + options_text(adapter.lower) + "\n";
  auto has = [](const std::vector<uint32_t>& v, uint32_t x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  if (a.lift.instance == a.lower.instance || has(a.lift.ancestors, a.lower.instance) ||
      has(a.lower.ancestors, a.lift.instance)) {
    out +=
        "  note:  lift and lower are the same instance or one contains the other; the adapter "
        "always traps (cannot enter component instance)\n";
  }
  return out;
}

}  // namespace fact::component
