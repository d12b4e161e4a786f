// The reference host's handle tables, transfers, call scopes and context
// slots, against the Canonical ABI's rules.
#include <gtest/gtest.h>

#include <source_location>
#include <string>
#include <string_view>
#include <vector>

#include "fact/host/host.h"
#include "support/expected.h"

namespace fact::host {
namespace {

using fact::testing::expect_trap;
using fact::testing::must;

// Three sibling instances A, B, C and:
//   type T (7), implemented by C, with a destructor: tables 10 (A), 11 (B), 12 (C)
//   type U (8), implemented by A:                    tables 20 (A), 21 (B)
//   type H (9), host-defined:                        tables 30 (A), 31 (B), 32 (C)
constexpr uint32_t A = 0, B = 1, C = 2;
constexpr uint32_t T = 7, U = 8, H = 9;
constexpr uint32_t TA = 10, TB = 11, TC = 12;
constexpr uint32_t UA = 20, UB = 21;
constexpr uint32_t HA = 30, HB = 31, HC = 32;

class HostTest : public ::testing::Test {
 protected:
  explicit HostTest(HostOptions options = {}) : host(std::move(options)) {
    for (uint32_t instance : {A, B, C}) must(host.add_instance(instance));
    must(host.add_resource_type(T, C, [this](uint32_t rep) -> Expected<void> {
      destroyed.push_back(rep);
      depth_in_destructor.push_back(host.call_depth());
      if (rep == kFailingRep) return Error{"destructor failed"};
      return {};
    }));
    must(host.add_resource_type(U, A));
    must(host.add_resource_type(H, std::nullopt));
    must(host.add_resource_table(TA, A, T));
    must(host.add_resource_table(TB, B, T));
    must(host.add_resource_table(TC, C, T));
    must(host.add_resource_table(UA, A, U));
    must(host.add_resource_table(UB, B, U));
    must(host.add_resource_table(HA, A, H));
    must(host.add_resource_table(HB, B, H));
    must(host.add_resource_table(HC, C, H));
  }

  HandleInfo info(uint32_t instance, uint32_t handle) {
    auto found = host.inspect(instance, handle);
    EXPECT_TRUE(found.has_value()) << "no handle " << handle << " in instance " << instance;
    return found.value_or(HandleInfo{});
  }

