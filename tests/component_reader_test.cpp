// The component binary reader: every section and definition kind decoded
// into the AST, and malformed binaries rejected with a located message.
//
// Components are assembled here with a tiny byte builder so that each test
// shows the bytes it feeds in. Setting FACT_WRITE_CORPUS=<dir> makes the
// CorpusWriter test write the valid components used here to <dir> (this is
// how fuzz/corpus/ was seeded).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "fact/component/reader.h"

namespace fact::component {
namespace {

using Bytes = std::vector<uint8_t>;

// A byte builder: each call appends one encoding.
struct B {
  Bytes v;
  B() = default;
  B(std::initializer_list<uint8_t> bytes) : v(bytes) {}
  B& b(uint8_t x) { return v.push_back(x), *this; }
  B& bs(std::initializer_list<uint8_t> xs) { return v.insert(v.end(), xs), *this; }
  B& u32(uint32_t x) {
    do {
      uint8_t byte = x & 0x7f;
      x >>= 7;
      v.push_back(x ? byte | 0x80 : byte);
    } while (x);
    return *this;
  }
  B& str(std::string_view s) {
    u32(uint32_t(s.size()));
    v.insert(v.end(), s.begin(), s.end());
    return *this;
  }
  B& raw(const Bytes& x) { return v.insert(v.end(), x.begin(), x.end()), *this; }
  B& raw(const B& x) { return raw(x.v); }
  // A plain extern name (discriminator 0x00).
  B& name(std::string_view s) { return b(0x00).str(s); }
  // A vec of already-encoded entries.
  B& vec(std::initializer_list<B> entries) {
    u32(uint32_t(entries.size()));
    for (const B& e : entries) raw(e);
    return *this;
  }
};

B section(uint8_t id, const B& payload) {
  B s;
  s.b(id).u32(uint32_t(payload.v.size())).raw(payload);
  return s;
}

const Bytes kComponentPreamble = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};
const Bytes kModulePreamble = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

Bytes component(std::initializer_list<B> sections) {
  B c;
  c.raw(kComponentPreamble);
  for (const B& s : sections) c.raw(s);
  return c.v;
}

// A component with one type section holding `types` (each an encoded deftype).
Bytes with_types(std::initializer_list<B> types) { return component({section(7, B().vec(types))}); }

std::string read_error(const Bytes& bytes) {
  auto r = read_component(bytes);
  if (r.ok()) return "<no error>";
  return r.error().message;
}

#define EXPECT_REJECTED(bytes, needle)                               \
  do {                                                               \
    std::string message_ = read_error(bytes);                        \
    EXPECT_NE(message_.find(needle), std::string::npos) << message_; \
    EXPECT_EQ(message_.rfind("at byte 0x", 0), 0u) << message_;      \
  } while (0)

// ---------------------------------------------------------------------------
// A component using every section and definition kind.

struct Everything {
  Bytes bytes;
  // Offsets at which a prefix of `bytes` is itself a valid component.
  std::vector<size_t> section_ends;
};

Everything everything() {
  std::vector<B> sections;
  // core module 0: an empty module.
  sections.push_back(section(1, B().raw(kModulePreamble)));
  // core types: 0 = (func (param i32)), 1 = a module type.
  sections.push_back(
      section(3, B().vec({B{0x60}.vec({B{0x7f}}).vec({}),
                          B{0x50}.vec({
                              B{0x01, 0x60}.vec({}).vec({}),                    // type 0
                              B{0x00}.str("env").str("f").bs({0x00, 0x00}),     // import func 0
                              B{0x02, 0x10, 0x01}.u32(1).u32(0),                // outer core type
                              B{0x03}.str("mem").bs({0x02, 0x01, 0x01, 0x02}),  // export memory
                              B{0x00}.str("env").str("t").bs({0x01, 0x70, 0x00, 0x01}),  // table
                              B{0x00}.str("env").str("g").bs({0x03, 0x7e, 0x01}),        // global
                          })})));
  // core instance 0: instantiate module 0.
  sections.push_back(section(2, B().vec({B{0x00}.u32(0).vec({})})));
  // aliases of core instance 0: memory 0, core func 0 (realloc), 1 (f).
  sections.push_back(section(6, B().vec({B{0x00, 0x02, 0x01}.u32(0).str("memory"),
                                         B{0x00, 0x00, 0x01}.u32(0).str("realloc"),
                                         B{0x00, 0x00, 0x01}.u32(0).str("f")})));
  // core instance 1: a bag of exports; core instance 2: instantiate with it.
  sections.push_back(section(
      2, B().vec({B{0x01}.vec({B().str("memory").bs({0x02, 0x00}), B().str("f").bs({0x00, 0x01})}),
                  B{0x00}.u32(0).vec({B().str("env").b(0x12).u32(1)})})));
  // types 0..19.
  sections.push_back(
      section(7, B().vec({
                     B{0x72}.vec({B().str("a").b(0x79), B().str("b").b(0x73)}),  // 0 record
                     B{0x71}.vec({B().str("x").b(0x01).u32(0).b(0x00),
                                  B().str("y").b(0x00).b(0x00)}),           // 1 variant
                     B{0x70, 0x7d},                                         // 2 list<u8>
                     B{0x67, 0x7d}.u32(4),                                  // 3 list<u8, 4>
                     B{0x6f}.vec({B{0x7d}, B().u32(0)}),                    // 4 tuple
                     B{0x6e}.vec({B().str("read"), B().str("write")}),      // 5 flags
                     B{0x6d}.vec({B().str("p"), B().str("q")}),             // 6 enum
                     B{0x6b, 0x73},                                         // 7 option
                     B{0x6a, 0x01, 0x79, 0x01, 0x73},                       // 8 result
                     B{0x3f, 0x7f, 0x01}.u32(1),                            // 9 resource
                     B{0x69}.u32(9),                                        // 10 own
                     B{0x68}.u32(9),                                        // 11 borrow
                     B{0x66, 0x01, 0x7d},                                   // 12 stream<u8>
                     B{0x65, 0x00},                                         // 13 future
                     B{0x63, 0x73, 0x79},                                   // 14 map
                     B{0x64},                                               // 15 error-context
                     B{0x40}.vec({B().str("a").b(0x79)}).bs({0x00, 0x73}),  // 16 func
                     B{0x43}.vec({}).bs({0x01, 0x00}),                      // 17 async func
                     B{0x42}.vec({
                         // 18 instance type
                         B{0x04}.name("r").bs({0x03, 0x01}),                            //   type 0
                         B{0x01, 0x68}.u32(0),                                          //   type 1
                         B{0x01, 0x40}.vec({B().str("self").u32(1)}).bs({0x01, 0x00}),  // type 2
                         B{0x04}.name("[method]r.m").b(0x01).u32(2),
                         B{0x02, 0x03, 0x02}.u32(1).u32(0),  //   outer type 3
                         B{0x00, 0x60}.vec({}).vec({}),      //   core type
                     }),
                     B{0x41}.vec({
                         // 19 component type
                         B{0x01, 0x40}.vec({}).bs({0x01, 0x00}),  //   type 0
                         B{0x03}.name("f").b(0x01).u32(0),        //   import func
                         B{0x03}.name("i").b(0x05).u32(0),        //   (bad target,
                                                                  //   unchecked kind)
                         B{0x02, 0x01, 0x00}.u32(0).str("x"),     //   alias export
                         B{0x04}.name("g").b(0x01).u32(0),        //   export func
                     }),
                 })));
  // imports.
  sections.push_back(
      section(10, B().vec({
                      B().name("wasi:cli/stdout@0.2.0").b(0x05).u32(18),  // instance 0
                      B().name("f").b(0x01).u32(16),                      // func 0
                      B().name("r").bs({0x03, 0x01}),                     // type 20
                      B{0x02}
                          .str("store")
                          .vec({B{0x00}.str("wasi:kv/store"), B{0x02}.str("1.0")})
                          .b(0x05)
                          .u32(18),                           // instance 1
                      B().name("c").b(0x04).u32(19),          // component 0
                      B().name("m").bs({0x00, 0x11}).u32(1),  // core module 1
                      B().name("v").bs({0x02, 0x01, 0x79}),   // value 0
                      B().name("t").bs({0x03, 0x00}).u32(0),  // type 21
                  })));
  // aliases: type 22, func 1, type 23 (outer, scope 0).
  sections.push_back(
      section(6, B().vec({B{0x03, 0x00}.u32(0).str("r"), B{0x01, 0x00}.u32(0).str("[method]r.m"),
                          B{0x03, 0x02}.u32(0).u32(0)})));
  // canon entries.
  sections.push_back(
      section(8, B().vec({
                     B{0x00, 0x00}
                         .u32(1)
                         .vec({B{0x00}, B{0x03}.u32(0), B{0x04}.u32(0), B{0x05}.u32(1)})
                         .u32(16),  // lift -> func 2
                     B{0x01, 0x00}.u32(0).vec({B{0x01}, B{0x03}.u32(0), B{0x04}.u32(0)}),  // lower
                     B{0x02}.u32(9), B{0x03}.u32(9), B{0x04}.u32(9),
                     B{0x09, 0x00, 0x79}.vec({}),     // task.return
                     B{0x0f}.u32(12).vec({B{0x06}}),  // stream.read
                     B{0x18}.u32(13).b(0x01),         // future.cancel-read
                     B{0x0a, 0x7f}.u32(0),            // context.get
                     B{0x20, 0x01}.u32(0),            // waitable-set.wait
                     B{0x40, 0x00}.u32(0),            // thread.spawn-ref
                     B{0x1c}.vec({}),                 // error-context.new
                     B{0x24},                         // backpressure.inc
                     B{0x0c, 0x00},                   // thread.yield
                 })));
  // nested component: outer alias of type 16, import it, re-export.
  {
    B nested;
    nested.raw(kComponentPreamble);
    nested.raw(section(6, B().vec({B{0x03, 0x02}.u32(1).u32(16)})));
    nested.raw(section(10, B().vec({B().name("x").b(0x01).u32(0)})));
    nested.raw(section(11, B().vec({B().name("y").b(0x01).u32(0).b(0x00)})));
    sections.push_back(section(4, nested));  // component 1
  }
  // instances: 2 = instantiate component 1, 3 = a bag.
  sections.push_back(section(
      5, B().vec({B{0x00}.u32(1).vec({B().str("x").b(0x01).u32(0)}),
                  B{0x01}.vec({B().name("g").b(0x01).u32(2), B().name("sub").b(0x05).u32(2)})})));
  // exports: func 3 (with a type ascription), instance 4.
  sections.push_back(section(11, B().vec({B().name("run").b(0x01).u32(2).b(0x01).b(0x01).u32(16),
                                          B().name("api").b(0x05).u32(3).b(0x00)})));
  // value 1, then start: func 2 (value 0) -> value 2.
  sections.push_back(section(12, B().vec({B{0x79}.u32(1).b(0x05)})));
  sections.push_back(section(9, B().u32(2).vec({B().u32(0)}).u32(1)));
  sections.push_back(section(0, B().str("component-name").bs({0x00, 0x02, 0x01, 0x61})));
  sections.push_back(section(0, B().str("producers").bs({0x00})));

  Everything e;
  e.bytes = kComponentPreamble;
  e.section_ends.push_back(e.bytes.size());
  for (const B& s : sections) {
    e.bytes.insert(e.bytes.end(), s.v.begin(), s.v.end());
    e.section_ends.push_back(e.bytes.size());
  }
  return e;
}

template <class T>
const T& def_as(const Component& c, size_t i) {
  return std::get<T>(c.definitions.at(i).item);
}

TEST(ComponentReader, EmptyComponent) {
  auto r = read_component(kComponentPreamble);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->definitions.empty());
  EXPECT_EQ(r->size, 8u);
}

