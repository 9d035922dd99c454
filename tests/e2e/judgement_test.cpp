// Nothing passes without judging: a scenario whose checks had nothing to judge is skipped with the reason in
// every report; a control that never reached the mock is named; one root cause is one finding, the rest
// shown as caused by it; an accepted out-of-range value is named; a limit above the burst cap is no failure.
// The targets are the mock scripted with stubs to answer as the broken gateways in the issue did.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <gatecheck/reports/reports.hpp>

#include "stubbed_target.hpp"

namespace gatecheck {
namespace {

using testing::answer;
using ::testing::HasSubstr;
using testing::run_suite;

const std::vector<std::pair<std::string, std::string>> kSse = {{"Content-Type", "text/event-stream"}};
const std::vector<std::pair<std::string, std::string>> kJson = {{"Content-Type", "application/json"}};

std::string chunk(const std::string& delta, const std::string& finish = "null") {
  return R"(data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":)" +
         delta + R"(,"finish_reason":)" + finish + "}]}\n\n";
}

// A complete, correct stream: what a gateway that dropped the stream-error control passes on.
const std::string kCompleteStream = chunk(R"({"role":"assistant","content":""})") +
                                    chunk(R"({"content":"Hi"})") + chunk("{}", "\"stop\"") +
                                    "data: [DONE]\n\n";

const std::string kCompletion =
    R"({"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,)"
    R"("message":{"role":"assistant","content":"Hi","refusal":null},"logprobs":null,"finish_reason":"stop"}],)"
    R"("usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}})";

// A step whose one check judges an error the x-gatecheck-stream-error-after control injects.
const std::string kStreamErrorSuite = R"(suite: s
scenarios:
  - name: an error after the first token arrives as a structured event
    steps:
      - request:
          path: /chat/completions
          headers: {x-gatecheck-stream-error-after: "1"}
          json: {model: gpt-4o-mini, messages: [{role: user, content: Hi}], stream: true}
        expect:
          status: 200
          checks: [error.structured-in-stream]
)";

const runner::ScenarioResult& only(const runner::RunReport& report) {
  return report.suites.at(0).scenarios.at(0);
}

// A gateway that drops the control: the mock answers a complete stream and says no control arrived.
TEST(Judgement, AnInjectedErrorThatNeverCameIsASkipNamingTheControlInEveryReport) {
  auto headers = kSse;
  headers.emplace_back("x-gatecheck-honoured", "none");
  const auto report =
      run_suite(kStreamErrorSuite, {answer(200, kCompleteStream, headers, "/v1/chat/completions")});
  const auto& scenario = only(report);
  ASSERT_EQ(scenario.outcome, runner::Outcome::skipped);
  EXPECT_THAT(scenario.skip_reason,
              HasSubstr("the x-gatecheck-stream-error-after control did not reach the mock (its answer does "
                        "not list it in x-gatecheck-honoured): nothing was injected"));
  EXPECT_TRUE(report.passed()) << "a skip is not a failure";
  std::ostringstream console;
  reports::write_console(console, report, {});
  EXPECT_THAT(console.str(), HasSubstr("SKIP  s / an error after the first token"));
  EXPECT_THAT(reports::junit_xml(report), HasSubstr("<skipped message=\"step &apos;POST /chat/completions"));
  EXPECT_THAT(runner::to_json(report).dump(), HasSubstr("nothing was injected"));
}

// A gateway that drops the mock's answer header: what arrived cannot be known, and that is what is said.
TEST(Judgement, AnAnswerWithoutTheHonouredReportSaysItCannotBeJudged) {
  const auto report =
      run_suite(kStreamErrorSuite, {answer(200, kCompleteStream, kSse, "/v1/chat/completions")});
  EXPECT_EQ(only(report).outcome, runner::Outcome::skipped);
  EXPECT_THAT(only(report).skip_reason, HasSubstr("the answer carries no x-gatecheck-honoured"));
}

TEST(Judgement, TheSameStepJudgedWhenTheControlArrives) {
  const auto report = run_suite(kStreamErrorSuite, {});
  EXPECT_EQ(only(report).outcome, runner::Outcome::passed) << only(report).skip_reason;
}

TEST(Judgement, AStepThatAssertsNothingAboutAnAnswerLeavesTheScenarioSkipped) {
  const auto report = run_suite(R"(suite: s
scenarios:
  - name: captures only
    steps:
      - request: {path: /models}
        capture: {first: "$.data[0].id"}
)",
                                {});
  EXPECT_EQ(only(report).outcome, runner::Outcome::skipped);
  EXPECT_THAT(only(report).skip_reason, HasSubstr("nothing was checked"));
}

