// The specification's length limits (docs/divergences.md):
// MAX_STRING_BYTE_LENGTH and MAX_LIST_BYTE_LENGTH are 2^28 - 1 bytes of
// the source. Each limit is tested at the limit (passes) and one past it
// (traps) with the source in bounds, so that only the limit can make the
// call trap; this needs memories of just over 256 MiB on both sides.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "fact/type_expr.h"
#include "support/adapter_fixture.h"

namespace fact::test {
namespace {

constexpr uint64_t kLimit = (uint64_t{1} << 28) - 1;
// 2^28 bytes placed after the harness's 128 KiB host region, with room to
// spare, and the same for the callee's realloc heap (which starts there).
constexpr uint64_t kPages = 4100;
constexpr uint64_t kSource = 2 * 65536;

class Limits : public AdapterTest {
 protected:
  std::unique_ptr<AdapterHarness> make(std::string_view sig,
                                       StringEncoding lower = StringEncoding::Utf8,
                                       StringEncoding lift = StringEncoding::Utf8) {
    HarnessConfig c = config();
    c.lower.encoding = lower;
    c.lift.encoding = lift;
    c.memory_pages = kPages;
    // The reference would build one Value per element.
    c.lift_received = false;
    return AdapterTest::make(sig, c);
  }

  CallResult call(AdapterHarness& h, uint64_t length) {
    const ValType p = GetParam().lower64 ? ValType::I64 : ValType::I32;
    return h.call_raw({Val{p, kSource}, Val{p, length}});
  }

  // After a successful call: the callee got `length` and a copy of the
  // `bytes` source bytes.
  void expect_copied(AdapterHarness& h, uint64_t length, uint64_t bytes) {
    const std::vector<Val>& p = h.callee_raw_params();
    ASSERT_EQ(p.size(), 2u) << "the callee did not run";
    EXPECT_EQ(p[1].bits, length);
    MemoryView callee = h.callee_memory();
    ASSERT_LE(p[0].bits + bytes, callee.size);
    EXPECT_EQ(std::memcmp(callee.data + p[0].bits, h.caller_memory().data + kSource, bytes), 0);
  }

  // Fills the source with `byte`, plus a few distinct bytes that the copy
  // must carry over too.
  void fill(AdapterHarness& h, uint8_t byte, uint64_t bytes, uint8_t marker) {
    uint8_t* src = h.caller_memory().data + kSource;
    std::memset(src, byte, bytes);
    for (uint64_t at : {uint64_t{0}, bytes / 2, bytes - 2}) src[at] = marker;
  }
};

TEST_P(Limits, Utf8StringOfMaxBytes) {
  auto h = make("func(s: string)");
  ASSERT_TRUE(h);
  fill(*h, 'a', kLimit + 1, '~');
  ASSERT_TRUE(h->callee_raw_params().empty());
  CallResult r = call(*h, kLimit);
  ASSERT_FALSE(r.trap) << *r.trap;
  expect_copied(*h, kLimit, kLimit);

  h->reset();
  EXPECT_TRAP(call(*h, kLimit + 1), TrapCode::StringOutOfBounds);
  EXPECT_TRUE(h->callee_raw_params().empty()) << "the callee ran";
}

TEST_P(Limits, Utf16StringOfMaxBytes) {
  auto h = make("func(s: string)", StringEncoding::Utf16, StringEncoding::Utf16);
  ASSERT_TRUE(h);
  // Every unit is U+4141 (or U+7E7E at the markers): no surrogates.
  fill(*h, 0x41, kLimit + 1, 0x7E);
  const uint64_t units = kLimit / 2;  // 2^27 - 1 units, 2^28 - 2 bytes
  CallResult r = call(*h, units);
  ASSERT_FALSE(r.trap) << *r.trap;
  expect_copied(*h, units, 2 * units);

  h->reset();
  EXPECT_TRAP(call(*h, units + 1), TrapCode::StringOutOfBounds);
  EXPECT_TRUE(h->callee_raw_params().empty()) << "the callee ran";
}

// latin1+utf16: the limit is on bytes in both forms (2 per unit when tagged).
TEST_P(Limits, CompactStringOfMaxBytes) {
  auto h = make("func(s: string)", StringEncoding::CompactUtf16, StringEncoding::CompactUtf16);
  ASSERT_TRUE(h);
  fill(*h, 0xE9, kLimit + 1, 'z');
  CallResult r = call(*h, kLimit);
  ASSERT_FALSE(r.trap) << *r.trap;
  expect_copied(*h, kLimit, kLimit);

  h->reset();
  EXPECT_TRAP(call(*h, kLimit + 1), TrapCode::StringOutOfBounds);
  const uint64_t tag = GetParam().lower64 ? uint64_t{1} << 63 : uint64_t{1} << 31;
  EXPECT_TRAP(call(*h, (uint64_t{1} << 27) | tag), TrapCode::StringOutOfBounds);
  EXPECT_TRUE(h->callee_raw_params().empty()) << "the callee ran";
}

TEST_P(Limits, ListOfU8OfMaxBytes) {
  auto h = make("func(l: list<u8>)");
  ASSERT_TRUE(h);
  fill(*h, 0x5A, kLimit + 1, 0xC3);
  CallResult r = call(*h, kLimit);
  ASSERT_FALSE(r.trap) << *r.trap;
  expect_copied(*h, kLimit, kLimit);

  h->reset();
  EXPECT_TRAP(call(*h, kLimit + 1), TrapCode::ListOutOfBounds);
  EXPECT_TRUE(h->callee_raw_params().empty()) << "the callee ran";
}

TEST_P(Limits, ListOfU32OfMaxBytes) {
  auto h = make("func(l: list<u32>)");
  ASSERT_TRUE(h);
  fill(*h, 0x11, kLimit + 1, 0xEE);
  const uint64_t elements = (uint64_t{1} << 26) - 1;
  CallResult r = call(*h, elements);
  ASSERT_FALSE(r.trap) << *r.trap;
  expect_copied(*h, elements, 4 * elements);

  h->reset();
  EXPECT_TRAP(call(*h, elements + 1), TrapCode::ListOutOfBounds);
  EXPECT_TRUE(h->callee_raw_params().empty()) << "the callee ran";
}

// The element size in the limit is the source's, which for pointers depends
// on its memory: 8 bytes per string in a 32-bit memory, 16 in a 64-bit one.
// The source stays in bounds, so only the limit traps.
TEST_P(Limits, ListOfStringsUsesTheSourceElementSize) {
  auto h = make("func(l: list<string>)");
  ASSERT_TRUE(h);
  const uint64_t elements = kLimit / (GetParam().lower64 ? 16 : 8) + 1;
  EXPECT_TRAP(call(*h, elements), TrapCode::ListOutOfBounds);
  EXPECT_TRUE(h->callee_raw_params().empty()) << "the callee ran";
}

INSTANTIATE_TEST_SUITE_P(Widths, Limits, all_widths(), widths_name);

}  // namespace
}  // namespace fact::test
