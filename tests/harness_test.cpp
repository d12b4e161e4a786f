// Tests of the test-side machinery: the Canonical ABI reference, the random
// generators and the libwabt support code.
#include <gtest/gtest.h>

#include <cstring>

#include "fact/abi.h"
#include "fact/engine/modules.h"
#include "fact/host/transcoder_call.h"
#include "fact/type_expr.h"
#include "support/canonical.h"
#include "support/random.h"

namespace fact::test {
namespace {

TypeId parse(TypeStore& store, std::string_view text) {
  ResourceNames names;
  auto t = parse_value_type(store, text, names);
  EXPECT_TRUE(t.ok()) << text << ": " << (t ? "" : t.error().message);
  return t ? *t : store.boolean();
}

// A memory for the reference alone, with a bump allocator.
struct TestMemory {
  std::vector<uint8_t> bytes;
  uint64_t next = 16;
  MemoryView view;
  explicit TestMemory(bool memory64, size_t size = 1 << 16,
                      StringEncoding enc = StringEncoding::Utf8)
      : bytes(size, 0xA5) {
    view.data = bytes.data();
    view.size = bytes.size();
    view.memory64 = memory64;
    view.encoding = enc;
    view.allocate = [this](uint64_t align, uint64_t size) -> Expected<uint64_t> {
      uint64_t p = (next + align - 1) / align * align;
      if (p + size > bytes.size()) return Error{"test memory full"};
      next = p + size;
      return p;
    };
  }
};

std::vector<ValType> vt(std::initializer_list<ValType> l) { return l; }

TEST(Reference, ScalarLayouts) {
  TypeStore store;
  Reference ref(store);
  struct Case {
    const char* type;
    uint32_t size, align;
  };
  for (bool m64 : {false, true}) {
    for (const Case& c : std::vector<Case>{{"bool", 1, 1},
                                           {"s8", 1, 1},
                                           {"u16", 2, 2},
                                           {"u32", 4, 4},
                                           {"s64", 8, 8},
                                           {"f32", 4, 4},
                                           {"f64", 8, 8},
                                           {"char", 4, 4}}) {
      TypeId t = parse(store, c.type);
      EXPECT_EQ(ref.elem_size(t, m64), c.size) << c.type;
      EXPECT_EQ(ref.alignment(t, m64), c.align) << c.type;
    }
  }
  TypeId s = store.string();
  EXPECT_EQ(ref.elem_size(s, false), 8u);
  EXPECT_EQ(ref.elem_size(s, true), 16u);
  EXPECT_EQ(ref.alignment(s, true), 8u);
  EXPECT_EQ(ref.flatten(s, true), vt({ValType::I64, ValType::I64}));
}

TEST(Reference, AggregateLayouts) {
  TypeStore store;
  Reference ref(store);
  TypeId rec = parse(store, "record { a: u8, b: u32, c: u16 }");
  EXPECT_EQ(ref.elem_size(rec, false), 12u);
  EXPECT_EQ(ref.alignment(rec, false), 4u);
  EXPECT_EQ(ref.flatten(rec, false), vt({ValType::I32, ValType::I32, ValType::I32}));

  TypeId var = parse(store, "variant { a(f32), b(u64), c }");
  EXPECT_EQ(ref.flatten(var, false), vt({ValType::I32, ValType::I64}));
  EXPECT_EQ(ref.elem_size(var, false), 16u);
  EXPECT_EQ(ref.alignment(var, false), 8u);

  EXPECT_EQ(ref.flatten(parse(store, "option<f32>"), false), vt({ValType::I32, ValType::F32}));
  EXPECT_EQ(ref.flatten(parse(store, "result<u32, f32>"), false), vt({ValType::I32, ValType::I32}));
  EXPECT_EQ(ref.flatten(parse(store, "result<f64, f32>"), false), vt({ValType::I32, ValType::I64}));
  EXPECT_EQ(ref.flatten(parse(store, "result"), false), vt({ValType::I32}));

  TypeId f9 = parse(store, "flags { a, b, c, d, e, f, g, h, i }");
  EXPECT_EQ(ref.elem_size(f9, false), 2u);
  std::vector<Field> dummy;
  std::vector<std::string> labels;
  for (int i = 0; i < 17; ++i) labels.push_back("l" + std::to_string(i));
  EXPECT_EQ(ref.elem_size(store.flags(labels), false), 4u);
  labels.clear();
  for (int i = 0; i < 257; ++i) labels.push_back("e" + std::to_string(i));
  EXPECT_EQ(ref.elem_size(store.enumeration(labels), false), 2u);

  TypeId fixed = parse(store, "list<u16, 3>");
  EXPECT_EQ(ref.elem_size(fixed, false), 6u);
  EXPECT_EQ(ref.flatten(fixed, false), vt({ValType::I32, ValType::I32, ValType::I32}));

  TypeId nested = parse(store, "tuple<u8, option<u64>>");
  EXPECT_EQ(ref.elem_size(nested, false), 24u);
  EXPECT_EQ(ref.alignment(nested, true), 8u);
  EXPECT_EQ(ref.elem_size(parse(store, "list<u8>"), true), 16u);
  EXPECT_EQ(ref.elem_size(parse(store, "map<u8, string>"), false), 8u);
}

TEST(Reference, StoresKnownBytes) {
  TypeStore store;
  Reference ref(store);
  TestMemory mem(false);
  TypeId rec =
      parse(store, "record { a: u8, b: u32, c: u16, d: option<s8>, e: flags { x, y, z } }");
  Value v = Value::record({Value::u8(1), Value::u32(0x01020304), Value::u16(0xBEEF),
                           Value::some(Value::s8(-2)), Value::flags(0b101)});
  ASSERT_TRUE(ref.store(rec, v, mem.view, 32).ok());
  const std::vector<uint8_t> expected = {0x01, 0xA5, 0xA5, 0xA5, 0x04, 0x03, 0x02, 0x01,
                                         0xEF, 0xBE, 0x01, 0xFE, 0x05, 0xA5, 0xA5, 0xA5};
  EXPECT_EQ(ref.elem_size(rec, false), 16u);
  EXPECT_EQ(std::vector<uint8_t>(mem.bytes.begin() + 32, mem.bytes.begin() + 48), expected);
  auto back = ref.load(rec, mem.view, 32);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, v);

