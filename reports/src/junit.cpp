#include <gatecheck/reports/reports.hpp>

#include "text.hpp"

namespace gatecheck::reports {

using runner::Outcome;

std::string junit_xml(const runner::RunReport& report) {
  const auto totals = report.totals();
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"gatecheck\" tests=\"" + std::to_string(totals.scenarios) + "\" failures=\"" +
         std::to_string(totals.failed) + "\" errors=\"0\" time=\"" + format_seconds(report.duration_ms) +
         "\">\n";
  for (const auto& suite : report.suites) {
    std::size_t failures = 0, skipped = 0;
    double time = 0;
    for (const auto& scenario : suite.scenarios) {
      failures += scenario.outcome == Outcome::failed;
      skipped += scenario.outcome == Outcome::skipped;
      time += scenario.duration_ms;
    }
    out += "  <testsuite name=\"" + xml_escape(suite.name) + "\" tests=\"" +
           std::to_string(suite.scenarios.size()) + "\" failures=\"" + std::to_string(failures) +
           "\" errors=\"0\" skipped=\"" + std::to_string(skipped) + "\" time=\"" + format_seconds(time) +
           "\" timestamp=\"" + xml_escape(report.started_at.substr(0, 19)) + "\" file=\"" +
           xml_escape(suite.file) + "\">\n";
    for (const auto& scenario : suite.scenarios) {
      out += "    <testcase name=\"" + xml_escape(scenario.name) + "\" classname=\"" +
             xml_escape(suite.name) + "\" time=\"" + format_seconds(scenario.duration_ms) + "\">\n";
      if (scenario.outcome == Outcome::skipped)
        out += "      <skipped message=\"" + xml_escape(scenario.skip_reason) + "\"/>\n";
      if (scenario.outcome == Outcome::failed) {
        std::string message, details;
        for (const auto& step : scenario.steps) {
          for (const auto& check : step.checks) {
            if (check.passed) continue;
            const std::string line = check.id + " [" + std::string(runner::to_string(check.severity)) + "]" +
                                     (check.caused_by.empty() ? "" : " (caused by " + check.caused_by + ")") +
                                     ": " + check.message;
            if (message.empty() && check.is_finding()) message = line;
            details += check.location + ": " + step.name + ": " + line + "\n";
            if (!check.expected.empty() || !check.actual.empty())
              details += "  expected: " + check.expected + "\n  actual:   " + check.actual + "\n";
          }
          if (step.outcome == Outcome::failed) {
            if (!step.request_excerpt.empty()) details += "\n--- request\n" + step.request_excerpt + "\n";
            if (!step.response_excerpt.empty()) details += "--- response\n" + step.response_excerpt + "\n";
          }
        }
        const std::string type = message.substr(0, message.find(' '));
        out += "      <failure message=\"" + xml_escape(message) + "\" type=\"" + xml_escape(type) + "\">" +
               xml_escape(details) + "</failure>\n";
      }
      out += "    </testcase>\n";
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

std::string json_report(const runner::RunReport& report) {
  return runner::to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace gatecheck::reports
