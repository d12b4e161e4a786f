// The name grammar of imports, exports and type labels (Explainer.md,
// "Import and Export Definitions"; frontend-reference §1.5).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "component/ast.h"

namespace fact::component {

// A kebab-case `label`: fragments separated by '-', each all-lowercase or
// all-uppercase (digits allowed), the first starting with a letter.
bool is_label(std::string_view text);

// Fills the parsed fields of `name` (kind, label, resource, package,
// interface, version) from name.text, or returns why the text is not a valid
// `externname`.
std::optional<std::string> parse_extern_name(ExternName& name);

}  // namespace fact::component
