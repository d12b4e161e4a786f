// The state of one adapter module under construction: interned core types
// and imports, generated functions with their relocations, outlined helper
// functions on a worklist, and the final encoding (fact-reference §1.3).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "fact/adapter.h"
#include "wasm/encoder.h"

namespace fact::adapter {

using FunctionId = uint32_t;

// The public CoreType and the encoder's ValType share their binary encodings.
inline wasm::ValType to_val(CoreType t) { return static_cast<wasm::ValType>(t); }

inline std::vector<wasm::ValType> to_vals(const std::vector<CoreType>& types) {
  std::vector<wasm::ValType> out;
  out.reserve(types.size());
  for (CoreType t : types) out.push_back(to_val(t));
  return out;
}

inline std::vector<CoreType> to_core(const std::vector<wasm::ValType>& types) {
  std::vector<CoreType> out;
  out.reserve(types.size());
  for (wasm::ValType t : types) out.push_back(static_cast<CoreType>(t));
  return out;
}

// A call or ref.func of a defined function, whose index is known only when
// the module is encoded (defined functions are numbered after all imports).
struct Relocation {
  size_t offset;  // position in the body's bytes where the instruction goes
  FunctionId target;
  bool ref_func;
};

struct Function {
  uint32_t type_index = 0;
  uint32_t param_count = 0;
  std::vector<std::pair<uint32_t, wasm::ValType>> local_runs;
  wasm::Bytes code;
  std::vector<Relocation> relocations;
  std::optional<std::string> export_name;
  bool filled = false;
};

// One side's canonical options, resolved against the module's imports.
struct SideOptions {
  uint32_t instance = 0;
  StringEncoding string_encoding = StringEncoding::Utf8;
  bool memory64 = false;
  std::optional<uint32_t> memory;   // memory index in this module
  uint8_t page_size_log2 = 16;
  std::optional<uint32_t> realloc;  // function index of the imported realloc
  bool is_async = false;
  uint32_t flags_global = 0;

  wasm::ValType ptr() const { return memory64 ? wasm::ValType::I64 : wasm::ValType::I32; }
  auto key() const {
    return std::tuple(instance, static_cast<int>(string_encoding), memory64, memory,
                      page_size_log2, realloc, is_async, flags_global);
  }
};

enum class Location : uint8_t { Stack, Memory };

// Identity of an outlined translation function.
struct OutlineKey {
  uint32_t src_type;
  uint32_t src_options;
  Location src_location;
  uint32_t dst_type;
  uint32_t dst_options;
  Location dst_location;
  auto tie() const {
    return std::tie(src_type, src_options, src_location, dst_type, dst_options, dst_location);
  }
  friend bool operator<(const OutlineKey& a, const OutlineKey& b) { return a.tie() < b.tie(); }
};

struct OutlineRequest {
  OutlineKey key;
  FunctionId function;
};

class ModuleBuilder {
 public:
  ModuleBuilder(const TypeStore& types, ModuleOptions options)
      : types_(types), options_(options) {}

  const TypeStore& types() const { return types_; }
  const ModuleOptions& options() const { return options_; }

  uint32_t intern_type(const wasm::FuncType& type);
  const wasm::FuncType& core_type(uint32_t index) const { return core_types_[index]; }

  // Imports. Each returns the index in its index space; interned as
  // fact-reference §1.3 describes.
  uint32_t import_flags(uint32_t instance);
  uint32_t import_memory(const Memory& memory);
  uint32_t import_export_func(binding::Export::Role role, std::string_view module,
                              std::string_view field, const CoreExport& item,
                              const wasm::FuncType& type);
  uint32_t import_trap(TrapCode code);
  uint32_t import_intrinsic(Intrinsic intrinsic);
  uint32_t import_transcoder(Transcode op, uint32_t from_memory, bool from64,
                             uint32_t to_memory, bool to64);

  // Defined functions.
  FunctionId add_function(const wasm::FuncType& type, std::optional<std::string> export_name);
  Function& function(FunctionId id) { return functions_[id]; }

  // Interns the options of one side; the index identifies them in outline
  // keys.
  uint32_t intern_options(const SideOptions& options);
  const SideOptions& options_at(uint32_t index) const { return side_options_[index]; }

  // Returns the function for an outlined translation, creating it (and
  // queueing its body) the first time the key is seen.
  FunctionId outlined(const OutlineKey& key, const wasm::FuncType& type);
  std::optional<OutlineRequest> next_outline_request();

  std::vector<uint8_t> encode() const;
  const std::vector<Import>& imports() const { return imports_; }

 private:
  uint32_t add_import(Import import, const wasm::FuncType* func_type);
  std::string next_func_name() const;

  const TypeStore& types_;
  ModuleOptions options_;

  std::vector<wasm::FuncType> core_types_;
  std::map<std::pair<std::vector<wasm::ValType>, std::vector<wasm::ValType>>, uint32_t>
      core_type_index_;

  wasm::Bytes import_section_;
  std::vector<Import> imports_;
  uint32_t imported_funcs_ = 0;
  uint32_t imported_memories_ = 0;
  uint32_t imported_globals_ = 0;

  std::map<uint32_t, uint32_t> flags_globals_;
  std::map<std::pair<uint32_t, std::string>, uint32_t> memories_;
  std::map<std::tuple<uint8_t, uint32_t, std::string>, uint32_t> export_funcs_;
  std::map<uint8_t, uint32_t> traps_;
  std::map<uint8_t, uint32_t> intrinsics_;
  std::map<std::tuple<uint8_t, uint32_t, bool, uint32_t, bool>, uint32_t> transcoders_;

  std::vector<Function> functions_;
  std::vector<SideOptions> side_options_;
  std::map<OutlineKey, FunctionId> outlined_;
  std::vector<OutlineRequest> worklist_;
};

}  // namespace fact::adapter
