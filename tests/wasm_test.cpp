// The core wasm layer: the vocabulary's names, the encoder's sections, the
// reader of a module's interface and core import matching.
#include <gtest/gtest.h>

#include "fact/engine/modules.h"
#include "fact/engine/runtime.h"
#include "fact/wasm/encoder.h"
#include "fact/wasm/matching.h"
#include "fact/wasm/module_reader.h"
#include "fact/wasm/types.h"

namespace fact::wasm {
namespace {

std::vector<uint8_t> assemble(std::string_view wat) {
  auto wasm = engine::wat_to_module(wat);
  EXPECT_TRUE(wasm.ok()) << (wasm ? "" : wasm.error().message);
  return wasm ? *wasm : std::vector<uint8_t>{};
}

TEST(WasmTypes, NamesAsTheTextFormatWritesThem) {
  EXPECT_EQ(to_string(ValType::I32), "i32");
  EXPECT_EQ(to_string(ValType::V128), "v128");
  EXPECT_EQ(to_string(ValType::funcref()), "funcref");
  EXPECT_EQ(to_string(ValType::ref(HeapType::of_abstract(kExternHeap), false)), "(ref extern)");
  EXPECT_EQ(to_string(ValType::ref(HeapType::of_index(3), true)), "(ref null 3)");
  EXPECT_EQ(to_string(FuncType{{ValType::I32, ValType::F64}, {ValType::I64}}),
            "[i32 f64] -> [i64]");
  EXPECT_EQ(to_string(Limits{1, 2}), "1 2");
  EXPECT_EQ(to_string(Val::f32_bits(0x3F800000)), "f32:0x3f800000");
  EXPECT_TRUE((FuncType{{ValType::I32}, {}}).is_numeric());
  EXPECT_FALSE((FuncType{{ValType::funcref()}, {}}).is_numeric());
  // References compare by nullability and heap type.
  EXPECT_NE(ValType::funcref(), ValType::ref(HeapType::of_abstract(kFuncHeap), false));
  EXPECT_EQ(ValType::funcref(), ValType::ref(HeapType::of_abstract(kFuncHeap), true));
}

TEST(WasmTypes, MaximumPages) {
  EXPECT_EQ(max_pages(MemoryType{}), uint64_t{1} << 16);
  MemoryType m64;
  m64.memory64 = true;
  EXPECT_EQ(max_pages(m64), uint64_t{1} << 48);
  MemoryType bytes;
  bytes.page_size_log2 = 0;
  EXPECT_EQ(max_pages(bytes), uint64_t{1} << 32);
}

// A module written with the encoder validates, and each section's count is
// the number of entries added to it.
TEST(Encoder, SectionsCountTheirEntries) {
  TypeSection types;
  types.func({{ValType::I32}, {ValType::I32}});
  types.func({{}, {}});
  ImportSection imports;
  MemoryType shared;
  shared.shared = true;
  shared.limits.max = 1;
  imports.memory("env", "memory", shared);
  imports.global("env", "flags", GlobalType{ValType::I32, true});
  imports.func("env", "f", 1);
  FunctionSection functions;
  functions.func(0);
  ExportSection exports;
  exports.item("id", ExternKind::Func, 1);
  CodeSection code;
  Bytes body;
  Instructions ins(body);
  ins.local_get(0);
  ins.end();
  code.body({}, body);
  EXPECT_EQ(types.count(), 2u);
  EXPECT_EQ(imports.count(), 3u);

  ModuleWriter writer;
  writer.section(types);
  writer.section(imports);
  writer.section(functions);
  writer.section(exports);
  writer.section(code);
  const Bytes module = std::move(writer).finish();
  auto valid = engine::validate_module(module);
  EXPECT_TRUE(valid.ok()) << (valid ? "" : valid.error().message);

  auto read = read_module_interface(module);
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->imports.size(), 3u);
  EXPECT_EQ(read->memories.at(0), shared);
  EXPECT_EQ(read->exports.at("id").kind, ExternKind::Func);
  EXPECT_EQ(*read->func_type(1), (FuncType{{ValType::I32}, {ValType::I32}}));
}

TEST(ModuleReader, ReadsEveryKindOfImportAndExport) {
  const auto module = assemble(R"((module
    (type $t (func (param i32 funcref) (result i64)))
    (import "a" "f" (func (type $t)))
    (import "a" "m" (memory i64 1 2))
    (import "a" "t" (table 1 externref))
    (import "a" "g" (global (mut f32)))
    (func $own (result i32) i32.const 0)
    (memory $mem 3)
    (global $glob i64 (i64.const 7))
    (export "own" (func $own))
    (export "mem" (memory $mem))
    (export "glob" (global $glob))))");
  auto m = read_module_interface(module);
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->imports.size(), 4u);
  EXPECT_EQ(m->imports[0].kind, ExternKind::Func);
  EXPECT_EQ(*m->func_type(0), (FuncType{{ValType::I32, ValType::funcref()}, {ValType::I64}}));
  EXPECT_EQ(m->memories[0].memory64, true);
  EXPECT_EQ(m->memories[0].limits, (Limits{1, 2}));
  EXPECT_EQ(m->tables[0].element, ValType::ref(HeapType::of_abstract(kExternHeap), true));
  EXPECT_EQ(m->globals[0].type, ValType::F32);
  EXPECT_TRUE(m->globals[0].mutable_);
  EXPECT_EQ(m->exports.at("own").index, 1u);
  EXPECT_EQ(m->exports.at("mem").kind, ExternKind::Memory);
  EXPECT_EQ(m->globals.at(m->exports.at("glob").index).type, ValType::I64);
}

