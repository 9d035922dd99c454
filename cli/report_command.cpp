// gatecheck report: re-render a JSON report (from `gatecheck run --report json=FILE`) in another format.
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include <gatecheck/core/document.hpp>
#include <gatecheck/reports/reports.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"

namespace gatecheck::cli {

int report_main(const Args& args) {
  const Command spec =
      Command("gatecheck report", "Render a JSON report as console text, JUnit XML or HTML.")
          .usage("gatecheck report REPORT.json [--format console|junit|html|json] [--output FILE]")
          .positional("REPORT.json", "A report written by gatecheck run --report json=FILE")
          .option("--format", "FORMAT", "console (default), junit, html or json")
          .option("--output", "FILE", "Write there instead of standard output")
          .section(
              "Exit codes",
              "  0  the report passed\n  1  the report has failures\n  2  unreadable report or bad option");
  return run_command(spec, args, [](const Arguments& a) {
    if (a.positionals().size() != 1) throw UsageError("gatecheck report takes one REPORT.json");
    const auto document = core::load_document(a.positionals().front());
    runner::RunReport report;
    try {
      report = runner::report_from_json(document.value);
    } catch (const std::exception& e) {
      throw core::LoadError(a.positionals().front(), {}, e.what());
    }
    const std::string format = a.value("--format").value_or("console");
    std::string content;
    if (format == "console") {
      std::ostringstream text;
      reports::write_console(text, report,
                             {reports::color_wanted(STDOUT_FILENO) && !a.value("--output"), true});
      content = text.str();
    } else if (format == "junit") {
      content = reports::junit_xml(report);
    } else if (format == "html") {
      content = reports::html_report(report);
    } else if (format == "json") {
      content = reports::json_report(report);
    } else {
      throw UsageError("--format: unknown format '" + format + "' (console, junit, html, json)");
    }
    if (const auto output = a.value("--output")) {
      std::ofstream file(*output, std::ios::binary);
      file << content;
      if (!file) throw core::LoadError(*output, {}, "cannot write the file");
    } else {
      std::cout << content;
    }
    return report.passed() ? kExitPassed : kExitFailures;
  });
}

}  // namespace gatecheck::cli
