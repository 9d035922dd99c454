// ratelimit.*: the rate-limit contract, read across every response of a step (usually a burst) under
// whichever convention the target uses (ratelimit_conventions.hpp); the profile's naming is a check of its
// own, so that another convention never hides a broken contract.
#include <chrono>

#include <gatecheck/core/duration.hpp>

#include "check_evaluation.hpp"
#include "ratelimit_conventions.hpp"

namespace gatecheck::runner {
namespace {

// The wall-clock time the response arrived, in Unix seconds: an epoch reset is judged against when it was
// sent, not against when the check runs (a slow run, a sanitizer build, must not make it "past").
double arrived_at(const Exchange& ex) {
  const auto finished = ex.response.timings.finished;
  const auto since =
      finished == net::Clock::time_point{} ? net::Clock::duration{} : net::Clock::now() - finished;
  return std::chrono::duration<double>((std::chrono::system_clock::now() - since).time_since_epoch()).count();
}

bool answered(const Exchange& ex) {
  return !ex.response.error && ex.response.status != 0;
}

// The answers that announce a limit: those a bucket admitted, and the 429 that refused one. Other refusals
// (a 401 for a bad key, a 404 for no such path) come before any bucket and need not say anything of limits.
bool announces_limits(const Exchange& ex) {
  const int status = ex.response.status;
  return answered(ex) && ((status >= 200 && status < 300) || status == 429);
}

bool success(const Exchange& ex) {
  return answered(ex) && ex.response.status >= 200 && ex.response.status < 300;
}

std::optional<RateLimitReading> reading(const CheckContext& context, const Exchange& ex) {
  return read_rate_limit(ex.response.headers, context.profile, arrived_at(ex));
}

std::string response_name(std::size_t i, const Exchange& ex) {
  return "response #" + std::to_string(i + 1) + " (status " + std::to_string(ex.response.status) + ")";
}

Verdict headers_present(const CheckContext& context) {
  if (!context.profile.has("rate_limits.headers"))
    return Verdict::not_applicable("the profile claims no rate-limit headers");
  std::size_t judged = 0;
  for (std::size_t i = 0; i < context.exchanges.size(); ++i) {
    const Exchange& ex = *context.exchanges[i];
    if (!announces_limits(ex)) continue;
    ++judged;
    const auto found = reading(context, ex);
    if (!found)
      return Verdict::fail(response_name(i, ex) + " announces no rate limit under any known convention",
                           "limit, remaining and reset (x-ratelimit-*-requests, X-RateLimit-* or RateLimit)",
                           "none");
    const char* missing = !found->remaining                  ? "a remaining count that reads as one"
                          : !found->limit_and_reset_required ? nullptr
                          : !found->limit                    ? "limit"
                          : !found->reset_seconds            ? "a readable reset"
                                                             : nullptr;
    if (missing != nullptr)
      return Verdict::fail(
          response_name(i, ex) + " announces remaining under " + found->convention + " but not " + missing,
          "limit, remaining and reset", found->reset_text.empty() ? "absent" : found->reset_text);
  }
  if (judged == 0) return Verdict::not_applicable("no answer a bucket admitted, and no 429");
  return Verdict::pass(std::to_string(judged) + " responses");
}

Verdict profile_names(const CheckContext& context) {
  const auto& claimed = context.profile.rate_limits.remaining_requests;
  if (claimed.empty()) return Verdict::not_applicable("the profile claims no rate-limit header names");
  std::size_t judged = 0;
  for (std::size_t i = 0; i < context.exchanges.size(); ++i) {
    const Exchange& ex = *context.exchanges[i];
    const auto found = announces_limits(ex) ? reading(context, ex) : std::nullopt;
    if (!found) continue;  // no headers at all: ratelimit.headers-present's finding
    ++judged;
    if (!found->profile_names)
      return Verdict::fail(response_name(i, ex) + " announces its limits as " + found->convention +
                               ", not under the names the profile claims",
                           claimed + " (the profile's)", found->convention);
  }
  if (judged == 0)
    return Verdict::not_applicable("no rate-limit headers to name (ratelimit.headers-present)");
  return Verdict::pass(std::to_string(judged) + " responses");
}

Verdict remaining_decreases(const CheckContext& context) {
  std::vector<double> values;
  std::string convention;
  for (const Exchange* ex : context.exchanges) {
    if (!success(*ex)) continue;
    if (const auto found = reading(context, *ex); found && found->remaining) {
      values.push_back(*found->remaining);
      convention = found->convention;
    }
  }
  if (values.size() < 2)
    return Verdict::not_applicable("fewer than two successful responses announcing what remains");
  for (std::size_t i = 1; i < values.size(); ++i)
    if (values[i] < values[0])
      return Verdict::pass("remaining went from " + std::to_string(static_cast<long long>(values[0])) + " (" +
                           convention + ")");
  return Verdict::fail("the remaining count (" + convention + ") never went below its first value over " +
                           std::to_string(values.size()) + " requests",
                       "a decreasing count", "stays at " + std::to_string(static_cast<long long>(values[0])));
}

Verdict reset_in_future(const CheckContext& context) {
  std::size_t judged = 0;
  for (std::size_t i = 0; i < context.exchanges.size(); ++i) {
    const Exchange& ex = *context.exchanges[i];
    if (!success(ex)) continue;
    const auto found = reading(context, ex);
    if (!found || !found->limit || !found->remaining || found->reset_text.empty()) continue;
    if (*found->remaining >= *found->limit) continue;  // window untouched
    ++judged;
    if (!found->reset_seconds)
      return Verdict::fail(response_name(i, ex) + ": the reset (" + found->convention + ") does not parse",
                           "a reset time", "'" + found->reset_text + "'");
    if (*found->reset_seconds <= 0)
      return Verdict::fail(response_name(i, ex) + ": the window is partly used (" +
                               std::to_string(static_cast<long long>(*found->remaining)) + " of " +
                               std::to_string(static_cast<long long>(*found->limit)) +
                               " left) but resets in the past",
                           "a reset after now", "'" + found->reset_text + "'");
  }
  if (judged == 0) return Verdict::not_applicable("no response with a partly used window");
  return Verdict::pass(std::to_string(judged) + " responses");
}

Verdict retry_after_on_429(const CheckContext& context) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < context.exchanges.size(); ++i) {
    const Exchange& ex = *context.exchanges[i];
    if (ex.response.status != 429) continue;
    ++seen;
    if (!core::retry_after_ms(ex.response.headers)) {
      const auto given = ex.response.headers.get("retry-after");
      return Verdict::fail("429 response #" + std::to_string(i + 1) + " does not say when to retry",
                           "Retry-After: <seconds> | <HTTP-date>, or retry-after-ms",
                           given ? "Retry-After: '" + std::string(*given) + "' (not RFC 9110)" : "absent");
    }
  }
  if (seen == 0) return Verdict::not_applicable("no 429 arrived");
  return Verdict::pass(std::to_string(seen) + " 429 responses");
}

}  // namespace

Verdict ratelimit_headers_present(const CheckContext& context, const Exchange*) {
  return headers_present(context);
}
Verdict ratelimit_profile_names(const CheckContext& context, const Exchange*) {
  return profile_names(context);
}
Verdict ratelimit_remaining_decreases(const CheckContext& context, const Exchange*) {
  return remaining_decreases(context);
}
Verdict ratelimit_reset_in_future(const CheckContext& context, const Exchange*) {
  return reset_in_future(context);
}
Verdict ratelimit_retry_after_on_429(const CheckContext& context, const Exchange*) {
  return retry_after_on_429(context);
}

}  // namespace gatecheck::runner
