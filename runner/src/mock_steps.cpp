#include "mock_steps.hpp"

#include <algorithm>
#include <thread>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/core/document.hpp>
#include <gatecheck/core/uri.hpp>

#include "check_evaluation.hpp"
#include "json_access.hpp"
#include "matcher.hpp"
#include "scenario_executor.hpp"
#include "step_expectations.hpp"
#include "upstream_checks.hpp"

namespace gatecheck::runner {
namespace {

using nlohmann::json;
using namespace json_access;

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
    out += "\n      nearest: " + text_at(seen, "method") + " " + text_at(seen, "url");
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
  std::string problem;
  const auto mark = this->mark(problem);
  if (!mark)
    return "the mock's admin API at " + env_.mock_url + " did not answer as gatecheck's mock does (" +
           problem + ")";
  since_ = *mark;
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

namespace {

// The checks an `upstream:` without `checks:` judges: what the client's answer kept of the upstream's.
const std::vector<std::string> kDefaultUpstreamChecks = {
    "upstream.content-preserved", "upstream.tool-calls-preserved", "upstream.usage-preserved",
    "upstream.error-preserved"};

// "#2 POST /v1/chat/completions -> 503": an attempt, for a finding.
std::string attempt_line(const json& entry, std::size_t index) {
  return "#" + std::to_string(index + 1) + " " + text_at(entry, "method") + " " + text_at(entry, "url") +
         " -> " + (entry.contains("status") ? entry["status"].dump() : "?");
}

}  // namespace

std::optional<std::uint64_t> MockSession::mark(std::string& problem) {
  const auto response = call("GET", "/admin/requests?limit=0", "", env_.deadline);
  const json body = core::parse_untrusted_json(response.body, 32);
  const json* next = member(body, "next_seq");
  if (response.status != 200 || next == nullptr || !next->is_number_unsigned() ||
      next->get<std::uint64_t>() == 0) {
    problem = refusal(response);
    return std::nullopt;
  }
  return next->get<std::uint64_t>() - 1;
}

// The entries after `since`, each with what it missed of `pattern`. The mock notes an answer's bytes just
// after sending them, so an entry may still lack its response when the client already has it: asked again,
// for at most two seconds.
json MockSession::attempts(const json& pattern, std::uint64_t since, StepResult& result) {
  const json query = {{"request", pattern}, {"since", since}, {"limit", kMostAttempts}, {"misses", true}};
  const auto until = std::min(env_.deadline, std::chrono::steady_clock::now() + std::chrono::seconds(2));
  while (true) {
    const auto response = call("POST", "/admin/requests/find", query.dump(), env_.deadline);
    ++result.requests;
    json body = core::parse_untrusted_json(response.body, 64);
    if (response.status != 200 || !body.is_object() || !body.contains("data") || !body["data"].is_array())
      return "the mock's journal could not be read: " + refusal(response);
    const bool settled = std::all_of(body["data"].begin(), body["data"].end(), [](const json& entry) {
      return entry.is_object() && entry.contains("response") && entry["response"].is_object();
    });
    if (settled || std::chrono::steady_clock::now() >= until) return std::move(body["data"]);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

namespace {

// The entries a step's requests caused, and the rest of what reached the upstream meanwhile (a gateway's
// health checks and model-list refreshes): attempts are the entries of the step's method.
struct Traffic {
  json attempts = json::array();
  std::size_t other = 0;
  std::string listing;  // every entry, one line each, the others marked
};

Traffic traffic_of(const json& entries, const std::vector<const Exchange*>& exchanges) {
  Traffic out;
  const std::string method = exchanges.empty() ? "" : exchanges.front()->request.method;
  for (const auto& entry : entries) {
    const bool attempt = method.empty() || core::iequals(text_at(entry, "method"), method);
    out.listing += "\n      " + attempt_line(entry, attempt ? out.attempts.size() : out.other) +
                   (attempt ? "" : " (other traffic, not judged)");
    if (attempt) {
      out.attempts.push_back(entry);
    } else {
      ++out.other;
    }
  }
  return out;
}

// upstream.attempts: how many requests the step's caused, each listed.
CheckResult attempts_result(const json& spec, const Traffic& traffic, const std::string& mock_url,
                            const std::string& location) {
  const json want = spec.value("attempts", json{{"gte", 1}});
  const json how_many = traffic.attempts.size();
  const MatchOutcome counted = match_value(want, &how_many);
  // Nothing at all: the likeliest cause is a gateway that does not forward to this mock.
  const std::string hint = traffic.attempts.empty()
                               ? " (is the gateway forwarding to the mock at " + mock_url +
                                     "? a gate names it {upstream} in the command and headers)"
                               : "";
  const std::size_t n = traffic.attempts.size();
  CheckResult count = result_of("upstream.attempts", counted.ok,
                                std::to_string(n) + (n == 1 ? " request" : " requests") +
                                    " reached the upstream" + hint + traffic.listing,
                                location);
  count.expected = counted.expected;
  count.actual = counted.actual;
  return count;
}

}  // namespace

void MockSession::upstream(const json& spec, std::uint64_t since,
                           const std::vector<const Exchange*>& exchanges, const Suite& suite,
                           const std::string& pointer, StepResult& result) {
  // Each result points at the member that asked for it.
  const auto at = [&](const std::string& member) {
    const bool asked = !member.empty() && spec.contains(member.substr(0, member.find('/')));
    return suite.describe(asked ? pointer + "/" + member : pointer);
  };
  const json entries = attempts(spec.value("request", json::object()), since, result);
  if (entries.is_string()) {
    result.checks.push_back(result_of("suite.mock", false, entries.get<std::string>(), at("")));
    return;
  }
  const Traffic traffic = traffic_of(entries, exchanges);
  UpstreamEvidence evidence;
  for (const auto& entry : traffic.attempts) {
    evidence.entries.push_back(entry);
    evidence.attempts.push_back(upstream_exchange(entry));
  }
  evidence.client_key_mark = cassette::kept_mark("Bearer " + env_.options.api_key);
  result.checks.push_back(attempts_result(spec, traffic, env_.mock_url, at("attempts")));
  const bool counted = result.checks.back().passed;
  if (spec.contains("request")) result.checks.push_back(pattern_result(traffic.attempts, at("request")));
  const CheckContext context{exchanges, env_.profile, std::nullopt, nullptr, nullptr, &evidence};
  const auto ids = spec.value("checks", kDefaultUpstreamChecks);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const CheckInfo* check = find_check(ids[i]);
    result.checks.push_back(check_result(ids[i], check->severity, evaluate_check(*check, context),
                                         at("checks/" + std::to_string(i))));
  }
  // Attempts that were not as many as expected (no retry, no failover) explain what the client got: one
  // finding, the others shown as its consequences. Otherwise a wrong status the step asked about explains
  // an answer that is not the upstream's.
  if (counted) return mark_consequences(result.checks, 0, exchanges);
  for (auto& check : result.checks)
    if (!check.passed && check.id != "upstream.attempts" && check.caused_by.empty())
      check.caused_by = "upstream.attempts";
}

// upstream.request: every attempt matches the pattern; a miss names the attempt and each criterion it missed.
CheckResult MockSession::pattern_result(const json& entries, const std::string& location) const {
  if (entries.empty())
    return check_result("upstream.request", Severity::must,
                        Verdict::not_applicable("no request reached the upstream"), location);
  std::string misses;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const json* lines = member(entries[i], "misses");
    if (lines == nullptr || !lines->is_array())  // not judged is not matched
      return result_of(
          "upstream.request", false,
          "the journal at " + env_.mock_url + " does not say what its entries missed: not gatecheck's mock?",
          location);
    if (lines->empty()) continue;
    misses += "\n      " + attempt_line(entries[i], i);
    for (const auto& line : *lines)
      if (line.is_string()) misses += "\n        " + line.get<std::string>();
  }
  if (misses.empty())
    return result_of("upstream.request", true,
                     "all " + std::to_string(entries.size()) + " attempts match the pattern", location);
  return result_of("upstream.request", false, "what went upstream is not what the step expects:" + misses,
                   location);
}

}  // namespace gatecheck::runner
