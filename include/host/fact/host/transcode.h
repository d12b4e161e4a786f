// Host implementations of the `transcode` imports of an adapter module
// (docs/import-abi.md, "String transcoders").
//
// An embedder that runs fact's adapter modules binds each import
// `transcode.<desc> (mem<a> => mem<b>)` to the function of the same name
// below. Before calling the import, the adapter has already:
//   * checked the source length against MAX_STRING_BYTE_LENGTH (2^28 - 1),
//   * checked the alignment and bounds of the source buffer,
//   * allocated the destination with the guest realloc and checked its
//     alignment and bounds.
// So the embedder only turns (memory base, pointer, length) into the spans
// described for each function; the functions trust nothing else. In
// particular they do not require u16 alignment: UTF-16 is read and written
// byte by byte as little-endian, whatever the host's byte order.
//
// Lengths: `len` in the import signature counts code units of the source
// encoding (bytes for utf8 and latin1, u16 units for utf16). A UTF-16 buffer
// of `len` units is a byte span of 2*len bytes. "read" results count source
// code units, "written"/"units" results count destination code units.
//
// Errors: no function throws or has undefined behaviour on any input. Every
// failure is a TranscodeError value. Invalid UTF-8 and unpaired surrogates are
// the guest's fault and the embedder must turn them into a trap. The other
// kinds mean the caller (the adapter, or the embedder building the spans)
// broke the contract documented below; an embedder should trap on them as
// well, since a guest realloc returning a bad buffer can cause some of them
// (for example overlapping buffers). When a function fails, the destination
// may have been partly written; the adapter traps, so nobody sees it.
//
// SIMD: each function takes an optional SimdLevel. Auto (the default) uses
// the best level the CPU supports. An explicit level is clamped to what the
// CPU supports, so passing Avx2 is always safe; Scalar forces the portable
// code path, which is the reference the SIMD paths are tested against.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <variant>

namespace fact::host {

// Instruction sets the transcoders can use.
enum class SimdLevel : std::uint8_t {
  Auto,    // the best supported level, detected once per process
  Scalar,  // portable C++, no vector instructions
  Sse2,
  Avx2,
};

// The best level this CPU supports (never Auto).
SimdLevel detected_simd_level();

// The level a call made with `requested` actually runs with (never Auto).
SimdLevel effective_simd_level(SimdLevel requested);

enum class TranscodeErrorKind : std::uint8_t {
  // The source is not valid UTF-8; `position` is the byte offset where the
  // first invalid sequence starts (everything before it is valid).
  InvalidUtf8,
  // The source has an unpaired surrogate; `position` is its code unit index.
  UnpairedSurrogate,
  // The destination span is smaller than the contract guarantees (checked
  // before anything is written). `position` is the number of destination
  // bytes the contract requires.
  DestinationTooSmall,
  // The source and destination spans share bytes.
  OverlappingBuffers,
  // A span that holds UTF-16 has an odd number of bytes. `position` is that
  // byte count.
  OddUtf16ByteLength,
  // utf16-to-compact-probably-utf16: the length does not fit below the tag
  // bit 31. `position` is the length.
  LengthNotTaggable,
  // *-to-compact-utf16: latin1_bytes_so_far exceeds the destination's units.
  // `position` is latin1_bytes_so_far.
  LatinPrefixTooLong,
};

struct TranscodeError {
  TranscodeErrorKind kind;
  std::size_t position = 0;  // meaning depends on kind, see above

  // For example "invalid UTF-8 at byte 12".
  std::string message() const;

  friend bool operator==(const TranscodeError&, const TranscodeError&) = default;
};

// A value, or the error that prevented computing it.
template <class T>
class [[nodiscard]] TranscodeResult {
 public:
  TranscodeResult(T value) : state_(std::move(value)) {}
  TranscodeResult(TranscodeError error) : state_(error) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  // Precondition: ok().
  const T& value() const { return std::get<0>(state_); }
  const T& operator*() const { return value(); }
  const T* operator->() const { return &value(); }
  // Precondition: !ok().
  const TranscodeError& error() const { return std::get<1>(state_); }

  friend bool operator==(const TranscodeResult&, const TranscodeResult&) = default;

 private:
  std::variant<T, TranscodeError> state_;
};

// Result of a function without a value.
struct Done {
  friend bool operator==(Done, Done) = default;
};

// Results of the partial conversions: source code units consumed and
// destination code units produced.
struct ReadWritten {
  std::size_t read = 0;
  std::size_t written = 0;
  friend bool operator==(const ReadWritten&, const ReadWritten&) = default;
};

// Result of utf16-to-compact-probably-utf16.
struct CompactLength {
  std::size_t units = 0;  // code units in the destination (latin1 or UTF-16)
  bool utf16 = false;     // false: compressed to latin1

