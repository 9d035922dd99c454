// gatecheck check: recorded exchanges judged offline (docs/fixtures.md).
#include <iostream>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/runner/offline.hpp>
#include <gatecheck/vendor/profile.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "report_files.hpp"

namespace gatecheck::cli {
namespace {

int run(const Arguments& a) {
  if (a.positionals().empty()) throw UsageError("name a recording or a folder (gatecheck check --help)");
  runner::OfflineOptions options;
  options.tool_version = GATECHECK_VERSION;
  if (const auto profile = a.value("--profile")) options.profile = vendor::load_profile(*profile);
  options.openapi_path = a.value("--openapi").value_or("");
  options.checks = a.list("--checks");
  const auto fail_on = runner::parse_severity(a.value("--fail-on").value_or("must"));
  if (!fail_on) throw UsageError("--fail-on takes must or should");
  options.fail_on = *fail_on;
  const ReportFiles outputs = read_report_files(a);
  std::vector<cassette::Recording> recordings;
  for (const auto& path : a.positionals()) {
    auto loaded = cassette::load(path);  // a malformed file: core::LoadError, exit 2 with its position
    std::move(loaded.begin(), loaded.end(), std::back_inserter(recordings));
    options.target += (options.target.empty() ? "" : ", ") + path;
  }
  if (recordings.empty()) throw UsageError("no recordings in " + options.target);
  runner::RunReport report;
  try {
    report = runner::check_recordings(recordings, options);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  return write_reports(a, report, outputs);
}

}  // namespace

Command check_spec() {
  return Command("gatecheck check",
                 "Judge recorded exchanges with every applicable conformance check, with no network.")
      .usage("gatecheck check PATH... [options]")
      .positional("PATH",
                  "Cassettes (.jsonl), HAR files (.har), raw SSE captures (curl -N or curl -i -N output), or "
                  "folders of them",
                  true)
      .option("--profile", "NAME|FILE",
              "Profile the recorded target claims (default: the one each recording names, else openai)")
      .option("--openapi", "FILE", "OpenAPI description for schema.response (default: the bundled one)")
      .repeated("--checks", "ID[,ID]", "Only these checks (and schema.response if named); default: all")
      .option("--fail-on", "must|should", "Which failed checks fail the run (default must)")
      .with(declare_output_options)
      .section("Exit codes", kCheckExitCodeHelp)
      .section("Examples",
               "  gatecheck check fixtures/                       # every recording under it\n"
               "  curl -sN -i ... > answer.sse && gatecheck check answer.sse\n"
               "  gatecheck check session.har --report junit=out/junit.xml");
}

int check_main(const Args& args) {
  return run_command(check_spec(), args, run);
}

}  // namespace gatecheck::cli
