// What instantiation verifies beyond the binary format: the types of what
// is given for imports, core instantiation arguments (the core spec's
// import matching), canonical options, and the core types of the functions
// canonical definitions name.
#include "fact/wasm/matching.h"
#include "inliner.h"

namespace fact::component::inlining {

// Static checks of core module types wherever they are declared, also in
// components that are never instantiated and in type declarations.
Expected<void> Inliner::check_module_types(const std::vector<Decl>& decls) {
  for (const Decl& d : decls) {
    if (const auto* t = std::get_if<CoreType>(&d.decl)) {
      if (auto r = check_core_type(*t); !r) return r;
    } else if (const auto* t = std::get_if<Type>(&d.decl)) {
      if (auto r = check_nested_types(*t); !r) return r;
    }
  }
  return {};
}

Expected<void> Inliner::check_core_type(const CoreType& t) {
  if (const auto* m = std::get_if<CoreModuleType>(&t.type)) return check_module_type(*m);
  return {};
}

Expected<void> Inliner::check_nested_types(const Type& t) {
  if (const auto* c = std::get_if<ComponentType>(&t.type)) return check_module_types(c->decls);
  if (const auto* i = std::get_if<InstanceType>(&t.type)) return check_module_types(i->decls);
  return {};
}

Expected<void> Inliner::check_same_type(const Frame& f, const TypeDef& expected,
                                        const TypeDef& actual, const std::string& what, size_t at) {
  const auto* ev = std::get_if<TypeDef::Value>(&expected.def);
  const auto* av = std::get_if<TypeDef::Value>(&actual.def);
  if (ev && av) {
    if (auto m = describe_mismatch(out_.types.store(), ev->type, av->type)) {
      return fail(f, at, "type `" + what + "` does not match: " + *m);
    }
    return {};
  }
  const auto* er = std::get_if<TypeDef::Resource>(&expected.def);
  const auto* ar = std::get_if<TypeDef::Resource>(&actual.def);
  if (er && ar && er->id != ar->id) {
    return fail(f, at,
                "type `" + what + "` is " + out_.types.resource(ar->id).name + ", but " +
                    out_.types.resource(er->id).name + " is expected");
  }
  if (expected.def.index() != actual.def.index()) {
    return fail(f, at, "type `" + what + "` is not the kind of type the import declares");
  }
  return {};
}

Expected<void> Inliner::check_core_argument(const Frame& f, size_t at, uint32_t module,
                                            const wasm::ModuleInterface::Import& imp,
                                            const CoreEntity& given) {
  const std::string import =
      "import `" + imp.module + "` `" + imp.field + "` of core module " + std::to_string(module);
  if (given.kind != imp.kind) {
    return fail(f, at,
                import + " is a " + wasm::to_string(imp.kind) + ", but the argument provides a " +
                    wasm::to_string(given.kind));
  }
  const auto expected = wasm::entity_type(interfaces_[module], imp.kind, imp.index);
  if (!expected || !given.type) return {};
  if (auto why = wasm::extern_mismatch(*expected, *given.type)) {
    return fail(f, at, import + ": " + *why);
  }
  return {};
}

Expected<void> Inliner::check_module_argument(const Frame& f, size_t at, const std::string& what,
                                              const wasm::ModuleInterface& declared,
                                              uint32_t given) {
  if (auto why = wasm::module_mismatch(declared, interfaces_[given])) {
    return fail(f, at, what + " does not match its type: " + *why);
  }
  return {};
}

Expected<void> Inliner::check_destructor(const Frame& f, size_t at, uint32_t index,
                                         const CoreEntity& dtor) {
  const wasm::FuncType expected{{wasm::ValType::I32}, {}};
  const wasm::FuncType* actual = dtor.func_type();
  if (actual && *actual != expected) {
    return fail(f, at,
                "the resource destructor (core func " + std::to_string(index) + ") has type " +
                    wasm::to_string(*actual) + ", but a destructor takes " +
                    wasm::to_string(expected));
  }
  return {};
}

// The rules shared with AdapterModule::adapt (canon_rules.h), then the core
// types of what the options name, which only the front end knows.
Expected<void> Inliner::check_canon(const Frame& f, const Canon& c, FuncTypeId type,
                                    const OptionsDef& o, CanonSide side, const CoreEntity* core) {
  const TypeStore& store = out_.types.store();
  OptionFacts facts;
  facts.memory = o.memory.has_value();
  facts.memory64 = o.memory && o.memory->type.memory64;
  if (o.memory) facts.page_size_log2 = o.memory->type.page_size_log2;
  facts.realloc = o.realloc.has_value();
  facts.post_return = c.options.post_return.has_value();
  facts.is_async = c.options.async;
  facts.callback = c.options.callback.has_value();
  if (auto r = check_canon_options(store, type, side, facts); !r)
    return fail(f, c.offset, r.error().message);

  const std::string canon = fact::canon_name(side);
  const CoreSignature lift_signature =
      flatten_functype(store, type, facts.signature(), SignatureContext::Lift);
  if (core) {
    const wasm::FuncType expected = lift_signature.func_type();
    if (const wasm::FuncType* actual = core->func_type(); actual && *actual != expected) {
      return fail(f, c.offset,
                  canon + ": the core function has type " + wasm::to_string(*actual) +
                      ", but lifting `" + to_string(store, type, kTypeMessageLimit) + "` needs " +
                      wasm::to_string(expected));
    }
  }
  if (c.options.realloc) {
    const wasm::FuncType expected = realloc_type(facts.memory64);
    const wasm::FuncType* actual = f.core_funcs[*c.options.realloc].func_type();
    if (actual && *actual != expected) {
      return fail(f, c.offset,
                  canon + ": the `realloc` function has type " + wasm::to_string(*actual) +
                      ", but " + wasm::to_string(expected) + " is expected");
    }
  }
  if (c.options.callback) {
    // (event code, payload 1, payload 2) -> callback code
    const wasm::FuncType expected{{wasm::ValType::I32, wasm::ValType::I32, wasm::ValType::I32},
                                  {wasm::ValType::I32}};
    const wasm::FuncType* actual = f.core_funcs[*c.options.callback].func_type();
    if (actual && *actual != expected) {
      return fail(f, c.offset,
                  canon + ": the `callback` function has type " + wasm::to_string(*actual) +
                      ", but " + wasm::to_string(expected) + " is expected");
    }
  }
  if (c.options.post_return) {
    const wasm::FuncType expected = post_return_type(lift_signature);
    const wasm::FuncType* actual = f.core_funcs[*c.options.post_return].func_type();
    if (actual && *actual != expected) {
      return fail(f, c.offset,
                  canon + ": the `post-return` function has type " + wasm::to_string(*actual) +
                      ", but lifting `" + to_string(store, type, kTypeMessageLimit) + "` needs " +
                      wasm::to_string(expected));
    }
  }
  return {};
}

}  // namespace fact::component::inlining
