// The WIT-style type expression parser: every construct, whitespace, nesting,
// resource numbering, error messages with their columns, and the bounds on
// depth, size and input length.
#include "fact/type_expr.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fact {
namespace {

class TypeExprTest : public ::testing::Test {
 protected:
  TypeId type(std::string_view text) {
    auto parsed = parse_value_type(store, text, resources);
    EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error().message);
    return parsed.ok() ? *parsed : TypeId{};
  }

  FuncTypeId func(std::string_view text) {
    auto parsed = parse_func_type(store, text, resources);
    EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error().message);
    return parsed.ok() ? *parsed : FuncTypeId{};
  }

  std::string type_error(std::string_view text) {
    auto parsed = parse_value_type(store, text, resources);
    EXPECT_FALSE(parsed.ok()) << text << " parsed";
    return parsed.ok() ? std::string() : parsed.error().message;
  }

  std::string func_error(std::string_view text) {
    auto parsed = parse_func_type(store, text, resources);
    EXPECT_FALSE(parsed.ok()) << text << " parsed";
    return parsed.ok() ? std::string() : parsed.error().message;
  }

  // Prints the type and parses the text again into the same store: the
  // store interns structurally, so the id must come back.
  // Both parses number resources from 0, as the printer does.
  void expect_round_trip(std::string_view text) {
    ResourceNames names;
    auto parsed = parse_value_type(store, text, names);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.error().message;
    TypeId id = *parsed;
    std::string printed = to_string(store, id);
    ResourceNames fresh;
    auto again = parse_value_type(store, printed, fresh);
    ASSERT_TRUE(again.ok()) << printed << ": " << again.error().message;
    EXPECT_EQ(*again, id) << text << " printed as " << printed;
  }

  TypeStore store;
  ResourceNames resources;
};

TEST_F(TypeExprTest, Primitives) {
  const std::pair<const char*, TypeKind> cases[] = {
      {"bool", TypeKind::Bool},     {"s8", TypeKind::S8},
      {"u8", TypeKind::U8},         {"s16", TypeKind::S16},
      {"u16", TypeKind::U16},       {"s32", TypeKind::S32},
      {"u32", TypeKind::U32},       {"s64", TypeKind::S64},
      {"u64", TypeKind::U64},       {"f32", TypeKind::F32},
      {"f64", TypeKind::F64},       {"char", TypeKind::Char},
      {"string", TypeKind::String}, {"error-context", TypeKind::ErrorContext},
  };
  for (const auto& [text, kind] : cases) {
    TypeId id = type(text);
    EXPECT_EQ(id, store.primitive(kind)) << text;
    EXPECT_EQ(to_string(store, id), text);
  }
}

TEST_F(TypeExprTest, Lists) {
  TypeId list = type("list<u8>");
  EXPECT_EQ(store.get(list).kind, TypeKind::List);
  EXPECT_EQ(*store.get(list).element, store.primitive(TypeKind::U8));

  TypeId fixed = type("list<u32, 4>");
  EXPECT_EQ(store.get(fixed).kind, TypeKind::FixedList);
  EXPECT_EQ(store.get(fixed).length, 4u);
  EXPECT_EQ(*store.get(fixed).element, store.primitive(TypeKind::U32));

  EXPECT_EQ(type("list<list<string>>"), store.list(store.list(store.string())));
  EXPECT_EQ(type("list<u8, 268435455>"),
            store.fixed_list(store.primitive(TypeKind::U8), 268435455));
}

TEST_F(TypeExprTest, MapsAndTuples) {
  TypeId map = type("map<string, u32>");
  EXPECT_EQ(map, store.map(store.string(), store.primitive(TypeKind::U32)));

  TypeId tuple = type("tuple<u8, f64, char>");
  EXPECT_EQ(tuple, store.tuple({store.primitive(TypeKind::U8), store.primitive(TypeKind::F64),
                                store.primitive(TypeKind::Char)}));
  EXPECT_EQ(type("tuple<bool>"), store.tuple({store.boolean()}));
}

TEST_F(TypeExprTest, OptionAndResult) {
  TypeId u8 = store.primitive(TypeKind::U8);
  TypeId s = store.string();
  EXPECT_EQ(type("option<u8>"), store.option(u8));
  EXPECT_EQ(type("result"), store.result(std::nullopt, std::nullopt));
  EXPECT_EQ(type("result<u8>"), store.result(u8, std::nullopt));
  EXPECT_EQ(type("result<_, string>"), store.result(std::nullopt, s));
  EXPECT_EQ(type("result<u8, string>"), store.result(u8, s));
  EXPECT_EQ(type("option<result>"), store.option(store.result(std::nullopt, std::nullopt)));
}

