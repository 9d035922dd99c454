// A stub's response definition (schemas/stub.schema.json, $defs/response), compiled once: a scripted answer
// (status, headers, a JSON or raw body or a list of SSE events, all templated over the request), a generated
// one (the endpoint answers, with a fixed answer, faults or pacing), or a proxied one; each with a delay.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/core/template.hpp>
#include <gatecheck/mock/faults.hpp>

#include "exchange.hpp"
#include "scripted_answer.hpp"

namespace gatecheck::mock {

// fixed, uniform or lognormal, sampled from a seed so that a seeded mock waits the same each run.
struct StubDelay {
  enum class Kind { none, fixed, uniform, lognormal };
  Kind kind = Kind::none;
  double a = 0;  // fixed: ms; uniform: min ms; lognormal: median ms
  double b = 0;  // uniform: max ms; lognormal: sigma
  std::chrono::milliseconds sample(std::uint64_t seed) const;
};

struct ProxyTarget {
  std::string url;  // base: the request's path (less strip_prefix) and query are appended
  std::string strip_prefix;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct StubResponse {
  enum class Kind { scripted, generated, proxied };
  Kind kind = Kind::scripted;
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // templates
  nlohmann::json body;    // scripted: a JSON tree whose strings are templates, a template string, or null
  bool raw_body = false;  // body is `body:` text, not `json:`
  bool templated = true;  // false: nothing to render (template: false, or no {{ }} anywhere)
  struct Event {
    std::string event, id;
    nlohmann::json data;  // strings are templates
    std::chrono::milliseconds delay{0};
  };
  std::vector<Event> events;
  std::shared_ptr<const ScriptedAnswer> answer;                          // generated
  std::vector<FaultSpec> faults;                                         // generated
  std::optional<std::chrono::milliseconds> first_token, between_tokens;  // generated: pacing
  ProxyTarget proxy;
  StubDelay delay;

  // `spec` has passed the stub schema; throws std::invalid_argument with a JSON Pointer below `where` for
  // what the schema cannot say (an unknown fault, a template that does not parse or names an unknown root).
  // `path_params`: the names the stub's path template binds (request.path_params.NAME).
  static StubResponse compile(const nlohmann::json& spec, const std::string& where,
                              const std::vector<std::string>& path_params = {});
};

// What each template root holds, as stub_play.cpp builds it (docs/mock.md, Templates): a stub that reads any
// other member is refused when it loads. request.query, .headers and .body hold what arrived.
inline constexpr std::pair<std::string_view, std::string_view> kTemplateMembers[] = {
    {"request", " id method path url query headers body text path_params "},
    {"random", " int float uuid id "},
    {"now", " unix unix_ms iso "},
    {"stub", " id name hit "}};

// Renders a scripted response (its kind is scripted) in `scope`. Throws core::TemplateError.
Reply render_scripted(const StubResponse& response, const core::TemplateScope& scope);
// The response's headers rendered in `scope` (for generated and proxied answers, which add them).
std::vector<std::pair<std::string, std::string>> render_headers(const StubResponse& response,
                                                                const core::TemplateScope& scope);

}  // namespace gatecheck::mock
