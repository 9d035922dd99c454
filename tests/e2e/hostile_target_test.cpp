// A broken or hostile target gets failing checks with explanations, never a crash, a hang or a leaked key.
// The target here is the mock scripted with stubs (WireMock-style) to answer exactly what a hostile gateway
// would.
#include <functional>
#include <sstream>

#include <gtest/gtest.h>

#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/document.hpp>
#include <gatecheck/mock/server.hpp>
#include <gatecheck/reports/reports.hpp>
#include <gatecheck/runner/runner.hpp>
#include <gatecheck/vendor/profile.hpp>

#include "stubbed_target.hpp"
#include "test_server.hpp"

namespace gatecheck {
namespace {

using testing::answer;
using testing::run_suite;
constexpr const char* kKey = testing::kStubbedKey;

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

TEST(HostileTarget, ARedirectIsTheStepsOnlyFindingNotAPassOnNothing) {
  const auto moved = answer(302, "", {{"Location", "/v1/elsewhere"}}, "/v1/chat/completions");
  const auto report = run_suite(R"(suite: s
scenarios:
  - name: refused stream
    steps:
      - request:
          path: /chat/completions
          json: {model: gpt-4o-mini, stream: true, messages: [{role: user, content: hi}]}
        expect:
          checks: [error.http-status-before-stream, sse.done-sentinel]
        capture: {stream_id: "$.id"}
)",
                                {moved});
  const auto findings = failed(report);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings.front()->id, "http.final-status");
  EXPECT_NE(findings.front()->message.find("302"), std::string::npos) << findings.front()->message;
  EXPECT_FALSE(report.passed());
}

TEST(HostileTarget, AStepThatAsksForTheRedirectGetsIt) {
  const auto moved = answer(301, "", {{"Location", "/v2/models"}});
  const auto report = run_suite(R"(suite: s
scenarios:
  - name: moved on purpose
    steps:
      - request: {path: /models}
        expect: {status: 301}
)",
                                {moved});
  EXPECT_TRUE(failed(report).empty());
  EXPECT_TRUE(report.passed());
}

TEST(HostileTarget, ARunDeadlineCutsADribblingTargetAndTheRunIsIncomplete) {
  gatecheck::testing::TestServer dribbler(
      [](const gatecheck::testing::ReceivedRequest&, gatecheck::testing::Responder& out) {
        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n");
        for (int i = 0; i < 40; ++i) {  // a byte every 100 ms: never silent long enough for --timeout
          out.write(" ");
          out.pause(std::chrono::milliseconds(100));
        }
      });
  const std::string suite = R"(suite: s
scenarios:
  - {name: one, steps: [{request: {path: /models}, expect: {status: 200}}]}
  - {name: two, steps: [{request: {path: /models}, expect: {status: 200}}]}
  - {name: three, steps: [{request: {path: /models}, expect: {status: 200}}]}
)";
  runner::RunOptions run;
  run.target = dribbler.url("");
  run.profile = vendor::load_profile("openai");
  run.api_key = kKey;
  run.jobs = 1;
  run.timeout = std::chrono::milliseconds(1'000);
  run.max_duration = std::chrono::milliseconds(1'500);
  const auto started = std::chrono::steady_clock::now();
  const auto report = runner::run({runner::parse_suite(core::parse_yaml(suite, "dribble.yaml"))}, run);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
  EXPECT_FALSE(report.passed());
  EXPECT_NE(report.incomplete.find("--max-duration 1500ms"), std::string::npos) << report.incomplete;
  std::size_t cut = 0;
  for (const auto& scenario : report.suites.at(0).scenarios) {
    EXPECT_NE(scenario.outcome, runner::Outcome::passed) << scenario.name;
    cut += scenario.skip_reason.starts_with("run deadline reached") ? 1 : 0;
  }
  EXPECT_GE(cut, 2u);
  EXPECT_TRUE(failed(report).empty()) << "what the deadline cut off is not judged";
}

TEST(HostileTarget, AHeaderCredentialEchoedInAnyEncodingIsMaskedInEveryReport) {
  const std::string key = "AIzaSy-goog-hostile-key-987654321";
  std::string json_escaped;
  for (const char c : key) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
    json_escaped += buffer;
  }
  const std::string echoes[] = {key, core::base64_encode("k=" + key), json_escaped,
                                key.substr(0, 14) + "\n  " + key.substr(14)};
  for (const auto& echo : echoes) {
    const auto report =
        run_suite(R"(suite: s
scenarios:
  - name: echo
    steps:
      - request: {path: /models}
        expect:
          status: 200
          body: {contains: "never there"}
)",
                  {answer(200, "{\"you sent\": \"" + echo + "\"}")},
                  [&](runner::RunOptions& run) { run.extra_headers.add("x-goog-api-key", key); });
    ASSERT_FALSE(failed(report).empty());
    std::ostringstream console;
    reports::write_console(console, report, {});
    for (const std::string& text : {reports::json_report(report), reports::junit_xml(report),
                                    reports::html_report(report), console.str()}) {
      for (std::size_t i = 0; i + 10 <= key.size(); ++i)
        ASSERT_EQ(text.find(key.substr(i, 10)), std::string::npos)
            << "echo form " << echo << " leaked: " << text;
      EXPECT_EQ(text.find(echo), std::string::npos) << text;
    }
  }
}

// A suite's "integer" may be written 1e30; converting that double to int64 was undefined behaviour (the
// sanitizer build reports it).
TEST(HostileSuite, HugeMillisecondValuesAreClampedNotConverted) {
  const auto report = run_suite(R"(suite: s
scenarios:
  - name: patient
    steps:
      - request: {path: /models, timeout_ms: 1e30}
        expect: {status: 200}
)",
                                {answer(200, R"({"object":"list","data":[]})")});
  EXPECT_TRUE(report.passed());
}

}  // namespace
}  // namespace gatecheck
