// The adapter compiler's API: what it imports, in which order, what it
// rejects, and that every module it produces validates.
#include <gtest/gtest.h>

#include <string>

#include "fact/adapter.h"
#include "fact/engine/modules.h"
#include "fact/type_expr.h"
#include "fact/wasm/module_reader.h"

namespace fact {
namespace {

struct Fixture {
  TypeStore types;
  ResourceNames resources;

  FuncTypeId func(std::string_view text) {
    Expected<FuncTypeId> f = parse_func_type(types, text, resources);
    EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().message);
    return f.ok() ? *f : FuncTypeId{};
  }
};

Memory memory(uint32_t instance, bool memory64 = false) {
  return Memory{CoreExport{instance, "memory"}, wasm::MemoryType{{}, memory64, false, 16}};
}

// An adapter from instance 0 (caller) to instance 1 (callee) with a memory
// and realloc on both sides.
Adapter make_adapter(FuncTypeId type, bool with_memory = true) {
  Adapter a;
  a.lift_type = type;
  a.lower_type = type;
  a.lower.instance = 0;
  a.lift.instance = 1;
  if (with_memory) {
    a.lower.memory = memory(0);
    a.lower.realloc = CoreExport{0, "realloc"};
    a.lift.memory = memory(1);
    a.lift.realloc = CoreExport{1, "realloc"};
  }
  a.callee = CoreExport{1, "callee"};
  return a;
}

std::vector<std::string> import_names(const AdapterModule& m) {
  std::vector<std::string> names;
  for (const Import& i : m.imports()) names.push_back(i.module + "." + i.field);
  return names;
}

void expect_valid(const AdapterModule& m) {
  std::vector<uint8_t> bytes = m.encode();
  Expected<void> valid = engine::validate_module(bytes);
  EXPECT_TRUE(valid.ok()) << (valid.ok() ? "" : valid.error().message);
}

TEST(AdapterModuleTest, ScalarAdapterImportsInWasmtimeOrder) {
  Fixture f;
  FuncTypeId t = f.func("func(a: u32) -> u32");
  AdapterModule m(f.types);
  ASSERT_TRUE(m.adapt("adapter0", make_adapter(t, false)).ok());
  EXPECT_EQ(import_names(m),
            (std::vector<std::string>{"flags.instance1", "flags.instance0", "callee.adapter0",
                                      "runtime.trap23", "async.enter-sync-call",
                                      "async.exit-sync-call"}));
  const Import& callee = m.imports()[2];
  EXPECT_EQ(callee.func, (wasm::FuncType{{wasm::ValType::I32}, {wasm::ValType::I32}}));
  auto* b = std::get_if<binding::Export>(&callee.binding);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->role, binding::Export::Role::Callee);
  EXPECT_EQ(b->item, (CoreExport{1, "callee"}));
  auto* flags = std::get_if<binding::InstanceFlags>(&m.imports()[0].binding);
  ASSERT_NE(flags, nullptr);
  EXPECT_EQ(flags->instance, 1u);
  expect_valid(m);
}

TEST(AdapterModuleTest, NoConcurrencyMeansNoBracketing) {
  Fixture f;
  FuncTypeId t = f.func("func(a: u32) -> u32");
  AdapterModule m(f.types, ModuleOptions{.concurrency_support = false});
  ASSERT_TRUE(m.adapt("adapter", make_adapter(t, false)).ok());
  EXPECT_EQ(import_names(m), (std::vector<std::string>{"flags.instance1", "flags.instance0",
                                                       "callee.adapter", "runtime.trap23"}));
  expect_valid(m);
}

TEST(AdapterModuleTest, MemoryAndReallocNamesCountEarlierImports) {
  Fixture f;
  // 17 flat parameters: the callee's parameters go through its memory.
  FuncTypeId t = f.func(
      "func(a: u64, b: u64, c: u64, d: u64, e: u64, f: u64, g: u64, h: u64, i: u64, j: u64, "
      "k: u64, l: u64, m: u64, n: u64, o: u64, p: u64, q: u64)");
  AdapterModule m(f.types);
  ASSERT_TRUE(m.adapt("adapter", make_adapter(t)).ok());
  std::vector<std::string> names = import_names(m);
  ASSERT_GE(names.size(), 7u);
  EXPECT_EQ(names[0], "flags.instance1");
  EXPECT_EQ(names[1], "memory.m0");
  EXPECT_EQ(names[2], "realloc.f0");
  EXPECT_EQ(names[3], "flags.instance0");
  EXPECT_EQ(names[4], "memory.m1");
  EXPECT_EQ(names[5], "realloc.f1");
  EXPECT_EQ(names[6], "callee.adapter");
  // The callee's realloc runs with zeroed context slots.
  EXPECT_NE(std::find(names.begin(), names.end(), "context.get0"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "context.set1"), names.end());
  // Both parameter lists travel as one pointer.
  EXPECT_EQ(m.imports()[6].func, (wasm::FuncType{{wasm::ValType::I32}, {}}));
  expect_valid(m);
}

