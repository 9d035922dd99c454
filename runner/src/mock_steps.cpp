#include "mock_steps.hpp"

#include <gatecheck/core/document.hpp>
#include <gatecheck/core/uri.hpp>

#include "matcher.hpp"
#include "scenario_executor.hpp"

namespace gatecheck::runner {
namespace {

using nlohmann::json;

// What the admin API said, for a finding: its error message, or the status and the start of the body.
std::string refusal(const net::HttpResponse& response) {
  if (response.error) return response.error->message;
  const json body = core::parse_untrusted_json(response.body, 32);
  if (body.is_object() && body.contains("error") && body["error"].is_object() &&
      body["error"].contains("message") && body["error"]["message"].is_string())
    return "HTTP " + std::to_string(response.status) + ": " + body["error"]["message"].get<std::string>();
  return "HTTP " + std::to_string(response.status) + ": " + excerpt(response.body, 200);
}

CheckResult result_of(std::string id, bool passed, std::string message, const std::string& location) {
  CheckResult check;
  check.id = std::move(id);
  check.passed = passed;
  check.message = std::move(message);
  check.location = location;
  return check;
}

// A string member of an answer the runner did not write (any server may stand at --mock-url): "" when the
// member is missing or of another type.
std::string string_at(const json& object, const char* name) {
  if (!object.is_object()) return {};
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "nearest: POST /v1/chat/completions" and its misses, per near miss the mock reported.
std::string nearest(const json& body) {
  std::string out;
  const auto misses = body.find("near_misses");
  if (misses == body.end() || !misses->is_array()) return out;
  for (const auto& miss : *misses) {
    if (!miss.is_object()) continue;
    const auto request = miss.find("request");
    const json none = json::object();
    const json& seen = request != miss.end() ? *request : none;
    out += "\n      nearest: " + string_at(seen, "method") + " " + string_at(seen, "url");
    if (const auto lines = miss.find("misses"); lines != miss.end() && lines->is_array())
      for (const auto& line : *lines)
        if (line.is_string()) out += "\n        " + line.get<std::string>();
  }
  return out;
}

}  // namespace

net::HttpResponse MockSession::call(const std::string& method, const std::string& path,
                                    const std::string& body, std::chrono::steady_clock::time_point deadline) {
  net::HttpRequest request;
  request.method = method;
  request.url = env_.mock_url + path;
  request.headers.add("Authorization", "Bearer " + env_.options.admin_token);
  if (!body.empty()) request.headers.add("Content-Type", "application/json");
  request.body = body;
  request.deadline = deadline;
  return client_.send(request);
}

std::string MockSession::begin() {
  const auto response = call("GET", "/admin/requests?limit=0", "", env_.deadline);
  const json body = core::parse_untrusted_json(response.body, 32);
  if (response.status != 200 || !body.is_object() || !body.contains("next_seq") ||
      !body["next_seq"].is_number_unsigned() || body["next_seq"].get<std::uint64_t>() == 0)
    return "the mock's admin API at " + env_.mock_url + " did not answer as gatecheck's mock does (" +
           refusal(response) + ")";
  since_ = body["next_seq"].get<std::uint64_t>() - 1;
  return {};
}

void MockSession::install(const json& stub, const std::string& location, StepResult& result) {
  const auto response = call("POST", "/admin/stubs", stub.dump(), env_.deadline);
  ++result.requests;
  const json body = core::parse_untrusted_json(response.body, 64);
  if (response.status != 201 || !body.is_object() || !body.contains("id") || !body["id"].is_string()) {
    result.checks.push_back(
        result_of("suite.stub", false, "the mock did not take the stub: " + refusal(response), location));
    return;
  }
  installed_.push_back(body["id"].get<std::string>());
  result.notes.push_back("stub " + installed_.back() + " installed");
}

void MockSession::verify(const json& spec, const std::string& location, StepResult& result) {
  const json query = {{"request", spec["request"]}, {"since", since_}};
  const auto response = call("POST", "/admin/requests/count", query.dump(), env_.deadline);
  ++result.requests;
  const json body = core::parse_untrusted_json(response.body, 64);
  if (response.status != 200 || !body.is_object() || !body.contains("count") || !body["count"].is_number()) {
    result.checks.push_back(result_of("suite.verify", false,
                                      "the mock could not count requests: " + refusal(response), location));
    return;
  }
  const json want = spec.value("count", json{{"gte", 1}});
  const MatchOutcome outcome = match_value(want, &body["count"]);
  CheckResult check =
      result_of("verify.count", outcome.ok,
                outcome.ok ? body["count"].dump() + " matching requests reached the mock"
                           : "requests matching " + spec["request"].dump() +
                                 " that reached the mock: " + body["count"].dump() + nearest(body),
                location);
  check.expected = outcome.expected;
  check.actual = outcome.actual;
  result.checks.push_back(std::move(check));
}

std::string MockSession::end() {
  // Its own deadline: stubs left behind would answer the next scenario, so even a run past --max-duration
  // removes them.
  const auto deadline =
      std::chrono::steady_clock::now() + std::min(env_.options.timeout, std::chrono::milliseconds(10'000));
  std::string problems;
  for (const auto& id : installed_) {
    const auto response =
        call("DELETE", "/admin/stubs/" + core::percent_encode(id, &core::is_unreserved), "", deadline);
    if (response.status != 200 && response.status != 404)
      problems += (problems.empty() ? "" : "; ") + std::string("stub ") + id + ": " + refusal(response);
  }
  installed_.clear();
  return problems.empty() ? problems : "could not remove the stubs this scenario installed: " + problems;
}

}  // namespace gatecheck::runner
