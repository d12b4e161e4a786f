#include "fact/engine/runtime.h"

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 14 && __cplusplus > 201703L
#error \
    "GCC < 14 rejects wabt's interp headers in C++20 mode: compile src/engine/runtime.cpp with -std=c++17 (set_source_files_properties(... COMPILE_OPTIONS -std=c++17))"
#endif

#include <wabt/binary-reader.h>
#include <wabt/error-formatter.h>
#include <wabt/interp/binary-reader-interp.h>
#include <wabt/interp/interp.h>

#include <cstring>
#include <new>
#include <stdexcept>
#include <string_view>

#include "features.h"

namespace fact::engine {
namespace interp = wabt::interp;

namespace {

wabt::Type wabt_type(ValType type) {
  switch (type.kind()) {
    case ValType::Kind::I32: return wabt::Type::I32;
    case ValType::Kind::I64: return wabt::Type::I64;
    case ValType::Kind::F32: return wabt::Type::F32;
    case ValType::Kind::F64: return wabt::Type::F64;
    case ValType::Kind::Ref:
      // Adapter imports take funcrefs (prepare-call, start-call); the
      // facade passes other references as funcref too, which nothing uses.
      return wabt::Type::FuncRef;
    default: break;
  }
  return wabt::Type::I32;
}

std::optional<ValType> val_type(wabt::Type type) {
  switch (type) {
    case wabt::Type::I32: return ValType::I32;
    case wabt::Type::I64: return ValType::I64;
    case wabt::Type::F32: return ValType::F32;
    case wabt::Type::F64: return ValType::F64;
    case wabt::Type::FuncRef: return ValType::funcref();
    default: return std::nullopt;
  }
}

interp::Value to_interp(const Val& v) {
  switch (v.type.kind()) {
    case ValType::Kind::I32: return interp::Value::Make(static_cast<uint32_t>(v.bits));
    case ValType::Kind::I64: return interp::Value::Make(static_cast<uint64_t>(v.bits));
    case ValType::Kind::F32: {
      uint32_t bits = static_cast<uint32_t>(v.bits);
      float f;
      std::memcpy(&f, &bits, 4);
      return interp::Value::Make(f);
    }
    case ValType::Kind::F64: {
      double d;
      std::memcpy(&d, &v.bits, 8);
      return interp::Value::Make(d);
    }
    case ValType::Kind::Ref: return interp::Value::Make(interp::Ref(static_cast<size_t>(v.bits)));
    default: break;
  }
  return interp::Value::Make(uint32_t{0});
}

Val from_interp(const interp::Value& value, ValType type) {
  switch (type.kind()) {
    case ValType::Kind::I32: return Val::i32(value.Get<uint32_t>());
    case ValType::Kind::I64: return Val::i64(value.Get<uint64_t>());
    case ValType::Kind::F32: {
      float f = value.Get<float>();
      uint32_t bits;
      std::memcpy(&bits, &f, 4);
      return Val::f32_bits(bits);
    }
    case ValType::Kind::F64: {
      double d = value.Get<double>();
      uint64_t bits;
      std::memcpy(&bits, &d, 8);
      return Val::f64_bits(bits);
    }
    case ValType::Kind::Ref: return Val{type, value.Get<interp::Ref>().index};
    default: break;
  }
  return Val{};
}

std::vector<ValType> val_types(const interp::ValueTypes& types) {
  std::vector<ValType> out;
  for (wabt::Type t : types) out.push_back(val_type(t).value_or(ValType::I32));
  return out;
}

constexpr uint64_t kPageBytes = 65536;

// Refuses memories and tables whose initial size is over the limit, and
// lowers their maximum to it, so that growing past it fails. The module's
// memory and table indices count imports first, as in the messages.
Expected<void> apply_limits(interp::ModuleDesc& desc, const Limits& limits) {
  uint64_t imported_memories = 0, imported_tables = 0;
  for (const interp::ImportDesc& import : desc.imports) {
    if (import.type.type->kind == interp::ExternKind::Memory) ++imported_memories;
    if (import.type.type->kind == interp::ExternKind::Table) ++imported_tables;
  }
  const uint64_t max_pages = limits.max_memory_bytes / kPageBytes;
  for (size_t i = 0; i < desc.memories.size(); ++i) {
    wabt::Limits& l = desc.memories[i].type.limits;
    if (l.initial > max_pages) {
      // Pages beyond 2^48 would overflow a byte count: say it in pages.
      const std::string bytes = l.initial < (uint64_t{1} << 48)
                                    ? " (" + std::to_string(l.initial * kPageBytes) + " bytes)"
                                    : "";
      return Error{"memory " + std::to_string(imported_memories + i) + " has an initial size of " +
                   std::to_string(l.initial) + " pages" + bytes + ", more than the limit of " +
                   std::to_string(limits.max_memory_bytes) + " bytes per memory"};
    }
    if (!l.has_max || l.max > max_pages) {
      l.max = max_pages;
      l.has_max = true;
    }
  }
  for (size_t i = 0; i < desc.tables.size(); ++i) {
    wabt::Limits& l = desc.tables[i].type.limits;
    if (l.initial > limits.max_table_elements) {
      return Error{"table " + std::to_string(imported_tables + i) + " has an initial size of " +
                   std::to_string(l.initial) + " elements, more than the limit of " +
                   std::to_string(limits.max_table_elements) + " elements per table"};
    }
    if (!l.has_max || l.max > limits.max_table_elements) {
      l.max = limits.max_table_elements;
      l.has_max = true;
    }
  }
  return {};
}

}  // namespace

struct Runtime::Impl {
  interp::Store store{adapter_features()};
  Limits limits;
  // Keeps every object created through the facade alive (wabt collects
  // unrooted objects).
  std::vector<interp::Object::Ptr> roots;

