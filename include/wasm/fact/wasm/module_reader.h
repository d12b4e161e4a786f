// Reading what a core module shows to whoever instantiates it: its imports
// and exports with their types. Code, data and names are skipped; the module
// is not validated (the engine does that), only decoded as far as the
// interface needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fact/error.h"
#include "fact/wasm/cursor.h"
#include "fact/wasm/types.h"

namespace fact::wasm {

struct ModuleInterface {
  struct Entity {
    ExternKind kind = ExternKind::Func;
    uint32_t index = 0;  // in the index space of its kind (tags: unused)
  };
  struct Import {
    std::string module;
    std::string field;
    ExternKind kind = ExternKind::Func;
    uint32_t index = 0;  // in the index space of its kind (tags: unused)
  };

  std::vector<FuncType> types;
  std::vector<uint32_t> funcs;       // type index of each function, imports first
  std::vector<MemoryType> memories;  // imports first
  std::vector<TableType> tables;     // imports first
  std::vector<GlobalType> globals;   // imports first
  std::vector<Import> imports;
  std::map<std::string, Entity, std::less<>> exports;

  // The type of function `func`, or null when it does not exist.
  const FuncType* func_type(uint32_t func) const;
};

// Reads the interface of the binary module `bytes`. `offset` is where the
// module starts in the file the user gave (a module nested in a component),
// so that messages name the right byte. Fails on what cannot be decoded, on
// GC type definitions (not supported), on function type indices out of
// range, and on a two-level import name used twice (instantiation matches
// imports by name, so a repeated one could not be told apart).
Expected<ModuleInterface> read_module_interface(std::span<const uint8_t> bytes, size_t offset = 0);

// Decoders of the type encodings, shared with the component reader (core
// types inside components use the same encodings).
ValType read_val_type(Cursor& c);
// Limits with the flags byte already read; `what` names them in messages.
Limits read_limits(Cursor& c, uint8_t flags, bool is64, const char* what);
MemoryType read_memory_type(Cursor& c);
TableType read_table_type(Cursor& c);
GlobalType read_global_type(Cursor& c);

}  // namespace fact::wasm
