// Variants, enums, options and results, all as the Canonical ABI's
// despecialized variant: the discriminant is checked against the case count
// (the trap of the spec's load_variant / lift_flat_variant), then the
// payload of the case is translated.
#include "compiler.h"

namespace fact::adapter {

// Pushes the source discriminant as an i32.
void Compiler::read_discriminant(TypeId type, const Source& src) {
  if (src.in_memory()) {
    const VariantLayout layout = variant_layout(types_, type, src.options().memory64);
    ins_.local_get(src.place().addr);
    const uint32_t bytes = layout.discriminant_size;
    ins_.mem(unsigned_load(bytes), memarg(src.options(), src.place().offset, bytes));
    return;
  }
  // A nested variant's discriminant may sit in a joined (wider) slot.
  ins_.local_get(src.slots()[0].local);
  slot_to_natural(src.slots()[0].type, ValType::I32);
}

// Writes discriminant `index`; to memory, the address is pushed here.
void Compiler::write_discriminant(TypeId type, const Destination& dst, uint32_t index) {
  if (dst.in_memory()) {
    ins_.local_get(dst.place().addr);
    ins_.i32_const(static_cast<int32_t>(index));
    const uint32_t bytes = variant_layout(types_, type, dst.options().memory64).discriminant_size;
    ins_.mem(narrow_store(bytes), memarg(dst.options(), dst.place().offset, bytes));
    return;
  }
  ins_.i32_const(static_cast<int32_t>(index));
  natural_to_slot(ValType::I32, dst.slots()[0]);
}

void Compiler::translate_variant(TypeId src_type, const Source& src, TypeId dst_type,
                                 const Destination& dst) {
  const TypeNode& sn = node(src_type);
  const TypeNode& dn = node(dst_type);
  const uint32_t case_count = static_cast<uint32_t>(sn.cases.size());
  bool any_payload = false;
  for (const Case& c : sn.cases) any_payload |= c.type.has_value();

  if (!any_payload) {
    // Only the discriminant travels; the case indices of equal types agree.
    TempLocal disc = temp(ValType::I32);
    read_discriminant(src_type, src);
    ins_.local_tee(disc.index());
    ins_.i32_const(static_cast<int32_t>(case_count));
    ins_.i32_ge_u();
    trap_if(TrapCode::InvalidDiscriminant);
    if (dst.in_memory()) {
      const uint32_t bytes =
          variant_layout(types_, dst_type, dst.options().memory64).discriminant_size;
      ins_.local_get(dst.place().addr);
      ins_.local_get(disc.index());
      ins_.mem(narrow_store(bytes), memarg(dst.options(), dst.place().offset, bytes));
    } else {
      ins_.local_get(disc.index());
      natural_to_slot(ValType::I32, dst.slots()[0]);
    }
    return;
  }

  // block $outer (result <dst slots>)
  //   block $b[n-1] ... block $b[0] block $invalid block $dispatch
  //     <discriminant> br_table $invalid $b[0] .. $b[n-2] default $dispatch
  //   end  trap InvalidDiscriminant
  //   end  <case 0> br $outer
  //   end  <case 1> br $outer ...
  // Leaving block $b[i-1] (or $invalid for i = 0) starts the code of case i.
  std::span<const ValType> outer_results;
  if (!dst.in_memory()) outer_results = dst.slots();
  ins_.block(block_type_for(outer_results));
  for (uint32_t i = 0; i < case_count; ++i) ins_.block(BlockType::empty());
  ins_.block(BlockType::empty());  // $invalid
  ins_.block(BlockType::empty());  // $dispatch
  read_discriminant(src_type, src);
  std::vector<uint32_t> targets(case_count);
  for (uint32_t i = 0; i < case_count; ++i) targets[i] = i + 1;
  ins_.br_table(targets, 0);
  ins_.end();
  trap(TrapCode::InvalidDiscriminant);
  ins_.end();

  for (uint32_t i = 0; i < case_count; ++i) {
    const Case& sc = sn.cases[i];
    const Case& dc = dn.cases[i];
    write_discriminant(dst_type, dst, i);
    size_t payload_slots = 0;
    if (sc.type) {
      const Destination payload = dst.payload(types_, dst_type, *dc.type);
      if (!dst.in_memory()) payload_slots = payload.slots().size();
      translate(*sc.type, src.payload(types_, src_type, *sc.type), *dc.type, payload);
    }
    // The slots no payload of this case fills are zero (flatten_variant).
    if (!dst.in_memory()) {
      for (size_t k = 1 + payload_slots; k < dst.slots().size(); ++k) push_zero(dst.slots()[k]);
    }
    // Case i runs inside the blocks of cases i..n-1, so the outer block is
    // at depth n - i.
    ins_.br(case_count - i);
    ins_.end();
  }
  // Every case has branched out: nothing reaches the end of $outer from here.
  ins_.unreachable();
  ins_.end();  // outer
}

}  // namespace fact::adapter