TEST(AdapterModuleTest, ImportsAreInternedAcrossAdapters) {
  Fixture f;
  FuncTypeId t = f.func("func(c: char) -> option<u8>");
  AdapterModule m(f.types);
  ASSERT_TRUE(m.adapt("a", make_adapter(t)).ok());
  size_t after_first = m.imports().size();
  Adapter second = make_adapter(t);
  second.callee = CoreExport{1, "other"};
  ASSERT_TRUE(m.adapt("b", second).ok());
  // Only the second callee is new: flags, memories, reallocs and traps are
  // shared.
  ASSERT_EQ(m.imports().size(), after_first + 1);
  EXPECT_EQ(m.imports().back().module + "." + m.imports().back().field, "callee.b");
  expect_valid(m);
}

TEST(AdapterModuleTest, ReentranceAdapterOnlyTraps) {
  Fixture f;
  FuncTypeId t = f.func("func(a: u32) -> u32");
  for (int variant = 0; variant < 3; ++variant) {
    Adapter a = make_adapter(t, false);
    if (variant == 0) a.lift.instance = a.lower.instance;
    if (variant == 1) a.lift.ancestors = {a.lower.instance};
    if (variant == 2) a.lower.ancestors = {a.lift.instance};
    AdapterModule m(f.types);
    ASSERT_TRUE(m.adapt("adapter", a).ok());
    std::vector<std::string> names = import_names(m);
    EXPECT_NE(std::find(names.begin(), names.end(), "runtime.trap17"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "callee.adapter"), names.end());
    EXPECT_EQ(std::find(names.begin(), names.end(), "async.enter-sync-call"), names.end());
    expect_valid(m);
  }
}

TEST(AdapterModuleTest, AsyncTypedCalleeHasNoTaskMayBlock) {
  Fixture f;
  FuncTypeId t = f.func("async func(a: u32) -> u32");
  AdapterModule m(f.types);
  ASSERT_TRUE(m.adapt("adapter", make_adapter(t, false)).ok());
  for (const Import& i : m.imports()) {
    EXPECT_NE(i.module + "." + i.field, "instance.task_may_block");
    EXPECT_NE(i.field, "trap24");
  }
  expect_valid(m);
}

TEST(AdapterModuleTest, PostReturnIsImportedWithTheCalleeResults) {
  Fixture f;
  FuncTypeId t = f.func("func(a: u32) -> f64");
  Adapter a = make_adapter(t, false);
  a.lift.post_return = CoreExport{1, "post-return"};
  AdapterModule m(f.types);
  ASSERT_TRUE(m.adapt("adapter", a).ok());
  std::vector<std::string> names = import_names(m);
  ASSERT_GE(names.size(), 4u);
  EXPECT_EQ(names[3], "post_return.adapter");
  EXPECT_EQ(m.imports()[3].func, (wasm::FuncType{{wasm::ValType::F64}, {}}));
  expect_valid(m);
}

TEST(AdapterModuleTest, RejectsFlagsOutsideOneToThirtyTwo) {
  Fixture f;
  std::vector<std::string> labels;
  for (int i = 0; i < 33; ++i) labels.push_back("f" + std::to_string(i));
  TypeId flags33 = f.types.flags(labels);
  TypeId flags0 = f.types.flags({});
  for (TypeId bad : {flags33, flags0}) {
    FuncTypeId t = f.types.func(FuncType{false, {Param{"x", bad}}, std::nullopt});
    AdapterModule m(f.types);
    Expected<void> r = m.adapt("adapter", make_adapter(t));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("flags"), std::string::npos) << r.error().message;
    EXPECT_TRUE(m.imports().empty());
  }
}