  // A string in a 64-bit memory: pointer and length as two u64.
  TestMemory mem64(true);
  TypeId s = store.string();
  ASSERT_TRUE(ref.store(s, Value::string("héllo"), mem64.view, 64).ok());
  uint64_t ptr, len;
  std::memcpy(&ptr, &mem64.bytes[64], 8);
  std::memcpy(&len, &mem64.bytes[72], 8);
  EXPECT_EQ(len, 6u);
  EXPECT_EQ(std::string(mem64.bytes.begin() + ptr, mem64.bytes.begin() + ptr + len), "héllo");
}

TEST(Reference, LowersVariantsWithJoins) {
  TypeStore store;
  Reference ref(store);
  TestMemory mem(false);
  TypeId var = parse(store, "variant { a(f32), b(u64), c }");
  auto flat = ref.lower_flat(var, Value::variant(0, Value::f32_bits(0x7FA00001)), mem.view);
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(*flat, (std::vector<Val>{Val::i32(0), Val::i64(0x7FA00001)}));
  flat = ref.lower_flat(var, Value::variant(2), mem.view);
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(*flat, (std::vector<Val>{Val::i32(2), Val::i64(0)}));

  // CoerceValueIter: an i64 slot read as f32 keeps the low 32 bits.
  size_t index = 0;
  std::vector<Val> in = {Val::i32(0), Val::i64(0xFFFFFFFF7FA00001)};
  auto v = ref.lift_flat(var, in, &index, mem.view);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(*v, Value::variant(0, Value::f32_bits(0x7FA00001)));
  EXPECT_EQ(index, 2u);

  TypeId res = parse(store, "result<f32, u32>");
  flat = ref.lower_flat(res, Value::ok(Value::f32_bits(0xFFC00001)), mem.view);
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(*flat, (std::vector<Val>{Val::i32(0), Val::i32(0xFFC00001)}));
}

TEST(Reference, LiftsLikeTheSpec) {
  TypeStore store;
  Reference ref(store);
  TestMemory mem(false);
  auto lift1 = [&](const char* type, Val v) {
    size_t index = 0;
    return ref.lift_flat(parse(store, type), {v}, &index, mem.view);
  };
  EXPECT_EQ(*lift1("bool", Val::i32(2)), Value::boolean(true));
  EXPECT_EQ(*lift1("u8", Val::i32(0x1FF)), Value::u8(0xFF));
  EXPECT_EQ(*lift1("s8", Val::i32(0xFF)), Value::s8(-1));
  EXPECT_EQ(*lift1("s16", Val::i32(0x18000)), Value::s16(-32768));
  EXPECT_EQ(*lift1("u16", Val::i32(0xFFFF0001)), Value::u16(1));
  EXPECT_EQ(*lift1("flags { a, b }", Val::i32(0xFF)), Value::flags(3));
  EXPECT_EQ(*lift1("char", Val::i32(0x10FFFF)), Value::character(0x10FFFF));
  auto bad_char = lift1("char", Val::i32(0xD800));
  ASSERT_FALSE(bad_char.ok());
  EXPECT_NE(bad_char.error().message.find("trap 25"), std::string::npos);
  EXPECT_FALSE(lift1("char", Val::i32(0x110000)).ok());
  auto bad_case = lift1("enum { a, b }", Val::i32(2));
  ASSERT_FALSE(bad_case.ok());
  EXPECT_NE(bad_case.error().message.find("trap 32"), std::string::npos);

  // A memory discriminant out of range traps as well.
  TypeId opt = parse(store, "option<u32>");
  mem.bytes[8] = 2;
  auto loaded = ref.load(opt, mem.view, 8);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("trap 32"), std::string::npos);
}

