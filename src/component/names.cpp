#include "fact/component/names.h"

#include <vector>

namespace fact::component {
namespace {

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t at = text.find(sep, start);
    if (at == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, at - start));
    start = at + 1;
  }
}

// Fragments of a label: all [0-9a-z] or all [0-9A-Z], non-empty.
bool is_fragment(std::string_view f, bool lower_only) {
  if (f.empty()) return false;
  bool lower = false, upper = false;
  for (char c : f) {
    if (is_lower(c)) {
      lower = true;
    } else if (is_upper(c)) {
      upper = true;
    } else if (!is_digit(c)) {
      return false;
    }
  }
  if (lower_only) return !upper;
  return !(lower && upper);
}

bool is_words(std::string_view text) {
  if (text.empty() || !is_lower(text[0])) return false;
  for (auto f : split(text, '-'))
    if (!is_fragment(f, true)) return false;
  return true;
}

bool is_numeric_identifier(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return s.size() == 1 || s[0] != '0';
}

bool is_semver_identifiers(std::string_view s, bool numeric_no_leading_zero) {
  for (auto id : split(s, '.')) {
    if (id.empty()) return false;
    bool all_digits = true;
    for (char c : id) {
      if (is_digit(c)) continue;
      all_digits = false;
      if (!is_lower(c) && !is_upper(c) && c != '-') return false;
    }
    if (numeric_no_leading_zero && all_digits && id.size() > 1 && id[0] == '0') return false;
  }
  return true;
}

// `valid semver` (semver.org 2.0): MAJOR.MINOR.PATCH, then an optional
// "-pre.release" and an optional "+build".
bool is_semver(std::string_view v) {
  std::string_view core = v;
  if (size_t plus = core.find('+'); plus != std::string_view::npos) {
    if (!is_semver_identifiers(core.substr(plus + 1), false)) return false;
    core = core.substr(0, plus);
  }
  if (size_t dash = core.find('-'); dash != std::string_view::npos) {
    if (!is_semver_identifiers(core.substr(dash + 1), true)) return false;
    core = core.substr(0, dash);
  }
  auto parts = split(core, '.');
  if (parts.size() != 3) return false;
  for (auto p : parts)
    if (!is_numeric_identifier(p)) return false;
  return true;
}

// `canonversion`: "N" (N > 0), "0.N" (N > 0), "0.0.N" (any N).
bool is_canonversion(std::string_view v) {
  auto parts = split(v, '.');
  for (auto p : parts)
    if (!is_numeric_identifier(p)) return false;
  if (parts.size() == 1) return parts[0] != "0";
  if (parts.size() == 2) return parts[0] == "0" && parts[1] != "0";
  if (parts.size() == 3) return parts[0] == "0" && parts[1] == "0";
  return false;
}

const NameAttribute* find_attribute(const ExternName& name, NameAttribute::Kind kind) {
  for (const auto& a : name.attributes)
    if (a.kind == kind) return &a;
  return nullptr;
}

// The version of an interface name together with its `versionsuffix`
// attribute (Explainer "Canonical Interface Name"): a suffix needs a
// canonversion, and the version (plus the suffix) must be a valid semver,
// so "@1" alone is rejected while "@1" with suffix ".2.3" is accepted.
std::optional<std::string> check_version(std::string_view version, const NameAttribute* suffix) {
  if (!suffix) {
    if (is_semver(version)) return std::nullopt;
    if (is_canonversion(version))
      return "version \"" + std::string(version) +
             "\" is not valid: a canonical version needs a versionsuffix attribute that completes "
             "it to a valid semver";
    return "version \"" + std::string(version) + "\" is not valid semver";
  }
  if (!is_canonversion(version))
    return "version \"" + std::string(version) +
           "\" is not valid with a versionsuffix attribute: the version must be canonical (\"N\", "
           "\"0.N\" or \"0.0.N\")";
  std::string full = std::string(version) + suffix->value;
  if (!is_semver(full))
    return "version \"" + std::string(version) + "\" with versionsuffix \"" + suffix->value +
           "\" is not valid: \"" + full + "\" is not a valid semver";
  return std::nullopt;
}

std::optional<std::string> parse_interface(ExternName& name, std::string_view text) {
  std::string_view rest = text;
  std::string_view version;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    version = rest.substr(at + 1);
    rest = rest.substr(0, at);
  }
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return "an interface name needs a '/'";
  std::string_view package = rest.substr(0, slash);
  std::string_view path = rest.substr(slash + 1);
  auto namespaces = split(package, ':');
  if (namespaces.size() < 2) return "an interface name needs a namespace (\"ns:pkg/iface\")";
  for (auto w : namespaces)
    if (!is_words(w)) return "\"" + std::string(w) + "\" is not a valid namespace or package name";
  for (auto p : split(path, '/'))
    if (!is_label(p)) return "\"" + std::string(p) + "\" is not a valid interface name";
  // Nested namespaces and projections are gated future syntax (🪺).
  if (namespaces.size() > 2)
    return "expected '/' after the package name \"" + std::string(namespaces[1]) +
           "\" (nested namespaces are not supported)";
  if (path.find('/') != std::string_view::npos)
    return "trailing characters after the interface name: \"" +
           std::string(path.substr(path.find('/'))) + "\" (nested projections are not supported)";
  if (!version.empty() || rest.size() != text.size()) {
    if (auto why = check_version(version, find_attribute(name, NameAttribute::Kind::VersionSuffix)))
      return why;
  } else if (find_attribute(name, NameAttribute::Kind::VersionSuffix)) {
    return "a versionsuffix attribute needs an interface name with a version";
  }
  name.kind = NameKind::Interface;
  name.package = std::string(package);
  name.interface = std::string(path);
  name.version = std::string(version);
  return std::nullopt;
}

