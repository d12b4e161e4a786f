// Memory bounds at the edges, custom page sizes and shared memories.
//
// Custom page sizes cannot be run here: neither libwabt 1.0.32 nor Node 24's
// V8 implements the custom-page-sizes proposal, so no engine at hand can
// instantiate a module that imports a memory with a 1-byte page. What the
// page size changes in an adapter is only the bounds arithmetic (the byte
// size is memory.size << page_size_log2). So these tests compile adapters
// with page_size_log2 = 0, rewrite the memory imports of the binary into
// ordinary ones (limits flag 0x08 and the page-size field removed), and
// instantiate them with ordinary memories of N 64 KiB pages. memory.size is
// then N, and the adapter believes each memory is N bytes long: a value
// ending exactly at byte N must pass and one ending at N + 1 must trap with
// the right code. The real memories are much larger, so every access the
// adapter lets through stays inside them.
#include <gtest/gtest.h>

#include <cstring>

#include "fact/engine/modules.h"
#include "fact/type_expr.h"
#include "support/adapter_fixture.h"

namespace fact::test {
namespace {

using Handle = engine::Runtime::Handle;
using engine::CallOutcome;

// ---- the import section of a binary ------------------------------------------

struct MemoryImport {
  uint8_t flags = 0;
  uint64_t min = 0;
  std::optional<uint64_t> max;
  std::optional<uint32_t> page_size_log2;
};

class Reader {
 public:
  explicit Reader(const std::vector<uint8_t>& bytes, size_t at = 0) : bytes_(bytes), at_(at) {}
  size_t at() const { return at_; }
  bool ok() const { return ok_; }
  uint8_t byte() {
    if (at_ >= bytes_.size()) {
      ok_ = false;
      return 0;
    }
    return bytes_[at_++];
  }
  uint64_t leb() {
    uint64_t value = 0;
    for (unsigned shift = 0; shift < 70; shift += 7) {
      uint8_t b = byte();
      value |= uint64_t{b & 0x7Fu} << shift;
      if (!(b & 0x80)) return value;
    }
    ok_ = false;
    return 0;
  }
  void skip(uint64_t n) {
    if (n > bytes_.size() - at_) {
      ok_ = false;
      at_ = bytes_.size();
    } else {
      at_ += n;
    }
  }

