// libFuzzer target: a differential fact-valid-module. The input chooses a
// random function type (scalars, records, variants, strings, lists, maps,
// fixed-length lists, nested to depth 5), the options of both sides (memory
// widths, string encodings, post-return, async shapes, concurrency
// support, debug checks) and random values for its parameters and result.
// The adapter is compiled, validated, and run in the tests' harness between
// a caller that lowers the arguments with the reference Canonical ABI and a
// callee that lifts them with it: the callee must receive exactly the
// arguments and the caller exactly the result, without a trap.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <vector>

#include "fact/types.h"
#include "support/harness.h"
#include "support/random.h"

namespace {

using namespace fact;
using namespace fact::test;

// The async adapter shapes (lower async, lift async, callback).
struct AsyncShape {
  bool lower_async, lift_async, callback;
};
constexpr AsyncShape kAsyncShapes[] = {
    {true, true, true},   {true, true, false},  {false, true, true},
    {false, true, false}, {true, false, false},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The first byte chooses the options, the rest seeds the types and values.
  if (size < 2) return 0;
  const uint8_t choice = data[0];
  uint64_t seed = 0xcbf29ce484222325ull;  // FNV-1a of the rest
  for (size_t i = 1; i < size; ++i) seed = (seed ^ data[i]) * 0x100000001b3ull;
  Rng rng(seed);

  TypeStore types;
  RandomTypeOptions type_options;
  type_options.max_depth = 4 + (choice & 1);
  type_options.strings_and_lists = (choice & 2) != 0;
  RandomTypes gen(types, rng, type_options);
  FuncTypeId f = gen.func_type(6);
  const bool async = (choice & 4) != 0;
  if (async) {
    FuncType async_type = types.get(f);
    async_type.is_async = true;
    f = types.func(std::move(async_type));
  }
  const FuncType& ft = types.get(f);

  HarnessConfig config;
  config.lower.memory64 = (choice & 8) != 0;
  config.lift.memory64 = (choice & 16) != 0;
  config.post_return = (choice & 32) != 0;
  config.module.debug = (choice & 64) != 0;
  config.module.concurrency_support = (choice & 128) == 0 || async;
  if (async) {
    const AsyncShape shape = kAsyncShapes[rng() % std::size(kAsyncShapes)];
    config.lower_async = shape.lower_async;
    config.lift_async = shape.lift_async;
    config.callback = shape.callback;
    config.post_return = config.post_return && !shape.lift_async;
  }
  if (type_options.strings_and_lists) {
    config.lower.encoding = static_cast<StringEncoding>(rng() % 3);
    config.lift.encoding = static_cast<StringEncoding>(rng() % 3);
  }

  std::vector<Value> args;
  for (const Param& p : ft.params) args.push_back(random_value(types, p.type, rng));
  std::optional<Value> result;
  if (ft.result) result = random_value(types, *ft.result, rng);

  auto fail = [&](const char* what, const std::string& detail) {
    std::cerr << what << ": " << to_string(types, f) << "\n  " << detail << "\n";
    std::abort();
  };
  auto h = AdapterHarness::create(types, f, f, config);
  if (!h) fail("the adapter was not built", h.error().message);
  if (result) (*h)->set_callee_result(*result);
  CallResult r = (*h)->call(args);
  if (r.trap) fail("the call trapped", *r.trap);
  if (!(*h)->received() || !(*h)->received()->ok()) fail("the callee got no arguments", "");
  if ((*h)->received()->value() != args) fail("the callee got other arguments", "");
  if (r.lift_error) fail("the result cannot be lifted", *r.lift_error);
  if (r.result != result) fail("the caller got another result", "");
  if (config.lower_async &&
      !(r.core_results.size() == 1 && r.core_results[0] == wasm::Val::i32(2))) {
    fail("the async call did not return RETURNED", "");
  }
  if (config.post_return && (*h)->post_return_args() != (*h)->callee_raw_results()) {
    fail("post-return got other values than the callee returned", "");
  }
  return 0;
}
