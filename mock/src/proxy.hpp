// A stub's `proxy:`: the request is forwarded to another server and its answer comes back as it arrives (an
// event stream passes through chunk by chunk, its bytes untouched, so framing quirks survive). Each upstream
// exchange runs on a thread of its own and the answer is a PendingAnswer the HTTP layer polls, so no worker
// waits on an upstream. Bounded: 256 exchanges at once, 5 s to connect, 30 s of silence, 10 minutes in all,
// 64 MiB held per exchange and 256 MiB over all of them.
#pragma once

#include <atomic>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <gatecheck/vendor/profile.hpp>

#include "exchange.hpp"
#include "stub_response.hpp"

namespace gatecheck::mock {

class ProxyPool {
 public:
  static constexpr std::size_t kMaxOpen = 256;

  ProxyPool() = default;
  ~ProxyPool();  // abandons the upstream exchanges still running and joins their threads
  ProxyPool(const ProxyPool&) = delete;
  ProxyPool& operator=(const ProxyPool&) = delete;

  // Starts forwarding `request` to `target` and returns at once: a Reply whose `pending` answer is the
  // upstream's. A failed upstream becomes a 502 in `profile`'s error shape naming it; a full pool is a 503
  // (thrown as Rejected), and so is a path that is not absolute (a 400).
  Reply forward(const Request& request, const ProxyTarget& target, const vendor::Profile& profile,
                const std::string& request_id);

  struct Exchange;  // one upstream exchange, shared by its thread and the answer

 private:
  struct Running {
    std::thread thread;
    std::shared_ptr<Exchange> exchange;
  };
  void reap();  // joins the threads that have finished

  std::mutex mutex_;
  std::list<Running> running_;
  std::shared_ptr<std::atomic<std::size_t>> held_ = std::make_shared<std::atomic<std::size_t>>(0);
};

}  // namespace gatecheck::mock
