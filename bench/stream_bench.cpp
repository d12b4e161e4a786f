// Throughput of the reference host's stream copies (src/host/copies.cpp):
// one stream.write of N u32 elements meeting one stream.read of N, from one
// guest memory into another, next to a memcpy of the same bytes as the
// yardstick. A copy moves the whole range at once, so its cost should be
// the memcpy's plus a constant per operation. Bytes/second count the
// elements' bytes. See README.md.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "fact/host/host.h"

namespace {

using namespace fact::host;

constexpr uint32_t kInstance = 0;
constexpr uint32_t kTable = 0;

struct Setup {
  Host host;
  std::vector<uint8_t> source;
  std::vector<uint8_t> destination;
  CopyOptions write_options;
  CopyOptions read_options;

  explicit Setup(std::size_t bytes) : source(bytes, 0x5a), destination(bytes, 0) {
    ElementType u32;
    u32.present = true;
    u32.number = true;
    u32.size32 = u32.align32 = u32.size64 = u32.align64 = 4;
    if (!host.add_instance(kInstance) || !host.add_stream_table(kTable, kInstance, 1, u32)) {
      std::abort();
    }
    write_options.memory = [this] { return GuestMemory{source.data(), source.size()}; };
    write_options.async = true;
    read_options.memory = [this] { return GuestMemory{destination.data(), destination.size()}; };
  }
};

// One write (which waits: BLOCKED) and one read that completes it.
void BM_StreamCopy(benchmark::State& state) {
  const auto count = static_cast<uint32_t>(state.range(0));
  Setup s(std::size_t{count} * 4);
  for (auto _ : state) {
    auto ends = s.host.stream_new(kTable);
    auto written = s.host.stream_write(kTable, ends->writable, s.write_options, 0, count);
    auto read = s.host.stream_read(kTable, ends->readable, s.read_options, 0, count);
    if (!written || !read || *read != (count << 4)) {
      state.SkipWithError("the copy did not complete");
      break;
    }
    // The writer's event, then both ends go.
    (void)s.host.stream_cancel_write(kTable, ends->writable, true);
    (void)s.host.stream_drop_writable(kTable, ends->writable);
    (void)s.host.stream_drop_readable(kTable, ends->readable);
    benchmark::DoNotOptimize(s.destination.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * count * 4);
}

void BM_Memcpy(benchmark::State& state) {
  const auto count = static_cast<std::size_t>(state.range(0));
  std::vector<uint8_t> source(count * 4, 0x5a), destination(count * 4, 0);
  for (auto _ : state) {
    std::memcpy(destination.data(), source.data(), source.size());
    benchmark::DoNotOptimize(destination.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * count * 4);
}

}  // namespace

BENCHMARK(BM_StreamCopy)->Arg(16)->Arg(4096)->Arg(1 << 20)->Arg(4 << 20);
BENCHMARK(BM_Memcpy)->Arg(16)->Arg(4096)->Arg(1 << 20)->Arg(4 << 20);

BENCHMARK_MAIN();
