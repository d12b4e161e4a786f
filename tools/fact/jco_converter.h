// Component text to binary with wasm-tools' parser as jco ships it:
// `JCO parse IN.wat -o OUT.wasm` for each text, several processes at once,
// in a scratch directory. Used by `fact wast` for the text components of
// .wast scripts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fact/wast/runner.h"

namespace fact::tool {

// The jco command line: `option` (from --jco), else the FACT_JCO
// environment variable, else `jco` on PATH; split on spaces, so that
// `node /path/to/jco` works.
std::vector<std::string> jco_command(const std::optional<std::string>& option);

// A converter running `command`. Its outer error says how to install jco
// when the command cannot be started.
wast::TextConverter jco_converter(std::vector<std::string> command);

// The useful part of what jco printed when it failed: wasm-tools' message
// and its line and column when they can be found, else the first line.
std::string jco_error_summary(const std::string& output);

}  // namespace fact::tool
