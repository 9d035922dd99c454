#include "admin_api.hpp"

#include <algorithm>
#include <charconv>

#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/document.hpp>
#include <gatecheck/core/redact.hpp>
#include <gatecheck/core/uri.hpp>

#include "access.hpp"
#include "request_checks.hpp"
#include "routes.hpp"

namespace gatecheck::mock {

using nlohmann::json;

json object_body(const AdminCall& call) {
  json parsed = core::parse_untrusted_json(call.request().body, 128);
  if (!parsed.is_object()) {
    throw Rejected{
        ApiError::invalid("We could not parse the JSON body of your request.", nullptr, "invalid_json")};
  }
  return parsed;
}

std::string required_string(const json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    throw Rejected{ApiError::invalid(std::string("Missing required parameter: '") + name + "'.", name,
                                     "missing_required_parameter")};
  }
  return it->get<std::string>();
}

std::map<std::string, std::string> query_params(const AdminCall& call,
                                                std::initializer_list<std::string_view> known) {
  std::map<std::string, std::string> params;
  for (auto& [name, value] : core::parse_query(call.request().query)) {
    const bool listed = std::find(known.begin(), known.end(), name) != known.end();
    if (!listed) {
      std::string names;
      for (const auto other : known)
        names.append(names.empty() ? "" : ", ").append(other);
      throw Rejected{
          ApiError::invalid("Unknown query parameter '" + name + "'" +
                                (names.empty() ? "; this endpoint takes none." : "; known: " + names + "."),
                            name, "unknown_parameter")};
    }
    if (params.count(name) != 0)
      throw Rejected{
          ApiError::invalid("Query parameter '" + name + "' is given twice.", name, "invalid_value")};
    params.emplace(std::move(name), std::move(value));
  }
  return params;
}

std::uint64_t count_param(const std::map<std::string, std::string>& params, const std::string& name,
                          std::uint64_t fallback) {
  const auto it = params.find(name);
  if (it == params.end()) return fallback;
  std::uint64_t value = 0;
  const std::string& text = it->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw Rejected{ApiError::invalid("'" + name + "' must be a non-negative integer, got '" + text + "'.",
                                     name, "invalid_value")};
  return value;
}

Reply no_content() {
  Reply reply;
  reply.status = 204;
  return reply;
}

