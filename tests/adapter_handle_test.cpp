// End-to-end handle tests: adapters compiled by fact run in wabt's
// interpreter with their handle transfers, sync-call brackets and context
// slots bound to the reference host (src/host/resources.h), so that every
// handle the adapter moves, lends or gives back is checked by the host's
// Canonical ABI rules rather than by a recording stub.
//
// Tables: instance i sees resource `r` as resource table 10*i and `s` as
// 10*i + 1, and has future, stream and error-context tables 10*i. A function
// type is parsed once (r = resource 0, s = resource 1, table 0 for the
// others) and rebased by 10*i for each side, since the two sides of an
// adapter name their own instance's tables.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "fact/host/host.h"
#include "fact/type_expr.h"
#include "support/adapter_fixture.h"

namespace fact::test {
namespace {

using host::HandleInfo;

constexpr uint32_t kTypeR = 100;
constexpr uint32_t kTypeS = 101;
constexpr uint32_t kFuturePayload = 200;
constexpr uint32_t kStreamPayload = 201;

uint32_t base(uint32_t instance) { return 10 * instance; }

// `id` with every handle's table index moved up by `offset`.
TypeId rebase(TypeStore& s, TypeId id, uint32_t offset) {
  const TypeNode n = s.get(id);  // a copy: building types may move the nodes
  auto sub = [&](std::optional<TypeId> t) -> std::optional<TypeId> {
    if (!t) return std::nullopt;
    return rebase(s, *t, offset);
  };
  switch (n.kind) {
    case TypeKind::Own: return s.own(n.resource + offset);
    case TypeKind::Borrow: return s.borrow(n.resource + offset);
    case TypeKind::Future: return s.future(sub(n.element), n.resource + offset);
    case TypeKind::Stream: return s.stream(sub(n.element), n.resource + offset);
    case TypeKind::ErrorContext: return s.error_context(n.resource + offset);
    case TypeKind::List: return s.list(rebase(s, *n.element, offset));
    case TypeKind::FixedList: return s.fixed_list(rebase(s, *n.element, offset), n.length);
    case TypeKind::Map: return s.map(rebase(s, n.key, offset), rebase(s, n.value, offset));
    case TypeKind::Record: {
      std::vector<Field> fields = n.fields;
      for (Field& f : fields) f.type = rebase(s, f.type, offset);
      return s.record(fields);
    }
    case TypeKind::Tuple: {
      std::vector<TypeId> elements;
      for (TypeId t : n.elements) elements.push_back(rebase(s, t, offset));
      return s.tuple(elements);
    }
    case TypeKind::Variant: {
      std::vector<Case> cases = n.cases;
      for (Case& c : cases) c.type = sub(c.type);
      return s.variant(cases);
    }
    case TypeKind::Option: return s.option(rebase(s, *n.cases[1].type, offset));
    case TypeKind::Result: return s.result(sub(n.cases[0].type), sub(n.cases[1].type));
    default: return id;
  }
}

FuncTypeId rebase(TypeStore& s, FuncTypeId id, uint32_t offset) {
  FuncType f = s.get(id);
  for (Param& p : f.params) p.type = rebase(s, p.type, offset);
  if (f.result) f.result = rebase(s, *f.result, offset);
  return s.func(f);
}

struct HandleRef {
  TypeKind kind;
  uint32_t table;
  uint32_t index;
};

// Every handle in `value`, a value of `type`, in order.
void collect(const TypeStore& s, TypeId type, const Value& v, std::vector<HandleRef>& out) {
  const TypeNode& n = s.get(type);
  switch (n.kind) {
    case TypeKind::Own:
    case TypeKind::Borrow:
    case TypeKind::Future:
    case TypeKind::Stream:
    case TypeKind::ErrorContext:
      out.push_back({n.kind, n.resource, static_cast<uint32_t>(v.bits)});
      return;
    case TypeKind::Record:
      for (size_t i = 0; i < n.fields.size(); ++i) collect(s, n.fields[i].type, v.items.at(i), out);
      return;
    case TypeKind::Tuple:
      for (size_t i = 0; i < n.elements.size(); ++i) collect(s, n.elements[i], v.items.at(i), out);
      return;
    case TypeKind::List:
    case TypeKind::FixedList:
      for (const Value& item : v.items) collect(s, *n.element, item, out);
      return;
    case TypeKind::Map:
      for (const Value& entry : v.items) {
        collect(s, n.key, entry.items.at(0), out);
        collect(s, n.value, entry.items.at(1), out);
      }
      return;
    case TypeKind::Variant:
    case TypeKind::Option:
    case TypeKind::Result: {
      const Case& c = n.cases.at(v.bits);
      if (c.type && v.payload()) collect(s, *c.type, *v.payload(), out);
      return;
    }
    default: return;
  }
}

std::vector<HandleRef> handles_of(const TypeStore& s, const std::vector<TypeId>& types,
                                  const std::vector<Value>& values) {
  std::vector<HandleRef> out;
  for (size_t i = 0; i < types.size() && i < values.size(); ++i)
    collect(s, types[i], values[i], out);
  return out;
}

// What each handle stands for, comparable across instances: the resource's
// rep, the kind of end, the error context's identity. A receiving side also
// checks that it holds the kind of handle the type says; a borrow received
// by the instance that implements the resource is the rep itself.
std::vector<std::string> describe(const host::Host& host, uint32_t instance,
                                  const std::vector<HandleRef>& handles, bool receiving,
                                  std::optional<uint32_t> implementer) {
  std::vector<std::string> out;
  for (const HandleRef& h : handles) {
    std::string kind = kind_name(h.kind);
    // Only `r` (table 10*i) can have an implementer.
    if (h.kind == TypeKind::Borrow && receiving && implementer == instance &&
        h.table == base(instance)) {
      out.push_back("borrow rep " + std::to_string(h.index));
      continue;
    }
    std::optional<HandleInfo> info = host.inspect(instance, h.index);
    if (!info) {
      out.push_back(kind + ": no handle " + std::to_string(h.index) + " in instance " +
                    std::to_string(instance));
      continue;
    }
    switch (h.kind) {
      case TypeKind::Own:
      case TypeKind::Borrow: {
        const bool own = info->kind == HandleInfo::Kind::Own;
        const bool borrow = info->kind == HandleInfo::Kind::Borrow;
        if (!own && !borrow) {
          out.push_back(kind + ": not a resource handle");
        } else if (receiving && own != (h.kind == TypeKind::Own)) {
          out.push_back(kind + ": arrived as " + (own ? "own" : "borrow"));
        } else {
          // Reps are unique in these tests, so they name the resource.
          out.push_back(kind + " rep " + std::to_string(info->rep));
        }
        break;
      }
      case TypeKind::Future:
        out.push_back(info->kind == HandleInfo::Kind::ReadableFuture ? "readable future"
                                                                     : "future: wrong kind");
        break;
      case TypeKind::Stream:
        out.push_back(info->kind == HandleInfo::Kind::ReadableStream ? "readable stream"
                                                                     : "stream: wrong kind");
        break;
      default:
        out.push_back(info->kind == HandleInfo::Kind::ErrorContext
                          ? "error-context " + std::to_string(info->error_context)
                          : "error-context: wrong kind");
        break;
    }
  }
  return out;
}

GuestHooks on_callee(GuestHooks::Hook hook) {
  GuestHooks hooks;
  hooks.callee = std::move(hook);
  return hooks;
}

Value own(uint32_t index) { return Value::handle(TypeKind::Own, index); }
Value borrow(uint32_t index) { return Value::handle(TypeKind::Borrow, index); }

struct HostSetup {
  uint32_t instances = 2;
  // The instance that implements resource `r` (`s` is always host-defined).
  std::optional<uint32_t> r_implementer;
  bool concurrency = true;
};

bool contains(const std::optional<std::string>& text, std::string_view part) {
  return text && text->find(part) != std::string::npos;
}

class HandleRun : public AdapterTest {
 protected:
  void SetUp() override { names_.names = {"r", "s"}; }

