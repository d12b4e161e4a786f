// `fact run` and `fact plan`, run as a separate process on the component
// fixtures: WAVE results of root exports of every value kind, traps, errors
// and exit codes, and the plan's files.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fact/engine/modules.h"
#include "support/tool_test.h"

namespace fact {
namespace {

namespace fs = std::filesystem;

std::string fixture(const std::string& name) {
  return (fs::path(__FILE__).parent_path() / "fixtures" / "components" / (name + ".wasm")).string();
}

using test::read_file;
using test::ToolRun;

class RunTest : public test::ToolTest {
 protected:
  // `fact run COMPONENT --invoke I1 --invoke I2 ...`
  ToolRun invoke(const std::string& component, const std::vector<std::string>& invocations) {
    std::vector<std::string> args{"run", fixture(component)};
    for (const std::string& i : invocations) {
      args.push_back("--invoke");
      args.push_back(i);
    }
    return run(args);
  }
};

struct Case {
  const char* invocation;
  const char* printed;
};

TEST_F(RunTest, RootExportsOfEveryValueKind) {
  const Case cases[] = {
      {"add(1, 2)", "3"},
      {"add(4294967295, 1)", "0"},
      {"echo(\"h\\u{e9}llo\\n\\u{1F44B}\")", "\"h\xC3\xA9llo\\n\xF0\x9F\x91\x8B\""},
      {"echo(\"\")", "\"\""},
      {"len(\"abc\")", "3"},
      {"swap({x: 1, y: -2})", "{x: -2, y: 1}"},
      {"swap({y: 5, x: 6,})", "{x: 5, y: 6}"},
      {"sign(-5)", "negative"},
      {"sign(0)", "zero"},
      {"sign(9)", "positive"},
      {"maybe-double(some(21))", "some(42)"},
      {"maybe-double(none)", "none"},
      {"maybe-double(4)", "some(8)"},
      {"checked-div(7, 2)", "ok(3)"},
      {"checked-div(1, 0)", "err(\"division by zero\")"},
      {"flags-id({read, exec})", "{read, exec}"},
      {"flags-id({})", "{}"},
      {"sum([1, 2, 3, 4294967295])", "4294967301"},
      {"sum([])", "0"},
      {"flip((7, 1.5))", "(1.5, 7)"},
      {"flip((255, -0.1))", "(-0.1, 255)"},
      {"api#double(21)", "42"},
      {"started()", "true"},
      {"sum17(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)", "153"},
  };
  for (const Case& c : cases) {
    ToolRun r = invoke("root-exports", {c.invocation});
    EXPECT_EQ(r.exit_code, 0) << c.invocation << ": " << r.err;
    EXPECT_EQ(r.out, std::string(c.printed) + "\n") << c.invocation;
    EXPECT_EQ(r.err, "") << c.invocation;
  }
  // Large floats print without an exponent, as Rust's Display.
  ToolRun big = invoke("root-exports", {"flip((0, 1e20))"});
  EXPECT_EQ(big.out, "(100000000000000000000, 0)\n") << big.err;
}

TEST_F(RunTest, InvocationsShareOneInstanceAndPostReturnRuns) {
  ToolRun r =
      invoke("root-exports", {"post-returns()", "echo(\"a\")", "echo(\"b\")", "post-returns()"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "0\n\"a\"\n\"b\"\n2\n");
}

TEST_F(RunTest, ComposedComponentsRunThroughTheirAdapters) {
  ToolRun chain = invoke("chain-of-three", {"run()"});
  EXPECT_EQ(chain.exit_code, 0) << chain.err;
  EXPECT_EQ(chain.out, "7\n");
  ToolRun nested = invoke("nested-three-levels", {"run()"});
  EXPECT_EQ(nested.exit_code, 0) << nested.err;
  EXPECT_EQ(nested.out, "2\n");
  ToolRun twice = invoke("instantiated-twice", {"run1()", "run2()"});
  EXPECT_EQ(twice.exit_code, 0) << twice.err;
  EXPECT_EQ(twice.out, "10\n10\n");
  // Transcoding adapters (utf8 <-> utf16 and friends) run on the host's
  // transcoders.
  for (const char* f : {"run8()", "run16()", "run64()"}) {
    ToolRun s = invoke("strings-lists", {f});
    EXPECT_EQ(s.exit_code, 0) << f << ": " << s.err;
    EXPECT_EQ(s.out, "") << f;
  }
  ToolRun siblings = invoke("two-siblings", {"run()"});
  EXPECT_EQ(siblings.exit_code, 0) << siblings.err;
}

// The bundled example: a UTF-16 component calls a UTF-8 one through a fused
// adapter that transcodes both ways.
TEST_F(RunTest, BundledExampleTranscodesThroughItsAdapter) {
  const std::string example =
      (fs::path(__FILE__).parent_path().parent_path() / "examples" / "components" / "shout.wasm")
          .string();
  ToolRun r = run({"run", example, "--invoke", R"(greet("hello, w\u{f6}rld"))", "--invoke",
                   R"(greet(""))", "--invoke", R"(greet("abc\u{1F44B}xyz"))"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "\"HELLO, W\xC3\xB6RLD\"\n\"\"\n\"ABC\xF0\x9F\x91\x8BXYZ\"\n");
}

// Async exports run like sync ones: the host's event loop drives each call
// until it has returned its result (a callback lift that yields, an async
// call through an adapter, a stackful lift returning a string).
TEST_F(RunTest, AsyncExportsRunToTheirResult) {
  ToolRun r = invoke("async-calls", {"count(3)", "double(4)", "greet(\"you\")", "count(0)"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "3\n8\n\"hi you\"\n0\n");
  ToolRun deadlock = invoke("async-calls", {"wait()"});
  EXPECT_EQ(deadlock.exit_code, 3);
  EXPECT_NE(deadlock.err.find("`wait` trapped: wasm trap: deadlock detected: event loop cannot "
                              "make further progress"),
            std::string::npos)
      << deadlock.err;
}

TEST_F(RunTest, FuturesStreamsAndErrorContextsAreHandles) {
  // A stream's readable end and an error context come back as handles the
  // host holds; the stream end can be passed back (the callee drops it).
  ToolRun r = invoke("copy-ends", {"make()", "oops()", "take(#1)"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "#1\n#2\n1\n");
  ToolRun gone = invoke("copy-ends", {"make()", "take(#1)", "take(#1)"});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_NE(gone.err.find("argument 1 of `take`: #1 is not a stream end the host holds"),
            std::string::npos)
      << gone.err;
  ToolRun wrong = invoke("copy-ends", {"oops()", "take(#1)"});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("#1 is not a stream end the host holds"), std::string::npos)
      << wrong.err;
}

TEST_F(RunTest, TrapsPrintTheirMessageAndFail) {
  ToolRun r = invoke("root-exports", {"add(1, 1)", "fail()", "add(2, 2)"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "2\n");  // the invocation after the trap does not run
  EXPECT_NE(r.err.find("`fail` trapped: wasm trap: wasm `unreachable` instruction executed"),
            std::string::npos)
      << r.err;
  // An adapter's own trap: calling back into an instance that is on the stack.
  ToolRun re = invoke("reentrance", {"run()"});
  EXPECT_EQ(re.exit_code, 3);
  EXPECT_NE(re.err.find("`run` trapped: wasm trap: cannot enter component instance"),
            std::string::npos)
      << re.err;
}

TEST_F(RunTest, InstantiationTrapsExitWithThree) {
  ToolRun r = invoke("start-trap", {"one()"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("instantiating the component trapped: core instance 0"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("unreachable"), std::string::npos) << r.err;
}

// Handles cross the root boundary as #N, the index in the host's table:
// own results move into it (alone, in a tuple, an option and a list), own
// arguments move out of it, borrow arguments are lent for the call, and
// the destructor runs when the implementer drops the last own handle.
TEST_F(RunTest, ResourceHandlesCrossTheRootBoundary) {
  ToolRun r =
      invoke("resource-lifecycle",
             {"make(5)", "get(#1)", "make(7)", "get-opt(some(#2))", "get-opt(none)", "drops()",
              "consume(#1)", "drops()", "make-pair(3, 4)", "maybe-make(9)", "maybe-make(0)",
              "make-list(3)", "lend-and-take(#3, #4)", "drops()", "get(#3)"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // consume(#1) frees host index 1, which the next own result reuses (the
  // spec's free list); lend-and-take lends #3 and drops #4 (rep 9).
  EXPECT_EQ(r.out, "#1\n5\n#2\n7\n0\n0\n5\n1\n(#1, #3)\nsome(#4)\nnone\n[#5, #6, #7]\n4\n2\n4\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(RunTest, ResourcesTravelThroughThreeInstances) {
  // user -> middle -> provider: an own handle made by the provider reaches
  // the user through the middle, is lent back through the middle (which
  // receives a borrow handle and drops it) and given back by own.
  ToolRun r = invoke("resource-three-instances",
                     {"run()", "drops()", "make(1)", "get(#1)", "consume(#1)", "drops()"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "210\n1\n#1\n101\n101\n2\n");
}

TEST_F(RunTest, HandleMisuseTrapsWithTheOperationName) {
  struct Trap {
    std::vector<std::string> invocations;
    const char* message;
  };
  const Trap traps[] = {
      {{"make(5)", "use-after-drop(#1)"},
       "`use-after-drop` trapped: resource.rep: unknown handle index 1 (not in use"},
      // Own and borrow of one handle in one call: the lend comes first, so
      // the own handle cannot move (lift_own's num_lends check).
      {{"make(5)", "lend-and-take(#1, #1)"},
       "`lend-and-take` trapped: resource.transfer-own: cannot remove owned resource while "
       "borrowed (own handle 1 of instance 2 is lent out to 1 borrow(s)"},
      // Rep 13 makes the destructor trap: a trap of the dropping call.
      {{"make(13)", "consume(#1)"},
       "`consume` trapped: resource.drop: the destructor of resource defined at byte"},
  };
  for (const Trap& t : traps) {
    ToolRun r = invoke("resource-lifecycle", t.invocations);
    EXPECT_EQ(r.exit_code, 3) << t.message << ": " << r.err;
    EXPECT_NE(r.err.find(t.message), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "#1\n");
  }
  ToolRun dtor = invoke("resource-lifecycle", {"make(13)", "consume(#1)"});
  EXPECT_NE(dtor.err.find("unreachable"), std::string::npos) << dtor.err;
}

TEST_F(RunTest, HandleArgumentsMustBeHandlesTheHostHolds) {
  struct Bad {
    std::vector<std::string> invocations;
    const char* message;
  };
  const Bad bad[] = {
      {{"get(#1)"}, "argument 1 of `get`: #1 is not a handle the host holds"},
      {{"make(1)", "consume(#1)", "get(#1)"},
       "argument 1 of `get`: #1 is not a handle the host holds"},
      {{"get(#0)"}, "#0 is not a handle the host holds"},
      {{"get(1)"}, "expected a handle (#N) for a value of type `borrow`"},
      {{"get(#x)"}, "expected the decimal index of a handle after `#`"},
      {{"get(#4294967296)"}, "expected the decimal index of a handle after `#`"},
  };
  for (const Bad& b : bad) {
    ToolRun r = invoke("resource-lifecycle", b.invocations);
    EXPECT_EQ(r.exit_code, 1) << b.message << ": " << r.err;
    EXPECT_NE(r.err.find(b.message), std::string::npos) << r.err;
  }
}

TEST_F(RunTest, BadInvocationsAreClearErrors) {
  struct Bad {
    const char* invocation;
    const char* message;
  };
  const Bad bad[] = {
      {"add(1)", "expected 2 arguments, found 1"},
      {"add(1, 2, 3)", "expected 2 arguments, found more"},
      {"add(1, -2)", "`-2` is out of range for u32"},
      {"sign(\"x\")", "is not an integer"},
      {"nope()", "the component has no exported function `nope` (exports: `add`, `api#double`"},
      {"add", "expected `name(arguments...)`"},
      {"swap({x: 1})", "field `y` is missing"},
      {"flags-id({read, read})", "flag `read` is given twice"},
  };
  for (const Bad& b : bad) {
    ToolRun r = invoke("root-exports", {b.invocation});
    EXPECT_EQ(r.exit_code, 1) << b.invocation;
    EXPECT_NE(r.err.find(b.message), std::string::npos) << b.invocation << ": " << r.err;
    EXPECT_EQ(r.out, "") << b.invocation;
  }
}

TEST_F(RunTest, UnsatisfiedHostImportsAreNamed) {
  ToolRun r = invoke("host-imports", {"run()"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("component import `wasi:cli/stdout@0.2.0#print` is not satisfied"),
            std::string::npos)
      << r.err;
}

TEST_F(RunTest, InvokeIsRequired) {
  ToolRun r = run({"run", fixture("root-exports")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--invoke"), std::string::npos) << r.err;
}

TEST_F(RunTest, PlanWritesJsonAndValidModules) {
  ToolRun r = run({"plan", fixture("chain-of-three"), "-o", (dir / "plan").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string json = read_file(dir / "plan" / "plan.json");
  EXPECT_NE(json.find("\"format\": \"fact-plan/1\""), std::string::npos);
  EXPECT_NE(json.find("\"type\": \"func() -> u32\""), std::string::npos);
  // Three core instances and two adapter modules; each adapter module comes
  // before the core instance that imports its adapter.
  size_t adapter0 = json.find("\"file\": \"modules/adapter0.wasm\"");
  size_t adapter1 = json.find("\"file\": \"modules/adapter1.wasm\"");
  size_t core1 = json.find("\"file\": \"modules/m1.wasm\"");
  size_t core2 = json.find("\"file\": \"modules/m2.wasm\"");
  ASSERT_NE(adapter0, std::string::npos);
  ASSERT_NE(adapter1, std::string::npos);
  ASSERT_NE(core1, std::string::npos);
  ASSERT_NE(core2, std::string::npos);
  EXPECT_LT(adapter0, core1);
  EXPECT_LT(core1, adapter1);
  EXPECT_LT(adapter1, core2);
  for (const char* file : {"m0.wasm", "m1.wasm", "m2.wasm", "adapter0.wasm", "adapter1.wasm"}) {
    std::string bytes = read_file(dir / "plan" / "modules" / file);
    ASSERT_FALSE(bytes.empty()) << file;
    std::vector<uint8_t> wasm(bytes.begin(), bytes.end());
    EXPECT_TRUE(static_cast<bool>(engine::validate_module(wasm))) << file;
  }
}

TEST_F(RunTest, PlanListsResourcesTrampolinesAndTables) {
  ToolRun r = run({"plan", fixture("resource-three-instances"), "-o", (dir / "plan").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string json = read_file(dir / "plan" / "plan.json");
  // The provider's resource, with the destructor exported by core instance 0.
  EXPECT_NE(json.find(R"("defined_in": 1,
      "destructor": {
        "export": {
          "instance": 0,
          "name": "dtor")"),
            std::string::npos)
      << json;
  // The middle's resource.drop uses the table of (resource 0, instance 2),
  // which the adapters' transfers use too.
  EXPECT_NE(json.find(R"("component_instance": 2,
      "kind": "resource.drop",
      "resource": 0,
      "table": 1)"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("id": 1,
      "kind": "resource",
      "resource": 0,
      "component_instance": 2)"),
            std::string::npos)
      << json;
}

TEST_F(RunTest, PlanRefusesWhatItCannotDescribe) {
  ToolRun r = run({"plan", fixture("imported-module"), "-o", (dir / "plan").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("imports a core module (`lib`)"), std::string::npos) << r.err;
}

// Bad input is exit 1 with a message naming what is wrong, in every command
// that reads the component: an invalid core module (found before anything
// runs), memories and tables larger than the limits (refused before they
// are allocated), and types whose text would be exponential.
TEST_F(RunTest, InvalidAndOversizedModulesAreErrorsInEveryCommand) {
  for (const char* command : {"plan", "adapters", "run"}) {
    SCOPED_TRACE(command);
    std::vector<std::string> args{command, fixture("error-invalid-code")};
    if (std::string(command) == "run") {
      args.insert(args.end(), {"--invoke", "one()"});
    } else {
      args.insert(args.end(), {"-o", (dir / command).string()});
    }
    ToolRun r = run(args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("at byte 0x3c: core module 1 is not valid core wasm"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("type mismatch in implicit return"), std::string::npos) << r.err;

    args[1] = fixture("error-shared-type-chain");
    ToolRun chain = run(args);
    EXPECT_EQ(chain.exit_code, 1) << chain.err;
    EXPECT_NE(chain.err.find("exceeds maximum byte size"), std::string::npos) << chain.err;
    EXPECT_LT(chain.err.size(), 500u) << chain.err;
  }

  ToolRun memory = invoke("error-huge-memory", {"one()"});
  EXPECT_EQ(memory.exit_code, 1);
  EXPECT_NE(memory.err.find("at byte 0x0a: core module 0 cannot be loaded: memory 0 has an "
                            "initial size of 16777216 pages (1099511627776 bytes), more than "
                            "the limit of 8589934592 bytes per memory"),
            std::string::npos)
      << memory.err;
  // 2^48 pages of 64 KiB do not fit in a 64-bit byte count: refused under
  // any limit rather than wrapped to an empty memory.
  ToolRun wrapped =
      run({"run", fixture("error-huge-memory48"), "--max-memory", "15EiB", "--invoke", "one()"});
  EXPECT_EQ(wrapped.exit_code, 1);
  EXPECT_NE(wrapped.err.find("memory 0 has an initial size of 281474976710656 pages, more than"),
            std::string::npos)
      << wrapped.err;
  ToolRun table = invoke("error-huge-table", {"one()"});
  EXPECT_EQ(table.exit_code, 1);
  EXPECT_NE(table.err.find("table 0 has an initial size of 4294967295 elements, more than the "
                           "limit of 10000000 elements per table"),
            std::string::npos)
      << table.err;
  ToolRun bad_limit =
      run({"run", fixture("memory-limit"), "--max-memory", "lots", "--invoke", "size()"});
  EXPECT_EQ(bad_limit.exit_code, 1);
  EXPECT_NE(bad_limit.err.find("--max-memory"), std::string::npos) << bad_limit.err;
}

// --max-memory bounds growth: memory.grow past it returns -1 and the memory
// keeps its size; below it, growth works.
TEST_F(RunTest, MemoryGrowthStopsAtTheLimit) {
  ToolRun r = run({"run", fixture("memory-limit"), "--max-memory", "1MiB", "--invoke", "grow(1)",
                   "--invoke", "grow(15)", "--invoke", "grow(14)", "--invoke", "grow(1)",
                   "--invoke", "size()"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1\n-1\n2\n-1\n16\n");
  ToolRun small = run({"run", fixture("memory-limit"), "--max-memory", "64KiB", "--invoke",
                       "grow(1)", "--invoke", "size()"});
  EXPECT_EQ(small.exit_code, 0) << small.err;
  EXPECT_EQ(small.out, "-1\n1\n");
  ToolRun none =
      run({"run", fixture("memory-limit"), "--max-memory", "1000", "--invoke", "size()"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("memory 0 has an initial size of 1 pages (65536 bytes), more than the "
                          "limit of 1000 bytes per memory"),
            std::string::npos)
      << none.err;
}

TEST_F(RunTest, ResultsAreLiftedWithinABudget) {
  ToolRun r = invoke("big-result", {"list(3)", "list(33554432)"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "[0, 0, 0]\n");
  EXPECT_NE(r.err.find("`list` trapped: fuel allocated for hostcalls has been exhausted"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace fact
