#include "component/resolve.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "component/cursor.h"
#include "fact/abi.h"

namespace fact::component {

Error error_at(size_t offset, const std::string& message) {
  return Error{"at byte " + hex(offset) + ": " + message};
}

bool limits_match(const CoreLimitsInfo& expected, const CoreLimitsInfo& actual) {
  if (actual.min < expected.min) return false;
  if (!expected.max) return true;
  return actual.max && *actual.max <= *expected.max;
}

// ---------------------------------------------------------------------------
// Core modules

std::optional<fact::CoreType> numeric_core_type(const CoreValType& type) {
  switch (type.code) {
    case 0x7f: return fact::CoreType::I32;
    case 0x7e: return fact::CoreType::I64;
    case 0x7d: return fact::CoreType::F32;
    case 0x7c: return fact::CoreType::F64;
    default: return std::nullopt;
  }
}

std::optional<FuncSignature> CoreModuleInfo::func_signature(uint32_t func) const {
  if (func >= funcs.size() || funcs[func] >= types.size()) return std::nullopt;
  return types[funcs[func]];
}

namespace {

// Reads one core value type; nullopt for anything that is not a number
// (v128 and references are read and skipped).
std::optional<fact::CoreType> core_valtype(Cursor& c, bool& numeric) {
  uint8_t code = c.byte("core value type");
  switch (code) {
    case 0x7f: return fact::CoreType::I32;
    case 0x7e: return fact::CoreType::I64;
    case 0x7d: return fact::CoreType::F32;
    case 0x7c: return fact::CoreType::F64;
    case 0x7b:
    case 0x70:
    case 0x6f:
    case 0x6e:
    case 0x6d:
    case 0x6c:
    case 0x6b:
    case 0x6a:
    case 0x71:
    case 0x72:
    case 0x73:
    case 0x74:
      numeric = false;
      return std::nullopt;
    case 0x63:
    case 0x64:
      (void)c.s33("heap type");
      numeric = false;
      return std::nullopt;
    default:
      c.fail("unknown core value type " + hex(code));
      return std::nullopt;
  }
}

// The name of a reference type, with the shorthands folded in (`funcref`
// and `(ref null func)` are the same type).
std::string ref_name(bool nullable, int64_t heap) {
  if (heap >= 0) return std::string(nullable ? "(ref null " : "(ref ") + std::to_string(heap) + ")";
  static const std::map<int64_t, const char*> kAbstract = {
      {-0x10, "func"},     {-0x11, "extern"}, {-0x12, "any"},   {-0x13, "eq"},
      {-0x14, "i31"},      {-0x15, "struct"}, {-0x16, "array"}, {-0x0f, "none"},
      {-0x0e, "noextern"}, {-0x0d, "nofunc"}, {-0x0c, "noexn"}, {-0x17, "exn"}};
  auto it = kAbstract.find(heap);
  std::string name = it == kAbstract.end() ? "heap" + std::to_string(heap) : it->second;
  return nullable ? name + "ref" : "(ref " + name + ")";
}

// Reads one core value type and names it (for the import checks of core
// instantiation, which compare tables and globals by these names).
// The name of a numeric or vector value type's code, if it is one.
std::optional<std::string> number_type_name(uint8_t code) {
  switch (code) {
    case 0x7f:
      return "i32";
    case 0x7e:
      return "i64";
    case 0x7d:
      return "f32";
    case 0x7c:
      return "f64";
    case 0x7b:
      return "v128";
    default:
      return std::nullopt;
  }
}

std::string core_valtype_name(Cursor& c) {
  uint8_t code = c.byte("core value type");
  if (auto name = number_type_name(code)) return *name;
  switch (code) {
    case 0x63:
      return ref_name(true, c.s33("heap type"));
    case 0x64:
      return ref_name(false, c.s33("heap type"));
    default:
      // A shorthand: its byte is the abstract heap type's s33 encoding.
      if (code >= 0x69 && code <= 0x74) return ref_name(true, static_cast<int64_t>(code) - 0x80);
      c.fail("unknown core value type " + hex(code));
      return "";
  }
}

std::string ast_valtype_name(const CoreValType& t) {
  if (auto name = number_type_name(t.code)) return *name;
  if (!t.is_ref()) return ref_name(true, static_cast<int64_t>(t.code) - 0x80);
  int64_t heap = t.heap_index ? static_cast<int64_t>(*t.heap_index)
                              : static_cast<int64_t>(t.heap_abstract) - 0x80;
  return ref_name(t.code == 0x63, heap);
}

CoreLimitsInfo read_limits(Cursor& c, uint8_t flags, bool is64, const char* what) {
  CoreLimitsInfo l;
  const std::string min = std::string(what) + " minimum";
  const std::string max = std::string(what) + " maximum";
  l.min = is64 ? c.u64(min) : c.u32(min);
  if (flags & 0x01) l.max = is64 ? c.u64(max) : c.u32(max);
  return l;
}

MemoryType memory_limits(Cursor& c, CoreLimitsInfo& limits) {
  uint8_t flags = c.byte("memory limits");
  if (flags > 0x0f) {
    c.fail("unknown memory limits flags " + hex(flags));
    return {};
  }
  MemoryType type;
  type.shared = (flags & 0x02) != 0;
  type.memory64 = (flags & 0x04) != 0;
  limits = read_limits(c, flags, type.memory64, "memory");
  if (flags & 0x08) {
    uint32_t log2 = c.u32("memory page size");
    if (log2 != 0 && log2 != 16) c.fail("memory page size 2^" + std::to_string(log2) + " is not 1 or 65536");
    type.page_size_log2 = static_cast<uint8_t>(log2);
  }
  return type;
}

void add_memory(Cursor& c, CoreModuleInfo& info) {
  CoreLimitsInfo limits;
  info.memories.push_back(memory_limits(c, limits));
  info.memory_limits.push_back(limits);
}

CoreTableInfo table_type(Cursor& c) {
  CoreTableInfo t;
  t.element = core_valtype_name(c);
  uint8_t flags = c.byte("table limits");
  t.is64 = (flags & 0x04) != 0;
  t.limits = read_limits(c, flags, t.is64, "table");
  return t;
}

CoreGlobalInfo global_type(Cursor& c) {
  CoreGlobalInfo g;
  g.type = core_valtype_name(c);
  g.mutable_ = c.byte("global mutability") == 0x01;
  return g;
}

void skip_leb(Cursor& c) {
  for (int i = 0; i < 10 && c.ok(); ++i) {
    if ((c.byte("LEB128 byte") & 0x80) == 0) return;
  }
}

// Skips a constant expression. Returns false for an instruction it does
// not know, after which the rest of the section cannot be read.
bool skip_const_expr(Cursor& c) {
  while (c.ok()) {
    uint8_t op = c.byte("constant expression");
    switch (op) {
      case 0x0b:
        return true;
      case 0x41:
      case 0x42:
      case 0x23:
      case 0xd2:
        skip_leb(c);
        break;
      case 0x43:
        (void)c.take(4, "f32 constant");
        break;
      case 0x44:
        (void)c.take(8, "f64 constant");
        break;
      case 0xd0:
        (void)c.s33("heap type");
        break;
      case 0x6a:
      case 0x6b:
      case 0x6c:
      case 0x7c:
      case 0x7d:
      case 0x7e:
        break;
      default:
        return false;
    }
  }
  return false;
}

void type_section(Cursor& c, CoreModuleInfo& info) {
  uint32_t n = c.count("core types");
  for (uint32_t i = 0; i < n && c.ok(); ++i) {
    uint8_t form = c.byte("core type form");
    if (form != 0x60) {
      c.fail("core type form " + hex(form) +
             " (GC types) in a nested core module is not supported");
      return;
    }
    FuncSignature sig;
    bool numeric = true;
    uint32_t params = c.count("parameters");
    for (uint32_t k = 0; k < params && c.ok(); ++k) {
      if (auto t = core_valtype(c, numeric)) sig.params.push_back(*t);
    }
    uint32_t results = c.count("results");
    for (uint32_t k = 0; k < results && c.ok(); ++k) {
      if (auto t = core_valtype(c, numeric)) sig.results.push_back(*t);
    }
    // A non-numeric signature keeps its slot but can never match a
    // canonical signature: mark it with an impossible shape.
    if (!numeric) sig.params.assign(kMaxFlatParams + 2, fact::CoreType::I32);
    info.types.push_back(std::move(sig));
  }
}

void import_section(Cursor& c, CoreModuleInfo& info) {
  uint32_t n = c.count("imports", 3);
  // Within a component two-level import names must be unique: instantiation
  // resolves each by name, so a repeated one could not be told apart.
  std::set<std::pair<std::string, std::string>> seen;
  for (uint32_t i = 0; i < n && c.ok(); ++i) {
    CoreModuleInfo::ImportEntry entry;
    const size_t entry_at = c.offset();
    entry.module = c.name("import module name");
    entry.field = c.name("import field name");
    if (c.ok() && !seen.emplace(entry.module, entry.field).second) {
      c.fail_at(entry_at, "duplicate import name `" + entry.module + ":" + entry.field +
                              "` (a core module in a component may import each "
                              "name only once)");
      return;
    }
    uint8_t kind = c.byte("import kind");
    switch (kind) {
      case 0x00:
        entry.kind = CoreExternType::Kind::Func;
        entry.index = static_cast<uint32_t>(info.funcs.size());
        info.funcs.push_back(c.u32("function type index"));
        break;
      case 0x01:
        entry.kind = CoreExternType::Kind::Table;
        entry.index = static_cast<uint32_t>(info.tables.size());
        info.tables.push_back(table_type(c));
        break;
      case 0x02:
        entry.kind = CoreExternType::Kind::Memory;
        entry.index = static_cast<uint32_t>(info.memories.size());
        add_memory(c, info);
        break;
      case 0x03:
        entry.kind = CoreExternType::Kind::Global;
        entry.index = static_cast<uint32_t>(info.globals.size());
        info.globals.push_back(global_type(c));
        break;
      case 0x04:
        entry.kind = CoreExternType::Kind::Tag;
        (void)c.byte("tag attribute");
        (void)c.u32("tag type index");
        break;
      default:
        c.fail("unknown import kind " + hex(kind));
        return;
    }
    info.imports.push_back(std::move(entry));
  }
}

void export_section(Cursor& c, CoreModuleInfo& info) {
  uint32_t n = c.count("exports", 3);
  for (uint32_t i = 0; i < n && c.ok(); ++i) {
    std::string name = c.name("export name");
    uint8_t kind = c.byte("export kind");
    uint32_t index = c.u32("export index");
    if (kind > 0x04) {
      c.fail("unknown export kind " + hex(kind));
      return;
    }
    info.exports[name] = {static_cast<CoreExternType::Kind>(kind), index};
  }
}

}  // namespace

Expected<CoreModuleInfo> summarize_core_module(std::span<const uint8_t> bytes, size_t offset) {
  Diag diag;
  Cursor c(bytes, diag);
  CoreModuleInfo info;
  auto preamble = c.take(8, "core module preamble");
  static constexpr uint8_t kPreamble[8] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  if (c.ok() && !std::equal(preamble.begin(), preamble.end(), kPreamble)) {
    return error_at(offset, "nested core module has an invalid preamble");
  }
  while (!c.at_end()) {
    uint8_t id = c.byte("section id");
    uint32_t size = c.u32("section size");
    Cursor body = c.split(size, "section");
    if (!c.ok()) break;
    switch (id) {
      case 1: type_section(body, info); break;
      case 2: import_section(body, info); break;
      case 3: {
        uint32_t n = body.count("functions");
        for (uint32_t i = 0; i < n && body.ok(); ++i) info.funcs.push_back(body.u32("type index"));
        break;
      }
      case 4: {
        // A table with an initializer (0x40 0x00) is left out with all that
        // follow it: entities past the end of `tables` are not checked.
        uint32_t n = body.count("tables");
        for (uint32_t i = 0; i < n && body.ok() && body.peek("table type") != 0x40; ++i) {
          info.tables.push_back(table_type(body));
        }
        break;
      }
      case 5: {
        uint32_t n = body.count("memories");
        for (uint32_t i = 0; i < n && body.ok(); ++i) add_memory(body, info);
        break;
      }
      case 6: {
        // Globals whose initializer this reader cannot skip end the list,
        // as for tables.
        uint32_t n = body.count("globals");
        for (uint32_t i = 0; i < n && body.ok(); ++i) {
          info.globals.push_back(global_type(body));
          if (!skip_const_expr(body)) break;
        }
        break;
      }
      case 7: export_section(body, info); break;
      default: break;
    }
  }
  if (diag.failed()) {
    return Error{"in the core module at byte " + hex(offset) + ": " + diag.error().message};
  }
  for (uint32_t f : info.funcs) {
    if (f >= info.types.size()) {
      return error_at(offset, "core module function uses type index " + std::to_string(f) +
                                  ", but the module defines " + std::to_string(info.types.size()) +
                                  " types");
    }
  }
  return info;
}

// ---------------------------------------------------------------------------
// Resources and types

ResourceId TypeResolver::define_resource(ResourceInfo info) {
  resources_.push_back(std::move(info));
  return static_cast<ResourceId>(resources_.size() - 1);
}

ResourceId TypeResolver::imported_resource(const std::string& path) {
  if (auto it = imported_.find(path); it != imported_.end()) return it->second;
  ResourceId id = define_resource(ResourceInfo{std::nullopt, "import " + path, std::nullopt});
  imported_.emplace(path, id);
  return id;
}

Expected<const TypeSpace*> TypeResolver::outer(const TypeSpace& scope, uint32_t count, size_t at) {
  const TypeSpace* s = &scope;
  for (uint32_t i = 0; i < count; ++i) {
    if (!s->parent) {
      return error_at(at, "outer alias reaches " + std::to_string(count) +
                              " scopes out, but only " + std::to_string(i) + " enclose it");
    }
    s = s->parent;
  }
  return s;
}

Expected<TypeDef> TypeResolver::type_at(const TypeSpace& scope, uint32_t index, size_t at) {
  if (index >= scope.types.size()) {
    return error_at(at, "type index " + std::to_string(index) + " is out of range (" +
                            std::to_string(scope.types.size()) + " types defined)");
  }
  return scope.types[index];
}

Expected<ResourceId> TypeResolver::resource_at(const TypeSpace& scope, uint32_t index, size_t at) {
  auto def = type_at(scope, index, at);
  if (!def) return def.error();
  if (auto* r = std::get_if<TypeDef::Resource>(&def->def)) return r->id;
  return error_at(at, "type index " + std::to_string(index) +
                          " is used as a resource in own/borrow, but it is not "
                          "a resource type");
}

namespace {

// Nesting limit for value types built from type indices: conversion and
// printing recurse on it.
constexpr uint32_t kMaxTypeDepth = 256;

TypeKind prim_kind(PrimValType p) {
  switch (p) {
    case PrimValType::Bool: return TypeKind::Bool;
    case PrimValType::S8: return TypeKind::S8;
    case PrimValType::U8: return TypeKind::U8;
    case PrimValType::S16: return TypeKind::S16;
    case PrimValType::U16: return TypeKind::U16;
    case PrimValType::S32: return TypeKind::S32;
    case PrimValType::U32: return TypeKind::U32;
    case PrimValType::S64: return TypeKind::S64;
    case PrimValType::U64: return TypeKind::U64;
    case PrimValType::F32: return TypeKind::F32;
    case PrimValType::F64: return TypeKind::F64;
    case PrimValType::Char: return TypeKind::Char;
    case PrimValType::String: return TypeKind::String;
    case PrimValType::ErrorContext: return TypeKind::ErrorContext;
  }
  return TypeKind::Bool;
}

}  // namespace

Expected<TypeId> TypeResolver::valtype(const TypeSpace& scope, const ValType& type, size_t at) {
  if (type.primitive) return store_.primitive(prim_kind(*type.primitive));
  auto def = type_at(scope, type.index, at);
  if (!def) return def.error();
  if (auto* v = std::get_if<TypeDef::Value>(&def->def)) return v->type;
  return error_at(at, "type index " + std::to_string(type.index) +
                          " is used as a value type, but it is not one");
}

// CanonicalABI.md bounds a list's byte length by MAX_LIST_BYTE_LENGTH
// (2^28 - 1), and a value that can never be stored in one element cannot be
// valid: every defined value type (and the entry tuple of a map, which is
// what its list holds) must fit, measured with 64-bit pointers, the larger
// of the two layouts. Children were checked when they were defined, so only
// this type itself is measured.
Expected<void> TypeResolver::check_value_size(TypeId id, size_t at) const {
  constexpr uint64_t kMaxValueByteLength = (uint64_t{1} << 28) - 1;
  uint64_t size = store_.get(id).abi64.size;
  const char* what = "";
  if (store_.get(id).kind == TypeKind::Map) {
    size = map_entry_layout(store_, id, true).size;
    what = "the entry of ";
  }
  if (size > kMaxValueByteLength) {
    return error_at(at, std::string(what) + "type `" + to_string(store_, id) +
                            "` exceeds maximum byte size: it takes " + std::to_string(size) +
                            " bytes or more in a 64-bit memory; a value may take at most " +
                            std::to_string(kMaxValueByteLength) + " (2^28 - 1)");
  }
  return {};
}

Expected<TypeId> TypeResolver::defvaltype(const TypeSpace& scope, const DefValType& type,
                                          size_t at) {
  auto val = [&](const ValType& v) { return valtype(scope, v, at); };
  auto opt = [&](const std::optional<ValType>& v) -> Expected<std::optional<TypeId>> {
    if (!v) return std::optional<TypeId>();
    auto t = val(*v);
    if (!t) return t.error();
    return std::optional<TypeId>(*t);
  };
  Expected<TypeId> result = std::visit(
      [&](const auto& t) -> Expected<TypeId> {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, PrimitiveType>) {
          return store_.primitive(prim_kind(t.type));
        } else if constexpr (std::is_same_v<T, RecordType>) {
          std::vector<Field> fields;
          for (const auto& f : t.fields) {
            auto ft = val(f.type);
            if (!ft) return ft.error();
            fields.push_back({f.label, *ft});
          }
          return store_.record(std::move(fields));
        } else if constexpr (std::is_same_v<T, VariantType>) {
          std::vector<Case> cases;
          for (const auto& c : t.cases) {
            auto ct = opt(c.type);
            if (!ct) return ct.error();
            cases.push_back({c.label, *ct});
          }
          return store_.variant(std::move(cases));
        } else if constexpr (std::is_same_v<T, ListType>) {
          auto e = val(t.element);
          if (!e) return e.error();
          return store_.list(*e);
        } else if constexpr (std::is_same_v<T, FixedListType>) {
          auto e = val(t.element);
          if (!e) return e.error();
          return store_.fixed_list(*e, t.length);
        } else if constexpr (std::is_same_v<T, TupleType>) {
          std::vector<TypeId> elements;
          for (const auto& e : t.elements) {
            auto et = val(e);
            if (!et) return et.error();
            elements.push_back(*et);
          }
          return store_.tuple(std::move(elements));
        } else if constexpr (std::is_same_v<T, FlagsType>) {
          return store_.flags(t.labels);
        } else if constexpr (std::is_same_v<T, EnumType>) {
          return store_.enumeration(t.labels);
        } else if constexpr (std::is_same_v<T, OptionType>) {
          auto e = val(t.element);
          if (!e) return e.error();
          return store_.option(*e);
        } else if constexpr (std::is_same_v<T, ResultType>) {
          auto ok = opt(t.ok);
          if (!ok) return ok.error();
          auto err = opt(t.error);
          if (!err) return err.error();
          return store_.result(*ok, *err);
        } else if constexpr (std::is_same_v<T, OwnType>) {
          auto r = resource_at(scope, t.resource, at);
          if (!r) return r.error();
          return store_.own(*r);
        } else if constexpr (std::is_same_v<T, BorrowType>) {
          auto r = resource_at(scope, t.resource, at);
          if (!r) return r.error();
          return store_.borrow(*r);
        } else if constexpr (std::is_same_v<T, StreamType>) {
          auto e = opt(t.element);
          if (!e) return e.error();
          return store_.stream(*e);
        } else if constexpr (std::is_same_v<T, FutureType>) {
          auto e = opt(t.element);
          if (!e) return e.error();
          return store_.future(*e);
        } else {
          static_assert(std::is_same_v<T, MapType>);
          auto k = val(t.key);
          if (!k) return k.error();
          auto v = val(t.value);
          if (!v) return v.error();
          return store_.map(*k, *v);
        }
      },
      type);
  if (result && store_.get(*result).depth > kMaxTypeDepth) {
    return error_at(at, "type is nested more than " + std::to_string(kMaxTypeDepth) + " levels deep");
  }
  if (result) {
    if (auto r = check_value_size(*result, at); !r) return r.error();
  }
  return result;
}

