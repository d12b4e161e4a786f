// The reference host's async runtime without an engine: guest functions are
// C++ functions that call the host's built-ins, as core wasm would. Checks
// the fibers, the scheduler (who runs when, the two blocking rules, the
// event loop of host calls), subtasks and their events, waitable sets,
// backpressure and the exclusive lock, context slots and task.return.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

#include "fact/host/fiber.h"
#include "fact/host/host.h"
#include "support/expected.h"

namespace fact::host {
namespace {

using wasm::Val;
using Values = std::vector<Val>;

using fact::testing::expect_trap;
using fact::testing::must;

class FiberTest : public ::testing::TestWithParam<FiberBackend> {};

TEST_P(FiberTest, HandsControlBackAndForth) {
  std::vector<int> order;
  Fiber* self = nullptr;
  Fiber fiber(
      [&] {
        order.push_back(1);
        self->suspend();
        order.push_back(3);
      },
      GetParam());
  self = &fiber;
  EXPECT_FALSE(fiber.started());
  fiber.resume();
  order.push_back(2);
  EXPECT_TRUE(fiber.started());
  EXPECT_FALSE(fiber.finished());
  fiber.resume();
  EXPECT_TRUE(fiber.finished());
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST_P(FiberTest, NestsAndNeverStarted) {
  Fiber never([] {}, GetParam());
  std::vector<int> order;
  Fiber* inner_self = nullptr;
  Fiber inner(
      [&] {
        order.push_back(2);
        inner_self->suspend();
        order.push_back(4);
      },
      GetParam());
  inner_self = &inner;
  Fiber outer(
      [&] {
        order.push_back(1);
        inner.resume();
        order.push_back(3);
      },
      GetParam());
  outer.resume();
  inner.resume();
  EXPECT_TRUE(outer.finished());
  EXPECT_TRUE(inner.finished());
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
}

// Deep recursion on a fiber's own stack (several MiB of frames would not
// fit a small stack), on each backend.
int deep(int n) {
  volatile char frame[1024];
  frame[0] = static_cast<char>(n);
  return n == 0 ? frame[0] : deep(n - 1) + frame[0] - static_cast<char>(n) + 1;
}

TEST_P(FiberTest, RunsDeepCallsOnItsOwnStack) {
  int result = -1;
  Fiber fiber([&] { result = deep(4000); }, GetParam());
  fiber.resume();
  EXPECT_TRUE(fiber.finished());
  EXPECT_EQ(result, 4000);
}

INSTANTIATE_TEST_SUITE_P(Backends, FiberTest,
                         ::testing::Values(FiberBackend::Threads, FiberBackend::Ucontext),
                         [](const ::testing::TestParamInfo<FiberBackend>& info) {
                           return info.param == FiberBackend::Threads ? "Threads" : "Ucontext";
                         });

// Instances: H (the host, as a caller), A and B.
constexpr uint32_t H = 0, A = 1, B = 2;
constexpr uint32_t kStatusReturned = 2;
constexpr uint32_t kEventSubtask = 1;
constexpr uint32_t kEventStreamRead = 2;
constexpr uint32_t kEventStreamWrite = 3;

class AsyncHostTest : public ::testing::Test {
 protected:
  explicit AsyncHostTest(FiberBackend backend = FiberBackend::Ucontext) : host(options(backend)) {
    for (uint32_t instance : {H, A, B}) must(host.add_instance(instance));
  }

  HostOptions options(FiberBackend backend) {
    HostOptions o;
    o.fiber_backend = backend;
    o.call_guest = [this](GuestFunc f, const Values& args) -> Expected<Values> {
      auto it = guests.find(f.ref);
      if (it == guests.end()) return Error{"no guest function " + std::to_string(f.ref)};
      return it->second(args);
    };
    o.may_leave = [this](uint32_t instance) { return !may_not_leave.count(instance); };
    o.set_may_leave = [this](uint32_t instance, bool may) {
      if (may) {
        may_not_leave.erase(instance);
      } else {
        may_not_leave.insert(instance);
      }
    };
    return o;
  }

  using Guest = std::function<Expected<Values>(const Values&)>;
  GuestFunc guest(Guest body) {
    const uint64_t ref = next_ref++;
    guests.emplace(ref, std::move(body));
    return GuestFunc{ref};
  }

  // An async-typed function of `instance`: stackful, or with `callback`.
  LiftedFunc lifted(uint32_t instance, GuestFunc callee, std::optional<GuestFunc> callback = {},
                    uint32_t result_type = 1) {
    LiftedFunc f;
    f.instance = instance;
    f.type_async = true;
    f.lift = callback ? LiftKind::Callback : LiftKind::Stackful;
    f.callee = callee;
    f.callback = callback;
    f.result_type = result_type;
    return f;
  }

  // Calls `f` from the host with no arguments; the flat results it returned.
  Expected<Values> call(const LiftedFunc& f) {
    Values got;
    auto r = host.call_from_host(
        H, f, [] { return Expected<Values>(Values{}); },
        [&got](const Values& flat) {
          got = flat;
          return Expected<void>();
        });
    if (!r) return r.error();
    return got;
  }

  // What an async adapter passes to prepare-call for a call from `caller`
  // into `callee` (async-typed, returning u32 through a return pointer when
  // `async_caller`), and the helpers it names.
  Values prepare_args(uint32_t caller, uint32_t callee, bool async_caller, uint32_t retptr = 0) {
    const GuestFunc start = guest([](const Values&) { return Expected<Values>(Values{}); });
    const GuestFunc return_ = guest([this, async_caller](const Values& args) {
      returned.push_back(static_cast<uint32_t>(args.at(0).bits));
      if (async_caller) return Expected<Values>(Values{});
      return Expected<Values>(Values{args.at(0)});
    });
    Values args{Val{wasm::ValType::funcref(), start.ref},
                Val{wasm::ValType::funcref(), return_.ref},
                Val::i32(caller),
                Val::i32(callee),
                Val::i32(1),
                Val::i32(1),
                Val::i32(0),
                Val::i32(async_caller ? static_cast<uint32_t>(kPrepareAsyncWithResult) : 1)};
    if (async_caller) args.push_back(Val::i32(retptr));
    return args;
  }

  // A stackful callee that yields until `gate` is open, then returns
  // `value`.
  GuestFunc gated_callee(uint32_t value, const bool* gate) {
    return guest([this, value, gate](const Values&) -> Expected<Values> {
      while (!*gate) {
        if (auto y = host.thread_yield(); !y) return y.error();
      }
      if (auto r = host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(value)}); !r) {
        return r.error();
      }
      return Values{};
    });
  }

