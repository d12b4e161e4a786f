// The transcoders: argument checks and the character-level logic around the
// kernels of transcode_kernels.h. Everything here is shared by the scalar and
// SIMD paths, which differ only in the Kernels they are given.
#include "fact/host/transcode.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <optional>

#include "transcode_kernels.h"

namespace fact::host {

using detail::is_surrogate;
using detail::kAsciiMask;
using detail::Kernels;
using detail::kLatin1Mask;
using detail::load_u16le;
using detail::store_u16le;

SimdLevel detected_simd_level() {
  static const SimdLevel level = [] {
#ifdef FACT_TRANSCODE_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) return SimdLevel::Avx2;
    if (__builtin_cpu_supports("sse2")) return SimdLevel::Sse2;
#endif
    return SimdLevel::Scalar;
  }();
  return level;
}

SimdLevel effective_simd_level(SimdLevel requested) {
  SimdLevel best = detected_simd_level();
  if (requested == SimdLevel::Auto) return best;
  return std::min(requested, best);
}

std::string TranscodeError::message() const {
  std::string n = std::to_string(position);
  switch (kind) {
    case TranscodeErrorKind::InvalidUtf8: return "invalid UTF-8 at byte " + n;
    case TranscodeErrorKind::UnpairedSurrogate: return "unpaired surrogate at code unit " + n;
    case TranscodeErrorKind::DestinationTooSmall:
      return "destination buffer too small: the transcoder needs " + n + " bytes";
    case TranscodeErrorKind::OverlappingBuffers: return "source and destination buffers overlap";
    case TranscodeErrorKind::OddUtf16ByteLength:
      return "UTF-16 buffer with an odd byte length " + n;
    case TranscodeErrorKind::LengthNotTaggable:
      return "string length " + n + " does not fit below the UTF-16 tag bit 31";
    case TranscodeErrorKind::LatinPrefixTooLong:
      return "latin1 prefix of " + n + " bytes is longer than the destination";
  }
  return "unknown transcoding error";
}

namespace {

const Kernels& kernels(SimdLevel requested) {
  switch (effective_simd_level(requested)) {
#ifdef FACT_TRANSCODE_X86
    case SimdLevel::Avx2: return detail::avx2_kernels();
    case SimdLevel::Sse2: return detail::sse2_kernels();
#endif
    default: return detail::scalar_kernels();
  }
}

TranscodeError error(TranscodeErrorKind kind, std::size_t position = 0) {
  return TranscodeError{kind, position};
}

// Compares addresses as integers: the spans may point into unrelated objects,
// where comparing pointers with < is unspecified.
bool overlap(Bytes a, MutableBytes b) {
  if (a.empty() || b.empty()) return false;
  auto a0 = reinterpret_cast<std::uintptr_t>(a.data());
  auto b0 = reinterpret_cast<std::uintptr_t>(b.data());
  return a0 < b0 + b.size() && b0 < a0 + a.size();
}

// memcpy with a null pointer is undefined even for 0 bytes, and empty spans
// may have a null data().
void copy_bytes(std::uint8_t* d, const std::uint8_t* s, std::size_t n) {
  if (n != 0) std::memcpy(d, s, n);
}

// In mixed text, ASCII runs are short and a kernel call per run costs more
// than it saves, so the character loops below handle ASCII themselves and go
// back to the kernel only after this many ASCII units in a row.
constexpr std::size_t kAsciiStreak = 16;

bool is_high_surrogate(std::uint16_t u) { return (u & 0xFC00) == 0xD800; }
bool is_low_surrogate(std::uint16_t u) { return (u & 0xFC00) == 0xDC00; }

// A UTF-8 sequence: its code point and length in bytes (0 if invalid).
struct Utf8Char {
  std::uint32_t code_point;
  unsigned length;
};

bool is_continuation(std::uint8_t b) { return (b & 0xC0) == 0x80; }

// Decodes the sequence at s[0] (n >= 1 bytes available) by the
// well-formedness table of the Unicode standard (Table 3-7): it rejects
// overlong forms, surrogates and code points above 0x10FFFF through the
// allowed range of the second byte.
Utf8Char decode_utf8(const std::uint8_t* s, std::size_t n) {
  std::uint8_t b0 = s[0];
  if (b0 < 0x80) return {b0, 1};
  if (b0 < 0xC2) return {0, 0};
  if (b0 < 0xE0) {
    if (n < 2 || !is_continuation(s[1])) return {0, 0};
    return {(b0 & 0x1Fu) << 6 | (s[1] & 0x3Fu), 2};
  }
  std::uint8_t lo = 0x80, hi = 0xBF;
  if (b0 < 0xF0) {
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
    if (n < 3 || s[1] < lo || s[1] > hi || !is_continuation(s[2])) return {0, 0};
    return {(b0 & 0x0Fu) << 12 | (s[1] & 0x3Fu) << 6 | (s[2] & 0x3Fu), 3};
  }
  if (b0 > 0xF4) return {0, 0};
  if (b0 == 0xF0) lo = 0x90;
  if (b0 == 0xF4) hi = 0x8F;
  if (n < 4 || s[1] < lo || s[1] > hi || !is_continuation(s[2]) || !is_continuation(s[3]))
    return {0, 0};
  return {(b0 & 0x07u) << 18 | (s[1] & 0x3Fu) << 12 | (s[2] & 0x3Fu) << 6 | (s[3] & 0x3Fu), 4};
}

// The offset of the first invalid sequence, if any.
std::optional<std::size_t> find_invalid_utf8(const Kernels& k, const std::uint8_t* s,
                                             std::size_t n) {
  // Valid text, the common case, is decided by whole blocks; only invalid
  // text is decoded one sequence at a time, to say where it fails.
  if (k.valid_utf8 && k.valid_utf8(s, n)) return std::nullopt;
  std::size_t i = 0;
  while (i < n) {
    i += k.ascii_prefix(s + i, n - i);
    for (std::size_t streak = 0; i < n && streak < kAsciiStreak;) {
      if (s[i] < 0x80) {
        ++i;
        ++streak;
        continue;
      }
      Utf8Char c = decode_utf8(s + i, n - i);
      if (c.length == 0) return i;
      i += c.length;
      streak = 0;
    }
  }
  return std::nullopt;
}

// The index of the first unpaired surrogate among n units, if any.
std::optional<std::size_t> find_unpaired_surrogate(const Kernels& k, const std::uint8_t* s,
                                                   std::size_t n) {
  std::size_t i = 0;
  while (true) {
    i += k.non_surrogate_prefix(s + 2 * i, n - i);
    if (i == n) return std::nullopt;
    if (!is_high_surrogate(load_u16le(s + 2 * i)) || i + 1 == n ||
        !is_low_surrogate(load_u16le(s + 2 * i + 2)))
      return i;
    i += 2;
  }
}

// Encodes UTF-8 as UTF-16LE into d. The caller guarantees d has room for n
// units: a UTF-8 byte never yields more than one unit.
TranscodeResult<std::size_t> encode_utf8_as_utf16(const Kernels& k, const std::uint8_t* s,
                                                  std::size_t n, std::uint8_t* d) {
  std::size_t i = 0, o = 0;
  while (i < n) {
    std::size_t ascii = k.widen_ascii(s + i, n - i, d + 2 * o);
    i += ascii;
    o += ascii;
    for (std::size_t streak = 0; i < n && streak < kAsciiStreak;) {
      if (s[i] < 0x80) {
        store_u16le(d + 2 * o, s[i]);
        ++i;
        ++o;
        ++streak;
        continue;
      }
      streak = 0;
      Utf8Char c = decode_utf8(s + i, n - i);
      if (c.length == 0) return error(TranscodeErrorKind::InvalidUtf8, i);
      if (c.code_point < 0x10000) {
        store_u16le(d + 2 * o, static_cast<std::uint16_t>(c.code_point));
        o += 1;
      } else {
        std::uint32_t v = c.code_point - 0x10000;
        store_u16le(d + 2 * o, static_cast<std::uint16_t>(0xD800 | (v >> 10)));
        store_u16le(d + 2 * o + 2, static_cast<std::uint16_t>(0xDC00 | (v & 0x3FF)));
        o += 2;
      }
      i += c.length;
      assert(o <= i);
    }
  }
  return o;
}

// Widens the first `count` latin1 bytes of d into UTF-16LE units, in place.
// Going from the back, unit j lands on bytes 2j and 2j+1, which are at or
// after byte j, so no byte is overwritten before it is read.
void inflate_latin1_in_place(std::uint8_t* d, std::size_t count) {
  for (std::size_t j = count; j-- > 0;) store_u16le(d + 2 * j, d[j]);
}

std::size_t utf8_width(std::uint32_t code_point) {
  return code_point < 0x80 ? 1 : code_point < 0x800 ? 2 : code_point < 0x10000 ? 3 : 4;
}

void encode_utf8(std::uint32_t cp, std::uint8_t* d, std::size_t width) {
  switch (width) {
    case 1: d[0] = static_cast<std::uint8_t>(cp); break;
    case 2:
      d[0] = static_cast<std::uint8_t>(0xC0 | (cp >> 6));
      d[1] = static_cast<std::uint8_t>(0x80 | (cp & 0x3F));
      break;
    case 3:
      d[0] = static_cast<std::uint8_t>(0xE0 | (cp >> 12));
      d[1] = static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F));
      d[2] = static_cast<std::uint8_t>(0x80 | (cp & 0x3F));
      break;
    default:
      d[0] = static_cast<std::uint8_t>(0xF0 | (cp >> 18));
      d[1] = static_cast<std::uint8_t>(0x80 | ((cp >> 12) & 0x3F));
      d[2] = static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F));
      d[3] = static_cast<std::uint8_t>(0x80 | (cp & 0x3F));
      break;
  }
}

