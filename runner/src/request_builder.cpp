#include "request_builder.hpp"

#include <stdexcept>

#include <gatecheck/core/multipart.hpp>
#include <gatecheck/core/template.hpp>
#include <gatecheck/core/url.hpp>

namespace gatecheck::runner {

using nlohmann::json;

Exchange build_exchange(const json& spec, const RunEnvironment& env) {
  Exchange exchange;
  core::HttpRequest& request = exchange.request;
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

  for (const auto& [name, value] : env.profile.request_headers)
    request.headers.set(name, value);
  for (const auto& [name, value] : env.options.extra_headers)
    request.headers.set(name, value);
  if (spec.value("auth", true)) {
    const std::string key =
        spec.contains("api_key") ? spec["api_key"].get<std::string>() : env.options.api_key;
    if (!key.empty() && !env.profile.auth.empty()) {
      const auto& scheme = env.profile.auth.front();
      if (scheme.kind == core::AuthScheme::Kind::bearer) {
        request.headers.set("Authorization", "Bearer " + key);
      } else {
        request.headers.set(scheme.header, key);
      }
    }
  }
  if (spec.contains("headers"))
    for (const auto& [name, value] : spec["headers"].items())
      request.headers.set(name, core::to_template_text(value));

  if (spec.contains("json")) {
    exchange.request_json = spec["json"];
    request.body = spec["json"].dump();
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
        form.add_file(
            file["name"].get<std::string>(), file.value("filename", file["name"].get<std::string>()),
            file.value("content_type", "application/octet-stream"), file["content"].get<std::string>());
    request.body = form.body();
    request.headers.set("Content-Type", form.content_type());
  }
  return exchange;
}

namespace {

std::string cut(std::string text, std::size_t limit) {
  if (text.size() > limit) {
    const std::size_t size = text.size();
    text.resize(limit);
    text += "\n... (" + std::to_string(size - limit) + " more bytes)";
  }
  return text;
}

}  // namespace

std::string request_excerpt(const Exchange& exchange, const core::Redactor& redactor, std::size_t limit) {
  std::string out = exchange.request.method + " " + redactor.redact(exchange.request.url) + "\n";
  for (const auto& [name, value] : exchange.request.headers)
    out += name + ": " + redactor.redact_header(name, value) + "\n";
  if (!exchange.request.body.empty()) out += "\n" + redactor.redact(exchange.request.body);
  return cut(std::move(out), limit);
}

std::string response_excerpt(const Exchange& exchange, const core::Redactor& redactor, std::size_t limit) {
  const auto& response = exchange.response;
  std::string out = response.status == 0
                        ? std::string("(no status line)\n")
                        : "HTTP " + std::to_string(response.status) + " " + response.reason + "\n";
  for (const auto& [name, value] : response.headers)
    out += name + ": " + redactor.redact_header(name, value) + "\n";
  if (!response.body.empty()) out += "\n" + redactor.redact(response.body);
  if (response.error)
    out += "\n(" + std::string(core::to_string(response.error->kind)) + ": " + response.error->message + ")";
  return cut(std::move(out), limit);
}

}  // namespace gatecheck::runner