TEST(AdapterModuleTest, RejectsMismatchedTypes) {
  Fixture f;
  struct Case {
    const char* lift;
    const char* lower;
    const char* says;
  };
  const Case cases[] = {
      {"func(a: u32)", "func(a: s32)", "parameter `a`"},
      {"func(a: u32)", "func(a: u32, b: u32)", "different parameter counts (1 and 2)"},
      {"func(a: u32)", "func(b: u32)", "named `a`"},
      {"func(r: record { x: u8 })", "func(r: record { y: u8 })", "field names"},
      {"func(r: record { x: u8 })", "func(r: record { x: u8, y: u8 })", "field counts"},
      {"func(v: variant { a, b(u8) })", "func(v: variant { a, c(u8) })", "case names"},
      {"func(v: variant { a, b(u8) })", "func(v: variant { a(u8), b(u8) })", "payload"},
      {"func(e: enum { a, b })", "func(e: enum { a, c })", "case names"},
      {"func(f: flags { a, b })", "func(f: flags { b, a })", "labels"},
      {"func() -> u8", "func()", "result"},
      {"func(a: u8)", "async func(a: u8)", "async"},
  };
  for (const Case& c : cases) {
    Adapter a = make_adapter(f.func(c.lift));
    a.lower_type = f.func(c.lower);
    AdapterModule m(f.types);
    Expected<void> r = m.adapt("adapter", a);
    ASSERT_FALSE(r.ok()) << c.lift << " vs " << c.lower;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos)
        << c.lift << " vs " << c.lower << ": " << r.error().message;
    EXPECT_TRUE(m.imports().empty());
  }
}

TEST(AdapterModuleTest, RejectsInconsistentOptions) {
  Fixture f;
  FuncTypeId small = f.func("func(a: u32) -> u32");
  FuncTypeId wide = f.func(
      "func(a: tuple<u64, u64, u64, u64, u64, u64, u64, u64, u64>, "
      "b: tuple<u64, u64, u64, u64, u64, u64, u64, u64, u64>)");
  FuncTypeId wide_result = f.func("func() -> tuple<u32, u32>");
  struct Case {
    Adapter adapter;
    const char* says;
  };
  std::vector<Case> cases;
  {
    Adapter a = make_adapter(small);
    a.lower.post_return = CoreExport{0, "pr"};
    cases.push_back({a, "only `canon lift`"});
  }
  {
    Adapter a = make_adapter(small);
    a.lower.callback = CoreExport{0, "cb"};
    cases.push_back({a, "only `canon lift`"});
  }
  {
    Adapter a = make_adapter(small);
    a.lift.memory.reset();
    cases.push_back({a, "canonical option `realloc` requires `memory`"});
  }
  {
    Adapter a = make_adapter(wide);
    a.lift.realloc.reset();
    cases.push_back({a, "canon lift: canonical option `realloc` is required"});
  }
  {
    Adapter a = make_adapter(wide, false);
    cases.push_back({a, "canonical option `memory` is required"});
  }
  {
    Adapter a = make_adapter(wide_result, false);
    cases.push_back({a, "canonical option `memory` is required"});
  }
  {
    Adapter a = make_adapter(small);
    a.lift.memory->type.page_size_log2 = 12;
    cases.push_back({a, "page size"});
  }
  {
    Adapter a = make_adapter(small);
    a.lift.is_async = true;
    cases.push_back(
        {a, "canon lift: the `async` canonical option requires an async function type"});
  }
  {
    Adapter a = make_adapter(small);
    a.lower.is_async = true;
    cases.push_back(
        {a, "canon lower: the `async` canonical option requires an async function type"});
  }
  FuncTypeId async_small = f.func("async func(a: u32) -> u32");
  {
    Adapter a = make_adapter(async_small);
    a.lift.callback = CoreExport{1, "cb"};
    cases.push_back({a, "canon lift: canonical option `callback` requires `async`"});
  }
  {
    Adapter a = make_adapter(async_small);
    a.lift.is_async = true;
    a.lift.post_return = CoreExport{1, "pr"};
    cases.push_back({a, "canon lift: canonical option `post-return` cannot be used with `async`"});
  }
  {
    Adapter a = make_adapter(async_small);
    a.lower.is_async = true;
    a.lower.memory.reset();
    a.lower.realloc.reset();
    cases.push_back({a, "canon lower: canonical option `memory` is required"});
  }
  for (const Case& c : cases) {
    AdapterModule m(f.types);
    Expected<void> r = m.adapt("adapter", c.adapter);
    ASSERT_FALSE(r.ok()) << c.says;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().message;
    EXPECT_TRUE(m.imports().empty());
  }
}

