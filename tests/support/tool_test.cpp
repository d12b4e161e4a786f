#include "support/tool_test.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

extern char** environ;

namespace fact::test {

namespace fs = std::filesystem;

fs::path tool_path() {
  if (const char* env = std::getenv("FACT_TOOL"); env && *env) return env;
  return fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "fact";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void ToolTest::SetUp() {
  tool = tool_path();
  ASSERT_TRUE(fs::exists(tool)) << "no fact tool at " << tool << " (set FACT_TOOL)";
  std::string pattern = (fs::temp_directory_path() / "fact-tool-test.XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
  dir = pattern;
}

void ToolTest::TearDown() {
  if (!dir.empty()) fs::remove_all(dir);
}

ToolRun ToolTest::run(const std::vector<std::string>& args,
                      const std::optional<std::string>& stdout_path) {
  fs::path out_path = dir / "stdout", err_path = dir / "stderr";
  std::string out_target = stdout_path.value_or(out_path.string());
  std::string err_target = err_path.string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_target.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_target.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  std::string program = tool.string();
  std::vector<char*> argv{program.data()};
  std::vector<std::string> copies = args;
  for (std::string& arg : copies) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ToolRun result;
  EXPECT_EQ(spawned, 0) << std::strerror(spawned);
  if (spawned != 0) return result;
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status)) << "the tool did not exit normally: status " << status;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (!stdout_path) result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

}  // namespace fact::test
