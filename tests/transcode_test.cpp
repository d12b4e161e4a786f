// Tests of the host transcoders (src/host/transcode.h): every error class,
// boundary cases at SIMD block edges, the call sequences adapters make
// (store_string_to_utf8 and store_string_to_latin1_or_utf16 in
// CanonicalABI.md), an independent model of UTF-8/UTF-16, and a
// differential test of the SIMD paths against the scalar path.
#include "fact/host/transcode.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace fact::host {

// Readable failure messages.
void PrintTo(const TranscodeError& e, std::ostream* os) { *os << e.message(); }

namespace {

using Buf = std::vector<std::uint8_t>;

Buf bytes(std::initializer_list<int> list) {
  Buf b;
  for (int v : list) b.push_back(static_cast<std::uint8_t>(v));
  return b;
}
Buf bytes(std::string_view s) { return Buf(s.begin(), s.end()); }

Buf utf16le(const std::vector<std::uint16_t>& units) {
  Buf b;
  for (std::uint16_t u : units) {
    b.push_back(static_cast<std::uint8_t>(u));
    b.push_back(static_cast<std::uint8_t>(u >> 8));
  }
  return b;
}

std::vector<SimdLevel> supported_levels() {
  std::vector<SimdLevel> levels{SimdLevel::Scalar};
  for (SimdLevel l : {SimdLevel::Sse2, SimdLevel::Avx2})
    if (effective_simd_level(l) == l) levels.push_back(l);
  return levels;
}

const char* name(SimdLevel l) {
  switch (l) {
    case SimdLevel::Scalar: return "scalar";
    case SimdLevel::Sse2: return "sse2";
    case SimdLevel::Avx2: return "avx2";
    default: return "auto";
  }
}

// ---- An independent model: code points in, code points out ----

// Code points, or the byte offset of the first ill-formed sequence. Decodes
// the generic bit pattern, then rejects what the standard forbids.
std::variant<std::u32string, std::size_t> model_utf8(const Buf& b) {
  std::u32string out;
  std::size_t i = 0;
  while (i < b.size()) {
    std::uint8_t c = b[i];
    std::size_t len = c < 0x80         ? 1
                      : (c >> 5) == 6  ? 2
                      : (c >> 4) == 14 ? 3
                      : (c >> 3) == 30 ? 4
                                       : 0;
    if (len == 0 || i + len > b.size()) return i;
    std::uint32_t cp = len == 1 ? c : c & (0x7Fu >> len);
    for (std::size_t k = 1; k < len; ++k) {
      if ((b[i + k] & 0xC0) != 0x80) return i;
      cp = cp << 6 | (b[i + k] & 0x3Fu);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    out.push_back(cp);
    i += len;
  }
  return out;
}

// Code points, or the index of the first unpaired surrogate.
std::variant<std::u32string, std::size_t> model_utf16(const Buf& b) {
  std::u32string out;
  std::size_t n = b.size() / 2;
  auto unit = [&](std::size_t i) -> std::uint32_t { return b[2 * i] | b[2 * i + 1] << 8; };
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t u = unit(i);
    if (u >= 0xDC00 && u <= 0xDFFF) return i;
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (i + 1 == n || unit(i + 1) < 0xDC00 || unit(i + 1) > 0xDFFF) return i;
      out.push_back(0x10000 + ((u - 0xD800) << 10) + (unit(i + 1) - 0xDC00));
      ++i;
    } else {
      out.push_back(u);
    }
  }
  return out;
}

Buf to_utf8(const std::u32string& s) {
  Buf b;
  for (char32_t c : s) {
    std::uint32_t cp = c;
    if (cp < 0x80) {
      b.push_back(static_cast<std::uint8_t>(cp));
    } else if (cp < 0x800) {
      b.push_back(static_cast<std::uint8_t>(0xC0 | cp >> 6));
      b.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      b.push_back(static_cast<std::uint8_t>(0xE0 | cp >> 12));
      b.push_back(static_cast<std::uint8_t>(0x80 | (cp >> 6 & 0x3F)));
      b.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
    } else {
      b.push_back(static_cast<std::uint8_t>(0xF0 | cp >> 18));
      b.push_back(static_cast<std::uint8_t>(0x80 | (cp >> 12 & 0x3F)));
      b.push_back(static_cast<std::uint8_t>(0x80 | (cp >> 6 & 0x3F)));
      b.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
    }
  }
  return b;
}

