// What every rendering lists first: the findings of a run, in report order, each with where it was found.
// One walk over the report, so the console, JUnit, Markdown and HTML agree on what a failure is.
#pragma once

#include <string>
#include <vector>

#include <gatecheck/runner/report.hpp>

namespace gatecheck::reports {

struct Finding {
  const runner::SuiteResult* suite;
  const runner::ScenarioResult* scenario;
  const runner::StepResult* step;
  const runner::CheckResult* check;
  bool fails_run;  // false: a warning (a SHOULD finding under --fail-on must)
};

// Every finding (a failed check not caused by another of its step), failures and warnings alike.
std::vector<Finding> findings(const runner::RunReport& report);

// "suite / scenario", the title --grep matches and every rendering shows.
std::string title_of(const runner::SuiteResult& suite, const runner::ScenarioResult& scenario);

// The anchor of a check's section in docs/checks.md ("sse.done-sentinel" -> "ssedone-sentinel"), as GitHub
// renders the heading "### `sse.done-sentinel`"; suite assertions (expect.*) link to the suite format. The
// base is GATECHECK_DOCS_URL (CMake), the installed docs by default, so a report links offline.
std::string check_doc_link(const std::string& id);

// "3 passed, 1 failed, 2 skipped of 6 scenarios; 40 checks, 1 failed, 2 warnings": one wording everywhere.
std::string counts_line(const runner::RunReport& report);

}  // namespace gatecheck::reports
