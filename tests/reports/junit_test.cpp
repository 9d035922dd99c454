// The JUnit rendering: the element and attribute shape CI servers read, escaping, failure details, and
// nothing unjudged reading as a pass (tests/reports/junit_consumers_test.sh validates it against the XSD
// Jenkins reads and parses it with a real consumer).
#include <gtest/gtest.h>

#include <gatecheck/reports/reports.hpp>

#include "sample_report.hpp"

namespace gatecheck::reports {
namespace {

using testing::sample_report;

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
  EXPECT_NE(xml.find("expected: data: [DONE]"), std::string::npos);
  EXPECT_NE(xml.find("--- request"), std::string::npos);
}

TEST(JunitReport, ShouldWarningsAndUnappliedChecksAreVisibleNotSilentPasses) {
  const std::string xml = junit_xml(sample_report());
  EXPECT_NE(xml.find("warning: GET /models: ratelimit.profile-names [SHOULD]: x-ratelimit-* absent"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("not applicable: GET /models: error.envelope: the answer is not an error"),
            std::string::npos);
  EXPECT_NE(xml.find(R"(<property name="gatecheck.warning" value="ok &lt;one&gt;: ratelimit.profile-names)"),
            std::string::npos);
  EXPECT_EQ(xml.find("<failure message=\"ratelimit"), std::string::npos) << "a warning is not a failure";
}

TEST(JunitReport, UnderFailOnShouldTheWarningIsTheFailure) {
  auto report = sample_report();
  report.fail_on = runner::Severity::should;
  report.suites[0].scenarios[0].outcome = runner::Outcome::failed;  // as the executor judges it
  const std::string xml = junit_xml(report);
  EXPECT_NE(xml.find(R"(<failure message="ratelimit.profile-names [SHOULD]: x-ratelimit-* absent")"),
            std::string::npos)
      << xml;
  EXPECT_EQ(xml.find("warning: GET /models"), std::string::npos);
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
  EXPECT_EQ(back.totals().warnings, 1u);
  EXPECT_EQ(back.totals().checks_failed, 1u) << "the SHOULD finding is a warning under --fail-on must";
}

TEST(JsonReport, RefusesWhatIsNotAReport) {
  EXPECT_THROW(runner::report_from_json(nlohmann::json{{"format", "other"}}), std::runtime_error);
}

}  // namespace
}  // namespace gatecheck::reports
