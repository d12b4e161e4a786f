// SSE2 and AVX2 kernels. Each function carries its own target attribute so
// the library builds without -mavx2; transcode.cpp only calls the AVX2 set
// when the CPU reports AVX2. A vector block is stored only when the whole
// block has the property; the block that breaks it is finished by the scalar
// kernel, which writes exactly up to the first failing unit.
#include "transcode_kernels.h"

#ifdef FACT_TRANSCODE_X86

#include <immintrin.h>

#include <cstring>

#define FACT_SSE2 __attribute__((target("sse2")))
#define FACT_AVX2 __attribute__((target("avx2")))

namespace fact::host::detail {
namespace {

FACT_SSE2 __m128i load128(const std::uint8_t* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}
FACT_SSE2 void store128(std::uint8_t* p, __m128i v) {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v);
}
FACT_AVX2 __m256i load256(const std::uint8_t* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}
FACT_AVX2 void store256(std::uint8_t* p, __m256i v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v);
}

// ---- SSE2: 16 bytes or 8 units per register ----

FACT_SSE2 std::size_t sse2_ascii_prefix(const std::uint8_t* s, std::size_t n) {
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    __m128i a = load128(s + i), b = load128(s + i + 16);
    __m128i c = load128(s + i + 32), d = load128(s + i + 48);
    if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d))) != 0) break;
  }
  for (; i + 16 <= n; i += 16) {
    int m = _mm_movemask_epi8(load128(s + i));
    if (m != 0) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(m)));
  }
  return i + scalar_kernels().ascii_prefix(s + i, n - i);
}

FACT_SSE2 std::size_t sse2_copy_ascii(const std::uint8_t* s, std::size_t n, std::uint8_t* d) {
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i v = load128(s + i);
    if (_mm_movemask_epi8(v) != 0) break;
    store128(d + i, v);
  }
  return i + scalar_kernels().copy_ascii(s + i, n - i, d + i);
}

FACT_SSE2 std::size_t sse2_widen_ascii(const std::uint8_t* s, std::size_t n, std::uint8_t* d) {
  const __m128i zero = _mm_setzero_si128();
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i v = load128(s + i);
    if (_mm_movemask_epi8(v) != 0) break;
    store128(d + 2 * i, _mm_unpacklo_epi8(v, zero));
    store128(d + 2 * i + 16, _mm_unpackhi_epi8(v, zero));
  }
  return i + scalar_kernels().widen_ascii(s + i, n - i, d + 2 * i);
}

FACT_SSE2 void sse2_widen_all(const std::uint8_t* s, std::size_t n, std::uint8_t* d) {
  const __m128i zero = _mm_setzero_si128();
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i v = load128(s + i);
    store128(d + 2 * i, _mm_unpacklo_epi8(v, zero));
    store128(d + 2 * i + 16, _mm_unpackhi_epi8(v, zero));
  }
  scalar_kernels().widen_all(s + i, n - i, d + 2 * i);
}

// True when no unit of a or b has a bit of mask set.
FACT_SSE2 bool sse2_clear(__m128i a, __m128i b, __m128i mask) {
  __m128i t = _mm_and_si128(_mm_or_si128(a, b), mask);
  return _mm_movemask_epi8(_mm_cmpeq_epi8(t, _mm_setzero_si128())) == 0xFFFF;
}

FACT_SSE2 std::size_t sse2_narrow(const std::uint8_t* s, std::size_t n, std::uint8_t* d,
                                  std::uint16_t mask) {
  const __m128i m = _mm_set1_epi16(static_cast<short>(mask));
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i a = load128(s + 2 * i), b = load128(s + 2 * i + 16);
    if (!sse2_clear(a, b, m)) break;
    // Every unit is <= 0xFF here, so the signed saturation is exact.
    store128(d + i, _mm_packus_epi16(a, b));
  }
  return i + scalar_kernels().narrow(s + 2 * i, n - i, d + i, mask);
}

FACT_SSE2 std::size_t sse2_masked_prefix(const std::uint8_t* s, std::size_t n, std::uint16_t mask) {
  const __m128i m = _mm_set1_epi16(static_cast<short>(mask));
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    if (!sse2_clear(load128(s + 2 * i), load128(s + 2 * i + 16), m)) break;
  }
  return i + scalar_kernels().masked_prefix(s + 2 * i, n - i, mask);
}

