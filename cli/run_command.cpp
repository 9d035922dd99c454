// gatecheck run: suites against a target, or against the embedded mock when no target is given.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <unistd.h>

#include <gatecheck/core/bundled.hpp>
#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/url.hpp>
#include <gatecheck/mock/server.hpp>
#include <gatecheck/reports/reports.hpp>
#include <gatecheck/runner/runner.hpp>
#include <gatecheck/vendor/profile.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "report_files.hpp"
#include "run_options.hpp"

namespace gatecheck::cli {
namespace {

std::vector<runner::Suite> read_suites(const Arguments& a, const vendor::Profile& profile) {
  if (!a.positionals().empty()) return runner::load_suites(a.positionals());
  auto suites = runner::load_bundled_suites();
  // The profile's own claims have a suite of their own: suites/vendors/<profile>.yaml, or the suite of the
  // nearest profile it extends that has one (a tweaked simplio.yaml is still checked as Simplio).
  for (const auto& id : profile.lineage.empty() ? std::vector<std::string>{profile.id} : profile.lineage) {
    const std::string own = "suites/vendors/" + id + ".yaml";
    if (const auto text = core::bundled_file(own)) {
      suites.push_back(runner::parse_suite(core::parse_yaml(*text, own)));
      break;
    }
  }
  return suites;
}

// The embedded mock, with one accepted key (so the invalid-key scenarios have something to be invalid
// against), a spare one to rotate away, and an admin token for the /admin scenarios.
mock::ServerOptions embedded_mock_options(const Arguments& a, runner::RunOptions& options) {
  mock::ServerOptions mock_options;
  mock_options.profile = options.profile;
  mock_options.threads = 2;
  mock_options.log_format = mock::LogFormat::none;
  const std::string prefix =
      options.profile.key_prefixes.empty() ? "sk-" : options.profile.key_prefixes.front();
  if (options.api_key.empty()) options.api_key = prefix + "gatecheck-embedded-0000";
  if (options.spare_api_key.empty())
    options.spare_api_key = prefix + "gatecheck-spare-" + core::to_hex(core::random_bytes(8));
  if (options.admin_token.empty())
    options.admin_token = "gatecheck-admin-" + core::to_hex(core::random_bytes(12));
  mock_options.keys.push_back({options.api_key, ""});
  mock_options.keys.push_back({options.spare_api_key, ""});
  // A key on each of the profile's plans, for the scenarios that check what a plan claims.
  for (const auto& [plan, claims] : options.profile.rate_limits.plans) {
    auto& key = options.plan_keys[plan];
    if (key.empty()) key = prefix + "gatecheck-" + plan + "-" + core::to_hex(core::random_bytes(8));
    mock_options.keys.push_back({key, plan});
  }
  mock_options.admin_token = options.admin_token;
  for (const auto& fault : a.values("--mock-fault")) {
    try {
      for (auto& spec : mock::parse_fault_list(fault))
        mock_options.faults.push_back(spec);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--mock-fault: ") + e.what());
    }
  }
  return mock_options;
}

// --target, checked: a URL the client can use (http or https, no password in it), else exit 2.
void check_target(const Arguments& a, const std::string& target, runner::RunOptions& options) {
  if (!a.values("--mock-fault").empty())
    throw UsageError("--mock-fault applies to the embedded mock only (no --target)");
  if (target.find("://") == std::string::npos)  // host:port, the commonest slip
    throw UsageError("--target: '" + core::redact_userinfo(target) + "' has no scheme; did you mean http://" +
                     core::redact_userinfo(target) + " (or https://)?");
  try {
    (void)core::Url::parse(target + "/");
  } catch (const core::UrlError& e) {
    throw UsageError(std::string("--target: ") + e.what());  // exit 2; the message never shows a password
  }
  options.target = target;
}

int run(const Arguments& a) {
  runner::RunOptions options = read_options(a);
  const ReportFiles outputs = read_report_files(a);
  const auto suites = read_suites(a, options.profile);
  const auto target = a.value("--target");
  std::optional<mock::ServerOptions> mock_options;
  if (target) {
    check_target(a, *target, options);
  } else {
    mock_options = embedded_mock_options(a, options);
    options.target_is_mock = true;
    options.embedded_mock = true;
  }
  if (list_selection(a, suites, options)) return kExitPassed;
  std::optional<mock::Server> embedded;
  if (target) {
    if (const auto seen = runner::preflight(options); seen.verdict != runner::Preflight::Verdict::ok) {
      const bool unreachable = seen.verdict == runner::Preflight::Verdict::unreachable;
      std::cerr << "error: "
                << (unreachable ? "the target " + core::redact_userinfo(*target) + " is unreachable: " : "")
                << seen.message << "\n";
      return unreachable ? kExitUnreachable : kExitUsage;
    }
  } else {
    embedded.emplace(*mock_options);
    embedded->start();
    options.target = embedded->url();
  }
  const runner::RunReport report = run_with_progress(a, suites, options);
  if (embedded) embedded->stop();
  return write_reports(a, report, outputs);
}

}  // namespace

Command run_spec() {
  return Command("gatecheck run",
                 "Run conformance suites against a gateway (or the embedded mock) and report.")
      .usage("gatecheck run [SUITE.yaml|DIR ...] [options]")
      .positional(
          "SUITES",
          "Suite files or folders (default: the bundled OpenAI suites, plus the profile's vendor suite)",
          true)
      .option("--target", "URL", "Base URL of the gateway (default: start the embedded mock on loopback)")
      .option("--profile", "NAME|FILE", "Profile the target claims (default openai)")
      .option("--api-key", "KEY", "API key sent the profile's way")
      .option("--api-key-env", "NAME", "Read the API key from this environment variable")
      .repeated("--header", "NAME:VALUE", "Extra header on every request")
      .repeated("--model", "ROLE=NAME", "Model for a role ({{ profile.models.ROLE }}), e.g. chat=gpt-4o")
      .option("--timeout", "SECONDS", "Per-request timeout: connect and longest silence (default 30)")
      .option("--max-duration", "DURATION",
              "Whole run: later scenarios are skipped and open requests cut, e.g. 30m (default 60m; 0: none)")
      .option("--max-response-mb", "N",
              "Stop reading one response (body or stream events) past N MiB (default 16)")
      .option("--jobs", "N", "Scenarios run in parallel (default 4)")
      .option("--shard", "I/N", "Run the I-th of N deterministic slices (CI matrices)")
      .repeated("--tags", "TAG[,TAG]", "Only scenarios with one of these tags; !TAG excludes")
      .option("--grep", "REGEX", "Only scenarios whose 'suite / scenario' title matches")
      .option("--fail-on", "must|should", "Which failed checks fail the run (default must)")
      .with(declare_output_options)
      .option("--openapi", "FILE", "OpenAPI description for schema checks (default: the bundled one)")
      .option("--admin-token", "TOKEN",
              "The target's admin token, for scenarios that need /admin (webhooks, keys)")
      .option("--spare-api-key", "KEY", "A key scenarios may rotate away (key rotation); never your main key")
      .repeated("--plan-key", "PLAN=KEY",
                "A key on one of the profile's plans, for scenarios that require plan:PLAN")
      .repeated("--plan-key-env", "PLAN=NAME", "The same, the key read from an environment variable")
      .option("--receiver-bind", "ADDR", "Where webhook receivers listen (default 127.0.0.1)")
      .option("--receiver-url", "URL",
              "The URL a remote target should call, {port} replaced (default http://ADDR:{port})")
      .flag("--insecure", "Accept self-signed TLS certificates")
      .flag("--mock-target",
            "The target is gatecheck's mock (or a gateway in front of it): run mock-only scenarios")
      .option("--mock-url", "URL",
              "The mock's own URL when a gateway stands in front of it: stub and verify steps use its admin "
              "API there (default: the target)")
      .option("--record", "DIR",
              "Record every exchange with the target to DIR/<suite>/<scenario>.jsonl (docs/fixtures.md)")
      .repeated("--redact-field", "JSONPATH", "Also mask this JSON field in recorded bodies, e.g. $.user")
      .repeated("--mock-fault", "NAME[=N]",
                "Break the embedded mock on purpose (see gatecheck mock --list-faults)")
      .flag("--list", "Print the selected scenarios and exit")
      .section("Exit codes", kExitCodeHelp)
      .section("Examples",
               "  gatecheck run                                    # bundled suites, embedded mock\n"
               "  gatecheck run --target https://gw.example.com --api-key-env GW_KEY --report "
               "junit=out/junit.xml\n"
               "  gatecheck run --grep '^streaming /' --mock-fault no-done   # watch a check fail");
}

int run_main(const Args& args) {
  return run_command(run_spec(), args, run);
}

}  // namespace gatecheck::cli
