// A fiber: a function that runs on a native stack of its own and can give
// control back to whoever resumed it, to be resumed later where it stopped.
// The host runs every component thread that may block on a fiber, because
// an interpreter such as libwabt cannot park a call inside a host function:
// the guest's frames, and the host frames between them, have to stay on a
// stack that is not the resumer's.
//
// Exactly one of the resumer and the fiber runs at any time: resume() blocks
// until the fiber suspends or returns, and suspend() blocks until the next
// resume(). That hand-off is the only synchronisation, so the code on both
// sides may share state (a wasm store, the host) without locks.
//
// Two backends, chosen per fiber:
//   Threads   each fiber is an operating-system thread, and control is
//             handed over with two binary semaphores (the construction of
//             the Canonical ABI's own reference: cont_new/resume/block on
//             Python threads). A switch is a futex wake and wait.
//   Ucontext  a stack of its own (8 MiB of address space, committed as it
//             is used, with a guard page below it) entered once with
//             makecontext/swapcontext; later switches are
//             __builtin_setjmp/__builtin_longjmp, in the same thread, with
//             AddressSanitizer's fiber annotations. About 60 times faster
//             per switch than Threads (bench/fiber_bench.cpp): the default.
// Both need no assembly of fact's own and work under AddressSanitizer and
// UndefinedBehaviorSanitizer.
#pragma once

#include <functional>
#include <memory>

namespace fact::host {

enum class FiberBackend : uint8_t { Threads, Ucontext };

class Fiber {
 public:
  // `body` runs at the first resume(), on the fiber's stack.
  explicit Fiber(std::function<void()> body, FiberBackend backend = FiberBackend::Ucontext);
  // Precondition: the fiber was never resumed or its body has returned (a
  // suspended fiber must be resumed until it returns first).
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Runs the fiber until it suspends or its body returns. Precondition: not
  // finished(), and not called from the fiber itself.
  void resume();
  // Called from the fiber's body (or what it calls): returns control to the
  // resumer, and returns at the next resume().
  void suspend();

  bool started() const;
  bool finished() const;

  // The backend's state (src/host/fiber.cpp).
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace fact::host
