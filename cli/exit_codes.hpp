// The process exit codes, documented in docs/cli.md; CI jobs gate on them.
#pragma once

namespace gatecheck::cli {

enum ExitCode : int {
  kExitPassed = 0,       // everything ran and passed
  kExitFailures = 1,     // at least one check failed (at the --fail-on level)
  kExitUsage = 2,        // bad command line, unreadable or invalid suite/profile/config
  kExitUnreachable = 3,  // the target could not be reached at all
};

inline constexpr const char* kExitCodeHelp =
    "  0  everything passed\n"
    "  1  at least one check failed, or the run hit --max-duration\n"
    "  2  usage or configuration error (bad option, unreadable or invalid file, unwritable report path,\n"
    "     no scenario selected, the base path twice in --target, a missing or refused key)\n"
    "  3  the target could not be reached (no connection, no TLS, not HTTP, or no status line)";

// gatecheck check: no target, no run deadline.
inline constexpr const char* kCheckExitCodeHelp =
    "  0  every recording judged passed\n"
    "  1  at least one check failed, or nothing could be judged at all\n"
    "  2  usage error, or a recording that could not be read (file:line:column)";

}  // namespace gatecheck::cli
