// Everything about the mock that changes while it serves, in one owner: API keys and their usage, rate-limit
// buckets, Idempotency-Key answers, the request journal, webhooks, the stubs with their hits and scenario
// states, the stored Responses API answers, the replayed recordings' turns and the upstream exchanges of
// proxying stubs. The app holds one State; the stages borrow the parts they need, and /admin/reset resets it
// in one place.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include <gatecheck/mock/server.hpp>

#include "idempotency.hpp"
#include "journal.hpp"
#include "key_ring.hpp"
#include "proxy.hpp"
#include "rate_limiter.hpp"
#include "replay.hpp"
#include "response_store.hpp"
#include "stub_store.hpp"
#include "webhook_hub.hpp"

namespace gatecheck::mock {

struct State {
  State(const ServerOptions& options, std::vector<std::shared_ptr<const CompiledStub>> stubs);
  void reset();

  KeyRing keys;
  RateLimiter limiter;
  Journal journal;
  WebhookHub hooks;
  StubStore stubs;
  ResponseStore responses;
  IdempotencyStore idempotency;  // the profile's Idempotency-Key: first answers, by key
  ReplayStore replay;            // --replay: the recordings, and each key's turn
  ProxyPool proxies;             // not reset: the upstream exchanges in flight finish on their own
};

}  // namespace gatecheck::mock
