// Layout and flattening are checked against values computed with the
// Canonical ABI's reference Python (CanonicalABI.md: elem_size, alignment,
// flatten_type, flatten_functype) and recorded here literally.
#include "fact/types.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fact/abi.h"
#include "fact/canon_rules.h"

namespace fact {
namespace {

// Cases c0..c{n-1}; the listed ones carry a payload.
std::vector<Case> numbered_cases(uint32_t n, std::vector<std::pair<uint32_t, TypeId>> payloads) {
  std::vector<Case> cases;
  for (uint32_t i = 0; i < n; ++i) cases.push_back(Case{"c" + std::to_string(i), std::nullopt});
  for (const auto& [index, type] : payloads) cases.at(index).type = type;
  return cases;
}

std::vector<std::string> numbered_labels(uint32_t n) {
  std::vector<std::string> labels;
  for (uint32_t i = 0; i < n; ++i) labels.push_back("l" + std::to_string(i));
  return labels;
}

std::string core_text(const std::vector<wasm::ValType>& types) {
  std::string out;
  for (wasm::ValType t : types) {
    if (!out.empty()) out += ' ';
    out += wasm::to_string(t);
  }
  return out;
}

// "-" stands for "more than kMaxFlatParams flat values".
std::string flat_text(const std::optional<std::vector<wasm::ValType>>& flat) {
  return flat ? core_text(*flat) : "-";
}

struct LayoutExpectation {
  const char* name;  // also the expected to_string, unless it says "with N"
  std::function<TypeId(TypeStore&)> build;
  uint32_t size32, align32, size64, align64;
  const char* flat32;
  const char* flat64;
  // Member offsets of a record, tuple, fixed-length list or map entry; empty
  // when not applicable.
  std::vector<uint32_t> offsets32, offsets64;
  // Payload offset of a type of the variant family, -1 otherwise.
  int payload32, payload64;
  bool contains_borrow;
};

const LayoutExpectation kLayouts[] = {
    {"bool", [](TypeStore& s) { return s.primitive(TypeKind::Bool); }, 1, 1, 1, 1, "i32", "i32", {}, {}, -1, -1, false},
    {"s8", [](TypeStore& s) { return s.primitive(TypeKind::S8); }, 1, 1, 1, 1, "i32", "i32", {}, {}, -1, -1, false},
    {"u8", [](TypeStore& s) { return s.primitive(TypeKind::U8); }, 1, 1, 1, 1, "i32", "i32", {}, {}, -1, -1, false},
    {"s16", [](TypeStore& s) { return s.primitive(TypeKind::S16); }, 2, 2, 2, 2, "i32", "i32", {}, {}, -1, -1, false},
    {"u16", [](TypeStore& s) { return s.primitive(TypeKind::U16); }, 2, 2, 2, 2, "i32", "i32", {}, {}, -1, -1, false},
    {"s32", [](TypeStore& s) { return s.primitive(TypeKind::S32); }, 4, 4, 4, 4, "i32", "i32", {}, {}, -1, -1, false},
    {"u32", [](TypeStore& s) { return s.primitive(TypeKind::U32); }, 4, 4, 4, 4, "i32", "i32", {}, {}, -1, -1, false},
    {"s64", [](TypeStore& s) { return s.primitive(TypeKind::S64); }, 8, 8, 8, 8, "i64", "i64", {}, {}, -1, -1, false},
    {"u64", [](TypeStore& s) { return s.primitive(TypeKind::U64); }, 8, 8, 8, 8, "i64", "i64", {}, {}, -1, -1, false},
    {"f32", [](TypeStore& s) { return s.primitive(TypeKind::F32); }, 4, 4, 4, 4, "f32", "f32", {}, {}, -1, -1, false},
    {"f64", [](TypeStore& s) { return s.primitive(TypeKind::F64); }, 8, 8, 8, 8, "f64", "f64", {}, {}, -1, -1, false},
    {"char", [](TypeStore& s) { return s.primitive(TypeKind::Char); }, 4, 4, 4, 4, "i32", "i32", {}, {}, -1, -1, false},
    {"string", [](TypeStore& s) { return s.primitive(TypeKind::String); }, 8, 4, 16, 8, "i32 i32", "i64 i64", {}, {}, -1, -1, false},
    {"error-context", [](TypeStore& s) { return s.primitive(TypeKind::ErrorContext); }, 4, 4, 4, 4, "i32", "i32", {}, {}, -1, -1, false},
    {"own<r0>", [](TypeStore& s) { return s.own(0); }, 4, 4, 4, 4, "i32", "i32", {}, {}, -1, -1, false},
    {"borrow<r1>", [](TypeStore& s) { return s.borrow(1); }, 4, 4, 4, 4, "i32", "i32", {}, {}, -1, -1, true},
    {"future", [](TypeStore& s) { return s.future(std::nullopt); }, 4, 4, 4, 4, "i32", "i32", {}, {}, -1, -1, false},
    {"future<u64>", [](TypeStore& s) { return s.future(s.primitive(TypeKind::U64)); }, 4, 4, 4, 4, "i32", "i32", {}, {}, -1, -1, false},
    {"stream<string>", [](TypeStore& s) { return s.stream(s.primitive(TypeKind::String)); }, 4, 4, 4, 4, "i32", "i32", {}, {}, -1, -1, false},
    {"stream", [](TypeStore& s) { return s.stream(std::nullopt); }, 4, 4, 4, 4, "i32", "i32", {}, {}, -1, -1, false},
    {"list<u8>", [](TypeStore& s) { return s.list(s.primitive(TypeKind::U8)); }, 8, 4, 16, 8, "i32 i32", "i64 i64", {}, {}, -1, -1, false},
    {"list<string>", [](TypeStore& s) { return s.list(s.primitive(TypeKind::String)); }, 8, 4, 16, 8, "i32 i32", "i64 i64", {}, {}, -1, -1, false},
    {"list<record { a: u8, b: f64 }>", [](TypeStore& s) { return s.list(s.record({Field{"a", s.primitive(TypeKind::U8)}, Field{"b", s.primitive(TypeKind::F64)}})); }, 8, 4, 16, 8, "i32 i32", "i64 i64", {}, {}, -1, -1, false},
    {"list<u8, 4>", [](TypeStore& s) { return s.fixed_list(s.primitive(TypeKind::U8), 4); }, 4, 1, 4, 1, "i32 i32 i32 i32", "i32 i32 i32 i32", {0, 1, 2, 3}, {0, 1, 2, 3}, -1, -1, false},
    {"list<u64, 3>", [](TypeStore& s) { return s.fixed_list(s.primitive(TypeKind::U64), 3); }, 24, 8, 24, 8, "i64 i64 i64", "i64 i64 i64", {0, 8, 16}, {0, 8, 16}, -1, -1, false},
    {"list<string, 8>", [](TypeStore& s) { return s.fixed_list(s.primitive(TypeKind::String), 8); }, 64, 4, 128, 8, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64", {0, 8, 16, 24, 32, 40, 48, 56}, {0, 16, 32, 48, 64, 80, 96, 112}, -1, -1, false},
    {"list<string, 9>", [](TypeStore& s) { return s.fixed_list(s.primitive(TypeKind::String), 9); }, 72, 4, 144, 8, "-", "-", {0, 8, 16, 24, 32, 40, 48, 56, 64}, {0, 16, 32, 48, 64, 80, 96, 112, 128}, -1, -1, false},
    {"list<u8, 16>", [](TypeStore& s) { return s.fixed_list(s.primitive(TypeKind::U8), 16); }, 16, 1, 16, 1, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, -1, -1, false},
    {"list<u8, 17>", [](TypeStore& s) { return s.fixed_list(s.primitive(TypeKind::U8), 17); }, 17, 1, 17, 1, "-", "-", {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, -1, -1, false},
    {"list<f32, 1>", [](TypeStore& s) { return s.fixed_list(s.primitive(TypeKind::F32), 1); }, 4, 4, 4, 4, "f32", "f32", {0}, {0}, -1, -1, false},
    {"list<bool, 3>", [](TypeStore& s) { return s.fixed_list(s.primitive(TypeKind::Bool), 3); }, 3, 1, 3, 1, "i32 i32 i32", "i32 i32 i32", {0, 1, 2}, {0, 1, 2}, -1, -1, false},
    {"list<record { a: u8, b: u16 }, 5>", [](TypeStore& s) { return s.fixed_list(s.record({Field{"a", s.primitive(TypeKind::U8)}, Field{"b", s.primitive(TypeKind::U16)}}), 5); }, 20, 2, 20, 2, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", {0, 4, 8, 12, 16}, {0, 4, 8, 12, 16}, -1, -1, false},
    {"list<tuple<f32, u8>, 7>", [](TypeStore& s) { return s.fixed_list(s.tuple(std::vector<TypeId>{s.primitive(TypeKind::F32), s.primitive(TypeKind::U8)}), 7); }, 56, 4, 56, 4, "f32 i32 f32 i32 f32 i32 f32 i32 f32 i32 f32 i32 f32 i32", "f32 i32 f32 i32 f32 i32 f32 i32 f32 i32 f32 i32 f32 i32", {0, 8, 16, 24, 32, 40, 48}, {0, 8, 16, 24, 32, 40, 48}, -1, -1, false},
    {"map<string, u32>", [](TypeStore& s) { return s.map(s.primitive(TypeKind::String), s.primitive(TypeKind::U32)); }, 8, 4, 16, 8, "i32 i32", "i64 i64", {0, 8}, {0, 16}, -1, -1, false},
    {"map<u8, list<u64>>", [](TypeStore& s) { return s.map(s.primitive(TypeKind::U8), s.list(s.primitive(TypeKind::U64))); }, 8, 4, 16, 8, "i32 i32", "i64 i64", {0, 4}, {0, 8}, -1, -1, false},
    {"record { x: f32, y: option<u8> }", [](TypeStore& s) { return s.record({Field{"x", s.primitive(TypeKind::F32)}, Field{"y", s.option(s.primitive(TypeKind::U8))}}); }, 8, 4, 8, 4, "f32 i32 i32", "f32 i32 i32", {0, 4}, {0, 4}, -1, -1, false},
    {"record { a: u8, b: u64, c: u16 }", [](TypeStore& s) { return s.record({Field{"a", s.primitive(TypeKind::U8)}, Field{"b", s.primitive(TypeKind::U64)}, Field{"c", s.primitive(TypeKind::U16)}}); }, 24, 8, 24, 8, "i32 i64 i32", "i32 i64 i32", {0, 8, 16}, {0, 8, 16}, -1, -1, false},
    {"record { a: u8, b: string }", [](TypeStore& s) { return s.record({Field{"a", s.primitive(TypeKind::U8)}, Field{"b", s.primitive(TypeKind::String)}}); }, 12, 4, 24, 8, "i32 i32 i32", "i32 i64 i64", {0, 4}, {0, 8}, -1, -1, false},
    {"record { f0: u32, f1: u32, f2: u32, f3: u32, f4: u32, f5: u32, f6: u32, f7: u32, f8: u32, f9: u32, f10: u32, f11: u32, f12: u32, f13: u32, f14: u32, f15: u32 }", [](TypeStore& s) { return s.record({Field{"f0", s.primitive(TypeKind::U32)}, Field{"f1", s.primitive(TypeKind::U32)}, Field{"f2", s.primitive(TypeKind::U32)}, Field{"f3", s.primitive(TypeKind::U32)}, Field{"f4", s.primitive(TypeKind::U32)}, Field{"f5", s.primitive(TypeKind::U32)}, Field{"f6", s.primitive(TypeKind::U32)}, Field{"f7", s.primitive(TypeKind::U32)}, Field{"f8", s.primitive(TypeKind::U32)}, Field{"f9", s.primitive(TypeKind::U32)}, Field{"f10", s.primitive(TypeKind::U32)}, Field{"f11", s.primitive(TypeKind::U32)}, Field{"f12", s.primitive(TypeKind::U32)}, Field{"f13", s.primitive(TypeKind::U32)}, Field{"f14", s.primitive(TypeKind::U32)}, Field{"f15", s.primitive(TypeKind::U32)}}); }, 64, 4, 64, 4, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", {0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60}, {0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60}, -1, -1, false},
    {"record { f0: u8, f1: u8, f2: u8, f3: u8, f4: u8, f5: u8, f6: u8, f7: u8, f8: u8, f9: u8, f10: u8, f11: u8, f12: u8, f13: u8, f14: u8, f15: u8, f16: u8 }", [](TypeStore& s) { return s.record({Field{"f0", s.primitive(TypeKind::U8)}, Field{"f1", s.primitive(TypeKind::U8)}, Field{"f2", s.primitive(TypeKind::U8)}, Field{"f3", s.primitive(TypeKind::U8)}, Field{"f4", s.primitive(TypeKind::U8)}, Field{"f5", s.primitive(TypeKind::U8)}, Field{"f6", s.primitive(TypeKind::U8)}, Field{"f7", s.primitive(TypeKind::U8)}, Field{"f8", s.primitive(TypeKind::U8)}, Field{"f9", s.primitive(TypeKind::U8)}, Field{"f10", s.primitive(TypeKind::U8)}, Field{"f11", s.primitive(TypeKind::U8)}, Field{"f12", s.primitive(TypeKind::U8)}, Field{"f13", s.primitive(TypeKind::U8)}, Field{"f14", s.primitive(TypeKind::U8)}, Field{"f15", s.primitive(TypeKind::U8)}, Field{"f16", s.primitive(TypeKind::U8)}}); }, 17, 1, 17, 1, "-", "-", {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, -1, -1, false},
    {"record { f0: u8, f1: u64, f2: f32, f3: u16, f4: string, f5: char, f6: s8, f7: f64, f8: u8, f9: u64, f10: f32, f11: u16, f12: string, f13: char, f14: s8, f15: f64, f16: u8, f17: u64, f18: f32, f19: u16, f20: string, f21: char, f22: s8, f23: f64, f24: u8, f25: u64, f26: f32, f27: u16, f28: string, f29: char, f30: s8, f31: f64, f32: u8, f33: u64, f34: f32, f35: u16, f36: string, f37: char, f38: s8, f39: f64 }", [](TypeStore& s) { return s.record({Field{"f0", s.primitive(TypeKind::U8)}, Field{"f1", s.primitive(TypeKind::U64)}, Field{"f2", s.primitive(TypeKind::F32)}, Field{"f3", s.primitive(TypeKind::U16)}, Field{"f4", s.primitive(TypeKind::String)}, Field{"f5", s.primitive(TypeKind::Char)}, Field{"f6", s.primitive(TypeKind::S8)}, Field{"f7", s.primitive(TypeKind::F64)}, Field{"f8", s.primitive(TypeKind::U8)}, Field{"f9", s.primitive(TypeKind::U64)}, Field{"f10", s.primitive(TypeKind::F32)}, Field{"f11", s.primitive(TypeKind::U16)}, Field{"f12", s.primitive(TypeKind::String)}, Field{"f13", s.primitive(TypeKind::Char)}, Field{"f14", s.primitive(TypeKind::S8)}, Field{"f15", s.primitive(TypeKind::F64)}, Field{"f16", s.primitive(TypeKind::U8)}, Field{"f17", s.primitive(TypeKind::U64)}, Field{"f18", s.primitive(TypeKind::F32)}, Field{"f19", s.primitive(TypeKind::U16)}, Field{"f20", s.primitive(TypeKind::String)}, Field{"f21", s.primitive(TypeKind::Char)}, Field{"f22", s.primitive(TypeKind::S8)}, Field{"f23", s.primitive(TypeKind::F64)}, Field{"f24", s.primitive(TypeKind::U8)}, Field{"f25", s.primitive(TypeKind::U64)}, Field{"f26", s.primitive(TypeKind::F32)}, Field{"f27", s.primitive(TypeKind::U16)}, Field{"f28", s.primitive(TypeKind::String)}, Field{"f29", s.primitive(TypeKind::Char)}, Field{"f30", s.primitive(TypeKind::S8)}, Field{"f31", s.primitive(TypeKind::F64)}, Field{"f32", s.primitive(TypeKind::U8)}, Field{"f33", s.primitive(TypeKind::U64)}, Field{"f34", s.primitive(TypeKind::F32)}, Field{"f35", s.primitive(TypeKind::U16)}, Field{"f36", s.primitive(TypeKind::String)}, Field{"f37", s.primitive(TypeKind::Char)}, Field{"f38", s.primitive(TypeKind::S8)}, Field{"f39", s.primitive(TypeKind::F64)}}); }, 240, 8, 280, 8, "-", "-", {0, 8, 16, 20, 24, 32, 36, 40, 48, 56, 64, 68, 72, 80, 84, 88, 96, 104, 112, 116, 120, 128, 132, 136, 144, 152, 160, 164, 168, 176, 180, 184, 192, 200, 208, 212, 216, 224, 228, 232}, {0, 8, 16, 20, 24, 40, 44, 48, 56, 64, 72, 76, 80, 96, 100, 104, 112, 120, 128, 132, 136, 152, 156, 160, 168, 176, 184, 188, 192, 208, 212, 216, 224, 232, 240, 244, 248, 264, 268, 272}, -1, -1, false},
    {"record { a: char, b: list<u8, 3> }", [](TypeStore& s) { return s.record({Field{"a", s.primitive(TypeKind::Char)}, Field{"b", s.fixed_list(s.primitive(TypeKind::U8), 3)}}); }, 8, 4, 8, 4, "i32 i32 i32 i32", "i32 i32 i32 i32", {0, 4}, {0, 4}, -1, -1, false},
    {"record { a: u16, b: record { c: u8 } }", [](TypeStore& s) { return s.record({Field{"a", s.primitive(TypeKind::U16)}, Field{"b", s.record({Field{"c", s.primitive(TypeKind::U8)}})}}); }, 4, 2, 4, 2, "i32 i32", "i32 i32", {0, 2}, {0, 2}, -1, -1, false},
    {"tuple<u8>", [](TypeStore& s) { return s.tuple(std::vector<TypeId>{s.primitive(TypeKind::U8)}); }, 1, 1, 1, 1, "i32", "i32", {0}, {0}, -1, -1, false},
    {"tuple<u8, u16, u32, u64>", [](TypeStore& s) { return s.tuple(std::vector<TypeId>{s.primitive(TypeKind::U8), s.primitive(TypeKind::U16), s.primitive(TypeKind::U32), s.primitive(TypeKind::U64)}); }, 16, 8, 16, 8, "i32 i32 i32 i64", "i32 i32 i32 i64", {0, 2, 4, 8}, {0, 2, 4, 8}, -1, -1, false},
    {"tuple<f32, f64>", [](TypeStore& s) { return s.tuple(std::vector<TypeId>{s.primitive(TypeKind::F32), s.primitive(TypeKind::F64)}); }, 16, 8, 16, 8, "f32 f64", "f32 f64", {0, 8}, {0, 8}, -1, -1, false},
    {"tuple<string, string, string, string, string, string, string, string>", [](TypeStore& s) { return s.tuple(std::vector<TypeId>{s.primitive(TypeKind::String), s.primitive(TypeKind::String), s.primitive(TypeKind::String), s.primitive(TypeKind::String), s.primitive(TypeKind::String), s.primitive(TypeKind::String), s.primitive(TypeKind::String), s.primitive(TypeKind::String)}); }, 64, 4, 128, 8, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64", {0, 8, 16, 24, 32, 40, 48, 56}, {0, 16, 32, 48, 64, 80, 96, 112}, -1, -1, false},
    {"tuple<string, string, string, string, string, string, string, string, string>", [](TypeStore& s) { return s.tuple(std::vector<TypeId>{s.primitive(TypeKind::String), s.primitive(TypeKind::String), s.primitive(TypeKind::String), s.primitive(TypeKind::String), s.primitive(TypeKind::String), s.primitive(TypeKind::String), s.primitive(TypeKind::String), s.primitive(TypeKind::String), s.primitive(TypeKind::String)}); }, 72, 4, 144, 8, "-", "-", {0, 8, 16, 24, 32, 40, 48, 56, 64}, {0, 16, 32, 48, 64, 80, 96, 112, 128}, -1, -1, false},
    {"tuple<s8, s16, s32, s64>", [](TypeStore& s) { return s.tuple(std::vector<TypeId>{s.primitive(TypeKind::S8), s.primitive(TypeKind::S16), s.primitive(TypeKind::S32), s.primitive(TypeKind::S64)}); }, 16, 8, 16, 8, "i32 i32 i32 i64", "i32 i32 i32 i64", {0, 2, 4, 8}, {0, 2, 4, 8}, -1, -1, false},
    {"variant { a, b(u8) }", [](TypeStore& s) { return s.variant({Case{"a", std::nullopt}, Case{"b", s.primitive(TypeKind::U8)}}); }, 2, 1, 2, 1, "i32 i32", "i32 i32", {}, {}, 1, 1, false},
    {"variant { a(f32), b(u32) }", [](TypeStore& s) { return s.variant({Case{"a", s.primitive(TypeKind::F32)}, Case{"b", s.primitive(TypeKind::U32)}}); }, 8, 4, 8, 4, "i32 i32", "i32 i32", {}, {}, 4, 4, false},
    {"variant { a(f32), b(u64) }", [](TypeStore& s) { return s.variant({Case{"a", s.primitive(TypeKind::F32)}, Case{"b", s.primitive(TypeKind::U64)}}); }, 16, 8, 16, 8, "i32 i64", "i32 i64", {}, {}, 8, 8, false},
    {"variant { a(f64), b(f32) }", [](TypeStore& s) { return s.variant({Case{"a", s.primitive(TypeKind::F64)}, Case{"b", s.primitive(TypeKind::F32)}}); }, 16, 8, 16, 8, "i32 i64", "i32 i64", {}, {}, 8, 8, false},
    {"variant { a(string), b(tuple<f32, f32, f32>) }", [](TypeStore& s) { return s.variant({Case{"a", s.primitive(TypeKind::String)}, Case{"b", s.tuple(std::vector<TypeId>{s.primitive(TypeKind::F32), s.primitive(TypeKind::F32), s.primitive(TypeKind::F32)})}}); }, 16, 4, 24, 8, "i32 i32 i32 f32", "i32 i64 i64 f32", {}, {}, 4, 8, false},
    {"variant { a(tuple<u8, f32>), b(tuple<f32, f64>), c }", [](TypeStore& s) { return s.variant({Case{"a", s.tuple(std::vector<TypeId>{s.primitive(TypeKind::U8), s.primitive(TypeKind::F32)})}, Case{"b", s.tuple(std::vector<TypeId>{s.primitive(TypeKind::F32), s.primitive(TypeKind::F64)})}, Case{"c", std::nullopt}}); }, 24, 8, 24, 8, "i32 i32 i64", "i32 i32 i64", {}, {}, 8, 8, false},
    {"variant { only(u16) }", [](TypeStore& s) { return s.variant({Case{"only", s.primitive(TypeKind::U16)}}); }, 4, 2, 4, 2, "i32 i32", "i32 i32", {}, {}, 2, 2, false},
    {"variant { a(list<u8, 15>) }", [](TypeStore& s) { return s.variant({Case{"a", s.fixed_list(s.primitive(TypeKind::U8), 15)}}); }, 16, 1, 16, 1, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", {}, {}, 1, 1, false},
    {"variant { a(list<u8, 16>) }", [](TypeStore& s) { return s.variant({Case{"a", s.fixed_list(s.primitive(TypeKind::U8), 16)}}); }, 17, 1, 17, 1, "-", "-", {}, {}, 1, 1, false},
    {"variant { a(list<u8, 15>), b(u64) }", [](TypeStore& s) { return s.variant({Case{"a", s.fixed_list(s.primitive(TypeKind::U8), 15)}, Case{"b", s.primitive(TypeKind::U64)}}); }, 24, 8, 24, 8, "i32 i64 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "i32 i64 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", {}, {}, 8, 8, false},
    {"variant with 256 cases", [](TypeStore& s) { return s.variant(numbered_cases(256, {{0, s.primitive(TypeKind::U8)}})); }, 2, 1, 2, 1, "i32 i32", "i32 i32", {}, {}, 1, 1, false},
    {"variant with 257 cases", [](TypeStore& s) { return s.variant(numbered_cases(257, {})); }, 2, 2, 2, 2, "i32", "i32", {}, {}, 2, 2, false},
    {"variant with 300 cases", [](TypeStore& s) { return s.variant(numbered_cases(300, {{5, s.primitive(TypeKind::U64)}, {17, s.primitive(TypeKind::String)}, {299, s.primitive(TypeKind::F32)}})); }, 16, 8, 24, 8, "i32 i64 i32", "i32 i64 i64", {}, {}, 8, 8, false},
    {"variant with 65536 cases", [](TypeStore& s) { return s.variant(numbered_cases(65536, {{1, s.primitive(TypeKind::U16)}})); }, 4, 2, 4, 2, "i32 i32", "i32 i32", {}, {}, 2, 2, false},
    {"variant with 65537 cases", [](TypeStore& s) { return s.variant(numbered_cases(65537, {{7, s.primitive(TypeKind::U8)}})); }, 8, 4, 8, 4, "i32 i32", "i32 i32", {}, {}, 4, 4, false},
    {"enum { a, b, c }", [](TypeStore& s) { return s.enumeration({"a", "b", "c"}); }, 1, 1, 1, 1, "i32", "i32", {}, {}, 1, 1, false},
    {"enum with 256 labels", [](TypeStore& s) { return s.enumeration(numbered_labels(256)); }, 1, 1, 1, 1, "i32", "i32", {}, {}, 1, 1, false},
    {"enum with 257 labels", [](TypeStore& s) { return s.enumeration(numbered_labels(257)); }, 2, 2, 2, 2, "i32", "i32", {}, {}, 2, 2, false},
    {"enum with 300 labels", [](TypeStore& s) { return s.enumeration(numbered_labels(300)); }, 2, 2, 2, 2, "i32", "i32", {}, {}, 2, 2, false},
    {"option<u8>", [](TypeStore& s) { return s.option(s.primitive(TypeKind::U8)); }, 2, 1, 2, 1, "i32 i32", "i32 i32", {}, {}, 1, 1, false},
    {"option<string>", [](TypeStore& s) { return s.option(s.primitive(TypeKind::String)); }, 12, 4, 24, 8, "i32 i32 i32", "i32 i64 i64", {}, {}, 4, 8, false},
    {"option<option<u64>>", [](TypeStore& s) { return s.option(s.option(s.primitive(TypeKind::U64))); }, 24, 8, 24, 8, "i32 i32 i64", "i32 i32 i64", {}, {}, 8, 8, false},
    {"option<f64>", [](TypeStore& s) { return s.option(s.primitive(TypeKind::F64)); }, 16, 8, 16, 8, "i32 f64", "i32 f64", {}, {}, 8, 8, false},
    {"option<list<f32, 15>>", [](TypeStore& s) { return s.option(s.fixed_list(s.primitive(TypeKind::F32), 15)); }, 64, 4, 64, 4, "i32 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32", "i32 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32", {}, {}, 4, 4, false},
    {"option<list<f32, 16>>", [](TypeStore& s) { return s.option(s.fixed_list(s.primitive(TypeKind::F32), 16)); }, 68, 4, 68, 4, "-", "-", {}, {}, 4, 4, false},
    {"result", [](TypeStore& s) { return s.result(std::nullopt, std::nullopt); }, 1, 1, 1, 1, "i32", "i32", {}, {}, 1, 1, false},
    {"result<u32>", [](TypeStore& s) { return s.result(s.primitive(TypeKind::U32), std::nullopt); }, 8, 4, 8, 4, "i32 i32", "i32 i32", {}, {}, 4, 4, false},
    {"result<_, string>", [](TypeStore& s) { return s.result(std::nullopt, s.primitive(TypeKind::String)); }, 12, 4, 24, 8, "i32 i32 i32", "i32 i64 i64", {}, {}, 4, 8, false},
    {"result<string, u8>", [](TypeStore& s) { return s.result(s.primitive(TypeKind::String), s.primitive(TypeKind::U8)); }, 12, 4, 24, 8, "i32 i32 i32", "i32 i64 i64", {}, {}, 4, 8, false},
    {"result<f64, f32>", [](TypeStore& s) { return s.result(s.primitive(TypeKind::F64), s.primitive(TypeKind::F32)); }, 16, 8, 16, 8, "i32 i64", "i32 i64", {}, {}, 8, 8, false},
    {"result<list<u8, 16>>", [](TypeStore& s) { return s.result(s.fixed_list(s.primitive(TypeKind::U8), 16), std::nullopt); }, 17, 1, 17, 1, "-", "-", {}, {}, 1, 1, false},
    {"result<u64, f32>", [](TypeStore& s) { return s.result(s.primitive(TypeKind::U64), s.primitive(TypeKind::F32)); }, 16, 8, 16, 8, "i32 i64", "i32 i64", {}, {}, 8, 8, false},
    {"result<tuple<u8, u8>, f64>", [](TypeStore& s) { return s.result(s.tuple(std::vector<TypeId>{s.primitive(TypeKind::U8), s.primitive(TypeKind::U8)}), s.primitive(TypeKind::F64)); }, 16, 8, 16, 8, "i32 i64 i32", "i32 i64 i32", {}, {}, 8, 8, false},
    {"flags with 1 labels", [](TypeStore& s) { return s.flags(numbered_labels(1)); }, 1, 1, 1, 1, "i32", "i32", {}, {}, -1, -1, false},
    {"flags with 8 labels", [](TypeStore& s) { return s.flags(numbered_labels(8)); }, 1, 1, 1, 1, "i32", "i32", {}, {}, -1, -1, false},
    {"flags with 9 labels", [](TypeStore& s) { return s.flags(numbered_labels(9)); }, 2, 2, 2, 2, "i32", "i32", {}, {}, -1, -1, false},
    {"flags with 16 labels", [](TypeStore& s) { return s.flags(numbered_labels(16)); }, 2, 2, 2, 2, "i32", "i32", {}, {}, -1, -1, false},
    {"flags with 17 labels", [](TypeStore& s) { return s.flags(numbered_labels(17)); }, 4, 4, 4, 4, "i32", "i32", {}, {}, -1, -1, false},
    {"flags with 32 labels", [](TypeStore& s) { return s.flags(numbered_labels(32)); }, 4, 4, 4, 4, "i32", "i32", {}, {}, -1, -1, false},
    {"record { h: own<r2>, b: borrow<r3>, e: error-context }", [](TypeStore& s) { return s.record({Field{"h", s.own(2)}, Field{"b", s.borrow(3)}, Field{"e", s.primitive(TypeKind::ErrorContext)}}); }, 12, 4, 12, 4, "i32 i32 i32", "i32 i32 i32", {0, 4, 8}, {0, 4, 8}, -1, -1, true},
    {"option<list<record { a: result<tuple<u8, option<f32>>, string>, b: variant { x(u16), y(list<u8, 2>) } }>>", [](TypeStore& s) { return s.option(s.list(s.record({Field{"a", s.result(s.tuple(std::vector<TypeId>{s.primitive(TypeKind::U8), s.option(s.primitive(TypeKind::F32))}), s.primitive(TypeKind::String))}, Field{"b", s.variant({Case{"x", s.primitive(TypeKind::U16)}, Case{"y", s.fixed_list(s.primitive(TypeKind::U8), 2)}})}}))); }, 12, 4, 24, 8, "i32 i32 i32", "i32 i64 i64", {}, {}, 4, 8, false},
    {"record { outer: record { mid: tuple<option<result<variant { p(f64), q(s8) }, u32>>, u8> } }", [](TypeStore& s) { return s.record({Field{"outer", s.record({Field{"mid", s.tuple(std::vector<TypeId>{s.option(s.result(s.variant({Case{"p", s.primitive(TypeKind::F64)}, Case{"q", s.primitive(TypeKind::S8)}}), s.primitive(TypeKind::U32))), s.primitive(TypeKind::U8)})}})}}); }, 40, 8, 40, 8, "i32 i32 i32 i64 i32", "i32 i32 i32 i64 i32", {0}, {0}, -1, -1, false},
    {"list<list<list<list<list<u16, 2>, 2>, 2>, 2>, 2>", [](TypeStore& s) { return s.fixed_list(s.fixed_list(s.fixed_list(s.fixed_list(s.fixed_list(s.primitive(TypeKind::U16), 2), 2), 2), 2), 2); }, 64, 2, 64, 2, "-", "-", {0, 32}, {0, 32}, -1, -1, false},
    {"list<list<list<list<list<u32, 1>, 1>, 1>, 1>, 1>", [](TypeStore& s) { return s.fixed_list(s.fixed_list(s.fixed_list(s.fixed_list(s.fixed_list(s.primitive(TypeKind::U32), 1), 1), 1), 1), 1); }, 4, 4, 4, 4, "i32", "i32", {0}, {0}, -1, -1, false},
    {"option<option<option<option<option<option<f32>>>>>>", [](TypeStore& s) { return s.option(s.option(s.option(s.option(s.option(s.option(s.primitive(TypeKind::F32))))))); }, 28, 4, 28, 4, "i32 i32 i32 i32 i32 i32 f32", "i32 i32 i32 i32 i32 i32 f32", {}, {}, 4, 4, false},
    {"result<option<variant { a(record { x: list<tuple<u8, f64>, 2>, y: char }), b }>, list<option<string>, 3>>", [](TypeStore& s) { return s.result(s.option(s.variant({Case{"a", s.record({Field{"x", s.fixed_list(s.tuple(std::vector<TypeId>{s.primitive(TypeKind::U8), s.primitive(TypeKind::F64)}), 2)}, Field{"y", s.primitive(TypeKind::Char)}})}, Case{"b", std::nullopt}})), s.fixed_list(s.option(s.primitive(TypeKind::String)), 3)); }, 64, 8, 80, 8, "i32 i32 i32 i32 i64 i32 i64 i32 i32 i32", "i32 i32 i64 i64 i64 i64 i64 i32 i64 i64", {}, {}, 8, 8, false},
    {"tuple<record { a: tuple<variant { v(option<result<u8, s64>>) }, u8> }, f32>", [](TypeStore& s) { return s.tuple(std::vector<TypeId>{s.record({Field{"a", s.tuple(std::vector<TypeId>{s.variant({Case{"v", s.option(s.result(s.primitive(TypeKind::U8), s.primitive(TypeKind::S64)))}}), s.primitive(TypeKind::U8)})}}), s.primitive(TypeKind::F32)}); }, 48, 8, 48, 8, "i32 i32 i32 i64 i32 f32", "i32 i32 i32 i64 i32 f32", {0, 40}, {0, 40}, -1, -1, false},
    {"variant { deep(record { r: tuple<option<list<result<f32, f64>, 2>>, u16> }), shallow(f32) }", [](TypeStore& s) { return s.variant({Case{"deep", s.record({Field{"r", s.tuple(std::vector<TypeId>{s.option(s.fixed_list(s.result(s.primitive(TypeKind::F32), s.primitive(TypeKind::F64)), 2)), s.primitive(TypeKind::U16)})}})}, Case{"shallow", s.primitive(TypeKind::F32)}}); }, 56, 8, 56, 8, "i32 i32 i32 i64 i32 i64 i32", "i32 i32 i32 i64 i32 i64 i32", {}, {}, 8, 8, false},
    {"list<variant { a(record { b: option<tuple<u64, u8>> }) }, 3>", [](TypeStore& s) { return s.fixed_list(s.variant({Case{"a", s.record({Field{"b", s.option(s.tuple(std::vector<TypeId>{s.primitive(TypeKind::U64), s.primitive(TypeKind::U8)}))}})}}), 3); }, 96, 8, 96, 8, "i32 i32 i64 i32 i32 i32 i64 i32 i32 i32 i64 i32", "i32 i32 i64 i32 i32 i32 i64 i32 i32 i32 i64 i32", {0, 32, 64}, {0, 32, 64}, -1, -1, false},
    {"record { m: option<map<string, list<option<result<u8>>, 2>>>, n: u8 }", [](TypeStore& s) { return s.record({Field{"m", s.option(s.map(s.primitive(TypeKind::String), s.fixed_list(s.option(s.result(s.primitive(TypeKind::U8), std::nullopt)), 2)))}, Field{"n", s.primitive(TypeKind::U8)}}); }, 16, 4, 32, 8, "i32 i32 i32 i32", "i32 i64 i64 i32", {0, 12}, {0, 24}, -1, -1, false},
};

bool has_members(TypeKind kind) {
  return kind == TypeKind::Record || kind == TypeKind::Tuple || kind == TypeKind::FixedList ||
         kind == TypeKind::Map;
}

bool is_variant_family(TypeKind kind) {
  return kind == TypeKind::Variant || kind == TypeKind::Enum || kind == TypeKind::Option ||
         kind == TypeKind::Result;
}

TEST(TypeLayout, MatchesReferenceImplementation) {
  TypeStore store;
  for (const LayoutExpectation& e : kLayouts) {
    SCOPED_TRACE(e.name);
    const TypeId id = e.build(store);
    const TypeNode& node = store.get(id);
    EXPECT_EQ(node.abi32.size, e.size32);
    EXPECT_EQ(node.abi32.align, e.align32);
    EXPECT_EQ(node.abi64.size, e.size64);
    EXPECT_EQ(node.abi64.align, e.align64);
    EXPECT_EQ(flat_text(node.abi32.flat), e.flat32);
    EXPECT_EQ(flat_text(node.abi64.flat), e.flat64);
    EXPECT_EQ(node.contains_borrow, e.contains_borrow);
    if (has_members(node.kind)) {
      EXPECT_EQ(member_offsets(store, id, false), e.offsets32);
      EXPECT_EQ(member_offsets(store, id, true), e.offsets64);
    } else {
      EXPECT_TRUE(e.offsets32.empty());
    }
    if (is_variant_family(node.kind)) {
      const VariantLayout v32 = variant_layout(store, id, false);
      const VariantLayout v64 = variant_layout(store, id, true);
      EXPECT_EQ(static_cast<int>(v32.payload_offset), e.payload32);
      EXPECT_EQ(static_cast<int>(v64.payload_offset), e.payload64);
      EXPECT_EQ(v32.size, e.size32);
      EXPECT_EQ(v64.align, e.align64);
      EXPECT_EQ(v32.discriminant_size, discriminant_size(node.cases.size()));
    } else {
      EXPECT_EQ(e.payload32, -1);
    }
    if (std::string(e.name).find(" with ") == std::string::npos) {
      EXPECT_EQ(to_string(store, id), e.name);
    }
    // Building the same structure again interns to the same id.
    EXPECT_EQ(e.build(store), id);
  }
}

struct SignatureExpectation {
  const char* name;
  std::function<FuncTypeId(TypeStore&)> build;
  SignatureOptions options;
  SignatureContext context;
  const char* params;
  const char* results;
  bool params_indirect;
  bool results_indirect;
};

const SignatureExpectation kSignatures[] = {
    {"func()", [](TypeStore& s) { return s.func(FuncType{false, {}, std::nullopt}); }, {false, false, false}, SignatureContext::Lift, "", "", false, false},
    {"func()", [](TypeStore& s) { return s.func(FuncType{false, {}, std::nullopt}); }, {false, false, false}, SignatureContext::Lower, "", "", false, false},
    {"func()", [](TypeStore& s) { return s.func(FuncType{false, {}, std::nullopt}); }, {false, true, false}, SignatureContext::Lift, "", "", false, false},
    {"func()", [](TypeStore& s) { return s.func(FuncType{false, {}, std::nullopt}); }, {false, true, true}, SignatureContext::Lift, "", "i32", false, false},
    {"func()", [](TypeStore& s) { return s.func(FuncType{false, {}, std::nullopt}); }, {false, true, false}, SignatureContext::Lower, "", "i32", false, false},
    {"func()", [](TypeStore& s) { return s.func(FuncType{false, {}, std::nullopt}); }, {true, false, false}, SignatureContext::Lift, "", "", false, false},
    {"func()", [](TypeStore& s) { return s.func(FuncType{false, {}, std::nullopt}); }, {true, false, false}, SignatureContext::Lower, "", "", false, false},
    {"func()", [](TypeStore& s) { return s.func(FuncType{false, {}, std::nullopt}); }, {true, true, false}, SignatureContext::Lift, "", "", false, false},
    {"func()", [](TypeStore& s) { return s.func(FuncType{false, {}, std::nullopt}); }, {true, true, true}, SignatureContext::Lift, "", "i32", false, false},
    {"func()", [](TypeStore& s) { return s.func(FuncType{false, {}, std::nullopt}); }, {true, true, false}, SignatureContext::Lower, "", "i32", false, false},
    {"func(a: u32) -> u32", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::U32)}); }, {false, false, false}, SignatureContext::Lift, "i32", "i32", false, false},
    {"func(a: u32) -> u32", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::U32)}); }, {false, false, false}, SignatureContext::Lower, "i32", "i32", false, false},
    {"func(a: u32) -> u32", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::U32)}); }, {false, true, false}, SignatureContext::Lift, "i32", "", false, false},
    {"func(a: u32) -> u32", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::U32)}); }, {false, true, true}, SignatureContext::Lift, "i32", "i32", false, false},
    {"func(a: u32) -> u32", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::U32)}); }, {false, true, false}, SignatureContext::Lower, "i32 i32", "i32", false, true},
    {"func(a: u32) -> u32", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::U32)}); }, {true, false, false}, SignatureContext::Lift, "i32", "i32", false, false},
    {"func(a: u32) -> u32", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::U32)}); }, {true, false, false}, SignatureContext::Lower, "i32", "i32", false, false},
    {"func(a: u32) -> u32", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::U32)}); }, {true, true, false}, SignatureContext::Lift, "i32", "", false, false},
    {"func(a: u32) -> u32", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::U32)}); }, {true, true, true}, SignatureContext::Lift, "i32", "i32", false, false},
    {"func(a: u32) -> u32", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::U32)}); }, {true, true, false}, SignatureContext::Lower, "i32 i64", "i32", false, true},
    {"func(s: string) -> string", [](TypeStore& s) { return s.func(FuncType{false, {Param{"s", s.primitive(TypeKind::String)}}, s.primitive(TypeKind::String)}); }, {false, false, false}, SignatureContext::Lift, "i32 i32", "i32", false, true},
    {"func(s: string) -> string", [](TypeStore& s) { return s.func(FuncType{false, {Param{"s", s.primitive(TypeKind::String)}}, s.primitive(TypeKind::String)}); }, {false, false, false}, SignatureContext::Lower, "i32 i32 i32", "", false, true},
    {"func(s: string) -> string", [](TypeStore& s) { return s.func(FuncType{false, {Param{"s", s.primitive(TypeKind::String)}}, s.primitive(TypeKind::String)}); }, {false, true, false}, SignatureContext::Lift, "i32 i32", "", false, false},
    {"func(s: string) -> string", [](TypeStore& s) { return s.func(FuncType{false, {Param{"s", s.primitive(TypeKind::String)}}, s.primitive(TypeKind::String)}); }, {false, true, true}, SignatureContext::Lift, "i32 i32", "i32", false, false},
    {"func(s: string) -> string", [](TypeStore& s) { return s.func(FuncType{false, {Param{"s", s.primitive(TypeKind::String)}}, s.primitive(TypeKind::String)}); }, {false, true, false}, SignatureContext::Lower, "i32 i32 i32", "i32", false, true},
    {"func(s: string) -> string", [](TypeStore& s) { return s.func(FuncType{false, {Param{"s", s.primitive(TypeKind::String)}}, s.primitive(TypeKind::String)}); }, {true, false, false}, SignatureContext::Lift, "i64 i64", "i64", false, true},
    {"func(s: string) -> string", [](TypeStore& s) { return s.func(FuncType{false, {Param{"s", s.primitive(TypeKind::String)}}, s.primitive(TypeKind::String)}); }, {true, false, false}, SignatureContext::Lower, "i64 i64 i64", "", false, true},
    {"func(s: string) -> string", [](TypeStore& s) { return s.func(FuncType{false, {Param{"s", s.primitive(TypeKind::String)}}, s.primitive(TypeKind::String)}); }, {true, true, false}, SignatureContext::Lift, "i64 i64", "", false, false},
    {"func(s: string) -> string", [](TypeStore& s) { return s.func(FuncType{false, {Param{"s", s.primitive(TypeKind::String)}}, s.primitive(TypeKind::String)}); }, {true, true, true}, SignatureContext::Lift, "i64 i64", "i32", false, false},
    {"func(s: string) -> string", [](TypeStore& s) { return s.func(FuncType{false, {Param{"s", s.primitive(TypeKind::String)}}, s.primitive(TypeKind::String)}); }, {true, true, false}, SignatureContext::Lower, "i64 i64 i64", "i32", false, true},
    {"func(p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32, p8: u32, p9: u32, p10: u32, p11: u32, p12: u32, p13: u32, p14: u32, p15: u32) -> u64", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U32)}, Param{"p1", s.primitive(TypeKind::U32)}, Param{"p2", s.primitive(TypeKind::U32)}, Param{"p3", s.primitive(TypeKind::U32)}, Param{"p4", s.primitive(TypeKind::U32)}, Param{"p5", s.primitive(TypeKind::U32)}, Param{"p6", s.primitive(TypeKind::U32)}, Param{"p7", s.primitive(TypeKind::U32)}, Param{"p8", s.primitive(TypeKind::U32)}, Param{"p9", s.primitive(TypeKind::U32)}, Param{"p10", s.primitive(TypeKind::U32)}, Param{"p11", s.primitive(TypeKind::U32)}, Param{"p12", s.primitive(TypeKind::U32)}, Param{"p13", s.primitive(TypeKind::U32)}, Param{"p14", s.primitive(TypeKind::U32)}, Param{"p15", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::U64)}); }, {false, false, false}, SignatureContext::Lift, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "i64", false, false},
    {"func(p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32, p8: u32, p9: u32, p10: u32, p11: u32, p12: u32, p13: u32, p14: u32, p15: u32) -> u64", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U32)}, Param{"p1", s.primitive(TypeKind::U32)}, Param{"p2", s.primitive(TypeKind::U32)}, Param{"p3", s.primitive(TypeKind::U32)}, Param{"p4", s.primitive(TypeKind::U32)}, Param{"p5", s.primitive(TypeKind::U32)}, Param{"p6", s.primitive(TypeKind::U32)}, Param{"p7", s.primitive(TypeKind::U32)}, Param{"p8", s.primitive(TypeKind::U32)}, Param{"p9", s.primitive(TypeKind::U32)}, Param{"p10", s.primitive(TypeKind::U32)}, Param{"p11", s.primitive(TypeKind::U32)}, Param{"p12", s.primitive(TypeKind::U32)}, Param{"p13", s.primitive(TypeKind::U32)}, Param{"p14", s.primitive(TypeKind::U32)}, Param{"p15", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::U64)}); }, {false, false, false}, SignatureContext::Lower, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "i64", false, false},
    {"func(p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32, p8: u32, p9: u32, p10: u32, p11: u32, p12: u32, p13: u32, p14: u32, p15: u32) -> u64", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U32)}, Param{"p1", s.primitive(TypeKind::U32)}, Param{"p2", s.primitive(TypeKind::U32)}, Param{"p3", s.primitive(TypeKind::U32)}, Param{"p4", s.primitive(TypeKind::U32)}, Param{"p5", s.primitive(TypeKind::U32)}, Param{"p6", s.primitive(TypeKind::U32)}, Param{"p7", s.primitive(TypeKind::U32)}, Param{"p8", s.primitive(TypeKind::U32)}, Param{"p9", s.primitive(TypeKind::U32)}, Param{"p10", s.primitive(TypeKind::U32)}, Param{"p11", s.primitive(TypeKind::U32)}, Param{"p12", s.primitive(TypeKind::U32)}, Param{"p13", s.primitive(TypeKind::U32)}, Param{"p14", s.primitive(TypeKind::U32)}, Param{"p15", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::U64)}); }, {false, true, false}, SignatureContext::Lift, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "", false, false},
    {"func(p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32, p8: u32, p9: u32, p10: u32, p11: u32, p12: u32, p13: u32, p14: u32, p15: u32) -> u64", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U32)}, Param{"p1", s.primitive(TypeKind::U32)}, Param{"p2", s.primitive(TypeKind::U32)}, Param{"p3", s.primitive(TypeKind::U32)}, Param{"p4", s.primitive(TypeKind::U32)}, Param{"p5", s.primitive(TypeKind::U32)}, Param{"p6", s.primitive(TypeKind::U32)}, Param{"p7", s.primitive(TypeKind::U32)}, Param{"p8", s.primitive(TypeKind::U32)}, Param{"p9", s.primitive(TypeKind::U32)}, Param{"p10", s.primitive(TypeKind::U32)}, Param{"p11", s.primitive(TypeKind::U32)}, Param{"p12", s.primitive(TypeKind::U32)}, Param{"p13", s.primitive(TypeKind::U32)}, Param{"p14", s.primitive(TypeKind::U32)}, Param{"p15", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::U64)}); }, {false, true, true}, SignatureContext::Lift, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "i32", false, false},
    {"func(p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32, p8: u32, p9: u32, p10: u32, p11: u32, p12: u32, p13: u32, p14: u32, p15: u32) -> u64", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U32)}, Param{"p1", s.primitive(TypeKind::U32)}, Param{"p2", s.primitive(TypeKind::U32)}, Param{"p3", s.primitive(TypeKind::U32)}, Param{"p4", s.primitive(TypeKind::U32)}, Param{"p5", s.primitive(TypeKind::U32)}, Param{"p6", s.primitive(TypeKind::U32)}, Param{"p7", s.primitive(TypeKind::U32)}, Param{"p8", s.primitive(TypeKind::U32)}, Param{"p9", s.primitive(TypeKind::U32)}, Param{"p10", s.primitive(TypeKind::U32)}, Param{"p11", s.primitive(TypeKind::U32)}, Param{"p12", s.primitive(TypeKind::U32)}, Param{"p13", s.primitive(TypeKind::U32)}, Param{"p14", s.primitive(TypeKind::U32)}, Param{"p15", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::U64)}); }, {false, true, false}, SignatureContext::Lower, "i32 i32", "i32", true, true},
    {"func(p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32, p8: u32, p9: u32, p10: u32, p11: u32, p12: u32, p13: u32, p14: u32, p15: u32) -> u64", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U32)}, Param{"p1", s.primitive(TypeKind::U32)}, Param{"p2", s.primitive(TypeKind::U32)}, Param{"p3", s.primitive(TypeKind::U32)}, Param{"p4", s.primitive(TypeKind::U32)}, Param{"p5", s.primitive(TypeKind::U32)}, Param{"p6", s.primitive(TypeKind::U32)}, Param{"p7", s.primitive(TypeKind::U32)}, Param{"p8", s.primitive(TypeKind::U32)}, Param{"p9", s.primitive(TypeKind::U32)}, Param{"p10", s.primitive(TypeKind::U32)}, Param{"p11", s.primitive(TypeKind::U32)}, Param{"p12", s.primitive(TypeKind::U32)}, Param{"p13", s.primitive(TypeKind::U32)}, Param{"p14", s.primitive(TypeKind::U32)}, Param{"p15", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::U64)}); }, {true, false, false}, SignatureContext::Lift, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "i64", false, false},
    {"func(p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32, p8: u32, p9: u32, p10: u32, p11: u32, p12: u32, p13: u32, p14: u32, p15: u32) -> u64", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U32)}, Param{"p1", s.primitive(TypeKind::U32)}, Param{"p2", s.primitive(TypeKind::U32)}, Param{"p3", s.primitive(TypeKind::U32)}, Param{"p4", s.primitive(TypeKind::U32)}, Param{"p5", s.primitive(TypeKind::U32)}, Param{"p6", s.primitive(TypeKind::U32)}, Param{"p7", s.primitive(TypeKind::U32)}, Param{"p8", s.primitive(TypeKind::U32)}, Param{"p9", s.primitive(TypeKind::U32)}, Param{"p10", s.primitive(TypeKind::U32)}, Param{"p11", s.primitive(TypeKind::U32)}, Param{"p12", s.primitive(TypeKind::U32)}, Param{"p13", s.primitive(TypeKind::U32)}, Param{"p14", s.primitive(TypeKind::U32)}, Param{"p15", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::U64)}); }, {true, false, false}, SignatureContext::Lower, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "i64", false, false},
    {"func(p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32, p8: u32, p9: u32, p10: u32, p11: u32, p12: u32, p13: u32, p14: u32, p15: u32) -> u64", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U32)}, Param{"p1", s.primitive(TypeKind::U32)}, Param{"p2", s.primitive(TypeKind::U32)}, Param{"p3", s.primitive(TypeKind::U32)}, Param{"p4", s.primitive(TypeKind::U32)}, Param{"p5", s.primitive(TypeKind::U32)}, Param{"p6", s.primitive(TypeKind::U32)}, Param{"p7", s.primitive(TypeKind::U32)}, Param{"p8", s.primitive(TypeKind::U32)}, Param{"p9", s.primitive(TypeKind::U32)}, Param{"p10", s.primitive(TypeKind::U32)}, Param{"p11", s.primitive(TypeKind::U32)}, Param{"p12", s.primitive(TypeKind::U32)}, Param{"p13", s.primitive(TypeKind::U32)}, Param{"p14", s.primitive(TypeKind::U32)}, Param{"p15", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::U64)}); }, {true, true, false}, SignatureContext::Lift, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "", false, false},
    {"func(p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32, p8: u32, p9: u32, p10: u32, p11: u32, p12: u32, p13: u32, p14: u32, p15: u32) -> u64", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U32)}, Param{"p1", s.primitive(TypeKind::U32)}, Param{"p2", s.primitive(TypeKind::U32)}, Param{"p3", s.primitive(TypeKind::U32)}, Param{"p4", s.primitive(TypeKind::U32)}, Param{"p5", s.primitive(TypeKind::U32)}, Param{"p6", s.primitive(TypeKind::U32)}, Param{"p7", s.primitive(TypeKind::U32)}, Param{"p8", s.primitive(TypeKind::U32)}, Param{"p9", s.primitive(TypeKind::U32)}, Param{"p10", s.primitive(TypeKind::U32)}, Param{"p11", s.primitive(TypeKind::U32)}, Param{"p12", s.primitive(TypeKind::U32)}, Param{"p13", s.primitive(TypeKind::U32)}, Param{"p14", s.primitive(TypeKind::U32)}, Param{"p15", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::U64)}); }, {true, true, true}, SignatureContext::Lift, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "i32", false, false},
    {"func(p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32, p8: u32, p9: u32, p10: u32, p11: u32, p12: u32, p13: u32, p14: u32, p15: u32) -> u64", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U32)}, Param{"p1", s.primitive(TypeKind::U32)}, Param{"p2", s.primitive(TypeKind::U32)}, Param{"p3", s.primitive(TypeKind::U32)}, Param{"p4", s.primitive(TypeKind::U32)}, Param{"p5", s.primitive(TypeKind::U32)}, Param{"p6", s.primitive(TypeKind::U32)}, Param{"p7", s.primitive(TypeKind::U32)}, Param{"p8", s.primitive(TypeKind::U32)}, Param{"p9", s.primitive(TypeKind::U32)}, Param{"p10", s.primitive(TypeKind::U32)}, Param{"p11", s.primitive(TypeKind::U32)}, Param{"p12", s.primitive(TypeKind::U32)}, Param{"p13", s.primitive(TypeKind::U32)}, Param{"p14", s.primitive(TypeKind::U32)}, Param{"p15", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::U64)}); }, {true, true, false}, SignatureContext::Lower, "i64 i64", "i32", true, true},
    {"func(p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32, p8: u32, p9: u32, p10: u32, p11: u32, p12: u32, p13: u32, p14: u32, p15: u32, p16: u32) -> f32", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U32)}, Param{"p1", s.primitive(TypeKind::U32)}, Param{"p2", s.primitive(TypeKind::U32)}, Param{"p3", s.primitive(TypeKind::U32)}, Param{"p4", s.primitive(TypeKind::U32)}, Param{"p5", s.primitive(TypeKind::U32)}, Param{"p6", s.primitive(TypeKind::U32)}, Param{"p7", s.primitive(TypeKind::U32)}, Param{"p8", s.primitive(TypeKind::U32)}, Param{"p9", s.primitive(TypeKind::U32)}, Param{"p10", s.primitive(TypeKind::U32)}, Param{"p11", s.primitive(TypeKind::U32)}, Param{"p12", s.primitive(TypeKind::U32)}, Param{"p13", s.primitive(TypeKind::U32)}, Param{"p14", s.primitive(TypeKind::U32)}, Param{"p15", s.primitive(TypeKind::U32)}, Param{"p16", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::F32)}); }, {false, false, false}, SignatureContext::Lift, "i32", "f32", true, false},
    {"func(p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32, p8: u32, p9: u32, p10: u32, p11: u32, p12: u32, p13: u32, p14: u32, p15: u32, p16: u32) -> f32", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U32)}, Param{"p1", s.primitive(TypeKind::U32)}, Param{"p2", s.primitive(TypeKind::U32)}, Param{"p3", s.primitive(TypeKind::U32)}, Param{"p4", s.primitive(TypeKind::U32)}, Param{"p5", s.primitive(TypeKind::U32)}, Param{"p6", s.primitive(TypeKind::U32)}, Param{"p7", s.primitive(TypeKind::U32)}, Param{"p8", s.primitive(TypeKind::U32)}, Param{"p9", s.primitive(TypeKind::U32)}, Param{"p10", s.primitive(TypeKind::U32)}, Param{"p11", s.primitive(TypeKind::U32)}, Param{"p12", s.primitive(TypeKind::U32)}, Param{"p13", s.primitive(TypeKind::U32)}, Param{"p14", s.primitive(TypeKind::U32)}, Param{"p15", s.primitive(TypeKind::U32)}, Param{"p16", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::F32)}); }, {false, false, false}, SignatureContext::Lower, "i32", "f32", true, false},
    {"func(p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32, p8: u32, p9: u32, p10: u32, p11: u32, p12: u32, p13: u32, p14: u32, p15: u32, p16: u32) -> f32", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U32)}, Param{"p1", s.primitive(TypeKind::U32)}, Param{"p2", s.primitive(TypeKind::U32)}, Param{"p3", s.primitive(TypeKind::U32)}, Param{"p4", s.primitive(TypeKind::U32)}, Param{"p5", s.primitive(TypeKind::U32)}, Param{"p6", s.primitive(TypeKind::U32)}, Param{"p7", s.primitive(TypeKind::U32)}, Param{"p8", s.primitive(TypeKind::U32)}, Param{"p9", s.primitive(TypeKind::U32)}, Param{"p10", s.primitive(TypeKind::U32)}, Param{"p11", s.primitive(TypeKind::U32)}, Param{"p12", s.primitive(TypeKind::U32)}, Param{"p13", s.primitive(TypeKind::U32)}, Param{"p14", s.primitive(TypeKind::U32)}, Param{"p15", s.primitive(TypeKind::U32)}, Param{"p16", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::F32)}); }, {false, true, false}, SignatureContext::Lift, "i32", "", true, false},
    {"func(p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32, p8: u32, p9: u32, p10: u32, p11: u32, p12: u32, p13: u32, p14: u32, p15: u32, p16: u32) -> f32", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U32)}, Param{"p1", s.primitive(TypeKind::U32)}, Param{"p2", s.primitive(TypeKind::U32)}, Param{"p3", s.primitive(TypeKind::U32)}, Param{"p4", s.primitive(TypeKind::U32)}, Param{"p5", s.primitive(TypeKind::U32)}, Param{"p6", s.primitive(TypeKind::U32)}, Param{"p7", s.primitive(TypeKind::U32)}, Param{"p8", s.primitive(TypeKind::U32)}, Param{"p9", s.primitive(TypeKind::U32)}, Param{"p10", s.primitive(TypeKind::U32)}, Param{"p11", s.primitive(TypeKind::U32)}, Param{"p12", s.primitive(TypeKind::U32)}, Param{"p13", s.primitive(TypeKind::U32)}, Param{"p14", s.primitive(TypeKind::U32)}, Param{"p15", s.primitive(TypeKind::U32)}, Param{"p16", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::F32)}); }, {false, true, true}, SignatureContext::Lift, "i32", "i32", true, false},
    {"func(p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32, p8: u32, p9: u32, p10: u32, p11: u32, p12: u32, p13: u32, p14: u32, p15: u32, p16: u32) -> f32", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U32)}, Param{"p1", s.primitive(TypeKind::U32)}, Param{"p2", s.primitive(TypeKind::U32)}, Param{"p3", s.primitive(TypeKind::U32)}, Param{"p4", s.primitive(TypeKind::U32)}, Param{"p5", s.primitive(TypeKind::U32)}, Param{"p6", s.primitive(TypeKind::U32)}, Param{"p7", s.primitive(TypeKind::U32)}, Param{"p8", s.primitive(TypeKind::U32)}, Param{"p9", s.primitive(TypeKind::U32)}, Param{"p10", s.primitive(TypeKind::U32)}, Param{"p11", s.primitive(TypeKind::U32)}, Param{"p12", s.primitive(TypeKind::U32)}, Param{"p13", s.primitive(TypeKind::U32)}, Param{"p14", s.primitive(TypeKind::U32)}, Param{"p15", s.primitive(TypeKind::U32)}, Param{"p16", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::F32)}); }, {false, true, false}, SignatureContext::Lower, "i32 i32", "i32", true, true},
    {"func(p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32, p8: u32, p9: u32, p10: u32, p11: u32, p12: u32, p13: u32, p14: u32, p15: u32, p16: u32) -> f32", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U32)}, Param{"p1", s.primitive(TypeKind::U32)}, Param{"p2", s.primitive(TypeKind::U32)}, Param{"p3", s.primitive(TypeKind::U32)}, Param{"p4", s.primitive(TypeKind::U32)}, Param{"p5", s.primitive(TypeKind::U32)}, Param{"p6", s.primitive(TypeKind::U32)}, Param{"p7", s.primitive(TypeKind::U32)}, Param{"p8", s.primitive(TypeKind::U32)}, Param{"p9", s.primitive(TypeKind::U32)}, Param{"p10", s.primitive(TypeKind::U32)}, Param{"p11", s.primitive(TypeKind::U32)}, Param{"p12", s.primitive(TypeKind::U32)}, Param{"p13", s.primitive(TypeKind::U32)}, Param{"p14", s.primitive(TypeKind::U32)}, Param{"p15", s.primitive(TypeKind::U32)}, Param{"p16", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::F32)}); }, {true, false, false}, SignatureContext::Lift, "i64", "f32", true, false},
    {"func(p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32, p8: u32, p9: u32, p10: u32, p11: u32, p12: u32, p13: u32, p14: u32, p15: u32, p16: u32) -> f32", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U32)}, Param{"p1", s.primitive(TypeKind::U32)}, Param{"p2", s.primitive(TypeKind::U32)}, Param{"p3", s.primitive(TypeKind::U32)}, Param{"p4", s.primitive(TypeKind::U32)}, Param{"p5", s.primitive(TypeKind::U32)}, Param{"p6", s.primitive(TypeKind::U32)}, Param{"p7", s.primitive(TypeKind::U32)}, Param{"p8", s.primitive(TypeKind::U32)}, Param{"p9", s.primitive(TypeKind::U32)}, Param{"p10", s.primitive(TypeKind::U32)}, Param{"p11", s.primitive(TypeKind::U32)}, Param{"p12", s.primitive(TypeKind::U32)}, Param{"p13", s.primitive(TypeKind::U32)}, Param{"p14", s.primitive(TypeKind::U32)}, Param{"p15", s.primitive(TypeKind::U32)}, Param{"p16", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::F32)}); }, {true, false, false}, SignatureContext::Lower, "i64", "f32", true, false},
    {"func(p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32, p8: u32, p9: u32, p10: u32, p11: u32, p12: u32, p13: u32, p14: u32, p15: u32, p16: u32) -> f32", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U32)}, Param{"p1", s.primitive(TypeKind::U32)}, Param{"p2", s.primitive(TypeKind::U32)}, Param{"p3", s.primitive(TypeKind::U32)}, Param{"p4", s.primitive(TypeKind::U32)}, Param{"p5", s.primitive(TypeKind::U32)}, Param{"p6", s.primitive(TypeKind::U32)}, Param{"p7", s.primitive(TypeKind::U32)}, Param{"p8", s.primitive(TypeKind::U32)}, Param{"p9", s.primitive(TypeKind::U32)}, Param{"p10", s.primitive(TypeKind::U32)}, Param{"p11", s.primitive(TypeKind::U32)}, Param{"p12", s.primitive(TypeKind::U32)}, Param{"p13", s.primitive(TypeKind::U32)}, Param{"p14", s.primitive(TypeKind::U32)}, Param{"p15", s.primitive(TypeKind::U32)}, Param{"p16", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::F32)}); }, {true, true, false}, SignatureContext::Lift, "i64", "", true, false},
    {"func(p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32, p8: u32, p9: u32, p10: u32, p11: u32, p12: u32, p13: u32, p14: u32, p15: u32, p16: u32) -> f32", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U32)}, Param{"p1", s.primitive(TypeKind::U32)}, Param{"p2", s.primitive(TypeKind::U32)}, Param{"p3", s.primitive(TypeKind::U32)}, Param{"p4", s.primitive(TypeKind::U32)}, Param{"p5", s.primitive(TypeKind::U32)}, Param{"p6", s.primitive(TypeKind::U32)}, Param{"p7", s.primitive(TypeKind::U32)}, Param{"p8", s.primitive(TypeKind::U32)}, Param{"p9", s.primitive(TypeKind::U32)}, Param{"p10", s.primitive(TypeKind::U32)}, Param{"p11", s.primitive(TypeKind::U32)}, Param{"p12", s.primitive(TypeKind::U32)}, Param{"p13", s.primitive(TypeKind::U32)}, Param{"p14", s.primitive(TypeKind::U32)}, Param{"p15", s.primitive(TypeKind::U32)}, Param{"p16", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::F32)}); }, {true, true, true}, SignatureContext::Lift, "i64", "i32", true, false},
    {"func(p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32, p8: u32, p9: u32, p10: u32, p11: u32, p12: u32, p13: u32, p14: u32, p15: u32, p16: u32) -> f32", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U32)}, Param{"p1", s.primitive(TypeKind::U32)}, Param{"p2", s.primitive(TypeKind::U32)}, Param{"p3", s.primitive(TypeKind::U32)}, Param{"p4", s.primitive(TypeKind::U32)}, Param{"p5", s.primitive(TypeKind::U32)}, Param{"p6", s.primitive(TypeKind::U32)}, Param{"p7", s.primitive(TypeKind::U32)}, Param{"p8", s.primitive(TypeKind::U32)}, Param{"p9", s.primitive(TypeKind::U32)}, Param{"p10", s.primitive(TypeKind::U32)}, Param{"p11", s.primitive(TypeKind::U32)}, Param{"p12", s.primitive(TypeKind::U32)}, Param{"p13", s.primitive(TypeKind::U32)}, Param{"p14", s.primitive(TypeKind::U32)}, Param{"p15", s.primitive(TypeKind::U32)}, Param{"p16", s.primitive(TypeKind::U32)}}, s.primitive(TypeKind::F32)}); }, {true, true, false}, SignatureContext::Lower, "i64 i64", "i32", true, true},
    {"func(a: list<u8, 16>)", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.fixed_list(s.primitive(TypeKind::U8), 16)}}, std::nullopt}); }, {false, false, false}, SignatureContext::Lift, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "", false, false},
    {"func(a: list<u8, 16>)", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.fixed_list(s.primitive(TypeKind::U8), 16)}}, std::nullopt}); }, {false, false, false}, SignatureContext::Lower, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "", false, false},
    {"func(a: list<u8, 16>)", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.fixed_list(s.primitive(TypeKind::U8), 16)}}, std::nullopt}); }, {false, true, false}, SignatureContext::Lift, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "", false, false},
    {"func(a: list<u8, 16>)", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.fixed_list(s.primitive(TypeKind::U8), 16)}}, std::nullopt}); }, {false, true, true}, SignatureContext::Lift, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "i32", false, false},
    {"func(a: list<u8, 16>)", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.fixed_list(s.primitive(TypeKind::U8), 16)}}, std::nullopt}); }, {false, true, false}, SignatureContext::Lower, "i32", "i32", true, false},
    {"func(a: list<u8, 16>)", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.fixed_list(s.primitive(TypeKind::U8), 16)}}, std::nullopt}); }, {true, false, false}, SignatureContext::Lift, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "", false, false},
    {"func(a: list<u8, 16>)", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.fixed_list(s.primitive(TypeKind::U8), 16)}}, std::nullopt}); }, {true, false, false}, SignatureContext::Lower, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "", false, false},
    {"func(a: list<u8, 16>)", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.fixed_list(s.primitive(TypeKind::U8), 16)}}, std::nullopt}); }, {true, true, false}, SignatureContext::Lift, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "", false, false},
    {"func(a: list<u8, 16>)", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.fixed_list(s.primitive(TypeKind::U8), 16)}}, std::nullopt}); }, {true, true, true}, SignatureContext::Lift, "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32", "i32", false, false},
    {"func(a: list<u8, 16>)", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.fixed_list(s.primitive(TypeKind::U8), 16)}}, std::nullopt}); }, {true, true, false}, SignatureContext::Lower, "i64", "i32", true, false},
    {"func(a: u8, b: u8, c: u8, d: u8) -> tuple<u8, u8>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::U8)}, Param{"b", s.primitive(TypeKind::U8)}, Param{"c", s.primitive(TypeKind::U8)}, Param{"d", s.primitive(TypeKind::U8)}}, s.tuple(std::vector<TypeId>{s.primitive(TypeKind::U8), s.primitive(TypeKind::U8)})}); }, {false, false, false}, SignatureContext::Lift, "i32 i32 i32 i32", "i32", false, true},
    {"func(a: u8, b: u8, c: u8, d: u8) -> tuple<u8, u8>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::U8)}, Param{"b", s.primitive(TypeKind::U8)}, Param{"c", s.primitive(TypeKind::U8)}, Param{"d", s.primitive(TypeKind::U8)}}, s.tuple(std::vector<TypeId>{s.primitive(TypeKind::U8), s.primitive(TypeKind::U8)})}); }, {false, false, false}, SignatureContext::Lower, "i32 i32 i32 i32 i32", "", false, true},
    {"func(a: u8, b: u8, c: u8, d: u8) -> tuple<u8, u8>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::U8)}, Param{"b", s.primitive(TypeKind::U8)}, Param{"c", s.primitive(TypeKind::U8)}, Param{"d", s.primitive(TypeKind::U8)}}, s.tuple(std::vector<TypeId>{s.primitive(TypeKind::U8), s.primitive(TypeKind::U8)})}); }, {false, true, false}, SignatureContext::Lift, "i32 i32 i32 i32", "", false, false},
    {"func(a: u8, b: u8, c: u8, d: u8) -> tuple<u8, u8>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::U8)}, Param{"b", s.primitive(TypeKind::U8)}, Param{"c", s.primitive(TypeKind::U8)}, Param{"d", s.primitive(TypeKind::U8)}}, s.tuple(std::vector<TypeId>{s.primitive(TypeKind::U8), s.primitive(TypeKind::U8)})}); }, {false, true, true}, SignatureContext::Lift, "i32 i32 i32 i32", "i32", false, false},
    {"func(a: u8, b: u8, c: u8, d: u8) -> tuple<u8, u8>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::U8)}, Param{"b", s.primitive(TypeKind::U8)}, Param{"c", s.primitive(TypeKind::U8)}, Param{"d", s.primitive(TypeKind::U8)}}, s.tuple(std::vector<TypeId>{s.primitive(TypeKind::U8), s.primitive(TypeKind::U8)})}); }, {false, true, false}, SignatureContext::Lower, "i32 i32 i32 i32 i32", "i32", false, true},
    {"func(a: u8, b: u8, c: u8, d: u8) -> tuple<u8, u8>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::U8)}, Param{"b", s.primitive(TypeKind::U8)}, Param{"c", s.primitive(TypeKind::U8)}, Param{"d", s.primitive(TypeKind::U8)}}, s.tuple(std::vector<TypeId>{s.primitive(TypeKind::U8), s.primitive(TypeKind::U8)})}); }, {true, false, false}, SignatureContext::Lift, "i32 i32 i32 i32", "i64", false, true},
    {"func(a: u8, b: u8, c: u8, d: u8) -> tuple<u8, u8>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::U8)}, Param{"b", s.primitive(TypeKind::U8)}, Param{"c", s.primitive(TypeKind::U8)}, Param{"d", s.primitive(TypeKind::U8)}}, s.tuple(std::vector<TypeId>{s.primitive(TypeKind::U8), s.primitive(TypeKind::U8)})}); }, {true, false, false}, SignatureContext::Lower, "i32 i32 i32 i32 i64", "", false, true},
    {"func(a: u8, b: u8, c: u8, d: u8) -> tuple<u8, u8>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::U8)}, Param{"b", s.primitive(TypeKind::U8)}, Param{"c", s.primitive(TypeKind::U8)}, Param{"d", s.primitive(TypeKind::U8)}}, s.tuple(std::vector<TypeId>{s.primitive(TypeKind::U8), s.primitive(TypeKind::U8)})}); }, {true, true, false}, SignatureContext::Lift, "i32 i32 i32 i32", "", false, false},
    {"func(a: u8, b: u8, c: u8, d: u8) -> tuple<u8, u8>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::U8)}, Param{"b", s.primitive(TypeKind::U8)}, Param{"c", s.primitive(TypeKind::U8)}, Param{"d", s.primitive(TypeKind::U8)}}, s.tuple(std::vector<TypeId>{s.primitive(TypeKind::U8), s.primitive(TypeKind::U8)})}); }, {true, true, true}, SignatureContext::Lift, "i32 i32 i32 i32", "i32", false, false},
    {"func(a: u8, b: u8, c: u8, d: u8) -> tuple<u8, u8>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::U8)}, Param{"b", s.primitive(TypeKind::U8)}, Param{"c", s.primitive(TypeKind::U8)}, Param{"d", s.primitive(TypeKind::U8)}}, s.tuple(std::vector<TypeId>{s.primitive(TypeKind::U8), s.primitive(TypeKind::U8)})}); }, {true, true, false}, SignatureContext::Lower, "i32 i32 i32 i32 i64", "i32", false, true},
    {"func(p0: u8, p1: u8, p2: u8, p3: u8, p4: u8)", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U8)}, Param{"p1", s.primitive(TypeKind::U8)}, Param{"p2", s.primitive(TypeKind::U8)}, Param{"p3", s.primitive(TypeKind::U8)}, Param{"p4", s.primitive(TypeKind::U8)}}, std::nullopt}); }, {false, false, false}, SignatureContext::Lift, "i32 i32 i32 i32 i32", "", false, false},
    {"func(p0: u8, p1: u8, p2: u8, p3: u8, p4: u8)", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U8)}, Param{"p1", s.primitive(TypeKind::U8)}, Param{"p2", s.primitive(TypeKind::U8)}, Param{"p3", s.primitive(TypeKind::U8)}, Param{"p4", s.primitive(TypeKind::U8)}}, std::nullopt}); }, {false, false, false}, SignatureContext::Lower, "i32 i32 i32 i32 i32", "", false, false},
    {"func(p0: u8, p1: u8, p2: u8, p3: u8, p4: u8)", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U8)}, Param{"p1", s.primitive(TypeKind::U8)}, Param{"p2", s.primitive(TypeKind::U8)}, Param{"p3", s.primitive(TypeKind::U8)}, Param{"p4", s.primitive(TypeKind::U8)}}, std::nullopt}); }, {false, true, false}, SignatureContext::Lift, "i32 i32 i32 i32 i32", "", false, false},
    {"func(p0: u8, p1: u8, p2: u8, p3: u8, p4: u8)", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U8)}, Param{"p1", s.primitive(TypeKind::U8)}, Param{"p2", s.primitive(TypeKind::U8)}, Param{"p3", s.primitive(TypeKind::U8)}, Param{"p4", s.primitive(TypeKind::U8)}}, std::nullopt}); }, {false, true, true}, SignatureContext::Lift, "i32 i32 i32 i32 i32", "i32", false, false},
    {"func(p0: u8, p1: u8, p2: u8, p3: u8, p4: u8)", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U8)}, Param{"p1", s.primitive(TypeKind::U8)}, Param{"p2", s.primitive(TypeKind::U8)}, Param{"p3", s.primitive(TypeKind::U8)}, Param{"p4", s.primitive(TypeKind::U8)}}, std::nullopt}); }, {false, true, false}, SignatureContext::Lower, "i32", "i32", true, false},
    {"func(p0: u8, p1: u8, p2: u8, p3: u8, p4: u8)", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U8)}, Param{"p1", s.primitive(TypeKind::U8)}, Param{"p2", s.primitive(TypeKind::U8)}, Param{"p3", s.primitive(TypeKind::U8)}, Param{"p4", s.primitive(TypeKind::U8)}}, std::nullopt}); }, {true, false, false}, SignatureContext::Lift, "i32 i32 i32 i32 i32", "", false, false},
    {"func(p0: u8, p1: u8, p2: u8, p3: u8, p4: u8)", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U8)}, Param{"p1", s.primitive(TypeKind::U8)}, Param{"p2", s.primitive(TypeKind::U8)}, Param{"p3", s.primitive(TypeKind::U8)}, Param{"p4", s.primitive(TypeKind::U8)}}, std::nullopt}); }, {true, false, false}, SignatureContext::Lower, "i32 i32 i32 i32 i32", "", false, false},
    {"func(p0: u8, p1: u8, p2: u8, p3: u8, p4: u8)", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U8)}, Param{"p1", s.primitive(TypeKind::U8)}, Param{"p2", s.primitive(TypeKind::U8)}, Param{"p3", s.primitive(TypeKind::U8)}, Param{"p4", s.primitive(TypeKind::U8)}}, std::nullopt}); }, {true, true, false}, SignatureContext::Lift, "i32 i32 i32 i32 i32", "", false, false},
    {"func(p0: u8, p1: u8, p2: u8, p3: u8, p4: u8)", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U8)}, Param{"p1", s.primitive(TypeKind::U8)}, Param{"p2", s.primitive(TypeKind::U8)}, Param{"p3", s.primitive(TypeKind::U8)}, Param{"p4", s.primitive(TypeKind::U8)}}, std::nullopt}); }, {true, true, true}, SignatureContext::Lift, "i32 i32 i32 i32 i32", "i32", false, false},
    {"func(p0: u8, p1: u8, p2: u8, p3: u8, p4: u8)", [](TypeStore& s) { return s.func(FuncType{false, {Param{"p0", s.primitive(TypeKind::U8)}, Param{"p1", s.primitive(TypeKind::U8)}, Param{"p2", s.primitive(TypeKind::U8)}, Param{"p3", s.primitive(TypeKind::U8)}, Param{"p4", s.primitive(TypeKind::U8)}}, std::nullopt}); }, {true, true, false}, SignatureContext::Lower, "i64", "i32", true, false},
    {"func() -> record { a: u32, b: u32 }", [](TypeStore& s) { return s.func(FuncType{false, {}, s.record({Field{"a", s.primitive(TypeKind::U32)}, Field{"b", s.primitive(TypeKind::U32)}})}); }, {false, false, false}, SignatureContext::Lift, "", "i32", false, true},
    {"func() -> record { a: u32, b: u32 }", [](TypeStore& s) { return s.func(FuncType{false, {}, s.record({Field{"a", s.primitive(TypeKind::U32)}, Field{"b", s.primitive(TypeKind::U32)}})}); }, {false, false, false}, SignatureContext::Lower, "i32", "", false, true},
    {"func() -> record { a: u32, b: u32 }", [](TypeStore& s) { return s.func(FuncType{false, {}, s.record({Field{"a", s.primitive(TypeKind::U32)}, Field{"b", s.primitive(TypeKind::U32)}})}); }, {false, true, false}, SignatureContext::Lift, "", "", false, false},
    {"func() -> record { a: u32, b: u32 }", [](TypeStore& s) { return s.func(FuncType{false, {}, s.record({Field{"a", s.primitive(TypeKind::U32)}, Field{"b", s.primitive(TypeKind::U32)}})}); }, {false, true, true}, SignatureContext::Lift, "", "i32", false, false},
    {"func() -> record { a: u32, b: u32 }", [](TypeStore& s) { return s.func(FuncType{false, {}, s.record({Field{"a", s.primitive(TypeKind::U32)}, Field{"b", s.primitive(TypeKind::U32)}})}); }, {false, true, false}, SignatureContext::Lower, "i32", "i32", false, true},
    {"func() -> record { a: u32, b: u32 }", [](TypeStore& s) { return s.func(FuncType{false, {}, s.record({Field{"a", s.primitive(TypeKind::U32)}, Field{"b", s.primitive(TypeKind::U32)}})}); }, {true, false, false}, SignatureContext::Lift, "", "i64", false, true},
    {"func() -> record { a: u32, b: u32 }", [](TypeStore& s) { return s.func(FuncType{false, {}, s.record({Field{"a", s.primitive(TypeKind::U32)}, Field{"b", s.primitive(TypeKind::U32)}})}); }, {true, false, false}, SignatureContext::Lower, "i64", "", false, true},
    {"func() -> record { a: u32, b: u32 }", [](TypeStore& s) { return s.func(FuncType{false, {}, s.record({Field{"a", s.primitive(TypeKind::U32)}, Field{"b", s.primitive(TypeKind::U32)}})}); }, {true, true, false}, SignatureContext::Lift, "", "", false, false},
    {"func() -> record { a: u32, b: u32 }", [](TypeStore& s) { return s.func(FuncType{false, {}, s.record({Field{"a", s.primitive(TypeKind::U32)}, Field{"b", s.primitive(TypeKind::U32)}})}); }, {true, true, true}, SignatureContext::Lift, "", "i32", false, false},
    {"func() -> record { a: u32, b: u32 }", [](TypeStore& s) { return s.func(FuncType{false, {}, s.record({Field{"a", s.primitive(TypeKind::U32)}, Field{"b", s.primitive(TypeKind::U32)}})}); }, {true, true, false}, SignatureContext::Lower, "i64", "i32", false, true},
    {"func(x: f64) -> option<u8>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"x", s.primitive(TypeKind::F64)}}, s.option(s.primitive(TypeKind::U8))}); }, {false, false, false}, SignatureContext::Lift, "f64", "i32", false, true},
    {"func(x: f64) -> option<u8>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"x", s.primitive(TypeKind::F64)}}, s.option(s.primitive(TypeKind::U8))}); }, {false, false, false}, SignatureContext::Lower, "f64 i32", "", false, true},
    {"func(x: f64) -> option<u8>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"x", s.primitive(TypeKind::F64)}}, s.option(s.primitive(TypeKind::U8))}); }, {false, true, false}, SignatureContext::Lift, "f64", "", false, false},
    {"func(x: f64) -> option<u8>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"x", s.primitive(TypeKind::F64)}}, s.option(s.primitive(TypeKind::U8))}); }, {false, true, true}, SignatureContext::Lift, "f64", "i32", false, false},
    {"func(x: f64) -> option<u8>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"x", s.primitive(TypeKind::F64)}}, s.option(s.primitive(TypeKind::U8))}); }, {false, true, false}, SignatureContext::Lower, "f64 i32", "i32", false, true},
    {"func(x: f64) -> option<u8>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"x", s.primitive(TypeKind::F64)}}, s.option(s.primitive(TypeKind::U8))}); }, {true, false, false}, SignatureContext::Lift, "f64", "i64", false, true},
    {"func(x: f64) -> option<u8>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"x", s.primitive(TypeKind::F64)}}, s.option(s.primitive(TypeKind::U8))}); }, {true, false, false}, SignatureContext::Lower, "f64 i64", "", false, true},
    {"func(x: f64) -> option<u8>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"x", s.primitive(TypeKind::F64)}}, s.option(s.primitive(TypeKind::U8))}); }, {true, true, false}, SignatureContext::Lift, "f64", "", false, false},
    {"func(x: f64) -> option<u8>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"x", s.primitive(TypeKind::F64)}}, s.option(s.primitive(TypeKind::U8))}); }, {true, true, true}, SignatureContext::Lift, "f64", "i32", false, false},
    {"func(x: f64) -> option<u8>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"x", s.primitive(TypeKind::F64)}}, s.option(s.primitive(TypeKind::U8))}); }, {true, true, false}, SignatureContext::Lower, "f64 i64", "i32", false, true},
    {"func(r: borrow<r0>) -> own<r1>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"r", s.borrow(0)}}, s.own(1)}); }, {false, false, false}, SignatureContext::Lift, "i32", "i32", false, false},
    {"func(r: borrow<r0>) -> own<r1>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"r", s.borrow(0)}}, s.own(1)}); }, {false, false, false}, SignatureContext::Lower, "i32", "i32", false, false},
    {"func(r: borrow<r0>) -> own<r1>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"r", s.borrow(0)}}, s.own(1)}); }, {false, true, false}, SignatureContext::Lift, "i32", "", false, false},
    {"func(r: borrow<r0>) -> own<r1>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"r", s.borrow(0)}}, s.own(1)}); }, {false, true, true}, SignatureContext::Lift, "i32", "i32", false, false},
    {"func(r: borrow<r0>) -> own<r1>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"r", s.borrow(0)}}, s.own(1)}); }, {false, true, false}, SignatureContext::Lower, "i32 i32", "i32", false, true},
    {"func(r: borrow<r0>) -> own<r1>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"r", s.borrow(0)}}, s.own(1)}); }, {true, false, false}, SignatureContext::Lift, "i32", "i32", false, false},
    {"func(r: borrow<r0>) -> own<r1>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"r", s.borrow(0)}}, s.own(1)}); }, {true, false, false}, SignatureContext::Lower, "i32", "i32", false, false},
    {"func(r: borrow<r0>) -> own<r1>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"r", s.borrow(0)}}, s.own(1)}); }, {true, true, false}, SignatureContext::Lift, "i32", "", false, false},
    {"func(r: borrow<r0>) -> own<r1>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"r", s.borrow(0)}}, s.own(1)}); }, {true, true, true}, SignatureContext::Lift, "i32", "i32", false, false},
    {"func(r: borrow<r0>) -> own<r1>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"r", s.borrow(0)}}, s.own(1)}); }, {true, true, false}, SignatureContext::Lower, "i32 i64", "i32", false, true},
    {"func(a: record { f0: u8, f1: u64, f2: f32, f3: u16, f4: string, f5: char, f6: s8, f7: f64, f8: u8, f9: u64, f10: f32, f11: u16, f12: string, f13: char, f14: s8, f15: f64, f16: u8, f17: u64, f18: f32, f19: u16, f20: string, f21: char, f22: s8, f23: f64, f24: u8, f25: u64, f26: f32, f27: u16, f28: string, f29: char, f30: s8, f31: f64, f32: u8, f33: u64, f34: f32, f35: u16, f36: string, f37: char, f38: s8, f39: f64 }) -> result<list<u8, 20>, string>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.record({Field{"f0", s.primitive(TypeKind::U8)}, Field{"f1", s.primitive(TypeKind::U64)}, Field{"f2", s.primitive(TypeKind::F32)}, Field{"f3", s.primitive(TypeKind::U16)}, Field{"f4", s.primitive(TypeKind::String)}, Field{"f5", s.primitive(TypeKind::Char)}, Field{"f6", s.primitive(TypeKind::S8)}, Field{"f7", s.primitive(TypeKind::F64)}, Field{"f8", s.primitive(TypeKind::U8)}, Field{"f9", s.primitive(TypeKind::U64)}, Field{"f10", s.primitive(TypeKind::F32)}, Field{"f11", s.primitive(TypeKind::U16)}, Field{"f12", s.primitive(TypeKind::String)}, Field{"f13", s.primitive(TypeKind::Char)}, Field{"f14", s.primitive(TypeKind::S8)}, Field{"f15", s.primitive(TypeKind::F64)}, Field{"f16", s.primitive(TypeKind::U8)}, Field{"f17", s.primitive(TypeKind::U64)}, Field{"f18", s.primitive(TypeKind::F32)}, Field{"f19", s.primitive(TypeKind::U16)}, Field{"f20", s.primitive(TypeKind::String)}, Field{"f21", s.primitive(TypeKind::Char)}, Field{"f22", s.primitive(TypeKind::S8)}, Field{"f23", s.primitive(TypeKind::F64)}, Field{"f24", s.primitive(TypeKind::U8)}, Field{"f25", s.primitive(TypeKind::U64)}, Field{"f26", s.primitive(TypeKind::F32)}, Field{"f27", s.primitive(TypeKind::U16)}, Field{"f28", s.primitive(TypeKind::String)}, Field{"f29", s.primitive(TypeKind::Char)}, Field{"f30", s.primitive(TypeKind::S8)}, Field{"f31", s.primitive(TypeKind::F64)}, Field{"f32", s.primitive(TypeKind::U8)}, Field{"f33", s.primitive(TypeKind::U64)}, Field{"f34", s.primitive(TypeKind::F32)}, Field{"f35", s.primitive(TypeKind::U16)}, Field{"f36", s.primitive(TypeKind::String)}, Field{"f37", s.primitive(TypeKind::Char)}, Field{"f38", s.primitive(TypeKind::S8)}, Field{"f39", s.primitive(TypeKind::F64)}})}}, s.result(s.fixed_list(s.primitive(TypeKind::U8), 20), s.primitive(TypeKind::String))}); }, {false, false, false}, SignatureContext::Lift, "i32", "i32", true, true},
    {"func(a: record { f0: u8, f1: u64, f2: f32, f3: u16, f4: string, f5: char, f6: s8, f7: f64, f8: u8, f9: u64, f10: f32, f11: u16, f12: string, f13: char, f14: s8, f15: f64, f16: u8, f17: u64, f18: f32, f19: u16, f20: string, f21: char, f22: s8, f23: f64, f24: u8, f25: u64, f26: f32, f27: u16, f28: string, f29: char, f30: s8, f31: f64, f32: u8, f33: u64, f34: f32, f35: u16, f36: string, f37: char, f38: s8, f39: f64 }) -> result<list<u8, 20>, string>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.record({Field{"f0", s.primitive(TypeKind::U8)}, Field{"f1", s.primitive(TypeKind::U64)}, Field{"f2", s.primitive(TypeKind::F32)}, Field{"f3", s.primitive(TypeKind::U16)}, Field{"f4", s.primitive(TypeKind::String)}, Field{"f5", s.primitive(TypeKind::Char)}, Field{"f6", s.primitive(TypeKind::S8)}, Field{"f7", s.primitive(TypeKind::F64)}, Field{"f8", s.primitive(TypeKind::U8)}, Field{"f9", s.primitive(TypeKind::U64)}, Field{"f10", s.primitive(TypeKind::F32)}, Field{"f11", s.primitive(TypeKind::U16)}, Field{"f12", s.primitive(TypeKind::String)}, Field{"f13", s.primitive(TypeKind::Char)}, Field{"f14", s.primitive(TypeKind::S8)}, Field{"f15", s.primitive(TypeKind::F64)}, Field{"f16", s.primitive(TypeKind::U8)}, Field{"f17", s.primitive(TypeKind::U64)}, Field{"f18", s.primitive(TypeKind::F32)}, Field{"f19", s.primitive(TypeKind::U16)}, Field{"f20", s.primitive(TypeKind::String)}, Field{"f21", s.primitive(TypeKind::Char)}, Field{"f22", s.primitive(TypeKind::S8)}, Field{"f23", s.primitive(TypeKind::F64)}, Field{"f24", s.primitive(TypeKind::U8)}, Field{"f25", s.primitive(TypeKind::U64)}, Field{"f26", s.primitive(TypeKind::F32)}, Field{"f27", s.primitive(TypeKind::U16)}, Field{"f28", s.primitive(TypeKind::String)}, Field{"f29", s.primitive(TypeKind::Char)}, Field{"f30", s.primitive(TypeKind::S8)}, Field{"f31", s.primitive(TypeKind::F64)}, Field{"f32", s.primitive(TypeKind::U8)}, Field{"f33", s.primitive(TypeKind::U64)}, Field{"f34", s.primitive(TypeKind::F32)}, Field{"f35", s.primitive(TypeKind::U16)}, Field{"f36", s.primitive(TypeKind::String)}, Field{"f37", s.primitive(TypeKind::Char)}, Field{"f38", s.primitive(TypeKind::S8)}, Field{"f39", s.primitive(TypeKind::F64)}})}}, s.result(s.fixed_list(s.primitive(TypeKind::U8), 20), s.primitive(TypeKind::String))}); }, {false, false, false}, SignatureContext::Lower, "i32 i32", "", true, true},
    {"func(a: record { f0: u8, f1: u64, f2: f32, f3: u16, f4: string, f5: char, f6: s8, f7: f64, f8: u8, f9: u64, f10: f32, f11: u16, f12: string, f13: char, f14: s8, f15: f64, f16: u8, f17: u64, f18: f32, f19: u16, f20: string, f21: char, f22: s8, f23: f64, f24: u8, f25: u64, f26: f32, f27: u16, f28: string, f29: char, f30: s8, f31: f64, f32: u8, f33: u64, f34: f32, f35: u16, f36: string, f37: char, f38: s8, f39: f64 }) -> result<list<u8, 20>, string>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.record({Field{"f0", s.primitive(TypeKind::U8)}, Field{"f1", s.primitive(TypeKind::U64)}, Field{"f2", s.primitive(TypeKind::F32)}, Field{"f3", s.primitive(TypeKind::U16)}, Field{"f4", s.primitive(TypeKind::String)}, Field{"f5", s.primitive(TypeKind::Char)}, Field{"f6", s.primitive(TypeKind::S8)}, Field{"f7", s.primitive(TypeKind::F64)}, Field{"f8", s.primitive(TypeKind::U8)}, Field{"f9", s.primitive(TypeKind::U64)}, Field{"f10", s.primitive(TypeKind::F32)}, Field{"f11", s.primitive(TypeKind::U16)}, Field{"f12", s.primitive(TypeKind::String)}, Field{"f13", s.primitive(TypeKind::Char)}, Field{"f14", s.primitive(TypeKind::S8)}, Field{"f15", s.primitive(TypeKind::F64)}, Field{"f16", s.primitive(TypeKind::U8)}, Field{"f17", s.primitive(TypeKind::U64)}, Field{"f18", s.primitive(TypeKind::F32)}, Field{"f19", s.primitive(TypeKind::U16)}, Field{"f20", s.primitive(TypeKind::String)}, Field{"f21", s.primitive(TypeKind::Char)}, Field{"f22", s.primitive(TypeKind::S8)}, Field{"f23", s.primitive(TypeKind::F64)}, Field{"f24", s.primitive(TypeKind::U8)}, Field{"f25", s.primitive(TypeKind::U64)}, Field{"f26", s.primitive(TypeKind::F32)}, Field{"f27", s.primitive(TypeKind::U16)}, Field{"f28", s.primitive(TypeKind::String)}, Field{"f29", s.primitive(TypeKind::Char)}, Field{"f30", s.primitive(TypeKind::S8)}, Field{"f31", s.primitive(TypeKind::F64)}, Field{"f32", s.primitive(TypeKind::U8)}, Field{"f33", s.primitive(TypeKind::U64)}, Field{"f34", s.primitive(TypeKind::F32)}, Field{"f35", s.primitive(TypeKind::U16)}, Field{"f36", s.primitive(TypeKind::String)}, Field{"f37", s.primitive(TypeKind::Char)}, Field{"f38", s.primitive(TypeKind::S8)}, Field{"f39", s.primitive(TypeKind::F64)}})}}, s.result(s.fixed_list(s.primitive(TypeKind::U8), 20), s.primitive(TypeKind::String))}); }, {false, true, false}, SignatureContext::Lift, "i32", "", true, false},
    {"func(a: record { f0: u8, f1: u64, f2: f32, f3: u16, f4: string, f5: char, f6: s8, f7: f64, f8: u8, f9: u64, f10: f32, f11: u16, f12: string, f13: char, f14: s8, f15: f64, f16: u8, f17: u64, f18: f32, f19: u16, f20: string, f21: char, f22: s8, f23: f64, f24: u8, f25: u64, f26: f32, f27: u16, f28: string, f29: char, f30: s8, f31: f64, f32: u8, f33: u64, f34: f32, f35: u16, f36: string, f37: char, f38: s8, f39: f64 }) -> result<list<u8, 20>, string>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.record({Field{"f0", s.primitive(TypeKind::U8)}, Field{"f1", s.primitive(TypeKind::U64)}, Field{"f2", s.primitive(TypeKind::F32)}, Field{"f3", s.primitive(TypeKind::U16)}, Field{"f4", s.primitive(TypeKind::String)}, Field{"f5", s.primitive(TypeKind::Char)}, Field{"f6", s.primitive(TypeKind::S8)}, Field{"f7", s.primitive(TypeKind::F64)}, Field{"f8", s.primitive(TypeKind::U8)}, Field{"f9", s.primitive(TypeKind::U64)}, Field{"f10", s.primitive(TypeKind::F32)}, Field{"f11", s.primitive(TypeKind::U16)}, Field{"f12", s.primitive(TypeKind::String)}, Field{"f13", s.primitive(TypeKind::Char)}, Field{"f14", s.primitive(TypeKind::S8)}, Field{"f15", s.primitive(TypeKind::F64)}, Field{"f16", s.primitive(TypeKind::U8)}, Field{"f17", s.primitive(TypeKind::U64)}, Field{"f18", s.primitive(TypeKind::F32)}, Field{"f19", s.primitive(TypeKind::U16)}, Field{"f20", s.primitive(TypeKind::String)}, Field{"f21", s.primitive(TypeKind::Char)}, Field{"f22", s.primitive(TypeKind::S8)}, Field{"f23", s.primitive(TypeKind::F64)}, Field{"f24", s.primitive(TypeKind::U8)}, Field{"f25", s.primitive(TypeKind::U64)}, Field{"f26", s.primitive(TypeKind::F32)}, Field{"f27", s.primitive(TypeKind::U16)}, Field{"f28", s.primitive(TypeKind::String)}, Field{"f29", s.primitive(TypeKind::Char)}, Field{"f30", s.primitive(TypeKind::S8)}, Field{"f31", s.primitive(TypeKind::F64)}, Field{"f32", s.primitive(TypeKind::U8)}, Field{"f33", s.primitive(TypeKind::U64)}, Field{"f34", s.primitive(TypeKind::F32)}, Field{"f35", s.primitive(TypeKind::U16)}, Field{"f36", s.primitive(TypeKind::String)}, Field{"f37", s.primitive(TypeKind::Char)}, Field{"f38", s.primitive(TypeKind::S8)}, Field{"f39", s.primitive(TypeKind::F64)}})}}, s.result(s.fixed_list(s.primitive(TypeKind::U8), 20), s.primitive(TypeKind::String))}); }, {false, true, true}, SignatureContext::Lift, "i32", "i32", true, false},
    {"func(a: record { f0: u8, f1: u64, f2: f32, f3: u16, f4: string, f5: char, f6: s8, f7: f64, f8: u8, f9: u64, f10: f32, f11: u16, f12: string, f13: char, f14: s8, f15: f64, f16: u8, f17: u64, f18: f32, f19: u16, f20: string, f21: char, f22: s8, f23: f64, f24: u8, f25: u64, f26: f32, f27: u16, f28: string, f29: char, f30: s8, f31: f64, f32: u8, f33: u64, f34: f32, f35: u16, f36: string, f37: char, f38: s8, f39: f64 }) -> result<list<u8, 20>, string>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.record({Field{"f0", s.primitive(TypeKind::U8)}, Field{"f1", s.primitive(TypeKind::U64)}, Field{"f2", s.primitive(TypeKind::F32)}, Field{"f3", s.primitive(TypeKind::U16)}, Field{"f4", s.primitive(TypeKind::String)}, Field{"f5", s.primitive(TypeKind::Char)}, Field{"f6", s.primitive(TypeKind::S8)}, Field{"f7", s.primitive(TypeKind::F64)}, Field{"f8", s.primitive(TypeKind::U8)}, Field{"f9", s.primitive(TypeKind::U64)}, Field{"f10", s.primitive(TypeKind::F32)}, Field{"f11", s.primitive(TypeKind::U16)}, Field{"f12", s.primitive(TypeKind::String)}, Field{"f13", s.primitive(TypeKind::Char)}, Field{"f14", s.primitive(TypeKind::S8)}, Field{"f15", s.primitive(TypeKind::F64)}, Field{"f16", s.primitive(TypeKind::U8)}, Field{"f17", s.primitive(TypeKind::U64)}, Field{"f18", s.primitive(TypeKind::F32)}, Field{"f19", s.primitive(TypeKind::U16)}, Field{"f20", s.primitive(TypeKind::String)}, Field{"f21", s.primitive(TypeKind::Char)}, Field{"f22", s.primitive(TypeKind::S8)}, Field{"f23", s.primitive(TypeKind::F64)}, Field{"f24", s.primitive(TypeKind::U8)}, Field{"f25", s.primitive(TypeKind::U64)}, Field{"f26", s.primitive(TypeKind::F32)}, Field{"f27", s.primitive(TypeKind::U16)}, Field{"f28", s.primitive(TypeKind::String)}, Field{"f29", s.primitive(TypeKind::Char)}, Field{"f30", s.primitive(TypeKind::S8)}, Field{"f31", s.primitive(TypeKind::F64)}, Field{"f32", s.primitive(TypeKind::U8)}, Field{"f33", s.primitive(TypeKind::U64)}, Field{"f34", s.primitive(TypeKind::F32)}, Field{"f35", s.primitive(TypeKind::U16)}, Field{"f36", s.primitive(TypeKind::String)}, Field{"f37", s.primitive(TypeKind::Char)}, Field{"f38", s.primitive(TypeKind::S8)}, Field{"f39", s.primitive(TypeKind::F64)}})}}, s.result(s.fixed_list(s.primitive(TypeKind::U8), 20), s.primitive(TypeKind::String))}); }, {false, true, false}, SignatureContext::Lower, "i32 i32", "i32", true, true},
    {"func(a: record { f0: u8, f1: u64, f2: f32, f3: u16, f4: string, f5: char, f6: s8, f7: f64, f8: u8, f9: u64, f10: f32, f11: u16, f12: string, f13: char, f14: s8, f15: f64, f16: u8, f17: u64, f18: f32, f19: u16, f20: string, f21: char, f22: s8, f23: f64, f24: u8, f25: u64, f26: f32, f27: u16, f28: string, f29: char, f30: s8, f31: f64, f32: u8, f33: u64, f34: f32, f35: u16, f36: string, f37: char, f38: s8, f39: f64 }) -> result<list<u8, 20>, string>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.record({Field{"f0", s.primitive(TypeKind::U8)}, Field{"f1", s.primitive(TypeKind::U64)}, Field{"f2", s.primitive(TypeKind::F32)}, Field{"f3", s.primitive(TypeKind::U16)}, Field{"f4", s.primitive(TypeKind::String)}, Field{"f5", s.primitive(TypeKind::Char)}, Field{"f6", s.primitive(TypeKind::S8)}, Field{"f7", s.primitive(TypeKind::F64)}, Field{"f8", s.primitive(TypeKind::U8)}, Field{"f9", s.primitive(TypeKind::U64)}, Field{"f10", s.primitive(TypeKind::F32)}, Field{"f11", s.primitive(TypeKind::U16)}, Field{"f12", s.primitive(TypeKind::String)}, Field{"f13", s.primitive(TypeKind::Char)}, Field{"f14", s.primitive(TypeKind::S8)}, Field{"f15", s.primitive(TypeKind::F64)}, Field{"f16", s.primitive(TypeKind::U8)}, Field{"f17", s.primitive(TypeKind::U64)}, Field{"f18", s.primitive(TypeKind::F32)}, Field{"f19", s.primitive(TypeKind::U16)}, Field{"f20", s.primitive(TypeKind::String)}, Field{"f21", s.primitive(TypeKind::Char)}, Field{"f22", s.primitive(TypeKind::S8)}, Field{"f23", s.primitive(TypeKind::F64)}, Field{"f24", s.primitive(TypeKind::U8)}, Field{"f25", s.primitive(TypeKind::U64)}, Field{"f26", s.primitive(TypeKind::F32)}, Field{"f27", s.primitive(TypeKind::U16)}, Field{"f28", s.primitive(TypeKind::String)}, Field{"f29", s.primitive(TypeKind::Char)}, Field{"f30", s.primitive(TypeKind::S8)}, Field{"f31", s.primitive(TypeKind::F64)}, Field{"f32", s.primitive(TypeKind::U8)}, Field{"f33", s.primitive(TypeKind::U64)}, Field{"f34", s.primitive(TypeKind::F32)}, Field{"f35", s.primitive(TypeKind::U16)}, Field{"f36", s.primitive(TypeKind::String)}, Field{"f37", s.primitive(TypeKind::Char)}, Field{"f38", s.primitive(TypeKind::S8)}, Field{"f39", s.primitive(TypeKind::F64)}})}}, s.result(s.fixed_list(s.primitive(TypeKind::U8), 20), s.primitive(TypeKind::String))}); }, {true, false, false}, SignatureContext::Lift, "i64", "i64", true, true},
    {"func(a: record { f0: u8, f1: u64, f2: f32, f3: u16, f4: string, f5: char, f6: s8, f7: f64, f8: u8, f9: u64, f10: f32, f11: u16, f12: string, f13: char, f14: s8, f15: f64, f16: u8, f17: u64, f18: f32, f19: u16, f20: string, f21: char, f22: s8, f23: f64, f24: u8, f25: u64, f26: f32, f27: u16, f28: string, f29: char, f30: s8, f31: f64, f32: u8, f33: u64, f34: f32, f35: u16, f36: string, f37: char, f38: s8, f39: f64 }) -> result<list<u8, 20>, string>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.record({Field{"f0", s.primitive(TypeKind::U8)}, Field{"f1", s.primitive(TypeKind::U64)}, Field{"f2", s.primitive(TypeKind::F32)}, Field{"f3", s.primitive(TypeKind::U16)}, Field{"f4", s.primitive(TypeKind::String)}, Field{"f5", s.primitive(TypeKind::Char)}, Field{"f6", s.primitive(TypeKind::S8)}, Field{"f7", s.primitive(TypeKind::F64)}, Field{"f8", s.primitive(TypeKind::U8)}, Field{"f9", s.primitive(TypeKind::U64)}, Field{"f10", s.primitive(TypeKind::F32)}, Field{"f11", s.primitive(TypeKind::U16)}, Field{"f12", s.primitive(TypeKind::String)}, Field{"f13", s.primitive(TypeKind::Char)}, Field{"f14", s.primitive(TypeKind::S8)}, Field{"f15", s.primitive(TypeKind::F64)}, Field{"f16", s.primitive(TypeKind::U8)}, Field{"f17", s.primitive(TypeKind::U64)}, Field{"f18", s.primitive(TypeKind::F32)}, Field{"f19", s.primitive(TypeKind::U16)}, Field{"f20", s.primitive(TypeKind::String)}, Field{"f21", s.primitive(TypeKind::Char)}, Field{"f22", s.primitive(TypeKind::S8)}, Field{"f23", s.primitive(TypeKind::F64)}, Field{"f24", s.primitive(TypeKind::U8)}, Field{"f25", s.primitive(TypeKind::U64)}, Field{"f26", s.primitive(TypeKind::F32)}, Field{"f27", s.primitive(TypeKind::U16)}, Field{"f28", s.primitive(TypeKind::String)}, Field{"f29", s.primitive(TypeKind::Char)}, Field{"f30", s.primitive(TypeKind::S8)}, Field{"f31", s.primitive(TypeKind::F64)}, Field{"f32", s.primitive(TypeKind::U8)}, Field{"f33", s.primitive(TypeKind::U64)}, Field{"f34", s.primitive(TypeKind::F32)}, Field{"f35", s.primitive(TypeKind::U16)}, Field{"f36", s.primitive(TypeKind::String)}, Field{"f37", s.primitive(TypeKind::Char)}, Field{"f38", s.primitive(TypeKind::S8)}, Field{"f39", s.primitive(TypeKind::F64)}})}}, s.result(s.fixed_list(s.primitive(TypeKind::U8), 20), s.primitive(TypeKind::String))}); }, {true, false, false}, SignatureContext::Lower, "i64 i64", "", true, true},
    {"func(a: record { f0: u8, f1: u64, f2: f32, f3: u16, f4: string, f5: char, f6: s8, f7: f64, f8: u8, f9: u64, f10: f32, f11: u16, f12: string, f13: char, f14: s8, f15: f64, f16: u8, f17: u64, f18: f32, f19: u16, f20: string, f21: char, f22: s8, f23: f64, f24: u8, f25: u64, f26: f32, f27: u16, f28: string, f29: char, f30: s8, f31: f64, f32: u8, f33: u64, f34: f32, f35: u16, f36: string, f37: char, f38: s8, f39: f64 }) -> result<list<u8, 20>, string>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.record({Field{"f0", s.primitive(TypeKind::U8)}, Field{"f1", s.primitive(TypeKind::U64)}, Field{"f2", s.primitive(TypeKind::F32)}, Field{"f3", s.primitive(TypeKind::U16)}, Field{"f4", s.primitive(TypeKind::String)}, Field{"f5", s.primitive(TypeKind::Char)}, Field{"f6", s.primitive(TypeKind::S8)}, Field{"f7", s.primitive(TypeKind::F64)}, Field{"f8", s.primitive(TypeKind::U8)}, Field{"f9", s.primitive(TypeKind::U64)}, Field{"f10", s.primitive(TypeKind::F32)}, Field{"f11", s.primitive(TypeKind::U16)}, Field{"f12", s.primitive(TypeKind::String)}, Field{"f13", s.primitive(TypeKind::Char)}, Field{"f14", s.primitive(TypeKind::S8)}, Field{"f15", s.primitive(TypeKind::F64)}, Field{"f16", s.primitive(TypeKind::U8)}, Field{"f17", s.primitive(TypeKind::U64)}, Field{"f18", s.primitive(TypeKind::F32)}, Field{"f19", s.primitive(TypeKind::U16)}, Field{"f20", s.primitive(TypeKind::String)}, Field{"f21", s.primitive(TypeKind::Char)}, Field{"f22", s.primitive(TypeKind::S8)}, Field{"f23", s.primitive(TypeKind::F64)}, Field{"f24", s.primitive(TypeKind::U8)}, Field{"f25", s.primitive(TypeKind::U64)}, Field{"f26", s.primitive(TypeKind::F32)}, Field{"f27", s.primitive(TypeKind::U16)}, Field{"f28", s.primitive(TypeKind::String)}, Field{"f29", s.primitive(TypeKind::Char)}, Field{"f30", s.primitive(TypeKind::S8)}, Field{"f31", s.primitive(TypeKind::F64)}, Field{"f32", s.primitive(TypeKind::U8)}, Field{"f33", s.primitive(TypeKind::U64)}, Field{"f34", s.primitive(TypeKind::F32)}, Field{"f35", s.primitive(TypeKind::U16)}, Field{"f36", s.primitive(TypeKind::String)}, Field{"f37", s.primitive(TypeKind::Char)}, Field{"f38", s.primitive(TypeKind::S8)}, Field{"f39", s.primitive(TypeKind::F64)}})}}, s.result(s.fixed_list(s.primitive(TypeKind::U8), 20), s.primitive(TypeKind::String))}); }, {true, true, false}, SignatureContext::Lift, "i64", "", true, false},
    {"func(a: record { f0: u8, f1: u64, f2: f32, f3: u16, f4: string, f5: char, f6: s8, f7: f64, f8: u8, f9: u64, f10: f32, f11: u16, f12: string, f13: char, f14: s8, f15: f64, f16: u8, f17: u64, f18: f32, f19: u16, f20: string, f21: char, f22: s8, f23: f64, f24: u8, f25: u64, f26: f32, f27: u16, f28: string, f29: char, f30: s8, f31: f64, f32: u8, f33: u64, f34: f32, f35: u16, f36: string, f37: char, f38: s8, f39: f64 }) -> result<list<u8, 20>, string>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.record({Field{"f0", s.primitive(TypeKind::U8)}, Field{"f1", s.primitive(TypeKind::U64)}, Field{"f2", s.primitive(TypeKind::F32)}, Field{"f3", s.primitive(TypeKind::U16)}, Field{"f4", s.primitive(TypeKind::String)}, Field{"f5", s.primitive(TypeKind::Char)}, Field{"f6", s.primitive(TypeKind::S8)}, Field{"f7", s.primitive(TypeKind::F64)}, Field{"f8", s.primitive(TypeKind::U8)}, Field{"f9", s.primitive(TypeKind::U64)}, Field{"f10", s.primitive(TypeKind::F32)}, Field{"f11", s.primitive(TypeKind::U16)}, Field{"f12", s.primitive(TypeKind::String)}, Field{"f13", s.primitive(TypeKind::Char)}, Field{"f14", s.primitive(TypeKind::S8)}, Field{"f15", s.primitive(TypeKind::F64)}, Field{"f16", s.primitive(TypeKind::U8)}, Field{"f17", s.primitive(TypeKind::U64)}, Field{"f18", s.primitive(TypeKind::F32)}, Field{"f19", s.primitive(TypeKind::U16)}, Field{"f20", s.primitive(TypeKind::String)}, Field{"f21", s.primitive(TypeKind::Char)}, Field{"f22", s.primitive(TypeKind::S8)}, Field{"f23", s.primitive(TypeKind::F64)}, Field{"f24", s.primitive(TypeKind::U8)}, Field{"f25", s.primitive(TypeKind::U64)}, Field{"f26", s.primitive(TypeKind::F32)}, Field{"f27", s.primitive(TypeKind::U16)}, Field{"f28", s.primitive(TypeKind::String)}, Field{"f29", s.primitive(TypeKind::Char)}, Field{"f30", s.primitive(TypeKind::S8)}, Field{"f31", s.primitive(TypeKind::F64)}, Field{"f32", s.primitive(TypeKind::U8)}, Field{"f33", s.primitive(TypeKind::U64)}, Field{"f34", s.primitive(TypeKind::F32)}, Field{"f35", s.primitive(TypeKind::U16)}, Field{"f36", s.primitive(TypeKind::String)}, Field{"f37", s.primitive(TypeKind::Char)}, Field{"f38", s.primitive(TypeKind::S8)}, Field{"f39", s.primitive(TypeKind::F64)}})}}, s.result(s.fixed_list(s.primitive(TypeKind::U8), 20), s.primitive(TypeKind::String))}); }, {true, true, true}, SignatureContext::Lift, "i64", "i32", true, false},
    {"func(a: record { f0: u8, f1: u64, f2: f32, f3: u16, f4: string, f5: char, f6: s8, f7: f64, f8: u8, f9: u64, f10: f32, f11: u16, f12: string, f13: char, f14: s8, f15: f64, f16: u8, f17: u64, f18: f32, f19: u16, f20: string, f21: char, f22: s8, f23: f64, f24: u8, f25: u64, f26: f32, f27: u16, f28: string, f29: char, f30: s8, f31: f64, f32: u8, f33: u64, f34: f32, f35: u16, f36: string, f37: char, f38: s8, f39: f64 }) -> result<list<u8, 20>, string>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.record({Field{"f0", s.primitive(TypeKind::U8)}, Field{"f1", s.primitive(TypeKind::U64)}, Field{"f2", s.primitive(TypeKind::F32)}, Field{"f3", s.primitive(TypeKind::U16)}, Field{"f4", s.primitive(TypeKind::String)}, Field{"f5", s.primitive(TypeKind::Char)}, Field{"f6", s.primitive(TypeKind::S8)}, Field{"f7", s.primitive(TypeKind::F64)}, Field{"f8", s.primitive(TypeKind::U8)}, Field{"f9", s.primitive(TypeKind::U64)}, Field{"f10", s.primitive(TypeKind::F32)}, Field{"f11", s.primitive(TypeKind::U16)}, Field{"f12", s.primitive(TypeKind::String)}, Field{"f13", s.primitive(TypeKind::Char)}, Field{"f14", s.primitive(TypeKind::S8)}, Field{"f15", s.primitive(TypeKind::F64)}, Field{"f16", s.primitive(TypeKind::U8)}, Field{"f17", s.primitive(TypeKind::U64)}, Field{"f18", s.primitive(TypeKind::F32)}, Field{"f19", s.primitive(TypeKind::U16)}, Field{"f20", s.primitive(TypeKind::String)}, Field{"f21", s.primitive(TypeKind::Char)}, Field{"f22", s.primitive(TypeKind::S8)}, Field{"f23", s.primitive(TypeKind::F64)}, Field{"f24", s.primitive(TypeKind::U8)}, Field{"f25", s.primitive(TypeKind::U64)}, Field{"f26", s.primitive(TypeKind::F32)}, Field{"f27", s.primitive(TypeKind::U16)}, Field{"f28", s.primitive(TypeKind::String)}, Field{"f29", s.primitive(TypeKind::Char)}, Field{"f30", s.primitive(TypeKind::S8)}, Field{"f31", s.primitive(TypeKind::F64)}, Field{"f32", s.primitive(TypeKind::U8)}, Field{"f33", s.primitive(TypeKind::U64)}, Field{"f34", s.primitive(TypeKind::F32)}, Field{"f35", s.primitive(TypeKind::U16)}, Field{"f36", s.primitive(TypeKind::String)}, Field{"f37", s.primitive(TypeKind::Char)}, Field{"f38", s.primitive(TypeKind::S8)}, Field{"f39", s.primitive(TypeKind::F64)}})}}, s.result(s.fixed_list(s.primitive(TypeKind::U8), 20), s.primitive(TypeKind::String))}); }, {true, true, false}, SignatureContext::Lower, "i64 i64", "i32", true, true},
    {"func(a: string, b: string) -> string", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::String)}, Param{"b", s.primitive(TypeKind::String)}}, s.primitive(TypeKind::String)}); }, {false, false, false}, SignatureContext::Lift, "i32 i32 i32 i32", "i32", false, true},
    {"func(a: string, b: string) -> string", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::String)}, Param{"b", s.primitive(TypeKind::String)}}, s.primitive(TypeKind::String)}); }, {false, false, false}, SignatureContext::Lower, "i32 i32 i32 i32 i32", "", false, true},
    {"func(a: string, b: string) -> string", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::String)}, Param{"b", s.primitive(TypeKind::String)}}, s.primitive(TypeKind::String)}); }, {false, true, false}, SignatureContext::Lift, "i32 i32 i32 i32", "", false, false},
    {"func(a: string, b: string) -> string", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::String)}, Param{"b", s.primitive(TypeKind::String)}}, s.primitive(TypeKind::String)}); }, {false, true, true}, SignatureContext::Lift, "i32 i32 i32 i32", "i32", false, false},
    {"func(a: string, b: string) -> string", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::String)}, Param{"b", s.primitive(TypeKind::String)}}, s.primitive(TypeKind::String)}); }, {false, true, false}, SignatureContext::Lower, "i32 i32 i32 i32 i32", "i32", false, true},
    {"func(a: string, b: string) -> string", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::String)}, Param{"b", s.primitive(TypeKind::String)}}, s.primitive(TypeKind::String)}); }, {true, false, false}, SignatureContext::Lift, "i64 i64 i64 i64", "i64", false, true},
    {"func(a: string, b: string) -> string", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::String)}, Param{"b", s.primitive(TypeKind::String)}}, s.primitive(TypeKind::String)}); }, {true, false, false}, SignatureContext::Lower, "i64 i64 i64 i64 i64", "", false, true},
    {"func(a: string, b: string) -> string", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::String)}, Param{"b", s.primitive(TypeKind::String)}}, s.primitive(TypeKind::String)}); }, {true, true, false}, SignatureContext::Lift, "i64 i64 i64 i64", "", false, false},
    {"func(a: string, b: string) -> string", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::String)}, Param{"b", s.primitive(TypeKind::String)}}, s.primitive(TypeKind::String)}); }, {true, true, true}, SignatureContext::Lift, "i64 i64 i64 i64", "i32", false, false},
    {"func(a: string, b: string) -> string", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::String)}, Param{"b", s.primitive(TypeKind::String)}}, s.primitive(TypeKind::String)}); }, {true, true, false}, SignatureContext::Lower, "i64 i64 i64 i64 i64", "i32", false, true},
    {"func(a: string, b: string, c: u8) -> result", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::String)}, Param{"b", s.primitive(TypeKind::String)}, Param{"c", s.primitive(TypeKind::U8)}}, s.result(std::nullopt, std::nullopt)}); }, {false, false, false}, SignatureContext::Lift, "i32 i32 i32 i32 i32", "i32", false, false},
    {"func(a: string, b: string, c: u8) -> result", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::String)}, Param{"b", s.primitive(TypeKind::String)}, Param{"c", s.primitive(TypeKind::U8)}}, s.result(std::nullopt, std::nullopt)}); }, {false, false, false}, SignatureContext::Lower, "i32 i32 i32 i32 i32", "i32", false, false},
    {"func(a: string, b: string, c: u8) -> result", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::String)}, Param{"b", s.primitive(TypeKind::String)}, Param{"c", s.primitive(TypeKind::U8)}}, s.result(std::nullopt, std::nullopt)}); }, {false, true, false}, SignatureContext::Lift, "i32 i32 i32 i32 i32", "", false, false},
    {"func(a: string, b: string, c: u8) -> result", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::String)}, Param{"b", s.primitive(TypeKind::String)}, Param{"c", s.primitive(TypeKind::U8)}}, s.result(std::nullopt, std::nullopt)}); }, {false, true, true}, SignatureContext::Lift, "i32 i32 i32 i32 i32", "i32", false, false},
    {"func(a: string, b: string, c: u8) -> result", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::String)}, Param{"b", s.primitive(TypeKind::String)}, Param{"c", s.primitive(TypeKind::U8)}}, s.result(std::nullopt, std::nullopt)}); }, {false, true, false}, SignatureContext::Lower, "i32 i32", "i32", true, true},
    {"func(a: string, b: string, c: u8) -> result", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::String)}, Param{"b", s.primitive(TypeKind::String)}, Param{"c", s.primitive(TypeKind::U8)}}, s.result(std::nullopt, std::nullopt)}); }, {true, false, false}, SignatureContext::Lift, "i64 i64 i64 i64 i32", "i32", false, false},
    {"func(a: string, b: string, c: u8) -> result", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::String)}, Param{"b", s.primitive(TypeKind::String)}, Param{"c", s.primitive(TypeKind::U8)}}, s.result(std::nullopt, std::nullopt)}); }, {true, false, false}, SignatureContext::Lower, "i64 i64 i64 i64 i32", "i32", false, false},
    {"func(a: string, b: string, c: u8) -> result", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::String)}, Param{"b", s.primitive(TypeKind::String)}, Param{"c", s.primitive(TypeKind::U8)}}, s.result(std::nullopt, std::nullopt)}); }, {true, true, false}, SignatureContext::Lift, "i64 i64 i64 i64 i32", "", false, false},
    {"func(a: string, b: string, c: u8) -> result", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::String)}, Param{"b", s.primitive(TypeKind::String)}, Param{"c", s.primitive(TypeKind::U8)}}, s.result(std::nullopt, std::nullopt)}); }, {true, true, true}, SignatureContext::Lift, "i64 i64 i64 i64 i32", "i32", false, false},
    {"func(a: string, b: string, c: u8) -> result", [](TypeStore& s) { return s.func(FuncType{false, {Param{"a", s.primitive(TypeKind::String)}, Param{"b", s.primitive(TypeKind::String)}, Param{"c", s.primitive(TypeKind::U8)}}, s.result(std::nullopt, std::nullopt)}); }, {true, true, false}, SignatureContext::Lower, "i64 i64", "i32", true, true},
    {"func(m: map<string, u32>) -> list<string>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"m", s.map(s.primitive(TypeKind::String), s.primitive(TypeKind::U32))}}, s.list(s.primitive(TypeKind::String))}); }, {false, false, false}, SignatureContext::Lift, "i32 i32", "i32", false, true},
    {"func(m: map<string, u32>) -> list<string>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"m", s.map(s.primitive(TypeKind::String), s.primitive(TypeKind::U32))}}, s.list(s.primitive(TypeKind::String))}); }, {false, false, false}, SignatureContext::Lower, "i32 i32 i32", "", false, true},
    {"func(m: map<string, u32>) -> list<string>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"m", s.map(s.primitive(TypeKind::String), s.primitive(TypeKind::U32))}}, s.list(s.primitive(TypeKind::String))}); }, {false, true, false}, SignatureContext::Lift, "i32 i32", "", false, false},
    {"func(m: map<string, u32>) -> list<string>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"m", s.map(s.primitive(TypeKind::String), s.primitive(TypeKind::U32))}}, s.list(s.primitive(TypeKind::String))}); }, {false, true, true}, SignatureContext::Lift, "i32 i32", "i32", false, false},
    {"func(m: map<string, u32>) -> list<string>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"m", s.map(s.primitive(TypeKind::String), s.primitive(TypeKind::U32))}}, s.list(s.primitive(TypeKind::String))}); }, {false, true, false}, SignatureContext::Lower, "i32 i32 i32", "i32", false, true},
    {"func(m: map<string, u32>) -> list<string>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"m", s.map(s.primitive(TypeKind::String), s.primitive(TypeKind::U32))}}, s.list(s.primitive(TypeKind::String))}); }, {true, false, false}, SignatureContext::Lift, "i64 i64", "i64", false, true},
    {"func(m: map<string, u32>) -> list<string>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"m", s.map(s.primitive(TypeKind::String), s.primitive(TypeKind::U32))}}, s.list(s.primitive(TypeKind::String))}); }, {true, false, false}, SignatureContext::Lower, "i64 i64 i64", "", false, true},
    {"func(m: map<string, u32>) -> list<string>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"m", s.map(s.primitive(TypeKind::String), s.primitive(TypeKind::U32))}}, s.list(s.primitive(TypeKind::String))}); }, {true, true, false}, SignatureContext::Lift, "i64 i64", "", false, false},
    {"func(m: map<string, u32>) -> list<string>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"m", s.map(s.primitive(TypeKind::String), s.primitive(TypeKind::U32))}}, s.list(s.primitive(TypeKind::String))}); }, {true, true, true}, SignatureContext::Lift, "i64 i64", "i32", false, false},
    {"func(m: map<string, u32>) -> list<string>", [](TypeStore& s) { return s.func(FuncType{false, {Param{"m", s.map(s.primitive(TypeKind::String), s.primitive(TypeKind::U32))}}, s.list(s.primitive(TypeKind::String))}); }, {true, true, false}, SignatureContext::Lower, "i64 i64 i64", "i32", false, true},
    {"func(v: variant with 300 cases) -> enum { a, b }", [](TypeStore& s) { return s.func(FuncType{false, {Param{"v", s.variant(numbered_cases(300, {{5, s.primitive(TypeKind::U64)}}))}}, s.enumeration({"a", "b"})}); }, {false, false, false}, SignatureContext::Lift, "i32 i64", "i32", false, false},
    {"func(v: variant with 300 cases) -> enum { a, b }", [](TypeStore& s) { return s.func(FuncType{false, {Param{"v", s.variant(numbered_cases(300, {{5, s.primitive(TypeKind::U64)}}))}}, s.enumeration({"a", "b"})}); }, {false, false, false}, SignatureContext::Lower, "i32 i64", "i32", false, false},
    {"func(v: variant with 300 cases) -> enum { a, b }", [](TypeStore& s) { return s.func(FuncType{false, {Param{"v", s.variant(numbered_cases(300, {{5, s.primitive(TypeKind::U64)}}))}}, s.enumeration({"a", "b"})}); }, {false, true, false}, SignatureContext::Lift, "i32 i64", "", false, false},
    {"func(v: variant with 300 cases) -> enum { a, b }", [](TypeStore& s) { return s.func(FuncType{false, {Param{"v", s.variant(numbered_cases(300, {{5, s.primitive(TypeKind::U64)}}))}}, s.enumeration({"a", "b"})}); }, {false, true, true}, SignatureContext::Lift, "i32 i64", "i32", false, false},
    {"func(v: variant with 300 cases) -> enum { a, b }", [](TypeStore& s) { return s.func(FuncType{false, {Param{"v", s.variant(numbered_cases(300, {{5, s.primitive(TypeKind::U64)}}))}}, s.enumeration({"a", "b"})}); }, {false, true, false}, SignatureContext::Lower, "i32 i64 i32", "i32", false, true},
    {"func(v: variant with 300 cases) -> enum { a, b }", [](TypeStore& s) { return s.func(FuncType{false, {Param{"v", s.variant(numbered_cases(300, {{5, s.primitive(TypeKind::U64)}}))}}, s.enumeration({"a", "b"})}); }, {true, false, false}, SignatureContext::Lift, "i32 i64", "i32", false, false},
    {"func(v: variant with 300 cases) -> enum { a, b }", [](TypeStore& s) { return s.func(FuncType{false, {Param{"v", s.variant(numbered_cases(300, {{5, s.primitive(TypeKind::U64)}}))}}, s.enumeration({"a", "b"})}); }, {true, false, false}, SignatureContext::Lower, "i32 i64", "i32", false, false},
    {"func(v: variant with 300 cases) -> enum { a, b }", [](TypeStore& s) { return s.func(FuncType{false, {Param{"v", s.variant(numbered_cases(300, {{5, s.primitive(TypeKind::U64)}}))}}, s.enumeration({"a", "b"})}); }, {true, true, false}, SignatureContext::Lift, "i32 i64", "", false, false},
    {"func(v: variant with 300 cases) -> enum { a, b }", [](TypeStore& s) { return s.func(FuncType{false, {Param{"v", s.variant(numbered_cases(300, {{5, s.primitive(TypeKind::U64)}}))}}, s.enumeration({"a", "b"})}); }, {true, true, true}, SignatureContext::Lift, "i32 i64", "i32", false, false},
    {"func(v: variant with 300 cases) -> enum { a, b }", [](TypeStore& s) { return s.func(FuncType{false, {Param{"v", s.variant(numbered_cases(300, {{5, s.primitive(TypeKind::U64)}}))}}, s.enumeration({"a", "b"})}); }, {true, true, false}, SignatureContext::Lower, "i32 i64 i64", "i32", false, true},
    {"func(x: u64, y: f32) -> result", [](TypeStore& s) { return s.func(FuncType{false, {Param{"x", s.primitive(TypeKind::U64)}, Param{"y", s.primitive(TypeKind::F32)}}, s.result(std::nullopt, std::nullopt)}); }, {false, false, false}, SignatureContext::Lift, "i64 f32", "i32", false, false},
    {"func(x: u64, y: f32) -> result", [](TypeStore& s) { return s.func(FuncType{false, {Param{"x", s.primitive(TypeKind::U64)}, Param{"y", s.primitive(TypeKind::F32)}}, s.result(std::nullopt, std::nullopt)}); }, {false, false, false}, SignatureContext::Lower, "i64 f32", "i32", false, false},
    {"func(x: u64, y: f32) -> result", [](TypeStore& s) { return s.func(FuncType{false, {Param{"x", s.primitive(TypeKind::U64)}, Param{"y", s.primitive(TypeKind::F32)}}, s.result(std::nullopt, std::nullopt)}); }, {false, true, false}, SignatureContext::Lift, "i64 f32", "", false, false},
    {"func(x: u64, y: f32) -> result", [](TypeStore& s) { return s.func(FuncType{false, {Param{"x", s.primitive(TypeKind::U64)}, Param{"y", s.primitive(TypeKind::F32)}}, s.result(std::nullopt, std::nullopt)}); }, {false, true, true}, SignatureContext::Lift, "i64 f32", "i32", false, false},
    {"func(x: u64, y: f32) -> result", [](TypeStore& s) { return s.func(FuncType{false, {Param{"x", s.primitive(TypeKind::U64)}, Param{"y", s.primitive(TypeKind::F32)}}, s.result(std::nullopt, std::nullopt)}); }, {false, true, false}, SignatureContext::Lower, "i64 f32 i32", "i32", false, true},
    {"func(x: u64, y: f32) -> result", [](TypeStore& s) { return s.func(FuncType{false, {Param{"x", s.primitive(TypeKind::U64)}, Param{"y", s.primitive(TypeKind::F32)}}, s.result(std::nullopt, std::nullopt)}); }, {true, false, false}, SignatureContext::Lift, "i64 f32", "i32", false, false},
    {"func(x: u64, y: f32) -> result", [](TypeStore& s) { return s.func(FuncType{false, {Param{"x", s.primitive(TypeKind::U64)}, Param{"y", s.primitive(TypeKind::F32)}}, s.result(std::nullopt, std::nullopt)}); }, {true, false, false}, SignatureContext::Lower, "i64 f32", "i32", false, false},
    {"func(x: u64, y: f32) -> result", [](TypeStore& s) { return s.func(FuncType{false, {Param{"x", s.primitive(TypeKind::U64)}, Param{"y", s.primitive(TypeKind::F32)}}, s.result(std::nullopt, std::nullopt)}); }, {true, true, false}, SignatureContext::Lift, "i64 f32", "", false, false},
    {"func(x: u64, y: f32) -> result", [](TypeStore& s) { return s.func(FuncType{false, {Param{"x", s.primitive(TypeKind::U64)}, Param{"y", s.primitive(TypeKind::F32)}}, s.result(std::nullopt, std::nullopt)}); }, {true, true, true}, SignatureContext::Lift, "i64 f32", "i32", false, false},
    {"func(x: u64, y: f32) -> result", [](TypeStore& s) { return s.func(FuncType{false, {Param{"x", s.primitive(TypeKind::U64)}, Param{"y", s.primitive(TypeKind::F32)}}, s.result(std::nullopt, std::nullopt)}); }, {true, true, false}, SignatureContext::Lower, "i64 f32 i64", "i32", false, true},
};

TEST(FlattenFunctype, MatchesReferenceImplementation) {
  TypeStore store;
  for (const SignatureExpectation& e : kSignatures) {
    SCOPED_TRACE(std::string(e.name) + (e.options.memory64 ? " memory64" : " memory32") +
                 (e.options.is_async ? " async" : " sync") +
                 (e.options.callback ? " callback" : "") +
                 (e.context == SignatureContext::Lift ? " lift" : " lower"));
    const FuncTypeId id = e.build(store);
    const CoreSignature sig = flatten_functype(store, id, e.options, e.context);
    EXPECT_EQ(core_text(sig.params), e.params);
    EXPECT_EQ(core_text(sig.results), e.results);
    EXPECT_EQ(sig.params_indirect, e.params_indirect);
    EXPECT_EQ(sig.results_indirect, e.results_indirect);
    if (std::string(e.name).find(" with ") == std::string::npos) {
      EXPECT_EQ(to_string(store, id), e.name);
    }
    EXPECT_EQ(e.build(store), id);
  }
}

TEST(TypeStore, InternsStructurallyEqualTypes) {
  TypeStore s;
  const TypeId u8 = s.primitive(TypeKind::U8);
  const TypeId u16 = s.primitive(TypeKind::U16);
  EXPECT_EQ(s.primitive(TypeKind::U8), u8);
  EXPECT_NE(u8, u16);

  const TypeId point = s.record({Field{"x", u8}, Field{"y", u16}});
  EXPECT_EQ(s.record({Field{"x", u8}, Field{"y", u16}}), point);
  EXPECT_NE(s.record({Field{"y", u16}, Field{"x", u8}}), point);
  EXPECT_NE(s.record({Field{"x", u8}, Field{"z", u16}}), point);
  EXPECT_NE(s.record({Field{"x", u8}, Field{"y", u8}}), point);
  EXPECT_NE(s.tuple({u8, u16}), point);
  EXPECT_NE(s.tuple({u8, u16}), s.tuple({u16, u8}));

  EXPECT_NE(s.option(u8), s.variant({Case{"none", std::nullopt}, Case{"some", u8}}));
  EXPECT_NE(s.enumeration({"a", "b"}),
            s.variant({Case{"a", std::nullopt}, Case{"b", std::nullopt}}));
  EXPECT_NE(s.enumeration({"a", "b"}), s.enumeration({"b", "a"}));
  EXPECT_NE(s.enumeration({"a", "b"}), s.flags({"a", "b"}));
  EXPECT_NE(s.variant({Case{"a", u8}}), s.variant({Case{"a", std::nullopt}}));
  EXPECT_NE(s.result(u8, std::nullopt), s.result(std::nullopt, u8));
  EXPECT_NE(s.result(std::nullopt, std::nullopt), s.result(u8, u8));
  EXPECT_NE(s.own(0), s.own(1));
  EXPECT_NE(s.own(0), s.borrow(0));
  EXPECT_NE(s.future(std::nullopt), s.future(u8));
  EXPECT_NE(s.future(u8), s.stream(u8));
  EXPECT_NE(s.list(u8), s.fixed_list(u8, 1));
  EXPECT_NE(s.fixed_list(u8, 4), s.fixed_list(u8, 5));
  EXPECT_NE(s.map(u8, u16), s.map(u16, u8));
  EXPECT_NE(s.map(u8, u16), s.list(s.tuple({u8, u16})));

  const size_t before = s.size();
  EXPECT_EQ(s.map(u8, u16), s.map(u8, u16));
  EXPECT_EQ(s.enumeration({"a", "b"}), s.enumeration({"a", "b"}));
  EXPECT_EQ(s.result(std::nullopt, u8), s.result(std::nullopt, u8));
  EXPECT_EQ(s.size(), before);
}

TEST(TypeStore, FillsInDespecializedCases) {
  TypeStore s;
  const TypeId u8 = s.primitive(TypeKind::U8);
  const TypeId str = s.string();

  const TypeNode& option = s.get(s.option(u8));
  EXPECT_EQ(option.cases, (std::vector<Case>{Case{"none", std::nullopt}, Case{"some", u8}}));
  EXPECT_EQ(option.element, u8);

  const TypeNode& result = s.get(s.result(std::nullopt, str));
  EXPECT_EQ(result.cases, (std::vector<Case>{Case{"ok", std::nullopt}, Case{"error", str}}));

  const TypeNode& e = s.get(s.enumeration({"red", "green"}));
  EXPECT_EQ(e.cases, (std::vector<Case>{Case{"red", std::nullopt}, Case{"green", std::nullopt}}));
  EXPECT_EQ(e.labels, (std::vector<std::string>{"red", "green"}));

  const TypeNode& m = s.get(s.map(str, u8));
  EXPECT_EQ(m.key, str);
  EXPECT_EQ(m.value, u8);

  const TypeNode& fixed = s.get(s.fixed_list(u8, 7));
  EXPECT_EQ(fixed.element, u8);
  EXPECT_EQ(fixed.length, 7u);
}

TEST(TypeStore, ReferencesStayValidWhileInterning) {
  TypeStore s;
  const TypeId first = s.record({Field{"a", s.primitive(TypeKind::U32)}});
  const TypeNode& node = s.get(first);
  TypeId t = first;
  for (uint32_t i = 0; i < 20000; ++i) t = s.fixed_list(s.primitive(TypeKind::U8), i + 1);
  EXPECT_EQ(node.kind, TypeKind::Record);
  EXPECT_EQ(node.fields.at(0).name, "a");
  EXPECT_EQ(s.get(t).length, 20000u);
}

TEST(TypeStore, MovesKeepTypes) {
  TypeStore a;
  const TypeId id = a.list(a.string());
  TypeStore b(std::move(a));
  EXPECT_EQ(b.get(id).kind, TypeKind::List);
  TypeStore c;
  c = std::move(b);
  EXPECT_EQ(c.list(c.string()), id);
}

TEST(TypeStore, DepthAndBorrows) {
  TypeStore s;
  const TypeId u8 = s.primitive(TypeKind::U8);
  EXPECT_EQ(s.get(u8).depth, 1u);
  EXPECT_EQ(s.get(s.list(u8)).depth, 2u);
  TypeId t = u8;
  for (int i = 0; i < 6; ++i) t = s.option(t);
  EXPECT_EQ(s.get(t).depth, 7u);
  EXPECT_EQ(s.get(s.tuple({u8, t, s.list(u8)})).depth, 8u);
  EXPECT_EQ(s.get(s.map(u8, s.list(s.list(u8)))).depth, 4u);

  const TypeId b = s.borrow(3);
  EXPECT_TRUE(s.get(b).contains_borrow);
  EXPECT_FALSE(s.get(s.own(3)).contains_borrow);
  EXPECT_TRUE(s.get(s.option(s.list(s.record({Field{"h", b}})))).contains_borrow);
  EXPECT_TRUE(s.get(s.map(u8, b)).contains_borrow);
  EXPECT_TRUE(s.get(s.result(std::nullopt, b)).contains_borrow);
  EXPECT_TRUE(s.get(s.future(b)).contains_borrow);
  EXPECT_TRUE(s.get(s.fixed_list(b, 2)).contains_borrow);
  EXPECT_FALSE(s.get(s.stream(u8)).contains_borrow);
}

TEST(TypeStore, FuncTypesAreInterned) {
  TypeStore s;
  const TypeId u32 = s.primitive(TypeKind::U32);
  const FuncTypeId f = s.func(FuncType{false, {Param{"a", u32}}, s.string()});
  EXPECT_EQ(s.func(FuncType{false, {Param{"a", u32}}, s.string()}), f);
  EXPECT_NE(s.func(FuncType{true, {Param{"a", u32}}, s.string()}), f);
  EXPECT_NE(s.func(FuncType{false, {Param{"b", u32}}, s.string()}), f);
  EXPECT_NE(s.func(FuncType{false, {Param{"a", u32}}, std::nullopt}), f);
  EXPECT_EQ(s.get(f).params.at(0).name, "a");
}

TEST(ToString, WitSpelling) {
  TypeStore s;
  const TypeId u8 = s.primitive(TypeKind::U8);
  const TypeId u32 = s.primitive(TypeKind::U32);
  const TypeId f32 = s.primitive(TypeKind::F32);
  EXPECT_EQ(to_string(s, s.record({Field{"x", f32}, Field{"y", s.option(u8)}})),
            "record { x: f32, y: option<u8> }");
  EXPECT_EQ(to_string(s, s.fixed_list(u8, 4)), "list<u8, 4>");
  EXPECT_EQ(to_string(s, s.result(std::nullopt, s.string())), "result<_, string>");
  EXPECT_EQ(to_string(s, s.result(u8, std::nullopt)), "result<u8>");
  EXPECT_EQ(to_string(s, s.result(std::nullopt, std::nullopt)), "result");
  EXPECT_EQ(to_string(s, s.own(0)), "own<r0>");
  EXPECT_EQ(to_string(s, s.borrow(12)), "borrow<r12>");
  EXPECT_EQ(to_string(s, s.map(s.string(), s.list(u32))), "map<string, list<u32>>");
  EXPECT_EQ(to_string(s, s.variant({Case{"a", std::nullopt}, Case{"b", u8}})),
            "variant { a, b(u8) }");
  EXPECT_EQ(to_string(s, s.enumeration({"x", "y"})), "enum { x, y }");
  EXPECT_EQ(to_string(s, s.flags({"r", "w"})), "flags { r, w }");
  EXPECT_EQ(to_string(s, s.flags({})), "flags { }");
  EXPECT_EQ(to_string(s, s.record({})), "record { }");
  EXPECT_EQ(to_string(s, s.tuple({})), "tuple<>");
  EXPECT_EQ(to_string(s, s.future(std::nullopt)), "future");
  EXPECT_EQ(to_string(s, s.stream(u8)), "stream<u8>");
  EXPECT_EQ(to_string(s, s.error_context()), "error-context");
  EXPECT_EQ(to_string(s, s.boolean()), "bool");
  EXPECT_EQ(to_string(s, s.func(FuncType{false, {Param{"a", u32}}, s.string()})),
            "func(a: u32) -> string");
  EXPECT_EQ(to_string(s, s.func(FuncType{false, {}, std::nullopt})), "func()");
  EXPECT_EQ(to_string(s, s.func(FuncType{true, {Param{"a", u32}, Param{"b", f32}}, std::nullopt})),
            "async func(a: u32, b: f32)");
}

TEST(ToString, DeepNestingDoesNotExhaustTheStack) {
  TypeStore s;
  TypeId t = s.primitive(TypeKind::U8);
  for (int i = 0; i < 100000; ++i) t = s.list(t);
  const std::string text = to_string(s, t, 1'000'000);
  EXPECT_EQ(text.size(), 100000 * std::string("list<>").size() + 2);
  EXPECT_EQ(text.substr(0, 12), "list<list<li");
  EXPECT_TRUE(check_value_type(s, t).ok());
}

TEST(Names, KindsAndCoreTypes) {
  EXPECT_STREQ(kind_name(TypeKind::U32), "u32");
  EXPECT_STREQ(kind_name(TypeKind::Record), "record");
  EXPECT_STREQ(kind_name(TypeKind::FixedList), "list");
  EXPECT_STREQ(kind_name(TypeKind::ErrorContext), "error-context");
  EXPECT_STREQ(kind_name(TypeKind::Borrow), "borrow");
  EXPECT_EQ(wasm::to_string(wasm::ValType::I32), "i32");
  EXPECT_EQ(wasm::to_string(wasm::ValType::I64), "i64");
  EXPECT_EQ(wasm::to_string(wasm::ValType::F32), "f32");
  EXPECT_EQ(wasm::to_string(wasm::ValType::F64), "f64");
}

std::string check_error(const TypeStore& s, TypeId id) {
  Expected<void> result = check_value_type(s, id);
  return result.ok() ? "ok" : result.error().message;
}

TEST(CheckValueType, AcceptsValidTypes) {
  TypeStore s;
  const TypeId u8 = s.primitive(TypeKind::U8);
  EXPECT_EQ(check_error(s, u8), "ok");
  EXPECT_EQ(check_error(s, s.flags(numbered_labels(1))), "ok");
  EXPECT_EQ(check_error(s, s.flags(numbered_labels(32))), "ok");
  EXPECT_EQ(check_error(s, s.enumeration(numbered_labels(70000))), "ok");
  EXPECT_EQ(check_error(s, s.fixed_list(u8, 1)), "ok");
  // The largest size below 2^28.
  EXPECT_EQ(check_error(s, s.fixed_list(u8, (1u << 28) - 1)), "ok");
  EXPECT_EQ(check_error(s, s.option(s.result(s.record({Field{"a", u8}, Field{"b", s.string()}}),
                                             s.variant({Case{"x", std::nullopt}, Case{"y", u8}})))),
            "ok");
  EXPECT_EQ(check_error(s, s.map(s.string(), s.tuple({u8}))), "ok");
  // A list of an element with a large size is small itself, but its element
  // still counts.
  EXPECT_NE(check_error(s, s.list(s.fixed_list(u8, 1u << 28))), "ok");
}

TEST(CheckValueType, RejectsFlagsWithoutOneToThirtyTwoLabels) {
  TypeStore s;
  EXPECT_EQ(check_error(s, s.flags({})),
            "flags type `flags { }` has 0 labels; flags need 1 to 32 labels (Component Model)");
  const std::string too_many = check_error(s, s.flags(numbered_labels(33)));
  EXPECT_NE(too_many.find("has 33 labels; flags need 1 to 32 labels"), std::string::npos)
      << too_many;
  EXPECT_EQ(too_many.rfind("flags type `flags { l0, l1, ", 0), 0u) << too_many;
  EXPECT_EQ(check_error(s, s.flags({"a", "b", "a"})),
            "flags type `flags { a, b, a }` has the label `a` more than once");
  EXPECT_EQ(check_error(s, s.flags({""})), "flags type `flags {  }` has an empty label name");
}

TEST(CheckValueType, RejectsEmptyAndDuplicates) {
  TypeStore s;
  const TypeId u8 = s.primitive(TypeKind::U8);
  EXPECT_EQ(check_error(s, s.record({})),
            "record type `record { }` has no fields; a record needs at least 1 field");
  EXPECT_EQ(check_error(s, s.record({Field{"a", u8}, Field{"b", u8}, Field{"a", s.string()}})),
            "record type `record { a: u8, b: u8, a: string }` has the field `a` more than once");
  EXPECT_EQ(check_error(s, s.tuple({})),
            "tuple type `tuple<>` has no elements; a tuple needs at least 1 element");
  EXPECT_EQ(check_error(s, s.variant({})),
            "variant type `variant { }` has no cases; a variant needs at least 1 case");
  EXPECT_EQ(check_error(s, s.variant({Case{"x", u8}, Case{"x", std::nullopt}})),
            "variant type `variant { x(u8), x }` has the case `x` more than once");
  EXPECT_EQ(check_error(s, s.enumeration({})),
            "enum type `enum { }` has 0 labels; an enum needs at least 1 label");
  EXPECT_EQ(check_error(s, s.enumeration({"a", "a"})),
            "enum type `enum { a, a }` has the label `a` more than once");
  EXPECT_EQ(
      check_error(s, s.fixed_list(u8, 0)),
      "list type `list<u8, 0>` has length 0; a fixed-length list needs a length of at least 1");
}

TEST(CheckValueType, RejectsStreamsOfCharsAndBorrowPayloads) {
  TypeStore s;
  const TypeId c = s.primitive(TypeKind::Char);
  const TypeId borrow = s.borrow(0);
  EXPECT_NE(check_error(s, s.stream(c)).find("`stream<char>` is not valid"), std::string::npos);
  EXPECT_EQ(check_error(s, s.future(c)), "ok");
  EXPECT_EQ(check_error(s, s.stream(s.own(0))), "ok");
  for (TypeId bad : {s.future(borrow), s.stream(s.list(s.option(borrow)))}) {
    EXPECT_NE(check_error(s, bad).find("payloads may not hold a `borrow`"), std::string::npos)
        << check_error(s, bad);
  }
}

TEST(CheckValueType, FindsProblemsInNestedTypes) {
  TypeStore s;
  const TypeId u8 = s.primitive(TypeKind::U8);
  const TypeId bad = s.record({});
  EXPECT_EQ(check_error(s, s.option(s.list(s.tuple({u8, bad})))),
            "record type `record { }` has no fields; a record needs at least 1 field");
  EXPECT_EQ(check_error(s, s.map(u8, s.flags({}))),
            "flags type `flags { }` has 0 labels; flags need 1 to 32 labels (Component Model)");
  EXPECT_EQ(check_error(s, s.future(s.enumeration({}))),
            "enum type `enum { }` has 0 labels; an enum needs at least 1 label");
  EXPECT_EQ(
      check_error(s, s.result(std::nullopt, s.fixed_list(u8, 0))),
      "list type `list<u8, 0>` has length 0; a fixed-length list needs a length of at least 1");
}

TEST(CheckValueType, RejectsElementSizesOfTwoToTheTwentyEighth) {
  TypeStore s;
  const TypeId u8 = s.primitive(TypeKind::U8);
  const TypeId u64 = s.primitive(TypeKind::U64);
  EXPECT_EQ(check_error(s, s.fixed_list(u64, 1u << 25)),
            "list type `list<u64, 33554432>` is too large: its size in a 64-bit memory is "
            "268435456 bytes "
            "or more; it must be below 2^28 bytes");
  EXPECT_EQ(check_error(s, s.fixed_list(u64, (1u << 25) - 1)), "ok");
  // Only the record exceeds the limit, by its second field.
  const std::string record =
      check_error(s, s.record({Field{"big", s.fixed_list(u8, (1u << 28) - 1)}, Field{"one", u8}}));
  EXPECT_EQ(
      record.rfind("record type `record { big: list<u8, 268435455>, one: u8 }` is too large", 0),
      0u)
      << record;
  // Strings are twice as large in a 64-bit memory: 2^24 strings fit in 2^28
  // bytes with 32-bit pointers but not with 64-bit ones.
  EXPECT_NE(check_error(s, s.fixed_list(s.string(), 1u << 24)), "ok");
}

TEST(CheckValueType, HugeFixedListsSaturateWithoutOverflow) {
  TypeStore s;
  const TypeId inner = s.fixed_list(s.primitive(TypeKind::U64), 0xFFFFFFFFu);
  const TypeId outer = s.fixed_list(inner, 0xFFFFFFFFu);
  const TypeId record =
      s.record({Field{"a", outer}, Field{"b", outer}, Field{"c", s.primitive(TypeKind::U8)}});
  for (TypeId id : {inner, outer, record}) {
    const TypeNode& node = s.get(id);
    EXPECT_GE(node.abi32.size, 1u << 28);
    EXPECT_GE(node.abi64.size, node.abi32.size);
    EXPECT_FALSE(node.abi64.flat.has_value());
  }
  EXPECT_EQ(s.get(record).abi64.align, 8u);
  EXPECT_NE(check_error(s, record), "ok");
  const TypeId variant = s.variant({Case{"a", outer}, Case{"b", std::nullopt}});
  EXPECT_GE(s.get(variant).abi64.size, 1u << 28);
  EXPECT_NE(check_error(s, variant), "ok");

  // Elements without flat values or size (invalid) still give a quick answer.
  const TypeId empty_elements = s.fixed_list(s.flags({}), 0xFFFFFFFFu);
  EXPECT_EQ(s.get(empty_elements).abi32.size, 0u);
  EXPECT_EQ(flat_text(s.get(empty_elements).abi64.flat), "");
  EXPECT_EQ(check_error(s, empty_elements),
            "flags type `flags { }` has 0 labels; flags need 1 to 32 labels (Component Model)");
}

TEST(CheckFuncType, ChecksNamesAndTypes) {
  TypeStore s;
  const TypeId u32 = s.primitive(TypeKind::U32);
  auto check = [&](FuncType f) {
    Expected<void> result = check_func_type(s, s.func(std::move(f)));
    return result.ok() ? std::string("ok") : result.error().message;
  };
  EXPECT_EQ(check(FuncType{false, {Param{"a", u32}, Param{"b", u32}}, u32}), "ok");
  EXPECT_EQ(check(FuncType{false, {}, std::nullopt}), "ok");
  EXPECT_EQ(check(FuncType{false, {Param{"a", u32}, Param{"a", u32}}, std::nullopt}),
            "function type `func(a: u32, a: u32)` has the parameter `a` more than once");
  EXPECT_EQ(check(FuncType{true, {Param{"", u32}}, std::nullopt}),
            "function type `async func(: u32)` has an empty parameter name");
  EXPECT_EQ(check(FuncType{false, {Param{"f", s.flags({})}}, std::nullopt}),
            "function type `func(f: flags { })`, parameter `f`: flags type `flags { }` has 0 "
            "labels; flags "
            "need 1 to 32 labels (Component Model)");
  EXPECT_EQ(check(FuncType{false, {}, s.record({})}),
            "function type `func() -> record { }`, result: record type `record { }` has no fields; "
            "a record "
            "needs at least 1 field");
}

TEST(CheckValueType, LongTypeTextIsShortenedInMessages) {
  TypeStore s;
  // Each level doubles the text; the message must stay short.
  TypeId t = s.record({});
  for (int i = 0; i < 60; ++i) t = s.tuple({t, t});
  const std::string message = check_error(s, s.option(t));
  EXPECT_EQ(message, "record type `record { }` has no fields; a record needs at least 1 field");
  const std::string text = check_error(s, s.flags(numbered_labels(1000)));
  EXPECT_LT(text.size(), 400u) << text;
  EXPECT_NE(text.find("...`"), std::string::npos) << text;
}

TEST(Abi, FlagsOutsideTheComponentModelRangeStayWellDefined) {
  TypeStore s;
  const TypeNode& none = s.get(s.flags({}));
  EXPECT_EQ(none.abi32.size, 0u);
  EXPECT_EQ(none.abi32.align, 1u);
  EXPECT_EQ(flat_text(none.abi32.flat), "");
  const TypeNode& n33 = s.get(s.flags(numbered_labels(33)));
  EXPECT_EQ(n33.abi64.size, 8u);
  EXPECT_EQ(n33.abi64.align, 4u);
  EXPECT_EQ(flat_text(n33.abi64.flat), "i32 i32");
  const TypeNode& n1000 = s.get(s.flags(numbered_labels(1000)));
  EXPECT_EQ(n1000.abi32.size, 128u);
  EXPECT_FALSE(n1000.abi32.flat.has_value());
}

TEST(Abi, DiscriminantAndFlagsSizes) {
  EXPECT_EQ(discriminant_size(1), 1u);
  EXPECT_EQ(discriminant_size(256), 1u);
  EXPECT_EQ(discriminant_size(257), 2u);
  EXPECT_EQ(discriminant_size(65536), 2u);
  EXPECT_EQ(discriminant_size(65537), 4u);
  EXPECT_EQ(flags_size(1), 1u);
  EXPECT_EQ(flags_size(8), 1u);
  EXPECT_EQ(flags_size(9), 2u);
  EXPECT_EQ(flags_size(16), 2u);
  EXPECT_EQ(flags_size(17), 4u);
  EXPECT_EQ(flags_size(32), 4u);
  EXPECT_EQ(flags_size(0), 0u);
  EXPECT_EQ(flags_size(65), 12u);
}

TEST(Abi, Join) {
  const wasm::ValType all[] = {wasm::ValType::I32, wasm::ValType::I64, wasm::ValType::F32,
                               wasm::ValType::F64};
  for (wasm::ValType a : all) {
    for (wasm::ValType b : all) {
      wasm::ValType expected = wasm::ValType::I64;
      if (a == b) {
        expected = a;
      } else if ((a == wasm::ValType::I32 || a == wasm::ValType::F32) &&
                 (b == wasm::ValType::I32 || b == wasm::ValType::F32)) {
        expected = wasm::ValType::I32;
      }
      EXPECT_EQ(join(a, b), expected) << wasm::to_string(a) << " " << wasm::to_string(b);
    }
  }
  EXPECT_EQ(join(wasm::ValType::F32, wasm::ValType::F64), wasm::ValType::I64);
  EXPECT_EQ(join(wasm::ValType::I32, wasm::ValType::F64), wasm::ValType::I64);
}

TEST(Abi, MapEntriesAndMembers) {
  TypeStore s;
  const TypeId u8 = s.primitive(TypeKind::U8);
  const TypeId u32 = s.primitive(TypeKind::U32);
  const TypeId m = s.map(s.string(), u32);
  const AbiLayout e32 = map_entry_layout(s, m, false);
  const AbiLayout e64 = map_entry_layout(s, m, true);
  EXPECT_EQ(e32.size, 12u);
  EXPECT_EQ(e32.align, 4u);
  EXPECT_EQ(flat_text(e32.flat), "i32 i32 i32");
  EXPECT_EQ(e64.size, 24u);
  EXPECT_EQ(e64.align, 8u);
  EXPECT_EQ(flat_text(e64.flat), "i64 i64 i32");
  const TypeId m2 = s.map(u8, s.list(s.primitive(TypeKind::U64)));
  EXPECT_EQ(map_entry_layout(s, m2, false).size, 12u);
  EXPECT_EQ(map_entry_layout(s, m2, true).size, 24u);
  EXPECT_EQ(member_types(s, m), (std::vector<TypeId>{s.string(), u32}));

  EXPECT_EQ(member_types(s, s.fixed_list(u8, 3)), (std::vector<TypeId>{u8, u8, u8}));
  EXPECT_EQ(member_types(s, s.tuple({u32, u8})), (std::vector<TypeId>{u32, u8}));
  EXPECT_EQ(member_types(s, s.record({Field{"a", u8}, Field{"b", u32}})),
            (std::vector<TypeId>{u8, u32}));
}

TEST(Abi, FlattenTypes) {
  TypeStore s;
  const TypeId u8 = s.primitive(TypeKind::U8);
  const TypeId f64 = s.primitive(TypeKind::F64);
  const TypeId str = s.string();
  EXPECT_EQ(flat_text(flatten_types(s, {u8, str, f64}, false, kMaxFlatParams)), "i32 i32 i32 f64");
  EXPECT_EQ(flat_text(flatten_types(s, {u8, str, f64}, true, kMaxFlatParams)), "i32 i64 i64 f64");
  EXPECT_EQ(flat_text(flatten_types(s, {}, false, kMaxFlatResults)), "");
  EXPECT_EQ(flat_text(flatten_types(s, {u8, u8, u8, u8}, false, kMaxFlatAsyncParams)),
            "i32 i32 i32 i32");
  EXPECT_EQ(flat_text(flatten_types(s, {u8, u8, u8, u8, u8}, false, kMaxFlatAsyncParams)), "-");
  EXPECT_EQ(flat_text(flatten_types(s, {str}, false, kMaxFlatResults)), "-");
  const TypeId sixteen = s.fixed_list(u8, 16);
  EXPECT_EQ(flat_text(flatten_types(s, {sixteen}, false, kMaxFlatParams)).size(), 16 * 4 - 1);
  EXPECT_EQ(flat_text(flatten_types(s, {sixteen, u8}, false, kMaxFlatParams)), "-");
  EXPECT_EQ(flat_text(flatten_types(s, {s.fixed_list(u8, 17)}, false, kMaxFlatParams)), "-");
}

// Chains of shared types: level i uses level i-1 twice, so a chain of 64
// levels is 64 distinct types whose text (or any walk that does not
// remember what it saw) has 2^64 leaves. Printing, checking, comparing and
// flattening must cost in the number of distinct types: a walk per leaf
// would never finish.
struct SharedChain {
  const char* name;
  std::function<TypeId(TypeStore&, TypeId)> wrap;  // level i from level i-1
};

std::vector<SharedChain> shared_chains() {
  return {
      {"tuple",
       [](TypeStore& s, TypeId t) {
         return s.tuple({t, t});
       }},
      {"record",
       [](TypeStore& s, TypeId t) {
         return s.record({{"a", t}, {"b", t}});
       }},
      {"variant",
       [](TypeStore& s, TypeId t) {
         return s.variant({{"a", t}, {"b", t}});
       }},
      {"result", [](TypeStore& s, TypeId t) { return s.result(t, t); }},
      {"option",
       [](TypeStore& s, TypeId t) {
         return s.option(s.tuple({t, t}));
       }},
      {"map", [](TypeStore& s, TypeId t) { return s.map(t, t); }},
      {"fixed-list",
       [](TypeStore& s, TypeId t) {
         return s.fixed_list(s.tuple({t, t}), 2);
       }},
      {"list",
       [](TypeStore& s, TypeId t) {
         return s.tuple({s.list(t), s.list(t)});
       }},
  };
}

TEST(SharedTypes, SixtyFourLevelsOfEveryAggregateKindCostTheirDistinctTypes) {
  for (const SharedChain& chain : shared_chains()) {
    SCOPED_TRACE(chain.name);
    TypeStore s;
    TypeId t = s.primitive(TypeKind::U8);
    TypeId u = s.primitive(TypeKind::U16);
    for (int level = 0; level < 64; ++level) {
      t = chain.wrap(s, t);
      u = chain.wrap(s, u);
    }
    EXPECT_LT(s.size(), 64u * 8);

    const std::string text = to_string(s, t);
    EXPECT_EQ(text.size(), kTypeTextLimit + 3);
    EXPECT_EQ(text.substr(text.size() - 3), "...");
    EXPECT_EQ(to_string(s, t, kTypeMessageLimit).size(), kTypeMessageLimit + 3);

    // Valid only where the size stays put (behind lists and maps); the
    // others are too large, and say so in a message of one line.
    Expected<void> checked = check_value_type(s, t);
    if (!checked) {
      EXPECT_NE(checked.error().message.find("is too large"), std::string::npos)
          << checked.error().message.substr(0, 300);
      EXPECT_LT(checked.error().message.size(), 400u);
    }

    // The chains differ only in their leaves: the comparison finds it at
    // the bottom, once, and says where in a path as long as the chain.
    auto difference = type_difference(s, t, u, HandleMatch::SameResource);
    ASSERT_TRUE(difference.has_value());
    EXPECT_NE(difference->find("different kinds of type (u8 and u16)"), std::string::npos);
    EXPECT_FALSE(type_difference(s, t, t, HandleMatch::SameResource).has_value());

    const FuncTypeId f = s.func(FuncType{false, {{"x", t}, {"y", u}}, t});
    EXPECT_TRUE(func_type_difference(s, f, s.func(FuncType{false, {{"x", t}, {"y", t}}, t}),
                                     HandleMatch::SameKind)
                    .has_value());
    const CoreSignature lower = flatten_functype(s, f, SignatureOptions{}, SignatureContext::Lower);
    EXPECT_TRUE(lower.results_indirect);
    EXPECT_EQ(to_string(s, f, kTypeMessageLimit).size(), kTypeMessageLimit + 3);
    const std::string kind = chain.name;
    EXPECT_EQ(contains_list_or_string(s, t), kind == "list" || kind == "map");
  }
}

TEST(SharedTypes, TextIsCutOnlyPastTheLimit) {
  TypeStore s;
  const TypeId pair = s.tuple({s.primitive(TypeKind::U8), s.string()});
  EXPECT_EQ(to_string(s, pair, 15), "tuple<u8, strin...");
  EXPECT_EQ(to_string(s, pair, 17), "tuple<u8, string>");
  EXPECT_EQ(to_string(s, pair), "tuple<u8, string>");
}

}  // namespace
}  // namespace fact
