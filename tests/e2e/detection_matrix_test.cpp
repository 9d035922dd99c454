// The proof that every check can fail for the right reason: the bundled suites pass against the correct mock,
// and against the mock broken by each fault of the catalog exactly the check meant to catch that fault fails
// (no other catalog check does). The OpenAI suites run against the openai profile, the SIMOSphere suite
// (webhooks, keys, discovery) against its own. Prints the detection matrix.
#include <algorithm>
#include <cstdio>
#include <map>
#include <ostream>
#include <set>

#include <gtest/gtest.h>

#include <gatecheck/mock/server.hpp>
#include <gatecheck/runner/checks.hpp>
#include <gatecheck/runner/runner.hpp>
#include <gatecheck/vendor/profile.hpp>

namespace gatecheck::mock {
// Test names and failures show the fault's name, not its bytes.
void PrintTo(const FaultInfo& info, std::ostream* out) {
  *out << info.name;
}
}  // namespace gatecheck::mock

namespace gatecheck {
namespace {

constexpr const char* kKey = "sk-simo-matrix-main-0000";
constexpr const char* kSpare = "sk-simo-matrix-spare-0000";
constexpr const char* kAdmin = "matrix-admin-token";

struct Findings {
  std::map<std::string, int> checks;      // catalog checks that failed, with counts
  std::map<std::string, int> assertions;  // suite assertions (expect.*) that failed
  bool passed = true;
  std::size_t skipped = 0;
  std::vector<std::string> skip_reasons;
};

// One run of `suites` against the mock playing `profile`, broken by `faults`.
void run_against(const std::string& profile, const std::vector<runner::Suite>& suites,
                 const std::vector<mock::FaultSpec>& faults, const std::string& grep, Findings& findings) {
  mock::ServerOptions options;
  options.profile = vendor::load_profile(profile);
  options.threads = 2;
  options.log_format = mock::LogFormat::none;
  options.faults = faults;
  options.keys.push_back({kKey, ""});
  options.keys.push_back({kSpare, ""});
  options.admin_token = kAdmin;
  std::map<std::string, std::string> plan_keys;  // a key on each plan, as the embedded mock has
  for (const auto& [plan, claims] : options.profile.rate_limits.plans) {
    plan_keys[plan] = std::string("sk-matrix-") + plan + "-0000";
    options.keys.push_back({plan_keys[plan], plan});
  }
  mock::Server server(std::move(options));
  server.start();

  runner::RunOptions run;
  run.target = server.url();
  run.profile = vendor::load_profile(profile);
  run.api_key = kKey;
  run.spare_api_key = kSpare;
  run.plan_keys = plan_keys;
  run.admin_token = kAdmin;
  run.target_is_mock = true;
  run.jobs = 4;
  run.timeout = std::chrono::milliseconds(10'000);
  run.grep = grep;
  const auto report = runner::run(suites, run);
  server.stop();
  findings.passed &= report.passed();
  findings.skipped += report.totals().skipped;
  for (const auto& suite : report.suites)
    for (const auto& scenario : suite.scenarios)
      if (scenario.outcome == runner::Outcome::skipped) findings.skip_reasons.push_back(scenario.skip_reason);
  for (const auto& suite : report.suites)
    for (const auto& scenario : suite.scenarios)
      for (const auto& step : scenario.steps)
        for (const auto& check : step.checks)
          if (check.is_finding())  // a consequence shown under its cause is not another detection
            ++(runner::find_check(check.id) ? findings.checks : findings.assertions)[check.id];
}

Findings run_against(const std::vector<mock::FaultSpec>& faults, const std::string& grep = {}) {
  Findings findings;
  run_against("openai", runner::load_bundled_suites(), faults, grep, findings);
  const auto vendor = std::string(GATECHECK_SOURCE_DIR) + "/suites/vendors/simosphere.yaml";
  run_against("simosphere", {runner::load_suite(vendor)}, faults, grep, findings);
  return findings;
}

// A catalog entry names one check, or a family ("discovery.*") when the fault breaks a family of documents.
bool meant(std::string_view meant_check, const std::string& failed) {
  if (meant_check.ends_with(".*")) return failed.starts_with(meant_check.substr(0, meant_check.size() - 1));
  return failed == meant_check;
}

std::string join(const std::map<std::string, int>& counts) {
  std::string out;
  for (const auto& [id, count] : counts)
    out += (out.empty() ? "" : ", ") + id + " x" + std::to_string(count);
  return out.empty() ? "-" : out;
}

TEST(DetectionMatrix, TheBundledSuitesPassAgainstTheCorrectMock) {
  const auto findings = run_against({});
  EXPECT_TRUE(findings.passed);
  EXPECT_TRUE(findings.checks.empty()) << join(findings.checks);
  EXPECT_TRUE(findings.assertions.empty()) << join(findings.assertions);
  EXPECT_EQ(findings.skipped, 0u) << "the mocks claim every capability the suites need";
}

// Every bundled profile: the OpenAI suites pass against the mock playing it, and a scenario is skipped only
// for what the profile claims (a capability it lacks, answers it always streams), never because it judged
// nothing.
TEST(DetectionMatrix, TheBundledSuitesPassAgainstTheMockUnderEveryProfile) {
  for (const auto& name : vendor::bundled_profile_names()) {
    Findings findings;
    run_against(name, runner::load_bundled_suites(), {}, {}, findings);
    EXPECT_TRUE(findings.passed) << name;
    EXPECT_TRUE(findings.checks.empty()) << name << ": " << join(findings.checks);
    EXPECT_TRUE(findings.assertions.empty()) << name << ": " << join(findings.assertions);
    for (const auto& reason : findings.skip_reasons)
      EXPECT_TRUE(reason.find("does not claim") != std::string::npos ||
                  reason.find("streams every answer (streaming.always)") != std::string::npos)
          << name << ": " << reason;
  }
}

// One test per fault, so that ctest runs them in parallel and each has its own time limit (a sanitizer build
// is several times slower than a plain one).
class FaultDetection : public ::testing::TestWithParam<mock::FaultInfo> {};

TEST_P(FaultDetection, FailsExactlyTheCheckMeantToCatchIt) {
  const mock::FaultInfo& info = GetParam();
  std::vector<mock::FaultSpec> faults{{info.fault, std::nullopt}};
  std::string grep;
  if (info.fault == mock::Fault::slow_first_byte) {
    // Every request waits: keep to the streams, whose first event has a deadline (1000 ms in the suite).
    faults.front().parameter = 1500;
    grep = "^streaming /";
  }
  if (info.fault == mock::Fault::webhook_late) {
    faults.front().parameter = 2500;  // past the suite's 2000 ms deadline
    grep = "^simosphere /";
  }
  const auto findings = run_against(faults, grep);
  std::printf("%-28s %-34s %s | %s\n", std::string(info.name).c_str(), std::string(info.check).c_str(),
              join(findings.checks).c_str(), join(findings.assertions).c_str());
  std::map<std::string, int> others;
  // A fault may be meant for a suite assertion (escaping-breaks: expect.status); other assertions may fail
  // along, but no catalog check other than the one meant may.
  bool detected = findings.assertions.count(std::string(info.check)) > 0;
  for (const auto& [id, count] : findings.checks) {
    if (meant(info.check, id)) {
      detected = true;
    } else {
      others[id] = count;
    }
  }
  EXPECT_TRUE(detected) << "fault " << info.name << " was not detected by " << info.check
                        << "; failed: " << join(findings.checks);
  EXPECT_TRUE(others.empty()) << "fault " << info.name << " also failed unrelated checks: " << join(others);
}

// Vendor conditions are not defects: the vendor suites reach them on purpose (vendor_suites_test.cpp).
std::vector<mock::FaultInfo> defects() {
  std::vector<mock::FaultInfo> out;
  for (const auto& info : mock::fault_catalog())
    if (info.check != "vendor condition") out.push_back(info);
  return out;
}

INSTANTIATE_TEST_SUITE_P(EveryFault, FaultDetection, ::testing::ValuesIn(defects()),
                         [](const ::testing::TestParamInfo<mock::FaultInfo>& param) {
                           std::string name(param.param.name);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// With each fault proven to fail its check above, every check of the catalog must be some fault's target.
// The upstream.* checks judge a gateway, not the mock: each is proven against a defect of the test gateway
// instead (gate_test.cpp, Gate.EveryUpstreamCheckFailsAgainstADefect).
TEST(DetectionMatrix, EveryCatalogCheckIsTheTargetOfSomeFault) {
  for (const auto& check : runner::check_catalog()) {
    if (check.scope == runner::CheckScope::upstream) continue;
    const bool targeted =
        std::any_of(mock::fault_catalog().begin(), mock::fault_catalog().end(),
                    [&](const mock::FaultInfo& info) { return meant(info.check, std::string(check.id)); });
    EXPECT_TRUE(targeted) << check.id << " has no fault that proves it can fail";
  }
}

}  // namespace
}  // namespace gatecheck