TEST(ComponentReader, EverySectionAndDefinitionKind) {
  Everything e = everything();
  auto r = read_component(e.bytes);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Component& c = *r;

  EXPECT_EQ(c.size, e.bytes.size());
  EXPECT_EQ(c.sections.size(), e.section_ends.size() - 1);  // custom sections included
  ASSERT_EQ(c.custom_sections.size(), 2u);
  EXPECT_EQ(c.custom_sections[0].name, "component-name");
  EXPECT_EQ(c.custom_sections[0].data, (Bytes{0x00, 0x02, 0x01, 0x61}));
  EXPECT_EQ(c.custom_sections[1].name, "producers");
  EXPECT_TRUE(c.custom_sections[1].data.empty());
  EXPECT_EQ(c.custom_sections[1].data_size, 1u);

  // Index spaces.
  EXPECT_EQ(c.space(Sort::CoreModule).size(), 2u);
  EXPECT_EQ(c.space(Sort::CoreType).size(), 2u);
  EXPECT_EQ(c.space(Sort::CoreInstance).size(), 3u);
  EXPECT_EQ(c.space(Sort::CoreMemory).size(), 1u);
  EXPECT_EQ(c.space(Sort::CoreFunc).size(), 2u + 13u);  // 2 aliases, 13 canon non-lift
  EXPECT_EQ(c.space(Sort::Type).size(), 24u);
  EXPECT_EQ(c.space(Sort::Func).size(), 4u);  // import, alias, lift, export
  EXPECT_EQ(c.space(Sort::Instance).size(), 5u);
  EXPECT_EQ(c.space(Sort::Component).size(), 2u);
  EXPECT_EQ(c.space(Sort::Value).size(), 3u);  // import, value, start result

  // Core module: bytes kept, offset of its preamble.
  const auto& m = def_as<CoreModule>(c, 0);
  EXPECT_EQ(m.bytes, kModulePreamble);
  EXPECT_EQ(m.offset, 10u);  // preamble (8), id, size

  // Core types.
  const auto& ft = std::get<wasm::FuncType>(def_as<CoreType>(c, 1).type);
  ASSERT_EQ(ft.params.size(), 1u);
  EXPECT_EQ(ft.params[0], wasm::ValType::I32);
  EXPECT_TRUE(ft.results.empty());
  const auto& mt = std::get<CoreModuleType>(def_as<CoreType>(c, 2).type);
  ASSERT_EQ(mt.decls.size(), 6u);
  const auto& imp = std::get<CoreImportDecl>(mt.decls[1].decl);
  EXPECT_EQ(imp.module, "env");
  EXPECT_EQ(imp.field, "f");
  EXPECT_EQ(imp.type.kind, wasm::ExternKind::Func);
  const auto& alias = std::get<CoreOuterTypeAlias>(mt.decls[2].decl);
  EXPECT_EQ(alias.count, 1u);
  const auto& mexp = std::get<CoreExportDecl>(mt.decls[3].decl);
  EXPECT_EQ(mexp.type.kind, wasm::ExternKind::Memory);
  EXPECT_EQ(mexp.type.memory.limits.min, 1u);
  EXPECT_EQ(mexp.type.memory.limits.max, std::optional<uint64_t>(2));
  const auto& table = std::get<CoreImportDecl>(mt.decls[4].decl).type.table;
  EXPECT_EQ(table.element, wasm::ValType::funcref());  // (ref null func)
  const auto& global = std::get<CoreImportDecl>(mt.decls[5].decl).type.global;
  EXPECT_EQ(global.type, wasm::ValType::I64);
  EXPECT_TRUE(global.mutable_);

  // Core instances and aliases.
  EXPECT_EQ(std::get<CoreInstantiate>(def_as<CoreInstance>(c, 3).expr).module, 0u);
  const auto& core_alias = def_as<Alias>(c, 4);
  EXPECT_EQ(core_alias.sort, Sort::CoreMemory);
  EXPECT_EQ(std::get<AliasCoreInstanceExport>(core_alias.target).name, "memory");
  const auto& bag = std::get<CoreInstanceFromExports>(def_as<CoreInstance>(c, 7).expr);
  ASSERT_EQ(bag.exports.size(), 2u);
  EXPECT_EQ(bag.exports[0].sort, Sort::CoreMemory);
  EXPECT_EQ(bag.exports[1].sort, Sort::CoreFunc);
  EXPECT_EQ(bag.exports[1].index, 1u);
  const auto& inst = std::get<CoreInstantiate>(def_as<CoreInstance>(c, 8).expr);
  ASSERT_EQ(inst.args.size(), 1u);
  EXPECT_EQ(inst.args[0].name, "env");
  EXPECT_EQ(inst.args[0].instance, 1u);

  // Types (definitions 9..28).
  auto dvt = [&](uint32_t type) -> const DefValType& {
    return std::get<DefValType>(std::get<Type>(c.defining(Sort::Type, type).item).type);
  };
  const auto& rec = std::get<RecordType>(dvt(0));
  ASSERT_EQ(rec.fields.size(), 2u);
  EXPECT_EQ(rec.fields[1].label, "b");
  EXPECT_EQ(rec.fields[1].type, ValType::prim(PrimValType::String));
  const auto& var = std::get<VariantType>(dvt(1));
  EXPECT_EQ(var.cases[0].type, ValType::type_index(0));
  EXPECT_FALSE(var.cases[1].type.has_value());
  EXPECT_EQ(std::get<ListType>(dvt(2)).element, ValType::prim(PrimValType::U8));
  EXPECT_EQ(std::get<FixedListType>(dvt(3)).length, 4u);
  EXPECT_EQ(std::get<TupleType>(dvt(4)).elements.size(), 2u);
  EXPECT_EQ(std::get<FlagsType>(dvt(5)).labels, (std::vector<std::string>{"read", "write"}));
  EXPECT_EQ(std::get<EnumType>(dvt(6)).labels.size(), 2u);
  EXPECT_EQ(std::get<OptionType>(dvt(7)).element, ValType::prim(PrimValType::String));
  const auto& res = std::get<ResultType>(dvt(8));
  EXPECT_EQ(res.ok, ValType::prim(PrimValType::U32));
  EXPECT_EQ(res.error, ValType::prim(PrimValType::String));
  const auto& resource =
      std::get<ResourceType>(std::get<Type>(c.defining(Sort::Type, 9).item).type);
  EXPECT_EQ(resource.destructor, std::optional<uint32_t>(1));
  EXPECT_EQ(std::get<OwnType>(dvt(10)).resource, 9u);
  EXPECT_EQ(std::get<BorrowType>(dvt(11)).resource, 9u);
  EXPECT_EQ(std::get<StreamType>(dvt(12)).element, ValType::prim(PrimValType::U8));
  EXPECT_FALSE(std::get<FutureType>(dvt(13)).element.has_value());
  EXPECT_EQ(std::get<MapType>(dvt(14)).value, ValType::prim(PrimValType::U32));
  EXPECT_EQ(std::get<PrimitiveType>(dvt(15)).type, PrimValType::ErrorContext);
  const auto& fn = std::get<FuncType>(std::get<Type>(c.defining(Sort::Type, 16).item).type);
  EXPECT_FALSE(fn.is_async);
  EXPECT_EQ(fn.params.at(0).label, "a");
  EXPECT_EQ(fn.result, ValType::prim(PrimValType::String));
  const auto& afn = std::get<FuncType>(std::get<Type>(c.defining(Sort::Type, 17).item).type);
  EXPECT_TRUE(afn.is_async);
  EXPECT_FALSE(afn.result.has_value());
  const auto& it = std::get<InstanceType>(std::get<Type>(c.defining(Sort::Type, 18).item).type);
  ASSERT_EQ(it.decls.size(), 6u);
  const auto& rexp = std::get<ExportDecl>(it.decls[0].decl);
  EXPECT_EQ(rexp.type.sort, Sort::Type);
  EXPECT_EQ(rexp.type.type_bound.kind, TypeBound::Kind::SubResource);
  const auto& mexport = std::get<ExportDecl>(it.decls[3].decl);
  EXPECT_EQ(mexport.name.kind, NameKind::Method);
  EXPECT_EQ(mexport.name.resource, "r");
  EXPECT_EQ(mexport.name.label, "m");
  EXPECT_EQ(std::get<AliasOuter>(std::get<Alias>(it.decls[4].decl).target).count, 1u);
  EXPECT_TRUE(std::holds_alternative<CoreType>(it.decls[5].decl));
  const auto& ct = std::get<ComponentType>(std::get<Type>(c.defining(Sort::Type, 19).item).type);
  ASSERT_EQ(ct.decls.size(), 5u);
  EXPECT_TRUE(std::holds_alternative<ImportDecl>(ct.decls[1].decl));
  EXPECT_EQ(std::get<Alias>(ct.decls[3].decl).sort, Sort::Func);

  // Imports and their names.
  const auto& wasi = std::get<Import>(c.defining(Sort::Instance, 0).item);
  EXPECT_EQ(wasi.name.kind, NameKind::Interface);
  EXPECT_EQ(wasi.name.package, "wasi:cli");
  EXPECT_EQ(wasi.name.interface, "stdout");
  EXPECT_EQ(wasi.name.version, "0.2.0");
  EXPECT_EQ(wasi.type.index, 18u);
  const auto& store = std::get<Import>(c.defining(Sort::Instance, 1).item);
  EXPECT_EQ(store.name.form, 0x02);
  ASSERT_EQ(store.name.attributes.size(), 2u);
  EXPECT_EQ(store.name.attributes[0].kind, NameAttribute::Kind::Implements);
  EXPECT_EQ(store.name.attributes[0].value, "wasi:kv/store");
  EXPECT_EQ(store.name.attributes[1].kind, NameAttribute::Kind::ExternalId);
  const auto& module_import = std::get<Import>(c.defining(Sort::CoreModule, 1).item);
  EXPECT_EQ(module_import.type.sort, Sort::CoreModule);
  EXPECT_EQ(module_import.type.index, 1u);
  const auto& value_import = std::get<Import>(c.defining(Sort::Value, 0).item);
  EXPECT_EQ(value_import.type.value_bound.type, ValType::prim(PrimValType::U32));
  const auto& eq_import = std::get<Import>(c.defining(Sort::Type, 21).item);
  EXPECT_EQ(eq_import.type.type_bound.kind, TypeBound::Kind::Eq);

  // Component-level aliases.
  const auto& type_alias = std::get<Alias>(c.defining(Sort::Type, 22).item);
  EXPECT_EQ(std::get<AliasInstanceExport>(type_alias.target).name, "r");
  EXPECT_EQ(std::get<Alias>(c.defining(Sort::Func, 1).item).sort, Sort::Func);
  EXPECT_TRUE(
      std::holds_alternative<AliasOuter>(std::get<Alias>(c.defining(Sort::Type, 23).item).target));

  // Canon entries.
  const auto& lift = std::get<Canon>(c.defining(Sort::Func, 2).item);
  EXPECT_EQ(lift.kind, CanonKind::Lift);
  EXPECT_EQ(lift.core_func, 1u);
  EXPECT_EQ(lift.type, 16u);
  EXPECT_EQ(lift.options.string_encoding, StringEncoding::Utf8);
  EXPECT_EQ(lift.options.memory, std::optional<uint32_t>(0));
  EXPECT_EQ(lift.options.realloc, std::optional<uint32_t>(0));
  EXPECT_EQ(lift.options.post_return, std::optional<uint32_t>(1));
  auto canon_at = [&](uint32_t core_func) -> const Canon& {
    return std::get<Canon>(c.defining(Sort::CoreFunc, core_func).item);
  };
  EXPECT_EQ(canon_at(2).kind, CanonKind::Lower);
  EXPECT_EQ(canon_at(2).func, 0u);
  EXPECT_EQ(canon_at(2).options.string_encoding, StringEncoding::Utf16);
  EXPECT_EQ(canon_at(3).kind, CanonKind::ResourceNew);
  EXPECT_EQ(canon_at(3).type, 9u);
  EXPECT_EQ(canon_at(4).kind, CanonKind::ResourceDrop);
  EXPECT_EQ(canon_at(5).kind, CanonKind::ResourceRep);
  EXPECT_EQ(canon_at(6).kind, CanonKind::TaskReturn);
  EXPECT_EQ(canon_at(6).result, ValType::prim(PrimValType::U32));
  EXPECT_EQ(canon_at(7).kind, CanonKind::StreamRead);
  EXPECT_TRUE(canon_at(7).options.async);
  EXPECT_EQ(canon_at(8).kind, CanonKind::FutureCancelRead);
  EXPECT_TRUE(canon_at(8).flag);
  EXPECT_EQ(canon_at(9).kind, CanonKind::ContextGet);
  EXPECT_EQ(canon_at(10).kind, CanonKind::WaitableSetWait);
  EXPECT_TRUE(canon_at(10).flag);
  EXPECT_EQ(canon_at(11).kind, CanonKind::ThreadSpawnRef);
  EXPECT_EQ(canon_at(12).kind, CanonKind::ErrorContextNew);
  EXPECT_EQ(canon_at(13).kind, CanonKind::BackpressureInc);
  EXPECT_EQ(canon_at(14).kind, CanonKind::ThreadYield);

  // The nested component, with absolute offsets.
  const auto& nested = std::get<Component>(c.defining(Sort::Component, 1).item);
  EXPECT_GT(nested.offset, 8u);
  EXPECT_EQ(nested.space(Sort::Func).size(), 2u);
  EXPECT_EQ(std::get<AliasOuter>(def_as<Alias>(nested, 0).target).index, 16u);
  const auto& nested_export = def_as<Export>(nested, 2);
  EXPECT_EQ(e.bytes.at(nested_export.offset + 2), 'y');  // discriminator, length, 'y'
  EXPECT_EQ(nested_export.name.text, "y");

  // Instances, exports, value and start.
  const auto& inst2 =
      std::get<Instantiate>(std::get<Instance>(c.defining(Sort::Instance, 2).item).expr);
  EXPECT_EQ(inst2.component, 1u);
  EXPECT_EQ(inst2.args.at(0).sort, Sort::Func);
  const auto& inst3 =
      std::get<InstanceFromExports>(std::get<Instance>(c.defining(Sort::Instance, 3).item).expr);
  EXPECT_EQ(inst3.exports.at(1).sort, Sort::Instance);
  const auto& run = std::get<Export>(c.defining(Sort::Func, 3).item);
  EXPECT_EQ(run.name.text, "run");
  EXPECT_EQ(run.index, 2u);
  ASSERT_TRUE(run.ascribed.has_value());
  EXPECT_EQ(run.ascribed->index, 16u);
  EXPECT_EQ(std::get<Export>(c.defining(Sort::Instance, 4).item).index, 3u);
  EXPECT_EQ(std::get<Value>(c.defining(Sort::Value, 1).item).bytes, (Bytes{0x05}));
  const auto& start = std::get<Start>(c.defining(Sort::Value, 2).item);
  EXPECT_EQ(start.func, 2u);
  EXPECT_EQ(start.args, (std::vector<uint32_t>{0}));

  // Every definition's offset lies inside the input and the sections cover
  // the definitions in order.
  size_t covered = 0;
  for (const auto& s : c.sections) {
    EXPECT_EQ(s.first_definition, covered);
    covered += s.definition_count;
  }
  EXPECT_EQ(covered, c.definitions.size());
  for (const auto& d : c.definitions) EXPECT_LT(d.offset(), e.bytes.size());
}

