#include "support/harness.h"

#include <cstring>

#include "fact/engine/modules.h"
#include "fact/host/host.h"
#include "fact/host/transcoder_call.h"

namespace fact::test {
namespace {

constexpr uint64_t kPageSize = 65536;
// Host-side allocations live below kHeapStart, the wasm realloc's above.
constexpr uint64_t kHostStart = 8;
constexpr uint64_t kHeapStart = 2 * kPageSize;
constexpr uint8_t kFillByte = 0xA5;
// The task_return_type of the harness's adapters, which the callee's
// task.return passes back.
constexpr uint32_t kTaskReturnType = 1;

using Handle = engine::Runtime::Handle;

std::string wat_types(const char* keyword, const std::vector<ValType>& types) {
  if (types.empty()) return "";
  std::string out = std::string(" (") + keyword;
  for (ValType t : types) out += " " + wasm::to_string(t);
  return out + ")";
}

std::string local_gets(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += " (local.get " + std::to_string(i) + ")";
  return out;
}

// Memory, bump allocator and the globals the host resets, for one side. The
// allocator really reallocates (copies the old bytes) so that transcoding
// adapters can grow or shrink a buffer.
std::string memory_and_allocator(bool memory64, uint64_t pages) {
  const std::string p = memory64 ? "i64" : "i32";
  std::string out;
  out += "  (import \"host\" \"note_realloc\" (func $note (param " + p + " " + p + " " + p + " " +
         p + " " + p + ")))\n";
  out += "  (memory (export \"memory\") " + std::string(memory64 ? "i64 " : "") +
         std::to_string(pages) + ")\n";
  out += "  (global $heap (export \"heap\") (mut " + p + ") (" + p + ".const " +
         std::to_string(kHeapStart) + "))\n";
  out += "  (global $bias (export \"realloc_bias\") (mut " + p + ") (" + p + ".const 0))\n";
  out += "  (func (export \"realloc\") (param $old " + p + ") (param $old_size " + p +
         ") (param $align " + p + ") (param $size " + p + ") (result " + p + ")\n";
  out += "    (local $ptr " + p + ")\n";
  out += "    (local.set $ptr (" + p + ".and (" + p + ".add (global.get $heap) (" + p +
         ".sub (local.get $align) (" + p + ".const 1))) (" + p + ".sub (" + p +
         ".const 0) (local.get $align))))\n";
  // The bias applies before copying, so that a biased but usable pointer
  // (say an odd one where alignment 1 was asked for) holds the old bytes.
  out += "    (local.set $ptr (" + p + ".add (local.get $ptr) (global.get $bias)))\n";
  out += "    (global.set $heap (" + p + ".add (local.get $ptr) (local.get $size)))\n";
  out += "    (if (i32.and (i32.eqz (" + p + ".eqz (local.get $old_size))) (" + p +
         ".lt_u (global.get $heap) (" + p + ".const " + std::to_string(pages * kPageSize) + ")))\n";
  out +=
      "      (then (memory.copy (local.get $ptr) (local.get $old) (select (local.get $old_size) "
      "(local.get $size) (" +
      p + ".lt_u (local.get $old_size) (local.get $size))))))\n";
  out +=
      "    (call $note (local.get $old) (local.get $old_size) (local.get $align) (local.get $size) "
      "(local.get $ptr))\n";
  out += "    (local.get $ptr))\n";
  return out;
}

bool contains_pointers(const TypeStore& store, TypeId id) {
  const TypeNode& node = store.get(id);
  switch (node.kind) {
    case TypeKind::String:
    case TypeKind::List:
    case TypeKind::Map: return true;
    default: break;
  }
  if (node.element && contains_pointers(store, *node.element)) return true;
  for (const Field& f : node.fields) {
    if (contains_pointers(store, f.type)) return true;
  }
  for (TypeId t : node.elements) {
    if (contains_pointers(store, t)) return true;
  }
  for (const Case& c : node.cases) {
    if (c.type && contains_pointers(store, *c.type)) return true;
  }
  return false;
}

// Runs one runtime intrinsic on the reference host; a host error is a trap.
std::optional<std::string> call_host(host::Host& host, Intrinsic which,
                                     const std::vector<uint64_t>& args, std::vector<Val>& results) {
  std::vector<uint32_t> raw(args.begin(), args.end());
  Expected<std::optional<uint32_t>> r = host::call_intrinsic(host, which, raw);
  if (!r) return r.error().message;
  if (*r) results.at(0).bits = **r;
  return std::nullopt;
}

}  // namespace

std::string trap_text(TrapCode code) {
  return "fact trap " + std::to_string(static_cast<int>(code)) + ": " + trap_message(code);
}

bool is_trap(const std::optional<std::string>& trap, TrapCode code) {
  return trap && trap->find(trap_text(code)) != std::string::npos;
}

AdapterHarness::AdapterHarness(const TypeStore& types, FuncTypeId lift, FuncTypeId lower,
                               HarnessConfig config)
    : types_(types),
      lift_type_(lift),
      lower_type_(lower),
      config_(std::move(config)),
      ref_(types) {}

AdapterHarness::~AdapterHarness() = default;

Expected<std::unique_ptr<AdapterHarness>> AdapterHarness::create(const TypeStore& types,
                                                                 FuncTypeId lift_type,
                                                                 FuncTypeId lower_type,
                                                                 HarnessConfig config) {
  std::unique_ptr<AdapterHarness> h(
      new AdapterHarness(types, lift_type, lower_type, std::move(config)));
  if (auto built = h->build(); !built) return built.error();
  h->reset();
  return h;
}

std::vector<TypeId> AdapterHarness::param_types() const {
  std::vector<TypeId> out;
  for (const Param& p : types_.get(lower_type_).params) out.push_back(p.type);
  return out;
}

std::vector<TypeId> AdapterHarness::result_types() const {
  std::vector<TypeId> out;
  if (auto r = types_.get(lower_type_).result) out.push_back(*r);
  return out;
}

Expected<void> AdapterHarness::build() {
  const std::vector<TypeId> params = param_types();
  const std::vector<TypeId> results = result_types();
  bool pointers_in_params = false, pointers_in_results = false;
  for (TypeId t : params) pointers_in_params |= contains_pointers(types_, t);
  for (TypeId t : results) pointers_in_results |= contains_pointers(types_, t);

  // The core signatures, from the reference's flattening (flatten_functype).
  auto signature = [&](bool lift, bool memory64, std::vector<ValType>& core_params,
                       std::vector<ValType>& core_results, bool& params_indirect,
                       bool& results_indirect) {
    const ValType ptr = memory64 ? ValType::I64 : ValType::I32;
    const bool is_async = lift ? config_.lift_async : config_.lower_async;
    core_params = ref_.flatten(params, memory64);
    core_results = ref_.flatten(results, memory64);
    params_indirect =
        core_params.size() > (is_async && !lift ? kMaxFlatAsyncParams : kMaxFlatParams);
    if (params_indirect) core_params = {ptr};
    if (is_async && lift) {
      // The result goes through task.return (up to 16 flat values); the
      // core function returns a callback code, or nothing.
      results_indirect = core_results.size() > kMaxFlatParams;
      core_results.clear();
      if (config_.callback) core_results = {ValType::I32};
      return;
    }
    if (is_async) {
      // Written through a return pointer; the core result is the status.
      results_indirect = !results.empty();
      if (results_indirect) core_params.push_back(ptr);
      core_results = {ValType::I32};
      return;
    }
    results_indirect = core_results.size() > kMaxFlatResults;
    if (results_indirect) {
      if (lift) {
        core_results = {ptr};
      } else {
        core_params.push_back(ptr);
        core_results.clear();
      }
    }
  };
  if (config_.callback && !config_.lift_async) return Error{"harness: a callback needs lift_async"};
  if (config_.post_return && config_.lift_async) {
    return Error{"harness: an async lift has no post-return"};
  }
  host_ = config_.host;
  if (async_side() && !host_) {
    host::HostOptions options;
    options.call_guest = [this](host::GuestFunc f,
                                const std::vector<Val>& args) -> Expected<std::vector<Val>> {
      engine::CallOutcome out = runtime_.call(Handle{f.ref}, args);
      if (out.trap) return Error{*out.trap};
      return std::move(out.results);
    };
    options.may_leave = [this](uint32_t instance) { return flags(instance) != 0; };
    options.set_may_leave = [this](uint32_t instance, bool may_leave) {
      set_flags(instance, may_leave ? 1 : 0);
    };
    own_host_ = std::make_unique<host::Host>(std::move(options));
    for (uint32_t instance : {config_.lower_instance, config_.lift_instance}) {
      if (auto added = own_host_->add_instance(instance); !added) return added.error();
    }
    host_ = own_host_.get();
  }
  signature(false, config_.lower.memory64, lower_params_, lower_results_, lower_params_indirect_,
            lower_results_indirect_);
  signature(true, config_.lift.memory64, lift_params_, lift_results_, lift_params_indirect_,
            lift_results_indirect_);

  caller_.memory64 = config_.lower.memory64;
  caller_.encoding = config_.lower.encoding;
  callee_.memory64 = config_.lift.memory64;
  callee_.encoding = config_.lift.encoding;
  const bool any_pointers = pointers_in_params || pointers_in_results;
  caller_.needs_memory = config_.lower.force_memory || lower_params_indirect_ ||
                         lower_results_indirect_ || any_pointers;
  caller_.needs_realloc = config_.lower.force_realloc || pointers_in_results;
  callee_.needs_memory =
      config_.lift.force_memory || lift_params_indirect_ || lift_results_indirect_ || any_pointers;
  callee_.needs_realloc = config_.lift.force_realloc || lift_params_indirect_ || pointers_in_params;
  caller_.needs_memory |= caller_.needs_realloc;
  callee_.needs_memory |= callee_.needs_realloc;

  auto note_realloc = [this](bool callee) {
    ValType p = side(callee).memory64 ? ValType::I64 : ValType::I32;
    return runtime_.host_func(
        {p, p, p, p, p}, {}, [this, callee](const std::vector<Val>& a, std::vector<Val>&) {
          std::vector<ReallocCall>& calls = callee ? callee_reallocs_ : caller_reallocs_;
          calls.push_back({a[0].bits, a[1].bits, a[2].bits, a[3].bits, a[4].bits});
          Side& s = side(callee);
          if (s.pending_bias && s.pending_bias->first == calls.size()) {
            runtime_.global_set(s.bias, static_cast<uint64_t>(s.pending_bias->second));
            s.pending_bias.reset();
          }
          return hooks_.realloc ? hooks_.realloc(callee) : std::optional<std::string>();
        });
  };

  // The caller: `run` calls the adapter through table slot 0, which is filled
  // in once the adapter exists (the adapter imports the caller's memory).
  std::string caller_wat = "(module\n";
  caller_wat += "  (type $lower (func" + wat_types("param", lower_params_) +
                wat_types("result", lower_results_) + "))\n";
  caller_wat += memory_and_allocator(caller_.memory64, config_.memory_pages);
  caller_wat += "  (table (export \"table\") 1 funcref)\n";
  caller_wat += "  (func (export \"run\") (type $lower)" + local_gets(lower_params_.size()) +
                " (call_indirect (type $lower) (i32.const 0))))\n";
  auto caller_wasm = engine::wat_to_module(caller_wat);
  if (!caller_wasm)
    return Error{"caller module: " + caller_wasm.error().message + "\n" + caller_wat};
  auto caller = runtime_.instantiate(*caller_wasm, {note_realloc(false)});
  if (!caller) return caller.error();
  caller_.instance = *caller;

  // The callee forwards everything to the host.
  std::string callee_wat = "(module\n";
  callee_wat += "  (import \"host\" \"observe\" (func $observe" + wat_types("param", lift_params_) +
                wat_types("result", lift_results_) + "))\n";
  callee_wat += "  (import \"host\" \"observe_post_return\" (func $observe_post_return" +
                wat_types("param", lift_results_) + "))\n";
  callee_wat += memory_and_allocator(callee_.memory64, config_.memory_pages);
  callee_wat += "  (func (export \"callee\")" + wat_types("param", lift_params_) +
                wat_types("result", lift_results_) + local_gets(lift_params_.size()) +
                " (call $observe))\n";
  callee_wat += "  (func (export \"post_return\")" + wat_types("param", lift_results_) +
                local_gets(lift_results_.size()) + " (call $observe_post_return))\n";
  // The callee returns EXIT at once, so the runtime never calls it.
  callee_wat += "  (func (export \"callback\") (param i32 i32 i32) (result i32) unreachable))\n";
  auto callee_wasm = engine::wat_to_module(callee_wat);
  if (!callee_wasm)
    return Error{"callee module: " + callee_wasm.error().message + "\n" + callee_wat};
  Handle observe_func = runtime_.host_func(
      lift_params_, lift_results_,
      [this](const std::vector<Val>& p, std::vector<Val>& r) { return this->observe(p, r); });
  Handle observe_post_return =
      runtime_.host_func(lift_results_, {}, [this](const std::vector<Val>& p, std::vector<Val>&) {
        post_return_args_ = p;
        lift_flags_at_post_return_ = flags(config_.lift_instance);
        return hooks_.post_return ? hooks_.post_return() : std::optional<std::string>();
      });
  // Import order: observe, observe_post_return, note_realloc.
  auto callee =
      runtime_.instantiate(*callee_wasm, {observe_func, observe_post_return, note_realloc(true)});
  if (!callee) return callee.error();
  callee_.instance = *callee;

  for (Side* s : {&caller_, &callee_}) {
    s->memory = *runtime_.export_of(s->instance, "memory");
    s->realloc = *runtime_.export_of(s->instance, "realloc");
    s->heap = *runtime_.export_of(s->instance, "heap");
    s->bias = *runtime_.export_of(s->instance, "realloc_bias");
  }

  // The adapter.
  auto side_options = [&](bool callee) {
    CanonOptions o;
    const SideConfig& c = callee ? config_.lift : config_.lower;
    const Side& s = side(callee);
    o.instance = callee ? config_.lift_instance : config_.lower_instance;
    o.ancestors = callee ? config_.lift_ancestors : config_.lower_ancestors;
    o.string_encoding = c.encoding;
    uint32_t core_instance = callee ? 1 : 0;
    if (s.needs_memory)
      o.memory =
          Memory{CoreExport{core_instance, "memory"}, wasm::MemoryType{{}, s.memory64, false, 16}};
    if (s.needs_realloc) o.realloc = CoreExport{core_instance, "realloc"};
    if (callee && config_.post_return) o.post_return = CoreExport{1, "post_return"};
    o.is_async = callee ? config_.lift_async : config_.lower_async;
    if (callee && config_.callback) o.callback = CoreExport{1, "callback"};
    return o;
  };
  Adapter adapter{
      lift_type_,     lower_type_, side_options(true), side_options(false), CoreExport{1, "callee"},
      kTaskReturnType};
  AdapterModule module(types_, config_.module);
  if (auto r = module.adapt("adapter", adapter); !r) return Error{"adapt: " + r.error().message};
  adapter_wasm_ = module.encode();
  std::vector<Handle> imports;
  if (auto b = bind_imports(module.imports(), imports); !b) return b;
  // wabt validates while loading; validate_module is only asked for its
  // fuller messages once that failed.
  auto instance = runtime_.instantiate(adapter_wasm_, imports);
  if (!instance) {
    if (auto v = engine::validate_module(adapter_wasm_); !v)
      return Error{"adapter module: " + v.error().message};
    auto wat = engine::module_to_wat(adapter_wasm_);
    return Error{"adapter: " + instance.error().message + "\n" + (wat ? *wat : std::string())};
  }
  auto adapter_func = runtime_.export_of(*instance, "adapter");
  if (!adapter_func) return Error{"adapter module: " + adapter_func.error().message};
  auto table = runtime_.export_of(caller_.instance, "table");
  if (auto r = runtime_.table_set(*table, 0, *adapter_func); !r) return r;
  run_ = *runtime_.export_of(caller_.instance, "run");
  return {};
}

Expected<void> AdapterHarness::bind_imports(const std::vector<Import>& imports,
                                            std::vector<Handle>& out) {
  // Transcoders name memories by their index among the memory imports.
  std::vector<bool> memory_is_callee;
  for (const Import& import : imports) {
    if (const auto* e = std::get_if<binding::Export>(&import.binding);
        e && import.kind == Import::Kind::Memory) {
      memory_is_callee.push_back(e->item.instance == 1);
    }
  }
  for (const Import& import : imports) {
    const std::string where = "import " + import.module + "." + import.field + ": ";
    auto host = [&](auto body) {
      return runtime_.host_func(import.func.params, import.func.results, body);
    };
    if (const auto* e = std::get_if<binding::Export>(&import.binding)) {
      if (e->item.instance > 1)
        return Error{where + "names core instance " + std::to_string(e->item.instance)};
      auto item = runtime_.export_of(side(e->item.instance == 1).instance, e->item.name);
      if (!item) return Error{where + item.error().message};
      out.push_back(*item);
    } else if (const auto* f = std::get_if<binding::InstanceFlags>(&import.binding)) {
      Handle global{};
      bool found = false;
      for (auto& [instance, handle] : flags_) {
        if (instance == f->instance) {
          global = handle;
          found = true;
        }
      }
      if (!found) {
        global = runtime_.global(ValType::I32, true, 1);
        flags_.emplace_back(f->instance, global);
      }
      out.push_back(global);
    } else if (const auto* t = std::get_if<binding::Trap>(&import.binding)) {
      std::string message = trap_text(t->code);
      out.push_back(host([message](const std::vector<Val>&, std::vector<Val>&) {
        return std::optional<std::string>(message);
      }));
    } else if (const auto* p = std::get_if<binding::PrepareCall>(&import.binding)) {
      if (!host_) return Error{where + "needs a host"};
      std::optional<uint64_t> memory;
      if (p->memory) memory = side(p->memory->instance == 1).memory.ref;
      out.push_back(host([this, memory](const std::vector<Val>& args,
                                        std::vector<Val>&) -> std::optional<std::string> {
        auto r = host_->prepare_call(args, memory);
        return r ? std::nullopt : std::optional<std::string>(r.error().message);
      }));
    } else if (std::holds_alternative<binding::SyncStartCall>(import.binding) ||
               std::holds_alternative<binding::AsyncStartCall>(import.binding)) {
      if (!host_) return Error{where + "needs a host"};
      std::optional<host::GuestFunc> callback, post_return;
      if (config_.callback) {
        callback = host::GuestFunc{runtime_.export_of(callee_.instance, "callback")->ref};
      }
      if (config_.post_return) {
        post_return = host::GuestFunc{runtime_.export_of(callee_.instance, "post_return")->ref};
      }
      const bool async_lower = std::holds_alternative<binding::AsyncStartCall>(import.binding);
      out.push_back(host([this, callback, post_return, async_lower](
                             const std::vector<Val>& args,
                             std::vector<Val>& results) -> std::optional<std::string> {
        const host::GuestFunc callee{args.at(0).bits};
        const auto param_count = static_cast<uint32_t>(args.at(1).bits);
        if (async_lower) {
          auto r = host_->async_start_call(callback, post_return, callee, param_count,
                                           static_cast<uint32_t>(args.at(2).bits),
                                           static_cast<uint32_t>(args.at(3).bits));
          if (!r) return r.error().message;
          results.at(0).bits = *r;
          return std::nullopt;
        }
        auto r = host_->sync_start_call(callback, callee, param_count);
        if (!r) return r.error().message;
        if (r->size() != results.size()) return "harness: start-call result count differs";
        for (size_t i = 0; i < results.size(); ++i) results[i].bits = (*r)[i].bits;
        return std::nullopt;
      }));
    } else if (const auto* r = std::get_if<binding::RuntimeIntrinsic>(&import.binding)) {
      Intrinsic which = r->intrinsic;
      if (host_) {
        out.push_back(host([this, which](const std::vector<Val>& args, std::vector<Val>& results) {
          IntrinsicCall call{which, {}};
          for (const Val& a : args) call.args.push_back(a.bits);
          intrinsic_calls_.push_back(call);
          return call_host(*host_, which, call.args, results);
        }));
        continue;
      }
      switch (which) {
        case Intrinsic::EnterSyncCall:
        case Intrinsic::ExitSyncCall:
        case Intrinsic::ContextGet0:
        case Intrinsic::ContextGet1:
        case Intrinsic::ContextSet0:
        case Intrinsic::ContextSet1: break;
        default:
          return Error{where + "handle transfers need a reference host (HarnessConfig::host)"};
      }
      out.push_back(host([this, which](const std::vector<Val>& args,
                                       std::vector<Val>& results) -> std::optional<std::string> {
        IntrinsicCall call{which, {}};
        for (const Val& a : args) call.args.push_back(a.bits);
        intrinsic_calls_.push_back(call);
        switch (which) {
          case Intrinsic::EnterSyncCall: context_frames_.push_back({0, 0}); break;
          case Intrinsic::ExitSyncCall:
            if (context_frames_.size() == 1)
              return "harness: exit-sync-call without enter-sync-call";
            context_frames_.pop_back();
            break;
          case Intrinsic::ContextGet0: results.at(0).bits = context_frames_.back()[0]; break;
          case Intrinsic::ContextGet1: results.at(0).bits = context_frames_.back()[1]; break;
          case Intrinsic::ContextSet0:
            context_frames_.back()[0] = static_cast<uint32_t>(args.at(0).bits);
            break;
          case Intrinsic::ContextSet1:
            context_frames_.back()[1] = static_cast<uint32_t>(args.at(0).bits);
            break;
          default: break;
        }
        return std::nullopt;
      }));
    } else if (const auto* t = std::get_if<binding::Transcoder>(&import.binding)) {
      if (t->from_memory >= memory_is_callee.size() || t->to_memory >= memory_is_callee.size()) {
        return Error{where + "names a memory the module does not import"};
      }
      const bool from_callee = memory_is_callee[t->from_memory];
      const bool to_callee = memory_is_callee[t->to_memory];
      if (t->from_memory64 != side(from_callee).memory64 ||
          t->to_memory64 != side(to_callee).memory64) {
        return Error{where + "memory index types differ from the memories'"};
      }
      const Transcode op = t->op;
      out.push_back(host([this, op, from_callee, to_callee](const std::vector<Val>& args,
                                                            std::vector<Val>& results) {
        Side& from = side(from_callee);
        Side& to = side(to_callee);
        return call_transcoder(
            op, RawMemory{runtime_.memory_data(from.memory), runtime_.memory_size(from.memory)},
            RawMemory{runtime_.memory_data(to.memory), runtime_.memory_size(to.memory)}, args,
            results);
      }));
    } else {
      return Error{where + "the harness runs sync-to-sync adapters only"};
    }
  }
  return {};
}

void AdapterHarness::reset() {
  for (bool callee : {false, true}) {
    Side& s = side(callee);
    std::memset(runtime_.memory_data(s.memory), kFillByte, runtime_.memory_size(s.memory));
    runtime_.global_set(s.heap, kHeapStart);
    s.host_next = kHostStart;
  }
  received_.reset();
  callee_raw_params_.clear();
  callee_raw_results_sent_.clear();
  post_return_args_.reset();
  lift_flags_at_call_.reset();
  lift_flags_at_post_return_.reset();
  caller_reallocs_.clear();
  callee_reallocs_.clear();
  intrinsic_calls_.clear();
  context_frames_ = {{0, 0}};
}

void AdapterHarness::set_callee_result(Value result) {
  callee_result_ = std::move(result);
  callee_raw_results_.reset();
}

void AdapterHarness::set_callee_raw_results(std::vector<Val> results) {
  callee_raw_results_ = std::move(results);
  callee_result_.reset();
}

Expected<uint64_t> AdapterHarness::host_alloc(bool callee, uint64_t align, uint64_t size) {
  Side& s = side(callee);
  uint64_t ptr = (s.host_next + align - 1) / align * align;
  if (ptr + size > kHeapStart) return Error{"harness: host region of the memory exhausted"};
  s.host_next = ptr + size;
  return ptr;
}

MemoryView AdapterHarness::view(bool callee) {
  Side& s = side(callee);
  MemoryView v;
  v.data = runtime_.memory_data(s.memory);
  v.size = runtime_.memory_size(s.memory);
  v.memory64 = s.memory64;
  v.encoding = s.encoding;
  v.allocate = [this, callee](uint64_t align, uint64_t size) {
    return host_alloc(callee, align, size);
  };
  return v;
}

MemoryView AdapterHarness::caller_memory() { return view(false); }
MemoryView AdapterHarness::callee_memory() { return view(true); }

uint32_t AdapterHarness::flags(uint32_t instance) const {
  for (const auto& [i, handle] : flags_) {
    if (i == instance) return static_cast<uint32_t>(runtime_.global_get(handle));
  }
  return 1;
}

void AdapterHarness::set_flags(uint32_t instance, uint32_t value) {
  for (const auto& [i, handle] : flags_) {
    if (i == instance) runtime_.global_set(handle, value);
  }
}

void AdapterHarness::set_realloc_bias(bool callee, int64_t bias, size_t from_call) {
  Side& s = side(callee);
  s.pending_bias.reset();
  if (from_call == 0) {
    runtime_.global_set(s.bias, static_cast<uint64_t>(bias));
  } else {
    runtime_.global_set(s.bias, 0);
    s.pending_bias.emplace(from_call, bias);
  }
}

bool AdapterHarness::has_memory(bool callee) const {
  return (callee ? callee_ : caller_).needs_memory;
}

bool AdapterHarness::has_realloc(bool callee) const {
  return (callee ? callee_ : caller_).needs_realloc;
}

std::string AdapterHarness::adapter_wat() const {
  auto wat = engine::module_to_wat(adapter_wasm_);
  return wat ? *wat : wat.error().message;
}

std::optional<std::string> AdapterHarness::observe(const std::vector<Val>& params,
                                                   std::vector<Val>& results) {
  callee_raw_params_ = params;
  lift_flags_at_call_ = flags(config_.lift_instance);
  MemoryView memory = view(true);
  if (config_.lift_received) {
    received_ = ref_.lift_flat_values(param_types(), params, kMaxFlatParams, memory);
  }
  if (hooks_.callee) {
    if (auto trap = hooks_.callee()) return trap;
  }
  if (config_.lift_async) {
    // The result goes back through task.return, then the callback (if
    // any) is told to exit.
    std::vector<Val> flat;
    if (!result_types().empty()) {
      if (!callee_result_) return "harness: no callee result set";
      auto lowered =
          ref_.lower_flat_values(result_types(), {*callee_result_}, kMaxFlatParams, memory);
      if (!lowered) return "harness: cannot lower the callee result: " + lowered.error().message;
      flat = std::move(*lowered);
    }
    callee_raw_results_sent_ = flat;
    std::optional<uint64_t> memory_identity;
    if (callee_.needs_memory) memory_identity = callee_.memory.ref;
    if (auto r = host_->task_return(kTaskReturnType, memory_identity, callee_.encoding, flat); !r) {
      return r.error().message;
    }
    if (config_.callback) results.at(0) = Val::i32(0);  // EXIT
    return std::nullopt;
  }
  if (callee_raw_results_) {
    if (callee_raw_results_->size() != results.size())
      return "harness: wrong number of raw callee results";
    results = *callee_raw_results_;
  } else if (!result_types().empty()) {
    if (!callee_result_) return "harness: no callee result set";
    auto flat = ref_.lower_flat_values(result_types(), {*callee_result_}, kMaxFlatResults, memory);
    if (!flat) return "harness: cannot lower the callee result: " + flat.error().message;
    if (flat->size() != results.size())
      return "harness: callee result does not match the core signature";
    results = *flat;
  }
  callee_raw_results_sent_ = results;
  return std::nullopt;
}

CallResult AdapterHarness::call_raw(const std::vector<Val>& args) {
  // An adapter with an async side runs inside a call into the caller's
  // instance, where prepare-call finds its caller.
  if (own_host_) {
    if (auto entered = own_host_->enter_host_call(config_.lower_instance); !entered) {
      return CallResult{entered.error().message, {}, {}, {}};
    }
  }
  engine::CallOutcome outcome = runtime_.call(run_, args);
  if (own_host_) {
    if (outcome.trap) {
      // A trapped store: its suspended fibers can only unwind.
      own_host_->unwind_suspended();
    } else if (auto exited = own_host_->exit_host_call(); !exited) {
      outcome.trap = exited.error().message;
    }
  }
  CallResult out;
  out.trap = std::move(outcome.trap);
  out.core_results = std::move(outcome.results);
  if (out.trap) {
    // A trap leaves the instances unusable (the adapter may have cleared a
    // may_leave flag); revive them so that a test can go on calling.
    for (const auto& [instance, handle] : flags_) runtime_.global_set(handle, 1);
  }
  if (!out.trap && !lower_results_indirect_ && !result_types().empty()) {
    auto lifted =
        ref_.lift_flat_values(result_types(), out.core_results, kMaxFlatResults, view(false));
    if (lifted) {
      out.result = std::move(lifted->at(0));
    } else {
      out.lift_error = lifted.error().message;
    }
  }
  return out;
}

Expected<std::vector<Val>> AdapterHarness::lower_args(const std::vector<Value>& args) {
  MemoryView memory = view(false);
  const uint32_t max = config_.lower_async ? kMaxFlatAsyncParams : kMaxFlatParams;
  auto flat = ref_.lower_flat_values(param_types(), args, max, memory);
  if (!flat) return Error{"harness: cannot lower the arguments: " + flat.error().message};
  return flat;
}

Expected<Val> AdapterHarness::alloc_retptr() {
  const std::vector<TypeId> results = result_types();
  auto ptr = host_alloc(false, ref_.tuple_alignment(results, caller_.memory64),
                        ref_.tuple_size(results, caller_.memory64));
  if (!ptr) return ptr.error();
  return Val{caller_.memory64 ? ValType::I64 : ValType::I32, *ptr};
}

CallResult AdapterHarness::call(const std::vector<Value>& args) {
  reset();
  auto flat = lower_args(args);
  if (!flat) return CallResult{flat.error().message, {}, {}, {}};
  std::optional<Val> retptr;
  if (lower_results_indirect_) {
    auto ptr = alloc_retptr();
    if (!ptr) return CallResult{ptr.error().message, {}, {}, {}};
    retptr = *ptr;
    flat->push_back(*ptr);
  }
  CallResult out = call_raw(*flat);
  if (!out.trap && retptr) {
    // An async caller's result is always behind its return pointer.
    const uint32_t max = config_.lower_async ? 0 : kMaxFlatResults;
    auto lifted = ref_.lift_flat_values(result_types(), {*retptr}, max, view(false));
    if (lifted) {
      out.result = std::move(lifted->at(0));
    } else {
      out.lift_error = lifted.error().message;
    }
  }
  return out;
}

}  // namespace fact::test