// The error for a UTF-16 span with an odd byte count.
std::optional<TranscodeError> odd(Bytes b) {
  if (b.size() % 2 != 0) return error(TranscodeErrorKind::OddUtf16ByteLength, b.size());
  return std::nullopt;
}

// Checks shared by the functions whose destination needs `needed` bytes.
std::optional<TranscodeError> check_fixed(Bytes src, MutableBytes dst, std::size_t needed) {
  if (dst.size() < needed) return error(TranscodeErrorKind::DestinationTooSmall, needed);
  if (overlap(src, dst)) return error(TranscodeErrorKind::OverlappingBuffers);
  return std::nullopt;
}

// Checks shared by the *-to-compact-utf16 functions: so_far latin1 bytes plus
// up to src_units units must fit in dst.
std::optional<TranscodeError> check_compact(Bytes src, MutableBytes dst, std::size_t so_far,
                                            std::size_t src_units) {
  if (auto e = odd(dst)) return e;
  std::size_t capacity = dst.size() / 2;
  if (so_far > capacity) return error(TranscodeErrorKind::LatinPrefixTooLong, so_far);
  if (src_units > capacity - so_far)
    return error(TranscodeErrorKind::DestinationTooSmall, 2 * (so_far + src_units));
  if (overlap(src, dst)) return error(TranscodeErrorKind::OverlappingBuffers);
  return std::nullopt;
}

}  // namespace

