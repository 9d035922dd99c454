// JUnit XML as Jenkins, GitLab and GitHub's test reporters read it (tests/reports/junit-10.xsd, the schema of
// Jenkins' xunit plugin): a testsuite per suite file, a testcase per scenario. Nothing that was not judged
// reads as a pass: skipped scenarios are <skipped>, checks that did not apply and SHOULD warnings are listed
// in the testcase's system-out and the suite's properties.
#include <gatecheck/reports/reports.hpp>

#include "findings.hpp"
#include "text.hpp"

namespace gatecheck::reports {

using runner::Outcome;

namespace {

std::string attribute(const char* name, const std::string& value) {
  return std::string(" ") + name + "=\"" + xml_escape(value) + "\"";
}

std::string check_line(const runner::CheckResult& check) {
  return check.id + " [" + std::string(runner::to_string(check.severity)) + "]" +
         (check.caused_by.empty() ? "" : " (caused by " + check.caused_by + ")") + ": " + check.message;
}

// The failure element: the first finding that fails the run as its message, every failed check with where
// it was asked, expected and actual, then the failing steps' request and response.
std::string failure_element(const runner::RunReport& report, const runner::ScenarioResult& scenario) {
  std::string message, details;
  for (const auto& step : scenario.steps) {
    for (const auto& check : step.checks) {
      if (check.passed) continue;
      if (message.empty() && report.fails(check)) message = check_line(check);
      details += check.location + ": " + step.name + ": " + check_line(check) + "\n";
      if (!check.expected.empty() || !check.actual.empty())
        details += "  expected: " + check.expected + "\n  actual:   " + check.actual + "\n";
    }
    if (step.outcome != Outcome::failed) continue;
    if (!step.request_excerpt.empty()) details += "\n--- request\n" + step.request_excerpt + "\n";
    if (!step.response_excerpt.empty()) details += "--- response\n" + step.response_excerpt + "\n";
  }
  if (message.empty()) message = scenario.skip_reason.empty() ? "failed" : scenario.skip_reason;
  return "      <failure" + attribute("message", message) +
         attribute("type", message.substr(0, message.find(' '))) + ">" + xml_escape(details) + "</failure>\n";
}

// What a passing or failing testcase did not judge and what it only warned of: its system-out.
std::string system_out(const runner::RunReport& report, const runner::ScenarioResult& scenario) {
  std::string out;
  for (const auto& step : scenario.steps) {
    for (const auto& check : step.checks) {
      if (check.is_finding() && !report.fails(check))
        out += "warning: " + step.name + ": " + check_line(check) + "\n";
      else if (check.passed && !check.applicable)
        out += "not applicable: " + step.name + ": " + check.id + ": " + check.message + "\n";
    }
    for (const auto& note : step.notes)
      out += "note: " + step.name + ": " + note + "\n";
  }
  return out.empty() ? std::string() : "      <system-out>" + xml_escape(out) + "</system-out>\n";
}

std::string testcase(const runner::RunReport& report, const runner::SuiteResult& suite,
                     const runner::ScenarioResult& scenario) {
  std::string out = "    <testcase" + attribute("name", scenario.name) + attribute("classname", suite.name) +
                    attribute("time", format_seconds(scenario.duration_ms)) + ">\n";
  if (scenario.outcome == Outcome::skipped)
    out += "      <skipped" + attribute("message", scenario.skip_reason) + "/>\n";
  if (scenario.outcome == Outcome::failed) out += failure_element(report, scenario);
  out += system_out(report, scenario);
  return out + "    </testcase>\n";
}

// The suite's warnings as properties too: Jenkins shows a suite's properties, not a passing case's output.
std::string properties(const runner::RunReport& report, const runner::SuiteResult& suite) {
  std::string out = "    <properties>\n" + std::string("      <property name=\"gatecheck.target\"") +
                    attribute("value", report.target) + "/>\n      <property name=\"gatecheck.profile\"" +
                    attribute("value", report.profile) + "/>\n";
  for (const auto& finding : findings(report)) {
    if (finding.suite != &suite || finding.fails_run) continue;
    out += "      <property name=\"gatecheck.warning\"" +
           attribute("value", finding.scenario->name + ": " + check_line(*finding.check)) + "/>\n";
  }
  return out + "    </properties>\n";
}

}  // namespace

std::string junit_xml(const runner::RunReport& report) {
  const auto totals = report.totals();
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"gatecheck\"" +
                    attribute("tests", std::to_string(totals.scenarios)) +
                    attribute("failures", std::to_string(totals.failed)) + " errors=\"0\"" +
                    attribute("time", format_seconds(report.duration_ms)) + ">\n";
  for (const auto& suite : report.suites) {
    std::size_t failures = 0, skipped = 0;
    double time = 0;
    for (const auto& scenario : suite.scenarios) {
      failures += scenario.outcome == Outcome::failed;
      skipped += scenario.outcome == Outcome::skipped;
      time += scenario.duration_ms;
    }
    out += "  <testsuite" + attribute("name", suite.name) +
           attribute("tests", std::to_string(suite.scenarios.size())) +
           attribute("failures", std::to_string(failures)) + " errors=\"0\"" +
           attribute("skipped", std::to_string(skipped)) + attribute("time", format_seconds(time)) +
           attribute("timestamp", report.started_at.substr(0, 19)) + attribute("file", suite.file) + ">\n";
    out += properties(report, suite);
    for (const auto& scenario : suite.scenarios)
      out += testcase(report, suite, scenario);
    out += "  </testsuite>\n";
  }
  return out + "</testsuites>\n";
}

std::string json_report(const runner::RunReport& report) {
  return runner::to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace gatecheck::reports
