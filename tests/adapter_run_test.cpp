// End-to-end tests: adapters compiled by fact run in wabt's interpreter
// between a caller and a callee module; the Canonical ABI reference lowers
// what is sent and lifts what arrives.
#include <gtest/gtest.h>

#include <cstring>

#include "fact/type_expr.h"
#include "support/adapter_fixture.h"

namespace fact::test {
namespace {

class AdapterRun : public AdapterTest {
 protected:
  FuncTypeId func_of(const AdapterHarness& h) { return types_.func(h.func_type()); }
};

struct Family {
  const char* type;
  std::vector<Value> samples;
};

std::vector<Family> families() {
  return {
      {"bool", {Value::boolean(true), Value::boolean(false)}},
      {"u8", {Value::u8(0), Value::u8(0xFF), Value::u8(0x80)}},
      {"s8", {Value::s8(-128), Value::s8(127), Value::s8(-1)}},
      {"u16", {Value::u16(0xFFFF), Value::u16(0x8000), Value::u16(1)}},
      {"s16", {Value::s16(-32768), Value::s16(32767), Value::s16(-2)}},
      {"u32", {Value::u32(0xFFFFFFFF), Value::u32(0x80000000), Value::u32(0)}},
      {"s32", {Value::s32(INT32_MIN), Value::s32(-1), Value::s32(INT32_MAX)}},
      {"u64", {Value::u64(~uint64_t{0}), Value::u64(uint64_t{1} << 63), Value::u64(3)}},
      {"s64", {Value::s64(INT64_MIN), Value::s64(-1), Value::s64(INT64_MAX)}},
      {"f32",
       {Value::f32(1.5f), Value::f32_bits(0x7FA00001), Value::f32_bits(0xFFC00001),
        Value::f32_bits(0x80000000), Value::f32_bits(0x7F800000)}},
      {"f64",
       {Value::f64(-2.25), Value::f64_bits(0x7FF4000000000001), Value::f64_bits(0xFFF8000000000002),
        Value::f64_bits(0x8000000000000000)}},
      {"char",
       {Value::character('a'), Value::character(0), Value::character(0xD7FF),
        Value::character(0xE000), Value::character(0x10FFFF)}},
      {"record { a: u8, b: f64, c: char, d: s16 }",
       {Value::record({Value::u8(200), Value::f64_bits(0x7FF0000000000001),
                       Value::character(0x10FFFF), Value::s16(-7)}),
        Value::record({Value::u8(0), Value::f64(0.5), Value::character('z'), Value::s16(32767)})}},
      {"tuple<s16, bool, u64, f32>",
       {Value::tuple({Value::s16(-1), Value::boolean(true), Value::u64(~uint64_t{0} - 1),
                      Value::f32_bits(0x7FC00003)})}},
      {"variant { a(f32), b(u64), c, d(record { x: u8, y: s8 }), e(f64) }",
       {Value::variant(0, Value::f32_bits(0x7FA00005)),
        Value::variant(1, Value::u64(0x8000000000000001)), Value::variant(2),
        Value::variant(3, Value::record({Value::u8(9), Value::s8(-9)})),
        Value::variant(4, Value::f64_bits(0xFFF0000000000003))}},
      {"enum { red, green, blue }", {Value::enumeration(0), Value::enumeration(2)}},
      {"option<u16>", {Value::none(), Value::some(Value::u16(0xFFFF))}},
      {"option<option<s8>>",
       {Value::none(), Value::some(Value::none()), Value::some(Value::some(Value::s8(-5)))}},
      {"result<f32, s8>", {Value::ok(Value::f32_bits(0xFFA00001)), Value::err(Value::s8(-128))}},
      {"result", {Value::ok(), Value::err()}},
      {"result<_, u64>", {Value::ok(), Value::err(Value::u64(5))}},
      {"flags { a, b, c, d, e, f, g, h, i, j, k }",
       {Value::flags(0), Value::flags(0x7FF), Value::flags(0x401)}},
      {"flags { a }", {Value::flags(1), Value::flags(0)}},
      {"list<u16, 3>", {Value::fixed_list({Value::u16(1), Value::u16(0xFFFF), Value::u16(3)})}},
      {"list<record { x: u8, y: f32 }, 2>",
       {Value::fixed_list({Value::record({Value::u8(1), Value::f32_bits(0x7F800001)}),
                           Value::record({Value::u8(255), Value::f32(-0.0f)})})}},
  };
}

const char* const kPointerSig = "func(a: u64, pad: list<u64, 16>) -> tuple<u64, u32>";
const char* const kPointerSigForRealloc = "func(a: u64, pad: list<u64, 16>) -> u8";

Value padding() {
  std::vector<Value> items;
  for (int i = 0; i < 16; ++i) items.push_back(Value::u64(0x0101010101010101u * i));
  return Value::fixed_list(items);
}

// Every family: flat params and flat or indirect results; two params; params
// through memory (a 16-flat-value pad) with results through memory.
TEST_P(AdapterRun, EveryFamilyArrivesExactly) {
  std::vector<Value> flags32_samples = {Value::flags(0xFFFFFFFF), Value::flags(0x80000001)};
  std::string flags32 = "flags {";
  for (int i = 0; i < 32; ++i) flags32 += (i ? ", l" : " l") + std::to_string(i);
  flags32 += " }";
  std::vector<Family> all = families();
  all.push_back({flags32.c_str(), flags32_samples});
  for (const Family& family : all) {
    SCOPED_TRACE(family.type);
    const std::string t = family.type;
    auto single = make("func(a: " + t + ") -> " + t);
    auto pair = make("func(a: " + t + ", b: " + t + ") -> " + t);
    auto indirect = make("func(a: " + t + ", pad: list<u64, 16>) -> tuple<" + t + ", u8>");
    ASSERT_TRUE(single && pair && indirect);
    EXPECT_TRUE(indirect->params_indirect(false) && indirect->params_indirect(true));
    EXPECT_TRUE(indirect->results_indirect(false) && indirect->results_indirect(true));
    for (size_t i = 0; i < family.samples.size(); ++i) {
      const Value& v = family.samples[i];
      const Value& w = family.samples[(i + 1) % family.samples.size()];
      round_trip(*single, {v}, w);
      round_trip(*pair, {v, w}, v);
      round_trip(*indirect, {v, padding()}, Value::tuple({w, Value::u8(0xA5)}));
    }
  }
}

TEST_P(AdapterRun, NoParamsNoResults) {
  auto h = make("func()");
  ASSERT_TRUE(h);
  round_trip(*h, {}, std::nullopt);
  EXPECT_TRUE(h->callee_raw_params().empty());
}

TEST_P(AdapterRun, ManyParamsStayFlatUpToSixteen) {
  std::string sig = "func(";
  for (int i = 0; i < 16; ++i) sig += (i ? ", p" : "p") + std::to_string(i) + ": u8";
  sig += ") -> u8";
  auto h = make(sig);
  ASSERT_TRUE(h);
  EXPECT_FALSE(h->params_indirect(false));
  std::vector<Value> args;
  for (int i = 0; i < 16; ++i) args.push_back(Value::u8(static_cast<uint8_t>(i * 17)));
  round_trip(*h, args, Value::u8(1));
  auto h17 = make("func(a: list<u8, 17>) -> list<u8, 2>");
  ASSERT_TRUE(h17);
  EXPECT_TRUE(h17->params_indirect(false));
  std::vector<Value> items;
  for (int i = 0; i < 17; ++i) items.push_back(Value::u8(static_cast<uint8_t>(255 - i)));
  round_trip(*h17, {Value::fixed_list(items)}, Value::fixed_list({Value::u8(4), Value::u8(5)}));
}

// Out-of-range stack values are normalised: bool to 0/1, u8/u16 masked,
// s8/s16 sign-extended, unused flags bits cleared (spec lift_flat).
TEST_P(AdapterRun, NormalisesFlatValues) {
  struct Case {
    const char* type;
    uint32_t sent, arrives;
  };
  for (const Case& c :
       std::vector<Case>{{"bool", 2, 1},
                         {"bool", 0x80000000, 1},
                         {"u8", 0x1FF, 0xFF},
                         {"u16", 0xFFFF1234, 0x1234},
                         {"s8", 0x80, 0xFFFFFF80},
                         {"s8", 0x17F, 0x7F},
                         {"s16", 0x18000, 0xFFFF8000},
                         {"s16", 0xFFFF7FFF, 0x7FFF},
                         {"flags { a, b, c }", 0xFF, 0x7},
                         {"flags { a, b, c, d, e, f, g, h, i }", 0xFFFFFFFF, 0x1FF}}) {
    SCOPED_TRACE(c.type + std::string(" sent as ") + std::to_string(c.sent));
    auto h = make(std::string("func(a: ") + c.type + ") -> " + c.type);
    ASSERT_TRUE(h);
    h->set_callee_raw_results({Val::i32(c.sent)});
    CallResult r = h->call_raw({Val::i32(c.sent)});
    ASSERT_FALSE(r.trap) << *r.trap;
    EXPECT_EQ(h->callee_raw_params(), std::vector<Val>{Val::i32(c.arrives)});
    EXPECT_EQ(r.core_results, std::vector<Val>{Val::i32(c.arrives)});
  }
}

// The same normalisation for values read from memory.
TEST_P(AdapterRun, NormalisesValuesInMemory) {
  auto h = make(
      "func(a: bool, b: flags { x, y, z }, pad: list<u64, 16>) -> tuple<bool, flags { x, y, z }>");
  ASSERT_TRUE(h);
  auto flat = h->lower_args({Value::boolean(true), Value::flags(1), padding()});
  ASSERT_TRUE(flat.ok());
  MemoryView caller = h->caller_memory();
  const uint64_t at = (*flat)[0].bits;
  caller.data[at] = 2;         // bool
  caller.data[at + 1] = 0xFF;  // flags, 3 labels
  auto retptr = h->alloc_retptr();
  ASSERT_TRUE(retptr.ok());
  flat->push_back(*retptr);
  // The callee answers with a result area holding the same junk.
  MemoryView callee = h->callee_memory();
  auto result_at = h->host_alloc(true, 1, 2);
  ASSERT_TRUE(result_at.ok());
  callee.data[*result_at] = 0x80;
  callee.data[*result_at + 1] = 0xFA;
  h->set_callee_raw_results({ptr(GetParam().lift64, *result_at)});
  CallResult r = h->call_raw(*flat);
  ASSERT_FALSE(r.trap) << *r.trap;
  ASSERT_EQ(h->callee_raw_params().size(), 1u);
  const uint64_t arrived = h->callee_raw_params()[0].bits;
  EXPECT_EQ(callee.data[arrived], 1);
  EXPECT_EQ(callee.data[arrived + 1], 0x07);
  EXPECT_EQ(caller.data[retptr->bits], 1);
  EXPECT_EQ(caller.data[retptr->bits + 1], 0x02);
}

TEST_P(AdapterRun, PostReturnGetsTheCalleeResults) {
  for (const char* sig : {"func(a: u8) -> u32", "func(a: u8) -> tuple<u64, f32>", "func(a: u8)"}) {
    SCOPED_TRACE(sig);
    HarnessConfig c = config();
    c.post_return = true;
    auto h = make(sig, c);
    ASSERT_TRUE(h);
    const FuncType& ft = h->func_type();
    std::optional<Value> result;
    if (ft.result) {
      result = types_.get(*ft.result).kind == TypeKind::U32
                   ? Value::u32(77)
                   : Value::tuple({Value::u64(5), Value::f32(2.0f)});
    }
    round_trip(*h, {Value::u8(3)}, result);
    ASSERT_TRUE(h->post_return_args().has_value()) << "post-return not called";
    EXPECT_EQ(*h->post_return_args(), h->callee_raw_results());
    // The callee may not leave the component during post-return (spec canon_lift).
    EXPECT_EQ(h->lift_flags_at_post_return(), std::optional<uint32_t>(0));
  }
  auto without = make("func(a: u32) -> u32");
  ASSERT_TRUE(without);
  round_trip(*without, {Value::u32(1)}, Value::u32(2));
  EXPECT_FALSE(without->post_return_args().has_value());
}

TEST_P(AdapterRun, StringsInEveryEncodingPair) {
  const std::vector<std::string> samples = {"", "hello", "caf\xC3\xA9 \xC3\xBF",
                                            "a\xF0\x9F\x98\x80"
                                            "b\xE2\x82\xAC",
                                            std::string(300, 'x') + "\xE2\x82\xAC"};
  const StringEncoding encodings[] = {StringEncoding::Utf8, StringEncoding::Utf16,
                                      StringEncoding::CompactUtf16};
  for (StringEncoding from : encodings) {
    for (StringEncoding to : encodings) {
      SCOPED_TRACE(std::string(string_encoding_name(from)) + " -> " + string_encoding_name(to));
      HarnessConfig c = config();
      c.lower.encoding = from;
      c.lift.encoding = to;
      auto h = make("func(s: string, t: string) -> string", c);
      ASSERT_TRUE(h);
      for (size_t i = 0; i < samples.size(); ++i) {
        round_trip(*h,
                   {Value::string(samples[i]), Value::string(samples[(i + 2) % samples.size()])},
                   Value::string(samples[(i + 1) % samples.size()]));
      }
    }
  }
}

TEST_P(AdapterRun, ListsAndMaps) {
  auto bytes = make("func(a: list<u8>) -> list<u8>");
  ASSERT_TRUE(bytes);
  round_trip(*bytes, {Value::list({})}, Value::list({Value::u8(1)}));
  round_trip(*bytes, {Value::list({Value::u8(0), Value::u8(255), Value::u8(7)})}, Value::list({}));
  auto nested = make(
      "func(a: list<option<string>>, b: map<string, list<s16, 2>>) -> list<record { x: char, y: "
      "list<f64> }>");
  ASSERT_TRUE(nested);
  round_trip(
      *nested,
      {Value::list(
           {Value::some(Value::string("x")), Value::none(), Value::some(Value::string(""))}),
       Value::map({{Value::string("k"), Value::fixed_list({Value::s16(-1), Value::s16(2)})}})},
      Value::list(
          {Value::record({Value::character(0x10FFFF),
                          Value::list({Value::f64_bits(0x7FF0000000000001), Value::f64(1.0)})})}));
}

TEST_P(AdapterRun, ParamAreaIsAllocatedWithTheCalleeRealloc) {
  auto h = make(kPointerSigForRealloc);
  ASSERT_TRUE(h);
  h->set_callee_result(Value::u8(1));
  round_trip(*h, {Value::u64(1), padding()}, Value::u8(1));
  ASSERT_EQ(h->realloc_calls(true).size(), 1u);
  const ReallocCall& call = h->realloc_calls(true)[0];
  EXPECT_EQ(call.old_ptr, 0u);
  EXPECT_EQ(call.old_size, 0u);
  EXPECT_EQ(call.align, 8u);
  EXPECT_EQ(call.size, 8u + 16u * 8u);
  EXPECT_EQ(h->callee_raw_params(), std::vector<Val>{ptr(GetParam().lift64, call.result)});
  EXPECT_TRUE(h->realloc_calls(false).empty());
}

TEST_P(AdapterRun, SyncCallBracketsFollowConcurrencySupport) {
  for (bool concurrency : {true, false}) {
    SCOPED_TRACE(concurrency ? "concurrency on" : "concurrency off");
    HarnessConfig c = config();
    c.module.concurrency_support = concurrency;
    c.lower_instance = 3;
    c.lift_instance = 5;
    auto h = make("func(a: u32) -> u32", c);
    ASSERT_TRUE(h);
    h->set_callee_result(Value::u32(2));
    CallResult r = h->call({Value::u32(1)});
    ASSERT_FALSE(r.trap) << *r.trap;
    EXPECT_EQ(r.result, Value::u32(2));
    EXPECT_EQ(h->flags(3), 1u);
    EXPECT_EQ(h->flags(5), 1u);
    EXPECT_EQ(h->lift_flags_at_call(), std::optional<uint32_t>(1));
    std::vector<IntrinsicCall> calls = h->intrinsic_calls();
    if (!concurrency) {
      EXPECT_TRUE(calls.empty());
      continue;
    }
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].intrinsic, Intrinsic::EnterSyncCall);
    EXPECT_EQ(calls[0].args, (std::vector<uint64_t>{3, 0, 5}));
    EXPECT_EQ(calls[1].intrinsic, Intrinsic::ExitSyncCall);
  }
}

