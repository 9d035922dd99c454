// The API in front of the endpoints: authentication, the per-key rate limit, routing (404 for an unknown
// path, 405 with allow for a wrong method), and the headers every answer carries.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "api_errors.hpp"
#include "http_wire.hpp"
#include "image_store.hpp"
#include "reference_server.hpp"
#include "response_store.hpp"

namespace gatecheck::testing::reference {

class Api {
 public:
  explicit Api(ReferenceServerOptions options)
      : options_(std::move(options)), limiter_(options_.requests_per_window, options_.window_seconds) {}

  Response handle(const Request& req);  // never throws for the client's mistakes: they are answers
  // For requests that cannot be framed, and for connections beyond the pool: answered, then closed.
  Response refuse(int status, const std::string& message);

 private:
  std::string authenticate(const Request& req) const;  // the key, or 401
  Response route(const Request& req);
  Response finish(Response res, const RateState& rate);
  std::string next_id();

  const ReferenceServerOptions options_;
  RateLimiter limiter_;
  std::atomic<std::uint64_t> counter_{0};
  ResponseStore responses_;
  ImageStore images_;  // the images answered by URL, for GET /blob/images/{name}  // what POST /v1/responses
                       // kept, for GET, DELETE and previous_response_id
};

}  // namespace gatecheck::testing::reference
