// What a run found, as plain values: the reports library renders it (console, JUnit, JSON, HTML) and the JSON
// form reads back (`gatecheck report`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/runner/checks.hpp>

namespace gatecheck::runner {

enum class Outcome { passed, failed, skipped };
std::string_view to_string(Outcome outcome);

// One evaluated rule: a catalog check ("sse.done-sentinel") or a suite assertion ("expect.status").
struct CheckResult {
  std::string id;
  Severity severity = Severity::must;  // assertions are MUST
  bool passed = true;
  bool applicable = true;  // false: the rule had nothing to judge here (passed stays true)
  std::string message;     // why it failed (or what it saw, when it passed)
  std::string expected;
  std::string actual;
  std::string location;  // file:line of the suite text that asked for it
  // The failed check of the same step this failure follows from: shown, but not counted as a finding.
  std::string caused_by;

  bool is_finding() const { return !passed && caused_by.empty(); }
  // A finding that fails a run failing on `fail_on` (--fail-on): the one rule every outcome and total uses.
  bool fails(Severity fail_on) const { return is_finding() && fails_run(severity, fail_on); }
};

struct StepResult {
  std::string name;
  std::string location;
  Outcome outcome = Outcome::passed;
  std::string skip_reason;  // skipped: what could not be judged, and why
  std::vector<CheckResult> checks;
  std::string request_excerpt;  // redacted
  std::string response_excerpt;
  double duration_ms = 0;
  double network_ms = 0;  // time spent waiting on the target
  int requests = 0;       // HTTP exchanges the step made (bursts, twins and retries included)
  int retries = 0;        // re-sent after a 429
  std::vector<std::string> notes;
};

struct ScenarioResult {
  std::string name;
  std::string location;
  std::vector<std::string> tags;
  Outcome outcome = Outcome::passed;
  std::string skip_reason;
  std::vector<StepResult> steps;
  double duration_ms = 0;
};

struct SuiteResult {
  std::string name;
  std::string file;
  std::string description;
  std::vector<ScenarioResult> scenarios;
};

struct Totals {
  std::size_t scenarios = 0, passed = 0, failed = 0, skipped = 0;
  // checks_failed: findings that fail the run (at its --fail-on level); warnings: the other findings (SHOULD
  // under --fail-on must). A failure caused by another is neither.
  std::size_t checks = 0, checks_failed = 0, warnings = 0, retries = 0, requests = 0;
};

struct RunReport {
  std::string tool_version;
  std::string target;  // base URL ("embedded mock" runs name the loopback URL)
  bool embedded_mock = false;
  std::string profile;
  std::string started_at;  // RFC 3339
  double duration_ms = 0;
  double network_ms = 0;
  Severity fail_on = Severity::must;  // --fail-on
  std::vector<SuiteResult> suites;
  std::string incomplete;  // why the run stopped early (the run deadline); empty when everything ran
  int shards = 1;          // reports merged into this one (gatecheck report A.json B.json)
  // This report is slice shard_index of shard_count (--shard I/N); 0 of 0: the whole selection.
  unsigned shard_index = 0, shard_count = 0;

  Totals totals() const;
  // Whether this finding fails the run (its severity at the run's --fail-on level).
  bool fails(const CheckResult& check) const;
  // A failing MUST check fails the run; a failing SHOULD check only with fail_on == "should". A run cut short
  // by its deadline does not pass: what was not judged cannot be called conformant.
  bool passed() const;
};

// "suite / scenario": the title --grep matches, --shard hashes and every rendering shows.
std::string scenario_title(std::string_view suite, std::string_view scenario);

nlohmann::json to_json(const RunReport& report);
// Throws std::runtime_error naming what is missing when the JSON is not a gatecheck report.
RunReport report_from_json(const nlohmann::json& json);

}  // namespace gatecheck::runner
