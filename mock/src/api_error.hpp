// An error the mock answers with, rendered in the profile's envelope.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/vendor/profile.hpp>

namespace gatecheck::mock {

struct ApiError {
  int status = 400;
  std::string message;
  std::string type;  // empty: the profile's type for the status
  nlohmann::json param = nullptr;
  nlohmann::json code = nullptr;
  std::vector<std::pair<std::string, std::string>> headers;

  static ApiError invalid(std::string message, nlohmann::json param = nullptr,
                          nlohmann::json code = nullptr) {
    return ApiError{400, std::move(message), {}, std::move(param), std::move(code), {}};
  }
};

// How any stage of the pipeline refuses a request: thrown, caught once by the app, rendered once.
struct Rejected {
  ApiError error;
};

// {"error": {...}} as the profile's envelope style says. `trace_id` feeds envelopes that carry one.
std::string render_error(const vendor::Profile& profile, const ApiError& error, std::string_view trace_id);

}  // namespace gatecheck::mock
