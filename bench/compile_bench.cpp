// Front-end throughput: reading a component binary, inlining its instance
// graph and generating every adapter module, for generated components with
// 1, 100 and 1,000 adapters of mixed signatures. Reports microseconds per
// adapter and the peak heap use of one run. See README.md.
//
// Each component has a provider that lifts N functions and a consumer that
// imports and lowers them all, so every lowering is one fused adapter. The
// signatures cycle through scalars, strings (utf8 to utf16), lists, records,
// variants and results. The binary is written directly (no Node needed).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "fact/abi.h"
#include "fact/component/adapters.h"
#include "fact/component/inline.h"
#include "fact/component/reader.h"
#include "fact/types.h"
#include "fact/wasm/encoder.h"

// ---------------------------------------------------------------------------
// A counting allocator: the heap bytes live now and the peak since the last
// reset. Only this benchmark binary replaces operator new.

namespace {

std::atomic<size_t> g_live{0};
std::atomic<size_t> g_peak{0};

constexpr size_t kHeader = alignof(std::max_align_t);

void* counted_alloc(size_t size) {
  void* block = std::malloc(size + kHeader);
  if (!block) throw std::bad_alloc();
  *static_cast<size_t*>(block) = size;
  size_t live = g_live.fetch_add(size, std::memory_order_relaxed) + size;
  size_t peak = g_peak.load(std::memory_order_relaxed);
  while (live > peak && !g_peak.compare_exchange_weak(peak, live, std::memory_order_relaxed)) {
  }
  return static_cast<char*>(block) + kHeader;
}

void counted_free(void* p) {
  if (!p) return;
  void* block = static_cast<char*>(p) - kHeader;
  g_live.fetch_sub(*static_cast<size_t*>(block), std::memory_order_relaxed);
  std::free(block);
}

}  // namespace

void* operator new(size_t size) { return counted_alloc(size); }
void* operator new[](size_t size) { return counted_alloc(size); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, size_t) noexcept { counted_free(p); }
void operator delete[](void* p, size_t) noexcept { counted_free(p); }

