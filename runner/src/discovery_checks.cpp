// discovery.* (the documents a gateway publishes for agents) and keys.rotation-invalidates-old.
#include <gatecheck/schema/openapi.hpp>

#include "check_evaluation.hpp"
#include "matcher.hpp"

namespace gatecheck::runner {
namespace {

using nlohmann::json;

bool is_string(const json& object, const char* name) {
  return object.is_object() && object.contains(name) && object[name].is_string() &&
         !object[name].get_ref<const std::string&>().empty();
}

bool absolute_url(const std::string& text) {
  return text.starts_with("https://") || text.starts_with("http://");
}

// The first of `names` the object lacks (as a non-empty string), or empty.
std::string missing_string(const json& object, std::initializer_list<const char*> names) {
  for (const char* name : names)
    if (!is_string(object, name)) return name;
  return {};
}

Verdict needs_json(const Exchange& ex, const char* what) {
  if (ex.response.status != 200)
    return Verdict::fail(std::string(what) + " did not answer 200", "200",
                         std::to_string(ex.response.status));
  if (!ex.body_json || !ex.body_json->is_object())
    return Verdict::fail(std::string(what) + " is not a JSON object", "a JSON object",
                         describe_value(json(ex.response.body.substr(0, 80))));
  return Verdict::pass();
}

Verdict llms(const Exchange& ex, const char* what) {
  if (ex.response.status != 200)
    return Verdict::fail(std::string(what) + " did not answer 200", "200",
                         std::to_string(ex.response.status));
  const auto type = ex.response.headers.get("content-type");
  const std::string media = type ? media_type(*type) : "";
  if (!media.starts_with("text/"))
    return Verdict::fail(std::string(what) + " is not served as text", "text/markdown or text/plain",
                         type ? std::string(*type) : "no Content-Type");
  const std::string& body = ex.response.body;
  std::size_t start = 0;
  while (start < body.size() && (body[start] == '\n' || body[start] == '\r' || body[start] == ' '))
    ++start;
  if (body.compare(start, 2, "# ") != 0) {
    const std::string first = body.substr(start, body.find('\n', start) - start);
    return Verdict::fail(std::string(what) + " does not open with an H1 title (the one required section)",
                         "'# Name'", describe_value(json(first.substr(0, 60))));
  }
  return Verdict::pass();
}

Verdict openapi(const Exchange& ex) {
  if (auto v = needs_json(ex, "/openapi.json"); v.kind == Verdict::Kind::fail) return v;
  const json& doc = *ex.body_json;
  if (!is_string(doc, "openapi") || !doc["openapi"].get_ref<const std::string&>().starts_with("3."))
    return Verdict::fail("no `openapi: 3.x` version", "openapi: 3.1.x",
                         doc.contains("openapi") ? describe_value(doc["openapi"]) : "absent");
  if (!doc.contains("info") || !doc["info"].is_object())
    return Verdict::fail("no info object (required)", "info: {title, version}", "absent");
  if (const auto missing = missing_string(doc["info"], {"title", "version"}); !missing.empty())
    return Verdict::fail("info." + missing + " is missing", "info." + missing, "absent");
  if (!(doc.contains("paths") && doc["paths"].is_object()) && !doc.contains("webhooks") &&
      !doc.contains("components"))
    return Verdict::fail("neither paths, webhooks nor components (one is required)", "paths", "absent");
  try {
    (void)schema::openapi::Document::from_json(doc, "https://target.invalid/openapi.json");
  } catch (const std::exception& e) {
    return Verdict::fail(std::string("the document does not load: ") + e.what());
  }
  return Verdict::pass(std::to_string(doc.value("paths", json::object()).size()) + " paths");
}

Verdict protected_resource(const Exchange& ex) {
  if (auto v = needs_json(ex, "the protected-resource metadata"); v.kind == Verdict::Kind::fail) return v;
  const json& doc = *ex.body_json;
  if (!is_string(doc, "resource") || !absolute_url(doc["resource"].get<std::string>()))
    return Verdict::fail("`resource` (REQUIRED) is missing or not an absolute URL", "resource: https://...",
                         doc.contains("resource") ? describe_value(doc["resource"]) : "absent");
  for (const char* list : {"authorization_servers", "scopes_supported", "bearer_methods_supported"}) {
    if (!doc.contains(list)) continue;
    if (!doc[list].is_array() ||
        !std::all_of(doc[list].begin(), doc[list].end(), [](const json& v) { return v.is_string(); }))
      return Verdict::fail(std::string(list) + " must be an array of strings", "[\"...\"]",
                           describe_value(doc[list]));
  }
  if (doc.contains("bearer_methods_supported"))
    for (const auto& method : doc["bearer_methods_supported"])
      if (method != "header" && method != "body" && method != "query")
        return Verdict::fail("bearer_methods_supported names an unknown method", "header, body or query",
                             describe_value(method));
  return Verdict::pass();
}

Verdict api_catalog(const Exchange& ex) {
  if (auto v = needs_json(ex, "the API catalog"); v.kind == Verdict::Kind::fail) return v;
  const auto type = ex.response.headers.get("content-type");
  if (!type || media_type(*type) != "application/linkset+json")
    return Verdict::fail("the API catalog is not served as application/linkset+json",
                         "application/linkset+json", type ? std::string(*type) : "no Content-Type");
  const json& doc = *ex.body_json;
  if (!doc.contains("linkset") || !doc["linkset"].is_array() || doc["linkset"].empty())
    return Verdict::fail("no `linkset` array", "{\"linkset\": [...]}", describe_value(doc));
  std::size_t apis = 0;
  for (const auto& context : doc["linkset"]) {
    if (!context.is_object())
      return Verdict::fail("a linkset member is not an object", "an object", describe_value(context));
    for (const auto& [relation, targets] : context.items()) {
      if (relation == "anchor") continue;
      if (!targets.is_array())
        return Verdict::fail("link relation '" + relation + "' is not an array of targets");
      for (const auto& target : targets)
        if (!is_string(target, "href"))
          return Verdict::fail("a '" + relation + "' link has no href", "href", describe_value(target));
      if (relation == "item" || relation == "service-desc" || relation == "service-doc")
        apis += targets.size();
    }
  }
  if (apis == 0)
    return Verdict::fail("no link names an API (item, service-desc or service-doc)", "item links", "none");
  return Verdict::pass(std::to_string(apis) + " API links");
}

Verdict agent_card(const Exchange& ex) {
  if (auto v = needs_json(ex, "the agent card"); v.kind == Verdict::Kind::fail) return v;
  const json& doc = *ex.body_json;
  if (const auto missing = missing_string(doc, {"name", "description", "url", "version"}); !missing.empty())
    return Verdict::fail("the agent card lacks " + missing, missing, "absent");
  if (!doc.contains("capabilities") || !doc["capabilities"].is_object())
    return Verdict::fail("the agent card lacks capabilities", "capabilities: {}", "absent");
  for (const char* modes : {"defaultInputModes", "defaultOutputModes", "skills"})
    if (!doc.contains(modes) || !doc[modes].is_array())
      return Verdict::fail(std::string("the agent card lacks ") + modes, std::string(modes) + ": [...]",
                           "absent");
  for (const auto& skill : doc["skills"])
    if (const auto missing = missing_string(skill, {"id", "name", "description"}); !missing.empty())
      return Verdict::fail("a skill lacks " + missing, missing, describe_value(skill));
  return Verdict::pass();
}

Verdict ai_plugin(const Exchange& ex) {
  if (auto v = needs_json(ex, "the plugin manifest"); v.kind == Verdict::Kind::fail) return v;
  const json& doc = *ex.body_json;
  if (const auto missing =
          missing_string(doc, {"schema_version", "name_for_human", "name_for_model", "description_for_human",
                               "description_for_model", "logo_url", "contact_email", "legal_info_url"});
      !missing.empty())
    return Verdict::fail("the plugin manifest lacks " + missing, missing, "absent");
  if (!doc.contains("auth") || !is_string(doc["auth"], "type"))
    return Verdict::fail("the plugin manifest lacks auth.type", "auth: {type}", "absent");
  if (!doc.contains("api") || !is_string(doc["api"], "url") || doc["api"].value("type", "") != "openapi")
    return Verdict::fail("the plugin manifest lacks api {type: openapi, url}", "api: {type: openapi, url}",
                         doc.contains("api") ? describe_value(doc["api"]) : "absent");
  return Verdict::pass();
}

Verdict mcp_server_card(const Exchange& ex) {
  if (auto v = needs_json(ex, "the MCP server card"); v.kind == Verdict::Kind::fail) return v;
  const json& doc = *ex.body_json;
  if (!doc.contains("serverInfo") || !doc["serverInfo"].is_object())
    return Verdict::fail("the server card lacks serverInfo", "serverInfo: {name, version}", "absent");
  if (const auto missing = missing_string(doc["serverInfo"], {"name", "version"}); !missing.empty())
    return Verdict::fail("serverInfo lacks " + missing, missing, "absent");
  if (!doc.contains("transport") || !is_string(doc["transport"], "type"))
    return Verdict::fail("the server card lacks transport.type", "transport: {type, endpoint}", "absent");
  return Verdict::pass();
}

}  // namespace

Verdict discovery_openapi(const CheckContext&, const Exchange* ex) {
  return openapi(*ex);
}
Verdict discovery_llms_txt(const CheckContext&, const Exchange* ex) {
  return llms(*ex, "/llms.txt");
}
Verdict discovery_llms_full_txt(const CheckContext&, const Exchange* ex) {
  return llms(*ex, "/llms-full.txt");
}
Verdict discovery_protected_resource(const CheckContext&, const Exchange* ex) {
  return protected_resource(*ex);
}
Verdict discovery_api_catalog(const CheckContext&, const Exchange* ex) {
  return api_catalog(*ex);
}
Verdict discovery_agent_card(const CheckContext&, const Exchange* ex) {
  return agent_card(*ex);
}
Verdict discovery_ai_plugin(const CheckContext&, const Exchange* ex) {
  return ai_plugin(*ex);
}
Verdict discovery_mcp_server_card(const CheckContext&, const Exchange* ex) {
  return mcp_server_card(*ex);
}

Verdict keys_rotation_invalidates_old(const CheckContext&, const Exchange* ex) {
  const int status = ex->response.status;
  if (status == 401 || status == 403) return Verdict::pass("the old key got " + std::to_string(status));
  if (status >= 200 && status < 300)
    return Verdict::fail("a key rotated away still works (HTTP " + std::to_string(status) + ")", "401",
                         std::to_string(status));
  // Refused, but not as an authentication error: whether that status is right is error.status-matches-type's
  // call.
  return Verdict::not_applicable("the old key was refused with HTTP " + std::to_string(status));
}

}  // namespace gatecheck::runner