namespace {

Reply reset(AdminCall& call) {
  call.state.reset();
  return no_content();
}

std::vector<std::string> event_names(const json& body, const std::vector<std::string>& claimed) {
  const auto events = body.find("events");
  if (events == body.end() || !events->is_array() || events->empty())
    throw Rejected{ApiError::invalid("events must list at least one event type.", "events", "invalid_value")};
  std::vector<std::string> names;
  for (const auto& event : *events) {
    if (!event.is_string() || (!claimed.empty() && std::find(claimed.begin(), claimed.end(),
                                                             event.get<std::string>()) == claimed.end())) {
      std::string known;
      for (const auto& name : claimed)
        known += (known.empty() ? "" : ", ") + name;
      throw Rejected{
          ApiError::invalid("Unknown event type " + event.dump() + "; this profile emits " + known + ".",
                            "events", "invalid_value")};
    }
    names.push_back(event.get<std::string>());
  }
  return names;
}

Reply add_webhook(AdminCall& call) {
  const json body = object_body(call);
  const std::string url = required_string(body, "url");
  if (!url.starts_with("http://") && !url.starts_with("https://"))
    throw Rejected{ApiError::invalid("url must be an http:// or https:// URL.", "url", "invalid_url")};
  const auto names = event_names(body, call.context.profile().webhooks.events);
  const auto description = body.find("description");
  if (description != body.end() && !description->is_string() && !description->is_null())
    throw Rejected{ApiError::invalid("description must be a string.", "description", "invalid_type")};
  const auto hook = call.state.hooks.add(
      url, names,
      description != body.end() && description->is_string() ? description->get<std::string>() : "", call.now);
  const json out = {{"id", hook.id},
                    {"object", "webhook"},
                    {"url", hook.url},
                    {"events", hook.events},
                    {"description", hook.description.empty() ? json(nullptr) : json(hook.description)},
                    {"created_at", hook.created_at},
                    {"secret", hook.secret}};
  return json_reply(201, out.dump());
}

Reply list_webhooks(AdminCall& call) {
  return json_reply(200, call.state.hooks.list().dump());
}

Reply remove_webhook(AdminCall& call) {
  const std::string id(call.context.parameter);
  if (!call.state.hooks.remove(id))
    throw Rejected{ApiError{404, "No webhook with id '" + id + "'.", {}, nullptr, nullptr, {}}};
  return json_reply(200, json{{"id", id}, {"object", "webhook.deleted"}, {"deleted", true}}.dump());
}

Reply rotate_key(AdminCall& call) {
  const std::string key = required_string(object_body(call), "key");
  const auto& faults = call.context.faults();
  const auto fresh = call.state.keys.rotate(key, faults.has(Fault::key_rotation_stale));
  if (!fresh)
    throw Rejected{ApiError{404, "No such API key: " + core::mask_secret(key) + ".", {}, "key", nullptr, {}}};
  call.state.hooks.emit("key.rotated",
                        {{"key_hint", core::mask_secret(*fresh)},
                         {"previous_key_hint", core::mask_secret(key)},
                         {"rotated_at", call.now}},
                        call.now, delivery_faults(faults));
  return json_reply(200, json{{"object", "key.rotation"},
                              {"key", *fresh},
                              {"previous_key_hint", core::mask_secret(key)},
                              {"rotated_at", call.now}}
                             .dump());
}

Reply usage(AdminCall& call) {
  return json_reply(200, call.state.keys.usage().dump());
}

Reply set_threshold(AdminCall& call) {
  const json body = object_body(call);
  const std::string key = required_string(body, "key");
  const std::string metric = required_string(body, "metric");
  if (metric != "requests" && metric != "tokens")
    throw Rejected{ApiError::invalid("metric must be requests or tokens.", "metric", "invalid_value")};
  const auto value = body.find("value");
  if (value == body.end() || !value->is_number_integer() || value->get<std::int64_t>() < 1)
    throw Rejected{ApiError::invalid("value must be an integer of at least 1.", "value", "invalid_value")};
  try {
    return json_reply(200, call.state.keys.set_threshold(key, metric, value->get<std::uint64_t>()).dump());
  } catch (const std::invalid_argument& e) {
    throw Rejected{ApiError{404, e.what(), {}, "key", nullptr, {}}};
  }
}

Reply emit_event(AdminCall& call) {
  const json body = object_body(call);
  const std::string type = required_string(body, "type");
  const auto data = body.find("data");
  if (data == body.end() || !data->is_object())
    throw Rejected{ApiError::invalid("data must be an object.", "data", "invalid_type")};
  const std::string id = call.state.hooks.emit(type, *data, call.now, delivery_faults(call.context.faults()));
  return json_reply(202, json{{"id", id}, {"type", type}}.dump());
}

Reply deliveries(AdminCall& call) {
  auto params = query_params(call, {"webhook_id", "event_id", "limit"});
  return json_reply(
      200,
      call.state.hooks.deliveries(params["webhook_id"], params["event_id"], count_param(params, "limit", 100))
          .dump());
}

struct AdminRoute {
  std::string_view method;
  std::string_view path;  // a trailing "/" takes the rest as the parameter
  Reply (*handler)(AdminCall&);
  bool reads_query = false;  // false: any query parameter is a 400 naming it
};

// Exact paths before the prefixes they share ("/admin/stubs/reset" before "/admin/stubs/").
constexpr AdminRoute kAdminRoutes[] = {
    {"GET", "/admin/openapi.json", &admin_description},
    {"GET", "/admin/requests", &list_requests, true},
    {"DELETE", "/admin/requests", &clear_requests},
    {"POST", "/admin/requests/find", &find_requests},
    {"POST", "/admin/requests/count", &count_requests},
    {"POST", "/admin/stubs", &create_stub},
    {"GET", "/admin/stubs", &list_stubs},
    {"DELETE", "/admin/stubs", &delete_stubs},
    {"POST", "/admin/stubs/reset", &reset_stubs},
    {"GET", "/admin/stubs/", &get_stub},
    {"PUT", "/admin/stubs/", &replace_stub},
    {"DELETE", "/admin/stubs/", &delete_stub},
    {"GET", "/admin/scenarios", &list_scenarios},
    {"POST", "/admin/scenarios/reset", &reset_scenarios},
    {"PUT", "/admin/scenarios/", &set_scenario},
    {"POST", "/admin/reset", &reset},
    {"POST", "/admin/webhooks", &add_webhook},
    {"GET", "/admin/webhooks", &list_webhooks},
    {"DELETE", "/admin/webhooks/", &remove_webhook},
    {"POST", "/admin/keys/rotate", &rotate_key},
    {"GET", "/admin/usage", &usage},
    {"POST", "/admin/usage/thresholds", &set_threshold},
    {"POST", "/admin/events", &emit_event},
    {"GET", "/admin/deliveries", &deliveries, true},
};

void check_token(const CallContext& context) {
  const std::string& expected = context.options.admin_token;
  if (expected.empty()) {
    throw Rejected{ApiError{404,
                            "The admin API is off; start the mock with --admin-token TOKEN to use it.",
                            {},
                            nullptr,
                            nullptr,
                            {}}};
  }
  std::string_view token = bearer_token(context.request.header("authorization"));
  if (token.empty()) token = context.request.header("x-admin-token").value_or("");
  if (!core::constant_time_equals(token, expected)) {
    throw Rejected{ApiError{401,
                            token.empty() ? "Missing admin token." : "Invalid admin token.",
                            {},
                            nullptr,
                            "invalid_admin_token",
                            {}}};
  }
}

}  // namespace

std::vector<std::pair<std::string_view, std::string_view>> admin_routes() {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  for (const auto& route : kAdminRoutes)
    out.emplace_back(route.method, route.path);
  return out;
}

bool is_admin_path(std::string_view path) {
  return path == "/admin" || path.starts_with("/admin/");
}

Reply admin_api(const AdminCall& admin) {
  const CallContext& context = admin.context;
  check_token(context);
  const std::string_view path = context.request.path;
  std::string allowed;  // the methods of the path, for a 405
  for (const auto& route : kAdminRoutes) {
    const bool prefix = route.path.ends_with('/');
    const bool fits =
        prefix ? path.starts_with(route.path) && path.size() > route.path.size() : path == route.path;
    if (!fits) continue;
    if (route.method != context.request.method) {
      if (allowed.find(route.method) == std::string::npos)
        allowed += (allowed.empty() ? "" : ", ") + std::string(route.method);
      continue;
    }
    CallContext routed = context;
    const std::string parameter =
        prefix ? core::percent_decode(path.substr(route.path.size())) : std::string();
    routed.parameter = parameter;
    AdminCall call{routed, admin.state, admin.now, admin.stub_format, admin.redactor};
    if (!route.reads_query) query_params(call, {});
    return route.handler(call);
  }
  if (!allowed.empty())
    throw Rejected{ApiError{405,
                            "Method " + std::string(context.request.method) + " is not allowed on " +
                                std::string(path) + "; it takes " + allowed + ".",
                            {},
                            nullptr,
                            "method_not_allowed",
                            {{"Allow", allowed}}}};
  throw invalid_url(context.request);
}

}  // namespace gatecheck::mock
