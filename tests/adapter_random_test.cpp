// Randomised end-to-end round trips: random function types, random values,
// random memory widths per side. Reproduce a failure with FACT_TEST_SEED.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "support/canonical.h"
#include "support/harness.h"
#include "support/random.h"

namespace fact::test {
namespace {

constexpr uint64_t kDefaultSeed = 0x5EED0FAC7ull;
constexpr int kCases = 2000;
constexpr int kStringCases = 600;
constexpr int kVariedCases = 400;
constexpr int kAsyncCases = 600;

uint64_t seed_from_env() {
  const char* text = std::getenv("FACT_TEST_SEED");
  if (!text || !*text) return kDefaultSeed;
  return std::strtoull(text, nullptr, 0);
}

bool chance(Rng& rng, double p) { return std::bernoulli_distribution(p)(rng); }

// Text that exercises every path of the string transcoders: each string
// draws from one alphabet (ASCII, Latin-1, BMP, astral, or all of them),
// sometimes after a long ASCII run, so that the Latin-1 and UTF-8 first
// passes stop late or not at all.
std::string varied_text(Rng& rng) {
  static constexpr uint32_t kRanges[][2] = {
      {0x00, 0x7F}, {0x80, 0xFF}, {0x100, 0xD7FF}, {0xE000, 0xFFFF}, {0x10000, 0x10FFFF}};
  const uint32_t alphabet = std::uniform_int_distribution<uint32_t>(0, 4)(rng);
  std::vector<uint32_t> cps;
  if (chance(rng, 0.2)) cps.assign(std::uniform_int_distribution<uint32_t>(16, 80)(rng), 'a');
  const uint32_t n = std::uniform_int_distribution<uint32_t>(0, 24)(rng);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t range = 0;
    switch (alphabet) {
      case 0: range = 0; break;                                                   // ASCII
      case 1: range = chance(rng, 0.5); break;                                    // Latin-1
      case 2: range = std::uniform_int_distribution<uint32_t>(0, 3)(rng); break;  // BMP
      case 3: range = chance(rng, 0.7) ? 4 : 0; break;                            // mostly astral
      default: range = std::uniform_int_distribution<uint32_t>(0, 4)(rng); break;
    }
    cps.push_back(
        std::uniform_int_distribution<uint32_t>(kRanges[range][0], kRanges[range][1])(rng));
  }
  return encode_utf8(cps);
}

// Replaces the text of every string inside `value` with varied_text.
void respell(Value& value, Rng& rng) {
  if (value.kind == TypeKind::String) value.text = varied_text(rng);
  for (Value& item : value.items) respell(item, rng);
}

// An adapter shape with an async side: (lower async, lift async, callback).
struct AsyncShape {
  bool lower_async, lift_async, callback;
};
constexpr AsyncShape kAsyncShapes[] = {
    {true, true, true},   {true, true, false},  {false, true, true},
    {false, true, false}, {true, false, false},
};

// Runs `cases` random round trips; `strings` adds string, list and map types
// and random string encodings per side, `varied` gives the strings
// varied_text, and `async` makes the function types async and picks one of
// the async adapter shapes for each case.
void run_random_cases(int cases, bool strings, bool varied = false, bool async = false) {
  const uint64_t seed = seed_from_env();
  std::cout << "FACT_TEST_SEED=" << seed << "\n";
  auto started = std::chrono::steady_clock::now();
  // Every case runs; the first few failures are described in full.
  constexpr int kDescribed = 5;
  int failures = 0;
  auto fail = [&](const std::string& description) {
    if (++failures <= kDescribed) ADD_FAILURE() << description;
  };
  for (int i = 0; i < cases; ++i) {
    // Each case has its own generator, so a failing case can be replayed
    // alone from the printed seed and index.
    Rng rng(seed ^ (0x9E3779B97F4A7C15ull * static_cast<uint64_t>(i + 1)) ^ (strings ? 0x5757 : 0) ^
            (varied ? 0x7E77 : 0) ^ (async ? 0xA5A5 : 0));
    TypeStore types;
    RandomTypeOptions options;
    options.max_depth = 4 + i % 2;
    options.strings_and_lists = strings;
    RandomTypes gen(types, rng, options);
    FuncTypeId f = gen.func_type(6);
    if (async) {
      FuncType async_type = types.get(f);
      async_type.is_async = true;
      f = types.func(std::move(async_type));
    }
    const FuncType& ft = types.get(f);
    HarnessConfig config;
    config.lower.memory64 = chance(rng, 0.5);
    config.lift.memory64 = chance(rng, 0.5);
    config.post_return = chance(rng, 0.3);
    config.module.debug = chance(rng, 0.2);
    config.module.concurrency_support = chance(rng, 0.8);
    if (async) {
      const AsyncShape shape = kAsyncShapes[rng() % std::size(kAsyncShapes)];
      config.lower_async = shape.lower_async;
      config.lift_async = shape.lift_async;
      config.callback = shape.callback;
      config.post_return = config.post_return && !shape.lift_async;
      config.module.concurrency_support = true;
    }
    if (strings) {
      config.lower.encoding = static_cast<StringEncoding>(rng() % 3);
      config.lift.encoding = static_cast<StringEncoding>(rng() % 3);
    }

    std::vector<Value> args;
    std::vector<TypeId> param_types;
    for (const Param& p : ft.params) {
      args.push_back(random_value(types, p.type, rng));
      param_types.push_back(p.type);
    }
    std::optional<Value> result;
    if (ft.result) result = random_value(types, *ft.result, rng);
    if (varied) {
      for (Value& a : args) respell(a, rng);
      if (result) respell(*result, rng);
    }

    const std::string what =
        "seed " + std::to_string(seed) + " case " + std::to_string(i) + ": " + to_string(types, f) +
        (config.lower.memory64 ? " [caller memory64]" : "") +
        (config.lift.memory64 ? " [callee memory64]" : "") +
        (config.post_return ? " [post-return]" : "") + (config.module.debug ? " [debug]" : "") +
        (config.module.concurrency_support ? "" : " [no concurrency]") +
        (config.lower_async ? " [async lower]" : "") +
        (config.lift_async ? (config.callback ? " [callback lift]" : " [stackful lift]") : "") +
        (strings ? std::string(" [") + string_encoding_name(config.lower.encoding) + " -> " +
                       string_encoding_name(config.lift.encoding) + "]"
                 : "") +
        "\n  args " + to_wave(types, param_types, args) +
        (result ? "\n  result " + to_wave(types, *ft.result, *result) : "");
    auto h = AdapterHarness::create(types, f, f, config);
    if (!h) {
      fail(what + "\n  harness: " + h.error().message);
      continue;
    }
    if (result) (*h)->set_callee_result(*result);
    CallResult r = (*h)->call(args);
    // An async caller gets RETURNED: the callee returns without blocking.
    const bool status_ok = !config.lower_async ||
                           (r.core_results.size() == 1 && r.core_results[0] == wasm::Val::i32(2));
    bool ok = !r.trap && (*h)->received() && (*h)->received()->ok() &&
              (*h)->received()->value() == args && !r.lift_error && r.result == result &&
              status_ok &&
              (!config.post_return || (*h)->post_return_args() == (*h)->callee_raw_results());
    if (!ok) {
      std::string detail;
      if (r.trap) detail += "\n  trapped: " + *r.trap;
      if (r.lift_error) detail += "\n  result not liftable: " + *r.lift_error;
      if ((*h)->received() && (*h)->received()->ok()) {
        detail += "\n  callee got " + to_wave(types, param_types, (*h)->received()->value());
      } else if ((*h)->received()) {
        detail += "\n  callee got unliftable params: " + (*h)->received()->error().message;
      } else if (!r.trap) {
        detail += "\n  callee was not called";
      }
      if (r.result && ft.result)
        detail += "\n  caller got " + to_wave(types, *ft.result, *r.result);
      if (config.post_return && (*h)->post_return_args() != (*h)->callee_raw_results()) {
        detail += "\n  post-return args differ from the callee's results";
      }
      if (!status_ok) detail += "\n  the async call's status is not RETURNED";
      fail(what + detail);
    }
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << cases << " cases in " << seconds << " s\n";
  EXPECT_EQ(failures, 0) << failures << " of " << cases << " cases failed (seed " << seed
                         << "; the first " << kDescribed << " are described above)";
}

TEST(AdapterRandom, RoundTrips) { run_random_cases(kCases, false); }

TEST(AdapterRandom, RoundTripsWithStringsListsAndMaps) { run_random_cases(kStringCases, true); }

TEST(AdapterRandom, RoundTripsWithVariedText) {
  run_random_cases(kVariedCases, true, /*varied=*/true);
}

TEST(AdapterRandom, AsyncRoundTrips) {
  run_random_cases(kAsyncCases, true, /*varied=*/false, /*async=*/true);
}

}  // namespace
}  // namespace fact::test