  std::map<uint64_t, Guest> guests;
  uint64_t next_ref = 1;
  std::set<uint32_t> may_not_leave;
  std::vector<uint32_t> returned;  // what [async-return] helpers received
  Host host;

  // The randomized scheduler test (below).
  void run_random_programs();
};

TEST_F(AsyncHostTest, StackfulCallReturnsThroughTaskReturn) {
  const GuestFunc f = guest([this](const Values&) -> Expected<Values> {
    must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(42)}));
    return Values{};
  });
  Values got = must(call(lifted(A, f)));
  EXPECT_EQ(got, (Values{Val::i32(42)}));
}

TEST_F(AsyncHostTest, AsyncLiftWithoutResultTraps) {
  const GuestFunc f = guest([](const Values&) { return Expected<Values>(Values{}); });
  expect_trap(call(lifted(A, f)), "async-lifted export failed to produce a result");
}

TEST_F(AsyncHostTest, TaskReturnChecksTypeOptionsAndOnce) {
  for (int which = 0; which < 3; ++which) {
    const GuestFunc f = guest([this, which](const Values&) -> Expected<Values> {
      if (which == 0) return host.task_return(2, std::nullopt, StringEncoding::Utf8, {}).error();
      if (which == 1) {
        return host.task_return(1, std::nullopt, StringEncoding::Utf16, {Val::i32(1)}).error();
      }
      must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(1)}));
      auto again = host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(1)});
      if (!again) return again.error();
      return Values{};
    });
    auto r = call(lifted(A, f));
    expect_trap(r, which < 2 ? "invalid `task.return` signature and/or options for current task"
                             : "called more than once for current task");
  }
}

TEST_F(AsyncHostTest, TaskReturnWithoutMemoryMatchesAnyLiftMemory) {
  // A task.return that needs no memory may leave it out even when the lift
  // names one; one that names another memory does not match.
  for (bool other_memory : {false, true}) {
    const GuestFunc f = guest([this, other_memory](const Values&) -> Expected<Values> {
      auto r = host.task_return(1, other_memory ? std::optional<uint64_t>(9) : std::nullopt,
                                StringEncoding::Utf8, {Val::i32(1)});
      if (!r) return r.error();
      return Values{};
    });
    LiftedFunc with_memory = lifted(A, f);
    with_memory.memory = 5;
    if (other_memory) {
      expect_trap(call(with_memory), "invalid `task.return` signature and/or options");
    } else {
      EXPECT_EQ(must(call(with_memory)), (Values{Val::i32(1)}));
    }
  }
}

TEST_F(AsyncHostTest, CallbackLoopYieldsThenExits) {
  std::vector<std::vector<uint32_t>> events;
  const GuestFunc callback = guest([this, &events](const Values& args) -> Expected<Values> {
    events.push_back({static_cast<uint32_t>(args[0].bits), static_cast<uint32_t>(args[1].bits),
                      static_cast<uint32_t>(args[2].bits)});
    must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(7)}));
    return Values{Val::i32(0)};  // EXIT
  });
  const GuestFunc f = guest([](const Values&) { return Expected<Values>(Values{Val::i32(1)}); });
  EXPECT_EQ(must(call(lifted(A, f, callback))), (Values{Val::i32(7)}));
  EXPECT_EQ(events, (std::vector<std::vector<uint32_t>>{{0, 0, 0}}));
}

TEST_F(AsyncHostTest, UnknownCallbackCodeTraps) {
  const GuestFunc callback = guest([](const Values&) { return Expected<Values>(Values{}); });
  const GuestFunc f = guest([](const Values&) { return Expected<Values>(Values{Val::i32(3)}); });
  expect_trap(call(lifted(A, f, callback)), "unsupported callback code");
}

TEST_F(AsyncHostTest, WaitingOnNothingDeadlocksAtTheRoot) {
  const GuestFunc stackful = guest([this](const Values&) -> Expected<Values> {
    const uint32_t set = must(host.waitable_set_new());
    uint8_t memory[8] = {};
    auto r = host.waitable_set_wait(
        set,
        [&memory] {
          return GuestMemory{memory, sizeof memory};
        },
        0);
    if (!r) return r.error();
    return Values{};
  });
  expect_trap(call(lifted(A, stackful)),
              "wasm trap: deadlock detected: event loop cannot make further progress");

  const GuestFunc callback = guest([](const Values&) -> Expected<Values> { return Values{}; });
  const GuestFunc waits = guest([this](const Values&) -> Expected<Values> {
    const uint32_t set = must(host.waitable_set_new());
    return Values{Val::i32(2 | (set << 4))};  // WAIT on an empty set
  });
  expect_trap(call(lifted(B, waits, callback)), "deadlock detected");
}

