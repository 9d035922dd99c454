// /admin/requests: the journal, queried by fields or by a request pattern, counted for verification, cleared;
// and /admin/openapi.json, the admin API's own description.
#include <stdexcept>

#include <gatecheck/core/bundled.hpp>
#include <gatecheck/core/document.hpp>
#include <gatecheck/core/utf8.hpp>

#include "admin_api.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;

constexpr std::uint64_t kDefaultLimit = 100;

// A body's `request` pattern (checked as a stub's would be), `since` and `limit`.
struct PatternQuery {
  RequestPattern pattern;
  JournalQuery query;
};

// `limited`: the call returns entries (find), so `limit` is one of its parameters.
PatternQuery pattern_query(const AdminCall& call, bool limited) {
  const json body = object_body(call);
  for (const auto& [name, value] : body.items())
    if (name != "request" && name != "since" && !(limited && (name == "limit" || name == "misses")))
      throw Rejected{ApiError::invalid(
          "Unknown parameter '" + name + "'; known: request, since" + (limited ? ", limit, misses." : "."),
          name, "unknown_parameter")};
  if (const auto it = body.find("misses"); it != body.end() && !it->is_boolean())
    throw Rejected{ApiError::invalid("'misses' must be true or false.", "misses", "invalid_value")};
  PatternQuery out;
  try {
    // A pattern alone is checked as the request of a stub, so both read one format.
    const json stub = {{"request", body.value("request", json::object())}, {"response", json::object()}};
    out.pattern = read_stub(stub, call.stub_format, "")->pattern;
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    throw Rejected{ApiError::invalid("Invalid request pattern: " + what, what.substr(0, what.find(": ")),
                                     "invalid_pattern")};
  }
  for (const char* name : {"since", "limit"}) {
    const auto it = body.find(name);
    if (it != body.end() && !it->is_number_unsigned())
      throw Rejected{ApiError::invalid(std::string("'") + name + "' must be a non-negative integer.", name,
                                       "invalid_value")};
  }
  out.query.since = body.value("since", std::uint64_t{0});
  out.query.limit = body.value("limit", kDefaultLimit);
  return out;
}

}  // namespace

Reply list_requests(AdminCall& call) {
  auto params = query_params(call, {"method", "path", "status", "stub", "header", "since", "limit"});
  JournalQuery query;
  for (const char* name : {"method", "path", "stub"})
    if (params.count(name) != 0 && params[name].empty())
      throw Rejected{
          ApiError::invalid(std::string("'") + name + "' must not be empty.", name, "invalid_value")};
  if (params.count("method")) query.method = params["method"];
  if (params.count("path")) query.path = params["path"];
  if (params.count("stub")) query.stub = params["stub"];
  if (params.count("status")) {
    const auto status = count_param(params, "status", 0);
    if (status < 100 || status > 599)
      throw Rejected{
          ApiError::invalid("'status' must be an HTTP status, 100 to 599.", "status", "invalid_value")};
    query.status = static_cast<int>(status);
  }
  if (const auto header = params.find("header"); header != params.end()) {
    const auto colon = header->second.find(':');
    if (colon == std::string::npos || colon == 0)
      throw Rejected{ApiError::invalid("'header' takes NAME:VALUE, got '" + header->second + "'.", "header",
                                       "invalid_value")};
    std::string value = header->second.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    query.header = {header->second.substr(0, colon), value};
  }
  query.since = count_param(params, "since", 0);
  query.limit = count_param(params, "limit", kDefaultLimit);
  return json_reply(200, call.state.journal.find(query, call.redactor).dump());
}

// With "misses": true, every entry since, oldest first, each with what it missed of the pattern.
Reply find_requests(AdminCall& call) {
  PatternQuery found = pattern_query(call, true);
  if (object_body(call).value("misses", false))
    return json_reply(
        200, call.state.journal.explain(found.pattern, found.query.since, found.query.limit, call.redactor)
                 .dump());
  found.query.pattern = &found.pattern;
  return json_reply(200, call.state.journal.find(found.query, call.redactor).dump());
}

// Verification: how many requests matched, and when none did, the nearest ones and why each missed.
Reply count_requests(AdminCall& call) {
  PatternQuery counted = pattern_query(call, false);
  counted.query.pattern = &counted.pattern;
  const std::size_t count = call.state.journal.count(counted.query);
  json out = {{"count", count}, {"next_seq", call.state.journal.next_seq()}};
  if (count == 0)
    out["near_misses"] =
        call.state.journal.near_misses(counted.pattern, counted.query.since, 3, call.redactor);
  return json_reply(200, out.dump());
}

Reply clear_requests(AdminCall& call) {
  call.state.journal.clear();
  return no_content();
}

// The admin part of the bundled description (schemas/openapi.yaml), served from where it is asked.
Reply admin_description(AdminCall& call) {
  json document = core::parse_yaml(*core::bundled_file("schemas/openapi.yaml"), "schemas/openapi.yaml").value;
  json paths = json::object();
  for (auto& [path, item] : document["paths"].items())
    if (path.starts_with("/admin/")) {
      item.erase("servers");
      paths[path] = std::move(item);
    }
  document["paths"] = std::move(paths);
  document["info"]["title"] = "gatecheck mock admin API";
  const auto host = call.request().header("host");
  const std::string origin(host.value_or("127.0.0.1"));
  document["servers"] = json::array({{{"url", "http://" + core::repair_utf8(origin)}}});
  return json_reply(200, document.dump());
}

}  // namespace gatecheck::mock