TranscodeResult<Done> utf8_to_utf8(Bytes src, MutableBytes dst, SimdLevel simd) {
  if (auto e = check_fixed(src, dst, src.size())) return *e;
  if (auto bad = find_invalid_utf8(kernels(simd), src.data(), src.size()))
    return error(TranscodeErrorKind::InvalidUtf8, *bad);
  copy_bytes(dst.data(), src.data(), src.size());
  return Done{};
}

TranscodeResult<Done> utf16_to_utf16(Bytes src, MutableBytes dst, SimdLevel simd) {
  if (auto e = odd(src)) return *e;
  if (auto e = check_fixed(src, dst, src.size())) return *e;
  if (auto bad = find_unpaired_surrogate(kernels(simd), src.data(), src.size() / 2))
    return error(TranscodeErrorKind::UnpairedSurrogate, *bad);
  copy_bytes(dst.data(), src.data(), src.size());
  return Done{};
}

TranscodeResult<Done> latin1_to_latin1(Bytes src, MutableBytes dst, SimdLevel) {
  if (auto e = check_fixed(src, dst, src.size())) return *e;
  copy_bytes(dst.data(), src.data(), src.size());
  return Done{};
}

TranscodeResult<Done> latin1_to_utf16(Bytes src, MutableBytes dst, SimdLevel simd) {
  if (auto e = check_fixed(src, dst, 2 * src.size())) return *e;
  kernels(simd).widen_all(src.data(), src.size(), dst.data());
  return Done{};
}