Buf to_utf16(const std::u32string& s) {
  std::vector<std::uint16_t> units;
  for (char32_t c : s) {
    std::uint32_t cp = c;
    if (cp < 0x10000) {
      units.push_back(static_cast<std::uint16_t>(cp));
    } else {
      units.push_back(static_cast<std::uint16_t>(0xD800 + ((cp - 0x10000) >> 10)));
      units.push_back(static_cast<std::uint16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    }
  }
  return utf16le(units);
}

bool all_latin1(const std::u32string& s) {
  for (char32_t c : s)
    if (c > 0xFF) return false;
  return true;
}

Buf to_latin1(const std::u32string& s) {
  Buf b;
  for (char32_t c : s) b.push_back(static_cast<std::uint8_t>(c));
  return b;
}

// ---- Adapter call sequences ----

// store_string_to_utf8: deflate to UTF-8 with a first pass into len bytes
// and a second pass
// into the worst case. Returns the UTF-8 bytes or the error.
template <class F>
TranscodeResult<Buf> adapter_to_utf8(const Buf& src, std::size_t units, std::size_t factor, F fn,
                                     SimdLevel simd) {
  std::size_t w = units == 0 ? 1 : src.size() / units;
  Buf dst(units, 0xEE);
  auto first = fn(Bytes(src), MutableBytes(dst), true, simd);
  if (!first) return first.error();
  if (first->read == units) {
    EXPECT_EQ(first->written, units);
    return dst;
  }
  dst.resize(factor * units, 0xEE);
  auto second = fn(Bytes(src).subspan(first->read * w), MutableBytes(dst).subspan(first->written),
                   false, simd);
  if (!second) {
    // Report positions relative to the whole source, not the second slice.
    TranscodeError e = second.error();
    if (e.kind == TranscodeErrorKind::UnpairedSurrogate) e.position += first->read;
    return e;
  }
  EXPECT_EQ(second->read, units - first->read);
  dst.resize(first->written + second->written);
  return dst;
}

// store_string_to_latin1_or_utf16: to latin1+utf16 from utf8 or utf16.
// Returns the destination bytes
// and whether they are UTF-16.
struct Compact {
  Buf data;
  bool utf16;
  friend bool operator==(const Compact&, const Compact&) = default;
};

template <class ToLatin1, class ToCompact>
TranscodeResult<Compact> adapter_to_compact(const Buf& src, std::size_t units, ToLatin1 to_latin1,
                                            ToCompact to_compact, SimdLevel simd) {
  std::size_t w = units == 0 ? 1 : src.size() / units;
  Buf dst(units, 0xEE);
  auto latin1 = to_latin1(Bytes(src), MutableBytes(dst), simd);
  if (!latin1) return latin1.error();
  if (latin1->read == units) {
    dst.resize(latin1->written);
    return Compact{dst, false};
  }
  dst.resize(2 * units, 0xEE);
  auto total =
      to_compact(Bytes(src).subspan(latin1->read * w), MutableBytes(dst), latin1->written, simd);
  if (!total) {
    TranscodeError e = total.error();
    if (e.kind == TranscodeErrorKind::InvalidUtf8 ||
        e.kind == TranscodeErrorKind::UnpairedSurrogate)
      e.position += latin1->read;
    return e;
  }
  dst.resize(2 * *total);
  return Compact{dst, true};
}

// ---- UTF-8 error classes ----

void expect_invalid_utf8(const Buf& src, std::size_t position) {
  SCOPED_TRACE(testing::PrintToString(src));
  for (SimdLevel l : supported_levels()) {
    SCOPED_TRACE(name(l));
    TranscodeError expected{TranscodeErrorKind::InvalidUtf8, position};
    Buf dst(2 * src.size() + 8, 0xEE);
    Buf untouched = dst;
    auto copied = utf8_to_utf8(Bytes(src), MutableBytes(dst), l);
    ASSERT_FALSE(copied);
    EXPECT_EQ(copied.error(), expected);
    EXPECT_EQ(dst, untouched) << "utf8-to-utf8 writes nothing for invalid input";
    auto wide = utf8_to_utf16(Bytes(src), MutableBytes(dst), l);
    ASSERT_FALSE(wide);
    EXPECT_EQ(wide.error(), expected);
    auto compact = adapter_to_compact(src, src.size(), utf8_to_latin1, utf8_to_compact_utf16, l);
    ASSERT_FALSE(compact);
    EXPECT_EQ(compact.error(), expected);
    // The model agrees on the position.
    auto model = model_utf8(src);
    ASSERT_EQ(model.index(), 1u);
    EXPECT_EQ(std::get<1>(model), position);
  }
}

TEST(TranscodeUtf8, RejectsEveryErrorClass) {
  expect_invalid_utf8(bytes({0x80}), 0);                    // lone continuation
  expect_invalid_utf8(bytes({'a', 'b', 0xBF, 'c'}), 2);     // continuation mid-string
  expect_invalid_utf8(bytes({'a', 0xC3, 0xA9, 0xA9}), 3);   // extra continuation
  expect_invalid_utf8(bytes({'a', 0xC3}), 1);               // truncated 2-byte at end
  expect_invalid_utf8(bytes({'a', 0xE2, 0x82}), 1);         // truncated 3-byte at end
  expect_invalid_utf8(bytes({0xF0, 0x9F, 0x98}), 0);        // truncated 4-byte at end
  expect_invalid_utf8(bytes({0xE2, 0x82, 'x'}), 0);         // truncated before ASCII
  expect_invalid_utf8(bytes({0xC0, 0x80}), 0);              // overlong 2-byte (C0)
  expect_invalid_utf8(bytes({0xC1, 0xBF}), 0);              // overlong 2-byte (C1)
  expect_invalid_utf8(bytes({'z', 0xE0, 0x80, 0x80}), 1);   // overlong 3-byte
  expect_invalid_utf8(bytes({0xE0, 0x9F, 0xBF}), 0);        // overlong 3-byte, top
  expect_invalid_utf8(bytes({0xF0, 0x80, 0x80, 0x80}), 0);  // overlong 4-byte
  expect_invalid_utf8(bytes({0xF0, 0x8F, 0xBF, 0xBF}), 0);  // overlong 4-byte, top
  expect_invalid_utf8(bytes({0xED, 0xA0, 0x80}), 0);        // U+D800 in UTF-8
  expect_invalid_utf8(bytes({'q', 0xED, 0xBF, 0xBF}), 1);   // U+DFFF in UTF-8
  expect_invalid_utf8(bytes({0xF4, 0x90, 0x80, 0x80}), 0);  // U+110000
  expect_invalid_utf8(bytes({0xF7, 0xBF, 0xBF, 0xBF}), 0);  // beyond U+10FFFF
  for (int b = 0xF5; b <= 0xFF; ++b) expect_invalid_utf8(bytes({'a', b, 0x80, 0x80, 0x80}), 1);
  expect_invalid_utf8(bytes({0xC2, 'a'}), 0);  // lead then ASCII
}

TEST(TranscodeUtf8, AcceptsTheEdgesOfEachRange) {
  for (const Buf& s :
       {bytes({0x7F}), bytes({0xC2, 0x80}), bytes({0xDF, 0xBF}), bytes({0xE0, 0xA0, 0x80}),
        bytes({0xED, 0x9F, 0xBF}), bytes({0xEE, 0x80, 0x80}), bytes({0xEF, 0xBF, 0xBF}),
        bytes({0xF0, 0x90, 0x80, 0x80}), bytes({0xF4, 0x8F, 0xBF, 0xBF})}) {
    for (SimdLevel l : supported_levels()) {
      Buf dst(s.size(), 0);
      EXPECT_TRUE(utf8_to_utf8(Bytes(s), MutableBytes(dst), l)) << testing::PrintToString(s);
      EXPECT_EQ(dst, s);
    }
  }
}

// An invalid byte placed at every offset around SIMD block edges, after an
// ASCII run, is reported at that offset.
TEST(TranscodeUtf8, ErrorPositionsAroundBlockEdges) {
  for (std::size_t pos : {0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 200}) {
    Buf s(pos, 'a');
    s.push_back(0xFF);
    s.insert(s.end(), 40, 'b');
    expect_invalid_utf8(s, pos);
  }
}

// Mixed text: one-, two-, three- and four-byte characters in turn, so that
// blocks are not ASCII and sequences straddle every block edge.
Buf mixed_text(std::size_t characters) {
  static const Buf kChars[] = {bytes({'a'}), bytes({0xC3, 0xA9}), bytes({0xE2, 0x82, 0xAC}),
                               bytes({0xF0, 0x9F, 0x98, 0x80})};
  Buf out;
  for (std::size_t i = 0; i < characters; ++i) {
    const Buf& c = kChars[(i * 3 + i / 4) % 4];
    out.insert(out.end(), c.begin(), c.end());
  }
  return out;
}

// Every error class after every prefix of mixed text (so at every offset
// within and across the 16- and 32-byte blocks), followed by more mixed
// text: every level reports the error where the model does.
TEST(TranscodeUtf8, EveryErrorClassAtEveryOffsetOfMixedText) {
  const Buf kErrors[] = {
      bytes({0x80}),                    // lone continuation
      bytes({0xC3, 0xA9, 0xA9}),        // extra continuation (at 2)
      bytes({0xC3}),                    // lead, then the next character's lead
      bytes({0xE2, 0x82}),              // three-byte cut
      bytes({0xF0, 0x9F, 0x98}),        // four-byte cut
      bytes({0xC0, 0x80}),              // overlong two-byte
      bytes({0xE0, 0x9F, 0xBF}),        // overlong three-byte
      bytes({0xF0, 0x8F, 0xBF, 0xBF}),  // overlong four-byte
      bytes({0xED, 0xA0, 0x80}),        // surrogate
      bytes({0xF4, 0x90, 0x80, 0x80}),  // above U+10FFFF
      bytes({0xF8, 0x80, 0x80, 0x80}),  // no such lead
  };
  const Buf suffix = mixed_text(20);
  for (const Buf& e : kErrors) {
    for (std::size_t characters = 0; characters < 48; ++characters) {
      Buf s = mixed_text(characters);
      const std::size_t at = s.size() + (e.size() == 3 && e[0] == 0xC3 ? 2 : 0);
      s.insert(s.end(), e.begin(), e.end());
      s.insert(s.end(), suffix.begin(), suffix.end());
      expect_invalid_utf8(s, at);
    }
  }
}

// Mixed text cut at every byte: valid exactly when the cut falls between
// characters, on every level; the model says where a cut one fails.
TEST(TranscodeUtf8, BufferEndsInsideEveryMultiByteSequence) {
  const Buf text = mixed_text(60);
  for (std::size_t n = 0; n <= text.size(); ++n) {
    const Buf s(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(n));
    auto model = model_utf8(s);
    if (model.index() == 1) {
      expect_invalid_utf8(s, std::get<1>(model));
      continue;
    }
    for (SimdLevel l : supported_levels()) {
      Buf dst(s.size(), 0);
      EXPECT_TRUE(utf8_to_utf8(Bytes(s), MutableBytes(dst), l)) << n << " " << name(l);
      EXPECT_EQ(dst, s);
    }
  }
}

// ---- UTF-16 unpaired surrogates ----

void expect_unpaired(const std::vector<std::uint16_t>& units, std::size_t position) {
  SCOPED_TRACE(testing::PrintToString(units));
  Buf src = utf16le(units);
  TranscodeError expected{TranscodeErrorKind::UnpairedSurrogate, position};
  for (SimdLevel l : supported_levels()) {
    SCOPED_TRACE(name(l));
    Buf dst(4 * units.size() + 8, 0xEE);
    Buf untouched = dst;
    auto copied = utf16_to_utf16(Bytes(src), MutableBytes(dst), l);
    ASSERT_FALSE(copied);
    EXPECT_EQ(copied.error(), expected);
    EXPECT_EQ(dst, untouched);
    auto probably = utf16_to_compact_probably_utf16(Bytes(src), MutableBytes(dst), l);
    ASSERT_FALSE(probably);
    EXPECT_EQ(probably.error(), expected);
    auto compact = utf16_to_compact_utf16(Bytes(src), MutableBytes(dst), 0, l);
    ASSERT_FALSE(compact);
    EXPECT_EQ(compact.error(), expected);
    auto deflated = utf16_to_utf8(Bytes(src), MutableBytes(dst), false, l);
    ASSERT_FALSE(deflated);
    EXPECT_EQ(deflated.error(), expected);
    auto adapted = adapter_to_utf8(src, units.size(), 3, utf16_to_utf8, l);
    ASSERT_FALSE(adapted);
    EXPECT_EQ(adapted.error(), expected);
    auto model = model_utf16(src);
    ASSERT_EQ(model.index(), 1u);
    EXPECT_EQ(std::get<1>(model), position);
  }
}

TEST(TranscodeUtf16, RejectsUnpairedSurrogates) {
  expect_unpaired({0xD800}, 0);                       // high alone
  expect_unpaired({0xDC00}, 0);                       // low alone
  expect_unpaired({0xDC00, 'a', 'b'}, 0);             // low at the very start
  expect_unpaired({0xDFFF, 0xD800, 0xDC00}, 0);       // low before a valid pair
  expect_unpaired({'a', 'b', 0xDBFF}, 2);             // high at the very end
  expect_unpaired({'a', 0xD800, 'b'}, 1);             // high before a non-surrogate
  expect_unpaired({'a', 0xD800, 0xD800, 0xDC00}, 1);  // high before a high
  expect_unpaired({0xD83D, 0xDE00, 0xDE00}, 2);       // low after a valid pair
  expect_unpaired({0x00E9, 0x4E2D, 0xDC01}, 2);
}

TEST(TranscodeUtf16, ErrorPositionsAroundBlockEdges) {
  for (std::size_t pos : {0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 100}) {
    for (std::uint16_t bad : {std::uint16_t{0xD800}, std::uint16_t{0xDFFF}}) {
      std::vector<std::uint16_t> units(pos, 'x');
      units.push_back(bad);
      expect_unpaired(units, pos);  // at the end
      units.insert(units.end(), 40, 0x4E2D);
      expect_unpaired(units, pos);  // in the middle
    }
  }
}

// A valid pair whose halves fall on either side of a vector block edge.
TEST(TranscodeUtf16, PairsSplitAcrossBlockEdges) {
  for (std::size_t high : {7, 15, 16, 31, 32, 63, 64}) {
    for (std::uint16_t filler : {std::uint16_t{'a'}, std::uint16_t{0xE9}, std::uint16_t{0x4E2D}}) {
      std::vector<std::uint16_t> units(high, filler);
      units.push_back(0xD83D);
      units.push_back(0xDE00);
      units.insert(units.end(), 50, filler);
      Buf src = utf16le(units);
      std::u32string text = std::get<0>(model_utf16(src));
      for (SimdLevel l : supported_levels()) {
        SCOPED_TRACE(std::string(name(l)) + " pair at " + std::to_string(high));
        Buf dst(src.size(), 0);
        ASSERT_TRUE(utf16_to_utf16(Bytes(src), MutableBytes(dst), l));
        EXPECT_EQ(dst, src);
        auto probably = utf16_to_compact_probably_utf16(Bytes(src), MutableBytes(dst), l);
        ASSERT_TRUE(probably);
        EXPECT_EQ(probably->tagged(), units.size() | (1u << 31));
        EXPECT_EQ(dst, src);
        auto utf8 = adapter_to_utf8(src, units.size(), 3, utf16_to_utf8, l);
        ASSERT_TRUE(utf8);
        EXPECT_EQ(*utf8, to_utf8(text));
        auto compact =
            adapter_to_compact(src, units.size(), utf16_to_latin1, utf16_to_compact_utf16, l);
        ASSERT_TRUE(compact);
        EXPECT_EQ(*compact, (Compact{src, true}));
        // And the same text coming from UTF-8.
        Buf u8 = to_utf8(text);
        Buf wide(2 * u8.size(), 0);
        auto n = utf8_to_utf16(Bytes(u8), MutableBytes(wide), l);
        ASSERT_TRUE(n);
        wide.resize(2 * *n);
        EXPECT_EQ(wide, src);
      }
    }
  }
}

// ---- Empty strings ----

TEST(Transcode, EmptyStringsWithNullSpans) {
  Bytes none;
  MutableBytes out;
  for (SimdLevel l : supported_levels()) {
    EXPECT_TRUE(utf8_to_utf8(none, out, l));
    EXPECT_TRUE(utf16_to_utf16(none, out, l));
    EXPECT_TRUE(latin1_to_latin1(none, out, l));
    EXPECT_TRUE(latin1_to_utf16(none, out, l));
    EXPECT_EQ(utf8_to_utf16(none, out, l).value(), 0u);
    EXPECT_EQ(utf16_to_compact_probably_utf16(none, out, l).value(), (CompactLength{0, false}));
    EXPECT_EQ(utf8_to_latin1(none, out, l).value(), (ReadWritten{0, 0}));
    EXPECT_EQ(utf16_to_latin1(none, out, l).value(), (ReadWritten{0, 0}));
    EXPECT_EQ(utf16_to_utf8(none, out, true, l).value(), (ReadWritten{0, 0}));
    EXPECT_EQ(latin1_to_utf8(none, out, false, l).value(), (ReadWritten{0, 0}));
    EXPECT_EQ(utf8_to_compact_utf16(none, out, 0, l).value(), 0u);
    EXPECT_EQ(utf16_to_compact_utf16(none, out, 0, l).value(), 0u);
  }
}

// ---- Specific semantics ----

TEST(Transcode, ProbablyUtf16CompressesLatin1InPlace) {
  std::vector<std::uint16_t> units{'h', 0xE9, 'l', 0xFF, 0, 'o'};
  for (std::size_t extra : {0, 40}) {
    units.insert(units.end(), extra, 0xA0);
    Buf src = utf16le(units);
    for (SimdLevel l : supported_levels()) {
      Buf dst(src.size(), 0xEE);
      auto r = utf16_to_compact_probably_utf16(Bytes(src), MutableBytes(dst), l);
      ASSERT_TRUE(r);
      EXPECT_EQ(r->tagged(), units.size());
      Buf expected;
      for (std::uint16_t u : units) expected.push_back(static_cast<std::uint8_t>(u));
      // The upper half keeps what the UTF-16 copy put there.
      expected.insert(expected.end(), src.begin() + static_cast<std::ptrdiff_t>(units.size()),
                      src.end());
      EXPECT_EQ(dst, expected);
    }
  }
  Buf wide = utf16le({'a', 0x100});
  Buf dst(4, 0);
  auto r = utf16_to_compact_probably_utf16(Bytes(wide), MutableBytes(dst));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->tagged(), 2u | (1u << 31));
  EXPECT_EQ(dst, wide);
}

