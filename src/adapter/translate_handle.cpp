// Handles (own, borrow, future, stream, error-context) move between the two
// instances' tables through the runtime: transfer(handle, src table, dst
// table) returns the handle's index in the destination's table, or traps.
#include "compiler.h"

namespace fact::adapter {
namespace {

Intrinsic transfer_of(TypeKind kind) {
  switch (kind) {
    case TypeKind::Own: return Intrinsic::ResourceTransferOwn;
    case TypeKind::Borrow: return Intrinsic::ResourceTransferBorrow;
    case TypeKind::Future: return Intrinsic::FutureTransfer;
    case TypeKind::Stream: return Intrinsic::StreamTransfer;
    default: return Intrinsic::ErrorContextTransfer;
  }
}

}  // namespace

void Compiler::translate_handle(const TypeNode& src_node, const TypeNode& dst_node,
                                const Source& src, const Destination& dst) {
  begin_write(dst);
  read_scalar(src, ValType::I32, MemOp::I32Load, 4);
  ins_.i32_const(static_cast<int32_t>(src_node.resource));
  ins_.i32_const(static_cast<int32_t>(dst_node.resource));
  call_intrinsic(transfer_of(src_node.kind));
  write_scalar(dst, ValType::I32, MemOp::I32Store, 4);
}

}  // namespace fact::adapter
