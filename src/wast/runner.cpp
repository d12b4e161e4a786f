#include "fact/wast/runner.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <utility>

#include "fact/component/adapters.h"
#include "fact/component/plan.h"
#include "fact/component/reader.h"
#include "fact/runner/component_runner.h"
#include "fact/wasm/cursor.h"
#include "host.h"

namespace fact::wast {
namespace {

using runner::CallResult;
using runner::ComponentRunner;

using Kind = WastDirective::Kind;

// Messages go on one output line.
std::string one_line(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += "; ";
    } else if (c != '\r') {
      out += c;
    }
  }
  while (out.ends_with("; ")) out.resize(out.size() - 2);
  return out;
}

// A compiled component: read, inlined, adapters compiled, planned. The
// runner keeps references into both, so they live behind a shared pointer
// as long as any instance of them.
struct Compiled {
  component::ComponentResult result;
  component::Plan plan;
};

struct Instance {
  std::shared_ptr<const Compiled> compiled;
  std::unique_ptr<ComponentRunner> runner;
};

// A name's binding: what it names, or why the directive that should have
// made it failed.
template <class T>
struct Slot {
  std::shared_ptr<T> value;
  std::string failure;
  sexpr::Position where;
};

Expected<std::shared_ptr<const Compiled>> compile(const std::vector<uint8_t>& bytes) {
  auto result = runner::read_valid_component(bytes);
  if (!result) return result.error();
  auto compiled = std::make_shared<Compiled>(Compiled{std::move(*result), {}});
  auto plan = component::build_plan(compiled->result);
  if (!plan) return plan.error();
  compiled->plan = std::move(*plan);
  return std::shared_ptr<const Compiled>(std::move(compiled));
}

Expected<std::shared_ptr<Instance>> instantiate(std::shared_ptr<const Compiled> compiled) {
  auto runner = ComponentRunner::create(compiled->result, compiled->plan, nullptr, wast_host());
  if (!runner) return runner.error();
  auto instance = std::make_shared<Instance>();
  instance->compiled = std::move(compiled);
  instance->runner = std::move(*runner);
  return instance;
}

// The outcome of an invoke that could be made.
struct Called {
  CallResult call;
  const TypeStore* store = nullptr;
  const FuncType* type = nullptr;
};

class Runner {
 public:
  Runner(const WastScript& script, const WastRunOptions& options, std::ostream& out)
      : script_(script), options_(options), out_(out) {}

  Expected<WastTally> run(const TextConverter& convert) {
    if (auto r = convert_texts(convert); !r) return r.error();
    for (size_t i = 0; i < script_.directives.size(); ++i) {
      const WastDirective& d = script_.directives[i];
      if (options_.verbose) out_ << location(d) << ": " << d.keyword << "\n";
      std::optional<std::string> failure = execute(i, d);
      if (failure) {
        out_ << location(d) << ": " << d.keyword << ": " << one_line(*failure) << "\n";
        ++tally_.failed;
      } else if (d.is_assertion()) {
        ++tally_.passed;
      }
    }
    return tally_;
  }

 private:
  std::string location(const WastDirective& d) const {
    return options_.path + ":" + sexpr::to_string(d.where);
  }

  void note(const WastDirective& d, const std::string& text) {
    if (options_.verbose) out_ << location(d) << ": note: " << one_line(text) << "\n";
  }

  Expected<void> convert_texts(const TextConverter& convert) {
    std::vector<std::string> texts;
    text_of_.assign(script_.directives.size(), std::nullopt);
    for (size_t i = 0; i < script_.directives.size(); ++i) {
      const std::optional<WastComponent>& c = script_.directives[i].component;
      if (!c || c->form == WastComponent::Form::Binary) continue;
      text_of_[i] = texts.size();
      texts.push_back(c->text);
    }
    if (texts.empty()) return {};
    if (!convert)
      return Error{"the script has text components, but no text-to-binary converter is available"};
    auto converted = convert(texts);
    if (!converted) return converted.error();
    if (converted->size() != texts.size()) {
      return Error{"internal error: the text converter returned " +
                   std::to_string(converted->size()) + " results for " +
                   std::to_string(texts.size()) + " texts"};
    }
    converted_ = std::move(*converted);
    return {};
  }

  // The bytes of directive i's component.
  Expected<std::vector<uint8_t>> bytes_of(size_t i, const WastComponent& c) const {
    if (c.form == WastComponent::Form::Binary) return c.bytes;
    const Expected<std::vector<uint8_t>>& converted = converted_.at(*text_of_[i]);
    if (!converted) return Error{"cannot convert the text to binary: " + converted.error().message};
    return *converted;
  }

