#include "routes.hpp"

#include <algorithm>

#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/uri.hpp>

namespace gatecheck::mock {
namespace {

constexpr Route kRoutes[] = {
    {"POST", "chat/completions", &chat_completions_endpoint, true, true, ""},
    {"POST", "audio/speech", &speech_endpoint, true, true, "audio.speech"},
    {"POST", "audio/transcriptions", &transcriptions_endpoint, true, true, "audio.transcriptions"},
    {"POST", "audio/translations", &translations_endpoint, true, true, "audio.translations"},
    {"POST", "completions", &completions_endpoint, true, true, "completions"},
    {"POST", "images/generations", &image_generations_endpoint, true, true, "images.generations"},
    {"POST", "images/edits", &image_edits_endpoint, true, true, "images.edits"},
    // The urls the images API answers with: pre-signed in the API, so no key and no bucket here either.
    {"GET", "images/files/*", &image_file_endpoint, false, false, "images.generations"},
    {"POST", "embeddings", &embeddings_endpoint, true, true, ""},
    {"POST", "moderations", &moderations_endpoint, true, true, "moderations"},
    {"POST", "responses", &create_response_endpoint, true, true, "responses"},
    {"GET", "responses/*", &retrieve_response_endpoint, true, true, "responses"},
    {"DELETE", "responses/*", &delete_response_endpoint, true, true, "responses"},
    {"POST", "messages", &messages_endpoint, true, true, "anthropic.messages"},
    {"GET", "models", &list_models_endpoint, true, true, ""},
    {"GET", "models/*", &retrieve_model_endpoint, true, true, ""},
};

// Whether `rest` fits the route's path; a "/*" route needs at least one character after the slash.
bool fits(const Route& route, std::string_view rest) {
  if (!route.path.ends_with("/*")) return rest == route.path;
  const std::string_view prefix = route.path.substr(0, route.path.size() - 1);
  return rest.starts_with(prefix) && rest.size() > prefix.size();
}

// The capability that names a route's surface: its own, or its path's words ("chat/completions" ->
// chat.completions, "models/*" -> models).
std::string surface_of(const Route& route) {
  if (!route.capability.empty()) return std::string(route.capability);
  std::string surface(route.path.substr(0, route.path.find("/*")));
  std::replace(surface.begin(), surface.end(), '/', '.');
  return surface;
}

}  // namespace

bool claims_route(const vendor::Profile& profile, std::string_view method, std::string_view rest) {
  return std::any_of(std::begin(kRoutes), std::end(kRoutes), [&](const Route& route) {
    return core::iequals(route.method, method) && fits(route, rest) && profile.has(surface_of(route));
  });
}

std::span<const Route> api_routes() {
  return kRoutes;
}

Rejected invalid_url(const Request& request) {
  return Rejected{
      ApiError{404,
               "Invalid URL (" + std::string(request.method) + " " + std::string(request.path) + ")",
               {},
               nullptr,
               nullptr,
               {}}};
}

RouteMatch find_route(const Request& request, const vendor::Profile& profile) {
  const std::string_view base_path = profile.base_path;
  const std::string_view path = request.path;
  if (!path.starts_with(base_path) || path.substr(base_path.size(), 1) != "/") throw invalid_url(request);
  const std::string_view rest = path.substr(base_path.size() + 1);
  const Route* found = nullptr;
  std::string allowed;
  for (const auto& route : kRoutes) {
    // A surface the profile does not claim is not there at all, as on a vendor without it.
    if (!fits(route, rest) || (!route.capability.empty() && !profile.has(route.capability))) continue;
    allowed += (allowed.empty() ? "" : ", ") + std::string(route.method);
    if (route.method == request.method) found = &route;
  }
  if (allowed.empty()) throw invalid_url(request);
  if (found == nullptr) {
    throw Rejected{
        ApiError{405,
                 "Invalid method for URL (" + std::string(request.method) + " " + std::string(path) + ")",
                 {},
                 nullptr,
                 nullptr,
                 {{"Allow", allowed}}}};
  }
  RouteMatch match{found, {}};
  if (found->path.ends_with("/*"))
    match.parameter = core::percent_decode(rest.substr(found->path.size() - 1));
  return match;
}

}  // namespace gatecheck::mock
