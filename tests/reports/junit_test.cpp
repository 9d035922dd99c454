// The JUnit rendering: the element and attribute shape CI servers read, escaping, and failure details.
#include <gtest/gtest.h>

#include <gatecheck/reports/reports.hpp>

namespace gatecheck::reports {
namespace {

runner::RunReport sample_report() {
  runner::RunReport report;
  report.target = "http://127.0.0.1:1";
  report.profile = "openai";
  report.started_at = "2026-11-24T10:00:00Z";
  runner::SuiteResult suite;
  suite.name = "streaming";
  suite.file = "suites/openai/streaming.yaml";
  runner::ScenarioResult passed;
  passed.name = "ok <one>";
  runner::ScenarioResult failed;
  failed.name = "breaks";
  failed.outcome = runner::Outcome::failed;
  runner::StepResult step;
  step.name = "POST /chat/completions";
  step.outcome = runner::Outcome::failed;
  runner::CheckResult check;
  check.id = "sse.done-sentinel";
  check.severity = runner::Severity::must;
  check.passed = false;
  check.message = "the stream ended without data: [DONE] & more";
  check.location = "suites/openai/streaming.yaml:12:9";
  step.checks.push_back(check);
  step.request_excerpt = "POST http://127.0.0.1:1/v1/chat/completions";
  failed.steps.push_back(step);
  runner::ScenarioResult skipped;
  skipped.name = "skips";
  skipped.outcome = runner::Outcome::skipped;
  skipped.skip_reason = "the profile does not claim x";
  suite.scenarios = {passed, failed, skipped};
  report.suites.push_back(suite);
  return report;
}

TEST(JunitReport, CountsScenariosAsTestcasesPerSuite) {
  const std::string xml = junit_xml(sample_report());
  EXPECT_NE(xml.find(R"(<testsuites name="gatecheck" tests="3" failures="1" errors="0")"), std::string::npos)
      << xml;
  EXPECT_NE(xml.find(R"(<testsuite name="streaming" tests="3" failures="1" errors="0" skipped="1")"),
            std::string::npos);
  EXPECT_NE(xml.find(R"(<testcase name="ok &lt;one&gt;" classname="streaming")"), std::string::npos);
  EXPECT_NE(xml.find(R"(<skipped message="the profile does not claim x"/>)"), std::string::npos);
}

TEST(JunitReport, FailureNamesTheCheckAndWhereItWasAsked) {
  const std::string xml = junit_xml(sample_report());
  EXPECT_NE(
      xml.find(
          R"(<failure message="sse.done-sentinel [MUST]: the stream ended without data: [DONE] &amp; more" type="sse.done-sentinel">)"),
      std::string::npos)
      << xml;
  EXPECT_NE(xml.find("suites/openai/streaming.yaml:12:9: POST /chat/completions"), std::string::npos);
  EXPECT_NE(xml.find("--- request"), std::string::npos);
}

TEST(JunitReport, DropsCharactersXmlCannotCarry) {
  auto report = sample_report();
  report.suites[0].scenarios[1].steps[0].checks[0].message = std::string("bell\x07here");
  const std::string xml = junit_xml(report);
  EXPECT_NE(xml.find("bellhere"), std::string::npos);
  EXPECT_EQ(xml.find('\x07'), std::string::npos);
}

TEST(JsonReport, RoundTripsThroughReportFromJson) {
  const auto report = sample_report();
  const auto back = runner::report_from_json(nlohmann::json::parse(json_report(report)));
  EXPECT_EQ(runner::to_json(back), runner::to_json(report));
  EXPECT_FALSE(back.passed());
  EXPECT_EQ(back.totals().skipped, 1u);
}

TEST(JsonReport, RefusesWhatIsNotAReport) {
  EXPECT_THROW(runner::report_from_json(nlohmann::json{{"format", "other"}}), std::runtime_error);
}

}  // namespace
}  // namespace gatecheck::reports
