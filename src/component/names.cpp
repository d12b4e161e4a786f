#include "component/names.h"

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

// `valid semver`, or a `canonversion` ("1", "0.2", "0.0.3").
bool is_version(std::string_view v) {
  std::string_view core = v;
  std::string_view pre, build;
  if (size_t plus = core.find('+'); plus != std::string_view::npos) {
    build = core.substr(plus + 1);
    core = core.substr(0, plus);
    if (!is_semver_identifiers(build, false)) return false;
  }
  if (size_t dash = core.find('-'); dash != std::string_view::npos) {
    pre = core.substr(dash + 1);
    core = core.substr(0, dash);
    if (!is_semver_identifiers(pre, true)) return false;
  }
  auto parts = split(core, '.');
  for (auto p : parts)
    if (!is_numeric_identifier(p)) return false;
  if (parts.size() == 3) return true;
  // Canonical versions carry no pre-release or build part.
  if (!pre.empty() || !build.empty() || v.find_first_of("+-") != std::string_view::npos) return false;
  if (parts.size() == 1) return parts[0] != "0";
  if (parts.size() == 2) return parts[0] == "0" && parts[1] != "0";
  return false;
}

std::optional<std::string> parse_interface(ExternName& name, std::string_view text) {
  std::string_view rest = text;
  std::string_view version;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    version = rest.substr(at + 1);
    rest = rest.substr(0, at);
    if (!is_version(version)) return "\"" + std::string(version) + "\" is not a valid version";
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

std::optional<std::string> parse_extern_name(ExternName& name) {
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
    return "\"" + std::string(text) +
           "\" is not a valid kebab-case label or interface name";
  name.kind = NameKind::Label;
  name.label = std::string(text);
  return std::nullopt;
}

}  // namespace fact::component
