// Throughput of the host transcoders (src/host/transcode.h) on 1 MiB sources,
// next to a memcpy of the same size as the yardstick. Each transcoder runs
// on ASCII text and on mixed text, with the scalar path and with the best
// SIMD path of this CPU. Bytes/second count source bytes. See README.md.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "fact/host/transcode.h"

namespace {

using namespace fact::host;
using Buf = std::vector<std::uint8_t>;

constexpr std::size_t kSourceBytes = 1u << 20;

enum Text : int {
  kAscii = 0,
  kLatin1Mix = 1,  // ASCII with ~10% Latin-1 letters, as in French or German text
  kWorldMix = 2,   // ASCII, Latin-1, CJK and emoji
};

const char* text_name(int text) {
  return text == kAscii ? "ascii" : text == kLatin1Mix ? "latin1-mix" : "world-mix";
}

// Code points of the given kind, deterministic.
std::u32string make_text(int text, std::size_t count) {
  std::mt19937 rng(42);
  std::u32string s;
  s.reserve(count);
  const char32_t latin1[] = {U'\u00E9', U'\u00E8', U'\u00E0', U'\u00FC',
                             U'\u00F6', U'\u00DF', U'\u00E7'};
  const char32_t cjk[] = {U'\u4E2D', U'\u6587', U'\u5B57', U'\u3042', U'\uAC00'};
  while (s.size() < count) {
    unsigned r = rng() % 100;
    if (r < 15) {
      s.push_back(U' ');
    } else if (text == kAscii || r < 85) {
      s.push_back(static_cast<char32_t>('a' + rng() % 26));
    } else if (text == kLatin1Mix || r < 93) {
      s.push_back(latin1[rng() % 7]);
    } else if (r < 99) {
      s.push_back(cjk[rng() % 5]);
    } else {
      s.push_back(U'\U0001F600');
    }
  }
  return s;
}

void append_utf8(Buf& b, char32_t c) {
  std::uint32_t cp = c;
  if (cp < 0x80) {
    b.push_back(static_cast<std::uint8_t>(cp));
  } else if (cp < 0x800) {
    b.push_back(static_cast<std::uint8_t>(0xC0 | cp >> 6));
    b.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    b.push_back(static_cast<std::uint8_t>(0xE0 | cp >> 12));
    b.push_back(static_cast<std::uint8_t>(0x80 | (cp >> 6 & 0x3F)));
    b.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
  } else {
    b.push_back(static_cast<std::uint8_t>(0xF0 | cp >> 18));
    b.push_back(static_cast<std::uint8_t>(0x80 | (cp >> 12 & 0x3F)));
    b.push_back(static_cast<std::uint8_t>(0x80 | (cp >> 6 & 0x3F)));
    b.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
  }
}

void append_utf16(Buf& b, char32_t c) {
  auto unit = [&](std::uint32_t u) {
    b.push_back(static_cast<std::uint8_t>(u));
    b.push_back(static_cast<std::uint8_t>(u >> 8));
  };
  std::uint32_t cp = c;
  if (cp < 0x10000) {
    unit(cp);
  } else {
    unit(0xD800 + ((cp - 0x10000) >> 10));
    unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
  }
}

// Exactly kSourceBytes of source, cut at a character boundary and padded
// with ASCII.
Buf utf8_source(int text) {
  Buf b;
  for (char32_t c : make_text(text, kSourceBytes)) {
    Buf piece;
    append_utf8(piece, c);
    if (b.size() + piece.size() > kSourceBytes) break;
    b.insert(b.end(), piece.begin(), piece.end());
  }
  b.resize(kSourceBytes, 'x');
  return b;
}

Buf utf16_source(int text) {
  Buf b;
  for (char32_t c : make_text(text, kSourceBytes / 2)) {
    Buf piece;
    append_utf16(piece, c);
    if (b.size() + piece.size() > kSourceBytes) break;
    b.insert(b.end(), piece.begin(), piece.end());
  }
  while (b.size() < kSourceBytes) append_utf16(b, U'x');
  return b;
}

Buf latin1_source(int text) {
  Buf b;
  for (char32_t c : make_text(text == kAscii ? kAscii : kLatin1Mix, kSourceBytes))
    b.push_back(static_cast<std::uint8_t>(c));
  return b;
}

SimdLevel level_arg(const benchmark::State& state) {
  return state.range(1) == 0 ? SimdLevel::Scalar : SimdLevel::Auto;
}

void label(benchmark::State& state) {
  const char* simd = "scalar";
  if (state.range(1) != 0)
    simd = effective_simd_level(SimdLevel::Auto) == SimdLevel::Avx2   ? "avx2"
           : effective_simd_level(SimdLevel::Auto) == SimdLevel::Sse2 ? "sse2"
                                                                      : "scalar";
  state.SetLabel(std::string(text_name(static_cast<int>(state.range(0)))) + "/" + simd);
}

// Runs `call` until done and checks that it succeeds, which also keeps the
// compiler from dropping the work.
template <class Call>
void run(benchmark::State& state, std::size_t source_bytes, Call call) {
  label(state);
  for (auto _ : state) {
    auto result = call();
    if (!result) {
      state.SkipWithError(result.error().message().c_str());
      return;
    }
    benchmark::DoNotOptimize(result);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(source_bytes));
}

void BM_memcpy(benchmark::State& state) {
  Buf src(kSourceBytes, 'a'), dst(kSourceBytes);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), src.size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * kSourceBytes);
}

