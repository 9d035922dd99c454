#include "request_builder.hpp"

#include <algorithm>
#include <stdexcept>

#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/multipart.hpp>
#include <gatecheck/core/template.hpp>
#include <gatecheck/core/url.hpp>
#include <gatecheck/core/utf8.hpp>

namespace gatecheck::runner {

using nlohmann::json;

namespace {

// A multipart file's bytes: its text, or its base64 decoded (binary files: audio, images). Whitespace in
// the base64 is allowed, so a long value can be folded in YAML.
std::string file_content(const json& file) {
  if (!file.contains("content_base64")) return file.value("content", "");
  std::string text = file["content_base64"].get<std::string>();
  std::erase_if(text, [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
  auto bytes = core::base64_decode(text);
  if (!bytes)
    throw std::invalid_argument("multipart file '" + file.value("name", "") +
                                "': content_base64 is not base64");
  return std::move(*bytes);
}

}  // namespace

void add_credentials(core::Headers& headers, const vendor::Profile& profile, const std::string& key) {
  if (key.empty() || profile.auth.empty()) return;
  const auto& scheme = profile.auth.front();
  if (scheme.kind == vendor::AuthScheme::Kind::bearer)
    headers.set("Authorization", "Bearer " + key);
  else
    headers.set(scheme.header, key);
}

Exchange build_exchange(const json& spec, const RunEnvironment& env) {
  Exchange exchange;
  net::HttpRequest& request = exchange.request;
  request.deadline = env.deadline;  // every send of this request: 429 resends, burst copies, twins
  const bool has_body = spec.contains("json") || spec.contains("body") || spec.contains("body_bytes") ||
                        spec.contains("multipart");
  request.method = core::to_lower(spec.value("method", has_body ? "POST" : "GET"));
  for (auto& c : request.method)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));

  std::string url;
  if (spec.contains("url")) {
    url = spec["url"].get<std::string>();
  } else {
    const std::string path = spec["path"].get<std::string>();
    const std::string base = spec.value("raw_path", false) ? std::string() : env.profile.base_path;
    url = env.base_url + core::join_url_path(base.empty() ? "/" : base, path);
  }
  if (spec.contains("query")) {
    std::string query;
    for (const auto& [name, value] : spec["query"].items())
      query += (query.empty() ? "" : "&") + core::url_encode(name) + "=" +
               core::url_encode(core::to_template_text(value));
    url += (url.find('?') == std::string::npos ? "?" : "&") + query;
  }
  try {
    request.url = core::Url::parse(url).str();
  } catch (const core::UrlError& e) {
    throw std::invalid_argument("bad request URL '" + url + "': " + e.what());
  }

  for (const auto& [name, value] : env.options.extra_headers)
    request.headers.set(name, value);
  if (spec.value("auth", true)) {
    const std::string key =
        spec.contains("api_key") ? spec["api_key"].get<std::string>() : env.options.api_key;
    add_credentials(request.headers, env.profile, key);
  }
  if (spec.contains("headers"))
    for (const auto& [name, value] : spec["headers"].items())
      request.headers.set(name, core::to_template_text(value));

