#include "support/adapter_fixture.h"

namespace fact::test {

std::string widths_name(const ::testing::TestParamInfo<Widths>& info) {
  return std::string(info.param.lower64 ? "caller64" : "caller32") + "_" +
         (info.param.lift64 ? "callee64" : "callee32");
}

FuncTypeId AdapterTest::func(std::string_view text) {
  auto f = parse_func_type(types_, text, names_);
  EXPECT_TRUE(f.ok()) << text << ": " << (f ? "" : f.error().message);
  return f ? *f : types_.func({});
}

TypeId AdapterTest::type(std::string_view text) {
  auto t = parse_value_type(types_, text, names_);
  EXPECT_TRUE(t.ok()) << text << ": " << (t ? "" : t.error().message);
  return t ? *t : types_.boolean();
}

HarnessConfig AdapterTest::config() const {
  HarnessConfig c;
  c.lower.memory64 = lower64();
  c.lift.memory64 = lift64();
  return c;
}

std::unique_ptr<AdapterHarness> AdapterTest::make(std::string_view text, const HarnessConfig& c) {
  const FuncTypeId f = func(text);
  auto h = AdapterHarness::create(types_, f, f, c);
  EXPECT_TRUE(h.ok()) << text << ": " << (h ? "" : h.error().message);
  return h ? std::move(*h) : nullptr;
}

void AdapterTest::round_trip(AdapterHarness& h, const std::vector<Value>& args,
                             const std::optional<Value>& result) {
  const FuncType& ft = h.func_type();
  std::vector<TypeId> param_types;
  for (const Param& p : ft.params) param_types.push_back(p.type);
  SCOPED_TRACE(to_string(types_, types_.func(ft)) + " with " + to_wave(types_, param_types, args));
  if (result) h.set_callee_result(*result);
  CallResult r = h.call(args);
  ASSERT_FALSE(r.trap) << *r.trap;
  ASSERT_TRUE(h.received().has_value()) << "callee not called";
  ASSERT_TRUE(h.received()->ok()) << h.received()->error().message;
  EXPECT_EQ(h.received()->value(), args);
  EXPECT_FALSE(r.lift_error) << *r.lift_error;
  if (result) {
    ASSERT_TRUE(r.result.has_value());
    EXPECT_EQ(*r.result, *result) << to_wave(types_, *ft.result, *r.result)
                                  << " != " << to_wave(types_, *ft.result, *result);
  }
  EXPECT_EQ(h.flags(0), 1u);
  EXPECT_EQ(h.flags(1), 1u);
}

}  // namespace fact::test
