// A GoogleTest fixture that runs the built `fact` tool in a scratch
// directory, for the tests of its commands.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fact::test {

struct ToolRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// The tool is FACT_TOOL when set; otherwise the build puts it at <build>/fact
// and the test executables at <build>/tests/.
std::filesystem::path tool_path();

std::string read_file(const std::filesystem::path& path);

class ToolTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Runs the tool with stdin from /dev/null and stdout and stderr captured,
  // or stdout going to `stdout_path` when given.
  ToolRun run(const std::vector<std::string>& args,
              const std::optional<std::string>& stdout_path = std::nullopt);

  std::filesystem::path tool;
  std::filesystem::path dir;  // removed after the test
};

}  // namespace fact::test
