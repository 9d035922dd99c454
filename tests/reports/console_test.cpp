// The console: a SHOULD finding is a warning, never counted as a failure of a passing run; --quiet keeps
// the failures and the verdict; the per-scenario progress lines a CI log shows; colour choices.
#include <cstdlib>
#include <sstream>

#include <gtest/gtest.h>

#include <gatecheck/reports/reports.hpp>

#include "sample_report.hpp"

namespace gatecheck::reports {
namespace {

using testing::sample_report;

std::string console(const runner::RunReport& report, ConsoleStyle style = {}) {
  std::ostringstream out;
  write_console(out, report, style);
  return out.str();
}

runner::RunReport passing_with_a_warning() {
  auto report = sample_report();
  report.suites[0].scenarios.erase(report.suites[0].scenarios.begin() + 1);
  return report;
}

TEST(ConsoleReport, APassingRunWithAShouldFindingSaysWarningNotFailed) {
  const std::string text = console(passing_with_a_warning());
  EXPECT_NE(
      text.find(
          "PASSED  1 passed, 0 failed, 1 skipped of 2 scenarios; 3 checks, 0 failed, 1 warning in 0.000 s"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("WARN  streaming / ok <one>"), std::string::npos);
}

TEST(ConsoleReport, QuietKeepsOnlyFailuresAndTheVerdict) {
  ConsoleStyle quiet;
  quiet.quiet = true;
  const std::string text = console(sample_report(), quiet);
  EXPECT_NE(text.find("FAIL  streaming / breaks"), std::string::npos) << text;
  EXPECT_EQ(text.find("SKIP"), std::string::npos);
  EXPECT_EQ(text.find("WARN"), std::string::npos);
  EXPECT_NE(text.find("FAILED  "), std::string::npos);
}

TEST(ConsoleReport, ProgressRecordsAreOneLinePerScenario) {
  const auto report = sample_report();
  runner::Progress progress{2, 3, 1, &report.suites[0].scenarios[1], report.suites[0].name};
  EXPECT_EQ(progress_record(progress, false), "[2/3] FAIL streaming / breaks (0.000 s)");
  EXPECT_EQ(progress_record(progress, true), "[2/3] \033[31mFAIL\033[0m streaming / breaks (0.000 s)");
}

TEST(ConsoleReport, ColourModesAndTheEnvironment) {
  EXPECT_EQ(parse_color_mode("always"), ColorMode::always);
  EXPECT_EQ(parse_color_mode("sometimes"), std::nullopt);
  const int not_a_terminal = -1;
  ::unsetenv("FORCE_COLOR");
  ::unsetenv("NO_COLOR");
  EXPECT_FALSE(color_wanted(not_a_terminal));
  EXPECT_TRUE(color_wanted(not_a_terminal, ColorMode::always));
  ::setenv("FORCE_COLOR", "1", 1);
  EXPECT_TRUE(color_wanted(not_a_terminal)) << "FORCE_COLOR colours a CI log";
  EXPECT_FALSE(color_wanted(not_a_terminal, ColorMode::never)) << "--color never wins";
  ::setenv("FORCE_COLOR", "0", 1);
  EXPECT_FALSE(color_wanted(not_a_terminal));
  ::unsetenv("FORCE_COLOR");
  ::setenv("NO_COLOR", "1", 1);
  EXPECT_FALSE(color_wanted(not_a_terminal));
  EXPECT_TRUE(color_wanted(not_a_terminal, ColorMode::always));
  ::unsetenv("NO_COLOR");
}

}  // namespace
}  // namespace gatecheck::reports
