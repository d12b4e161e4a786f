// WAVE parsing and printing (src/run/wave.h) against the wasm-wave syntax.
#include "fact/values/wave.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "fact/type_expr.h"

namespace fact::values {
namespace {

class WaveTest : public ::testing::Test {
 protected:
  TypeId type(const std::string& text) {
    auto t = parse_value_type(store, text, resources);
    EXPECT_TRUE(static_cast<bool>(t)) << text;
    return *t;
  }
  // Parses `text` as `type_text` and prints it back.
  std::string round_trip(const std::string& type_text, const std::string& text) {
    TypeId t = type(type_text);
    auto v = parse_wave(store, t, text);
    if (!v) return "error: " + v.error().message;
    return print_wave(store, t, *v);
  }
  std::string error(const std::string& type_text, const std::string& text) {
    auto v = parse_wave(store, type(type_text), text);
    return v ? "parsed" : v.error().message;
  }
  TypeStore store;
  ResourceNames resources;
};

TEST_F(WaveTest, Scalars) {
  EXPECT_EQ(round_trip("bool", "true"), "true");
  EXPECT_EQ(round_trip("bool", " false "), "false");
  EXPECT_EQ(round_trip("s8", "-128"), "-128");
  EXPECT_EQ(round_trip("u8", "255"), "255");
  EXPECT_EQ(round_trip("s64", "-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(round_trip("u64", "18446744073709551615"), "18446744073709551615");
  EXPECT_EQ(round_trip("f32", "3.14"), "3.14");
  EXPECT_EQ(round_trip("f64", "6.022e+23"), "602200000000000000000000");
  EXPECT_EQ(round_trip("f64", "1.0"), "1");
  EXPECT_EQ(round_trip("f64", "-0"), "-0");
  EXPECT_EQ(round_trip("f32", "nan"), "nan");
  EXPECT_EQ(round_trip("f64", "-inf"), "-inf");
  EXPECT_EQ(round_trip("f64", "inf"), "inf");
  EXPECT_EQ(round_trip("char", "'x'"), "'x'");
  EXPECT_EQ(round_trip("char", "'\\''"), "'\\''");
  EXPECT_EQ(round_trip("char", "'\\u{1F44B}'"), "'\xF0\x9F\x91\x8B'");
  EXPECT_EQ(round_trip("char", "'\\u{0}'"), "'\\u{0}'");
  EXPECT_EQ(round_trip("string", "\"abc\\t123\""), "\"abc\\t123\"");
  EXPECT_EQ(round_trip("string", "\"say \\\"hi\\\" \\\\ o'k\""), "\"say \\\"hi\\\" \\\\ o\\'k\"");
}

TEST_F(WaveTest, Compounds) {
  EXPECT_EQ(round_trip("list<u32>", "[1, 2, 3]"), "[1, 2, 3]");
  EXPECT_EQ(round_trip("list<u32>", "[1,2,3,]"), "[1, 2, 3]");
  EXPECT_EQ(round_trip("list<u32>", "[]"), "[]");
  EXPECT_EQ(round_trip("tuple<string, u8>", "(\"abc\", 123)"), "(\"abc\", 123)");
  EXPECT_EQ(round_trip("record { field-a: u8, field-b: string }", "{field-b: \"two\", field-a: 1}"),
            "{field-a: 1, field-b: \"two\"}");
  EXPECT_EQ(round_trip("record { a: option<u8>, b: u8 }", "{b: 2}"), "{b: 2}");
  EXPECT_EQ(round_trip("record { a: option<u8> }", "{:}"), "{:}");
  EXPECT_EQ(round_trip("record { a: option<u8> }", "{a: some(1)}"), "{a: some(1)}");
  EXPECT_EQ(round_trip("variant { days(u32), forever }", "days(30)"), "days(30)");
  EXPECT_EQ(round_trip("variant { days(u32), forever }", "forever"), "forever");
  EXPECT_EQ(round_trip("enum { north, south, west }", "west"), "west");
  EXPECT_EQ(round_trip("option<string>", "\"flat some\""), "some(\"flat some\")");
  EXPECT_EQ(round_trip("option<string>", "some(\"explicit some\")"), "some(\"explicit some\")");
  EXPECT_EQ(round_trip("option<option<u8>>", "some(none)"), "some(none)");
  EXPECT_EQ(round_trip("option<u8>", "none"), "none");
  EXPECT_EQ(round_trip("result<string, string>", "\"flat ok\""), "ok(\"flat ok\")");
  EXPECT_EQ(round_trip("result<string, string>", "err(\"oops\")"), "err(\"oops\")");
  EXPECT_EQ(round_trip("result", "ok"), "ok");
  EXPECT_EQ(round_trip("result", "err"), "err");
  EXPECT_EQ(round_trip("flags { read, write, exec }", "{write, read}"), "{read, write}");
  EXPECT_EQ(round_trip("flags { read, write }", "{}"), "{}");
  EXPECT_EQ(round_trip("list<u8> ", "[1, // one\n 2]"), "[1, 2]");
}

TEST_F(WaveTest, KeywordCasesAreEscaped) {
  EXPECT_EQ(round_trip("enum { true, maybe }", "%true"), "%true");
  EXPECT_EQ(round_trip("enum { true, maybe }", "%maybe"), "maybe");
  EXPECT_NE(error("enum { true, maybe }", "true").find("must be written `%true`"),
            std::string::npos);
  EXPECT_EQ(round_trip("variant { some(u8), other }", "%some(3)"), "%some(3)");
}

TEST_F(WaveTest, Errors) {
  EXPECT_NE(error("u8", "256").find("`256` is out of range for u8"), std::string::npos);
  EXPECT_NE(error("s8", "-129").find("out of range for s8"), std::string::npos);
  EXPECT_NE(error("u32", "-1").find("out of range for u32"), std::string::npos);
  EXPECT_NE(error("u32", "1.5").find("is not an integer"), std::string::npos);
  EXPECT_NE(error("f64", "0x10").find("is not a number"), std::string::npos);
  EXPECT_NE(error("bool", "yes").find("expected `true` or `false`"), std::string::npos);
  EXPECT_NE(error("char", "'ab'").find("one character"), std::string::npos);
  EXPECT_NE(error("char", "'\\u{d800}'").find("not a Unicode scalar value"), std::string::npos);
  EXPECT_NE(error("string", "\"abc").find("unterminated string"), std::string::npos);
  EXPECT_NE(error("string", "\"a\\qb\"").find("unknown escape"), std::string::npos);
  EXPECT_NE(error("list<u8>", "[1 2]").find("expected `,` or `]`"), std::string::npos);
  EXPECT_NE(error("tuple<u8, u8>", "(1)").find("a tuple of 2 values"), std::string::npos);
  EXPECT_NE(error("record { a: u8 }", "{b: 1}").find("no field `b`"), std::string::npos);
  EXPECT_NE(error("record { a: u8 }", "{}").find("field `a` is missing"), std::string::npos);
  EXPECT_NE(error("enum { a }", "b").find("no case `b`"), std::string::npos);
  EXPECT_NE(error("variant { a(u8) }", "a").find("needs a payload"), std::string::npos);
  EXPECT_NE(error("option<u8>", "some").find("needs a payload"), std::string::npos);
  EXPECT_NE(error("u8", "1 2").find("unexpected text after the value"), std::string::npos);
  EXPECT_NE(error("flags { a }", "{a, a}").find("given twice"), std::string::npos);
  // Deep nesting is refused, not a stack overflow.
  std::string deep(5000, '[');
  TypeId t = type("list<u8>");
  for (int i = 0; i < 1100; ++i) t = store.list(t);
  EXPECT_FALSE(static_cast<bool>(parse_wave(store, t, deep)));
}

TEST_F(WaveTest, FloatsKeepTheirValue) {
  auto v = parse_wave(store, type("f32"), "0.1");
  ASSERT_TRUE(static_cast<bool>(v));
  EXPECT_EQ(v->bits, 0x3dcccccdu);
  EXPECT_EQ(print_wave(store, type("f32"), *v), "0.1");
  auto d = parse_wave(store, type("f64"), "1e300");
  ASSERT_TRUE(static_cast<bool>(d));
  EXPECT_EQ(print_wave(store, type("f64"), *d), "1" + std::string(300, '0'));
}

// Mutations of valid text give values or errors, never a crash (checked
// under ASan and UBSan).
TEST_F(WaveTest, MutatedTextNeverCrashes) {
  TypeId t = type(
      "record { a: list<tuple<u8, string>>, b: option<result<char, f64>>, c: flags { x, y }, "
      "d: variant { p(s64), q }, e: enum { l, m } }");
  const std::string valid =
      R"({a: [(1, "x\u{41}"), (2, "")], b: some(err(-1.5e3)), c: {x, y}, d: p(-7), e: m})";
  ASSERT_TRUE(static_cast<bool>(parse_wave(store, t, valid)));
  const std::string alphabet = "{}[]()\"'\\,:%-.0123456789eu abxyz\n/";
  std::mt19937 rng(1234);
  for (int i = 0; i < 20000; ++i) {
    std::string text = valid;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits; ++k) {
      size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text.erase(at, 1); break;
        case 1: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        default: text[at] = alphabet[rng() % alphabet.size()]; break;
      }
      if (text.empty()) text = "{";
    }
    auto v = parse_wave(store, t, text);
    if (!v) continue;
    // What parses prints as WAVE that reads back the same.
    const std::string printed = print_wave(store, t, *v);
    auto again = parse_wave(store, t, printed);
    ASSERT_TRUE(static_cast<bool>(again))
        << text << " printed as " << printed << ": " << again.error().message;
    EXPECT_EQ(*again, *v) << text;
  }
}

TEST_F(WaveTest, Invocations) {
  auto i = split_invocation(" api#greet ( \"x\", 1 ) ");
  ASSERT_TRUE(static_cast<bool>(i));
  EXPECT_EQ(i->name, "api#greet");
  EXPECT_EQ(i->args, " \"x\", 1 ");
  auto values = parse_wave_values(store, {type("string"), type("u8")}, i->args);
  ASSERT_TRUE(static_cast<bool>(values)) << values.error().message;
  EXPECT_EQ(values->size(), 2u);
  EXPECT_TRUE(static_cast<bool>(parse_wave_values(store, {}, "  ")));
  EXPECT_FALSE(static_cast<bool>(parse_wave_values(store, {}, "1")));
  EXPECT_FALSE(static_cast<bool>(split_invocation("f(")));
  EXPECT_FALSE(static_cast<bool>(split_invocation("(1)")));
  auto wasi = split_invocation("wasi:cli/run@0.2.0#run()");
  ASSERT_TRUE(static_cast<bool>(wasi));
  EXPECT_EQ(wasi->name, "wasi:cli/run@0.2.0#run");
}

}  // namespace
}  // namespace fact::values
