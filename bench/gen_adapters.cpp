// fact_bench_gen OUT_DIR: writes fact's adapter module for each signature of
// the Node benchmark (bench/node/run.mjs) to OUT_DIR/<name>.wasm, and
// OUT_DIR/manifest.json, which gives for each adapter its signature (as WIT
// text and as component-model WAT, so that the harness builds Wasmtime's
// adapter for exactly the same type), its string encodings and every import
// with what it must be bound to.
//
// Core instance 0 is the caller (it lowers the import: memory only) and core
// instance 1 the callee (it lifts the export: memory and realloc); both
// export their memory as "memory", the callee its realloc as "realloc" and
// the lifted function as "f". Runtime component instances are numbered the
// same way.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fact/adapter.h"
#include "fact/type_expr.h"
#include "fact/types.h"

namespace {

using namespace fact;

constexpr uint32_t kCaller = 0;
constexpr uint32_t kCallee = 1;

struct Signature {
  const char* name;
  const char* type;  // WIT text, parsed by fact::parse_func_type
  StringEncoding caller_encoding;
  StringEncoding callee_encoding;
};

constexpr Signature kSignatures[] = {
    {"list-u8", "func(l: list<u8>)", StringEncoding::Utf8, StringEncoding::Utf8},
    {"list-u32", "func(l: list<u32>)", StringEncoding::Utf8, StringEncoding::Utf8},
    {"list-point", "func(l: list<record { x: f32, y: f32 }>)", StringEncoding::Utf8,
     StringEncoding::Utf8},
    {"list-record-string", "func(l: list<record { a: u32, b: string }>)", StringEncoding::Utf8,
     StringEncoding::Utf8},
    {"string-utf8-utf8", "func(s: string)", StringEncoding::Utf8, StringEncoding::Utf8},
    {"string-utf8-utf16", "func(s: string)", StringEncoding::Utf8, StringEncoding::Utf16},
    {"string-utf16-utf8", "func(s: string)", StringEncoding::Utf16, StringEncoding::Utf8},
};

// Component-model text format spellings of value types, as wasm-tools
// parses them. Records, variants, enums and flags must be named to appear in
// an exported function's type, so they become type definitions `$tN`
// (dependencies first) that the harness exports from the callee and imports,
// as equal types, into the caller.
class WatTypes {
 public:
  explicit WatTypes(const TypeStore& store) : store_(store) {}

  // The spelling of `id` where it is used, defining named types as needed.
  Expected<std::string> use(TypeId id) {
    const TypeNode& n = store_.get(id);
    switch (n.kind) {
      case TypeKind::Bool:
      case TypeKind::S8:
      case TypeKind::U8:
      case TypeKind::S16:
      case TypeKind::U16:
      case TypeKind::S32:
      case TypeKind::U32:
      case TypeKind::S64:
      case TypeKind::U64:
      case TypeKind::F32:
      case TypeKind::F64:
      case TypeKind::Char:
      case TypeKind::String: return std::string(kind_name(n.kind));
      case TypeKind::List: return wrap("(list ", *n.element, ")");
      case TypeKind::Option: return wrap("(option ", *n.element, ")");
      case TypeKind::Tuple: {
        std::string out = "(tuple";
        for (TypeId e : n.elements) {
          Expected<std::string> t = use(e);
          if (!t) return t;
          out += " " + *t;
        }
        return out + ")";
      }
      case TypeKind::Result: {
        // Cases: ok(T?), error(E?).
        std::string out = "(result";
        if (n.cases[0].type) {
          Expected<std::string> t = use(*n.cases[0].type);
          if (!t) return t;
          out += " " + *t;
        }
        if (n.cases[1].type) {
          Expected<std::string> t = use(*n.cases[1].type);
          if (!t) return t;
          out += " (error " + *t + ")";
        }
        return out + ")";
      }
      case TypeKind::Record:
      case TypeKind::Variant:
      case TypeKind::Enum:
      case TypeKind::Flags: return named(id);
      default:
        return Error{std::string("the benchmark has no WAT spelling for `") + kind_name(n.kind) +
                     "` types"};
    }
  }

  // (name, definition) pairs, each using only names defined before it.
  const std::vector<std::pair<std::string, std::string>>& definitions() const { return defs_; }

 private:
  Expected<std::string> wrap(const char* open, TypeId inner, const char* close) {
    Expected<std::string> t = use(inner);
    if (!t) return t;
    return open + *t + close;
  }

  static std::string quoted(const std::string& s) { return "\"" + s + "\""; }

