// The API's routes, one table: {method, path under the base path, handler, needs a key, rate limited, the
// profile capability that serves it}. Adding
// an endpoint is one handler file plus one row here (docs/contributing.md).
#pragma once

#include <span>
#include <string_view>

#include "api_error.hpp"
#include "call_context.hpp"

namespace gatecheck::mock {

using Handler = Reply (*)(CallContext& context);

struct Route {
  std::string_view method;
  std::string_view path;  // under the base path; a trailing "/*" takes the rest as CallContext::parameter
  Handler handler;
  bool needs_key;
  bool rate_limited;
  std::string_view capability;  // empty: served under every profile
};

struct RouteMatch {
  const Route* route;
  std::string parameter;  // percent-decoded
};

// The table, for a test that holds schemas/openapi.yaml to it.
std::span<const Route> api_routes();

// The route for the request under the profile's base path and capabilities, or throws Rejected: the API's
// 404 "Invalid URL" for an unknown path (or one the profile does not claim), 405 with Allow for a known path
// and another method.
RouteMatch find_route(const Request& request, const vendor::Profile& profile);

// Whether the profile claims the surface of `method` + `rest` (a path under the base path, "{id}" segments
// standing for any value): the routes the served /openapi.json describes. Unlike find_route, a route every
// profile serves still needs its capability claimed (chat.completions, embeddings, models).
bool claims_route(const vendor::Profile& profile, std::string_view method, std::string_view rest);

// The API's 404 for a path nothing serves, stated once for the API and the admin API.
Rejected invalid_url(const Request& request);

}  // namespace gatecheck::mock