  std::optional<std::string> execute(size_t i, const WastDirective& d) {
    switch (d.kind) {
      case Kind::Component: return component(i, d);
      case Kind::Instance: return instance(d);
      case Kind::Invoke: {
        auto called = invoke(*d.invoke);
        if (!called) return called.error().message;
        if (called->call.trap) return "unexpected trap: " + *called->call.trap;
        return std::nullopt;
      }
      case Kind::AssertReturn: return assert_return(d);
      case Kind::AssertTrap: return d.invoke ? assert_trap_invoke(d) : assert_trap_component(i, d);
      case Kind::AssertInvalid:
      case Kind::AssertMalformed: return assert_rejected(i, d);
      case Kind::AssertUnlinkable: return assert_unlinkable(i, d);
      case Kind::Unsupported: return d.problem;
    }
    return "internal error: unknown directive";
  }

  std::optional<std::string> component(size_t i, const WastDirective& d) {
    const WastComponent& c = *d.component;
    auto fail = [&](std::string why) -> std::optional<std::string> {
      if (c.id) definitions_[*c.id] = {nullptr, why, d.where};
      if (!c.definition) {
        current_ = {nullptr, why, d.where};
        if (c.id) instances_[*c.id] = current_;
      } else {
        last_definition_ = {nullptr, why, d.where};
      }
      return why;
    };
    auto bytes = bytes_of(i, c);
    if (!bytes) return fail(bytes.error().message);
    auto compiled = compile(*bytes);
    if (!compiled) return fail("the component is rejected: " + compiled.error().message);
    Slot<const Compiled> definition{*compiled, "", d.where};
    if (c.id) definitions_[*c.id] = definition;
    if (c.definition) {
      last_definition_ = definition;
      return std::nullopt;
    }
    auto instance = instantiate(*compiled);
    if (!instance) return fail("cannot instantiate the component: " + instance.error().message);
    current_ = {*instance, "", d.where};
    if (c.id) instances_[*c.id] = current_;
    return std::nullopt;
  }

  std::optional<std::string> instance(const WastDirective& d) {
    const Slot<const Compiled>* definition = &last_definition_;
    if (d.definition_id) {
      auto it = definitions_.find(*d.definition_id);
      if (it == definitions_.end())
        return "no component definition named `" + *d.definition_id + "`";
      definition = &it->second;
    }
    std::string failure;
    if (!definition->value) {
      failure = definition->failure.empty() ? std::string("no component definition to instantiate")
                                            : "the component definition at " +
                                                  sexpr::to_string(definition->where) + " failed";
    } else if (auto instance = instantiate(definition->value); !instance) {
      failure = "cannot instantiate the component: " + instance.error().message;
    } else {
      current_ = {*instance, "", d.where};
      if (d.instance_id) instances_[*d.instance_id] = current_;
      return std::nullopt;
    }
    current_ = {nullptr, failure, d.where};
    if (d.instance_id) instances_[*d.instance_id] = current_;
    return failure;
  }

  Expected<Called> invoke(const WastInvoke& call) {
    const Slot<Instance>* slot = &current_;
    if (call.instance) {
      auto it = instances_.find(*call.instance);
      if (it == instances_.end()) return Error{"no instance named `" + *call.instance + "`"};
      slot = &it->second;
    }
    if (!slot->value) {
      if (slot->failure.empty())
        return Error{"no component instance to invoke `" + call.name + "` on"};
      return Error{"the component instance made at " + sexpr::to_string(slot->where) +
                   " failed, so `" + call.name + "` cannot be invoked"};
    }
    Instance& instance = *slot->value;
    const component::PlanExport* e = instance.runner->find_export(call.name);
    if (!e) {
      std::vector<std::string> sorted;
      for (const component::PlanExport& x : instance.compiled->plan.exports)
        sorted.push_back(x.name);
      std::sort(sorted.begin(), sorted.end());
      std::string names;
      for (const std::string& name : sorted) names += (names.empty() ? "`" : ", `") + name + "`";
      return Error{"the instance has no exported function `" + call.name +
                   "` (exports: " + (names.empty() ? "none" : names) + ")"};
    }
    const TypeStore& store = instance.runner->types();
    const FuncType& type = store.get(e->type);
    if (call.args.size() != type.params.size()) {
      return Error{"`" + call.name + "` (" + to_string(store, e->type, kTypeMessageLimit) +
                   ") takes " + std::to_string(type.params.size()) + " arguments, " +
                   std::to_string(call.args.size()) + " given"};
    }
    std::vector<Value> args;
    for (size_t a = 0; a < call.args.size(); ++a) {
      auto value = typed_value(store, type.params[a].type, call.args[a]);
      if (!value)
        return Error{"argument " + std::to_string(a + 1) + " of `" + call.name +
                     "`: " + value.error().message};
      args.push_back(std::move(*value));
    }
    auto result = instance.runner->call(*e, args);
    if (!result) return result.error();
    return Called{std::move(*result), &store, &type};
  }