// Cutting a valid component anywhere gives an error, except exactly at a
// section boundary, where the prefix is a smaller valid component.
TEST(ComponentReader, TruncatedAtEveryByte) {
  Everything e = everything();
  for (size_t n = 0; n < e.bytes.size(); ++n) {
    Bytes prefix(e.bytes.begin(), e.bytes.begin() + n);
    auto r = read_component(prefix);
    bool boundary =
        std::find(e.section_ends.begin(), e.section_ends.end(), n) != e.section_ends.end();
    if (boundary) {
      EXPECT_TRUE(r.ok()) << "prefix " << n << ": " << r.error().message;
    } else {
      ASSERT_FALSE(r.ok()) << "prefix of " << n << " bytes was accepted";
      const std::string& m = r.error().message;
      EXPECT_EQ(m.rfind("at byte 0x", 0), 0u) << m;
      EXPECT_NE(m.find("unexpected end of input"), std::string::npos)
          << "prefix " << n << ": " << m;
    }
  }
}

// Cutting a section's payload anywhere (and fixing its size) is an error:
// the entries of a vector section cannot stop early.
TEST(ComponentReader, SectionPayloadTruncatedAtEveryByte) {
  Everything e = everything();
  size_t checked = 0;
  for (size_t s = 0; s + 1 < e.section_ends.size(); ++s) {
    size_t begin = e.section_ends[s], end = e.section_ends[s + 1];
    uint8_t id = e.bytes[begin];
    if (id == 0 || id == 1 || id == 4) continue;  // opaque or self-delimiting payloads
    size_t header = 2;                            // id and a LEB128 size
    while (e.bytes[begin + header - 1] & 0x80) ++header;
    for (size_t cut = begin + header; cut < end; ++cut) {
      B bytes;
      bytes.raw(Bytes(e.bytes.begin(), e.bytes.begin() + begin));
      bytes.b(id).u32(uint32_t(cut - (begin + header)));
      bytes.raw(Bytes(e.bytes.begin() + begin + header, e.bytes.begin() + cut));
      // Something after the section, so that its end is not the input's.
      bytes.raw(section(0, B().str("x")));
      auto r = read_component(bytes.v);
      ASSERT_FALSE(r.ok()) << "section " << int(id) << " cut at " << cut << " was accepted";
      const std::string& m = r.error().message;
      EXPECT_TRUE(m.find("unexpected end of section") != std::string::npos ||
                  m.find("bytes left") != std::string::npos)
          << m;
      ++checked;
    }
  }
  EXPECT_GT(checked, 300u);
}

