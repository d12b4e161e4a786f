// End-to-end list, map and fixed-length list tests, with the memory.copy
// fast path for elements whose bytes are the same on both sides: adapters
// compiled by fact run in wabt's interpreter, the
// harness's Canonical ABI reference lowers what is sent and lifts what
// arrives.
#include <gtest/gtest.h>

#include <cstring>

#include "fact/type_expr.h"
#include "support/adapter_fixture.h"

namespace fact::test {
namespace {

constexpr uint64_t kMemorySize = 4 * 65536;

Value list_of(std::vector<Value> items) { return Value::list(std::move(items)); }

std::vector<Value> u8s(std::initializer_list<int> v) {
  std::vector<Value> out;
  for (int x : v) out.push_back(Value::u8(static_cast<uint8_t>(x)));
  return out;
}

class ListRun : public AdapterTest {
 protected:
  HarnessConfig config(StringEncoding lower = StringEncoding::Utf8,
                       StringEncoding lift = StringEncoding::Utf8) const {
    HarnessConfig c = AdapterTest::config();
    c.lower.encoding = lower;
    c.lift.encoding = lift;
    return c;
  }
  using AdapterTest::make;
  std::unique_ptr<AdapterHarness> make(std::string_view sig) { return make(sig, config()); }

  // Calls func(l: list<T>) with a list stored in the caller's memory at
  // `at` with `length` elements (the bytes are the test's business).
  CallResult call_list(AdapterHarness& h, uint64_t at, uint64_t length) {
    return h.call_raw({ptr(lower64(), at), ptr(lower64(), length)});
  }

