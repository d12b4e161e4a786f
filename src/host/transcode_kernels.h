// The inner loops of the transcoders, one set per instruction set.
//
// Every kernel handles the longest prefix of its input that has a given
// property, writes exactly that prefix (no speculative stores past it, so the
// SIMD and scalar paths leave identical memory) and returns its length in
// code units. UTF-16 is little-endian bytes; `n` counts units. Source and
// destination never overlap.
#pragma once

#include <cstddef>
#include <cstdint>

#include "fact/host/transcode.h"

namespace fact::host::detail {

struct Kernels {
  // Bytes < 0x80.
  std::size_t (*ascii_prefix)(const std::uint8_t* s, std::size_t n);
  // Bytes < 0x80, copied.
  std::size_t (*copy_ascii)(const std::uint8_t* s, std::size_t n, std::uint8_t* d);
  // Bytes < 0x80, zero-extended to units.
  std::size_t (*widen_ascii)(const std::uint8_t* s, std::size_t n, std::uint8_t* d);
  // All n bytes zero-extended to units.
  void (*widen_all)(const std::uint8_t* s, std::size_t n, std::uint8_t* d);
  // Units with (unit & mask) == 0, narrowed to bytes. mask is 0xFF80 for
  // ASCII or 0xFF00 for latin1.
  std::size_t (*narrow)(const std::uint8_t* s, std::size_t n, std::uint8_t* d, std::uint16_t mask);
  // Units with (unit & mask) == 0, not written anywhere.
  std::size_t (*masked_prefix)(const std::uint8_t* s, std::size_t n, std::uint16_t mask);
  // Units outside 0xD800..0xDFFF.
  std::size_t (*non_surrogate_prefix)(const std::uint8_t* s, std::size_t n);
  // Whether all n bytes are well-formed UTF-8 (no overlong forms, no
  // surrogates, nothing above U+10FFFF, no sequence cut at the end). Only a
  // yes/no: the caller finds the position of an error with the scalar
  // decoder. Null where there is no faster way than that decoder.
  bool (*valid_utf8)(const std::uint8_t* s, std::size_t n);
  // Latin-1 bytes encoded as UTF-8 (one byte below 0x80, two from 0x80),
  // while whole 16-byte blocks of source fit in what is left of `capacity`
  // at their worst (32 bytes): returns the source bytes read and sets
  // `*written`. It may stop early; the caller finishes one byte at a time.
  // Null where there is no vector path.
  std::size_t (*latin1_to_utf8)(const std::uint8_t* s, std::size_t n, std::uint8_t* d,
                                std::size_t capacity, std::size_t* written);
};

inline constexpr std::uint16_t kAsciiMask = 0xFF80;
inline constexpr std::uint16_t kLatin1Mask = 0xFF00;

inline std::uint16_t load_u16le(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
inline void store_u16le(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v);
  p[1] = static_cast<std::uint8_t>(v >> 8);
}
inline bool is_surrogate(std::uint16_t u) { return (u & 0xF800) == 0xD800; }

const Kernels& scalar_kernels();
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define FACT_TRANSCODE_X86 1
const Kernels& sse2_kernels();
const Kernels& avx2_kernels();
#endif

}  // namespace fact::host::detail