// ---------------------------------------------------------------------------
// Malformed binaries

TEST(ComponentReaderErrors, Preamble) {
  EXPECT_REJECTED(Bytes{}, "unexpected end of input while reading the magic bytes");
  EXPECT_REJECTED((Bytes{0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00}), "unexpected end of input");
  EXPECT_REJECTED((Bytes{0x7f, 0x45, 0x4c, 0x46, 0x0d, 0x00, 0x01, 0x00}),
                  "not a WebAssembly binary");
  EXPECT_REJECTED(kModulePreamble, "this is a core WebAssembly module");
  EXPECT_REJECTED((Bytes{0x00, 0x61, 0x73, 0x6d, 0x0c, 0x00, 0x01, 0x00}),
                  "unsupported component binary version 0x0c");
  EXPECT_REJECTED((Bytes{0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x02, 0x00}), "unknown layer 0x02");
}

TEST(ComponentReaderErrors, Sections) {
  EXPECT_EQ(read_error(component({section(0x0f, B())})), "at byte 0x08: unknown section id 0x0f");
  // A size beyond the end of the input.
  EXPECT_REJECTED(component({B{0x07, 0x05, 0x00}}),
                  "unexpected end of input while reading the type section (5 bytes, 1 left)");
  // Bytes left over after the last entry.
  EXPECT_REJECTED(component({section(7, B{0x01, 0x7f, 0x7f})}), "1 bytes are left over");
  // A module section that holds a component, and the reverse.
  EXPECT_REJECTED(component({section(1, B().raw(kComponentPreamble))}), "expected a core module");
  EXPECT_REJECTED(component({section(4, B().raw(kModulePreamble))}),
                  "this is a core WebAssembly module");
  // Two start sections.
  Bytes two_starts =
      component({section(7, B().vec({B{0x40}.vec({}).bs({0x01, 0x00})})),
                 section(10, B().vec({B().name("f").b(0x01).u32(0)})),
                 section(9, B().u32(0).vec({}).u32(0)), section(9, B().u32(0).vec({}).u32(0))});
  EXPECT_REJECTED(two_starts, "at most one start section");
}

