#include "fact/wasm/module_reader.h"

#include <algorithm>
#include <set>
#include <utility>

namespace fact::wasm {

const FuncType* ModuleInterface::func_type(uint32_t func) const {
  if (func >= funcs.size() || funcs[func] >= types.size()) return nullptr;
  return &types[funcs[func]];
}

namespace {

// The abstract heap types' shorthand bytes (funcref is 0x70, ..., exnref
// 0x69): as a value type each means `(ref null <heap>)`.
bool is_abstract_heap(uint8_t byte) { return byte >= 0x69 && byte <= 0x74; }

}  // namespace

ValType read_val_type(Cursor& c) {
  const size_t at = c.offset();
  const uint8_t b = c.byte("a core value type");
  if (!c.ok()) return ValType::I32;
  switch (b) {
    case 0x7F: return ValType::I32;
    case 0x7E: return ValType::I64;
    case 0x7D: return ValType::F32;
    case 0x7C: return ValType::F64;
    case 0x7B: return ValType::V128;
    case 0x63:
    case 0x64: {
      const bool nullable = b == 0x63;
      const size_t heap_at = c.offset();
      const uint8_t h = c.peek("a heap type");
      if (!c.ok()) return ValType::I32;
      if (is_abstract_heap(h)) {
        c.byte("a heap type");
        return ValType::ref(HeapType::of_abstract(h), nullable);
      }
      const int64_t index = c.s33("a heap type");
      if (c.ok() && (index < 0 || index > int64_t{UINT32_MAX})) {
        c.fail_at(heap_at, "expected a heap type, found " + hex(h));
        return ValType::I32;
      }
      return ValType::ref(HeapType::of_index(static_cast<uint32_t>(index)), nullable);
    }
    default:
      if (is_abstract_heap(b)) return ValType::ref(HeapType::of_abstract(b), true);
      c.fail_at(at, "expected a core value type, found " + hex(b));
      return ValType::I32;
  }
}

Limits read_limits(Cursor& c, uint8_t flags, bool is64, const char* what) {
  Limits l;
  const std::string min = std::string("the ") + what + " minimum";
  const std::string max = std::string("the ") + what + " maximum";
  l.min = is64 ? c.u64(min) : c.u32(min);
  if (flags & 0x01) l.max = is64 ? c.u64(max) : c.u32(max);
  return l;
}

MemoryType read_memory_type(Cursor& c) {
  const size_t at = c.offset();
  const uint8_t flags = c.byte("memory limits");
  MemoryType type;
  if (c.ok() && (flags & ~0x0F)) {
    c.fail_at(at, "invalid memory limits flags " + hex(flags));
    return type;
  }
  type.shared = (flags & 0x02) != 0;
  type.memory64 = (flags & 0x04) != 0;
  type.limits = read_limits(c, flags, type.memory64, "memory");
  if (flags & 0x08) {
    const size_t log2_at = c.offset();
    const uint32_t log2 = c.u32("the memory page size");
    if (c.ok() && log2 != 0 && log2 != 16) {
      c.fail_at(log2_at, "memory page size 2^" + std::to_string(log2) + " is not 1 or 65536");
    }
    type.page_size_log2 = static_cast<uint8_t>(log2);
  }
  return type;
}

TableType read_table_type(Cursor& c) {
  TableType t;
  const size_t element_at = c.offset();
  t.element = read_val_type(c);
  if (c.ok() && !t.element.is_ref()) {
    c.fail_at(element_at, "a table's element type must be a reference type");
    return t;
  }
  const size_t at = c.offset();
  const uint8_t flags = c.byte("table limits");
  if (c.ok() && (flags & ~0x07)) {
    c.fail_at(at, "invalid table limits flags " + hex(flags));
    return t;
  }
  t.table64 = (flags & 0x04) != 0;
  t.limits = read_limits(c, flags, t.table64, "table");
  return t;
}

GlobalType read_global_type(Cursor& c) {
  GlobalType g;
  g.type = read_val_type(c);
  g.mutable_ = c.flag("the global's mutability");
  return g;
}

namespace {

void skip_leb(Cursor& c) {
  for (int i = 0; i < 10 && c.ok(); ++i) {
    if ((c.byte("LEB128 byte") & 0x80) == 0) return;
  }
}

// Skips a constant expression. Returns false for an instruction it does
// not know, after which the rest of the section cannot be read.
bool skip_const_expr(Cursor& c) {
  while (c.ok()) {
    const uint8_t op = c.byte("constant expression");
    switch (op) {
      case 0x0B:  // end
        return true;
      case 0x41:  // i32.const
      case 0x42:  // i64.const
      case 0x23:  // global.get
      case 0xD2:  // ref.func
        skip_leb(c);
        break;
      case 0x43:  // f32.const
        (void)c.take(4, "f32 constant");
        break;
      case 0x44:  // f64.const
        (void)c.take(8, "f64 constant");
        break;
      case 0xD0:  // ref.null
        (void)c.s33("heap type");
        break;
      case 0x6A:  // i32.add, i32.sub, i32.mul, i64.add, i64.sub, i64.mul
      case 0x6B:  // (extended constant expressions)
      case 0x6C:
      case 0x7C:
      case 0x7D:
      case 0x7E: break;
      default: return false;
    }
  }
  return false;
}

void type_section(Cursor& c, ModuleInterface& m) {
  const uint32_t n = c.count("core types");
  for (uint32_t i = 0; i < n && c.ok(); ++i) {
    const uint8_t form = c.byte("core type form");
    if (form != 0x60) {
      c.fail("core type form " + hex(form) +
             " (GC types) in a nested core module is not supported");
      return;
    }
    FuncType type;
    const uint32_t params = c.count("parameters");
    for (uint32_t k = 0; k < params && c.ok(); ++k) type.params.push_back(read_val_type(c));
    const uint32_t results = c.count("results");
    for (uint32_t k = 0; k < results && c.ok(); ++k) type.results.push_back(read_val_type(c));
    m.types.push_back(std::move(type));
  }
}

void import_section(Cursor& c, ModuleInterface& m) {
  const uint32_t n = c.count("imports", 3);
  std::set<std::pair<std::string, std::string>> seen;
  for (uint32_t i = 0; i < n && c.ok(); ++i) {
    ModuleInterface::Import entry;
    const size_t entry_at = c.offset();
    entry.module = c.name("import module name");
    entry.field = c.name("import field name");
    if (c.ok() && !seen.emplace(entry.module, entry.field).second) {
      c.fail_at(entry_at, "duplicate import name `" + entry.module + ":" + entry.field +
                              "` (a core module in a component may import each "
                              "name only once)");
      return;
    }
    const uint8_t kind = c.byte("import kind");
    switch (kind) {
      case 0x00:
        entry.kind = ExternKind::Func;
        entry.index = static_cast<uint32_t>(m.funcs.size());
        m.funcs.push_back(c.u32("function type index"));
        break;
      case 0x01:
        entry.kind = ExternKind::Table;
        entry.index = static_cast<uint32_t>(m.tables.size());
        m.tables.push_back(read_table_type(c));
        break;
      case 0x02:
        entry.kind = ExternKind::Memory;
        entry.index = static_cast<uint32_t>(m.memories.size());
        m.memories.push_back(read_memory_type(c));
        break;
      case 0x03:
        entry.kind = ExternKind::Global;
        entry.index = static_cast<uint32_t>(m.globals.size());
        m.globals.push_back(read_global_type(c));
        break;
      case 0x04:
        entry.kind = ExternKind::Tag;
        (void)c.byte("tag attribute");
        (void)c.u32("tag type index");
        break;
      default: c.fail("unknown import kind " + hex(kind)); return;
    }
    m.imports.push_back(std::move(entry));
  }
}

void export_section(Cursor& c, ModuleInterface& m) {
  const uint32_t n = c.count("exports", 3);
  for (uint32_t i = 0; i < n && c.ok(); ++i) {
    std::string name = c.name("export name");
    const uint8_t kind = c.byte("export kind");
    const uint32_t index = c.u32("export index");
    if (kind > 0x04) {
      c.fail("unknown export kind " + hex(kind));
      return;
    }
    m.exports[name] = {static_cast<ExternKind>(kind), index};
  }
}

}  // namespace

Expected<ModuleInterface> read_module_interface(std::span<const uint8_t> bytes, size_t offset) {
  Diag diag;
  Cursor c(bytes, diag);
  ModuleInterface m;
  const auto preamble = c.take(8, "core module preamble");
  static constexpr uint8_t kPreamble[8] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  if (c.ok() && !std::equal(preamble.begin(), preamble.end(), kPreamble)) {
    return Error{"at byte " + hex(offset) + ": nested core module has an invalid preamble"};
  }
  while (!c.at_end()) {
    const uint8_t id = c.byte("section id");
    const uint32_t size = c.u32("section size");
    Cursor body = c.split(size, "section");
    if (!c.ok()) break;
    switch (id) {
      case 1: type_section(body, m); break;
      case 2: import_section(body, m); break;
      case 3: {
        const uint32_t n = body.count("functions");
        for (uint32_t i = 0; i < n && body.ok(); ++i) m.funcs.push_back(body.u32("type index"));
        break;
      }
      case 4: {
        // A table with an initializer (0x40 0x00) is left out with all that
        // follow it: entities past the end of `tables` are not checked.
        const uint32_t n = body.count("tables");
        for (uint32_t i = 0; i < n && body.ok() && body.peek("table type") != 0x40; ++i) {
          m.tables.push_back(read_table_type(body));
        }
        break;
      }
      case 5: {
        const uint32_t n = body.count("memories");
        for (uint32_t i = 0; i < n && body.ok(); ++i) m.memories.push_back(read_memory_type(body));
        break;
      }
      case 6: {
        // Globals whose initializer this reader cannot skip end the list,
        // as for tables.
        const uint32_t n = body.count("globals");
        for (uint32_t i = 0; i < n && body.ok(); ++i) {
          m.globals.push_back(read_global_type(body));
          if (!skip_const_expr(body)) break;
        }
        break;
      }
      case 7: export_section(body, m); break;
      default: break;
    }
  }
  if (diag.failed()) {
    return Error{"in the core module at byte " + hex(offset) + ": " + diag.error().message};
  }
  for (uint32_t f : m.funcs) {
    if (f >= m.types.size()) {
      return Error{"at byte " + hex(offset) + ": core module function uses type index " +
                   std::to_string(f) + ", but the module defines " +
                   std::to_string(m.types.size()) + " types"};
    }
  }
  return m;
}

}  // namespace fact::wasm
