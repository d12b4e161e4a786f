// The end-to-end adapter harness: compiles one adapter with
// fact::AdapterModule and runs it in wabt's interpreter between a generated
// caller core module (core instance 0, the lower side) and a generated callee
// core module (core instance 1, the lift side).
//
//   TypeStore types;
//   ResourceNames names;
//   FuncTypeId f = *parse_func_type(types, "func(a: u32) -> u32", names);
//   auto h = AdapterHarness::create(types, f, f, HarnessConfig{});
//   h->set_callee_result(Value::u32(7));
//   CallResult r = h->call({Value::u32(5)});
//   // r.result == Value::u32(7), h->received() == {Value::u32(5)}
//
// The caller module exports `memory`, `realloc` and `run` (the lower core
// signature; it calls the adapter through a funcref table). The callee module
// exports `memory`, `realloc` (whose result is offset by the `realloc_bias`
// global), `callee` (forwards to the host, which lifts what arrived with the
// reference and lowers the test's chosen result) and `post_return`.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fact/adapter.h"
#include "fact/types.h"
#include "support/canonical.h"

namespace fact::host {
class Host;
}

namespace fact::test {

struct SideConfig {
  bool memory64 = false;
  StringEncoding encoding = StringEncoding::Utf8;
  // Give the side a memory or realloc even when its signature needs none.
  bool force_memory = false;
  bool force_realloc = false;
};

struct HarnessConfig {
  SideConfig lower;  // the caller
  SideConfig lift;   // the callee
  bool post_return = false;
  ModuleOptions module;
  // CanonOptions::instance and ::ancestors of each side (the core instances
  // are always 0 for the caller and 1 for the callee).
  uint32_t lower_instance = 0;
  uint32_t lift_instance = 1;
  std::vector<uint32_t> lower_ancestors;
  std::vector<uint32_t> lift_ancestors;
  // 64 KiB pages of each memory. The wasm realloc's heap starts at 128 KiB.
  uint64_t memory_pages = 4;
  // Whether the callee lifts what it receives with the reference (into
  // received()). Values too large for the reference (lists of 2^28
  // elements) are checked through callee_raw_params() and the memory.
  bool lift_received = true;
  // When set, the adapter's handle transfers, enter/exit-sync-call and
  // context.get/set are bound to this reference host (src/host/resources.h),
  // which must outlive the harness and know both instances and every table
  // the function types name. Otherwise recording stubs are bound and
  // adapters that transfer handles are refused.
  host::Host* host = nullptr;
  // The `async` options (the function types must be async). An adapter
  // with an async side runs on a reference host the harness makes (with
  // both instances and no tables); `run` is called inside a host call into
  // the caller's instance. The callee returns its result through
  // task.return at once, so an async caller always gets RETURNED.
  bool lower_async = false;
  bool lift_async = false;
  bool callback = false;  // with lift_async: a callback lift, else stackful
};

// Code that runs inside the guests, for tests that act as a guest would
// (drop a borrow it received, touch the context slots) or observe the host
// from there. A returned message makes the guest trap with it.
struct GuestHooks {
  using Hook = std::function<std::optional<std::string>()>;
  Hook callee;       // in the callee, after what it received was lifted
  Hook post_return;  // in the callee's post-return
  std::function<std::optional<std::string>(bool callee)> realloc;  // in either side's realloc
};

struct CallResult {
  // Set when `run` trapped.
  std::optional<std::string> trap;
  std::vector<Val> core_results;
  // The lifted result, when `run` returned and the function has one.
  std::optional<Value> result;
  // Set when the reference could not lift what the adapter returned.
  std::optional<std::string> lift_error;
};

// The text a harness trap import raises for `code`, e.g. "fact trap 25:
// invalid `char` bit pattern".
std::string trap_text(TrapCode code);
// Whether `trap` is the trap raised by the adapter's `runtime.trap{code}`
// import. A fault of wabt itself (say an unchecked out-of-bounds load in
// the adapter) has another message and does not count.
bool is_trap(const std::optional<std::string>& trap, TrapCode code);

struct ReallocCall {
  uint64_t old_ptr, old_size, align, size, result;
};

struct IntrinsicCall {
  Intrinsic intrinsic;
  std::vector<uint64_t> args;
};

class AdapterHarness {
 public:
  static Expected<std::unique_ptr<AdapterHarness>> create(const TypeStore& types,
                                                          FuncTypeId lift_type,
                                                          FuncTypeId lower_type,
                                                          HarnessConfig config = {});
  ~AdapterHarness();

  // Calls `run` with component values lowered by the reference into caller
  // flat values (or a param tuple in caller memory), plus a retptr when the
  // results are indirect; lifts the result. Resets the harness first.
  CallResult call(const std::vector<Value>& args);
  // Calls `run` with raw core values; does not reset. `result` is filled in
  // only when the results are flat. After a trap every flags global is set
  // back to 1, as if the instances were fresh.
  CallResult call_raw(const std::vector<Val>& args);
  // Refills both memories with a byte pattern, resets the allocators and
  // everything recorded (not the realloc biases or flags).
  void reset();
  // The pieces of call(): the arguments lowered into caller flat values or a
  // param tuple in caller memory, and a fresh result area in caller memory.
  Expected<std::vector<Val>> lower_args(const std::vector<Value>& args);
  Expected<Val> alloc_retptr();

