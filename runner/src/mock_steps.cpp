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

// "POST /v1/chat/completions (json $.model: expected 'gpt-4o', got 'gpt-4o-mini')" per near miss.
std::string nearest(const json& near_misses) {
  std::string out;
  for (const auto& miss : near_misses) {
    const json& request = miss["request"];
    out += "\n      nearest: " + request.value("method", "") + " " + request.value("url", "");
    for (const auto& line : miss["misses"])
      out += "\n        " + line.get<std::string>();
  }
  return out;
}

}  // namespace

net::HttpResponse MockSession::call(const std::string& method, const std::string& path,
                                    const std::string& body) {
  net::HttpRequest request;
  request.method = method;
  request.url = env_.mock_url + path;
  request.headers.add("Authorization", "Bearer " + env_.options.admin_token);
  if (!body.empty()) request.headers.add("Content-Type", "application/json");
  request.body = body;
  request.deadline = env_.deadline;
  return client_.send(request);
}

std::string MockSession::begin() {
  const auto response = call("GET", "/admin/requests?limit=0");
  const json body = core::parse_untrusted_json(response.body, 32);
  if (response.status != 200 || !body.is_object() || !body.contains("next_seq") ||
      !body["next_seq"].is_number_unsigned())
    return "the mock's admin API at " + env_.mock_url + " did not answer as gatecheck's mock does (" +
           refusal(response) + ")";
  since_ = body["next_seq"].get<std::uint64_t>() - 1;
  return {};
}

void MockSession::install(const json& stub, const std::string& location, StepResult& result) {
  const auto response = call("POST", "/admin/stubs", stub.dump());
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
  const auto response = call("POST", "/admin/requests/count", query.dump());
  ++result.requests;
  const json body = core::parse_untrusted_json(response.body, 64);
  if (response.status != 200 || !body.is_object() || !body.contains("count") || !body["count"].is_number()) {
    result.checks.push_back(result_of("suite.verify", false,
                                      "the mock could not count requests: " + refusal(response), location));
    return;
  }
  const json want = spec.value("count", json{{"gte", 1}});
  const MatchOutcome outcome = match_value(want, &body["count"]);
  CheckResult check = result_of("verify.count", outcome.ok,
                                outcome.ok ? body["count"].dump() + " matching requests reached the mock"
                                           : "requests matching " + spec["request"].dump() +
                                                 " that reached the mock: " + body["count"].dump() +
                                                 nearest(body.value("near_misses", json::array())),
                                location);
  check.expected = outcome.expected;
  check.actual = outcome.actual;
  result.checks.push_back(std::move(check));
}

void MockSession::end() {
  for (const auto& id : installed_)
    call("DELETE", "/admin/stubs/" + core::percent_encode(id, &core::is_unreserved));
  installed_.clear();
}

}  // namespace gatecheck::runner
