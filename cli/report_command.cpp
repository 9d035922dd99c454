// gatecheck report: convert a JSON report (from `gatecheck run --report json=FILE`) to another format, or
// merge the reports of a sharded run (--shard I/N) into one.
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include <gatecheck/core/document.hpp>
#include <gatecheck/reports/reports.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "report_files.hpp"

namespace gatecheck::cli {
namespace {

runner::RunReport read_report(const std::string& path) {
  const auto document = core::load_document(path);  // unreadable or not JSON: LoadError with the position
  try {
    return runner::report_from_json(document.value);
  } catch (const std::exception& e) {
    throw core::LoadError(path, {}, e.what());
  }
}

int report(const Arguments& a) {
  if (a.positionals().empty()) throw UsageError("name a REPORT.json (gatecheck report --help)");
  const std::string format = a.value("--format").value_or("console");
  if (format != "console" && !is_report_format(format))
    throw UsageError("--format: unknown format '" + format + "' (console, junit, html, markdown, json)");
  const auto output = a.value("--output");
  if (output)
    if (const auto why = unwritable(*output); !why.empty())
      throw UsageError("--output " + *output + ": cannot write there: " + why);
  std::vector<runner::RunReport> inputs;
  for (const auto& path : a.positionals())
    inputs.push_back(read_report(path));
  runner::RunReport merged;
  try {
    merged = inputs.size() == 1 ? std::move(inputs.front()) : reports::merge_reports(inputs);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  std::string content;
  if (format == "console") {
    std::ostringstream text;
    const auto style = read_output_style(a);
    reports::write_console(text, merged,
                           {reports::color_wanted(STDOUT_FILENO, style.color) && !output, false, false});
    content = text.str();
  } else {
    content = render_report(format, merged);
  }
  if (output) {
    std::ofstream file(*output, std::ios::binary);
    file << content;
    if (!file) throw core::LoadError(*output, {}, "cannot write the file");
  } else {
    std::cout << content;
  }
  return merged.passed() ? kExitPassed : kExitFailures;
}

}  // namespace

Command report_spec() {
  return Command("gatecheck report",
                 "Convert a JSON report to console text, JUnit XML, HTML or Markdown; merge the reports of "
                 "shards into one.")
      .usage("gatecheck report REPORT.json [MORE.json ...] [--format FORMAT] [--output FILE]")
      .positional("REPORT.json", "Reports written by gatecheck run --report json=FILE; several are merged",
                  true)
      .option("--format", "console|junit|html|markdown|json", "The output's format (default console)")
      .option("--output", "FILE", "Write there instead of standard output")
      .option("--color", "auto|always|never", "Colour the console format (default auto)")
      .section("Merging",
               "Several reports are one run's shards: suites are joined, a scenario reported twice counts\n"
               "once (the later file's), totals are recounted. Reports of different targets, profiles or\n"
               "--fail-on levels are refused (exit 2).")
      .section("Exit codes",
               "  0  the report passed\n  1  the report has failures\n  2  unreadable report or bad option")
      .section("Examples",
               "  gatecheck report out/report.json --format markdown >> \"$GITHUB_STEP_SUMMARY\"\n"
               "  gatecheck report shard-*/report.json --format junit --output out/junit.xml\n"
               "  gatecheck report shard-*/report.json --format json --output out/report.json");
}

int report_main(const Args& args) {
  return run_command(report_spec(), args, report);
}

}  // namespace gatecheck::cli
