// Runs a component .wast script (run/wast_script.h): components are read,
// compiled and planned by fact (component/adapters.h, component/plan.h),
// instantiated and called in libwabt's interpreter (run/component_runner.h),
// and every assertion is checked. Text components are turned into binaries
// by a converter the caller supplies (`fact wast` runs wasm-tools' parser
// through jco), all at once before the script runs, so that this file has no
// process handling and tests can run scripts of binary components alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "fact/error.h"
#include "fact/wast/script.h"

namespace fact::wast {

// Converts component texts to binaries: one result per text, in order. The
// outer error means that nothing could be converted (the converter is
// missing); an inner one that this text was rejected.
using TextConverter = std::function<Expected<std::vector<Expected<std::vector<uint8_t>>>>(
    const std::vector<std::string>& texts)>;

struct WastRunOptions {
  std::string path;      // names the script in the output lines
  bool verbose = false;  // also print each directive as it runs, and notes
};

struct WastTally {
  size_t passed = 0;  // assertions that held
  size_t failed = 0;  // assertions that did not, and other directives that failed
};

// Runs `script`, writing one line per failure to `out`:
//   PATH:LINE:COLUMN: DIRECTIVE: what went wrong
// Fails only when the script has text components and `convert` cannot run
// at all (or is empty).
Expected<WastTally> run_wast_script(const WastScript& script, const TextConverter& convert,
                                    const WastRunOptions& options, std::ostream& out);

}  // namespace fact::wast