TEST_P(AdapterRun, DebugModulesBehaveTheSame) {
  HarnessConfig c = config();
  c.module.debug = true;
  auto h = make(
      "func(a: variant { a(f32), b(u64), c }, s: string, pad: list<u64, 16>) -> tuple<string, "
      "char>",
      c);
  ASSERT_TRUE(h);
  round_trip(*h,
             {Value::variant(0, Value::f32_bits(0x7FA00001)),
              Value::string("d\xC3\xA9"
                            "bug"),
              padding()},
             Value::tuple({Value::string("ok"), Value::character(0xE000)}));
}

// ---- traps ------------------------------------------------------------------

TEST_P(AdapterRun, InvalidCharTraps) {
  for (uint32_t bad : {0xD800u, 0xDFFFu, 0x110000u, 0xFFFFFFFFu}) {
    SCOPED_TRACE(bad);
    auto h = make("func(c: char) -> char");
    ASSERT_TRUE(h);
    h->set_callee_raw_results({Val::i32('a')});
    EXPECT_TRAP(h->call_raw({Val::i32(bad)}), TrapCode::InvalidChar);
    EXPECT_FALSE(h->received().has_value()) << "the callee ran";
    h->set_callee_raw_results({Val::i32(bad)});
    EXPECT_TRAP(h->call_raw({Val::i32('a')}), TrapCode::InvalidChar);

    // Through memory, in both directions.
    auto m = make("func(c: char, pad: list<u64, 16>) -> tuple<char, char>");
    ASSERT_TRUE(m);
    auto flat = m->lower_args({Value::character('x'), padding()});
    ASSERT_TRUE(flat.ok());
    std::memcpy(m->caller_memory().data + (*flat)[0].bits, &bad, 4);
    auto retptr = m->alloc_retptr();
    flat->push_back(*retptr);
    m->set_callee_result(Value::tuple({Value::character('a'), Value::character('b')}));
    EXPECT_TRAP(m->call_raw(*flat), TrapCode::InvalidChar);

    m->reset();
    flat = m->lower_args({Value::character('x'), padding()});
    retptr = m->alloc_retptr();
    flat->push_back(*retptr);
    auto result_at = m->host_alloc(true, 4, 8);
    std::memcpy(m->callee_memory().data + *result_at, "b\0\0\0", 4);
    std::memcpy(m->callee_memory().data + *result_at + 4, &bad, 4);
    m->set_callee_raw_results({ptr(GetParam().lift64, *result_at)});
    EXPECT_TRAP(m->call_raw(*flat), TrapCode::InvalidChar);
  }
}

