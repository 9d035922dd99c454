// /admin: the mock's control API, behind the admin token (Authorization: Bearer <token> or X-Admin-Token).
#include <charconv>

#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/headers.hpp>

#include "app.hpp"
#include "request_checks.hpp"

namespace gatecheck::mock {

Reply App::admin(CallContext& context) {
  const Request& request = context.request;
  if (options_.admin_token.empty()) {
    throw Rejected{ApiError{404,
                            "The admin API is off; start the mock with --admin-token TOKEN to use it.",
                            {},
                            nullptr,
                            nullptr,
                            {}}};
  }
  std::string_view token;
  if (const auto bearer = request.header("authorization");
      bearer && bearer->size() > 7 && core::iequals(bearer->substr(0, 7), "bearer ")) {
    token = bearer->substr(7);
  } else if (const auto header = request.header("x-admin-token")) {
    token = *header;
  }
  if (!core::constant_time_equals(token, options_.admin_token)) {
    throw Rejected{ApiError{401,
                            token.empty() ? "Missing admin token." : "Invalid admin token.",
                            {},
                            nullptr,
                            "invalid_admin_token",
                            {}}};
  }
  const std::string_view path = request.path;
  if (path == "/admin/requests" && request.method == "GET") {
    std::size_t limit = 100;
    if (const auto at = request.query.find("limit="); at != std::string_view::npos) {
      std::from_chars(request.query.data() + at + 6, request.query.data() + request.query.size(), limit);
    }
    return json_reply(200, journal_.to_json(limit).dump());
  }
  if (path == "/admin/reset" && request.method == "POST") {
    limiter_.reset();
    journal_.clear();
    for (auto& hits : stub_hits_)
      hits->store(0);
    Reply reply;
    reply.status = 204;
    return reply;
  }
  throw Rejected{ApiError{404,
                          "Invalid URL (" + std::string(request.method) + " " + std::string(path) + ")",
                          {},
                          nullptr,
                          nullptr,
                          {}}};
}

}  // namespace gatecheck::mock
