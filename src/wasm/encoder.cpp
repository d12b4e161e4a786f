#include "wasm/encoder.h"

#include <cstring>

namespace fact::wasm {

void write_u64(Bytes& out, uint64_t value) {
  do {
    uint8_t byte = value & 0x7F;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    out.push_back(byte);
  } while (value != 0);
}

void write_u32(Bytes& out, uint32_t value) { write_u64(out, value); }

void write_s64(Bytes& out, int64_t value) {
  bool more = true;
  while (more) {
    uint8_t byte = value & 0x7F;
    // Arithmetic shift of a negative value is implementation-defined before
    // C++20 but well-defined since; the sign bit is kept.
    value >>= 7;
    bool sign_bit = (byte & 0x40) != 0;
    if ((value == 0 && !sign_bit) || (value == -1 && sign_bit)) {
      more = false;
    } else {
      byte |= 0x80;
    }
    out.push_back(byte);
  }
}

void write_s32(Bytes& out, int32_t value) { write_s64(out, value); }

void write_name(Bytes& out, std::string_view name) {
  write_u32(out, static_cast<uint32_t>(name.size()));
  out.insert(out.end(), name.begin(), name.end());
}

void Instructions::br_table(std::span<const uint32_t> targets, uint32_t default_target) {
  op(0x0E);
  write_u32(out_, static_cast<uint32_t>(targets.size()));
  for (uint32_t t : targets) write_u32(out_, t);
  write_u32(out_, default_target);
}

void Instructions::block_type(BlockType type) {
  switch (type.kind) {
    case BlockType::Kind::Empty:
      out_.push_back(0x40);
      break;
    case BlockType::Kind::Value:
      out_.push_back(static_cast<uint8_t>(type.value));
      break;
    case BlockType::Kind::TypeIndex:
      // A non-negative s33.
      write_s64(out_, static_cast<int64_t>(type.type_index));
      break;
  }
}

void Instructions::mem_op(uint8_t code, MemArg m) {
  op(code);
  if (m.memory == 0) {
    write_u32(out_, m.align_log2);
  } else {
    write_u32(out_, m.align_log2 | 0x40);
    write_u32(out_, m.memory);
  }
  write_u64(out_, m.offset);
}

void Instructions::memory_copy(uint32_t dst_memory, uint32_t src_memory) {
  op(0xFC);
  write_u32(out_, 10);
  write_u32(out_, dst_memory);
  write_u32(out_, src_memory);
}

void Instructions::memory_fill(uint32_t memory) {
  op(0xFC);
  write_u32(out_, 11);
  write_u32(out_, memory);
}

void Instructions::f32_const_bits(uint32_t bits) {
  op(0x43);
  for (int i = 0; i < 4; ++i) out_.push_back(static_cast<uint8_t>(bits >> (8 * i)));
}

void Instructions::f64_const_bits(uint64_t bits) {
  op(0x44);
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<uint8_t>(bits >> (8 * i)));
}

ModuleWriter::ModuleWriter() : out_{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00} {}

void ModuleWriter::section(uint8_t id, const Bytes& contents) {
  out_.push_back(id);
  write_u32(out_, static_cast<uint32_t>(contents.size()));
  out_.insert(out_.end(), contents.begin(), contents.end());
}

void ModuleWriter::type_section(std::span<const FuncType> types) {
  Bytes s;
  write_u32(s, static_cast<uint32_t>(types.size()));
  for (const FuncType& t : types) {
    s.push_back(0x60);
    write_u32(s, static_cast<uint32_t>(t.params.size()));
    for (ValType v : t.params) s.push_back(static_cast<uint8_t>(v));
    write_u32(s, static_cast<uint32_t>(t.results.size()));
    for (ValType v : t.results) s.push_back(static_cast<uint8_t>(v));
  }
  section(kSectionType, s);
}

void ModuleWriter::function_section(std::span<const uint32_t> type_indices) {
  Bytes s;
  write_u32(s, static_cast<uint32_t>(type_indices.size()));
  for (uint32_t t : type_indices) write_u32(s, t);
  section(kSectionFunction, s);
}

void ModuleWriter::export_section(std::span<const ExportEntry> exports) {
  Bytes s;
  write_u32(s, static_cast<uint32_t>(exports.size()));
  for (const ExportEntry& e : exports) {
    write_name(s, e.name);
    s.push_back(static_cast<uint8_t>(e.kind));
    write_u32(s, e.index);
  }
  section(kSectionExport, s);
}

void ModuleWriter::code_section(std::span<const Bytes> bodies) {
  Bytes s;
  write_u32(s, static_cast<uint32_t>(bodies.size()));
  for (const Bytes& body : bodies) {
    write_u32(s, static_cast<uint32_t>(body.size()));
    s.insert(s.end(), body.begin(), body.end());
  }
  section(kSectionCode, s);
}

void import_func(Bytes& section, std::string_view module, std::string_view field,
                 uint32_t type_index) {
  write_name(section, module);
  write_name(section, field);
  section.push_back(0x00);
  write_u32(section, type_index);
}

void import_memory(Bytes& section, std::string_view module, std::string_view field,
                   const Limits& limits) {
  write_name(section, module);
  write_name(section, field);
  section.push_back(0x02);
  uint8_t flags = 0;
  if (limits.has_max) flags |= 0x01;
  if (limits.shared) flags |= 0x02;
  if (limits.memory64) flags |= 0x04;
  bool custom_page = limits.page_size_log2 != 16;
  if (custom_page) flags |= 0x08;
  section.push_back(flags);
  write_u64(section, limits.min);
  if (limits.has_max) write_u64(section, limits.max);
  if (custom_page) write_u32(section, limits.page_size_log2);
}

void import_global(Bytes& section, std::string_view module, std::string_view field, ValType type,
                   bool mutable_) {
  write_name(section, module);
  write_name(section, field);
  section.push_back(0x03);
  section.push_back(static_cast<uint8_t>(type));
  section.push_back(mutable_ ? 0x01 : 0x00);
}

void write_locals(Bytes& out, std::span<const std::pair<uint32_t, ValType>> runs) {
  write_u32(out, static_cast<uint32_t>(runs.size()));
  for (const auto& [count, type] : runs) {
    write_u32(out, count);
    out.push_back(static_cast<uint8_t>(type));
  }
}

}  // namespace fact::wasm
