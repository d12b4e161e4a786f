// Extern types, import and export names with the rules of annotated names,
// and aliases (Binary.md "Import and Export Definitions", "Alias
// Definitions").
#include <algorithm>

#include "fact/component/names.h"
#include "reader_impl.h"

namespace fact::component {

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
std::optional<std::string> check_resource_func(const Reader& r, const ExternName& name,
                                               const TypeFacts& func, const TypeFacts& resource) {
  if (func.kind != TypeFacts::Kind::Func || resource.kind != TypeFacts::Kind::Resource)
    return std::nullopt;
  auto is_own = [&](const std::optional<ValType>& v) -> std::optional<bool> {
    if (!v || v->is_primitive()) return false;
    TypeFacts f = r.type_facts(v->index);
    if (f.kind == TypeFacts::Kind::Unknown) return std::nullopt;
    if (f.kind != TypeFacts::Kind::Own) return false;
    if (f.resource == 0) return std::nullopt;
    return f.resource == resource.resource;
  };
  if (name.kind == NameKind::Constructor) {
    std::string rule = "the function of " + quoted(name.text) +
                       " should return `(own $T)` or `(result (own $T))` (with an optional error) "
                       "where $T is the resource " +
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
    c.fail_at(at, std::string(what) + " name " + quoted(name.text) +
                      " conflicts with previous name " + quoted(it->second) +
                      " (names must be strongly unique: compared case-insensitively, with "
                      "[method]/[static] annotations stripped and \"[method]r.r\" read as \"r\")");
    return;
  }
  if (is_resource_annotation(name.kind)) {
    auto r = ns.types.find(name.resource);
    if (r == ns.types.end()) {
      c.fail_at(at, std::string(what) + " " + quoted(name.text) + ": the resource name " +
                        quoted(name.resource) + " is not known in this context (no preceding " +
                        std::string(what) + " of a resource type named " + quoted(name.resource) +
                        ")");
      return;
    }
    if (func_type) {
      if (auto why =
              check_resource_func(*this, name, type_facts(*func_type), type_facts(r->second))) {
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
        c.fail_at(a.offset, std::string("a component instance cannot export a ") +
                                sort_name(a.sort) + " (only core modules among the core sorts)");
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
        c.fail_at(a.offset,
                  std::string("an outer alias cannot refer to a ") + sort_name(a.sort) +
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
  c.fail_at(kat,
            "expected an alias kind (0x00 export, 0x01 core export, 0x02 outer), found " + hex(k));
  return a;
}

}  // namespace fact::component