TEST_P(AdapterRun, InvalidDiscriminantTraps) {
  struct Case {
    const char* type;
    uint32_t bad;
    Value good;
  };
  for (const Case& c : std::vector<Case>{{"variant { a(u8), b, c(f32) }", 3, Value::variant(1)},
                                         {"enum { x, y }", 2, Value::enumeration(0)},
                                         {"option<u8>", 2, Value::none()},
                                         {"result<u8, u8>", 2, Value::ok(Value::u8(1))},
                                         {"result", 0xFFFFFFFF, Value::err()}}) {
    SCOPED_TRACE(c.type);
    const std::string t = c.type;
    auto h = make("func(a: " + t + ") -> " + t);
    ASSERT_TRUE(h);
    auto good = h->lower_args({c.good});
    ASSERT_TRUE(good.ok());
    std::vector<Val> bad = *good;
    bad[0] = Val::i32(c.bad);
    h->set_callee_result(c.good);
    if (h->results_indirect(false)) {
      bad.push_back(*h->alloc_retptr());
    }
    EXPECT_TRAP(h->call_raw(bad), TrapCode::InvalidDiscriminant);
    EXPECT_FALSE(h->received().has_value()) << "the callee ran";

    // A bad discriminant in the callee's result.
    h->reset();
    std::vector<Val> args = *h->lower_args({c.good});
    if (h->results_indirect(false)) args.push_back(*h->alloc_retptr());
    if (h->results_indirect(true)) {
      auto at = h->host_alloc(true, 8, 16);
      std::memcpy(h->callee_memory().data + *at, &c.bad, 4);
      h->set_callee_raw_results({ptr(GetParam().lift64, *at)});
    } else {
      h->set_callee_raw_results({Val::i32(c.bad)});
    }
    EXPECT_TRAP(h->call_raw(args), TrapCode::InvalidDiscriminant);

    // In a param tuple in memory.
    auto m = make("func(a: " + t + ", pad: list<u64, 16>)");
    ASSERT_TRUE(m);
    auto flat = m->lower_args({c.good, padding()});
    ASSERT_TRUE(flat.ok());
    std::memcpy(m->caller_memory().data + (*flat)[0].bits, &c.bad, 1);
    if (c.bad > 0xFF) std::memcpy(m->caller_memory().data + (*flat)[0].bits, &c.bad, 1);
    EXPECT_TRAP(m->call_raw(*flat), TrapCode::InvalidDiscriminant);
  }
}

