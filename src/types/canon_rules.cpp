#include "fact/canon_rules.h"

#include <unordered_set>
#include <vector>

namespace fact {
// CanonicalABI.md's contains(T, p) for "is a string, list or map" (a map is
// a list of entries), except that it does not look into the payload types
// of futures and streams: their values travel as table indices, and their
// elements are lifted and lowered with the options of stream.read/write,
// never with those of the function. wasm-tools' validator and Wasmtime
// agree (their async scripts lift `stream<list<u8>>` results without a
// memory); docs/divergences.md. Fixed-length lists only count through their
// elements. Each distinct type is visited once, however often it is shared.
bool contains_list_or_string(const TypeStore& store, TypeId root) {
  std::vector<TypeId> pending{root};
  std::unordered_set<uint32_t> seen{root.index};
  auto visit = [&](TypeId t) {
    if (seen.insert(t.index).second) pending.push_back(t);
  };
  while (!pending.empty()) {
    const TypeNode& node = store.get(pending.back());
    pending.pop_back();
    switch (node.kind) {
      case TypeKind::String:
      case TypeKind::List:
      case TypeKind::Map: return true;
      case TypeKind::FixedList: visit(*node.element); break;
      case TypeKind::Record:
        for (const Field& field : node.fields) visit(field.type);
        break;
      case TypeKind::Tuple:
        for (TypeId e : node.elements) visit(e);
        break;
      case TypeKind::Variant:
      case TypeKind::Option:
      case TypeKind::Result:
        for (const Case& c : node.cases) {
          if (c.type) visit(*c.type);
        }
        break;
      default: break;
    }
  }
  return false;
}

namespace {

Error error(std::string message) { return Error{std::move(message)}; }

bool any_contains_list_or_string(const TypeStore& store, const std::vector<TypeId>& types) {
  for (TypeId type : types) {
    if (contains_list_or_string(store, type)) return true;
  }
  return false;
}

bool overflows(const TypeStore& store, const std::vector<TypeId>& types, bool memory64,
               uint32_t max) {
  return !flatten_types(store, types, memory64, max).has_value();
}

OptionRequirement needed(bool yes, std::string reason) {
  return yes ? OptionRequirement{true, std::move(reason)} : OptionRequirement{};
}

// The first of several possible reasons that holds.
OptionRequirement first_of(std::initializer_list<OptionRequirement> reasons) {
  for (const OptionRequirement& r : reasons) {
    if (r.needed) return r;
  }
  return {};
}

}  // namespace

const char* canon_name(CanonSide side) {
  return side == CanonSide::Lift ? "canon lift" : "canon lower";
}

// canon lift lifts the parameters and lowers the result; it needs `realloc`
// when the parameters contain strings or lists or do not fit in
// MAX_FLAT_PARAMS flat values, and `memory` for that and when the result
// contains strings or lists or does not fit in MAX_FLAT_RESULTS
// (MAX_FLAT_PARAMS when async). canon lower lowers the parameters and lifts
// the result; it needs `realloc` when the result contains strings or lists,
// and `memory` for that, for parameters that contain them or do not fit in
// MAX_FLAT_PARAMS (MAX_FLAT_ASYNC_PARAMS when async), for a result that does
// not fit in MAX_FLAT_RESULTS, and when async for a result (written through
// a pointer). CanonicalABI.md asks for `memory` on every async lower; the
// Component Model's own tests lower result-less functions async without
// one, and so does fact (docs/divergences.md).
CanonRequirements canon_requirements(const TypeStore& store, FuncTypeId func,
                                     const SignatureOptions& lift, const SignatureOptions& lower) {
  const FuncType& type = store.get(func);
  std::vector<TypeId> params;
  for (const Param& param : type.params) params.push_back(param.type);
  std::vector<TypeId> results;
  if (type.result) results.push_back(*type.result);

  const bool params_have_lists = any_contains_list_or_string(store, params);
  const bool results_have_lists = any_contains_list_or_string(store, results);
  const std::string params_lists = "its parameters contain a string or list";
  const std::string result_lists = "its result contains a string or list";

  CanonRequirements needs;
  needs.lift.realloc = first_of(
      {needed(params_have_lists, params_lists + ", which it allocates in its memory"),
       needed(overflows(store, params, lift.memory64, kMaxFlatParams),
              "its parameters do not fit in flat values and are allocated in its memory")});
  needs.lift.memory =
      first_of({needs.lift.realloc, needed(results_have_lists, result_lists),
                needed(overflows(store, results, lift.memory64,
                                 lift.is_async ? kMaxFlatParams : kMaxFlatResults),
                       "its result does not fit in flat values and travels through memory")});

  needs.lower.realloc =
      needed(results_have_lists, result_lists + ", which it allocates in its memory");
  needs.lower.memory =
      first_of({needs.lower.realloc, needed(params_have_lists, params_lists),
                needed(lower.is_async && !results.empty(),
                       "an async lowering writes its result through a pointer"),
                needed(overflows(store, params, lower.memory64,
                                 lower.is_async ? kMaxFlatAsyncParams : kMaxFlatParams),
                       "its parameters do not fit in flat values and travel through memory"),
                needed(overflows(store, results, lower.memory64, kMaxFlatResults),
                       "its result does not fit in flat values and travels through memory")});
  return needs;
}

Expected<void> check_canon_options(const TypeStore& store, FuncTypeId func, CanonSide side,
                                   const OptionFacts& o) {
  const std::string canon = canon_name(side);
  const bool lift = side == CanonSide::Lift;
  if (o.post_return && !lift) {
    return error(canon +
                 ": canonical option `post-return` is not allowed (only `canon lift` "
                 "takes one)");
  }
  if (o.callback && !lift) {
    return error(canon +
                 ": canonical option `callback` is not allowed (only `canon lift` "
                 "takes one)");
  }
  // The async ABI is for functions whose type says they may block; a
  // callback only makes sense for an async lift (it is the lift's event
  // loop), and an async lift has no core results for a post-return to
  // free (they go through `task.return`). An async lift without a callback
  // is a stackful one.
  if (o.is_async && !store.get(func).is_async) {
    return error(canon + ": the `async` canonical option requires an async function type");
  }
  if (o.callback && !o.is_async) {
    return error(canon + ": canonical option `callback` requires `async` to also be specified");
  }
  if (o.post_return && o.is_async) {
    return error(canon + ": canonical option `post-return` cannot be used with `async`");
  }
  if (o.realloc && !o.memory) {
    return error(canon + ": canonical option `realloc` requires `memory` to also be specified");
  }
  if (o.memory && o.page_size_log2 != 16 && o.page_size_log2 != 0) {
    return error(canon + ": the memory has a page size of 2^" + std::to_string(o.page_size_log2) +
                 " bytes; only 1 and 65536 are valid page sizes");
  }
  const CanonRequirements needs = canon_requirements(store, func, o.signature(), o.signature());
  const OptionRequirements& need = lift ? needs.lift : needs.lower;
  if (need.memory.needed && !o.memory) {
    return error(canon + ": canonical option `memory` is required for `" +
                 to_string(store, func, kTypeMessageLimit) + "`: " + need.memory.reason);
  }
  if (need.realloc.needed && !o.realloc) {
    return error(canon + ": canonical option `realloc` is required for `" +
                 to_string(store, func, kTypeMessageLimit) + "`: " + need.realloc.reason);
  }
  return {};
}

wasm::FuncType realloc_type(bool memory64) {
  const wasm::ValType p = memory64 ? wasm::ValType::I64 : wasm::ValType::I32;
  return {{p, p, p, p}, {p}};
}

wasm::FuncType post_return_type(const CoreSignature& lift) { return {lift.results, {}}; }

namespace {

// Compares two types member by member. Pairs found equal are remembered, so
// that types sharing their members are compared in time proportional to the
// number of distinct pairs, not to the size of the unfolded tree.
class TypeComparison {
 public:
  TypeComparison(const TypeStore& store, HandleMatch handles) : store_(store), handles_(handles) {}