TEST(ComponentReaderErrors, Leb128) {
  // A type count of six bytes.
  EXPECT_REJECTED(component({section(7, B{0x80, 0x80, 0x80, 0x80, 0x80, 0x00})}),
                  "LEB128 u32 is too long");
  // A five-byte count whose last byte has bits above bit 31.
  EXPECT_REJECTED(component({section(7, B{0xff, 0xff, 0xff, 0xff, 0x1f})}), "LEB128 u32 too large");
  // A count larger than what is left.
  EXPECT_REJECTED(component({section(7, B{0xff, 0xff, 0xff, 0xff, 0x0f})}),
                  "count 4294967295 of entries exceeds the 0 bytes left");
  // A truncated LEB128 at the end of the input.
  EXPECT_REJECTED((Bytes{0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x07, 0x80}),
                  "unexpected end of input while reading a LEB128 u32");
  // An s33 type index that does not fit.
  EXPECT_REJECTED(with_types({B{0x70, 0xff, 0xff, 0xff, 0xff, 0x1f}}), "LEB128 s33 too large");
  EXPECT_REJECTED(with_types({B{0x70, 0xff, 0xff, 0xff, 0xff, 0x80}}), "LEB128 s33 is too long");
  EXPECT_REJECTED(with_types({B{0x70, 0x40}}), "expected a value type");
}

TEST(ComponentReaderErrors, OutOfRangeIndices) {
  EXPECT_REJECTED(with_types({B{0x70}.u32(3)}),
                  "value type: type index 3 is out of range (0 defined so far)");
  EXPECT_REJECTED(with_types({B{0x69}.u32(0)}), "own: type index 0 is out of range");
  Bytes lift = component({section(8, B().vec({B{0x00, 0x00}.u32(5).vec({}).u32(0)}))});
  EXPECT_REJECTED(lift, "canon lift: core func index 5 is out of range (0 defined so far)");
  EXPECT_REJECTED(component({section(6, B().vec({B{0x01, 0x00}.u32(0).str("f")}))}),
                  "alias export: instance index 0 is out of range");
  EXPECT_REJECTED(component({section(6, B().vec({B{0x03, 0x02}.u32(1).u32(0)}))}),
                  "outer alias count 1 exceeds the 0 enclosing scopes");
  EXPECT_REJECTED(component({section(6, B().vec({B{0x03, 0x02}.u32(0).u32(0)}))}),
                  "outer alias: type index 0 is out of range");
  EXPECT_REJECTED(component({section(11, B().vec({B().name("f").b(0x01).u32(0).b(0x00)}))}),
                  "export: func index 0 is out of range");
  EXPECT_REJECTED(component({section(2, B().vec({B{0x00}.u32(0).vec({})}))}),
                  "instantiate: core module index 0 is out of range");
  EXPECT_REJECTED(component({section(10, B().vec({B().name("i").b(0x05).u32(0)}))}),
                  "instance type: type index 0 is out of range");
  // Indices inside a type declaration count from the declaration's own,
  // initially empty, type space.
  EXPECT_REJECTED(with_types({B{0x72}.vec({B().str("a").b(0x79)}),
                              B{0x42}.vec({B{0x04}.name("f").b(0x01).u32(0)})}),
                  "func type: type index 0 is out of range");
  // A canon option naming a memory that does not exist.
  Bytes lower = component({section(7, B().vec({B{0x40}.vec({}).bs({0x01, 0x00})})),
                           section(10, B().vec({B().name("f").b(0x01).u32(0)})),
                           section(8, B().vec({B{0x01, 0x00}.u32(0).vec({B{0x03}.u32(0)})}))});
  EXPECT_REJECTED(lower, "memory option: core memory index 0 is out of range");
}

TEST(ComponentReaderErrors, WrongSort) {
  EXPECT_EQ(read_error(component({section(6, B().vec({B{0x09}}))})),
            "at byte 0x0b: in the alias section (entry 0): expected a sort byte (0x00..0x05), "
            "found 0x09");
  EXPECT_REJECTED(component({section(6, B().vec({B{0x00, 0x07}}))}), "expected a core sort byte");
  // A core func cannot be exported from a component.
  Bytes core_export =
      component({section(11, B().vec({B().name("f").bs({0x00, 0x00}).u32(0).b(0x00)}))});
  EXPECT_REJECTED(core_export, "export: a core func cannot be used here");
  // A core instantiate argument that is not a core instance.
  Bytes arg =
      component({section(1, B().raw(kModulePreamble)),
                 section(2, B().vec({B{0x00}.u32(0).vec({B().str("env").b(0x00).u32(0)})}))});
  EXPECT_REJECTED(arg, "must be a core instance (sort byte 0x12), found 0x00");
  // alias core export of a component sort.
  EXPECT_REJECTED(component({section(6, B().vec({B{0x01, 0x01}.u32(0).str("f")}))}),
                  "expected a core func, table, memory, global or tag sort, found func");
  // Outer aliases of funcs are not allowed.
  EXPECT_REJECTED(component({section(6, B().vec({B{0x01, 0x02}.u32(0).u32(0)}))}),
                  "an outer alias cannot refer to a func");
  // An export's ascription of another sort.
  Bytes ascribed =
      component({section(7, B().vec({B{0x40}.vec({}).bs({0x01, 0x00})})),
                 section(10, B().vec({B().name("f").b(0x01).u32(0)})),
                 section(11, B().vec({B().name("g").b(0x01).u32(0).bs({0x01, 0x04}).u32(0)}))});
  EXPECT_REJECTED(ascribed, "type ascription is a component type but the export is a func");
  // Imports in an instance type.
  EXPECT_REJECTED(with_types({B{0x42}.vec({B{0x03}})}),
                  "imports (0x03) are not allowed in an instance type");
  // Resources inside a type.
  EXPECT_REJECTED(with_types({B{0x42}.vec({B{0x01, 0x3f, 0x7f, 0x00}})}),
                  "resource types cannot be defined inside");
}

