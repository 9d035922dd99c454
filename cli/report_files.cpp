#include "report_files.hpp"

#include <fstream>
#include <iostream>
#include <unistd.h>

#include <gatecheck/reports/reports.hpp>

#include "exit_codes.hpp"

namespace gatecheck::cli {
namespace {

bool write_file(const std::string& path, const std::string& content) {
  std::ofstream file(path, std::ios::binary);
  file << content;
  if (!file) {
    std::cerr << "error: cannot write " << path << "\n";
    return false;
  }
  return true;
}

}  // namespace

ReportFiles read_report_files(const Arguments& a) {
  ReportFiles outputs;
  for (const auto& report : a.values("--report")) {
    const auto at = report.find('=');
    if (at == std::string::npos || at == 0 || at + 1 == report.size())
      throw UsageError("--report expects FORMAT=FILE, got '" + report + "'");
    const std::string format = report.substr(0, at);
    if (format != "junit" && format != "json" && format != "html")
      throw UsageError("--report: unknown format '" + format + "' (junit, json, html)");
    outputs.emplace_back(format, report.substr(at + 1));
  }
  return outputs;
}

int write_reports(const Arguments& a, const runner::RunReport& report, const ReportFiles& outputs) {
  reports::ConsoleStyle style;
  style.color = reports::color_wanted(STDOUT_FILENO);
  style.show_passed = a.flag("--verbose");
  reports::write_console(std::cout, report, style);
  bool written = true;
  for (const auto& [format, file] : outputs) {
    const std::string content = format == "junit"  ? reports::junit_xml(report)
                                : format == "json" ? reports::json_report(report)
                                                   : reports::html_report(report);
    written &= write_file(file, content);
  }
  if (!written) return kExitUsage;
  return report.passed() ? kExitPassed : kExitFailures;
}

}  // namespace gatecheck::cli