void BM_utf8_to_utf8(benchmark::State& state) {
  Buf src = utf8_source(static_cast<int>(state.range(0))), dst(src.size());
  run(state, src.size(), [&] { return utf8_to_utf8(src, dst, level_arg(state)); });
}

void BM_utf16_to_utf16(benchmark::State& state) {
  Buf src = utf16_source(static_cast<int>(state.range(0))), dst(src.size());
  run(state, src.size(), [&] { return utf16_to_utf16(src, dst, level_arg(state)); });
}

void BM_latin1_to_latin1(benchmark::State& state) {
  Buf src = latin1_source(static_cast<int>(state.range(0))), dst(src.size());
  run(state, src.size(), [&] { return latin1_to_latin1(src, dst, level_arg(state)); });
}

void BM_latin1_to_utf16(benchmark::State& state) {
  Buf src = latin1_source(static_cast<int>(state.range(0))), dst(2 * src.size());
  run(state, src.size(), [&] { return latin1_to_utf16(src, dst, level_arg(state)); });
}

void BM_utf8_to_utf16(benchmark::State& state) {
  Buf src = utf8_source(static_cast<int>(state.range(0))), dst(2 * src.size());
  run(state, src.size(), [&] { return utf8_to_utf16(src, dst, level_arg(state)); });
}

void BM_utf16_to_compact_probably_utf16(benchmark::State& state) {
  Buf src = utf16_source(static_cast<int>(state.range(0))), dst(src.size());
  run(state, src.size(),
      [&] { return utf16_to_compact_probably_utf16(src, dst, level_arg(state)); });
}

void BM_utf8_to_latin1(benchmark::State& state) {
  Buf src = utf8_source(static_cast<int>(state.range(0))), dst(src.size());
  run(state, src.size(), [&] { return utf8_to_latin1(src, dst, level_arg(state)); });
}

void BM_utf16_to_latin1(benchmark::State& state) {
  Buf src = utf16_source(static_cast<int>(state.range(0))), dst(src.size() / 2);
  run(state, src.size(), [&] { return utf16_to_latin1(src, dst, level_arg(state)); });
}

// The second pass of store_string_to_utf8: the whole source into a
// worst-case buffer.
void BM_utf16_to_utf8(benchmark::State& state) {
  Buf src = utf16_source(static_cast<int>(state.range(0))), dst(3 * src.size() / 2);
  run(state, src.size(), [&] { return utf16_to_utf8(src, dst, false, level_arg(state)); });
}

void BM_latin1_to_utf8(benchmark::State& state) {
  Buf src = latin1_source(static_cast<int>(state.range(0))), dst(2 * src.size());
  run(state, src.size(), [&] { return latin1_to_utf8(src, dst, false, level_arg(state)); });
}

// With no latin1 prefix: the cost of validating and encoding the source.
void BM_utf8_to_compact_utf16(benchmark::State& state) {
  Buf src = utf8_source(static_cast<int>(state.range(0))), dst(2 * src.size());
  run(state, src.size(), [&] { return utf8_to_compact_utf16(src, dst, 0, level_arg(state)); });
}

void BM_utf16_to_compact_utf16(benchmark::State& state) {
  Buf src = utf16_source(static_cast<int>(state.range(0))), dst(src.size());
  run(state, src.size(), [&] { return utf16_to_compact_utf16(src, dst, 0, level_arg(state)); });
}

// Text kinds that make sense for each transcoder: those that convert to
// latin1 stop at the first code point above 0xFF, so they get no CJK.
void latin1_texts(benchmark::internal::Benchmark* b) {
  for (int text : {kAscii, kLatin1Mix})
    for (int simd : {0, 1}) b->Args({text, simd});
}
void all_texts(benchmark::internal::Benchmark* b) {
  for (int text : {kAscii, kLatin1Mix, kWorldMix})
    for (int simd : {0, 1}) b->Args({text, simd});
}

BENCHMARK(BM_memcpy);
BENCHMARK(BM_utf8_to_utf8)->Apply(all_texts);
BENCHMARK(BM_utf16_to_utf16)->Apply(all_texts);
BENCHMARK(BM_latin1_to_latin1)->Apply(latin1_texts);
BENCHMARK(BM_latin1_to_utf16)->Apply(latin1_texts);
BENCHMARK(BM_utf8_to_utf16)->Apply(all_texts);
BENCHMARK(BM_utf16_to_compact_probably_utf16)->Apply(all_texts);
BENCHMARK(BM_utf8_to_latin1)->Apply(latin1_texts);
BENCHMARK(BM_utf16_to_latin1)->Apply(latin1_texts);
BENCHMARK(BM_utf16_to_utf8)->Apply(all_texts);
BENCHMARK(BM_latin1_to_utf8)->Apply(latin1_texts);
BENCHMARK(BM_utf8_to_compact_utf16)->Apply(all_texts);
BENCHMARK(BM_utf16_to_compact_utf16)->Apply(all_texts);

}  // namespace

BENCHMARK_MAIN();
