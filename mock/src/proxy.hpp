// A stub's `proxy:`: the request is forwarded to another server and its answer comes back as it arrives (an
// event stream passes through chunk by chunk, its bytes untouched, so framing quirks survive). The upstream
// exchange runs on a thread of its own, so a paced stream does not hold the worker; a bounded number run at
// once, and each is bounded in time (connect 5 s, 30 s of silence, 10 minutes in all).
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

#include "exchange.hpp"
#include "stub_response.hpp"

namespace gatecheck::mock {

class ProxyPool {
 public:
  static constexpr std::size_t kMaxOpen = 256;

  ProxyPool() = default;
  ~ProxyPool();  // waits for the upstream exchanges still running (each is bounded in time)
  ProxyPool(const ProxyPool&) = delete;
  ProxyPool& operator=(const ProxyPool&) = delete;

  // Forwards `request` to `target`; waits for the upstream's status line. A transport failure is a 502 in
  // the API's error shape, naming the upstream and what went wrong; a full pool is a 503.
  Reply forward(const Request& request, const ProxyTarget& target);

  struct Exchange;  // one upstream exchange, shared by its thread and the reply's stream

 private:
  struct Running {
    std::thread thread;
    std::shared_ptr<Exchange> exchange;
  };
  void reap();  // joins the threads that have finished

  std::mutex mutex_;
  std::list<Running> running_;
};

}  // namespace gatecheck::mock