FACT_SSE2 std::size_t sse2_non_surrogate_prefix(const std::uint8_t* s, std::size_t n) {
  const __m128i high5 = _mm_set1_epi16(static_cast<short>(0xF800));
  const __m128i surrogate = _mm_set1_epi16(static_cast<short>(0xD800));
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i a = _mm_cmpeq_epi16(_mm_and_si128(load128(s + 2 * i), high5), surrogate);
    __m128i b = _mm_cmpeq_epi16(_mm_and_si128(load128(s + 2 * i + 16), high5), surrogate);
    if (_mm_movemask_epi8(_mm_or_si128(a, b)) != 0) break;
  }
  return i + scalar_kernels().non_surrogate_prefix(s + 2 * i, n - i);
}

// ---- AVX2: 32 bytes or 16 units per register ----

FACT_AVX2 std::size_t avx2_ascii_prefix(const std::uint8_t* s, std::size_t n) {
  std::size_t i = 0;
  for (; i + 128 <= n; i += 128) {
    __m256i a = load256(s + i), b = load256(s + i + 32);
    __m256i c = load256(s + i + 64), d = load256(s + i + 96);
    if (_mm256_movemask_epi8(_mm256_or_si256(_mm256_or_si256(a, b), _mm256_or_si256(c, d))) != 0)
      break;
  }
  for (; i + 32 <= n; i += 32) {
    unsigned m = static_cast<unsigned>(_mm256_movemask_epi8(load256(s + i)));
    if (m != 0) return i + static_cast<std::size_t>(__builtin_ctz(m));
  }
  return i + scalar_kernels().ascii_prefix(s + i, n - i);
}

FACT_AVX2 std::size_t avx2_copy_ascii(const std::uint8_t* s, std::size_t n, std::uint8_t* d) {
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256i v = load256(s + i);
    if (_mm256_movemask_epi8(v) != 0) break;
    store256(d + i, v);
  }
  return i + scalar_kernels().copy_ascii(s + i, n - i, d + i);
}

FACT_AVX2 void avx2_widen_block(__m256i v, std::uint8_t* d) {
  store256(d, _mm256_cvtepu8_epi16(_mm256_castsi256_si128(v)));
  store256(d + 32, _mm256_cvtepu8_epi16(_mm256_extracti128_si256(v, 1)));
}

FACT_AVX2 std::size_t avx2_widen_ascii(const std::uint8_t* s, std::size_t n, std::uint8_t* d) {
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256i v = load256(s + i);
    if (_mm256_movemask_epi8(v) != 0) break;
    avx2_widen_block(v, d + 2 * i);
  }
  return i + scalar_kernels().widen_ascii(s + i, n - i, d + 2 * i);
}

FACT_AVX2 void avx2_widen_all(const std::uint8_t* s, std::size_t n, std::uint8_t* d) {
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) avx2_widen_block(load256(s + i), d + 2 * i);
  scalar_kernels().widen_all(s + i, n - i, d + 2 * i);
}

FACT_AVX2 std::size_t avx2_narrow(const std::uint8_t* s, std::size_t n, std::uint8_t* d,
                                  std::uint16_t mask) {
  const __m256i m = _mm256_set1_epi16(static_cast<short>(mask));
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256i a = load256(s + 2 * i), b = load256(s + 2 * i + 32);
    if (!_mm256_testz_si256(_mm256_or_si256(a, b), m)) break;
    // packus works per 128-bit lane; the permute puts the quarters back in
    // order (a.lo, a.hi, b.lo, b.hi).
    store256(d + i, _mm256_permute4x64_epi64(_mm256_packus_epi16(a, b), 0xD8));
  }
  return i + scalar_kernels().narrow(s + 2 * i, n - i, d + i, mask);
}

FACT_AVX2 std::size_t avx2_masked_prefix(const std::uint8_t* s, std::size_t n, std::uint16_t mask) {
  const __m256i m = _mm256_set1_epi16(static_cast<short>(mask));
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    if (!_mm256_testz_si256(_mm256_or_si256(load256(s + 2 * i), load256(s + 2 * i + 32)), m)) break;
  }
  return i + scalar_kernels().masked_prefix(s + 2 * i, n - i, mask);
}

