// The rules of canonical options and type equality (fact/canon_rules.h),
// which the component front end and AdapterModule::adapt share.
#include "fact/canon_rules.h"

#include <gtest/gtest.h>

#include <string>

#include "fact/abi.h"
#include "fact/type_expr.h"
#include "fact/types.h"

namespace fact {
namespace {

// The rule itself, for the cases the compiler does not accept yet too.
class CanonRequirementsTest : public ::testing::Test {
 protected:
  CanonRequirements needs(std::string_view signature, SignatureOptions lift = {},
                          SignatureOptions lower = {}) {
    ResourceNames resources;
    auto func = parse_func_type(store, signature, resources);
    EXPECT_TRUE(func.ok()) << func.error().message;
    return canon_requirements(store, *func, lift, lower);
  }

  static std::string describe(const CanonRequirements& n) {
    auto side = [](const OptionRequirements& s) {
      return std::string(s.memory.needed ? "memory" : "-") + "," +
             (s.realloc.needed ? "realloc" : "-");
    };
    return "lift " + side(n.lift) + " lower " + side(n.lower);
  }

  TypeStore store;
};

TEST_F(CanonRequirementsTest, FollowTheSpec) {
  const std::string sixteen =
      "a: u32, b: u32, c: u32, d: u32, e: u32, f: u32, g: u32, h: u32, i: u32, j: u32, k: u32, "
      "l: u32, m: u32, n: u32, o: u32, p: u32";
  EXPECT_EQ(describe(needs("func()")), "lift -,- lower -,-");
  EXPECT_EQ(describe(needs("func(" + sixteen + ") -> u64")), "lift -,- lower -,-");
  EXPECT_EQ(describe(needs("func(" + sixteen + ", q: u8)")), "lift memory,realloc lower memory,-");
  EXPECT_EQ(describe(needs("func() -> tuple<u8, u8>")), "lift memory,- lower memory,-");
  EXPECT_EQ(describe(needs("func() -> list<u8, 2>")), "lift memory,- lower memory,-");
  EXPECT_EQ(describe(needs("func(s: string)")), "lift memory,realloc lower memory,-");
  EXPECT_EQ(describe(needs("func() -> string")), "lift memory,- lower memory,realloc");
  EXPECT_EQ(describe(needs("func() -> option<list<u8>>")), "lift memory,- lower memory,realloc");
  EXPECT_EQ(describe(needs("func(m: map<u8, u8>) -> map<u8, u8>")),
            "lift memory,realloc lower memory,realloc");
  EXPECT_EQ(describe(needs("func(x: list<string, 1>)")), "lift memory,realloc lower memory,-");
  EXPECT_EQ(describe(needs("func(v: variant { a, b(record { s: string }) })")),
            "lift memory,realloc lower memory,-");
  EXPECT_EQ(describe(needs("func(x: list<u8, 16>) -> flags { a }")), "lift -,- lower -,-");
  // Handles, futures and streams travel as table indices: what their
  // payloads hold needs nothing of the function's options (as wasm-tools'
  // validator and Wasmtime decide; the spec's contains() would look in).
  EXPECT_EQ(describe(needs("func(a: own<r>, f: future<u8>, s: stream) -> borrow<r>")),
            "lift -,- lower -,-");
  EXPECT_EQ(describe(needs("func(f: future<string>)")), "lift -,- lower -,-");
  EXPECT_EQ(describe(needs("func() -> stream<list<u8>>")), "lift -,- lower -,-");
  EXPECT_EQ(describe(needs("func(f: future<string>, s: string)")),
            "lift memory,realloc lower memory,-");
}

TEST_F(CanonRequirementsTest, AsyncChangesTheLimits) {
  SignatureOptions async_side{false, true, false};
  // An async lift returns its result through task.return with up to
  // MAX_FLAT_PARAMS flat values.
  EXPECT_EQ(describe(needs("func() -> tuple<u8, u8>", async_side, {})), "lift -,- lower memory,-");
  // An async lower writes a result through a pointer, and passes more than
  // 4 flat parameters in memory; without either it needs no memory (as the
  // Component Model's own tests have it, against CanonicalABI.md's text).
  EXPECT_EQ(describe(needs("func()", {}, async_side)), "lift -,- lower -,-");
  EXPECT_EQ(describe(needs("func() -> u8", {}, async_side)), "lift -,- lower memory,-");
  EXPECT_EQ(describe(needs("func(a: u8, b: u8, c: u8, d: u8, e: u8)", {}, async_side)),
            "lift -,- lower memory,-");
}

class CanonOptionsTest : public ::testing::Test {
 protected:
  FuncTypeId func(std::string_view signature) {
    auto f = parse_func_type(store, signature, resources);
    EXPECT_TRUE(f.ok()) << f.error().message;
    return f ? *f : store.func({});
  }
  // The message of check_canon_options, or "ok".
  std::string check(std::string_view signature, CanonSide side, OptionFacts options) {
    auto r = check_canon_options(store, func(signature), side, options);
    return r ? "ok" : r.error().message;
  }