 private:
  const std::vector<uint8_t>& bytes_;
  size_t at_;
  bool ok_ = true;
};

void put_leb(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    out.push_back(v ? b | 0x80 : b);
  } while (v);
}

// The limits of every memory import of `wasm`. With `strip_page_size`, each
// memory import that declares a page size loses it (flag 0x08 and the
// field), in place.
Expected<std::vector<MemoryImport>> memory_imports(std::vector<uint8_t>& wasm,
                                                   bool strip_page_size) {
  if (wasm.size() < 8) return Error{"not a module"};
  std::vector<MemoryImport> found;
  std::vector<uint8_t> out(wasm.begin(), wasm.begin() + 8);
  Reader r(wasm, 8);
  while (r.ok() && r.at() < wasm.size()) {
    const uint8_t id = r.byte();
    const uint64_t size = r.leb();
    const size_t start = r.at();
    r.skip(size);
    if (!r.ok()) return Error{"truncated section"};
    if (id != 2) {
      out.push_back(id);
      put_leb(out, size);
      out.insert(out.end(), wasm.begin() + static_cast<std::ptrdiff_t>(start),
                 wasm.begin() + static_cast<std::ptrdiff_t>(r.at()));
      continue;
    }
    // The import section, re-encoded piece by piece.
    std::vector<uint8_t> body;
    Reader s(wasm, start);
    auto copy_from = [&](size_t from) {
      body.insert(body.end(), wasm.begin() + static_cast<std::ptrdiff_t>(from),
                  wasm.begin() + static_cast<std::ptrdiff_t>(s.at()));
    };
    const uint64_t count = s.leb();
    put_leb(body, count);
    for (uint64_t i = 0; i < count && s.ok(); ++i) {
      size_t from = s.at();
      s.skip(s.leb());
      s.skip(s.leb());
      const uint8_t kind = s.byte();
      copy_from(from);
      from = s.at();
      switch (kind) {
        case 0: s.leb(); break;
        case 3: s.byte(), s.byte(); break;
        case 2: {
          const size_t limits_at = s.at();
          MemoryImport m;
          m.flags = s.byte();
          m.min = s.leb();
          if (m.flags & 0x01) m.max = s.leb();
          const size_t before_page = s.at();
          if (m.flags & 0x08) m.page_size_log2 = static_cast<uint32_t>(s.leb());
          found.push_back(m);
          if (strip_page_size && m.page_size_log2) {
            body.push_back(static_cast<uint8_t>(m.flags & ~0x08));
            body.insert(body.end(), wasm.begin() + static_cast<std::ptrdiff_t>(limits_at + 1),
                        wasm.begin() + static_cast<std::ptrdiff_t>(before_page));
            from = s.at();
          }
          break;
        }
        default: return Error{"unexpected import kind " + std::to_string(kind)};
      }
      copy_from(from);
    }
    if (!s.ok() || s.at() != r.at()) return Error{"malformed import section"};
    out.push_back(2);
    put_leb(out, body.size());
    out.insert(out.end(), body.begin(), body.end());
  }
  if (!r.ok()) return Error{"truncated module"};
  if (strip_page_size) wasm = std::move(out);
  return found;
}

// ---- a small rig for adapters whose binary the test rewrites -----------------

std::string types_text(const char* keyword, const std::vector<ValType>& types) {
  if (types.empty()) return "";
  std::string out = std::string(" (") + keyword;
  for (ValType t : types) out += " " + wasm::to_string(t);
  return out + ")";
}

std::string gets(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += " (local.get " + std::to_string(i) + ")";
  return out;
}

std::string memory_text(bool memory64, uint64_t pages) {
  return std::string("  (memory (export \"memory\") ") + (memory64 ? "i64 " : "") +
         std::to_string(pages) + ")\n";
}

// A caller (core instance 0, `pages` 64 KiB pages) and a callee (core
// instance 1) around one adapter compiled with both memories at
// page_size_log2, concurrency support off (no runtime intrinsics but traps
// and a utf8 copy). The callee's realloc returns the `next` global; the
// callee returns `result` and records its params.
class PageRig {
 public:
  static Expected<std::unique_ptr<PageRig>> create(TypeStore& types, FuncTypeId f, Widths w,
                                                   uint8_t page_size_log2, uint64_t caller_pages,
                                                   uint64_t callee_pages) {
    std::unique_ptr<PageRig> rig(new PageRig(types, w));
    if (auto b = rig->build(f, page_size_log2, caller_pages, callee_pages); !b) return b.error();
    return rig;
  }

  CallOutcome run(const std::vector<Val>& args) {
    params.clear();
    CallOutcome out = runtime_.call(run_, args);
    // A trap may leave a may_leave flag cleared; revive the instances, as
    // if they were fresh, so that the test can go on calling.
    if (out.trap) {
      for (Handle flag : flags_) runtime_.global_set(flag, 1);
    }
    return out;
  }
  void set_callee_next(uint64_t p) { runtime_.global_set(next_, p); }
  uint8_t* memory(bool callee) {
    return runtime_.memory_data(callee ? callee_memory_ : caller_memory_);
  }

  std::vector<Val> params;
  std::vector<Val> result;
  std::vector<uint8_t> original, rewritten;
  std::vector<MemoryImport> imports;

 private:
  PageRig(TypeStore& types, Widths w) : types_(types), widths_(w), ref_(types) {}

