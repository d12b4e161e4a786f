// The adapter compiler: describe adapters, get a core wasm module of adapter
// functions and the ordered list of what each of its imports must be bound
// to. The import names and signatures are Wasmtime's (docs/import-abi.md).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fact/error.h"
#include "fact/types.h"
#include "fact/wasm/types.h"

namespace fact {

enum class StringEncoding : uint8_t { Utf8 = 0, Utf16 = 1, CompactUtf16 = 2 };

const char* string_encoding_name(StringEncoding encoding);

// An item exported by a core instance, as the embedder names it. The compiler
// never interprets it: it interns imports by it and hands it back in Import.
struct CoreExport {
  uint32_t instance = 0;
  std::string name;
  friend auto operator<=>(const CoreExport&, const CoreExport&) = default;
};

// A memory option: the memory and its type. Adapter modules import the
// memory with the type's index type, sharedness and page size, but with no
// limits of their own (any size links), so `type.limits` is not used.
struct Memory {
  CoreExport export_;
  wasm::MemoryType type;
  friend bool operator==(const Memory&, const Memory&) = default;
};

// The canonical options of one side of an adapter (canon lift or canon lower).
struct CanonOptions {
  // Runtime component instance index: names the flags global and is passed
  // to the runtime intrinsics.
  uint32_t instance = 0;
  // The instances that (transitively) instantiated `instance`, for the static
  // reentrance check.
  std::vector<uint32_t> ancestors;
  StringEncoding string_encoding = StringEncoding::Utf8;
  std::optional<Memory> memory;
  std::optional<CoreExport> realloc;
  std::optional<CoreExport> post_return;  // lift side only
  std::optional<CoreExport> callback;     // lift side only, with is_async
  // The `async` option: the async ABI (flat parameters and results through
  // memory for lowers, `task.return` for lifts).
  bool is_async = false;
};

struct Adapter {
  // The function type of the lifted export and of the lowered import; they
  // must be structurally equal (there is no subtyping).
  FuncTypeId lift_type;
  FuncTypeId lower_type;
  CanonOptions lift;
  CanonOptions lower;
  // The core function that was lifted.
  CoreExport callee;
  // When either side is async: the constant `prepare-call` passes as
  // `task_return_type`, which identifies the lifted function's result type
  // for the checks of `task.return` (Wasmtime's TypeTupleIndex). The
  // embedder chooses it; the compiler only passes it on.
  uint32_t task_return_type = 0;
};

struct ModuleOptions {
  // Wasmtime's Tunables::concurrency_support: bracket sync calls with
  // enter/exit-sync-call and reset context slots around guest calls.
  bool concurrency_support = true;
  // Wasmtime's Tunables::debug_adapter_modules: add debug assertions.
  bool debug = false;
  // Wrap synchronous adapters in a try_table barrier that turns an escaping
  // exception into trap 49 (Wasmtime does so when the exception-handling
  // proposal is enabled). Off by default: the output then needs the
  // exception-handling proposal, which many engines and libwabt lack.
  bool exceptions = false;
};

// Trap codes: Wasmtime's Trap discriminants. Adapters import one function
// `runtime.trap{N}` per code they can raise.
enum class TrapCode : uint8_t {
  MemoryOutOfBounds = 1,
  CannotEnterComponent = 17,
  CannotLeaveComponent = 23,
  CannotBlockSyncTask = 24,
  InvalidChar = 25,
  DebugAssertStringEncodingFinished = 26,
  DebugAssertEqualCodeUnits = 27,
  DebugAssertPointerAligned = 28,
  DebugAssertUpperBitsUnset = 29,
  StringOutOfBounds = 30,
  ListOutOfBounds = 31,
  InvalidDiscriminant = 32,
  UnalignedPointer = 33,
  UncaughtException = 49,
};

// Wasmtime's message for a trap code ("unaligned pointer", ...).
const char* trap_message(TrapCode code);

enum class Transcode : uint8_t {
  Utf8ToUtf8,
  Utf16ToUtf16,
  Latin1ToLatin1,
  Latin1ToUtf16,
  Latin1ToUtf8,
  Utf16ToCompactProbablyUtf16,
  Utf16ToCompactUtf16,
  Utf16ToLatin1,
  Utf16ToUtf8,
  Utf8ToCompactUtf16,
  Utf8ToLatin1,
  Utf8ToUtf16,
};

// "utf8-to-utf16", ...
const char* transcode_name(Transcode op);

// Runtime intrinsics that are neither traps nor transcoders.
enum class Intrinsic : uint8_t {
  ResourceTransferOwn,     // resource.transfer-own
  ResourceTransferBorrow,  // resource.transfer-borrow
  FutureTransfer,          // future.transfer
  StreamTransfer,          // stream.transfer
  ErrorContextTransfer,    // error-context.transfer
  EnterSyncCall,           // async.enter-sync-call
  ExitSyncCall,            // async.exit-sync-call
  ContextGet0,             // context.get0
  ContextGet1,             // context.get1
  ContextSet0,             // context.set0
  ContextSet1,             // context.set1
};

// The module and field an adapter module imports `intrinsic` under:
// {"resource", "transfer-own"}, {"context", "get0"}, ...
struct ImportName {
  const char* module;
  const char* field;
};
ImportName intrinsic_import(Intrinsic intrinsic);
// "resource.transfer-own", "context.get0", ...
std::string intrinsic_name(Intrinsic intrinsic);

// What an import of the adapter module must be bound to.
namespace binding {
// An item of a core instance: a memory, realloc, callback, callee or
// post-return function. `role` says which. A callback is imported only so
// that the start-call imports can name it; the adapter never calls it.
struct Export {
  enum class Role : uint8_t { Memory, Realloc, Callback, Callee, PostReturn };
  Role role;
  CoreExport item;
  friend auto operator<=>(const Export&, const Export&) = default;
};
// The `may_leave` flags global of a runtime component instance.
struct InstanceFlags {
  uint32_t instance;
  friend auto operator<=>(const InstanceFlags&, const InstanceFlags&) = default;
};
struct Trap {
  TrapCode code;
  friend auto operator<=>(const Trap&, const Trap&) = default;
};
// A string transcoder between two of the module's own memory imports
// (indices into its memory index space).
struct Transcoder {
  Transcode op;
  uint32_t from_memory;
  bool from_memory64;
  uint32_t to_memory;
  bool to_memory64;
  friend auto operator<=>(const Transcoder&, const Transcoder&) = default;
};
struct RuntimeIntrinsic {
  Intrinsic intrinsic;
  friend auto operator<=>(const RuntimeIntrinsic&, const RuntimeIntrinsic&) = default;
};
// `sync.[prepare-call]{adapter}`: one per adapter that has an async side.
// Creates the subtask of a call and stashes its arguments. `memory` is the
// lift side's memory, which a `task.return` of the callee must use too.
struct PrepareCall {
  std::string adapter;
  std::optional<CoreExport> memory;
  friend auto operator<=>(const PrepareCall&, const PrepareCall&) = default;
};
// `sync.[start-call]{adapter}`: a sync lower of an async lift. Starts the
// prepared call and returns its results once the callee has returned them;
// `callback` is the lift's callback, if it has one.
struct SyncStartCall {
  std::string adapter;
  std::optional<CoreExport> callback;
  friend auto operator<=>(const SyncStartCall&, const SyncStartCall&) = default;
};
// `async.[start-call]{adapter}`: an async lower. Starts the prepared call
// and returns the subtask's state and handle once the callee has started
// (or returned). Shared by every adapter of the module with the same
// callback and post-return (the lift's callback for an async lift; the
// lift's post-return for a sync lift), and named after the first.
struct AsyncStartCall {
  std::optional<CoreExport> callback;
  std::optional<CoreExport> post_return;
  friend auto operator<=>(const AsyncStartCall&, const AsyncStartCall&) = default;
};
}  // namespace binding

// Each import of an adapter module is bound to a different ImportBinding:
// equal bindings share one import.
using ImportBinding =
    std::variant<binding::Export, binding::InstanceFlags, binding::Trap, binding::Transcoder,
                 binding::RuntimeIntrinsic, binding::PrepareCall, binding::SyncStartCall,
                 binding::AsyncStartCall>;

// The second-to-last argument of `prepare-call` (result_count_or_max_if_async)
// for an async lower: with and without a result.
inline constexpr int32_t kPrepareAsyncWithResult = -2;
inline constexpr int32_t kPrepareAsyncNoResult = -1;
// The `flags` argument of `async.[start-call]`: the callee is async-lifted.
inline constexpr int32_t kStartFlagAsyncCallee = 1;

struct Import {
  enum class Kind : uint8_t { Func, Memory, Global };
  std::string module;
  std::string field;
  Kind kind = Kind::Func;
  wasm::FuncType func;      // Kind::Func
  wasm::MemoryType memory;  // Kind::Memory
  // Kind::Global: always a mutable i32.
  ImportBinding binding;
};

// Builds one adapter module from any number of adapters.
class AdapterModule {
 public:
  explicit AdapterModule(const TypeStore& types, ModuleOptions options = {});
  ~AdapterModule();
  AdapterModule(AdapterModule&&) noexcept;
  AdapterModule& operator=(AdapterModule&&) noexcept;

  // Compiles `adapter` into a function exported as `name`. On error nothing
  // is added to the module.
  Expected<void> adapt(std::string_view name, const Adapter& adapter);

  // The module's binary encoding.
  std::vector<uint8_t> encode() const;

  // One entry per import of the encoded module, in import-section order.
  const std::vector<Import>& imports() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fact
