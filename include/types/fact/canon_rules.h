// The rules a `canon lift` or `canon lower` must follow that depend on the
// function type and the canonical options (CanonicalABI.md, "canonopt
// validation", canon_lift and canon_lower), and type equality between a
// lifted function and its lowering. The component front end and
// AdapterModule::adapt both check them here, so each rule has one wording.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "fact/abi.h"
#include "fact/error.h"
#include "fact/types.h"
#include "fact/wasm/types.h"

namespace fact {

enum class CanonSide : uint8_t { Lift, Lower };

// "canon lift" or "canon lower": how every message names the side.
const char* canon_name(CanonSide side);

// What the rules need to know about one side's canonical options.
struct OptionFacts {
  bool memory = false;
  bool memory64 = false;
  uint8_t page_size_log2 = 16;  // of the memory
  bool realloc = false;
  bool post_return = false;
  bool is_async = false;
  bool callback = false;

  SignatureOptions signature() const { return {memory64, is_async, callback}; }
};

struct OptionRequirement {
  bool needed = false;
  // Why, for messages ("the parameters contain a string or list").
  std::string reason;
};

struct OptionRequirements {
  OptionRequirement memory;
  OptionRequirement realloc;
};

struct CanonRequirements {
  OptionRequirements lift;   // canon lift of the function
  OptionRequirements lower;  // canon lower of the function
};

// Whether a value of `type` holds a string or list (or map) anywhere: it
// then needs a memory wherever it is lifted or lowered.
bool contains_list_or_string(const TypeStore& store, TypeId type);

// The `memory` and `realloc` options that `canon lift` and `canon lower` of
// `func` must have: lowering a value that contains a string or list needs
// `memory`, lifting one needs `realloc` (and so `memory`), and parameters
// or results that do not fit in flat values need them too.
CanonRequirements canon_requirements(const TypeStore& store, FuncTypeId func,
                                     const SignatureOptions& lift, const SignatureOptions& lower);

// Checks the options of the `side` of `func`: `post-return` and `callback`
// only on lifts, `async` only on async function types, `callback` only
// with `async`, never `post-return` with `async`, `realloc` only with
// `memory`, valid page sizes, and the
// `memory` and `realloc` that canon_requirements asks for. Errors start
// with canon_name(side).
Expected<void> check_canon_options(const TypeStore& store, FuncTypeId func, CanonSide side,
                                   const OptionFacts& options);

// The core function types of the functions options name.
wasm::FuncType realloc_type(bool memory64);
// post-return takes what the lifted core function returned.
wasm::FuncType post_return_type(const CoreSignature& lift);

// How handles compare in type equality.
enum class HandleMatch : uint8_t {
  // own<r> and own<s> are equal only for the same resource (types of one
  // scope, where `resource` names the resource).
  SameResource,
  // Any two handles of the same kind are equal (the two sides of an
  // adapter, where `resource` names each side's own table).
  SameKind,
};

// Where two value or function types differ, in words ("parameter `a`: the
// kinds of type differ"), or nullopt when they are equal. There is no
// subtyping: types must be equal member by member.
std::optional<std::string> type_difference(const TypeStore& store, TypeId a, TypeId b,
                                           HandleMatch handles);
std::optional<std::string> func_type_difference(const TypeStore& store, FuncTypeId a, FuncTypeId b,
                                                HandleMatch handles);

// A function's result may not contain a `borrow`: a borrowed handle lives
// only as long as the call, so it can be passed in but never returned.
Expected<void> check_result_has_no_borrow(const TypeStore& store, TypeId result);

}  // namespace fact
