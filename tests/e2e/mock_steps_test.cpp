// Suites that script the mock (stub steps) and verify what reached it (verify steps), run by the real runner
// against the real mock over loopback.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <gatecheck/core/document.hpp>
#include <gatecheck/mock/server.hpp>
#include <gatecheck/net/http_client.hpp>
#include <gatecheck/net/http_receiver.hpp>
#include <gatecheck/runner/runner.hpp>
#include <gatecheck/vendor/profile.hpp>

namespace gatecheck {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr const char* kToken = "admin-token-mock-steps";

struct Run {
  runner::RunReport report;
  json stubs_left;
};

Run run_against_mock(const std::string& suite_yaml, bool admin = true) {
  mock::ServerOptions options;
  options.profile = vendor::load_profile("openai");
  options.threads = 1;
  options.log_format = mock::LogFormat::none;
  options.admin_token = kToken;
  mock::Server server(std::move(options));
  server.start();
  runner::RunOptions run;
  run.target = server.url();
  run.profile = vendor::load_profile("openai");
  run.api_key = "sk-mock-steps-key-0000";
  run.timeout = std::chrono::milliseconds(5'000);
  run.target_is_mock = true;
  if (admin) run.admin_token = kToken;
  Run out;
  out.report = runner::run({runner::parse_suite(core::parse_yaml(suite_yaml, "mock-steps.yaml"))}, run);
  net::HttpClient client;
  const auto stubs = client.send(
      {"GET", server.url() + "/admin/stubs", {{"Authorization", std::string("Bearer ") + kToken}}, {}});
  out.stubs_left = json::parse(stubs.body)["data"];
  server.stop();
  return out;
}

const runner::ScenarioResult& only_scenario(const Run& run) {
  return run.report.suites.at(0).scenarios.at(0);
}

std::vector<const runner::CheckResult*> findings(const runner::ScenarioResult& scenario) {
  std::vector<const runner::CheckResult*> out;
  for (const auto& step : scenario.steps)
    for (const auto& check : step.checks)
      if (check.is_finding()) out.push_back(&check);
  return out;
}

constexpr const char* kFlakyUpstream = R"(suite: scripted upstream
vars:
  model: gpt-4o-mini
scenarios:
  - name: fail once, then answer
    steps:
      - stub:
          scenario: flaky
          required_state: Started
          new_state: failed
          request: {model: "{{ vars.model }}", body: {contains: "gatecheck:flaky"}}
          response: {status: 503, json: {error: {message: "upstream busy for {{ request.body.model }}", type: server_error, param: null, code: null}}}
      - stub:
          scenario: flaky
          required_state: failed
          request: {model: "{{ vars.model }}"}
          response: {answer: {content: "Recovered."}}
      - request:
          path: /chat/completions
          json: {model: "{{ vars.model }}", messages: [{role: user, content: "gatecheck:flaky hello"}]}
        expect:
          status: 503
          json: {$.error.message: "upstream busy for gpt-4o-mini"}
      - request:
          path: /chat/completions
          json: {model: "{{ vars.model }}", messages: [{role: user, content: "gatecheck:flaky hello"}]}
        expect:
          status: 200
          json:
            $.choices[0].message.content: Recovered.
      - verify:
          request: {method: POST, path: /v1/chat/completions, model: gpt-4o-mini}
          count: 2
)";

TEST(MockSteps, AScenarioScriptsTheUpstreamAssertsOnItAndLeavesNoStubBehind) {
  const auto run = run_against_mock(kFlakyUpstream);
  const auto& scenario = only_scenario(run);
  EXPECT_EQ(scenario.outcome, runner::Outcome::passed) << scenario.skip_reason;
  for (const auto* finding : findings(scenario))
    ADD_FAILURE() << finding->id << ": " << finding->message;
  EXPECT_TRUE(run.stubs_left.empty()) << run.stubs_left.dump();
}

TEST(MockSteps, AVerifyThatCountsWrongFailsNamingTheNearestRequests) {
  const auto run = run_against_mock(R"(suite: s
scenarios:
  - name: the gateway should have rewritten the model
    steps:
      - request:
          path: /chat/completions
          json: {model: gpt-4o-mini, messages: [{role: user, content: hi}]}
        expect: {status: 200}
      - verify:
          request: {path: /v1/chat/completions, model: gpt-4o}
)");
  const auto& scenario = only_scenario(run);
  EXPECT_EQ(scenario.outcome, runner::Outcome::failed);
  const auto found = findings(scenario);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->id, "verify.count");
  EXPECT_THAT(found[0]->message, HasSubstr("nearest: POST /v1/chat/completions"));
  EXPECT_THAT(found[0]->message, HasSubstr("expected 'gpt-4o', got 'gpt-4o-mini'"));
  EXPECT_EQ(found[0]->actual, "0");
}

