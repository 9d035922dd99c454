// The reports a command writes (`--report FORMAT=FILE`, the console summary), shared by run and check.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <gatecheck/runner/report.hpp>

#include "arguments.hpp"

namespace gatecheck::cli {

using ReportFiles = std::vector<std::pair<std::string, std::string>>;  // format, file

// The --report options, checked before anything runs (UsageError for an unknown format).
ReportFiles read_report_files(const Arguments& a);
// The console summary (--verbose: passing scenarios too), then each file; the command's exit code: 2 when a
// file could not be written, else 0 when the report passed and 1 when it did not.
int write_reports(const Arguments& a, const runner::RunReport& report, const ReportFiles& outputs);

}  // namespace gatecheck::cli
