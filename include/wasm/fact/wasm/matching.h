// Core wasm's import matching: which entities may be given for an import,
// and which modules may be given where a module type is expected.
#pragma once

#include <optional>
#include <string>

#include "fact/wasm/module_reader.h"
#include "fact/wasm/types.h"

namespace fact::wasm {

// Limits subtyping: at least the minimum, and a maximum at most the
// expected one when that has a maximum.
bool limits_match(const Limits& expected, const Limits& actual);

// Whether an entity of type `actual` may be given where `expected` is
// imported (the core spec's extern subtyping): nullopt when it may,
// otherwise what differs, worded for a message. Function and global types
// must be equal, tables and memories must agree in everything but their
// limits, which must match.
std::optional<std::string> extern_mismatch(const ExternType& expected, const ExternType& actual);

// The type of entity `index` of `kind` in `module`, or nullopt when the
// reader could not learn it (a table or global past one whose initializer
// it cannot decode, a tag).
std::optional<ExternType> entity_type(const ModuleInterface& module, ExternKind kind,
                                      uint32_t index);

// Module subtyping (the Component Model's rule for a module given where a
// module type is declared): the module may import less than the type (each
// of its imports must accept what the type promises to supply) and export
// more (each declared export must be present, of a subtype). nullopt when
// `actual` fits `declared`, otherwise what does not.
std::optional<std::string> module_mismatch(const ModuleInterface& declared,
                                           const ModuleInterface& actual);

}  // namespace fact::wasm