  std::optional<std::string> difference(TypeId a, TypeId b) {
    if (a == b) return std::nullopt;
    const uint64_t key = (uint64_t{a.index} << 32) | b.index;
    if (equal_.count(key)) return std::nullopt;
    auto d = compare(a, b);
    if (!d) equal_.insert(key);
    return d;
  }

 private:
  std::optional<std::string> compare(TypeId a_id, TypeId b_id);

  const TypeStore& store_;
  HandleMatch handles_;
  std::unordered_set<uint64_t> equal_;
};

std::optional<std::string> TypeComparison::compare(TypeId a_id, TypeId b_id) {
  const TypeNode& a = store_.get(a_id);
  const TypeNode& b = store_.get(b_id);
  auto differ = [](const std::string& what) -> std::optional<std::string> { return what; };
  auto inside = [](const std::string& where, const std::optional<std::string>& what) {
    return what ? std::optional<std::string>(where + ": " + *what) : std::nullopt;
  };
  if (a.kind != b.kind) {
    return differ(std::string("different kinds of type (") + kind_name(a.kind) + " and " +
                  kind_name(b.kind) + ")");
  }
  switch (a.kind) {
    case TypeKind::Record:
      if (a.fields.size() != b.fields.size()) return differ("different field counts");
      for (size_t i = 0; i < a.fields.size(); ++i) {
        if (a.fields[i].name != b.fields[i].name) return differ("different field names");
        if (auto d = difference(a.fields[i].type, b.fields[i].type)) {
          return inside("field `" + a.fields[i].name + "`", d);
        }
      }
      return std::nullopt;
    case TypeKind::Variant:
    case TypeKind::Option:
    case TypeKind::Result:
    case TypeKind::Enum:
      if (a.cases.size() != b.cases.size()) return differ("different case counts");
      for (size_t i = 0; i < a.cases.size(); ++i) {
        const Case& ca = a.cases[i];
        const Case& cb = b.cases[i];
        if (ca.name != cb.name) return differ("different case names");
        if (ca.type.has_value() != cb.type.has_value()) {
          return differ("case `" + ca.name + "` has a payload on one side only");
        }
        if (ca.type) {
          if (auto d = difference(*ca.type, *cb.type)) {
            return inside("the payload of case `" + ca.name + "`", d);
          }
        }
      }
      return std::nullopt;
    case TypeKind::Flags:
      if (a.labels != b.labels) return differ("different flag labels");
      return std::nullopt;
    case TypeKind::Tuple:
      if (a.elements.size() != b.elements.size()) return differ("different element counts");
      for (size_t i = 0; i < a.elements.size(); ++i) {
        if (auto d = difference(a.elements[i], b.elements[i])) {
          return inside("element " + std::to_string(i), d);
        }
      }
      return std::nullopt;
    case TypeKind::FixedList:
      if (a.length != b.length) return differ("different lengths");
      [[fallthrough]];
    case TypeKind::List:
    case TypeKind::Future:
    case TypeKind::Stream:
      if (a.element.has_value() != b.element.has_value()) return differ("different payloads");
      if (a.element) return inside("the element", difference(*a.element, *b.element));
      return std::nullopt;
    case TypeKind::Map:
      if (auto d = difference(a.key, b.key)) return inside("the key", d);
      return inside("the value", difference(a.value, b.value));
    case TypeKind::Own:
    case TypeKind::Borrow:
      if (handles_ == HandleMatch::SameResource && a.resource != b.resource) {
        return differ("the handles name different resources");
      }
      return std::nullopt;
    default:
      // Equal kinds without children are equal types.
      return std::nullopt;
  }
}

}  // namespace

std::optional<std::string> type_difference(const TypeStore& store, TypeId a, TypeId b,
                                           HandleMatch handles) {
  return TypeComparison(store, handles).difference(a, b);
}

std::optional<std::string> func_type_difference(const TypeStore& store, FuncTypeId a_id,
                                                FuncTypeId b_id, HandleMatch handles) {
  if (a_id == b_id) return std::nullopt;
  TypeComparison types(store, handles);
  const FuncType& a = store.get(a_id);
  const FuncType& b = store.get(b_id);
  if (a.is_async != b.is_async) return "one is `async` and the other is not";
  if (a.params.size() != b.params.size()) {
    return "different parameter counts (" + std::to_string(a.params.size()) + " and " +
           std::to_string(b.params.size()) + ")";
  }
  for (size_t i = 0; i < a.params.size(); ++i) {
    if (a.params[i].name != b.params[i].name) {
      return "parameter " + std::to_string(i) + " is named `" + a.params[i].name + "` and `" +
             b.params[i].name + "`";
    }
    if (auto d = types.difference(a.params[i].type, b.params[i].type)) {
      return "parameter `" + a.params[i].name + "`: " + *d;
    }
  }
  if (a.result.has_value() != b.result.has_value()) return "only one of them has a result";
  if (a.result) {
    if (auto d = types.difference(*a.result, *b.result)) return "the result: " + *d;
  }
  return std::nullopt;
}

Expected<void> check_result_has_no_borrow(const TypeStore& store, TypeId result) {
  if (!store.get(result).contains_borrow) return {};
  return error("function result cannot contain a `borrow` type (`" +
               to_string(store, result, kTypeMessageLimit) +
               "`): a borrowed handle may only be passed as a parameter");
}

}  // namespace fact