TEST_P(AdapterRun, CannotLeaveComponent) {
  auto h = make("func(a: u32) -> u32");
  ASSERT_TRUE(h);
  h->set_flags(0, 0);
  h->set_callee_result(Value::u32(1));
  EXPECT_TRAP(h->call({Value::u32(1)}), TrapCode::CannotLeaveComponent);
  EXPECT_FALSE(h->received().has_value());
  h->set_flags(0, 1);
  round_trip(*h, {Value::u32(1)}, Value::u32(2));
}

TEST_P(AdapterRun, CannotEnterComponent) {
  struct Case {
    uint32_t lower, lift;
    std::vector<uint32_t> lower_ancestors, lift_ancestors;
  };
  for (const Case& c : std::vector<Case>{
           {0, 0, {}, {}}, {3, 3, {}, {}}, {0, 1, {}, {0}}, {0, 1, {1}, {}}, {2, 5, {7, 5}, {}}}) {
    HarnessConfig config_ = config();
    config_.lower_instance = c.lower;
    config_.lift_instance = c.lift;
    config_.lower_ancestors = c.lower_ancestors;
    config_.lift_ancestors = c.lift_ancestors;
    auto h = make("func(a: u32) -> u32", config_);
    ASSERT_TRUE(h);
    h->set_callee_result(Value::u32(1));
    EXPECT_TRAP(h->call({Value::u32(1)}), TrapCode::CannotEnterComponent);
    EXPECT_FALSE(h->received().has_value());
  }
  // Unrelated instances with unrelated ancestors may call each other.
  HarnessConfig ok = config();
  ok.lower_instance = 4;
  ok.lift_instance = 6;
  ok.lower_ancestors = {1};
  ok.lift_ancestors = {2, 3};
  auto h = make("func(a: u32) -> u32", ok);
  ASSERT_TRUE(h);
  h->set_callee_result(Value::u32(9));
  CallResult r = h->call({Value::u32(1)});
  ASSERT_FALSE(r.trap) << *r.trap;
  EXPECT_EQ(r.result, Value::u32(9));
}