TEST(ComponentReaderErrors, Names) {
  Bytes bad_utf8 = component({section(10, B().vec({B{0x00, 0x02, 0xc3, 0x28}.b(0x03).b(0x01)}))});
  EXPECT_EQ(read_error(bad_utf8),
            "at byte 0x0d: in the import section (entry 0): name is not valid UTF-8");
  auto import_named = [](std::string_view n) {
    return component({section(10, B().vec({B().name(n).bs({0x03, 0x01})}))});
  };
  EXPECT_REJECTED(import_named("Foo_bar"), "is not a valid kebab-case label or interface name");
  EXPECT_REJECTED(import_named("fooBar"), "not a valid kebab-case label");
  EXPECT_REJECTED(import_named("1-2"), "not a valid kebab-case label");
  EXPECT_REJECTED(import_named("a--b"), "not a valid kebab-case label");
  EXPECT_REJECTED(import_named(""), "a name may not be empty");
  EXPECT_REJECTED(import_named("[method]r"), "expected \"resource.function\"");
  EXPECT_REJECTED(import_named("[frob]r"), "unknown annotation [frob]");
  EXPECT_REJECTED(import_named("wasi:cli"), "an interface name needs a '/'");
  EXPECT_REJECTED(import_named("wasi:cli/stdout@01.2.3"), "is not valid semver");
  EXPECT_REJECTED(import_named("Wasi:cli/x"), "is not a valid namespace");
  // Label rules in types.
  EXPECT_REJECTED(with_types({B{0x72}.vec({B().str("A_b").b(0x79)})}),
                  "record field name \"A_b\" is not a valid");
  EXPECT_REJECTED(with_types({B{0x6e}.vec({B().str("")})}), "flag name \"\" is not a valid");
  // Attributes.
  Bytes dup = component({section(
      10, B().vec({B{0x02}.str("a").vec({B{0x01}.str("x"), B{0x01}.str("y")}).bs({0x03, 0x01})}))});
  EXPECT_REJECTED(dup, "name attribute kind 0x01 given twice");
  EXPECT_REJECTED(component({section(10, B().vec({B{0x03}.str("a").bs({0x03, 0x01})}))}),
                  "expected a name discriminator (0x00..0x02), found 0x03");
}

TEST(ComponentReaderErrors, ValidNames) {
  for (std::string_view n :
       {"a", "a-b-c", "a1-2-3", "A", "A-B-C", "m1x3d-4CR0NYMS", "wasi:http/handler",
        "wasi:cli/stdout@0.2.0-rc.1+build.5", "wasi:io/poll@0.2.0", "a:b/c@0.0.1",
        "unlocked-dep=<a:b@{>=1.0.0}>", "[async]f"}) {
    Bytes bytes = component({section(10, B().vec({B().name(n).bs({0x03, 0x01})}))});
    auto r = read_component(bytes);
    EXPECT_TRUE(r.ok()) << n << ": " << r.error().message;
  }
}

// Version suffixes (Explainer "Canonical Interface Name"), implements and
// nested names.
TEST(ComponentReaderErrors, VersionsAndAttributes) {
  auto with_attrs = [](std::string_view n, std::initializer_list<B> attrs, uint8_t sort = 0x03) {
    B entry = B{0x02}.str(n).vec(attrs);
    if (sort == 0x03) {
      entry.bs({0x03, 0x01});
    } else {
      entry.b(sort).u32(0);
    }
    return component({section(7, B().vec({B{0x42, 0x00}})), section(10, B().vec({entry}))});
  };
  auto suffix = [](std::string_view v) { return B{0x01}.str(v); };
  for (auto [n, v] : {std::pair{"a:b/c@1", ".2.3"},
                      {"a:b/c@0.2", ".6+sha.5"},
                      {"a:b/c@0.0.1", ""},
                      {"a:b/c@0.0.1", "-alpha"},
                      {"a:b/c@10", ".0.0"}}) {
    auto r = read_component(with_attrs(n, {suffix(v)}));
    EXPECT_TRUE(r.ok()) << n << " " << v << ": " << r.error().message;
  }
  auto import_named = [](std::string_view n) {
    return component({section(10, B().vec({B().name(n).bs({0x03, 0x01})}))});
  };
  EXPECT_REJECTED(import_named("a:b/c@1"), "a canonical version needs a versionsuffix attribute");
  EXPECT_REJECTED(import_named("wasi:io/poll@0.2"),
                  "a canonical version needs a versionsuffix attribute");
  EXPECT_REJECTED(import_named("a:b/c@0.0.01"), "is not valid semver");
  EXPECT_REJECTED(import_named("a:b/c@"), "is not valid semver");
  EXPECT_REJECTED(with_attrs("a:b/c@1", {suffix(".2")}), "\"1.2\" is not a valid semver");
  EXPECT_REJECTED(with_attrs("a:b/c@1", {suffix("")}), "\"1\" is not a valid semver");
  EXPECT_REJECTED(with_attrs("a:b/c@1.2.3", {suffix("")}), "the version must be canonical");
  EXPECT_REJECTED(with_attrs("a:b/c@0", {suffix(".1.0")}), "the version must be canonical");
  EXPECT_REJECTED(with_attrs("a:b/c", {suffix(".2.3")}), "needs an interface name with a version");
  EXPECT_REJECTED(with_attrs("a", {suffix("")}),
                  "versionsuffix attribute is not valid on a plain name");
  // implements: an interface name, only on instances with a plain name.
  auto implements = [](std::string_view v) { return B{0x00}.str(v); };
  EXPECT_TRUE(read_component(with_attrs("a", {implements("a:b/c")}, 0x05)).ok());
  EXPECT_REJECTED(with_attrs("a", {implements("not-valid")}, 0x05), "must be an interface name");
  EXPECT_REJECTED(with_attrs("a", {implements("")}, 0x05), "is not a valid name");
  EXPECT_REJECTED(with_attrs("a", {implements("a:b/c")}), "must be an instance, found a type");
  EXPECT_REJECTED(with_attrs("x:y/z", {implements("a:b/c")}, 0x05), "must have a plain name");
  // Nested namespaces and projections are gated (🪺).
  EXPECT_REJECTED(import_named("foo:bar:baz/qux"), "nested namespaces are not supported");
  EXPECT_REJECTED(import_named("foo:bar/baz/qux"), "nested projections are not supported");
}

// Strong uniqueness (Explainer "Name Uniqueness") of imports, exports and
// the names of instance types and bag-of-exports instances.
TEST(ComponentReaderErrors, StrongUniqueness) {
  auto imports = [](std::initializer_list<std::string_view> names) {
    B entries;
    entries.u32(uint32_t(names.size()));
    for (auto n : names) entries.name(n).bs({0x03, 0x01});
    return component({section(10, entries)});
  };
  EXPECT_TRUE(read_component(imports({"foo", "foo-bar", "FOO-baz", "foo:bar/baz", "a:b/c@1.0.0",
                                      "a:b/c@2.0.0"}))
                  .ok());
  EXPECT_REJECTED(imports({"foo", "FOO"}),
                  "import name \"FOO\" conflicts with previous name \"foo\"");
  EXPECT_REJECTED(imports({"foo-bar", "foo-BAR"}), "conflicts with previous name \"foo-bar\"");
  EXPECT_REJECTED(imports({"foo:bar/baz", "foo:bar/BAZ"}),
                  "conflicts with previous name \"foo:bar/baz\"");
  // An instance type's exports, and its import and export spaces are separate in a component type.
  auto decls = [](uint8_t type, uint8_t kind1, std::string_view n1, uint8_t kind2,
                  std::string_view n2) {
    return with_types(
        {B{type}.vec({B{kind1}.name(n1).bs({0x03, 0x01}), B{kind2}.name(n2).bs({0x03, 0x01})})});
  };
  EXPECT_REJECTED(decls(0x42, 0x04, "a", 0x04, "A"),
                  "export name \"A\" conflicts with previous name \"a\"");
  EXPECT_TRUE(read_component(decls(0x41, 0x03, "a", 0x04, "a")).ok());
  EXPECT_REJECTED(decls(0x41, 0x03, "a", 0x03, "A"), "import name \"A\" conflicts");
  // Exports of a component and of a bag of exports.
  Bytes exports = component({section(10, B().vec({B().name("t").bs({0x03, 0x01})})),
                             section(11, B().vec({B().name("x").bs({0x03}).u32(0).b(0x00),
                                                  B().name("X").bs({0x03}).u32(0).b(0x00)}))});
  EXPECT_REJECTED(exports, "export name \"X\" conflicts with previous name \"x\"");
  Bytes bag = component({section(10, B().vec({B().name("t").bs({0x03, 0x01})})),
                         section(5, B().vec({B{0x01}.vec({B().name("x").b(0x03).u32(0),
                                                          B().name("X").b(0x03).u32(0)})}))});
  EXPECT_REJECTED(bag, "export name \"X\" conflicts with previous name \"x\"");
}

