// Strings in every pair of encodings: the spec's load_string_from_range,
// then store_string_into_range with its algorithms (store_string_copy,
// store_utf8_to_utf16, store_string_to_utf8, store_string_to_latin1_or_utf16,
// store_probably_utf16_to_latin1_or_utf16). The inline code checks lengths,
// pointers and allocations; the bytes are moved by the transcoder imports,
// which trust the buffers they are given.
#include "compiler.h"

namespace fact::adapter {
namespace {

constexpr uint64_t kMaxStringByteLength = (uint64_t{1} << 28) - 1;

// The specification's utf16_tag: the top bit of the pointer type.
uint64_t utf16_tag(ValType ptr) {
  return ptr == ValType::I64 ? uint64_t{1} << 63 : uint64_t{1} << 31;
}

}  // namespace

uint32_t Compiler::transcoder(Transcode op, const SideOptions& s, const SideOptions& d) {
  return module_.import_transcoder(op, *s.memory, s.memory64, *d.memory, d.memory64);
}

// The spec's load_string_from_range, then store_string_into_range.
void Compiler::translate_string(const Source& src, const Destination& dst) {
  const SideOptions& so = src.options();
  const SideOptions& dopt = dst.options();
  const ValType sp = so.ptr();
  TempLocal src_ptr_local = temp(sp);
  TempLocal len_local = temp(sp);
  const uint32_t src_ptr = src_ptr_local.index();
  const uint32_t len = len_local.index();
  load_pointer_pair(src, src_ptr, len);
  TempLocal out_ptr = temp(dopt.ptr());
  TempLocal out_len = temp(dopt.ptr());
  const StringBuffer out{out_ptr.index(), out_len.index()};

  // Checks the byte length against the limit, then alignment and bounds.
  auto validate_source = [&](uint32_t units, uint32_t unit_size, uint32_t align) {
    ins_.local_get(units);
    push_as(Operand::of(kMaxStringByteLength / unit_size), sp);
    op_gt_u(sp);
    trap_if(TrapCode::StringOutOfBounds);
    if (unit_size == 2) {
      TempLocal doubled = scaled(units, sp, 2);
      validate_pointer(so, src_ptr, Operand::in(doubled), align, TrapCode::StringOutOfBounds);
    } else {
      validate_pointer(so, src_ptr, Operand::in(units, sp), align, TrapCode::StringOutOfBounds);
    }
  };

  switch (so.string_encoding) {
    case StringEncoding::Utf8:
      validate_source(len, 1, 1);
      transcode_string(so, SimpleEncoding::Utf8, src_ptr, len, dopt, out);
      break;
    case StringEncoding::Utf16:
      validate_source(len, 2, 2);
      transcode_string(so, SimpleEncoding::Utf16, src_ptr, len, dopt, out);
      break;
    case StringEncoding::CompactUtf16: {
      uint64_t tag = utf16_tag(sp);
      ins_.local_get(len);
      op_test_bits(sp, tag);
      ins_.if_(BlockType::empty());
      {
        TempLocal units = temp(sp);
        ins_.local_get(len);
        push_as(Operand::of(tag), sp);
        op_xor(sp);
        ins_.local_set(units.index());
        validate_source(units.index(), 2, 2);
        if (dopt.string_encoding == StringEncoding::CompactUtf16) {
          probably_utf16_to_compact(so, src_ptr, units.index(), dopt, out);
        } else {
          transcode_string(so, SimpleEncoding::Utf16, src_ptr, units.index(), dopt, out);
        }
      }
      ins_.else_();
      validate_source(len, 1, 2);
      transcode_string(so, SimpleEncoding::Latin1, src_ptr, len, dopt, out);
      ins_.end();
      break;
    }
  }

  store_pointer_pair(dst, out.ptr, out.len);
}

void Compiler::transcode_string(const SideOptions& src_options, SimpleEncoding from,
                                uint32_t src_ptr, uint32_t units, const SideOptions& dst_options,
                                const StringBuffer& out) {
  switch (dst_options.string_encoding) {
    case StringEncoding::Utf8:
      if (from == SimpleEncoding::Utf8) {
        copy_string(src_options, src_ptr, units, dst_options, Transcode::Utf8ToUtf8, 1, 1, out);
      } else {
        string_to_utf8(src_options, from, src_ptr, units, dst_options, out);
      }
      break;
    case StringEncoding::Utf16:
      if (from == SimpleEncoding::Utf8) {
        string_to_utf16(src_options, src_ptr, units, dst_options, out);
      } else {
        Transcode op =
            from == SimpleEncoding::Utf16 ? Transcode::Utf16ToUtf16 : Transcode::Latin1ToUtf16;
        copy_string(src_options, src_ptr, units, dst_options, op, 2, 2, out);
      }
      break;
    case StringEncoding::CompactUtf16:
      if (from == SimpleEncoding::Latin1) {
        // The spec's store_string_copy(..., 1, 2, 'latin-1'): alignment 2.
        copy_string(src_options, src_ptr, units, dst_options, Transcode::Latin1ToLatin1, 1, 2, out);
      } else {
        string_to_compact(src_options, from, src_ptr, units, dst_options, out);
      }
      break;
  }
}

// store_string_copy: the destination size is known up front.
void Compiler::copy_string(const SideOptions& src_options, uint32_t src_ptr, uint32_t units,
                           const SideOptions& dst_options, Transcode op, uint32_t unit_size,
                           uint32_t align, const StringBuffer& out) {
  ValType sp = src_options.ptr();
  ValType dp = dst_options.ptr();
  ins_.local_get(units);
  convert_int(sp, dp);
  ins_.local_set(out.len);
  if (unit_size == 1) {
    malloc_into(dst_options, Operand::in(out.len, dp), align, TrapCode::StringOutOfBounds, out.ptr);
  } else {
    TempLocal bytes = scaled(out.len, dp, unit_size);
    malloc_into(dst_options, Operand::in(bytes), align, TrapCode::StringOutOfBounds, out.ptr);
  }
  ins_.local_get(src_ptr);
  ins_.local_get(units);
  ins_.local_get(out.ptr);
  ins_.call(transcoder(op, src_options, dst_options));
}

// If fewer UTF-16 units than `units_d` were written, shrinks the
// `allocated` bytes to what they need.
void Compiler::shrink_utf16(const SideOptions& dst_options, const StringBuffer& out,
                            uint32_t units_d, uint32_t allocated) {
  ValType dp = dst_options.ptr();
  ins_.local_get(out.len);
  ins_.local_get(units_d);
  op_ne(dp);
  ins_.if_(BlockType::empty());
  {
    TempLocal bytes = scaled(out.len, dp, 2);
    call_realloc(dst_options, Operand::in(out.ptr, dp), Operand::in(allocated, dp), 2,
                 Operand::in(bytes), TrapCode::StringOutOfBounds, out.ptr);
  }
  ins_.end();
}

// store_utf8_to_utf16: allocate for the worst case, shrink if the text had
// multi-byte sequences.
void Compiler::string_to_utf16(const SideOptions& src_options, uint32_t src_ptr, uint32_t units,
                               const SideOptions& dst_options, const StringBuffer& out) {
  ValType sp = src_options.ptr();
  ValType dp = dst_options.ptr();
  TempLocal units_d = converted(units, sp, dp);
  TempLocal worst = scaled(units_d.index(), dp, 2);
  malloc_into(dst_options, Operand::in(worst), 2, TrapCode::StringOutOfBounds, out.ptr);
  ins_.local_get(src_ptr);
  ins_.local_get(units);
  ins_.local_get(out.ptr);
  ins_.call(transcoder(Transcode::Utf8ToUtf16, src_options, dst_options));
  ins_.local_set(out.len);

  shrink_utf16(dst_options, out, units_d.index(), worst.index());
}

// store_utf16_to_utf8 / store_latin1_to_utf8: optimistically one byte per
// code unit; on the first non-ASCII character grow to the worst case,
// finish, and shrink to the bytes written.
void Compiler::string_to_utf8(const SideOptions& src_options, SimpleEncoding from, uint32_t src_ptr,
                              uint32_t units, const SideOptions& dst_options,
                              const StringBuffer& out) {
  ValType sp = src_options.ptr();
  ValType dp = dst_options.ptr();
  bool from_utf16 = from == SimpleEncoding::Utf16;
  Transcode op = from_utf16 ? Transcode::Utf16ToUtf8 : Transcode::Latin1ToUtf8;
  uint32_t factor = from_utf16 ? 3 : 2;
  uint32_t src_unit = from_utf16 ? 2 : 1;
  uint32_t import = transcoder(op, src_options, dst_options);
  bool debug = module_.options().debug;

  TempLocal units_d_local = converted(units, sp, dp);
  const uint32_t units_d = units_d_local.index();
  malloc_into(dst_options, Operand::in(units_d, dp), 1, TrapCode::StringOutOfBounds, out.ptr);

  TempLocal read_local = temp(sp);
  const uint32_t read = read_local.index();
  ins_.local_get(src_ptr);
  ins_.local_get(units);
  ins_.local_get(out.ptr);
  ins_.local_get(units_d);
  ins_.i32_const(1);  // first pass: stop at the first non-ASCII character
  ins_.call(import);
  ins_.local_set(out.len);
  ins_.local_set(read);

  ins_.local_get(read);
  ins_.local_get(units);
  op_ne(sp);
  ins_.if_(BlockType::empty());
  {
    TempLocal worst_local = scaled(units_d, dp, factor);
    const uint32_t worst = worst_local.index();
    call_realloc(dst_options, Operand::in(out.ptr, dp), Operand::in(units_d, dp), 1,
                 Operand::in(worst, dp), TrapCode::StringOutOfBounds, out.ptr);
    // Second pass over the rest of the source, after what was written.
    ins_.local_get(src_ptr);
    ins_.local_get(read);
    if (src_unit == 2) {
      ins_.local_get(read);
      ptr_add(src_options);
    }
    ptr_add(src_options);
    ins_.local_get(units);
    ins_.local_get(read);
    op_sub(sp);
    ins_.local_get(out.ptr);
    ins_.local_get(out.len);
    ptr_add(dst_options);
    ins_.local_get(worst);
    ins_.local_get(out.len);
    op_sub(dp);
    ins_.i32_const(0);
    ins_.call(import);
    TempLocal written_local = temp(dp);
    const uint32_t written = written_local.index();
    ins_.local_set(written);
    if (debug) {
      // The second pass must consume the whole rest of the source.
      ins_.local_get(units);
      ins_.local_get(read);
      op_sub(sp);
      op_ne(sp);
      trap_if(TrapCode::DebugAssertStringEncodingFinished);
    } else {
      ins_.drop();
    }
    ins_.local_get(out.len);
    ins_.local_get(written);
    ptr_add(dst_options);
    ins_.local_set(out.len);

    ins_.local_get(out.len);
    ins_.local_get(worst);
    op_ne(dp);
    ins_.if_(BlockType::empty());
    call_realloc(dst_options, Operand::in(out.ptr, dp), Operand::in(worst, dp), 1,
                 Operand::in(out.len, dp), TrapCode::StringOutOfBounds, out.ptr);
    ins_.end();
  }
  if (debug) {
    // An all-ASCII first pass writes exactly one byte per code unit.
    ins_.else_();
    ins_.local_get(out.len);
    ins_.local_get(units_d);
    op_ne(dp);
    trap_if(TrapCode::DebugAssertStringEncodingFinished);
  }
  ins_.end();
}

// store_string_to_latin1_or_utf16: optimistically Latin-1; on the first
// code point above 0xFF grow to UTF-16, widening what was written in place.
void Compiler::string_to_compact(const SideOptions& src_options, SimpleEncoding from,
                                 uint32_t src_ptr, uint32_t units, const SideOptions& dst_options,
                                 const StringBuffer& out) {
  ValType sp = src_options.ptr();
  ValType dp = dst_options.ptr();
  bool from_utf16 = from == SimpleEncoding::Utf16;
  Transcode to_latin1 = from_utf16 ? Transcode::Utf16ToLatin1 : Transcode::Utf8ToLatin1;
  Transcode to_utf16 = from_utf16 ? Transcode::Utf16ToCompactUtf16 : Transcode::Utf8ToCompactUtf16;

  TempLocal units_d_local = converted(units, sp, dp);
  const uint32_t units_d = units_d_local.index();
  malloc_into(dst_options, Operand::in(units_d, dp), 2, TrapCode::StringOutOfBounds, out.ptr);

  TempLocal read_local = temp(sp);
  const uint32_t read = read_local.index();
  ins_.local_get(src_ptr);
  ins_.local_get(units);
  ins_.local_get(out.ptr);
  ins_.call(transcoder(to_latin1, src_options, dst_options));
  ins_.local_set(out.len);
  ins_.local_set(read);

  ins_.local_get(read);
  ins_.local_get(units);
  op_eq(sp);
  ins_.if_(BlockType::empty());
  {
    // All of it was Latin-1: shrink to the bytes written.
    ins_.local_get(out.len);
    ins_.local_get(units_d);
    op_ne(dp);
    ins_.if_(BlockType::empty());
    call_realloc(dst_options, Operand::in(out.ptr, dp), Operand::in(units_d, dp), 2,
                 Operand::in(out.len, dp), TrapCode::StringOutOfBounds, out.ptr);
    ins_.end();
  }
  ins_.else_();
  {
    TempLocal worst_local = scaled(units_d, dp, 2);
    const uint32_t worst = worst_local.index();
    call_realloc(dst_options, Operand::in(out.ptr, dp), Operand::in(units_d, dp), 2,
                 Operand::in(worst, dp), TrapCode::StringOutOfBounds, out.ptr);
    ins_.local_get(src_ptr);
    ins_.local_get(read);
    if (from_utf16) {
      ins_.local_get(read);
      ptr_add(src_options);
    }
    ptr_add(src_options);
    ins_.local_get(units);
    ins_.local_get(read);
    op_sub(sp);
    ins_.local_get(out.ptr);
    ins_.local_get(units_d);
    ins_.local_get(out.len);
    ins_.call(transcoder(to_utf16, src_options, dst_options));
    ins_.local_set(out.len);

    shrink_utf16(dst_options, out, units_d, worst);

    ins_.local_get(out.len);
    push_as(Operand::of(utf16_tag(dp)), dp);
    op_or(dp);
    ins_.local_set(out.len);
  }
  ins_.end();
}

// store_probably_utf16_to_latin1_or_utf16: allocate for UTF-16, and if
// every code unit turned out to fit in Latin-1 (the transcoder then
// compressed the text in place), shrink to the Latin-1 bytes.
void Compiler::probably_utf16_to_compact(const SideOptions& src_options, uint32_t src_ptr,
                                         uint32_t units, const SideOptions& dst_options,
                                         const StringBuffer& out) {
  ValType sp = src_options.ptr();
  ValType dp = dst_options.ptr();
  TempLocal units_d_local = converted(units, sp, dp);
  const uint32_t units_d = units_d_local.index();
  TempLocal bytes_local = scaled(units_d, dp, 2);
  const uint32_t bytes = bytes_local.index();
  malloc_into(dst_options, Operand::in(bytes, dp), 2, TrapCode::StringOutOfBounds, out.ptr);

  // The import reports UTF-16 with bit 31 whatever the pointer width.
  TempLocal tagged_local = temp(dp);
  const uint32_t tagged = tagged_local.index();
  ins_.local_get(src_ptr);
  ins_.local_get(units);
  ins_.local_get(out.ptr);
  ins_.call(transcoder(Transcode::Utf16ToCompactProbablyUtf16, src_options, dst_options));
  ins_.local_set(tagged);
  if (module_.options().debug) {
    ins_.local_get(tagged);
    push_as(Operand::of(~(uint64_t{1} << 31)), dp);
    dp == ValType::I64 ? ins_.i64_and() : ins_.i32_and();
    ins_.local_get(units_d);
    op_ne(dp);
    trap_if(TrapCode::DebugAssertEqualCodeUnits);
  }
  ins_.local_get(tagged);
  op_test_bits(dp, uint64_t{1} << 31);
  ins_.if_(BlockType::empty());
  ins_.local_get(units_d);
  push_as(Operand::of(utf16_tag(dp)), dp);
  op_or(dp);
  ins_.local_set(out.len);
  ins_.else_();
  // Shrinking to Latin-1 asks for alignment 1, as the specification does.
  call_realloc(dst_options, Operand::in(out.ptr, dp), Operand::in(bytes, dp), 1,
               Operand::in(units_d, dp), TrapCode::StringOutOfBounds, out.ptr);
  ins_.local_get(units_d);
  ins_.local_set(out.len);
  ins_.end();
}

}  // namespace fact::adapter