TranscodeResult<std::size_t> utf8_to_utf16(Bytes src, MutableBytes dst, SimdLevel simd) {
  if (auto e = check_fixed(src, dst, 2 * src.size())) return *e;
  return encode_utf8_as_utf16(kernels(simd), src.data(), src.size(), dst.data());
}

TranscodeResult<CompactLength> utf16_to_compact_probably_utf16(Bytes src, MutableBytes dst,
                                                               SimdLevel simd) {
  if (auto e = odd(src)) return *e;
  std::size_t n = src.size() / 2;
  if (n >= (std::size_t{1} << 31)) return error(TranscodeErrorKind::LengthNotTaggable, n);
  if (auto e = check_fixed(src, dst, src.size())) return *e;
  const Kernels& k = kernels(simd);
  const std::uint8_t* s = src.data();
  std::uint8_t* d = dst.data();
  std::size_t latin1 = k.masked_prefix(s, n, kLatin1Mask);
  if (latin1 == n) {
    // Same bytes as copying the UTF-16 and then compressing it in place: the
    // compressed bytes cover [0, n) and the copy's upper half stays.
    copy_bytes(d + n, s + n, n);
    k.narrow(s, n, d, kLatin1Mask);
    return CompactLength{n, false};
  }
  // Units below `latin1` are not surrogates.
  if (auto bad = find_unpaired_surrogate(k, s + 2 * latin1, n - latin1))
    return error(TranscodeErrorKind::UnpairedSurrogate, latin1 + *bad);
  copy_bytes(d, s, src.size());
  return CompactLength{n, true};
}

TranscodeResult<ReadWritten> utf8_to_latin1(Bytes src, MutableBytes dst, SimdLevel simd) {
  if (auto e = check_fixed(src, dst, src.size())) return *e;
  const Kernels& k = kernels(simd);
  const std::uint8_t* s = src.data();
  std::uint8_t* d = dst.data();
  std::size_t n = src.size(), i = 0, o = 0;
  while (i < n) {
    std::size_t ascii = k.copy_ascii(s + i, n - i, d + o);
    i += ascii;
    o += ascii;
    for (std::size_t streak = 0; i < n && streak < kAsciiStreak;) {
      if (s[i] < 0x80) {
        d[o++] = s[i++];
        ++streak;
        continue;
      }
      // C2 and C3 lead exactly the two-byte sequences of U+0080..U+00FF.
      if (i + 1 == n || (s[i] != 0xC2 && s[i] != 0xC3) || !is_continuation(s[i + 1]))
        return ReadWritten{i, o};
      d[o++] = static_cast<std::uint8_t>((s[i] & 0x03) << 6 | (s[i + 1] & 0x3F));
      i += 2;
      streak = 0;
    }
  }
  return ReadWritten{i, o};
}

TranscodeResult<ReadWritten> utf16_to_latin1(Bytes src, MutableBytes dst, SimdLevel simd) {
  if (auto e = odd(src)) return *e;
  std::size_t n = src.size() / 2;
  if (auto e = check_fixed(src, dst, n)) return *e;
  std::size_t count = kernels(simd).narrow(src.data(), n, dst.data(), kLatin1Mask);
  return ReadWritten{count, count};
}

