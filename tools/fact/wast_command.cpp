#include "wast_command.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "fact/wast/runner.h"
#include "fact/wast/script.h"
#include "input.h"
#include "jco_converter.h"

namespace fact::tool {

CLI::App* add_wast_command(CLI::App& app, WastCommandOptions& options) {
  CLI::App* command = app.add_subcommand(
      "wast",
      "Run component .wast scripts (the Component Model test suite's format): one line per failing "
      "assertion, then 'N passed, N failed'; exit status 1 when anything failed");
  command->add_option("FILE", options.scripts, "The scripts ('-': standard input)")->required();
  command
      ->add_option(
          "--jco", options.jco,
          "The command that converts component text to binary as 'CMD parse IN.wat -o OUT.wasm', "
          "split on spaces (default: $FACT_JCO, else 'jco')")
      ->option_text("'CMD'");
  command->add_flag(
      "-v,--verbose", options.verbose,
      "Print each directive as it runs, and where a rejection's message differs from the "
      "expected one");
  return command;
}

Outcome run_wast_command(const WastCommandOptions& options) {
  const wast::TextConverter convert = jco_converter(jco_command(options.jco));
  wast::WastTally total;
  for (const std::string& path : options.scripts) {
    std::vector<uint8_t> bytes;
    if (auto failed = read_input_file(path, bytes)) {
      std::cout << path << ": " << failed->message << "\n";
      ++total.failed;
      continue;
    }
    const std::string text(bytes.begin(), bytes.end());
    auto script = wast::parse_wast_script(text);
    if (!script) {
      // The message starts with LINE:COLUMN.
      std::cout << path << ":" << script.error().message << "\n";
      ++total.failed;
      continue;
    }
    auto tally = wast::run_wast_script(*script, convert, {path, options.verbose}, std::cout);
    if (!tally) return Failure{tally.error().message};
    total.passed += tally->passed;
    total.failed += tally->failed;
  }
  std::cout << total.passed << " passed, " << total.failed << " failed" << std::endl;
  if (!std::cout) return Failure{std::string("cannot write the report: ") + std::strerror(errno)};
  if (total.failed > 0) {
    return Failure{std::to_string(total.failed) + (total.failed == 1 ? " failure" : " failures") +
                   " in " + std::to_string(options.scripts.size()) +
                   (options.scripts.size() == 1 ? " script" : " scripts")};
  }
  return std::nullopt;
}

}  // namespace fact::tool
