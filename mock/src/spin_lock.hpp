// A lock for critical sections of a few dozen nanoseconds shared by the worker threads (rate-limit buckets,
// the journal). A contended std::mutex parks the loser in a futex syscall, which costs more than the work it
// protects.
#pragma once

#include <atomic>
#include <thread>

namespace gatecheck::mock {

class SpinLock {
 public:
  void lock() {
    for (int spins = 0; flag_.test_and_set(std::memory_order_acquire); ++spins) {
      if (spins > 64) std::this_thread::yield();
    }
  }
  void unlock() { flag_.clear(std::memory_order_release); }

 private:
  std::atomic_flag flag_ = ATOMIC_FLAG_INIT;
};

}  // namespace gatecheck::mock