TEST(AdapterModuleTest, RejectsNamesAndUnknownTypes) {
  Fixture f;
  FuncTypeId t = f.func("func(a: u32)");
  AdapterModule m(f.types);
  EXPECT_FALSE(m.adapt("", make_adapter(t)).ok());
  ASSERT_TRUE(m.adapt("x", make_adapter(t)).ok());
  size_t imports = m.imports().size();
  Expected<void> again = m.adapt("x", make_adapter(t));
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("already"), std::string::npos);
  Adapter bad = make_adapter(t);
  bad.lift_type = FuncTypeId{999};
  EXPECT_FALSE(m.adapt("y", bad).ok());
  EXPECT_EQ(m.imports().size(), imports);
  expect_valid(m);
}

bool has_import(const AdapterModule& m, const std::string& name) {
  for (const Import& i : m.imports()) {
    if (i.module + "." + i.field == name) return true;
  }
  return false;
}

TEST(AdapterModuleTest, HandlesUseTheirTransferImports) {
  Fixture f;
  struct Case {
    const char* sig;
    const char* import;
  };
  const Case cases[] = {
      {"func(r: own<r>) -> own<r>", "resource.transfer-own"},
      {"func(r: list<borrow<r>>)", "resource.transfer-borrow"},
      {"func(f: future<u8>)", "future.transfer"},
      {"func(s: option<stream>)", "stream.transfer"},
      {"func() -> error-context", "error-context.transfer"},
  };
  for (const Case& c : cases) {
    for (bool concurrency : {true, false}) {
      AdapterModule m(f.types, ModuleOptions{.concurrency_support = concurrency});
      ASSERT_TRUE(m.adapt("adapter", make_adapter(f.func(c.sig))).ok()) << c.sig;
      expect_valid(m);
      EXPECT_TRUE(has_import(m, c.import)) << c.sig;
      bool borrow = std::string(c.sig).find("borrow") != std::string::npos;
      // A borrow needs a call scope even without concurrency support.
      EXPECT_EQ(has_import(m, "async.enter-sync-call"), concurrency || borrow) << c.sig;
      EXPECT_EQ(has_import(m, "async.exit-sync-call"), concurrency || borrow) << c.sig;
    }
  }
}

std::string wat_of(const AdapterModule& m) {
  std::vector<uint8_t> bytes = m.encode();
  Expected<std::string> wat = engine::module_to_wat(bytes);
  EXPECT_TRUE(wat.ok()) << (wat.ok() ? "" : wat.error().message);
  return wat.ok() ? *wat : std::string();
}

TEST(AdapterModuleTest, EveryStringEncodingPairAndWidthValidates) {
  Fixture f;
  FuncTypeId t = f.func("func(s: string, v: option<string>) -> string");
  const StringEncoding encodings[] = {StringEncoding::Utf8, StringEncoding::Utf16,
                                      StringEncoding::CompactUtf16};
  for (StringEncoding from : encodings) {
    for (StringEncoding to : encodings) {
      for (int mix = 0; mix < 4; ++mix) {
        for (bool debug : {false, true}) {
          Adapter a = make_adapter(t);
          a.lower.string_encoding = from;
          a.lift.string_encoding = to;
          a.lower.memory->type.memory64 = mix & 1;
          a.lift.memory->type.memory64 = (mix & 2) != 0;
          AdapterModule m(f.types, ModuleOptions{.concurrency_support = true, .debug = debug});
          Expected<void> r = m.adapt("adapter", a);
          ASSERT_TRUE(r.ok()) << r.error().message;
          expect_valid(m);
          bool any_transcoder = false;
          for (const Import& i : m.imports()) any_transcoder |= i.module == "transcode";
          EXPECT_TRUE(any_transcoder);
        }
      }
    }
  }
}

TEST(AdapterModuleTest, TranscoderNamesCarryTheMemoryIndices) {
  Fixture f;
  Adapter a = make_adapter(f.func("func(s: string)"));
  a.lift.string_encoding = StringEncoding::Utf16;
  AdapterModule m(f.types);
  ASSERT_TRUE(m.adapt("adapter", a).ok());
  bool found = false;
  for (const Import& i : m.imports()) {
    if (i.module != "transcode") continue;
    EXPECT_EQ(i.field, "utf8-to-utf16 (mem1 => mem0)");
    EXPECT_EQ(i.func, (wasm::FuncType{{wasm::ValType::I32, wasm::ValType::I32, wasm::ValType::I32},
                                      {wasm::ValType::I32}}));
    found = true;
  }
  EXPECT_TRUE(found);
}

