#include "fact/host/host.h"

namespace fact::host {

Expected<std::optional<uint32_t>> call_intrinsic(Host& host, Intrinsic which,
                                                 std::span<const uint32_t> args) {
  using Result = Expected<std::optional<uint32_t>>;
  auto value = [](Expected<uint32_t> r) -> Result {
    if (!r) return r.error();
    return std::optional<uint32_t>(*r);
  };
  auto done = [](Expected<void> r) -> Result {
    if (!r) return r.error();
    return std::optional<uint32_t>();
  };
  size_t needed = 0;
  switch (which) {
    case Intrinsic::ResourceTransferOwn:
    case Intrinsic::ResourceTransferBorrow:
    case Intrinsic::FutureTransfer:
    case Intrinsic::StreamTransfer:
    case Intrinsic::ErrorContextTransfer:
    case Intrinsic::EnterSyncCall: needed = 3; break;
    case Intrinsic::ContextSet0:
    case Intrinsic::ContextSet1: needed = 1; break;
    default: break;
  }
  if (args.size() != needed) {
    return Error{"runtime intrinsic called with " + std::to_string(args.size()) +
                 " arguments instead of " + std::to_string(needed)};
  }
  switch (which) {
    case Intrinsic::ResourceTransferOwn:
      return value(host.resource_transfer_own(args[0], args[1], args[2]));
    case Intrinsic::ResourceTransferBorrow:
      return value(host.resource_transfer_borrow(args[0], args[1], args[2]));
    case Intrinsic::FutureTransfer: return value(host.future_transfer(args[0], args[1], args[2]));
    case Intrinsic::StreamTransfer: return value(host.stream_transfer(args[0], args[1], args[2]));
    case Intrinsic::ErrorContextTransfer:
      return value(host.error_context_transfer(args[0], args[1], args[2]));
    case Intrinsic::EnterSyncCall: return done(host.enter_sync_call(args[0], args[1], args[2]));
    case Intrinsic::ExitSyncCall: return done(host.exit_sync_call());
    case Intrinsic::ContextGet0: return value(host.context_get(0));
    case Intrinsic::ContextGet1: return value(host.context_get(1));
    case Intrinsic::ContextSet0: return done(host.context_set(0, args[0]));
    case Intrinsic::ContextSet1: return done(host.context_set(1, args[0]));
  }
  return Error{"unknown runtime intrinsic"};
}

}  // namespace fact::host