TEST_F(AsyncHostTest, SyncTaskMayNotBlock) {
  // A sync-typed call with no other thread to run: it blocked alone.
  must(host.enter_host_call(A));
  const uint32_t set = must(host.waitable_set_new());
  uint8_t memory[8] = {};
  expect_trap(host.waitable_set_wait(
                  set,
                  [&] {
                    return GuestMemory{memory, 8};
                  },
                  0),
              "wasm trap: cannot block a synchronous task before returning");
  EXPECT_EQ(must(host.thread_yield()), 0u);  // yielding alone goes on
}

TEST_F(AsyncHostTest, AsyncCallReturnsASubtaskThenItsEvent) {
  bool gate = false;
  const GuestFunc callee = gated_callee(99, &gate);
  std::vector<uint32_t> seen;
  const GuestFunc caller = guest([&, this](const Values&) -> Expected<Values> {
    must(host.prepare_call(prepare_args(A, B, true, 64), std::nullopt));
    const uint32_t packed =
        must(host.async_start_call(std::nullopt, std::nullopt, callee, 0, 1, 1));
    const uint32_t subtask = packed >> 4;
    seen.push_back(packed & 0xf);  // STARTED: the callee yielded
    expect_trap(host.subtask_drop(subtask), "cannot drop a subtask which has not yet resolved");
    const uint32_t set = must(host.waitable_set_new());
    must(host.waitable_join(subtask, set));
    gate = true;
    uint32_t memory[2] = {};
    auto access = [&memory] {
      return GuestMemory{reinterpret_cast<uint8_t*>(memory), sizeof memory};
    };
    const uint32_t code = must(host.waitable_set_wait(set, access, 0));
    seen.insert(seen.end(), {code, memory[0], memory[1]});
    expect_trap(host.waitable_set_drop(set), "cannot drop waitable set with members");
    must(host.subtask_drop(subtask));
    must(host.waitable_set_drop(set));
    must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(1)}));
    return Values{};
  });
  must(call(lifted(A, caller)));
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0], 1u);  // STARTED
  EXPECT_EQ(seen[1], kEventSubtask);
  EXPECT_EQ(seen[3], kStatusReturned);
  EXPECT_EQ(returned, (std::vector<uint32_t>{99}));
}

TEST_F(AsyncHostTest, AsyncCallThatReturnsAtOnceHasNoHandle) {
  bool gate = true;
  const GuestFunc callee = gated_callee(5, &gate);
  const GuestFunc caller = guest([&, this](const Values&) -> Expected<Values> {
    must(host.prepare_call(prepare_args(A, B, true, 64), std::nullopt));
    EXPECT_EQ(must(host.async_start_call(std::nullopt, std::nullopt, callee, 0, 1, 1)),
              kStatusReturned);
    must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(1)}));
    return Values{};
  });
  must(call(lifted(A, caller)));
  EXPECT_EQ(returned, (std::vector<uint32_t>{5}));
}

TEST_F(AsyncHostTest, SyncCallOfAsyncCalleeWaitsOnItsFiber) {
  // The callee yields three times before it returns; its sync caller (an
  // async-typed task, on a fiber of its own) waits meanwhile, and the root
  // call's event loop runs the callee.
  int yields = 0;
  const GuestFunc callee = guest([&, this](const Values&) -> Expected<Values> {
    while (yields < 3) {
      ++yields;
      if (auto y = host.thread_yield(); !y) return y.error();
    }
    must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(11)}));
    return Values{};
  });
  const GuestFunc caller = guest([&, this](const Values&) -> Expected<Values> {
    must(host.prepare_call(prepare_args(A, B, false), std::nullopt));
    Values results = must(host.sync_start_call(std::nullopt, callee, 0));
    must(host.task_return(1, std::nullopt, StringEncoding::Utf8, results));
    return Values{};
  });
  EXPECT_EQ(must(call(lifted(A, caller))), (Values{Val::i32(11)}));
  EXPECT_EQ(yields, 3);
  EXPECT_EQ(returned, (std::vector<uint32_t>{11}));
}

TEST_F(AsyncHostTest, SyncTaskCallingABlockingAsyncCalleeTraps) {
  // A sync-typed task may only run threads of its own instance while it
  // waits: the blocked callee, in another instance, never runs again.
  const GuestFunc callee = guest([this](const Values&) -> Expected<Values> {
    const uint32_t set = must(host.waitable_set_new());
    uint8_t memory[8] = {};
    auto r = host.waitable_set_wait(
        set,
        [&] {
          return GuestMemory{memory, 8};
        },
        0);
    if (!r) return r.error();
    return Values{};
  });
  must(host.enter_host_call(A));
  must(host.prepare_call(prepare_args(A, B, false), std::nullopt));
  expect_trap(host.sync_start_call(std::nullopt, callee, 0),
              "deadlock detected: event loop cannot make further progress");
}

