#include <cstdio>
#include <iostream>
#include <string_view>

#include <gatecheck/core/document.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "version.hpp"

namespace gatecheck::cli {
namespace {

struct Subcommand {
  std::string_view name;
  std::string_view summary;
  int (*main)(const Args&);
};

constexpr Subcommand kSubcommands[] = {
    {"run", "Run conformance suites against a gateway, or against the embedded mock", run_main},
    {"gate", "Gate a gateway: the mock as its upstream, the suites through it, checks on what it forwarded",
     gate_main},
    {"mock", "Serve the OpenAI-compatible mock (profiles, fault modes, deterministic output)", mock_main},
    {"schema", "Validate JSON with JSON Schema 2020-12 / OpenAPI 3.1, lint OpenAPI documents", schema_main},
    {"report", "Convert and merge run reports (JSON to JUnit, HTML, Markdown)", report_main},
    {"check", "Judge recorded exchanges (cassettes, HAR files, SSE captures) offline", check_main},
    {"checks", "List the conformance checks with their ids, severities and references", checks_main},
    {"completion", "Print a shell completion script (bash, zsh, fish)", completion_main},
};

void print_help() {
  std::cout << "Usage: gatecheck <command> [options]\n\n"
               "gatecheck checks that an OpenAI-compatible AI gateway keeps its promises, and plays one.\n\n"
               "Commands:\n";
  for (const auto& sub : kSubcommands) {
    std::string name(sub.name);
    name.resize(12, ' ');
    std::cout << "  " << name << sub.summary << "\n";
  }
  std::cout << "\nOptions:\n  --help       Show this help (each command has its own: gatecheck run --help)\n"
               "  --version    Print the version\n\nExit codes:\n"
            << kExitCodeHelp << "\n\nDocumentation: docs/README.md\n";
}

}  // namespace

int run_command(const Command& spec, const Args& args, const std::function<int(const Arguments&)>& body,
                const ArgumentSource& more) {
  try {
    Arguments parsed = spec.parse(args);
    if (more && !parsed.help()) parsed = spec.parse(more(parsed, args));
    if (parsed.help()) {
      std::cout << spec.help();
      return kExitPassed;
    }
    return body(parsed);
  } catch (const UsageError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const core::LoadError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitUsage;
  }
}

}  // namespace gatecheck::cli

int main(int argc, char** argv) {
  using namespace gatecheck::cli;
  const Args all(argv + 1, argv + argc);
  if (all.empty() || all[0] == "--help" || all[0] == "-h" || all[0] == "help") {
    print_help();
    return all.empty() ? kExitUsage : kExitPassed;
  }
  if (all[0] == "--version" || all[0] == "-V") {
    std::cout << version_line() << "\n";
    return kExitPassed;
  }
  for (const auto& sub : kSubcommands) {
    if (all[0] == sub.name) {
      try {
        return sub.main(Args(all.begin() + 1, all.end()));
      } catch (const std::exception& e) {
        std::cerr << "gatecheck " << sub.name << ": internal error: " << e.what() << "\n";
        return kExitUsage;
      }
    }
  }
  std::cerr << "error: unknown command '" << all[0] << "' (see 'gatecheck --help')\n";
  return kExitUsage;
}