TEST(Transcode, Utf8ToLatin1StopsAtTheFirstNonLatin1OrInvalidSequence) {
  Buf dst(16, 0);
  auto r = utf8_to_latin1(Bytes(bytes("a\xC3\xA9\xC2\x80z\xE2\x82\xAC!")), MutableBytes(dst));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (ReadWritten{6, 4}));
  EXPECT_EQ(Buf(dst.begin(), dst.begin() + 4), bytes({'a', 0xE9, 0x80, 'z'}));
  // Invalid data ends the prefix without an error; C3 then ASCII is invalid.
  EXPECT_EQ(utf8_to_latin1(Bytes(bytes({'a', 0xC3, 'b'})), MutableBytes(dst)).value(),
            (ReadWritten{1, 1}));
  EXPECT_EQ(utf8_to_latin1(Bytes(bytes({'a', 0xC3})), MutableBytes(dst)).value(),
            (ReadWritten{1, 1}));
  EXPECT_EQ(utf8_to_latin1(Bytes(bytes({0xC1, 0xBF})), MutableBytes(dst)).value(),
            (ReadWritten{0, 0}));
}

TEST(Transcode, ToUtf8FirstPassStopsAtFirstNonAscii) {
  Buf latin1 = bytes("abc\xE9z");
  Buf dst(latin1.size(), 0);
  EXPECT_EQ(latin1_to_utf8(Bytes(latin1), MutableBytes(dst), true).value(), (ReadWritten{3, 3}));
  Buf src16 = utf16le({'a', 'b', 0x20AC, 'c'});
  EXPECT_EQ(utf16_to_utf8(Bytes(src16), MutableBytes(dst), true).value(), (ReadWritten{2, 2}));
  // An unpaired surrogate stops the first pass; the second pass reports it.
  Buf bad = utf16le({'a', 0xDC00});
  EXPECT_EQ(utf16_to_utf8(Bytes(bad), MutableBytes(dst), true).value(), (ReadWritten{1, 1}));
}

