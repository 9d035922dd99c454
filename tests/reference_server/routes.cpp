#include "routes.hpp"

#include <algorithm>
#include <ctime>
#include <optional>
#include <string_view>

#include "endpoints.hpp"
#include "request_json.hpp"
#include "text.hpp"

namespace gatecheck::testing::reference {
namespace {

// A path below `prefix` naming one resource: "/v1/models/{id}".
bool one_below(std::string_view path, std::string_view prefix) {
  return path.starts_with(prefix) && path.size() > prefix.size() &&
         path.find('/', prefix.size()) == std::string_view::npos;
}

// The methods a known path allows, as the allow header lists them.
std::optional<std::string_view> allowed_methods(std::string_view path) {
  if (path == "/v1/chat/completions" || path == "/v1/completions" || path == "/v1/embeddings" ||
      path == "/v1/moderations" || path == "/v1/responses" || path == "/v1/audio/speech" ||
      path == "/v1/audio/transcriptions" || path == "/v1/audio/translations" ||
      path == "/v1/images/generations" || path == "/v1/images/edits")
    return "POST";
  if (path == "/v1/models" || one_below(path, "/v1/models/") || one_below(path, "/blob/images/"))
    return "GET";
  if (one_below(path, "/v1/responses/")) return "GET, DELETE";
  return std::nullopt;
}

bool allows(std::string_view methods, std::string_view method) {
  return (", " + std::string(methods) + ", ").find(", " + std::string(method) + ", ") != std::string::npos;
}

}  // namespace

Response Api::handle(const Request& req) {
  std::optional<RateState> rate;
  Response res;
  try {
    if (req.path.starts_with("/v1/") || req.path == "/v1") {
      rate = limiter_.take(authenticate(req));
      if (!rate->allowed)
        throw ApiError(429,
                       "Rate limit reached for requests: Limit " + std::to_string(rate->limit) + ", Used " +
                           std::to_string(rate->limit) + ", Requested 1. Please try again in " +
                           go_duration(rate->reset) + ".",
                       nullptr, "rate_limit_exceeded");
    }
    res = route(req);
  } catch (const ApiError& error) {
    res = error_response(error);
  } catch (const std::exception& error) {  // a bug here, not the client's fault
    res = error_response(ApiError(500, std::string("The server had an error: ") + error.what()));
  }
  return finish(std::move(res), rate.value_or(limiter_.untouched()));
}

Response Api::refuse(int status, const std::string& message) {
  Response res = error_response(ApiError(status, message));
  res.close = true;
  return finish(std::move(res), limiter_.untouched());
}

std::string Api::authenticate(const Request& req) const {
  const std::string_view value = trim(req.header("authorization").value_or(""));
  const auto space = value.find(' ');
  std::string key(space == std::string_view::npos ? "" : trim(value.substr(space + 1)));
  const Headers challenge{{"www-authenticate", "Bearer realm=\"reference\""}};  // RFC 9110 15.5.2
  if (key.empty() || lower(value.substr(0, space)) != "bearer")
    throw ApiError(401,
                   "You didn't provide an API key. You need to provide your API key in an Authorization "
                   "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                   nullptr, nullptr, challenge);
  if (std::find(options_.keys.begin(), options_.keys.end(), key) == options_.keys.end())
    throw ApiError(401,
                   "Incorrect API key provided: " + key.substr(0, 3) + "****" +
                       key.substr(key.size() - std::min<std::size_t>(key.size(), 4)) + ".",
                   nullptr, "invalid_api_key", challenge);
  return key;
}

Response Api::route(const Request& req) {
  if (req.too_large)
    throw ApiError(
        413, "The request body is too large: the limit is " + std::to_string(body_limit(req)) + " bytes.");
  const auto allow = allowed_methods(req.path);
  if (!allow) throw ApiError(404, "Invalid URL (" + req.method + " " + req.path + ")");
  if (!allows(*allow, req.method))
    throw ApiError(
        405,
        "Method " + req.method + " is not allowed for " + req.path + "; use " + std::string(*allow) + ".",
        nullptr, nullptr, {{"allow", std::string(*allow)}});
  constexpr std::string_view kResponses = "/v1/responses/";
  if (req.path.starts_with(kResponses))
    return stored_response(req.method, req.path.substr(kResponses.size()), responses_);
  constexpr std::string_view kImages = "/blob/images/";  // outside /v1: no key, like a pre-signed link
  if (req.path.starts_with(kImages)) return stored_image(req.path.substr(kImages.size()), images_);
  if (req.method == "GET") return models_response(req.path);
  if (req.path == "/v1/images/edits") return images_response(req, nullptr, images_);
  if (req.path == "/v1/audio/transcriptions") return transcription_response(req, false);
  if (req.path == "/v1/audio/translations") return transcription_response(req, true);
  const json body = parse_body(req);
  if (req.path == "/v1/embeddings") return embeddings_response(body);
  if (req.path == "/v1/moderations") return moderations_response(body, "modr-" + next_id());
  if (req.path == "/v1/responses") return responses_response(body, responses_);
  if (req.path == "/v1/audio/speech") return speech_response(body);
  if (req.path == "/v1/images/generations") return images_response(req, &body, images_);
  if (req.path == "/v1/completions") return completions_response(body, "cmpl-" + next_id());
  return chat_response(body, "chatcmpl-" + next_id());
}

Response Api::finish(Response res, const RateState& rate) {
  add_rate_headers(res, rate);
  res.headers.emplace_back("x-request-id", "req_" + next_id());
  return res;
}

std::string Api::next_id() {
  const std::uint64_t n = counter_.fetch_add(1) + 1;
  return hex(fnv1a(std::to_string(n), static_cast<std::uint64_t>(std::time(nullptr))), 16) + hex(n, 8);
}

}  // namespace gatecheck::testing::reference
