// How the API answers in JSON and refuses: ApiError and its {"error": {...}} envelope, and the per-key rate
// limit with the headers that report it.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "http_wire.hpp"

namespace gatecheck::testing::reference {

using nlohmann::json;

// A refused request; thrown below the router, rendered once by error_response.
struct ApiError : std::runtime_error {
  ApiError(int http_status, const std::string& message, json error_param = nullptr, json error_code = nullptr,
           Headers extra_headers = {})
      : std::runtime_error(message),
        status(http_status),
        param(std::move(error_param)),
        code(std::move(error_code)),
        extra(std::move(extra_headers)) {}
  int status;
  json param;
  json code;
  Headers extra;
};

Response json_response(int status, const json& body);
// The type is `requests` for 429, `server_error` for 5xx, `invalid_request_error` otherwise.
Response error_response(const ApiError& error);

struct RateState {
  int limit = 0;
  int remaining = 0;
  std::chrono::milliseconds reset{0};
  bool allowed = true;
};

// A fixed window per key: the first request opens it, every request to /v1 with that key counts.
class RateLimiter {
 public:
  RateLimiter(int limit, int window_seconds);
  RateState take(const std::string& key);
  // What an answer that counts against no key reports: a whole window.
  RateState untouched() const { return {limit_, limit_, window_, true}; }

 private:
  struct Window {
    std::chrono::steady_clock::time_point start;
    int used = 0;
  };
  const int limit_;
  const std::chrono::milliseconds window_;
  std::mutex mu_;
  std::map<std::string, Window> windows_;
};

// x-ratelimit-*-requests on every answer; on a 429 also retry-after, as an HTTP-date (RFC 9110 10.2.3).
void add_rate_headers(Response& res, const RateState& state);

}  // namespace gatecheck::testing::reference