  static constexpr uint32_t kFailingRep = 666;
  Host host;
  std::vector<uint32_t> destroyed;
  std::vector<std::size_t> depth_in_destructor;
};

// --- resource.new / rep / drop ------------------------------------------------

TEST_F(HostTest, NewRepDropRunsTheDestructorOnce) {
  uint32_t handle = must(host.resource_new(TC, 42));
  EXPECT_EQ(handle, 1u);
  EXPECT_EQ(must(host.resource_rep(TC, handle)), 42u);
  HandleInfo held = info(C, handle);
  EXPECT_EQ(held.kind, HandleInfo::Kind::Own);
  EXPECT_EQ(held.type, T);
  must(host.resource_drop(TC, handle));
  EXPECT_EQ(destroyed, std::vector<uint32_t>{42});
  // The destructor ran inside its own call scope, which is gone again.
  EXPECT_EQ(depth_in_destructor, std::vector<std::size_t>{1});
  EXPECT_EQ(host.call_depth(), 0u);
  EXPECT_FALSE(host.inspect(C, handle));
  expect_trap(host.resource_rep(TC, handle), "unknown handle index 1 (not in use in instance 2)");
  expect_trap(host.resource_drop(TC, handle), "not in use");
  EXPECT_EQ(destroyed.size(), 1u);
}

TEST_F(HostTest, IndexZeroAndOutOfRangeIndicesAreInvalid) {
  expect_trap(host.resource_rep(TC, 0), "unknown handle index 0");
  expect_trap(host.resource_drop(TC, 0), "unknown handle index 0");
  expect_trap(host.resource_transfer_own(0, TC, TB), "unknown handle index 0");
  expect_trap(host.resource_rep(TC, 5), "unknown handle index 5 (not in use");
  expect_trap(host.resource_rep(TC, 0xffffffffu), "not in use");
}

TEST_F(HostTest, FreedSlotsAreReusedLastFreedFirst) {
  uint32_t h1 = must(host.resource_new(TC, 1));
  uint32_t h2 = must(host.resource_new(TC, 2));
  uint32_t h3 = must(host.resource_new(TC, 3));
  EXPECT_EQ((std::vector<uint32_t>{h1, h2, h3}), (std::vector<uint32_t>{1, 2, 3}));
  must(host.resource_drop(TC, h2));
  must(host.resource_drop(TC, h1));
  EXPECT_EQ(must(host.resource_new(TC, 10)), 1u);
  EXPECT_EQ(must(host.resource_new(TC, 20)), 2u);
  EXPECT_EQ(must(host.resource_new(TC, 30)), 4u);
  EXPECT_EQ(must(host.resource_rep(TC, 3)), 3u);
  EXPECT_EQ(host.live_handles(C), 4u);
}

TEST_F(HostTest, AllKindsShareOneIndexSpacePerInstance) {
  must(host.add_error_context_table(0, C));
  must(host.add_future_table(0, C, 100));
  EXPECT_EQ(must(host.resource_new(TC, 1)), 1u);
  EXPECT_EQ(must(host.error_context_new(0, "e")), 2u);
  CopyEnds ends = must(host.future_new(0));
  EXPECT_EQ(ends.readable, 3u);
  EXPECT_EQ(ends.writable, 4u);
  expect_trap(host.resource_rep(TC, 2), "is an error-context, not a resource handle");
  expect_trap(host.resource_drop(TC, 3), "is the readable end of a future, not a resource handle");
}

TEST_F(HostTest, NewAndRepNeedALocallyDefinedType) {
  expect_trap(host.resource_new(TA, 1),
              "resource.new: resource type 7 is not defined by instance 0");
  expect_trap(host.resource_new(HA, 1), "resource type 9 is not defined by instance 0");
  uint32_t in_a = must(host.host_lower_own(TA, 5));
  expect_trap(host.resource_rep(TA, in_a), "resource.rep: resource type 7 is not defined");
  EXPECT_EQ(must(host.resource_new(UA, 3)), 2u);
}

TEST_F(HostTest, WrongTypeForTheTableTraps) {
  uint32_t u_in_a = must(host.resource_new(UA, 3));
  expect_trap(host.resource_drop(TA, u_in_a),
              "handle 1 of instance 0 has resource type 8, but resource table 10 is for resource "
              "type 7");
  expect_trap(host.resource_drop(99, u_in_a), "unknown resource table 99");
  EXPECT_EQ(info(A, u_in_a).rep, 3u);
}

TEST_F(HostTest, DestructorFailureIsATrap) {
  uint32_t handle = must(host.resource_new(TC, kFailingRep));
  expect_trap(host.resource_drop(TC, handle), "destructor failed");
  EXPECT_EQ(destroyed, std::vector<uint32_t>{kFailingRep});
  // The trap ends the store: the handle is gone and the destructor's call is
  // left open, as the failing wasm left it.
  EXPECT_FALSE(host.inspect(C, handle));
  EXPECT_EQ(host.call_depth(), 1u);
}

TEST_F(HostTest, HostDefinedResourcesCallTheirDestructorDirectly) {
  std::vector<uint32_t> host_destroyed;
  must(host.add_resource_type(50, std::nullopt, [&](uint32_t rep) -> Expected<void> {
    host_destroyed.push_back(rep);
    EXPECT_EQ(host.call_depth(), 0u);
    return {};
  }));
  must(host.add_resource_table(51, B, 50));
  uint32_t handle = must(host.host_lower_own(51, 77));
  must(host.resource_drop(51, handle));
  EXPECT_EQ(host_destroyed, std::vector<uint32_t>{77});
}

// --- own transfers --------------------------------------------------------------

TEST_F(HostTest, OwnHandlesMoveAcrossThreeInstances) {
  uint32_t in_c = must(host.resource_new(TC, 42));
  must(host.enter_sync_call(C, 0, B));
  uint32_t in_b = must(host.resource_transfer_own(in_c, TC, TB));
  EXPECT_FALSE(host.inspect(C, in_c));
  HandleInfo moved = info(B, in_b);
  EXPECT_EQ(moved.kind, HandleInfo::Kind::Own);
  EXPECT_EQ(moved.rep, 42u);

  must(host.enter_sync_call(B, 0, A));
  uint32_t in_a = must(host.resource_transfer_own(in_b, TB, TA));
  must(host.exit_sync_call());
  must(host.exit_sync_call());
  EXPECT_EQ(host.live_handles(B), 0u);
  EXPECT_EQ(info(A, in_a).rep, 42u);

  // Given back to the implementer, which can read the rep again.
  uint32_t back = must(host.resource_transfer_own(in_a, TA, TC));
  EXPECT_EQ(must(host.resource_rep(TC, back)), 42u);
  must(host.resource_drop(TC, back));
  EXPECT_EQ(destroyed, std::vector<uint32_t>{42});
}

TEST_F(HostTest, TransferOwnChecksAndLeavesTheHostUnchangedOnTrap) {
  uint32_t own = must(host.host_lower_own(HA, 5));
  uint32_t u_handle = must(host.resource_new(UA, 6));
  must(host.add_error_context_table(0, A));
  uint32_t context = must(host.error_context_new(0, "x"));

  expect_trap(host.resource_transfer_own(own, HA, TB),
              "resource tables 30 and 11 are for different");
  expect_trap(host.resource_transfer_own(own, HA, 99), "unknown resource table 99");
  expect_trap(host.resource_transfer_own(u_handle, HA, HB), "has resource type 8");
  expect_trap(host.resource_transfer_own(context, HA, HB), "is an error-context, not a resource");
  expect_trap(host.resource_transfer_own(17, HA, HB),
              "unknown handle index 17 (not in use in instance 0)");

  // A borrow handle is not an own handle.
  must(host.enter_sync_call(A, 0, B));
  uint32_t borrowed = must(host.resource_transfer_borrow(own, HA, HB));
  expect_trap(host.resource_transfer_own(borrowed, HB, HC),
              "handle 1 of instance 1 is a borrow handle, not an own handle");
  // The lender cannot give the handle away while it is lent.
  expect_trap(host.resource_transfer_own(own, HA, HB), "is lent out to 1 borrow(s)");
  must(host.resource_drop(HB, borrowed));
  must(host.exit_sync_call());

  EXPECT_EQ(info(A, own).kind, HandleInfo::Kind::Own);
  EXPECT_EQ(host.live_handles(A), 3u);
  EXPECT_EQ(host.live_handles(B), 0u);
  uint32_t moved = must(host.resource_transfer_own(own, HA, HB));
  EXPECT_EQ(info(B, moved).rep, 5u);
}

TEST_F(HostTest, HostLiftAndLowerOwn) {
  uint32_t handle = must(host.host_lower_own(HB, 9));
  EXPECT_EQ(must(host.host_lift_own(HB, handle)), 9u);
  EXPECT_EQ(host.live_handles(B), 0u);
  expect_trap(host.host_lift_own(HB, handle), "not in use");
}

// --- borrows ----------------------------------------------------------------------

TEST_F(HostTest, BorrowOutsideACallTraps) {
  uint32_t own = must(host.host_lower_own(HA, 5));
  expect_trap(host.resource_transfer_borrow(own, HA, HB), "no enter-sync-call is active");
  EXPECT_EQ(info(A, own).num_lends, 0u);
}

TEST_F(HostTest, BorrowIsLentForTheCallAndMustBeDroppedBeforeItEnds) {
  uint32_t own = must(host.host_lower_own(TA, 5));
  must(host.enter_sync_call(A, 0, B));
  uint32_t borrowed = must(host.resource_transfer_borrow(own, TA, TB));
  HandleInfo b = info(B, borrowed);
  EXPECT_EQ(b.kind, HandleInfo::Kind::Borrow);
  EXPECT_EQ(b.rep, 5u);
  EXPECT_EQ(b.scope_depth, 1u);
  EXPECT_EQ(info(A, own).num_lends, 1u);

  expect_trap(host.resource_drop(TA, own),
              "resource.drop: cannot remove owned resource while borrowed (handle 1 of instance 0 "
              "is lent out to 1 borrow(s)");
  expect_trap(host.exit_sync_call(),
              "async.exit-sync-call: borrow handles still remain at the end of the call: "
              "instance 1 did not drop 1 borrow handle(s)");
  EXPECT_EQ(host.call_depth(), 1u);
  EXPECT_EQ(info(A, own).num_lends, 1u);

  // Dropping a borrow handle runs no destructor.
  must(host.resource_drop(TB, borrowed));
  EXPECT_TRUE(destroyed.empty());
  must(host.exit_sync_call());
  EXPECT_EQ(info(A, own).num_lends, 0u);

  // Given back: the owner may drop it now. The destructor enters C from A.
  must(host.resource_drop(TA, own));
  EXPECT_EQ(destroyed, std::vector<uint32_t>{5});
  EXPECT_EQ(depth_in_destructor, std::vector<std::size_t>{1});
}

TEST_F(HostTest, BorrowIntoTheImplementerIsTheRep) {
  uint32_t own = must(host.host_lower_own(TA, 5));
  must(host.enter_sync_call(A, 0, C));
  EXPECT_EQ(must(host.resource_transfer_borrow(own, TA, TC)), 5u);
  EXPECT_EQ(host.live_handles(C), 0u);
  // The lend is recorded anyway, and the call may end without any drop.
  EXPECT_EQ(info(A, own).num_lends, 1u);
  must(host.exit_sync_call());
  EXPECT_EQ(info(A, own).num_lends, 0u);
}

TEST_F(HostTest, ImplementerLendsItsOwnHandle) {
  uint32_t own = must(host.resource_new(UA, 8));
  must(host.enter_sync_call(A, 0, B));
  uint32_t borrowed = must(host.resource_transfer_borrow(own, UA, UB));
  EXPECT_EQ(info(B, borrowed).kind, HandleInfo::Kind::Borrow);
  // B passes the borrow back into A for the duration of a nested call: A
  // gets the rep, B's borrow handle is lent.
  must(host.enter_sync_call(B, 0, A));
  EXPECT_EQ(must(host.resource_transfer_borrow(borrowed, UB, UA)), 8u);
  EXPECT_EQ(info(B, borrowed).num_lends, 1u);
  must(host.exit_sync_call());
  EXPECT_EQ(info(B, borrowed).num_lends, 0u);
  must(host.resource_drop(UB, borrowed));
  must(host.exit_sync_call());
  EXPECT_EQ(info(A, own).num_lends, 0u);
}

TEST_F(HostTest, LendsAreCountedPerBorrowAcrossNestedScopes) {
  uint32_t own = must(host.host_lower_own(HA, 5));
  must(host.enter_sync_call(A, 0, B));
  uint32_t b1 = must(host.resource_transfer_borrow(own, HA, HB));
  uint32_t b2 = must(host.resource_transfer_borrow(own, HA, HB));
  EXPECT_NE(b1, b2);
  EXPECT_EQ(info(A, own).num_lends, 2u);

  must(host.enter_sync_call(B, 0, C));
  uint32_t c1 = must(host.resource_transfer_borrow(b1, HB, HC));
  EXPECT_EQ(info(C, c1).scope_depth, 2u);
  EXPECT_EQ(info(B, b1).num_lends, 1u);
  EXPECT_EQ(info(A, own).num_lends, 2u);
  // The specification counts lends of borrow handles too: B cannot drop the
  // borrow it lent on while the nested call runs.
  expect_trap(host.resource_drop(HB, b1), "is lent out to 1 borrow(s)");
  // b2 is not lent and may go; it belongs to the outer scope.
  must(host.resource_drop(HB, b2));
  expect_trap(host.exit_sync_call(), "instance 2 did not drop 1 borrow handle(s)");
  must(host.resource_drop(HC, c1));
  must(host.exit_sync_call());
  EXPECT_EQ(info(B, b1).num_lends, 0u);
  EXPECT_EQ(info(A, own).num_lends, 2u);

  expect_trap(host.exit_sync_call(), "instance 1 did not drop 1 borrow handle(s)");
  must(host.resource_drop(HB, b1));
  must(host.exit_sync_call());
  EXPECT_EQ(info(A, own).num_lends, 0u);
  EXPECT_EQ(host.live_handles(B), 0u);
  EXPECT_EQ(host.live_handles(C), 0u);
}

TEST_F(HostTest, BorrowChecksTypesAndKinds) {
  uint32_t own = must(host.host_lower_own(HA, 5));
  must(host.add_error_context_table(0, A));
  uint32_t context = must(host.error_context_new(0, "x"));
  must(host.enter_sync_call(A, 0, B));
  expect_trap(host.resource_transfer_borrow(own, TA, TB), "has resource type 9");
  expect_trap(host.resource_transfer_borrow(context, HA, HB), "not a resource handle");
  expect_trap(host.resource_transfer_borrow(own, HA, TB), "are for different resource types");
  expect_trap(host.resource_transfer_borrow(0, HA, HB), "unknown handle index 0");
  EXPECT_EQ(info(A, own).num_lends, 0u);
  must(host.exit_sync_call());
}

TEST_F(HostTest, BorrowMustGoFromTheCallerToTheCallee) {
  uint32_t own = must(host.host_lower_own(HA, 5));
  must(host.enter_sync_call(A, 0, B));
  expect_trap(host.resource_transfer_borrow(own, HA, HC),
              "a borrow from instance 0 to instance 2 does not match the innermost call, from "
              "instance 0 into instance 1");
  must(host.exit_sync_call());
  must(host.enter_host_call(B));
  expect_trap(host.resource_transfer_borrow(own, HA, HB), "from the host into instance 1");
  must(host.exit_host_call());
  EXPECT_EQ(info(A, own).num_lends, 0u);
  EXPECT_EQ(host.live_handles(C), 0u);
}

// --- call scopes ---------------------------------------------------------------------

TEST_F(HostTest, ExitWithoutEnterAndBadArgumentsTrap) {
  expect_trap(host.exit_sync_call(), "async.exit-sync-call: no call to end");
  expect_trap(host.enter_sync_call(A, 2, B), "callee_is_async must be 0 or 1, not 2");
  expect_trap(host.enter_sync_call(A, 0, 9), "unknown instance 9");
  expect_trap(host.enter_sync_call(9, 0, A), "unknown instance 9");
  EXPECT_EQ(host.call_depth(), 0u);
  must(host.enter_sync_call(A, 1, B));
  expect_trap(host.exit_host_call(), "begun by enter-sync-call, not by enter_host_call");
  must(host.exit_sync_call());
  must(host.enter_host_call(A));
  expect_trap(host.exit_sync_call(), "begun by enter_host_call, not by enter-sync-call");
  must(host.exit_host_call());
}

TEST_F(HostTest, TheCallerMustBeTheRunningInstance) {
  must(host.enter_sync_call(A, 0, B));
  expect_trap(host.enter_sync_call(A, 0, C),
              "the caller, instance 0, is not the running instance 1");
  must(host.enter_sync_call(B, 0, C));
  must(host.exit_sync_call());
  must(host.exit_sync_call());
}

TEST_F(HostTest, ReentranceTraps) {
  must(host.enter_host_call(A));
  must(host.enter_sync_call(A, 0, B));
  expect_trap(host.enter_sync_call(B, 0, A), "cannot enter component instance 0");
  must(host.enter_sync_call(B, 0, C));
  expect_trap(host.enter_sync_call(C, 0, B), "cannot enter component instance 1");
  must(host.exit_sync_call());
  must(host.exit_sync_call());
  must(host.exit_host_call());
  // Everything may be entered again.
  must(host.enter_sync_call(B, 0, A));
  must(host.exit_sync_call());
}

TEST_F(HostTest, DonutWrappingIsNotReentrance) {
  // The spec's example: P contains C1 and C2.
  constexpr uint32_t P = 3, C1 = 4, C2 = 5;
  must(host.add_instance(P));
  must(host.add_instance(C1, P));
  must(host.add_instance(C2, P));
  must(host.enter_host_call(P));
  must(host.enter_sync_call(P, 0, C1));
  must(host.enter_sync_call(C1, 0, C2));
  must(host.enter_sync_call(C2, 0, P));  // staying inside P
  expect_trap(host.enter_sync_call(P, 0, C1), "cannot enter component instance 4");
  for (int i = 0; i < 4; ++i) {
    if (i < 3) {
      must(host.exit_sync_call());
    } else {
      must(host.exit_host_call());
    }
  }
  // From the host, entering a child enters its parent too.
  must(host.enter_host_call(C1));
  expect_trap(host.enter_host_call(C2), "cannot enter component instance 3");
  must(host.exit_host_call());
}

TEST_F(HostTest, DestructorCallIsCheckedForReentrance) {
  uint32_t own = must(host.host_lower_own(TA, 5));
  must(host.enter_host_call(C));
  must(host.enter_sync_call(C, 0, A));
  // A drops a T while C, which implements T, is on the stack.
  expect_trap(host.resource_drop(TA, own), "cannot enter component instance 2");
  EXPECT_TRUE(destroyed.empty());
  EXPECT_EQ(info(A, own).rep, 5u);
  must(host.exit_sync_call());
  must(host.exit_host_call());
  must(host.resource_drop(TA, own));
  EXPECT_EQ(destroyed, std::vector<uint32_t>{5});
}

TEST_F(HostTest, TrapLeavesTheScopeStackUsable) {
  uint32_t own = must(host.host_lower_own(HA, 5));
  must(host.enter_sync_call(A, 0, B));
  uint32_t borrowed = must(host.resource_transfer_borrow(own, HA, HB));
  expect_trap(host.exit_sync_call(), "borrow handles still remain");
  // Nothing was undone by the failed exit.
  EXPECT_EQ(info(A, own).num_lends, 1u);
  EXPECT_EQ(info(B, borrowed).scope_depth, 1u);
  must(host.resource_drop(HB, borrowed));
  must(host.exit_sync_call());
  EXPECT_EQ(host.call_depth(), 0u);
}

// --- context slots --------------------------------------------------------------------

TEST_F(HostTest, ContextSlotsAreZeroedOnEnterAndRestoredOnExit) {
  must(host.context_set(0, 5));
  must(host.context_set(1, 6));
  must(host.enter_sync_call(A, 0, B));
  EXPECT_EQ(must(host.context_get(0)), 0u);
  EXPECT_EQ(must(host.context_get(1)), 0u);
  must(host.context_set(0, 11));
  must(host.context_set(1, 12));
  must(host.enter_sync_call(B, 0, C));
  EXPECT_EQ(must(host.context_get(0)), 0u);
  must(host.context_set(1, 99));
  must(host.exit_sync_call());
  EXPECT_EQ(must(host.context_get(0)), 11u);
  EXPECT_EQ(must(host.context_get(1)), 12u);
  must(host.exit_sync_call());
  EXPECT_EQ(must(host.context_get(0)), 5u);
  EXPECT_EQ(must(host.context_get(1)), 6u);
}

TEST_F(HostTest, ContextSlotIndexOutOfRangeTraps) {
  expect_trap(host.context_get(2), "context.get: context slot 2 is out of range");
  expect_trap(host.context_set(7, 1), "context.set: context slot 7 is out of range");
}

TEST_F(HostTest, DestructorRunsWithFreshContextSlots) {
  uint32_t handle = must(host.resource_new(TC, 1));
  must(host.context_set(0, 3));
  Host& h = host;
  std::vector<uint32_t> seen;
  must(host.add_resource_type(60, C, [&](uint32_t) -> Expected<void> {
    seen.push_back(must(h.context_get(0)));
    return {};
  }));
  must(host.add_resource_table(61, C, 60));
  uint32_t other = must(host.resource_new(61, 2));
  must(host.resource_drop(61, other));
  EXPECT_EQ(seen, std::vector<uint32_t>{0});
  EXPECT_EQ(must(host.context_get(0)), 3u);
  must(host.resource_drop(TC, handle));
}

class HostWithoutConcurrencyTest : public HostTest {
 protected:
  HostWithoutConcurrencyTest() : HostTest(without_concurrency()) {}
  static HostOptions without_concurrency() {
    HostOptions options;
    options.concurrency_support = false;
    return options;
  }
};

TEST_F(HostWithoutConcurrencyTest, ScopesTrackBorrowsButShareTheSlots) {
  must(host.context_set(0, 5));
  must(host.enter_sync_call(A, 0, B));
  EXPECT_EQ(must(host.context_get(0)), 5u);
  uint32_t own = must(host.host_lower_own(HA, 1));
  uint32_t borrowed = must(host.resource_transfer_borrow(own, HA, HB));
  expect_trap(host.exit_sync_call(), "borrow handles still remain");
  must(host.resource_drop(HB, borrowed));
  must(host.exit_sync_call());
}

class HostMayLeaveTest : public HostTest {
 protected:
  HostMayLeaveTest()
      : HostTest(options([this](uint32_t instance) { return instance != blocked; })) {}
  static HostOptions options(MayLeave may_leave) {
    HostOptions o;
    o.may_leave = std::move(may_leave);
    return o;
  }
  uint32_t blocked = 99;
};

TEST_F(HostMayLeaveTest, BuiltinsTrapWhenTheInstanceMayNotLeave) {
  uint32_t handle = must(host.resource_new(TC, 1));
  must(host.add_error_context_table(0, C));
  must(host.add_future_table(0, C, 100));
  blocked = C;
  expect_trap(host.resource_new(TC, 2), "resource.new: cannot leave component instance 2");
  expect_trap(host.resource_drop(TC, handle), "resource.drop: cannot leave component instance 2");
  expect_trap(host.error_context_new(0, "x"), "cannot leave component instance");
  expect_trap(host.future_new(0), "cannot leave component instance");
  // resource.rep and the adapter imports do not consult may_leave.
  EXPECT_EQ(must(host.resource_rep(TC, handle)), 1u);
  EXPECT_EQ(must(host.resource_transfer_own(handle, TC, TA)), 1u);
  blocked = 99;
}

// --- futures and streams ---------------------------------------------------------------

class HostCopyTest : public HostTest {
 protected:
  HostCopyTest() {
    must(host.add_future_table(0, A, 100));
    must(host.add_future_table(1, B, 100));
    must(host.add_future_table(2, B, 101));
    must(host.add_stream_table(0, A, 100));
    must(host.add_stream_table(1, B, 100));
  }
};

TEST_F(HostCopyTest, ReadableEndMovesAndWritableEndStays) {
  CopyEnds ends = must(host.future_new(0));
  uint32_t moved = must(host.future_transfer(ends.readable, 0, 1));
  EXPECT_FALSE(host.inspect(A, ends.readable));
  EXPECT_EQ(info(A, ends.writable).kind, HandleInfo::Kind::WritableFuture);
  HandleInfo readable = info(B, moved);
  EXPECT_EQ(readable.kind, HandleInfo::Kind::ReadableFuture);
  EXPECT_EQ(readable.type, 100u);
  must(host.future_drop_readable(1, moved));

  CopyEnds stream = must(host.stream_new(0));
  uint32_t stream_in_b = must(host.stream_transfer(stream.readable, 0, 1));
  EXPECT_EQ(info(B, stream_in_b).kind, HandleInfo::Kind::ReadableStream);
  must(host.stream_drop_readable(1, stream_in_b));
  must(host.stream_drop_writable(0, stream.writable));
}

TEST_F(HostCopyTest, TransferChecksKindTypeAndState) {
  CopyEnds future = must(host.future_new(0));
  CopyEnds stream = must(host.stream_new(0));
  expect_trap(host.future_transfer(future.writable, 0, 1),
              "is the writable end of a future, not the readable end of a future");
  expect_trap(host.future_transfer(stream.readable, 0, 1),
              "is the readable end of a stream, not the readable end of a future");
  expect_trap(host.stream_transfer(future.readable, 0, 1), "not the readable end of a stream");
  expect_trap(host.future_transfer(future.readable, 0, 2), "are for different types (100 and 101)");
  expect_trap(host.future_transfer(future.readable, 0, 7), "unknown future table 7");

  // Copy states come from real reads and writes (async: nothing waits).
  CopyOptions async;
  async.async = true;
  EXPECT_EQ(must(host.future_read(0, future.readable, async, 0)), 0xffffffffu);  // BLOCKED
  expect_trap(host.future_transfer(future.readable, 0, 1), "cannot remove busy future");
  EXPECT_EQ(must(host.future_cancel_read(0, future.readable, true)), 2u);  // CANCELLED
  EXPECT_EQ(info(A, future.readable).copy_state, CopyState::Idle);
  // The write waits for a reader; the read completes both sides.
  EXPECT_EQ(must(host.future_write(0, future.writable, async, 0)), 0xffffffffu);
  EXPECT_EQ(must(host.future_read(0, future.readable, async, 0)), 0u);  // COMPLETED
  EXPECT_EQ(info(A, future.readable).copy_state, CopyState::Done);
  expect_trap(host.future_transfer(future.readable, 0, 1),
              "cannot lift future after previous read succeeded");
  expect_trap(host.future_read(0, future.readable, async, 0),
              "cannot read from future after previous read succeeded");
  EXPECT_EQ(info(A, future.readable).kind, HandleInfo::Kind::ReadableFuture);

  // A moved end starts over: idle and in no set.
  CopyEnds other = must(host.future_new(0));
  uint32_t moved = must(host.future_transfer(other.readable, 0, 1));
  EXPECT_EQ(info(B, moved).copy_state, CopyState::Idle);
}

TEST_F(HostCopyTest, DropsFollowTheCopyState) {
  CopyOptions async;
  async.async = true;
  CopyEnds future = must(host.future_new(0));
  expect_trap(host.future_drop_writable(0, future.writable),
              "cannot drop future write end without first writing a value");
  expect_trap(host.future_drop_readable(0, future.writable), "not the readable end of a future");
  EXPECT_EQ(must(host.future_read(0, future.readable, async, 0)), 0xffffffffu);
  expect_trap(host.future_drop_readable(0, future.readable), "cannot remove busy future");
  EXPECT_EQ(must(host.future_cancel_read(0, future.readable, true)), 2u);
  // A pending write learns that the reader dropped: DROPPED, and the
  // writable end is done, so it may be dropped without a value.
  EXPECT_EQ(must(host.future_write(0, future.writable, async, 0)), 0xffffffffu);
  must(host.future_drop_readable(0, future.readable));
  EXPECT_EQ(must(host.future_cancel_write(0, future.writable, true)), 1u);  // the DROPPED event
  expect_trap(host.future_write(0, future.writable, async, 0),
              "cannot write after being notified that the readable end dropped");
  must(host.future_drop_writable(0, future.writable));

  CopyEnds stream = must(host.stream_new(0));
  must(host.stream_drop_writable(0, stream.writable));  // streams need no final write
  expect_trap(
      host.stream_drop_readable(1, stream.readable),
      "unknown handle index " + std::to_string(stream.readable) + " (not in use in instance 1)");
  must(host.stream_drop_readable(0, stream.readable));
  EXPECT_EQ(host.live_handles(A), 0u);
}

// --- error contexts ------------------------------------------------------------------

TEST_F(HostTest, ErrorContextsAreSharedAndReferenceCounted) {
  must(host.add_error_context_table(0, A));
  must(host.add_error_context_table(1, B));
  must(host.add_error_context_table(2, C));
  uint32_t in_a = must(host.error_context_new(0, "boom"));
  uint32_t in_b = must(host.error_context_transfer(in_a, 0, 1));
  uint32_t in_c = must(host.error_context_transfer(in_b, 1, 2));
  EXPECT_EQ(info(A, in_a).error_context, info(C, in_c).error_context);
  EXPECT_EQ(must(host.error_context_debug_message(2, in_c)), "boom");
  EXPECT_EQ(host.live_error_contexts(), 1u);
  must(host.error_context_drop(0, in_a));
  must(host.error_context_drop(1, in_b));
  EXPECT_EQ(host.live_error_contexts(), 1u);
  EXPECT_EQ(must(host.error_context_debug_message(2, in_c)), "boom");
  must(host.error_context_drop(2, in_c));
  EXPECT_EQ(host.live_error_contexts(), 0u);
  expect_trap(host.error_context_drop(2, in_c), "not in use");
}

TEST_F(HostTest, ErrorContextTransferChecksTheKind) {
  must(host.add_error_context_table(0, A));
  must(host.add_error_context_table(1, B));
  uint32_t own = must(host.host_lower_own(HA, 5));
  expect_trap(host.error_context_transfer(own, 0, 1), "is an own handle, not an error-context");
  expect_trap(host.error_context_transfer(own, 0, 5), "unknown error-context table 5");
  expect_trap(host.error_context_drop(0, own), "not an error-context");
  EXPECT_EQ(host.live_handles(B), 0u);
}

// --- registration -----------------------------------------------------------------------

TEST_F(HostTest, RegistrationErrors) {
  expect_trap(host.add_instance(A), "instance 0 is already registered");
  expect_trap(host.add_instance(8, 9), "unknown parent instance 9");
  expect_trap(host.add_resource_type(T, A), "resource type 7 is already registered");
  expect_trap(host.add_resource_type(70, 9), "unknown instance 9");
  expect_trap(host.add_resource_table(TA, A, T), "resource table 10 is already registered");
  expect_trap(host.add_resource_table(40, 9, T), "unknown instance 9");
  expect_trap(host.add_resource_table(40, A, 70), "unknown resource type 70");
  must(host.add_future_table(0, A, 1));
  expect_trap(host.add_future_table(0, A, 1), "future table 0 is already registered");
  expect_trap(host.add_stream_table(0, 9, 1), "unknown instance 9");
  expect_trap(host.add_error_context_table(0, 9), "unknown instance 9");
  EXPECT_FALSE(host.inspect(9, 1));
  EXPECT_EQ(host.live_handles(9), 0u);
}

}  // namespace
}  // namespace fact::host