FACT_AVX2 std::size_t avx2_non_surrogate_prefix(const std::uint8_t* s, std::size_t n) {
  const __m256i high5 = _mm256_set1_epi16(static_cast<short>(0xF800));
  const __m256i surrogate = _mm256_set1_epi16(static_cast<short>(0xD800));
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256i a = _mm256_cmpeq_epi16(_mm256_and_si256(load256(s + 2 * i), high5), surrogate);
    __m256i b = _mm256_cmpeq_epi16(_mm256_and_si256(load256(s + 2 * i + 32), high5), surrogate);
    if (!_mm256_testz_si256(_mm256_or_si256(a, b), _mm256_or_si256(a, b))) break;
  }
  return i + scalar_kernels().non_surrogate_prefix(s + 2 * i, n - i);
}

// UTF-8 validation by lookup tables on whole blocks (Keiser and Lemire,
// "Validating UTF-8 in less than one instruction per byte", 2021). Each
// byte is classified with three 16-entry tables: by the high and low
// nibbles of the byte before it and by its own high nibble. Each table
// entry is a set of error bits; the AND of the three is non-zero exactly
// where the pair (previous byte, byte) is an error: a lead not followed by
// a continuation (TOO_SHORT), a continuation after ASCII (TOO_LONG), an
// overlong two-, three- or four-byte form, a surrogate (ED A0..BF), more
// than U+10FFFF (F4 90.. and F5..FF), or a continuation after a
// continuation (TWO_CONTS). TWO_CONTS is right only where the byte is the
// third or fourth of a sequence, which the bytes two and three before tell:
// those positions must be exactly the ones flagged. A block ending inside a
// sequence is an error if the input ends there.
constexpr std::uint8_t kTooShort = 1 << 0;
constexpr std::uint8_t kTooLong = 1 << 1;
constexpr std::uint8_t kOverlong3 = 1 << 2;
constexpr std::uint8_t kTooLarge = 1 << 3;
constexpr std::uint8_t kSurrogate = 1 << 4;
constexpr std::uint8_t kOverlong2 = 1 << 5;
constexpr std::uint8_t kTooLarge1000 = 1 << 6;
constexpr std::uint8_t kOverlong4 = 1 << 6;
constexpr std::uint8_t kTwoConts = 1 << 7;
constexpr std::uint8_t kCarry = kTooShort | kTooLong | kTwoConts;

// A 16-entry table in both 128-bit lanes, for _mm256_shuffle_epi8.
template <std::uint8_t... Entries>
FACT_AVX2 __m256i table() {
  static_assert(sizeof...(Entries) == 16);
  return _mm256_setr_epi8(static_cast<char>(Entries)..., static_cast<char>(Entries)...);
}

FACT_AVX2 __m256i high_nibbles(__m256i v) {
  return _mm256_and_si256(_mm256_srli_epi16(v, 4), _mm256_set1_epi8(0x0F));
}

// The block `v` shifted by n bytes, the first n taken from the end of `prev`.
template <int N>
FACT_AVX2 __m256i previous(__m256i v, __m256i prev) {
  return _mm256_alignr_epi8(v, _mm256_permute2x128_si256(prev, v, 0x21), 16 - N);
}

// The state carried from block to block: the errors so far, the previous
// block, and where it ends inside a sequence.
struct Utf8Checker {
  __m256i error, prev, prev_incomplete;
};

