#include "fact/wasm/types.h"

#include <cstdio>

namespace fact::wasm {
namespace {

// The text format's name of an abstract heap type, by its shorthand byte.
const char* abstract_heap_name(uint8_t byte) {
  switch (byte) {
    case 0x70: return "func";
    case 0x6F: return "extern";
    case 0x6E: return "any";
    case 0x6D: return "eq";
    case 0x6C: return "i31";
    case 0x6B: return "struct";
    case 0x6A: return "array";
    case 0x71: return "none";
    case 0x72: return "noextern";
    case 0x73: return "nofunc";
    case 0x74: return "noexn";
    case 0x69: return "exn";
    default: return nullptr;
  }
}

}  // namespace

std::string to_string(ValType type) {
  switch (type.kind()) {
    case ValType::Kind::I32: return "i32";
    case ValType::Kind::I64: return "i64";
    case ValType::Kind::F32: return "f32";
    case ValType::Kind::F64: return "f64";
    case ValType::Kind::V128: return "v128";
    case ValType::Kind::Ref: break;
  }
  const HeapType& heap = type.heap();
  if (heap.concrete) {
    return std::string(type.nullable() ? "(ref null " : "(ref ") + std::to_string(heap.index) + ")";
  }
  const char* known = abstract_heap_name(heap.abstract);
  // A byte no proposal defines yet still gets a name that tells it apart.
  std::string name =
      known ? known : "heap" + std::to_string(static_cast<int>(heap.abstract) - 0x80);
  return type.nullable() ? name + "ref" : "(ref " + name + ")";
}

bool FuncType::is_numeric() const {
  for (ValType t : params) {
    if (!t.is_number()) return false;
  }
  for (ValType t : results) {
    if (!t.is_number()) return false;
  }
  return true;
}

std::string to_string(const FuncType& type) {
  auto list = [](const std::vector<ValType>& types) {
    std::string out = "[";
    for (size_t i = 0; i < types.size(); ++i) {
      if (i) out += " ";
      out += to_string(types[i]);
    }
    return out + "]";
  };
  return list(type.params) + " -> " + list(type.results);
}

std::string to_string(const Limits& limits) {
  return std::to_string(limits.min) +
         (limits.max ? " " + std::to_string(*limits.max) : std::string());
}

uint64_t max_pages(const MemoryType& type) {
  const uint32_t address_bits = type.memory64 ? 64 : 32;
  const uint32_t page_bits = type.page_size_log2;
  if (type.memory64 && page_bits == 16) return uint64_t{1} << 48;
  return address_bits - page_bits >= 64 ? UINT64_MAX : uint64_t{1} << (address_bits - page_bits);
}

const char* to_string(ExternKind kind) {
  switch (kind) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
    case ExternKind::Tag: return "tag";
  }
  return "?";
}

std::string to_string(const Val& value) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%s:0x%llx", to_string(value.type).c_str(),
                static_cast<unsigned long long>(value.bits));
  return buffer;
}

std::string to_string(const std::vector<Val>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += to_string(values[i]);
  }
  return out + "]";
}

}  // namespace fact::wasm
