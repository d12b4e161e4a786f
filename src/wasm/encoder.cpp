#include "fact/wasm/encoder.h"

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
    case BlockType::Kind::Empty: out_.push_back(0x40); break;
    case BlockType::Kind::Value: write_val_type(out_, type.value); break;
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

void write_val_type(Bytes& out, ValType type) {
  if (!type.is_ref()) {
    out.push_back(static_cast<uint8_t>(type.kind()));
    return;
  }
  const HeapType& heap = type.heap();
  // A nullable abstract reference has a one-byte shorthand (0x70 funcref,
  // ...), which engines without the function-references proposal still
  // read; the rest take the long form, (ref null? ht).
  if (type.nullable() && !heap.concrete) {
    out.push_back(heap.abstract);
    return;
  }
  out.push_back(type.nullable() ? 0x63 : 0x64);
  if (heap.concrete) {
    write_s64(out, static_cast<int64_t>(heap.index));
  } else {
    out.push_back(heap.abstract);
  }
}

void write_limits(Bytes& out, const Limits& limits, uint8_t flags) {
  if (limits.max) flags |= 0x01;
  out.push_back(flags);
  write_u64(out, limits.min);
  if (limits.max) write_u64(out, *limits.max);
}

void TypeSection::func(const FuncType& type) {
  Bytes& s = entry();
  s.push_back(0x60);
  write_u32(s, static_cast<uint32_t>(type.params.size()));
  for (ValType v : type.params) write_val_type(s, v);
  write_u32(s, static_cast<uint32_t>(type.results.size()));
  for (ValType v : type.results) write_val_type(s, v);
}

void ImportSection::func(std::string_view module, std::string_view field, uint32_t type_index) {
  Bytes& s = entry();
  write_name(s, module);
  write_name(s, field);
  s.push_back(static_cast<uint8_t>(ExternKind::Func));
  write_u32(s, type_index);
}

void ImportSection::memory(std::string_view module, std::string_view field,
                           const MemoryType& type) {
  Bytes& s = entry();
  write_name(s, module);
  write_name(s, field);
  s.push_back(static_cast<uint8_t>(ExternKind::Memory));
  uint8_t flags = 0;
  if (type.shared) flags |= 0x02;
  if (type.memory64) flags |= 0x04;
  const bool custom_page = type.page_size_log2 != 16;
  if (custom_page) flags |= 0x08;
  write_limits(s, type.limits, flags);
  if (custom_page) write_u32(s, type.page_size_log2);
}

void ImportSection::global(std::string_view module, std::string_view field,
                           const GlobalType& type) {
  Bytes& s = entry();
  write_name(s, module);
  write_name(s, field);
  s.push_back(static_cast<uint8_t>(ExternKind::Global));
  write_val_type(s, type.type);
  s.push_back(type.mutable_ ? 0x01 : 0x00);
}

void FunctionSection::func(uint32_t type_index) { write_u32(entry(), type_index); }

void ExportSection::item(std::string_view name, ExternKind kind, uint32_t index) {
  Bytes& s = entry();
  write_name(s, name);
  s.push_back(static_cast<uint8_t>(kind));
  write_u32(s, index);
}

void CodeSection::body(std::span<const std::pair<uint32_t, ValType>> locals,
                       std::span<const uint8_t> code) {
  Bytes body;
  write_u32(body, static_cast<uint32_t>(locals.size()));
  for (const auto& [count, type] : locals) {
    write_u32(body, count);
    write_val_type(body, type);
  }
  body.insert(body.end(), code.begin(), code.end());
  Bytes& s = entry();
  write_u32(s, static_cast<uint32_t>(body.size()));
  s.insert(s.end(), body.begin(), body.end());
}

ModuleWriter::ModuleWriter() : out_{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00} {}

void ModuleWriter::add(uint8_t id, const Section& s) {
  Bytes count;
  write_u32(count, s.count());
  out_.push_back(id);
  write_u32(out_, static_cast<uint32_t>(count.size() + s.bytes().size()));
  out_.insert(out_.end(), count.begin(), count.end());
  out_.insert(out_.end(), s.bytes().begin(), s.bytes().end());
}

}  // namespace fact::wasm
