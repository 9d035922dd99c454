// Everything about the mock that changes while it serves, in one owner: API keys and their usage, rate-limit
// buckets, the request journal, webhooks, how often each stub has answered, and the stored Responses API
// answers. The app holds one State; the stages borrow the parts they need, and /admin/reset resets it in one
// place.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include <gatecheck/mock/server.hpp>

#include "journal.hpp"
#include "key_ring.hpp"
#include "rate_limiter.hpp"
#include "response_store.hpp"
#include "webhook_hub.hpp"

namespace gatecheck::mock {

// Hits per stub, in the order of ServerOptions::stubs (a stub's n-th hit plays its n-th response).
class StubCounters {
 public:
  explicit StubCounters(std::size_t stubs);
  std::size_t hit(std::size_t stub) { return counts_[stub]->fetch_add(1); }
  void reset();

 private:
  std::vector<std::unique_ptr<std::atomic<std::size_t>>> counts_;
};

struct State {
  explicit State(const ServerOptions& options);
  void reset();

  KeyRing keys;
  RateLimiter limiter;
  Journal journal;
  WebhookHub hooks;
  StubCounters stub_hits;
  ResponseStore responses;
};

}  // namespace gatecheck::mock
