#include "fact/component/adapter_types.h"

namespace fact::component {

uint32_t TableMap::table(Kind kind, uint32_t key, uint32_t instance) {
  Entry e{kind, key, instance};
  auto [it, inserted] = index_.emplace(e, static_cast<uint32_t>(entries_.size()));
  if (inserted) entries_.push_back(e);
  return it->second;
}

TypeId TypeConverter::convert(TypeId id, uint32_t instance) {
  if (auto it = memo_.find({id.index, instance}); it != memo_.end()) return it->second;
  const TypeNode& n = canonical_.get(id);
  auto sub = [&](TypeId t) { return convert(t, instance); };
  auto sub_opt = [&](std::optional<TypeId> t) -> std::optional<TypeId> {
    if (!t) return std::nullopt;
    return convert(*t, instance);
  };
  TypeId out;
  switch (n.kind) {
    case TypeKind::List: out = out_.list(sub(*n.element)); break;
    case TypeKind::FixedList: out = out_.fixed_list(sub(*n.element), n.length); break;
    case TypeKind::Map: out = out_.map(sub(n.key), sub(n.value)); break;
    case TypeKind::Record: {
      std::vector<Field> fields;
      for (const Field& f : n.fields) fields.push_back({f.name, sub(f.type)});
      out = out_.record(std::move(fields));
      break;
    }
    case TypeKind::Tuple: {
      std::vector<TypeId> elements;
      for (TypeId e : n.elements) elements.push_back(sub(e));
      out = out_.tuple(std::move(elements));
      break;
    }
    case TypeKind::Variant: {
      std::vector<Case> cases;
      for (const Case& c : n.cases) cases.push_back({c.name, sub_opt(c.type)});
      out = out_.variant(std::move(cases));
      break;
    }
    case TypeKind::Enum: out = out_.enumeration(n.labels); break;
    case TypeKind::Option: out = out_.option(sub(*n.element)); break;
    case TypeKind::Result:
      out = out_.result(sub_opt(n.cases[0].type), sub_opt(n.cases[1].type));
      break;
    case TypeKind::Flags: out = out_.flags(n.labels); break;
    case TypeKind::Own:
      out = out_.own(tables_.table(TableMap::Kind::Resource, n.resource, instance));
      break;
    case TypeKind::Borrow:
      out = out_.borrow(tables_.table(TableMap::Kind::Resource, n.resource, instance));
      break;
    case TypeKind::Future:
      out = out_.future(sub_opt(n.element),
                        tables_.table(TableMap::Kind::Future, id.index, instance));
      break;
    case TypeKind::Stream:
      out = out_.stream(sub_opt(n.element),
                        tables_.table(TableMap::Kind::Stream, id.index, instance));
      break;
    case TypeKind::ErrorContext:
      out = out_.error_context(tables_.table(TableMap::Kind::ErrorContext, 0, instance));
      break;
    default: out = out_.primitive(n.kind); break;
  }
  memo_.emplace(std::pair{id.index, instance}, out);
  return out;
}

FuncTypeId TypeConverter::convert(FuncTypeId id, uint32_t instance) {
  const fact::FuncType& f = canonical_.get(id);
  fact::FuncType out;
  out.is_async = f.is_async;
  for (const Param& p : f.params) out.params.push_back({p.name, convert(p.type, instance)});
  if (f.result) out.result = convert(*f.result, instance);
  return out_.func(std::move(out));
}

}  // namespace fact::component
