#include "api_errors.hpp"

#include <algorithm>

#include "text.hpp"

namespace gatecheck::testing::reference {

using std::chrono::milliseconds;

Response json_response(int status, const json& body) {
  Response res;
  res.status = status;
  res.headers.emplace_back("content-type", "application/json; charset=utf-8");
  res.body = to_text(body);
  return res;
}

Response error_response(const ApiError& error) {
  const char* type = error.status == 429   ? "requests"
                     : error.status >= 500 ? "server_error"
                                           : "invalid_request_error";
  Response res = json_response(
      error.status,
      {{"error", {{"message", error.what()}, {"type", type}, {"param", error.param}, {"code", error.code}}}});
  res.headers.insert(res.headers.end(), error.extra.begin(), error.extra.end());
  return res;
}

RateLimiter::RateLimiter(int limit, int window_seconds)
    : limit_(std::max(limit, 1)), window_(std::chrono::seconds(std::max(window_seconds, 1))) {}

RateState RateLimiter::take(const std::string& key) {
  const auto now = std::chrono::steady_clock::now();
  const std::lock_guard lock(mu_);
  Window& window = windows_[key];
  if (window.used == 0 || now >= window.start + window_) window = {now, 0};
  window.used = std::min(window.used + 1, limit_ + 1);
  const auto left = std::chrono::ceil<milliseconds>(window.start + window_ - now);
  return {limit_, std::max(limit_ - window.used, 0), std::max(left, milliseconds(1)), window.used <= limit_};
}

void add_rate_headers(Response& res, const RateState& state) {
  res.headers.emplace_back("x-ratelimit-limit-requests", std::to_string(state.limit));
  res.headers.emplace_back("x-ratelimit-remaining-requests", std::to_string(state.remaining));
  res.headers.emplace_back("x-ratelimit-reset-requests", go_duration(state.reset));
  if (res.status == 429)  // rounded up to the next whole second
    res.headers.emplace_back("retry-after",
                             http_date(std::chrono::system_clock::now() + state.reset + milliseconds(999)));
}

}  // namespace gatecheck::testing::reference
