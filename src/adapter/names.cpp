#include "fact/adapter.h"

namespace fact {

const char* string_encoding_name(StringEncoding encoding) {
  switch (encoding) {
    case StringEncoding::Utf8: return "utf8";
    case StringEncoding::Utf16: return "utf16";
    case StringEncoding::CompactUtf16: return "latin1+utf16";
  }
  return "?";
}

const char* trap_message(TrapCode code) {
  switch (code) {
    case TrapCode::MemoryOutOfBounds: return "out of bounds memory access";
    case TrapCode::CannotEnterComponent: return "cannot enter component instance";
    case TrapCode::CannotLeaveComponent: return "cannot leave component instance";
    case TrapCode::CannotBlockSyncTask: return "cannot block a synchronous task before returning";
    case TrapCode::InvalidChar: return "invalid `char` bit pattern";
    case TrapCode::DebugAssertStringEncodingFinished: return "should have finished string encoding";
    case TrapCode::DebugAssertEqualCodeUnits: return "code units should be equal";
    case TrapCode::DebugAssertPointerAligned: return "pointer should be aligned";
    case TrapCode::DebugAssertUpperBitsUnset: return "upper bits should be unset";
    case TrapCode::StringOutOfBounds: return "string content out-of-bounds";
    case TrapCode::ListOutOfBounds: return "list content out-of-bounds";
    case TrapCode::InvalidDiscriminant: return "invalid variant discriminant";
    case TrapCode::UnalignedPointer: return "unaligned pointer";
    case TrapCode::UncaughtException: return "uncaught exception propagated out of component";
  }
  return "unknown trap";
}

const char* transcode_name(Transcode op) {
  switch (op) {
    case Transcode::Utf8ToUtf8: return "utf8-to-utf8";
    case Transcode::Utf16ToUtf16: return "utf16-to-utf16";
    case Transcode::Latin1ToLatin1: return "latin1-to-latin1";
    case Transcode::Latin1ToUtf16: return "latin1-to-utf16";
    case Transcode::Latin1ToUtf8: return "latin1-to-utf8";
    case Transcode::Utf16ToCompactProbablyUtf16: return "utf16-to-compact-probably-utf16";
    case Transcode::Utf16ToCompactUtf16: return "utf16-to-compact-utf16";
    case Transcode::Utf16ToLatin1: return "utf16-to-latin1";
    case Transcode::Utf16ToUtf8: return "utf16-to-utf8";
    case Transcode::Utf8ToCompactUtf16: return "utf8-to-compact-utf16";
    case Transcode::Utf8ToLatin1: return "utf8-to-latin1";
    case Transcode::Utf8ToUtf16: return "utf8-to-utf16";
  }
  return "?";
}

ImportName intrinsic_import(Intrinsic intrinsic) {
  switch (intrinsic) {
    case Intrinsic::ResourceTransferOwn: return {"resource", "transfer-own"};
    case Intrinsic::ResourceTransferBorrow: return {"resource", "transfer-borrow"};
    case Intrinsic::FutureTransfer: return {"future", "transfer"};
    case Intrinsic::StreamTransfer: return {"stream", "transfer"};
    case Intrinsic::ErrorContextTransfer: return {"error-context", "transfer"};
    case Intrinsic::EnterSyncCall: return {"async", "enter-sync-call"};
    case Intrinsic::ExitSyncCall: return {"async", "exit-sync-call"};
    case Intrinsic::ContextGet0: return {"context", "get0"};
    case Intrinsic::ContextGet1: return {"context", "get1"};
    case Intrinsic::ContextSet0: return {"context", "set0"};
    case Intrinsic::ContextSet1: return {"context", "set1"};
  }
  return {"?", "?"};
}

std::string intrinsic_name(Intrinsic intrinsic) {
  const ImportName name = intrinsic_import(intrinsic);
  return std::string(name.module) + "." + name.field;
}

}  // namespace fact