// Prism never streams: a JSON body where a stream was asked for is one finding (sse.content-type); what
// follows from it is shown as caused by it and not counted.
TEST(Judgement, ATargetThatNeverStreamsIsOneFindingNotFive) {
  const auto report = run_suite(R"(suite: s
scenarios:
  - name: a stream
    steps:
      - request:
          path: /chat/completions
          json: {model: gpt-4o-mini, messages: [{role: user, content: Hi}], stream: true,
                 stream_options: {include_usage: true}}
        expect:
          status: 200
          sse: {first_event_within_ms: 2000, min_events: 2}
          checks: [sse.content-type, sse.json-chunks, sse.done-sentinel, sse.usage-chunk, sse.incremental]
)",
                                {answer(200, kCompletion, kJson, "/v1/chat/completions")});
  EXPECT_EQ(only(report).outcome, runner::Outcome::failed);
  EXPECT_EQ(report.totals().checks_failed, 1u);
  std::vector<std::string> consequences;
  for (const auto& check : only(report).steps.at(0).checks) {
    if (check.is_finding()) {
      EXPECT_EQ(check.id, "sse.content-type");
    }
    if (!check.passed && !check.caused_by.empty()) {
      EXPECT_EQ(check.caused_by, "sse.content-type");
      consequences.push_back(check.id);
    }
  }
  EXPECT_THAT(consequences, ::testing::Contains("sse.done-sentinel"));
  std::ostringstream console;
  reports::write_console(console, report, {});
  EXPECT_THAT(console.str(), HasSubstr("sse.done-sentinel (caused by sse.content-type)"));
}

TEST(Judgement, AnAcceptedOutOfRangeValueIsNamedAsSuch) {
  const auto report = run_suite(R"(suite: s
scenarios:
  - name: a temperature out of range names the parameter
    steps:
      - request:
          path: /chat/completions
          json: {model: gpt-4o-mini, messages: [{role: user, content: Hi}], temperature: 5}
        expect:
          status: 400
          error: {param: temperature}
)",
                                {answer(200, kCompletion, kJson, "/v1/chat/completions")});
  ASSERT_EQ(only(report).outcome, runner::Outcome::failed);
  EXPECT_EQ(report.totals().checks_failed, 1u) << "the status is the one finding";
  const auto& status = only(report).steps.at(0).checks.at(0);
  EXPECT_EQ(status.id, "expect.status");
  EXPECT_THAT(status.message, HasSubstr("accepted an out-of-range or invalid value"));
  EXPECT_THAT(status.message, HasSubstr("`temperature`"));
}

// A refused stream built on an out-of-range value that a gateway clamps instead: nothing to judge, a skip.
TEST(Judgement, ARefusalThatNeverCameIsASkipNotAPass) {
  const auto report = run_suite(R"(suite: s
scenarios:
  - name: a refused stream request gets an HTTP error status
    steps:
      - request:
          path: /chat/completions
          json: {model: gpt-4o-mini, messages: [{role: user, content: Hi}], stream: true, temperature: 5}
        expect:
          checks: [error.http-status-before-stream]
)",
                                {answer(200, kCompleteStream, kSse, "/v1/chat/completions")});
  EXPECT_EQ(only(report).outcome, runner::Outcome::skipped);
  EXPECT_THAT(only(report).skip_reason,
              HasSubstr("the target accepted the request (HTTP 200) instead of refusing it"));
}

// OpenAI tier 2 allows 5,000 requests a minute: a limit above the burst cap is noted, never failed.
TEST(Judgement, ALimitAboveTheBurstCapIsASkipNotAFailure) {
  const auto report = run_suite(R"(suite: s
scenarios:
  - name: a burst meets a 429
    steps:
      - burst:
          count: auto
          max_count: 20
          concurrency: 4
          request:
            path: /chat/completions
            json: {model: gpt-4o-mini, messages: [{role: user, content: Hi}], max_tokens: 1}
        expect:
          ratelimit: {expect_429: true}
          checks: [ratelimit.headers-present, ratelimit.remaining-decreases]
)",
                                {});
  const auto& scenario = only(report);
  EXPECT_EQ(scenario.outcome, runner::Outcome::skipped);
  EXPECT_THAT(scenario.skip_reason, HasSubstr("more than the burst cap of 20 requests"));
  EXPECT_EQ(scenario.steps.at(0).requests, 20);
}

}  // namespace
}  // namespace gatecheck
