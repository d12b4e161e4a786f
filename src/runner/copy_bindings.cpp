// The built-ins of futures, streams and error contexts, bound to the
// reference host, and the copy of stream and future elements that are not
// numbers (load from one guest memory, store into the other, with the
// reference Canonical ABI).
#include <cstring>

#include "fact/values/reference.h"
#include "runner_impl.h"

namespace fact::runner {
namespace {

constexpr uint64_t kCopyBudget = uint64_t{4} << 20;

Val word(bool memory64, uint64_t v) {
  return memory64 ? Val::i64(v) : Val::i32(static_cast<uint32_t>(v));
}

}  // namespace

host::ElementType ComponentRunner::Impl::element_type(uint32_t type) const {
  const TypeStore& store = result.flow.types.store();
  host::ElementType out;
  const std::optional<TypeId> element = store.get(TypeId{type}).element;
  if (!element) return out;
  const values::Reference ref(store);
  out.present = true;
  out.number = is_number(store.get(*element).kind);
  out.size32 = ref.elem_size(*element, false);
  out.align32 = ref.alignment(*element, false);
  out.size64 = ref.elem_size(*element, true);
  out.align64 = ref.alignment(*element, true);
  return out;
}

Expected<host::CopyOptions> ComponentRunner::Impl::copy_options(
    const component::PlanOptions& options) {
  host::CopyOptions out;
  out.memory64 = options.memory && options.memory->type.memory64;
  out.string_encoding = options.string_encoding;
  out.async = options.is_async;
  if (options.memory) {
    auto h = export_handle(options.memory->export_);
    if (!h) return h.error();
    out.memory = memory_access(*h);
  }
  if (options.realloc) {
    auto h = resolve(*options.realloc, nullptr);
    if (!h) return h.error();
    out.realloc = host::GuestFunc{h->ref};
  }
  return out;
}

void ComponentRunner::Impl::view_memory(values::MemoryView& view, const host::CopyOptions& options,
                                        std::string no_realloc) {
  const host::GuestMemory m = options.memory ? options.memory() : host::GuestMemory{};
  view.data = m.data;
  view.size = m.size;
  view.memory64 = options.memory64;
  view.encoding = options.string_encoding;
  view.allocate = [this, &view, &options, no_realloc = std::move(no_realloc)](
                      uint64_t align, uint64_t size) -> Expected<uint64_t> {
    if (!options.realloc) return Error{no_realloc};
    const bool m64 = options.memory64;
    engine::CallOutcome out =
        call_realloc(Handle{options.realloc->ref},
                     {word(m64, 0), word(m64, 0), word(m64, align), word(m64, size)});
    const host::GuestMemory grown = options.memory();
    view.data = grown.data;
    view.size = grown.size;
    if (out.trap) return Error{*out.trap};
    return out.results.at(0).bits;
  };
}

Expected<void> ComponentRunner::Impl::copy_elements(uint32_t type, const host::CopySide& from,
                                                    const host::CopySide& to, uint32_t count) {
  const TypeStore& store = result.flow.types.store();
  const TypeId element = *store.get(TypeId{type}).element;
  const values::Reference ref(store);
  // Buffer.read then Buffer.write: every element is lifted before the
  // first is lowered (lowering may call realloc, which may grow memory).
  // The host holds every element while it copies: it reads at most 4 Mi
  // list elements (or 64-byte pieces of strings) per copy, however the
  // guest's lists alias each other.
  uint64_t budget = kCopyBudget;
  values::MemoryView src;
  view_memory(src, *from.options, "the writer's options have no `realloc`");
  src.budget = &budget;
  const uint32_t src_size = ref.elem_size(element, src.memory64);
  std::vector<Value> items;
  items.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    auto v = ref.load(element, src, from.ptr + uint64_t{i} * src_size);
    if (!v) return v.error();
    if (auto moved = move_handles(element, *v, from.instance, to.instance); !moved) {
      return moved.error();
    }
    items.push_back(std::move(*v));
  }
  values::MemoryView dst;
  view_memory(dst, *to.options, "the reader's options have no `realloc`");
  const uint32_t dst_size = ref.elem_size(element, dst.memory64);
  for (uint32_t i = 0; i < count; ++i) {
    if (auto stored = ref.store(element, items[i], dst, to.ptr + uint64_t{i} * dst_size); !stored) {
      return stored.error();
    }
  }
  return {};
}