TEST(MockSteps, AStubTheMockRefusesIsAFindingWithTheMocksReason) {
  const auto run = run_against_mock(R"(suite: s
scenarios:
  - name: a fault that does not exist
    steps:
      - stub: {response: {fault: no-such-fault}}
      - request: {path: /models}
        expect: {status: 200}
)");
  const auto found = findings(only_scenario(run));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->id, "suite.stub");
  EXPECT_THAT(found[0]->message, HasSubstr("/response/fault"));
}

TEST(MockSteps, AnAdminApiThatIsNotTheMocksFailsTheScenarioSayingWhatItSaw) {
  net::HttpReceiver not_a_mock("127.0.0.1", 0);  // answers 200 with no body to everything
  runner::RunOptions run;
  run.target = "http://127.0.0.1:" + std::to_string(not_a_mock.port());
  run.profile = vendor::load_profile("openai");
  run.api_key = "sk-mock-steps-key-0000";
  run.timeout = std::chrono::milliseconds(5'000);
  run.target_is_mock = true;
  run.admin_token = kToken;
  const auto report =
      runner::run({runner::parse_suite(core::parse_yaml(kFlakyUpstream, "mock-steps.yaml"))}, run);
  const auto& scenario = report.suites.at(0).scenarios.at(0);
  EXPECT_EQ(scenario.outcome, runner::Outcome::failed) << "never a pass on nothing";
  ASSERT_FALSE(scenario.steps.empty());
  EXPECT_EQ(scenario.steps[0].checks.at(0).id, "suite.mock");
  EXPECT_THAT(scenario.steps[0].checks.at(0).message, HasSubstr("did not answer as gatecheck's mock does"));
  not_a_mock.stop();
}

TEST(MockSteps, WithoutTheAdminTokenTheScenarioIsSkippedSayingWhy) {
  const auto run = run_against_mock(kFlakyUpstream, false);
  const auto& scenario = only_scenario(run);
  EXPECT_EQ(scenario.outcome, runner::Outcome::skipped);
  EXPECT_THAT(scenario.skip_reason, HasSubstr("admin token"));
}

TEST(MockSteps, MistakesInStubAndVerifyStepsAreLoadErrorsWithPositions) {
  const auto load = [](const std::string& yaml) {
    try {
      runner::parse_suite(core::parse_yaml(yaml, "bad.yaml"));
    } catch (const core::LoadError& e) {
      return std::string(e.what());
    }
    return std::string("loaded");
  };
  EXPECT_THAT(load("suite: s\nscenarios:\n  - name: x\n    steps:\n      - stub:\n          request: {model: "
                   "{regex: x}}\n"
                   "          response: {json: {}}\n"),
              HasSubstr("bad.yaml:6:"));
  EXPECT_THAT(load("suite: s\nscenarios:\n  - name: x\n    steps:\n      - stub: {response: {json: {a: \"{{ "
                   "nope.x }}\"}}}\n"),
              HasSubstr("unknown name 'nope'"));
  EXPECT_THAT(load("suite: s\nscenarios:\n  - name: x\n    steps:\n      - verify: {request: {pth: /v1}}\n"),
              HasSubstr("bad.yaml:5:"));
  EXPECT_THAT(load("suite: s\nscenarios:\n  - name: x\n    steps:\n      - request: {path: \"/{{ "
                   "request.body }}\"}\n"),
              HasSubstr("unknown name 'request'"))
      << "the mock's names belong in stub steps only";
}

}  // namespace
}  // namespace gatecheck
