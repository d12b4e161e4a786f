#include "fact/engine/modules.h"

#include <wabt/apply-names.h>
#include <wabt/binary-reader-ir.h>
#include <wabt/binary-reader.h>
#include <wabt/binary-writer.h>
#include <wabt/error-formatter.h>
#include <wabt/generate-names.h>
#include <wabt/ir.h>
#include <wabt/resolve-names.h>
#include <wabt/stream.h>
#include <wabt/validator.h>
#include <wabt/wast-lexer.h>
#include <wabt/wast-parser.h>
#include <wabt/wat-writer.h>

#include <cctype>
#include <memory>

#include "features.h"

namespace fact::engine {
namespace {

Error wabt_error(std::string_view what, const wabt::Errors& errors) {
  return Error{std::string(what) + ": " + describe_wabt_errors(errors)};
}

// Reads a binary module into wabt's IR and validates it.
Expected<void> read_and_validate(std::span<const uint8_t> wasm, wabt::Module& module) {
  wabt::Errors errors;
  wabt::ReadBinaryOptions options;
  options.features = adapter_features();
  options.read_debug_names = true;
  options.fail_on_custom_section_error = false;
  if (wabt::Failed(
          wabt::ReadBinaryIr("module.wasm", wasm.data(), wasm.size(), options, &errors, &module))) {
    return wabt_error("invalid module encoding", errors);
  }
  if (wabt::Failed(
          wabt::ValidateModule(&module, &errors, wabt::ValidateOptions(adapter_features())))) {
    return wabt_error("module does not validate", errors);
  }
  return {};
}

}  // namespace

std::string describe_wabt_errors(const wabt::Errors& errors) {
  std::string text = wabt::FormatErrorsToString(errors, wabt::Location::Type::Binary);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  if (text.empty()) return "(wabt reported no details)";
  // Opcodes of proposals this libwabt does not decode, which it reports
  // only by number.
  struct Unsupported {
    const char* opcode;
    const char* what;
  };
  static constexpr Unsupported kUnsupported[] = {
      {"0x1f", "`try_table`, of exception handling with exnref"},
      {"0x0a", "`throw_ref`, of exception handling with exnref"},
      {"0x14", "`call_ref`, of typed function references"},
      {"0x15", "`return_call_ref`, of typed function references"},
      {"0xd4", "`ref.as_non_null`, of typed function references"},
      {"0xd5", "`br_on_null`, of typed function references"},
      {"0xd6", "`br_on_non_null`, of typed function references"},
      {"0xd3", "`ref.eq`, of garbage collection"},
      {"0xfb", "an instruction of garbage collection"},
  };
  for (const Unsupported& u : kUnsupported) {
    const std::string pattern = std::string("unexpected opcode: ") + u.opcode;
    const size_t at = text.find(pattern);
    if (at == std::string::npos) continue;
    const size_t end = at + pattern.size();
    // "0x1f" must not be the start of a longer number.
    if (end < text.size() && std::isxdigit(static_cast<unsigned char>(text[end]))) continue;
    return text + " (" + u.what + ", a feature the interpreter, libwabt " + "1.0.32, cannot run)";
  }
  return text;
}

wabt::Features adapter_features() {
  wabt::Features features;
  features.enable_mutable_globals();
  features.enable_sign_extension();
  features.enable_multi_value();
  features.enable_bulk_memory();
  features.enable_reference_types();
  features.enable_sat_float_to_int();
  features.enable_memory64();
  features.enable_multi_memory();
  // Adapters import a shared memory as shared (docs/import-abi.md), so the
  // modules around them may declare shared memories too.
  features.enable_threads();
  // Everything else libwabt's interpreter runs, so that core modules made
  // by real toolchains load: extended constant expressions (dynamically
  // linked modules use them), tail calls, the legacy exception-handling
  // proposal (try/catch/throw; not exnref's try_table) and relaxed SIMD.
  // SIMD is on by default. Function references and GC are left off: this
  // libwabt reads some of them but cannot run them.
  features.enable_extended_const();
  features.enable_tail_call();
  features.enable_exceptions();
  features.enable_relaxed_simd();
  return features;
}

Expected<void> validate_module(std::span<const uint8_t> wasm) {
  wabt::Module module;
  return read_and_validate(wasm, module);
}

Expected<std::string> module_to_wat(std::span<const uint8_t> wasm) {
  wabt::Module module;
  if (auto valid = read_and_validate(wasm, module); !valid) return valid.error();
  // Names make the folded text refer to `$memory0` rather than bare indices.
  if (wabt::Failed(wabt::GenerateNames(&module)) || wabt::Failed(wabt::ApplyNames(&module))) {
    return Error{"cannot generate names for the module's text format"};
  }
  wabt::MemoryStream stream;
  wabt::WriteWatOptions options;
  options.fold_exprs = true;
  if (wabt::Failed(wabt::WriteWat(&stream, &module, options))) {
    return Error{"cannot write the module's text format"};
  }
  const std::vector<uint8_t>& data = stream.output_buffer().data;
  return std::string(data.begin(), data.end());
}

Expected<std::vector<uint8_t>> wat_to_module(std::string_view wat) {
  wabt::Errors errors;
  std::unique_ptr<wabt::WastLexer> lexer =
      wabt::WastLexer::CreateBufferLexer("module.wat", wat.data(), wat.size(), &errors);
  std::unique_ptr<wabt::Module> module;
  wabt::WastParseOptions parse_options(adapter_features());
  auto text_errors = [&](std::string_view what) {
    std::string text = wabt::FormatErrorsToString(errors, wabt::Location::Type::Text);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return Error{std::string(what) + ": " + text};
  };
  if (wabt::Failed(wabt::ParseWatModule(lexer.get(), &module, &errors, &parse_options))) {
    return text_errors("cannot parse the text format");
  }
  if (wabt::Failed(wabt::ResolveNamesModule(module.get(), &errors))) {
    return text_errors("unresolved names in the text format");
  }
  if (wabt::Failed(
          wabt::ValidateModule(module.get(), &errors, wabt::ValidateOptions(adapter_features())))) {
    return text_errors("module does not validate");
  }
  wabt::MemoryStream stream;
  wabt::WriteBinaryOptions write_options;
  write_options.features = adapter_features();
  write_options.canonicalize_lebs = true;
  write_options.relocatable = false;
  write_options.write_debug_names = true;
  if (wabt::Failed(wabt::WriteBinaryModule(&stream, module.get(), write_options))) {
    return Error{"cannot encode the module"};
  }
  return std::move(stream.output_buffer().data);
}

}  // namespace fact::engine
