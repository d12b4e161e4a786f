// The state of one adapter module under construction: interned core types
// and imports, generated functions with their relocations, outlined helper
// functions on a worklist, and the final encoding.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "fact/adapter.h"
#include "fact/wasm/encoder.h"

namespace fact::adapter {

using wasm::ValType;

using FunctionId = uint32_t;

// A call or ref.func of a defined function, whose index is known only when
// the module is encoded (defined functions are numbered after all imports).
struct Relocation {
  size_t offset;  // position in the body's bytes where the instruction goes
  FunctionId target;
  bool ref_func;
};

struct Function {
  uint32_t type_index = 0;
  std::vector<std::pair<uint32_t, ValType>> local_runs;  // declared locals
  wasm::Bytes code;
  std::vector<Relocation> relocations;
  std::optional<std::string> export_name;
  bool filled = false;
};

// One side's canonical options, resolved against the module's imports.
struct SideOptions {
  // Identifies these options within the module (outline keys use it).
  uint32_t id = 0;
  uint32_t instance = 0;
  StringEncoding string_encoding = StringEncoding::Utf8;
  bool memory64 = false;
  std::optional<uint32_t> memory;  // memory index in this module
  uint8_t page_size_log2 = 16;
  std::optional<uint32_t> realloc;  // function index of the imported realloc
  bool is_async = false;
  uint32_t flags_global = 0;

  ValType ptr() const { return memory64 ? ValType::I64 : ValType::I32; }
  // Everything but the id.
  auto key() const {
    return std::tuple(instance, string_encoding, memory64, memory, page_size_log2, realloc,
                      is_async, flags_global);
  }
};

enum class Location : uint8_t { Stack, Memory };

// Identity of an outlined translation function.
struct OutlineKey {
  TypeId src_type;
  uint32_t src_options;  // SideOptions::id
  Location src_location;
  TypeId dst_type;
  uint32_t dst_options;
  Location dst_location;
  friend bool operator<(const OutlineKey& a, const OutlineKey& b) {
    return std::tie(a.src_type.index, a.src_options, a.src_location, a.dst_type.index,
                    a.dst_options, a.dst_location) < std::tie(b.src_type.index, b.src_options,
                                                              b.src_location, b.dst_type.index,
                                                              b.dst_options, b.dst_location);
  }
};

struct OutlineRequest {
  OutlineKey key;
  FunctionId function;
};

class ModuleBuilder {
 public:
  ModuleBuilder(const TypeStore& types, ModuleOptions options) : types_(types), options_(options) {}

  const TypeStore& types() const { return types_; }
  const ModuleOptions& options() const { return options_; }

  uint32_t intern_type(const wasm::FuncType& type);
  const wasm::FuncType& core_type(uint32_t index) const { return core_types_[index]; }

  // Imports, in their index spaces. Each binding is imported once: asking
  // again returns the first import. Names and signatures are Wasmtime's
  // (docs/import-abi.md).
  uint32_t import_flags(uint32_t instance);
  uint32_t import_memory(const Memory& memory);
  // A function of a core instance. `module` and `field` name it when first
  // imported; an empty field means the next `f{N}`.
  uint32_t import_export_func(binding::Export::Role role, std::string_view module,
                              std::string_view field, const CoreExport& item,
                              const wasm::FuncType& type);
  uint32_t import_trap(TrapCode code);
  uint32_t import_intrinsic(Intrinsic intrinsic);
  uint32_t import_transcoder(Transcode op, uint32_t from_memory, bool from64, uint32_t to_memory,
                             bool to64);
  // The imports of adapters with an async side (docs/import-abi.md):
  // `sync.[prepare-call]{adapter}` with the adapter's own parameters after
  // the fixed ones, `sync.[start-call]{adapter}` returning the lower's flat
  // results, and `async.[start-call]`, shared per callback and post-return.
  uint32_t import_prepare_call(std::string_view adapter, const std::vector<ValType>& params,
                               const std::optional<CoreExport>& memory);
  uint32_t import_sync_start_call(std::string_view adapter,
                                  const std::optional<CoreExport>& callback,
                                  const std::vector<ValType>& results);
  uint32_t import_async_start_call(std::string_view adapter,
                                   const std::optional<CoreExport>& callback,
                                   const std::optional<CoreExport>& post_return);

  // Exports imported function `import` (a function index) as `name`, so
  // that ref.func may name it.
  void export_import(std::string name, uint32_t import);

  // Defined functions.
  FunctionId add_function(const wasm::FuncType& type, std::optional<std::string> export_name);
  Function& function(FunctionId id) { return functions_[id]; }

  // The interned copy of `options` (with its id set); equal options share
  // one copy. References stay valid for the builder's lifetime.
  const SideOptions& intern_options(const SideOptions& options);
  const SideOptions& options_at(uint32_t id) const { return side_options_[id]; }

  // Returns the function for an outlined translation, creating it (and
  // queueing its body) the first time the key is seen.
  FunctionId outlined(const OutlineKey& key, const wasm::FuncType& type);
  std::optional<OutlineRequest> next_outline_request();

  std::vector<uint8_t> encode() const;
  const std::vector<Import>& imports() const { return imports_; }

 private:
  // The index of the import bound to `import.binding`, adding it (with the
  // function type `func` for function imports) when it is new.
  uint32_t intern_import(Import import, const wasm::FuncType* func);

  const TypeStore& types_;
  ModuleOptions options_;

  std::vector<wasm::FuncType> core_types_;
  std::map<wasm::FuncType, uint32_t> core_type_index_;

  wasm::ImportSection import_section_;
  std::vector<Import> imports_;
  std::map<ImportBinding, uint32_t> import_index_;  // binding -> index in its space
  uint32_t imported_funcs_ = 0;
  uint32_t imported_memories_ = 0;
  uint32_t imported_globals_ = 0;

  std::vector<Function> functions_;
  std::vector<std::pair<std::string, uint32_t>> import_exports_;  // name, function index
  std::deque<SideOptions> side_options_;
  std::map<OutlineKey, FunctionId> outlined_;
  std::vector<OutlineRequest> worklist_;
};

}  // namespace fact::adapter