  host::Host& make_host(HostSetup setup = {}) {
    setup_ = setup;
    host::HostOptions options;
    options.concurrency_support = setup.concurrency;
    host_ = std::make_unique<host::Host>(options);
    destroyed_.clear();
    auto record = [this](uint32_t rep) -> Expected<void> {
      destroyed_.push_back(rep);
      return {};
    };
    auto check = [](Expected<void> r) { EXPECT_TRUE(r.ok()) << r.error().message; };
    for (uint32_t i = 0; i < setup.instances; ++i) check(host_->add_instance(i));
    check(host_->add_resource_type(kTypeR, setup.r_implementer, record));
    check(host_->add_resource_type(kTypeS, std::nullopt, record));
    for (uint32_t i = 0; i < setup.instances; ++i) {
      check(host_->add_resource_table(base(i), i, kTypeR));
      check(host_->add_resource_table(base(i) + 1, i, kTypeS));
      check(host_->add_future_table(base(i), i, kFuturePayload));
      check(host_->add_stream_table(base(i), i, kStreamPayload));
      check(host_->add_error_context_table(base(i), i));
    }
    return *host_;
  }

  HarnessConfig config() const {
    HarnessConfig c = AdapterTest::config();
    c.module.concurrency_support = setup_.concurrency;
    return c;
  }

  FuncTypeId parse(std::string_view text) { return func(text); }

  // An adapter from instance `from` to instance `to` on the current host.
  std::unique_ptr<AdapterHarness> make(std::string_view text, HarnessConfig c, uint32_t from = 0,
                                       uint32_t to = 1) {
    FuncTypeId f = parse(text);
    c.host = host_.get();
    c.lower_instance = from;
    c.lift_instance = to;
    auto h = AdapterHarness::create(types_, rebase(types_, f, base(to)),
                                    rebase(types_, f, base(from)), c);
    EXPECT_TRUE(h.ok()) << text << ": " << (h ? "" : h.error().message);
    return h ? std::move(*h) : nullptr;
  }
  std::unique_ptr<AdapterHarness> make(std::string_view text) { return make(text, config()); }

  uint32_t new_own(uint32_t table, uint32_t rep) {
    auto h = host_->host_lower_own(table, rep);
    EXPECT_TRUE(h.ok()) << h.error().message;
    return h ? *h : 0;
  }

  std::vector<TypeId> param_types(FuncTypeId f) const {
    std::vector<TypeId> out;
    for (const Param& p : types_.get(f).params) out.push_back(p.type);
    return out;
  }

  // The callee's view of its parameters: the harness lifts them with the
  // caller's function type, so move the tables from the caller's to the
  // callee's.
  std::vector<HandleRef> received_handles(const AdapterHarness& h, uint32_t from, uint32_t to) {
    std::vector<HandleRef> out;
    if (!h.received() || !h.received()->ok()) return out;
    std::vector<TypeId> types;
    for (const Param& p : h.func_type().params) types.push_back(p.type);
    out = handles_of(types_, types, h.received()->value());
    for (HandleRef& r : out) r.table = r.table - base(from) + base(to);
    return out;
  }

  // Drops every borrow handle the callee holds among `handles` (the guest's
  // duty before it returns), unless it holds the rep instead.
  std::optional<std::string> drop_borrows(uint32_t instance,
                                          const std::vector<HandleRef>& handles) {
    for (const HandleRef& r : handles) {
      if (r.kind != TypeKind::Borrow ||
          (setup_.r_implementer == instance && r.table == base(instance)))
        continue;
      if (auto d = host_->resource_drop(r.table, r.index); !d) return d.error().message;
    }
    return std::nullopt;
  }

