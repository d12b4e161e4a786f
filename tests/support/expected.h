// Checks of fact::Expected results in tests: must() fails the test (at the
// caller's line) when a result is an error and returns the value;
// expect_trap() wants an error whose message contains a text.
#pragma once

#include <gtest/gtest.h>

#include <source_location>
#include <string>
#include <string_view>
#include <utility>

#include "fact/error.h"

namespace fact::testing {

template <class T>
T must(Expected<T> result, std::source_location where = std::source_location::current()) {
  if (!result) {
    ADD_FAILURE_AT(where.file_name(), static_cast<int>(where.line())) << result.error().message;
    return T{};
  }
  return std::move(result).value();
}

inline void must(Expected<void> result,
                 std::source_location where = std::source_location::current()) {
  if (!result) {
    ADD_FAILURE_AT(where.file_name(), static_cast<int>(where.line())) << result.error().message;
  }
}

template <class T>
void expect_trap(const Expected<T>& result, std::string_view needle,
                 std::source_location where = std::source_location::current()) {
  if (result) {
    ADD_FAILURE_AT(where.file_name(), static_cast<int>(where.line()))
        << "expected a trap containing \"" << needle << "\"";
    return;
  }
  if (result.error().message.find(needle) == std::string::npos) {
    ADD_FAILURE_AT(where.file_name(), static_cast<int>(where.line()))
        << "trap \"" << result.error().message << "\" does not contain \"" << needle << "\"";
  }
}

}  // namespace fact::testing
