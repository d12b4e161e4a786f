// The types the adapter compiler sees. In the canonical store of the front
// end (type_resolver.h), `own`/`borrow` name a resource; in an adapter's
// types they name a handle table, one per resource and runtime component
// instance (Wasmtime's TypeResourceTableIndex), because each instance has
// its own handles. TableMap numbers the tables, TypeConverter rewrites
// canonical types as one instance sees them.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "fact/types.h"

namespace fact::component {

// Allocates table indices: one per (resource, runtime instance) for handles,
// one per (future or stream type, runtime instance) and one per instance for
// error contexts.
class TableMap {
 public:
  enum class Kind : uint8_t { Resource, Future, Stream, ErrorContext };
  struct Entry {
    Kind kind;
    uint32_t key;  // resource id, or canonical type id of the future/stream
    uint32_t instance;
    auto operator<=>(const Entry&) const = default;
  };
  uint32_t table(Kind kind, uint32_t key, uint32_t instance);
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::map<Entry, uint32_t> index_;
  std::vector<Entry> entries_;
};

// Converts canonical types into `out` as seen from one runtime instance.
class TypeConverter {
 public:
  TypeConverter(const TypeStore& canonical, TypeStore& out, TableMap& tables)
      : canonical_(canonical), out_(out), tables_(tables) {}
  TypeId convert(TypeId canonical, uint32_t instance);
  FuncTypeId convert(FuncTypeId canonical, uint32_t instance);

 private:
  const TypeStore& canonical_;
  TypeStore& out_;
  TableMap& tables_;
  std::map<std::pair<uint32_t, uint32_t>, TypeId> memo_;
};

}  // namespace fact::component