TEST(Transcode, ToUtf8StopsBeforeACharacterThatDoesNotFit) {
  Buf src16 = utf16le({'a', 0x20AC, 0xD83D, 0xDE00, 'b'});
  std::vector<std::pair<std::size_t, ReadWritten>> cases{
      {0, {0, 0}}, {1, {1, 1}}, {3, {1, 1}}, {4, {2, 4}}, {7, {2, 4}}, {8, {4, 8}}, {9, {5, 9}}};
  for (SimdLevel l : supported_levels()) {
    for (auto [capacity, expected] : cases) {
      Buf dst(capacity, 0);
      EXPECT_EQ(utf16_to_utf8(Bytes(src16), MutableBytes(dst), false, l).value(), expected)
          << capacity;
    }
    Buf latin1 = bytes("a\xE9\xFF");
    Buf dst(4, 0);
    EXPECT_EQ(latin1_to_utf8(Bytes(latin1), MutableBytes(dst), false, l).value(),
              (ReadWritten{2, 3}));
    EXPECT_EQ(Buf(dst.begin(), dst.begin() + 3), bytes("a\xC3\xA9"));
  }
  // The character at the stopping point is still validated.
  Buf bad = utf16le({'a', 0xDC00});
  Buf dst(1, 0);
  EXPECT_EQ(utf16_to_utf8(Bytes(bad), MutableBytes(dst), false).error(),
            (TranscodeError{TranscodeErrorKind::UnpairedSurrogate, 1}));
}