namespace {

using Bytes = std::vector<uint8_t>;

void u32(Bytes& out, uint32_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
}

// A non-negative s33 (a type index in a valtype).
void s33(Bytes& out, uint32_t v) {
  uint64_t x = v;
  while (true) {
    uint8_t b = x & 0x7f;
    x >>= 7;
    if (x == 0 && !(b & 0x40)) {
      out.push_back(b);
      return;
    }
    out.push_back(b | 0x80);
  }
}

void name(Bytes& out, const std::string& s) {
  u32(out, static_cast<uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

// "f<i>" (built by appending: GCC 12 warns spuriously about `"f" + ...`).
std::string func_name(uint32_t i) {
  std::string s = "f";
  s += std::to_string(i);
  return s;
}

void section(Bytes& out, uint8_t id, const Bytes& payload) {
  out.push_back(id);
  u32(out, static_cast<uint32_t>(payload.size()));
  out.insert(out.end(), payload.begin(), payload.end());
}

const uint8_t kComponentPreamble[] = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};
const uint8_t kModulePreamble[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

// Primitive valtype codes.
constexpr uint8_t kU8 = 0x7d, kU32 = 0x79, kS8 = 0x7e, kS16 = 0x7c, kS64 = 0x78, kU64 = 0x77,
                  kF32 = 0x76, kF64 = 0x75, kChar = 0x74, kString = 0x73, kBool = 0x7f;

constexpr uint32_t kSignatures = 6;
constexpr uint32_t kValueTypes = 5;  // component types 0..4 below; func types follow

// The component type section shared by both sides: value types 0..4, then
// the kSignatures function types.
Bytes type_section() {
  Bytes t;
  u32(t, kValueTypes + kSignatures);
  // 0: record { x: f32, y: f64, name: string }
  t.push_back(0x72);
  u32(t, 3);
  name(t, "x"), t.push_back(kF32);
  name(t, "y"), t.push_back(kF64);
  name(t, "name"), t.push_back(kString);
  // 1: option<u32>
  t.push_back(0x6b), t.push_back(kU32);
  // 2: variant { a(u32), b(string), c }
  t.push_back(0x71);
  u32(t, 3);
  name(t, "a"), t.push_back(0x01), t.push_back(kU32), t.push_back(0x00);
  name(t, "b"), t.push_back(0x01), t.push_back(kString), t.push_back(0x00);
  name(t, "c"), t.push_back(0x00), t.push_back(0x00);
  // 3: result<u32, string>
  t.push_back(0x6a), t.push_back(0x01), t.push_back(kU32), t.push_back(0x01), t.push_back(kString);
  // 4: list<u8>
  t.push_back(0x70), t.push_back(kU8);
  auto func = [&](std::vector<std::pair<std::string, std::vector<uint8_t>>> params,
                  std::vector<uint8_t> result) {
    t.push_back(0x40);
    u32(t, static_cast<uint32_t>(params.size()));
    for (auto& [label, type] : params) {
      name(t, label);
      t.insert(t.end(), type.begin(), type.end());
    }
    if (result.empty()) {
      t.push_back(0x01), t.push_back(0x00);
    } else {
      t.push_back(0x00);
      t.insert(t.end(), result.begin(), result.end());
    }
  };
  auto idx = [](uint32_t i) {
    Bytes b;
    s33(b, i);
    return b;
  };
  func({{"a", {kU32}}, {"b", {kU32}}}, {kU32});
  func({{"s", {kString}}}, {kString});
  func({{"l", idx(4)}}, {kU64});
  func({{"r", idx(0)}}, idx(1));
  func({{"v", idx(2)}}, idx(3));
  func({{"a", {kS8}}, {"b", {kS16}}, {"c", {kS64}}, {"d", {kF32}}, {"e", {kChar}}, {"f", {kBool}}},
       {});
  return t;
}

// The same function types in a TypeStore, for their core signatures.
std::vector<fact::CoreSignature> lifted_signatures() {
  fact::TypeStore s;
  fact::TypeId str = s.string();
  fact::TypeId u32t = s.primitive(fact::TypeKind::U32);
  fact::TypeId rec = s.record({{"x", s.primitive(fact::TypeKind::F32)},
                               {"y", s.primitive(fact::TypeKind::F64)},
                               {"name", str}});
  fact::TypeId var = s.variant({{"a", u32t}, {"b", str}, {"c", std::nullopt}});
  std::vector<fact::FuncType> funcs = {
      {false, {{"a", u32t}, {"b", u32t}}, u32t},
      {false, {{"s", str}}, str},
      {false, {{"l", s.list(s.primitive(fact::TypeKind::U8))}}, s.primitive(fact::TypeKind::U64)},
      {false, {{"r", rec}}, s.option(u32t)},
      {false, {{"v", var}}, s.result(u32t, str)},
      {false,
       {{"a", s.primitive(fact::TypeKind::S8)},
        {"b", s.primitive(fact::TypeKind::S16)},
        {"c", s.primitive(fact::TypeKind::S64)},
        {"d", s.primitive(fact::TypeKind::F32)},
        {"e", s.primitive(fact::TypeKind::Char)},
        {"f", s.boolean()}},
       std::nullopt},
  };
  std::vector<fact::CoreSignature> out;
  for (auto& f : funcs) {
    out.push_back(fact::flatten_functype(s, s.func(f), {}, fact::SignatureContext::Lift));
  }
  return out;
}

// A core module exporting `memory`, `realloc` and (for the provider) f0..fN-1
// with the lifted signatures. Bodies are `unreachable`: only the interface
// matters to the front end.
Bytes core_module(uint32_t functions, const std::vector<fact::CoreSignature>& sigs) {
  Bytes m(std::begin(kModulePreamble), std::end(kModulePreamble));
  Bytes types;
  u32(types, 1 + kSignatures);
  using fact::wasm::ValType;
  auto functype = [&](const std::vector<ValType>& p, const std::vector<ValType>& r) {
    types.push_back(0x60);
    u32(types, static_cast<uint32_t>(p.size()));
    for (ValType t : p) fact::wasm::write_val_type(types, t);
    u32(types, static_cast<uint32_t>(r.size()));
    for (ValType t : r) fact::wasm::write_val_type(types, t);
  };
  functype({ValType::I32, ValType::I32, ValType::I32, ValType::I32}, {ValType::I32});
  for (const auto& s : sigs) functype(s.params, s.results);
  section(m, 1, types);
  Bytes funcs;
  u32(funcs, 1 + functions);
  u32(funcs, 0);
  for (uint32_t i = 0; i < functions; ++i) u32(funcs, 1 + i % kSignatures);
  section(m, 3, funcs);
  Bytes memory;
  u32(memory, 1);
  memory.push_back(0x00), u32(memory, 1);
  section(m, 5, memory);
  Bytes exports;
  u32(exports, 2 + functions);
  name(exports, "memory"), exports.push_back(0x02), u32(exports, 0);
  name(exports, "realloc"), exports.push_back(0x00), u32(exports, 0);
  for (uint32_t i = 0; i < functions; ++i) {
    name(exports, func_name(i)), exports.push_back(0x00), u32(exports, 1 + i);
  }
  section(m, 7, exports);
  Bytes code;
  u32(code, 1 + functions);
  for (uint32_t i = 0; i < 1 + functions; ++i) {
    code.push_back(0x03), code.push_back(0x00), code.push_back(0x00), code.push_back(0x0b);
  }
  section(m, 10, code);
  return m;
}

// Canon options: memory 0, realloc `realloc_index`, and a string encoding.
void canon_options(Bytes& out, uint32_t realloc_index, uint8_t encoding) {
  u32(out, 3);
  out.push_back(encoding);
  out.push_back(0x03), u32(out, 0);
  out.push_back(0x04), u32(out, realloc_index);
}

// Core instance 0 of `module 0`; aliases memory 0 and core func 0
// (realloc) from it.
void instantiate_core(Bytes& c) {
  Bytes inst;
  u32(inst, 1);
  inst.push_back(0x00), u32(inst, 0), u32(inst, 0);
  section(c, 2, inst);
  Bytes alias;
  u32(alias, 2);
  alias.push_back(0x00), alias.push_back(0x02), alias.push_back(0x01), u32(alias, 0),
      name(alias, "memory");
  alias.push_back(0x00), alias.push_back(0x00), alias.push_back(0x01), u32(alias, 0),
      name(alias, "realloc");
  section(c, 6, alias);
}

Bytes provider(uint32_t n, const std::vector<fact::CoreSignature>& sigs) {
  Bytes c(std::begin(kComponentPreamble), std::end(kComponentPreamble));
  section(c, 7, type_section());
  section(c, 1, core_module(n, sigs));
  instantiate_core(c);
  Bytes alias;
  u32(alias, n);
  for (uint32_t i = 0; i < n; ++i) {
    alias.push_back(0x00), alias.push_back(0x00), alias.push_back(0x01), u32(alias, 0);
    name(alias, func_name(i));
  }
  section(c, 6, alias);  // core funcs 1..n
  Bytes canon;
  u32(canon, n);
  for (uint32_t i = 0; i < n; ++i) {
    canon.push_back(0x00), canon.push_back(0x00), u32(canon, 1 + i);
    canon_options(canon, 0, 0x00);
    u32(canon, kValueTypes + i % kSignatures);
  }
  section(c, 8, canon);
  Bytes exports;
  u32(exports, n);
  for (uint32_t i = 0; i < n; ++i) {
    exports.push_back(0x00), name(exports, func_name(i));
    exports.push_back(0x01), u32(exports, i), exports.push_back(0x00);
  }
  section(c, 11, exports);
  return c;
}

Bytes consumer(uint32_t n, const std::vector<fact::CoreSignature>& sigs) {
  Bytes c(std::begin(kComponentPreamble), std::end(kComponentPreamble));
  section(c, 7, type_section());
  Bytes imports;
  u32(imports, n);
  for (uint32_t i = 0; i < n; ++i) {
    imports.push_back(0x00), name(imports, func_name(i));
    imports.push_back(0x01), u32(imports, kValueTypes + i % kSignatures);
  }
  section(c, 10, imports);
  section(c, 1, core_module(0, sigs));
  instantiate_core(c);
  Bytes canon;
  u32(canon, n);
  for (uint32_t i = 0; i < n; ++i) {
    canon.push_back(0x01), canon.push_back(0x00), u32(canon, i);
    canon_options(canon, 0, 0x01);  // utf16
  }
  section(c, 8, canon);
  return c;
}

Bytes component_with(uint32_t n) {
  std::vector<fact::CoreSignature> sigs = lifted_signatures();
  Bytes root(std::begin(kComponentPreamble), std::end(kComponentPreamble));
  section(root, 4, provider(n, sigs));
  section(root, 4, consumer(n, sigs));
  Bytes first;
  u32(first, 1);
  first.push_back(0x00), u32(first, 0), u32(first, 0);
  section(root, 5, first);
  Bytes alias;
  u32(alias, n);
  for (uint32_t i = 0; i < n; ++i) {
    alias.push_back(0x01), alias.push_back(0x00), u32(alias, 0), name(alias, func_name(i));
  }
  section(root, 6, alias);
  Bytes second;
  u32(second, 1);
  second.push_back(0x00), u32(second, 1), u32(second, n);
  for (uint32_t i = 0; i < n; ++i) {
    name(second, func_name(i));
    second.push_back(0x01), u32(second, i);
  }
  section(root, 5, second);
  return root;
}

void BM_CompileComponent(benchmark::State& state) {
  const auto n = static_cast<uint32_t>(state.range(0));
  const Bytes bytes = component_with(n);
  {
    auto check = fact::component::adapters_of_component(bytes);
    if (!check || check->flow.adapters.size() != n) {
      state.SkipWithError(check ? "wrong adapter count" : check.error().message.c_str());
      return;
    }
  }
  size_t peak = 0;
  for (auto _ : state) {
    g_peak.store(g_live.load());
    size_t before = g_live.load();
    auto result = fact::component::adapters_of_component(bytes);
    benchmark::DoNotOptimize(result);
    peak = std::max(peak, g_peak.load() - before);
  }
  state.counters["adapters"] = n;
  state.counters["component_bytes"] = static_cast<double>(bytes.size());
  state.counters["time_per_adapter"] = benchmark::Counter(
      static_cast<double>(n) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert, benchmark::Counter::OneK::kIs1000);
  state.counters["peak_heap_KiB"] = static_cast<double>(peak) / 1024.0;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["maxrss_KiB"] = static_cast<double>(usage.ru_maxrss);
}

BENCHMARK(BM_CompileComponent)->Arg(1)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

// The front end alone (read and inline, no adapter compilation), to split
// the time of BM_CompileComponent.
void BM_ReadAndInline(benchmark::State& state) {
  const auto n = static_cast<uint32_t>(state.range(0));
  const Bytes bytes = component_with(n);
  for (auto _ : state) {
    auto ast = fact::component::read_component(bytes);
    if (!ast) {
      state.SkipWithError(ast.error().message.c_str());
      return;
    }
    auto flow = fact::component::inline_component(*ast);
    benchmark::DoNotOptimize(flow);
  }
  state.counters["time_per_adapter"] = benchmark::Counter(
      static_cast<double>(n) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert, benchmark::Counter::OneK::kIs1000);
}

BENCHMARK(BM_ReadAndInline)->Arg(1)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
