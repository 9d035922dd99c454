// The subcommands of `gatecheck`. Each takes its arguments (after the subcommand name) and returns an exit
// code.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "arguments.hpp"

namespace gatecheck::cli {

using Args = std::vector<std::string>;

int mock_main(const Args& args);
int run_main(const Args& args);
int schema_main(const Args& args);
int report_main(const Args& args);
int checks_main(const Args& args);
int check_main(const Args& args);
int gate_main(const Args& args);

// Each command's declaration (its options, their help): parsing, --help and the shell completions read it.
Command mock_spec();
Command run_spec();
Command gate_spec();
Command report_spec();
Command check_spec();
Command checks_spec();
Command validate_spec();  // gatecheck schema validate
Command lint_spec();      // gatecheck schema lint

// gatecheck completion bash|zsh|fish: the script for that shell, made from the declarations above.
int completion_main(const Args& args);

// The whole argument list once the first parse is known (a gate file's settings put before the options).
using ArgumentSource = std::function<Args(const Arguments& parsed, const Args& given)>;

// Parses with `spec` (again over what `more` returns, when given), prints --help, turns UsageError and
// configuration errors into exit code 2.
int run_command(const Command& spec, const Args& args, const std::function<int(const Arguments&)>& body,
                const ArgumentSource& more = {});

}  // namespace gatecheck::cli
