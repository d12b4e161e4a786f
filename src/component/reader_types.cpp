// Sorts, indices, value types, type definitions and core types (Binary.md
// "Type Definitions").
#include <algorithm>
#include <unordered_map>

#include "fact/component/names.h"
#include "reader_impl.h"

namespace fact::component {
namespace {

bool is_primitive_code(uint8_t b) { return (b >= 0x73 && b <= 0x7f) || b == 0x64; }

// Labels of one record, variant, flags, enum or parameter list must be
// strongly unique: distinct after lowercasing (Binary.md, type definitions).
class LabelSet {
 public:
  void add(Cursor& c, size_t at, const std::string& label, std::string_view what) {
    if (!c.ok()) return;
    auto [it, fresh] = seen_.emplace(lowercase(label), label);
    if (!fresh)
      c.fail_at(at, std::string(what) + " " + quoted(label) + " conflicts with " +
                        quoted(it->second) +
                        " (labels must be unique, compared case-insensitively)");
  }

 private:
  std::unordered_map<std::string, std::string> seen_;
};

}  // namespace

bool Reader::push_scope(Cursor& c, Scope::Kind kind) {
  if (scopes_.size() >= kMaxNesting) {
    c.fail("components and types are nested more than " + std::to_string(kMaxNesting) +
           " levels deep");
    return false;
  }
  Scope scope;
  scope.kind = kind;
  scopes_.push_back(std::move(scope));
  return true;
}

bool Reader::count_item(Cursor& c) {
  if (++items_ <= kMaxItems) return true;
  c.fail("more than " + std::to_string(kMaxItems) +
         " definitions and declarators in one component");
  return false;
}

void Reader::check_index(Cursor& c, size_t at, Sort s, uint32_t index, std::string_view what) {
  if (!c.ok()) return;
  uint32_t n = count(s);
  if (index >= n)
    c.fail_at(at, std::string(what) + ": " + sort_name(s) + " index " + std::to_string(index) +
                      " is out of range (" + std::to_string(n) + " defined so far)");
}

uint32_t Reader::index(Cursor& c, Sort s, std::string_view what) {
  size_t at = c.offset();
  uint32_t i = c.u32(std::string(what) + " index");
  check_index(c, at, s, i, what);
  return i;
}

Sort Reader::core_sort(Cursor& c) {
  size_t at = c.offset();
  uint8_t b = c.byte("a core sort byte");
  switch (b) {
    case 0x00: return Sort::CoreFunc;
    case 0x01: return Sort::CoreTable;
    case 0x02: return Sort::CoreMemory;
    case 0x03: return Sort::CoreGlobal;
    case 0x04: return Sort::CoreTag;
    case 0x10: return Sort::CoreType;
    case 0x11: return Sort::CoreModule;
    case 0x12: return Sort::CoreInstance;
  }
  if (c.ok()) c.fail_at(at, "expected a core sort byte (0x00..0x04, 0x10..0x12), found " + hex(b));
  return Sort::CoreFunc;
}

Sort Reader::sort(Cursor& c) {
  size_t at = c.offset();
  uint8_t b = c.byte("a sort byte");
  switch (b) {
    case 0x00: return core_sort(c);
    case 0x01: return Sort::Func;
    case 0x02: return Sort::Value;
    case 0x03: return Sort::Type;
    case 0x04: return Sort::Component;
    case 0x05: return Sort::Instance;
  }
  if (c.ok()) c.fail_at(at, "expected a sort byte (0x00..0x05), found " + hex(b));
  return Sort::Func;
}

std::string Reader::label(Cursor& c, std::string_view what) {
  size_t at = c.offset();
  std::string text = c.name(what);
  if (c.ok() && !is_label(text))
    c.fail_at(at, std::string(what) + " " + quoted(text) + " is not a valid kebab-case label");
  return text;
}

ValType Reader::valtype(Cursor& c) {
  size_t at = c.offset();
  uint8_t b = c.peek("a value type");
  if (!c.ok()) return {};
  if (is_primitive_code(b)) {
    c.byte("a value type");
    return ValType::prim(PrimValType(b));
  }
  int64_t v = c.s33("a value type");
  if (!c.ok()) return {};
  if (v < 0 || v > int64_t(UINT32_MAX)) {
    c.fail_at(at, "expected a value type (a primitive type code or a type index), found " + hex(b));
    return {};
  }
  check_index(c, at, Sort::Type, uint32_t(v), "value type");
  return ValType::type_index(uint32_t(v));
}

namespace {

template <class F>
auto optional_of(Cursor& c, std::string_view what, F read) -> std::optional<decltype(read())> {
  size_t at = c.offset();
  uint8_t b = c.byte(what);
  if (!c.ok()) return std::nullopt;
  if (b == 0x00) return std::nullopt;
  if (b != 0x01) {
    c.fail_at(at, "expected 0x00 (absent) or 0x01 (present) for " + std::string(what) + ", found " +
                      hex(b));
    return std::nullopt;
  }
  return read();
}

}  // namespace

static DefValType defvaltype(Reader& r, Cursor& c, uint8_t code, size_t at) {
  auto nonempty = [&](uint32_t n, const char* what) {
    if (c.ok() && n == 0) c.fail_at(at, std::string(what));
  };
  switch (code) {
    case 0x72: {
      RecordType t;
      uint32_t n = c.count("record fields", 2);
      nonempty(n, "a record needs at least one field");
      LabelSet seen;
      for (uint32_t i = 0; i < n && c.ok(); ++i) {
        size_t lat = c.offset();
        std::string l = r.label(c, "record field name");
        seen.add(c, lat, l, "record field name");
        t.fields.push_back({std::move(l), r.valtype(c)});
      }
      return t;
    }
    case 0x71: {
      VariantType t;
      uint32_t n = c.count("variant cases", 3);
      nonempty(n, "a variant needs at least one case");
      LabelSet seen;
      for (uint32_t i = 0; i < n && c.ok(); ++i) {
        VariantCase vc;
        size_t lat = c.offset();
        vc.label = r.label(c, "variant case name");
        seen.add(c, lat, vc.label, "variant case name");
        vc.type = optional_of(c, "the variant case's payload", [&] { return r.valtype(c); });
        c.expect(0x00, "the variant case's trailing 0x00 byte");
        t.cases.push_back(std::move(vc));
      }
      return t;
    }
    case 0x70: return ListType{r.valtype(c)};
    case 0x67: {
      FixedListType t{r.valtype(c), 0};
      size_t len_at = c.offset();
      t.length = c.u32("fixed-length list length");
      if (c.ok() && t.length == 0)
        c.fail_at(len_at, "a fixed-length list needs a length of at least 1");
      return t;
    }
    case 0x6f: {
      TupleType t;
      uint32_t n = c.count("tuple elements");
      nonempty(n, "a tuple needs at least one element");
      for (uint32_t i = 0; i < n && c.ok(); ++i) t.elements.push_back(r.valtype(c));
      return t;
    }
    case 0x6e:
    case 0x6d: {
      std::vector<std::string> labels;
      uint32_t n = c.count(code == 0x6e ? "flags labels" : "enum cases");
      if (code == 0x6e) {
        nonempty(n, "flags need at least one label");
        if (c.ok() && n > 32)
          c.fail_at(at, "flags may have at most 32 labels, found " + std::to_string(n));
      } else {
        nonempty(n, "an enum needs at least one case");
      }
      const char* what = code == 0x6e ? "flag name" : "enum case name";
      LabelSet seen;
      for (uint32_t i = 0; i < n && c.ok(); ++i) {
        size_t lat = c.offset();
        labels.push_back(r.label(c, what));
        seen.add(c, lat, labels.back(), what);
      }
      if (code == 0x6e) return FlagsType{std::move(labels)};
      return EnumType{std::move(labels)};
    }
    case 0x6b: return OptionType{r.valtype(c)};
    case 0x6a: {
      ResultType t;
      t.ok = optional_of(c, "the result's ok type", [&] { return r.valtype(c); });
      t.error = optional_of(c, "the result's error type", [&] { return r.valtype(c); });
      return t;
    }
    case 0x69: return OwnType{r.index(c, Sort::Type, "own")};
    case 0x68: return BorrowType{r.index(c, Sort::Type, "borrow")};
    case 0x66:
      return StreamType{optional_of(c, "the stream's element type", [&] { return r.valtype(c); })};
    case 0x65:
      return FutureType{optional_of(c, "the future's element type", [&] { return r.valtype(c); })};
    case 0x63: {
      ValType key = r.valtype(c);
      return MapType{key, r.valtype(c)};
    }
    case 0x6c:
      c.fail_at(at, "the union type (0x6c) was removed from the component model");
      return PrimitiveType{};
  }
  if (c.ok()) c.fail_at(at, "expected a type definition, found " + hex(code));
  return PrimitiveType{};
}

static std::vector<Decl> decls(Reader& r, Cursor& c, bool component_type) {
  std::vector<Decl> out;
  uint32_t n = c.count("type declarators");
  for (uint32_t i = 0; i < n && c.ok() && r.count_item(c); ++i) {
    size_t at = c.offset();
    uint8_t b = c.byte("a declarator");
    if (!c.ok()) break;
    Decl d;
    d.offset = at;
    switch (b) {
      case 0x00: {
        d.decl = r.core_type(c);
        r.add(Sort::CoreType);
        break;
      }
      case 0x01: {
        Type t = r.deftype(c);
        r.add(Sort::Type);
        if (c.ok()) r.set_type_facts(r.facts_of(t));
        d.decl = std::move(t);
        break;
      }
      case 0x02: {
        Alias a = r.alias(c, true);
        r.add(a.sort);
        d.decl = std::move(a);
        break;
      }
      case 0x03:
      case 0x04: {
        if (b == 0x03 && !component_type) {
          c.fail_at(at, "imports (0x03) are not allowed in an instance type");
          break;
        }
        ExternName name = r.extern_name(c);
        ExternType type = r.externtype(c);
        if (!c.ok()) break;
        r.add(type.sort);
        std::optional<uint32_t> type_index;
        if (type.sort == Sort::Type) {
          r.set_type_facts(r.extern_type_facts(type, at));
          type_index = r.count(Sort::Type) - 1;
        }
        std::optional<uint32_t> func_type;
        if (type.sort == Sort::Func) func_type = type.index;
        r.declare_name(c, at + 1, b == 0x03 ? r.scope().imports : r.scope().exports, name,
                       type.sort, func_type, type_index, b == 0x03 ? "import" : "export");
        if (b == 0x03) {
          d.decl = ImportDecl{std::move(name), type};
        } else {
          d.decl = ExportDecl{std::move(name), type};
        }
        break;
      }
      default:
        c.fail_at(at,
                  std::string("expected ") +
                      (component_type ? "a component type declarator (0x00..0x04)"
                                      : "an instance type declarator (0x00, 0x01, 0x02 or 0x04)") +
                      ", found " + hex(b));
    }
    if (c.ok()) out.push_back(std::move(d));
  }
  return out;
}

Type Reader::deftype(Cursor& c) {
  Type t;
  t.offset = c.offset();
  uint8_t b = c.byte("a type definition");
  if (!c.ok()) return t;
  switch (b) {
    case 0x3f: {
      if (scope().kind != Scope::Kind::Component) {
        c.fail_at(t.offset, "resource types cannot be defined inside a component or instance type");
        return t;
      }
      ResourceType rt;
      size_t rep_at = c.offset();
      rt.rep = c.byte("the resource representation");
      if (c.ok() && rt.rep != 0x7f)
        c.fail_at(rep_at, "a resource representation must be i32 (0x7f), found " + hex(rt.rep));
      rt.destructor = optional_of(c, "the resource destructor",
                                  [&] { return index(c, Sort::CoreFunc, "resource destructor"); });
      t.type = rt;
      return t;
    }
    case 0x40:
    case 0x43: {
      FuncType ft;
      ft.is_async = b == 0x43;
      uint32_t n = c.count("function parameters", 2);
      LabelSet seen;
      for (uint32_t i = 0; i < n && c.ok(); ++i) {
        size_t lat = c.offset();
        std::string l = label(c, "parameter name");
        seen.add(c, lat, l, "parameter name");
        ft.params.push_back({std::move(l), valtype(c)});
      }
      size_t rat = c.offset();
      uint8_t rb = c.byte("a result list (0x00 or 0x01 0x00)");
      if (rb == 0x00) {
        ft.result = valtype(c);
      } else if (rb == 0x01) {
        c.expect(0x00, "the empty result list's 0x00 byte");
      } else if (c.ok()) {
        c.fail_at(rat, "expected a result list (0x00 or 0x01 0x00), found " + hex(rb));
      }
      t.type = std::move(ft);
      return t;
    }
    case 0x41:
    case 0x42: {
      bool component_type = b == 0x41;
      if (!push_scope(c, component_type ? Scope::Kind::ComponentType : Scope::Kind::InstanceType))
        return t;
      std::vector<Decl> ds = decls(*this, c, component_type);
      pop_scope();
      if (component_type) {
        t.type = ComponentType{std::move(ds)};
      } else {
        t.type = InstanceType{std::move(ds)};
      }
      return t;
    }
  }
  if (is_primitive_code(b)) {
    t.type = DefValType{PrimitiveType{PrimValType(b)}};
    return t;
  }
  t.type = defvaltype(*this, c, b, t.offset);
  return t;
}

// ---------------------------------------------------------------------------
// Core types

static CoreExternType core_externtype(Reader& r, Cursor& c) {
  size_t at = c.offset();
  uint8_t b = c.byte("a core extern type");
  CoreExternType t;
  if (!c.ok()) return t;
  switch (b) {
    case 0x00:
      t.kind = wasm::ExternKind::Func;
      t.func_type = r.index(c, Sort::CoreType, "core function type");
      return t;
    case 0x01:
      t.kind = wasm::ExternKind::Table;
      t.table = wasm::read_table_type(c);
      return t;
    case 0x02:
      t.kind = wasm::ExternKind::Memory;
      t.memory = wasm::read_memory_type(c);
      return t;
    case 0x03:
      t.kind = wasm::ExternKind::Global;
      t.global = wasm::read_global_type(c);
      return t;
    case 0x04:
      t.kind = wasm::ExternKind::Tag;
      c.expect(0x00, "the tag attribute");
      t.tag.func_type = r.index(c, Sort::CoreType, "tag type");
      return t;
  }
  c.fail_at(at, "expected a core extern type (0x00..0x04), found " + hex(b));
  return t;
}

CoreType Reader::core_type(Cursor& c) {
  CoreType t;
  t.offset = c.offset();
  uint8_t b = c.byte("a core type");
  if (!c.ok()) return t;
  switch (b) {
    case 0x60: {
      wasm::FuncType ft;
      uint32_t n = c.count("core function parameters");
      for (uint32_t i = 0; i < n && c.ok(); ++i) ft.params.push_back(wasm::read_val_type(c));
      n = c.count("core function results");
      for (uint32_t i = 0; i < n && c.ok(); ++i) ft.results.push_back(wasm::read_val_type(c));
      t.type = std::move(ft);
      return t;
    }
    case 0x50: {
      if (scope().kind == Scope::Kind::ModuleType) {
        c.fail_at(t.offset, "module types cannot be defined inside a module type");
        return t;
      }
      if (!push_scope(c, Scope::Kind::ModuleType)) return t;
      CoreModuleType mt;
      uint32_t n = c.count("module type declarations");
      for (uint32_t i = 0; i < n && c.ok() && count_item(c); ++i) {
        CoreModuleDecl d;
        d.offset = c.offset();
        uint8_t k = c.byte("a module type declaration");
        if (!c.ok()) break;
        switch (k) {
          case 0x00: {
            CoreImportDecl imp;
            imp.module = c.name("the import's module name");
            imp.field = c.name("the import's field name");
            imp.type = core_externtype(*this, c);
            d.decl = std::move(imp);
            break;
          }
          case 0x01:
            d.decl = core_type(c);
            add(Sort::CoreType);
            break;
          case 0x02: {
            c.expect(0x10, "the core type sort of a module type alias");
            c.expect(0x01, "the outer alias discriminator of a module type alias");
            size_t cat = c.offset();
            CoreOuterTypeAlias a;
            a.count = c.u32("the outer alias count");
            a.index = c.u32("the outer alias index");
            if (c.ok()) {
              if (a.count >= scopes_.size()) {
                c.fail_at(cat, "outer alias count " + std::to_string(a.count) + " exceeds the " +
                                   std::to_string(scopes_.size() - 1) + " enclosing scopes");
              } else {
                const Scope& target = scopes_[scopes_.size() - 1 - a.count];
                uint32_t have = target.counts[size_t(Sort::CoreType)];
                if (a.index >= have)
                  c.fail_at(cat, "outer alias: core type index " + std::to_string(a.index) +
                                     " is out of range (" + std::to_string(have) + " defined)");
              }
            }
            add(Sort::CoreType);
            d.decl = a;
            break;
          }
          case 0x03: {
            CoreExportDecl e;
            e.name = c.name("the export name");
            e.type = core_externtype(*this, c);
            d.decl = std::move(e);
            break;
          }
          default:
            c.fail_at(d.offset, "expected a module type declaration (0x00..0x03), found " + hex(k));
        }
        if (c.ok()) mt.decls.push_back(std::move(d));
      }
      pop_scope();
      t.type = std::move(mt);
      return t;
    }
    case 0x4e:
    case 0x4f:
    case 0x00:
    case 0x5f:
    case 0x5e:
      c.fail_at(t.offset, "core GC type definitions (rec groups, subtypes, structs, arrays; byte " +
                              hex(b) + ") are not supported");
      return t;
  }
  c.fail_at(t.offset, "expected a core type (0x60 func or 0x50 module), found " + hex(b));
  return t;
}

}  // namespace fact::component