  TypeStore store;
  ResourceNames resources;
};

TEST_F(CanonOptionsTest, EachRuleHasOneMessage) {
  OptionFacts none;
  OptionFacts memory_only;
  memory_only.memory = true;
  OptionFacts both = memory_only;
  both.realloc = true;
  EXPECT_EQ(check("func(s: string)", CanonSide::Lift, both), "ok");
  EXPECT_EQ(check("func(s: string)", CanonSide::Lower, memory_only), "ok");
  EXPECT_EQ(check("func(s: string)", CanonSide::Lift, memory_only),
            "canon lift: canonical option `realloc` is required for `func(s: string)`: its "
            "parameters contain a string or list, which it allocates in its memory");
  EXPECT_EQ(check("func(s: string)", CanonSide::Lower, none),
            "canon lower: canonical option `memory` is required for `func(s: string)`: its "
            "parameters contain a string or list");
  EXPECT_EQ(check("func() -> string", CanonSide::Lower, memory_only),
            "canon lower: canonical option `realloc` is required for `func() -> string`: its "
            "result contains a string or list, which it allocates in its memory");

  OptionFacts realloc_only;
  realloc_only.realloc = true;
  EXPECT_EQ(check("func()", CanonSide::Lift, realloc_only),
            "canon lift: canonical option `realloc` requires `memory` to also be specified");

  OptionFacts post_return;
  post_return.post_return = true;
  EXPECT_EQ(check("func()", CanonSide::Lift, post_return), "ok");
  EXPECT_EQ(check("func()", CanonSide::Lower, post_return),
            "canon lower: canonical option `post-return` is not allowed (only `canon lift` takes "
            "one)");
  OptionFacts callback;
  callback.callback = true;
  EXPECT_EQ(
      check("func()", CanonSide::Lower, callback),
      "canon lower: canonical option `callback` is not allowed (only `canon lift` takes one)");

  OptionFacts odd_pages = memory_only;
  odd_pages.page_size_log2 = 12;
  EXPECT_EQ(check("func()", CanonSide::Lift, odd_pages),
            "canon lift: the memory has a page size of 2^12 bytes; only 1 and 65536 are valid page "
            "sizes");
  OptionFacts byte_pages = memory_only;
  byte_pages.page_size_log2 = 0;
  EXPECT_EQ(check("func()", CanonSide::Lift, byte_pages), "ok");
}

TEST(CanonRules, CoreTypesOfTheOptionsFunctions) {
  using wasm::ValType;
  EXPECT_EQ(
      realloc_type(false),
      (wasm::FuncType{{ValType::I32, ValType::I32, ValType::I32, ValType::I32}, {ValType::I32}}));
  EXPECT_EQ(
      realloc_type(true),
      (wasm::FuncType{{ValType::I64, ValType::I64, ValType::I64, ValType::I64}, {ValType::I64}}));
  CoreSignature lift;
  lift.results = {ValType::I64};
  EXPECT_EQ(post_return_type(lift), (wasm::FuncType{{ValType::I64}, {}}));
}

class TypeDifferenceTest : public ::testing::Test {
 protected:
  FuncTypeId func(std::string_view signature) {
    auto f = parse_func_type(store, signature, resources);
    EXPECT_TRUE(f.ok()) << f.error().message;
    return f ? *f : store.func({});
  }
  std::string difference(std::string_view a, std::string_view b, HandleMatch handles) {
    return func_type_difference(store, func(a), func(b), handles).value_or("equal");
  }