TEST_P(AdapterRun, BadStringsAndListsTrap) {
  const bool m64 = GetParam().lower64;
  const uint64_t size = 4 * 65536;
  auto s = make("func(s: string)");
  ASSERT_TRUE(s);
  EXPECT_TRAP(s->call_raw({ptr(m64, size - 2), ptr(m64, 3)}), TrapCode::StringOutOfBounds);
  EXPECT_TRAP(s->call_raw({ptr(m64, 16), ptr(m64, uint64_t{1} << 28)}),
              TrapCode::StringOutOfBounds);
  s->caller_memory().data[16] = 0xFF;  // not UTF-8: the host transcoder refuses it
  CallResult invalid = s->call_raw({ptr(m64, 16), ptr(m64, 1)});
  ASSERT_TRUE(invalid.trap);
  EXPECT_NE(invalid.trap->find("invalid utf-8"), std::string::npos) << *invalid.trap;
  EXPECT_FALSE(s->received().has_value());

  HarnessConfig utf16 = config();
  utf16.lower.encoding = StringEncoding::Utf16;
  auto u = make("func(s: string)", utf16);
  ASSERT_TRUE(u);
  EXPECT_TRAP(u->call_raw({ptr(m64, 17), ptr(m64, 1)}), TrapCode::UnalignedPointer);

  auto l = make("func(l: list<u32>)");
  ASSERT_TRUE(l);
  EXPECT_TRAP(l->call_raw({ptr(m64, 18), ptr(m64, 1)}), TrapCode::UnalignedPointer);
  EXPECT_TRAP(l->call_raw({ptr(m64, size - 4), ptr(m64, 2)}), TrapCode::ListOutOfBounds);
  EXPECT_TRAP(l->call_raw({ptr(m64, 16), ptr(m64, uint64_t{1} << 26)}), TrapCode::ListOutOfBounds);
  EXPECT_FALSE(l->received().has_value());
}

