// Bounds-checked decoding of the primitive encodings that core modules and
// components share: bytes, LEB128 integers, names, vectors and sections.
//
// Errors are sticky: the first failure is recorded in the shared Diag and
// every later read returns zero without touching the input, so parsing code
// can read a whole production and check ok() once, and no failed read can
// lead to an out-of-bounds access or an unbounded allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fact/error.h"

namespace fact::wasm {

// The first error of one read (of a module or a component), and what was
// being read.
class Diag {
 public:
  bool failed() const { return error_.has_value(); }
  // Records "at byte 0x..: <context>: <message>" unless an error is already
  // recorded.
  void fail(size_t offset, std::string_view message);
  const Error& error() const { return *error_; }

  // What is being read, for messages ("type section entry 3").
  void set_context(std::string context) { context_ = std::move(context); }
  const std::string& context() const { return context_; }

 private:
  std::optional<Error> error_;
  std::string context_;
};

// A window [pos, end) on the input. Offsets are positions in the whole input.
class Cursor {
 public:
  Cursor(std::span<const uint8_t> input, Diag& diag)
      : input_(input), pos_(0), end_(input.size()), diag_(&diag) {}

  bool ok() const { return !diag_->failed(); }
  size_t offset() const { return pos_; }
  size_t end() const { return end_; }
  size_t remaining() const { return ok() ? end_ - pos_ : 0; }
  bool at_end() const { return !ok() || pos_ >= end_; }
  Diag& diag() const { return *diag_; }

  void fail(std::string_view message) { diag_->fail(pos_, message); }
  void fail_at(size_t offset, std::string_view message) { diag_->fail(offset, message); }

  // The next byte without consuming it; 0 (and an error) at the end.
  uint8_t peek(std::string_view what);
  uint8_t byte(std::string_view what);
  // A byte that must be `expected`.
  void expect(uint8_t expected, std::string_view what);
  uint32_t u32(std::string_view what);
  uint64_t u64(std::string_view what);
  // A signed 33-bit LEB128 (used for type indices in valtypes).
  int64_t s33(std::string_view what);
  // `0x00` or `0x01`.
  bool flag(std::string_view what);
  // A vec count, checked against the bytes left: each element needs at least
  // `min_element_size` bytes, so a count can never make us reserve more than
  // the input could describe.
  uint32_t count(std::string_view what, size_t min_element_size = 1);
  // A length-prefixed UTF-8 string.
  std::string name(std::string_view what);
  // `n` raw bytes; an empty span (and an error) if fewer are left.
  std::span<const uint8_t> take(size_t n, std::string_view what);
  // Splits off the next `n` bytes as a cursor of their own and skips them
  // here.
  Cursor split(size_t n, std::string_view what);

 private:
  Cursor(std::span<const uint8_t> input, size_t pos, size_t end, Diag* diag)
      : input_(input), pos_(pos), end_(end), diag_(diag) {}
  void fail_eof(std::string_view what);

  std::span<const uint8_t> input_;
  size_t pos_;
  size_t end_;
  Diag* diag_;
};

bool is_valid_utf8(std::span<const uint8_t> bytes);

// "0x1a3".
std::string hex(uint64_t value);

}  // namespace fact::wasm