Expected<FuncTypeId> TypeResolver::functype(const TypeSpace& scope, const FuncType& type,
                                            size_t at) {
  fact::FuncType f;
  f.is_async = type.is_async;
  for (const auto& p : type.params) {
    auto t = valtype(scope, p.type, at);
    if (!t) return t.error();
    f.params.push_back({p.label, *t});
  }
  if (type.result) {
    auto t = valtype(scope, *type.result, at);
    if (!t) return t.error();
    // Explainer.md: a borrowed handle lives only as long as the call, so it
    // can be passed in but never returned.
    if (store_.get(*t).contains_borrow) {
      return error_at(
          at, "function result cannot contain a `borrow` type (`" + to_string(store_, *t) + "`)");
    }
    f.result = *t;
  }
  return store_.func(std::move(f));
}

Expected<TypeDef> TypeResolver::deftype(const TypeSpace& scope, const Type& type) {
  return std::visit(
      [&](const auto& t) -> Expected<TypeDef> {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, DefValType>) {
          auto v = defvaltype(scope, t, type.offset);
          if (!v) return v.error();
          return TypeDef{TypeDef::Value{*v}};
        } else if constexpr (std::is_same_v<T, FuncType>) {
          auto f = functype(scope, t, type.offset);
          if (!f) return f.error();
          return TypeDef{TypeDef::Func{*f}};
        } else if constexpr (std::is_same_v<T, ComponentType>) {
          return TypeDef{TypeDef::Component{&t, &scope}};
        } else if constexpr (std::is_same_v<T, InstanceType>) {
          return TypeDef{TypeDef::Instance{&t, &scope}};
        } else {
          static_assert(std::is_same_v<T, ResourceType>);
          return error_at(type.offset,
                          "a resource type may only be defined in a component, "
                          "not in a type declaration");
        }
      },
      type.type);
}