  Handle root(interp::Object::Ptr object) {
    Handle handle{object.ref().index};
    roots.push_back(std::move(object));
    return handle;
  }
  template <class T>
  interp::RefPtr<T> get(Handle handle) const {
    return const_cast<interp::Store&>(store).UnsafeGet<T>(interp::Ref(handle.ref));
  }
};

namespace {

// libwabt's interpreter words its own traps differently from Wasmtime, whose
// texts .wast scripts match (`assert_trap`): reword them as Wasmtime prints a
// trap code ("wasm trap: ..."), keeping any detail wabt adds. Messages raised
// by host functions are ours and pass through unchanged.
std::string wasmtime_trap_text(std::string message) {
  struct Rewording {
    std::string_view wabt;
    std::string_view wasmtime;
  };
  static constexpr Rewording kRewordings[] = {
      {"unreachable executed", "wasm `unreachable` instruction executed"},
      {"integer divide by zero", "integer divide by zero"},
      {"integer overflow", "integer overflow"},
      {"invalid conversion to integer", "invalid conversion to integer"},
      {"call stack exhausted", "call stack exhausted"},
      {"out of bounds memory access", "out of bounds memory access"},
      {"indirect call signature mismatch", "indirect call type mismatch"},
      {"uninitialized table element", "uninitialized element"},
      {"undefined table index", "undefined element: out of bounds table access"},
      {"out of bounds table access", "undefined element: out of bounds table access"},
  };
  for (const Rewording& r : kRewordings) {
    const std::string_view m = message;
    if (m == r.wabt ||
        (m.substr(0, r.wabt.size()) == r.wabt && m.substr(r.wabt.size(), 1) == ":")) {
      return "wasm trap: " + std::string(r.wasmtime) + message.substr(r.wabt.size());
    }
  }
  return message;
}

}  // namespace

Runtime::Runtime(Limits limits) : impl_(std::make_unique<Impl>()) { impl_->limits = limits; }
Runtime::~Runtime() = default;

Runtime::Handle Runtime::host_func(const std::vector<ValType>& params,
                                   const std::vector<ValType>& results, HostCallback callback) {
  interp::ValueTypes wparams, wresults;
  for (ValType t : params) wparams.push_back(wabt_type(t));
  for (ValType t : results) wresults.push_back(wabt_type(t));
  interp::Store& store = impl_->store;
  auto body = [&store, params, results, callback = std::move(callback)](
                  interp::Thread&, const interp::Values& in, interp::Values& out,
                  interp::Trap::Ptr* trap) -> wabt::Result {
    std::vector<Val> args;
    for (size_t i = 0; i < params.size(); ++i) args.push_back(from_interp(in[i], params[i]));
    std::vector<Val> values(results.size());
    for (size_t i = 0; i < results.size(); ++i) values[i].type = results[i];
    if (std::optional<std::string> message = callback(args, values)) {
      *trap = interp::Trap::New(store, *message);
      return wabt::Result::Error;
    }
    for (size_t i = 0; i < results.size(); ++i) {
      values[i].type = results[i];  // the callback may not retype a result
      out[i] = to_interp(values[i]);
    }
    return wabt::Result::Ok;
  };
  return impl_->root(
      interp::HostFunc::New(store, interp::FuncType(wparams, wresults), std::move(body)));
}

Runtime::Handle Runtime::global(ValType type, bool mutable_, uint64_t initial_bits) {
  interp::GlobalType global_type(wabt_type(type),
                                 mutable_ ? interp::Mutability::Var : interp::Mutability::Const);
  return impl_->root(
      interp::Global::New(impl_->store, global_type, to_interp(Val{type, initial_bits})));
}

uint64_t Runtime::global_get(Handle handle) const {
  auto global = impl_->get<interp::Global>(handle);
  std::optional<ValType> type = val_type(global->type().type);
  return type ? from_interp(global->Get(), *type).bits : 0;
}

void Runtime::global_set(Handle handle, uint64_t bits) {
  auto global = impl_->get<interp::Global>(handle);
  std::optional<ValType> type = val_type(global->type().type);
  if (type) global->UnsafeSet(to_interp(Val{*type, bits}));
}

Expected<Runtime::Handle> Runtime::load(const std::vector<uint8_t>& wasm) {
  interp::ModuleDesc desc;
  wabt::Errors errors;
  wabt::ReadBinaryOptions options;
  options.features = adapter_features();
  options.fail_on_custom_section_error = false;
  if (wabt::Failed(interp::ReadBinaryInterp("module.wasm", wasm.data(), wasm.size(), options,
                                            &errors, &desc))) {
    return Error{"cannot load module: " + describe_wabt_errors(errors)};
  }
  if (auto limited = apply_limits(desc, impl_->limits); !limited) return limited.error();
  return impl_->root(interp::Module::New(impl_->store, std::move(desc)));
}

Expected<Runtime::Handle> Runtime::instantiate(const std::vector<uint8_t>& wasm,
                                               const std::vector<Handle>& imports) {
  auto module = load(wasm);
  if (!module) return module.error();
  return instantiate(*module, imports);
}

Expected<Runtime::Handle> Runtime::instantiate(Handle module_handle,
                                               const std::vector<Handle>& imports, bool* trapped) {
  auto module = impl_->get<interp::Module>(module_handle);
  if (module->desc().imports.size() != imports.size()) {
    return Error{"module has " + std::to_string(module->desc().imports.size()) + " imports, " +
                 std::to_string(imports.size()) + " given"};
  }
  interp::RefVec refs;
  for (Handle h : imports) refs.push_back(interp::Ref(h.ref));
  interp::Trap::Ptr trap;
  interp::Instance::Ptr instance;
  try {
    instance = interp::Instance::Instantiate(impl_->store, module.ref(), refs, &trap);
  } catch (const std::bad_alloc&) {
    // libwabt allocates memories and tables whole; within the limits the
    // host may still not have that much.
    return Error{
        "cannot instantiate module: the host is out of memory for its memories and "
        "tables"};
  } catch (const std::length_error&) {
    return Error{
        "cannot instantiate module: a memory or table is larger than the host can "
        "address"};
  }
  if (!instance) {
    if (trapped) *trapped = true;
    return Error{"cannot instantiate module: " +
                 (trap ? wasmtime_trap_text(trap->message()) : std::string("?"))};
  }
  return impl_->root(instance);
}

Expected<Runtime::Handle> Runtime::export_of(Handle instance_handle,
                                             const std::string& name) const {
  auto instance = impl_->get<interp::Instance>(instance_handle);
  auto module = impl_->get<interp::Module>(Handle{instance->module().index});
  const auto& types = module->export_types();
  for (size_t i = 0; i < types.size(); ++i) {
    if (types[i].name == name) return Handle{instance->exports()[i].index};
  }
  return Error{"no export named \"" + name + "\""};
}

uint8_t* Runtime::memory_data(Handle memory) {
  return impl_->get<interp::Memory>(memory)->UnsafeData();
}

uint64_t Runtime::memory_size(Handle memory) const {
  return impl_->get<interp::Memory>(memory)->ByteSize();
}

bool Runtime::memory_is_64(Handle memory) const {
  return impl_->get<interp::Memory>(memory)->type().limits.is_64;
}

Expected<void> Runtime::table_set(Handle table, uint32_t index, Handle func) {
  if (wabt::Failed(
          impl_->get<interp::Table>(table)->Set(impl_->store, index, interp::Ref(func.ref)))) {
    return Error{"table index " + std::to_string(index) + " out of range"};
  }
  return {};
}

Expected<std::optional<Runtime::Handle>> Runtime::table_get(Handle table, uint32_t index) const {
  interp::Ref ref;
  if (wabt::Failed(impl_->get<interp::Table>(table)->Get(index, &ref))) {
    return Error{"table index " + std::to_string(index) + " out of range"};
  }
  if (ref == interp::Ref::Null) return std::optional<Handle>();
  return std::optional<Handle>(Handle{ref.index});
}

wasm::FuncType Runtime::func_type(Handle func) const {
  const interp::FuncType& type = impl_->get<interp::Func>(func)->type();
  return wasm::FuncType{val_types(type.params), val_types(type.results)};
}

CallOutcome Runtime::call(Handle func_handle, const std::vector<Val>& args) {
  auto func = impl_->get<interp::Func>(func_handle);
  CallOutcome outcome;
  std::vector<ValType> param_types = val_types(func->type().params);
  bool args_match = param_types.size() == args.size();
  for (size_t i = 0; args_match && i < args.size(); ++i)
    args_match = param_types[i] == args[i].type;
  if (!args_match) {
    outcome.trap =
        "harness error: arguments " + to_string(args) + " do not match the function's parameters";
    return outcome;
  }
  interp::Values params;
  for (const Val& v : args) params.push_back(to_interp(v));
  interp::Values results;
  interp::Trap::Ptr trap;
  if (wabt::Failed(func->Call(impl_->store, params, results, &trap))) {
    outcome.trap =
        trap ? wasmtime_trap_text(trap->message()) : std::string("call failed without a trap");
    return outcome;
  }
  std::vector<ValType> types = val_types(func->type().results);
  for (size_t i = 0; i < results.size(); ++i)
    outcome.results.push_back(from_interp(results[i], types[i]));
  return outcome;
}

}  // namespace fact::engine
