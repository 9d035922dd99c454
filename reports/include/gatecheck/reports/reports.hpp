// Renderings of a RunReport: the console summary a person reads, JUnit XML for CI servers, the JSON report
// (schemas/report.schema.json) and a self-contained HTML page.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gatecheck/runner/report.hpp>
#include <gatecheck/runner/runner.hpp>

namespace gatecheck::reports {

struct ConsoleStyle {
  bool color = false;
  bool show_passed = false;  // list passing scenarios too
  bool quiet = false;        // failures and the verdict only: no skips, no warnings
};

enum class ColorMode { automatic, always, never };
// "auto", "always", "never"; nullopt otherwise.
std::optional<ColorMode> parse_color_mode(std::string_view text);
// Whether to colour what goes to `fd`: --color always/never decide; under auto, FORCE_COLOR (set, not "0" or
// "false") turns colour on even off a terminal, else NO_COLOR (set, not empty; https://no-color.org) turns
// it off, else colour on a terminal only.
bool color_wanted(int fd, ColorMode mode = ColorMode::automatic);

// Failures with file:line, scenario, step, check id, expected vs actual and redacted excerpts; then the
// summary.
void write_console(std::ostream& out, const runner::RunReport& report, const ConsoleStyle& style);
// "[ 12/42] 1 failed  chat / basic completion" for a terminal's status line.
std::string progress_line(const runner::Progress& progress);
// "[12/42] FAIL chat / basic completion (0.213 s)" for a log without a terminal: one line per scenario.
std::string progress_record(const runner::Progress& progress, bool color);

// JUnit XML as GitHub, GitLab and Jenkins read it: one testsuite per suite file, one testcase per scenario.
std::string junit_xml(const runner::RunReport& report);
std::string json_report(const runner::RunReport& report);
std::string html_report(const runner::RunReport& report);
// For GitHub's step summary and GitLab notes: verdict, counts, failures, warnings, skips; bounded in size.
std::string markdown_report(const runner::RunReport& report);

// The reports of one run's shards as one: suites joined, each scenario once (the later report's, when one
// appears twice), in file order; totals follow. std::invalid_argument when the reports name different
// targets, profiles or --fail-on levels.
runner::RunReport merge_reports(const std::vector<runner::RunReport>& reports);

}  // namespace gatecheck::reports
