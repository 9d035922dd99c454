// gatecheck checks: the conformance checks suites can name.
#include <iostream>

#include <nlohmann/json.hpp>

#include <gatecheck/runner/checks.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"

namespace gatecheck::cli {

Command checks_spec() {
  return Command("gatecheck checks", "List the conformance checks (ids suites name in expect.checks).")
      .usage("gatecheck checks [list] [--json]")
      .positional("list", "The only action (default)", true)
      .flag("--json", "Print them as a JSON array");
}

int checks_main(const Args& args) {
  return run_command(checks_spec(), args, [](const Arguments& a) {
    for (const auto& word : a.positionals())
      if (word != "list") throw UsageError("gatecheck checks: unknown action '" + word + "' (list)");
    if (a.flag("--json")) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& check : runner::check_catalog())
        out.push_back({{"id", check.id},
                       {"severity", runner::to_string(check.severity)},
                       {"description", check.description},
                       {"reference", check.reference}});
      std::cout << out.dump(2) << "\n";
      return kExitPassed;
    }
    for (const auto& check : runner::check_catalog()) {
      std::string id(check.id);
      id.resize(34, ' ');
      std::string severity(runner::to_string(check.severity));
      severity.resize(7, ' ');
      std::cout << id << severity << check.description << "\n"
                << std::string(41, ' ') << "ref: " << check.reference << "\n";
    }
    return kExitPassed;
  });
}

}  // namespace gatecheck::cli