TEST(Reference, IndirectValues) {
  TypeStore store;
  Reference ref(store);
  for (bool m64 : {false, true}) {
    TestMemory mem(m64);
    std::vector<TypeId> types;
    std::vector<Value> values;
    for (int i = 0; i < 17; ++i) {
      types.push_back(store.primitive(TypeKind::U32));
      values.push_back(Value::u32(i * 1000));
    }
    auto flat = ref.lower_flat_values(types, values, kMaxFlatParams, mem.view);
    ASSERT_TRUE(flat.ok());
    ASSERT_EQ(flat->size(), 1u);
    EXPECT_EQ((*flat)[0].type, m64 ? ValType::I64 : ValType::I32);
    auto back = ref.lift_flat_values(types, *flat, kMaxFlatParams, mem.view);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, values);

    std::vector<Val> misaligned = {Val{(*flat)[0].type, (*flat)[0].bits + 2}};
    auto bad = ref.lift_flat_values(types, misaligned, kMaxFlatParams, mem.view);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("trap 33"), std::string::npos);
    std::vector<Val> oob = {Val{(*flat)[0].type, mem.bytes.size() - 4}};
    bad = ref.lift_flat_values(types, oob, kMaxFlatParams, mem.view);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("trap 1 "), std::string::npos);
  }
}

TEST(Reference, StringEncodings) {
  TypeStore store;
  Reference ref(store);
  const std::string text = "a\xC3\xA9\xF0\x9F\x98\x80z";  // a é 😀 z
  for (bool m64 : {false, true}) {
    for (StringEncoding enc :
         {StringEncoding::Utf8, StringEncoding::Utf16, StringEncoding::CompactUtf16}) {
      TestMemory mem(m64, 1 << 12, enc);
      auto flat = ref.lower_flat(store.string(), Value::string(text), mem.view);
      ASSERT_TRUE(flat.ok());
      size_t index = 0;
      auto back = ref.lift_flat(store.string(), *flat, &index, mem.view);
      ASSERT_TRUE(back.ok()) << back.error().message;
      EXPECT_EQ(back->text, text);
      if (enc == StringEncoding::CompactUtf16) {
        uint64_t tag = uint64_t{1} << (m64 ? 63 : 31);
        EXPECT_EQ((*flat)[1].bits, 5u | tag);  // needs UTF-16: 5 code units, tagged
        auto latin1 = ref.lower_flat(store.string(), Value::string("caf\xC3\xA9"), mem.view);
        EXPECT_EQ((*latin1)[1].bits, 4u);
      }
    }
  }
}

