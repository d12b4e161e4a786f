#include "fact/host/transcoder_call.h"

#include <span>

#include "fact/host/transcode.h"

namespace fact::host {
namespace {

const std::string kOutOfBounds =
    "harness: transcoder buffer out of bounds (the adapter did not check it)";

// The bytes [ptr, ptr + units * unit_size) of `m`, or nullopt when they are
// not all inside it. Written so that no product or sum can overflow.
std::optional<std::span<uint8_t>> span_of(const RawMemory& m, uint64_t ptr, uint64_t units,
                                          uint64_t unit_size) {
  if (ptr > m.size || units > (m.size - ptr) / unit_size) return std::nullopt;
  return std::span<uint8_t>(m.data + ptr, units * unit_size);
}

template <class T>
std::optional<std::string> failure(Transcode op, const TranscodeResult<T>& r) {
  if (r.ok()) return std::nullopt;
  const std::string where = std::string("transcode ") + transcode_name(op) + ": ";
  switch (r.error().kind) {
    case TranscodeErrorKind::InvalidUtf8:
      return where + "invalid utf-8 string (" + r.error().message() + ")";
    case TranscodeErrorKind::UnpairedSurrogate:
      return where + "invalid utf-16 string (" + r.error().message() + ")";
    default:
      return "harness: " + where + "the adapter broke the host's contract: " + r.error().message();
  }
}

}  // namespace

std::optional<std::string> call_transcoder(Transcode op, RawMemory from, RawMemory to,
                                           const std::vector<wasm::Val>& args,
                                           std::vector<wasm::Val>& results) {
  const uint64_t src = args.at(0).bits;
  const uint64_t len = args.at(1).bits;
  const uint64_t dst = args.at(2).bits;
  // Source and destination code-unit sizes, and the destination's length in
  // its code units (the import's dst_len where it has one).
  uint64_t src_unit = 1, dst_unit = 1, dst_len = len;
  switch (op) {
    case Transcode::Utf8ToUtf8:
    case Transcode::Latin1ToLatin1:
    case Transcode::Utf8ToLatin1: break;
    case Transcode::Utf16ToUtf16:
    case Transcode::Utf16ToCompactProbablyUtf16: src_unit = dst_unit = 2; break;
    case Transcode::Latin1ToUtf16:
    case Transcode::Utf8ToUtf16: dst_unit = 2; break;
    case Transcode::Utf16ToLatin1: src_unit = 2; break;
    case Transcode::Utf16ToUtf8:
      src_unit = 2;
      dst_len = args.at(3).bits;
      break;
    case Transcode::Latin1ToUtf8: dst_len = args.at(3).bits; break;
    case Transcode::Utf8ToCompactUtf16:
      dst_unit = 2;
      dst_len = args.at(3).bits;
      break;
    case Transcode::Utf16ToCompactUtf16:
      src_unit = dst_unit = 2;
      dst_len = args.at(3).bits;
      break;
  }
  auto s = span_of(from, src, len, src_unit);
  auto d = span_of(to, dst, dst_len, dst_unit);
  if (!s || !d) return kOutOfBounds;
  const host::Bytes in(s->data(), s->size());
  const host::MutableBytes out = *d;

  switch (op) {
    case Transcode::Utf8ToUtf8: return failure(op, host::utf8_to_utf8(in, out));
    case Transcode::Utf16ToUtf16: return failure(op, host::utf16_to_utf16(in, out));
    case Transcode::Latin1ToLatin1: return failure(op, host::latin1_to_latin1(in, out));
    case Transcode::Latin1ToUtf16: return failure(op, host::latin1_to_utf16(in, out));
    case Transcode::Utf8ToUtf16: {
      auto r = host::utf8_to_utf16(in, out);
      if (r) results.at(0).bits = *r;
      return failure(op, r);
    }
    case Transcode::Utf16ToCompactProbablyUtf16: {
      auto r = host::utf16_to_compact_probably_utf16(in, out);
      if (r) results.at(0).bits = r->tagged();
      return failure(op, r);
    }
    case Transcode::Utf8ToLatin1:
    case Transcode::Utf16ToLatin1: {
      auto r = op == Transcode::Utf8ToLatin1 ? host::utf8_to_latin1(in, out)
                                             : host::utf16_to_latin1(in, out);
      if (r) {
        results.at(0).bits = r->read;
        results.at(1).bits = r->written;
      }
      return failure(op, r);
    }
    case Transcode::Utf16ToUtf8:
    case Transcode::Latin1ToUtf8: {
      const bool first_pass = args.at(4).bits != 0;
      auto r = op == Transcode::Utf16ToUtf8 ? host::utf16_to_utf8(in, out, first_pass)
                                            : host::latin1_to_utf8(in, out, first_pass);
      if (r) {
        results.at(0).bits = r->read;
        results.at(1).bits = r->written;
      }
      return failure(op, r);
    }
    case Transcode::Utf8ToCompactUtf16:
    case Transcode::Utf16ToCompactUtf16: {
      const uint64_t so_far = args.at(4).bits;
      auto r = op == Transcode::Utf8ToCompactUtf16 ? host::utf8_to_compact_utf16(in, out, so_far)
                                                   : host::utf16_to_compact_utf16(in, out, so_far);
      if (r) results.at(0).bits = *r;
      return failure(op, r);
    }
  }
  return "harness: unknown transcoder";
}

}  // namespace fact::host
