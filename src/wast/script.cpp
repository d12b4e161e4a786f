#include "fact/wast/script.h"

#include <utility>
#include <variant>

namespace fact::wast {
namespace {

using Kind = WastDirective::Kind;
using sexpr::Node;

// A problem inside a directive: where and what.
struct Problem {
  sexpr::Position where;
  std::string message;
  bool message_has_position = false;  // errors of parse_wast_value start with one
};

template <class T>
using Parsed = std::variant<T, Problem>;

Problem problem(const Node& node, std::string message) {
  return Problem{node.span.begin, std::move(message)};
}

// `(component ...)` in any of its forms. `text` is the whole script, from
// which a text component is sliced.
Parsed<WastComponent> parse_component(const Node& node, std::string_view text,
                                      bool allow_definition) {
  WastComponent out;
  const std::vector<Node>& items = node.items;
  size_t i = 1;
  std::optional<size_t> definition_end;
  if (i < items.size() && items[i].is_atom("definition")) {
    if (!allow_definition) return problem(items[i], "a component definition is not allowed here");
    out.definition = true;
    definition_end = items[i].span.end.offset;
    ++i;
  }
  if (i < items.size() && items[i].is_id()) out.id = items[i++].text;
  const bool binary = i < items.size() && items[i].is_atom("binary");
  const bool quote = i < items.size() && items[i].is_atom("quote");
  if (binary || quote) {
    out.form = binary ? WastComponent::Form::Binary : WastComponent::Form::Quote;
    std::string joined;
    for (size_t k = i + 1; k < items.size(); ++k) {
      if (!items[k].is_string()) {
        return problem(items[k], std::string("`component ") + (binary ? "binary" : "quote") +
                                     "` takes only strings");
      }
      if (binary) {
        out.bytes.insert(out.bytes.end(), items[k].text.begin(), items[k].text.end());
      } else {
        // As the wast crate: the pieces joined by spaces.
        joined += (k > i + 1 ? " " : "") + items[k].text;
      }
    }
    if (quote) out.text = "(component " + joined + ")";
    return out;
  }
  out.form = WastComponent::Form::Text;
  const std::string_view whole = sexpr::slice(text, node.span);
  if (definition_end) {
    // `(component definition $id ...)` is `(component $id ...)` in the
    // component text format.
    const size_t rest = *definition_end - node.span.begin.offset;
    out.text = "(component" + std::string(whole.substr(rest));
  } else {
    out.text = std::string(whole);
  }
  return out;
}

Parsed<WastInvoke> parse_invoke(const Node& node) {
  WastInvoke out;
  const std::vector<Node>& items = node.items;
  size_t i = 1;
  if (i < items.size() && items[i].is_id()) out.instance = items[i++].text;
  if (i >= items.size() || !items[i].is_string())
    return problem(node, "`invoke` needs the export name as a string");
  out.name = items[i++].text;
  for (; i < items.size(); ++i) {
    auto value = parse_wast_value(items[i]);
    if (!value) return Problem{items[i].span.begin, value.error().message, true};
    out.args.push_back(std::move(*value));
  }
  return out;
}

// The expected message that ends an assertion.
Parsed<std::string> trailing_message(const Node& node) {
  if (node.items.size() != 3 || !node.items[2].is_string()) {
    return problem(node, "`" + std::string(node.head()) + "` takes a form and a message string");
  }
  return node.items[2].text;
}

// The first argument of an assertion, which must be a component.
Parsed<WastComponent> component_argument(const Node& node, std::string_view text) {
  if (node.items.size() < 2 || node.items[1].head() != "component") {
    const std::string found =
        node.items.size() < 2 ? "nothing" : "`" + std::string(node.items[1].head()) + "`";
    return problem(node, "expected a `(component ...)`, found " + found);
  }
  return parse_component(node.items[1], text, false);
}

// Fills `d` from `node`; a Problem turns it into an Unsupported directive.
std::optional<Problem> fill(WastDirective& d, const Node& node, std::string_view text) {
  const std::string_view head = node.head();
  auto take_component = [&](Parsed<WastComponent> c) -> std::optional<Problem> {
    if (auto* p = std::get_if<Problem>(&c)) return *p;
    d.component = std::move(std::get<WastComponent>(c));
    return std::nullopt;
  };
  auto take_invoke = [&](const Node& n) -> std::optional<Problem> {
    auto parsed = parse_invoke(n);
    if (auto* p = std::get_if<Problem>(&parsed)) return *p;
    d.invoke = std::move(std::get<WastInvoke>(parsed));
    return std::nullopt;
  };
  auto take_message = [&]() -> std::optional<Problem> {
    auto parsed = trailing_message(node);
    if (auto* p = std::get_if<Problem>(&parsed)) return *p;
    d.message = std::move(std::get<std::string>(parsed));
    return std::nullopt;
  };

  if (head == "component") {
    if (node.items.size() > 1 && node.items[1].is_atom("instance")) {
      d.kind = Kind::Instance;
      d.keyword = "component instance";
      size_t i = 2;
      if (i < node.items.size() && node.items[i].is_id()) d.instance_id = node.items[i++].text;
      if (i < node.items.size() && node.items[i].is_id()) d.definition_id = node.items[i++].text;
      if (i != node.items.size())
        return problem(node.items[i], "expected `(component instance $instance? $definition?)`");
      return std::nullopt;
    }
    d.kind = Kind::Component;
    return take_component(parse_component(node, text, true));
  }
  if (head == "invoke") {
    d.kind = Kind::Invoke;
    return take_invoke(node);
  }
  if (head == "assert_return") {
    d.kind = Kind::AssertReturn;
    if (node.items.size() < 2 || node.items[1].head() != "invoke") {
      return problem(node, "`assert_return` supports only `(invoke ...)` actions");
    }
    if (auto p = take_invoke(node.items[1])) return p;
    for (size_t i = 2; i < node.items.size(); ++i) {
      auto value = parse_wast_value(node.items[i]);
      if (!value) return Problem{node.items[i].span.begin, value.error().message, true};
      d.results.push_back(std::move(*value));
    }
    if (d.results.size() > 1)
      return problem(node.items[3], "component functions have at most one result");
    return std::nullopt;
  }
  if (head == "assert_trap") {
    d.kind = Kind::AssertTrap;
    if (node.items.size() >= 2 && node.items[1].head() == "invoke") {
      if (auto p = take_invoke(node.items[1])) return p;
    } else if (auto p = take_component(component_argument(node, text))) {
      return p;
    }
    return take_message();
  }
  if (head == "assert_invalid" || head == "assert_malformed" || head == "assert_unlinkable") {
    d.kind = head == "assert_invalid"     ? Kind::AssertInvalid
             : head == "assert_malformed" ? Kind::AssertMalformed
                                          : Kind::AssertUnlinkable;
    if (auto p = take_component(component_argument(node, text))) return p;
    return take_message();
  }
  return problem(node, "unsupported directive `" + std::string(head) + "`");
}

}  // namespace

Expected<WastScript> parse_wast_script(std::string_view text) {
  auto forms = sexpr::parse(text);
  if (!forms) return forms.error();
  WastScript script;
  for (const Node& node : *forms) {
    WastDirective d;
    d.where = node.span.begin;
    d.keyword = std::string(node.head());
    std::optional<Problem> p;
    if (!node.is_list() || d.keyword.empty()) {
      d.keyword = "script";
      p = problem(node, "expected a directive such as `(component ...)` or `(assert_return ...)`");
    } else {
      p = fill(d, node, text);
    }
    if (p) {
      d = WastDirective{};
      d.kind = Kind::Unsupported;
      d.where = node.span.begin;
      d.keyword = node.is_list() && !node.head().empty() ? std::string(node.head()) : "script";
      const bool at_start = p->message_has_position || p->where.offset == node.span.begin.offset;
      d.problem = at_start ? p->message : sexpr::to_string(p->where) + ": " + p->message;
    }
    script.directives.push_back(std::move(d));
  }
  return script;
}

}  // namespace fact::wast
