// A small report with one of everything a rendering must show: a pass, a MUST failure with its request, a
// SHOULD warning, a check that did not apply and a skipped scenario.
#pragma once

#include <gatecheck/runner/report.hpp>

namespace gatecheck::reports::testing {

inline runner::CheckResult failed_check(const std::string& id, runner::Severity severity,
                                        const std::string& message) {
  runner::CheckResult check;
  check.id = id;
  check.severity = severity;
  check.passed = false;
  check.message = message;
  check.location = "suites/openai/streaming.yaml:12:9";
  return check;
}

inline runner::RunReport sample_report() {
  runner::RunReport report;
  report.target = "http://127.0.0.1:1";
  report.profile = "openai";
  report.started_at = "2026-11-24T10:00:00Z";
  runner::SuiteResult suite;
  suite.name = "streaming";
  suite.file = "suites/openai/streaming.yaml";
  runner::ScenarioResult passed;
  passed.name = "ok <one>";
  passed.location = "suites/openai/streaming.yaml:5:5";
  runner::StepResult judged;
  judged.name = "GET /models";
  runner::CheckResult fine;
  fine.id = "expect.status";
  runner::CheckResult not_applicable;
  not_applicable.id = "error.envelope";
  not_applicable.applicable = false;
  not_applicable.message = "the answer is not an error";
  judged.checks = {fine, not_applicable,
                   failed_check("ratelimit.profile-names", runner::Severity::should, "x-ratelimit-* absent")};
  passed.steps.push_back(judged);
  runner::ScenarioResult failed;
  failed.name = "breaks";
  failed.location = "suites/openai/streaming.yaml:10:5";
  failed.outcome = runner::Outcome::failed;
  runner::StepResult step;
  step.name = "POST /chat/completions";
  step.outcome = runner::Outcome::failed;
  auto done = failed_check("sse.done-sentinel", runner::Severity::must,
                           "the stream ended without data: [DONE] & more");
  done.expected = "data: [DONE]";
  done.actual = "end of stream";
  step.checks.push_back(done);
  step.request_excerpt = "POST http://127.0.0.1:1/v1/chat/completions";
  step.response_excerpt = "HTTP/1.1 200 OK\ncontent-type: text/event-stream";
  failed.steps.push_back(step);
  runner::ScenarioResult skipped;
  skipped.name = "skips";
  skipped.location = "suites/openai/streaming.yaml:20:5";
  skipped.outcome = runner::Outcome::skipped;
  skipped.skip_reason = "the profile does not claim x";
  suite.scenarios = {passed, failed, skipped};
  report.suites.push_back(suite);
  return report;
}

}  // namespace gatecheck::reports::testing
