// Switches per second of the two fiber backends (fact/host/fiber.h): a
// fiber that suspends in a loop, resumed by the benchmark; one iteration is
// one resume and one suspend (two switches). The Threads backend is the
// reference the Ucontext one is measured against in the same run; see
// README.md.
#include <benchmark/benchmark.h>

#include "fact/host/fiber.h"

namespace {

using fact::host::Fiber;
using fact::host::FiberBackend;

void BM_Switch(benchmark::State& state, FiberBackend backend) {
  bool stop = false;
  Fiber* self = nullptr;
  Fiber fiber(
      [&] {
        while (!stop) self->suspend();
      },
      backend);
  self = &fiber;
  for (auto _ : state) fiber.resume();
  stop = true;
  fiber.resume();
  state.SetItemsProcessed(state.iterations() * 2);
}

// Making a fiber, running it to its end and destroying it: the cost of a
// call that blocks once.
void BM_CreateAndFinish(benchmark::State& state, FiberBackend backend) {
  for (auto _ : state) {
    Fiber* self = nullptr;
    Fiber fiber([&] { self->suspend(); }, backend);
    self = &fiber;
    fiber.resume();
    fiber.resume();
  }
}

BENCHMARK_CAPTURE(BM_Switch, threads, FiberBackend::Threads);
BENCHMARK_CAPTURE(BM_Switch, ucontext, FiberBackend::Ucontext);
BENCHMARK_CAPTURE(BM_CreateAndFinish, threads, FiberBackend::Threads);
BENCHMARK_CAPTURE(BM_CreateAndFinish, ucontext, FiberBackend::Ucontext);

}  // namespace

BENCHMARK_MAIN();
