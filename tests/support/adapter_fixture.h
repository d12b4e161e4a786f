// What the end-to-end adapter suites share: the four pairs of pointer
// widths they run under, a fixture that parses signatures and builds
// harnesses for the current pair, and the trap assertion.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fact/type_expr.h"
#include "fact/types.h"
#include "support/harness.h"

namespace fact::test {

// Whether the caller's (lower) and the callee's (lift) memories are 64-bit.
struct Widths {
  bool lower64;
  bool lift64;
};

// "caller32_callee64", ...: test names for INSTANTIATE_TEST_SUITE_P.
std::string widths_name(const ::testing::TestParamInfo<Widths>& info);

// Every pair, for INSTANTIATE_TEST_SUITE_P(Widths, Suite, all_widths(), widths_name).
inline auto all_widths() {
  return ::testing::Values(Widths{false, false}, Widths{true, true}, Widths{false, true},
                           Widths{true, false});
}

// A pointer of the given width.
inline Val ptr(bool memory64, uint64_t v) { return Val{memory64 ? ValType::I64 : ValType::I32, v}; }

// A suite over Widths with its own type store.
class AdapterTest : public ::testing::TestWithParam<Widths> {
 protected:
  bool lower64() const { return GetParam().lower64; }
  bool lift64() const { return GetParam().lift64; }
  Val caller_ptr(uint64_t v) const { return ptr(lower64(), v); }
  Val callee_ptr(uint64_t v) const { return ptr(lift64(), v); }

  // A function type in the fixture's store; a parse error fails the test.
  FuncTypeId func(std::string_view text);
  TypeId type(std::string_view text);

  // The harness configuration of the current widths.
  HarnessConfig config() const;

  // A harness for an adapter between two sides of type `text`; a failure
  // fails the test and gives null.
  std::unique_ptr<AdapterHarness> make(std::string_view text, const HarnessConfig& c);
  std::unique_ptr<AdapterHarness> make(std::string_view text) { return make(text, config()); }

  // Sends `args`, has the callee answer `result`, and checks that both
  // arrive unchanged and that both instances may leave again afterwards.
  void round_trip(AdapterHarness& h, const std::vector<Value>& args,
                  const std::optional<Value>& result);

  TypeStore types_;
  ResourceNames names_;
};

}  // namespace fact::test

// The call trapped with the trap of `code` (the adapter's runtime.trap{code}).
#define EXPECT_TRAP(result, code)                                                              \
  do {                                                                                         \
    const ::fact::test::CallResult& r_ = (result);                                             \
    ASSERT_TRUE(r_.trap.has_value()) << "no trap; expected " << ::fact::test::trap_text(code); \
    EXPECT_TRUE(::fact::test::is_trap(r_.trap, code))                                          \
        << *r_.trap << "\n  expected: " << ::fact::test::trap_text(code);                      \
  } while (0)
