// The locals of one function being compiled: its parameters, then the
// locals it declares. The compiler borrows temporaries and gives them back
// when it is done with them, so that later code reuses them; a function
// needs as many locals as it has values alive at once, not one per value.
#pragma once

#include <cassert>
#include <cstdint>
#include <map>
#include <span>
#include <utility>
#include <vector>

#include "fact/wasm/types.h"

namespace fact::adapter {

using wasm::ValType;

class TempLocal;

class Locals {
 public:
  explicit Locals(std::span<const ValType> params)
      : types_(params.begin(), params.end()), param_count_(params.size()) {}
  Locals(const Locals&) = delete;
  Locals& operator=(const Locals&) = delete;

  // A local of `type` that nothing else uses until the TempLocal is gone:
  // one given back earlier, or a new one.
  TempLocal temp(ValType type);

  ValType type_of(uint32_t local) const { return types_[local]; }

  // The declared locals (parameters excluded) as (count, type) runs, for
  // the code section.
  std::vector<std::pair<uint32_t, ValType>> declared_runs() const;

  // Temporaries not yet given back. Zero once a function is compiled:
  // anything else is a TempLocal kept past its use (a leak), which debug
  // builds report.
  size_t live_temps() const { return live_; }

 private:
  friend class TempLocal;
  void give_back(uint32_t local);

  std::vector<ValType> types_;
  size_t param_count_;
  // Given-back locals by type, reused last in first out.
  std::map<ValType, std::vector<uint32_t>> free_;
  size_t live_ = 0;
};

// A borrowed local, given back to its Locals when it goes out of scope (or
// by release()). Move-only, so a local has exactly one owner.
class TempLocal {
 public:
  TempLocal(TempLocal&& other) noexcept
      : locals_(std::exchange(other.locals_, nullptr)), index_(other.index_), type_(other.type_) {}
  TempLocal& operator=(TempLocal&& other) noexcept {
    if (this != &other) {
      release();
      locals_ = std::exchange(other.locals_, nullptr);
      index_ = other.index_;
      type_ = other.type_;
    }
    return *this;
  }
  TempLocal(const TempLocal&) = delete;
  TempLocal& operator=(const TempLocal&) = delete;
  ~TempLocal() { release(); }

  uint32_t index() const {
    assert(locals_ && "use of a released temporary local");
    return index_;
  }
  ValType type() const { return type_; }

  // Gives the local back now; the TempLocal must not be used afterwards.
  void release() {
    if (locals_) std::exchange(locals_, nullptr)->give_back(index_);
  }

 private:
  friend class Locals;
  TempLocal(Locals& locals, uint32_t index, ValType type)
      : locals_(&locals), index_(index), type_(type) {}

  Locals* locals_;
  uint32_t index_;
  ValType type_;
};

}  // namespace fact::adapter
