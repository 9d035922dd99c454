#include "stubs.hpp"

#include <algorithm>

#include <gatecheck/core/document.hpp>
#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/json_path.hpp>

namespace gatecheck::mock {
namespace {

using nlohmann::json;

// `body()` parses the request body on first use: once per request however many stubs look at it.
template <typename ParsedBody>
bool stub_matches(const Stub& stub, const Request& request, ParsedBody&& body) {
  if (!stub.method.empty() && !core::iequals(stub.method, request.method)) return false;
  if (!stub.path.empty() && stub.path != request.path) return false;
  for (const auto& [name, value] : stub.headers) {
    const auto actual = request.header(name);
    if (!actual || *actual != value) return false;
  }
  if (!stub.body.empty()) {
    if (body().is_discarded()) return false;
    for (const auto& [path, expected] : stub.body) {
      const json* found = core::JsonPath::parse(path).find(body());
      if (found == nullptr || *found != expected) return false;
    }
  }
  return true;
}

Reply play(const Stub::Response& scripted) {
  Reply reply;
  reply.status = scripted.status;
  reply.body = scripted.body;
  reply.headers = scripted.headers;
  const bool typed = std::any_of(reply.headers.begin(), reply.headers.end(), [](const auto& header) {
    return core::iequals(header.first, "content-type");
  });
  if (!typed) reply.headers.emplace_back("Content-Type", "application/json");
  return reply;
}

}  // namespace

std::optional<Reply> stub_reply(const Request& request, const std::vector<Stub>& stubs, StubCounters& hits) {
  std::optional<json> parsed;
  const auto body = [&]() -> const json& {
    if (!parsed) parsed = core::parse_untrusted_json(request.body, 128);
    return *parsed;
  };
  for (std::size_t i = 0; i < stubs.size(); ++i) {
    const Stub& candidate = stubs[i];
    if (candidate.responses.empty() || !stub_matches(candidate, request, body)) continue;
    const std::size_t hit = hits.hit(i);
    return play(candidate.responses[std::min(hit, candidate.responses.size() - 1)]);
  }
  return std::nullopt;
}

}  // namespace gatecheck::mock