TEST_P(AdapterRun, BadParamAreaFromRealloc) {
  auto h = make(kPointerSig);
  ASSERT_TRUE(h);
  h->set_callee_result(Value::tuple({Value::u64(1), Value::u32(2)}));
  h->set_realloc_bias(true, 4);  // the param tuple needs 8-byte alignment
  EXPECT_TRAP(h->call({Value::u64(1), padding()}), TrapCode::UnalignedPointer);
  EXPECT_FALSE(h->received().has_value());
  h->set_realloc_bias(true, 64 * 65536);
  EXPECT_TRAP(h->call({Value::u64(1), padding()}), TrapCode::MemoryOutOfBounds);
  h->set_realloc_bias(true, 0);
  round_trip(*h, {Value::u64(1), padding()}, Value::tuple({Value::u64(3), Value::u32(4)}));
}

TEST_P(AdapterRun, BadCallerPointers) {
  const bool m64 = GetParam().lower64;
  auto h = make(kPointerSig);
  ASSERT_TRUE(h);
  h->set_callee_result(Value::tuple({Value::u64(1), Value::u32(2)}));
  const uint64_t size = h->caller_memory().size;
  auto args = [&](uint64_t params, uint64_t retptr) {
    return std::vector<Val>{ptr(m64, params), ptr(m64, retptr)};
  };

  auto good = h->lower_args({Value::u64(1), padding()});
  ASSERT_TRUE(good.ok());
  const uint64_t params = (*good)[0].bits;
  const uint64_t retptr = h->alloc_retptr()->bits;

  EXPECT_TRAP(h->call_raw(args(params + 4, retptr)), TrapCode::UnalignedPointer);
  EXPECT_TRAP(h->call_raw(args(size - 8, retptr)), TrapCode::MemoryOutOfBounds);
  EXPECT_TRAP(h->call_raw(args(size, retptr)), TrapCode::MemoryOutOfBounds);
  if (m64) EXPECT_TRAP(h->call_raw(args(uint64_t{1} << 40, retptr)), TrapCode::MemoryOutOfBounds);
  EXPECT_FALSE(h->received().has_value());

  EXPECT_TRAP(h->call_raw(args(params, retptr + 4)), TrapCode::UnalignedPointer);
  EXPECT_TRAP(h->call_raw(args(params, size - 8)), TrapCode::MemoryOutOfBounds);
  EXPECT_TRAP(h->call_raw(args(params, 0xFFFFFFF8u)), TrapCode::MemoryOutOfBounds);

  CallResult r = h->call_raw(args(params, retptr));
  ASSERT_FALSE(r.trap) << *r.trap;
}

