#include "adapter/module_builder.h"

#include <cassert>

namespace fact::adapter {

uint32_t ModuleBuilder::intern_type(const wasm::FuncType& type) {
  auto key = std::make_pair(type.params, type.results);
  auto [it, inserted] = core_type_index_.emplace(std::move(key), 0);
  if (inserted) {
    it->second = static_cast<uint32_t>(core_types_.size());
    core_types_.push_back(type);
  }
  return it->second;
}

uint32_t ModuleBuilder::add_import(Import import, const wasm::FuncType* func_type) {
  uint32_t index = 0;
  switch (import.kind) {
    case Import::Kind::Func:
      assert(func_type);
      wasm::import_func(import_section_, import.module, import.field, intern_type(*func_type));
      index = imported_funcs_++;
      break;
    case Import::Kind::Memory: {
      wasm::Limits limits;
      limits.memory64 = import.memory.memory64;
      limits.shared = import.memory.shared;
      limits.page_size_log2 = import.memory.page_size_log2;
      if (limits.shared) {
        // Shared memories must declare a maximum. The largest one the index
        // type allows accepts every shared memory of that type.
        unsigned address_bits = limits.memory64 ? 64 : 32;
        unsigned page_bits = limits.page_size_log2;
        limits.has_max = true;
        limits.max = address_bits - page_bits >= 64 ? ~uint64_t{0}
                                                    : uint64_t{1} << (address_bits - page_bits);
        if (limits.memory64 && page_bits == 16) limits.max = uint64_t{1} << 48;
      }
      wasm::import_memory(import_section_, import.module, import.field, limits);
      index = imported_memories_++;
      break;
    }
    case Import::Kind::Global:
      wasm::import_global(import_section_, import.module, import.field, wasm::ValType::I32, true);
      index = imported_globals_++;
      break;
  }
  imports_.push_back(std::move(import));
  return index;
}

std::string ModuleBuilder::next_func_name() const { return "f" + std::to_string(imported_funcs_); }

uint32_t ModuleBuilder::import_flags(uint32_t instance) {
  auto it = flags_globals_.find(instance);
  if (it != flags_globals_.end()) return it->second;
  Import import;
  import.module = "flags";
  import.field = "instance" + std::to_string(instance);
  import.kind = Import::Kind::Global;
  import.binding = binding::InstanceFlags{instance};
  uint32_t index = add_import(std::move(import), nullptr);
  flags_globals_.emplace(instance, index);
  return index;
}

uint32_t ModuleBuilder::import_memory(const Memory& memory) {
  auto key = std::make_pair(memory.export_.instance, memory.export_.name);
  auto it = memories_.find(key);
  if (it != memories_.end()) return it->second;
  Import import;
  import.module = "memory";
  import.field = "m" + std::to_string(imported_memories_);
  import.kind = Import::Kind::Memory;
  import.memory = memory.type;
  import.binding = binding::Export{binding::Export::Role::Memory, memory.export_};
  uint32_t index = add_import(std::move(import), nullptr);
  memories_.emplace(std::move(key), index);
  return index;
}

uint32_t ModuleBuilder::import_export_func(binding::Export::Role role, std::string_view module,
                                           std::string_view field, const CoreExport& item,
                                           const wasm::FuncType& type) {
  auto key = std::make_tuple(static_cast<uint8_t>(role), item.instance, item.name);
  auto it = export_funcs_.find(key);
  if (it != export_funcs_.end()) return it->second;
  Import import;
  import.module = std::string(module);
  import.field = field.empty() ? next_func_name() : std::string(field);
  import.kind = Import::Kind::Func;
  import.func = FuncSignature{to_core(type.params), to_core(type.results)};
  import.binding = binding::Export{role, item};
  uint32_t index = add_import(std::move(import), &type);
  export_funcs_.emplace(std::move(key), index);
  return index;
}

uint32_t ModuleBuilder::import_trap(TrapCode code) {
  auto it = traps_.find(static_cast<uint8_t>(code));
  if (it != traps_.end()) return it->second;
  Import import;
  import.module = "runtime";
  import.field = "trap" + std::to_string(static_cast<unsigned>(code));
  import.kind = Import::Kind::Func;
  import.binding = binding::Trap{code};
  wasm::FuncType type;
  uint32_t index = add_import(std::move(import), &type);
  traps_.emplace(static_cast<uint8_t>(code), index);
  return index;
}

uint32_t ModuleBuilder::import_intrinsic(Intrinsic intrinsic) {
  auto it = intrinsics_.find(static_cast<uint8_t>(intrinsic));
  if (it != intrinsics_.end()) return it->second;
  using V = wasm::ValType;
  Import import;
  import.kind = Import::Kind::Func;
  import.binding = binding::RuntimeIntrinsic{intrinsic};
  wasm::FuncType type;
  switch (intrinsic) {
    case Intrinsic::ResourceTransferOwn:
      import.module = "resource", import.field = "transfer-own";
      type = {{V::I32, V::I32, V::I32}, {V::I32}};
      break;
    case Intrinsic::ResourceTransferBorrow:
      import.module = "resource", import.field = "transfer-borrow";
      type = {{V::I32, V::I32, V::I32}, {V::I32}};
      break;
    case Intrinsic::FutureTransfer:
      import.module = "future", import.field = "transfer";
      type = {{V::I32, V::I32, V::I32}, {V::I32}};
      break;
    case Intrinsic::StreamTransfer:
      import.module = "stream", import.field = "transfer";
      type = {{V::I32, V::I32, V::I32}, {V::I32}};
      break;
    case Intrinsic::ErrorContextTransfer:
      import.module = "error-context", import.field = "transfer";
      type = {{V::I32, V::I32, V::I32}, {V::I32}};
      break;
    case Intrinsic::EnterSyncCall:
      import.module = "async", import.field = "enter-sync-call";
      type = {{V::I32, V::I32, V::I32}, {}};
      break;
    case Intrinsic::ExitSyncCall:
      import.module = "async", import.field = "exit-sync-call";
      break;
    case Intrinsic::ContextGet0:
      import.module = "context", import.field = "get0";
      type = {{}, {V::I32}};
      break;
    case Intrinsic::ContextGet1:
      import.module = "context", import.field = "get1";
      type = {{}, {V::I32}};
      break;
    case Intrinsic::ContextSet0:
      import.module = "context", import.field = "set0";
      type = {{V::I32}, {}};
      break;
    case Intrinsic::ContextSet1:
      import.module = "context", import.field = "set1";
      type = {{V::I32}, {}};
      break;
  }
  import.func = FuncSignature{to_core(type.params), to_core(type.results)};
  uint32_t index = add_import(std::move(import), &type);
  intrinsics_.emplace(static_cast<uint8_t>(intrinsic), index);
  return index;
}

uint32_t ModuleBuilder::import_transcoder(Transcode op, uint32_t from_memory, bool from64,
                                          uint32_t to_memory, bool to64) {
  auto key = std::make_tuple(static_cast<uint8_t>(op), from_memory, from64, to_memory, to64);
  auto it = transcoders_.find(key);
  if (it != transcoders_.end()) return it->second;
  using V = wasm::ValType;
  V from = from64 ? V::I64 : V::I32;
  V to = to64 ? V::I64 : V::I32;
  wasm::FuncType type;
  switch (op) {
    case Transcode::Utf8ToUtf8:
    case Transcode::Utf16ToUtf16:
    case Transcode::Latin1ToLatin1:
    case Transcode::Latin1ToUtf16:
      type = {{from, from, to}, {}};
      break;
    case Transcode::Utf8ToUtf16:
    case Transcode::Utf16ToCompactProbablyUtf16:
      type = {{from, from, to}, {to}};
      break;
    case Transcode::Utf8ToLatin1:
    case Transcode::Utf16ToLatin1:
      type = {{from, from, to}, {from, to}};
      break;
    case Transcode::Utf16ToUtf8:
    case Transcode::Latin1ToUtf8:
      type = {{from, from, to, to, V::I32}, {from, to}};
      break;
    case Transcode::Utf8ToCompactUtf16:
    case Transcode::Utf16ToCompactUtf16:
      type = {{from, from, to, to, to}, {to}};
      break;
  }
  Import import;
  import.module = "transcode";
  import.field = std::string(transcode_name(op)) + " (mem" + std::to_string(from_memory) +
                 " => mem" + std::to_string(to_memory) + ")";
  import.kind = Import::Kind::Func;
  import.func = FuncSignature{to_core(type.params), to_core(type.results)};
  import.binding = binding::Transcoder{op, from_memory, from64, to_memory, to64};
  uint32_t index = add_import(std::move(import), &type);
  transcoders_.emplace(key, index);
  return index;
}

FunctionId ModuleBuilder::add_function(const wasm::FuncType& type,
                                       std::optional<std::string> export_name) {
  Function f;
  f.type_index = intern_type(type);
  f.param_count = static_cast<uint32_t>(type.params.size());
  f.export_name = std::move(export_name);
  functions_.push_back(std::move(f));
  return static_cast<FunctionId>(functions_.size() - 1);
}

uint32_t ModuleBuilder::intern_options(const SideOptions& options) {
  for (size_t i = 0; i < side_options_.size(); ++i) {
    if (side_options_[i].key() == options.key()) return static_cast<uint32_t>(i);
  }
  side_options_.push_back(options);
  return static_cast<uint32_t>(side_options_.size() - 1);
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
  wasm::ModuleWriter writer;
  writer.type_section(core_types_);

  wasm::Bytes imports;
  wasm::write_u32(imports, static_cast<uint32_t>(imports_.size()));
  imports.insert(imports.end(), import_section_.begin(), import_section_.end());
  writer.section(wasm::kSectionImport, imports);

  std::vector<uint32_t> type_indices;
  type_indices.reserve(functions_.size());
  for (const Function& f : functions_) type_indices.push_back(f.type_index);
  writer.function_section(type_indices);

  std::vector<wasm::ExportEntry> exports;
  for (size_t i = 0; i < functions_.size(); ++i) {
    if (functions_[i].export_name) {
      exports.push_back({*functions_[i].export_name, wasm::ExportEntry::Kind::Func,
                         imported_funcs_ + static_cast<uint32_t>(i)});
    }
  }
  writer.export_section(exports);

  std::vector<wasm::Bytes> bodies;
  bodies.reserve(functions_.size());
  for (const Function& f : functions_) {
    assert(f.filled && "every function gets a body before encoding");
    wasm::Bytes body;
    wasm::write_locals(body, f.local_runs);
    size_t copied = 0;
    for (const Relocation& r : f.relocations) {
      body.insert(body.end(), f.code.begin() + static_cast<std::ptrdiff_t>(copied),
                  f.code.begin() + static_cast<std::ptrdiff_t>(r.offset));
      copied = r.offset;
      wasm::Instructions ins(body);
      uint32_t index = imported_funcs_ + r.target;
      if (r.ref_func) {
        ins.ref_func(index);
      } else {
        ins.call(index);
      }
    }
    body.insert(body.end(), f.code.begin() + static_cast<std::ptrdiff_t>(copied), f.code.end());
    bodies.push_back(std::move(body));
  }
  writer.code_section(bodies);
  return std::move(writer).finish();
}

}  // namespace fact::adapter