TEST(Reference, MatchesTheLibraryLayouts) {
  TypeStore store;
  Reference ref(store);
  Rng rng(7);
  RandomTypeOptions options;
  options.strings_and_lists = true;
  RandomTypes gen(store, rng, options);
  for (int i = 0; i < 300; ++i) {
    TypeId t = gen.value_type();
    const TypeNode& node = store.get(t);
    for (bool m64 : {false, true}) {
      const AbiLayout& abi = node.abi(m64);
      SCOPED_TRACE(to_string(store, t) + (m64 ? " (memory64)" : ""));
      EXPECT_EQ(abi.size, ref.elem_size(t, m64));
      EXPECT_EQ(abi.align, ref.alignment(t, m64));
      std::vector<ValType> flat = ref.flatten(t, m64);
      if (flat.size() > kMaxFlatParams) {
        EXPECT_FALSE(abi.flat.has_value());
      } else {
        ASSERT_TRUE(abi.flat.has_value());
        std::vector<ValType> lib;
        for (wasm::ValType c : *abi.flat) {
          lib.push_back(c == wasm::ValType::I32   ? ValType::I32
                        : c == wasm::ValType::I64 ? ValType::I64
                        : c == wasm::ValType::F32 ? ValType::F32
                                                  : ValType::F64);
        }
        EXPECT_EQ(lib, flat);
      }
    }
  }
}

// Lower-then-lift over many random types and values, flat and in memory.
TEST(Reference, RandomRoundTrips) {
  TypeStore store;
  Reference ref(store);
  Rng rng(20261123);
  RandomTypeOptions options;
  options.strings_and_lists = true;
  RandomTypes gen(store, rng, options);
  for (int i = 0; i < 1500; ++i) {
    TypeId t = gen.value_type(i % 2 ? 5 : 3);
    Value v = random_value(store, t, rng);
    ASSERT_TRUE(check_value(store, t, v).ok()) << check_value(store, t, v).error().message;
    for (bool m64 : {false, true}) {
      SCOPED_TRACE(to_string(store, t) + " = " + to_wave(store, t, v) + (m64 ? " (memory64)" : ""));
      TestMemory mem(m64, 1 << 20);
      auto flat = ref.lower_flat(t, v, mem.view);
      ASSERT_TRUE(flat.ok()) << flat.error().message;
      ASSERT_EQ(flat->size(), ref.flatten(t, m64).size());
      size_t index = 0;
      auto lifted = ref.lift_flat(t, *flat, &index, mem.view);
      ASSERT_TRUE(lifted.ok()) << lifted.error().message;
      EXPECT_EQ(*lifted, v);
      auto at_or = mem.view.allocate(ref.alignment(t, m64), ref.elem_size(t, m64));
      ASSERT_TRUE(at_or.ok());
      uint64_t at = *at_or;
      ASSERT_TRUE(ref.store(t, v, mem.view, at).ok());
      auto loaded = ref.load(t, mem.view, at);
      ASSERT_TRUE(loaded.ok()) << loaded.error().message;
      EXPECT_EQ(*loaded, v);
    }
  }
}