  Expected<void> build(FuncTypeId f, uint8_t page_size_log2, uint64_t caller_pages,
                       uint64_t callee_pages) {
    const FuncType& ft = types_.get(f);
    std::vector<TypeId> params_t, results_t;
    for (const Param& p : ft.params) params_t.push_back(p.type);
    if (ft.result) results_t.push_back(*ft.result);
    auto signature = [&](bool lift, bool m64, std::vector<ValType>& ps, std::vector<ValType>& rs) {
      const ValType p = m64 ? ValType::I64 : ValType::I32;
      ps = ref_.flatten(params_t, m64);
      rs = ref_.flatten(results_t, m64);
      if (ps.size() > kMaxFlatParams) ps = {p};
      if (rs.size() > kMaxFlatResults) {
        if (lift) {
          rs = {p};
        } else {
          ps.push_back(p);
          rs.clear();
        }
      }
    };
    std::vector<ValType> lower_p, lower_r, lift_p, lift_r;
    signature(false, widths_.lower64, lower_p, lower_r);
    signature(true, widths_.lift64, lift_p, lift_r);
    const std::string pc = widths_.lower64 ? "i64" : "i32", pl = widths_.lift64 ? "i64" : "i32";

    std::string caller = "(module\n  (type $lower (func" + types_text("param", lower_p) +
                         types_text("result", lower_r) + "))\n" +
                         memory_text(widths_.lower64, caller_pages) +
                         "  (func (export \"realloc\") (param " + pc + " " + pc + " " + pc + " " +
                         pc + ") (result " + pc + ") (" + pc +
                         ".const 0))\n  (table (export \"table\") 1 funcref)\n  (func (export "
                         "\"run\") (type $lower)" +
                         gets(lower_p.size()) + " (call_indirect (type $lower) (i32.const 0))))\n";
    std::string callee = "(module\n  (import \"host\" \"callee\" (func $cb" +
                         types_text("param", lift_p) + types_text("result", lift_r) + "))\n" +
                         memory_text(widths_.lift64, callee_pages) +
                         "  (global (export \"next\") (mut " + pl + ") (" + pl + ".const 0))\n" +
                         "  (func (export \"realloc\") (param " + pl + " " + pl + " " + pl + " " +
                         pl + ") (result " + pl + ") (global.get 0))\n  (func (export \"callee\")" +
                         types_text("param", lift_p) + types_text("result", lift_r) +
                         gets(lift_p.size()) + " (call $cb)))\n";
    auto caller_wasm = engine::wat_to_module(caller);
    if (!caller_wasm) return Error{"caller: " + caller_wasm.error().message};
    auto callee_wasm = engine::wat_to_module(callee);
    if (!callee_wasm) return Error{"callee: " + callee_wasm.error().message};
    auto c0 = runtime_.instantiate(*caller_wasm, {});
    if (!c0) return c0.error();
    Handle cb =
        runtime_.host_func(lift_p, lift_r, [this](const std::vector<Val>& p, std::vector<Val>& r) {
          params = p;
          if (r.size() != result.size())
            return std::optional<std::string>("rig: no callee result set");
          r = result;
          return std::optional<std::string>();
        });
    auto c1 = runtime_.instantiate(*callee_wasm, {cb});
    if (!c1) return c1.error();
    caller_memory_ = *runtime_.export_of(*c0, "memory");
    callee_memory_ = *runtime_.export_of(*c1, "memory");
    next_ = *runtime_.export_of(*c1, "next");

    auto side = [&](bool lift) {
      CanonOptions o;
      const uint32_t core = lift ? 1 : 0;
      o.instance = core;
      o.memory = Memory{
          CoreExport{core, "memory"},
          wasm::MemoryType{{}, lift ? widths_.lift64 : widths_.lower64, false, page_size_log2}};
      o.realloc = CoreExport{core, "realloc"};
      return o;
    };
    AdapterModule module(types_, ModuleOptions{.concurrency_support = false});
    if (auto a = module.adapt("adapter",
                              Adapter{f, f, side(true), side(false), CoreExport{1, "callee"}});
        !a) {
      return a.error();
    }
    original = module.encode();
    rewritten = original;
    auto found = memory_imports(rewritten, true);
    if (!found) return found.error();
    imports = *found;

    std::vector<bool> memory_is_callee;
    for (const Import& i : module.imports()) {
      if (const auto* e = std::get_if<binding::Export>(&i.binding);
          e && i.kind == Import::Kind::Memory) {
        memory_is_callee.push_back(e->item.instance == 1);
      }
    }
    std::vector<Handle> bound;
    for (const Import& i : module.imports()) {
      std::vector<ValType> ps, rs;
      for (wasm::ValType t : i.func.params)
        ps.push_back(t == wasm::ValType::I64 ? ValType::I64 : ValType::I32);
      for (wasm::ValType t : i.func.results)
        rs.push_back(t == wasm::ValType::I64 ? ValType::I64 : ValType::I32);
      if (const auto* e = std::get_if<binding::Export>(&i.binding)) {
        bound.push_back(*runtime_.export_of(e->item.instance == 1 ? *c1 : *c0, e->item.name));
      } else if (std::holds_alternative<binding::InstanceFlags>(i.binding)) {
        flags_.push_back(runtime_.global(ValType::I32, true, 1));
        bound.push_back(flags_.back());
      } else if (const auto* t = std::get_if<binding::Trap>(&i.binding)) {
        std::string text = trap_text(t->code);
        bound.push_back(
            runtime_.host_func(ps, rs, [text](const std::vector<Val>&, std::vector<Val>&) {
              return std::optional<std::string>(text);
            }));
      } else if (const auto* x = std::get_if<binding::Transcoder>(&i.binding);
                 x && x->op == Transcode::Utf8ToUtf8) {
        const bool from_callee = memory_is_callee.at(x->from_memory),
                   to_callee = memory_is_callee.at(x->to_memory);
        bound.push_back(runtime_.host_func(
            ps, rs, [this, from_callee, to_callee](const std::vector<Val>& a, std::vector<Val>&) {
              // The adapter checked both ranges against the sizes it believes in,
              // which are far below the real ones.
              std::memmove(memory(to_callee) + a[2].bits, memory(from_callee) + a[0].bits,
                           a[1].bits);
              return std::optional<std::string>();
            }));
      } else {
        return Error{"rig: unexpected import " + i.module + "." + i.field};
      }
    }
    auto adapter = runtime_.instantiate(rewritten, bound);
    if (!adapter) return Error{"adapter: " + adapter.error().message};
    auto table = runtime_.export_of(*c0, "table");
    if (auto s = runtime_.table_set(*table, 0, *runtime_.export_of(*adapter, "adapter")); !s)
      return s;
    run_ = *runtime_.export_of(*c0, "run");
    return {};
  }