  // The callee's reply: a component value lowered by the reference (into
  // callee memory when results are indirect), or raw core results.
  void set_callee_result(Value result);
  void set_callee_raw_results(std::vector<Val> results);
  void set_guest_hooks(GuestHooks hooks) { hooks_ = std::move(hooks); }

  // What the callee received, lifted by the reference; nullopt until called
  // (and always when HarnessConfig::lift_received is false).
  const std::optional<Expected<std::vector<Value>>>& received() const { return received_; }
  const std::vector<Val>& callee_raw_params() const { return callee_raw_params_; }
  // The core results the callee returned, as sent to post-return.
  const std::vector<Val>& callee_raw_results() const { return callee_raw_results_sent_; }
  const std::optional<std::vector<Val>>& post_return_args() const { return post_return_args_; }
  // The lift instance's `may_leave` flag while the callee and post-return ran.
  std::optional<uint32_t> lift_flags_at_call() const { return lift_flags_at_call_; }
  std::optional<uint32_t> lift_flags_at_post_return() const { return lift_flags_at_post_return_; }
  const std::vector<ReallocCall>& realloc_calls(bool callee) const {
    return callee ? callee_reallocs_ : caller_reallocs_;
  }
  const std::vector<IntrinsicCall>& intrinsic_calls() const { return intrinsic_calls_; }
  // For an async caller: the status `run` returned.
  bool async_side() const { return config_.lower_async || config_.lift_async; }

  // The `may_leave` global of runtime instance `instance` (1 initially).
  uint32_t flags(uint32_t instance) const;
  void set_flags(uint32_t instance, uint32_t value);
  // Added to every realloc result of that side (initially 0); with
  // from_call = n > 0, only from the (n+1)-th call counted since the last
  // reset() on (earlier calls get bias 0), to make one allocation step fail.
  void set_realloc_bias(bool callee, int64_t bias, size_t from_call = 0);

  // Views of the two memories (the allocator bumps in the host's region).
  MemoryView caller_memory();
  MemoryView callee_memory();
  // Host-side allocation in a memory, outside the wasm realloc's region.
  Expected<uint64_t> host_alloc(bool callee, uint64_t align, uint64_t size);

  const std::vector<uint8_t>& adapter_wasm() const { return adapter_wasm_; }
  std::string adapter_wat() const;
  const Reference& reference() const { return ref_; }
  const FuncType& func_type() const { return types_.get(lower_type_); }
  const std::vector<ValType>& lower_params() const { return lower_params_; }
  const std::vector<ValType>& lower_results() const { return lower_results_; }
  bool params_indirect(bool callee) const {
    return callee ? lift_params_indirect_ : lower_params_indirect_;
  }
  bool results_indirect(bool callee) const {
    return callee ? lift_results_indirect_ : lower_results_indirect_;
  }
  // Which imports the adapter needed from each side.
  bool has_memory(bool callee) const;
  bool has_realloc(bool callee) const;

 private:
  AdapterHarness(const TypeStore& types, FuncTypeId lift, FuncTypeId lower, HarnessConfig config);
  Expected<void> build();
  Expected<void> bind_imports(const std::vector<Import>& imports,
                              std::vector<engine::Runtime::Handle>& out);
  std::optional<std::string> observe(const std::vector<Val>& params, std::vector<Val>& results);
  std::vector<TypeId> param_types() const;
  std::vector<TypeId> result_types() const;

  struct Side {
    engine::Runtime::Handle instance, memory, realloc, heap, bias;
    bool memory64 = false;
    StringEncoding encoding = StringEncoding::Utf8;
    bool needs_memory = false, needs_realloc = false;
    uint64_t host_next = 0;
    // set_realloc_bias's (from_call, bias) until that call is reached.
    std::optional<std::pair<size_t, int64_t>> pending_bias;
  };
  Side& side(bool callee) { return callee ? callee_ : caller_; }
  MemoryView view(bool callee);

  const TypeStore& types_;
  FuncTypeId lift_type_, lower_type_;
  HarnessConfig config_;
  Reference ref_;
  engine::Runtime runtime_;
  Side caller_, callee_;
  std::vector<ValType> lower_params_, lower_results_, lift_params_, lift_results_;
  bool lower_params_indirect_ = false, lower_results_indirect_ = false;
  bool lift_params_indirect_ = false, lift_results_indirect_ = false;
  std::vector<uint8_t> adapter_wasm_;
  engine::Runtime::Handle run_;
  std::vector<std::pair<uint32_t, engine::Runtime::Handle>> flags_;

  std::optional<Value> callee_result_;
  std::optional<std::vector<Val>> callee_raw_results_;
  std::optional<Expected<std::vector<Value>>> received_;
  std::vector<Val> callee_raw_params_;
  std::vector<Val> callee_raw_results_sent_;
  std::optional<std::vector<Val>> post_return_args_;
  std::optional<uint32_t> lift_flags_at_call_, lift_flags_at_post_return_;
  std::vector<ReallocCall> caller_reallocs_, callee_reallocs_;
  std::vector<IntrinsicCall> intrinsic_calls_;
  GuestHooks hooks_;
  // The host bound to the adapter's runtime imports: config_.host, or one
  // of the harness's own for an adapter with an async side.
  host::Host* host_ = nullptr;
  std::unique_ptr<host::Host> own_host_;
  // Context slots of each sync call level; entry 0 is the caller's.
  std::vector<std::array<uint32_t, 2>> context_frames_{{0, 0}};
};

}  // namespace fact::test