// [constructor], [method] and [static] names: function sort, a preceding
// resource of that name, and the function type shapes.
TEST(ComponentReaderErrors, AnnotatedNames) {
  // Type 0: import "r" (sub resource). Types 1..6 below.
  B types = B().vec({
      B{0x69, 0x00},                                           // 1: own 0
      B{0x40}.vec({}).b(0x00).u32(1),                          // 2: func -> own 0
      B{0x68, 0x00},                                           // 3: borrow 0
      B{0x40}.vec({B().str("self").u32(3)}).bs({0x01, 0x00}),  // 4: func (self: borrow 0)
      B{0x6a}.b(0x01).u32(1).b(0x01).b(0x73),                  // 5: result own 0, error string
      B{0x40}.vec({B().str("x").u32(3)}).b(0x00).u32(5),       // 6: func (x: borrow 0) -> 5
  });
  auto with_imports = [&](std::initializer_list<std::pair<std::string_view, uint32_t>> funcs,
                          std::string_view resource = "r") {
    B entries;
    entries.u32(uint32_t(funcs.size()));
    for (auto [n, t] : funcs) entries.name(n).b(0x01).u32(t);
    return component({section(10, B().vec({B().name(resource).bs({0x03, 0x01})})),
                      section(7, types), section(10, entries)});
  };
  auto ok = read_component(with_imports(
      {{"[constructor]r", 2}, {"[method]r.m", 4}, {"[static]r.s", 6}, {"[static]r.t", 2}}));
  EXPECT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_TRUE(read_component(with_imports({{"[constructor]r", 6}}))
                  .ok());  // (result (own $r) (error string))
  EXPECT_REJECTED(with_imports({{"[constructor]r", 4}}),
                  "should return `(own $T)` or `(result (own $T))`");
  EXPECT_REJECTED(with_imports({{"[method]r.m", 2}}), "but it has no parameters");
  EXPECT_REJECTED(with_imports({{"[method]r.m", 6}}), "but the first parameter is called \"x\"");
  EXPECT_REJECTED(with_imports({{"[constructor]q", 2}}),
                  "the resource name \"q\" is not known in this context");
  EXPECT_REJECTED(with_imports({{"[static]r.s", 2}}, "b"), "the resource name \"r\" is not known");
  EXPECT_REJECTED(with_imports({{"[method]r.r", 4}}),
                  "\"[method]r.r\" conflicts with previous name \"r\"");
  EXPECT_REJECTED(with_imports({{"[method]r.m", 4}, {"[static]r.M", 2}}),
                  "\"[static]r.M\" conflicts with previous name \"[method]r.m\"");
  // Only functions may carry the annotations.
  Bytes typed = component({section(
      10, B().vec({B().name("r").bs({0x03, 0x01}), B().name("[static]r.s").bs({0x03, 0x01})}))});
  EXPECT_REJECTED(typed, "is not a func");
  // A [method] whose self borrows another resource.
  Bytes other = component(
      {section(10, B().vec({B().name("r").bs({0x03, 0x01}), B().name("q").bs({0x03, 0x01})})),
       section(7, B().vec({B{0x68, 0x01}, B{0x40}.vec({B().str("self").u32(2)}).bs({0x01, 0x00})})),
       section(10, B().vec({B().name("[method]r.m").b(0x01).u32(3)}))});
  EXPECT_REJECTED(other, "it borrows a different resource");
}

// Labels of records, variants, flags, enums and parameters are unique
// case-insensitively.
TEST(ComponentReaderErrors, DuplicateLabels) {
  EXPECT_REJECTED(with_types({B{0x72}.vec({B().str("a").b(0x79), B().str("A").b(0x79)})}),
                  "record field name \"A\" conflicts with \"a\"");
  EXPECT_REJECTED(
      with_types({B{0x71}.vec({B().str("x").bs({0x00, 0x00}), B().str("x").bs({0x00, 0x00})})}),
      "variant case name \"x\" conflicts");
  EXPECT_REJECTED(with_types({B{0x6e}.vec({B().str("a-b"), B().str("A-B")})}),
                  "flag name \"A-B\" conflicts");
  EXPECT_REJECTED(with_types({B{0x6d}.vec({B().str("e"), B().str("E")})}),
                  "enum case name \"E\" conflicts");
  EXPECT_REJECTED(
      with_types({B{0x40}.vec({B().str("p").b(0x79), B().str("P").b(0x79)}).bs({0x01, 0x00})}),
      "parameter name \"P\" conflicts with \"p\"");
  EXPECT_TRUE(
      read_component(with_types({B{0x72}.vec({B().str("a").b(0x79), B().str("a-b").b(0x79)})}))
          .ok());
}

TEST(ComponentReaderErrors, TypeDefinitions) {
  EXPECT_REJECTED(with_types({B{0x72, 0x00}}), "a record needs at least one field");
  EXPECT_REJECTED(with_types({B{0x71, 0x00}}), "a variant needs at least one case");
  EXPECT_REJECTED(with_types({B{0x6f, 0x00}}), "a tuple needs at least one element");
  EXPECT_REJECTED(with_types({B{0x6d, 0x00}}), "an enum needs at least one case");
  EXPECT_REJECTED(with_types({B{0x6e, 0x00}}), "flags need at least one label");
  B flags33{0x6e};
  flags33.u32(33);
  for (int i = 0; i < 33; ++i) flags33.str("f" + std::to_string(i));
  EXPECT_REJECTED(with_types({flags33}), "flags may have at most 32 labels, found 33");
  EXPECT_REJECTED(with_types({B{0x67, 0x79, 0x00}}),
                  "a fixed-length list needs a length of at least 1");
  EXPECT_REJECTED(with_types({B{0x6c}}), "the union type (0x6c) was removed");
  EXPECT_REJECTED(with_types({B{0x50}}), "expected a type definition, found 0x50");
  EXPECT_REJECTED(with_types({B{0x70, 0x72}}),
                  "expected a value type (a primitive type code or a type index), found 0x72");
  EXPECT_REJECTED(with_types({B{0x71}.vec({B().str("a").b(0x00).b(0x01)})}), "trailing 0x00 byte");
  EXPECT_REJECTED(with_types({B{0x6b, 0x79}, B{0x6a, 0x02}}),
                  "expected 0x00 (absent) or 0x01 (present)");
  EXPECT_REJECTED(with_types({B{0x3f, 0x7e, 0x00}}), "a resource representation must be i32");
  EXPECT_REJECTED(with_types({B{0x40, 0x00, 0x02}}), "expected a result list");
  EXPECT_REJECTED(with_types({B{0x42}.vec({B{0x07}})}), "expected an instance type declarator");
  EXPECT_REJECTED(with_types({B{0x41}.vec({B{0x03}.name("a").b(0x09)})}),
                  "expected an extern type (0x00..0x05), found 0x09");
  EXPECT_REJECTED(with_types({B{0x41}.vec({B{0x03}.name("a").bs({0x00, 0x10})})}),
                  "the core module sort");
}

