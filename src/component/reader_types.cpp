// Types, names, sorts and aliases (Binary.md "Type Definitions", "Import and
// Export Definitions", "Alias Definitions").
#include <algorithm>
#include <unordered_map>

#include "fact/component/names.h"
#include "reader_impl.h"

namespace fact::component {
namespace {

bool is_primitive_code(uint8_t b) { return (b >= 0x73 && b <= 0x7f) || b == 0x64; }

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Labels of one record, variant, flags, enum or parameter list must be
// strongly unique: distinct after lowercasing (Binary.md, type definitions).
class LabelSet {
 public:
  void add(Cursor& c, size_t at, const std::string& label, std::string_view what) {
    if (!c.ok()) return;
    auto [it, fresh] = seen_.emplace(lowercase(label), label);
    if (!fresh)
      c.fail_at(at, std::string(what) + " " + quoted(label) + " conflicts with " + quoted(it->second) +
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
  c.fail("more than " + std::to_string(kMaxItems) + " definitions and declarators in one component");
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
    c.fail_at(at, "expected 0x00 (absent) or 0x01 (present) for " + std::string(what) +
                      ", found " + hex(b));
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
      if (c.ok() && t.length == 0) c.fail_at(len_at, "a fixed-length list needs a length of at least 1");
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
        if (c.ok() && n > 32) c.fail_at(at, "flags may have at most 32 labels, found " + std::to_string(n));
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
    case 0x66: return StreamType{optional_of(c, "the stream's element type", [&] { return r.valtype(c); })};
    case 0x65: return FutureType{optional_of(c, "the future's element type", [&] { return r.valtype(c); })};
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
        r.declare_name(c, at + 1, b == 0x03 ? r.scope().imports : r.scope().exports, name, type.sort,
                       func_type, type_index, b == 0x03 ? "import" : "export");
        if (b == 0x03) {
          d.decl = ImportDecl{std::move(name), type};
        } else {
          d.decl = ExportDecl{std::move(name), type};
        }
        break;
      }
      default:
        c.fail_at(at, std::string("expected ") +
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

// ---------------------------------------------------------------------------
// Extern types and names

ExternType Reader::externtype(Cursor& c) {
  size_t at = c.offset();
  uint8_t b = c.byte("an extern type");
  ExternType t;
  if (!c.ok()) return t;
  switch (b) {
    case 0x00:
      c.expect(0x11, "the core module sort (the only core sort an extern type may have)");
      t.sort = Sort::CoreModule;
      t.index = index(c, Sort::CoreType, "core module type");
      return t;
    case 0x01:
      t.sort = Sort::Func;
      t.index = index(c, Sort::Type, "func type");
      return t;
    case 0x02: {
      t.sort = Sort::Value;
      size_t bat = c.offset();
      uint8_t k = c.byte("a value bound");
      if (k == 0x00) {
        t.value_bound.kind = ValueBound::Kind::Eq;
        t.value_bound.index = index(c, Sort::Value, "value bound");
      } else if (k == 0x01) {
        t.value_bound.kind = ValueBound::Kind::Type;
        t.value_bound.type = valtype(c);
      } else if (c.ok()) {
        c.fail_at(bat, "expected a value bound (0x00 eq or 0x01 type), found " + hex(k));
      }
      return t;
    }
    case 0x03: {
      t.sort = Sort::Type;
      size_t bat = c.offset();
      uint8_t k = c.byte("a type bound");
      if (k == 0x00) {
        t.type_bound.kind = TypeBound::Kind::Eq;
        t.type_bound.index = index(c, Sort::Type, "type bound");
      } else if (k == 0x01) {
        t.type_bound.kind = TypeBound::Kind::SubResource;
      } else if (c.ok()) {
        c.fail_at(bat, "expected a type bound (0x00 eq or 0x01 sub resource), found " + hex(k));
      }
      return t;
    }
    case 0x04:
      t.sort = Sort::Component;
      t.index = index(c, Sort::Type, "component type");
      return t;
    case 0x05:
      t.sort = Sort::Instance;
      t.index = index(c, Sort::Type, "instance type");
      return t;
  }
  c.fail_at(at, "expected an extern type (0x00..0x05), found " + hex(b));
  return t;
}

ExternName Reader::extern_name(Cursor& c) {
  ExternName n;
  size_t at = c.offset();
  n.form = c.byte("a name discriminator");
  if (!c.ok()) return n;
  if (n.form > 0x02) {
    c.fail_at(at, "expected a name discriminator (0x00..0x02), found " + hex(n.form));
    return n;
  }
  size_t text_at = c.offset();
  n.text = c.name("name");
  if (n.form == 0x02) {
    uint32_t count = c.count("name attributes", 2);
    for (uint32_t i = 0; i < count && c.ok(); ++i) {
      size_t aat = c.offset();
      uint8_t k = c.byte("a name attribute kind");
      if (!c.ok()) break;
      if (k > 0x02) {
        c.fail_at(aat, "expected a name attribute kind (0x00..0x02), found " + hex(k));
        break;
      }
      NameAttribute a{NameAttribute::Kind(k), c.name("a name attribute")};
      bool dup = std::any_of(n.attributes.begin(), n.attributes.end(),
                             [&](const NameAttribute& o) { return o.kind == a.kind; });
      if (dup) {
        c.fail_at(aat, "name attribute kind " + hex(k) + " given twice");
        break;
      }
      n.attributes.push_back(std::move(a));
    }
  }
  if (!c.ok()) return n;
  if (auto why = parse_extern_name(n))
    c.fail_at(text_at, "invalid name " + quoted(n.text) + ": " + *why);
  return n;
}

// ---------------------------------------------------------------------------
// Facts about types, for the rules of annotated names

TypeFacts Reader::type_facts(uint32_t index) const {
  const auto& types = scopes_.back().types;
  return index < types.size() ? types[index] : TypeFacts{};
}

void Reader::set_type_facts(TypeFacts facts) {
  auto& types = scope().types;
  uint32_t index = count(Sort::Type) - 1;
  if (types.size() <= index) types.resize(index + 1);
  types[index] = std::move(facts);
}

TypeFacts Reader::facts_of(const Type& t) const {
  TypeFacts f;
  if (std::holds_alternative<ResourceType>(t.type)) {
    f.kind = TypeFacts::Kind::Resource;
    f.resource = t.offset + 1;
  } else if (const auto* ft = std::get_if<FuncType>(&t.type)) {
    f.kind = TypeFacts::Kind::Func;
    if (!ft->params.empty()) f.first_param = ft->params.front();
    f.result = ft->result;
  } else if (const auto* dv = std::get_if<DefValType>(&t.type)) {
    auto resource_of = [&](uint32_t index) {
      TypeFacts target = type_facts(index);
      return target.kind == TypeFacts::Kind::Resource ? target.resource : 0;
    };
    if (const auto* own = std::get_if<OwnType>(dv)) {
      f.kind = TypeFacts::Kind::Own;
      f.resource = resource_of(own->resource);
    } else if (const auto* borrow = std::get_if<BorrowType>(dv)) {
      f.kind = TypeFacts::Kind::Borrow;
      f.resource = resource_of(borrow->resource);
    } else if (const auto* result = std::get_if<ResultType>(dv)) {
      f.kind = TypeFacts::Kind::Result;
      f.ok = result->ok;
    } else {
      f.kind = TypeFacts::Kind::OtherValue;
    }
  }
  return f;
}

TypeFacts Reader::extern_type_facts(const ExternType& t, size_t offset) const {
  if (t.type_bound.kind == TypeBound::Kind::Eq) return type_facts(t.type_bound.index);
  TypeFacts f;
  f.kind = TypeFacts::Kind::Resource;
  f.resource = offset + 1;
  return f;
}

namespace {

// The function type rules of [constructor] and [method] names (Binary.md,
// import and export definitions). Only what the reader knows is checked: a
// type it cannot see through (an alias of an instance export, say) passes.
std::optional<std::string> check_resource_func(const Reader& r, const ExternName& name, const TypeFacts& func,
                                               const TypeFacts& resource) {
  if (func.kind != TypeFacts::Kind::Func || resource.kind != TypeFacts::Kind::Resource) return std::nullopt;
  auto is_own = [&](const std::optional<ValType>& v) -> std::optional<bool> {
    if (!v || v->is_primitive()) return false;
    TypeFacts f = r.type_facts(v->index);
    if (f.kind == TypeFacts::Kind::Unknown) return std::nullopt;
    if (f.kind != TypeFacts::Kind::Own) return false;
    if (f.resource == 0) return std::nullopt;
    return f.resource == resource.resource;
  };
  if (name.kind == NameKind::Constructor) {
    std::string rule =
        "the function of " + quoted(name.text) +
        " should return `(own $T)` or `(result (own $T))` (with an optional error) where $T is the resource " +
        quoted(name.resource);
    if (!func.result) return rule + ", but it returns nothing";
    std::optional<bool> ok = is_own(func.result);
    if (ok == false && !func.result->is_primitive()) {
      TypeFacts f = r.type_facts(func.result->index);
      if (f.kind == TypeFacts::Kind::Result) ok = is_own(f.ok);
    }
    if (ok == false) return rule;
    return std::nullopt;
  }
  if (name.kind == NameKind::Method || name.kind == NameKind::AsyncMethod) {
    std::string rule =
        "the function of " + quoted(name.text) +
        " should take a first parameter `(param \"self\" (borrow $T))` where $T is the resource " +
        quoted(name.resource);
    if (!func.first_param) return rule + ", but it has no parameters";
    if (func.first_param->label != "self")
      return rule + ", but the first parameter is called " + quoted(func.first_param->label);
    const ValType& v = func.first_param->type;
    if (v.is_primitive()) return rule;
    TypeFacts f = r.type_facts(v.index);
    if (f.kind == TypeFacts::Kind::Unknown) return std::nullopt;
    if (f.kind != TypeFacts::Kind::Borrow) return rule;
    if (f.resource != 0 && f.resource != resource.resource)
      return rule + ", but it borrows a different resource";
  }
  return std::nullopt;
}

}  // namespace

void Reader::declare_name(Cursor& c, size_t at, NameSpace& ns, const ExternName& name, Sort sort,
                          std::optional<uint32_t> func_type, std::optional<uint32_t> type_index,
                          std::string_view what) {
  if (!c.ok()) return;
  if (auto why = check_name_sort(name, sort)) {
    c.fail_at(at, std::string(what) + " " + quoted(name.text) + ": " + *why);
    return;
  }
  auto [it, fresh] = ns.keys.emplace(unique_key(name), name.text);
  if (!fresh) {
    c.fail_at(
        at,
        std::string(what) + " name " + quoted(name.text) + " conflicts with previous name " +
            quoted(it->second) +
            " (names must be strongly unique: compared case-insensitively, with [method]/[static] annotations stripped and \"[method]r.r\" read as \"r\")");
    return;
  }
  if (is_resource_annotation(name.kind)) {
    auto r = ns.types.find(name.resource);
    if (r == ns.types.end()) {
      c.fail_at(at, std::string(what) + " " + quoted(name.text) + ": the resource name " +
                        quoted(name.resource) + " is not known in this context (no preceding " +
                        std::string(what) + " of a resource type named " + quoted(name.resource) + ")");
      return;
    }
    if (func_type) {
      if (auto why = check_resource_func(*this, name, type_facts(*func_type), type_facts(r->second))) {
        c.fail_at(at, std::string(what) + " " + quoted(name.text) + ": " + *why);
        return;
      }
    }
  }
  if (sort == Sort::Type && name.kind == NameKind::Label && type_index)
    ns.types.emplace(name.text, *type_index);
}

// ---------------------------------------------------------------------------
// Aliases

Alias Reader::alias(Cursor& c, bool in_type) {
  Alias a;
  a.offset = c.offset();
  a.sort = sort(c);
  size_t kat = c.offset();
  uint8_t k = c.byte("an alias kind");
  if (!c.ok()) return a;
  switch (k) {
    case 0x00: {
      if (is_core(a.sort) && a.sort != Sort::CoreModule) {
        c.fail_at(a.offset, std::string("a component instance cannot export a ") + sort_name(a.sort) +
                                " (only core modules among the core sorts)");
        return a;
      }
      AliasInstanceExport e;
      e.instance = index(c, Sort::Instance, "alias export");
      e.name = c.name("the aliased export name");
      a.target = std::move(e);
      return a;
    }
    case 0x01: {
      if (in_type) {
        c.fail_at(kat, "core instance export aliases are not allowed in a type declaration");
        return a;
      }
      if (!is_core(a.sort) || a.sort > Sort::CoreTag) {
        c.fail_at(a.offset, std::string("alias core export: expected a core func, table, memory, "
                                        "global or tag sort, found ") +
                                sort_name(a.sort));
        return a;
      }
      AliasCoreInstanceExport e;
      e.instance = index(c, Sort::CoreInstance, "alias core export");
      e.name = c.name("the aliased export name");
      a.target = std::move(e);
      return a;
    }
    case 0x02: {
      bool allowed = a.sort == Sort::CoreType || a.sort == Sort::Type ||
                     (!in_type && (a.sort == Sort::CoreModule || a.sort == Sort::Component));
      if (!allowed) {
        c.fail_at(a.offset, std::string("an outer alias cannot refer to a ") + sort_name(a.sort) +
                                (in_type ? " (only types and core types in a type declaration)"
                                         : " (only types, core types, components and core modules)"));
        return a;
      }
      AliasOuter o;
      size_t cat = c.offset();
      o.count = c.u32("the outer alias count");
      o.index = c.u32("the outer alias index");
      if (!c.ok()) return a;
      if (o.count >= scopes_.size()) {
        c.fail_at(cat, "outer alias count " + std::to_string(o.count) + " exceeds the " +
                           std::to_string(scopes_.size() - 1) + " enclosing scopes");
        return a;
      }
      const Scope& target = scopes_[scopes_.size() - 1 - o.count];
      uint32_t have = target.counts[size_t(a.sort)];
      if (o.index >= have) {
        c.fail_at(cat, "outer alias: " + std::string(sort_name(a.sort)) + " index " +
                           std::to_string(o.index) + " is out of range in the scope " +
                           std::to_string(o.count) + " levels out (" + std::to_string(have) +
                           " defined so far)");
        return a;
      }
      a.target = o;
      return a;
    }
  }
  c.fail_at(kat, "expected an alias kind (0x00 export, 0x01 core export, 0x02 outer), found " + hex(k));
  return a;
}

}  // namespace fact::component
