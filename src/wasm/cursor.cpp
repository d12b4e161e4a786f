#include "fact/wasm/cursor.h"

#include <cstdio>

namespace fact::wasm {

std::string hex(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%02llx", static_cast<unsigned long long>(value));
  return buf;
}

void Diag::fail(size_t offset, std::string_view message) {
  if (error_) return;
  std::string text = "at byte " + hex(offset) + ": ";
  if (!context_.empty()) text += "in " + context_ + ": ";
  text += message;
  error_ = Error{std::move(text)};
}

void Cursor::fail_eof(std::string_view what) {
  // Distinguishing the two helps: a section whose declared size is too small
  // is a different bug from a truncated file.
  std::string message = end_ == input_.size() ? "unexpected end of input while reading "
                                              : "unexpected end of section while reading ";
  message += what;
  fail(message);
}

uint8_t Cursor::peek(std::string_view what) {
  if (!ok()) return 0;
  if (pos_ >= end_) {
    fail_eof(what);
    return 0;
  }
  return input_[pos_];
}

uint8_t Cursor::byte(std::string_view what) {
  uint8_t b = peek(what);
  if (ok()) ++pos_;
  return b;
}

void Cursor::expect(uint8_t expected, std::string_view what) {
  size_t at = pos_;
  uint8_t b = byte(what);
  if (ok() && b != expected)
    fail_at(at, "expected " + std::string(what) + " (" + hex(expected) + "), found " + hex(b));
}

uint32_t Cursor::u32(std::string_view what) {
  size_t start = pos_;
  uint32_t result = 0;
  for (int i = 0; i < 5; ++i) {
    uint8_t b = byte(std::string("a LEB128 u32 (") + std::string(what) + ")");
    if (!ok()) return 0;
    if (i == 4) {
      if (b & 0x80) {
        fail_at(start,
                "LEB128 u32 is too long (more than 5 bytes) while reading " + std::string(what));
        return 0;
      }
      if (b > 0x0f) {
        fail_at(start, "LEB128 u32 too large (does not fit in 32 bits) while reading " +
                           std::string(what));
        return 0;
      }
    }
    result |= uint32_t(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) break;
  }
  return result;
}

uint64_t Cursor::u64(std::string_view what) {
  size_t start = pos_;
  uint64_t result = 0;
  for (int i = 0; i < 10; ++i) {
    uint8_t b = byte(std::string("a LEB128 u64 (") + std::string(what) + ")");
    if (!ok()) return 0;
    if (i == 9) {
      if (b & 0x80) {
        fail_at(start,
                "LEB128 u64 is too long (more than 10 bytes) while reading " + std::string(what));
        return 0;
      }
      if (b > 0x01) {
        fail_at(start, "LEB128 u64 too large (does not fit in 64 bits) while reading " +
                           std::string(what));
        return 0;
      }
    }
    result |= uint64_t(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) break;
  }
  return result;
}

int64_t Cursor::s33(std::string_view what) {
  size_t start = pos_;
  uint64_t bits = 0;
  int shift = 0;
  uint8_t b = 0;
  for (int i = 0; i < 5; ++i) {
    b = byte(std::string("a LEB128 s33 (") + std::string(what) + ")");
    if (!ok()) return 0;
    bits |= uint64_t(b & 0x7f) << shift;
    shift += 7;
    if (!(b & 0x80)) break;
    if (i == 4) {
      fail_at(start,
              "LEB128 s33 is too long (more than 5 bytes) while reading " + std::string(what));
      return 0;
    }
  }
  // Sign-extend from the last bit read, then require the value to fit in 33
  // bits, which also rejects unused high bits that are not sign copies.
  int64_t value = (b & 0x40) ? int64_t(bits | (~uint64_t(0) << shift)) : int64_t(bits);
  if (value < -(int64_t(1) << 32) || value >= (int64_t(1) << 32)) {
    fail_at(start,
            "LEB128 s33 too large (does not fit in 33 bits) while reading " + std::string(what));
    return 0;
  }
  return value;
}

bool Cursor::flag(std::string_view what) {
  size_t at = pos_;
  uint8_t b = byte(what);
  if (ok() && b > 1)
    fail_at(at, "expected " + std::string(what) + " (0x00 or 0x01), found " + hex(b));
  return b == 1;
}

uint32_t Cursor::count(std::string_view what, size_t min_element_size) {
  size_t at = pos_;
  uint32_t n = u32(what);
  if (!ok()) return 0;
  if (uint64_t(n) * min_element_size > remaining()) {
    fail_at(at, "count " + std::to_string(n) + " of " + std::string(what) + " exceeds the " +
                    std::to_string(remaining()) + " bytes left");
    return 0;
  }
  return n;
}

std::span<const uint8_t> Cursor::take(size_t n, std::string_view what) {
  if (!ok()) return {};
  if (n > end_ - pos_) {
    fail_eof(std::string(what) + " (" + std::to_string(n) + " bytes, " +
             std::to_string(end_ - pos_) + " left)");
    return {};
  }
  auto bytes = input_.subspan(pos_, n);
  pos_ += n;
  return bytes;
}

std::string Cursor::name(std::string_view what) {
  uint32_t length = u32(std::string("the length of ") + std::string(what));
  size_t at = pos_;
  auto bytes = take(length, what);
  if (!ok()) return {};
  if (!is_valid_utf8(bytes)) {
    fail_at(at, std::string(what) + " is not valid UTF-8");
    return {};
  }
  return std::string(bytes.begin(), bytes.end());
}

Cursor Cursor::split(size_t n, std::string_view what) {
  size_t start = pos_;
  take(n, what);
  if (!ok()) return Cursor(input_, end_, end_, diag_);
  return Cursor(input_, start, start + n, diag_);
}

bool is_valid_utf8(std::span<const uint8_t> s) {
  size_t i = 0;
  while (i < s.size()) {
    uint8_t b = s[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    uint32_t min;
    if ((b & 0xe0) == 0xc0) {
      len = 2, cp = b & 0x1f, min = 0x80;
    } else if ((b & 0xf0) == 0xe0) {
      len = 3, cp = b & 0x0f, min = 0x800;
    } else if ((b & 0xf8) == 0xf0) {
      len = 4, cp = b & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (s.size() - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

}  // namespace fact::wasm