  if (spec.contains("json")) {
    exchange.request_json = spec["json"];
    request.body = spec["json"].dump();
    // Valid JSON of a chosen size (insignificant whitespace, RFC 8259 section 2): a size limit is then
    // judged apart from JSON parsing.
    if (spec.contains("json_bytes"))
      request.body.resize(std::max(request.body.size(), spec["json_bytes"].get<std::size_t>()), ' ');
    if (!request.headers.contains("content-type")) request.headers.set("Content-Type", "application/json");
  } else if (spec.contains("body")) {
    request.body = spec["body"].get<std::string>();
  } else if (spec.contains("body_bytes")) {
    request.body.assign(spec["body_bytes"].get<std::size_t>(), 'x');
  } else if (spec.contains("multipart")) {
    core::MultipartForm form;
    const json& multipart = spec["multipart"];
    if (multipart.contains("fields"))
      for (const auto& [name, value] : multipart["fields"].items())
        form.add_field(name, core::to_template_text(value));
    if (multipart.contains("files"))
      for (const auto& file : multipart["files"])
        form.add_file(file["name"].get<std::string>(),
                      file.value("filename", file["name"].get<std::string>()),
                      file.value("content_type", "application/octet-stream"), file_content(file));
    request.body = form.body();
    request.headers.set("Content-Type", form.content_type());
  }
  return exchange;
}

namespace {

// Longer than any credential or its encodings: a secret that starts inside the excerpt lies wholly inside the
// window redacted, so the cut never leaves its first characters.
constexpr std::size_t kRedactionMargin = 4096;

std::string cut(std::string text, std::size_t limit, std::size_t unseen) {
  if (text.size() > limit) {
    unseen += text.size() - limit;
    text.resize(core::utf8_prefix(text, limit).size());  // never half a character
  }
  if (unseen > 0) text += "\n... (" + std::to_string(unseen) + " more bytes)";
  return text;
}

// The body's first limit + margin bytes, redacted (a 64 MiB body is never scanned whole for an excerpt).
std::string redacted_window(const std::string& body, const core::Redactor& redactor, std::size_t limit,
                            std::size_t& unseen) {
  const std::size_t window = std::min(body.size(), limit + kRedactionMargin);
  unseen = body.size() - window;
  return redactor.redact(std::string_view(body).substr(0, window));
}

}  // namespace

core::Redactor run_redactor(const RunOptions& options, const vendor::Profile& profile) {
  core::Redactor redactor;
  for (const std::string* secret : {&options.api_key, &options.admin_token, &options.spare_api_key})
    if (!secret->empty()) redactor.add_secret(*secret);
  for (const auto& [plan, key] : options.plan_keys)
    redactor.add_secret(key);
  static constexpr std::string_view kPlain[] = {"content-type", "accept", "accept-encoding", "user-agent",
                                                "openai-beta"};
  for (const auto& [name, value] : options.extra_headers) {
    const std::string lower = core::to_lower(name);
    const bool plain = lower.starts_with("x-gatecheck-") ||
                       std::find(std::begin(kPlain), std::end(kPlain), lower) != std::end(kPlain);
    if (!plain) redactor.add_credential_header(name, value);
  }
  for (const auto& scheme : profile.auth)
    if (scheme.kind == vendor::AuthScheme::Kind::header) redactor.add_sensitive_header(scheme.header);
  if (const auto secret = core::url_userinfo_secret(options.target)) redactor.add_secret(*secret);
  return redactor;
}

std::string request_excerpt(const Exchange& exchange, const core::Redactor& redactor, std::size_t limit) {
  std::string out = exchange.request.method + " " + redactor.redact(exchange.request.url) + "\n";
  for (const auto& [name, value] : exchange.request.headers)
    out += name + ": " + redactor.redact_header(name, value) + "\n";
  std::size_t unseen = 0;
  if (!exchange.request.body.empty())
    out += "\n" + redacted_window(exchange.request.body, redactor, limit, unseen);
  return cut(std::move(out), limit, unseen);
}

std::string response_excerpt(const Exchange& exchange, const core::Redactor& redactor, std::size_t limit) {
  const auto& response = exchange.response;
  std::string out = response.status == 0
                        ? std::string("(no status line)\n")
                        : "HTTP " + std::to_string(response.status) + " " + response.reason + "\n";
  for (const auto& [name, value] : response.headers)
    out += name + ": " + redactor.redact_header(name, value) + "\n";
  std::size_t unseen = 0;
  if (!response.body.empty()) out += "\n" + redacted_window(response.body, redactor, limit, unseen);
  if (response.error)
    out += "\n(" + std::string(net::to_string(response.error->kind)) + ": " + response.error->message + ")";
  return cut(std::move(out), limit, unseen);
}

}  // namespace gatecheck::runner
