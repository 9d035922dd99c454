// Fan-out used by the runner: scenarios across --jobs, a burst's copies across its concurrency.
#pragma once

#include <cstddef>
#include <thread>
#include <vector>

namespace gatecheck::runner {

// Runs `work` on `workers` threads, the calling one included, and returns when every one has returned.
// `work` takes its own items from shared state (an atomic index), so uneven items balance themselves.
template <typename Work>
void run_in_parallel(std::size_t workers, const Work& work) {
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < workers; ++t)
    threads.emplace_back(work);
  work();
  for (auto& thread : threads)
    thread.join();
}

}  // namespace gatecheck::runner
