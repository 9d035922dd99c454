// The vendor suites (suites/vendors/) check what each vendor claims beyond the OpenAI API. Each of their
// vendor-specific expectations is proven both ways here: it holds against the mock playing the vendor's
// profile, and it fails, for its reason, against the mock playing a profile that breaks that one claim
// (the suite is still judged under the vendor's true claims). The broken profiles extend the bundled ones
// and remove or change one member (JSON Merge Patch: null removes).
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

#include <gatecheck/mock/server.hpp>
#include <gatecheck/runner/runner.hpp>
#include <gatecheck/vendor/profile.hpp>

namespace gatecheck {
namespace {

namespace fs = std::filesystem;

struct Mismatch;
void PrintTo(const Mismatch& row, std::ostream* out);

struct Mismatch {
  const char* vendor;    // the bundled profile and suites/vendors/<vendor>.yaml
  const char* breaks;    // YAML merged over the vendor's profile for the mock
  const char* scenario;  // the scenario meant to notice
  const char* check;     // the assertion that fails
  const char* says;      // a fragment of its message
};

const Mismatch kMismatches[] = {
    {"simplio", "errors: {envelope: openai}", "a request without a key is a 401 with an integer code",
     "expect.json", "$.error.code"},
    {"simplio", "streaming: {always: false}", "stream false is streamed all the same", "expect.header",
     "content-type"},
    {"simplio", "limits: {max_body_bytes: 2097152}", "a body over 100 KB is a 413", "expect.status",
     "status"},
    {"simplio", "limits: {max_body_bytes: 99000}", "a body of 100,000 bytes is accepted", "expect.status",
     "status"},
    {"simplio", "idempotency: null", "the same Idempotency-Key and body get the first answer again",
     "expect.header", "x-trace-id"},
    {"simplio", "routing: {eco: null}", "Eco-mode answers gpt-4o requests from DeepSeek", "expect.header",
     "x-provider"},
    {"simplio", "routing: {fallback: null}", "Smart Fallback answers from Anthropic", "expect.status",
     "status"},
    {"simplio", "errors: {conditions: null}", "without Pro, a provider outage is a 402", "expect.status",
     "status"},
    {"simplio", "rate_limits: {plans: {free: {requests_per_second: 50}}}", "the Free plan allows 5 requests",
     "expect.header", "x-ratelimit-limit"},
    {"simplio", "response_headers: {x-provider: null}", "a DeepSeek model is answered by DeepSeek",
     "expect.header", "x-provider"},
    {"apertis", "rate_limits: {error: {type: requests}}",
     "past its rate limit a key gets the documented 429 body", "expect.json", "$.error.type"},
    {"apertis", "limits: {default_voice: null}", "speech without a voice is audio", "expect.status",
     "status"},
    {"siati", "limits: {penalties: [0, 1]}", "both penalties at their bounds are accepted", "expect.status",
     "status"},
    {"siati", "limits: {penalties: [-5, 5]}", "a presence_penalty past", "expect.status", "accepted"},
    {"simosphere", "rate_limits: {on_every_answer: false}", "errors carry X-RateLimit headers too",
     "expect.header", "X-RateLimit-Limit"},
    {"simosphere", "auth: {key_prefixes: [sk-other-]}", "rotating a key refuses the old one", "expect.json",
     "$.key"},
    {"apertis", "limits: {default_model: gpt-4o}", "a chat request without a model is refused",
     "expect.status", "accepted"},
    {"simplio",
     "models: {catalog: [{id: gpt-4o, kind: chat, owned_by: openai}, {id: deepseek-chat, kind: chat, "
     "owned_by: deepseek}, {id: claude-sonnet-4-5-20250929, kind: chat, owned_by: anthropic}, "
     "{id: text-embedding-3-small, kind: embedding}, {id: text-embedding-3-large, kind: embedding, "
     "dimensions: 1536}]}",
     "text-embedding-3-large gives 3072 dimensions", "expect.json", "embedding"},
    {"simplio", "limits: {temperature: [0, 1]}", "temperature at both ends of 0 to 2 is accepted",
     "expect.status", "status"},
    {"simosphere", "errors: {unknown_model: null}", "an unknown model is model_not_found with param model",
     "expect.error", "error.param"},
    {"simosphere", "models: {fields: null}", "the catalogue gives each model's context window", "expect.json",
     "context_window"},
    {"simosphere", "rate_limits: {plans: {professional: {requests_per_minute: 60}}}",
     "the Professional plan allows 600", "expect.header", "X-RateLimit-Limit"},
    {"simosphere", "errors: {conditions: {upstreams_down: {status: 502}}}",
     "a model backend that is down is a 503", "expect.status", "status"},
    {"simosphere", "errors: {conditions: {forbidden: {status: 401}}}", "a key without the scope is a 403",
     "expect.status", "status"},
};

void PrintTo(const Mismatch& row, std::ostream* out) {
  *out << row.vendor << " with " << row.breaks;
}

// The mock playing `mock_profile`, with a main key, a spare and a key on each plan, as the embedded mock has.
runner::RunReport run_vendor_suite(const std::string& vendor, const vendor::Profile& mock_profile,
                                   const std::string& grep) {
  mock::ServerOptions options;
  options.profile = mock_profile;
  options.threads = 2;
  options.log_format = mock::LogFormat::none;
  runner::RunOptions run;
  run.profile = vendor::load_profile(vendor);
  const std::string prefix = run.profile.key_prefixes.empty() ? "sk-" : run.profile.key_prefixes.front();
  run.api_key = prefix + "vendor-suite-main-0000";
  run.spare_api_key = prefix + "vendor-suite-spare-0000";
  run.admin_token = "vendor-suite-admin";
  options.keys.push_back({run.api_key, ""});
  options.keys.push_back({run.spare_api_key, ""});
  for (const auto& [plan, claims] : run.profile.rate_limits.plans) {
    run.plan_keys[plan] = prefix + "vendor-suite-" + plan + "-0000";
    options.keys.push_back({run.plan_keys[plan], plan});
  }
  options.admin_token = run.admin_token;
  mock::Server server(std::move(options));
  server.start();
  run.target = server.url();
  run.target_is_mock = true;
  run.jobs = 4;
  run.timeout = std::chrono::milliseconds(10'000);
  run.grep = grep;
  const auto suite =
      runner::load_suite(std::string(GATECHECK_SOURCE_DIR) + "/suites/vendors/" + vendor + ".yaml");
  auto report = runner::run({suite}, run);
  server.stop();
  return report;
}

vendor::Profile broken_profile(const Mismatch& row) {
  const fs::path file = fs::temp_directory_path() /
                        ("gatecheck-vendor-" + std::to_string(::getpid()) + "-" + row.vendor + ".yaml");
  std::ofstream(file) << "profile: broken-" << row.vendor << "\nextends: " << row.vendor << "\n"
                      << row.breaks << "\n";
  auto profile = vendor::load_profile(file.string());
  fs::remove(file);
  return profile;
}

TEST(VendorSuites, EachPassesAgainstTheMockPlayingItsProfile) {
  for (const char* vendor : {"simplio", "apertis", "siati", "simosphere"}) {
    const auto report = run_vendor_suite(vendor, vendor::load_profile(vendor), {});
    EXPECT_TRUE(report.passed()) << vendor;
    EXPECT_EQ(report.totals().skipped, 0u) << vendor << ": the embedded mock meets every requirement";
  }
}

class VendorMismatch : public ::testing::TestWithParam<Mismatch> {};

TEST_P(VendorMismatch, FailsTheScenarioMeantToNotice) {
  const Mismatch& row = GetParam();
  const auto report = run_vendor_suite(row.vendor, broken_profile(row), row.scenario);
  ASSERT_EQ(report.suites.size(), 1u);
  ASSERT_EQ(report.suites[0].scenarios.size(), 1u) << "the grep names one scenario: " << row.scenario;
  const auto& scenario = report.suites[0].scenarios[0];
  EXPECT_EQ(scenario.outcome, runner::Outcome::failed) << row.breaks << " was not noticed";
  bool found = false;
  for (const auto& step : scenario.steps)
    for (const auto& check : step.checks)
      if (check.is_finding() && check.id == row.check &&
          (check.message + check.expected + check.actual).find(row.says) != std::string::npos)
        found = true;
  EXPECT_TRUE(found) << row.breaks << ": no " << row.check << " failure mentioning " << row.says;
}

INSTANTIATE_TEST_SUITE_P(EveryVendorClaim, VendorMismatch, ::testing::ValuesIn(kMismatches),
                         [](const ::testing::TestParamInfo<Mismatch>& param) {
                           return std::string(param.param.vendor) + "_" + std::to_string(param.index);
                         });

}  // namespace
}  // namespace gatecheck
