// The options a run takes from the command line, read once for `gatecheck run` and `gatecheck gate`.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <gatecheck/runner/runner.hpp>

#include "arguments.hpp"

namespace gatecheck::cli {

// "A:B" -> {A, B}; UsageError naming `option` otherwise.
std::pair<std::string, std::string> split_once(const std::string& text, char separator,
                                               const std::string& option);
// The value of the environment variable an option names ("--api-key-env NAME"); "" when the option is absent,
// UsageError when the variable is unset or empty.
std::string env_value(const Arguments& a, const char* option);
// The run's options from the arguments a command declared (an option it does not declare reads as absent).
runner::RunOptions read_options(const Arguments& a);
// The selection checked before anything starts: UsageError when --tags, --grep or --shard keep no scenario,
// or when every one kept would be skipped (never an empty pass). With --list, prints what the run would
// report, each skip with its reason, and returns true.
bool list_selection(const Arguments& a, const std::vector<runner::Suite>& suites,
                    const runner::RunOptions& options);
// Runs, with progress on stderr: a live line on a terminal, else a line per finished scenario (and one after
// 10 s without any); none under --quiet. A suite's runtime mistake is a UsageError.
runner::RunReport run_with_progress(const Arguments& a, const std::vector<runner::Suite>& suites,
                                    const runner::RunOptions& options);

}  // namespace gatecheck::cli
