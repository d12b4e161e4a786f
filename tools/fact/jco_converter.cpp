#include "jco_converter.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <thread>

extern char** environ;

namespace fact::tool {
namespace {

namespace fs = std::filesystem;

constexpr const char* kInstallHint =
    "install jco with `npm install -g @bytecodealliance/jco`, or name its command with --jco or "
    "the FACT_JCO "
    "environment variable (e.g. --jco 'node /path/to/jco')";

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// A scratch directory, removed with everything in it.
class ScratchDir {
 public:
  static Expected<ScratchDir> create() {
    std::error_code ec;
    fs::path base = fs::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string pattern = (base / "fact-wast-XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
      return Error{"cannot create a scratch directory in " + base.string() + ": " +
                   std::strerror(errno)};
    }
    return ScratchDir(pattern);
  }
  ScratchDir(ScratchDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  explicit ScratchDir(fs::path path) : path_(std::move(path)) {}
  fs::path path_;
};

std::optional<std::string> read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// What one conversion came to: bytes, a conversion error, or (`spawn_errno`)
// the command could not be started at all.
struct Conversion {
  std::optional<std::vector<uint8_t>> bytes;
  std::string error;
  int spawn_errno = 0;
  bool tool_missing = false;  // Node started, but the jco script is not there
};

Conversion convert_one(const std::vector<std::string>& command,
                       const std::vector<std::string>& environment, const fs::path& dir,
                       size_t index, const std::string& text) {
  const fs::path in = dir / ("component-" + std::to_string(index) + ".wat");
  const fs::path out = dir / ("component-" + std::to_string(index) + ".wasm");
  const fs::path log = dir / ("component-" + std::to_string(index) + ".log");
  {
    std::ofstream file(in, std::ios::binary);
    file << text;
    if (!file.flush()) return {std::nullopt, "cannot write " + in.string(), 0};
  }
  std::vector<std::string> args = command;
  args.insert(args.end(), {"parse", in.string(), "-o", out.string()});
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = environment;
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return {std::nullopt, std::strerror(spawned), spawned};
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return {std::nullopt, std::string("waiting for jco: ") + std::strerror(errno), 0};
  }
  const std::string output = read_all(log).value_or("");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const std::string summary = jco_error_summary(output);
    if (summary.starts_with("Error: Cannot find module")) return {std::nullopt, summary, 0, true};
    if (WIFSIGNALED(status))
      return {std::nullopt, "jco was killed by signal " + std::to_string(WTERMSIG(status)), 0};
    return {std::nullopt,
            summary.empty() ? "jco failed with exit status " + std::to_string(WEXITSTATUS(status))
                            : summary,
            0};
  }
  auto bytes = read_all(out);
  if (!bytes) return {std::nullopt, "jco wrote no output file", 0};
  return {std::vector<uint8_t>(bytes->begin(), bytes->end()), "", 0};
}

// The text between `open` and the next `close` after it, if `open` occurs.
std::optional<std::string> between(const std::string& text, const std::string& open,
                                   const std::string& close) {
  const size_t start = text.find(open);
  if (start == std::string::npos) return std::nullopt;
  const size_t end = text.find(close, start + open.size());
  if (end == std::string::npos) return std::nullopt;
  return text.substr(start + open.size(), end - start - open.size());
}

// The Rust debug-printed string literal that starts right after `open`,
// unescaped.
std::optional<std::string> quoted_after(const std::string& text, const std::string& open) {
  const size_t start = text.find(open);
  if (start == std::string::npos) return std::nullopt;
  std::string out;
  for (size_t i = start + open.size(); i < text.size(); ++i) {
    if (text[i] == '"') return out;
    if (text[i] == '\\' && i + 1 < text.size()) {
      ++i;
      out += text[i] == 'n' ? '\n' : text[i] == 't' ? '\t' : text[i];
    } else {
      out += text[i];
    }
  }
  return std::nullopt;
}

// The environment of jco: ours, plus WAST_STRICT_COMPONENT_INDICES=0 unless
// set, since the Component Model's test suite still writes references such
// as `(memory $i "mem")` that newer wasm-tools only accepts with it.
std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  bool strictness_set = false;
  for (char** e = environ; e && *e; ++e) {
    env.emplace_back(*e);
    if (env.back().starts_with("WAST_STRICT_COMPONENT_INDICES=")) strictness_set = true;
  }
  if (!strictness_set) env.emplace_back("WAST_STRICT_COMPONENT_INDICES=0");
  return env;
}

}  // namespace

std::vector<std::string> jco_command(const std::optional<std::string>& option) {
  std::string text = "jco";
  if (option) {
    text = *option;
  } else if (const char* env = std::getenv("FACT_JCO"); env && *env) {
    text = env;
  }
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

std::string jco_error_summary(const std::string& output) {
  // jco's own report, else Node's first error line, else the first line.
  std::istringstream in(output);
  std::string first, error_line, jco_line;
  for (std::string l; std::getline(in, l);) {
    if (l.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (first.empty()) first = l;
    if (jco_line.empty() && l.starts_with("(jco parse) ")) jco_line = l;
    const size_t colon = l.find(": ");
    if (error_line.empty() && colon != std::string::npos && l.substr(0, colon).ends_with("Error"))
      error_line = l;
  }
  std::string line = !jco_line.empty() ? jco_line : !error_line.empty() ? error_line : first;
  if (line.starts_with("(jco parse) ")) line = line.substr(12);
  std::optional<std::string> message = quoted_after(line, "kind: Custom(\"");
  if (!message) message = between(line, "kind: Lex(", ")");
  if (!message) return line.size() > 500 ? line.substr(0, 500) + "..." : line;
  const std::string& unescaped = *message;
  // wasm-tools counts lines and columns from 0.
  const auto line_no = between(line, "line: ", ",");
  const auto column = between(line, "col: ", ",");
  if (line_no && column) {
    char* end_line = nullptr;
    char* end_column = nullptr;
    const long l = std::strtol(line_no->c_str(), &end_line, 10);
    const long c = std::strtol(column->c_str(), &end_column, 10);
    if (*end_line == '\0' && *end_column == '\0') {
      return "line " + std::to_string(l + 1) + ", column " + std::to_string(c + 1) + ": " +
             unescaped;
    }
  }
  return unescaped;
}

wast::TextConverter jco_converter(std::vector<std::string> command) {
  return [command = std::move(command)](const std::vector<std::string>& texts)
             -> Expected<std::vector<Expected<std::vector<uint8_t>>>> {
    if (texts.empty()) return std::vector<Expected<std::vector<uint8_t>>>();
    if (command.empty()) return Error{"the jco command is empty; " + std::string(kInstallHint)};
    const std::vector<std::string> environment = child_environment();
    auto dir = ScratchDir::create();
    if (!dir) return dir.error();
    std::vector<Conversion> outcomes(texts.size());
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t i = next++; i < texts.size(); i = next++) {
        outcomes[i] = convert_one(command, environment, dir->path(), i, texts[i]);
      }
    };
    const size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, texts.size());
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (std::thread& t : pool) t.join();

    std::vector<Expected<std::vector<uint8_t>>> results;
    for (Conversion& o : outcomes) {
      if (o.spawn_errno || o.tool_missing) {
        const std::string why = o.spawn_errno ? std::strerror(o.spawn_errno) : o.error;
        return Error{"cannot run `" + join(command) + "`: " + why + "; " + kInstallHint};
      }
      if (o.bytes) {
        results.emplace_back(std::move(*o.bytes));
      } else {
        results.emplace_back(Error{o.error});
      }
    }
    return results;
  };
}

}  // namespace fact::tool
