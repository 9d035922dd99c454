// Discovery documents for agents, served at the paths the profile claims: /openapi.json, /llms.txt,
// /llms-full.txt and the /.well-known documents (RFC 9728 protected-resource metadata, RFC 9727 api-catalog,
// A2A agent cards, the OpenAI plugin manifest, the MCP server card). Each carries the fields its
// specification requires; the discovery-incomplete fault drops one of them.
#include <algorithm>

#include <gatecheck/core/bundled.hpp>
#include <gatecheck/core/document.hpp>

#include "call_context.hpp"
#include "routes.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;

// The bundled OpenAPI description cut to the operations the profile serves, at its base path: what an agent
// reads is what this vendor answers, not the whole OpenAI API.
json served_openapi(const vendor::Profile& profile, const std::string& origin) {
  json document = core::parse_yaml(*core::bundled_file("schemas/openapi.yaml"), "schemas/openapi.yaml").value;
  document["servers"] = json::array({{{"url", origin + profile.base_path}, {"description", profile.name}}});
  json& paths = document["paths"];
  for (auto path = paths.begin(); path != paths.end();) {
    std::string rest = path.key().substr(1);  // "/models/{model}" -> "models/x": any value fits a "*"
    for (auto open = rest.find('{'); open != std::string::npos; open = rest.find('{'))
      rest.replace(open, rest.find('}', open) - open + 1, "x");
    for (auto operation = path->begin(); operation != path->end();) {
      const bool method = operation.key() != "parameters" && operation.key() != "summary";
      if (method && !claims_route(profile, operation.key(), rest)) {
        operation = path->erase(operation);
      } else {
        ++operation;
      }
    }
    const bool served = std::any_of(path->items().begin(), path->items().end(), [](const auto& member) {
      return member.key() != "parameters" && member.key() != "summary";
    });
    path = served ? std::next(path) : paths.erase(path);
  }
  return document;
}

Reply text_reply(std::string body, std::string type) {
  Reply reply;
  reply.status = 200;
  reply.body = std::move(body);
  reply.headers.emplace_back("Content-Type", std::move(type));
  return reply;
}

std::string capability_list(const vendor::Profile& profile) {
  std::string out;
  for (const auto& capability : profile.capabilities)
    out += "- " + capability + "\n";
  return out;
}

std::string llms_text(const vendor::Profile& profile, const std::string& origin, bool full, bool broken) {
  const std::string description = profile.raw.value("description", profile.name + " API");
  std::string out;
  if (!broken) out += "# " + profile.name + "\n\n";  // llmstxt.org: the H1 title is the one required part
  out += "> " + description + "\n\n";
  out += "OpenAI-compatible API at " + origin + profile.base_path + ".\n\n";
  out += "## Docs\n\n- [OpenAPI description](" + origin + "/openapi.json): every endpoint and schema\n";
  if (!full) {
    out += "- [Full documentation](" + origin + "/llms-full.txt): authentication, errors, limits, webhooks\n";
    return out;
  }
  out += "\n## Authentication\n\n";
  for (const auto& scheme : profile.auth)
    out += scheme.kind == vendor::AuthScheme::Kind::bearer ? "- Authorization: Bearer <key>\n"
                                                           : "- " + scheme.header + ": <key>\n";
  out += "\n## Models\n\n";
  for (const auto& model : profile.models)
    out += "- " + model.id + " (" + model.kind + ")\n";
  out += "\n## Capabilities\n\n" + capability_list(profile);
  out += "\n## Errors\n\nErrors are JSON: {\"error\": {\"message\", \"type\", \"param\", \"code\"}}.\n";
  if (!profile.rate_limits.limit_requests.empty()) {
    out += "\n## Rate limits\n\nEvery answer carries " + profile.rate_limits.limit_requests + ", " +
           profile.rate_limits.remaining_requests + " and " + profile.rate_limits.reset_requests +
           "; a 429 carries Retry-After.\n";
  }
  if (!profile.webhooks.events.empty()) {
    out += "\n## Webhooks\n\nEvents:";
    for (const auto& event : profile.webhooks.events)
      out += " " + event;
    out += ". Deliveries are signed";
    if (profile.webhooks.scheme == vendor::SignatureScheme::hmac_sha256_hex)
      out += " with " + profile.webhooks.header + ": " + profile.webhooks.prefix +
             "<hex HMAC-SHA256 of the body>";
    out += ".\n";
  }
  return out;
}

