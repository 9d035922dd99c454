#include "findings.hpp"

#include <gatecheck/runner/checks.hpp>

namespace gatecheck::reports {

std::vector<Finding> findings(const runner::RunReport& report) {
  std::vector<Finding> out;
  for (const auto& suite : report.suites)
    for (const auto& scenario : suite.scenarios)
      for (const auto& step : scenario.steps)
        for (const auto& check : step.checks)
          if (check.is_finding()) out.push_back({&suite, &scenario, &step, &check, report.fails(check)});
  return out;
}

std::string title_of(const runner::SuiteResult& suite, const runner::ScenarioResult& scenario) {
  return runner::scenario_title(suite.name, scenario.name);
}

std::string check_doc_link(const std::string& id) {
  if (runner::find_check(id) == nullptr) return std::string(GATECHECK_DOCS_URL) + "suite-format.md";
  std::string anchor;
  for (const char c : id)
    if (c != '.') anchor += c;
  return std::string(GATECHECK_DOCS_URL) + "checks.md#" + anchor;
}

std::string counts_line(const runner::RunReport& report) {
  const auto totals = report.totals();
  std::string line = std::to_string(totals.passed) + " passed, " + std::to_string(totals.failed) +
                     " failed, " + std::to_string(totals.skipped) + " skipped of " +
                     std::to_string(totals.scenarios) + " scenarios; " + std::to_string(totals.checks) +
                     " checks, " + std::to_string(totals.checks_failed) + " failed";
  if (totals.warnings > 0)
    line += ", " + std::to_string(totals.warnings) + (totals.warnings == 1 ? " warning" : " warnings");
  if (totals.retries > 0) line += ", " + std::to_string(totals.retries) + " retries after 429";
  return line;
}

}  // namespace gatecheck::reports