FACT_AVX2 void check_utf8_block(Utf8Checker& c, __m256i input) {
  __m256i& error = c.error;
  __m256i& prev = c.prev;
  __m256i& prev_incomplete = c.prev_incomplete;
  {
    if (_mm256_movemask_epi8(input) == 0) {
      // ASCII: only a sequence left open by the block before is an error.
      error = _mm256_or_si256(error, prev_incomplete);
      prev_incomplete = _mm256_setzero_si256();
      prev = input;
      return;
    }
    const __m256i byte_1_high =
        table<kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong,
              kTwoConts, kTwoConts, kTwoConts, kTwoConts, kTooShort | kOverlong2, kTooShort,
              kTooShort | kOverlong3 | kSurrogate,
              kTooShort | kTooLarge | kTooLarge1000 | kOverlong4>();
    constexpr std::uint8_t kLarge = kCarry | kTooLarge | kTooLarge1000;
    const __m256i byte_1_low =
        table<kCarry | kOverlong3 | kOverlong2 | kOverlong4, kCarry | kOverlong2, kCarry, kCarry,
              kCarry | kTooLarge, kLarge, kLarge, kLarge, kLarge, kLarge, kLarge, kLarge, kLarge,
              kLarge | kSurrogate, kLarge, kLarge>();
    constexpr std::uint8_t kCont = kTooLong | kOverlong2 | kTwoConts;
    const __m256i byte_2_high =
        table<kTooShort, kTooShort, kTooShort, kTooShort, kTooShort, kTooShort, kTooShort,
              kTooShort, kCont | kOverlong3 | kTooLarge1000 | kOverlong4,
              kCont | kOverlong3 | kTooLarge, kCont | kSurrogate | kTooLarge,
              kCont | kSurrogate | kTooLarge, kTooShort, kTooShort, kTooShort, kTooShort>();
    const __m256i prev1 = previous<1>(input, prev);
    const __m256i special = _mm256_and_si256(
        _mm256_and_si256(
            _mm256_shuffle_epi8(byte_1_high, high_nibbles(prev1)),
            _mm256_shuffle_epi8(byte_1_low, _mm256_and_si256(prev1, _mm256_set1_epi8(0x0F)))),
        _mm256_shuffle_epi8(byte_2_high, high_nibbles(input)));
    // The third byte after an E0..EF lead, the fourth after F0..FF: where
    // a continuation must follow a continuation.
    const __m256i third = _mm256_subs_epu8(previous<2>(input, prev), _mm256_set1_epi8(0x60));
    const __m256i fourth = _mm256_subs_epu8(previous<3>(input, prev), _mm256_set1_epi8(0x70));
    const __m256i must_continue =
        _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8(static_cast<char>(0x80)));
    error = _mm256_or_si256(error, _mm256_xor_si256(must_continue, special));
    // A lead in the last three bytes that needs more bytes than are left.
    const __m256i last_leads =
        _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                         -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, static_cast<char>(0xEF),
                         static_cast<char>(0xDF), static_cast<char>(0xBF));
    prev_incomplete = _mm256_subs_epu8(input, last_leads);
    prev = input;
  }
}

FACT_AVX2 bool avx2_valid_utf8(const std::uint8_t* s, std::size_t n) {
  Utf8Checker checker{_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256()};
  // Where the checker stopped: ASCII blocks are skipped without touching
  // it, and it catches up when the next non-ASCII block comes.
  std::size_t checked = 0;
  auto catch_up = [&](std::size_t i) FACT_AVX2 {
    if (i == checked) return;
    // ASCII since `checked`: a sequence left open there is cut, and the
    // bytes before block i are ASCII.
    checker.error = _mm256_or_si256(checker.error, checker.prev_incomplete);
    checker.prev_incomplete = _mm256_setzero_si256();
    checker.prev = load256(s + i - 32);
  };
  std::size_t i = 0;
  while (i + 32 <= n) {
    // ASCII runs at the speed of the ASCII scan, whole blocks of them.
    i += avx2_ascii_prefix(s + i, n - i) & ~std::size_t{31};
    if (i + 32 > n) break;
    catch_up(i);
    // Then block by block while the blocks hold non-ASCII bytes.
    do {
      check_utf8_block(checker, load256(s + i));
      i += 32;
      checked = i;
    } while (i + 32 <= n && _mm256_movemask_epi8(load256(s + i)) != 0);
  }
  if (i < n) {
    // The rest, followed by zeros: ASCII after a cut sequence is an error.
    catch_up(i);
    alignas(32) std::uint8_t last[32] = {};
    std::memcpy(last, s + i, n - i);
    check_utf8_block(checker, load256(last));
  }
  const __m256i error = _mm256_or_si256(checker.error, checker.prev_incomplete);
  return _mm256_testz_si256(error, error) != 0;
}

// For each set of non-ASCII positions among 8 Latin-1 bytes (bit i: byte
// i), the pshufb indices that keep, of the 16 bytes of their 8 two-byte
// forms, the first byte of each and the second of the non-ASCII ones.
struct Latin1Shuffles {
  std::uint8_t index[256][16];
  std::uint8_t length[256];
};

constexpr Latin1Shuffles make_latin1_shuffles() {
  Latin1Shuffles t{};
  for (unsigned mask = 0; mask < 256; ++mask) {
    unsigned k = 0;
    for (unsigned i = 0; i < 8; ++i) {
      t.index[mask][k++] = static_cast<std::uint8_t>(2 * i);
      if (mask & (1u << i)) t.index[mask][k++] = static_cast<std::uint8_t>(2 * i + 1);
    }
    t.length[mask] = static_cast<std::uint8_t>(k);
    for (; k < 16; ++k) t.index[mask][k] = 0x80;  // zero
  }
  return t;
}
constexpr Latin1Shuffles kLatin1Shuffles = make_latin1_shuffles();