CoreTypeDef TypeResolver::core_type(const CoreType& type, const TypeSpace* scope) {
  CoreTypeDef def;
  def.scope = scope;
  if (auto* m = std::get_if<CoreModuleType>(&type.type)) def.module = m;
  if (auto* f = std::get_if<CoreFuncType>(&type.type)) {
    FuncSignature sig;
    for (const auto& p : f->params) {
      auto t = numeric_core_type(p);
      if (!t) return def;
      sig.params.push_back(*t);
    }
    for (const auto& r : f->results) {
      auto t = numeric_core_type(r);
      if (!t) return def;
      sig.results.push_back(*t);
    }
    def.func = std::move(sig);
  }
  return def;
}

Expected<void> check_module_type(const CoreModuleType& type) {
  // The core spec's memory limit: 2^16 pages of 64 KiB for 32-bit memories
  // (2^48 for 64-bit ones); with custom page sizes, the same byte range.
  auto max_pages = [](const CoreMemoryType& m) {
    const uint32_t log2 = m.page_size_log2.value_or(16);
    const uint32_t address_bits = m.limits.is64 ? 64 : 32;
    return address_bits - log2 >= 64 ? UINT64_MAX : uint64_t{1} << (address_bits - log2);
  };
  std::set<std::pair<std::string_view, std::string_view>> imports;
  std::set<std::string_view> exports;
  for (const CoreModuleDecl& d : type.decls) {
    const CoreExternType* extern_type = nullptr;
    if (const auto* i = std::get_if<CoreImportDecl>(&d.decl)) {
      if (!imports.emplace(i->module, i->field).second) {
        return error_at(d.offset, "in a core module type: duplicate import name `" + i->module +
                                      ":" + i->field + "`");
      }
      extern_type = &i->type;
    } else if (const auto* e = std::get_if<CoreExportDecl>(&d.decl)) {
      if (!exports.insert(e->name).second) {
        return error_at(d.offset,
                        "in a core module type: export name `" + e->name + "` already defined");
      }
      extern_type = &e->type;
    }
    if (extern_type && extern_type->kind == CoreExternType::Kind::Memory) {
      const CoreMemoryType& m = extern_type->memory;
      const uint64_t limit = max_pages(m);
      if (m.limits.min > limit || (m.limits.max && *m.limits.max > limit)) {
        return error_at(d.offset,
                        "in a core module type: memory size must be at most " +
                            std::to_string(limit) + " pages, found " +
                            std::to_string(std::max(m.limits.min, m.limits.max.value_or(0))));
      }
    }
  }
  return {};
}