TEST_F(TypeExprTest, Records) {
  TypeId id = type("record { x: f32, y: f32 }");
  const TypeNode& node = store.get(id);
  ASSERT_EQ(node.kind, TypeKind::Record);
  ASSERT_EQ(node.fields.size(), 2u);
  EXPECT_EQ(node.fields[0].name, "x");
  EXPECT_EQ(node.fields[1].name, "y");
  EXPECT_EQ(node.fields[1].type, store.primitive(TypeKind::F32));
  // A trailing comma is allowed, as in WIT.
  EXPECT_EQ(type("record { x: f32, y: f32, }"), id);
}

TEST_F(TypeExprTest, VariantsEnumsFlags) {
  TypeId variant = type("variant { none, some(u32), many(list<u32>) }");
  const TypeNode& node = store.get(variant);
  ASSERT_EQ(node.kind, TypeKind::Variant);
  ASSERT_EQ(node.cases.size(), 3u);
  EXPECT_EQ(node.cases[0].name, "none");
  EXPECT_FALSE(node.cases[0].type.has_value());
  EXPECT_EQ(node.cases[1].type, store.primitive(TypeKind::U32));
  EXPECT_EQ(node.cases[2].type, store.list(store.primitive(TypeKind::U32)));

  EXPECT_EQ(type("enum { red, green, blue }"), store.enumeration({"red", "green", "blue"}));
  EXPECT_EQ(type("flags { read, write, }"), store.flags({"read", "write"}));
}

TEST_F(TypeExprTest, HandlesNumberResourcesByFirstAppearance) {
  FuncTypeId id = func("func(a: own<file>, b: borrow<dir>, c: borrow<file>) -> own<%socket>");
  ASSERT_EQ(resources.names, (std::vector<std::string>{"file", "dir", "socket"}));
  const FuncType& f = store.get(id);
  EXPECT_EQ(f.params[0].type, store.own(0));
  EXPECT_EQ(f.params[1].type, store.borrow(1));
  EXPECT_EQ(f.params[2].type, store.borrow(0));
  EXPECT_EQ(f.result, store.own(2));
  EXPECT_EQ(resources.index_of("dir"), 1u);
  EXPECT_EQ(resources.index_of("new"), 3u);
}

TEST_F(TypeExprTest, FuturesAndStreams) {
  EXPECT_EQ(type("future"), store.future(std::nullopt));
  EXPECT_EQ(type("future<u8>"), store.future(store.primitive(TypeKind::U8)));
  EXPECT_EQ(type("stream"), store.stream(std::nullopt));
  EXPECT_EQ(type("stream<string>"), store.stream(store.string()));
}

TEST_F(TypeExprTest, FuncTypes) {
  FuncTypeId empty = func("func()");
  EXPECT_TRUE(store.get(empty).params.empty());
  EXPECT_FALSE(store.get(empty).result.has_value());
  EXPECT_FALSE(store.get(empty).is_async);

  FuncTypeId f = func("func(a: u32, p: record { x: f32, y: f32 }) -> option<u8>");
  const FuncType& type = store.get(f);
  ASSERT_EQ(type.params.size(), 2u);
  EXPECT_EQ(type.params[0].name, "a");
  EXPECT_EQ(type.params[1].name, "p");
  EXPECT_EQ(type.result, store.option(store.primitive(TypeKind::U8)));

  EXPECT_TRUE(store.get(func("async func(x: u8)")).is_async);
  EXPECT_EQ(func("func(a: u32,)"), func("func(a: u32)"));
}

TEST_F(TypeExprTest, WhitespaceIsFree) {
  FuncTypeId compact = func("func(a:list<u8,4>,b:result<_,string>)->tuple<u8,u8>");
  FuncTypeId spaced = func(
      " \t func ( a : list < u8 , 4 > ,\n b : result < _ , string > ) \r\n -> tuple < u8 , u8 > "
      "\n");
  EXPECT_EQ(compact, spaced);
  // '->' may follow a name directly, and '-' inside names is not an arrow.
  EXPECT_EQ(func("func(my-arg: u8)->u8"), func("func(my-arg: u8) -> u8"));
  EXPECT_EQ(func("func()->error-context"), func("func() -> error-context"));
}