TEST(AdapterModuleTest, PlainDataListsUseOneMemoryCopy) {
  Fixture f;
  for (const char* sig :
       {"func(l: list<u8>)", "func(l: list<u32>) -> list<f64>",
        "func(l: list<record { x: f32, y: f32 }>)", "func(l: list<tuple<u8, u64, list<s16, 3>>>)",
        "func(m: map<u32, f32>)"}) {
    for (int mix = 0; mix < 4; ++mix) {
      Adapter a = make_adapter(f.func(sig));
      a.lower.memory->type.memory64 = mix & 1;
      a.lift.memory->type.memory64 = (mix & 2) != 0;
      AdapterModule m(f.types);
      ASSERT_TRUE(m.adapt("adapter", a).ok()) << sig;
      expect_valid(m);
      EXPECT_NE(wat_of(m).find("memory.copy"), std::string::npos) << sig;
    }
  }
  for (const char* sig :
       {"func(l: list<bool>)", "func(l: list<char>)", "func(l: list<variant { a(u8), b }>)",
        "func(l: list<option<u32>>)", "func(l: list<flags { a, b }>)",
        "func(l: list<enum { a, b }>)", "func(l: list<string>)", "func(l: list<list<u8>>)",
        "func(m: map<string, u8>)"}) {
    AdapterModule m(f.types);
    ASSERT_TRUE(m.adapt("adapter", make_adapter(f.func(sig))).ok()) << sig;
    expect_valid(m);
    std::string wat = wat_of(m);
    // list<list<u8>> copies its inner lists with memory.copy, but never the
    // outer one.
    if (std::string(sig).find("list<list<u8>>") == std::string::npos) {
      EXPECT_EQ(wat.find("memory.copy"), std::string::npos) << sig;
    }
    EXPECT_NE(wat.find("loop"), std::string::npos) << sig;
  }
}

TEST(AdapterModuleTest, StringsAndListsNeedMemoryAndRealloc) {
  Fixture f;
  {
    Adapter a = make_adapter(f.func("func(s: string)"));
    a.lift.realloc.reset();
    Expected<void> r = AdapterModule(f.types).adapt("adapter", a);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("canon lift: canonical option `realloc` is required"),
              std::string::npos)
        << r.error().message;
  }
  {
    Adapter a = make_adapter(f.func("func() -> list<u8>"));
    a.lower.realloc.reset();
    Expected<void> r = AdapterModule(f.types).adapt("adapter", a);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("canon lower: canonical option `realloc` is required"),
              std::string::npos)
        << r.error().message;
  }
  {
    Adapter a = make_adapter(f.func("func(s: string)"));
    a.lower.memory.reset();
    a.lower.realloc.reset();
    Expected<void> r = AdapterModule(f.types).adapt("adapter", a);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("canon lower: canonical option `memory` is required"),
              std::string::npos)
        << r.error().message;
  }
  {
    // Strings on the caller side only need its memory, not its realloc.
    Adapter a = make_adapter(f.func("func(s: string)"));
    a.lower.realloc.reset();
    AdapterModule m(f.types);
    ASSERT_TRUE(m.adapt("adapter", a).ok());
    expect_valid(m);
  }
}

TEST(AdapterModuleTest, WideTypesAreOutlinedIntoHelperFunctions) {
  Fixture f;
  // A record of 1200 fields costs more fuel than one function has: its
  // translation moves to an outlined helper, which the module must contain.
  std::string record = "record {";
  for (int i = 0; i < 1200; ++i) record += (i ? ", x" : " x") + std::to_string(i) + ": u8";
  record += " }";
  FuncTypeId t = f.func("func(r: " + record + ") -> " + record);
  AdapterModule m(f.types);
  ASSERT_TRUE(m.adapt("adapter", make_adapter(t)).ok());
  std::vector<uint8_t> bytes = m.encode();
  Expected<std::string> wat = engine::module_to_wat(bytes);
  ASSERT_TRUE(wat.ok()) << wat.error().message;
  size_t funcs = 0;
  for (size_t at = wat->find("(func "); at != std::string::npos; at = wat->find("(func ", at + 1)) {
    ++funcs;
  }
  // The main adapter, the parameter helper and the result helper.
  EXPECT_GE(funcs, 3u);
  expect_valid(m);
}

