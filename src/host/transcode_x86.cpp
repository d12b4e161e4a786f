// SSE2 and AVX2 kernels. Each function carries its own target attribute so
// the library builds without -mavx2; transcode.cpp only calls the AVX2 set
// when the CPU reports AVX2. A vector block is stored only when the whole
// block has the property; the block that breaks it is finished by the scalar
// kernel, which writes exactly up to the first failing unit.
#include "transcode_kernels.h"

#ifdef FACT_TRANSCODE_X86

#include <immintrin.h>

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

}  // namespace

const Kernels& sse2_kernels() {
  static constexpr Kernels kernels{sse2_ascii_prefix,        sse2_copy_ascii, sse2_widen_ascii,
                                   sse2_widen_all,           sse2_narrow,     sse2_masked_prefix,
                                   sse2_non_surrogate_prefix};
  return kernels;
}

const Kernels& avx2_kernels() {
  static constexpr Kernels kernels{avx2_ascii_prefix,        avx2_copy_ascii, avx2_widen_ascii,
                                   avx2_widen_all,           avx2_narrow,     avx2_masked_prefix,
                                   avx2_non_surrogate_prefix};
  return kernels;
}

}  // namespace fact::host::detail

#endif  // FACT_TRANSCODE_X86