TEST(RandomTypes, CoversAllFamiliesAndDepth) {
  TypeStore store;
  Rng rng(1);
  RandomTypes gen(store, rng);
  std::set<TypeKind> kinds;
  uint32_t deepest = 0;
  size_t widest = 0;
  for (int i = 0; i < 3000; ++i) {
    TypeId t = gen.value_type();
    const TypeNode& node = store.get(t);
    kinds.insert(node.kind);
    deepest = std::max(deepest, node.depth);
    widest = std::max({widest, node.fields.size(), node.cases.size()});
    ASSERT_TRUE(check_value_type(store, t).ok()) << check_value_type(store, t).error().message;
  }
  EXPECT_GE(deepest, 4u);
  EXPECT_GE(widest, 24u);
  for (TypeKind k : {TypeKind::Bool, TypeKind::S8, TypeKind::U64, TypeKind::F32, TypeKind::Char,
                     TypeKind::Record, TypeKind::Tuple, TypeKind::Variant, TypeKind::Enum,
                     TypeKind::Option, TypeKind::Result, TypeKind::Flags, TypeKind::FixedList}) {
    EXPECT_TRUE(kinds.count(k)) << kind_name(k);
  }
  EXPECT_FALSE(kinds.count(TypeKind::String));
}

TEST(Value, PrintsWaveLike) {
  TypeStore store;
  TypeId t = parse(store,
                   "record { x: option<char>, y: result<f32, string>, z: flags { r, w, x }, e: "
                   "enum { red, green } }");
  Value v =
      Value::record({Value::some(Value::character('a')), Value::ok(Value::f32_bits(0x7FC00001)),
                     Value::flags(0b101), Value::enumeration(1)});
  EXPECT_EQ(to_wave(store, t, v), "{x: some('a'), y: ok(nan:0x7fc00001), z: {r, x}, e: green}");
  EXPECT_EQ(to_string(Value::s8(-3)), "-3");
}

struct TranscodeFixture {
  std::vector<uint8_t> a = std::vector<uint8_t>(256, 0xEE), b = std::vector<uint8_t>(256, 0xEE);
  RawMemory from{a.data(), a.size()}, to{b.data(), b.size()};
  std::vector<Val> run(Transcode op, std::vector<Val> args, size_t results,
                       std::optional<std::string>* trap = nullptr) {
    std::vector<Val> out(results, Val::i32(0));
    auto t = call_transcoder(op, from, to, args, out);
    if (trap) *trap = t;
    EXPECT_TRUE(trap || !t) << *t;
    return out;
  }
};

TEST(Transcode, CopiesAndValidates) {
  TranscodeFixture f;
  std::memcpy(f.a.data(), "h\xC3\xA9!", 4);
  f.run(Transcode::Utf8ToUtf8, {Val::i32(0), Val::i32(4), Val::i32(8)}, 0);
  EXPECT_EQ(std::memcmp(f.b.data() + 8, "h\xC3\xA9!", 4), 0);
  f.a[1] = 0xC3;
  f.a[2] = 0x41;  // a truncated sequence
  std::optional<std::string> trap;
  f.run(Transcode::Utf8ToUtf8, {Val::i32(0), Val::i32(4), Val::i32(8)}, 0, &trap);
  ASSERT_TRUE(trap);
  EXPECT_NE(trap->find("invalid utf-8"), std::string::npos);
  f.run(Transcode::Utf8ToUtf8, {Val::i32(250), Val::i32(10), Val::i32(0)}, 0, &trap);
  ASSERT_TRUE(trap);
  EXPECT_NE(trap->find("out of bounds"), std::string::npos);
}

