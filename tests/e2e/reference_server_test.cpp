// The bundled suites against a second conformant server that is not the mock (tests/reference_server: written
// from the OpenAI reference, with legal wire variants the mock does not use: CRLF and space-less SSE fields,
// comments, lower-case header names, media-type parameters, Retry-After as an HTTP-date). Every scenario it
// serves passes, with no failure at any severity, and none passes on nothing: the only skips are scenarios
// that need gatecheck's mock. Recorded, the same exchanges pass `gatecheck check` too: the offline checks are
// not tuned to the mock's wire habits either.
#include "reference_server/reference_server.hpp"

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/runner/offline.hpp>
#include <gatecheck/runner/runner.hpp>
#include <gatecheck/vendor/profile.hpp>

namespace gatecheck {
namespace {

TEST(ReferenceServer, PassesEveryBundledScenarioItServesWithNoFailureAndNoVacuousPass) {
  testing::ReferenceServer server;
  server.start();
  runner::RunOptions run;
  run.target = server.url();
  run.profile = vendor::load_profile("openai");
  run.api_key = "sk-ref-test-0000";
  run.fail_on = runner::Severity::should;  // a SHOULD finding is a false failure too
  run.timeout = std::chrono::milliseconds(10'000);
  const auto recorded =
      std::filesystem::temp_directory_path() / ("gatecheck-reference-" + std::to_string(::getpid()));
  run.record_dir = recorded.string();
  const auto report = runner::run(runner::load_bundled_suites(), run);
  server.stop();

  std::size_t passed = 0;
  for (const auto& suite : report.suites) {
    for (const auto& scenario : suite.scenarios) {
      const std::string title = suite.name + " / " + scenario.name;
      if (scenario.outcome == runner::Outcome::passed) ++passed;
      if (scenario.outcome == runner::Outcome::skipped) {
        EXPECT_THAT(scenario.skip_reason, ::testing::HasSubstr("needs gatecheck's mock")) << title;
      }
      for (const auto& step : scenario.steps)
        for (const auto& check : step.checks)
          EXPECT_TRUE(check.passed) << title << ": " << check.id << ": " << check.message << " (expected "
                                    << check.expected << ", actual " << check.actual << ")";
    }
  }
  EXPECT_TRUE(report.passed());
  EXPECT_GE(passed, 45u) << "the reference server serves every bundled suite";

  runner::OfflineOptions offline;
  offline.fail_on = runner::Severity::should;
  const auto checked = runner::check_recordings(cassette::load(recorded), offline);
  std::size_t judged = 0;
  for (const auto& suite : checked.suites)
    for (const auto& scenario : suite.scenarios) {
      judged += scenario.outcome == runner::Outcome::passed ? 1 : 0;
      for (const auto& step : scenario.steps)
        for (const auto& check : step.checks)
          EXPECT_TRUE(check.passed) << scenario.location << ": " << check.id << ": " << check.message;
    }
  EXPECT_GE(judged, 100u) << "every recorded exchange of the reference server is judged offline";
  std::filesystem::remove_all(recorded);
}

}  // namespace
}  // namespace gatecheck
