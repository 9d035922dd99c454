// How a command reports (`--report FORMAT=FILE`, the console summary, --color, --quiet, --verbose), shared by
// run, gate and check.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <gatecheck/reports/reports.hpp>
#include <gatecheck/runner/report.hpp>

#include "arguments.hpp"

namespace gatecheck::cli {

// Declares --report, --color, --quiet and --verbose (Command::with).
void declare_output_options(Command& spec);

struct OutputStyle {
  reports::ColorMode color = reports::ColorMode::automatic;
  bool quiet = false;    // the failures and the verdict only, no progress
  bool verbose = false;  // passing scenarios too
};
OutputStyle read_output_style(const Arguments& a);

// Why `path` cannot be written (its folder is missing or read-only, it is a folder), or empty.
std::string unwritable(const std::string& path);

using ReportFiles = std::vector<std::pair<std::string, std::string>>;  // format, file

// The --report options, checked before anything runs: a known format, and a file that can be written (its
// folder exists and is writable, it is not a folder): UsageError otherwise, so a long run never ends unsaved.
ReportFiles read_report_files(const Arguments& a);
// Whether `format` is one --report and `gatecheck report --format` write to a file ("junit", "json", "html",
// "markdown").
bool is_report_format(const std::string& format);
// One report in one format: "junit", "json", "html" or "markdown".
std::string render_report(const std::string& format, const runner::RunReport& report);
// The console summary, then each file; the command's exit code: 2 when a file could not be written, else 0
// when the report passed and 1 when it did not.
int write_reports(const Arguments& a, const runner::RunReport& report, const ReportFiles& outputs);

}  // namespace gatecheck::cli
