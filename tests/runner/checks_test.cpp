// The catalog checks on hand-made exchanges: for every check a conforming answer that passes, the defect it
// exists for (named in the failure), and the variations the specifications allow, which must not fail.
#include <cmath>
#include <ctime>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <gatecheck/core/duration.hpp>
#include <gatecheck/runner/checks.hpp>
#include <gatecheck/vendor/profile.hpp>

#include "check_assertions.hpp"
#include "check_evaluation.hpp"
#include "exchange_builders.hpp"

namespace gatecheck::runner {
namespace {

using namespace testing;  // the builders
using ::testing::AssertionFailure;
using ::testing::AssertionResult;
using ::testing::AssertionSuccess;
using ::testing::HasSubstr;
using ::testing::StartsWith;

AssertionResult NotApplicable(const Verdict& v, std::string_view needle = {}) {
  if (v.kind == Verdict::Kind::not_applicable && v.message.find(needle) != std::string::npos)
    return AssertionSuccess();
  return AssertionFailure() << "expected not applicable ('" << needle << "'), got " << describe(v);
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::vector<std::string> each(std::vector<std::string> pieces, std::string (*change)(std::string)) {
  for (auto& piece : pieces)
    piece = change(std::move(piece));
  return pieces;
}

json tools_request(bool stream = false) {
  json request = chat_request(stream);
  request["tools"] = json::array({{{"type", "function"},
                                   {"function",
                                    {{"name", "get_weather"},
                                     {"parameters",
                                      {{"type", "object"},
                                       {"properties", {{"city", {{"type", "string"}}}}},
                                       {"required", json::array({"city"})},
                                       {"additionalProperties", false}}}}}}});
  return request;
}

json tool_fragment(int index, json function, std::optional<std::string> id = std::nullopt) {
  json fragment = {{"index", index}, {"function", std::move(function)}};
  if (id) {
    fragment["id"] = *id;
    fragment["type"] = "function";
  }
  return fragment;
}

// get_weather({"city":"Paris"}) in three deltas.
std::vector<std::string> tool_stream() {
  return {event(chunk({{"role", "assistant"},
                       {"content", nullptr},
                       {"tool_calls", json::array({tool_fragment(
                                          0, {{"name", "get_weather"}, {"arguments", ""}}, "call_1")})}})),
          event(chunk({{"tool_calls", json::array({tool_fragment(0, {{"arguments", "{\"city\":"}})})}})),
          event(chunk({{"tool_calls", json::array({tool_fragment(0, {{"arguments", "\"Paris\"}"}})})}})),
          event(chunk(json::object(), "tool_calls")), kDone};
}

json tool_message(std::string arguments, std::string name = "get_weather") {
  return {{"role", "assistant"},
          {"content", nullptr},
          {"tool_calls",
           json::array({{{"id", "call_1"},
                         {"type", "function"},
                         {"function", {{"name", std::move(name)}, {"arguments", std::move(arguments)}}}}})}};
}

json error_body(std::string type, json param = nullptr, json code = nullptr,
                std::string message = "Bad request") {
  return {{"error",
           {{"message", std::move(message)},
            {"type", std::move(type)},
            {"param", std::move(param)},
            {"code", std::move(code)}}}};
}

// ---------------------------------------------------------------------------------------------------------
// http.complete-response

TEST(HttpCompleteResponse, AWholeResponsePassesAndABrokenOneNamesTheTransportError) {
  const Exchange whole = answered(chat_request(), 200, completion(assistant("Hi")));
  EXPECT_TRUE(Passes(evaluate("http.complete-response", whole)));

  Exchange broken = whole;
  broken.response.body.resize(10);
  broken.response.error = net::TransportError{net::TransportErrorKind::closed, "peer closed mid-body"};
  const Verdict verdict = evaluate("http.complete-response", broken);
  EXPECT_TRUE(FailsWith(verdict, "closed: peer closed mid-body"));
  EXPECT_EQ(verdict.actual, "status 200, 10 body bytes before it broke");
  EXPECT_TRUE(FailsWith(evaluate_burst("http.complete-response", {&whole, &broken}), "request #2: closed"));
}

TEST(EvaluateCheck, AnUnknownIdIsAnError) {
  const Exchange ex = answered(chat_request(), 200, completion(assistant("Hi")));
  EXPECT_THROW(evaluate("sse.wizard", ex), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------------------
// The stream checks on a conforming stream, and on the wire variations the standard allows.

// (sse.incremental judges arrival times, not the wire form: its own tests below.)
const char* const kStreamChecks[] = {"sse.content-type",  "sse.framing",           "sse.json-chunks",
                                     "sse.done-sentinel", "sse.same-id",           "sse.nothing-after-done",
                                     "sse.role-first",    "sse.finish-reason-last"};

TEST(StreamChecks, AConformingStreamPassesEveryOne) {
  const Exchange ex = streamed(chat_request(true), good_stream());
  for (const char* id : kStreamChecks)
    EXPECT_TRUE(Passes(evaluate(id, ex))) << id;
}

std::string crlf(std::string s) {
  return replace_all(std::move(s), "\n", "\r\n");
}
std::string cr(std::string s) {
  return replace_all(std::move(s), "\n", "\r");
}
std::string no_space(std::string s) {
  return replace_all(std::move(s), "data: ", "data:");
}
std::string with_extras(std::string s) {
  // Unknown members a client must ignore, in every chunk.
  if (!s.starts_with("data: {")) return s;
  return "data: {\"system_fingerprint\":\"fp_1\",\"obfuscation\":\"x\"," + s.substr(7);
}
std::string split_data(std::string s) {
  // The JSON over two data lines (joined by '\n', which JSON allows between tokens).
  const auto comma = s.find(',');
  if (!s.starts_with("data: {") || comma == std::string::npos) return s;
  return s.substr(0, comma + 1) + "\ndata: " + s.substr(comma + 1);
}

TEST(StreamChecks, WireVariationsTheStandardAllowsAreNoDefect) {
  std::vector<std::pair<std::string, std::vector<std::string>>> variants = {
      {"CRLF line endings", each(good_stream(), crlf)},
      {"CR line endings", each(good_stream(), cr)},
      {"data: without a space", each(good_stream(), no_space)},
      {"unknown members in chunks", each(good_stream(), with_extras)},
      {"multi-line data", each(good_stream(), split_data)},
  };
  auto bom = good_stream();
  bom.front() = "\xEF\xBB\xBF" + bom.front();
  variants.emplace_back("a leading BOM", bom);
  auto comments = good_stream();
  for (std::size_t i = comments.size() - 1; i > 0; --i)
    comments.insert(comments.begin() + static_cast<std::ptrdiff_t>(i), ": keep-alive\n\n");
  comments[0] = ": OPENROUTER PROCESSING\n" + comments[0];
  variants.emplace_back("comments between events", comments);

  for (const auto& [name, pieces] : variants) {
    SCOPED_TRACE(name);
    const Exchange ex = streamed(chat_request(true), pieces);
    ASSERT_EQ(ex.events.size(), 5u);
    EXPECT_EQ(ex.message_view()["choices"][0]["message"]["content"], "Hello world");
    for (const char* id : kStreamChecks)
      EXPECT_TRUE(Passes(evaluate(id, ex))) << id;
  }
}

TEST(SseContentType, AnyCaseAndParametersAreTextEventStream) {
  for (const core::Headers& headers :
       {core::Headers{{"content-type", "text/event-stream; charset=utf-8"}},
        core::Headers{{"CONTENT-TYPE", "Text/Event-Stream"}},
        core::Headers{{"Content-Type", " text/event-stream ;charset=UTF-8"}}}) {
    EXPECT_TRUE(Passes(evaluate("sse.content-type", streamed(chat_request(true), good_stream(), headers))));
  }
}

TEST(SseContentType, AStreamServedAsJsonFails) {
  const Verdict verdict =
      evaluate("sse.content-type", streamed(chat_request(true), good_stream(), json_headers()));
  EXPECT_TRUE(FailsWith(verdict, "must be served as text/event-stream"));
  EXPECT_EQ(verdict.actual, "'application/json'");
  EXPECT_EQ(evaluate("sse.content-type", streamed(chat_request(true), good_stream(), {})).actual,
            "no Content-Type");
}

TEST(StreamChecks, AnErrorStatusIsNotAStream) {
  const Exchange ex = answered(chat_request(true), 400, error_body("invalid_request_error"));
  for (const char* id : kStreamChecks)
    EXPECT_TRUE(NotApplicable(evaluate(id, ex), "status 400")) << id;
}

TEST(SseFraming, AStreamEndingInsideAnEventFails) {
  auto pieces = good_stream();
  pieces.back() = "data: [DONE]\n";  // one newline short
  const Verdict verdict = evaluate("sse.framing", streamed(chat_request(true), pieces));
  EXPECT_TRUE(FailsWith(verdict, "the stream ended inside an event"));
  EXPECT_THAT(verdict.actual, HasSubstr("data: [DONE]"));
}

TEST(SseJsonChunks, DataThatIsNotAJsonObjectFails) {
  auto pieces = good_stream();
  pieces.insert(pieces.begin() + 1, "data: hello\n\n");
  const Verdict verdict = evaluate("sse.json-chunks", streamed(chat_request(true), pieces));
  EXPECT_TRUE(FailsWith(verdict, "event 1 is not a JSON object"));
  EXPECT_EQ(verdict.actual, "'hello'");

  pieces[1] = "data: [1, 2]\n\n";
  EXPECT_TRUE(FailsWith(evaluate("sse.json-chunks", streamed(chat_request(true), pieces)), "event 1"));
}

TEST(SseDoneSentinel, AStreamWithoutDoneFails) {
  auto pieces = good_stream();
  pieces.pop_back();
  const Verdict verdict = evaluate("sse.done-sentinel", streamed(chat_request(true), pieces));
  EXPECT_TRUE(FailsWith(verdict, "ended after 4 events without data: [DONE]"));
  EXPECT_THAT(verdict.actual, StartsWith("last event '{"));
  EXPECT_EQ(evaluate("sse.done-sentinel", streamed(chat_request(true), {})).actual, "no events");
}

TEST(SseNothingAfterDone, AnEventAfterDoneFails) {
  auto pieces = good_stream();
  pieces.push_back(event(chunk({{"content", "late"}})));
  const Verdict verdict = evaluate("sse.nothing-after-done", streamed(chat_request(true), pieces));
  EXPECT_TRUE(FailsWith(verdict, "1 events follow data: [DONE]"));
  EXPECT_THAT(verdict.actual, HasSubstr("late"));
  pieces.pop_back();
  pieces.pop_back();
  EXPECT_TRUE(
      NotApplicable(evaluate("sse.nothing-after-done", streamed(chat_request(true), pieces)), "no [DONE]"));
}

TEST(SseSameId, AChunkWithAnotherIdOrNoneFails) {
  auto pieces = good_stream();
  pieces[2] = event(chunk({{"content", " world"}}, nullptr, 0, "chatcmpl-2"));
  const Verdict verdict = evaluate("sse.same-id", streamed(chat_request(true), pieces));
  EXPECT_TRUE(FailsWith(verdict, "event 2 changes the completion id"));
  EXPECT_EQ(verdict.expected, "'chatcmpl-1'");
  EXPECT_EQ(verdict.actual, "'chatcmpl-2'");

  json anonymous = chunk({{"content", " world"}});
  anonymous.erase("id");
  pieces[2] = event(anonymous);
  EXPECT_TRUE(FailsWith(evaluate("sse.same-id", streamed(chat_request(true), pieces)), "event 2 has no id"));
}

TEST(SseRoleFirst, AChoiceWhoseFirstDeltaLacksTheRoleFails) {
  auto pieces = good_stream();
  pieces.erase(pieces.begin());
  const Verdict verdict = evaluate("sse.role-first", streamed(chat_request(true), pieces));
  EXPECT_TRUE(FailsWith(verdict, "the first chunk of choice 0 (event 0) carries no role: assistant"));
  EXPECT_EQ(verdict.actual, "absent");

  pieces.insert(pieces.begin(), event(chunk({{"role", "user"}})));
  EXPECT_EQ(evaluate("sse.role-first", streamed(chat_request(true), pieces)).actual, "'user'");
}

TEST(SseRoleFirst, EachChoiceOfSeveralNeedsItsOwnRole) {
  const std::vector<std::string> pieces = {
      event(chunk({{"role", "assistant"}, {"content", "A"}}, nullptr, 0)),
      event(chunk({{"role", "assistant"}, {"content", "B"}}, nullptr, 1)),
      event(chunk(json::object(), "stop", 0)), event(chunk(json::object(), "stop", 1)), kDone};
  EXPECT_TRUE(Passes(evaluate("sse.role-first", streamed(chat_request(true), pieces))));
  auto broken = pieces;
  broken[1] = event(chunk({{"content", "B"}}, nullptr, 1));
  EXPECT_TRUE(
      FailsWith(evaluate("sse.role-first", streamed(chat_request(true), broken)), "choice 1 (event 1)"));
}

TEST(SseFinishReasonLast, ExactlyOneFinishReasonInTheLastChunk) {
  auto missing = good_stream();
  missing.erase(missing.begin() + 3);
  EXPECT_TRUE(FailsWith(evaluate("sse.finish-reason-last", streamed(chat_request(true), missing)),
                        "choice 0 never got a finish_reason"));

  auto twice = good_stream();
  twice[2] = event(chunk({{"content", " world"}}, "stop"));
  EXPECT_TRUE(FailsWith(evaluate("sse.finish-reason-last", streamed(chat_request(true), twice)),
                        "choice 0 got 2 finish_reasons"));

  auto early = good_stream();
  std::swap(early[2], early[3]);
  EXPECT_TRUE(FailsWith(evaluate("sse.finish-reason-last", streamed(chat_request(true), early)),
                        "has content (event 3) after its finish_reason (event 2)"));
}

TEST(SseFinishReasonLast, TheFinishReasonMayRideOnTheLastContentAndAUsageChunkMayFollow) {
  json request = chat_request(true);
  request["stream_options"] = {{"include_usage", true}};
  const std::vector<std::string> pieces = {event(chunk({{"role", "assistant"}, {"content", "Hi"}})),
                                           event(chunk({{"content", "!"}}, "stop")),
                                           event(usage_chunk(5, 2, 7)), kDone};
  EXPECT_TRUE(Passes(evaluate("sse.finish-reason-last", streamed(request, pieces))));
}

// ---------------------------------------------------------------------------------------------------------
// sse.usage-chunk

json usage_request() {
  json request = chat_request(true);
  request["stream_options"] = {{"include_usage", true}};
  return request;
}

std::vector<std::string> with_usage(json usage) {
  auto pieces = good_stream();
  pieces.insert(pieces.end() - 1, event(usage));
  return pieces;
}

TEST(SseUsageChunk, OnlyJudgedWhenIncludeUsageWasRequested) {
  EXPECT_TRUE(NotApplicable(evaluate("sse.usage-chunk", streamed(chat_request(true), good_stream())),
                            "did not ask for stream_options.include_usage"));
  EXPECT_TRUE(
      Passes(evaluate("sse.usage-chunk", streamed(usage_request(), with_usage(usage_chunk(5, 2, 7))))));
}

TEST(SseUsageChunk, AMissingMisplacedOrRepeatedUsageChunkFails) {
  EXPECT_TRUE(FailsWith(evaluate("sse.usage-chunk", streamed(usage_request(), good_stream())),
                        "no chunk carries usage"));

  json with_choices = chunk({{"content", "!"}});
  with_choices["usage"] = usage_chunk(5, 2, 7)["usage"];
  EXPECT_TRUE(FailsWith(evaluate("sse.usage-chunk", streamed(usage_request(), with_usage(with_choices))),
                        "the usage chunk has non-empty choices"));

  auto early = good_stream();
  early.insert(early.begin() + 3, event(usage_chunk(5, 2, 7)));
  EXPECT_TRUE(FailsWith(evaluate("sse.usage-chunk", streamed(usage_request(), early)),
                        "not the last chunk before [DONE]"));

  auto repeated = with_usage(usage_chunk(5, 2, 7));
  repeated.insert(repeated.end() - 1, event(usage_chunk(5, 2, 7)));
  EXPECT_TRUE(
      FailsWith(evaluate("sse.usage-chunk", streamed(usage_request(), repeated)), "2 chunks carry usage"));
}

// ---------------------------------------------------------------------------------------------------------
// sse.tool-call-deltas

TEST(SseToolCallDeltas, IdAndNameFirstThenArgumentTextPasses) {
  EXPECT_TRUE(Passes(evaluate("sse.tool-call-deltas", streamed(tools_request(true), tool_stream()))));
  EXPECT_TRUE(Passes(evaluate("sse.finish-reason-last", streamed(tools_request(true), tool_stream()))));
  EXPECT_TRUE(NotApplicable(evaluate("sse.tool-call-deltas", streamed(chat_request(true), good_stream())),
                            "no tool-call deltas"));
}

TEST(SseToolCallDeltas, AFirstDeltaWithoutIdOrNameFails) {
  auto pieces = tool_stream();
  pieces[0] = event(chunk(
      {{"role", "assistant"}, {"tool_calls", json::array({tool_fragment(0, {{"name", "get_weather"}})})}}));
  EXPECT_TRUE(FailsWith(evaluate("sse.tool-call-deltas", streamed(tools_request(true), pieces)),
                        "event 0: the first delta of tool call 0 lacks its id"));

  pieces[0] = event(chunk({{"role", "assistant"},
                           {"tool_calls", json::array({tool_fragment(0, {{"arguments", ""}}, "call_1")})}}));
  EXPECT_TRUE(FailsWith(evaluate("sse.tool-call-deltas", streamed(tools_request(true), pieces)),
                        "lacks its function.name"));
}

TEST(SseToolCallDeltas, AChangedIdAWrongTypeOrAMissingIndexFails) {
  auto pieces = tool_stream();
  pieces[1] = event(chunk({{"tool_calls", json::array({tool_fragment(0, {{"arguments", "{"}}, "call_2")})}}));
  EXPECT_TRUE(FailsWith(evaluate("sse.tool-call-deltas", streamed(tools_request(true), pieces)),
                        "event 1: tool call 0 changes its id"));

  json typed = tool_fragment(0, {{"name", "get_weather"}}, "call_1");
  typed["type"] = "tool";
  pieces = tool_stream();
  pieces[0] = event(chunk({{"role", "assistant"}, {"tool_calls", json::array({typed})}}));
  EXPECT_TRUE(FailsWith(evaluate("sse.tool-call-deltas", streamed(tools_request(true), pieces)),
                        "tool call type is neither 'function' nor 'custom'"));

  pieces = tool_stream();
  pieces[1] = event(chunk({{"tool_calls", json::array({{{"function", {{"arguments", "{"}}}}})}}));
  EXPECT_TRUE(FailsWith(evaluate("sse.tool-call-deltas", streamed(tools_request(true), pieces)),
                        "a tool-call delta without an integer index"));
}

TEST(SseToolCallDeltas, ACustomToolCallNamesItselfUnderCustom) {
  const json first = {
      {"index", 0}, {"id", "call_1"}, {"type", "custom"}, {"custom", {{"name", "run_sql"}, {"input", ""}}}};
  const std::vector<std::string> pieces = {
      event(chunk({{"role", "assistant"}, {"tool_calls", json::array({first})}})),
      event(chunk({{"tool_calls", json::array({{{"index", 0}, {"custom", {{"input", "SELECT 1"}}}}})}})),
      event(chunk(json::object(), "tool_calls")), kDone};
  EXPECT_TRUE(Passes(evaluate("sse.tool-call-deltas", streamed(tools_request(true), pieces))));
}

TEST(SseToolCallDeltas, ParallelCallsAreTrackedByIndex) {
  const std::vector<std::string> pieces = {
      event(
          chunk({{"role", "assistant"},
                 {"tool_calls",
                  json::array({tool_fragment(0, {{"name", "get_weather"}, {"arguments", ""}}, "call_a"),
                               tool_fragment(1, {{"name", "get_weather"}, {"arguments", ""}}, "call_b")})}})),
      event(chunk({{"tool_calls", json::array({tool_fragment(1, {{"arguments", "{\"city\":\"Oslo\"}"}})})}})),
      event(chunk({{"tool_calls", json::array({tool_fragment(0, {{"arguments", "{\"city\":\"Rome\"}"}})})}})),
      event(chunk(json::object(), "tool_calls")), kDone};
  const Verdict verdict = evaluate("sse.tool-call-deltas", streamed(tools_request(true), pieces));
  EXPECT_TRUE(Passes(verdict));
  EXPECT_EQ(verdict.message, "2 tool calls");
}

// ---------------------------------------------------------------------------------------------------------
// sse.incremental and latency.first-event (arrival times are given, not waited for)

// A stream of ten content chunks arriving at the given offsets (ms after the request), with the pacing the
// producer announced (x-gatecheck-pacing), if any.
Exchange arriving(const std::vector<double>& offsets_ms, std::optional<std::string> pacing) {
  core::Headers headers = sse_headers();
  if (pacing) headers.add("x-gatecheck-pacing", *pacing);
  std::vector<std::string> pieces = {event(chunk({{"role", "assistant"}, {"content", ""}}))};
  for (std::size_t i = 0; i + 1 < offsets_ms.size(); ++i)
    pieces.push_back(event(chunk({{"content", "w" + std::to_string(i)}})));
  pieces.push_back(kDone);
  Exchange ex = streamed(chat_request(true), pieces, headers, 0us);
  for (std::size_t i = 0; i < offsets_ms.size(); ++i)
    ex.events[i].received_at = ex.response.timings.request_sent +
                               std::chrono::microseconds(static_cast<std::int64_t>(offsets_ms[i] * 1000));
  return ex;
}

std::vector<double> every(double step_ms, std::size_t count = 11, double start_ms = 1) {
  std::vector<double> offsets;
  for (std::size_t i = 0; i < count; ++i)
    offsets.push_back(start_ms + step_ms * static_cast<double>(i));
  return offsets;
}

TEST(SseIncremental, AStreamPacedAsTheProducerAnnouncedPassesAtMust) {
  const Verdict verdict = evaluate("sse.incremental", arriving(every(20), "ttft-ms=0, itl-ms=20"));
  EXPECT_TRUE(Passes(verdict));
  EXPECT_EQ(verdict.severity, Severity::must);
  EXPECT_THAT(verdict.message, HasSubstr("11 bursts"));
  // Jitter merging a few arrivals (a read that picked up two events) is not buffering.
  auto jittered = every(20);
  jittered[3] = jittered[2] + 0.2;
  jittered[7] = jittered[6] + 0.3;
  EXPECT_TRUE(Passes(evaluate("sse.incremental", arriving(jittered, "ttft-ms=0, itl-ms=20"))));
}

TEST(SseIncremental, HeldBackEventsFromAPacedProducerFailAtMustWithTheTimeline) {
  const Verdict at_once =
      evaluate("sse.incremental", arriving(every(0.01, 11, 1500), "ttft-ms=0, itl-ms=20"));
  EXPECT_TRUE(FailsWith(at_once,
                        "the producer paced 10 content chunks 20.0 ms apart, but they arrived in 1 "
                        "burst: something between held them back"));
  EXPECT_EQ(at_once.severity, Severity::must);
  EXPECT_THAT(at_once.actual, HasSubstr("1 burst (11 chunks) over 0.1 ms; the first event after 1500.0 ms"));
  // Two flushes 400 ms apart: a proxy that buffers is caught even when it flushes more than once.
  std::vector<double> two = every(0.01, 6, 10);
  for (double at : every(0.01, 5, 410))
    two.push_back(at);
  const Verdict flushed = evaluate("sse.incremental", arriving(two, "ttft-ms=0, itl-ms=20"));
  EXPECT_TRUE(FailsWith(flushed, "arrived in 2 bursts"));
  EXPECT_THAT(flushed.actual, HasSubstr("2 bursts (6 + 5 chunks)"));
}

TEST(SseIncremental, AProducerThatAnnouncesNoPauseCannotBeJudged) {
  EXPECT_TRUE(NotApplicable(evaluate("sse.incremental", arriving(every(0.01), "ttft-ms=0, itl-ms=0")),
                            "announces no pause between tokens"));
}

TEST(SseIncremental, AnUnknownProducersBurstStructureIsASouldFinding) {
  const Verdict at_once = evaluate("sse.incremental", arriving(every(0.01, 11, 900), std::nullopt));
  EXPECT_TRUE(FailsWith(at_once, "the stream arrived in 1 burst: it looks held back"));
  EXPECT_THAT(at_once.actual, HasSubstr("1 burst (11 chunks)"));
  EXPECT_THAT(at_once.message, HasSubstr("the producer's pace is unknown"));
  EXPECT_EQ(at_once.severity, Severity::should);
  const Verdict spread = evaluate("sse.incremental", arriving(every(5), std::nullopt));
  EXPECT_TRUE(Passes(spread));
  EXPECT_EQ(spread.severity, Severity::should);
  EXPECT_TRUE(FailsWith(evaluate("sse.incremental", arriving(every(0.5), std::nullopt)), "1 burst"));
}

TEST(SseIncremental, FewerThanThreeChunksCannotBeJudged) {
  const std::vector<std::string> pieces = {event(chunk({{"role", "assistant"}, {"content", "Hi"}}, "stop")),
                                           kDone};
  EXPECT_TRUE(
      NotApplicable(evaluate("sse.incremental", streamed(chat_request(true), pieces, sse_headers(), 0us)),
                    "fewer than three chunks"));
  // Two content chunks from a paced producer, or three from an unknown one, cannot show buffering.
  EXPECT_TRUE(NotApplicable(evaluate("sse.incremental", arriving({1, 1, 1}, "ttft-ms=0, itl-ms=20")),
                            "too few to judge"));
  EXPECT_TRUE(NotApplicable(evaluate("sse.incremental", arriving({1, 1, 1, 1}, std::nullopt)), "too few"));
}

TEST(LatencyFirstEvent, TheFirstEventMustArriveWithinTheDeadline) {
  const Exchange quick = streamed(chat_request(true), good_stream(), sse_headers(), 5ms);
  EXPECT_TRUE(NotApplicable(evaluate("latency.first-event", quick), "no first_event_within_ms"));
  EXPECT_TRUE(Passes(evaluate("latency.first-event", quick, within_ms(100))));

  const Exchange slow = streamed(chat_request(true), good_stream(), sse_headers(), 300ms);
  const Verdict verdict = evaluate("latency.first-event", slow, within_ms(100));
  EXPECT_TRUE(FailsWith(verdict, "the first event took 300.0 ms"));
  EXPECT_EQ(verdict.expected, "within 100.0 ms");
  EXPECT_TRUE(FailsWith(evaluate("latency.first-event", streamed(chat_request(true), {}), within_ms(100)),
                        "no event arrived"));
}

// ---------------------------------------------------------------------------------------------------------
// stream.matches-non-stream

TEST(StreamMatchesNonStream, TheTwinRequestIsSentWithoutStreamAndMustAgree) {
  const Exchange stream = streamed(chat_request(true), good_stream());
  auto twin = [](std::string content) {
    return with_twin(answered(chat_request(), 200, completion(assistant(content))));
  };
  EXPECT_TRUE(Passes(evaluate("stream.matches-non-stream", stream, twin("Hello world"))));

  const Verdict verdict = evaluate("stream.matches-non-stream", stream, twin("Hello there"));
  EXPECT_TRUE(FailsWith(verdict, "choice 0: the stream assembles to a different content"));
  EXPECT_EQ(verdict.expected, "'Hello there' (non-streamed)");
  EXPECT_EQ(verdict.actual, "'Hello world' (streamed)");
}

TEST(StreamMatchesNonStream, ToolCallsAreComparedByNameAndArguments) {
  const Exchange stream = streamed(tools_request(true), tool_stream());
  auto twin = [](std::string arguments) {
    return with_twin(answered(tools_request(), 200, completion(tool_message(arguments), "tool_calls")));
  };
  EXPECT_TRUE(Passes(evaluate("stream.matches-non-stream", stream, twin(R"({"city":"Paris"})"))));
  EXPECT_TRUE(FailsWith(evaluate("stream.matches-non-stream", stream, twin(R"({"city":"Rome"})")),
                        "assembles to a different tool_calls"));
}

TEST(StreamMatchesNonStream, AFailedTwinFailsAndMissingPartsAreNotApplicable) {
  const Exchange stream = streamed(chat_request(true), good_stream());
  const Options broken_twin = with_twin(answered(chat_request(), 500, error_body("server_error")));
  EXPECT_TRUE(
      FailsWith(evaluate("stream.matches-non-stream", stream, broken_twin), "did not answer 200 with JSON"));
  EXPECT_TRUE(NotApplicable(evaluate("stream.matches-non-stream", stream),
                            "the non-streamed twin request was not sent"));
  EXPECT_TRUE(NotApplicable(evaluate("stream.matches-non-stream",
                                     answered(chat_request(), 200, completion(assistant("x"))), broken_twin),
                            "did not stream"));
}

// ---------------------------------------------------------------------------------------------------------
// usage.consistent

TEST(UsageConsistent, TotalIsPromptPlusCompletion) {
  EXPECT_TRUE(
      Passes(evaluate("usage.consistent", answered(chat_request(), 200, completion(assistant("Hi"))))));

  const json wrong = {{"prompt_tokens", 5}, {"completion_tokens", 7}, {"total_tokens", 13}};
  const Verdict verdict =
      evaluate("usage.consistent", answered(chat_request(), 200, completion(assistant("Hi"), "stop", wrong)));
  EXPECT_TRUE(FailsWith(verdict, "total_tokens is not prompt_tokens + completion_tokens"));
  EXPECT_EQ(verdict.expected, "5 + 7 = 12");
  EXPECT_EQ(verdict.actual, "13");
}

TEST(UsageConsistent, CountsMustBeNonNegativeIntegersAndPresent) {
  const json negative = {{"prompt_tokens", -1}, {"completion_tokens", 1}, {"total_tokens", 0}};
  EXPECT_TRUE(FailsWith(evaluate("usage.consistent", answered(chat_request(), 200,
                                                              completion(assistant("Hi"), "stop", negative))),
                        "usage.prompt_tokens is not a non-negative integer"));
  const json text = {{"prompt_tokens", 5}, {"completion_tokens", "7"}, {"total_tokens", 12}};
  EXPECT_TRUE(FailsWith(
      evaluate("usage.consistent", answered(chat_request(), 200, completion(assistant("Hi"), "stop", text))),
      "usage.completion_tokens"));
  // usage is optional in the API reference: its absence is not judged, neither passed nor failed.
  json none = completion(assistant("Hi"));
  none.erase("usage");
  EXPECT_TRUE(NotApplicable(evaluate("usage.consistent", answered(chat_request(), 200, none)),
                            "optional in the API"));
}

TEST(UsageConsistent, NothingCountedForSomethingSaidFails) {
  const json zero = {{"prompt_tokens", 0}, {"completion_tokens", 0}, {"total_tokens", 0}};
  EXPECT_TRUE(FailsWith(
      evaluate("usage.consistent", answered(chat_request(), 200, completion(assistant("Hi"), "stop", zero))),
      "0 completion_tokens for an answer with content"));
  const json no_prompt = {{"prompt_tokens", 0}, {"completion_tokens", 2}, {"total_tokens", 2}};
  EXPECT_TRUE(
      FailsWith(evaluate("usage.consistent",
                         answered(chat_request(), 200, completion(assistant("Hi"), "stop", no_prompt))),
                "0 prompt_tokens for a request with messages"));
  // An empty answer may legitimately cost no completion tokens.
  const json empty = {{"prompt_tokens", 5}, {"completion_tokens", 0}, {"total_tokens", 5}};
  EXPECT_TRUE(Passes(
      evaluate("usage.consistent", answered(chat_request(), 200, completion(assistant(""), "stop", empty)))));
}

TEST(UsageConsistent, AStreamIsJudgedByItsUsageChunkWhenItHasOne) {
  EXPECT_TRUE(NotApplicable(evaluate("usage.consistent", streamed(chat_request(true), good_stream())),
                            "the stream carries no usage"));
  EXPECT_TRUE(
      Passes(evaluate("usage.consistent", streamed(usage_request(), with_usage(usage_chunk(5, 2, 7))))));
  EXPECT_TRUE(
      FailsWith(evaluate("usage.consistent", streamed(usage_request(), with_usage(usage_chunk(5, 2, 8)))),
                "total_tokens"));
}

// ---------------------------------------------------------------------------------------------------------
// tools.arguments-json and tools.arguments-match-schema

TEST(ToolsArgumentsJson, ArgumentsMustBeAJsonObjectText) {
  auto with_arguments = [](std::string arguments) {
    return answered(tools_request(), 200, completion(tool_message(std::move(arguments)), "tool_calls"));
  };
  EXPECT_TRUE(Passes(evaluate("tools.arguments-json", with_arguments(R"({"city":"Paris"})"))));
  EXPECT_TRUE(Passes(evaluate("tools.arguments-json", streamed(tools_request(true), tool_stream()))));

  const Verdict verdict = evaluate("tools.arguments-json", with_arguments("{city: Paris"));
  EXPECT_TRUE(FailsWith(verdict, "choice 0, tool call 'get_weather': arguments are not a JSON object"));
  EXPECT_EQ(verdict.actual, "'{city: Paris'");
  EXPECT_TRUE(
      FailsWith(evaluate("tools.arguments-json", with_arguments("[\"Paris\"]")), "not a JSON object"));
  EXPECT_TRUE(NotApplicable(
      evaluate("tools.arguments-json", answered(chat_request(), 200, completion(assistant("Hi")))),
      "no function tool calls"));
}

TEST(ToolsArgumentsJson, ACustomToolCallCarriesFreeTextAndIsNotJudged) {
  const json message = {
      {"role", "assistant"},
      {"content", nullptr},
      {"tool_calls", json::array({{{"id", "call_1"},
                                   {"type", "custom"},
                                   {"custom", {{"name", "run_sql"}, {"input", "SELECT 1"}}}}})}};
  EXPECT_TRUE(NotApplicable(
      evaluate("tools.arguments-json", answered(tools_request(), 200, completion(message, "tool_calls"))),
      "no function tool calls"));
}

TEST(ToolsArgumentsMatchSchema, ArgumentsNameARequestedToolAndFitItsParameters) {
  auto call = [](std::string arguments, std::string name = "get_weather") {
    return answered(tools_request(), 200,
                    completion(tool_message(std::move(arguments), std::move(name)), "tool_calls"));
  };
  EXPECT_TRUE(Passes(evaluate("tools.arguments-match-schema", call(R"({"city":"Paris"})"))));
  EXPECT_TRUE(FailsWith(evaluate("tools.arguments-match-schema", call(R"({"city":"Paris"})", "get_time")),
                        "the request offered no tool of that name"));
  EXPECT_TRUE(FailsWith(evaluate("tools.arguments-match-schema", call(R"({"town":"Paris"})")),
                        "arguments break the tool's parameters schema"));
  EXPECT_TRUE(FailsWith(evaluate("tools.arguments-match-schema", call(R"({"city":7})")),
                        "arguments break the tool's parameters schema"));
  EXPECT_TRUE(NotApplicable(evaluate("tools.arguments-match-schema", call("{oops")), "tools.arguments-json"));
}

// ---------------------------------------------------------------------------------------------------------
// json-mode.valid-json

json json_mode_request(json format) {
  json request = chat_request();
  request["response_format"] = std::move(format);
  return request;
}

TEST(JsonModeValidJson, JsonObjectModeNeedsJsonContent) {
  const json request = json_mode_request({{"type", "json_object"}});
  EXPECT_TRUE(Passes(
      evaluate("json-mode.valid-json", answered(request, 200, completion(assistant(R"({"cat":"Tom"})"))))));
  const Verdict verdict =
      evaluate("json-mode.valid-json", answered(request, 200, completion(assistant("Sure! {\"cat\": 1}"))));
  EXPECT_TRUE(FailsWith(verdict, "choice 0: content is not JSON"));
  EXPECT_EQ(verdict.actual, "'Sure! {\"cat\": 1}'");
  EXPECT_TRUE(NotApplicable(
      evaluate("json-mode.valid-json", answered(chat_request(), 200, completion(assistant("prose")))),
      "did not ask for a json_object or json_schema format"));
}

TEST(JsonModeValidJson, ContentCutByMaxTokensIsNotJudged) {
  // The API reference: with finish_reason length the JSON "may be partial". Not a defect.
  const json request = json_mode_request({{"type", "json_object"}});
  EXPECT_TRUE(NotApplicable(evaluate("json-mode.valid-json",
                                     answered(request, 200, completion(assistant(R"({"cat":"T)"), "length"))),
                            "cut by its token limit"));
}

TEST(JsonModeValidJson, JsonSchemaModeValidatesTheContentAndAllowsARefusal) {
  const json request = json_mode_request({{"type", "json_schema"},
                                          {"json_schema",
                                           {{"name", "cat"},
                                            {"schema",
                                             {{"type", "object"},
                                              {"required", json::array({"name"})},
                                              {"properties", {{"name", {{"type", "string"}}}}}}}}}});
  EXPECT_TRUE(Passes(
      evaluate("json-mode.valid-json", answered(request, 200, completion(assistant(R"({"name":"Tom"})"))))));
  EXPECT_TRUE(FailsWith(
      evaluate("json-mode.valid-json", answered(request, 200, completion(assistant(R"({"age":3})")))),
      "content breaks the requested json_schema"));
  const json refusal = {{"role", "assistant"}, {"content", nullptr}, {"refusal", "I can't help with that."}};
  EXPECT_TRUE(Passes(evaluate("json-mode.valid-json", answered(request, 200, completion(refusal)))));
}

TEST(MalformedChoices, AreFindingsNotExceptions) {
  const json request = json_mode_request({{"type", "json_object"}});
  for (const char* choices : {R"([null])", R"(["text"])", R"([{"index": "0", "delta": {"content": "x"}}])"}) {
    SCOPED_TRACE(choices);
    const std::string data = std::string("{\"id\":\"chatcmpl-1\",\"choices\":") + choices + "}";
    const Exchange stream = streamed(chat_request(true), {"data: " + data + "\n\n", kDone});
    const Exchange body = answered(request, 200, data);
    for (const auto& [id, ex] :
         {std::pair{"sse.role-first", &stream}, std::pair{"sse.finish-reason-last", &stream},
          std::pair{"json-mode.valid-json", &body}}) {
      Verdict verdict;
      ASSERT_NO_THROW(verdict = evaluate(id, *ex)) << id;
      EXPECT_EQ(verdict.kind, Verdict::Kind::fail) << id << ": " << describe(verdict);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// error.envelope and error.status-matches-type

TEST(ErrorEnvelope, TheOpenAiEnvelopePasses) {
  EXPECT_TRUE(Passes(evaluate("error.envelope",
                              answered(chat_request(), 400, error_body("invalid_request_error", "model")))));
  EXPECT_TRUE(
      Passes(evaluate("error.envelope", answered(chat_request(), 429,
                                                 error_body("requests", nullptr, "rate_limit_exceeded")))));
  EXPECT_TRUE(
      NotApplicable(evaluate("error.envelope", answered(chat_request(), 200, completion(assistant("Hi")))),
                    "not an error"));
}

TEST(ErrorEnvelope, EachMissingPartIsNamed) {
  EXPECT_TRUE(FailsWith(
      evaluate("error.envelope", answered(chat_request(), 502, std::string("<html>Bad Gateway</html>"))),
      "the error body is not JSON"));
  EXPECT_TRUE(FailsWith(evaluate("error.envelope", answered(chat_request(), 400, json{{"message", "bad"}})),
                        "the error body has no error object"));
  EXPECT_TRUE(FailsWith(
      evaluate("error.envelope",
               answered(chat_request(), 400, error_body("invalid_request_error", nullptr, nullptr, ""))),
      "error.message is not a non-empty string"));
  json no_type = error_body("x");
  no_type["error"].erase("type");
  EXPECT_TRUE(FailsWith(evaluate("error.envelope", answered(chat_request(), 400, no_type)),
                        "error.type is not a string"));
  json no_param = error_body("invalid_request_error");
  no_param["error"].erase("param");
  EXPECT_TRUE(FailsWith(evaluate("error.envelope", answered(chat_request(), 400, no_param)),
                        "error.param is missing"));
  json no_code = error_body("invalid_request_error");
  no_code["error"].erase("code");
  EXPECT_TRUE(
      FailsWith(evaluate("error.envelope", answered(chat_request(), 400, no_code)), "error.code is missing"));
}

TEST(ErrorStatusMatchesType, TheTypeIsTheProfilesForTheStatus) {
  EXPECT_TRUE(Passes(evaluate("error.status-matches-type",
                              answered(chat_request(), 400, error_body("invalid_request_error")))));
  EXPECT_TRUE(Passes(
      evaluate("error.status-matches-type", answered(chat_request(), 503, error_body("server_error")))));
  const Verdict verdict =
      evaluate("error.status-matches-type", answered(chat_request(), 400, error_body("server_error")));
  EXPECT_TRUE(FailsWith(verdict, "status 400 carries an error of type 'server_error'"));
  EXPECT_EQ(verdict.expected, "type 'invalid_request_error' for status 400");
  EXPECT_TRUE(
      NotApplicable(evaluate("error.status-matches-type", answered(chat_request(), 400, std::string("oops"))),
                    "no error.type"));
}

TEST(ErrorStatusMatchesType, AStatusMayCarryAnyOfTheTypesTheProfileLists) {
  // OpenAI answers 429 with `requests`, `tokens` or `insufficient_quota`.
  for (const char* type : {"requests", "tokens", "insufficient_quota"})
    EXPECT_TRUE(
        Passes(evaluate("error.status-matches-type", answered(chat_request(), 429, error_body(type)))))
        << type;
  const Verdict other = evaluate("error.status-matches-type",
                                 answered(chat_request(), 429, error_body("invalid_request_error")));
  EXPECT_TRUE(FailsWith(other, "status 429 carries an error of type 'invalid_request_error'"));
  EXPECT_EQ(other.expected, "type 'requests' or 'tokens' or 'insufficient_quota' for status 429");
  // A status the profile names no type for is not judged.
  EXPECT_TRUE(NotApplicable(
      evaluate("error.status-matches-type", answered(chat_request(), 415, error_body("unsupported"))),
      "the profile names no type for status 415"));
}

// ---------------------------------------------------------------------------------------------------------
// moderation.consistent

json moderation_result(bool flagged, bool violence, double violence_score) {
  return {{"flagged", flagged},
          {"categories", {{"hate", false}, {"violence", violence}}},
          {"category_scores", {{"hate", 0.001}, {"violence", violence_score}}},
          {"category_applied_input_types",
           {{"hate", json::array({"text"})}, {"violence", json::array({"text"})}}}};
}

// The results as an explicit array: with nlohmann, a one-element braced list is a copy under one compiler and
// an array under another.
Exchange moderated(json input, std::vector<json> results) {
  Exchange ex = answered(
      json{{"input", std::move(input)}}, 200,
      json{{"id", "modr-1"}, {"model", "omni-moderation-latest"}, {"results", json(std::move(results))}});
  ex.request.url = "http://gateway.test/v1/moderations";
  return ex;
}

TEST(ModerationConsistent, OneResultPerInputFlaggedExactlyWhenACategoryIs) {
  EXPECT_TRUE(
      Passes(evaluate("moderation.consistent", moderated("tea", {moderation_result(false, false, 0.01)}))));
  EXPECT_TRUE(Passes(
      evaluate("moderation.consistent", moderated({"tea", "knives"}, {moderation_result(false, false, 0.01),
                                                                      moderation_result(true, true, 0.9)}))));
  // Multimodal parts are classified together: one result.
  const json parts = {{{"type", "text"}, {"text", "look"}},
                      {{"type", "image_url"}, {"image_url", {{"url", "x"}}}}};
  EXPECT_TRUE(
      Passes(evaluate("moderation.consistent", moderated(parts, {moderation_result(false, false, 0.2)}))));
}

TEST(ModerationConsistent, EachInconsistencyIsNamed) {
  EXPECT_TRUE(
      FailsWith(evaluate("moderation.consistent", moderated("tea", {moderation_result(false, true, 0.9)})),
                "flagged does not say whether any category is flagged"));
  EXPECT_TRUE(FailsWith(
      evaluate("moderation.consistent", moderated({"a", "b"}, {moderation_result(false, false, 0)})),
      "one result per input"));
  EXPECT_TRUE(
      FailsWith(evaluate("moderation.consistent", moderated("tea", {moderation_result(false, false, 1.5)})),
                "is not a number in [0, 1]"));
  json unscored = moderation_result(false, false, 0.1);
  unscored["category_scores"].erase("violence");
  EXPECT_TRUE(FailsWith(evaluate("moderation.consistent", moderated("tea", {unscored})), "has no score"));
}

TEST(ModerationConsistent, JudgesOnlyModerationAnswers) {
  EXPECT_TRUE(NotApplicable(
      evaluate("moderation.consistent", answered(chat_request(), 200, completion(assistant("Hi")))),
      "not a moderation request"));
  Exchange refused = moderated("tea", {});
  refused.response.status = 400;
  EXPECT_TRUE(NotApplicable(evaluate("moderation.consistent", refused), "not an answer"));
}

// ---------------------------------------------------------------------------------------------------------
// http.allow-on-405

TEST(HttpAllowOn405, A405NamesTheAllowedMethods) {
  EXPECT_TRUE(Passes(
      evaluate("http.allow-on-405", answered(chat_request(), 405, error_body("invalid_request_error"),
                                             {{"Content-Type", "application/json"}, {"allow", "POST"}}))));
  const Verdict bare =
      evaluate("http.allow-on-405", answered(chat_request(), 405, error_body("invalid_request_error")));
  EXPECT_TRUE(FailsWith(bare, "a 405 does not say which methods the resource allows"));
  EXPECT_TRUE(NotApplicable(evaluate("http.allow-on-405", answered(chat_request(), 404, error_body("x"))),
                            "not a 405"));
}

// ---------------------------------------------------------------------------------------------------------
// error.http-status-before-stream and error.structured-in-stream

TEST(ErrorHttpStatusBeforeStream, ARefusedStreamUsesAnErrorStatus) {
  EXPECT_TRUE(Passes(evaluate("error.http-status-before-stream",
                              answered(chat_request(true), 400, error_body("invalid_request_error")))));
  const std::vector<std::string> refused = {event(error_body("invalid_request_error")), kDone};
  const Verdict verdict = evaluate("error.http-status-before-stream", streamed(chat_request(true), refused));
  EXPECT_TRUE(FailsWith(verdict, "refused with HTTP 200 and an error event instead of an error status"));
  EXPECT_TRUE(FailsWith(
      evaluate("error.http-status-before-stream", answered(chat_request(true), 200, error_body("x"))),
      "an error body came with HTTP 200"));
}

TEST(ErrorHttpStatusBeforeStream, OnlyJudgesStreamsThatWereRefused) {
  EXPECT_TRUE(
      NotApplicable(evaluate("error.http-status-before-stream", streamed(chat_request(true), good_stream())),
                    "accepted the request"));
  EXPECT_TRUE(NotApplicable(
      evaluate("error.http-status-before-stream", answered(chat_request(), 400, error_body("x"))),
      "did not stream"));
  // An error after the first token is the other check's business.
  auto late = good_stream();
  late.insert(late.begin() + 2, event(error_body("server_error")));
  EXPECT_TRUE(NotApplicable(evaluate("error.http-status-before-stream", streamed(chat_request(true), late))));
}

TEST(ErrorStructuredInStream, AStreamBrokenAfterTheFirstTokenMustSayWhyInAnErrorEvent) {
  std::vector<std::string> pieces = good_stream();
  pieces.resize(2);
  pieces.push_back(event(error_body("server_error", nullptr, nullptr, "upstream failed")));
  const Verdict told = evaluate("error.structured-in-stream", streamed(chat_request(true), pieces));
  EXPECT_TRUE(Passes(told));
  EXPECT_EQ(told.message, "error event: 'upstream failed'");

  pieces.pop_back();
  pieces.push_back("upstream connect error\n");
  const Verdict silent = evaluate("error.structured-in-stream", streamed(chat_request(true), pieces));
  EXPECT_TRUE(FailsWith(silent, "broke off after the first token without a structured error event"));
  EXPECT_THAT(silent.actual, HasSubstr("upstream connect error"));

  EXPECT_TRUE(
      NotApplicable(evaluate("error.structured-in-stream", streamed(chat_request(true), good_stream())),
                    "the stream completed"));
}

// ---------------------------------------------------------------------------------------------------------
// ratelimit.* over a burst

Exchange limited(int status, std::string remaining, std::string reset, core::Headers extra = {}) {
  core::Headers headers = {{"Content-Type", "application/json"},
                           {"x-ratelimit-limit-requests", "500"},
                           {"x-ratelimit-remaining-requests", std::move(remaining)},
                           {"x-ratelimit-reset-requests", std::move(reset)}};
  for (const auto& [name, value] : extra)
    headers.add(name, value);
  if (status == 429)
    return answered(chat_request(), 429, error_body("requests", nullptr, "rate_limit_exceeded"), headers);
  return answered(chat_request(), status, completion(assistant("Hi")), headers);
}

TEST(RatelimitHeadersPresent, EveryResponseCarriesTheProfilesHeadersInAnyCase) {
  const Exchange first = limited(200, "499", "120ms");
  const Exchange shouting = answered(chat_request(), 200, completion(assistant("Hi")),
                                     {{"X-RateLimit-Limit-Requests", "500"},
                                      {"X-RATELIMIT-REMAINING-REQUESTS", "498"},
                                      {"X-Ratelimit-Reset-Requests", "240ms"}});
  EXPECT_TRUE(Passes(evaluate_burst("ratelimit.headers-present", {&first, &shouting})));

  const Exchange bare =
      answered(chat_request(), 200, completion(assistant("Hi")), {{"x-ratelimit-limit-requests", "500"}});
  const Verdict verdict = evaluate_burst("ratelimit.headers-present", {&first, &bare});
  EXPECT_TRUE(
      FailsWith(verdict, "response #2 (status 200) announces no rate limit under any known convention"));
  EXPECT_EQ(verdict.actual, "none");
  const Exchange no_reset =
      answered(chat_request(), 200, completion(assistant("Hi")),
               {{"x-ratelimit-limit-requests", "500"}, {"x-ratelimit-remaining-requests", "4"}});
  EXPECT_TRUE(FailsWith(evaluate("ratelimit.headers-present", no_reset), "but not a readable reset"));
}

// The same contract under each convention a target may use; only ratelimit.profile-names holds the naming
// to the profile, at SHOULD.
struct Convention {
  const char* name;
  core::Headers first, second;
};

class RatelimitConventions : public ::testing::TestWithParam<Convention> {};

TEST_P(RatelimitConventions, CarryTheContractAndAreNamedApartFromIt) {
  const Convention& c = GetParam();
  const Exchange a = answered(chat_request(), 200, completion(assistant("Hi")), c.first);
  const Exchange b = answered(chat_request(), 200, completion(assistant("Hi")), c.second);
  EXPECT_TRUE(Passes(evaluate_burst("ratelimit.headers-present", {&a, &b})));
  EXPECT_TRUE(Passes(evaluate_burst("ratelimit.remaining-decreases", {&a, &b})));
  EXPECT_TRUE(Passes(evaluate_burst("ratelimit.reset-in-future", {&a, &b})));
  const Verdict naming = evaluate_burst("ratelimit.profile-names", {&a, &b});
  EXPECT_TRUE(FailsWith(naming, std::string("announces its limits as ") + c.name));
  EXPECT_EQ(find_check("ratelimit.profile-names")->severity, Severity::should);
}

// The same conventions with a remaining that never moves: the contract fails whatever the naming.
TEST_P(RatelimitConventions, DoNotHideARemainingThatNeverDecreases) {
  const Convention& c = GetParam();
  const Exchange a = answered(chat_request(), 200, completion(assistant("Hi")), c.first);
  EXPECT_TRUE(FailsWith(evaluate_burst("ratelimit.remaining-decreases", {&a, &a, &a}),
                        "never went below its first value"));
}

INSTANTIATE_TEST_SUITE_P(
    Spec, RatelimitConventions,
    ::testing::Values(
        Convention{
            "X-RateLimit-*",
            {{"X-RateLimit-Limit", "60"}, {"X-RateLimit-Remaining", "59"}, {"X-RateLimit-Reset", "30"}},
            {{"X-RateLimit-Limit", "60"}, {"X-RateLimit-Remaining", "58"}, {"X-RateLimit-Reset", "29"}}},
        Convention{"IETF RateLimit-Limit/-Remaining/-Reset",
                   {{"RateLimit-Limit", "60"}, {"RateLimit-Remaining", "59"}, {"RateLimit-Reset", "30"}},
                   {{"RateLimit-Limit", "60"}, {"RateLimit-Remaining", "58"}, {"RateLimit-Reset", "29"}}},
        Convention{"IETF RateLimit/RateLimit-Policy",
                   {{"RateLimit", "\"default\";r=59;t=30"}, {"RateLimit-Policy", "\"default\";q=60;w=60"}},
                   {{"RateLimit", "\"default\";r=58;t=29"}, {"RateLimit-Policy", "\"default\";q=60;w=60"}}}),
    [](const ::testing::TestParamInfo<Convention>& param) { return std::to_string(param.index); });

TEST(RatelimitHeadersPresent, ACountThatIsNotOneIsAFindingAndTheIetfFieldMayOmitQuotaAndReset) {
  for (const char* remaining : {"nan", "inf", "-5", "lots"}) {
    const Exchange odd = limited(200, remaining, "1s");
    EXPECT_TRUE(FailsWith(evaluate("ratelimit.headers-present", odd), "a remaining count that reads as one"))
        << remaining;
  }
  // draft-ietf-httpapi-ratelimit-headers: only `r` is required in the RateLimit field.
  const Exchange bare =
      answered(chat_request(), 200, completion(assistant("Hi")), {{"RateLimit", "\"default\";r=7"}});
  EXPECT_TRUE(Passes(evaluate("ratelimit.headers-present", bare)));
  EXPECT_TRUE(NotApplicable(evaluate("ratelimit.reset-in-future", bare)));
}

TEST(RatelimitProfileNames, PassesUnderTheProfilesNamesAndLeavesAbsenceToHeadersPresent) {
  const Exchange named = limited(200, "499", "120ms");
  EXPECT_TRUE(Passes(evaluate("ratelimit.profile-names", named)));
  const Exchange none = answered(chat_request(), 200, completion(assistant("Hi")));
  EXPECT_TRUE(NotApplicable(evaluate("ratelimit.profile-names", none), "ratelimit.headers-present"));
  // An answer without headers does not end the judging: a later one under other names is still found.
  const Exchange other = answered(chat_request(), 200, completion(assistant("Hi")),
                                  {{"X-RateLimit-Limit", "60"}, {"X-RateLimit-Remaining", "59"}});
  EXPECT_TRUE(FailsWith(evaluate_burst("ratelimit.profile-names", {&none, &other}), "response #2"));
}

TEST(RatelimitRemainingDecreases, TheRemainingCountGoesDown) {
  const Exchange a = limited(200, "10", "1s"), b = limited(200, "9", "1s"), c = limited(200, "8", "1s");
  EXPECT_TRUE(Passes(evaluate_burst("ratelimit.remaining-decreases", {&a, &b, &c})));
  const Exchange d = limited(200, "10", "1s"), e = limited(200, "10", "1s");
  EXPECT_TRUE(FailsWith(evaluate_burst("ratelimit.remaining-decreases", {&a, &d, &e}),
                        "never went below its first value over 3 requests"));
  EXPECT_TRUE(NotApplicable(evaluate_burst("ratelimit.remaining-decreases", {&a}), "fewer than two"));
}

TEST(RatelimitResetInFuture, APartlyUsedWindowResetsLater) {
  const Exchange used = limited(200, "499", "6m0s");
  EXPECT_TRUE(Passes(evaluate("ratelimit.reset-in-future", used)));
  const Verdict past = evaluate("ratelimit.reset-in-future", limited(200, "499", "0s"));
  EXPECT_TRUE(FailsWith(
      past, "response #1 (status 200): the window is partly used (499 of 500 left) but resets in the past"));
  EXPECT_TRUE(
      FailsWith(evaluate("ratelimit.reset-in-future", limited(200, "499", "soon")), "does not parse"));
  EXPECT_TRUE(NotApplicable(evaluate("ratelimit.reset-in-future", limited(200, "500", "0s")),
                            "no response with a partly used window"));
}

// An epoch reset is judged against when the response arrived, not when the check runs: a slow run (a
// sanitizer build, a long burst) must not turn a correct reset into one "in the past".
TEST(RatelimitResetInFuture, AnEpochResetIsJudgedAgainstWhenTheResponseArrived) {
  static const vendor::Profile simosphere = vendor::load_profile("simosphere");
  const auto epoch = [](std::chrono::seconds offset) {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                              (std::chrono::system_clock::now() + offset).time_since_epoch())
                              .count());
  };
  const auto epoch_limited = [](std::string reset, std::chrono::seconds age) {
    Exchange ex = answered(chat_request(), 200, completion(assistant("Hi")),
                           {{"Content-Type", "application/json"},
                            {"X-RateLimit-Limit", "60"},
                            {"X-RateLimit-Remaining", "59"},
                            {"X-RateLimit-Reset", std::move(reset)}});
    ex.response.timings.finished = net::Clock::now() - age;  // arrived `age` ago
    return ex;
  };
  const auto judge = [&](const Exchange& ex) {
    const std::vector<const Exchange*> one = {&ex};
    return evaluate_check("ratelimit.reset-in-future",
                          CheckContext{one, simosphere, std::nullopt, nullptr, nullptr});
  };
  // Reset 3 s from now, read 10 s after the response arrived: 13 s after it, in the future then. Passes.
  EXPECT_TRUE(Passes(judge(epoch_limited(epoch(std::chrono::seconds(-7)), std::chrono::seconds(10)))));
  // A reset already over when the response arrived fails, however soon the check runs.
  EXPECT_TRUE(FailsWith(judge(epoch_limited(epoch(std::chrono::seconds(-30)), std::chrono::seconds(0))),
                        "resets in the past"));
}

TEST(RatelimitRetryAfterOn429, A429SaysWhenToComeBack) {
  const Exchange ok = limited(200, "1", "1s");
  const Exchange seconds = limited(429, "0", "1s", {{"Retry-After", "20"}});
  const Exchange date =
      limited(429, "0", "1s", {{"retry-after", core::format_http_date(std::time(nullptr) + 30)}});
  const Exchange ms = limited(429, "0", "1s", {{"Retry-After-Ms", "1500"}});
  EXPECT_TRUE(Passes(evaluate_burst("ratelimit.retry-after-on-429", {&ok, &seconds, &date, &ms})));

  const Exchange silent = limited(429, "0", "1s");
  Verdict verdict = evaluate_burst("ratelimit.retry-after-on-429", {&ok, &silent});
  EXPECT_TRUE(FailsWith(verdict, "429 response #2 does not say when to retry"));
  EXPECT_EQ(verdict.actual, "absent");
  verdict =
      evaluate("ratelimit.retry-after-on-429", limited(429, "0", "1s", {{"Retry-After", "in a minute"}}));
  EXPECT_EQ(verdict.actual, "Retry-After: 'in a minute' (not RFC 9110)");
  EXPECT_TRUE(NotApplicable(evaluate("ratelimit.retry-after-on-429", ok), "no 429"));
}

}  // namespace
}  // namespace gatecheck::runner
