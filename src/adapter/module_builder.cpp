#include "module_builder.h"

#include <cassert>

namespace fact::adapter {

uint32_t ModuleBuilder::intern_type(const wasm::FuncType& type) {
  auto [it, inserted] = core_type_index_.emplace(type, 0);
  if (inserted) {
    it->second = static_cast<uint32_t>(core_types_.size());
    core_types_.push_back(type);
  }
  return it->second;
}

uint32_t ModuleBuilder::intern_import(Import import, const wasm::FuncType* func) {
  if (auto it = import_index_.find(import.binding); it != import_index_.end()) return it->second;
  uint32_t index = 0;
  switch (import.kind) {
    case Import::Kind::Func:
      assert(func);
      import.func = *func;
      import_section_.func(import.module, import.field, intern_type(*func));
      index = imported_funcs_++;
      break;
    case Import::Kind::Memory: {
      // No limits of its own, so that a memory of any size links. Shared
      // memories must declare a maximum: the largest one the index type
      // and page size allow accepts every shared memory of that type.
      wasm::MemoryType type = import.memory;
      type.limits = {};
      if (type.shared) type.limits.max = wasm::max_pages(type);
      import.memory = type;
      import_section_.memory(import.module, import.field, type);
      index = imported_memories_++;
      break;
    }
    case Import::Kind::Global:
      import_section_.global(import.module, import.field, wasm::GlobalType{ValType::I32, true});
      index = imported_globals_++;
      break;
  }
  import_index_.emplace(import.binding, index);
  imports_.push_back(std::move(import));
  return index;
}

uint32_t ModuleBuilder::import_flags(uint32_t instance) {
  Import import;
  import.binding = binding::InstanceFlags{instance};
  if (auto it = import_index_.find(import.binding); it != import_index_.end()) return it->second;
  import.module = "flags";
  import.field = "instance" + std::to_string(instance);
  import.kind = Import::Kind::Global;
  return intern_import(std::move(import), nullptr);
}

uint32_t ModuleBuilder::import_memory(const Memory& memory) {
  Import import;
  import.binding = binding::Export{binding::Export::Role::Memory, memory.export_};
  if (auto it = import_index_.find(import.binding); it != import_index_.end()) return it->second;
  import.module = "memory";
  import.field = "m" + std::to_string(imported_memories_);
  import.kind = Import::Kind::Memory;
  import.memory = memory.type;
  return intern_import(std::move(import), nullptr);
}

uint32_t ModuleBuilder::import_export_func(binding::Export::Role role, std::string_view module,
                                           std::string_view field, const CoreExport& item,
                                           const wasm::FuncType& type) {
  Import import;
  import.binding = binding::Export{role, item};
  if (auto it = import_index_.find(import.binding); it != import_index_.end()) return it->second;
  import.module = std::string(module);
  import.field = field.empty() ? "f" + std::to_string(imported_funcs_) : std::string(field);
  import.kind = Import::Kind::Func;
  return intern_import(std::move(import), &type);
}

uint32_t ModuleBuilder::import_trap(TrapCode code) {
  Import import;
  import.binding = binding::Trap{code};
  if (auto it = import_index_.find(import.binding); it != import_index_.end()) return it->second;
  import.module = "runtime";
  import.field = "trap" + std::to_string(static_cast<unsigned>(code));
  import.kind = Import::Kind::Func;
  const wasm::FuncType type;
  return intern_import(std::move(import), &type);
}

uint32_t ModuleBuilder::import_intrinsic(Intrinsic intrinsic) {
  Import import;
  import.binding = binding::RuntimeIntrinsic{intrinsic};
  if (auto it = import_index_.find(import.binding); it != import_index_.end()) return it->second;
  const ImportName name = intrinsic_import(intrinsic);
  import.module = name.module;
  import.field = name.field;
  import.kind = Import::Kind::Func;
  using V = ValType;
  wasm::FuncType type;
  switch (intrinsic) {
    case Intrinsic::ResourceTransferOwn:
    case Intrinsic::ResourceTransferBorrow:
    case Intrinsic::FutureTransfer:
    case Intrinsic::StreamTransfer:
    case Intrinsic::ErrorContextTransfer:
      // (handle, source table, destination table) -> handle
      type = {{V::I32, V::I32, V::I32}, {V::I32}};
      break;
    case Intrinsic::EnterSyncCall:
      // (caller instance, callee is async, callee instance)
      type = {{V::I32, V::I32, V::I32}, {}};
      break;
    case Intrinsic::ExitSyncCall: break;
    case Intrinsic::ContextGet0:
    case Intrinsic::ContextGet1: type = {{}, {V::I32}}; break;
    case Intrinsic::ContextSet0:
    case Intrinsic::ContextSet1: type = {{V::I32}, {}}; break;
  }
  return intern_import(std::move(import), &type);
}

uint32_t ModuleBuilder::import_transcoder(Transcode op, uint32_t from_memory, bool from64,
                                          uint32_t to_memory, bool to64) {
  Import import;
  import.binding = binding::Transcoder{op, from_memory, from64, to_memory, to64};
  if (auto it = import_index_.find(import.binding); it != import_index_.end()) return it->second;
  using V = ValType;
  const V from = from64 ? V::I64 : V::I32;
  const V to = to64 ? V::I64 : V::I32;
  wasm::FuncType type;
  switch (op) {
    case Transcode::Utf8ToUtf8:
    case Transcode::Utf16ToUtf16:
    case Transcode::Latin1ToLatin1:
    case Transcode::Latin1ToUtf16: type = {{from, from, to}, {}}; break;
    case Transcode::Utf8ToUtf16:
    case Transcode::Utf16ToCompactProbablyUtf16: type = {{from, from, to}, {to}}; break;
    case Transcode::Utf8ToLatin1:
    case Transcode::Utf16ToLatin1: type = {{from, from, to}, {from, to}}; break;
    case Transcode::Utf16ToUtf8:
    case Transcode::Latin1ToUtf8: type = {{from, from, to, to, V::I32}, {from, to}}; break;
    case Transcode::Utf8ToCompactUtf16:
    case Transcode::Utf16ToCompactUtf16: type = {{from, from, to, to, to}, {to}}; break;
  }
  import.module = "transcode";
  import.field = std::string(transcode_name(op)) + " (mem" + std::to_string(from_memory) +
                 " => mem" + std::to_string(to_memory) + ")";
  import.kind = Import::Kind::Func;
  return intern_import(std::move(import), &type);
}

uint32_t ModuleBuilder::import_prepare_call(std::string_view adapter,
                                            const std::vector<ValType>& params,
                                            const std::optional<CoreExport>& memory) {
  Import import;
  import.binding = binding::PrepareCall{std::string(adapter), memory};
  if (auto it = import_index_.find(import.binding); it != import_index_.end()) return it->second;
  import.module = "sync";
  import.field = "[prepare-call]" + std::string(adapter);
  import.kind = Import::Kind::Func;
  // start, return, caller instance, callee instance, task_return_type,
  // callee_async, string_encoding, result_count_or_max_if_async; then the
  // adapter's own parameters.
  wasm::FuncType type{{ValType::funcref(), ValType::funcref(), ValType::I32, ValType::I32,
                       ValType::I32, ValType::I32, ValType::I32, ValType::I32},
                      {}};
  type.params.insert(type.params.end(), params.begin(), params.end());
  return intern_import(std::move(import), &type);
}

uint32_t ModuleBuilder::import_sync_start_call(std::string_view adapter,
                                               const std::optional<CoreExport>& callback,
                                               const std::vector<ValType>& results) {
  Import import;
  import.binding = binding::SyncStartCall{std::string(adapter), callback};
  if (auto it = import_index_.find(import.binding); it != import_index_.end()) return it->second;
  import.module = "sync";
  import.field = "[start-call]" + std::string(adapter);
  import.kind = Import::Kind::Func;
  // (callee, its parameter count) -> the lower's flat results
  const wasm::FuncType type{{ValType::funcref(), ValType::I32}, results};
  return intern_import(std::move(import), &type);
}

uint32_t ModuleBuilder::import_async_start_call(std::string_view adapter,
                                                const std::optional<CoreExport>& callback,
                                                const std::optional<CoreExport>& post_return) {
  Import import;
  import.binding = binding::AsyncStartCall{callback, post_return};
  if (auto it = import_index_.find(import.binding); it != import_index_.end()) return it->second;
  import.module = "async";
  import.field = "[start-call]" + std::string(adapter);
  import.kind = Import::Kind::Func;
  // (callee, its parameter count, its result count, flags) -> state | handle << 4
  const wasm::FuncType type{{ValType::funcref(), ValType::I32, ValType::I32, ValType::I32},
                            {ValType::I32}};
  return intern_import(std::move(import), &type);
}

void ModuleBuilder::export_import(std::string name, uint32_t import) {
  import_exports_.emplace_back(std::move(name), import);
}

FunctionId ModuleBuilder::add_function(const wasm::FuncType& type,
                                       std::optional<std::string> export_name) {
  Function f;
  f.type_index = intern_type(type);
  f.export_name = std::move(export_name);
  functions_.push_back(std::move(f));
  return static_cast<FunctionId>(functions_.size() - 1);
}

const SideOptions& ModuleBuilder::intern_options(const SideOptions& options) {
  for (const SideOptions& known : side_options_) {
    if (known.key() == options.key()) return known;
  }
  SideOptions& added = side_options_.emplace_back(options);
  added.id = static_cast<uint32_t>(side_options_.size() - 1);
  return added;
}

FunctionId ModuleBuilder::outlined(const OutlineKey& key, const wasm::FuncType& type) {
  auto it = outlined_.find(key);
  if (it != outlined_.end()) return it->second;
  FunctionId id = add_function(type, std::nullopt);
  outlined_.emplace(key, id);
  worklist_.push_back({key, id});
  return id;
}

std::optional<OutlineRequest> ModuleBuilder::next_outline_request() {
  if (worklist_.empty()) return std::nullopt;
  OutlineRequest request = worklist_.back();
  worklist_.pop_back();
  return request;
}

std::vector<uint8_t> ModuleBuilder::encode() const {
  wasm::TypeSection types;
  for (const wasm::FuncType& t : core_types_) types.func(t);

  wasm::FunctionSection functions;
  wasm::ExportSection exports;
  wasm::CodeSection code;
  for (size_t i = 0; i < functions_.size(); ++i) {
    const Function& f = functions_[i];
    assert(f.filled && "every function gets a body before encoding");
    functions.func(f.type_index);
    if (f.export_name) {
      exports.item(*f.export_name, wasm::ExternKind::Func,
                   imported_funcs_ + static_cast<uint32_t>(i));
    }
    // Calls to defined functions get their final index now.
    wasm::Bytes body;
    size_t copied = 0;
    for (const Relocation& r : f.relocations) {
      body.insert(body.end(), f.code.begin() + static_cast<std::ptrdiff_t>(copied),
                  f.code.begin() + static_cast<std::ptrdiff_t>(r.offset));
      copied = r.offset;
      wasm::Instructions ins(body);
      const uint32_t index = imported_funcs_ + r.target;
      if (r.ref_func) {
        ins.ref_func(index);
      } else {
        ins.call(index);
      }
    }
    body.insert(body.end(), f.code.begin() + static_cast<std::ptrdiff_t>(copied), f.code.end());
    code.body(f.local_runs, body);
  }
  for (const auto& [name, index] : import_exports_)
    exports.item(name, wasm::ExternKind::Func, index);

  wasm::ModuleWriter writer;
  writer.section(types);
  writer.section(import_section_);
  writer.section(functions);
  writer.section(exports);
  writer.section(code);
  return std::move(writer).finish();
}

}  // namespace fact::adapter
