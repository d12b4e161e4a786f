// How a command reports that it failed, and the exit codes of the tool.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace fact::tool {

inline constexpr int kExitSuccess = 0;
// Bad input: a signature, an option, something the compiler rejects.
inline constexpr int kExitUsage = 1;
// A bug in fact: for example, it produced a module that does not validate.
inline constexpr int kExitInternal = 2;
// `fact run`: the component trapped (while instantiating or in a call).
inline constexpr int kExitTrap = 3;

struct Failure {
  std::string message;
  int exit_code = kExitUsage;
};

// What a command returns: nothing on success.
using Outcome = std::optional<Failure>;

inline Failure internal_failure(std::string message) {
  return Failure{"internal error: " + std::move(message), kExitInternal};
}

}  // namespace fact::tool
