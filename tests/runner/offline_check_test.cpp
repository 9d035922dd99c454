// Judging recordings offline (gatecheck check): an exchange read back from its recording judges as it did
// live; what a recording cannot show is skipped with the reason, never passed; checks that judge a step's
// intent stay out unless named; and the judges guard themselves where a recording offers them everything.
#include <algorithm>

#include <gtest/gtest.h>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/runner/offline.hpp>

#include "check_assertions.hpp"
#include "exchange_builders.hpp"
#include "recording.hpp"

namespace gatecheck::runner {
namespace {

using namespace testing;

const CheckResult* result_of(const RunReport& report, std::string_view id) {
  for (const auto& suite : report.suites)
    for (const auto& scenario : suite.scenarios)
      for (const auto& step : scenario.steps)
        for (const auto& check : step.checks)
          if (check.id == id) return &check;
  return nullptr;
}

// As an OpenAI-like target answers: with its rate-limit headers.
cassette::Recording recorded(const Exchange& ex, std::string origin = "r.jsonl:1") {
  cassette::Recording r = recording_of(ex, "test", "openai");
  r.file = origin.substr(0, origin.find(':'));
  for (const char* kind : {"requests", "tokens"}) {
    r.response.headers.add(std::string("x-ratelimit-limit-") + kind, "1000");
    r.response.headers.add(std::string("x-ratelimit-remaining-") + kind, "999");
    r.response.headers.add(std::string("x-ratelimit-reset-") + kind, "60ms");
  }
  r.origin = std::move(origin);
  return r;
}

TEST(OfflineCheck, AStreamReadBackFromItsRecordingHasTheSameEventsAndTimes) {
  const Exchange live = streamed(chat_request(true), good_stream(), sse_headers(), 20ms);
  const Exchange back = exchange_of(recorded(live));
  ASSERT_EQ(back.events.size(), live.events.size());
  for (std::size_t i = 0; i < live.events.size(); ++i) {
    EXPECT_EQ(back.events[i].data, live.events[i].data);
    const auto gap = [](const Exchange& e, std::size_t k) {
      return std::chrono::duration<double, std::milli>(e.events[k].received_at -
                                                       e.response.timings.request_sent)
          .count();
    };
    EXPECT_NEAR(gap(back, i), gap(live, i), 0.01);
  }
  EXPECT_TRUE(back.timed);
  EXPECT_TRUE(Passes(evaluate("sse.done-sentinel", back)));
}

TEST(OfflineCheck, AConformantStreamPassesAndABrokenOneFailsOnItsCheck) {
  const auto good = check_recordings({recorded(streamed(chat_request(true), good_stream()))}, {});
  EXPECT_TRUE(good.passed());
  auto pieces = good_stream();
  pieces.pop_back();  // no [DONE]
  const auto broken = check_recordings({recorded(streamed(chat_request(true), pieces))}, {});
  EXPECT_FALSE(broken.passed());
  ASSERT_NE(result_of(broken, "sse.done-sentinel"), nullptr);
  EXPECT_FALSE(result_of(broken, "sse.done-sentinel")->passed);
}

TEST(OfflineCheck, WhatARecordingCannotShowIsSkippedWithTheReason) {
  std::string body;
  for (const auto& piece : good_stream())
    body += piece;
  const auto capture = cassette::load_raw_capture(body, "c.sse");  // curl -N: the body, no head
  const auto report = check_recordings({capture}, {});
  const CheckResult* type = result_of(report, "sse.content-type");
  ASSERT_NE(type, nullptr);
  EXPECT_FALSE(type->applicable);
  EXPECT_NE(type->message.find("no response head"), std::string::npos);
  const CheckResult* twin = result_of(report, "stream.matches-non-stream");
  ASSERT_NE(twin, nullptr);  // a streamed request, but its twin was never recorded
  EXPECT_FALSE(twin->applicable);
  for (const auto& suite : report.suites)
    for (const auto& step : suite.scenarios.front().steps)
      for (const auto& check : step.checks)
        EXPECT_TRUE(check.passed) << check.id << ": " << check.message;
  // A HAR keeps no arrival times: the pace is not judged.
  const auto har = cassette::load_har(
      R"({"log":{"entries":[{"request":{"method":"POST","url":"https://h/v1/chat/completions","postData":{"text":"{\"stream\":true}"}},
          "response":{"status":200,"headers":[{"name":"content-type","value":"text/event-stream"}],"content":{"text":")" +
          std::string(
              "data: {\\\"choices\\\":[{\\\"index\\\":0,\\\"delta\\\":{\\\"content\\\":\\\"a\\\"}}]}\\n\\n") +
          R"("}}}]}})",
      "h.har");
  EXPECT_FALSE(exchange_of(har.front()).timed);
  EXPECT_EQ(evaluate("sse.incremental", exchange_of(har.front())).kind, Verdict::Kind::not_applicable);
}