  HostSetup setup_;
  std::unique_ptr<host::Host> host_;
  std::vector<uint32_t> destroyed_;
};

TEST_P(HandleRun, OwnHandlesMoveBothWays) {
  make_host();
  auto h = make("func(a: own<r>, b: own<s>) -> own<r>");
  ASSERT_TRUE(h);
  const uint32_t a = new_own(base(0), 42);
  const uint32_t b = new_own(base(0) + 1, 43);
  const uint32_t back = new_own(base(1), 77);
  h->set_callee_result(own(back));
  CallResult r = h->call({own(a), own(b)});
  ASSERT_FALSE(r.trap) << *r.trap;
  ASSERT_TRUE(h->received() && h->received()->ok());
  const std::vector<Value>& got = h->received()->value();
  ASSERT_EQ(got.size(), 2u);
  auto x = host_->inspect(1, static_cast<uint32_t>(got[0].bits));
  auto y = host_->inspect(1, static_cast<uint32_t>(got[1].bits));
  ASSERT_TRUE(x && y);
  EXPECT_EQ(x->kind, HandleInfo::Kind::Own);
  EXPECT_EQ(x->type, kTypeR);
  EXPECT_EQ(x->rep, 42u);
  EXPECT_EQ(y->type, kTypeS);
  EXPECT_EQ(y->rep, 43u);
  // b's index was freed last, so the returned handle reuses it.
  EXPECT_FALSE(host_->inspect(0, a));
  ASSERT_TRUE(r.result);
  auto z = host_->inspect(0, static_cast<uint32_t>(r.result->bits));
  ASSERT_TRUE(z);
  EXPECT_EQ(z->kind, HandleInfo::Kind::Own);
  EXPECT_EQ(z->rep, 77u);
  EXPECT_EQ(host_->live_handles(0), 1u);
  EXPECT_EQ(host_->live_handles(1), 2u);
  EXPECT_EQ(host_->call_depth(), 0u);
  EXPECT_TRUE(destroyed_.empty());
}

// Own and borrow handles nested in every aggregate, in flat parameters and
// in a parameter tuple in memory, and own handles in a result in memory. The
// callee sees the same resources (by rep) the caller sent, drops the borrows
// it got, and the caller's lent handles are given back when the call ends.
TEST_P(HandleRun, HandlesInsideAggregates) {
  const std::string params =
      "a: record { x: own<r>, n: u8, y: borrow<s> }, b: variant { p(own<r>), q(borrow<r>), z }, "
      "c: option<own<s>>, d: result<own<r>, borrow<s>>, e: list<own<r>>, f: list<borrow<r>>, "
      "g: tuple<borrow<r>, own<s>>";
  const std::string result =
      "tuple<list<own<r>>, option<own<s>>, result<own<s>, own<r>>, variant { p(own<r>), z }>";
  for (std::optional<uint32_t> implementer :
       {std::optional<uint32_t>(), std::optional<uint32_t>(0), std::optional<uint32_t>(1)}) {
    for (bool in_memory : {false, true}) {
      for (int shape = 0; shape < 3; ++shape) {
        SCOPED_TRACE(std::string("r implemented by ") +
                     (implementer ? std::to_string(*implementer) : "the host") +
                     (in_memory ? ", params in memory" : ", flat params") + ", shape " +
                     std::to_string(shape));
        make_host(HostSetup{2, implementer, true});
        const std::string sig =
            "func(" + params + (in_memory ? ", pad: list<u64, 16>" : "") + ") -> " + result;
        auto h = make(sig);
        ASSERT_TRUE(h);
        ASSERT_EQ(h->params_indirect(false), in_memory);
        ASSERT_TRUE(h->results_indirect(false));
        const uint32_t r0 = base(0), s0 = base(0) + 1, r1 = base(1), s1 = base(1) + 1;
        // The caller keeps these and lends them.
        const uint32_t lent_s = new_own(s0, 500), lent_r1 = new_own(r0, 501),
                       lent_r2 = new_own(r0, 502);
        std::vector<Value> args = {
            Value::record({own(new_own(r0, 1)), Value::u8(7), borrow(lent_s)}),
            shape == 0   ? Value::variant(0, own(new_own(r0, 2)))
            : shape == 1 ? Value::variant(1, borrow(lent_r1))
                         : Value::variant(2),
            shape == 2 ? Value::none() : Value::some(own(new_own(s0, 3))),
            shape == 1 ? Value::err(borrow(lent_s)) : Value::ok(own(new_own(r0, 4))),
            Value::list(shape == 2 ? std::vector<Value>{}
                                   : std::vector<Value>{own(new_own(r0, 5)), own(new_own(r0, 6))}),
            Value::list({borrow(lent_r1), borrow(lent_r2), borrow(lent_r1)}),
            Value::tuple({borrow(lent_r2), own(new_own(s0, 7))}),
        };
        if (in_memory) {
          std::vector<Value> pad;
          for (int i = 0; i < 16; ++i) pad.push_back(Value::u64(i));
          args.push_back(Value::fixed_list(pad));
        }
        Value answer = Value::tuple({
            Value::list({own(new_own(r1, 900)), own(new_own(r1, 901))}),
            shape == 0 ? Value::none() : Value::some(own(new_own(s1, 902))),
            shape == 2 ? Value::err(own(new_own(r1, 903))) : Value::ok(own(new_own(s1, 904))),
            shape == 1 ? Value::variant(1) : Value::variant(0, own(new_own(r1, 905))),
        });
        FuncTypeId lower = rebase(types_, parse(sig), 0);
        const std::vector<TypeId> types = param_types(lower);
        const std::vector<std::string> sent =
            describe(*host_, 0, handles_of(types_, types, args), false, implementer);
        const TypeId result_lift = rebase(types_, *types_.get(lower).result, base(1));
        const std::vector<std::string> answered =
            describe(*host_, 1, handles_of(types_, {result_lift}, {answer}), false, implementer);

        std::vector<std::string> arrived;
        std::vector<uint32_t> lends_during;
        h->set_guest_hooks(on_callee([&]() -> std::optional<std::string> {
          std::vector<HandleRef> got = received_handles(*h, 0, 1);
          arrived = describe(*host_, 1, got, true, implementer);
          for (uint32_t lent : {lent_s, lent_r1, lent_r2})
            lends_during.push_back(host_->inspect(0, lent)->num_lends);
          return drop_borrows(1, got);
        }));
        h->set_callee_result(answer);
        CallResult r = h->call(args);
        ASSERT_FALSE(r.trap) << *r.trap;
        EXPECT_EQ(arrived, sent);
        // lent_s once (or twice with shape 1), lent_r1 twice (three times
        // with shape 1), lent_r2 twice.
        EXPECT_EQ(lends_during,
                  (std::vector<uint32_t>{shape == 1 ? 2u : 1u, shape == 1 ? 3u : 2u, 2u}));
        ASSERT_TRUE(r.result.has_value()) << (r.lift_error ? *r.lift_error : "");
        EXPECT_EQ(describe(*host_, 0, handles_of(types_, {*types_.get(lower).result}, {*r.result}),
                           true, implementer),
                  answered);
        // Only the lent handles and the returned ones are left with the
        // caller; the callee holds exactly the own handles it received.
        for (uint32_t lent : {lent_s, lent_r1, lent_r2}) {
          auto info = host_->inspect(0, lent);
          ASSERT_TRUE(info);
          EXPECT_EQ(info->num_lends, 0u);
        }
        size_t returned = handles_of(types_, {result_lift}, {answer}).size();
        EXPECT_EQ(host_->live_handles(0), 3u + returned);
        size_t owns_sent = std::count_if(
            sent.begin(), sent.end(), [](const std::string& d) { return d.rfind("own", 0) == 0; });
        EXPECT_EQ(host_->live_handles(1), owns_sent);
        EXPECT_EQ(host_->call_depth(), 0u);
        EXPECT_TRUE(destroyed_.empty());
      }
    }
  }
}

// A borrow passed into the instance that implements the resource arrives as
// the rep (lower_borrow); elsewhere as a borrow handle of the call's scope.
TEST_P(HandleRun, BorrowIntoTheImplementerIsTheRep) {
  for (std::optional<uint32_t> implementer :
       {std::optional<uint32_t>(1), std::optional<uint32_t>()}) {
    SCOPED_TRACE(implementer ? "callee implements r" : "host-defined r");
    make_host(HostSetup{2, implementer, true});
    auto h = make("func(a: borrow<r>) -> u32");
    ASSERT_TRUE(h);
    const uint32_t lent = new_own(base(0), 42);
    std::optional<HandleInfo> lender_during, borrow_during;
    h->set_guest_hooks(on_callee([&]() -> std::optional<std::string> {
      lender_during = host_->inspect(0, lent);
      const uint32_t got = static_cast<uint32_t>(h->received()->value().at(0).bits);
      if (implementer) {
        EXPECT_EQ(got, 42u);
        EXPECT_EQ(host_->live_handles(1), 0u);
        return std::nullopt;
      }
      borrow_during = host_->inspect(1, got);
      return drop_borrows(1, received_handles(*h, 0, 1));
    }));
    h->set_callee_result(Value::u32(1));
    CallResult r = h->call({borrow(lent)});
    ASSERT_FALSE(r.trap) << *r.trap;
    ASSERT_TRUE(lender_during);
    EXPECT_EQ(lender_during->num_lends, 1u);
    if (!implementer) {
      ASSERT_TRUE(borrow_during);
      EXPECT_EQ(borrow_during->kind, HandleInfo::Kind::Borrow);
      EXPECT_EQ(borrow_during->rep, 42u);
      EXPECT_EQ(borrow_during->scope_depth, 1u);
    }
    // Given back: the caller may drop it now, which runs the destructor.
    EXPECT_EQ(host_->inspect(0, lent)->num_lends, 0u);
    EXPECT_EQ(host_->live_handles(1), 0u);
    ASSERT_TRUE(host_->resource_drop(base(0), lent).ok());
    EXPECT_EQ(destroyed_, std::vector<uint32_t>{42});
  }
}

// Every handle trap the host raises, provoked through an adapter. Each case
// runs on a fresh host: a trap leaves the store unusable.
TEST_P(HandleRun, HandleTrapsThroughTheAdapter) {
  struct Case {
    const char* name;
    const char* sig;
    // Makes the arguments (and sets up the callee) on the fresh host.
    std::function<std::vector<Value>(AdapterHarness&)> setup;
    const char* op;
    const char* says;
    bool callee_runs;
  };
  const uint32_t r0 = base(0), s0 = base(0) + 1;
  std::vector<Case> cases = {
      {"borrow kept past the call", "func(a: borrow<r>)",
       [&](AdapterHarness&) { return std::vector<Value>{borrow(new_own(r0, 1))}; },
       "async.exit-sync-call", "borrow handles still remain", true},
      {"own handle moved while lent in the same call", "func(a: borrow<r>, b: own<r>)",
       [&](AdapterHarness&) {
         uint32_t h = new_own(r0, 1);
         return std::vector<Value>{borrow(h), own(h)};
       },
       "resource.transfer-own", "is lent out", false},
      {"lent handle dropped during the call", "func(a: borrow<r>)",
       [&](AdapterHarness& h) {
         uint32_t lent = new_own(r0, 1);
         h.set_guest_hooks(on_callee([this, lent]() -> std::optional<std::string> {
           auto d = host_->resource_drop(base(0), lent);
           if (d) return "the lent handle was dropped";
           return d.error().message;
         }));
         return std::vector<Value>{borrow(lent)};
       },
       "resource.drop", "is lent out", true},
      {"handle index 0", "func(a: own<r>)",
       [&](AdapterHarness&) { return std::vector<Value>{own(0)}; }, "resource.transfer-own",
       "unknown handle index 0", false},
      {"index never used", "func(a: own<r>)",
       [&](AdapterHarness&) { return std::vector<Value>{own(999)}; }, "resource.transfer-own",
       "not in use", false},
      {"stale own handle", "func(a: record { n: u8, a: own<r> })",
       [&](AdapterHarness&) {
         uint32_t h = new_own(r0, 1);
         EXPECT_TRUE(host_->resource_drop(r0, h).ok());
         return std::vector<Value>{Value::record({Value::u8(1), own(h)})};
       },
       "resource.transfer-own", "not in use", false},
      {"stale borrow", "func(a: list<borrow<r>>)",
       [&](AdapterHarness&) {
         uint32_t h = new_own(r0, 1);
         EXPECT_TRUE(host_->resource_drop(r0, h).ok());
         return std::vector<Value>{Value::list({borrow(h)})};
       },
       "resource.transfer-borrow", "not in use", false},
      {"own of the wrong resource type", "func(a: own<r>)",
       [&](AdapterHarness&) { return std::vector<Value>{own(new_own(s0, 1))}; },
       "resource.transfer-own",
       "has resource type 101, but resource table 0 is for resource type 100", false},
      {"borrow of the wrong resource type", "func(a: option<borrow<s>>)",
       [&](AdapterHarness&) { return std::vector<Value>{Value::some(borrow(new_own(r0, 1)))}; },
       "resource.transfer-borrow",
       "has resource type 100, but resource table 1 is for resource type 101", false},
      {"callee returns a handle it does not have", "func() -> own<r>",
       [&](AdapterHarness& h) {
         h.set_callee_result(own(5));
         return std::vector<Value>{};
       },
       "resource.transfer-own", "not in use", true},
      {"callee returns an own handle of the wrong type", "func() -> result<own<r>>",
       [&](AdapterHarness& h) {
         h.set_callee_result(Value::ok(own(new_own(base(1) + 1, 9))));
         return std::vector<Value>{};
       },
       "resource.transfer-own", "has resource type 101", true},
      {"writable end of a future", "func(f: future<u8>)",
       [&](AdapterHarness&) {
         auto ends = host_->future_new(base(0));
         return std::vector<Value>{Value::handle(TypeKind::Future, ends->writable)};
       },
       "future.transfer", "", false},
      {"stream end told that its writer dropped", "func(f: stream<u8>)",
       [&](AdapterHarness&) {
         auto ends = host_->stream_new(base(0));
         EXPECT_TRUE(host_->stream_drop_writable(base(0), ends->writable).ok());
         host::CopyOptions async;
         async.async = true;
         auto read = host_->stream_read(base(0), ends->readable, async, 0, 0);
         EXPECT_TRUE(read.ok() && *read == 1u);  // DROPPED, nothing copied
         return std::vector<Value>{Value::handle(TypeKind::Stream, ends->readable)};
       },
       "stream.transfer", "after being notified that the writable end dropped", false},
      {"future being read", "func(f: future)",
       [&](AdapterHarness&) {
         auto ends = host_->future_new(base(0));
         host::CopyOptions async;
         async.async = true;
         auto read = host_->future_read(base(0), ends->readable, async, 0);
         EXPECT_TRUE(read.ok() && *read == 0xffffffffu);  // BLOCKED
         return std::vector<Value>{Value::handle(TypeKind::Future, ends->readable)};
       },
       "future.transfer", "cannot remove busy future", false},
      {"resource handle passed as an error-context", "func(e: error-context)",
       [&](AdapterHarness&) {
         return std::vector<Value>{Value::handle(TypeKind::ErrorContext, new_own(r0, 1))};
       },
       "error-context.transfer", "", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    make_host();
    auto h = make(c.sig);
    ASSERT_TRUE(h);
    std::vector<Value> args = c.setup(*h);
    CallResult r = h->call(args);
    ASSERT_TRUE(r.trap.has_value()) << "no trap";
    EXPECT_TRUE(contains(r.trap, c.op)) << *r.trap;
    EXPECT_TRUE(contains(r.trap, c.says)) << *r.trap;
    EXPECT_EQ(h->received().has_value(), c.callee_runs);
  }
}

// enter/exit-sync-call come exactly where Wasmtime emits them: around every
// sync call with concurrency support, and without it only when a parameter
// contains a borrow. Borrows are lent inside the bracket, own results are
// transferred after it.
TEST_P(HandleRun, SyncCallBracketing) {
  struct Case {
    const char* sig;
    bool concurrency;
    bool bracketed;
  };
  for (const Case& c :
       std::vector<Case>{{"func(a: u32) -> u32", true, true},
                         {"func(a: u32) -> u32", false, false},
                         {"async func(a: u32) -> u32", true, true},
                         {"func(a: own<r>) -> own<r>", true, true},
                         {"func(a: own<r>) -> own<r>", false, false},
                         {"func(a: borrow<r>) -> own<r>", false, true},
                         {"func(a: borrow<r>) -> own<r>", true, true},
                         {"func(a: list<option<borrow<s>>>, b: own<r>)", false, true},
                         {"func(a: own<r>, pad: list<u64, 16>) -> list<own<r>>", false, false}}) {
    SCOPED_TRACE(std::string(c.sig) +
                 (c.concurrency ? " with concurrency" : " without concurrency"));
    make_host(HostSetup{2, std::nullopt, c.concurrency});
    auto h = make(c.sig);
    ASSERT_TRUE(h);
    FuncTypeId lower = rebase(types_, parse(c.sig), 0);
    const FuncType& ft = types_.get(lower);
    std::vector<Value> args;
    for (const Param& p : ft.params) {
      switch (types_.get(p.type).kind) {
        case TypeKind::U32: args.push_back(Value::u32(3)); break;
        case TypeKind::Own:
        case TypeKind::Borrow:
          args.push_back(Value::handle(types_.get(p.type).kind, new_own(base(0), 1)));
          break;
        case TypeKind::List:
          args.push_back(
              Value::list({Value::some(borrow(new_own(base(0) + 1, 2))), Value::none()}));
          break;
        default: {
          std::vector<Value> pad(16, Value::u64(0));
          args.push_back(Value::fixed_list(pad));
        }
      }
    }
    if (ft.result) {
      const TypeKind k = types_.get(*ft.result).kind;
      h->set_callee_result(k == TypeKind::U32   ? Value::u32(4)
                           : k == TypeKind::Own ? own(new_own(base(1), 8))
                                                : Value::list({own(new_own(base(1), 9))}));
    }
    size_t calls_at_callee = 0;
    size_t depth_at_callee = 0;
    h->set_guest_hooks(on_callee([&]() -> std::optional<std::string> {
      calls_at_callee = h->intrinsic_calls().size();
      depth_at_callee = host_->call_depth();
      return drop_borrows(1, received_handles(*h, 0, 1));
    }));
    CallResult r = h->call(args);
    ASSERT_FALSE(r.trap) << *r.trap;
    const std::vector<IntrinsicCall>& calls = h->intrinsic_calls();
    auto find = [&](Intrinsic which) {
      return std::find_if(calls.begin(), calls.end(),
                          [&](const IntrinsicCall& k) { return k.intrinsic == which; }) -
             calls.begin();
    };
    auto count = [&](Intrinsic which) {
      return std::count_if(calls.begin(), calls.end(),
                           [&](const IntrinsicCall& k) { return k.intrinsic == which; });
    };
    const size_t enter = find(Intrinsic::EnterSyncCall), exit = find(Intrinsic::ExitSyncCall);
    if (!c.bracketed) {
      EXPECT_EQ(count(Intrinsic::EnterSyncCall), 0);
      EXPECT_EQ(count(Intrinsic::ExitSyncCall), 0);
      EXPECT_EQ(depth_at_callee, 0u);
      continue;
    }
    ASSERT_EQ(count(Intrinsic::EnterSyncCall), 1);
    ASSERT_EQ(count(Intrinsic::ExitSyncCall), 1);
    EXPECT_EQ(enter, 0u) << "enter-sync-call is the adapter's first intrinsic";
    EXPECT_EQ(calls[enter].args, (std::vector<uint64_t>{0, ft.is_async ? 1u : 0u, 1}));
    EXPECT_LT(enter, calls_at_callee);
    EXPECT_EQ(exit, calls_at_callee) << "exit-sync-call follows the callee directly";
    EXPECT_EQ(depth_at_callee, 1u);
    for (size_t i = 0; i < calls.size(); ++i) {
      if (calls[i].intrinsic == Intrinsic::ResourceTransferBorrow) {
        EXPECT_LT(i, calls_at_callee);
      }
      // Own results move after the call has ended (and its borrows are back).
      if (calls[i].intrinsic == Intrinsic::ResourceTransferOwn && i >= calls_at_callee) {
        EXPECT_GT(i, exit);
      }
    }
    EXPECT_EQ(host_->call_depth(), 0u);
  }
}

// Context slots: saved, zeroed and restored around every realloc, and the
// callee's slots reinstated for its post-return (observed from inside the
// reallocs, the callee and the post-return, on the reference host).
TEST_P(HandleRun, ContextSlotsAroundReallocAndPostReturn) {
  for (bool concurrency : {true, false}) {
    SCOPED_TRACE(concurrency ? "concurrency on" : "concurrency off");
    make_host(HostSetup{2, std::nullopt, concurrency});
    HarnessConfig c = config();
    c.post_return = true;
    auto h = make("func(s: string, pad: list<u64, 16>) -> string", c);
    ASSERT_TRUE(h);
    using Slots = std::array<uint32_t, 2>;
    auto slots = [&]() { return Slots{*host_->context_get(0), *host_->context_get(1)}; };
    auto set = [&](uint32_t a, uint32_t b) {
      EXPECT_TRUE(host_->context_set(0, a).ok());
      EXPECT_TRUE(host_->context_set(1, b).ok());
    };
    std::vector<Slots> in_callee_realloc, in_caller_realloc, in_callee, in_post_return;
    GuestHooks hooks;
    hooks.callee = [&]() -> std::optional<std::string> {
      in_callee.push_back(slots());
      set(7, 8);
      return std::nullopt;
    };
    hooks.post_return = [&]() -> std::optional<std::string> {
      in_post_return.push_back(slots());
      set(55, 66);
      return std::nullopt;
    };
    hooks.realloc = [&](bool callee) -> std::optional<std::string> {
      (callee ? in_callee_realloc : in_caller_realloc).push_back(slots());
      set(callee ? 111 : 222, 333);
      return std::nullopt;
    };
    h->set_guest_hooks(hooks);
    ASSERT_TRUE(host_->enter_host_call(0).ok());
    set(5, 6);
    std::vector<Value> pad(16, Value::u64(1));
    h->set_callee_result(Value::string("back"));
    CallResult r = h->call({Value::string("there"), Value::fixed_list(pad)});
    ASSERT_FALSE(r.trap) << *r.trap;
    EXPECT_EQ(r.result, Value::string("back"));
    ASSERT_EQ(in_callee_realloc.size(), 2u);  // the param area and the string
    ASSERT_EQ(in_caller_realloc.size(), 1u);  // the result string
    ASSERT_EQ(in_post_return.size(), 1u);
    bool any_context_import = false;
    for (const IntrinsicCall& k : h->intrinsic_calls()) {
      any_context_import |=
          k.intrinsic >= Intrinsic::ContextGet0 && k.intrinsic <= Intrinsic::ContextSet1;
    }
    if (concurrency) {
      for (const Slots& s : in_callee_realloc) EXPECT_EQ(s, (Slots{0, 0}));
      EXPECT_EQ(in_caller_realloc[0], (Slots{0, 0})) << "realloc runs with zeroed slots";
      EXPECT_EQ(in_callee[0], (Slots{0, 0})) << "the realloc's slots were not undone";
      EXPECT_EQ(in_post_return[0], (Slots{7, 8})) << "post-return runs with the callee's slots";
      EXPECT_EQ(slots(), (Slots{5, 6})) << "the caller's slots are back";
      EXPECT_TRUE(any_context_import);
    } else {
      // Without concurrency support the adapter leaves the slots alone.
      EXPECT_FALSE(any_context_import);
      EXPECT_EQ(in_callee_realloc[0], (Slots{5, 6}));
    }
    EXPECT_TRUE(host_->exit_host_call().ok());
  }
}

// A calls B calls C through two adapters on one host: an own handle goes
// A -> B -> C and comes back; a borrow is lent A -> B and B lends its borrow
// handle on to C (whose own drop attempt must fail while it is lent).
TEST_P(HandleRun, ThreeInstancesPassResourcesAlong) {
  for (std::optional<uint32_t> implementer :
       {std::optional<uint32_t>(), std::optional<uint32_t>(2)}) {
    SCOPED_TRACE(implementer ? "C implements r" : "host-defined r");
    make_host(HostSetup{3, implementer, true});
    const char* sig = "func(x: own<r>, y: borrow<r>) -> own<r>";
    auto ab = make(sig, config(), 0, 1);
    auto bc = make(sig, config(), 1, 2);
    ASSERT_TRUE(ab && bc);
    const uint32_t x = new_own(base(0), 42), y = new_own(base(0), 43);
    std::optional<std::string> c_saw_drop;
    std::vector<std::string> c_got;
    bc->set_guest_hooks(on_callee([&]() -> std::optional<std::string> {
      std::vector<HandleRef> got = received_handles(*bc, 1, 2);
      c_got = describe(*host_, 2, got, true, implementer);
      // B's borrow handle is lent to C now: B may not drop it.
      const uint32_t b_borrow = static_cast<uint32_t>(ab->received()->value().at(1).bits);
      auto dropped = host_->resource_drop(base(1), b_borrow);
      c_saw_drop = dropped ? "dropped" : dropped.error().message;
      bc->set_callee_result(own(got.at(0).index));
      return drop_borrows(2, got);
    }));
    std::optional<std::string> inner_trap;
    ab->set_guest_hooks(on_callee([&]() -> std::optional<std::string> {
      std::vector<HandleRef> got = received_handles(*ab, 0, 1);
      CallResult r = bc->call({own(got.at(0).index), borrow(got.at(1).index)});
      inner_trap = r.trap;
      if (r.trap) return *r.trap;
      ab->set_callee_result(*r.result);
      return drop_borrows(1, got);
    }));
    CallResult r = ab->call({own(x), borrow(y)});
    ASSERT_FALSE(r.trap) << *r.trap;
    EXPECT_FALSE(inner_trap);
    EXPECT_EQ(c_got, (std::vector<std::string>{"own rep 42", "borrow rep 43"}));
    EXPECT_TRUE(contains(c_saw_drop, "is lent out")) << c_saw_drop.value_or("");
    ASSERT_TRUE(r.result);
    auto back = host_->inspect(0, static_cast<uint32_t>(r.result->bits));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->rep, 42u);
    EXPECT_EQ(host_->inspect(0, y)->num_lends, 0u);
    EXPECT_EQ(host_->live_handles(0), 2u);
    EXPECT_EQ(host_->live_handles(1), 0u);
    EXPECT_EQ(host_->live_handles(2), 0u);
    EXPECT_EQ(host_->call_depth(), 0u);
  }
}

// B passes the borrow handle it got from A to C as if it owned it.
TEST_P(HandleRun, BorrowHandlePassedOnAsOwnTraps) {
  make_host(HostSetup{3, std::nullopt, true});
  auto ab = make("func(y: borrow<r>)", config(), 0, 1);
  auto bc = make("func(x: own<r>)", config(), 1, 2);
  ASSERT_TRUE(ab && bc);
  std::optional<std::string> inner_trap;
  ab->set_guest_hooks(on_callee([&]() -> std::optional<std::string> {
    CallResult r = bc->call({own(static_cast<uint32_t>(ab->received()->value().at(0).bits))});
    inner_trap = r.trap;
    return r.trap;
  }));
  CallResult r = ab->call({borrow(new_own(base(0), 1))});
  ASSERT_TRUE(r.trap);
  EXPECT_TRUE(contains(inner_trap, "resource.transfer-own"))
      << inner_trap.value_or("no inner trap");
  EXPECT_TRUE(contains(inner_trap, "is a borrow handle, not an own handle"))
      << inner_trap.value_or("");
}

// B calls back into A while A is on the call stack: the adapter cannot see
// this statically (A and B are unrelated), the host's enter-sync-call does.
TEST_P(HandleRun, ReentranceThroughAnotherAdapterTraps) {
  make_host(HostSetup{2, std::nullopt, true});
  auto ab = make("func(a: u32) -> u32", config(), 0, 1);
  auto ba = make("func(a: u32) -> u32", config(), 1, 0);
  ASSERT_TRUE(ab && ba);
  // The host called A: that puts A on the call stack.
  ASSERT_TRUE(host_->enter_host_call(0).ok());
  std::optional<std::string> inner_trap;
  ab->set_guest_hooks(on_callee([&]() -> std::optional<std::string> {
    ba->set_callee_result(Value::u32(1));
    inner_trap = ba->call({Value::u32(2)}).trap;
    return std::nullopt;
  }));
  ab->set_callee_result(Value::u32(3));
  CallResult r = ab->call({Value::u32(4)});
  ASSERT_FALSE(r.trap) << *r.trap;
  EXPECT_TRUE(contains(inner_trap, "cannot enter component instance 0"))
      << inner_trap.value_or("no trap");
  EXPECT_FALSE(ba->received().has_value());
}

TEST_P(HandleRun, FuturesStreamsAndErrorContexts) {
  make_host();
  const std::string sig =
      "func(f: future<u8>, s: stream, e: error-context, l: list<option<future>>) -> "
      "tuple<future<u8>, stream<u8>, error-context>";
  auto h = make(sig);
  ASSERT_TRUE(h);
  const uint32_t t0 = base(0), t1 = base(1);
  host::CopyEnds f = *host_->future_new(t0), s = *host_->stream_new(t0), g = *host_->future_new(t0);
  const uint32_t e = *host_->error_context_new(t0, "boom");
  std::vector<Value> args = {
      Value::handle(TypeKind::Future, f.readable), Value::handle(TypeKind::Stream, s.readable),
      Value::handle(TypeKind::ErrorContext, e),
      Value::list({Value::some(Value::handle(TypeKind::Future, g.readable)), Value::none()})};
  host::CopyEnds rf = *host_->future_new(t1), rs = *host_->stream_new(t1);
  const uint32_t re = *host_->error_context_new(t1, "back");
  Value answer = Value::tuple({Value::handle(TypeKind::Future, rf.readable),
                               Value::handle(TypeKind::Stream, rs.readable),
                               Value::handle(TypeKind::ErrorContext, re)});
  FuncTypeId lower = rebase(types_, parse(sig), 0);
  const std::vector<std::string> sent =
      describe(*host_, 0, handles_of(types_, param_types(lower), args), false, {});
  std::vector<std::string> arrived;
  std::optional<std::string> message;
  h->set_guest_hooks(on_callee([&]() -> std::optional<std::string> {
    std::vector<HandleRef> got = received_handles(*h, 0, 1);
    arrived = describe(*host_, 1, got, true, {});
    auto m = host_->error_context_debug_message(t1, got.at(2).index);
    message = m ? *m : m.error().message;
    return std::nullopt;
  }));
  h->set_callee_result(answer);
  CallResult r = h->call(args);
  ASSERT_FALSE(r.trap) << *r.trap;
  EXPECT_EQ(arrived, sent);
  EXPECT_EQ(message, "boom");
  // Readable ends moved; writable ends and the error context stayed.
  // (The results reuse the freed indices, so count rather than look.)
  EXPECT_EQ(host_->inspect(0, f.writable)->kind, HandleInfo::Kind::WritableFuture);
  EXPECT_EQ(host_->inspect(0, s.writable)->kind, HandleInfo::Kind::WritableStream);
  EXPECT_EQ(host_->inspect(0, e)->kind, HandleInfo::Kind::ErrorContext);
  EXPECT_EQ(host_->live_handles(0), 7u - 3u + 3u);
  // Received 3 ends and an error context, made 5, gave 2 ends away.
  EXPECT_EQ(host_->live_handles(1), 4u + 5u - 2u);
  ASSERT_TRUE(r.result);
  std::vector<std::string> back =
      describe(*host_, 0, handles_of(types_, {*types_.get(lower).result}, {*r.result}), true, {});
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0], "readable future");
  EXPECT_EQ(back[1], "readable stream");
  EXPECT_EQ(
      *host_->error_context_debug_message(t0, static_cast<uint32_t>(r.result->items.at(2).bits)),
      "back");
  EXPECT_FALSE(host_->inspect(1, rf.readable));
  EXPECT_EQ(host_->live_error_contexts(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Widths, HandleRun, all_widths(), widths_name);

// The callee's may_leave flag is cleared (docs/divergences.md)
// while its post-return runs, so a post-return that calls a lowered import
// (here: another adapter out of the same instance) traps
// `cannot leave component instance`. The same call from the callee's body
// succeeds. Both adapters import flags.instance1; the harnesses keep one
// global each, so the post-return copies the flag over before calling out.
TEST(AdapterRun, PostReturnRunsWithMayLeaveCleared) {
  TypeStore types;
  ResourceNames names;
  FuncTypeId f = *parse_func_type(types, "func(a: u32) -> u32", names);
  host::Host host;
  for (uint32_t i = 0; i < 3; ++i) ASSERT_TRUE(host.add_instance(i).ok());
  HarnessConfig first;
  first.host = &host;
  first.post_return = true;
  HarnessConfig second;
  second.host = &host;
  second.lower_instance = 1;
  second.lift_instance = 2;
  auto ab = AdapterHarness::create(types, f, f, first);
  auto bc = AdapterHarness::create(types, f, f, second);
  ASSERT_TRUE(ab.ok() && bc.ok());
  AdapterHarness& outer = **ab;
  AdapterHarness& inner = **bc;
  inner.set_callee_result(Value::u32(9));
  auto call_out = [&]() {
    inner.set_flags(1, outer.flags(1));
    return inner.call({Value::u32(8)});
  };
  std::optional<CallResult> from_body, from_post_return;
  GuestHooks hooks;
  hooks.callee = [&]() -> std::optional<std::string> {
    from_body = call_out();
    return std::nullopt;
  };
  hooks.post_return = [&]() -> std::optional<std::string> {
    from_post_return = call_out();
    return std::nullopt;
  };
  outer.set_guest_hooks(hooks);
  outer.set_callee_result(Value::u32(7));
  CallResult r = outer.call({Value::u32(6)});
  ASSERT_FALSE(r.trap) << *r.trap;
  EXPECT_EQ(r.result, Value::u32(7));
  ASSERT_TRUE(from_body && from_post_return);
  EXPECT_FALSE(from_body->trap) << *from_body->trap;
  EXPECT_EQ(from_body->result, Value::u32(9));
  ASSERT_TRUE(from_post_return->trap) << "post-return could leave the component";
  EXPECT_TRUE(is_trap(from_post_return->trap, TrapCode::CannotLeaveComponent))
      << *from_post_return->trap;
  EXPECT_EQ(outer.flags(1), 1u) << "the flag is restored after post-return";
}

}  // namespace
}  // namespace fact::test