TEST_F(TypeExprTest, NamesFollowWit) {
  FuncTypeId id = func("func(red-green-blue: u8, parse-XML-doc: u8, a1-2b: u8, %list: u8, %x: u8)");
  const FuncType& f = store.get(id);
  ASSERT_EQ(f.params.size(), 5u);
  EXPECT_EQ(f.params[0].name, "red-green-blue");
  EXPECT_EQ(f.params[1].name, "parse-XML-doc");
  EXPECT_EQ(f.params[2].name, "a1-2b");
  EXPECT_EQ(f.params[3].name, "list");
  EXPECT_EQ(f.params[4].name, "x");
  EXPECT_EQ(store.get(type("record { %record: u8 }")).fields[0].name, "record");
}

TEST_F(TypeExprTest, NestedTypes) {
  TypeId id = type(
      "record { a: list<option<tuple<u8, string>>>, b: variant { c(map<string, list<u8, 2>>), d }, "
      "e: result<list<record { f: own<r> }>, enum { g }> }");
  const TypeNode& node = store.get(id);
  ASSERT_EQ(node.fields.size(), 3u);
  TypeId a = store.list(store.option(store.tuple({store.primitive(TypeKind::U8), store.string()})));
  EXPECT_EQ(node.fields[0].type, a);
  EXPECT_EQ(node.depth, 5u);
}

TEST_F(TypeExprTest, RoundTripsThroughToString) {
  for (const char* text : {
           "u8",
           "list<string>",
           "list<u16, 3>",
           "map<u32, list<char>>",
           "tuple<u8, s64, f32>",
           "option<option<bool>>",
           "result",
           "result<u8>",
           "result<_, string>",
           "result<f64, list<u8>>",
           "record { x: f32, y: option<u8> }",
           "variant { a, b(u8), c(string) }",
           "enum { one, two }",
           "flags { r, w, x }",
           "own<file>",
           "borrow<file>",
           "future",
           "future<u32>",
           "stream<u8>",
           "stream",
           "error-context",
           "tuple<own<a>, borrow<b>, own<a>>",
       }) {
    expect_round_trip(text);
  }
  FuncTypeId id = func("async func(a: u32, b-c: string) -> list<u8>");
  ResourceNames fresh;
  auto again = parse_func_type(store, to_string(store, id), fresh);
  ASSERT_TRUE(again.ok()) << to_string(store, id) << ": " << again.error().message;
  EXPECT_EQ(*again, id);
}