  static std::string returned(const Called& c) {
    if (!c.call.result || !c.type->result) return "nothing";
    return print_wast(*c.store, *c.type->result, *c.call.result);
  }

  std::optional<std::string> assert_return(const WastDirective& d) {
    auto called = invoke(*d.invoke);
    if (!called) return called.error().message;
    const std::optional<TypeId>& result_type = called->type->result;
    std::optional<Value> expected;
    std::string expected_text = "no result";
    if (!d.results.empty()) {
      if (!result_type) return "`" + d.invoke->name + "` returns nothing, but a result is expected";
      auto value = typed_value(*called->store, *result_type, d.results[0]);
      if (!value) return "the expected result: " + value.error().message;
      expected = std::move(*value);
      expected_text = print_wast(*called->store, *result_type, *expected);
    }
    if (called->call.trap)
      return "expected " + expected_text + ", got a trap: " + wast_string(*called->call.trap);
    if (!expected) {
      if (called->call.result) return "expected no result, got " + returned(*called);
      return std::nullopt;
    }
    if (!called->call.result) return "expected " + expected_text + ", got nothing";
    if (!values_match(*expected, *called->call.result))
      return "expected " + expected_text + ", got " + returned(*called);
    return std::nullopt;
  }

  std::optional<std::string> assert_trap_invoke(const WastDirective& d) {
    auto called = invoke(*d.invoke);
    if (!called) return called.error().message;
    if (!called->call.trap) return "expected a trap, returned " + returned(*called);
    if (called->call.trap->find(d.message) == std::string::npos) {
      return "expected a trap containing " + wast_string(d.message) + ", got " +
             wast_string(*called->call.trap);
    }
    return std::nullopt;
  }

  std::optional<std::string> assert_trap_component(size_t i, const WastDirective& d) {
    auto bytes = bytes_of(i, *d.component);
    if (!bytes) return bytes.error().message;
    auto compiled = compile(*bytes);
    if (!compiled)
      return "expected a trap during instantiation, but the component is rejected: " +
             compiled.error().message;
    auto instance = instantiate(*compiled);
    if (instance) return "expected a trap during instantiation, but the component was instantiated";
    const std::string& got = instance.error().message;
    if (got.find(d.message) == std::string::npos) {
      return "expected a trap containing " + wast_string(d.message) + ", got " + wast_string(got);
    }
    return std::nullopt;
  }

  // assert_invalid and assert_malformed: fact's messages are its own, so
  // any rejection passes; with --verbose a differing message is noted.
  std::optional<std::string> assert_rejected(size_t i, const WastDirective& d) {
    const std::string what = d.kind == Kind::AssertInvalid ? "an invalid" : "a malformed";
    auto bytes = bytes_of(i, *d.component);
    if (!bytes) {
      note_mismatch(d, bytes.error().message);
      return std::nullopt;
    }
    auto compiled = compile(*bytes);
    if (!compiled) {
      note_mismatch(d, compiled.error().message);
      return std::nullopt;
    }
    return "expected " + what + " component (" + wast_string(d.message) + "), but it is accepted";
  }

  std::optional<std::string> assert_unlinkable(size_t i, const WastDirective& d) {
    auto bytes = bytes_of(i, *d.component);
    if (!bytes) return bytes.error().message;
    auto compiled = compile(*bytes);
    if (!compiled) {
      return "expected an unlinkable component (" + wast_string(d.message) +
             "), but it is rejected: " + compiled.error().message;
    }
    auto instance = instantiate(*compiled);
    if (instance) {
      return "expected an unlinkable component (" + wast_string(d.message) +
             "), but it was instantiated";
    }
    note_mismatch(d, instance.error().message);
    return std::nullopt;
  }

  void note_mismatch(const WastDirective& d, const std::string& got) {
    if (got.find(d.message) == std::string::npos) {
      note(d, "expected " + wast_string(d.message) + ", got " + wast_string(one_line(got)));
    }
  }

  const WastScript& script_;
  const WastRunOptions& options_;
  std::ostream& out_;
  WastTally tally_;
  std::vector<std::optional<size_t>> text_of_;  // by directive: index into converted_
  std::vector<Expected<std::vector<uint8_t>>> converted_;
  std::map<std::string, Slot<const Compiled>> definitions_;
  std::map<std::string, Slot<Instance>> instances_;
  Slot<const Compiled> last_definition_;
  Slot<Instance> current_;
};

}  // namespace

Expected<WastTally> run_wast_script(const WastScript& script, const TextConverter& convert,
                                    const WastRunOptions& options, std::ostream& out) {
  return Runner(script, options, out).run(convert);
}

}  // namespace fact::wast