TEST_F(AsyncHostTest, BackpressureHoldsNewCallsUntilReleased) {
  std::vector<std::string> log;
  const GuestFunc callee = guest([&, this](const Values&) -> Expected<Values> {
    log.push_back("callee runs");
    must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(3)}));
    return Values{};
  });
  // B's own task turns backpressure on, then off after a yield.
  const GuestFunc b_task = guest([&, this](const Values&) -> Expected<Values> {
    must(host.backpressure_inc());
    must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(0)}));
    if (auto y = host.thread_yield(); !y) return y.error();
    log.push_back("backpressure off");
    must(host.backpressure_dec());
    return Values{};
  });
  must(call(lifted(B, b_task)));
  const GuestFunc caller = guest([&, this](const Values&) -> Expected<Values> {
    must(host.prepare_call(prepare_args(A, B, true, 0), std::nullopt));
    const uint32_t packed =
        must(host.async_start_call(std::nullopt, std::nullopt, callee, 0, 1, 1));
    log.push_back("state " + std::to_string(packed & 0xf));
    const uint32_t set = must(host.waitable_set_new());
    must(host.waitable_join(packed >> 4, set));
    uint32_t memory[2] = {};
    must(host.waitable_set_wait(
        set,
        [&] {
          return GuestMemory{reinterpret_cast<uint8_t*>(memory), 8};
        },
        0));
    log.push_back("event state " + std::to_string(memory[1]));
    must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(1)}));
    return Values{};
  });
  must(call(lifted(A, caller)));
  EXPECT_EQ(log, (std::vector<std::string>{"state 0", "backpressure off", "callee runs",
                                           "event state 2"}));
}

TEST_F(AsyncHostTest, BackpressureCounterLimits) {
  const GuestFunc f = guest([this](const Values&) -> Expected<Values> {
    expect_trap(host.backpressure_dec(), "backpressure counter overflow");
    for (int i = 0; i < 0xffff; ++i) must(host.backpressure_inc());
    expect_trap(host.backpressure_inc(), "backpressure counter overflow");
    for (int i = 0; i < 0xffff; ++i) must(host.backpressure_dec());
    must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(0)}));
    return Values{};
  });
  must(call(lifted(A, f)));
}

TEST_F(AsyncHostTest, ContextSlotsBelongToEachThread) {
  std::vector<uint32_t> seen;
  auto task = [&, this](uint32_t mine) {
    return guest([&, this, mine](const Values&) -> Expected<Values> {
      must(host.context_set(0, mine));
      must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(0)}));
      if (auto y = host.thread_yield(); !y) return y.error();
      seen.push_back(must(host.context_get(0)));
      return Values{};
    });
  };
  must(call(lifted(A, task(10))));
  must(call(lifted(B, task(20))));
  // Both still wait in their yields; a third call lets the event loop run
  // them before it ends.
  const GuestFunc last = guest([this](const Values&) -> Expected<Values> {
    if (auto y = host.thread_yield(); !y) return y.error();
    if (auto y = host.thread_yield(); !y) return y.error();
    must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(0)}));
    return Values{};
  });
  must(call(lifted(A, last)));
  EXPECT_EQ(seen, (std::vector<uint32_t>{10, 20}));
}

TEST_F(AsyncHostTest, ReentranceIsRefusedWhileTheInstanceRuns) {
  // A calls B, which calls back into A while A's call is still running.
  const GuestFunc inner = guest([this](const Values&) -> Expected<Values> {
    must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(0)}));
    return Values{};
  });
  const GuestFunc middle = guest([&, this](const Values&) -> Expected<Values> {
    must(host.prepare_call(prepare_args(B, A, true, 0), std::nullopt));
    auto r = host.async_start_call(std::nullopt, std::nullopt, inner, 0, 1, 1);
    if (!r) return r.error();
    return Values{};
  });
  const GuestFunc outer = guest([&, this](const Values&) -> Expected<Values> {
    must(host.prepare_call(prepare_args(A, B, true, 0), std::nullopt));
    auto r = host.async_start_call(std::nullopt, std::nullopt, middle, 0, 1, 1);
    if (!r) return r.error();
    return Values{};
  });
  expect_trap(call(lifted(A, outer)), "cannot enter component instance 1");
}

TEST_F(AsyncHostTest, UnwindingEndsSuspendedFibers) {
  std::string unwound;
  const GuestFunc f = guest([&, this](const Values&) -> Expected<Values> {
    must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(0)}));
    auto y = host.thread_yield();
    if (!y) unwound = y.error().message;
    return y ? Expected<Values>(Values{}) : Expected<Values>(y.error());
  });
  must(call(lifted(A, f)));  // returns while `f` waits in its yield
  EXPECT_EQ(unwound, "");
  host.unwind_suspended();
  EXPECT_NE(unwound.find("abandoned"), std::string::npos) << unwound;
}

TEST_F(AsyncHostTest, BuiltinsTrapWhenTheInstanceMayNotLeave) {
  const GuestFunc f = guest([this](const Values&) -> Expected<Values> {
    may_not_leave.insert(A);
    expect_trap(host.waitable_set_new(), "cannot leave component instance");
    expect_trap(host.thread_yield(), "cannot leave component instance");
    expect_trap(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(0)}),
                "cannot leave component instance");
    may_not_leave.erase(A);
    must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(0)}));
    return Values{};
  });
  must(call(lifted(A, f)));
}

TEST_F(AsyncHostTest, SyncLiftOfAsyncTypeRunsPostReturnWithMayLeaveCleared) {
  bool post_return_ran = false;
  const GuestFunc post = guest([&, this](const Values& args) -> Expected<Values> {
    post_return_ran = true;
    EXPECT_EQ(args, (Values{Val::i32(8)}));
    EXPECT_TRUE(may_not_leave.count(A));
    return Values{};
  });
  const GuestFunc f = guest([](const Values&) { return Expected<Values>(Values{Val::i32(8)}); });
  LiftedFunc sync_lift = lifted(A, f);
  sync_lift.lift = LiftKind::Sync;
  sync_lift.post_return = post;
  EXPECT_EQ(must(call(sync_lift)), (Values{Val::i32(8)}));
  EXPECT_TRUE(post_return_ran);
  EXPECT_FALSE(may_not_leave.count(A));
}

