#include "locals.h"

namespace fact::adapter {

TempLocal Locals::temp(ValType type) {
  ++live_;
  auto& free = free_[type];
  if (!free.empty()) {
    const uint32_t local = free.back();
    free.pop_back();
    return TempLocal(*this, local, type);
  }
  types_.push_back(type);
  return TempLocal(*this, static_cast<uint32_t>(types_.size() - 1), type);
}

void Locals::give_back(uint32_t local) {
  assert(live_ > 0);
  --live_;
  free_[types_[local]].push_back(local);
}

std::vector<std::pair<uint32_t, ValType>> Locals::declared_runs() const {
  std::vector<std::pair<uint32_t, ValType>> runs;
  for (size_t i = param_count_; i < types_.size(); ++i) {
    if (!runs.empty() && runs.back().second == types_[i]) {
      ++runs.back().first;
    } else {
      runs.emplace_back(1, types_[i]);
    }
  }
  return runs;
}

}  // namespace fact::adapter