Expected<CoreModuleInfo> summarize_module_type(const CoreTypeDef& type, size_t at) {
  if (!type.module) return error_at(at, "the core type of an imported core module is not a module type");
  CoreModuleInfo info;
  // A signature that no canonical function has, for types that are not
  // numeric function types (as summarize_core_module does).
  const FuncSignature impossible{std::vector<fact::CoreType>(kMaxFlatParams + 2, fact::CoreType::I32), {}};
  auto add = [&](const CoreTypeDef& t) { info.types.push_back(t.func.value_or(impossible)); };
  auto entity = [&](const CoreExternType& e, size_t where) -> Expected<CoreModuleInfo::Entity> {
    switch (e.kind) {
      case CoreExternType::Kind::Func:
        if (e.func_type >= info.types.size()) {
          return error_at(where, "core type index " + std::to_string(e.func_type) +
                                     " is out of range in this module type");
        }
        info.funcs.push_back(e.func_type);
        return CoreModuleInfo::Entity{e.kind, static_cast<uint32_t>(info.funcs.size() - 1)};
      case CoreExternType::Kind::Table: {
        CoreTableInfo t;
        t.element = ast_valtype_name(e.table.element);
        t.limits = {e.table.limits.min, e.table.limits.max};
        t.is64 = e.table.limits.is64;
        info.tables.push_back(std::move(t));
        return CoreModuleInfo::Entity{e.kind, static_cast<uint32_t>(info.tables.size() - 1)};
      }
      case CoreExternType::Kind::Global:
        info.globals.push_back({ast_valtype_name(e.global.type), e.global.mutable_});
        return CoreModuleInfo::Entity{e.kind, static_cast<uint32_t>(info.globals.size() - 1)};
      case CoreExternType::Kind::Memory: {
        info.memory_limits.push_back({e.memory.limits.min, e.memory.limits.max});
        MemoryType m;
        m.memory64 = e.memory.limits.is64;
        m.shared = e.memory.limits.shared;
        m.page_size_log2 = static_cast<uint8_t>(e.memory.page_size_log2.value_or(16));
        info.memories.push_back(m);
        return CoreModuleInfo::Entity{e.kind, static_cast<uint32_t>(info.memories.size() - 1)};
      }
      default:
        return CoreModuleInfo::Entity{e.kind, 0};
    }
  };
  if (auto r = check_module_type(*type.module); !r) return r.error();
  for (const CoreModuleDecl& d : type.module->decls) {
    if (const auto* t = std::get_if<CoreType>(&d.decl)) {
      add(TypeResolver::core_type(*t, nullptr));
    } else if (const auto* o = std::get_if<CoreOuterTypeAlias>(&d.decl)) {
      // Count 0 would be the module type itself, which holds no outer
      // aliases of its own types; 1 is the scope that defined it.
      if (o->count == 0 || !type.scope) return error_at(d.offset, "unsupported outer alias in a module type");
      auto scope = TypeResolver::outer(*type.scope, o->count - 1, d.offset);
      if (!scope) return scope.error();
      if (o->index >= (*scope)->core_types.size()) {
        return error_at(d.offset, "outer alias of core type " + std::to_string(o->index) + " is out of range");
      }
      add((*scope)->core_types[o->index]);
    } else if (const auto* i = std::get_if<CoreImportDecl>(&d.decl)) {
      auto e = entity(i->type, d.offset);
      if (!e) return e.error();
      info.imports.push_back({i->module, i->field, i->type.kind, e->index});
    } else {
      const auto& x = std::get<CoreExportDecl>(d.decl);
      auto e = entity(x.type, d.offset);
      if (!e) return e.error();
      info.exports[x.name] = *e;
    }
  }
  return info;
}

