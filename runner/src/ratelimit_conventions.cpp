#include "ratelimit_conventions.hpp"

#include <cmath>

#include <gatecheck/core/duration.hpp>

namespace gatecheck::runner {
namespace {

enum class Reset { go_duration, seconds, seconds_or_epoch };

struct Convention {
  std::string_view name;
  std::string_view limit, remaining, reset;
  Reset format;
};

// The names as the de-facto conventions spell them (header names compare case-insensitively).
constexpr Convention kConventions[] = {
    {"OpenAI x-ratelimit-*-requests", "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests",
     "x-ratelimit-reset-requests", Reset::go_duration},
    {"X-RateLimit-*", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
     Reset::seconds_or_epoch},
    {"IETF RateLimit-Limit/-Remaining/-Reset", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset",
     Reset::seconds},
};

// Above this a "reset" is a Unix time, below it a number of seconds (GitHub sends epochs, others deltas).
constexpr double kEpochThreshold = 1e9;

// A count as a header states it: finite and not negative (from_chars reads "nan", "inf" and "-5" too).
std::optional<double> count(std::optional<double> value) {
  if (!value || !std::isfinite(*value) || *value < 0) return std::nullopt;
  return value;
}

std::optional<double> number(const core::Headers& headers, std::string_view name) {
  const auto text = headers.get(name);
  return text ? count(core::parse_decimal(*text)) : std::nullopt;
}

std::optional<double> finite(std::optional<double> value) {
  return value && std::isfinite(*value) ? value : std::nullopt;
}

std::optional<double> seconds_until(std::string_view text, Reset format, double arrived) {
  if (format == Reset::go_duration) return finite(core::parse_go_duration(text));
  const auto value = finite(core::parse_decimal(text));
  if (!value || format == Reset::seconds || *value < kEpochThreshold) return value;
  return *value - arrived;
}

std::optional<double> seconds_until(std::string_view text, vendor::ResetFormat format, double arrived) {
  switch (format) {
    case vendor::ResetFormat::duration:
      return finite(core::parse_go_duration(text));
    case vendor::ResetFormat::seconds:
      return finite(core::parse_decimal(text));
    case vendor::ResetFormat::milliseconds: {
      const auto ms = finite(core::parse_decimal(text));
      return ms ? std::optional<double>(*ms / 1000.0) : std::nullopt;
    }
    case vendor::ResetFormat::epoch_seconds: {
      const auto at = finite(core::parse_decimal(text));
      return at ? std::optional<double>(*at - arrived) : std::nullopt;
    }
  }
  return std::nullopt;
}

// A parameter of a structured field ("default";r=50;t=30, or the older limit=100, remaining=50, reset=50).
std::optional<double> parameter(std::string_view field, std::initializer_list<std::string_view> keys) {
  for (const auto key : keys) {
    for (std::size_t at = field.find(key); at != std::string_view::npos; at = field.find(key, at + 1)) {
      const bool starts = at == 0 || field[at - 1] == ';' || field[at - 1] == ',' || field[at - 1] == ' ';
      if (!starts || field.substr(at + key.size(), 1) != "=") continue;
      const auto begin = at + key.size() + 1;
      const auto end = field.find_first_of(";, ", begin);
      return count(
          core::parse_decimal(field.substr(begin, end == std::string_view::npos ? end : end - begin)));
    }
  }
  return std::nullopt;
}

// draft-ietf-httpapi-ratelimit-headers: RateLimit carries remaining (r) and reset (t); RateLimit-Policy the
// quota (q).
std::optional<RateLimitReading> structured(const core::Headers& headers) {
  const auto field = headers.get("ratelimit");
  if (!field) return std::nullopt;
  RateLimitReading reading;
  reading.convention = "IETF RateLimit/RateLimit-Policy";
  reading.limit_and_reset_required = false;
  reading.remaining = parameter(*field, {"r", "remaining"});
  if (!reading.remaining) return std::nullopt;
  reading.reset_seconds = parameter(*field, {"t", "reset"});
  if (reading.reset_seconds)
    reading.reset_text = std::to_string(static_cast<long long>(*reading.reset_seconds));
  reading.limit = parameter(*field, {"limit"});
  if (const auto policy = headers.get("ratelimit-policy"); policy && !reading.limit)
    reading.limit = parameter(*policy, {"q"});
  return reading;
}

}  // namespace

std::optional<RateLimitReading> read_rate_limit(const core::Headers& headers, const vendor::Profile& profile,
                                                double arrived) {
  const auto& claimed = profile.rate_limits;
  if (!claimed.remaining_requests.empty() && headers.contains(claimed.remaining_requests)) {
    RateLimitReading reading{"the profile's (" + claimed.remaining_requests + ")", true, {}, {}, {}, {}};
    if (!claimed.limit_requests.empty()) reading.limit = number(headers, claimed.limit_requests);
    reading.remaining = number(headers, claimed.remaining_requests);
    if (const auto reset = headers.get(claimed.reset_requests); reset && !claimed.reset_requests.empty()) {
      reading.reset_text = std::string(*reset);
      reading.reset_seconds = seconds_until(*reset, claimed.reset_format, arrived);
    }
    return reading;
  }
  for (const auto& convention : kConventions) {
    if (!headers.contains(convention.remaining)) continue;
    RateLimitReading reading{std::string(convention.name),          false, number(headers, convention.limit),
                             number(headers, convention.remaining), {},    {}};
    if (const auto reset = headers.get(convention.reset)) {
      reading.reset_text = std::string(*reset);
      reading.reset_seconds = seconds_until(*reset, convention.format, arrived);
    }
    return reading;
  }
  return structured(headers);
}

}  // namespace gatecheck::runner