TEST(ModuleReader, ErrorsNameTheByteAndWhatIsWrong) {
  auto bad_preamble = read_module_interface(std::vector<uint8_t>{0, 'a', 's', 'n', 2, 0, 0, 0}, 16);
  ASSERT_FALSE(bad_preamble.ok());
  EXPECT_EQ(bad_preamble.error().message,
            "at byte 0x10: nested core module has an invalid preamble");
  const std::vector<uint8_t> whole = assemble("(module (func (export \"f\")))");
  ASSERT_GT(whole.size(), 3u);
  // A copy of all but the last three bytes (resize would do, but GCC 12's
  // -O1 -Wstringop-overflow cannot see that the size stays positive).
  const std::vector<uint8_t> truncated(whole.begin(), whole.end() - 3);
  auto t = read_module_interface(truncated, 0x20);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message.rfind("in the core module at byte 0x20: at byte 0x", 0), 0u)
      << t.error().message;
}

TEST(Matching, ExternSubtyping) {
  EXPECT_EQ(
      extern_mismatch(FuncType{{ValType::I32}, {}}, FuncType{{ValType::I64}, {}}).value_or("ok"),
      "the function given has type [i64] -> [], but [i32] -> [] is expected");
  MemoryType want;
  want.limits = {2, 10};
  MemoryType have = want;
  have.limits = {4, 8};
  EXPECT_FALSE(extern_mismatch(want, have));
  have.limits = {1, 8};
  EXPECT_EQ(extern_mismatch(want, have).value_or("ok"),
            "mismatch in memory limits: expected 2 10, found 1 8");
  have = want;
  have.memory64 = true;
  EXPECT_EQ(extern_mismatch(want, have).value_or("ok"), "the memory index types (i32, i64) differ");
  TableType table;
  TableType externs;
  externs.element = ValType::ref(HeapType::of_abstract(kExternHeap), true);
  EXPECT_EQ(extern_mismatch(table, externs).value_or("ok"),
            "expected table element type funcref, found externref");
  EXPECT_EQ(extern_mismatch(GlobalType{ValType::I32, true}, GlobalType{ValType::I32, false})
                .value_or("ok"),
            "expected a mutable global, found an immutable one");
  EXPECT_EQ(extern_mismatch(GlobalType{ValType::I32, false}, table).value_or("ok"),
            "expected a global, found a table");
}