// ---------------------------------------------------------------------------
// Tables and conversion

uint32_t TableMap::table(Kind kind, uint32_t key, uint32_t instance) {
  Entry e{kind, key, instance};
  auto [it, inserted] = index_.emplace(e, static_cast<uint32_t>(entries_.size()));
  if (inserted) entries_.push_back(e);
  return it->second;
}

TypeId TypeConverter::convert(TypeId id, uint32_t instance) {
  if (auto it = memo_.find({id.index, instance}); it != memo_.end()) return it->second;
  const TypeNode& n = canonical_.get(id);
  auto sub = [&](TypeId t) { return convert(t, instance); };
  auto sub_opt = [&](std::optional<TypeId> t) -> std::optional<TypeId> {
    if (!t) return std::nullopt;
    return convert(*t, instance);
  };
  TypeId out;
  switch (n.kind) {
    case TypeKind::List: out = out_.list(sub(*n.element)); break;
    case TypeKind::FixedList: out = out_.fixed_list(sub(*n.element), n.length); break;
    case TypeKind::Map: out = out_.map(sub(n.key), sub(n.value)); break;
    case TypeKind::Record: {
      std::vector<Field> fields;
      for (const Field& f : n.fields) fields.push_back({f.name, sub(f.type)});
      out = out_.record(std::move(fields));
      break;
    }
    case TypeKind::Tuple: {
      std::vector<TypeId> elements;
      for (TypeId e : n.elements) elements.push_back(sub(e));
      out = out_.tuple(std::move(elements));
      break;
    }
    case TypeKind::Variant: {
      std::vector<Case> cases;
      for (const Case& c : n.cases) cases.push_back({c.name, sub_opt(c.type)});
      out = out_.variant(std::move(cases));
      break;
    }
    case TypeKind::Enum: out = out_.enumeration(n.labels); break;
    case TypeKind::Option: out = out_.option(sub(*n.element)); break;
    case TypeKind::Result: out = out_.result(sub_opt(n.cases[0].type), sub_opt(n.cases[1].type)); break;
    case TypeKind::Flags: out = out_.flags(n.labels); break;
    case TypeKind::Own:
      out = out_.own(tables_.table(TableMap::Kind::Resource, n.resource, instance));
      break;
    case TypeKind::Borrow:
      out = out_.borrow(tables_.table(TableMap::Kind::Resource, n.resource, instance));
      break;
    case TypeKind::Future:
      out = out_.future(sub_opt(n.element), tables_.table(TableMap::Kind::Future, id.index, instance));
      break;
    case TypeKind::Stream:
      out = out_.stream(sub_opt(n.element), tables_.table(TableMap::Kind::Stream, id.index, instance));
      break;
    case TypeKind::ErrorContext:
      out = out_.error_context(tables_.table(TableMap::Kind::ErrorContext, 0, instance));
      break;
    default: out = out_.primitive(n.kind); break;
  }
  memo_.emplace(std::pair{id.index, instance}, out);
  return out;
}

