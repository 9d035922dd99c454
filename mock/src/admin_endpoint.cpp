// /admin: the mock's control API, behind the admin token (Authorization: Bearer <token> or X-Admin-Token).
#include <charconv>

#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/document.hpp>
#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/redact.hpp>
#include <gatecheck/core/uri.hpp>

#include "app.hpp"
#include "request_checks.hpp"

namespace gatecheck::mock {

using nlohmann::json;

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
  const std::string_view method = request.method;
  const auto body = [&]() -> json {
    json parsed = core::parse_untrusted_json(request.body, 128);
    if (!parsed.is_object()) {
      throw Rejected{
          ApiError::invalid("We could not parse the JSON body of your request.", nullptr, "invalid_json")};
    }
    return parsed;
  };
  const auto string_field = [](const json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      throw Rejected{ApiError::invalid(std::string("Missing required parameter: '") + name + "'.", name,
                                       "missing_required_parameter")};
    }
    return it->get<std::string>();
  };
  const auto query = [&](std::string_view name) -> std::string {
    std::string_view rest = request.query;
    while (!rest.empty()) {
      const auto amp = rest.find('&');
      const std::string_view pair = rest.substr(0, amp);
      if (pair.starts_with(name) && pair.size() > name.size() && pair[name.size()] == '=')
        return core::percent_decode(pair.substr(name.size() + 1));
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
    return {};
  };
  const auto limit = [&] {
    std::size_t value = 100;
    const std::string text = query("limit");
    if (!text.empty()) std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
  };

  if (path == "/admin/requests" && method == "GET") return json_reply(200, journal_.to_json(limit()).dump());
  if (path == "/admin/reset" && method == "POST") {
    limiter_.reset();
    journal_.clear();
    keys_.reset();
    hooks_.reset();
    for (auto& hits : stub_hits_)
      hits->store(0);
    Reply reply;
    reply.status = 204;
    return reply;
  }
  if (path == "/admin/webhooks" && method == "POST") {
    const json request_body = body();
    const std::string url = string_field(request_body, "url");
    if (!url.starts_with("http://") && !url.starts_with("https://"))
      throw Rejected{ApiError::invalid("url must be an http:// or https:// URL.", "url", "invalid_url")};
    const auto events = request_body.find("events");
    if (events == request_body.end() || !events->is_array() || events->empty())
      throw Rejected{
          ApiError::invalid("events must list at least one event type.", "events", "invalid_value")};
    std::vector<std::string> names;
    const auto& claimed = context.profile().webhooks.events;
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
    const auto description = request_body.find("description");
    if (description != request_body.end() && !description->is_string() && !description->is_null())
      throw Rejected{ApiError::invalid("description must be a string.", "description", "invalid_type")};
    const auto hook = hooks_.add(url, names,
                                 description != request_body.end() && description->is_string()
                                     ? description->get<std::string>()
                                     : std::string(),
                                 now_seconds());
    json out = {{"id", hook.id},
                {"object", "webhook"},
                {"url", hook.url},
                {"events", hook.events},
                {"description", hook.description.empty() ? json(nullptr) : json(hook.description)},
                {"created_at", hook.created_at},
                {"secret", hook.secret}};
    return json_reply(201, out.dump());
  }
  if (path == "/admin/webhooks" && method == "GET") return json_reply(200, hooks_.list().dump());
  if (path.starts_with("/admin/webhooks/") && method == "DELETE") {
    const std::string id(path.substr(std::string_view("/admin/webhooks/").size()));
    if (!hooks_.remove(id))
      throw Rejected{ApiError{404, "No webhook with id '" + id + "'.", {}, nullptr, nullptr, {}}};
    return json_reply(200, json{{"id", id}, {"object", "webhook.deleted"}, {"deleted", true}}.dump());
  }
  if (path == "/admin/keys/rotate" && method == "POST") {
    const std::string key = string_field(body(), "key");
    const auto fresh = keys_.rotate(key, context.faults.has(Fault::key_rotation_stale));
    if (!fresh)
      throw Rejected{
          ApiError{404, "No such API key: " + core::mask_secret(key) + ".", {}, "key", nullptr, {}}};
    const std::int64_t now = now_seconds();
    hooks_.emit("key.rotated",
                {{"key_hint", core::mask_secret(*fresh)},
                 {"previous_key_hint", core::mask_secret(key)},
                 {"rotated_at", now}},
                now, delivery_faults(context.faults));
    return json_reply(200, json{{"object", "key.rotation"},
                                {"key", *fresh},
                                {"previous_key_hint", core::mask_secret(key)},
                                {"rotated_at", now}}
                               .dump());
  }
  if (path == "/admin/usage" && method == "GET") return json_reply(200, keys_.usage().dump());
  if (path == "/admin/usage/thresholds" && method == "POST") {
    const json request_body = body();
    const std::string key = string_field(request_body, "key");
    const std::string metric = string_field(request_body, "metric");
    if (metric != "requests" && metric != "tokens")
      throw Rejected{ApiError::invalid("metric must be requests or tokens.", "metric", "invalid_value")};
    const auto value = request_body.find("value");
    if (value == request_body.end() || !value->is_number_integer() || value->get<std::int64_t>() < 1)
      throw Rejected{ApiError::invalid("value must be an integer of at least 1.", "value", "invalid_value")};
    try {
      return json_reply(200, keys_.set_threshold(key, metric, value->get<std::uint64_t>()).dump());
    } catch (const std::invalid_argument& e) {
      throw Rejected{ApiError{404, e.what(), {}, "key", nullptr, {}}};
    }
  }
  if (path == "/admin/events" && method == "POST") {
    const json request_body = body();
    const std::string type = string_field(request_body, "type");
    const auto data = request_body.find("data");
    if (data == request_body.end() || !data->is_object())
      throw Rejected{ApiError::invalid("data must be an object.", "data", "invalid_type")};
    const std::string id = hooks_.emit(type, *data, now_seconds(), delivery_faults(context.faults));
    return json_reply(202, json{{"id", id}, {"type", type}}.dump());
  }
  if (path == "/admin/deliveries" && method == "GET")
    return json_reply(200, hooks_.deliveries(query("webhook_id"), query("event_id"), limit()).dump());
  throw Rejected{ApiError{404,
                          "Invalid URL (" + std::string(request.method) + " " + std::string(path) + ")",
                          {},
                          nullptr,
                          nullptr,
                          {}}};
}

}  // namespace gatecheck::mock
