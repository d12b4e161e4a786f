// The directives of a component .wast script (the `wast` crate's script
// syntax, as the Component Model's test suite uses it), read from text into
// a list the runner (run/wast_runner.h) executes. A directive that is
// understood but cannot be used (an unsupported kind, bad syntax inside it)
// becomes an Unsupported directive that carries the reason, so that the
// rest of the script still runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fact/error.h"
#include "fact/wast/sexpr.h"
#include "fact/wast/value.h"

namespace fact::wast {

// A component as a script gives it.
struct WastComponent {
  enum class Form : uint8_t {
    Text,    // (component ...): text, for a text-to-binary converter
    Binary,  // (component binary "..."): bytes
    Quote,   // (component quote "..."): text, built from the strings
  };
  Form form = Form::Text;
  std::optional<std::string> id;  // `$name`
  bool definition = false;        // (component definition ...): compile only
  std::string text;               // Text and Quote
  std::vector<uint8_t> bytes;     // Binary
};

struct WastInvoke {
  std::optional<std::string> instance;  // `$name`; the current instance when absent
  std::string name;                     // "f", or "inst#f" for an export of an exported instance
  std::vector<WastValue> args;
};

struct WastDirective {
  enum class Kind : uint8_t {
    Component,         // component
    Instance,          // instance_id, definition_id
    Invoke,            // invoke
    AssertReturn,      // invoke, results (at most one)
    AssertTrap,        // invoke or component, message
    AssertInvalid,     // component, message
    AssertMalformed,   // component, message
    AssertUnlinkable,  // component, message
    Unsupported,       // problem
  };
  Kind kind = Kind::Unsupported;
  std::string keyword;  // the directive as written: "assert_return", "component", "module", ...
  sexpr::Position where;
  std::optional<WastComponent> component;
  std::optional<WastInvoke> invoke;
  std::optional<std::string> instance_id;
  std::optional<std::string> definition_id;  // absent: the most recent definition
  std::vector<WastValue> results;
  std::string message;  // the expected trap or error text
  std::string problem;  // Unsupported: why the directive cannot run

  // Assertions count as passed or failed; other directives only count when
  // they fail.
  bool is_assertion() const { return keyword.starts_with("assert_"); }
};

struct WastScript {
  std::vector<WastDirective> directives;
};

// Reads a script. Fails only when the text is not a well-formed sequence
// of s-expressions (the error starts with "LINE:COLUMN: ").
Expected<WastScript> parse_wast_script(std::string_view text);

}  // namespace fact::wast
