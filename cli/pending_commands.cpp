// Subcommands whose issues have not landed yet: they answer --help and refuse to run.
#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"

namespace gatecheck::cli {
namespace {

int pending(const std::string& name, const Args& args) {
  const Command spec("gatecheck " + name, "Not available in this build yet.");
  return run_command(spec, args, [&](const Arguments&) {
    std::cerr << "gatecheck " << name << ": not available in this build yet\n";
    return kExitUsage;
  });
}

}  // namespace

int run_main(const Args& args) {
  return pending("run", args);
}
int report_main(const Args& args) {
  return pending("report", args);
}
int checks_main(const Args& args) {
  return pending("checks", args);
}

}  // namespace gatecheck::cli