TEST(Transcode, CompactWidensTheLatin1PrefixInPlace) {
  Buf dst = bytes({'a', 0xE9, 'c', 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE});
  Buf src = bytes("\xE2\x82\xAC");  // U+20AC
  auto r = utf8_to_compact_utf16(Bytes(src), MutableBytes(dst), 3);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 4u);
  EXPECT_EQ(Buf(dst.begin(), dst.begin() + 8), utf16le({'a', 0xE9, 'c', 0x20AC}));

  Buf dst16 = bytes({0xFF, 'b', 0xEE, 0xEE, 0xEE, 0xEE});
  Buf src16 = utf16le({0x100});
  auto r16 = utf16_to_compact_utf16(Bytes(src16), MutableBytes(dst16), 2);
  ASSERT_TRUE(r16);
  EXPECT_EQ(*r16, 3u);
  EXPECT_EQ(dst16, utf16le({0xFF, 'b', 0x100}));
}

// UTF-16 data is read bytewise, so odd addresses work.
TEST(Transcode, UnalignedUtf16Buffers) {
  std::vector<std::uint16_t> units{'a', 0xE9, 0xD83D, 0xDE00, 0x4E2D};
  units.resize(40, 'z');
  Buf src = utf16le(units);
  Buf storage(1 + src.size(), 0);
  std::copy(src.begin(), src.end(), storage.begin() + 1);
  Bytes unaligned = Bytes(storage).subspan(1);
  for (SimdLevel l : supported_levels()) {
    Buf out(3 + 2 * 40, 0);
    MutableBytes dst = MutableBytes(out).subspan(1, 2 * 40);
    ASSERT_TRUE(utf16_to_utf16(unaligned, dst, l));
    EXPECT_TRUE(std::equal(src.begin(), src.end(), dst.begin()));
  }
}

// ---- Contract violations by the caller ----