TEST(OfflineCheck, ATwinRecordedBesideTheStreamIsUsed) {
  const Exchange stream = streamed(chat_request(true), good_stream());
  const Exchange twin = answered(chat_request(false), 200, completion(assistant("Hello world")));
  const auto report = check_recordings({recorded(stream, "f.jsonl:1"), recorded(twin, "f.jsonl:2")}, {});
  const CheckResult* compared = result_of(report, "stream.matches-non-stream");
  ASSERT_NE(compared, nullptr);
  EXPECT_TRUE(compared->applicable) << compared->message;
  EXPECT_TRUE(compared->passed) << compared->message;
}

TEST(OfflineCheck, ChecksOfAStepsIntentApplyOnlyWhenNamed) {
  const Exchange refused = answered(chat_request(), 401, json{{"error", {{"message", "no"}, {"type", "x"}}}});
  const auto report = check_recordings({recorded(refused)}, {});
  EXPECT_EQ(result_of(report, "ratelimit.remaining-decreases"), nullptr);  // a window of requests
  EXPECT_EQ(result_of(report, "keys.rotation-invalidates-old"), nullptr);
  EXPECT_EQ(result_of(report, "discovery.llms-txt"), nullptr);  // not its path
  OfflineOptions named;
  named.checks = {"ratelimit.remaining-decreases"};
  EXPECT_NE(result_of(check_recordings({recorded(refused)}, named), "ratelimit.remaining-decreases"),
            nullptr);
  named.checks = {"no.such-check"};
  EXPECT_THROW(check_recordings({recorded(refused)}, named), std::invalid_argument);
}

// A chat.completion as the OpenAPI description has it, every required member present.
json on_spec() {
  json answer = completion(assistant("Hi"));
  answer["choices"][0]["logprobs"] = nullptr;
  answer["choices"][0]["message"]["refusal"] = nullptr;
  return answer;
}

TEST(OfflineCheck, TheBodyIsHeldToTheOperationsSchema) {
  json off_spec = on_spec();
  off_spec["created"] = "yesterday";
  const auto report = check_recordings({recorded(answered(chat_request(), 200, off_spec))}, {});
  const CheckResult* schema = result_of(report, "schema.response");
  ASSERT_NE(schema, nullptr);
  EXPECT_FALSE(schema->passed);
  EXPECT_NE(schema->message.find("created"), std::string::npos) << schema->message;
  EXPECT_TRUE(check_recordings({recorded(answered(chat_request(), 200, on_spec()))}, {}).passed());
}

TEST(OfflineCheck, EachRecordingIsHeldToTheProfileItNames) {
  cassette::Recording r = recorded(answered(chat_request(), 200, on_spec()));
  r.profile = "simosphere";
  EXPECT_EQ(check_recordings({r}, {}).profile, "each recording's own");
  r.profile = "nobody-we-know";
  EXPECT_THROW(check_recordings({r}, {}), std::invalid_argument);
}

TEST(OfflineCheck, AnAnswerOfALimitedApiAnnouncesItsLimitsAndARefusalNeedNot) {
  const Exchange answer = answered(chat_request(), 200, on_spec());
  cassette::Recording bare = recording_of(answer, "test", "openai");
  bare.origin = "r.jsonl:1";
  const auto report = check_recordings({bare}, {});
  ASSERT_NE(result_of(report, "ratelimit.headers-present"), nullptr);
  EXPECT_FALSE(result_of(report, "ratelimit.headers-present")->passed);
  EXPECT_TRUE(check_recordings({recorded(answer)}, {}).passed());
  cassette::Recording refused = recording_of(
      answered(chat_request(), 401, json{{"error", {{"message", "no"}, {"type", "invalid_request_error"}}}}),
      "t", "openai");
  OfflineOptions named;
  named.checks = {"ratelimit.headers-present"};
  const auto refusal = check_recordings({refused}, named);
  ASSERT_NE(result_of(refusal, "ratelimit.headers-present"), nullptr);  // named: it says why it did not judge
  EXPECT_FALSE(result_of(refusal, "ratelimit.headers-present")->applicable);
  EXPECT_EQ(check_recordings({refused}, named).totals().skipped, 1u);  // and nothing else was judged
}

