// The proof that every check can fail for the right reason: the bundled suites pass against the correct mock,
// and against the mock broken by each fault of the catalog exactly the check meant to catch that fault fails
// (no other catalog check does). Prints the detection matrix.
#include <cstdio>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include <gatecheck/core/profile.hpp>
#include <gatecheck/mock/server.hpp>
#include <gatecheck/runner/checks.hpp>
#include <gatecheck/runner/runner.hpp>

namespace gatecheck {
namespace {

constexpr const char* kKey = "sk-gatecheck-matrix-0000";

struct Findings {
  std::map<std::string, int> checks;      // catalog checks that failed, with counts
  std::map<std::string, int> assertions;  // suite assertions (expect.*) that failed
  runner::RunReport report;
};

Findings run_against(const std::vector<mock::FaultSpec>& faults, const std::string& grep = {}) {
  mock::ServerOptions options;
  options.profile = core::load_profile("openai");
  options.threads = 2;
  options.log_format = mock::LogFormat::none;
  options.faults = faults;
  options.keys.push_back({kKey, ""});
  mock::Server server(std::move(options));
  server.start();

  runner::RunOptions run;
  run.target = server.url();
  run.profile = core::load_profile("openai");
  run.api_key = kKey;
  run.target_is_mock = true;
  run.jobs = 4;
  run.timeout = std::chrono::milliseconds(10'000);
  run.grep = grep;
  Findings findings;
  findings.report = runner::run(runner::load_bundled_suites(), run);
  server.stop();
  for (const auto& suite : findings.report.suites)
    for (const auto& scenario : suite.scenarios)
      for (const auto& step : scenario.steps)
        for (const auto& check : step.checks)
          if (!check.passed)
            ++(runner::find_check(check.id) ? findings.checks : findings.assertions)[check.id];
  return findings;
}

std::string join(const std::map<std::string, int>& counts) {
  std::string out;
  for (const auto& [id, count] : counts)
    out += (out.empty() ? "" : ", ") + id + " x" + std::to_string(count);
  return out.empty() ? "-" : out;
}

TEST(DetectionMatrix, TheBundledSuitesPassAgainstTheCorrectMock) {
  const auto findings = run_against({});
  EXPECT_TRUE(findings.report.passed());
  EXPECT_TRUE(findings.checks.empty()) << join(findings.checks);
  EXPECT_TRUE(findings.assertions.empty()) << join(findings.assertions);
  EXPECT_EQ(findings.report.totals().skipped, 0u) << "the embedded mock claims every bundled capability";
}

TEST(DetectionMatrix, EachFaultFailsExactlyTheCheckMeantToCatchIt) {
  std::printf("\n%-28s %-34s %s\n", "fault", "check meant to catch it",
              "catalog checks that failed | suite assertions that failed");
  std::set<std::string> detected_checks;
  for (const auto& info : mock::fault_catalog()) {
    std::vector<mock::FaultSpec> faults{{info.fault, std::nullopt}};
    std::string grep;
    if (info.fault == mock::Fault::slow_first_byte) {
      // Every request waits: keep to the streams, whose first event has a deadline (1000 ms in the suite).
      faults.front().parameter = 1500;
      grep = "^streaming /";
    }
    const auto findings = run_against(faults, grep);
    std::printf("%-28s %-34s %s | %s\n", std::string(info.name).c_str(), std::string(info.check).c_str(),
                join(findings.checks).c_str(), join(findings.assertions).c_str());
    EXPECT_EQ(findings.checks.count(std::string(info.check)), 1u)
        << "fault " << info.name << " was not detected by " << info.check
        << "; failed: " << join(findings.checks);
    std::map<std::string, int> others = findings.checks;
    others.erase(std::string(info.check));
    EXPECT_TRUE(others.empty()) << "fault " << info.name << " also failed unrelated checks: " << join(others);
    detected_checks.insert(std::string(info.check));
  }
  std::printf("%zu faults, %zu distinct checks proven to fail\n", mock::fault_catalog().size(),
              detected_checks.size());
}

}  // namespace
}  // namespace gatecheck