TEST(Transcode, ReportsBrokenContracts) {
  Buf src = bytes("hello");
  Buf small(4, 0);
  EXPECT_EQ(utf8_to_utf8(Bytes(src), MutableBytes(small)).error().kind,
            TranscodeErrorKind::DestinationTooSmall);
  EXPECT_EQ(latin1_to_latin1(Bytes(src), MutableBytes(small)).error().kind,
            TranscodeErrorKind::DestinationTooSmall);
  Buf nine(9, 0);
  EXPECT_EQ(latin1_to_utf16(Bytes(src), MutableBytes(nine)).error().kind,
            TranscodeErrorKind::DestinationTooSmall);
  EXPECT_EQ(utf8_to_utf16(Bytes(src), MutableBytes(nine)).error(),
            (TranscodeError{TranscodeErrorKind::DestinationTooSmall, 10}));
  EXPECT_EQ(utf8_to_latin1(Bytes(src), MutableBytes(small)).error().kind,
            TranscodeErrorKind::DestinationTooSmall);
  Buf odd = bytes("abc");
  Buf big(64, 0);
  EXPECT_EQ(utf16_to_utf16(Bytes(odd), MutableBytes(big)).error(),
            (TranscodeError{TranscodeErrorKind::OddUtf16ByteLength, 3}));
  EXPECT_EQ(utf16_to_utf8(Bytes(odd), MutableBytes(big), true).error().kind,
            TranscodeErrorKind::OddUtf16ByteLength);
  Buf dst_odd(9, 0);
  EXPECT_EQ(utf8_to_compact_utf16(Bytes(src), MutableBytes(dst_odd), 0).error().kind,
            TranscodeErrorKind::OddUtf16ByteLength);
  Buf ten(10, 0);
  EXPECT_EQ(utf8_to_compact_utf16(Bytes(src), MutableBytes(ten), 6).error(),
            (TranscodeError{TranscodeErrorKind::LatinPrefixTooLong, 6}));
  EXPECT_EQ(utf8_to_compact_utf16(Bytes(src), MutableBytes(ten), 1).error().kind,
            TranscodeErrorKind::DestinationTooSmall);
  Buf src16 = utf16le({'a', 'b'});
  EXPECT_EQ(utf16_to_compact_utf16(Bytes(src16), MutableBytes(ten), 4).error(),
            (TranscodeError{TranscodeErrorKind::DestinationTooSmall, 12}));

  // Overlap, including a destination that starts inside the source.
  Buf shared(64, 'a');
  Bytes whole(shared);
  EXPECT_EQ(utf8_to_utf8(whole.subspan(0, 16), MutableBytes(shared).subspan(8, 16)).error().kind,
            TranscodeErrorKind::OverlappingBuffers);
  EXPECT_EQ(latin1_to_utf16(whole.subspan(0, 8), MutableBytes(shared).subspan(0, 16)).error().kind,
            TranscodeErrorKind::OverlappingBuffers);
  EXPECT_EQ(
      utf16_to_utf8(whole.subspan(16, 16), MutableBytes(shared).subspan(0, 17), false).error().kind,
      TranscodeErrorKind::OverlappingBuffers);
  // Adjacent buffers do not overlap.
  EXPECT_TRUE(utf8_to_utf8(whole.subspan(0, 16), MutableBytes(shared).subspan(16, 16)));
}

TEST(Transcode, ErrorMessages) {
  EXPECT_EQ((TranscodeError{TranscodeErrorKind::InvalidUtf8, 12}).message(),
            "invalid UTF-8 at byte 12");
  EXPECT_EQ((TranscodeError{TranscodeErrorKind::UnpairedSurrogate, 3}).message(),
            "unpaired surrogate at code unit 3");
}

// ---- Random text: model check and SIMD-vs-scalar differential ----

class TextGen {
 public:
  explicit TextGen(std::uint32_t seed) : rng_(seed) {}

  std::size_t below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

  // A code point of the requested class: 0 ASCII, 1 latin1, 2 BMP, 3 astral.
  std::uint32_t code_point(int cls) {
    switch (cls) {
      case 0: return static_cast<std::uint32_t>(below(0x80));
      case 1: return static_cast<std::uint32_t>(0x80 + below(0x80));
      case 2: {
        std::uint32_t c = static_cast<std::uint32_t>(0x100 + below(0x10000 - 0x100 - 0x800));
        return c >= 0xD800 ? c + 0x800 : c;
      }
      default: return static_cast<std::uint32_t>(0x10000 + below(0x100000));
    }
  }

  // Text of about n code points; the class mix is drawn per string, with
  // long ASCII runs so that vector blocks are exercised.
  std::u32string text(std::size_t n) {
    int weights[4] = {static_cast<int>(below(10)), static_cast<int>(below(4)),
                      static_cast<int>(below(3)), static_cast<int>(below(2))};
    int total = weights[0] + weights[1] + weights[2] + weights[3] + 1;
    std::u32string s;
    while (s.size() < n) {
      if (below(4) == 0) {
        s.append(below(70), static_cast<char32_t>('a' + below(26)));
        continue;
      }
      int pick = static_cast<int>(below(static_cast<std::size_t>(total))), cls = 0;
      while (cls < 3 && pick >= weights[cls]) pick -= weights[cls++];
      s.push_back(static_cast<char32_t>(code_point(cls)));
    }
    s.resize(n);
    return s;
  }

  // Sometimes corrupts the encoded text with invalid sequences.
  Buf corrupt_utf8(Buf b) {
    if (b.empty() || below(3) != 0) return b;
    static const std::vector<Buf> bad{bytes({0x80}),
                                      bytes({0xBF}),
                                      bytes({0xC0, 0x80}),
                                      bytes({0xC1}),
                                      bytes({0xE0, 0x80, 0x80}),
                                      bytes({0xED, 0xA0, 0x80}),
                                      bytes({0xF4, 0x90, 0x80, 0x80}),
                                      bytes({0xF5}),
                                      bytes({0xFF}),
                                      bytes({0xE2, 0x82}),
                                      bytes({0xF0, 0x9F}),
                                      bytes({0xC3})};
    for (std::size_t k = 1 + below(2); k-- > 0;) {
      const Buf& seq = bad[below(bad.size())];
      b.insert(b.begin() + static_cast<std::ptrdiff_t>(below(b.size() + 1)), seq.begin(),
               seq.end());
    }
    return b;
  }

  Buf corrupt_utf16(Buf b) {
    if (b.empty() || below(3) != 0) return b;
    std::uint16_t lone = below(2) ? static_cast<std::uint16_t>(0xD800 + below(0x400))
                                  : static_cast<std::uint16_t>(0xDC00 + below(0x400));
    std::size_t at = 2 * below(b.size() / 2 + 1);
    Buf unit = utf16le({lone});
    b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), unit.begin(), unit.end());
    return b;
  }

 private:
  std::mt19937 rng_;
};