json agent_card(const vendor::Profile& profile, const std::string& origin) {
  json skills = json::array();
  for (const auto& capability : profile.capabilities)
    skills.push_back({{"id", capability},
                      {"name", capability},
                      {"description", "OpenAI-compatible " + capability},
                      {"tags", json::array({"openai-compatible"})}});
  return {
      {"protocolVersion", "0.3.0"},
      {"name", profile.name},
      {"description", profile.raw.value("description", profile.name + " API")},
      {"url", origin + profile.base_path},
      {"version", "1.0.0"},
      {"capabilities", {{"streaming", profile.has("chat.completions.stream")}, {"pushNotifications", false}}},
      {"defaultInputModes", json::array({"text/plain", "application/json"})},
      {"defaultOutputModes", json::array({"text/plain", "application/json"})},
      {"skills", std::move(skills)}};
}

std::optional<json> json_document(const std::string& path, const vendor::Profile& profile,
                                  const std::string& origin) {
  if (path == "/.well-known/oauth-protected-resource") {
    return json{{"resource", origin + profile.base_path},
                {"resource_name", profile.name},
                {"bearer_methods_supported", json::array({"header"})},
                {"resource_documentation", origin + "/llms-full.txt"}};
  }
  if (path == "/.well-known/agent-card.json" || path == "/.well-known/agent.json")
    return agent_card(profile, origin);
  if (path == "/.well-known/ai-plugin.json") {
    std::string model_name;
    for (const char c : profile.id)
      model_name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return json{{"schema_version", "v1"},
                {"name_for_human", profile.name},
                {"name_for_model", model_name},
                {"description_for_human", profile.raw.value("description", profile.name + " API")},
                {"description_for_model", "OpenAI-compatible chat completions, models and embeddings."},
                {"auth", {{"type", "service_http"}, {"authorization_type", "bearer"}}},
                {"api", {{"type", "openapi"}, {"url", origin + "/openapi.json"}}},
                {"logo_url", origin + "/logo.png"},
                {"contact_email", "support@example.com"},
                {"legal_info_url", origin + "/legal"}};
  }
  if (path == "/.well-known/mcp/server-card.json") {
    return json{{"protocolVersion", "2025-06-18"},
                {"serverInfo", {{"name", profile.id}, {"title", profile.name}, {"version", "1.0.0"}}},
                {"description", profile.raw.value("description", profile.name + " API")},
                {"transport", {{"type", "streamable-http"}, {"endpoint", origin + "/mcp"}}},
                {"capabilities", {{"tools", json::object()}}}};
  }
  return std::nullopt;
}

// Removes the member a check for that document looks for first.
void drop_required(json& document, const std::string& path) {
  static const std::vector<std::pair<std::string, std::string>> kRequired = {
      {"/.well-known/oauth-protected-resource", "resource"},
      {"/.well-known/agent-card.json", "skills"},
      {"/.well-known/agent.json", "url"},
      {"/.well-known/ai-plugin.json", "api"},
      {"/.well-known/mcp/server-card.json", "serverInfo"},
      {"/openapi.json", "info"},
      {"/.well-known/api-catalog", "linkset"}};
  for (const auto& [where, member] : kRequired)
    if (where == path) document.erase(member);
}

}  // namespace

std::optional<Reply> discovery_document(const CallContext& context) {
  const auto& profile = context.profile();
  const std::string path(context.request.path);
  const auto& claimed = profile.discovery_documents;
  if (std::find(claimed.begin(), claimed.end(), path) == claimed.end()) return std::nullopt;
  const auto host = context.request.header("host");
  const std::string origin = "http://" + std::string(host.value_or("127.0.0.1"));
  const bool broken = context.faults().has(Fault::discovery_incomplete);

  if (path == "/llms.txt" || path == "/llms-full.txt")
    return text_reply(llms_text(profile, origin, path == "/llms-full.txt", broken),
                      "text/markdown; charset=utf-8");
  json document;
  std::string type = "application/json";
  if (path == "/openapi.json") {
    document = served_openapi(profile, origin);
  } else if (path == "/.well-known/api-catalog") {
    // RFC 9727 section 4: a linkset (RFC 9264) whose `item` links name the APIs, each described by
    // service-desc.
    type = "application/linkset+json; profile=\"https://www.rfc-editor.org/info/rfc9727\"";
    document = {
        {"linkset",
         json::array(
             {{{"anchor", origin + "/.well-known/api-catalog"},
               {"item", json::array({{{"href", origin + profile.base_path}}})}},
              {{"anchor", origin + profile.base_path},
               {"service-desc", json::array({{{"href", origin + "/openapi.json"},
                                              {"type", "application/vnd.oai.openapi+json;version=3.1"}}})},
               {"service-doc",
                json::array({{{"href", origin + "/llms-full.txt"}, {"type", "text/markdown"}}})}}})}};
  } else if (auto found = json_document(path, profile, origin)) {
    document = std::move(*found);
  } else {
    return std::nullopt;  // claimed, but not a document gatecheck knows how to write: a 404 like any other
                          // path
  }
  if (broken) drop_required(document, path);
  return text_reply(document.dump(), type);
}

}  // namespace gatecheck::mock
