#include "adapter_command.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "fact/abi.h"
#include "fact/adapter.h"
#include "fact/canon_rules.h"
#include "fact/engine/modules.h"
#include "fact/type_expr.h"
#include "fact/types.h"
#include "output.h"

namespace fact::tool {
namespace {

// The two runtime instances of the adapter: the caller lowers an import of
// the function, the callee lifted its export.
constexpr uint32_t kLowerInstance = 0;
constexpr uint32_t kLiftInstance = 1;

constexpr std::array kEncodings = {StringEncoding::Utf8, StringEncoding::Utf16,
                                   StringEncoding::CompactUtf16};

std::vector<std::string> encoding_names() {
  std::vector<std::string> names;
  for (StringEncoding encoding : kEncodings) names.emplace_back(string_encoding_name(encoding));
  return names;
}

std::optional<StringEncoding> encoding_named(std::string_view name) {
  for (StringEncoding encoding : kEncodings) {
    if (name == string_encoding_name(encoding)) return encoding;
  }
  return std::nullopt;
}

bool is_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto byte = static_cast<unsigned char>(text[i]);
    size_t length = byte < 0x80           ? 1
                    : (byte >> 5) == 0x6  ? 2
                    : (byte >> 4) == 0xE  ? 3
                    : (byte >> 3) == 0x1E ? 4
                                          : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

// The parser's message, and for a one-line signature the signature with a
// caret under the column the message names.
std::string signature_error(std::string_view signature, const std::string& message) {
  std::string out = "invalid signature: " + message;
  constexpr std::string_view kPrefix = "column ";
  if (!message.starts_with(kPrefix) ||
      signature.find_first_of("\n\r\t") != std::string_view::npos) {
    return out;
  }
  size_t column = 0;
  for (size_t i = kPrefix.size(); i < message.size() && message[i] >= '0' && message[i] <= '9';
       ++i) {
    column = column * 10 + static_cast<size_t>(message[i] - '0');
    if (column > signature.size() + 1) return out;
  }
  if (column == 0) return out;
  out += "\n  ";
  out += signature;
  out += "\n  " + std::string(column - 1, ' ') + "^";
  return out;
}

CanonOptions side_options(uint32_t instance, StringEncoding encoding, bool memory64,
                          unsigned page_size, bool shared, OptionRequirements needs) {
  CanonOptions options;
  options.instance = instance;
  options.string_encoding = encoding;
  if (needs.memory.needed) {
    wasm::MemoryType type;
    type.memory64 = memory64;
    type.shared = shared;
    type.page_size_log2 = page_size == 1 ? 0 : 16;
    options.memory = Memory{CoreExport{instance, "memory"}, type};
  }
  if (needs.realloc.needed) options.realloc = CoreExport{instance, "realloc"};
  return options;
}

}  // namespace

CLI::App* add_adapter_command(CLI::App& app, AdapterCommandOptions& options) {
  CLI::App* command = app.add_subcommand(
      "adapter",
      "Compile the adapter between a caller that lowers a function and a callee that lifted it, "
      "both with the type SIGNATURE, into a core wasm module");
  command
      ->add_option("SIGNATURE", options.signature,
                   "The function type, e.g. 'func(a: u32, s: string) -> option<u8>'")
      ->required();
  command
      ->add_option("-o,--output", options.output,
                   "Write the module to FILE ('-': standard output, the default)")
      ->option_text("FILE");
  command->add_flag("-t,--text", options.text, "Write the module as WebAssembly text (WAT)");
  command->add_option("--name", options.name, "Export name of the adapter function")
      ->capture_default_str();
  const std::vector<std::string> encodings = encoding_names();
  command
      ->add_option("--lift-string-encoding", options.lift_string_encoding,
                   "String encoding of the callee (canon lift)")
      ->check(CLI::IsMember(encodings))
      ->capture_default_str();
  command
      ->add_option("--lower-string-encoding", options.lower_string_encoding,
                   "String encoding of the caller (canon lower)")
      ->check(CLI::IsMember(encodings))
      ->capture_default_str();
  command->add_flag("--lift-memory64", options.lift_memory64,
                    "The callee's memory has 64-bit addresses");
  command->add_flag("--lower-memory64", options.lower_memory64,
                    "The caller's memory has 64-bit addresses");
  command->add_flag("--lift-post-return", options.lift_post_return,
                    "The callee has a post-return function");
  command->add_flag("--lift-async", options.lift_async,
                    "Lift with the async option (needs an 'async func' SIGNATURE); without "
                    "--lift-callback the callee is stackful");
  command->add_flag("--lower-async", options.lower_async,
                    "Lower with the async option (needs an 'async func' SIGNATURE)");
  command->add_flag("--lift-callback", options.lift_callback,
                    "The async lift has a callback function (needs --lift-async)");
  command->add_flag("--no-concurrency", options.no_concurrency,
                    "Compile without concurrency support (no sync-call bracketing or context "
                    "slot saving)");
  command->add_flag("--debug", options.debug, "Add the debug assertions of debug adapter modules");
  command->add_flag("--exceptions", options.exceptions,
                    "Wrap the adapter in an exception barrier (needs the exception-handling "
                    "proposal's try_table)");
  const std::vector<unsigned> page_sizes{1, 65536};
  command
      ->add_option("--lift-page-size", options.lift_page_size,
                   "Page size of the callee's memory in bytes (custom-page-sizes proposal)")
      ->check(CLI::IsMember(page_sizes))
      ->capture_default_str();
  command
      ->add_option("--lower-page-size", options.lower_page_size,
                   "Page size of the caller's memory in bytes (custom-page-sizes proposal)")
      ->check(CLI::IsMember(page_sizes))
      ->capture_default_str();
  command->add_flag("--lift-shared-memory", options.lift_shared, "The callee's memory is shared");
  command->add_flag("--lower-shared-memory", options.lower_shared, "The caller's memory is shared");
  return command;
}

Outcome run_adapter_command(const AdapterCommandOptions& options) {
  if (options.name.empty()) return Failure{"--name must not be empty"};
  if (!is_utf8(options.name)) return Failure{"--name must be valid UTF-8"};
  auto lift_encoding = encoding_named(options.lift_string_encoding);
  if (!lift_encoding)
    return Failure{"unknown string encoding '" + options.lift_string_encoding + "'"};
  auto lower_encoding = encoding_named(options.lower_string_encoding);
  if (!lower_encoding) {
    return Failure{"unknown string encoding '" + options.lower_string_encoding + "'"};
  }

  TypeStore store;
  ResourceNames resources;
  auto func = parse_func_type(store, options.signature, resources);
  if (!func) return Failure{signature_error(options.signature, func.error().message)};
  if (auto checked = check_func_type(store, *func); !checked) {
    return Failure{"invalid signature: " + checked.error().message};
  }

  CanonRequirements needs = canon_requirements(
      store, *func,
      SignatureOptions{options.lift_memory64, options.lift_async, options.lift_callback},
      SignatureOptions{options.lower_memory64, options.lower_async, false});
  Adapter adapter;
  adapter.lift_type = *func;
  adapter.lower_type = *func;
  adapter.lift = side_options(kLiftInstance, *lift_encoding, options.lift_memory64,
                              options.lift_page_size, options.lift_shared, needs.lift);
  adapter.lower = side_options(kLowerInstance, *lower_encoding, options.lower_memory64,
                               options.lower_page_size, options.lower_shared, needs.lower);
  if (options.lift_post_return) adapter.lift.post_return = CoreExport{kLiftInstance, "post-return"};
  adapter.lift.is_async = options.lift_async;
  adapter.lower.is_async = options.lower_async;
  if (options.lift_callback) adapter.lift.callback = CoreExport{kLiftInstance, "callback"};
  adapter.callee = CoreExport{kLiftInstance, "callee"};

  ModuleOptions module_options;
  module_options.concurrency_support = !options.no_concurrency;
  module_options.debug = options.debug;
  module_options.exceptions = options.exceptions;
  AdapterModule module(store, module_options);
  if (auto compiled = module.adapt(options.name, adapter); !compiled) {
    return Failure{compiled.error().message};
  }
  std::vector<uint8_t> wasm = module.encode();
  // libwabt knows neither try_table nor custom page sizes: such modules are
  // written unvalidated, and cannot be printed as text through it.
  std::string beyond_wabt;
  if (options.exceptions) beyond_wabt = "the exception-handling proposal (try_table)";
  if ((adapter.lift.memory && adapter.lift.memory->type.page_size_log2 != 16) ||
      (adapter.lower.memory && adapter.lower.memory->type.page_size_log2 != 16)) {
    beyond_wabt += std::string(beyond_wabt.empty() ? "" : " and ") + "custom page sizes";
  }
  if (beyond_wabt.empty()) {
    if (auto valid = engine::validate_module(wasm); !valid) {
      return internal_failure("fact generated an invalid module:\n" + valid.error().message);
    }
  } else if (options.text) {
    return Failure{"cannot print the module as text: it uses " + beyond_wabt +
                   ", which the libwabt printer does not support"};
  } else {
    std::fprintf(stderr, "fact: note: the module uses %s; libwabt cannot validate it\n",
                 beyond_wabt.c_str());
  }
  if (!options.text) return write_output(options.output, wasm, true);
  auto wat = engine::module_to_wat(wasm);
  if (!wat) return internal_failure("cannot print the generated module:\n" + wat.error().message);
  if (wat->empty() || wat->back() != '\n') wat->push_back('\n');
  std::span<const uint8_t> text(reinterpret_cast<const uint8_t*>(wat->data()), wat->size());
  return write_output(options.output, text, false);
}

}  // namespace fact::tool
