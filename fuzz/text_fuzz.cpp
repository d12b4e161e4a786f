// libFuzzer target: the readers of text. The input is read as a .wast
// script (s-expressions, directives, component values), and as WAVE text
// for a few types that cover every value syntax; each returns a value or an
// error that says where, never a crash or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fact/types.h"
#include "fact/values/wave.h"
#include "fact/wast/script.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto script = fact::wast::parse_wast_script(text);
  if (!script && script.error().message.empty()) std::abort();

  fact::TypeStore types;
  const fact::TypeId u8 = types.primitive(fact::TypeKind::U8);
  const fact::TypeId text_type = types.string();
  const fact::TypeId all = types.record({
      {"a", types.list(types.option(types.primitive(fact::TypeKind::Char)))},
      {"b", types.variant({{"x", u8}, {"y", std::nullopt}, {"z", text_type}})},
      {"c", types.flags({"p", "q", "r"})},
      {"d", types.result(types.tuple({types.primitive(fact::TypeKind::F64), u8}), text_type)},
      {"e", types.enumeration({"one", "two"})},
      {"f", types.fixed_list(types.primitive(fact::TypeKind::S64), 2)},
      {"g", types.map(text_type, types.primitive(fact::TypeKind::F32))},
  });
  for (fact::TypeId type : {u8, text_type, all}) {
    auto value = fact::values::parse_wave(types, type, text);
    if (value) {
      // What was read prints and reads back as the same value.
      const std::string printed = fact::values::print_wave(types, type, *value);
      auto again = fact::values::parse_wave(types, type, printed);
      if (!again || !(*again == *value)) std::abort();
    }
  }
  auto invocation = fact::values::split_invocation(text);
  (void)invocation;
  return 0;
}
