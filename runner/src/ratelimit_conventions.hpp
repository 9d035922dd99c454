// The ways servers announce rate limits, one table: the profile's claimed names first, then OpenAI's
// (x-ratelimit-*-requests), the de-facto X-RateLimit-* and the IETF RateLimit fields (the draft's
// RateLimit-Limit/-Remaining/-Reset, and RateLimit + RateLimit-Policy structured fields). The contract checks
// read whichever a target uses; only ratelimit.profile-names holds it to the profile's naming.
#pragma once

#include <optional>
#include <string>

#include <gatecheck/core/headers.hpp>
#include <gatecheck/vendor/profile.hpp>

namespace gatecheck::runner {

struct RateLimitReading {
  std::string convention;  // "the profile's", "OpenAI x-ratelimit-*-requests", "X-RateLimit-*", "IETF ..."
  bool profile_names = false;  // read under the names the profile claims
  std::optional<double> limit;
  std::optional<double> remaining;
  std::optional<double> reset_seconds;  // until the window resets, as of `arrived`
  std::string reset_text;               // the reset value as sent
  // The IETF RateLimit field may leave out the quota and the reset (only `r` is required there).
  bool limit_and_reset_required = true;
};

// The request-quota reading of the first convention whose `remaining` is present; nullopt when none is.
// `arrived` (Unix seconds) turns an epoch reset into seconds from then.
std::optional<RateLimitReading> read_rate_limit(const core::Headers& headers, const vendor::Profile& profile,
                                                double arrived);

}  // namespace gatecheck::runner
