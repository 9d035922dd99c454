// `gatecheck check`: recordings judged by the same registry a run uses, with what a recording cannot show
// (a head a raw capture did not keep, arrival times a HAR has not, a twin nobody recorded) said as skipped.
#include <algorithm>
#include <chrono>
#include <map>
#include <stdexcept>

#include <gatecheck/core/bundled.hpp>
#include <gatecheck/core/document.hpp>
#include <gatecheck/core/duration.hpp>
#include <gatecheck/runner/offline.hpp>

#include "check_evaluation.hpp"
#include "recording.hpp"
#include "schema_book.hpp"
#include "step_expectations.hpp"

namespace gatecheck::runner {
namespace {

using nlohmann::json;

// The id under which a recorded body is held against the OpenAPI description.
constexpr std::string_view kSchemaCheck = "schema.response";

// Checks that read the response's status line or headers: a raw capture without its head cannot show them.
bool reads_head(std::string_view id) {
  return id == "sse.content-type" || id == "http.final-status" || id == "http.allow-on-405" ||
         id == "error.status-matches-type" || id == "error.http-status-before-stream" ||
         id.starts_with("ratelimit.");
}

// The non-streamed answers of a file, by what they were asked: where a streamed request finds its twin.
class Twins {
 public:
  explicit Twins(const std::vector<Exchange>& file) {
    for (const auto& ex : file)
      if (!ex.stream_requested() && ex.response.status / 100 == 2 && !ex.request_json.is_null())
        by_request_.emplace(key(ex), &ex);  // the first recorded answers
  }
  const Exchange* of(const Exchange& ex) const {
    if (!ex.stream_requested()) return nullptr;
    const auto found = by_request_.find(key(ex));
    return found == by_request_.end() ? nullptr : found->second;
  }

 private:
  static std::string key(const Exchange& ex) {
    return ex.request.method + " " + std::to_string(static_cast<int>(ex.api())) + " " +
           unstreamed(ex.request_json).dump(-1, ' ', false, json::error_handler_t::replace);
  }
  std::map<std::string, const Exchange*> by_request_;
};

// The profiles recordings are judged by: the one given, else each recording's own, loaded once.
class Profiles {
 public:
  explicit Profiles(const std::optional<vendor::Profile>& given) : given_(given) {}
  const vendor::Profile& of(const cassette::Recording& recording) {
    if (given_) return *given_;
    const std::string id = recording.profile.empty() ? "openai" : recording.profile;
    auto found = loaded_.find(id);
    if (found != loaded_.end()) return found->second;
    // Only a bundled profile: a name from a recording never opens a file.
    if (!core::bundled_file("schemas/profiles/" + id + ".yaml"))
      throw std::invalid_argument(recording.origin + " was recorded against profile '" + id +
                                  "', which gatecheck does not bundle: name one with --profile");
    return loaded_.emplace(id, vendor::load_profile(id)).first->second;
  }

 private:
  const std::optional<vendor::Profile>& given_;
  std::map<std::string, vendor::Profile> loaded_;
};

struct Judging {
  const OfflineOptions& options;
  Profiles profiles;
  std::optional<SchemaBook> book;  // loaded when schema.response first needs it