TEST(Transcode, Latin1AndUtf16Paths) {
  TranscodeFixture f;
  // "é€" as UTF-8, to latin1: stops before the euro sign.
  std::memcpy(f.a.data(), "\xC3\xA9\xE2\x82\xAC", 5);
  auto rw = f.run(Transcode::Utf8ToLatin1, {Val::i32(0), Val::i32(5), Val::i32(0)}, 2);
  EXPECT_EQ(rw[0].bits, 2u);
  EXPECT_EQ(rw[1].bits, 1u);
  EXPECT_EQ(f.b[0], 0xE9);
  // The rest as UTF-16 after the widened latin1 prefix.
  auto total = f.run(Transcode::Utf8ToCompactUtf16,
                     {Val::i32(2), Val::i32(3), Val::i32(0), Val::i32(5), Val::i32(1)}, 1);
  EXPECT_EQ(total[0].bits, 2u);
  EXPECT_EQ(f.b[0], 0xE9);
  EXPECT_EQ(f.b[1], 0x00);
  EXPECT_EQ(f.b[2], 0xAC);
  EXPECT_EQ(f.b[3], 0x20);

  // UTF-16 "aé" compresses to latin1; "a€" keeps UTF-16 and sets bit 31.
  const uint8_t latin[] = {'a', 0, 0xE9, 0};
  std::memcpy(f.a.data(), latin, 4);
  auto tagged =
      f.run(Transcode::Utf16ToCompactProbablyUtf16, {Val::i32(0), Val::i32(2), Val::i32(16)}, 1);
  EXPECT_EQ(tagged[0].bits, 2u);
  EXPECT_EQ(f.b[16], 'a');
  EXPECT_EQ(f.b[17], 0xE9);
  const uint8_t wide[] = {'a', 0, 0xAC, 0x20};
  std::memcpy(f.a.data(), wide, 4);
  tagged =
      f.run(Transcode::Utf16ToCompactProbablyUtf16, {Val::i32(0), Val::i32(2), Val::i32(16)}, 1);
  EXPECT_EQ(tagged[0].bits, 2u | (1u << 31));

  // To UTF-8, the first pass stops at the first non-ASCII character.
  rw = f.run(Transcode::Utf16ToUtf8,
             {Val::i32(0), Val::i32(2), Val::i32(32), Val::i32(2), Val::i32(1)}, 2);
  EXPECT_EQ(rw[0].bits, 1u);
  EXPECT_EQ(rw[1].bits, 1u);
  rw = f.run(Transcode::Utf16ToUtf8,
             {Val::i32(2), Val::i32(1), Val::i32(33), Val::i32(5), Val::i32(0)}, 2);
  EXPECT_EQ(rw[0].bits, 1u);
  EXPECT_EQ(rw[1].bits, 3u);
  EXPECT_EQ(std::memcmp(f.b.data() + 32, "a\xE2\x82\xAC", 4), 0);
  const uint8_t lone[] = {0x00, 0xD8};
  std::memcpy(f.a.data(), lone, 2);
  std::optional<std::string> trap;
  f.run(Transcode::Utf16ToUtf16, {Val::i32(0), Val::i32(1), Val::i32(0)}, 0, &trap);
  ASSERT_TRUE(trap);
  EXPECT_NE(trap->find("invalid utf-16"), std::string::npos);
}

TEST(WabtSupport, AssemblesValidatesAndPrints) {
  auto wasm = engine::wat_to_module(R"((module
    (memory $a 1) (memory $b i64 1)
    (func (export "copy") (param i32 i64)
      (memory.copy $b $a (local.get 1) (local.get 0) (i32.const 4)))))");
  ASSERT_TRUE(wasm.ok()) << wasm.error().message;
  EXPECT_TRUE(engine::validate_module(*wasm).ok());
  auto wat = engine::module_to_wat(*wasm);
  ASSERT_TRUE(wat.ok());
  EXPECT_NE(wat->find("memory.copy"), std::string::npos);
  EXPECT_NE(wat->find("i64"), std::string::npos);

  auto bad = engine::wat_to_module("(module (func (result i32) (i64.const 0)))");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("type mismatch"), std::string::npos) << bad.error().message;

  std::vector<uint8_t> garbage = {0, 'a', 's', 'm', 1, 0, 0, 0, 0xFF};
  auto invalid = engine::validate_module(garbage);
  ASSERT_FALSE(invalid.ok());
  EXPECT_FALSE(invalid.error().message.empty());
  EXPECT_FALSE(engine::module_to_wat(garbage).ok());
}

