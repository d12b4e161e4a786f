// The preamble, the sections and the definitions that are not types or
// canon entries (Binary.md).
#include "fact/component/reader.h"

#include "reader_impl.h"

namespace fact::component {
namespace {

const char* section_name(uint8_t id) {
  switch (id) {
    case 0: return "custom section";
    case 1: return "core module section";
    case 2: return "core instance section";
    case 3: return "core type section";
    case 4: return "component section";
    case 5: return "instance section";
    case 6: return "alias section";
    case 7: return "type section";
    case 8: return "canon section";
    case 9: return "start section";
    case 10: return "import section";
    case 11: return "export section";
    case 12: return "value section";
  }
  return "unknown section";
}

struct Preamble {
  uint16_t version = 0;
  uint16_t layer = 0;
};

// The 8-byte preamble shared by core modules and components.
Preamble preamble(Cursor& c) {
  size_t at = c.offset();
  auto magic = c.take(4, "the magic bytes");
  if (!c.ok()) return {};
  if (magic[0] != 0x00 || magic[1] != 0x61 || magic[2] != 0x73 || magic[3] != 0x6d) {
    c.fail_at(
        at, "not a WebAssembly binary: expected the magic bytes 00 61 73 6d (\"\\0asm\"), found " +
                hex(magic[0]) + " " + hex(magic[1]) + " " + hex(magic[2]) + " " + hex(magic[3]));
    return {};
  }
  auto rest = c.take(4, "the version and layer");
  if (!c.ok()) return {};
  return Preamble{uint16_t(rest[0] | rest[1] << 8), uint16_t(rest[2] | rest[3] << 8)};
}

// Core sorts other than module cannot cross a component-level boundary.
void check_component_sort(Cursor& c, size_t at, Sort s, std::string_view what) {
  if (c.ok() && is_core(s) && s != Sort::CoreModule)
    c.fail_at(at, std::string(what) + ": a " + sort_name(s) +
                      " cannot be used here (the only core sort allowed is core module)");
}

}  // namespace

Expected<Component> read_component(std::span<const uint8_t> bytes) {
  Diag diag;
  Cursor c(bytes, diag);
  Reader reader(bytes, diag);
  Component component = reader.component(c);
  if (diag.failed()) return diag.error();
  return component;
}

void Reader::append(Component& comp, Definition def) {
  auto s = def.sort();
  uint32_t position = uint32_t(comp.definitions.size());
  uint32_t n = 1;
  if (const auto* start = std::get_if<Start>(&def.item)) n = start->results;
  comp.definitions.push_back(std::move(def));
  if (!s) return;
  for (uint32_t i = 0; i < n; ++i) {
    comp.index_spaces[size_t(*s)].push_back(position);
    add(*s);
  }
  if (*s != Sort::Type) return;
  const Definition& added = comp.definitions.back();
  if (const auto* t = std::get_if<Type>(&added.item)) {
    set_type_facts(facts_of(*t));
  } else if (const auto* imp = std::get_if<Import>(&added.item)) {
    set_type_facts(extern_type_facts(imp->type, imp->offset));
  } else if (const auto* ex = std::get_if<Export>(&added.item)) {
    // An ascription (sub resource) makes the export a fresh abstract type.
    if (!ex->ascribed || ex->ascribed->type_bound.kind == TypeBound::Kind::Eq)
      set_type_facts(type_facts(ex->index));
  }
}

Component Reader::component(Cursor& c) {
  Component comp;
  comp.offset = c.offset();
  Preamble p = preamble(c);
  if (!c.ok()) return comp;
  if (p.layer == 0) {
    c.fail_at(comp.offset + 4, "this is a core WebAssembly module (version " + hex(p.version) +
                                   ", layer 0x0), not a component (layer 0x1)");
    return comp;
  }
  if (p.layer != 1) {
    c.fail_at(comp.offset + 6, "unknown layer " + hex(p.layer) + " (a component has layer 0x1)");
    return comp;
  }
  if (p.version != 0x0d) {
    c.fail_at(comp.offset + 4, "unsupported component binary version " + hex(p.version) +
                                   " (only version 0xd is supported)");
    return comp;
  }
  if (!push_scope(c, Scope::Kind::Component)) return comp;
  std::string outer_context = diag_.context();
  diag_.set_context("");

  while (!c.at_end()) {
    size_t section_offset = c.offset();
    diag_.set_context("");
    uint8_t id = c.byte("a section id");
    uint32_t size = c.u32("the section size");
    if (!c.ok()) break;
    if (id > 12) {
      c.fail_at(section_offset, "unknown section id " + hex(id));
      break;
    }
    Cursor payload = c.split(size, std::string("the ") + section_name(id));
    if (!c.ok()) break;
    SectionInfo info;
    info.id = id;
    info.offset = section_offset;
    info.payload_offset = payload.offset();
    info.payload_size = size;
    info.first_definition = comp.definitions.size();
    section(comp, id, payload, section_offset);
    if (!c.ok()) break;
    if (!payload.at_end()) {
      diag_.set_context(section_name(id));
      payload.fail(std::to_string(payload.remaining()) +
                   " bytes are left over after the last entry (is the section size wrong?)");
      break;
    }
    info.definition_count = comp.definitions.size() - info.first_definition;
    comp.sections.push_back(info);
  }

  pop_scope();
  if (c.ok()) diag_.set_context(outer_context);
  comp.size = c.offset() - comp.offset;
  return comp;
}

void Reader::section(Component& comp, uint8_t id, Cursor& c, size_t section_offset) {
  if (id != 0 && !count_item(c)) return;
  auto entry_context = [&](uint32_t i) {
    diag_.set_context(std::string("the ") + section_name(id) + " (entry " + std::to_string(i) +
                      ")");
  };
  switch (id) {
    case 0: {
      diag_.set_context("a custom section");
      CustomSection s;
      s.offset = section_offset;
      s.name = c.name("the custom section name");
      s.data_offset = c.offset();
      auto data = c.take(c.remaining(), "the custom section data");
      s.data_size = data.size();
      if (s.name == "component-name") s.data.assign(data.begin(), data.end());
      if (c.ok()) comp.custom_sections.push_back(std::move(s));
      return;
    }
    case 1: {
      diag_.set_context("the core module section");
      CoreModule m;
      m.offset = c.offset();
      Cursor probe = c;
      Preamble p = preamble(probe);
      if (!c.ok()) return;
      if (p.layer != 0 || p.version != 1) {
        c.fail_at(m.offset + 4, "expected a core module (version 0x1, layer 0x0), found version " +
                                    hex(p.version) + ", layer " + hex(p.layer));
        return;
      }
      auto bytes = c.take(c.remaining(), "the core module");
      m.bytes.assign(bytes.begin(), bytes.end());
      append(comp, Definition{std::move(m)});
      return;
    }
    case 4: {
      diag_.set_context("the component section");
      Component nested = component(c);
      if (c.ok()) append(comp, Definition{std::move(nested)});
      return;
    }
    case 9: {
      diag_.set_context("the start section");
      for (const auto& s : comp.sections) {
        if (s.id == 9) {
          c.fail_at(section_offset, "a component may have at most one start section");
          return;
        }
      }
      Start s;
      s.offset = c.offset();
      s.func = index(c, Sort::Func, "start function");
      uint32_t n = c.count("start arguments");
      for (uint32_t i = 0; i < n && c.ok(); ++i)
        s.args.push_back(index(c, Sort::Value, "start argument"));
      size_t rat = c.offset();
      s.results = c.u32("the start result count");
      if (c.ok() && s.results > 1)
        c.fail_at(rat,
                  "a start function has at most one result, found " + std::to_string(s.results));
      if (c.ok()) append(comp, Definition{std::move(s)});
      return;
    }
  }

  // The remaining sections are vectors of entries.
  diag_.set_context(section_name(id));
  uint32_t n = c.count("entries");
  for (uint32_t i = 0; i < n && c.ok() && count_item(c); ++i) {
    entry_context(i);
    size_t at = c.offset();
    switch (id) {
      case 2: {
        CoreInstance inst;
        inst.offset = at;
        uint8_t k = c.byte("a core instance kind");
        if (k == 0x00) {
          CoreInstantiate ci;
          ci.module = index(c, Sort::CoreModule, "instantiate");
          uint32_t argc = c.count("instantiate arguments", 3);
          for (uint32_t a = 0; a < argc && c.ok(); ++a) {
            CoreInstantiateArg arg;
            arg.name = c.name("the argument name");
            size_t sat = c.offset();
            uint8_t s = c.byte("the argument's sort byte");
            if (c.ok() && s != 0x12) {
              c.fail_at(
                  sat,
                  "a core instantiate argument must be a core instance (sort byte 0x12), found " +
                      hex(s));
              break;
            }
            arg.instance = index(c, Sort::CoreInstance, "instantiate argument");
            ci.args.push_back(std::move(arg));
          }
          inst.expr = std::move(ci);
        } else if (k == 0x01) {
          CoreInstanceFromExports fe;
          uint32_t count = c.count("inline exports", 3);
          for (uint32_t e = 0; e < count && c.ok(); ++e) {
            CoreInlineExport ex;
            ex.name = c.name("the export name");
            size_t sat = c.offset();
            ex.sort = core_sort(c);
            if (c.ok() && ex.sort > Sort::CoreTag) {
              c.fail_at(sat, std::string("a core instance may export only funcs, tables, memories, "
                                         "globals and tags, found ") +
                                 sort_name(ex.sort));
              break;
            }
            ex.index = index(c, ex.sort, "inline export");
            fe.exports.push_back(std::move(ex));
          }
          inst.expr = std::move(fe);
        } else if (c.ok()) {
          c.fail_at(
              at, "expected a core instance expression (0x00 instantiate or 0x01 exports), found " +
                      hex(k));
        }
        if (c.ok()) append(comp, Definition{std::move(inst)});
        break;
      }
      case 3: {
        CoreType t = core_type(c);
        if (c.ok()) append(comp, Definition{std::move(t)});
        break;
      }
      case 5: {
        Instance inst;
        inst.offset = at;
        uint8_t k = c.byte("an instance kind");
        if (k == 0x00) {
          Instantiate ci;
          ci.component = index(c, Sort::Component, "instantiate");
          uint32_t argc = c.count("instantiate arguments", 3);
          for (uint32_t a = 0; a < argc && c.ok(); ++a) {
            InstantiateArg arg;
            arg.name = c.name("the argument name");
            size_t sat = c.offset();
            arg.sort = sort(c);
            check_component_sort(c, sat, arg.sort, "instantiate argument");
            arg.index = index(c, arg.sort, "instantiate argument");
            ci.args.push_back(std::move(arg));
          }
          inst.expr = std::move(ci);
        } else if (k == 0x01) {
          InstanceFromExports fe;
          uint32_t count = c.count("inline exports", 4);
          NameSpace names;
          for (uint32_t e = 0; e < count && c.ok(); ++e) {
            InlineExport ex;
            size_t nat = c.offset();
            ex.name = extern_name(c);
            size_t sat = c.offset();
            ex.sort = sort(c);
            check_component_sort(c, sat, ex.sort, "inline export");
            ex.index = index(c, ex.sort, "inline export");
            std::optional<uint32_t> type_index;
            if (ex.sort == Sort::Type) type_index = ex.index;
            declare_name(c, nat, names, ex.name, ex.sort, std::nullopt, type_index, "export");
            fe.exports.push_back(std::move(ex));
          }
          inst.expr = std::move(fe);
        } else if (c.ok()) {
          c.fail_at(at,
                    "expected an instance expression (0x00 instantiate or 0x01 exports), found " +
                        hex(k));
        }
        if (c.ok()) append(comp, Definition{std::move(inst)});
        break;
      }
      case 6: {
        Alias a = alias(c, false);
        if (c.ok()) append(comp, Definition{std::move(a)});
        break;
      }
      case 7: {
        Type t = deftype(c);
        if (c.ok()) append(comp, Definition{std::move(t)});
        break;
      }
      case 8: {
        Canon k = canon(c);
        if (c.ok()) append(comp, Definition{std::move(k)});
        break;
      }
      case 10: {
        Import imp;
        imp.offset = at;
        imp.name = extern_name(c);
        imp.type = externtype(c);
        if (!c.ok()) break;
        ExternName name = imp.name;
        ExternType type = imp.type;
        append(comp, Definition{std::move(imp)});
        declare_name(
            c, at, scope().imports, name, type.sort,
            type.sort == Sort::Func ? std::optional<uint32_t>(type.index) : std::nullopt,
            type.sort == Sort::Type ? std::optional<uint32_t>(count(Sort::Type) - 1) : std::nullopt,
            "import");
        break;
      }
      case 11: {
        Export ex;
        ex.offset = at;
        ex.name = extern_name(c);
        size_t sat = c.offset();
        ex.sort = sort(c);
        check_component_sort(c, sat, ex.sort, "export");
        ex.index = index(c, ex.sort, "export");
        size_t tat = c.offset();
        uint8_t has = c.byte("the export's optional type ascription (0x00 or 0x01)");
        if (has == 0x01) {
          ExternType t = externtype(c);
          if (c.ok() && t.sort != ex.sort)
            c.fail_at(tat + 1, std::string("the export's type ascription is a ") +
                                   sort_name(t.sort) + " type but the export is a " +
                                   sort_name(ex.sort));
          ex.ascribed = t;
        } else if (c.ok() && has != 0x00) {
          c.fail_at(tat, "expected 0x00 (no type) or 0x01 (a type ascription), found " + hex(has));
        }
        if (!c.ok()) break;
        ExternName name = ex.name;
        Sort sort = ex.sort;
        std::optional<uint32_t> func_type;
        if (sort == Sort::Func && ex.ascribed) func_type = ex.ascribed->index;
        append(comp, Definition{std::move(ex)});
        declare_name(
            c, at, scope().exports, name, sort, func_type,
            sort == Sort::Type ? std::optional<uint32_t>(count(Sort::Type) - 1) : std::nullopt,
            "export");
        break;
      }
      case 12: {
        Value v;
        v.offset = at;
        v.type = valtype(c);
        uint32_t len = c.u32("the value's byte length");
        auto bytes = c.take(len, "the value's bytes");
        v.bytes.assign(bytes.begin(), bytes.end());
        if (c.ok()) append(comp, Definition{std::move(v)});
        break;
      }
    }
  }
}

}  // namespace fact::component
