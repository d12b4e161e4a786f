// The name grammar of imports, exports and type labels (Explainer.md,
// "Import and Export Definitions").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "fact/component/ast.h"

namespace fact::component {

// A kebab-case `label`: fragments separated by '-', each all-lowercase or
// all-uppercase (digits allowed), the first starting with a letter.
bool is_label(std::string_view text);

// Fills the parsed fields of `name` (kind, label, resource, package,
// interface, version) from name.text, or returns why the text is not a valid
// `externname`.
std::optional<std::string> parse_extern_name(ExternName& name);

// [constructor], [method], [static] and their async forms: names that refer
// to a resource of the same scope.
bool is_resource_annotation(NameKind kind);

// ASCII lowercase, the case folding of strong uniqueness.
std::string lowercase(std::string_view text);

// The canonical form under which two names of one scope must differ to be
// strongly unique (Explainer "Name Uniqueness"): acronyms lowercased,
// "[method]l.l"/"[static]l.l" reduced to "l", and every annotation except
// [constructor] stripped. `name` must have been parsed.
std::string unique_key(const ExternName& name);

// The sort-dependent name rules (Binary.md, import and export definitions):
// resource annotations only on functions, `implements` only on instances
// with a plain name.
std::optional<std::string> check_name_sort(const ExternName& name, Sort sort);

}  // namespace fact::component