// The UTF-8 of the 8 Latin-1 bytes in the low half of `v`, packed from the
// first byte, and how many bytes of it there are (8 to 16).
FACT_AVX2 __m128i latin1_half_to_utf8(__m128i v, unsigned& length) {
  const __m128i units = _mm_cvtepu8_epi16(v);
  const __m128i high = _mm_cmpgt_epi16(units, _mm_set1_epi16(0x7F));
  // 0xC0 | b >> 6 first, then 0x80 | b & 0x3F, as one little-endian unit.
  const __m128i lead = _mm_or_si128(_mm_srli_epi16(units, 6), _mm_set1_epi16(0xC0));
  const __m128i cont =
      _mm_or_si128(_mm_and_si128(units, _mm_set1_epi16(0x3F)), _mm_set1_epi16(0x80));
  const __m128i two = _mm_or_si128(lead, _mm_slli_epi16(cont, 8));
  const __m128i forms = _mm_blendv_epi8(units, two, high);
  const unsigned mask =
      static_cast<unsigned>(_mm_movemask_epi8(_mm_packs_epi16(high, _mm_setzero_si128())));
  length = kLatin1Shuffles.length[mask];
  return _mm_shuffle_epi8(
      forms, _mm_loadu_si128(reinterpret_cast<const __m128i*>(kLatin1Shuffles.index[mask])));
}

FACT_AVX2 std::size_t avx2_latin1_to_utf8(const std::uint8_t* s, std::size_t n, std::uint8_t* d,
                                          std::size_t capacity, std::size_t* written) {
  std::size_t i = 0, o = 0;
  // Two blocks at a time while that fits: four independent conversions
  // before the stores, which may run past the output; the next stores
  // cover that, and the loop below ends with an exact store.
  while (i + 48 <= n && capacity - o >= 96) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i + 16));
    if (_mm_movemask_epi8(_mm_or_si128(v, w)) == 0) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(d + o), v);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(d + o + 16), w);
      i += 32;
      o += 32;
      continue;
    }
    unsigned l0 = 0, l1 = 0, l2 = 0, l3 = 0;
    const __m128i a = latin1_half_to_utf8(v, l0);
    const __m128i b = latin1_half_to_utf8(_mm_srli_si128(v, 8), l1);
    const __m128i c = latin1_half_to_utf8(w, l2);
    const __m128i e = latin1_half_to_utf8(_mm_srli_si128(w, 8), l3);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d + o), a);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d + o + l0), b);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d + o + l0 + l1), c);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d + o + l0 + l1 + l2), e);
    i += 32;
    o += l0 + l1 + l2 + l3;
  }
  // One block at a time; a block's stores may run past its output, which
  // the next block's cover, so the last block (when no other follows)
  // stores exactly.
  while (i + 16 <= n && capacity - o >= 32) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    if (_mm_movemask_epi8(v) == 0) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(d + o), v);
      i += 16;
      o += 16;
      continue;
    }
    unsigned first = 0, second = 0;
    const __m128i a = latin1_half_to_utf8(v, first);
    const __m128i b = latin1_half_to_utf8(_mm_srli_si128(v, 8), second);
    const bool last = !(i + 32 <= n && capacity - (o + first + second) >= 32);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d + o), a);
    if (last) {
      alignas(16) std::uint8_t tail[16];
      _mm_store_si128(reinterpret_cast<__m128i*>(tail), b);
      std::memcpy(d + o + first, tail, second);
    } else {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(d + o + first), b);
    }
    i += 16;
    o += first + second;
  }
  *written = o;
  return i;
}

}  // namespace

const Kernels& sse2_kernels() {
  static constexpr Kernels kernels{
      sse2_ascii_prefix,  sse2_copy_ascii,           sse2_widen_ascii, sse2_widen_all, sse2_narrow,
      sse2_masked_prefix, sse2_non_surrogate_prefix, nullptr,          nullptr};
  return kernels;
}

const Kernels& avx2_kernels() {
  static constexpr Kernels kernels{
      avx2_ascii_prefix,  avx2_copy_ascii,    avx2_widen_ascii,          avx2_widen_all,
      avx2_narrow,        avx2_masked_prefix, avx2_non_surrogate_prefix, avx2_valid_utf8,
      avx2_latin1_to_utf8};
  return kernels;
}

}  // namespace fact::host::detail

#endif  // FACT_TRANSCODE_X86
