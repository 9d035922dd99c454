#include "rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace gatecheck::mock {
namespace {

void refill(double& level, double capacity, double per_second, RateLimiter::Clock::time_point& updated,
            RateLimiter::Clock::time_point now) {
  if (updated == RateLimiter::Clock::time_point{}) {
    level = capacity;
  } else {
    const double elapsed = std::chrono::duration<double>(now - updated).count();
    level = std::min(capacity, level + elapsed * per_second);
  }
  updated = now;
}

// The UTC calendar month of `now` (months since January 1970) and the seconds until the next one begins.
std::pair<std::int64_t, double> utc_month(std::chrono::sys_seconds now) {
  using namespace std::chrono;
  const year_month_day day{floor<days>(now)};
  const std::int64_t index =
      (static_cast<int>(day.year()) - 1970) * 12 + static_cast<unsigned>(day.month()) - 1;
  const sys_days next{(day.year() / day.month() / 1) + months{1}};
  return {index, duration<double>(next - now).count()};
}

}  // namespace

const vendor::RateLimitPlan& RateLimiter::plan_for(const std::string& name) const {
  const auto it = claims_.plans.find(name.empty() ? claims_.default_plan : name);
  if (it != claims_.plans.end()) return it->second;
  static const vendor::RateLimitPlan unlimited{"unlimited", 1'000'000'000, 0, 0, 0, {}};
  return claims_.plans.empty() ? unlimited : claims_.plans.begin()->second;
}

RateDecision RateLimiter::admit(const std::string& key, const std::string& plan_name, Clock::time_point now,
                                std::optional<std::int64_t> wall_seconds) {
  const auto& plan = plan_for(plan_name);
  const std::lock_guard lock(mutex_);
  auto& state = state_for(key, now);
  const bool has_minute = plan.requests_per_minute > 0;
  const double per_minute = static_cast<double>(plan.requests_per_minute);
  if (has_minute) refill(state.minute.level, per_minute, per_minute / 60.0, state.minute.updated, now);
  const bool has_second = plan.requests_per_second > 0;
  const double per_second = static_cast<double>(plan.requests_per_second);
  if (has_second) refill(state.second.level, per_second, per_second, state.second.updated, now);
  const bool has_tokens = plan.tokens_per_minute > 0;
  const double tokens_per_minute = static_cast<double>(plan.tokens_per_minute);
  if (has_tokens)
    refill(state.tokens.level, tokens_per_minute, tokens_per_minute / 60.0, state.tokens.updated, now);

  const auto wall = wall_seconds ? std::chrono::sys_seconds(std::chrono::seconds(*wall_seconds))
                                 : std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto [month, month_left_seconds] = utc_month(wall);
  if (state.month != month) {
    state.month = month;
    state.month_used = 0;
  }
  state.used = now;
  const bool has_month = plan.requests_per_month > 0;

  RateDecision decision;
  const auto refuse = [&](std::string_view limited_by, std::string_view bucket, double limit, double level,
                          double per_second_refill) {
    decision.allowed = false;
    decision.limited_by = limited_by;
    decision.retry_after_seconds = (1.0 - level) / per_second_refill;
    decision.refused_bucket = bucket;
    decision.refused_limit = static_cast<std::uint64_t>(limit);
    decision.refused_used = static_cast<std::uint64_t>(std::clamp(limit - std::floor(level), 0.0, limit));
  };
  const bool month_spent = has_month && state.month_used >= plan.requests_per_month;
  if (month_spent) {
    refuse("quota", "requests per month", static_cast<double>(plan.requests_per_month), 0, 1.0);
    decision.retry_after_seconds = month_left_seconds;
  } else if (has_minute && state.minute.level < 1.0) {
    refuse("requests", "requests per min (RPM)", per_minute, state.minute.level, per_minute / 60.0);
  } else if (has_second && state.second.level < 1.0) {
    refuse("requests", "requests per sec (RPS)", per_second, state.second.level, per_second);
  } else if (has_tokens && state.tokens.level <= 0) {
    refuse("tokens", "tokens per min (TPM)", tokens_per_minute, state.tokens.level, tokens_per_minute / 60.0);
  } else {
    if (has_minute) state.minute.level -= 1.0;
    if (has_second) state.second.level -= 1.0;
    if (has_month) ++state.month_used;
  }
  // The headers describe the minute window; a plan without one, its second window.
  const Bucket& window = has_minute ? state.minute : state.second;
  const double capacity = has_minute ? per_minute : per_second;
  const double refill_per_second = has_minute ? per_minute / 60.0 : per_second;
  decision.limit_requests = static_cast<std::uint64_t>(capacity);
  if (capacity > 0 && !month_spent) {
    decision.remaining_requests = static_cast<std::uint64_t>(std::max(0.0, std::floor(window.level)));
    decision.reset_requests_seconds = (capacity - window.level) / refill_per_second;
  } else {  // a monthly quota alone, or the spent quota that refused: the headers tell of the month
    decision.limit_requests = plan.requests_per_month;
    decision.remaining_requests =
        plan.requests_per_month - std::min(plan.requests_per_month, state.month_used);
    decision.reset_requests_seconds = month_left_seconds;
  }
  if (has_tokens) {
    decision.limit_tokens = plan.tokens_per_minute;
    decision.remaining_tokens = static_cast<std::uint64_t>(std::max(0.0, std::floor(state.tokens.level)));
    decision.reset_tokens_seconds = (tokens_per_minute - state.tokens.level) / (tokens_per_minute / 60.0);
  }
  return decision;
}

void RateLimiter::charge_tokens(const std::string& key, const std::string& plan_name, std::uint64_t tokens,
                                Clock::time_point now, RateDecision& decision) {
  const auto& plan = plan_for(plan_name);
  if (plan.tokens_per_minute == 0) return;
  const std::lock_guard lock(mutex_);
  auto& bucket = state_for(key, now).tokens;
  const double capacity = static_cast<double>(plan.tokens_per_minute);
  refill(bucket.level, capacity, capacity / 60.0, bucket.updated, now);
  bucket.level -= static_cast<double>(tokens);
  decision.remaining_tokens = static_cast<std::uint64_t>(std::max(0.0, std::floor(bucket.level)));
  decision.reset_tokens_seconds = (capacity - bucket.level) / (capacity / 60.0);
}

RateLimiter::KeyState& RateLimiter::state_for(const std::string& key, Clock::time_point now) {
  if (const auto it = keys_.find(key); it != keys_.end()) return it->second;
  if (keys_.size() >= max_keys_) evict(now);
  return keys_[key];
}

// The table is full. A key idle for a minute has full buckets again, so forgetting it changes nothing; if
// that frees too little (every key is busy), the least recently used tenth goes, so one new key never costs a
// scan.
void RateLimiter::evict(Clock::time_point now) {
  const auto last_used = [](const KeyState& state) { return std::max(state.used, state.tokens.updated); };
  // Idle a minute with no token debt: every bucket is full again, the same as a key never seen.
  std::erase_if(keys_, [&](const auto& entry) {
    return now - last_used(entry.second) >= std::chrono::minutes(1) && entry.second.tokens.level >= 0 &&
           entry.second.month_used == 0;
  });
  const std::size_t tenth = std::max<std::size_t>(1, max_keys_ / 10);
  if (keys_.size() + tenth <= max_keys_) return;
  std::vector<Clock::time_point> times;
  times.reserve(keys_.size());
  for (const auto& [key, state] : keys_)
    times.push_back(last_used(state));
  const auto cut = times.begin() + static_cast<std::ptrdiff_t>(std::min(tenth, times.size()) - 1);
  std::nth_element(times.begin(), cut, times.end());
  const auto newest_evicted = *cut;
  std::erase_if(keys_, [&](const auto& entry) { return last_used(entry.second) <= newest_evicted; });
}

RateDecision RateLimiter::full_window(const std::string& plan_name) const {
  const auto& plan = plan_for(plan_name);
  RateDecision decision;
  decision.limit_requests =
      plan.requests_per_minute > 0 ? plan.requests_per_minute : plan.requests_per_second;
  decision.remaining_requests = decision.limit_requests;
  decision.limit_tokens = decision.remaining_tokens = plan.tokens_per_minute;
  return decision;
}

std::size_t RateLimiter::tracked_keys() {
  const std::lock_guard lock(mutex_);
  return keys_.size();
}

void RateLimiter::reset() {
  const std::lock_guard lock(mutex_);
  keys_.clear();
}

}  // namespace gatecheck::mock