// --- Host tasks: calls of host functions (call_host_task) ---

// A host task resolving on poll number `polls_to_resolve` (1: at once;
// 0: never, and idle), counting its polls and whether it was cancelled.
struct CountedTask {
  int polls = 0;
  bool cancelled = false;
  HostTask task(int polls_to_resolve) {
    HostTask t;
    t.poll = [this, polls_to_resolve]() -> Expected<HostTaskPoll> {
      ++polls;
      if (polls_to_resolve == 0) return HostTaskPoll::Idle;
      return polls >= polls_to_resolve ? HostTaskPoll::Resolved : HostTaskPoll::Pending;
    };
    t.cancel = [this] { cancelled = true; };
    return t;
  }
};

TEST_F(AsyncHostTest, HostTaskThatResolvesAtOnceHasNoHandle) {
  CountedTask counted;
  const GuestFunc body = guest([&, this](const Values&) -> Expected<Values> {
    EXPECT_EQ(must(host.call_host_task(A, counted.task(1), {}, true)), kStatusReturned);
    must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(0)}));
    return Values{};
  });
  must(call(lifted(A, body)));
  EXPECT_EQ(counted.polls, 1);
  EXPECT_EQ(host.live_handles(A), 0u);
}

TEST_F(AsyncHostTest, HostTaskIsPolledEachTurnUntilItResolves) {
  CountedTask counted;
  std::vector<uint32_t> seen;
  const GuestFunc body = guest([&, this](const Values&) -> Expected<Values> {
    const uint32_t packed = must(host.call_host_task(A, counted.task(3), {}, true));
    EXPECT_EQ(packed & 0xf, 1u);  // STARTED
    const uint32_t subtask = packed >> 4;
    expect_trap(host.subtask_drop(subtask), "cannot drop a subtask which has not yet resolved");
    const uint32_t set = must(host.waitable_set_new());
    must(host.waitable_join(subtask, set));
    uint32_t memory[2] = {};
    auto access = [&memory] {
      return GuestMemory{reinterpret_cast<uint8_t*>(memory), sizeof memory};
    };
    seen.push_back(must(host.waitable_set_wait(set, access, 0)));
    seen.insert(seen.end(), {memory[0], memory[1]});
    must(host.waitable_join(subtask, 0));
    must(host.subtask_drop(subtask));
    must(host.waitable_set_drop(set));
    must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(0)}));
    return Values{};
  });
  must(call(lifted(A, body)));
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], kEventSubtask);
  EXPECT_EQ(seen[2], kStatusReturned);
  EXPECT_EQ(counted.polls, 3);
  EXPECT_FALSE(counted.cancelled);
}

TEST_F(AsyncHostTest, CancellingAHostTaskStopsIt) {
  CountedTask counted;
  const GuestFunc body = guest([&, this](const Values&) -> Expected<Values> {
    const uint32_t subtask = must(host.call_host_task(A, counted.task(0), {}, true)) >> 4;
    must(host.thread_yield());
    const int polls = counted.polls;
    EXPECT_EQ(must(host.subtask_cancel(subtask, false)), 4u);  // CANCELLED_BEFORE_RETURNED
    EXPECT_TRUE(counted.cancelled);
    must(host.thread_yield());
    EXPECT_EQ(counted.polls, polls);  // never polled again
    expect_trap(host.subtask_cancel(subtask, false),
                "`subtask.cancel` called after terminal status delivered");
    must(host.subtask_drop(subtask));
    must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(0)}));
    return Values{};
  });
  must(call(lifted(A, body)));
  EXPECT_GE(counted.polls, 2);
}

TEST_F(AsyncHostTest, SyncCallOfAHostTaskWaitsForIt) {
  CountedTask counted;
  const GuestFunc body = guest([&, this](const Values&) -> Expected<Values> {
    EXPECT_EQ(must(host.call_host_task(A, counted.task(2), {}, false)), kStatusReturned);
    EXPECT_EQ(counted.polls, 2);
    EXPECT_EQ(host.live_handles(A), 0u);
    must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(0)}));
    return Values{};
  });
  must(call(lifted(A, body)));
}

TEST_F(AsyncHostTest, HostTaskThatNeverResolvesDeadlocksASyncCaller) {
  CountedTask counted;
  const GuestFunc body = guest([&, this](const Values&) -> Expected<Values> {
    auto r = host.call_host_task(A, counted.task(0), {}, false);
    if (!r) return r.error();
    return Values{};
  });
  expect_trap(call(lifted(A, body)), "deadlock detected");
}

TEST_F(AsyncHostTest, HostTaskOutsideACallMustResolveAtOnce) {
  CountedTask at_once, later;
  EXPECT_EQ(must(host.call_host_task(A, at_once.task(1), {}, false)), kStatusReturned);
  expect_trap(host.call_host_task(A, later.task(2), {}, false), "did not return at once");
  EXPECT_TRUE(later.cancelled);
}

TEST_F(AsyncHostTest, HostTaskErrorIsATrap) {
  HostTask failing;
  failing.poll = []() -> Expected<HostTaskPoll> { return Error{"the host function failed"}; };
  expect_trap(host.call_host_task(A, failing, {}, true), "the host function failed");
}

