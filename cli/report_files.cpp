#include "report_files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

#include "exit_codes.hpp"

namespace gatecheck::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFormats[] = {"junit", "json", "html", "markdown"};

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

std::string unwritable(const std::string& path) {
  std::error_code error;
  if (fs::is_directory(path, error)) return "it is a folder";
  const fs::path folder = fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
  if (!fs::is_directory(folder, error)) return "the folder " + folder.string() + " does not exist";
  if (::access(folder.c_str(), W_OK) != 0) return "the folder " + folder.string() + " is not writable";
  if (fs::exists(path, error) && ::access(path.c_str(), W_OK) != 0) return "the file is not writable";
  return {};
}

void declare_output_options(Command& spec) {
  spec.repeated("--report", "FORMAT=FILE",
                "Also write junit=FILE, json=FILE, html=FILE or markdown=FILE (checked before the run)")
      .option("--color", "auto|always|never",
              "Colour the console (default auto: on a terminal; FORCE_COLOR and NO_COLOR are honoured)")
      .flag("--quiet", "Only the failures and the verdict: no progress, skips or warnings")
      .flag("--verbose", "List passing results too");
}

OutputStyle read_output_style(const Arguments& a) {
  OutputStyle style;
  if (const auto color = a.value("--color")) {
    const auto mode = reports::parse_color_mode(*color);
    if (!mode) throw UsageError("--color takes auto, always or never, got '" + *color + "'");
    style.color = *mode;
  }
  style.quiet = a.flag("--quiet");
  style.verbose = a.flag("--verbose");
  if (style.quiet && style.verbose) throw UsageError("--quiet and --verbose contradict each other");
  return style;
}

ReportFiles read_report_files(const Arguments& a) {
  ReportFiles outputs;
  for (const auto& report : a.values("--report")) {
    const auto at = report.find('=');
    if (at == std::string::npos || at == 0 || at + 1 == report.size())
      throw UsageError("--report expects FORMAT=FILE, got '" + report + "'");
    const std::string format = report.substr(0, at), file = report.substr(at + 1);
    if (!is_report_format(format))
      throw UsageError("--report: unknown format '" + format + "' (junit, json, html, markdown)");
    if (const auto why = unwritable(file); !why.empty())
      throw UsageError("--report " + report + ": cannot write there: " + why);
    outputs.emplace_back(format, file);
  }
  return outputs;
}

bool is_report_format(const std::string& format) {
  return std::find(std::begin(kFormats), std::end(kFormats), format) != std::end(kFormats);
}

std::string render_report(const std::string& format, const runner::RunReport& report) {
  if (format == "junit") return reports::junit_xml(report);
  if (format == "json") return reports::json_report(report);
  if (format == "html") return reports::html_report(report);
  if (format == "markdown") return reports::markdown_report(report);
  throw UsageError("unknown report format '" + format + "' (junit, json, html, markdown)");
}

int write_reports(const Arguments& a, const runner::RunReport& report, const ReportFiles& outputs) {
  const OutputStyle output = read_output_style(a);
  reports::ConsoleStyle style;
  style.color = reports::color_wanted(STDOUT_FILENO, output.color);
  style.show_passed = output.verbose;
  style.quiet = output.quiet;
  reports::write_console(std::cout, report, style);
  bool written = true;
  for (const auto& [format, file] : outputs)
    written &= write_file(file, render_report(format, report));
  if (!written) return kExitUsage;
  return report.passed() ? kExitPassed : kExitFailures;
}

}  // namespace gatecheck::cli
