// Token buckets per API key: a request bucket (the plan's requests per minute, refilled continuously), an
// optional per-second bucket, a token bucket charged with each answer's usage, and a monthly quota counted
// per UTC calendar month. Safe to use from every worker thread.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <gatecheck/vendor/profile.hpp>

#include "spin_lock.hpp"

namespace gatecheck::mock {

struct RateDecision {
  bool allowed = true;
  std::string limited_by;  // "requests" or "tokens" when refused
  std::uint64_t limit_requests = 0;
  std::uint64_t remaining_requests = 0;
  double reset_requests_seconds = 0;  // until the request bucket is full again
  std::uint64_t limit_tokens = 0;     // 0: no token limit
  std::uint64_t remaining_tokens = 0;
  double reset_tokens_seconds = 0;
  double retry_after_seconds = 0;  // refused: until one request fits
  // Refused: the bucket that refused, in OpenAI's words ("requests per min (RPM)", "requests per sec (RPS)",
  // "tokens per min (TPM)"), its size and how much of it is spent, for the 429's message.
  std::string_view refused_bucket;
  std::uint64_t refused_limit = 0;
  std::uint64_t refused_used = 0;
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // At most `max_keys` keys are remembered (see evict()).
  explicit RateLimiter(const vendor::RateLimitClaims& claims, std::size_t max_keys = 100'000)
      : claims_(claims), max_keys_(std::max<std::size_t>(max_keys, 1)) {}

  // Takes one request from `key`'s buckets if it fits. `wall_seconds` (Unix time, the mock's clock, which
  // --fixed-clock may fix) places it in its UTC month for the monthly quota; nullopt: the system clock.
  RateDecision admit(const std::string& key, const std::string& plan, Clock::time_point now,
                     std::optional<std::int64_t> wall_seconds = std::nullopt);
  // Charges the tokens an answer used; returns the token bucket's state for the headers.
  void charge_tokens(const std::string& key, const std::string& plan, std::uint64_t tokens,
                     Clock::time_point now, RateDecision& decision);
  // The state of an untouched window of `plan`, for answers to keys that never reached the buckets (a 401)
  // under a profile that reports the headers on every answer.
  RateDecision full_window(const std::string& plan) const;
  void reset();
  std::size_t tracked_keys();  // how many keys have buckets now

 private:
  struct Bucket {
    double level = 0;             // below zero when an answer spent more tokens than were left
    Clock::time_point updated{};  // the epoch: never used yet (starts full)
  };
  struct KeyState {
    Bucket minute;
    Bucket second;
    Bucket tokens;
    std::int64_t month = 0;        // months since 1970 of the quota count
    std::uint64_t month_used = 0;  // requests admitted in that month
    Clock::time_point used{};      // the last admission, whichever buckets the plan has
  };
  const vendor::RateLimitPlan& plan_for(const std::string& name) const;
  KeyState& state_for(const std::string& key, Clock::time_point now);  // the caller holds the lock
  void evict(Clock::time_point now);

  const vendor::RateLimitClaims& claims_;
  SpinLock mutex_;
  std::size_t max_keys_;
  std::unordered_map<std::string, KeyState> keys_;
};

}  // namespace gatecheck::mock