TranscodeResult<ReadWritten> utf16_to_utf8(Bytes src, MutableBytes dst, bool first_pass,
                                           SimdLevel simd) {
  if (auto e = odd(src)) return *e;
  if (overlap(src, dst)) return error(TranscodeErrorKind::OverlappingBuffers);
  const Kernels& k = kernels(simd);
  const std::uint8_t* s = src.data();
  std::uint8_t* d = dst.data();
  std::size_t n = src.size() / 2, capacity = dst.size(), i = 0, o = 0;
  while (i < n) {
    std::size_t ascii = k.narrow(s + 2 * i, std::min(n - i, capacity - o), d + o, kAsciiMask);
    i += ascii;
    o += ascii;
    if (i == n || first_pass || load_u16le(s + 2 * i) < 0x80) break;
    for (std::size_t streak = 0; i < n && streak < kAsciiStreak;) {
      std::uint32_t cp = load_u16le(s + 2 * i);
      if (cp < 0x80) {
        if (o == capacity) return ReadWritten{i, o};
        d[o++] = static_cast<std::uint8_t>(cp);
        ++i;
        ++streak;
        continue;
      }
      streak = 0;
      std::size_t units = 1;
      if (is_surrogate(static_cast<std::uint16_t>(cp))) {
        if (!is_high_surrogate(static_cast<std::uint16_t>(cp)) || i + 1 == n ||
            !is_low_surrogate(load_u16le(s + 2 * i + 2)))
          return error(TranscodeErrorKind::UnpairedSurrogate, i);
        cp = 0x10000 + ((cp - 0xD800) << 10) + (load_u16le(s + 2 * i + 2) - 0xDC00u);
        units = 2;
      }
      std::size_t width = utf8_width(cp);
      if (capacity - o < width) return ReadWritten{i, o};
      encode_utf8(cp, d + o, width);
      i += units;
      o += width;
    }
  }
  return ReadWritten{i, o};
}

TranscodeResult<ReadWritten> latin1_to_utf8(Bytes src, MutableBytes dst, bool first_pass,
                                            SimdLevel simd) {
  if (overlap(src, dst)) return error(TranscodeErrorKind::OverlappingBuffers);
  const Kernels& k = kernels(simd);
  const std::uint8_t* s = src.data();
  std::uint8_t* d = dst.data();
  std::size_t n = src.size(), capacity = dst.size(), i = 0, o = 0;
  while (i < n) {
    std::size_t ascii = k.copy_ascii(s + i, std::min(n - i, capacity - o), d + o);
    i += ascii;
    o += ascii;
    if (i == n || first_pass || s[i] < 0x80) break;
    if (k.latin1_to_utf8) {
      std::size_t out = 0;
      i += k.latin1_to_utf8(s + i, n - i, d + o, capacity - o, &out);
      o += out;
    }
    for (std::size_t streak = 0; i < n && streak < kAsciiStreak; ++i) {
      std::size_t width = s[i] < 0x80 ? 1 : 2;
      if (capacity - o < width) return ReadWritten{i, o};
      encode_utf8(s[i], d + o, width);
      o += width;
      streak = width == 1 ? streak + 1 : 0;
    }
  }
  return ReadWritten{i, o};
}

TranscodeResult<std::size_t> utf8_to_compact_utf16(Bytes src, MutableBytes dst,
                                                   std::size_t latin1_bytes_so_far,
                                                   SimdLevel simd) {
  if (auto e = check_compact(src, dst, latin1_bytes_so_far, src.size())) return *e;
  inflate_latin1_in_place(dst.data(), latin1_bytes_so_far);
  auto units = encode_utf8_as_utf16(kernels(simd), src.data(), src.size(),
                                    dst.data() + 2 * latin1_bytes_so_far);
  if (!units) return units.error();
  return latin1_bytes_so_far + *units;
}

TranscodeResult<std::size_t> utf16_to_compact_utf16(Bytes src, MutableBytes dst,
                                                    std::size_t latin1_bytes_so_far,
                                                    SimdLevel simd) {
  if (auto e = odd(src)) return *e;
  std::size_t n = src.size() / 2;
  if (auto e = check_compact(src, dst, latin1_bytes_so_far, n)) return *e;
  if (auto bad = find_unpaired_surrogate(kernels(simd), src.data(), n))
    return error(TranscodeErrorKind::UnpairedSurrogate, *bad);
  inflate_latin1_in_place(dst.data(), latin1_bytes_so_far);
  copy_bytes(dst.data() + 2 * latin1_bytes_so_far, src.data(), src.size());
  return latin1_bytes_so_far + n;
}

}  // namespace fact::host
