#include <algorithm>
#include <stdexcept>

#include <gatecheck/runner/report.hpp>

namespace gatecheck::runner {

using nlohmann::json;

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::passed:
      return "passed";
    case Outcome::failed:
      return "failed";
    case Outcome::skipped:
      return "skipped";
  }
  return "failed";
}

namespace {

Outcome outcome_from(const std::string& text) {
  if (text == "passed") return Outcome::passed;
  if (text == "skipped") return Outcome::skipped;
  if (text == "failed") return Outcome::failed;
  throw std::runtime_error("unknown outcome '" + text + "'");
}

template <typename T>
T field(const json& object, const char* name, const char* where) {
  if (!object.is_object() || !object.contains(name))
    throw std::runtime_error(std::string("not a gatecheck report: ") + where + " has no '" + name + "'");
  return object[name].get<T>();
}

}  // namespace

Totals RunReport::totals() const {
  Totals totals;
  for (const auto& suite : suites) {
    for (const auto& scenario : suite.scenarios) {
      ++totals.scenarios;
      if (scenario.outcome == Outcome::passed) ++totals.passed;
      if (scenario.outcome == Outcome::failed) ++totals.failed;
      if (scenario.outcome == Outcome::skipped) ++totals.skipped;
      for (const auto& step : scenario.steps) {
        totals.retries += static_cast<std::size_t>(step.retries);
        totals.requests += static_cast<std::size_t>(step.requests);
        for (const auto& check : step.checks) {
          ++totals.checks;
          if (!check.is_finding()) continue;
          ++(fails(check) ? totals.checks_failed : totals.warnings);
        }
      }
    }
  }
  return totals;
}

std::string scenario_title(std::string_view suite, std::string_view scenario) {
  return std::string(suite) + " / " + std::string(scenario);
}

bool RunReport::fails(const CheckResult& check) const {
  return check.fails(fail_on);
}

bool RunReport::passed() const {
  return totals().failed == 0 && incomplete.empty();
}

json to_json(const RunReport& report) {
  const Totals totals = report.totals();
  json suites = json::array();
  for (const auto& suite : report.suites) {
    json scenarios = json::array();
    for (const auto& scenario : suite.scenarios) {
      json steps = json::array();
      for (const auto& step : scenario.steps) {
        json checks = json::array();
        for (const auto& check : step.checks) {
          json c = {{"id", check.id},
                    {"severity", to_string(check.severity)},
                    {"outcome", !check.passed      ? "failed"
                                : check.applicable ? "passed"
                                                   : "not_applicable"},
                    {"location", check.location}};
          if (!check.message.empty()) c["message"] = check.message;
          if (!check.expected.empty()) c["expected"] = check.expected;
          if (!check.actual.empty()) c["actual"] = check.actual;
          if (!check.caused_by.empty()) c["caused_by"] = check.caused_by;
          checks.push_back(std::move(c));
        }
        json s = {{"name", step.name},
                  {"location", step.location},
                  {"outcome", to_string(step.outcome)},
                  {"duration_ms", step.duration_ms},
                  {"network_ms", step.network_ms},
                  {"requests", step.requests},
                  {"retries", step.retries},
                  {"notes", step.notes},
                  {"checks", std::move(checks)}};
        if (!step.skip_reason.empty()) s["skip_reason"] = step.skip_reason;
        if (!step.request_excerpt.empty()) s["request"] = step.request_excerpt;
        if (!step.response_excerpt.empty()) s["response"] = step.response_excerpt;
        steps.push_back(std::move(s));
      }
      json s = {{"name", scenario.name},
                {"location", scenario.location},
                {"tags", scenario.tags},
                {"outcome", to_string(scenario.outcome)},
                {"duration_ms", scenario.duration_ms},
                {"steps", std::move(steps)}};
      if (!scenario.skip_reason.empty()) s["skip_reason"] = scenario.skip_reason;
      scenarios.push_back(std::move(s));
    }
    suites.push_back({{"name", suite.name},
                      {"file", suite.file},
                      {"description", suite.description},
                      {"scenarios", std::move(scenarios)}});
  }
  json out = {{"format", "gatecheck-report/1"},
              {"tool_version", report.tool_version},
              {"target", report.target},
              {"embedded_mock", report.embedded_mock},
              {"profile", report.profile},
              {"started_at", report.started_at},
              {"duration_ms", report.duration_ms},
              {"network_ms", report.network_ms},
              {"fail_on", report.fail_on == Severity::must ? "must" : "should"},
              {"passed", report.passed()},
              {"totals",
               {{"scenarios", totals.scenarios},
                {"passed", totals.passed},
                {"failed", totals.failed},
                {"skipped", totals.skipped},
                {"checks", totals.checks},
                {"checks_failed", totals.checks_failed},
                {"warnings", totals.warnings},
                {"retries", totals.retries},
                {"requests", totals.requests}}},
              {"suites", std::move(suites)}};
  if (!report.incomplete.empty()) out["incomplete"] = report.incomplete;
  if (report.shards > 1) out["shards"] = report.shards;
  if (report.shard_count > 1) out["shard"] = {{"index", report.shard_index}, {"count", report.shard_count}};
  return out;
}

