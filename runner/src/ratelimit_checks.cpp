// ratelimit.*: the headers a profile claims, read across every response of a step (usually a burst).
#include <charconv>
#include <chrono>
#include <ctime>
#include <limits>

#include <gatecheck/core/duration.hpp>

#include "check_evaluation.hpp"

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

// Seconds until the window resets, in the profile's format, as of `arrived` (Unix seconds); nullopt when the
// value does not parse.
std::optional<double> reset_seconds(std::string_view value, vendor::ResetFormat format, double arrived) {
  switch (format) {
    case vendor::ResetFormat::duration:
      return core::parse_go_duration(value);
    case vendor::ResetFormat::seconds:
      return core::parse_decimal(value);
    case vendor::ResetFormat::milliseconds: {
      const auto ms = core::parse_decimal(value);
      return ms ? std::optional<double>(*ms / 1000.0) : std::nullopt;
    }
    case vendor::ResetFormat::epoch_seconds: {
      const auto at = core::parse_decimal(value);
      return at ? std::optional<double>(*at - arrived) : std::nullopt;
    }
  }
  return std::nullopt;
}

bool success(const Exchange& ex) {
  return !ex.response.error && ex.response.status >= 200 && ex.response.status < 300;
}

Verdict headers_present(const CheckContext& context) {
  const auto& names = context.profile.rate_limits;
  std::vector<std::string> wanted;
  for (const auto* name : {&names.limit_requests, &names.remaining_requests, &names.reset_requests})
    if (!name->empty()) wanted.push_back(*name);
  if (wanted.empty()) return Verdict::not_applicable("the profile claims no rate-limit headers");
  std::size_t judged = 0;
  for (std::size_t i = 0; i < context.exchanges.size(); ++i) {
    const Exchange& ex = *context.exchanges[i];
    if (ex.response.error || ex.response.status == 0) continue;
    ++judged;
    for (const auto& name : wanted) {
      if (!ex.response.headers.contains(name))
        return Verdict::fail("response #" + std::to_string(i + 1) + " (status " +
                                 std::to_string(ex.response.status) + ") lacks " + name,
                             name, "absent");
    }
  }
  if (judged == 0) return Verdict::not_applicable("no response arrived");
  return Verdict::pass(std::to_string(judged) + " responses");
}

Verdict remaining_decreases(const CheckContext& context) {
  const auto& name = context.profile.rate_limits.remaining_requests;
  if (name.empty()) return Verdict::not_applicable("the profile claims no remaining header");
  std::vector<double> values;
  for (const Exchange* ex : context.exchanges) {
    if (!success(*ex)) continue;
    if (const auto text = ex->response.headers.get(name))
      if (const auto value = core::parse_decimal(*text)) values.push_back(*value);
  }
  if (values.size() < 2) return Verdict::not_applicable("fewer than two successful responses with " + name);
  for (std::size_t i = 1; i < values.size(); ++i)
    if (values[i] < values[0])
      return Verdict::pass(name + " went from " + std::to_string(static_cast<long long>(values[0])));
  return Verdict::fail(
      name + " never went below its first value over " + std::to_string(values.size()) + " requests",
      "a decreasing count", "stays at " + std::to_string(static_cast<long long>(values[0])));
}

Verdict reset_in_future(const CheckContext& context) {
  const auto& names = context.profile.rate_limits;
  if (names.reset_requests.empty()) return Verdict::not_applicable("the profile claims no reset header");
  std::size_t judged = 0;
  for (std::size_t i = 0; i < context.exchanges.size(); ++i) {
    const Exchange& ex = *context.exchanges[i];
    if (!success(ex)) continue;
    const auto reset = ex.response.headers.get(names.reset_requests);
    const auto limit =
        names.limit_requests.empty() ? std::nullopt : ex.response.headers.get(names.limit_requests);
    const auto remaining = ex.response.headers.get(names.remaining_requests);
    if (!reset || !limit || !remaining) continue;
    const auto limit_value = core::parse_decimal(*limit);
    const auto remaining_value = core::parse_decimal(*remaining);
    if (!limit_value || !remaining_value || *remaining_value >= *limit_value) continue;  // window untouched
    ++judged;
    const auto seconds = reset_seconds(*reset, names.reset_format, arrived_at(ex));
    if (!seconds)
      return Verdict::fail("response #" + std::to_string(i + 1) + ": " + names.reset_requests +
                               " does not parse in the profile's reset format",
                           "a reset time", "'" + std::string(*reset) + "'");
    if (*seconds <= 0)
      return Verdict::fail("response #" + std::to_string(i + 1) + ": the window is partly used (" +
                               std::string(*remaining) + " of " + std::string(*limit) +
                               " left) but resets in the past",
                           "a reset after now", "'" + std::string(*reset) + "'");
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