FuncTypeId TypeConverter::convert(FuncTypeId id, uint32_t instance) {
  const fact::FuncType& f = canonical_.get(id);
  fact::FuncType out;
  out.is_async = f.is_async;
  for (const Param& p : f.params) out.params.push_back({p.name, convert(p.type, instance)});
  if (f.result) out.result = convert(*f.result, instance);
  return out_.func(std::move(out));
}

namespace {

std::string resources_note(const std::string& a, const std::string& b) {
  // Same text means the types differ only in which resources they name.
  return a == b ? " (the same shape, but over different resources)" : "";
}

}  // namespace

std::optional<std::string> describe_mismatch(const TypeStore& canonical, FuncTypeId expected,
                                             FuncTypeId actual) {
  if (expected == actual) return std::nullopt;
  std::string a = to_string(canonical, expected);
  std::string b = to_string(canonical, actual);
  return "expected `" + a + "`, found `" + b + "`" + resources_note(a, b);
}

std::optional<std::string> describe_mismatch(const TypeStore& canonical, TypeId expected,
                                             TypeId actual) {
  if (expected == actual) return std::nullopt;
  std::string a = to_string(canonical, expected);
  std::string b = to_string(canonical, actual);
  return "expected `" + a + "`, found `" + b + "`" + resources_note(a, b);
}

}  // namespace fact::component
