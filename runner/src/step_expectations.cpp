#include "step_expectations.hpp"

#include <algorithm>
#include <stdexcept>

#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/json_path.hpp>
#include <gatecheck/runner/checks.hpp>

#include "check_evaluation.hpp"
#include "claimed_expectations.hpp"
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

  // An assertion whose premise the target could not meet: recorded as not judged, which skips the step.
  void not_judged(const std::string& id, const std::string& pointer, std::string why) {
    assertion(id, pointer, true, std::move(why));
    out_.back().applicable = false;
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

// The parameter an expected error names, when the step names one literally (error: {param: temperature}).
std::string expected_param(const Expectations& expect) {
  if (!expect.error) return {};
  for (const auto& [field, expected] : expect.error->fields)
    if (field == "param" && expected.want.is_string()) return expected.want.get<std::string>();
  return {};
}

void expect_status(Recorder& record, const Expectations& expect, const Exchange& ex) {
  const Expected& status = *expect.status;
  const auto outcome = match_status(status.want, ex.response.status);
  std::string message = "status";
  // A refusal answered with a success is the finding itself, named as such (a gateway clamping
  // temperature: 5 to 2 accepts what the API refuses).
  const bool refusal_expected = !match_status(status.want, 200).ok && match_status(status.want, 400).ok;
  if (!outcome.ok && refusal_expected && ex.response.status / 100 == 2) {
    const std::string param = expected_param(expect);
    message = param.empty() ? "the target accepted a request the API refuses"
                            : "the target accepted an out-of-range or invalid value: the API refuses it, "
                              "naming `" +
                                  param + "`";
  }
  record.assertion("expect.status", status.pointer, outcome.ok, message, outcome.expected, outcome.actual);
}

void expect_header(Recorder& record, const PathExpected& header, const Exchange& ex) {
  const auto outcome = match_text(header.want, ex.response.headers.get(header.path));
  record.assertion("expect.header", header.pointer, outcome.ok, "header " + header.path, outcome.expected,
                   outcome.actual);
}

void expect_body(Recorder& record, const Expected& body, const Exchange& ex) {
  const auto outcome = match_text(body.want, ex.response.body);
  record.assertion("expect.body", body.pointer, outcome.ok, "body", outcome.expected, outcome.actual);
}

void expect_paths(Recorder& record, const char* id, const std::vector<PathExpected>& paths, const json& view,
                  const std::string& who) {
  for (const auto& entry : paths)
    match_path(record, id, entry.pointer, entry.path, entry.want, view, who);
}

void expect_error(Recorder& record, const ErrorExpected& want, const Exchange& ex) {
  if (want.status) {
    const json status = ex.response.status;
    const auto outcome = match_value(want.status->want, &status);
    record.assertion("expect.error", want.status->pointer, outcome.ok, "error status", outcome.expected,
                     outcome.actual);
  }
  const json* error = ex.body_json && ex.body_json->is_object() && ex.body_json->contains("error")
                          ? &(*ex.body_json)["error"]
                          : nullptr;
  // Without an error object there is nothing to compare: error.envelope reports that, once.
  if (error == nullptr || !error->is_object()) return;
  for (const auto& [field, expected] : want.fields) {
    const json* got = error->contains(field) ? &(*error)[field] : nullptr;
    const auto outcome = match_value(expected.want, got);
    record.assertion("expect.error", expected.pointer, outcome.ok, "error." + field, outcome.expected,
                     outcome.actual);
  }
}

// The JSON body against a schema, or the finding that there is no JSON body to hold against it.
void validate_body(Recorder& record, const std::string& pointer, const schema::CompiledSchema& schema,
                   const Exchange& ex) {
  if (ex.body_json.has_value() && ex.events.empty())
    return validate(record, pointer, schema, *ex.body_json, "the body");
  record.assertion("expect.schema", pointer, false, "the body is not JSON", "JSON", "not JSON");
}

void expect_schema(Recorder& record, const std::string& reference, const Exchange& ex,
                   const StepContext& context) {
  try {
    validate_body(record, "/schema", context.env.schemas.schema(reference), ex);
  } catch (const std::exception& e) {
    record.assertion("expect.schema", "/schema", false, e.what());
  }
}

void expect_operation(Recorder& record, const std::string& operation, const Exchange& ex,
                      const StepContext& context) {
  const auto& response = ex.response;
  try {
    const auto type = response.headers.get("content-type");
    const auto schema = context.env.schemas.response_schema(operation, response.status,
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

void expect_sse(Recorder& record, const SseExpected& want, const Exchange& ex, const StepContext& context) {
  if (want.schema) expect_chunk_schema(record, *want.schema, ex, context);
  if (want.min_events) {
    record.assertion("expect.sse", "/sse/min_events", ex.events.size() >= *want.min_events,
                     "events in the stream", ">= " + std::to_string(*want.min_events),
                     std::to_string(ex.events.size()));
  }
}

void expect_within(Recorder& record, double limit, const Exchange& ex) {
  const auto& timings = ex.response.timings;
  const double took = std::chrono::duration<double, std::milli>(timings.finished - timings.started).count();
  record.assertion("expect.duration", "/within_ms", took <= limit, "response time",
                   "<= " + std::to_string(static_cast<long>(limit)) + " ms",
                   std::to_string(static_cast<long>(took)) + " ms");
}

// Everything held against one response, in report order.
void expect_one(Recorder& record, const Expectations& expect, const Exchange& ex,
                const StepContext& context) {
  if (expect.status) expect_status(record, expect, ex);
  for (const auto& header : expect.headers)
    expect_header(record, header, ex);
  if (expect.body) expect_body(record, *expect.body, ex);
  if (!expect.json.empty())
    expect_paths(record, "expect.json", expect.json, ex.message_view(),
                 ex.events.empty() ? "body" : "assembled message");
  if (!expect.events.empty())
    expect_paths(record, "expect.events", expect.events, ex.events_view(), "events");
  if (expect.error) expect_error(record, *expect.error, ex);
  if (expect.schema) expect_schema(record, *expect.schema, ex, context);
  if (expect.operation) expect_operation(record, *expect.operation, ex, context);
  if (expect.sse) expect_sse(record, *expect.sse, ex, context);
  if (expect.within_ms) expect_within(record, *expect.within_ms, ex);
}

// In a burst, status and matchers apply to the answers that were not rate limited; one result per assertion:
// the first response that fails, or else the last one.
void expect_burst(Recorder& record, const Expectations& expect, const std::vector<const Exchange*>& exchanges,
                  const StepContext& context, std::vector<CheckResult>& out) {
  std::vector<CheckResult> kept;
  for (const Exchange* ex : exchanges) {
    if (ex->response.status == 429) continue;
    std::vector<CheckResult> results;
    Recorder one(context, results);
    expect_one(one, expect, *ex, context);
    const bool failed =
        std::any_of(results.begin(), results.end(), [](const CheckResult& r) { return !r.passed; });
    kept = std::move(results);
    if (failed) break;
  }
  out.insert(out.end(), kept.begin(), kept.end());
  const auto got_429 = [](const Exchange* e) { return e->response.status == 429; };
  if (std::all_of(exchanges.begin(), exchanges.end(), got_429) && expect.judges_responses()) {
    // Every answer was a 429: the step's expectations had nothing to hold against, which is itself a failure.
    record.assertion("expect.status", "", false, "every answer of the burst was a 429; nothing else to judge",
                     "answers other than 429", "only 429s");
  }
  if (!expect.expect_429) return;
  const bool got = std::any_of(exchanges.begin(), exchanges.end(), got_429);
  if (!got && !context.burst_capped.empty())
    return record.not_judged("expect.ratelimit", "/ratelimit/expect_429", context.burst_capped);
  record.assertion("expect.ratelimit", "/ratelimit/expect_429", got,
                   got ? "the burst met a 429"
                       : "the burst of " + std::to_string(exchanges.size()) + " requests never met a 429",
                   "a 429", got ? "a 429" : "none");
}

// A response that did not arrive whole, or a redirect or interim answer (unless the step asked for that
// status), cannot be judged: that is the only finding. False when it was one.
bool judgeable(Recorder& record, const Expectations& expect, const std::vector<const Exchange*>& exchanges,
               const CheckContext& checks) {
  const bool asked = exchanges.size() == 1 && expect.status &&
                     match_status(expect.status->want, exchanges.front()->response.status).ok;
  const auto found = unanswered(checks, asked);
  if (found) record.verdict(*found->first, found->second);
  return !found;
}

// The mock names the x-gatecheck-* controls it honoured in its answer's x-gatecheck-honoured header. A check
// that judges what a control injects has nothing to judge when the control never reached the mock (a gateway
// dropped it): that is said, never passed.
struct ControlDependency {
  std::string_view control;  // without the x-gatecheck- prefix
  std::string_view check;
};
constexpr ControlDependency kControlDependencies[] = {
    {"stream-error-after", "error.structured-in-stream"},
    {"fault", "*"},
};

// What the answer says of the controls its request sent, read once per step: the controls that did not reach
// the mock, and whether the answer carried its report at all (a gateway may drop it).
struct ControlReport {
  std::vector<std::string_view> unreached;  // names from kControlDependencies
  bool reported = true;
};

ControlReport read_control_report(const std::vector<const Exchange*>& exchanges) {
  ControlReport report;
  if (exchanges.size() != 1) return report;
  const Exchange& ex = *exchanges.front();
  const auto listed = ex.response.headers.get("x-gatecheck-honoured");
  report.reported = listed.has_value();
  std::vector<std::string> honoured;  // "stream-error-after=3, itl-ms=20": the names before each '='
  for (std::string_view rest = listed.value_or(""); !rest.empty();) {
    std::string_view item = rest.substr(0, rest.find(','));
    rest.remove_prefix(std::min(rest.size(), item.size() + 1));
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
      item.remove_prefix(1);
    honoured.push_back(core::to_lower(item.substr(0, item.find('='))));
  }
  for (const auto& dependency : kControlDependencies) {
    const bool sent = ex.request.headers.contains("x-gatecheck-" + std::string(dependency.control));
    if (sent && std::find(honoured.begin(), honoured.end(), dependency.control) == honoured.end())
      report.unreached.push_back(dependency.control);
  }
  return report;
}

std::optional<Verdict> unreached_control(const CheckInfo& check, const ControlReport& report) {
  for (const auto& [control, dependent] : kControlDependencies) {
    if ((dependent != "*" && dependent != check.id) ||
        std::find(report.unreached.begin(), report.unreached.end(), control) == report.unreached.end())
      continue;
    const std::string header = "x-gatecheck-" + std::string(control);
    // Without the answer's report at all, the control may have arrived and the gateway dropped the report.
    return Verdict::not_applicable(
        report.reported
            ? "the " + header +
                  " control did not reach the mock (its answer does not list it in "
                  "x-gatecheck-honoured): nothing was injected"
            : "the answer carries no x-gatecheck-honoured: the " + header +
                  " control did not reach the mock, or what it honoured did not come back; nothing "
                  "injected can be judged");
  }
  return std::nullopt;
}

// What an assertion follows from: a wrong status makes every statement about the body moot (a 500 has no
// choices); statements about events follow the stream being one; statements about what a Responses stream
// assembles to follow its terminal event, which carries the Response.
// (A burst's expect_429 stands on its own: one 500 among its answers says nothing about the limit.)
std::vector<std::string_view> assertion_follows(std::string_view id) {
  if (id == "expect.sse" || id == "expect.events") return {"sse.content-type"};
  if (id == "expect.status" || id == "expect.duration" || id == "expect.ratelimit") return {};
  if (id == "expect.json") return {"expect.status", "responses.terminal-event"};
  // gatecheck check's schema check: a body that is no envelope, or a stream that is no stream, breaks it too.
  if (id == "schema.response")
    return {"error.envelope", "sse.content-type", "error.http-status-before-stream",
            "http.complete-response"};
  return id.starts_with("expect.") ? std::vector<std::string_view>{"expect.status"}
                                   : std::vector<std::string_view>{};
}

// Whether a root's failure explains what follows it: a stream check's failure follows a wrong content type
// only when nothing arrived as events at all (a JSON body where a stream was asked for); a stream merely
// mislabelled is judged on its own.
bool explains(std::string_view root, const std::vector<const Exchange*>& exchanges) {
  if (root != "sse.content-type") return true;
  return std::all_of(exchanges.begin(), exchanges.end(),
                     [](const Exchange* ex) { return ex->events.empty(); });
}

}  // namespace

// A failure that follows from another failure of the same step is marked caused by it: one root cause, one
// finding. Catalog checks name what they follow in the registry, assertions in assertion_follows; a SHOULD
// root never uncounts a MUST failure.
void mark_consequences(std::vector<CheckResult>& results, std::size_t first,
                       const std::vector<const Exchange*>& exchanges) {
  const auto root = [&](std::string_view id, Severity severity) {
    return std::any_of(results.begin() + static_cast<std::ptrdiff_t>(first), results.end(),
                       [&](const CheckResult& r) {
                         return r.id == id && r.is_finding() &&
                                (r.severity == Severity::must || severity == Severity::should);
                       });
  };
  for (auto it = results.begin() + static_cast<std::ptrdiff_t>(first); it != results.end(); ++it) {
    if (it->passed) continue;
    const CheckInfo* info = find_check(it->id);
    const auto roots =
        info != nullptr ? std::vector<std::string_view>{info->follows} : assertion_follows(it->id);
    for (const std::string_view follows : roots) {
      if (!follows.empty() && follows != it->id && root(follows, it->severity) &&
          explains(follows, exchanges)) {
        it->caused_by = std::string(follows);
        break;
      }
    }
  }
}

void evaluate_expectations(const Expectations& written, const std::vector<const Exchange*>& exchanges,
                           const StepContext& context, std::vector<CheckResult>& out) {
  std::vector<std::string> ignored;
  const Expectations expect = exchanges.empty()
                                  ? written
                                  : as_claimed(written, context.env.profile, *exchanges.front(),
                                               context.notes != nullptr ? *context.notes : ignored);
  const std::size_t first = out.size();
  Recorder record(context, out);
  CheckContext checks{exchanges, context.env.profile, std::nullopt, context.twin, nullptr};
  if (!judgeable(record, expect, exchanges, checks)) return;
  if (context.step.kind == StepKind::burst) {
    expect_burst(record, expect, exchanges, context, out);
  } else {
    expect_one(record, expect, *exchanges.front(), context);
  }
  if (expect.sse) checks.first_event_within_ms = expect.sse->first_event_within_ms;
  const ControlReport controls = read_control_report(exchanges);
  for (const CheckInfo* check : expect.checks) {
    Verdict verdict = evaluate_check(*check, checks);
    if (verdict.kind != Verdict::Kind::fail)
      if (auto unreached = unreached_control(*check, controls)) verdict = std::move(*unreached);
    record.verdict(*check, verdict);
  }
  mark_consequences(out, first, exchanges);
}

}  // namespace gatecheck::runner