TEST_F(AsyncHostTest, HostTaskKeepsItsBorrowsUntilItResolves) {
  std::vector<uint32_t> dropped;
  must(host.add_resource_type(7, std::nullopt, [&dropped](uint32_t rep) {
    dropped.push_back(rep);
    return Expected<void>();
  }));
  must(host.add_resource_table(0, A, 7));
  CountedTask counted;
  const GuestFunc body = guest([&, this](const Values&) -> Expected<Values> {
    const uint32_t handle = must(host.host_lower_own(0, 55));
    EXPECT_EQ(must(host.host_lift_borrow(0, handle)), 55u);
    const BorrowedHandle borrowed{0, handle};
    const uint32_t subtask =
        must(host.call_host_task(A, counted.task(0), std::span(&borrowed, 1), true)) >> 4;
    expect_trap(host.resource_drop(0, handle), "cannot remove owned resource while borrowed");
    EXPECT_EQ(must(host.subtask_cancel(subtask, false)), 4u);
    must(host.subtask_drop(subtask));
    must(host.resource_drop(0, handle));
    must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(0)}));
    return Values{};
  });
  must(call(lifted(A, body)));
  EXPECT_EQ(dropped, (std::vector<uint32_t>{55}));
  // A borrow that host_lift_borrow did not lend is refused.
  const uint32_t handle = must(host.host_lower_own(0, 56));
  const BorrowedHandle not_lent{0, handle};
  expect_trap(host.call_host_task(A, counted.task(1), std::span(&not_lent, 1), true),
              "was not lent by host_lift_borrow");
}

