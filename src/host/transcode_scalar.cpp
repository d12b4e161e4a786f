// Portable kernels: the fallback on CPUs without SIMD support and the
// reference the SIMD kernels are tested against, so they stay simple.
#include "transcode_kernels.h"

namespace fact::host::detail {
namespace {

std::size_t ascii_prefix(const std::uint8_t* s, std::size_t n) {
  std::size_t i = 0;
  while (i < n && s[i] < 0x80) ++i;
  return i;
}

std::size_t copy_ascii(const std::uint8_t* s, std::size_t n, std::uint8_t* d) {
  std::size_t i = 0;
  for (; i < n && s[i] < 0x80; ++i) d[i] = s[i];
  return i;
}

std::size_t widen_ascii(const std::uint8_t* s, std::size_t n, std::uint8_t* d) {
  std::size_t i = 0;
  for (; i < n && s[i] < 0x80; ++i) store_u16le(d + 2 * i, s[i]);
  return i;
}

void widen_all(const std::uint8_t* s, std::size_t n, std::uint8_t* d) {
  for (std::size_t i = 0; i < n; ++i) store_u16le(d + 2 * i, s[i]);
}

std::size_t narrow(const std::uint8_t* s, std::size_t n, std::uint8_t* d, std::uint16_t mask) {
  std::size_t i = 0;
  for (; i < n; ++i) {
    std::uint16_t u = load_u16le(s + 2 * i);
    if (u & mask) break;
    d[i] = static_cast<std::uint8_t>(u);
  }
  return i;
}

std::size_t masked_prefix(const std::uint8_t* s, std::size_t n, std::uint16_t mask) {
  std::size_t i = 0;
  while (i < n && (load_u16le(s + 2 * i) & mask) == 0) ++i;
  return i;
}

std::size_t non_surrogate_prefix(const std::uint8_t* s, std::size_t n) {
  std::size_t i = 0;
  while (i < n && !is_surrogate(load_u16le(s + 2 * i))) ++i;
  return i;
}

}  // namespace

const Kernels& scalar_kernels() {
  static constexpr Kernels kernels{ascii_prefix, copy_ascii,    widen_ascii,          widen_all,
                                   narrow,       masked_prefix, non_surrogate_prefix, nullptr,
                                   nullptr};
  return kernels;
}

}  // namespace fact::host::detail