TEST(AdapterModuleTest, EveryMemoryWidthMixValidates) {
  Fixture f;
  FuncTypeId t = f.func(
      "func(a: tuple<u64, u64, u64, u64, u64, u64, u64, u64, u64>, b: tuple<u64, u64, u64, u64, "
      "u64, u64, u64, u64, u64>, c: variant { x(f32), y(u64), z }) -> record { a: option<f64>, "
      "b: result<char, flags { p, q }>, c: list<s16, 3> }");
  for (int mix = 0; mix < 4; ++mix) {
    Adapter a = make_adapter(t);
    a.lower.memory->type.memory64 = mix & 1;
    a.lift.memory->type.memory64 = (mix & 2) != 0;
    for (bool debug : {false, true}) {
      AdapterModule m(f.types, ModuleOptions{.concurrency_support = true, .debug = debug});
      Expected<void> r = m.adapt("adapter", a);
      ASSERT_TRUE(r.ok()) << r.error().message;
      expect_valid(m);
    }
  }
}

// The async shapes (docs/import-abi.md, "Adapters with an async side"): the
// helpers and the re-exported callee, the start-call and prepare-call
// imports last, with Wasmtime's names, signatures and metadata.
struct AsyncShape {
  bool lower_async;
  bool lift_async;
  bool callback;
};

wasm::ModuleInterface interface_of(const AdapterModule& m) {
  Expected<wasm::ModuleInterface> info = wasm::read_module_interface(m.encode());
  EXPECT_TRUE(info.ok()) << (info.ok() ? "" : info.error().message);
  return info.ok() ? *info : wasm::ModuleInterface{};
}

TEST(AdapterModuleTest, AsyncShapesImportAndExportAsWasmtime) {
  Fixture f;
  const FuncTypeId t = f.func("async func(a: u32, b: u64) -> u32");
  const wasm::ValType I32 = wasm::ValType::I32, I64 = wasm::ValType::I64,
                      FUNCREF = wasm::ValType::funcref();
  for (AsyncShape shape :
       {AsyncShape{true, true, true}, AsyncShape{true, true, false}, AsyncShape{false, true, true},
        AsyncShape{false, true, false}, AsyncShape{true, false, false}}) {
    SCOPED_TRACE(std::string(shape.lower_async ? "async" : "sync") + " lower, " +
                 (shape.lift_async ? (shape.callback ? "callback" : "stackful") : "sync") +
                 " lift");
    Adapter a = make_adapter(t);
    a.lower.is_async = shape.lower_async;
    a.lift.is_async = shape.lift_async;
    if (shape.callback) a.lift.callback = CoreExport{1, "cb"};
    if (!shape.lift_async) a.lift.post_return = CoreExport{1, "pr"};
    a.task_return_type = 7;
    AdapterModule m(f.types);
    ASSERT_TRUE(m.adapt("f", a).ok());
    expect_valid(m);

    const std::vector<Import>& imports = m.imports();
    ASSERT_GE(imports.size(), 2u);
    const Import& start = imports[imports.size() - 2];
    const Import& prepare = imports.back();
    EXPECT_EQ(prepare.module + "." + prepare.field, "sync.[prepare-call]f");
    // start, return, caller, callee, task_return_type, callee_async,
    // string_encoding, result_count_or_max_if_async, then the caller's
    // parameters: an async lower has a return pointer.
    std::vector<wasm::ValType> prepare_params{FUNCREF, FUNCREF, I32, I32, I32,
                                              I32,     I32,     I32, I32, I64};
    if (shape.lower_async) prepare_params.push_back(I32);
    EXPECT_EQ(prepare.func, (wasm::FuncType{prepare_params, {}}));
    auto* p = std::get_if<binding::PrepareCall>(&prepare.binding);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->adapter, "f");
    EXPECT_EQ(p->memory, (CoreExport{1, "memory"}));

    if (shape.lower_async) {
      EXPECT_EQ(start.module + "." + start.field, "async.[start-call]f");
      EXPECT_EQ(start.func, (wasm::FuncType{{FUNCREF, I32, I32, I32}, {I32}}));
      auto* b = std::get_if<binding::AsyncStartCall>(&start.binding);
      ASSERT_NE(b, nullptr);
      if (shape.lift_async) {
        EXPECT_EQ(b->callback, shape.callback ? std::optional(CoreExport{1, "cb"}) : std::nullopt);
        EXPECT_EQ(b->post_return, std::nullopt);
      } else {
        EXPECT_EQ(b->callback, std::nullopt);
        EXPECT_EQ(b->post_return, (CoreExport{1, "pr"}));
      }
    } else {
      EXPECT_EQ(start.module + "." + start.field, "sync.[start-call]f");
      EXPECT_EQ(start.func, (wasm::FuncType{{FUNCREF, I32}, {I32}}));
      auto* b = std::get_if<binding::SyncStartCall>(&start.binding);
      ASSERT_NE(b, nullptr);
      EXPECT_EQ(b->callback, shape.callback ? std::optional(CoreExport{1, "cb"}) : std::nullopt);
    }
    const bool has_callback_import =
        std::any_of(imports.begin(), imports.end(), [](const Import& i) {
          const auto* e = std::get_if<binding::Export>(&i.binding);
          return e && e->role == binding::Export::Role::Callback;
        });
    EXPECT_EQ(has_callback_import, shape.callback);

    const wasm::ModuleInterface info = interface_of(m);
    for (const char* name : {"[async-start]f", "[async-return]f", "f", "[adapter-callee]f"}) {
      EXPECT_TRUE(info.exports.contains(name)) << name;
    }
    if (!info.exports.contains("[async-start]f") || !info.exports.contains("[async-return]f")) {
      continue;
    }
    // [async-start]: the caller's flat parameters to the callee's.
    EXPECT_EQ(*info.func_type(info.exports.at("[async-start]f").index),
              (wasm::FuncType{{I32, I64}, {I32, I64}}));
    // [async-return]: the callee's result (what it passes to task.return,
    // or its core result), then the caller's return pointer if it has one;
    // a sync caller gets its flat result back.
    const wasm::FuncType expected_return =
        shape.lower_async ? wasm::FuncType{{I32, I32}, {}} : wasm::FuncType{{I32}, {I32}};
    EXPECT_EQ(*info.func_type(info.exports.at("[async-return]f").index), expected_return);
  }
}