  Expected<std::string> named(TypeId id) {
    for (const auto& [type, name] : names_) {
      if (type == id.index) return "$" + name;
    }
    const TypeNode& n = store_.get(id);
    std::string def;
    switch (n.kind) {
      case TypeKind::Record:
        def = "(record";
        for (const Field& f : n.fields) {
          Expected<std::string> t = use(f.type);
          if (!t) return t;
          def += " (field " + quoted(f.name) + " " + *t + ")";
        }
        break;
      case TypeKind::Variant:
        def = "(variant";
        for (const Case& c : n.cases) {
          def += " (case " + quoted(c.name);
          if (c.type) {
            Expected<std::string> t = use(*c.type);
            if (!t) return t;
            def += " " + *t;
          }
          def += ")";
        }
        break;
      default:  // Enum, Flags
        def = n.kind == TypeKind::Enum ? "(enum" : "(flags";
        for (const std::string& l : n.labels) {
          def += ' ';
          def += quoted(l);
        }
        break;
    }
    std::string name = "t" + std::to_string(defs_.size());
    defs_.emplace_back(name, def + ")");
    names_.emplace_back(id.index, name);
    return "$" + name;
  }

  const TypeStore& store_;
  std::vector<std::pair<std::string, std::string>> defs_;
  std::vector<std::pair<uint32_t, std::string>> names_;
};

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

const char* role_name(binding::Export::Role role) {
  switch (role) {
    case binding::Export::Role::Memory: return "memory";
    case binding::Export::Role::Realloc: return "realloc";
    case binding::Export::Role::Callback: return "callback";
    case binding::Export::Role::Callee: return "callee";
    case binding::Export::Role::PostReturn: return "post-return";
  }
  return "?";
}

std::string binding_json(const ImportBinding& b) {
  struct Visitor {
    std::string operator()(const binding::Export& e) const {
      return std::string("{\"type\": \"export\", \"role\": \"") + role_name(e.role) +
             "\", \"instance\": " + std::to_string(e.item.instance) +
             ", \"name\": " + json_string(e.item.name) + "}";
    }
    std::string operator()(const binding::InstanceFlags& f) const {
      return "{\"type\": \"flags\", \"instance\": " + std::to_string(f.instance) + "}";
    }
    std::string operator()(const binding::Trap& t) const {
      return "{\"type\": \"trap\", \"code\": " + std::to_string(static_cast<int>(t.code)) +
             ", \"message\": " + json_string(trap_message(t.code)) + "}";
    }
    std::string operator()(const binding::Transcoder& t) const {
      return std::string("{\"type\": \"transcoder\", \"op\": \"") + transcode_name(t.op) +
             "\", \"from_memory\": " + std::to_string(t.from_memory) +
             ", \"from_memory64\": " + (t.from_memory64 ? "true" : "false") +
             ", \"to_memory\": " + std::to_string(t.to_memory) +
             ", \"to_memory64\": " + (t.to_memory64 ? "true" : "false") + "}";
    }
    std::string operator()(const binding::RuntimeIntrinsic& r) const {
      return std::string("{\"type\": \"intrinsic\", \"name\": \"") + intrinsic_name(r.intrinsic) +
             "\"}";
    }
    std::string operator()(const binding::PrepareCall& p) const {
      return "{\"type\": \"prepare-call\", \"adapter\": " + json_string(p.adapter) + "}";
    }
    std::string operator()(const binding::SyncStartCall& c) const {
      return "{\"type\": \"sync-start-call\", \"adapter\": " + json_string(c.adapter) +
             ", \"callback\": " + (c.callback ? "true" : "false") + "}";
    }
    std::string operator()(const binding::AsyncStartCall& c) const {
      return std::string("{\"type\": \"async-start-call\", \"callback\": ") +
             (c.callback ? "true" : "false") +
             ", \"post_return\": " + (c.post_return ? "true" : "false") + "}";
    }
  };
  return std::visit(Visitor{}, b);
}

const char* import_kind_name(Import::Kind kind) {
  switch (kind) {
    case Import::Kind::Func: return "func";
    case Import::Kind::Memory: return "memory";
    case Import::Kind::Global: return "global";
  }
  return "?";
}

std::string core_types_json(const std::vector<wasm::ValType>& types) {
  std::string out = "[";
  for (size_t i = 0; i < types.size(); ++i) {
    out += std::string(i ? ", " : "") + "\"" + wasm::to_string(types[i]) + "\"";
  }
  return out + "]";
}

CanonOptions side(uint32_t instance, StringEncoding encoding, bool with_realloc) {
  CanonOptions o;
  o.instance = instance;
  o.string_encoding = encoding;
  o.memory = Memory{CoreExport{instance, "memory"}, wasm::MemoryType{}};
  if (with_realloc) o.realloc = CoreExport{instance, "realloc"};
  return o;
}

bool write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "fact_bench_gen: cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}

// Compiles one signature, writes its module and returns its manifest entry.
Expected<std::string> generate(const Signature& sig, const std::filesystem::path& dir) {
  TypeStore store;
  ResourceNames resources;
  Expected<FuncTypeId> func = parse_func_type(store, sig.type, resources);
  if (!func) return Error{std::string(sig.name) + ": " + func.error().message};
  const FuncType& ft = store.get(*func);
  if (ft.result) return Error{std::string(sig.name) + ": the harness expects no result"};

  Adapter adapter;
  adapter.lift_type = *func;
  adapter.lower_type = *func;
  // Only parameters flow, so only the lifting callee allocates.
  adapter.lower = side(kCaller, sig.caller_encoding, false);
  adapter.lift = side(kCallee, sig.callee_encoding, true);
  adapter.callee = CoreExport{kCallee, "f"};

  AdapterModule module(store);
  if (auto r = module.adapt("adapter0", adapter); !r) {
    return Error{std::string(sig.name) + ": " + r.error().message};
  }
  std::vector<uint8_t> bytes = module.encode();
  std::string file = std::string(sig.name) + ".wasm";
  if (!write_file(dir / file, {reinterpret_cast<const char*>(bytes.data()), bytes.size()})) {
    return Error{"cannot write " + (dir / file).string()};
  }

  WatTypes wat(store);
  std::string params_wat;
  for (const Param& p : ft.params) {
    Expected<std::string> t = wat.use(p.type);
    if (!t) return Error{std::string(sig.name) + ": " + t.error().message};
    params_wat += (params_wat.empty() ? "" : " ") + ("(param \"" + p.name + "\" " + *t) + ")";
  }
  std::string types_wat = "[";
  for (const auto& [name, def] : wat.definitions()) {
    types_wat += std::string(types_wat.size() > 1 ? ", " : "") + "{\"name\": " + json_string(name) +
                 ", \"def\": " + json_string(def) + "}";
  }
  types_wat += "]";

  std::string out =
      "    {\"name\": " + json_string(sig.name) + ", \"signature\": " + json_string(sig.type) +
      ",\n     \"params_wat\": " + json_string(params_wat) + ", \"types_wat\": " + types_wat +
      ",\n     \"caller_encoding\": \"" + string_encoding_name(sig.caller_encoding) +
      "\", \"callee_encoding\": \"" + string_encoding_name(sig.callee_encoding) +
      "\", \"caller_instance\": " + std::to_string(kCaller) +
      ", \"callee_instance\": " + std::to_string(kCallee) +
      ",\n     \"module\": " + json_string(file) +
      ", \"export\": \"adapter0\",\n     \"imports\": [";
  const std::vector<Import>& imports = module.imports();
  std::optional<wasm::FuncType> callee;
  for (size_t i = 0; i < imports.size(); ++i) {
    const Import& im = imports[i];
    out += std::string(i ? ",\n" : "\n") + "       {\"module\": " + json_string(im.module) +
           ", \"field\": " + json_string(im.field) + ", \"kind\": \"" + import_kind_name(im.kind) +
           "\", ";
    if (im.kind == Import::Kind::Func) {
      out += "\"params\": " + core_types_json(im.func.params) +
             ", \"results\": " + core_types_json(im.func.results) + ", ";
    }
    out += "\"binding\": " + binding_json(im.binding) + "}";
    const auto* e = std::get_if<binding::Export>(&im.binding);
    if (e && e->role == binding::Export::Role::Callee) callee = im.func;
  }
  if (!callee) return Error{std::string(sig.name) + ": the adapter module imports no callee"};
  out += "],\n     \"callee_core_params\": " + core_types_json(callee->params) +
         ", \"callee_core_results\": " + core_types_json(callee->results) + "}";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || std::strcmp(argv[1], "--help") == 0) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argc > 0 ? argv[0] : "fact_bench_gen");
    return 2;
  }
  std::filesystem::path dir = argv[1];
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "fact_bench_gen: cannot create %s: %s\n", dir.c_str(),
                 ec.message().c_str());
    return 1;
  }
  std::string manifest = "{\"adapters\": [\n";
  bool first = true;
  for (const Signature& sig : kSignatures) {
    Expected<std::string> entry = generate(sig, dir);
    if (!entry) {
      std::fprintf(stderr, "fact_bench_gen: %s\n", entry.error().message.c_str());
      return 1;
    }
    manifest += (first ? "" : ",\n") + *entry;
    first = false;
  }
  manifest += "\n]}\n";
  return write_file(dir / "manifest.json", manifest) ? 0 : 1;
}
