#include "fact/host/fiber.h"

#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <cassert>
#include <cstdint>
#include <cstdlib>
#include <semaphore>
#include <thread>
#include <utility>

#if defined(__SANITIZE_ADDRESS__)
#define FACT_ASAN_FIBERS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FACT_ASAN_FIBERS 1
#endif
#endif

#if defined(FACT_ASAN_FIBERS)
#include <sanitizer/common_interface_defs.h>
#endif

namespace fact::host {

struct Fiber::Impl {
  virtual ~Impl() = default;
  virtual void resume() = 0;
  virtual void suspend() = 0;
  std::function<void()> body;
  bool started = false;
  bool finished = false;
};

namespace {

class ThreadFiber final : public Fiber::Impl {
 public:
  ~ThreadFiber() override {
    if (thread_.joinable()) thread_.join();
  }

  void resume() override {
    if (!started) {
      started = true;
      thread_ = std::thread([this] {
        run_.acquire();
        body();
        finished = true;
        back_.release();
      });
    }
    run_.release();
    back_.acquire();
  }

  void suspend() override {
    back_.release();
    run_.acquire();
  }

 private:
  std::thread thread_;
  // `run_` lets the fiber go on; `back_` gives control back to the resumer.
  std::binary_semaphore run_{0};
  std::binary_semaphore back_{0};
};

// ASan must be told when the stack changes (its fake stacks and the bounds
// it checks accesses against); without ASan these do nothing. `fake` is
// where the leaving side keeps its fake stack (null: it never comes back).
#if defined(FACT_ASAN_FIBERS)
void start_switch(void** fake, const void* bottom, size_t size) {
  __sanitizer_start_switch_fiber(fake, bottom, size);
}
void finish_switch(void* fake, const void** old_bottom, size_t* old_size) {
  __sanitizer_finish_switch_fiber(fake, old_bottom, old_size);
}
#else
void start_switch(void**, const void*, size_t) {}
void finish_switch(void*, const void**, size_t*) {}
#endif

// makecontext builds the fiber's first frame on its stack; every switch
// after that is a __builtin_setjmp/__builtin_longjmp pair, which saves and
// restores only the frame and stack pointers (the compiler spills every
// other register around __builtin_setjmp). swapcontext would also save and
// restore the signal mask, two system calls per switch, which made it
// slower than the thread hand-off.
class UcontextFiber final : public Fiber::Impl {
 public:
  static constexpr size_t kStackSize = size_t{8} << 20;

  UcontextFiber() {
    page_ = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    mapping_size_ = kStackSize + page_;
    void* mapping = mmap(nullptr, mapping_size_, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (mapping == MAP_FAILED) std::abort();
    mapping_ = static_cast<char*>(mapping);
    // The lowest page stays unmapped for access: an overflow faults there
    // instead of running into other memory.
    mprotect(mapping_, page_, PROT_NONE);
  }

  ~UcontextFiber() override { munmap(mapping_, mapping_size_); }

  // State that lives across a jump is in members: locals written after
  // __builtin_setjmp are not reliable after the jump back.
  void resume() override {
    if (__builtin_setjmp(resumer_jump_) == 0) {
      if (!started) {
        started = true;
        enter();
      }
      jump(fiber_jump_, &resumer_fake_, mapping_ + page_, kStackSize);
    }
    // Back from the fiber, which suspended or finished.
    finish_switch(resumer_fake_, nullptr, nullptr);
  }

  void suspend() override {
    if (__builtin_setjmp(fiber_jump_) == 0) {
      jump(resumer_jump_, &fiber_fake_, resumer_bottom_, resumer_size_);
    }
    // Resumed: possibly by another resumer, on another stack.
    finish_switch(fiber_fake_, &resumer_bottom_, &resumer_size_);
  }

 private:
  // Switches to the stack `bottom`/`size` at `buffer`. Nothing may run
  // between telling ASan and switching, so neither this nor enter() is
  // instrumented. (__builtin_longjmp may not be called from the function
  // that called __builtin_setjmp on the same buffer, either.)
  [[gnu::noinline, gnu::no_sanitize_address]] static void jump(void** buffer, void** fake,
                                                               const void* bottom, size_t size) {
    start_switch(fake, bottom, size);
    __builtin_longjmp(buffer, 1);
  }

  [[gnu::noinline, gnu::no_sanitize_address]] void enter() {
    ucontext_t here;
    getcontext(&first_);
    first_.uc_stack.ss_sp = mapping_ + page_;
    first_.uc_stack.ss_size = kStackSize;
    first_.uc_link = nullptr;
    // makecontext passes int arguments: the pointer goes in two halves.
    const auto self = reinterpret_cast<uintptr_t>(this);
    makecontext(&first_, reinterpret_cast<void (*)()>(&UcontextFiber::entry), 2,
                static_cast<unsigned>(self >> 32), static_cast<unsigned>(self & 0xffffffffu));
    start_switch(&resumer_fake_, mapping_ + page_, kStackSize);
    swapcontext(&here, &first_);
    // Never comes back here: the fiber returns to its resumer by jumping.
    std::abort();
  }

  static void entry(unsigned high, unsigned low) {
    auto* self = reinterpret_cast<UcontextFiber*>((uintptr_t{high} << 32) | uintptr_t{low});
    finish_switch(nullptr, &self->resumer_bottom_, &self->resumer_size_);
    self->body();
    self->finished = true;
    jump(self->resumer_jump_, nullptr, self->resumer_bottom_, self->resumer_size_);
  }

  char* mapping_ = nullptr;
  size_t mapping_size_ = 0;
  size_t page_ = 0;
  ucontext_t first_{};
  // __builtin_setjmp buffers: five words.
  void* resumer_jump_[5] = {};
  void* fiber_jump_[5] = {};
  // The resumer's stack, which ASan needs to switch back to it, and the
  // fake stacks of both sides while the other runs.
  const void* resumer_bottom_ = nullptr;
  size_t resumer_size_ = 0;
  void* resumer_fake_ = nullptr;
  void* fiber_fake_ = nullptr;
};

}  // namespace

Fiber::Fiber(std::function<void()> body, FiberBackend backend) {
  if (backend == FiberBackend::Threads) {
    impl_ = std::make_unique<ThreadFiber>();
  } else {
    impl_ = std::make_unique<UcontextFiber>();
  }
  impl_->body = std::move(body);
}

Fiber::~Fiber() {
  assert((!impl_->started || impl_->finished) && "a suspended fiber must be finished first");
}

void Fiber::resume() {
  assert(!impl_->finished);
  impl_->resume();
}

void Fiber::suspend() { impl_->suspend(); }

bool Fiber::started() const { return impl_->started; }
bool Fiber::finished() const { return impl_->finished; }

}  // namespace fact::host