TEST_F(TypeExprTest, SyntaxErrorsNameColumnAndToken) {
  EXPECT_EQ(func_error("func(a: list<,u8>)"), "column 14: expected a type, found ','");
  EXPECT_EQ(func_error("func(a: list<u8>) -> list<u32"),
            "column 30: expected '>' to close 'list<', found end of input");
  EXPECT_EQ(func_error("fn(a: u8)"), "column 1: expected 'func', found 'fn'");
  EXPECT_EQ(func_error(""), "column 1: expected 'func', found end of input");
  EXPECT_EQ(func_error("async (a: u8)"), "column 7: expected 'func' after 'async', found '('");
  EXPECT_EQ(func_error("func a: u8)"), "column 6: expected '(' after 'func', found 'a'");
  EXPECT_EQ(func_error("func(a u8)"),
            "column 8: expected ':' after the parameter name, found 'u8'");
  EXPECT_EQ(func_error("func(a: u8 b: u8)"),
            "column 12: expected ',' or ')' to close 'func(', found 'b'");
  EXPECT_EQ(func_error("func(a: u8"),
            "column 11: expected ',' or ')' to close 'func(', found end of input");
  EXPECT_EQ(func_error("func(: u8)"), "column 6: expected a parameter name, found ':'");
  EXPECT_EQ(func_error("func(a: u8,,)"), "column 12: expected a parameter name, found ','");
  EXPECT_EQ(func_error("func() u8"), "column 8: expected '->' or end of input, found 'u8'");
  EXPECT_EQ(func_error("func() ->"), "column 10: expected a type, found end of input");
  EXPECT_EQ(func_error("func() -> u8 u8"), "column 14: expected end of input, found 'u8'");
  EXPECT_EQ(func_error("func() -> u8)"), "column 13: expected end of input, found ')'");
  EXPECT_EQ(func_error("func(a: $)"), "column 9: expected a type, found '$'");
  EXPECT_EQ(func_error("func(a: u8) - u8"), "column 13: expected '->' or end of input, found '-'");
  EXPECT_EQ(func_error("func(a: 12)"), "column 9: expected a type, found '12'");

  EXPECT_EQ(type_error("u8 u8"), "column 4: expected end of input, found 'u8'");
  EXPECT_EQ(type_error("list u8"), "column 6: expected '<' after 'list', found 'u8'");
  EXPECT_EQ(type_error("list<u8 u8>"), "column 9: expected '>' to close 'list<', found 'u8'");
  EXPECT_EQ(type_error("map<u8>"),
            "column 7: expected ',' after the key type of 'map<', found '>'");
  EXPECT_EQ(type_error("map<u8, u8"),
            "column 11: expected '>' to close 'map<', found end of input");
  EXPECT_EQ(type_error("tuple<>"), "column 7: expected a type, found '>'");
  EXPECT_EQ(type_error("tuple<u8 u8>"),
            "column 10: expected ',' or '>' to close 'tuple<', found 'u8'");
  EXPECT_EQ(type_error("option<u8, u8>"), "column 10: expected '>' to close 'option<', found ','");
  EXPECT_EQ(type_error("result<_>"), "column 9: expected ',' after 'result<_', found '>'");
  EXPECT_EQ(type_error("result<u8 u8>"),
            "column 11: expected ',' or '>' to close 'result<', found 'u8'");
  EXPECT_EQ(type_error("result<u8, u8, u8>"),
            "column 14: expected '>' to close 'result<', found ','");
  EXPECT_EQ(type_error("result<_, _>"), "column 11: expected a type, found '_'");
  EXPECT_EQ(type_error("record x: u8 }"), "column 8: expected '{' after 'record', found 'x'");
  EXPECT_EQ(type_error("record {}"), "column 9: expected a field name, found '}'");
  EXPECT_EQ(type_error("record { x u8 }"),
            "column 12: expected ':' after the field name, found 'u8'");
  EXPECT_EQ(type_error("record { x: u8 y: u8 }"),
            "column 16: expected ',' or '}' to close 'record {', found 'y'");
  EXPECT_EQ(type_error("record { x: u8,, }"), "column 16: expected a field name, found ','");
  EXPECT_EQ(type_error("variant { a(u8 }"),
            "column 16: expected ')' after the payload type, found '}'");
  EXPECT_EQ(type_error("variant { }"), "column 11: expected a case name, found '}'");
  EXPECT_EQ(type_error("enum { a b }"),
            "column 10: expected ',' or '}' to close 'enum {', found 'b'");
  EXPECT_EQ(type_error("flags { a, 1 }"), "column 12: expected a flag name, found '1'");
  EXPECT_EQ(type_error("flags { a"),
            "column 10: expected ',' or '}' to close 'flags {', found end of input");
  EXPECT_EQ(type_error("own<>"), "column 5: expected a resource name, found '>'");
  EXPECT_EQ(type_error("borrow<r"),
            "column 9: expected '>' to close 'borrow<', found end of input");
  EXPECT_EQ(type_error("future<u8"),
            "column 10: expected '>' to close 'future<', found end of input");
  EXPECT_EQ(type_error("stream<>"), "column 8: expected a type, found '>'");
}

TEST_F(TypeExprTest, UnknownTypes) {
  EXPECT_EQ(type_error("    u33"), "column 5: unknown type 'u33'");
  EXPECT_EQ(func_error("func(a: u33)"), "column 9: unknown type 'u33'");
  EXPECT_EQ(type_error("list<file>"), "column 6: unknown type 'file'");
  EXPECT_EQ(type_error("%u32"), "column 1: unknown type '%u32'");
  EXPECT_EQ(type_error("func"), "column 1: unknown type 'func'");
  EXPECT_EQ(type_error("String"), "column 1: unknown type 'String'");
}

TEST_F(TypeExprTest, NameErrors) {
  EXPECT_EQ(func_error("func(list: u8)"),
            "column 6: expected a parameter name, found keyword 'list' (write '%list' to use it as "
            "a name)");
  EXPECT_EQ(type_error("enum { a, enum }"),
            "column 11: expected a case name, found keyword 'enum' (write '%enum' to use it as a "
            "name)");
  const std::string rule =
      "': a name is words of lowercase letters and digits or of uppercase letters and digits, "
      "joined by single '-' and starting with a letter";
  EXPECT_EQ(func_error("func(Foo: u8)"), "column 6: invalid name 'Foo" + rule);
  EXPECT_EQ(func_error("func(a--b: u8)"), "column 6: invalid name 'a--b" + rule);
  EXPECT_EQ(func_error("func(a-: u8)"), "column 6: invalid name 'a-" + rule);
  EXPECT_EQ(func_error("func(my_arg: u8)"), "column 6: invalid name 'my_arg" + rule);
  EXPECT_EQ(func_error("func(_a: u8)"), "column 6: invalid name '_a" + rule);
  EXPECT_EQ(func_error("func(%: u8)"), "column 6: invalid name '%" + rule);
  EXPECT_EQ(func_error("func(%1a: u8)"), "column 6: invalid name '%1a" + rule);
  EXPECT_EQ(type_error("own<%Bad-Name>"), "column 5: invalid name '%Bad-Name" + rule);
}

