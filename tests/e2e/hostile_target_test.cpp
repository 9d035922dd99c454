// A broken or hostile target gets failing checks with explanations, never a crash, a hang or a leaked key.
// The target here is the mock scripted with stubs (WireMock-style) to answer exactly what a hostile gateway
// would.
#include <gtest/gtest.h>

#include <gatecheck/core/document.hpp>
#include <gatecheck/core/profile.hpp>
#include <gatecheck/mock/server.hpp>
#include <gatecheck/runner/runner.hpp>

namespace gatecheck {
namespace {

constexpr const char* kKey = "sk-hostile-target-key-9876";

runner::RunReport run_suite(const std::string& suite_yaml, std::vector<mock::Stub> stubs) {
  mock::ServerOptions options;
  options.profile = core::load_profile("openai");
  options.threads = 1;
  options.log_format = mock::LogFormat::none;
  options.stubs = std::move(stubs);
  mock::Server server(std::move(options));
  server.start();
  runner::RunOptions run;
  run.target = server.url();
  run.profile = core::load_profile("openai");
  run.api_key = kKey;
  run.timeout = std::chrono::milliseconds(5'000);
  run.max_retry_wait = std::chrono::milliseconds(2'000);
  auto report = runner::run({runner::parse_suite(core::parse_yaml(suite_yaml, "hostile.yaml"))}, run);
  server.stop();
  return report;
}

mock::Stub answer(int status, std::string body,
                  std::vector<std::pair<std::string, std::string>> headers = {}) {
  mock::Stub stub;
  stub.path = "/v1/models";
  stub.responses.push_back({status, std::move(headers), std::move(body)});
  return stub;
}

std::vector<const runner::CheckResult*> failed(const runner::RunReport& report) {
  std::vector<const runner::CheckResult*> out;
  for (const auto& suite : report.suites)
    for (const auto& scenario : suite.scenarios)
      for (const auto& step : scenario.steps)
        for (const auto& check : step.checks)
          if (!check.passed) out.push_back(&check);
  return out;
}

TEST(HostileTarget, DeeplyNestedJsonIsNotJsonNotAStackOverflow) {
  const std::string deep = std::string(50'000, '[') + std::string(50'000, ']');
  const auto report = run_suite(R"(suite: s
scenarios:
  - name: deep
    steps:
      - request: {path: /models}
        expect:
          json: {$.object: list}
        capture: {x: $.data}
)",
                                {answer(200, deep, {{"Content-Type", "application/json"}})});
  const auto findings = failed(report);
  ASSERT_FALSE(findings.empty());
  EXPECT_EQ(findings.front()->id, "expect.json");
  EXPECT_EQ(findings.front()->actual, "absent");
}

TEST(HostileTarget, AKeyEchoedByTheTargetIsMaskedInEveryFinding) {
  const auto report = run_suite(R"(suite: s
scenarios:
  - name: echo
    steps:
      - request: {path: /models}
        expect:
          status: 200
          body: {contains: "ok"}
          checks: [error.envelope]
)",
                                {answer(401, std::string("Invalid key ") + kKey + " provided")});
  const std::string json = runner::to_json(report).dump();
  EXPECT_EQ(json.find(kKey), std::string::npos) << json;
  EXPECT_FALSE(failed(report).empty());
}

TEST(HostileTarget, ABurstAnsweredOnlyWith429HasNothingToPassWith) {
  const auto report = run_suite(
      R"(suite: s
scenarios:
  - name: always 429
    steps:
      - burst: {count: 3, request: {path: /models}}
        expect:
          status: 200
          json: {$.object: list}
)",
      {answer(429, R"({"error":{"message":"slow down","type":"requests","param":null,"code":null}})",
              {{"Retry-After", "1"}})});
  const auto findings = failed(report);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_NE(findings.front()->message.find("every answer of the burst was a 429"), std::string::npos);
}

TEST(HostileTarget, AnEndlessRetryAfterIsReportedNotWaitedForOrCrashedOn) {
  const auto started = std::chrono::steady_clock::now();
  const auto report = run_suite(R"(suite: s
scenarios:
  - name: wait forever
    steps:
      - request: {path: /models}
        expect:
          status: 200
          checks: [ratelimit.retry-after-on-429]
)",
                                {answer(429, "{}", {{"Retry-After", std::string(400, '9')}})});
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  const auto& step = report.suites.at(0).scenarios.at(0).steps.at(0);
  ASSERT_FALSE(step.notes.empty());
  EXPECT_NE(step.notes.front().find("more than the run allows"), std::string::npos) << step.notes.front();
  for (const auto& check : step.checks)
    EXPECT_NE(check.id, "runner.internal") << check.message;
}

}  // namespace
}  // namespace gatecheck
