#include "step_expectations.hpp"

#include <algorithm>
#include <stdexcept>

#include <gatecheck/core/json_path.hpp>
#include <gatecheck/runner/checks.hpp>

#include "check_evaluation.hpp"
#include "matcher.hpp"

namespace gatecheck::runner {
namespace {

using nlohmann::json;

class Recorder {
 public:
  Recorder(const StepContext& context, std::vector<CheckResult>& out) : context_(context), out_(out) {}

  void assertion(const std::string& id, const std::string& pointer, bool passed, std::string message,
                 std::string expected = {}, std::string actual = {}) {
    CheckResult result;
    result.id = id;
    result.severity = Severity::must;
    result.passed = passed;
    result.message = std::move(message);
    result.expected = std::move(expected);
    result.actual = std::move(actual);
    result.location = context_.suite.describe(context_.step.pointer + "/expect" + pointer);
    out_.push_back(std::move(result));
  }

  void verdict(const CheckInfo& check, const Verdict& verdict) {
    out_.push_back(check_result(check.id, check.severity, verdict,
                                context_.suite.describe(context_.step.pointer + "/expect")));
  }

 private:
  const StepContext& context_;
  std::vector<CheckResult>& out_;
};

// Every node the path selects must satisfy the expectation; a path that selects nothing is "absent".
void match_path(Recorder& record, const std::string& id, const std::string& pointer, const std::string& path,
                const json& expectation, const json& root, const std::string& who) {
  const auto compiled = core::JsonPath::parse(path);
  const auto matches = compiled.evaluate(root);
  if (matches.empty()) {
    const auto outcome = match_value(expectation, nullptr);
    record.assertion(id, pointer, outcome.ok, who + " " + path + (outcome.ok ? "" : ": nothing there"),
                     outcome.expected, outcome.actual);
    return;
  }
  for (const auto& match : matches) {
    const auto outcome = match_value(expectation, match.value);
    if (!outcome.ok || &match == &matches.back()) {
      const std::string where =
          compiled.is_singular() ? path : core::json_path_from_pointer(match.pointer, &root);
      record.assertion(id, pointer, outcome.ok, who + " " + where, outcome.expected, outcome.actual);
      if (!outcome.ok) return;
    }
  }
}

void validate(Recorder& record, const std::string& pointer, const schema::CompiledSchema& schema,
              const json& instance, const std::string& what) {
  const auto result = schema.validate(instance);
  if (result.valid) {
    record.assertion("expect.schema", pointer, true, what + " is valid against " + schema.uri());
    return;
  }
  std::string message = what + " breaks " + schema.uri() + ": " + result.errors.front().describe();
  if (result.errors.size() > 1) message += " (and " + std::to_string(result.errors.size() - 1) + " more)";
  record.assertion("expect.schema", pointer, false, message, "valid",
                   result.errors.front().instance_location);
}

void expect_status(Recorder& record, const json& want, const Exchange& ex, const StepContext&) {
  const auto outcome = match_status(want, ex.response.status);
  record.assertion("expect.status", "/status", outcome.ok, "status", outcome.expected, outcome.actual);
}

void expect_headers(Recorder& record, const json& want, const Exchange& ex, const StepContext&) {
  for (const auto& [name, expected] : want.items()) {
    const auto outcome = match_text(expected, ex.response.headers.get(name));
    record.assertion("expect.header", "/headers/" + core::json_pointer_escape(name), outcome.ok,
                     "header " + name, outcome.expected, outcome.actual);
  }
}

void expect_body(Recorder& record, const json& want, const Exchange& ex, const StepContext&) {
  const auto outcome = match_text(want, ex.response.body);
  record.assertion("expect.body", "/body", outcome.ok, "body", outcome.expected, outcome.actual);
}

void expect_json(Recorder& record, const json& want, const Exchange& ex, const StepContext&) {
  const json view = ex.message_view();
  for (const auto& [path, expected] : want.items())
    match_path(record, "expect.json", "/json/" + core::json_pointer_escape(path), path, expected, view,
               ex.events.empty() ? "body" : "assembled message");
}

void expect_events(Recorder& record, const json& want, const Exchange& ex, const StepContext&) {
  const json view = ex.events_view();
  for (const auto& [path, expected] : want.items())
    match_path(record, "expect.events", "/events/" + core::json_pointer_escape(path), path, expected, view,
               "events");
}

void expect_error(Recorder& record, const json& want, const Exchange& ex, const StepContext&) {
  if (want.contains("status")) {
    const json status = ex.response.status;
    const auto outcome = match_value(want["status"], &status);
    record.assertion("expect.error", "/error/status", outcome.ok, "error status", outcome.expected,
                     outcome.actual);
  }
  const json* error = ex.body_json && ex.body_json->is_object() && ex.body_json->contains("error")
                          ? &(*ex.body_json)["error"]
                          : nullptr;
  // Without an error object there is nothing to compare: error.envelope reports that, once.
  if (error == nullptr || !error->is_object()) return;
  for (const char* field : {"type", "code", "param", "message"}) {
    if (!want.contains(field)) continue;
    const json* got = error->contains(field) ? &(*error)[field] : nullptr;
    const auto outcome = match_value(want[field], got);
    record.assertion("expect.error", std::string("/error/") + field, outcome.ok,
                     std::string("error.") + field, outcome.expected, outcome.actual);
  }
}

// The JSON body against a schema, or the finding that there is no JSON body to hold against it.
void validate_body(Recorder& record, const std::string& pointer, const schema::CompiledSchema& schema,
                   const Exchange& ex) {
  if (ex.body_json.has_value() && ex.events.empty())
    return validate(record, pointer, schema, *ex.body_json, "the body");
  record.assertion("expect.schema", pointer, false, "the body is not JSON", "JSON", "not JSON");
}

void expect_schema(Recorder& record, const json& want, const Exchange& ex, const StepContext& context) {
  try {
    validate_body(record, "/schema", context.env.schemas.schema(want.get<std::string>()), ex);
  } catch (const std::exception& e) {
    record.assertion("expect.schema", "/schema", false, e.what());
  }
}

void expect_operation(Recorder& record, const json& want, const Exchange& ex, const StepContext& context) {
  const auto& response = ex.response;
  try {
    const auto type = response.headers.get("content-type");
    const auto schema = context.env.schemas.response_schema(want.get<std::string>(), response.status,
                                                            type ? media_type(*type) : "application/json");
    if (schema) return validate_body(record, "/operation", *schema, ex);
    record.assertion("expect.schema", "/operation", false,
                     "the operation declares no response for status " + std::to_string(response.status));
  } catch (const std::exception& e) {
    record.assertion("expect.schema", "/operation", false, e.what());
  }
}

void expect_chunk_schema(Recorder& record, const std::string& reference, const Exchange& ex,
                         const StepContext& context) {
  try {
    const auto schema = context.env.schemas.schema(reference);
    std::size_t checked = 0;
    for (std::size_t i = 0; i < ex.events.size(); ++i) {
      const auto& parsed = ex.event_json[i];
      if (!parsed || !parsed->is_object() || parsed->contains("error")) continue;  // others: sse.json-chunks
      ++checked;
      if (!schema.validate(*parsed).valid)
        return validate(record, "/sse/schema", schema, *parsed, "event " + std::to_string(i));
    }
    record.assertion("expect.schema", "/sse/schema", true, std::to_string(checked) + " chunks valid");
  } catch (const std::exception& e) {
    record.assertion("expect.schema", "/sse/schema", false, e.what());
  }
}

void expect_sse(Recorder& record, const json& want, const Exchange& ex, const StepContext& context) {
  if (want.contains("schema")) expect_chunk_schema(record, want["schema"].get<std::string>(), ex, context);
  if (want.contains("min_events")) {
    const auto minimum = want["min_events"].get<std::size_t>();
    record.assertion("expect.sse", "/sse/min_events", ex.events.size() >= minimum, "events in the stream",
                     ">= " + std::to_string(minimum), std::to_string(ex.events.size()));
  }
}

void expect_within(Recorder& record, const json& want, const Exchange& ex, const StepContext&) {
  const auto& timings = ex.response.timings;
  const double took = std::chrono::duration<double, std::milli>(timings.finished - timings.started).count();
  const auto limit = want.get<double>();
  record.assertion("expect.duration", "/within_ms", took <= limit, "response time",
                   "<= " + std::to_string(static_cast<long>(limit)) + " ms",
                   std::to_string(static_cast<long>(took)) + " ms");
}

// The `expect:` keys judged on one response, in report order: a key and its judge.
using Expectation = void (*)(Recorder&, const json& want, const Exchange&, const StepContext&);
constexpr std::pair<std::string_view, Expectation> kExpectations[] = {
    {"status", &expect_status},   {"headers", &expect_headers},     {"body", &expect_body},
    {"json", &expect_json},       {"events", &expect_events},       {"error", &expect_error},
    {"schema", &expect_schema},   {"operation", &expect_operation}, {"sse", &expect_sse},
    {"within_ms", &expect_within}};

void expect_one(Recorder& record, const json& expect, const Exchange& ex, const StepContext& context) {
  for (const auto& [key, judge] : kExpectations) {
    const auto it = expect.find(key);
    if (it != expect.end()) judge(record, *it, ex, context);
  }
}

// The step names this status itself (a test of redirects, say).
bool status_expected(const json& expect, int status) {
  return expect.is_object() && expect.contains("status") && match_status(expect["status"], status).ok;
}

}  // namespace

void evaluate_expectations(const json& expect, const std::vector<const Exchange*>& exchanges,
                           const StepContext& context, std::vector<CheckResult>& out) {
  Recorder record(context, out);
  CheckContext checks{exchanges, context.env.profile, std::nullopt, context.twin, nullptr};

  // A response that did not arrive whole cannot be judged: that is the only finding.
  const CheckInfo& complete_check = *find_check("http.complete-response");
  const Verdict complete = evaluate_check(complete_check, checks);
  if (complete.kind == Verdict::Kind::fail) {
    record.verdict(complete_check, complete);
    return;
  }

  // A redirect or an interim answer is not an answer: the only finding, unless the step asked for that
  // status.
  const bool asked = exchanges.size() == 1 && status_expected(expect, exchanges.front()->response.status);
  if (!asked) {
    const CheckInfo& final_check = *find_check("http.final-status");
    const Verdict final_status = evaluate_check(final_check, checks);
    if (final_status.kind == Verdict::Kind::fail) {
      record.verdict(final_check, final_status);
      return;
    }
  }

  const bool burst = context.step.kind == StepKind::burst;
  const bool expect_429 = expect.contains("ratelimit") && expect["ratelimit"].value("expect_429", false);
  if (burst) {
    // In a burst, status and matchers apply to the answers that were not rate limited; one result per
    // assertion: the first response that fails, or else the last one.
    json per_response = expect;
    per_response.erase("checks");
    per_response.erase("ratelimit");
    std::vector<CheckResult> kept;
    for (const Exchange* ex : exchanges) {
      if (ex->response.status == 429) continue;
      std::vector<CheckResult> results;
      Recorder one(context, results);
      expect_one(one, per_response, *ex, context);
      const bool failed =
          std::any_of(results.begin(), results.end(), [](const CheckResult& r) { return !r.passed; });
      kept = std::move(results);
      if (failed) break;
    }
    out.insert(out.end(), kept.begin(), kept.end());
    const bool answered = std::any_of(exchanges.begin(), exchanges.end(),
                                      [](const Exchange* e) { return e->response.status != 429; });
    if (!answered && !per_response.empty()) {
      // Every answer was a 429: the step's expectations had nothing to hold against, which is itself a
      // failure.
      record.assertion("expect.status", "", false,
                       "every answer of the burst was a 429; nothing else to judge", "answers other than 429",
                       "only 429s");
    }
    if (expect_429) {
      const bool got = std::any_of(exchanges.begin(), exchanges.end(),
                                   [](const Exchange* e) { return e->response.status == 429; });
      record.assertion("expect.ratelimit", "/ratelimit/expect_429", got,
                       got ? "the burst met a 429"
                           : "the burst of " + std::to_string(exchanges.size()) + " requests never met a 429",
                       "a 429", got ? "a 429" : "none");
    }
  } else {
    expect_one(record, expect, *exchanges.front(), context);
  }

  if (expect.contains("sse") && expect["sse"].contains("first_event_within_ms"))
    checks.first_event_within_ms = expect["sse"]["first_event_within_ms"].get<int>();
  for (const CheckInfo* check : requested_checks(expect))
    record.verdict(*check, evaluate_check(*check, checks));
}

std::vector<const CheckInfo*> requested_checks(const json& expect) {
  std::vector<std::string> ids;
  if (expect.contains("checks"))
    for (const auto& id : expect["checks"])
      ids.push_back(id.get<std::string>());
  const auto imply = [&](const char* id) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.emplace_back(id);
  };
  if (expect.contains("error")) {
    imply("error.envelope");
    imply("error.status-matches-type");
  }
  if (expect.contains("sse") && expect["sse"].contains("first_event_within_ms")) imply("latency.first-event");
  std::vector<const CheckInfo*> checks;
  for (const auto& id : ids) {
    const CheckInfo* check = find_check(id);
    if (check == nullptr) throw std::invalid_argument("unknown check '" + id + "'");
    checks.push_back(check);
  }
  return checks;
}

}  // namespace gatecheck::runner