  SchemaBook& schemas() {
    if (!book) book.emplace(SchemaBook::description(options.openapi_path));
    return *book;
  }
  std::vector<const CheckInfo*> checks;
  bool schema = true;
  bool named = false;  // --checks: every named check applies, whatever the catalog offers recordings
};

// The recorded answer's schema in the OpenAPI description, or why there is none to hold it against.
std::optional<schema::CompiledSchema> answer_schema(Judging& judging, const cassette::Recording& recording,
                                                    const Exchange& ex, std::string& why) {
  const std::string& path = recording.request.url;
  const auto operation = judging.schemas().operation_for(ex.request.method, path);
  // What the answer is decides its schema: events are a stream's chunks whatever the label says (a wrong
  // label is sse.content-type's finding).
  const auto type = ex.response.headers.get("content-type");
  const std::string media = !ex.events.empty() ? "text/event-stream"
                            : type             ? core::media_type(*type)
                                               : "application/json";
  const bool json_media =
      media == "application/json" || media.ends_with("+json") || media == "text/event-stream";
  if (!operation) {
    why = "the OpenAPI description has no operation for " + ex.request.method + " " + path;
  } else if (!recording.head_known) {
    why = "the capture has no head: its status and content type are unknown";
  } else if (!json_media) {
    why = "a " + media + " answer: its bytes are the media checks' to judge";
  } else if (auto schema = judging.schemas().response_schema(*operation, ex.response.status, media)) {
    return schema;
  } else {
    why = "the operation declares no " + media + " response for status " + std::to_string(ex.response.status);
  }
  return std::nullopt;
}

CheckResult schema_result(Judging& judging, const cassette::Recording& recording, const Exchange& ex) {
  CheckResult result;
  result.id = std::string(kSchemaCheck);
  result.location = recording.origin;
  const auto schema = answer_schema(judging, recording, ex, result.message);
  if (!schema) {
    result.applicable = false;
    return result;
  }
  std::vector<std::pair<std::string, const json*>> instances;
  if (!ex.events.empty()) {
    // An error event is error.structured-in-stream's; the chunk schema describes the answer's events.
    for (std::size_t i = 0; i < ex.events.size(); ++i)
      if (ex.event_json[i] && ex.event_role(i) != EventRole::error)
        instances.emplace_back("event " + std::to_string(i), &*ex.event_json[i]);
  } else if (ex.body_json) {
    instances.emplace_back("the body", &*ex.body_json);
  }
  if (instances.empty()) {
    const bool errors_only =
        !ex.events.empty() && std::any_of(ex.events.begin(), ex.events.end(), [&](const auto& e) {
          return ex.event_role(e.index) == EventRole::error;
        });
    result.applicable = !errors_only;  // a stream of error events only: the error.* checks judge it
    result.passed = errors_only;
    result.message =
        errors_only ? "the stream carries error events only" : "the answer holds no JSON to validate";
    return result;
  }
  for (const auto& [what, instance] : instances) {
    const auto verdict = schema->validate(*instance);
    if (verdict.valid) continue;
    result.passed = false;
    result.message = what + " breaks " + schema->uri() + ": " + verdict.errors.front().describe();
    result.expected = "valid";
    result.actual = verdict.errors.front().describe();
    return result;
  }
  result.message = std::to_string(instances.size()) + (instances.size() == 1 ? " value" : " values") +
                   " valid against " + schema->uri();
  return result;
}

// Whether the catalog gives `check` to a recording of a request to `path` (CheckInfo::offline).
bool offered(const CheckInfo& check, std::string_view path) {
  if (check.offline.empty()) return true;
  if (check.offline == "-") return false;
  path = path.substr(0, path.find('?'));
  for (std::string_view rest = check.offline; !rest.empty();) {
    const std::string_view one = rest.substr(0, rest.find('|'));
    if (path.ends_with(one)) return true;
    rest.remove_prefix(std::min(rest.size(), one.size() + 1));
  }
  return false;
}

// Why a check a recording cannot support was not judged, or empty.
std::string unsupported(const CheckInfo& check, const cassette::Recording& recording, const Exchange& ex,
                        const Exchange* twin) {
  if (!recording.head_known && reads_head(check.id))
    return "the capture has no response head (record it with curl -i to judge it)";
  if (check.needs_twin && twin == nullptr)
    return "no non-streamed answer to the same request was recorded in the same file";
  if (check.id == "sse.incremental" && !ex.timed && ex.is_event_stream())
    return "the recording keeps no arrival times (a HAR file or a raw capture): the pace cannot be judged";
  return {};
}

// Why a recording as a whole cannot be judged, or empty.
std::string unjudgeable(Judging& judging, const cassette::Recording& recording) {
  if (!recording.unjudgeable.empty()) return recording.unjudgeable;
  if (recording.response.truncated)
    return "the recording was cut at its recorder's bound: what is missing cannot be judged";
  if (recording.response.error_kind == "deadline")
    return "the recording run's own deadline cut the answer off: that says nothing about the target";
  // A browser's HAR holds pages, scripts and icons besides API calls: only what the description knows.
  if (recording.format == "har" &&
      !judging.schemas().operation_for(recording.request.method, recording.request.url))
    return "not a request the OpenAPI description knows (" + recording.request.method + " " +
           recording.request.url + ")";
  return {};
}

StepResult judge(Judging& judging, const cassette::Recording& recording, const Exchange& ex,
                 const Exchange* twin) {
  StepResult step;
  step.name = "judge the recorded answer";
  step.location = recording.origin;
  step.requests = 1;
  const std::vector<const Exchange*> views{&ex};
  CheckContext context{views, judging.profiles.of(recording), std::nullopt, twin, nullptr};
  if (const auto found = unanswered(context, !recording.head_known)) {
    step.checks.push_back(
        check_result(found->first->id, found->first->severity, found->second, recording.origin));
  } else {
    for (const CheckInfo* check : judging.checks) {
      if (!judging.named && !offered(*check, recording.request.url)) continue;
      if (const std::string why = unsupported(*check, recording, ex, twin); !why.empty()) {
        step.checks.push_back(
            check_result(check->id, check->severity, Verdict::not_applicable(why), recording.origin));
        continue;
      }
      const Verdict verdict = evaluate_check(*check, context);
      // A check named with --checks says why it had nothing to judge; the rest are left out then.
      if (verdict.kind != Verdict::Kind::not_applicable || judging.named)
        step.checks.push_back(check_result(check->id, check->severity, verdict, recording.origin));
    }
    if (judging.schema) step.checks.push_back(schema_result(judging, recording, ex));
    mark_consequences(step.checks, 0, views);
  }
  const bool failed = std::any_of(step.checks.begin(), step.checks.end(),
                                  [&](const CheckResult& c) { return c.fails(judging.options.fail_on); });
  const bool judged =
      std::any_of(step.checks.begin(), step.checks.end(), [](const CheckResult& c) { return c.applicable; });
  step.outcome = failed ? Outcome::failed : judged ? Outcome::passed : Outcome::skipped;
  if (!judged)
    step.skip_reason = step.checks.empty() ? "no check applies to this answer" : step.checks.front().message;
  return step;
}

ScenarioResult scenario_of(Judging& judging, const cassette::Recording& recording, const Exchange& ex,
                           const Exchange* twin) {
  ScenarioResult scenario;
  scenario.name = recording.request.method + " " + recording.request.url;
  if (!recording.label.empty()) scenario.name = recording.label + " (" + scenario.name + ")";
  scenario.location = recording.origin;
  if (std::string why = unjudgeable(judging, recording); !why.empty()) {
    scenario.outcome = Outcome::skipped;
    scenario.skip_reason = std::move(why);
    return scenario;
  }
  const auto started = std::chrono::steady_clock::now();
  scenario.steps.push_back(judge(judging, recording, ex, twin));
  scenario.outcome = scenario.steps.back().outcome;
  scenario.skip_reason = scenario.steps.back().skip_reason;
  scenario.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return scenario;
}

SuiteResult judge_file(Judging& judging, const std::vector<cassette::Recording>& recordings,
                       const std::vector<std::size_t>& indices, const std::string& file) {
  std::vector<Exchange> exchanges;
  for (const std::size_t i : indices)
    exchanges.push_back(exchange_of(recordings[i]));
  const Twins twins(exchanges);
  SuiteResult suite;
  suite.name = file;
  suite.file = file;
  for (std::size_t k = 0; k < exchanges.size(); ++k)
    suite.scenarios.push_back(
        scenario_of(judging, recordings[indices[k]], exchanges[k], twins.of(exchanges[k])));
  return suite;
}

std::vector<const CheckInfo*> selected_checks(const OfflineOptions& options, bool& schema) {
  std::vector<const CheckInfo*> out;
  schema = options.checks.empty();
  for (const auto& id : options.checks) {
    if (id == kSchemaCheck) {
      schema = true;
      continue;
    }
    const CheckInfo* check = find_check(id);
    if (check == nullptr) throw std::invalid_argument("unknown check '" + id + "' (gatecheck checks list)");
    out.push_back(check);
  }
  if (options.checks.empty())
    for (const auto& check : check_catalog())
      if (check.scope == CheckScope::exchange || check.scope == CheckScope::step) out.push_back(&check);
  return out;
}

}  // namespace

RunReport check_recordings(const std::vector<cassette::Recording>& recordings,
                           const OfflineOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  Judging judging{options, Profiles(options.profile), {}, {}, true};
  judging.checks = selected_checks(options, judging.schema);
  judging.named = !options.checks.empty();
  RunReport report;
  report.tool_version = options.tool_version;
  report.target = options.target;
  report.profile = options.profile ? options.profile->name : "each recording's own";
  report.started_at = core::rfc3339_now();
  report.fail_on = options.fail_on;
  // By file, in the order read: a twin is looked for in the file of its streamed request.
  std::map<std::string, std::vector<std::size_t>> files;
  std::vector<std::string> order;
  for (std::size_t i = 0; i < recordings.size(); ++i) {
    const std::string& file = recordings[i].file.empty() ? recordings[i].origin : recordings[i].file;
    if (!files.contains(file)) order.push_back(file);
    files[file].push_back(i);
  }
  for (const auto& file : order)
    report.suites.push_back(judge_file(judging, recordings, files[file], file));
  const auto totals = report.totals();
  if (totals.passed + totals.failed == 0 && totals.scenarios > 0)
    report.incomplete = "no recording was judged: every one was skipped (see why above)";
  report.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace gatecheck::runner