Expected<Handle> ComponentRunner::Impl::copy_builtin(const component::PlanTrampolineDef& tr) {
  using K = component::Trampoline::Kind;
  const uint32_t table = tr.table;
  const bool memory64 = tr.options.memory && tr.options.memory->type.memory64;
  const ValType ptr = memory64 ? ValType::I64 : ValType::I32;
  auto trap_or = [](auto r, std::vector<Val>& out, bool wide) -> std::optional<std::string> {
    if (!r) return r.error().message;
    out.at(0) = wide ? Val::i64(*r) : Val::i32(static_cast<uint32_t>(*r));
    return std::nullopt;
  };
  switch (tr.kind) {
    case K::StreamNew:
    case K::FutureNew: {
      const bool stream = tr.kind == K::StreamNew;
      return runtime.host_func(
          {}, {ValType::I64},
          [this, table, stream](const std::vector<Val>&,
                                std::vector<Val>& out) -> std::optional<std::string> {
            auto ends = stream ? host.stream_new(table) : host.future_new(table);
            if (!ends) return ends.error().message;
            // canon_{stream,future}_new: readable end low, writable end high.
            out.at(0) = Val::i64(uint64_t{ends->readable} | (uint64_t{ends->writable} << 32));
            return std::nullopt;
          });
    }
    case K::StreamRead:
    case K::StreamWrite: {
      auto options = copy_options(tr.options);
      if (!options) return options.error();
      const bool read = tr.kind == K::StreamRead;
      return runtime.host_func(
          {ValType::I32, ptr, ptr}, {ptr},
          [this, table, read, memory64, trap_or, options = *options](
              const std::vector<Val>& args, std::vector<Val>& out) -> std::optional<std::string> {
            const auto handle = static_cast<uint32_t>(args.at(0).bits);
            auto r =
                read ? host.stream_read(table, handle, options, args.at(1).bits, args.at(2).bits)
                     : host.stream_write(table, handle, options, args.at(1).bits, args.at(2).bits);
            return trap_or(r, out, memory64);
          });
    }
    case K::FutureRead:
    case K::FutureWrite: {
      auto options = copy_options(tr.options);
      if (!options) return options.error();
      const bool read = tr.kind == K::FutureRead;
      return runtime.host_func(
          {ValType::I32, ptr}, {ValType::I32},
          [this, table, read, trap_or, options = *options](
              const std::vector<Val>& args, std::vector<Val>& out) -> std::optional<std::string> {
            const auto handle = static_cast<uint32_t>(args.at(0).bits);
            auto r = read ? host.future_read(table, handle, options, args.at(1).bits)
                          : host.future_write(table, handle, options, args.at(1).bits);
            return trap_or(r, out, false);
          });
    }
    case K::StreamCancelRead:
    case K::StreamCancelWrite:
    case K::FutureCancelRead:
    case K::FutureCancelWrite: {
      const K kind = tr.kind;
      return runtime.host_func(
          {ValType::I32}, {ValType::I32},
          [this, table, kind, async = tr.cancellable, trap_or](
              const std::vector<Val>& args, std::vector<Val>& out) -> std::optional<std::string> {
            const auto handle = static_cast<uint32_t>(args.at(0).bits);
            Expected<uint32_t> r =
                kind == K::StreamCancelRead    ? host.stream_cancel_read(table, handle, async)
                : kind == K::StreamCancelWrite ? host.stream_cancel_write(table, handle, async)
                : kind == K::FutureCancelRead  ? host.future_cancel_read(table, handle, async)
                                               : host.future_cancel_write(table, handle, async);
            return trap_or(r, out, false);
          });
    }
    case K::StreamDropReadable:
    case K::StreamDropWritable:
    case K::FutureDropReadable:
    case K::FutureDropWritable:
    case K::ErrorContextDrop: {
      const K kind = tr.kind;
      return runtime.host_func(
          {ValType::I32}, {},
          [this, table, kind](const std::vector<Val>& args,
                              std::vector<Val>&) -> std::optional<std::string> {
            const auto handle = static_cast<uint32_t>(args.at(0).bits);
            Expected<void> r =
                kind == K::StreamDropReadable   ? host.stream_drop_readable(table, handle)
                : kind == K::StreamDropWritable ? host.stream_drop_writable(table, handle)
                : kind == K::FutureDropReadable ? host.future_drop_readable(table, handle)
                : kind == K::FutureDropWritable ? host.future_drop_writable(table, handle)
                                                : host.error_context_drop(table, handle);
            if (!r) return r.error().message;
            return std::nullopt;
          });
    }
    case K::ErrorContextNew:
    case K::ErrorContextDebugMessage: {
      auto options = copy_options(tr.options);
      if (!options) return options.error();
      // The debug message is a string lifted or lowered with the
      // built-in's options, as a parameter would be.
      auto strings = std::make_shared<TypeStore>();
      const TypeId string = strings->string();
      if (tr.kind == K::ErrorContextNew) {
        return runtime.host_func(
            {ptr, ptr}, {ValType::I32},
            [this, table, strings, string, options = *options](
                const std::vector<Val>& args, std::vector<Val>& out) -> std::optional<std::string> {
              values::MemoryView view;
              view_memory(view, options, "error-context.new allocates nothing");
              const values::Reference ref(*strings);
              size_t index = 0;
              auto text = ref.lift_flat(string, args, &index, view);
              if (!text) {
                return "error-context.new: invalid debug message pointer: " + text.error().message;
              }
              auto made = host.error_context_new(table, text->text);
              if (!made) return made.error().message;
              out.at(0) = Val::i32(*made);
              return std::nullopt;
            });
      }
      return runtime.host_func(
          {ValType::I32, ptr}, {},
          [this, table, strings, string, options = *options](
              const std::vector<Val>& args, std::vector<Val>&) -> std::optional<std::string> {
            constexpr std::string_view op = "error-context.debug-message";
            auto message =
                host.error_context_debug_message(table, static_cast<uint32_t>(args.at(0).bits));
            if (!message) return message.error().message;
            values::MemoryView view;
            view_memory(view, options, "error-context.debug-message needs a `realloc` option");
            const values::Reference ref(*strings);
            auto flat = ref.lower_flat(string, values::Value::string(*message), view);
            if (!flat) return std::string(op) + ": " + flat.error().message;
            // The (pointer, length) pair goes to the return area at `ptr`.
            const uint64_t at = args.at(1).bits;
            const uint64_t word_size = options.memory64 ? 8 : 4;
            if (at % word_size != 0) {
              return std::string(op) + ": invalid debug message pointer: unaligned (" +
                     std::to_string(at) + ")";
            }
            if (at > view.size || view.size - at < 2 * word_size) {
              return std::string(op) + ": invalid debug message pointer: out of bounds (" +
                     std::to_string(at) + ")";
            }
            for (size_t i = 0; i < 2; ++i) {
              const uint64_t v = flat->at(i).bits;
              for (size_t b = 0; b < word_size; ++b) {
                view.data[at + i * word_size + b] = static_cast<uint8_t>(v >> (8 * b));
              }
            }
            return std::nullopt;
          });
    }
    default: break;
  }
  return Error{std::string("internal error: `") + component::trampoline_kind_name(tr.kind) +
               "` is not a built-in of futures, streams or error contexts"};
}

}  // namespace fact::runner