  // The (pointer, length) the callee received for its list parameter.
  std::pair<uint64_t, uint64_t> received_pair(const AdapterHarness& h) {
    const std::vector<Val>& p = h.callee_raw_params();
    EXPECT_EQ(p.size(), 2u);
    if (p.size() != 2) return {0, 0};
    return {p[0].bits, p[1].bits};
  }
};

// ---- round trips ------------------------------------------------------------

TEST_P(ListRun, ScalarAndRecordLists) {
  struct Case {
    const char* type;
    std::vector<Value> elements;
  };
  const std::vector<Case> cases = {
      {"u8", u8s({0, 255, 7, 128, 1})},
      {"s8", {Value::s8(-128), Value::s8(127)}},
      {"u32", {Value::u32(0xFFFFFFFF), Value::u32(0), Value::u32(0x80000001)}},
      {"s64", {Value::s64(INT64_MIN), Value::s64(-1)}},
      {"f32", {Value::f32_bits(0x7FA00001), Value::f32(-0.0f), Value::f32_bits(0xFFC00003)}},
      {"f64", {Value::f64_bits(0x7FF4000000000001), Value::f64(1.5)}},
      {"record { x: f32, y: f32 }",
       {Value::record({Value::f32(1.0f), Value::f32_bits(0x7F800001)}),
        Value::record({Value::f32(-2.5f), Value::f32(3.0f)})}},
      {"tuple<u8, u64>",
       {Value::tuple({Value::u8(0xFF), Value::u64(~uint64_t{0})}),
        Value::tuple({Value::u8(1), Value::u64(2)}),
        Value::tuple({Value::u8(0), Value::u64(uint64_t{1} << 63)})}},
      {"list<u16, 3>",
       {Value::fixed_list({Value::u16(1), Value::u16(0xFFFF), Value::u16(3)}),
        Value::fixed_list({Value::u16(4), Value::u16(5), Value::u16(6)})}},
      {"bool", {Value::boolean(true), Value::boolean(false), Value::boolean(true)}},
      {"char", {Value::character(0x10FFFF), Value::character('a'), Value::character(0xE000)}},
      {"enum { a, b, c }", {Value::enumeration(2), Value::enumeration(0)}},
      {"flags { r, w, x }", {Value::flags(5), Value::flags(0), Value::flags(7)}},
      {"option<u8>", {Value::none(), Value::some(Value::u8(9))}},
      {"variant { a(u64), b, c(f32) }",
       {Value::variant(0, Value::u64(5)), Value::variant(1),
        Value::variant(2, Value::f32_bits(0x7FC00001))}},
      {"result<u16, string>",
       {Value::ok(Value::u16(3)), Value::err(Value::string("bad \xE2\x82\xAC"))}},
      {"list<bool, 2>",
       {Value::fixed_list({Value::boolean(true), Value::boolean(false)}),
        Value::fixed_list({Value::boolean(false), Value::boolean(true)})}},
      {"list<string, 2>",
       {Value::fixed_list({Value::string("a"), Value::string("\xF0\x9F\x98\x80")}),
        Value::fixed_list({Value::string(""), Value::string("caf\xC3\xA9")})}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.type);
    const std::string t = c.type;
    auto h = make("func(a: list<" + t + ">) -> list<" + t + ">");
    ASSERT_TRUE(h);
    std::vector<Value> reversed(c.elements.rbegin(), c.elements.rend());
    round_trip(*h, {list_of(c.elements)}, list_of(reversed));
    round_trip(*h, {list_of({})}, list_of({c.elements[0]}));
    round_trip(*h, {list_of({c.elements[0]})}, list_of({}));
  }
}

TEST_P(ListRun, MapsAndNestedLists) {
  auto maps = make("func(a: map<string, u32>, b: map<u8, u64>) -> map<u32, list<u8>>");
  ASSERT_TRUE(maps);
  round_trip(
      *maps,
      {Value::map({{Value::string("one"), Value::u32(1)},
                   {Value::string("\xC3\xA9"), Value::u32(0xFFFFFFFF)}}),
       Value::map({{Value::u8(3), Value::u64(~uint64_t{0})}, {Value::u8(0), Value::u64(0)}})},
      Value::map({{Value::u32(7), list_of(u8s({1, 2, 3}))}, {Value::u32(8), list_of({})}}));
  round_trip(*maps, {Value::map({}), Value::map({})}, Value::map({}));

  auto nested =
      make("func(a: list<list<string>>, b: list<list<u8, 3>>) -> list<list<list<string>>>");
  ASSERT_TRUE(nested);
  round_trip(*nested,
             {list_of({list_of({Value::string("x"), Value::string("")}), list_of({}),
                       list_of({Value::string("\xE4\xB8\xAD\xF0\x9F\x98\x80")})}),
              list_of({Value::fixed_list(u8s({1, 2, 3})), Value::fixed_list(u8s({255, 0, 9}))})},
             list_of({list_of({list_of({Value::string("deep")}), list_of({})}), list_of({})}));
}

// list<string> between every pair of string encodings.
TEST_P(ListRun, ListsOfStringsAcrossEncodings) {
  const StringEncoding encodings[] = {StringEncoding::Utf8, StringEncoding::Utf16,
                                      StringEncoding::CompactUtf16};
  const std::vector<Value> strings = {Value::string(""), Value::string("plain"),
                                      Value::string("caf\xC3\xA9"),
                                      Value::string("\xE2\x82\xAC\xF0\x9F\x98\x80"),
                                      Value::string(std::string(70, 'z') + "\xC3\xBF")};
  for (StringEncoding from : encodings) {
    for (StringEncoding to : encodings) {
      SCOPED_TRACE(std::string(string_encoding_name(from)) + " -> " + string_encoding_name(to));
      auto h =
          make("func(a: list<string>, b: list<list<string>>) -> list<string>", config(from, to));
      ASSERT_TRUE(h);
      std::vector<Value> reversed(strings.rbegin(), strings.rend());
      round_trip(*h, {list_of(strings), list_of({list_of(reversed), list_of({})})},
                 list_of(reversed));
    }
  }
}

// ---- the memory.copy fast path ----------------------------------------------

// For eligible element types the callee's bytes are exactly what the
// reference stores for the same elements (padding aside), and the adapter
// uses memory.copy; ineligible types use the element loop.
TEST_P(ListRun, FastPathMatchesTheReference) {
  struct Case {
    const char* type;
    bool eligible;
    std::vector<Value> elements;
  };
  const std::vector<Case> cases = {
      {"u8", true, u8s({1, 2, 3, 0xFF, 0})},
      {"s16", true, {Value::s16(-2), Value::s16(32767)}},
      {"u64", true, {Value::u64(~uint64_t{0} - 5), Value::u64(1)}},
      {"f32", true, {Value::f32_bits(0x7FA00001), Value::f32_bits(0xFFC00002)}},
      {"f64", true, {Value::f64_bits(0x7FF0000000000001), Value::f64(-0.0)}},
      {"record { x: f32, y: f32 }",
       true,
       {Value::record({Value::f32(1.0f), Value::f32(2.0f)}),
        Value::record({Value::f32_bits(0x7FC00009), Value::f32(0.0f)})}},
      {"tuple<u8, u64>",
       true,
       {Value::tuple({Value::u8(0xAB), Value::u64(0x0102030405060708)}),
        Value::tuple({Value::u8(0), Value::u64(0)})}},
      {"record { a: u8, b: list<tuple<u16, u8>, 2> }",
       true,
       {Value::record({Value::u8(7),
                       Value::fixed_list({Value::tuple({Value::u16(1), Value::u8(2)}),
                                          Value::tuple({Value::u16(0xFFFF), Value::u8(0xFF)})})})}},
      {"bool", false, {Value::boolean(true)}},
      {"char", false, {Value::character('x')}},
      {"flags { a, b }", false, {Value::flags(3)}},
      {"enum { a, b }", false, {Value::enumeration(1)}},
      {"option<u8>", false, {Value::some(Value::u8(1))}},
      {"tuple<u8, bool>", false, {Value::tuple({Value::u8(1), Value::boolean(true)})}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.type);
    const std::string t = c.type;
    auto h = make("func(a: list<" + t + ">)");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->adapter_wat().find("memory.copy") != std::string::npos, c.eligible)
        << h->adapter_wat();
    h->reset();
    auto flat = h->lower_args({list_of(c.elements)});
    ASSERT_TRUE(flat.ok()) << flat.error().message;
    CallResult r = h->call_raw(*flat);
    ASSERT_FALSE(r.trap) << *r.trap;
    auto [at, length] = received_pair(*h);
    EXPECT_EQ(length, c.elements.size());

    // What the reference stores, in two scratch memories filled
    // differently: bytes that differ between them are padding.
    const TypeId elem = type(c.type);
    const Reference& ref = h->reference();
    const uint32_t size = ref.elem_size(elem, lift64());
    ASSERT_EQ(h->realloc_calls(true).size(), 1u);
    EXPECT_EQ(h->realloc_calls(true)[0].size, uint64_t{size} * c.elements.size());
    EXPECT_EQ(h->realloc_calls(true)[0].align, ref.alignment(elem, lift64()));
    std::vector<uint8_t> zeros(size * c.elements.size(), 0x00),
        ones(size * c.elements.size(), 0xFF);
    for (std::vector<uint8_t>* scratch : {&zeros, &ones}) {
      MemoryView view{scratch->data(), scratch->size(), lift64(), StringEncoding::Utf8, {}};
      for (size_t i = 0; i < c.elements.size(); ++i) {
        ASSERT_TRUE(ref.store(elem, c.elements[i], view, i * size).ok());
      }
    }
    const uint8_t* got = h->callee_memory().data + at;
    for (size_t i = 0; i < zeros.size(); ++i) {
      if (zeros[i] == ones[i]) {
        EXPECT_EQ(got[i], zeros[i]) << "byte " << i;
      }
    }
  }
}

// ---- normalisation and validation of elements -------------------------------

TEST_P(ListRun, ElementsAreNormalisedAndValidated) {
  auto host_bytes = [](AdapterHarness& h, std::vector<uint8_t> bytes, uint64_t align) {
    auto at = h.host_alloc(false, align, bytes.size());
    std::memcpy(h.caller_memory().data + *at, bytes.data(), bytes.size());
    return *at;
  };
  // bool: any non-zero byte is true.
  auto bools = make("func(a: list<bool>)");
  ASSERT_TRUE(bools);
  bools->reset();
  ASSERT_FALSE(call_list(*bools, host_bytes(*bools, {0, 1, 2, 0xFF, 0x80}, 1), 5).trap);
  auto [at, length] = received_pair(*bools);
  ASSERT_EQ(length, 5u);
  EXPECT_EQ(
      std::vector<uint8_t>(bools->callee_memory().data + at, bools->callee_memory().data + at + 5),
      (std::vector<uint8_t>{0, 1, 1, 1, 1}));

  // flags: unused bits are cleared.
  auto flags = make("func(a: list<flags { a, b, c }>)");
  ASSERT_TRUE(flags);
  flags->reset();
  ASSERT_FALSE(call_list(*flags, host_bytes(*flags, {0xFF, 0x08, 0x05}, 1), 3).trap);
  std::tie(at, length) = received_pair(*flags);
  EXPECT_EQ(
      std::vector<uint8_t>(flags->callee_memory().data + at, flags->callee_memory().data + at + 3),
      (std::vector<uint8_t>{0x07, 0x00, 0x05}));

  // char: surrogates and values past U+10FFFF trap, wherever they are.
  auto chars = make("func(a: list<char>)");
  ASSERT_TRUE(chars);
  for (uint32_t bad : {0xD800u, 0xDFFFu, 0x110000u}) {
    SCOPED_TRACE(bad);
    std::vector<uint8_t> bytes(12, 0);
    bytes[0] = 'a';
    std::memcpy(bytes.data() + 8, &bad, 4);
    chars->reset();
    EXPECT_TRAP(call_list(*chars, host_bytes(*chars, bytes, 4), 3), TrapCode::InvalidChar);
    EXPECT_TRUE(chars->callee_raw_params().empty());
  }

  // Discriminants of enums, options and variants in list elements.
  struct Case {
    const char* type;
    uint32_t elem_size;
    uint8_t bad;
  };
  for (const Case& c : std::vector<Case>{{"enum { a, b, c }", 1, 3},
                                         {"option<u8>", 2, 2},
                                         {"variant { a(u64), b, c(f32) }", 16, 3},
                                         {"result<u8, u8>", 2, 0xFF}}) {
    SCOPED_TRACE(c.type);
    auto h = make(std::string("func(a: list<") + c.type + ">)");
    ASSERT_TRUE(h);
    std::vector<uint8_t> bytes(3 * c.elem_size, 0);
    bytes[2 * c.elem_size] = c.bad;
    h->reset();
    EXPECT_TRAP(call_list(*h, host_bytes(*h, bytes, 8), 3), TrapCode::InvalidDiscriminant);
    EXPECT_TRUE(h->callee_raw_params().empty());
    bytes[2 * c.elem_size] = 0;
    h->reset();
    EXPECT_FALSE(call_list(*h, host_bytes(*h, bytes, 8), 3).trap);
  }
}

// ---- pointers, allocation and limits ----------------------------------------

TEST_P(ListRun, SourcePointersAreValidated) {
  const bool m64 = lower64();
  auto u32s = make("func(a: list<u32>)");
  auto bytes = make("func(a: list<u8>)");
  ASSERT_TRUE(u32s && bytes);
  EXPECT_TRAP(call_list(*u32s, 18, 1), TrapCode::UnalignedPointer);
  EXPECT_TRAP(call_list(*u32s, 18, 0), TrapCode::UnalignedPointer);  // even when empty
  EXPECT_TRAP(call_list(*u32s, kMemorySize - 4, 2), TrapCode::ListOutOfBounds);
  EXPECT_TRAP(call_list(*u32s, 0xFFFFFFF0u, 8), TrapCode::ListOutOfBounds);
  // The length limit comes before alignment (load_list_from_range).
  EXPECT_TRAP(call_list(*u32s, 18, uint64_t{1} << 26), TrapCode::ListOutOfBounds);
  if (m64) {
    EXPECT_TRAP(call_list(*u32s, uint64_t{1} << 40, 1), TrapCode::ListOutOfBounds);
    EXPECT_TRAP(call_list(*bytes, ~uint64_t{0} - 1, 4), TrapCode::ListOutOfBounds);  // wraps around
    EXPECT_TRAP(call_list(*bytes, 16, uint64_t{1} << 32), TrapCode::ListOutOfBounds);
  }
  EXPECT_TRUE(u32s->callee_raw_params().empty());
  // Ending exactly at the end of memory is fine.
  ASSERT_FALSE(call_list(*u32s, kMemorySize - 8, 2).trap);
  EXPECT_EQ(received_pair(*u32s).second, 2u);
  ASSERT_FALSE(call_list(*bytes, kMemorySize, 0).trap);
}

// Empty lists still allocate: realloc(0, 0, align, 0) (store_list_into_range).
TEST_P(ListRun, EmptyListsStillCallRealloc) {
  for (const char* t : {"u8", "u64", "string", "bool"}) {
    SCOPED_TRACE(t);
    auto h = make(std::string("func(a: list<") + t + ">)");
    ASSERT_TRUE(h);
    round_trip(*h, {list_of({})}, std::nullopt);
    ASSERT_EQ(h->realloc_calls(true).size(), 1u);
    const ReallocCall& call = h->realloc_calls(true)[0];
    EXPECT_EQ(call.old_ptr, 0u);
    EXPECT_EQ(call.old_size, 0u);
    EXPECT_EQ(call.size, 0u);
    EXPECT_EQ(call.align, h->reference().alignment(type(t), lift64()));
  }
}

// The destination from realloc: misaligned traps UnalignedPointer (only
// when the alignment is not 1), out of bounds traps ListOutOfBounds; also
// for a list nested inside another's elements, and for results.
TEST_P(ListRun, ReallocResultsAreValidated) {
  auto u32s = make("func(a: list<u32>)");
  ASSERT_TRUE(u32s);
  const Value sample = list_of({Value::u32(1), Value::u32(2)});
  u32s->set_realloc_bias(true, 2);
  EXPECT_TRAP(u32s->call({sample}), TrapCode::UnalignedPointer);
  u32s->set_realloc_bias(true, static_cast<int64_t>(kMemorySize));
  EXPECT_TRAP(u32s->call({sample}), TrapCode::ListOutOfBounds);
  EXPECT_FALSE(u32s->received().has_value());
  if (lift64()) {
    u32s->set_realloc_bias(true, -static_cast<int64_t>(2 * 65536) - 4);  // end wraps around
    EXPECT_TRAP(u32s->call({sample}), TrapCode::ListOutOfBounds);
  }
  u32s->set_realloc_bias(true, 0);
  round_trip(*u32s, {sample}, std::nullopt);

  // Alignment 1: an odd pointer is fine.
  auto bytes = make("func(a: list<u8>)");
  ASSERT_TRUE(bytes);
  bytes->set_realloc_bias(true, 1);
  round_trip(*bytes, {list_of(u8s({4, 5, 6}))}, std::nullopt);
  EXPECT_EQ(received_pair(*bytes).first % 2, 1u);
  bytes->set_realloc_bias(true, 0);

  // The inner list of the first element is the second allocation.
  auto nested = make("func(a: list<list<u16>>)");
  ASSERT_TRUE(nested);
  const Value deep = list_of({list_of({Value::u16(1)}), list_of({Value::u16(2), Value::u16(3)})});
  nested->set_realloc_bias(true, 1, 1);
  EXPECT_TRAP(nested->call({deep}), TrapCode::UnalignedPointer);
  nested->set_realloc_bias(true, static_cast<int64_t>(kMemorySize), 2);
  EXPECT_TRAP(nested->call({deep}), TrapCode::ListOutOfBounds);
  nested->set_realloc_bias(true, 0);
  round_trip(*nested, {deep}, std::nullopt);

  // Results go through the caller's realloc.
  auto result = make("func() -> list<u64>");
  ASSERT_TRUE(result);
  result->set_callee_result(list_of({Value::u64(9)}));
  result->set_realloc_bias(false, 4);
  EXPECT_TRAP(result->call({}), TrapCode::UnalignedPointer);
  result->set_realloc_bias(false, static_cast<int64_t>(kMemorySize));
  EXPECT_TRAP(result->call({}), TrapCode::ListOutOfBounds);
  result->set_realloc_bias(false, 0);
  round_trip(*result, {}, list_of({Value::u64(9)}));
}

// A bad list inside the callee's result is caught too.
TEST_P(ListRun, BadListInResultTraps) {
  auto h = make("func() -> list<u32>");
  ASSERT_TRUE(h);
  h->reset();
  auto pair = h->host_alloc(true, 8, 16);
  ASSERT_TRUE(pair.ok());
  const size_t width = lift64() ? 8 : 4;
  const uint64_t bad_ptr = 6, length = 1;
  std::memcpy(h->callee_memory().data + *pair, &bad_ptr, width);
  std::memcpy(h->callee_memory().data + *pair + width, &length, width);
  h->set_callee_raw_results({ptr(lift64(), *pair)});
  auto retptr = h->alloc_retptr();
  ASSERT_TRUE(retptr.ok());
  EXPECT_TRAP(h->call_raw({*retptr}), TrapCode::UnalignedPointer);
}

INSTANTIATE_TEST_SUITE_P(Widths, ListRun, all_widths(), widths_name);

}  // namespace
}  // namespace fact::test