  // The import's `Pt tagged_len` result: units, with bit 31 set for UTF-16
  // (bit 31 even for 64-bit memories: the import keeps Wasmtime's signature,
  // and the adapter moves the tag to the top bit of a 64-bit length).
  std::uint64_t tagged() const { return utf16 ? (units | (std::uint64_t{1} << 31)) : units; }
  friend bool operator==(const CompactLength&, const CompactLength&) = default;
};

using Bytes = std::span<const std::uint8_t>;
using MutableBytes = std::span<std::uint8_t>;

// utf8-to-utf8 (src, len, dst). src: len bytes; dst: at least len bytes.
// Validates src as UTF-8, then copies it to dst[0, len). Nothing is written
// when src is invalid.
TranscodeResult<Done> utf8_to_utf8(Bytes src, MutableBytes dst, SimdLevel simd = SimdLevel::Auto);

// utf16-to-utf16 (src, len, dst). src: 2*len bytes of UTF-16LE; dst: at least
// 2*len bytes. Validates that src has no unpaired surrogate, then copies it.
// Nothing is written when src is invalid.
TranscodeResult<Done> utf16_to_utf16(Bytes src, MutableBytes dst, SimdLevel simd = SimdLevel::Auto);

// latin1-to-latin1 (src, len, dst). src: len bytes; dst: at least len bytes.
TranscodeResult<Done> latin1_to_latin1(Bytes src, MutableBytes dst,
                                       SimdLevel simd = SimdLevel::Auto);

// latin1-to-utf16 (src, len, dst). src: len bytes; dst: at least 2*len bytes,
// receiving each byte zero-extended to a UTF-16LE unit.
TranscodeResult<Done> latin1_to_utf16(Bytes src, MutableBytes dst,
                                      SimdLevel simd = SimdLevel::Auto);

// utf8-to-utf16 (src, len, dst) -> units_written. src: len bytes; dst: at
// least 2*len bytes (the worst case: one unit per byte). Validates src and
// writes its UTF-16LE encoding to the front of dst; returns the number of
// units written.
TranscodeResult<std::size_t> utf8_to_utf16(Bytes src, MutableBytes dst,
                                           SimdLevel simd = SimdLevel::Auto);

// utf16-to-compact-probably-utf16 (src, len, dst) -> tagged_len. src: 2*len
// bytes of UTF-16LE, len < 2^31; dst: at least 2*len bytes. Validates src and
// copies it to dst. If every unit is <= 0xFF, the copy is then compressed in
// place to latin1 (dst[0, len) holds one byte per unit, dst[len, 2*len) keeps
// what the UTF-16 copy left there) and the result is {len, utf16 = false};
// otherwise it is {len, utf16 = true}. CompactLength::tagged() is the
// import's return value.
TranscodeResult<CompactLength> utf16_to_compact_probably_utf16(Bytes src, MutableBytes dst,
                                                               SimdLevel simd = SimdLevel::Auto);

// utf8-to-latin1 (src, len, dst) -> (read, written). src: len bytes; dst: at
// least len bytes. Converts the longest prefix of src that is valid UTF-8 and
// made only of code points <= 0xFF; read is its length in bytes, written the
// number of latin1 bytes stored. Never reports invalid UTF-8: invalid input
// just ends the prefix, and utf8_to_compact_utf16 rejects it afterwards.
TranscodeResult<ReadWritten> utf8_to_latin1(Bytes src, MutableBytes dst,
                                            SimdLevel simd = SimdLevel::Auto);

// utf16-to-latin1 (src, len, dst) -> (read, written). src: 2*len bytes; dst:
// at least len bytes. Converts the longest prefix of units <= 0xFF (which are
// never surrogates); read == written.
TranscodeResult<ReadWritten> utf16_to_latin1(Bytes src, MutableBytes dst,
                                             SimdLevel simd = SimdLevel::Auto);

// utf16-to-utf8 (src, src_len, dst, dst_len, first_pass) -> (read, written).
// src: 2*src_len bytes; dst: dst_len bytes, any size. Encodes whole
// characters of src as UTF-8 into dst while they fit and returns the units
// read and bytes written. With first_pass, stops before the first non-ASCII
// unit (the adapter then grows dst to the worst case and calls again for the
// rest). A character is decoded before checking whether it fits, so an
// unpaired surrogate at the stopping point is still reported.
TranscodeResult<ReadWritten> utf16_to_utf8(Bytes src, MutableBytes dst, bool first_pass,
                                           SimdLevel simd = SimdLevel::Auto);

// latin1-to-utf8 (src, src_len, dst, dst_len, first_pass) -> (read, written).
// As utf16_to_utf8, for a latin1 source (which cannot be invalid).
TranscodeResult<ReadWritten> latin1_to_utf8(Bytes src, MutableBytes dst, bool first_pass,
                                            SimdLevel simd = SimdLevel::Auto);

// utf8-to-compact-utf16 (src, src_len, dst, dst_len, latin1_bytes_so_far)
// -> total_units. src: src_len bytes; dst: 2*dst_len bytes (dst_len counts
// u16 units), whose first so_far bytes are latin1 from utf8_to_latin1.
// Widens those bytes in place to UTF-16LE units (back to front, so nothing is
// clobbered), validates src and encodes it as UTF-16LE after them, and
// returns so_far + units encoded. Requires so_far + src_len <= dst_len (the
// adapter's worst case, checked before anything is written).
TranscodeResult<std::size_t> utf8_to_compact_utf16(Bytes src, MutableBytes dst,
                                                   std::size_t latin1_bytes_so_far,
                                                   SimdLevel simd = SimdLevel::Auto);

// utf16-to-compact-utf16: as utf8_to_compact_utf16 with a UTF-16LE source of
// 2*src_len bytes, which is validated and copied; returns so_far + src_len.
TranscodeResult<std::size_t> utf16_to_compact_utf16(Bytes src, MutableBytes dst,
                                                    std::size_t latin1_bytes_so_far,
                                                    SimdLevel simd = SimdLevel::Auto);

}  // namespace fact::host
