// The .wast script runner of `fact wast`: the s-expression reader, script
// values, directive parsing, and whole scripts run on binary components made
// from the fixtures in tests/fixtures/components (text components, which
// need jco, are covered by the WastScripts ctest on tests/wast/*.wast).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "fact/wast/runner.h"
#include "fact/wast/script.h"
#include "fact/wast/sexpr.h"
#include "fact/wast/value.h"

namespace fact::wast {
namespace {

std::vector<uint8_t> fixture(const std::string& name) {
  std::ifstream in(
      std::filesystem::path(__FILE__).parent_path() / "fixtures" / "components" / (name + ".wasm"),
      std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// `bytes` as a script string of \hh escapes.
std::string escaped(const std::vector<uint8_t>& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (uint8_t b : bytes) {
    out += '\\';
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out + "\"";
}

std::string binary_component(const std::string& name, const std::string& id = "") {
  const std::vector<uint8_t> bytes = fixture(name);
  EXPECT_FALSE(bytes.empty()) << name;
  return "(component " + (id.empty() ? "" : id + " ") + "binary " + escaped(bytes) + ")";
}

struct ScriptRun {
  WastTally tally;
  std::string out;
};

ScriptRun run_script(const std::string& text, const TextConverter& convert = {},
                     bool verbose = false) {
  auto script = parse_wast_script(text);
  EXPECT_TRUE(script.ok()) << (script.ok() ? "" : script.error().message);
  if (!script) return {};
  std::ostringstream out;
  auto tally = run_wast_script(*script, convert, {"t.wast", verbose}, out);
  EXPECT_TRUE(tally.ok()) << (tally.ok() ? "" : tally.error().message);
  if (!tally) return {};
  return {*tally, out.str()};
}

// --- s-expressions ---

TEST(Sexpr, AtomsStringsAndPositions) {
  const std::string text = "(a $b \"c\")\n  (d (e))";
  auto forms = sexpr::parse(text);
  ASSERT_TRUE(forms.ok()) << forms.error().message;
  ASSERT_EQ(forms->size(), 2u);
  const sexpr::Node& first = (*forms)[0];
  EXPECT_EQ(first.head(), "a");
  ASSERT_EQ(first.items.size(), 3u);
  EXPECT_TRUE(first.items[1].is_id());
  EXPECT_EQ(first.items[1].text, "$b");
  EXPECT_TRUE(first.items[2].is_string());
  EXPECT_EQ(first.items[2].text, "c");
  const sexpr::Node& second = (*forms)[1];
  EXPECT_EQ(second.span.begin.line, 2u);
  EXPECT_EQ(second.span.begin.column, 3u);
  EXPECT_EQ(sexpr::slice(text, second.span), "(d (e))");
  EXPECT_EQ(sexpr::slice(text, second.items[1].span), "(e)");
  EXPECT_EQ(sexpr::to_string(second.items[1].span.begin), "2:6");
}

TEST(Sexpr, ColumnsCountCodePoints) {
  auto forms = sexpr::parse("(\"\xC3\xA9\xE2\x82\xAC\" x)");
  ASSERT_TRUE(forms.ok());
  EXPECT_EQ((*forms)[0].items[1].span.begin.column, 7u);
  EXPECT_EQ((*forms)[0].items[1].span.begin.offset, 9u);
}

TEST(Sexpr, EveryStringEscape) {
  auto forms = sexpr::parse(R"("\t\n\r\"\'\\\41\ff\u{48}\u{e9}\u{1F600}\u{10_FFFF}")");
  ASSERT_TRUE(forms.ok()) << forms.error().message;
  EXPECT_EQ((*forms)[0].text, std::string("\t\n\r\"'\\A\xFF"
                                          "H\xC3\xA9\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF"));
}

TEST(Sexpr, CommentsAreSkipped) {
  auto forms = sexpr::parse("(a ;; line (\n (; block (; nested ;) ) ;) b) ;; end");
  ASSERT_TRUE(forms.ok()) << forms.error().message;
  ASSERT_EQ(forms->size(), 1u);
  ASSERT_EQ((*forms)[0].items.size(), 2u);
  EXPECT_TRUE((*forms)[0].items[1].is_atom("b"));
}

TEST(Sexpr, AnnotationsAreDroppedOrKept) {
  const std::string text = "(a (@name \"x\" (y)) b)";
  auto dropped = sexpr::parse(text);
  ASSERT_TRUE(dropped.ok());
  ASSERT_EQ((*dropped)[0].items.size(), 2u);
  EXPECT_TRUE((*dropped)[0].items[1].is_atom("b"));
  auto kept = sexpr::parse(text, {.keep_annotations = true});
  ASSERT_TRUE(kept.ok());
  ASSERT_EQ((*kept)[0].items.size(), 3u);
  EXPECT_TRUE((*kept)[0].items[1].annotation);
  EXPECT_EQ((*kept)[0].items[1].head(), "@name");
}

TEST(Sexpr, QuotedIds) {
  auto forms = sexpr::parse(R"(($"a b" c))");
  ASSERT_TRUE(forms.ok());
  EXPECT_TRUE((*forms)[0].items[0].is_id());
  EXPECT_EQ((*forms)[0].items[0].text, "$a b");
}

TEST(Sexpr, ErrorsNameTheirPosition) {
  const std::pair<const char*, const char*> cases[] = {
      {"(a\n  (b)", "1:1: unclosed '('"},
      {"(a))", "1:4: unexpected ')'"},
      {"(a \"bc)", "1:4: unclosed string"},
      {"\"\\q\"", "1:2: invalid escape"},
      {"\"\\u{D800}\"", "1:2: invalid \\u escape: a surrogate"},
      {"\"\\u{110000}\"", "1:2: invalid \\u escape: beyond U+10FFFF"},
      {"\"a\tb\"", "1:3: control character"},
      {"(; open (; ;)", "1:1: unclosed block comment"},
      {"(a ; b)", "1:4: unexpected character ';'"},
  };
  for (const auto& [text, message] : cases) {
    auto forms = sexpr::parse(text);
    ASSERT_FALSE(forms.ok()) << text;
    EXPECT_TRUE(forms.error().message.starts_with(message))
        << text << ": " << forms.error().message;
  }
}

// --- values ---

WastValue value(const std::string& text) {
  auto forms = sexpr::parse(text);
  EXPECT_TRUE(forms.ok()) << text;
  auto v = parse_wast_value((*forms)[0]);
  EXPECT_TRUE(v.ok()) << text << ": " << (v.ok() ? "" : v.error().message);
  return v.ok() ? *v : WastValue{};
}

std::string value_error(const std::string& text) {
  auto forms = sexpr::parse(text);
  if (!forms) return forms.error().message;
  auto v = parse_wast_value((*forms)[0]);
  return v.ok() ? "" : v.error().message;
}

TEST(WastValues, Integers) {
  EXPECT_EQ(*parse_wast_integer("42", 32, false), 42u);
  EXPECT_EQ(*parse_wast_integer("0xFF_FF", 16, false), 0xFFFFu);
  EXPECT_EQ(*parse_wast_integer("1_000_000", 32, false), 1000000u);
  EXPECT_EQ(*parse_wast_integer("+7", 8, false), 7u);
  EXPECT_EQ(*parse_wast_integer("-128", 8, true), static_cast<uint64_t>(-128));
  EXPECT_EQ(*parse_wast_integer("-0x8000000000000000", 64, true), 0x8000000000000000u);
  EXPECT_EQ(*parse_wast_integer("18446744073709551615", 64, false), ~uint64_t(0));
  for (const auto& [text, bits, is_signed] :
       std::vector<std::tuple<const char*, unsigned, bool>>{{"256", 8, false},
                                                            {"128", 8, true},
                                                            {"-129", 8, true},
                                                            {"-1", 32, false},
                                                            {"18446744073709551616", 64, false},
                                                            {"1__0", 32, false},
                                                            {"_1", 32, false},
                                                            {"0x", 32, false},
                                                            {"1a", 32, false},
                                                            {"", 32, false}}) {
    EXPECT_FALSE(parse_wast_integer(text, bits, is_signed).ok()) << text;
  }
}

TEST(WastValues, Floats) {
  EXPECT_EQ(*parse_wast_f32("1.5"), 0x3FC00000u);
  EXPECT_EQ(*parse_wast_f32("-0"), 0x80000000u);
  EXPECT_EQ(*parse_wast_f32("0x1.8p1"), 0x40400000u);
  EXPECT_EQ(*parse_wast_f32("1_000.5e0_1"), 0x461C5400u);  // 10005
  EXPECT_EQ(*parse_wast_f32("inf"), 0x7F800000u);
  EXPECT_EQ(*parse_wast_f32("-inf"), 0xFF800000u);
  EXPECT_EQ(*parse_wast_f32("nan"), 0x7FC00000u);
  EXPECT_EQ(*parse_wast_f32("-nan:0x1"), 0xFF800001u);
  EXPECT_EQ(*parse_wast_f64("0.1"), 0x3FB999999999999Au);
  EXPECT_EQ(*parse_wast_f64("nan:0x8_0000_0000_0000"), 0x7FF8000000000000u);
  EXPECT_EQ(*parse_wast_f64("0x1p-1074"), 1u);
  for (const char* bad :
       {"nan:0x0", "nan:0x800000", "1e39", "0x1p128", ".5", "1.5x", "1e", "--1", "0x1.g"}) {
    EXPECT_FALSE(parse_wast_f32(bad).ok()) << bad;
  }
}

TEST(WastValues, TypedAndPrinted) {
  TypeStore store;
  const TypeId u32 = store.primitive(TypeKind::U32);
  const TypeId s8 = store.primitive(TypeKind::S8);
  const TypeId str = store.string();
  const TypeId point = store.record({{"x", s8}, {"y", str}});
  const TypeId shape = store.variant({{"none", std::nullopt}, {"circle", u32}});
  const TypeId colour = store.enumeration({"red", "green"});
  const TypeId perms = store.flags({"read", "write", "exec"});
  const TypeId opt = store.option(u32);
  const TypeId res = store.result(u32, std::nullopt);
  const TypeId tup = store.tuple({store.primitive(TypeKind::F32), store.primitive(TypeKind::Char)});
  const TypeId lst = store.list(store.boolean());

  const std::pair<TypeId, std::string> cases[] = {
      {u32, "(u32.const 4294967295)"},
      {s8, "(s8.const -5)"},
      {str, "(str.const \"a\\\"b\\n\\u{1}\xC3\xA9\")"},
      {point, "(record.const (field \"x\" s8.const 1) (field \"y\" str.const \"p\"))"},
      {shape, "(variant.const \"circle\" (u32.const 3))"},
      {shape, "(variant.const \"none\")"},
      {colour, "(enum.const \"green\")"},
      {perms, "(flags.const \"read\" \"exec\")"},
      {perms, "(flags.const)"},
      {opt, "(option.none)"},
      {opt, "(option.some (u32.const 0))"},
      {res, "(result.ok (u32.const 9))"},
      {res, "(result.err)"},
      {tup, "(tuple.const (f32.const -nan:0x1234) (char.const \"\xE2\x82\xAC\"))"},
      {tup, "(tuple.const (f32.const 1.5) (char.const \"\\t\"))"},
      {lst, "(list.const (bool.const true) (bool.const false))"},
      {lst, "(list.const)"},
  };
  for (const auto& [type, text] : cases) {
    auto typed = typed_value(store, type, value(text));
    ASSERT_TRUE(typed.ok()) << text << ": " << typed.error().message;
    EXPECT_EQ(print_wast(store, type, *typed), text);
    EXPECT_TRUE(values_match(*typed, *typed)) << text;
  }

  // Other spellings of the same values, printed canonically.
  auto round = [&](TypeId type, const std::string& text) {
    auto typed = typed_value(store, type, value(text));
    EXPECT_TRUE(typed.ok()) << text << ": " << (typed.ok() ? "" : typed.error().message);
    return typed.ok() ? print_wast(store, type, *typed) : "";
  };
  EXPECT_EQ(round(u32, "(u32.const 0x10)"), "(u32.const 16)");
  EXPECT_EQ(
      round(point, "(record.const (field \"y\" (str.const \"p\")) (field \"x\" (s8.const 1)))"),
      "(record.const (field \"x\" s8.const 1) (field \"y\" str.const \"p\"))");
  EXPECT_EQ(round(opt, "(option.some u32.const 2)"), "(option.some (u32.const 2))");
  EXPECT_EQ(round(perms, "(flags.const \"exec\" \"read\")"), "(flags.const \"read\" \"exec\")");
  EXPECT_EQ(print_wast(value("(record.const (field \"a\" (list.const (u8.const 1))))")),
            "(record.const (field \"a\" list.const (u8.const 1)))");
}

TEST(WastValues, MismatchesNameTheirPosition) {
  TypeStore store;
  const TypeId u32 = store.primitive(TypeKind::U32);
  const TypeId point = store.record({{"x", u32}, {"y", u32}});
  const TypeId shape = store.variant({{"none", std::nullopt}, {"circle", u32}});
  const TypeId pair = store.tuple({u32, u32});
  const TypeId perms = store.flags({"read"});
  const std::tuple<TypeId, const char*, const char*> cases[] = {
      {u32, "(s32.const 1)", "1:1: expected a value of type `u32`, found `s32.const`"},
      {point, "(record.const\n (field \"x\" (u32.const 1)) (field \"y\" (u64.const 2)))",
       "2:39: expected a value of type `u32`, found `u64.const`"},
      {point, "(record.const (field \"x\" (u32.const 1)))", "1:1: field `y` is missing"},
      {point, "(record.const (field \"z\" (u32.const 1)))",
       "1:26: type `record { x: u32, y: u32 }` has no field `z`"},
      {shape, "(variant.const \"square\")", "has no case `square`"},
      {shape, "(variant.const \"circle\")", "case `circle` needs a payload of type `u32`"},
      {shape, "(variant.const \"none\" (u32.const 1))",
       "case `none` has no payload, but one is given"},
      {pair, "(tuple.const (u32.const 1))", "expected 2 elements"},
      {perms, "(flags.const \"read\" \"read\")", "flag `read` is given twice"},
      {perms, "(flags.const \"x\")", "has no flag `x`"},
  };
  for (const auto& [type, text, message] : cases) {
    auto typed = typed_value(store, type, value(text));
    ASSERT_FALSE(typed.ok()) << text;
    EXPECT_NE(typed.error().message.find(message), std::string::npos)
        << text << ": " << typed.error().message;
  }
  EXPECT_EQ(value_error("(u8.const 256)"), "1:11: integer `256` is out of range for u8");
  EXPECT_EQ(value_error("(i32.const 1)"), "1:1: unknown value `i32.const`");
  EXPECT_EQ(value_error("(char.const \"ab\")"),
            "1:13: `char.const` takes a string of exactly one character");
  EXPECT_EQ(value_error("(str.const \"\\ff\")"), "1:12: `str.const` takes valid UTF-8");
  EXPECT_EQ(value_error("(bool.const 1)"), "1:1: `bool.const` takes `true` or `false`");
  EXPECT_EQ(value_error("(option.some (u8.const 1) (u8.const 2))"),
            "1:27: `option.some` takes one value");
  EXPECT_EQ(value_error("u8.const"), "1:1: expected a value such as `(u32.const 1)`");
}

TEST(WastValues, AnExpectedNanMatchesEveryNan) {
  const Value canonical = Value::f32_bits(0x7FC00000);
  const Value payload = Value::f32_bits(0xFFC00123);
  EXPECT_TRUE(values_match(canonical, payload));
  EXPECT_TRUE(
      values_match(Value::f64_bits(0x7FF0000000000001), Value::f64_bits(0x7FF8000000000000)));
  EXPECT_FALSE(values_match(canonical, Value::f32(1.0f)));
  EXPECT_FALSE(values_match(Value::f32(1.0f), canonical));
  EXPECT_FALSE(values_match(Value::f32(0.0f), Value::f32(-0.0f)));
  EXPECT_TRUE(values_match(Value::list({Value::f64_bits(0x7FF8000000000000)}),
                           Value::list({Value::f64_bits(0xFFF8000000000001)})));
  EXPECT_FALSE(values_match(Value::u32(1), Value::s32(1)));
}

// --- scripts ---

TEST(WastScripts, DirectivesAreRead) {
  const std::string text = R"w(
(component $a (core module $m))
(component definition $D binary "\00asm" "\0d\00\01\00")
(component instance $i $D)
(component instance)
(component quote "(core module)" "(core module)")
(invoke $i "api#f" (u32.const 1) (str.const "x"))
(assert_return (invoke "f") (u8.const 2))
(assert_trap (invoke "g") "boom")
(assert_trap (component (core module)) "start")
(assert_invalid (component (core module $m) (core module $m)) "duplicate")
(assert_malformed (component quote "(bogus)") "unexpected")
(assert_unlinkable (component (import "x" (func))) "import")
(module)
(assert_return (invoke "f") (u8.const 1) (u8.const 2))
(assert_return (get "x") (u8.const 1))
(invoke "f" (u32.const x))
)w";
  auto script = parse_wast_script(text);
  ASSERT_TRUE(script.ok()) << script.error().message;
  const std::vector<WastDirective>& d = script->directives;
  ASSERT_EQ(d.size(), 16u);
  using K = WastDirective::Kind;
  EXPECT_EQ(d[0].kind, K::Component);
  EXPECT_EQ(d[0].component->form, WastComponent::Form::Text);
  EXPECT_EQ(d[0].component->id, "$a");
  EXPECT_EQ(d[0].component->text, "(component $a (core module $m))");
  EXPECT_EQ(sexpr::to_string(d[0].where), "2:1");
  EXPECT_TRUE(d[1].component->definition);
  EXPECT_EQ(d[1].component->form, WastComponent::Form::Binary);
  EXPECT_EQ(d[1].component->bytes, (std::vector<uint8_t>{0, 'a', 's', 'm', 0x0d, 0, 1, 0}));
  EXPECT_EQ(d[2].kind, K::Instance);
  EXPECT_EQ(d[2].instance_id, "$i");
  EXPECT_EQ(d[2].definition_id, "$D");
  EXPECT_EQ(d[3].kind, K::Instance);
  EXPECT_FALSE(d[3].instance_id);
  EXPECT_FALSE(d[3].definition_id);
  EXPECT_EQ(d[4].component->form, WastComponent::Form::Quote);
  EXPECT_EQ(d[4].component->text, "(component (core module) (core module))");
  EXPECT_EQ(d[5].kind, K::Invoke);
  EXPECT_EQ(d[5].invoke->instance, "$i");
  EXPECT_EQ(d[5].invoke->name, "api#f");
  EXPECT_EQ(d[5].invoke->args.size(), 2u);
  EXPECT_EQ(d[6].kind, K::AssertReturn);
  EXPECT_EQ(d[6].results.size(), 1u);
  EXPECT_TRUE(d[6].is_assertion());
  EXPECT_EQ(d[7].kind, K::AssertTrap);
  EXPECT_EQ(d[7].message, "boom");
  EXPECT_EQ(d[8].kind, K::AssertTrap);
  EXPECT_TRUE(d[8].component);
  EXPECT_EQ(d[9].kind, K::AssertInvalid);
  EXPECT_EQ(d[9].component->text, "(component (core module $m) (core module $m))");
  EXPECT_EQ(d[10].kind, K::AssertMalformed);
  EXPECT_EQ(d[10].component->text, "(component (bogus))");
  EXPECT_EQ(d[11].kind, K::AssertUnlinkable);
  EXPECT_EQ(d[12].kind, K::Unsupported);
  EXPECT_EQ(d[12].problem, "unsupported directive `module`");
  EXPECT_EQ(d[13].kind, K::Unsupported);
  EXPECT_EQ(d[13].problem, "15:42: component functions have at most one result");
  EXPECT_EQ(d[13].keyword, "assert_return");
  EXPECT_EQ(d[14].problem, "`assert_return` supports only `(invoke ...)` actions");
  EXPECT_EQ(d[15].problem, "17:24: malformed integer `x`");
}

TEST(WastScripts, DefinitionsAreSlicedAsPlainComponents) {
  auto script = parse_wast_script("(component definition $D\n  (core module $m)) ;; after");
  ASSERT_TRUE(script.ok());
  EXPECT_EQ(script->directives[0].component->text, "(component $D\n  (core module $m))");
}

TEST(WastScripts, MalformedTextIsAnError) {
  auto script = parse_wast_script("(component\n  \"abc");
  ASSERT_FALSE(script.ok());
  EXPECT_EQ(script.error().message, "2:3: unclosed string: expected '\"'");
}

// --- running scripts ---

TEST(WastRunner, AssertionsOnBinaryComponents) {
  const std::string script = binary_component("root-exports") + R"(
(assert_return (invoke "add" (u32.const 40) (u32.const 2)) (u32.const 42))
(assert_return (invoke "echo" (str.const "h\u{e9}")) (str.const "h\u{e9}"))
(assert_return (invoke "swap" (record.const (field "x" s32.const 1) (field "y" s32.const -2)))
  (record.const (field "x" s32.const -2) (field "y" s32.const 1)))
(assert_return (invoke "sign" (s32.const -7)) (enum.const "negative"))
(assert_return (invoke "maybe-double" (option.some (u32.const 21))) (option.some (u32.const 42)))
(assert_return (invoke "maybe-double" (option.none)) (option.none))
(assert_return (invoke "checked-div" (u32.const 9) (u32.const 0)) (result.err (str.const "division by zero")))
(assert_return (invoke "flags-id" (flags.const "read" "exec")) (flags.const "exec" "read"))
(assert_return (invoke "sum" (list.const (u32.const 1) (u32.const 0x10))) (u64.const 17))
(assert_return (invoke "flip" (tuple.const (u8.const 3) (f64.const nan:0x4))) (tuple.const (f64.const nan) (u8.const 3)))
(assert_return (invoke "api#double" (u32.const 8)) (u32.const 16))
(assert_return (invoke "started") (bool.const true))
(invoke "add" (u32.const 1) (u32.const 1))
(assert_return (invoke "post-returns") (u32.const 1))
(assert_trap (invoke "fail") "unreachable")
)";
  ScriptRun r = run_script(script);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.tally.passed, 14u);
  EXPECT_EQ(r.tally.failed, 0u);
}

TEST(WastRunner, FailuresAreReportedOnePerLine) {
  const std::string script = binary_component("root-exports") + R"(
(assert_return (invoke "add" (u32.const 40) (u32.const 1)) (u32.const 42))
(assert_return (invoke "add" (u32.const 1) (u32.const 1)))
(assert_return (invoke "add" (u32.const 1)) (u32.const 1))
(assert_return (invoke "add" (u32.const 1) (s32.const 1)) (u32.const 2))
(assert_return (invoke "nope"))
(assert_trap (invoke "add" (u32.const 1) (u32.const 1)) "x")
(assert_return (invoke $other "add"))
)" + binary_component("root-exports", "$b") +
                             R"(
(assert_return (invoke "fail"))
(invoke $b "add" (u32.const 1) (u32.const 1))
)" + binary_component("root-exports") +
                             R"(
(assert_trap (invoke "fail") "out of bounds")
(module)
(assert_invalid )" + binary_component("root-exports") +
                             R"( "bad")
(assert_unlinkable )" + binary_component("root-exports") +
                             R"( "import")
(assert_trap )" + binary_component("root-exports") +
                             R"( "start")
)";
  ScriptRun r = run_script(script);
  EXPECT_EQ(
      r.out,
      "t.wast:2:1: assert_return: expected (u32.const 42), got (u32.const 41)\n"
      "t.wast:3:1: assert_return: expected no result, got (u32.const 2)\n"
      "t.wast:4:1: assert_return: `add` (func(a: u32, b: u32) -> u32) takes 2 arguments, 1 given\n"
      "t.wast:5:1: assert_return: argument 2 of `add`: 5:44: expected a value of type `u32`, found "
      "`s32.const`\n"
      "t.wast:6:1: assert_return: the instance has no exported function `nope` (exports: `add`, "
      "`api#double`, "
      "`checked-div`, `echo`, `fail`, `flags-id`, `flip`, `len`, `maybe-double`, `post-returns`, "
      "`sign`, "
      "`started`, `sum`, `sum17`, `swap`)\n"
      "t.wast:7:1: assert_trap: expected a trap, returned (u32.const 2)\n"
      "t.wast:8:1: assert_return: no instance named `$other`\n"
      "t.wast:10:1: assert_return: expected no result, got a trap: \"wasm trap: wasm `unreachable` "
      "instruction executed\"\n"
      "t.wast:11:1: invoke: unexpected trap: wasm trap: cannot enter component instance (the "
      "component trapped earlier: wasm trap: wasm `unreachable` instruction executed)\n"
      "t.wast:13:1: assert_trap: expected a trap containing \"out of bounds\", got "
      "\"wasm trap: wasm `unreachable` instruction executed\"\n"
      "t.wast:14:1: module: unsupported directive `module`\n"
      "t.wast:15:1: assert_invalid: expected an invalid component (\"bad\"), but it is accepted\n"
      "t.wast:16:1: assert_unlinkable: expected an unlinkable component (\"import\"), but it was "
      "instantiated\n"
      "t.wast:17:1: assert_trap: expected a trap during instantiation, but the component was "
      "instantiated\n");
  EXPECT_EQ(r.tally.passed, 0u);
  EXPECT_EQ(r.tally.failed, 14u);
}