// Runs every transcoder on the inputs with one level and records the results
// and destination bytes, for comparison between levels.
struct Outcome {
  std::vector<std::string> results;
  std::vector<Buf> outputs;
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

template <class T>
std::string show(const TranscodeResult<T>& r) {
  if (!r) return "error " + r.error().message();
  if constexpr (std::is_same_v<T, Done>) {
    return "ok";
  } else if constexpr (std::is_same_v<T, ReadWritten>) {
    return std::to_string(r->read) + "," + std::to_string(r->written);
  } else if constexpr (std::is_same_v<T, CompactLength>) {
    return std::to_string(r->tagged());
  } else {
    return std::to_string(*r);
  }
}

Outcome run_all(const Buf& u8, const Buf& u16, const Buf& latin1, std::size_t capacity,
                std::size_t so_far, SimdLevel l) {
  Outcome out;
  auto record = [&](std::string result, Buf dst) {
    out.results.push_back(std::move(result));
    out.outputs.push_back(std::move(dst));
  };
  auto fresh = [](std::size_t n) { return Buf(n, 0xEE); };
  {
    Buf d = fresh(u8.size());
    record(show(utf8_to_utf8(Bytes(u8), MutableBytes(d), l)), d);
  }
  {
    Buf d = fresh(u16.size());
    record(show(utf16_to_utf16(Bytes(u16), MutableBytes(d), l)), d);
  }
  {
    Buf d = fresh(latin1.size());
    record(show(latin1_to_latin1(Bytes(latin1), MutableBytes(d), l)), d);
  }
  {
    Buf d = fresh(2 * latin1.size());
    record(show(latin1_to_utf16(Bytes(latin1), MutableBytes(d), l)), d);
  }
  {
    Buf d = fresh(2 * u8.size());
    record(show(utf8_to_utf16(Bytes(u8), MutableBytes(d), l)), d);
  }
  {
    Buf d = fresh(u16.size());
    record(show(utf16_to_compact_probably_utf16(Bytes(u16), MutableBytes(d), l)), d);
  }
  {
    Buf d = fresh(u8.size());
    record(show(utf8_to_latin1(Bytes(u8), MutableBytes(d), l)), d);
  }
  {
    Buf d = fresh(u16.size() / 2);
    record(show(utf16_to_latin1(Bytes(u16), MutableBytes(d), l)), d);
  }
  for (bool first : {true, false}) {
    Buf d = fresh(capacity);
    record(show(utf16_to_utf8(Bytes(u16), MutableBytes(d), first, l)), d);
    Buf e = fresh(capacity);
    record(show(latin1_to_utf8(Bytes(latin1), MutableBytes(e), first, l)), e);
  }
  {
    Buf d = fresh(2 * (so_far + u8.size()));
    for (std::size_t i = 0; i < so_far; ++i) d[i] = static_cast<std::uint8_t>(0x41 + i * 7);
    record(show(utf8_to_compact_utf16(Bytes(u8), MutableBytes(d), so_far, l)), d);
  }
  {
    Buf d = fresh(2 * so_far + u16.size());
    for (std::size_t i = 0; i < so_far; ++i) d[i] = static_cast<std::uint8_t>(0x80 + i * 3);
    record(show(utf16_to_compact_utf16(Bytes(u16), MutableBytes(d), so_far, l)), d);
  }
  return out;
}

// Checks the adapter-level results against the model.
void check_against_model(const std::u32string& text, const Buf& u8, const Buf& u16, SimdLevel l) {
  auto m8 = model_utf8(u8);
  Buf wide(2 * u8.size(), 0);
  auto w = utf8_to_utf16(Bytes(u8), MutableBytes(wide), l);
  if (m8.index() == 1) {
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error(), (TranscodeError{TranscodeErrorKind::InvalidUtf8, std::get<1>(m8)}));
  } else {
    ASSERT_TRUE(w) << w.error().message();
    const std::u32string& cps = std::get<0>(m8);
    wide.resize(2 * *w);
    EXPECT_EQ(wide, to_utf16(cps));
    auto compact = adapter_to_compact(u8, u8.size(), utf8_to_latin1, utf8_to_compact_utf16, l);
    ASSERT_TRUE(compact);
    EXPECT_EQ(*compact,
              (all_latin1(cps) ? Compact{to_latin1(cps), false} : Compact{to_utf16(cps), true}));
  }
  auto m16 = model_utf16(u16);
  std::size_t units = u16.size() / 2;
  auto to8 = adapter_to_utf8(u16, units, 3, utf16_to_utf8, l);
  if (m16.index() == 1) {
    ASSERT_FALSE(to8);
    EXPECT_EQ(to8.error(),
              (TranscodeError{TranscodeErrorKind::UnpairedSurrogate, std::get<1>(m16)}));
  } else {
    const std::u32string& cps = std::get<0>(m16);
    ASSERT_TRUE(to8) << to8.error().message();
    EXPECT_EQ(*to8, to_utf8(cps));
    auto compact = adapter_to_compact(u16, units, utf16_to_latin1, utf16_to_compact_utf16, l);
    ASSERT_TRUE(compact);
    EXPECT_EQ(*compact, (all_latin1(cps) ? Compact{to_latin1(cps), false} : Compact{u16, true}));
  }
  if (all_latin1(text)) {
    Buf latin1 = to_latin1(text);
    auto from_latin1 = adapter_to_utf8(latin1, latin1.size(), 2, latin1_to_utf8, l);
    ASSERT_TRUE(from_latin1);
    EXPECT_EQ(*from_latin1, to_utf8(text));
  }
}

