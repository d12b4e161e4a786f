// Records, tuples and fixed-length lists: member by member.
#include "compiler.h"

namespace fact::adapter {

// The two types are equal, so their members correspond in order.
void Compiler::translate_members(TypeId src_type, const Source& src, TypeId dst_type,
                                 const Destination& dst) {
  const std::vector<TypeId> src_members = member_types(types_, src_type);
  const std::vector<TypeId> dst_members = member_types(types_, dst_type);
  const std::vector<Source> sources = src.members(types_, src_type);
  const std::vector<Destination> destinations = dst.members(types_, dst_type);
  for (size_t i = 0; i < src_members.size(); ++i) {
    translate(src_members[i], sources[i], dst_members[i], destinations[i]);
  }
}

// list<T, N> from memory to memory: a loop over the elements, so that the
// code does not grow with N. The enclosing value's bounds were checked
// already. The counter is always an i32; the cursors have each memory's
// pointer type.
void Compiler::translate_fixed_list_loop(TypeId src_type, const Source& src, TypeId dst_type,
                                         const Destination& dst) {
  const TypeNode& sn = node(src_type);
  const TypeId src_elem = *sn.element;
  const TypeId dst_elem = *node(dst_type).element;
  const SideOptions& so = src.options();
  const SideOptions& dopt = dst.options();
  TempLocal src_cursor = temp(so.ptr());
  TempLocal dst_cursor = temp(dopt.ptr());
  TempLocal remaining = temp(ValType::I32);
  ins_.local_get(src.place().addr);
  ptr_const(so, src.place().offset);
  ptr_add(so);
  ins_.local_set(src_cursor.index());
  ins_.local_get(dst.place().addr);
  ptr_const(dopt, dst.place().offset);
  ptr_add(dopt);
  ins_.local_set(dst_cursor.index());
  ins_.i32_const(static_cast<int32_t>(sn.length));
  ins_.local_set(remaining.index());

  ins_.loop(BlockType::empty());
  translate(src_elem, Source::memory(so, src_cursor.index()), dst_elem,
            Destination::memory(dopt, dst_cursor.index()));
  ins_.local_get(src_cursor.index());
  ptr_const(so, abi(src_elem, so).size);
  ptr_add(so);
  ins_.local_set(src_cursor.index());
  ins_.local_get(dst_cursor.index());
  ptr_const(dopt, abi(dst_elem, dopt).size);
  ptr_add(dopt);
  ins_.local_set(dst_cursor.index());
  ins_.local_get(remaining.index());
  ins_.i32_const(1);
  ins_.i32_sub();
  ins_.local_tee(remaining.index());
  ins_.br_if(0);
  ins_.end();
}

}  // namespace fact::adapter