RunReport report_from_json(const json& j) {
  if (!j.is_object() || j.value("format", "") != "gatecheck-report/1")
    throw std::runtime_error("not a gatecheck report (format is not gatecheck-report/1)");
  RunReport report;
  report.tool_version = j.value("tool_version", "");
  report.target = field<std::string>(j, "target", "the report");
  report.embedded_mock = j.value("embedded_mock", false);
  report.profile = j.value("profile", "");
  report.started_at = j.value("started_at", "");
  report.duration_ms = j.value("duration_ms", 0.0);
  report.network_ms = j.value("network_ms", 0.0);
  report.fail_on = parse_severity(j.value("fail_on", "must")).value_or(Severity::must);
  report.incomplete = j.value("incomplete", "");
  report.shards = std::max(1, j.value("shards", 1));
  if (j.contains("shard")) {
    report.shard_index = field<unsigned>(j["shard"], "index", "the shard");
    report.shard_count = field<unsigned>(j["shard"], "count", "the shard");
  }
  for (const auto& s : field<json>(j, "suites", "the report")) {
    SuiteResult suite;
    suite.name = field<std::string>(s, "name", "a suite");
    suite.file = s.value("file", "");
    suite.description = s.value("description", "");
    for (const auto& c : field<json>(s, "scenarios", "a suite")) {
      ScenarioResult scenario;
      scenario.name = field<std::string>(c, "name", "a scenario");
      scenario.location = c.value("location", "");
      scenario.tags = c.value("tags", std::vector<std::string>{});
      scenario.outcome = outcome_from(field<std::string>(c, "outcome", "a scenario"));
      scenario.skip_reason = c.value("skip_reason", "");
      scenario.duration_ms = c.value("duration_ms", 0.0);
      for (const auto& t : c.value("steps", json::array())) {
        StepResult step;
        step.name = field<std::string>(t, "name", "a step");
        step.location = t.value("location", "");
        step.outcome = outcome_from(field<std::string>(t, "outcome", "a step"));
        step.duration_ms = t.value("duration_ms", 0.0);
        step.network_ms = t.value("network_ms", 0.0);
        step.retries = t.value("retries", 0);
        step.requests = t.value("requests", 0);
        step.notes = t.value("notes", std::vector<std::string>{});
        step.skip_reason = t.value("skip_reason", "");
        step.request_excerpt = t.value("request", "");
        step.response_excerpt = t.value("response", "");
        for (const auto& k : t.value("checks", json::array())) {
          CheckResult check;
          check.id = field<std::string>(k, "id", "a check");
          check.severity = parse_severity(k.value("severity", "MUST")).value_or(Severity::must);
          const std::string outcome = field<std::string>(k, "outcome", "a check");
          check.passed = outcome != "failed";
          check.applicable = outcome != "not_applicable";
          check.message = k.value("message", "");
          check.expected = k.value("expected", "");
          check.actual = k.value("actual", "");
          check.location = k.value("location", "");
          check.caused_by = k.value("caused_by", "");
          step.checks.push_back(std::move(check));
        }
        scenario.steps.push_back(std::move(step));
      }
      suite.scenarios.push_back(std::move(scenario));
    }
    report.suites.push_back(std::move(suite));
  }
  return report;
}

}  // namespace gatecheck::runner
