#include "access.hpp"

#include <algorithm>
#include <cmath>

#include <gatecheck/core/document.hpp>
#include <gatecheck/core/duration.hpp>
#include <gatecheck/core/headers.hpp>

#include "text.hpp"

namespace gatecheck::mock {
namespace {

std::string_view trim_end(std::string_view text) {
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  return text;
}

// "sk-4sJHr***...***w8ZP": the API shows the first 8 and last 4 characters of a key it rejects.
std::string mask_like_the_api(std::string_view key) {
  if (key.size() <= 12) return std::string(key.size(), '*');
  return std::string(key.substr(0, 8)) + std::string(key.size() - 12, '*') +
         std::string(key.substr(key.size() - 4));
}

// The model a refused request named, for the 429 message; read without failing on a malformed body.
std::string requested_model(std::string_view body) {
  const auto document = core::parse_untrusted_json(body, 128);
  if (document.is_object()) {
    const auto model = document.find("model");
    if (model != document.end() && model->is_string()) return model->get<std::string>();
  }
  return "this model";
}

ApiError too_many_requests(const CallContext& context, const RateDecision& decision) {
  const auto& claims = context.profile().rate_limits;
  const double wait = std::max(decision.retry_after_seconds, 0.001);
  // The bucket that refused: requests per minute, per second, or tokens per minute. A refused request's
  // tokens are not counted yet; like OpenAI's own estimate, a token is about four bytes of the body.
  const bool tokens = decision.limited_by == "tokens";
  const std::uint64_t requested =
      tokens ? std::max<std::uint64_t>(1, (context.request.body.size() + 3) / 4) : 1;
  const std::string message =
      fill_placeholders(claims.error_message, {{"{model}", requested_model(context.request.body)},
                                               {"{bucket}", std::string(decision.refused_bucket)},
                                               {"{limit}", std::to_string(decision.refused_limit)},
                                               {"{used}", std::to_string(decision.refused_used)},
                                               {"{requested}", std::to_string(requested)},
                                               {"{retry_after}", core::format_go_duration(wait)}});
  ApiError error{429, message, tokens ? "tokens" : claims.error_type, nullptr, claims.error_code, {}};
  if (context.faults().has(Fault::no_retry_after)) return error;
  if (claims.retry_after)
    error.headers.emplace_back("Retry-After", std::to_string(static_cast<std::int64_t>(std::ceil(wait))));
  if (claims.retry_after_ms) {
    error.headers.emplace_back("retry-after-ms",
                               std::to_string(static_cast<std::int64_t>(std::ceil(wait * 1000))));
  }
  return error;
}

}  // namespace

std::string_view bearer_token(std::optional<std::string_view> authorization) {
  if (!authorization || authorization->size() <= 7 || !core::iequals(authorization->substr(0, 7), "bearer "))
    return {};
  return trim_end(authorization->substr(7));
}

std::string presented_key(const CallContext& context) {
  for (const auto& scheme : context.profile().auth) {
    const auto value = context.request.header(scheme.header);
    const std::string_view key =
        scheme.kind == vendor::AuthScheme::Kind::bearer ? bearer_token(value) : trim_end(value.value_or(""));
    if (!key.empty()) return std::string(key);
  }
  return {};
}

void verify_key(const CallContext& context, const KeyRing& keys, Admission& admission) {
  const auto& profile = context.profile();
  if (admission.key.empty())
    throw Rejected{ApiError{401, profile.missing_key_message, {}, nullptr, nullptr, {}}};
  if (keys.check(admission.key, admission.plan) != KeyRing::Verdict::accepted) {
    throw Rejected{ApiError{
        401,
        fill_placeholders(profile.invalid_key_message, {{"{key}", mask_like_the_api(admission.key)}}),
        {},
        nullptr,
        "invalid_api_key",
        {}}};
  }
}

void admit(const CallContext& context, RateLimiter& limiter, Admission& admission) {
  admission.decision = limiter.admit(admission.key, admission.plan, Clock::now(), context.created);
  admission.rated = true;
  if (!admission.decision.allowed) throw Rejected{too_many_requests(context, admission.decision)};
}

}  // namespace gatecheck::mock