TEST_F(TypeExprTest, ListLengthErrors) {
  EXPECT_EQ(type_error("list<u8, 0>"), "column 10: list length must be at least 1");
  EXPECT_EQ(type_error("list<u8, 00>"), "column 10: list length must be at least 1");
  EXPECT_EQ(type_error("list<u8, x>"), "column 10: expected a list length, found 'x'");
  EXPECT_EQ(type_error("list<u8, 12ab>"), "column 10: expected a list length, found '12ab'");
  EXPECT_EQ(type_error("list<u8, -1>"), "column 10: expected a list length, found '-'");
  EXPECT_EQ(type_error("list<u8, >"), "column 10: expected a list length, found '>'");
  EXPECT_EQ(type_error("list<u8, 268435456>"),
            "column 10: list length 268435456 too big: the most is 268435455");
  EXPECT_EQ(type_error("list<u8, 99999999999999999999999999>"),
            "column 10: list length 99999999999999999999999999 too big: the most is 268435455");
}

TEST_F(TypeExprTest, TypesMustStayBelowTheElementSizeLimit) {
  const std::string too_big = "type too big: its size in memory must be less than 2^28 bytes";
  EXPECT_EQ(type_error("list<u16, 134217728>"), "column 1: " + too_big);
  type("list<u16, 134217727>");
  // Sizes are checked as they grow, so no size computed along the way can
  // overflow: here the outer list would be 2^54 bytes.
  EXPECT_EQ(type_error("list<list<u64, 33554431>, 268435455>"), "column 1: " + too_big);
  EXPECT_EQ(type_error("tuple<list<u8, 200000000>, list<u8, 200000000>>"), "column 1: " + too_big);
  EXPECT_EQ(type_error("record { a: u8, b: list<u8, 268435455> }"), "column 1: " + too_big);
  EXPECT_EQ(type_error("option<list<u8, 268435455>>"), "column 1: " + too_big);
  EXPECT_EQ(type_error("result<_, list<u8, 268435455>>"), "column 1: " + too_big);
  EXPECT_EQ(type_error("list<variant { a(list<u8, 268435455>) }>"), "column 6: " + too_big);
  type("variant { a(list<u8, 268435000>) }");
}

TEST_F(TypeExprTest, DepthIsBounded) {
  auto nested = [](int levels) {
    std::string text;
    for (int i = 1; i < levels; ++i) text += "list<";
    text += "u8";
    for (int i = 1; i < levels; ++i) text += ">";
    return text;
  };
  type(nested(100));
  EXPECT_EQ(type_error(nested(101)), "column 501: type nested too deeply: the most is 100 levels");
  // Far deeper input fails the same way instead of exhausting the stack.
  EXPECT_EQ(type_error(nested(100000)),
            "column 501: type nested too deeply: the most is 100 levels");
  std::string records;
  for (int i = 0; i < 200; ++i) records += "record { a: ";
  EXPECT_EQ(type_error(records), "column 1201: type nested too deeply: the most is 100 levels");
}

TEST_F(TypeExprTest, InputLengthIsBounded) {
  std::string text = "func(" + std::string(1 << 20, ' ') + ")";
  EXPECT_EQ(func_error(text), "type expression too long: 1048582 bytes, the most is 1048576");
  std::string fits = "func(" + std::string((1 << 20) - 6, ' ') + ")";
  func(fits);
}

TEST_F(TypeExprTest, ColumnsCountCharactersNotBytes) {
  EXPECT_EQ(type_error("record { \xC3\xA9: u8 }"),
            "column 10: expected a field name, found '\xC3\xA9'");
  EXPECT_EQ(func_error("func(\xC3\xA9\xC3\xA9) $"),
            "column 6: expected a parameter name, found '\xC3\xA9'");
  EXPECT_EQ(type_error("/* x */ u8"), "column 1: expected a type, found '/'");
  EXPECT_EQ(type_error("\x01"), "column 1: expected a type, found character U+0001");
  EXPECT_EQ(type_error("\xFF"), "column 1: expected a type, found byte 0xFF");
  EXPECT_EQ(type_error("u8 \xE2\x82"), "column 4: expected end of input, found byte 0xE2");
  EXPECT_EQ(type_error(std::string_view("u8\0", 3)),
            "column 3: expected end of input, found character U+0000");
}

}  // namespace
}  // namespace fact