TEST(WastRunner, RejectedAndUnlinkableComponents) {
  const std::string script =
      "(assert_invalid " + binary_component("error-type-mismatch") + " \"type mismatch\")\n" +
      "(assert_malformed (component binary \"\\00asm\\0d\\00\\01\") \"bad header\")\n" +
      "(assert_unlinkable " + binary_component("host-imports") + " \"import\")\n" +
      "(assert_unlinkable (component binary \"junk\") \"import\")\n" +
      binary_component("error-missing-argument") + "\n" + "(invoke \"f\")\n";
  ScriptRun r = run_script(script, {}, true);
  EXPECT_EQ(r.tally.passed, 3u);
  EXPECT_EQ(r.tally.failed, 3u);
  EXPECT_NE(r.out.find("t.wast:1:1: assert_invalid\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("t.wast:2:1: note: expected \"bad header\", got "), std::string::npos)
      << r.out;
  EXPECT_NE(
      r.out.find(
          "t.wast:4:1: assert_unlinkable: expected an unlinkable component (\"import\"), but it is "
          "rejected: "),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("t.wast:5:1: component: the component is rejected: "), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("t.wast:6:1: invoke: the component instance made at 5:1 failed, so `f` "
                       "cannot be invoked\n"),
            std::string::npos)
      << r.out;
}

