#include "support/transcode.h"

#include <cstring>

namespace fact::test {
namespace {

constexpr uint64_t kUtf16Tag32 = uint64_t{1} << 31;

bool fits(const RawMemory& m, uint64_t ptr, uint64_t bytes) {
  return ptr <= m.size && bytes <= m.size - ptr;
}

uint32_t unit_at(const RawMemory& m, uint64_t ptr, uint64_t i) {
  return m.data[ptr + 2 * i] | (uint32_t{m.data[ptr + 2 * i + 1]} << 8);
}

void put_unit(const RawMemory& m, uint64_t ptr, uint64_t i, uint32_t unit) {
  m.data[ptr + 2 * i] = static_cast<uint8_t>(unit);
  m.data[ptr + 2 * i + 1] = static_cast<uint8_t>(unit >> 8);
}

// Decodes one code point of UTF-8 at src[*i]; nullopt if invalid.
std::optional<uint32_t> next_utf8(const uint8_t* src, uint64_t len, uint64_t* i) {
  uint8_t b = src[*i];
  uint32_t cp;
  uint64_t extra;
  if (b < 0x80) {
    cp = b;
    extra = 0;
  } else if ((b & 0xE0) == 0xC0) {
    cp = b & 0x1F;
    extra = 1;
  } else if ((b & 0xF0) == 0xE0) {
    cp = b & 0x0F;
    extra = 2;
  } else if ((b & 0xF8) == 0xF0) {
    cp = b & 0x07;
    extra = 3;
  } else {
    return std::nullopt;
  }
  if (*i + extra >= len) return std::nullopt;
  for (uint64_t k = 1; k <= extra; ++k) {
    uint8_t c = src[*i + k];
    if ((c & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (c & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  *i += extra + 1;
  return cp;
}

// Decodes one code point of UTF-16 at unit *i; nullopt if unpaired.
std::optional<uint32_t> next_utf16(const RawMemory& m, uint64_t ptr, uint64_t len, uint64_t* i) {
  uint32_t unit = unit_at(m, ptr, *i);
  if (unit >= 0xD800 && unit <= 0xDBFF) {
    if (*i + 1 >= len) return std::nullopt;
    uint32_t low = unit_at(m, ptr, *i + 1);
    if (low < 0xDC00 || low > 0xDFFF) return std::nullopt;
    *i += 2;
    return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
  }
  if (unit >= 0xDC00 && unit <= 0xDFFF) return std::nullopt;
  *i += 1;
  return unit;
}

uint32_t utf8_length(uint32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

void put_utf8(uint8_t* out, uint32_t cp) {
  switch (utf8_length(cp)) {
    case 1: out[0] = static_cast<uint8_t>(cp); break;
    case 2:
      out[0] = static_cast<uint8_t>(0xC0 | (cp >> 6));
      out[1] = static_cast<uint8_t>(0x80 | (cp & 0x3F));
      break;
    case 3:
      out[0] = static_cast<uint8_t>(0xE0 | (cp >> 12));
      out[1] = static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3F));
      out[2] = static_cast<uint8_t>(0x80 | (cp & 0x3F));
      break;
    default:
      out[0] = static_cast<uint8_t>(0xF0 | (cp >> 18));
      out[1] = static_cast<uint8_t>(0x80 | ((cp >> 12) & 0x3F));
      out[2] = static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3F));
      out[3] = static_cast<uint8_t>(0x80 | (cp & 0x3F));
      break;
  }
}

// Writes cp as UTF-16 at unit index *n of dst (capacity `cap` units).
bool put_utf16(const RawMemory& m, uint64_t dst, uint64_t cap, uint64_t* n, uint32_t cp) {
  if (cp >= 0x10000) {
    if (*n + 2 > cap) return false;
    put_unit(m, dst, (*n)++, 0xD800 + ((cp - 0x10000) >> 10));
    put_unit(m, dst, (*n)++, 0xDC00 + ((cp - 0x10000) & 0x3FF));
    return true;
  }
  if (*n + 1 > cap) return false;
  put_unit(m, dst, (*n)++, cp);
  return true;
}

const std::string kOutOfBounds = "harness: transcoder buffer out of bounds (the adapter did not check it)";
const std::string kInvalidUtf8 = "invalid utf-8 string";
const std::string kInvalidUtf16 = "invalid utf-16 string";

}  // namespace

std::optional<std::string> run_transcoder(Transcode op, RawMemory from, RawMemory to,
                                          const std::vector<wasm::Val>& args,
                                          std::vector<wasm::Val>& results) {
  const uint64_t src = args.at(0).bits;
  const uint64_t len = args.at(1).bits;
  const uint64_t dst = args.at(2).bits;
  switch (op) {
    case Transcode::Utf8ToUtf8:
    case Transcode::Latin1ToLatin1: {
      if (!fits(from, src, len) || !fits(to, dst, len)) return kOutOfBounds;
      if (op == Transcode::Utf8ToUtf8) {
        for (uint64_t i = 0; i < len;) {
          if (!next_utf8(from.data + src, len, &i)) return kInvalidUtf8;
        }
      }
      std::memmove(to.data + dst, from.data + src, len);
      return std::nullopt;
    }
    case Transcode::Utf16ToUtf16: {
      if (!fits(from, src, 2 * len) || !fits(to, dst, 2 * len)) return kOutOfBounds;
      for (uint64_t i = 0; i < len;) {
        if (!next_utf16(from, src, len, &i)) return kInvalidUtf16;
      }
      std::memmove(to.data + dst, from.data + src, 2 * len);
      return std::nullopt;
    }
    case Transcode::Latin1ToUtf16: {
      if (!fits(from, src, len) || !fits(to, dst, 2 * len)) return kOutOfBounds;
      std::vector<uint8_t> bytes(from.data + src, from.data + src + len);
      for (uint64_t i = 0; i < len; ++i) put_unit(to, dst, i, bytes[i]);
      return std::nullopt;
    }
    case Transcode::Utf8ToUtf16: {
      if (!fits(from, src, len) || !fits(to, dst, 2 * len)) return kOutOfBounds;
      std::vector<uint8_t> bytes(from.data + src, from.data + src + len);
      uint64_t n = 0;
      for (uint64_t i = 0; i < len;) {
        auto cp = next_utf8(bytes.data(), len, &i);
        if (!cp) return kInvalidUtf8;
        if (!put_utf16(to, dst, len, &n, *cp)) return kOutOfBounds;
      }
      results.at(0).bits = n;
      return std::nullopt;
    }
    case Transcode::Utf16ToCompactProbablyUtf16: {
      if (!fits(from, src, 2 * len) || !fits(to, dst, 2 * len)) return kOutOfBounds;
      std::vector<uint32_t> units;
      for (uint64_t i = 0; i < len;) {
        uint64_t start = i;
        if (!next_utf16(from, src, len, &i)) return kInvalidUtf16;
        for (uint64_t k = start; k < i; ++k) units.push_back(unit_at(from, src, k));
      }
      bool latin1 = true;
      for (uint32_t u : units) latin1 &= u <= 0xFF;
      for (uint64_t i = 0; i < len; ++i) {
        if (latin1) {
          to.data[dst + i] = static_cast<uint8_t>(units[i]);
        } else {
          put_unit(to, dst, i, units[i]);
        }
      }
      results.at(0).bits = latin1 ? len : len | kUtf16Tag32;
      return std::nullopt;
    }
    case Transcode::Utf8ToLatin1:
    case Transcode::Utf16ToLatin1: {
      const bool utf8 = op == Transcode::Utf8ToLatin1;
      if (!fits(from, src, utf8 ? len : 2 * len) || !fits(to, dst, len)) return kOutOfBounds;
      uint64_t read = 0, written = 0;
      while (read < len) {
        uint64_t next = read;
        std::optional<uint32_t> cp;
        if (utf8) {
          cp = next_utf8(from.data + src, len, &next);
          if (!cp) return kInvalidUtf8;
        } else {
          cp = unit_at(from, src, read);
          next = read + 1;
        }
        if (*cp > 0xFF) break;
        to.data[dst + written++] = static_cast<uint8_t>(*cp);
        read = next;
      }
      results.at(0).bits = read;
      results.at(1).bits = written;
      return std::nullopt;
    }
    case Transcode::Utf16ToUtf8:
    case Transcode::Latin1ToUtf8: {
      const bool utf16 = op == Transcode::Utf16ToUtf8;
      const uint64_t dst_len = args.at(3).bits;
      const bool first_pass = args.at(4).bits != 0;
      if (!fits(from, src, utf16 ? 2 * len : len) || !fits(to, dst, dst_len)) return kOutOfBounds;
      uint64_t read = 0, written = 0;
      while (read < len) {
        uint64_t next = read;
        uint32_t cp;
        if (utf16) {
          auto c = next_utf16(from, src, len, &next);
          if (!c) return kInvalidUtf16;
          cp = *c;
        } else {
          cp = from.data[src + read];
          next = read + 1;
        }
        if (first_pass && cp >= 0x80) break;
        if (written + utf8_length(cp) > dst_len) break;
        put_utf8(to.data + dst + written, cp);
        written += utf8_length(cp);
        read = next;
      }
      results.at(0).bits = read;
      results.at(1).bits = written;
      return std::nullopt;
    }
    case Transcode::Utf8ToCompactUtf16:
    case Transcode::Utf16ToCompactUtf16: {
      const bool utf8 = op == Transcode::Utf8ToCompactUtf16;
      const uint64_t dst_len = args.at(3).bits;
      const uint64_t so_far = args.at(4).bits;
      if (!fits(from, src, utf8 ? len : 2 * len) || !fits(to, dst, 2 * dst_len) || so_far > dst_len) {
        return kOutOfBounds;
      }
      // Widen the latin1 prefix in place, back to front.
      for (uint64_t i = so_far; i-- > 0;) put_unit(to, dst, i, to.data[dst + i]);
      uint64_t n = so_far;
      for (uint64_t i = 0; i < len;) {
        std::optional<uint32_t> cp = utf8 ? next_utf8(from.data + src, len, &i) : next_utf16(from, src, len, &i);
        if (!cp) return utf8 ? kInvalidUtf8 : kInvalidUtf16;
        if (!put_utf16(to, dst, dst_len, &n, *cp)) return kOutOfBounds;
      }
      results.at(0).bits = n;
      return std::nullopt;
    }
  }
  return "harness: unknown transcoder";
}

}  // namespace fact::test