TEST(Matching, ModuleSubtyping) {
  // The declared type supplies `a.f` and promises exports `x` and `m`.
  auto declared = read_module_interface(assemble(R"((module
    (import "a" "f" (func (param i32)))
    (import "a" "g" (func))
    (func (export "x"))
    (memory (export "m") 1)))"));
  ASSERT_TRUE(declared.ok());
  // Importing less and exporting more is fine.
  auto fits = read_module_interface(assemble(R"((module
    (import "a" "f" (func (param i32)))
    (func (export "x"))
    (func (export "extra"))
    (memory (export "m") 2)))"));
  ASSERT_TRUE(fits.ok());
  EXPECT_FALSE(module_mismatch(*declared, *fits));

  auto imports_more = read_module_interface(assemble(R"((module
    (import "a" "h" (func))
    (func (export "x"))
    (memory (export "m") 1)))"));
  ASSERT_TRUE(imports_more.ok());
  EXPECT_EQ(module_mismatch(*declared, *imports_more).value_or("ok"),
            "missing expected import `a::h` (the module given imports it, the type does not)");

  auto wrong_export = read_module_interface(assemble(R"((module
    (func (export "x") (param i32))
    (memory (export "m") 1)))"));
  ASSERT_TRUE(wrong_export.ok());
  EXPECT_EQ(module_mismatch(*declared, *wrong_export).value_or("ok"),
            "type mismatch in export `x`: the function given has type [i32] -> [], but [] -> [] is "
            "expected");

  auto missing_export = read_module_interface(assemble("(module (func (export \"x\")))"));
  ASSERT_TRUE(missing_export.ok());
  EXPECT_EQ(module_mismatch(*declared, *missing_export).value_or("ok"),
            "missing expected export `m`");
}

// Opcodes of proposals libwabt cannot decode are named, so that a user
// learns which feature their toolchain used; the runtime says the same.
TEST(Engine, UnsupportedFeaturesAreNamedWhenAModuleCannotBeLoaded) {
  auto module_with_body = [](std::initializer_list<uint8_t> code) {
    std::vector<uint8_t> m{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // preamble
                           0x01, 0x04, 0x01, 0x60, 0x00, 0x00,              // type [] -> []
                           0x03, 0x02, 0x01, 0x00};                         // one function
    const auto body_size = static_cast<uint8_t>(code.size() + 1);           // + locals
    m.insert(m.end(), {0x0a, static_cast<uint8_t>(body_size + 2), 0x01, body_size, 0x00});
    m.insert(m.end(), code);
    return m;
  };
  struct Case {
    std::initializer_list<uint8_t> code;
    const char* named;
  };
  for (const Case& c : {
           Case{{0x1f, 0x40, 0x00, 0x0b, 0x0b}, "`try_table`, of exception handling with exnref"},
           Case{{0xd0, 0x70, 0x14, 0x00, 0x0b}, "`call_ref`, of typed function references"},
       }) {
    const std::vector<uint8_t> module = module_with_body(c.code);
    auto valid = engine::validate_module(module);
    ASSERT_FALSE(valid.ok());
    EXPECT_NE(valid.error().message.find(c.named), std::string::npos) << valid.error().message;
    engine::Runtime runtime;
    auto loaded = runtime.load(module);
    ASSERT_FALSE(loaded.ok());
    EXPECT_NE(loaded.error().message.find(c.named), std::string::npos) << loaded.error().message;
  }
  // A plain decoding error keeps wabt's words alone.
  auto truncated = engine::validate_module(std::vector<uint8_t>{0x00, 0x61, 0x73, 0x6d, 0x01});
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().message.find("a feature the interpreter"), std::string::npos);
}

}  // namespace
}  // namespace fact::wasm