TEST(OfflineCheck, WhatCannotBeJudgedIsSkippedAndNothingJudgedDoesNotPass) {
  cassette::Recording cut = recorded(answered(chat_request(), 200, on_spec()));
  cut.response.truncated = true;
  const auto truncated = check_recordings({cut}, {});
  EXPECT_EQ(truncated.totals().skipped, 1u);
  EXPECT_FALSE(truncated.passed()) << "a check that judged nothing does not pass";
  EXPECT_FALSE(truncated.incomplete.empty());
  const auto browser = cassette::load_har(
      R"({"log":{"entries":[{"request":{"method":"GET","url":"https://app.example.com/favicon.ico"},
          "response":{"status":404,"headers":[{"name":"content-type","value":"text/html"}],"content":{"text":"<html>"}}}]}})",
      "b.har");
  const auto page = check_recordings(browser, {});
  ASSERT_EQ(page.totals().skipped, 1u);  // not an API request: no envelope asked of it
  EXPECT_NE(
      page.suites.front().scenarios.front().skip_reason.find("not a request the OpenAPI description knows"),
      std::string::npos);
}

TEST(Judges, AnErrorMemberThatIsNullIsNoErrorEvent) {
  auto pieces = good_stream();
  pieces.pop_back();
  json with_null = chunk({{"content", "!"}});
  with_null["error"] = nullptr;
  pieces.insert(pieces.begin() + 2, event(with_null));
  EXPECT_TRUE(
      FailsWith(evaluate("sse.done-sentinel", streamed(chat_request(true), pieces)), "without data: [DONE]"));
}

TEST(Judges, AStreamThatClosedItsAnswerButLacksDoneIsNotAnUnstructuredError) {
  auto pieces = good_stream();
  pieces.pop_back();
  const Exchange closed = streamed(chat_request(true), pieces);
  EXPECT_EQ(evaluate("error.structured-in-stream", closed).kind, Verdict::Kind::not_applicable);
  EXPECT_TRUE(FailsWith(evaluate("sse.done-sentinel", closed), "without data: [DONE]"));
  const Exchange cut = streamed(chat_request(true), {good_stream()[0], good_stream()[1]});
  EXPECT_TRUE(FailsWith(evaluate("error.structured-in-stream", cut), "broke off"));
}

TEST(Judges, AStreamThatReportedAnErrorEndsWithIt) {
  const Exchange errored = streamed(chat_request(true), {good_stream()[0], good_stream()[1],
                                                         event(json{{"error", {{"message", "upstream"}}}})});
  EXPECT_EQ(evaluate("sse.done-sentinel", errored).kind, Verdict::Kind::not_applicable);
  EXPECT_EQ(evaluate("sse.finish-reason-last", errored).kind, Verdict::Kind::not_applicable);
  EXPECT_TRUE(Passes(evaluate("error.structured-in-stream", errored)));
}

TEST(Judges, AJsonAnswerToAPlainRequestIsNoStreamToLabel) {
  EXPECT_EQ(evaluate("sse.content-type", answered(chat_request(), 200, completion(assistant("Hi")))).kind,
            Verdict::Kind::not_applicable);
  EXPECT_TRUE(
      FailsWith(evaluate("sse.content-type", answered(chat_request(true), 200, completion(assistant("Hi")))),
                "text/event-stream"));
}

TEST(Judges, UsageOfEndpointsThatCountItAnotherWayIsNotJudged) {
  Exchange embeddings =
      answered(json{{"input", "x"}}, 200,
               json{{"object", "list"}, {"usage", {{"prompt_tokens", 1}, {"total_tokens", 1}}}});
  embeddings.request.url = "http://gateway.test/v1/embeddings";
  EXPECT_EQ(evaluate("usage.consistent", embeddings).kind, Verdict::Kind::not_applicable);
}

}  // namespace
}  // namespace gatecheck::runner
