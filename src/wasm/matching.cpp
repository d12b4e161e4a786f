#include "fact/wasm/matching.h"

namespace fact::wasm {

bool limits_match(const Limits& expected, const Limits& actual) {
  if (actual.min < expected.min) return false;
  if (!expected.max) return true;
  return actual.max && *actual.max <= *expected.max;
}

std::optional<std::string> extern_mismatch(const ExternType& expected, const ExternType& actual) {
  if (expected.index() != actual.index()) {
    return std::string("expected a ") + to_string(kind_of(expected)) + ", found a " +
           to_string(kind_of(actual));
  }
  if (const auto* want = std::get_if<FuncType>(&expected)) {
    const auto& have = std::get<FuncType>(actual);
    if (*want != have) {
      return "the function given has type " + to_string(have) + ", but " + to_string(*want) +
             " is expected";
    }
    return std::nullopt;
  }
  if (const auto* want = std::get_if<TableType>(&expected)) {
    const auto& have = std::get<TableType>(actual);
    if (want->element != have.element) {
      return "expected table element type " + to_string(want->element) + ", found " +
             to_string(have.element);
    }
    if (want->table64 != have.table64) return "the table index types (i32, i64) differ";
    if (!limits_match(want->limits, have.limits)) {
      return "mismatch in table limits: expected " + to_string(want->limits) + ", found " +
             to_string(have.limits);
    }
    return std::nullopt;
  }
  if (const auto* want = std::get_if<MemoryType>(&expected)) {
    const auto& have = std::get<MemoryType>(actual);
    if (want->shared != have.shared) return "mismatch in the shared flag for memories";
    if (want->memory64 != have.memory64) return "the memory index types (i32, i64) differ";
    if (want->page_size_log2 != have.page_size_log2) return "the memory page sizes differ";
    if (!limits_match(want->limits, have.limits)) {
      return "mismatch in memory limits: expected " + to_string(want->limits) + ", found " +
             to_string(have.limits);
    }
    return std::nullopt;
  }
  if (const auto* want = std::get_if<GlobalType>(&expected)) {
    const auto& have = std::get<GlobalType>(actual);
    if (want->mutable_ != have.mutable_) {
      return std::string("expected ") + (want->mutable_ ? "a mutable" : "an immutable") +
             " global, found " + (have.mutable_ ? "a mutable" : "an immutable") + " one";
    }
    if (want->type != have.type) {
      return "expected global type " + to_string(want->type) + ", found " + to_string(have.type);
    }
    return std::nullopt;
  }
  // Tags are not checked: nothing in fact runs code that throws across
  // instances, and their types index type sections of different modules.
  return std::nullopt;
}

std::optional<ExternType> entity_type(const ModuleInterface& module, ExternKind kind,
                                      uint32_t index) {
  switch (kind) {
    case ExternKind::Func:
      if (const FuncType* type = module.func_type(index)) return ExternType(*type);
      return std::nullopt;
    case ExternKind::Table:
      if (index < module.tables.size()) return ExternType(module.tables[index]);
      return std::nullopt;
    case ExternKind::Memory:
      if (index < module.memories.size()) return ExternType(module.memories[index]);
      return std::nullopt;
    case ExternKind::Global:
      if (index < module.globals.size()) return ExternType(module.globals[index]);
      return std::nullopt;
    case ExternKind::Tag: return std::nullopt;
  }
  return std::nullopt;
}

namespace {

// Compares what is known of both sides: an entity whose type the reader
// could not learn is accepted.
std::optional<std::string> known_mismatch(const std::optional<ExternType>& expected,
                                          const std::optional<ExternType>& actual) {
  if (!expected || !actual) return std::nullopt;
  return extern_mismatch(*expected, *actual);
}

}  // namespace

std::optional<std::string> module_mismatch(const ModuleInterface& declared,
                                           const ModuleInterface& actual) {
  for (const ModuleInterface::Import& imp : actual.imports) {
    const std::string name = imp.module + "::" + imp.field;
    const ModuleInterface::Import* want = nullptr;
    for (const ModuleInterface::Import& d : declared.imports) {
      if (d.module == imp.module && d.field == imp.field) {
        want = &d;
        break;
      }
    }
    if (!want) {
      return "missing expected import `" + name +
             "` (the module given imports it, the type does not)";
    }
    if (want->kind != imp.kind) {
      return "type mismatch in import `" + name + "`: expected " + to_string(imp.kind) +
             ", found " + to_string(want->kind);
    }
    // What the type promises to supply must fit what the module imports.
    if (auto why = known_mismatch(entity_type(actual, imp.kind, imp.index),
                                  entity_type(declared, want->kind, want->index))) {
      return "type mismatch in import `" + name + "`: " + *why;
    }
  }
  for (const auto& [name, want] : declared.exports) {
    auto it = actual.exports.find(name);
    if (it == actual.exports.end()) return "missing expected export `" + name + "`";
    if (it->second.kind != want.kind) {
      return "type mismatch in export `" + name + "`: expected " + to_string(want.kind) +
             ", found " + to_string(it->second.kind);
    }
    if (auto why = known_mismatch(entity_type(declared, want.kind, want.index),
                                  entity_type(actual, it->second.kind, it->second.index))) {
      return "type mismatch in export `" + name + "`: " + *why;
    }
  }
  return std::nullopt;
}

}  // namespace fact::wasm