  TypeStore store;
  ResourceNames resources;
};

TEST_F(TypeDifferenceTest, NamesTheFirstDifference) {
  const HandleMatch same = HandleMatch::SameResource;
  EXPECT_EQ(difference("func(a: u32)", "func(a: u32)", same), "equal");
  EXPECT_EQ(difference("func(a: u32)", "func(a: s32)", same),
            "parameter `a`: different kinds of type (u32 and s32)");
  EXPECT_EQ(difference("func(a: u32)", "func(b: u32)", same), "parameter 0 is named `a` and `b`");
  EXPECT_EQ(difference("func(a: u32)", "func()", same), "different parameter counts (1 and 0)");
  EXPECT_EQ(difference("func() -> u8", "func()", same), "only one of them has a result");
  EXPECT_EQ(difference("func()", "async func()", same), "one is `async` and the other is not");
  EXPECT_EQ(difference("func(r: record { x: list<option<u8>> })",
                       "func(r: record { x: list<option<u16>> })", same),
            "parameter `r`: field `x`: the element: the payload of case `some`: different kinds "
            "of type (u8 and u16)");
  EXPECT_EQ(difference("func(v: variant { a, b(u8) })", "func(v: variant { a(u8), b(u8) })", same),
            "parameter `v`: case `a` has a payload on one side only");
  EXPECT_EQ(difference("func(f: flags { a, b })", "func(f: flags { b, a })", same),
            "parameter `f`: different flag labels");
  EXPECT_EQ(difference("func(m: map<u8, u8>)", "func(m: map<u8, u16>)", same),
            "parameter `m`: the value: different kinds of type (u8 and u16)");
  EXPECT_EQ(difference("func() -> tuple<u8, u8>", "func() -> tuple<u8, s8>", same),
            "the result: element 1: different kinds of type (u8 and s8)");
}

TEST_F(TypeDifferenceTest, HandlesCompareByResourceOrByKind) {
  // own<r> and own<s> are the same shape over different resources: equal
  // for the two sides of an adapter, where each names its own table, and
  // different in one scope, where they name different resources.
  EXPECT_EQ(difference("func(h: own<r>)", "func(h: own<s>)", HandleMatch::SameKind), "equal");
  EXPECT_EQ(difference("func(h: own<r>)", "func(h: own<s>)", HandleMatch::SameResource),
            "parameter `h`: the handles name different resources");
  EXPECT_EQ(difference("func(h: own<r>)", "func(h: borrow<r>)", HandleMatch::SameKind),
            "parameter `h`: different kinds of type (own and borrow)");
}

TEST_F(TypeDifferenceTest, SharedMembersAreComparedOnce) {
  // Two chains of 64 levels, each level a tuple of the previous one twice:
  // 2^64 leaves unfolded, 64 distinct pairs to compare. Equal but for the
  // handle at the bottom, so every level must be compared.
  TypeId a = store.own(0);
  TypeId b = store.own(1);
  for (int level = 0; level < 64; ++level) {
    a = store.tuple({a, a});
    b = store.tuple({b, b});
  }
  EXPECT_FALSE(type_difference(store, a, b, HandleMatch::SameKind));
  EXPECT_TRUE(type_difference(store, a, b, HandleMatch::SameResource));
}

TEST(CanonRules, ResultsHoldNoBorrow) {
  TypeStore store;
  ResourceNames resources;
  auto t = parse_value_type(store, "option<borrow<r>>", resources);
  ASSERT_TRUE(t.ok());
  auto r = check_result_has_no_borrow(store, *t);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "function result cannot contain a `borrow` type (`option<borrow<r0>>`): a borrowed "
            "handle may only be passed as a parameter");
  EXPECT_TRUE(check_result_has_no_borrow(store, store.own(0)).ok());
}

}  // namespace
}  // namespace fact