// --- A randomized scheduler test ---
//
// Random programs of a driver task in A: async calls into B (callees that
// yield a random number of times, cancellably, and return a unique value),
// waits on a waitable set, cancellations, yields, host tasks, new threads
// and pieces of a stream written and read. Checked against invariants: every call resolves exactly
// once (no lost and no doubled event), its value comes back once, a cancelled call resolves as
// cancelled or returned, every thread runs to its end, and nothing is left in the tables.
void AsyncHostTest::run_random_programs() {
  size_t total_calls = 0, total_cancelled = 0, total_blocked = 0;
  int total_threads = 0, total_host_tasks = 0, total_bytes = 0;
  for (uint32_t seed = 1; seed <= 150; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    uint32_t rng = seed * 2654435761u;
    auto next = [&rng](uint32_t n) {
      rng ^= rng << 13;
      rng ^= rng >> 17;
      rng ^= rng << 5;
      return rng % n;
    };
    returned.clear();
    struct Call {
      uint32_t value = 0;
      uint32_t handle = 0;  // 0: resolved when it started
      bool cancel_requested = false;
      int resolutions = 0;
      uint32_t final_state = 0;
    };
    std::vector<Call> calls;
    int threads_started = 0, threads_done = 0, host_tasks_done = 0;
    uint32_t next_value = 1000;
    // One stream<u8> within A, written and read in random pieces: every
    // byte arrives once and in order.
    constexpr uint32_t kStreamTable = 1;
    ElementType u8;
    u8.present = true;
    u8.number = true;
    u8.size32 = u8.align32 = u8.size64 = u8.align64 = 1;
    if (seed == 1) must(host.add_stream_table(kStreamTable, A, /*type*/ 100, u8));
    struct StreamState {
      std::optional<CopyEnds> ends;
      bool writing = false, reading = false;
      // A pending copy's event is due: a copy of the other end met it.
      bool write_due = false, read_due = false;
      uint32_t written = 0, read = 0;
      uint8_t source[16] = {}, destination[16] = {};
      CopyOptions write_options, read_options;
    } stream;
    stream.write_options.memory = [&stream] { return GuestMemory{stream.source, 16}; };
    stream.write_options.async = true;
    stream.read_options.memory = [&stream] { return GuestMemory{stream.destination, 16}; };
    stream.read_options.async = true;
    int bytes_checked = 0;
    // A completed read of `n` bytes: they are the next ones written.
    auto check_read = [&](uint32_t n) {
      for (uint32_t i = 0; i < n; ++i) {
        EXPECT_EQ(stream.destination[i], static_cast<uint8_t>(stream.read + i)) << "byte " << i;
      }
      stream.read += n;
      bytes_checked += static_cast<int>(n);
    };

    const GuestFunc thread_body = guest([&, this](const Values& args) -> Expected<Values> {
      for (uint32_t i = 0; i < args.at(0).bits; ++i) {
        if (auto y = host.thread_yield(); !y) return y.error();
      }
      ++threads_done;
      return Values{};
    });

    const GuestFunc driver = guest([&, this](const Values&) -> Expected<Values> {
      const uint32_t set = must(host.waitable_set_new());
      uint32_t memory[2] = {};
      auto access = [&memory] {
        return GuestMemory{reinterpret_cast<uint8_t*>(memory), sizeof memory};
      };
      // A subtask's resolution, from its event or a cancel's result.
      auto resolve = [&](Call& c, uint32_t state) {
        ++c.resolutions;
        c.final_state = state;
      };
      auto find = [&](uint32_t handle) -> Call* {
        for (Call& c : calls) {
          if (c.handle == handle && c.resolutions == 0) return &c;
        }
        return nullptr;
      };
      auto wait_one = [&]() -> Expected<void> {
        auto code = host.waitable_set_wait(set, access, 0);
        if (!code) return code.error();
        if (*code == kEventStreamRead || *code == kEventStreamWrite) {
          const bool read = *code == kEventStreamRead;
          EXPECT_TRUE(stream.ends &&
                      memory[0] == (read ? stream.ends->readable : stream.ends->writable));
          EXPECT_TRUE(read ? stream.reading : stream.writing) << "an event for an idle end";
          EXPECT_TRUE((memory[1] & 0xf) == 0 || (memory[1] & 0xf) == 2);  // COMPLETED, CANCELLED
          if (read) {
            stream.reading = stream.read_due = false;
            check_read(memory[1] >> 4);
          } else {
            stream.writing = stream.write_due = false;
            stream.written += memory[1] >> 4;
          }
          return {};
        }
        EXPECT_EQ(*code, kEventSubtask);
        Call* c = find(memory[0]);
        EXPECT_NE(c, nullptr) << "an event for handle " << memory[0] << " nobody waits for";
        if (!c) return Error{"lost track"};
        if (memory[1] < kStatusReturned) return {};  // STARTED: progress only
        resolve(*c, memory[1]);
        if (auto d = host.subtask_drop(c->handle); !d) return d.error();
        return {};
      };
      // Events that will come: unresolved calls, and copies that met the
      // other end (a copy waiting for the other end waits for this task).
      auto pending = [&] {
        int n = (stream.write_due ? 1 : 0) + (stream.read_due ? 1 : 0);
        for (const Call& c : calls) n += c.resolutions == 0 ? 1 : 0;
        return n;
      };
      // Starts a write of `n` bytes or a read of up to `n`, when that end
      // is idle; a copy that completes at once is counted now.
      auto copy = [&](bool read, uint32_t n) -> Expected<void> {
        if (!stream.ends) {
          auto ends = host.stream_new(kStreamTable);
          if (!ends) return ends.error();
          stream.ends = *ends;
          for (uint32_t end : {ends->readable, ends->writable}) {
            if (auto j = host.waitable_join(end, set); !j) return j.error();
          }
        }
        if (read ? stream.reading : stream.writing) return {};
        Expected<uint32_t> r = 0u;
        if (read) {
          r = host.stream_read(kStreamTable, stream.ends->readable, stream.read_options, 0, n);
        } else {
          for (uint32_t i = 0; i < n; ++i) {
            stream.source[i] = static_cast<uint8_t>(stream.written + i);
          }
          r = host.stream_write(kStreamTable, stream.ends->writable, stream.write_options, 0, n);
        }
        if (!r) return r.error();
        if (*r == 0xffffffffu) {
          (read ? stream.reading : stream.writing) = true;
          return {};
        }
        if (read ? stream.writing : stream.reading)
          (read ? stream.write_due : stream.read_due) = true;
        if (read) {
          check_read(*r >> 4);
        } else {
          stream.written += *r >> 4;
        }
        return {};
      };
      const uint32_t steps = 5 + next(20);
      for (uint32_t step = 0; step < steps; ++step) {
        switch (next(7)) {
          case 0: {  // an async call into B
            const uint32_t value = next_value++;
            const uint32_t yields = next(4);
            const GuestFunc callee =
                guest([this, value, yields](const Values&) -> Expected<Values> {
                  for (uint32_t i = 0; i < yields; ++i) {
                    auto y = host.thread_yield(true);
                    if (!y) return y.error();
                    if (*y == 1) {
                      if (auto c = host.task_cancel(); !c) return c.error();
                      return Values{};
                    }
                  }
                  if (auto r = host.task_return(1, std::nullopt, StringEncoding::Utf8,
                                                {Val::i32(value)});
                      !r) {
                    return r.error();
                  }
                  return Values{};
                });
            if (auto p = host.prepare_call(prepare_args(A, B, true, 64), std::nullopt); !p) {
              return p.error();
            }
            auto packed = host.async_start_call(std::nullopt, std::nullopt, callee, 0, 1, 1);
            if (!packed) return packed.error();
            Call c;
            c.value = value;
            if ((*packed & 0xf) == kStatusReturned) {
              resolve(c, kStatusReturned);
            } else {
              c.handle = *packed >> 4;
              if (auto j = host.waitable_join(c.handle, set); !j) return j.error();
            }
            calls.push_back(c);
            break;
          }
          case 1:  // wait for an event, if anything is pending
            if (pending() > 0) {
              if (auto w = wait_one(); !w) return w.error();
            }
            break;
          case 2: {  // cancel a pending call (async: it is in the set)
            std::vector<Call*> open;
            for (Call& c : calls) {
              if (c.resolutions == 0 && !c.cancel_requested) open.push_back(&c);
            }
            if (open.empty()) break;
            Call& c = *open[next(static_cast<uint32_t>(open.size()))];
            c.cancel_requested = true;
            auto r = host.subtask_cancel(c.handle, true);
            if (!r) return r.error();
            if (*r != 0xffffffffu) {
              resolve(c, *r);
              if (auto j = host.waitable_join(c.handle, 0); !j) return j.error();
              if (auto d = host.subtask_drop(c.handle); !d) return d.error();
            }
            break;
          }
          case 3:
            if (auto y = host.thread_yield(); !y) return y.error();
            break;
          case 4: {  // a new thread, resumed later or at once
            auto t = host.thread_new(thread_body, Val::i32(next(3)));
            if (!t) return t.error();
            ++threads_started;
            if (next(2) == 0) {
              if (auto r = host.thread_resume_later(*t); !r) return r.error();
            } else if (auto r = host.thread_switch(Host::ThreadSwitch::YieldThenResume, *t, false);
                       !r) {
              return r.error();
            }
            break;
          }
          case 5: {  // a host task that takes a few turns
            int polls = static_cast<int>(next(3));
            HostTask task;
            task.poll = [polls, &host_tasks_done]() mutable -> Expected<HostTaskPoll> {
              if (polls-- > 0) return HostTaskPoll::Pending;
              ++host_tasks_done;
              return HostTaskPoll::Resolved;
            };
            auto r = host.call_host_task(A, std::move(task), {}, false);
            if (!r) return r.error();
            break;
          }
          case 6:  // a piece of the stream, written or read
            if (auto c = copy(next(2) == 0, 1 + next(16)); !c) return c.error();
            break;
        }
      }
      // A pending write finishes once something reads it.
      while (stream.writing) {
        if (!stream.reading) {
          if (auto c = copy(true, 16); !c) return c.error();
        }
        if (auto w = wait_one(); !w) return w.error();
      }
      if (stream.reading) {
        auto r = host.stream_cancel_read(kStreamTable, stream.ends->readable, true);
        if (!r) return r.error();
        if (*r != 0xffffffffu) {
          stream.reading = stream.read_due = false;
          check_read(*r >> 4);
        }
      }
      while (pending() > 0) {
        if (auto w = wait_one(); !w) return w.error();
      }
      while (threads_done < threads_started) {
        if (auto y = host.thread_yield(); !y) return y.error();
      }
      if (stream.ends) {
        EXPECT_EQ(stream.read, stream.written);
        for (uint32_t end : {stream.ends->readable, stream.ends->writable}) {
          if (auto j = host.waitable_join(end, 0); !j) return j.error();
        }
        if (auto d = host.stream_drop_readable(kStreamTable, stream.ends->readable); !d) {
          return d.error();
        }
        if (auto d = host.stream_drop_writable(kStreamTable, stream.ends->writable); !d) {
          return d.error();
        }
      }
      if (auto d = host.waitable_set_drop(set); !d) return d.error();
      return host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(7)})
                 ? Expected<Values>(Values{})
                 : Expected<Values>(Error{"task.return failed"});
    });

    Values got = must(call(lifted(A, driver)));
    EXPECT_EQ(got, (Values{Val::i32(7)}));
    std::multiset<uint32_t> values(returned.begin(), returned.end());
    for (const Call& c : calls) {
      EXPECT_EQ(c.resolutions, 1) << "call " << c.value;
      const size_t seen = values.count(c.value);
      if (c.final_state == kStatusReturned) {
        EXPECT_EQ(seen, 1u) << "call " << c.value << " returned, but its value came back " << seen
                            << " times";
      } else {
        EXPECT_TRUE(c.cancel_requested) << "call " << c.value;
        EXPECT_TRUE(c.final_state == 3 || c.final_state == 4) << c.final_state;
        EXPECT_EQ(seen, 0u) << "cancelled call " << c.value;
      }
    }
    EXPECT_EQ(returned.size(), values.size());
    EXPECT_EQ(threads_done, threads_started);
    EXPECT_EQ(host.live_handles(A), 0u);
    EXPECT_EQ(host.live_handles(B), 0u);
    EXPECT_EQ(host.call_depth(), 0u);
    total_calls += calls.size();
    for (const Call& c : calls) {
      total_cancelled += c.final_state == 3 || c.final_state == 4 ? 1 : 0;
      total_blocked += c.handle != 0 ? 1 : 0;
    }
    total_threads += threads_started;
    total_bytes += bytes_checked;
    total_host_tasks += host_tasks_done;
    if (HasFailure()) break;
  }
  // The programs reach every path: calls that block, cancellations that
  // win, threads and host tasks.
  EXPECT_GT(total_calls, 100u);
  EXPECT_GT(total_blocked, 50u);
  EXPECT_GT(total_cancelled, 10u);
  EXPECT_GT(total_threads, 50);
  EXPECT_GT(total_host_tasks, 50);
  EXPECT_GT(total_bytes, 500);
}

