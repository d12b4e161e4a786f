// Which canonical options a function type requires (CanonicalABI.md,
// canonopt validation).
#include <vector>

#include "fact/abi.h"

namespace fact {
namespace {

// CanonicalABI.md's contains(T, p) for "is a string, list or map" (a map is
// a list of entries). Like the spec's `contains`, it looks into the payload
// types of futures and streams, although their values travel as table
// indices. Fixed-length lists only count through their elements.
bool contains_list_or_string(const TypeStore& store, TypeId root) {
  std::vector<TypeId> pending{root};
  while (!pending.empty()) {
    const TypeNode& node = store.get(pending.back());
    pending.pop_back();
    switch (node.kind) {
      case TypeKind::String:
      case TypeKind::List:
      case TypeKind::Map:
        return true;
      case TypeKind::FixedList:
      case TypeKind::Future:
      case TypeKind::Stream:
        if (node.element) pending.push_back(*node.element);
        break;
      case TypeKind::Record:
        for (const Field& field : node.fields) pending.push_back(field.type);
        break;
      case TypeKind::Tuple:
        pending.insert(pending.end(), node.elements.begin(), node.elements.end());
        break;
      case TypeKind::Variant:
      case TypeKind::Option:
      case TypeKind::Result:
        for (const Case& c : node.cases) {
          if (c.type) pending.push_back(*c.type);
        }
        break;
      default:
        break;
    }
  }
  return false;
}

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

}  // namespace

// CanonicalABI.md, "canonopt Validation", "canon lift" and "canon lower":
//   lower(T) needs `memory` if T contains a list or string (maps are lists
//   of entries); lift(T) needs `realloc` (and so `memory`) in that case.
//   canon lift lifts the parameters and lowers the result; it needs
//   `realloc` when the flat parameters exceed MAX_FLAT_PARAMS and `memory`
//   when the flat result exceeds MAX_FLAT_RESULTS (MAX_FLAT_PARAMS when
//   async).
//   canon lower lowers the parameters and lifts the result; it needs
//   `memory` when the flat parameters exceed MAX_FLAT_PARAMS
//   (MAX_FLAT_ASYNC_PARAMS when async), when the flat result exceeds
//   MAX_FLAT_RESULTS (any result when async: it is written through a
//   pointer), and always when async.
CanonRequirements canon_requirements(const TypeStore& store, FuncTypeId func, const SignatureOptions& lift,
                                     const SignatureOptions& lower) {
  const FuncType& type = store.get(func);
  std::vector<TypeId> params;
  for (const Param& param : type.params) params.push_back(param.type);
  std::vector<TypeId> results;
  if (type.result) results.push_back(*type.result);

  bool params_have_lists = any_contains_list_or_string(store, params);
  bool results_have_lists = any_contains_list_or_string(store, results);

  CanonRequirements needs;
  needs.lift.realloc = params_have_lists || overflows(store, params, lift.memory64, kMaxFlatParams);
  needs.lift.memory =
      needs.lift.realloc || results_have_lists ||
      overflows(store, results, lift.memory64, lift.is_async ? kMaxFlatParams : kMaxFlatResults);

  needs.lower.realloc = results_have_lists;
  needs.lower.memory =
      needs.lower.realloc || params_have_lists || lower.is_async ||
      overflows(store, params, lower.memory64,
                lower.is_async ? kMaxFlatAsyncParams : kMaxFlatParams) ||
      overflows(store, results, lower.memory64, kMaxFlatResults);
  return needs;
}

}  // namespace fact
