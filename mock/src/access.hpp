// Who may call, and how often: the one bearer parser (the API and the admin API both use it), the key check
// with the profile's 401 wording, and the rate-limit admission with its 429.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "call_context.hpp"
#include "key_ring.hpp"
#include "rate_limiter.hpp"

namespace gatecheck::mock {

// The token of "Bearer <token>" (scheme case-insensitive, trailing blanks dropped); empty otherwise.
std::string_view bearer_token(std::optional<std::string_view> authorization);

struct Admission {
  std::string key;
  std::string plan;
  RateDecision decision;
  bool rated = false;  // the buckets were consulted (a 429 too): the answer reports them
};

// The key the request presents, as the profile's schemes say; empty when none.
std::string presented_key(const CallContext& context);
// Throws Rejected 401 for a missing, unknown or revoked key, worded as the profile claims; sets the key's
// plan.
void verify_key(const CallContext& context, const KeyRing& keys, Admission& admission);
// Takes a request from the key's buckets; throws Rejected 429 (with Retry-After as claimed) when one is
// empty.
void admit(const CallContext& context, RateLimiter& limiter, Admission& admission);

}  // namespace gatecheck::mock
