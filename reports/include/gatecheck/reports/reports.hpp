// Renderings of a RunReport: the console summary a person reads, JUnit XML for CI servers, the JSON report
// (schemas/report.schema.json) and a self-contained HTML page.
#pragma once

#include <iosfwd>
#include <string>

#include <gatecheck/runner/report.hpp>
#include <gatecheck/runner/runner.hpp>

namespace gatecheck::reports {

struct ConsoleStyle {
  bool color = false;
  bool show_passed = false;  // list passing scenarios too
};

// Colour only on a terminal and never when NO_COLOR is set (https://no-color.org).
bool color_wanted(int fd);

// Failures with file:line, scenario, step, check id, expected vs actual and redacted excerpts; then the
// summary.
void write_console(std::ostream& out, const runner::RunReport& report, const ConsoleStyle& style);
// "[ 12/42] 1 failed  chat / basic completion" for a terminal's status line.
std::string progress_line(const runner::Progress& progress);

// JUnit XML as GitHub, GitLab and Jenkins read it: one testsuite per suite file, one testcase per scenario.
std::string junit_xml(const runner::RunReport& report);
std::string json_report(const runner::RunReport& report);
std::string html_report(const runner::RunReport& report);

}  // namespace gatecheck::reports