TEST(WasmRuntime, RunsMultiMemoryModulesWithHostFunctions) {
  auto wasm = engine::wat_to_module(R"((module
    (import "h" "f" (func $f (param f32 i64) (result f32)))
    (memory (export "m32") 1) (memory (export "m64") i64 1)
    (func (export "run") (param i32 i64) (result f32)
      (memory.copy 1 0 (local.get 1) (local.get 0) (i32.const 8))
      (call $f (f32.const nan:0x200001) (i64.load 1 (local.get 1))))))");
  ASSERT_TRUE(wasm.ok()) << wasm.error().message;
  engine::Runtime rt;
  std::vector<Val> seen;
  auto f = rt.host_func({ValType::F32, ValType::I64}, {ValType::F32},
                        [&](const std::vector<Val>& p, std::vector<Val>& r) {
                          seen = p;
                          r[0] = Val::f32_bits(0xFFA00002);
                          return std::optional<std::string>();
                        });
  auto inst = rt.instantiate(*wasm, {f});
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  auto m32 = *rt.export_of(*inst, "m32");
  auto m64 = *rt.export_of(*inst, "m64");
  EXPECT_TRUE(rt.memory_is_64(m64));
  std::memcpy(rt.memory_data(m32) + 100, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
  auto out = rt.call(*rt.export_of(*inst, "run"), {Val::i32(100), Val::i64(200)});
  ASSERT_FALSE(out.trap) << *out.trap;
  EXPECT_EQ(out.results, std::vector<Val>{Val::f32_bits(0xFFA00002)});
  EXPECT_EQ(seen, (std::vector<Val>{Val::f32_bits(0x7FA00001), Val::i64(0x0807060504030201)}));
  out = rt.call(*rt.export_of(*inst, "run"), {Val::i32(65535), Val::i64(0)});
  ASSERT_TRUE(out.trap);
  EXPECT_NE(out.trap->find("out of bounds"), std::string::npos);
  out = rt.call(*rt.export_of(*inst, "run"), {Val::i64(0)});
  EXPECT_TRUE(out.trap);
}

// Core traps read as Wasmtime words them, so that .wast scripts written for
// Wasmtime match them; host messages pass through unchanged.
TEST(WasmRuntime, WordsCoreTrapsAsWasmtime) {
  auto wasm = engine::wat_to_module(R"((module
    (import "h" "fail" (func $fail))
    (type $t (func))
    (table 2 funcref)
    (func $g (param i32))
    (elem (i32.const 1) $g)
    (func (export "unreachable") unreachable)
    (func (export "divide") (result i32) (i32.div_u (i32.const 1) (i32.const 0)))
    (func (export "uninitialized") (call_indirect (type $t) (i32.const 0)))
    (func (export "mismatch") (call_indirect (type $t) (i32.const 1)))
    (func (export "outside") (call_indirect (type $t) (i32.const 7)))
    (func (export "host") (call $fail))))");
  ASSERT_TRUE(wasm.ok()) << wasm.error().message;
  engine::Runtime rt;
  auto fail = rt.host_func({}, {}, [](const std::vector<Val>&, std::vector<Val>&) {
    return std::optional<std::string>("unreachable executed by the host");
  });
  auto inst = rt.instantiate(*wasm, {fail});
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  auto trap_of = [&](const char* name) {
    engine::CallOutcome out = rt.call(*rt.export_of(*inst, name), {});
    return out.trap.value_or("(no trap)");
  };
  EXPECT_EQ(trap_of("unreachable"), "wasm trap: wasm `unreachable` instruction executed");
  EXPECT_EQ(trap_of("divide"), "wasm trap: integer divide by zero");
  EXPECT_EQ(trap_of("uninitialized"), "wasm trap: uninitialized element");
  EXPECT_EQ(trap_of("mismatch"), "wasm trap: indirect call type mismatch");
  EXPECT_EQ(trap_of("outside").rfind("wasm trap: undefined element: out of bounds table access", 0),
            0u)
      << trap_of("outside");
  EXPECT_EQ(trap_of("host"), "unreachable executed by the host");
}

}  // namespace
}  // namespace fact::test