TEST_P(AdapterRun, BadCalleeResultPointer) {
  const bool m64 = GetParam().lift64;
  auto h = make(kPointerSig);
  ASSERT_TRUE(h);
  const uint64_t size = h->callee_memory().size;
  for (uint64_t bad : {size, size - 8, uint64_t{0xFFFFFFF8u}}) {
    h->set_callee_raw_results({ptr(m64, bad)});
    EXPECT_TRAP(h->call({Value::u64(1), padding()}), TrapCode::MemoryOutOfBounds);
  }
  h->set_callee_raw_results({ptr(m64, 4)});
  EXPECT_TRAP(h->call({Value::u64(1), padding()}), TrapCode::UnalignedPointer);
}

// The adapter's imports follow what the signature needs.
TEST_P(AdapterRun, MemoryOnlyWhenNeeded) {
  auto flat = make("func(a: u32) -> u32");
  ASSERT_TRUE(flat);
  EXPECT_FALSE(flat->has_memory(false));
  EXPECT_FALSE(flat->has_memory(true));
  auto indirect = make(kPointerSig);
  ASSERT_TRUE(indirect);
  EXPECT_TRUE(indirect->has_memory(false));
  EXPECT_TRUE(indirect->has_realloc(true));
  EXPECT_FALSE(indirect->has_realloc(false));
}

INSTANTIATE_TEST_SUITE_P(Widths, AdapterRun, all_widths(), widths_name);

}  // namespace
}  // namespace fact::test
