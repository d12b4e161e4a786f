// Canonical definitions (section 8 of the binary format, Binary.md "Canon").
#include "reader_impl.h"

namespace fact::component {
namespace {

const char* option_name(uint8_t b) {
  switch (b) {
    case 0x00: return "string-encoding=utf8";
    case 0x01: return "string-encoding=utf16";
    case 0x02: return "string-encoding=latin1+utf16";
    case 0x03: return "memory";
    case 0x04: return "realloc";
    case 0x05: return "post-return";
    case 0x06: return "async";
    case 0x07: return "callback";
    case 0x08: return "core-type";
    case 0x09: return "gc";
  }
  return "?";
}

CanonOptions options(Reader& r, Cursor& c) {
  CanonOptions o;
  uint32_t n = c.count("canon options");
  uint32_t seen = 0;  // bit per option byte; the three encodings share bit 0
  for (uint32_t i = 0; i < n && c.ok(); ++i) {
    size_t at = c.offset();
    uint8_t b = c.byte("a canon option");
    if (!c.ok()) break;
    if (b > 0x09) {
      c.fail_at(at, "expected a canon option (0x00..0x09), found " + hex(b));
      break;
    }
    uint32_t bit = b <= 0x02 ? 1u : 1u << b;
    if (seen & bit) {
      c.fail_at(at, b <= 0x02
                        ? std::string("the string encoding is given twice (") + option_name(b) + ")"
                        : std::string("canon option ") + option_name(b) + " is given twice");
      break;
    }
    seen |= bit;
    switch (b) {
      case 0x00:
      case 0x01:
      case 0x02: o.string_encoding = StringEncoding(b); break;
      case 0x03: o.memory = r.index(c, Sort::CoreMemory, "memory option"); break;
      case 0x04: o.realloc = r.index(c, Sort::CoreFunc, "realloc option"); break;
      case 0x05: o.post_return = r.index(c, Sort::CoreFunc, "post-return option"); break;
      case 0x06: o.async = true; break;
      case 0x07: o.callback = r.index(c, Sort::CoreFunc, "callback option"); break;
      case 0x08: o.core_type = r.index(c, Sort::CoreType, "core-type option"); break;
      case 0x09: o.gc = true; break;
    }
  }
  return o;
}

}  // namespace

Canon Reader::canon(Cursor& c) {
  Canon k;
  k.offset = c.offset();
  uint8_t b = c.byte("a canon opcode");
  if (!c.ok()) return k;
  auto type_of = [&](const char* what) { k.type = index(c, Sort::Type, what); };
  switch (b) {
    case 0x00:
      k.kind = CanonKind::Lift;
      c.expect(0x00, "the core func sort byte of canon lift");
      k.core_func = index(c, Sort::CoreFunc, "canon lift");
      k.options = options(*this, c);
      type_of("canon lift");
      return k;
    case 0x01:
      k.kind = CanonKind::Lower;
      c.expect(0x00, "the func sort byte of canon lower");
      k.func = index(c, Sort::Func, "canon lower");
      k.options = options(*this, c);
      return k;
    case 0x02:
      k.kind = CanonKind::ResourceNew;
      type_of("resource.new");
      return k;
    case 0x03:
      k.kind = CanonKind::ResourceDrop;
      type_of("resource.drop");
      return k;
    case 0x04:
      k.kind = CanonKind::ResourceRep;
      type_of("resource.rep");
      return k;
    case 0x05: k.kind = CanonKind::TaskCancel; return k;
    case 0x06:
      k.kind = CanonKind::SubtaskCancel;
      k.flag = c.flag("the async? immediate");
      return k;
    case 0x07:
      c.fail_at(k.offset,
                "canon opcode 0x07 (resource.drop async) was removed from the binary format");
      return k;
    case 0x08:
      c.fail_at(k.offset,
                "canon opcode 0x08 (backpressure.set) was removed from the binary format");
      return k;
    case 0x09: {
      k.kind = CanonKind::TaskReturn;
      size_t at = c.offset();
      uint8_t rb = c.byte("a result list (0x00 or 0x01 0x00)");
      if (rb == 0x00) {
        k.result = valtype(c);
      } else if (rb == 0x01) {
        c.expect(0x00, "the empty result list's 0x00 byte");
      } else if (c.ok()) {
        c.fail_at(at, "expected a result list (0x00 or 0x01 0x00), found " + hex(rb));
      }
      k.options = options(*this, c);
      return k;
    }
    case 0x0a:
    case 0x0b: {
      k.kind = b == 0x0a ? CanonKind::ContextGet : CanonKind::ContextSet;
      size_t at = c.offset();
      uint8_t t = c.byte("the context slot type");
      if (c.ok() && t != 0x7f)
        c.fail_at(at, "a context slot type must be i32 (0x7f), found " + hex(t));
      k.core_valtype = wasm::ValType::I32;
      k.slot = c.u32("the context slot");
      return k;
    }
    case 0x0c:
      k.kind = CanonKind::ThreadYield;
      k.flag = c.flag("the cancel? immediate");
      return k;
    case 0x0d: k.kind = CanonKind::SubtaskDrop; return k;
    case 0x1c:
    case 0x1d:
      k.kind = b == 0x1c ? CanonKind::ErrorContextNew : CanonKind::ErrorContextDebugMessage;
      k.options = options(*this, c);
      return k;
    case 0x1e: k.kind = CanonKind::ErrorContextDrop; return k;
    case 0x1f: k.kind = CanonKind::WaitableSetNew; return k;
    case 0x20:
    case 0x21:
      k.kind = b == 0x20 ? CanonKind::WaitableSetWait : CanonKind::WaitableSetPoll;
      k.flag = c.flag("the cancel? immediate");
      k.memory = index(c, Sort::CoreMemory, b == 0x20 ? "waitable-set.wait" : "waitable-set.poll");
      return k;
    case 0x22: k.kind = CanonKind::WaitableSetDrop; return k;
    case 0x23: k.kind = CanonKind::WaitableJoin; return k;
    case 0x24: k.kind = CanonKind::BackpressureInc; return k;
    case 0x25: k.kind = CanonKind::BackpressureDec; return k;
    case 0x26: k.kind = CanonKind::ThreadIndex; return k;
    case 0x27:
      k.kind = CanonKind::ThreadNewIndirect;
      k.core_type = index(c, Sort::CoreType, "thread.new-indirect");
      k.table = index(c, Sort::CoreTable, "thread.new-indirect");
      return k;
    case 0x28: k.kind = CanonKind::ThreadResumeLater; return k;
    case 0x29:
      k.kind = CanonKind::ThreadSuspend;
      k.flag = c.flag("the cancel? immediate");
      return k;
    case 0x2a:
      k.kind = CanonKind::ThreadSuspendThenResume;
      k.flag = c.flag("the cancel? immediate");
      return k;
    case 0x2b:
      k.kind = CanonKind::ThreadYieldThenResume;
      k.flag = c.flag("the cancel? immediate");
      return k;
    case 0x2c:
      k.kind = CanonKind::ThreadSuspendThenPromote;
      k.flag = c.flag("the cancel? immediate");
      return k;
    case 0x2d:
      k.kind = CanonKind::ThreadYieldThenPromote;
      k.flag = c.flag("the cancel? immediate");
      return k;
    case 0x40:
      k.kind = CanonKind::ThreadSpawnRef;
      k.flag = c.flag("the shared? immediate");
      k.core_type = index(c, Sort::CoreType, "thread.spawn-ref");
      return k;
    case 0x41:
      k.kind = CanonKind::ThreadSpawnIndirect;
      k.flag = c.flag("the shared? immediate");
      k.core_type = index(c, Sort::CoreType, "thread.spawn-indirect");
      k.table = index(c, Sort::CoreTable, "thread.spawn-indirect");
      return k;
    case 0x42:
      k.kind = CanonKind::ThreadAvailableParallelism;
      k.flag = c.flag("the shared? immediate");
      return k;
  }
  if (b >= 0x0e && b <= 0x1b) {
    // stream.* (0x0e..0x14) and future.* (0x15..0x1b) share one layout.
    bool stream = b <= 0x14;
    uint8_t op = stream ? b - 0x0e : b - 0x15;
    static constexpr CanonKind kStream[] = {
        CanonKind::StreamNew,         CanonKind::StreamRead,        CanonKind::StreamWrite,
        CanonKind::StreamCancelRead,  CanonKind::StreamCancelWrite, CanonKind::StreamDropReadable,
        CanonKind::StreamDropWritable};
    static constexpr CanonKind kFuture[] = {
        CanonKind::FutureNew,         CanonKind::FutureRead,        CanonKind::FutureWrite,
        CanonKind::FutureCancelRead,  CanonKind::FutureCancelWrite, CanonKind::FutureDropReadable,
        CanonKind::FutureDropWritable};
    k.kind = stream ? kStream[op] : kFuture[op];
    type_of(canon_name(k.kind));
    if (op == 1 || op == 2) k.options = options(*this, c);
    if (op == 3 || op == 4) k.flag = c.flag("the async? immediate");
    return k;
  }
  c.fail_at(k.offset, "unknown canon opcode " + hex(b));
  return k;
}

}  // namespace fact::component