TEST(WastRunner, DefinitionsAndNamedInstances) {
  const std::vector<uint8_t> bytes = fixture("root-exports");
  const std::string script = "(component definition $D binary " + escaped(bytes) + ")\n" + R"(
(invoke "add" (u32.const 1) (u32.const 2))
(component instance $one $D)
(component instance $two)
(assert_trap (invoke $one "fail") "unreachable")
(assert_return (invoke $two "add" (u32.const 1) (u32.const 2)) (u32.const 3))
(assert_return (invoke "add" (u32.const 2) (u32.const 2)) (u32.const 4))
(component instance $three $nothing)
)";
  ScriptRun r = run_script(script);
  EXPECT_EQ(r.out,
            "t.wast:3:1: invoke: no component instance to invoke `add` on\n"
            "t.wast:9:1: component instance: no component definition named `$nothing`\n");
  EXPECT_EQ(r.tally.passed, 3u);
  EXPECT_EQ(r.tally.failed, 2u);
}

TEST(WastRunner, TextComponentsGoThroughTheConverterInOneBatch) {
  std::vector<std::vector<std::string>> batches;
  TextConverter convert = [&](const std::vector<std::string>& texts)
      -> Expected<std::vector<Expected<std::vector<uint8_t>>>> {
    batches.push_back(texts);
    std::vector<Expected<std::vector<uint8_t>>> out;
    for (const std::string& t : texts) {
      if (t.find("(bogus)") != std::string::npos) {
        out.emplace_back(Error{"line 1: expected valid component field"});
      } else {
        out.emplace_back(fixture(t.find("$roots") != std::string::npos ? "root-exports"
                                                                       : "error-type-mismatch"));
      }
    }
    return out;
  };
  const std::string script = R"w(
(component definition $roots (core module))
(component instance $r $roots)
(assert_return (invoke "add" (u32.const 1) (u32.const 2)) (u32.const 3))
(assert_malformed (component quote "(bogus)") "expected")
(assert_invalid (component (core module $x)) "mismatch")
(component (bogus))
)w";
  ScriptRun r = run_script(script, convert);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0],
            (std::vector<std::string>{"(component $roots (core module))", "(component (bogus))",
                                      "(component (core module $x))", "(component (bogus))"}));
  EXPECT_EQ(r.out,
            "t.wast:7:1: component: cannot convert the text to binary: line 1: expected valid "
            "component field\n");
  EXPECT_EQ(r.tally.passed, 3u);
  EXPECT_EQ(r.tally.failed, 1u);

  // Without a converter, or one that cannot run, a script with text fails as a whole.
  auto parsed = parse_wast_script(script);
  ASSERT_TRUE(parsed.ok());
  std::ostringstream out;
  auto none = run_wast_script(*parsed, {}, {"t.wast", false}, out);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("no text-to-binary converter"), std::string::npos);
  TextConverter missing =
      [](const std::vector<std::string>&) -> Expected<std::vector<Expected<std::vector<uint8_t>>>> {
    return Error{"cannot run `jco`"};
  };
  auto failed = run_wast_script(*parsed, missing, {"t.wast", false}, out);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message, "cannot run `jco`");
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace fact::wast