TEST(AdapterModuleTest, AsyncStartCallsAreSharedPerCallbackAndPostReturn) {
  Fixture f;
  const FuncTypeId t = f.func("async func(a: u32)");
  AdapterModule m(f.types);
  for (const char* name : {"a", "b", "c"}) {
    Adapter a = make_adapter(t, false);
    a.lower.memory = memory(0);
    a.lower.is_async = true;
    a.lift.is_async = true;
    a.lift.callback = CoreExport{1, std::string(name) == "c" ? "other-cb" : "cb"};
    ASSERT_TRUE(m.adapt(name, a).ok());
  }
  std::vector<std::string> starts;
  for (const Import& i : m.imports()) {
    if (std::holds_alternative<binding::AsyncStartCall>(i.binding)) {
      starts.push_back(i.module + "." + i.field);
    }
  }
  EXPECT_EQ(starts, (std::vector<std::string>{"async.[start-call]a", "async.[start-call]c"}));
  expect_valid(m);
}

TEST(AdapterModuleTest, AsyncAdaptersNeedConcurrencySupport) {
  Fixture f;
  Adapter a = make_adapter(f.func("async func(a: u32)"));
  a.lift.is_async = true;
  AdapterModule m(f.types, ModuleOptions{.concurrency_support = false});
  Expected<void> r = m.adapt("f", a);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("concurrency support"), std::string::npos) << r.error().message;
}

TEST(AdapterModuleTest, AsyncReentranceOnlyTraps) {
  Fixture f;
  Adapter a = make_adapter(f.func("async func(a: u32) -> u32"));
  a.lower.is_async = true;
  a.lift.is_async = true;
  a.lift.instance = a.lower.instance;
  AdapterModule m(f.types);
  ASSERT_TRUE(m.adapt("f", a).ok());
  for (const Import& i : m.imports()) {
    EXPECT_FALSE(std::holds_alternative<binding::PrepareCall>(i.binding)) << i.field;
  }
  const wasm::ModuleInterface info = interface_of(m);
  EXPECT_TRUE(info.exports.contains("f"));
  EXPECT_FALSE(info.exports.contains("[async-start]f"));
  expect_valid(m);
}

}  // namespace
}  // namespace fact