TEST(ComponentReaderErrors, CoreTypes) {
  auto core_types = [](std::initializer_list<B> types) {
    return component({section(3, B().vec(types))});
  };
  EXPECT_REJECTED(core_types({B{0x4e, 0x00}}), "core GC type definitions");
  EXPECT_REJECTED(core_types({B{0x61}}),
                  "expected a core type (0x60 func or 0x50 module), found 0x61");
  EXPECT_REJECTED(core_types({B{0x60, 0x01, 0x40, 0x00}}),
                  "expected a core value type, found 0x40");
  EXPECT_REJECTED(core_types({B{0x50}.vec({B{0x01, 0x50, 0x00}})}),
                  "module types cannot be defined inside a module type");
  EXPECT_REJECTED(core_types({B{0x50}.vec({B{0x00}.str("a").str("b").bs({0x00, 0x00})})}),
                  "core function type: core type index 0 is out of range");
  EXPECT_REJECTED(core_types({B{0x50}.vec({B{0x03}.str("m").bs({0x02, 0x10, 0x00})})}),
                  "invalid memory limits flags 0x10");
  EXPECT_REJECTED(core_types({B{0x50}.vec({B{0x02, 0x10, 0x01}.u32(0).u32(0)})}),
                  "outer alias: core type index 0 is out of range");
  EXPECT_REJECTED(core_types({B{0x50}.vec({B{0x09}})}), "expected a module type declaration");
}

TEST(ComponentReaderErrors, Canon) {
  auto canon = [](std::initializer_list<B> entries) {
    return component({section(8, B().vec(entries))});
  };
  EXPECT_REJECTED(canon({B{0x07}}), "resource.drop async) was removed");
  EXPECT_REJECTED(canon({B{0x08}}), "backpressure.set) was removed");
  EXPECT_REJECTED(canon({B{0x3f}}), "unknown canon opcode 0x3f");
  EXPECT_REJECTED(canon({B{0x00, 0x01}}),
                  "the core func sort byte of canon lift (0x00), found 0x01");
  EXPECT_REJECTED(canon({B{0x0a, 0x7e, 0x00}}), "a context slot type must be i32");
  EXPECT_REJECTED(canon({B{0x06, 0x02}}),
                  "expected the async? immediate (0x00 or 0x01), found 0x02");
  // Options: duplicates, conflicting encodings, unknown bytes.
  auto lower = [](std::initializer_list<B> opts) {
    return component({section(7, B().vec({B{0x40}.vec({}).bs({0x01, 0x00})})),
                      section(10, B().vec({B().name("f").b(0x01).u32(0)})),
                      section(8, B().vec({B{0x01, 0x00}.u32(0).vec(opts)}))});
  };
  EXPECT_TRUE(read_component(lower({B{0x02}, B{0x06}})).ok());
  EXPECT_REJECTED(lower({B{0x00}, B{0x01}}), "the string encoding is given twice");
  EXPECT_REJECTED(lower({B{0x06}, B{0x06}}), "canon option async is given twice");
  EXPECT_REJECTED(lower({B{0x0a}}), "expected a canon option (0x00..0x09), found 0x0a");
  EXPECT_REJECTED(lower({B{0x04}.u32(0)}), "realloc option: core func index 0 is out of range");
}

TEST(ComponentReaderErrors, Nesting) {
  // 70 nested instance types.
  B t;
  for (int i = 0; i < 70; ++i) t.bs({0x42, 0x01, 0x01});
  t.bs({0x42, 0x00});
  EXPECT_REJECTED(with_types({t}), "nested more than 64 levels deep");
  // 70 nested components.
  Bytes inner = kComponentPreamble;
  for (int i = 0; i < 70; ++i) inner = component({section(4, B().raw(inner))});
  EXPECT_REJECTED(inner, "nested more than 64 levels deep");
  // 60 nested components are fine.
  Bytes ok = kComponentPreamble;
  for (int i = 0; i < 60; ++i) ok = component({section(4, B().raw(ok))});
  EXPECT_TRUE(read_component(ok).ok());
}

TEST(ComponentReaderErrors, TooManyDefinitions) {
  // Each task.cancel entry is one byte; 100000 of them are accepted (the
  // section itself counts too), one more batch is not.
  auto many = [](uint32_t n) {
    B entries;
    entries.u32(n);
    entries.v.insert(entries.v.end(), n, 0x05);
    return component({section(8, entries)});
  };
  EXPECT_TRUE(read_component(many(99'999)).ok());
  EXPECT_REJECTED(many(100'000), "more than 100000 definitions and declarators");
}

TEST(ComponentReaderErrors, ContextAndOffsets) {
  // The second entry of a canon section is bad: the message names it and
  // points at its opcode.
  Bytes bytes = component({section(8, B().vec({B{0x05}, B{0x3f}}))});
  EXPECT_EQ(read_error(bytes),
            "at byte 0x0c: in the canon section (entry 1): unknown canon opcode 0x3f");
  // Inside a nested component, offsets stay absolute.
  Bytes nested = component({section(4, B().raw(component({section(8, B().vec({B{0x3f}}))})))});
  EXPECT_EQ(read_error(nested),
            "at byte 0x15: in the canon section (entry 0): unknown canon opcode 0x3f");
}

// ---------------------------------------------------------------------------
// The committed corpus: every file in tests/corpus/malformed/ is rejected with
// the message recorded next to it in expected.txt ("file: substring").

std::filesystem::path corpus_dir() {
  return std::filesystem::path(__FILE__).parent_path() / "corpus";
}

Bytes read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(ComponentReaderCorpus, MalformedFilesAreRejected) {
  auto dir = corpus_dir() / "malformed";
  std::ifstream manifest(dir / "expected.txt");
  ASSERT_TRUE(manifest) << "missing " << (dir / "expected.txt");
  std::string line;
  size_t files = 0;
  while (std::getline(manifest, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(": ");
    ASSERT_NE(colon, std::string::npos) << line;
    std::string file = line.substr(0, colon), needle = line.substr(colon + 2);
    ASSERT_TRUE(std::filesystem::exists(dir / file)) << file;
    std::string message = read_error(read_file(dir / file));
    EXPECT_NE(message.find(needle), std::string::npos) << file << ": " << message;
    ++files;
  }
  EXPECT_GE(files, 10u);
}

TEST(ComponentReaderCorpus, FuzzRegressionsDoNotCrash) {
  auto dir = corpus_dir() / "fuzz-regressions";
  ASSERT_TRUE(std::filesystem::is_directory(dir));
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() == ".md") continue;
    auto r = read_component(read_file(entry.path()));
    if (!r.ok()) {
      EXPECT_EQ(r.error().message.rfind("at byte 0x", 0), 0u) << entry.path();
    }
  }
}

TEST(ComponentReaderCorpus, ValidFixtures) {
  auto dir = corpus_dir() / "valid";
  ASSERT_TRUE(std::filesystem::is_directory(dir));
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".wasm") continue;
    auto r = read_component(read_file(entry.path()));
    EXPECT_TRUE(r.ok()) << entry.path() << ": " << r.error().message;
    ++files;
  }
  EXPECT_GE(files, 1u);
}

// Writes the valid components built here, for seeding the fuzzer.
TEST(ComponentReaderCorpus, CorpusWriter) {
  const char* out = std::getenv("FACT_WRITE_CORPUS");
  if (!out) GTEST_SKIP() << "set FACT_WRITE_CORPUS=<dir> to write the seed corpus";
  std::filesystem::create_directories(out);
  auto write = [&](const std::string& name, const Bytes& bytes) {
    std::ofstream(std::filesystem::path(out) / name, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  };
  Everything e = everything();
  write("everything.wasm", e.bytes);
  write("empty.wasm", kComponentPreamble);
  for (size_t s = 1; s < e.section_ends.size(); ++s) {
    // Each section alone after the preamble (many are near-valid: indices
    // out of range), and each prefix.
    Bytes one = kComponentPreamble;
    one.insert(one.end(), e.bytes.begin() + e.section_ends[s - 1],
               e.bytes.begin() + e.section_ends[s]);
    write("section" + std::to_string(s) + ".wasm", one);
    write("prefix" + std::to_string(s) + ".wasm",
          Bytes(e.bytes.begin(), e.bytes.begin() + e.section_ends[s]));
  }
}

}  // namespace
}  // namespace fact::component