// Latin-1 text with every density of non-ASCII bytes, into every
// capacity: every level reads, writes and leaves untouched exactly what the
// scalar path does (the vector path stores whole blocks and must not leave
// anything past what it wrote).
TEST(Transcode, Latin1ToUtf8AtEveryCapacity) {
  for (unsigned every : {1u, 2u, 3u, 7u, 16u, 1000u}) {
    Buf latin1(100);
    for (std::size_t i = 0; i < latin1.size(); ++i)
      latin1[i] = static_cast<std::uint8_t>(i % every == 0 ? 0x80 + i : 'a' + i % 26);
    for (std::size_t capacity = 0; capacity <= 2 * latin1.size(); ++capacity) {
      Buf expected(capacity, 0xEE);
      auto reference =
          latin1_to_utf8(Bytes(latin1), MutableBytes(expected), false, SimdLevel::Scalar);
      for (SimdLevel l : supported_levels()) {
        Buf d(capacity, 0xEE);
        auto r = latin1_to_utf8(Bytes(latin1), MutableBytes(d), false, l);
        ASSERT_TRUE(r && reference);
        EXPECT_EQ(r->read, reference->read) << every << " " << capacity << " " << name(l);
        EXPECT_EQ(r->written, reference->written) << every << " " << capacity << " " << name(l);
        EXPECT_EQ(d, expected) << every << " " << capacity << " " << name(l);
      }
    }
  }
}

TEST(TranscodeRandom, SimdMatchesScalarAndModel) {
  TextGen gen(20260323);
  std::vector<SimdLevel> levels = supported_levels();
  if (levels.size() == 1)
    GTEST_LOG_(INFO) << "no SIMD level on this CPU; checking the scalar path only";
  std::vector<std::size_t> lengths;
  for (int round = 0; round < 6; ++round)
    for (std::size_t n = 0; n <= 300; ++n) lengths.push_back(n);
  for (std::size_t n : {4096, 65537, 300000}) lengths.push_back(n);
  for (std::size_t n : lengths) {
    std::u32string text = gen.text(n);
    Buf u8 = gen.corrupt_utf8(to_utf8(text));
    Buf u16 = gen.corrupt_utf16(to_utf16(text));
    Buf latin1(n);
    for (std::size_t i = 0; i < n; ++i) latin1[i] = static_cast<std::uint8_t>(text[i]);
    std::size_t capacity = gen.below(3 * u16.size() / 2 + 2);
    std::size_t so_far = gen.below(8);
    SCOPED_TRACE("length " + std::to_string(n));
    Outcome reference = run_all(u8, u16, latin1, capacity, so_far, SimdLevel::Scalar);
    for (SimdLevel l : levels) {
      SCOPED_TRACE(name(l));
      if (l != SimdLevel::Scalar) {
        Outcome simd = run_all(u8, u16, latin1, capacity, so_far, l);
        ASSERT_EQ(simd.results, reference.results);
        ASSERT_TRUE(simd.outputs == reference.outputs);
      }
      check_against_model(text, u8, u16, l);
      if (HasFatalFailure()) return;
    }
  }
}

// Several MiB, with the non-ASCII data only at the end, in the middle, or
// spread out. Compared with EXPECT_TRUE(a == b) so that a failure does not
// print megabytes.
TEST(TranscodeRandom, LongStrings) {
  const std::size_t n = 3u << 20;
  for (int layout = 0; layout < 3; ++layout) {
    std::u32string text(n, U'x');
    if (layout == 0) text.back() = U'\u00E9';
    if (layout == 1) text[n / 2] = U'\U0001F600';
    if (layout == 2)
      for (std::size_t i = 1000; i < n; i += 4099) text[i] = (i % 3 == 0) ? U'\u4E2D' : U'\u00FF';
    const Buf u8 = to_utf8(text), u16 = to_utf16(text);
    const bool latin = all_latin1(text);
    const Buf latin1 = latin ? to_latin1(text) : Buf{};
    const Compact compact = latin ? Compact{latin1, false} : Compact{u16, true};
    const std::size_t units = u16.size() / 2;
    for (SimdLevel l : supported_levels()) {
      SCOPED_TRACE(std::string(name(l)) + " layout " + std::to_string(layout));
      Buf dst(u8.size());
      ASSERT_TRUE(utf8_to_utf8(Bytes(u8), MutableBytes(dst), l));
      EXPECT_TRUE(dst == u8);
      Buf wide(2 * u8.size());
      auto w = utf8_to_utf16(Bytes(u8), MutableBytes(wide), l);
      ASSERT_TRUE(w);
      wide.resize(2 * *w);
      EXPECT_TRUE(wide == u16);
      Buf copy(u16.size());
      ASSERT_TRUE(utf16_to_utf16(Bytes(u16), MutableBytes(copy), l));
      EXPECT_TRUE(copy == u16);
      auto deflated = adapter_to_utf8(u16, units, 3, utf16_to_utf8, l);
      ASSERT_TRUE(deflated);
      EXPECT_TRUE(*deflated == u8);
      auto from8 = adapter_to_compact(u8, u8.size(), utf8_to_latin1, utf8_to_compact_utf16, l);
      ASSERT_TRUE(from8);
      EXPECT_TRUE(*from8 == compact);
      auto from16 = adapter_to_compact(u16, units, utf16_to_latin1, utf16_to_compact_utf16, l);
      ASSERT_TRUE(from16);
      EXPECT_TRUE(*from16 == compact);
      Buf probably(u16.size());
      auto p = utf16_to_compact_probably_utf16(Bytes(u16), MutableBytes(probably), l);
      ASSERT_TRUE(p);
      EXPECT_EQ(p->utf16, !latin);
      if (latin) {
        probably.resize(units);
        EXPECT_TRUE(probably == latin1);
        Buf widened(2 * latin1.size());
        ASSERT_TRUE(latin1_to_utf16(Bytes(latin1), MutableBytes(widened), l));
        EXPECT_TRUE(widened == u16);
        auto from_latin1 = adapter_to_utf8(latin1, latin1.size(), 2, latin1_to_utf8, l);
        ASSERT_TRUE(from_latin1);
        EXPECT_TRUE(*from_latin1 == u8);
      }
    }
  }
}

}  // namespace
}  // namespace fact::host
