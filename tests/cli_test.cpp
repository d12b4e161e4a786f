// The `fact` command-line tool, run as a separate process: help and version,
// `fact adapter` on every type family, output destinations, error messages
// and exit codes. The memory/realloc rule of the tool is also tested
// directly, since its effect on the output is only partly visible.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "fact/engine/modules.h"
#include "fact/type_expr.h"
#include "support/tool_test.h"

namespace fact {
namespace {

namespace fs = std::filesystem;

using test::read_file;
using test::ToolRun;
using CliTest = test::ToolTest;

// Signatures that use one type family each, or one ABI situation.
const char* const kSignatures[] = {
    "func()",
    "func(a: bool, b: s8, c: u8, d: s16, e: u16, f: s32, g: u32, h: s64, i: u64) -> u64",
    "func(a: f32, b: f64, c: char) -> f32",
    "func(a: u32) -> char",
    "func(s: string) -> string",
    "func(l: list<u32>) -> list<list<u8>>",
    "func(x: list<u8, 4>) -> list<u32, 2>",
    "func(m: map<string, u32>) -> map<u8, list<u8>>",
    "func(r: record { x: f32, y: f32 }) -> record { a: u8, b: u64 }",
    "func(t: tuple<u8, u16>) -> tuple<u32, u32>",
    "func(v: variant { a, b(u32), c(f64) }) -> variant { x(u8), y(s64) }",
    "func(e: enum { a, b }) -> enum { c }",
    "func(o: option<u32>) -> option<u8>",
    "func(r: result<u32, f32>) -> result",
    "func(r: result<_, u8>) -> result<u64>",
    "func(f: flags { a, b }) -> flags { c, d, e }",
    "func(a: own<r>, b: borrow<r>) -> own<s>",
    "func(f: future<u8>, s: stream) -> future",
    "func(s: stream<string>) -> stream<u8>",
    "func(e: error-context) -> error-context",
    "func(a: u32, b: u32, c: u32, d: u32, e: u32, f: u32, g: u32, h: u32, i: u32, j: u32, k: u32, "
    "l: u32, m: u32, n: u32, o: u32, p: u32, q: u32) -> u32",
    "func(p: record { a: u64, b: string, c: list<u8, 20> }) -> tuple<u8, string>",
    "async func(a: u32) -> u32",
};

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Memory imports of a printed module whose index type is i64.
size_t memory64_imports(const std::string& wat) {
  size_t n = 0;
  size_t start = 0;
  while (start < wat.size()) {
    size_t end = std::min(wat.find('\n', start), wat.size());
    std::string_view line(wat.data() + start, end - start);
    if (line.find("(import \"memory\"") != std::string_view::npos &&
        line.find(" i64 ") != std::string_view::npos) {
      ++n;
    }
    start = end + 1;
  }
  return n;
}

TEST_F(CliTest, HelpAndVersion) {
  ToolRun help = run({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("Usage: fact"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("adapter"), std::string::npos) << help.out;
  EXPECT_EQ(help.err, "");

  ToolRun adapter_help = run({"adapter", "--help"});
  EXPECT_EQ(adapter_help.exit_code, 0);
  for (const char* option :
       {"SIGNATURE", "-o,--output", "-t,--text", "--name", "--lift-string-encoding",
        "--lower-string-encoding", "latin1+utf16", "--lift-memory64", "--lower-memory64",
        "--lift-post-return", "--lift-async", "--lower-async", "--lift-callback",
        "--no-concurrency", "--debug"}) {
    EXPECT_NE(adapter_help.out.find(option), std::string::npos) << option;
  }

  ToolRun version = run({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_TRUE(version.out.starts_with("fact ")) << version.out;
  EXPECT_GT(version.out.size(), std::string("fact \n").size());
}

TEST_F(CliTest, UsageErrors) {
  ToolRun none = run({});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_TRUE(none.err.starts_with("fact: error: ")) << none.err;

  ToolRun unknown_command = run({"adapt", "func()"});
  EXPECT_EQ(unknown_command.exit_code, 1);
  EXPECT_TRUE(unknown_command.err.starts_with("fact: error: ")) << unknown_command.err;

  ToolRun unknown_option = run({"adapter", "func()", "--bogus"});
  EXPECT_EQ(unknown_option.exit_code, 1);
  EXPECT_TRUE(unknown_option.err.starts_with("fact: error: ")) << unknown_option.err;
  EXPECT_NE(unknown_option.err.find("--bogus"), std::string::npos) << unknown_option.err;

  ToolRun no_signature = run({"adapter"});
  EXPECT_EQ(no_signature.exit_code, 1);
  EXPECT_NE(no_signature.err.find("SIGNATURE"), std::string::npos) << no_signature.err;

  ToolRun encoding = run({"adapter", "func()", "--lift-string-encoding=utf9"});
  EXPECT_EQ(encoding.exit_code, 1);
  EXPECT_TRUE(encoding.err.starts_with("fact: error: ")) << encoding.err;
  EXPECT_NE(encoding.err.find("utf9"), std::string::npos) << encoding.err;

  ToolRun empty_name = run({"adapter", "func()", "--name", ""});
  EXPECT_EQ(empty_name.exit_code, 1);
  EXPECT_EQ(empty_name.err, "fact: error: --name must not be empty\n");

  ToolRun bad_name = run({"adapter", "func()", "--name", "\xFF"});
  EXPECT_EQ(bad_name.exit_code, 1);
  EXPECT_EQ(bad_name.err, "fact: error: --name must be valid UTF-8\n");
}

TEST_F(CliTest, SignatureErrorsPointAtTheColumn) {
  ToolRun comma = run({"adapter", "func(a: list<,u8>)"});
  EXPECT_EQ(comma.exit_code, 1);
  EXPECT_EQ(comma.err,
            "fact: error: invalid signature: column 14: expected a type, found ','\n"
            "  func(a: list<,u8>)\n"
            "               ^\n");
  EXPECT_EQ(comma.out, "");

  ToolRun unclosed = run({"adapter", "func(a: list<u8>) -> list<u32"});
  EXPECT_EQ(unclosed.exit_code, 1);
  EXPECT_EQ(unclosed.err,
            "fact: error: invalid signature: column 30: expected '>' to close 'list<', found end "
            "of input\n"
            "  func(a: list<u8>) -> list<u32\n"
            "                               ^\n");

  ToolRun unknown = run({"adapter", "func(a: u33)"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_TRUE(
      unknown.err.starts_with("fact: error: invalid signature: column 9: unknown type 'u33'\n"))
      << unknown.err;

  ToolRun trailing = run({"adapter", "func() -> u8 extra"});
  EXPECT_EQ(trailing.exit_code, 1);
  EXPECT_TRUE(trailing.err.starts_with(
      "fact: error: invalid signature: column 14: expected end of input, found 'extra'\n"))
      << trailing.err;

  ToolRun zero = run({"adapter", "func(a: list<u8, 0>)"});
  EXPECT_EQ(zero.exit_code, 1);
  EXPECT_TRUE(zero.err.starts_with(
      "fact: error: invalid signature: column 18: list length must be at least 1\n"))
      << zero.err;

  // Without a caret when the signature spans lines.
  ToolRun lines = run({"adapter", "func(\n  a: u33)"});
  EXPECT_EQ(lines.exit_code, 1);
  EXPECT_EQ(lines.err, "fact: error: invalid signature: column 12: unknown type 'u33'\n");
}

TEST_F(CliTest, TypeRuleViolationsAreReported) {
  for (const char* signature :
       {"func(f: flags { a, a })", "func(a: u8, a: u8)", "func(r: record { x: u8, x: u8 })"}) {
    ToolRun result = run({"adapter", signature});
    EXPECT_EQ(result.exit_code, 1) << signature;
    EXPECT_TRUE(result.err.starts_with("fact: error: invalid signature: ")) << result.err;
  }
}

TEST_F(CliTest, AsyncOptionsCompileEveryShape) {
  const std::vector<std::vector<std::string>> shapes = {
      {"--lower-async", "--lift-async", "--lift-callback"},
      {"--lower-async", "--lift-async"},
      {"--lift-async", "--lift-callback"},
      {"--lift-async"},
      {"--lower-async", "--lift-post-return"},
  };
  for (const std::vector<std::string>& flags : shapes) {
    std::vector<std::string> args{"adapter", "async func(a: u32, s: string) -> string", "-t"};
    args.insert(args.end(), flags.begin(), flags.end());
    ToolRun result = run(args);
    EXPECT_EQ(result.exit_code, 0) << flags.front() << ": " << result.err;
    EXPECT_NE(result.out.find("[prepare-call]adapter"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("(export \"[async-start]adapter\""), std::string::npos);
  }
}

TEST_F(CliTest, InconsistentAsyncOptionsAreRejected) {
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"func(a: u32)", "--lift-async"},
       "canon lift: the `async` canonical option requires an async function type"},
      {{"async func(a: u32)", "--lift-callback"},
       "canon lift: canonical option `callback` requires `async`"},
      {{"async func(a: u32)", "--lift-async", "--lift-post-return"},
       "canon lift: canonical option `post-return` cannot be used with `async`"},
      {{"async func(a: u32)", "--lower-async", "--no-concurrency"}, "concurrency support"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args{"adapter"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    ToolRun result = run(args);
    EXPECT_EQ(result.exit_code, 1) << c.says;
    EXPECT_NE(result.err.find(c.says), std::string::npos) << result.err;
    EXPECT_EQ(result.out, "");
  }
}

TEST_F(CliTest, EveryTypeFamilyCompilesToAValidModule) {
  for (const char* signature : kSignatures) {
    SCOPED_TRACE(signature);
    fs::path out = dir / "out.wasm";
    fs::remove(out);
    ToolRun binary = run({"adapter", signature, "-o", out.string()});
    ASSERT_EQ(binary.exit_code, 0) << binary.err;
    EXPECT_EQ(binary.out, "");
    EXPECT_EQ(binary.err, "");
    std::string bytes = read_file(out);
    ASSERT_GE(bytes.size(), 8u);
    EXPECT_EQ(bytes.substr(0, 4), std::string("\0asm", 4));
    auto valid = engine::validate_module(
        std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    EXPECT_TRUE(valid.ok()) << valid.error().message;

    ToolRun text = run({"adapter", signature, "-t", "--name", "my-adapter"});
    ASSERT_EQ(text.exit_code, 0) << text.err;
    EXPECT_TRUE(text.out.starts_with("(module")) << text.out;
    EXPECT_NE(text.out.find("(export \"my-adapter\""), std::string::npos) << text.out;
    auto assembled = engine::wat_to_module(text.out);
    EXPECT_TRUE(assembled.ok()) << assembled.error().message;

    // Every option that the compiler accepts today, at once.
    fs::remove(out);
    ToolRun all =
        run({"adapter", signature, "-o", out.string(), "--debug", "--no-concurrency",
             "--lift-post-return", "--lift-memory64", "--lower-string-encoding", "latin1+utf16"});
    ASSERT_EQ(all.exit_code, 0) << all.err;
    bytes = read_file(out);
    valid = engine::validate_module(
        std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    EXPECT_TRUE(valid.ok()) << valid.error().message;
  }
}

TEST_F(CliTest, StringEncodingsAndMemoryWidthsCombine) {
  const char* signature = "func(s: string, l: list<string>) -> option<string>";
  const char* encodings[] = {"utf8", "utf16", "latin1+utf16"};
  fs::path out = dir / "out.wasm";
  for (const char* lift : encodings) {
    for (const char* lower : encodings) {
      for (int widths = 0; widths < 4; ++widths) {
        std::vector<std::string> args{"adapter",
                                      signature,
                                      "-o",
                                      out.string(),
                                      "--lift-string-encoding",
                                      lift,
                                      "--lower-string-encoding",
                                      lower};
        if (widths & 1) args.push_back("--lift-memory64");
        if (widths & 2) args.push_back("--lower-memory64");
        SCOPED_TRACE(std::string(lift) + " -> " + lower + ", widths " + std::to_string(widths));
        fs::remove(out);
        ToolRun result = run(args);
        ASSERT_EQ(result.exit_code, 0) << result.err;
        std::string bytes = read_file(out);
        auto valid = engine::validate_module(
            std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
        EXPECT_TRUE(valid.ok()) << valid.error().message;
      }
    }
  }
}

TEST_F(CliTest, OptionsReachTheModule) {
  const char* signature = "func(a: u32, b: f64) -> u32";
  for (const std::vector<std::string>& options : std::vector<std::vector<std::string>>{
           {"--debug"},
           {"--no-concurrency"},
           {"--lift-post-return"},
           {"--lift-memory64", "--lower-memory64"},
           {"--lift-string-encoding", "utf16", "--lower-string-encoding=latin1+utf16"}}) {
    std::vector<std::string> args{"adapter", signature, "-t"};
    args.insert(args.end(), options.begin(), options.end());
    ToolRun result = run(args);
    EXPECT_EQ(result.exit_code, 0) << options[0] << ": " << result.err;
    EXPECT_TRUE(result.out.starts_with("(module")) << options[0];
  }
  // Wasmtime's import names (docs/import-abi.md): the post-return function
  // is imported as post_return.<name>; sync-call bracketing is imported from
  // "async" only with concurrency support.
  ToolRun post_return = run({"adapter", signature, "-t", "--lift-post-return", "--name", "f"});
  EXPECT_NE(post_return.out.find("(import \"post_return\" \"f\""), std::string::npos)
      << post_return.out;
  ToolRun plain = run({"adapter", signature, "-t"});
  EXPECT_EQ(plain.out.find("(import \"post_return\""), std::string::npos) << plain.out;
  EXPECT_NE(plain.out.find("(import \"async\""), std::string::npos) << plain.out;
  ToolRun no_concurrency = run({"adapter", signature, "-t", "--no-concurrency"});
  EXPECT_EQ(no_concurrency.out.find("(import \"async\""), std::string::npos) << no_concurrency.out;
}

TEST_F(CliTest, MemoriesAndReallocsFollowTheCanonicalAbi) {
  const std::string many =
      "func(a: u32, b: u32, c: u32, d: u32, e: u32, f: u32, g: u32, h: u32, i: u32, j: u32, "
      "k: u32, l: u32, m: u32, n: u32, o: u32, p: u32, q: u32)";
  struct Expectation {
    std::string signature;
    std::vector<std::string> options;
    size_t memories, memories64, reallocs;
  };
  const Expectation cases[] = {
      {"func(a: u32) -> u32", {}, 0, 0, 0},
      {"func(x: list<u8, 16>) -> list<u8, 1>", {}, 0, 0, 0},
      {"func(x: list<u8, 17>)", {}, 2, 0, 1},
      {many, {}, 2, 0, 1},
      {many, {"--lift-memory64"}, 2, 1, 1},
      {"func() -> tuple<u32, u32>", {}, 2, 0, 0},
      {"func() -> tuple<u32, u32>", {"--lower-memory64", "--lift-memory64"}, 2, 2, 0},
      {"func(s: string)", {}, 2, 0, 1},
      {"func() -> string", {}, 2, 0, 1},
      {"func(s: list<u8>) -> option<string>", {}, 2, 0, 2},
  };
  for (const Expectation& expected : cases) {
    SCOPED_TRACE(expected.signature);
    std::vector<std::string> args{"adapter", expected.signature, "-t"};
    args.insert(args.end(), expected.options.begin(), expected.options.end());
    ToolRun result = run(args);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(count(result.out, "(import \"memory\""), expected.memories) << result.out;
    EXPECT_EQ(memory64_imports(result.out), expected.memories64) << result.out;
    EXPECT_EQ(count(result.out, "(import \"realloc\""), expected.reallocs) << result.out;
  }
}

TEST_F(CliTest, OutputDestinations) {
  const char* signature = "func(a: u32) -> u32";
  fs::path file = dir / "a.wasm";
  ASSERT_EQ(run({"adapter", signature, "-o", file.string()}).exit_code, 0);
  std::string from_file = read_file(file);
  ASSERT_FALSE(from_file.empty());

  // Standard output when it is not a terminal: with no -o and with -o -.
  fs::path redirected = dir / "redirected.wasm";
  ToolRun no_o = run({"adapter", signature}, redirected.string());
  EXPECT_EQ(no_o.exit_code, 0) << no_o.err;
  EXPECT_EQ(read_file(redirected), from_file);
  ToolRun dash = run({"adapter", signature, "-o", "-"}, redirected.string());
  EXPECT_EQ(dash.exit_code, 0) << dash.err;
  EXPECT_EQ(read_file(redirected), from_file);

  fs::path wat = dir / "a.wat";
  ToolRun text = run({"adapter", signature, "-t", "-o", wat.string()});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out, "");
  std::string wat_text = read_file(wat);
  EXPECT_TRUE(wat_text.starts_with("(module")) << wat_text;
  EXPECT_EQ(run({"adapter", signature, "-t"}).out, wat_text);
  auto assembled = engine::wat_to_module(wat_text);
  ASSERT_TRUE(assembled.ok()) << assembled.error().message;

  ToolRun unwritable = run({"adapter", signature, "-o", (dir / "missing" / "a.wasm").string()});
  EXPECT_EQ(unwritable.exit_code, 1);
  EXPECT_TRUE(unwritable.err.starts_with("fact: error: cannot open '")) << unwritable.err;
}

TEST_F(CliTest, RefusesBinaryOutputToATerminal) {
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0) GTEST_SKIP() << "no pseudo-terminal: " << std::strerror(errno);
  ASSERT_EQ(grantpt(master), 0);
  ASSERT_EQ(unlockpt(master), 0);
  std::string terminal = ptsname(master);
  ToolRun binary = run({"adapter", "func()"}, terminal);
  EXPECT_EQ(binary.exit_code, 1);
  EXPECT_EQ(binary.err,
            "fact: error: refusing to write a binary module to a terminal; use -o FILE, or -t for "
            "text\n");
  close(master);
}

}  // namespace
}  // namespace fact
