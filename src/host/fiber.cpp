#include "fact/host/fiber.h"

#include <cassert>
#include <semaphore>
#include <thread>
#include <utility>

namespace fact::host {

struct Fiber::Impl {
  std::function<void()> body;
  std::thread thread;
  // `run` lets the fiber go on; `back` gives control back to the resumer.
  std::binary_semaphore run{0};
  std::binary_semaphore back{0};
  bool started = false;
  bool finished = false;
};

Fiber::Fiber(std::function<void()> body) : impl_(std::make_unique<Impl>()) {
  impl_->body = std::move(body);
}

Fiber::~Fiber() {
  assert((!impl_->started || impl_->finished) && "a suspended fiber must be finished first");
  if (impl_->thread.joinable()) impl_->thread.join();
}

void Fiber::resume() {
  Impl& f = *impl_;
  assert(!f.finished);
  if (!f.started) {
    f.started = true;
    f.thread = std::thread([&f] {
      f.run.acquire();
      f.body();
      f.finished = true;
      f.back.release();
    });
  }
  f.run.release();
  f.back.acquire();
}

void Fiber::suspend() {
  impl_->back.release();
  impl_->run.acquire();
}

bool Fiber::started() const { return impl_->started; }
bool Fiber::finished() const { return impl_->finished; }

}  // namespace fact::host