// "r.f" of [method] and [static].
std::optional<std::string> parse_resource_func(ExternName& name, std::string_view text) {
  size_t dot = text.find('.');
  if (dot == std::string_view::npos) return "expected \"resource.function\" after the annotation";
  std::string_view resource = text.substr(0, dot);
  std::string_view func = text.substr(dot + 1);
  if (!is_label(resource)) return "\"" + std::string(resource) + "\" is not a valid label";
  if (!is_label(func)) return "\"" + std::string(func) + "\" is not a valid label";
  name.resource = std::string(resource);
  name.label = std::string(func);
  return std::nullopt;
}

struct Prefixed {
  std::string_view prefix;
  NameKind kind;
};

}  // namespace

bool is_label(std::string_view text) {
  if (text.empty() || !(is_lower(text[0]) || is_upper(text[0]))) return false;
  for (auto f : split(text, '-'))
    if (!is_fragment(f, false)) return false;
  return true;
}

namespace {

std::optional<std::string> parse_text(ExternName& name) {
  std::string_view text = name.text;
  if (text.empty()) return "a name may not be empty";

  // Dependency and URL forms: "kind=<...>". Their content is opaque here.
  static constexpr Prefixed kBracketed[] = {
      {"url=<", NameKind::Url},
      {"relative-url=<", NameKind::RelativeUrl},
      {"integrity=<", NameKind::Integrity},
      {"locked-dep=<", NameKind::LockedDep},
      {"unlocked-dep=<", NameKind::UnlockedDep},
  };
  for (const auto& p : kBracketed) {
    if (text.starts_with(p.prefix)) {
      if (!text.ends_with('>') || text.size() <= p.prefix.size())
        return "expected a closing '>' in \"" + std::string(text) + "\"";
      name.kind = p.kind;
      return std::nullopt;
    }
  }

  if (text.starts_with('[')) {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return "unterminated '[' annotation";
    std::string_view annotation = text.substr(0, close + 1);
    std::string_view rest = text.substr(close + 1);
    if (annotation == "[constructor]") {
      if (!is_label(rest)) return "\"" + std::string(rest) + "\" is not a valid label";
      name.kind = NameKind::Constructor;
      name.resource = std::string(rest);
      return std::nullopt;
    }
    if (annotation == "[async]") {
      if (!is_label(rest)) return "\"" + std::string(rest) + "\" is not a valid label";
      name.kind = NameKind::AsyncLabel;
      name.label = std::string(rest);
      return std::nullopt;
    }
    static constexpr Prefixed kResourceFuncs[] = {
        {"[method]", NameKind::Method},
        {"[static]", NameKind::Static},
        {"[async method]", NameKind::AsyncMethod},
        {"[async static]", NameKind::AsyncStatic},
    };
    for (const auto& p : kResourceFuncs) {
      if (annotation == p.prefix) {
        name.kind = p.kind;
        return parse_resource_func(name, rest);
      }
    }
    return "unknown annotation " + std::string(annotation);
  }

  if (text.find(':') != std::string_view::npos) return parse_interface(name, text);
  if (!is_label(text))
    return "\"" + std::string(text) + "\" is not a valid kebab-case label or interface name";
  name.kind = NameKind::Label;
  name.label = std::string(text);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> parse_extern_name(ExternName& name) {
  if (auto why = parse_text(name)) return why;
  if (name.kind != NameKind::Interface && find_attribute(name, NameAttribute::Kind::VersionSuffix))
    return "a versionsuffix attribute is not valid on a plain name (it needs an interface name "
           "with a version)";
  if (const auto* impl = find_attribute(name, NameAttribute::Kind::Implements)) {
    ExternName target;
    target.text = impl->value;
    if (auto why = parse_text(target))
      return "the implements attribute \"" + impl->value + "\" is not a valid name: " + *why;
    if (target.kind != NameKind::Interface)
      return "the implements attribute \"" + impl->value +
             "\" must be an interface name (\"ns:pkg/iface\")";
  }
  return std::nullopt;
}

bool is_resource_annotation(NameKind kind) {
  switch (kind) {
    case NameKind::Constructor:
    case NameKind::Method:
    case NameKind::Static:
    case NameKind::AsyncMethod:
    case NameKind::AsyncStatic: return true;
    default: return false;
  }
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (is_upper(c)) c = char(c - 'A' + 'a');
  return out;
}

std::string unique_key(const ExternName& name) {
  switch (name.kind) {
    case NameKind::Method:
    case NameKind::Static:
    case NameKind::AsyncMethod:
    case NameKind::AsyncStatic: {
      std::string resource = lowercase(name.resource);
      std::string func = lowercase(name.label);
      if (resource == func) return func;
      return resource + "." + func;
    }
    case NameKind::AsyncLabel: return lowercase(name.label);
    case NameKind::Constructor: return "[constructor]" + lowercase(name.resource);
    default: return lowercase(name.text);
  }
}

std::optional<std::string> check_name_sort(const ExternName& name, Sort sort) {
  if (is_resource_annotation(name.kind) && sort != Sort::Func)
    return "\"" + name.text + "\" is not a func: [constructor], [method] and [static] names " +
           "may only name functions, found a " + sort_name(sort);
  if (find_attribute(name, NameAttribute::Kind::Implements)) {
    if (sort != Sort::Instance)
      return "\"" + name.text +
             "\" has an implements attribute, so it must be an instance, found a " +
             sort_name(sort);
    if (name.kind != NameKind::Label)
      return "\"" + name.text + "\" has an implements attribute, so it must have a plain name";
  }
  return std::nullopt;
}

}  // namespace fact::component