TEST_F(AsyncHostTest, CancellationIsDeliveredToASuspendedThreadOfTheTask) {
  // The callee's implicit thread exits after making a thread that suspends
  // cancellably; the caller's cancel resumes that thread, which cancels
  // the task.
  uint32_t seen_cancelled = 0;
  const GuestFunc body = guest([&, this](const Values&) -> Expected<Values> {
    auto cancelled = host.thread_suspend(true);
    if (!cancelled) return cancelled.error();
    seen_cancelled = *cancelled;
    if (auto c = host.task_cancel(); !c) return c.error();
    return Values{};
  });
  const GuestFunc callee = guest([&, this](const Values&) -> Expected<Values> {
    auto t = host.thread_new(body, Val::i32(0));
    if (!t) return t.error();
    if (auto r = host.thread_resume_later(*t); !r) return r.error();
    return Values{};
  });
  const GuestFunc caller = guest([&, this](const Values&) -> Expected<Values> {
    must(host.prepare_call(prepare_args(A, B, true, 64), std::nullopt));
    const uint32_t packed =
        must(host.async_start_call(std::nullopt, std::nullopt, callee, 0, 1, 1));
    EXPECT_EQ(packed & 0xf, 1u);  // STARTED: the new thread has not run yet
    const uint32_t subtask = packed >> 4;
    must(host.thread_yield());                                 // the thread runs and suspends
    EXPECT_EQ(must(host.subtask_cancel(subtask, false)), 4u);  // CANCELLED_BEFORE_RETURNED
    must(host.subtask_drop(subtask));
    must(host.task_return(1, std::nullopt, StringEncoding::Utf8, {Val::i32(0)}));
    return Values{};
  });
  must(call(lifted(A, caller)));
  EXPECT_EQ(seen_cancelled, 1u);
  EXPECT_TRUE(returned.empty());
  EXPECT_EQ(host.live_handles(B), 0u);
}

TEST_F(AsyncHostTest, RandomProgramsKeepTheSchedulerInvariants) { run_random_programs(); }

// The same programs on the other fiber backend.
class ThreadFiberHostTest : public AsyncHostTest {
 protected:
  ThreadFiberHostTest() : AsyncHostTest(FiberBackend::Threads) {}
};

TEST_F(ThreadFiberHostTest, RandomProgramsKeepTheSchedulerInvariants) { run_random_programs(); }

}  // namespace
}  // namespace fact::host