  TypeStore& types_;
  Widths widths_;
  Reference ref_;
  engine::Runtime runtime_;
  Handle caller_memory_, callee_memory_, next_, run_;
  std::vector<Handle> flags_;
};

#define EXPECT_PASSES(outcome)                                                \
  do {                                                                        \
    const CallOutcome& o_ = (outcome);                                        \
    EXPECT_FALSE(o_.trap.has_value()) << "trapped: " << o_.trap.value_or(""); \
  } while (0)

#define EXPECT_TRAPS(outcome, code)                                                         \
  do {                                                                                      \
    const CallOutcome& o_ = (outcome);                                                      \
    ASSERT_TRUE(o_.trap.has_value()) << "no trap; expected " << trap_text(code);            \
    EXPECT_TRUE(is_trap(o_.trap, code)) << *o_.trap << "\n  expected: " << trap_text(code); \
  } while (0)

class PageSize : public AdapterTest {
 protected:
  // The adapter believes the caller's memory has kCaller bytes and the
  // callee's kCallee bytes.
  static constexpr uint64_t kCaller = 200;
  static constexpr uint64_t kCallee = 300;

  std::unique_ptr<PageRig> rig(std::string_view sig) {
    auto f = parse_func_type(types_, sig, names_);
    EXPECT_TRUE(f.ok());
    if (!f) return nullptr;
    auto r = PageRig::create(types_, *f, GetParam(), 0, kCaller, kCallee);
    EXPECT_TRUE(r.ok()) << sig << ": " << (r ? "" : r.error().message);
    return r ? std::move(*r) : nullptr;
  }
};

TEST_P(PageSize, ImportsDeclareOneBytePages) {
  auto r = rig("func(a: list<u8, 17>)");
  ASSERT_TRUE(r);
  std::vector<uint8_t> original = r->original;
  auto declared = memory_imports(original, false);
  ASSERT_TRUE(declared.ok()) << declared.error().message;
  ASSERT_EQ(declared->size(), 2u);
  for (const MemoryImport& m : *declared) {
    EXPECT_EQ(m.page_size_log2, std::optional<uint32_t>(0));
    EXPECT_EQ(m.min, 0u);
    EXPECT_FALSE(m.max);
  }
  EXPECT_EQ(((*declared)[0].flags & 0x04) != 0, GetParam().lift64)
      << "the callee's memory is imported first";
  EXPECT_EQ(((*declared)[1].flags & 0x04) != 0, GetParam().lower64);
  // The rewrite only drops the page size.
  for (const MemoryImport& m : r->imports) EXPECT_TRUE(m.page_size_log2.has_value());
  std::vector<uint8_t> rewritten = r->rewritten;
  auto after = memory_imports(rewritten, false);
  ASSERT_TRUE(after.ok());
  for (size_t i = 0; i < after->size(); ++i) {
    EXPECT_FALSE((*after)[i].page_size_log2);
    EXPECT_EQ((*after)[i].flags, (*declared)[i].flags & ~0x08);
  }
  EXPECT_TRUE(engine::validate_module(r->rewritten).ok());
}

TEST_P(PageSize, ParamAreas) {
  auto r = rig("func(a: list<u8, 17>)");
  ASSERT_TRUE(r);
  r->set_callee_next(kCallee - 17);
  EXPECT_PASSES(r->run({caller_ptr(kCaller - 17)}));
  EXPECT_EQ(r->params, std::vector<Val>{callee_ptr(kCallee - 17)});
  EXPECT_TRAPS(r->run({caller_ptr(kCaller - 16)}), TrapCode::MemoryOutOfBounds);
  r->set_callee_next(kCallee - 16);
  EXPECT_TRAPS(r->run({caller_ptr(0)}), TrapCode::MemoryOutOfBounds);
  EXPECT_TRUE(r->params.empty()) << "the callee ran";
}

TEST_P(PageSize, ResultAreas) {
  auto r = rig("func() -> list<u8, 2>");
  ASSERT_TRUE(r);
  r->result = {callee_ptr(kCallee - 2)};
  r->memory(true)[kCallee - 2] = 0x12;
  r->memory(true)[kCallee - 1] = 0x34;
  EXPECT_PASSES(r->run({caller_ptr(kCaller - 2)}));
  EXPECT_EQ(r->memory(false)[kCaller - 2], 0x12);
  EXPECT_EQ(r->memory(false)[kCaller - 1], 0x34);
  EXPECT_TRAPS(r->run({caller_ptr(kCaller - 1)}), TrapCode::MemoryOutOfBounds);
  r->result = {callee_ptr(kCallee - 1)};
  EXPECT_TRAPS(r->run({caller_ptr(0)}), TrapCode::MemoryOutOfBounds);
}

TEST_P(PageSize, Strings) {
  auto r = rig("func(s: string)");
  ASSERT_TRUE(r);
  std::memcpy(r->memory(false) + kCaller - 3, "abc", 3);
  r->set_callee_next(kCallee - 3);
  EXPECT_PASSES(r->run({caller_ptr(kCaller - 3), caller_ptr(3)}));
  EXPECT_EQ(r->params, (std::vector<Val>{callee_ptr(kCallee - 3), callee_ptr(3)}));
  EXPECT_EQ(std::memcmp(r->memory(true) + kCallee - 3, "abc", 3), 0);
  EXPECT_TRAPS(r->run({caller_ptr(kCaller - 2), caller_ptr(3)}), TrapCode::StringOutOfBounds);
  r->set_callee_next(kCallee - 2);
  EXPECT_TRAPS(r->run({caller_ptr(kCaller - 3), caller_ptr(3)}), TrapCode::StringOutOfBounds);
}

TEST_P(PageSize, Lists) {
  auto r = rig("func(l: list<u16>)");
  ASSERT_TRUE(r);
  r->set_callee_next(kCallee - 6);
  EXPECT_PASSES(r->run({caller_ptr(kCaller - 6), caller_ptr(3)}));
  EXPECT_EQ(r->params, (std::vector<Val>{callee_ptr(kCallee - 6), callee_ptr(3)}));
  EXPECT_TRAPS(r->run({caller_ptr(kCaller - 4), caller_ptr(3)}), TrapCode::ListOutOfBounds);
  r->set_callee_next(kCallee - 4);
  EXPECT_TRAPS(r->run({caller_ptr(kCaller - 6), caller_ptr(3)}), TrapCode::ListOutOfBounds);
}

INSTANTIATE_TEST_SUITE_P(Widths, PageSize, all_widths(), widths_name);

// ---- 64 KiB pages: the exact last byte of a real memory -----------------------

using LastByte = AdapterTest;

#define EXPECT_CALL_PASSES(result)                                            \
  do {                                                                        \
    const CallResult& r_ = (result);                                          \
    EXPECT_FALSE(r_.trap.has_value()) << "trapped: " << r_.trap.value_or(""); \
  } while (0)

#define EXPECT_CALL_TRAPS(result, code)                                                     \
  do {                                                                                      \
    const CallResult& r_ = (result);                                                        \
    ASSERT_TRUE(r_.trap.has_value()) << "no trap; expected " << trap_text(code);            \
    EXPECT_TRUE(is_trap(r_.trap, code)) << *r_.trap << "\n  expected: " << trap_text(code); \
  } while (0)

TEST_P(LastByte, ParamAndResultAreas) {
  auto h = make("func(a: list<u8, 17>) -> list<u8, 2>");
  ASSERT_TRUE(h);
  const uint64_t caller = h->caller_memory().size, callee = h->callee_memory().size;
  h->set_callee_raw_results({callee_ptr(callee - 2)});
  EXPECT_CALL_PASSES(h->call_raw({caller_ptr(caller - 17), caller_ptr(caller - 2)}));
  EXPECT_CALL_TRAPS(h->call_raw({caller_ptr(caller - 16), caller_ptr(0)}),
                    TrapCode::MemoryOutOfBounds);
  EXPECT_CALL_TRAPS(h->call_raw({caller_ptr(0), caller_ptr(caller - 1)}),
                    TrapCode::MemoryOutOfBounds);
  h->set_callee_raw_results({callee_ptr(callee - 1)});
  EXPECT_CALL_TRAPS(h->call_raw({caller_ptr(0), caller_ptr(0)}), TrapCode::MemoryOutOfBounds);
  // The callee's param area from its realloc (the first call returns the
  // heap start, 128 KiB).
  h->set_callee_raw_results({callee_ptr(0)});
  h->reset();
  h->set_realloc_bias(true, static_cast<int64_t>(callee - 17 - 2 * 65536));
  EXPECT_CALL_PASSES(h->call_raw({caller_ptr(0), caller_ptr(0)}));
  ASSERT_EQ(h->realloc_calls(true).size(), 1u);
  EXPECT_EQ(h->realloc_calls(true)[0].result, callee - 17);
  h->reset();
  h->set_realloc_bias(true, static_cast<int64_t>(callee - 16 - 2 * 65536));
  EXPECT_CALL_TRAPS(h->call_raw({caller_ptr(0), caller_ptr(0)}), TrapCode::MemoryOutOfBounds);
}

TEST_P(LastByte, StringsAndLists) {
  auto s = make("func(s: string)");
  ASSERT_TRUE(s);
  const uint64_t caller = s->caller_memory().size;
  std::memcpy(s->caller_memory().data + caller - 3, "xyz", 3);
  EXPECT_CALL_PASSES(s->call_raw({caller_ptr(caller - 3), caller_ptr(3)}));
  ASSERT_TRUE(s->received() && s->received()->ok());
  EXPECT_EQ(s->received()->value(), std::vector<Value>{Value::string("xyz")});
  EXPECT_CALL_TRAPS(s->call_raw({caller_ptr(caller - 2), caller_ptr(3)}),
                    TrapCode::StringOutOfBounds);

  auto l = make("func(l: list<u8>)");
  ASSERT_TRUE(l);
  const uint64_t callee = l->callee_memory().size;
  EXPECT_CALL_PASSES(l->call_raw({caller_ptr(caller - 3), caller_ptr(3)}));
  EXPECT_CALL_TRAPS(l->call_raw({caller_ptr(caller - 2), caller_ptr(3)}),
                    TrapCode::ListOutOfBounds);
  // The destination the callee's realloc returns, ending at its last byte.
  l->reset();
  l->set_realloc_bias(true, static_cast<int64_t>(callee - 3 - 2 * 65536));
  EXPECT_CALL_PASSES(l->call_raw({caller_ptr(16), caller_ptr(3)}));
  l->reset();
  l->set_realloc_bias(true, static_cast<int64_t>(callee - 2 - 2 * 65536));
  EXPECT_CALL_TRAPS(l->call_raw({caller_ptr(16), caller_ptr(3)}), TrapCode::ListOutOfBounds);
}

INSTANTIATE_TEST_SUITE_P(Widths, LastByte, all_widths(), widths_name);

// ---- shared memories ------------------------------------------------------------

// The `shared` flag of each side's memory is carried into its import, with
// the largest maximum the index type allows (shared memories must declare
// one). libwabt's interpreter here runs without the threads feature, so
// these adapters are validated, not run.
TEST(SharedMemory, CarriedIntoTheImports) {
  TypeStore types;
  ResourceNames names;
  FuncTypeId f =
      *parse_func_type(types, "func(s: string, l: list<u32>, pad: list<u64, 16>) -> string", names);
  for (bool lower64 : {false, true}) {
    for (bool lift64 : {false, true}) {
      for (bool lower_shared : {false, true}) {
        for (bool lift_shared : {false, true}) {
          SCOPED_TRACE(std::string(lower64 ? "caller64" : "caller32") +
                       (lower_shared ? " shared" : "") + (lift64 ? ", callee64" : ", callee32") +
                       (lift_shared ? " shared" : ""));
          auto side = [&](uint32_t core, bool m64, bool shared) {
            CanonOptions o;
            o.instance = core;
            o.memory = Memory{CoreExport{core, "memory"}, wasm::MemoryType{{}, m64, shared, 16}};
            o.realloc = CoreExport{core, "realloc"};
            return o;
          };
          AdapterModule m(types);
          ASSERT_TRUE(
              m.adapt("adapter", Adapter{f, f, side(1, lift64, lift_shared),
                                         side(0, lower64, lower_shared), CoreExport{1, "callee"}})
                  .ok());
          std::vector<bool> shared_in_api;
          for (const Import& i : m.imports()) {
            if (i.kind == Import::Kind::Memory) shared_in_api.push_back(i.memory.shared);
          }
          EXPECT_EQ(shared_in_api, (std::vector<bool>{lift_shared, lower_shared}));
          std::vector<uint8_t> wasm = m.encode();
          auto found = memory_imports(wasm, false);
          ASSERT_TRUE(found.ok()) << found.error().message;
          ASSERT_EQ(found->size(), 2u);
          const bool shared[] = {lift_shared, lower_shared};
          const bool wide[] = {lift64, lower64};
          for (size_t i = 0; i < 2; ++i) {
            const MemoryImport& mi = (*found)[i];
            EXPECT_EQ((mi.flags & 0x02) != 0, shared[i]);
            EXPECT_EQ((mi.flags & 0x04) != 0, wide[i]);
            EXPECT_EQ(mi.min, 0u);
            if (shared[i]) {
              ASSERT_TRUE(mi.max);
              EXPECT_EQ(*mi.max, wide[i] ? uint64_t{1} << 48 : uint64_t{1} << 16);
            } else {
              EXPECT_FALSE(mi.max);
            }
          }
          auto valid = engine::validate_module(wasm);
          EXPECT_TRUE(valid.ok()) << valid.error().message;
        }
      }
    }
  }
}

}  // namespace
}  // namespace fact::test
