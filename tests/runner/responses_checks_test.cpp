// responses.*: the Responses API's typed stream, judged as the OpenAI reference describes it. Each check
// passes a conforming stream and fails, for its own reason, a stream broken the way a careless relay breaks
// it; the chat chunk grammar's checks leave Responses streams alone, and the answer checks read a Response.
#include <gtest/gtest.h>

#include "check_assertions.hpp"
#include "exchange_builders.hpp"

namespace gatecheck::runner {
namespace {

using namespace testing;  // the builders
using nlohmann::json;

const json kItem = {
    {"id", "msg_1"},
    {"type", "message"},
    {"role", "assistant"},
    {"status", "completed"},
    {"content", json::array({{{"type", "output_text"}, {"text", "Hello"}, {"annotations", json::array()}}})}};

json response(std::string status, json output,
              json usage = {{"input_tokens", 5}, {"output_tokens", 2}, {"total_tokens", 7}}) {
  return {{"id", "resp_1"},           {"object", "response"},
          {"created_at", 1700000000}, {"status", std::move(status)},
          {"model", "gpt-4o-mini"},   {"output", std::move(output)},
          {"usage", std::move(usage)}};
}

// A conforming stream of one message, "Hel" + "lo", as typed event data (numbered when rendered).
std::vector<json> good_events() {
  const json in_progress = response("in_progress", json::array(), nullptr);
  json added = kItem;
  added["status"] = "in_progress";
  added["content"] = json::array();
  const json empty_part = {{"type", "output_text"}, {"text", ""}, {"annotations", json::array()}};
  const json at = {{"item_id", "msg_1"}, {"output_index", 0}, {"content_index", 0}};
  auto with = [&](json event) {
    event.update(at);
    return event;
  };
  return {{{"type", "response.created"}, {"response", in_progress}},
          {{"type", "response.in_progress"}, {"response", in_progress}},
          {{"type", "response.output_item.added"}, {"output_index", 0}, {"item", added}},
          with({{"type", "response.content_part.added"}, {"part", empty_part}}),
          with({{"type", "response.output_text.delta"}, {"delta", "Hel"}}),
          with({{"type", "response.output_text.delta"}, {"delta", "lo"}}),
          with({{"type", "response.output_text.done"}, {"text", "Hello"}}),
          with({{"type", "response.content_part.done"}, {"part", kItem["content"][0]}}),
          {{"type", "response.output_item.done"}, {"output_index", 0}, {"item", kItem}},
          {{"type", "response.completed"}, {"response", response("completed", json::array({kItem}))}}};
}

json responses_request(bool stream = true) {
  json request = {{"model", "gpt-4o-mini"}, {"input", "Say hello"}};
  if (stream) request["stream"] = true;
  return request;
}

// The events as a Responses stream: `event: <type>` and numbered data, unless the data is given whole.
Exchange responses_stream(const std::vector<json>& events, bool number = true,
                          json request = responses_request()) {
  std::vector<std::string> pieces;
  for (std::size_t i = 0; i < events.size(); ++i) {
    json data = events[i];
    if (number && !data.contains("sequence_number")) data["sequence_number"] = i;
    pieces.push_back("event: " + data.value("type", "message") + "\ndata: " + data.dump() + "\n\n");
  }
  Exchange ex = streamed(std::move(request), pieces);
  ex.request.url = "http://gateway.test/v1/responses";
  return ex;
}

constexpr const char* kResponsesChecks[] = {"responses.sequence-numbers", "responses.event-lifecycle",
                                            "responses.deltas-assemble", "responses.terminal-event"};

TEST(ResponsesChecks, AConformingStreamPassesEveryOne) {
  const Exchange ex = responses_stream(good_events());
  for (const char* id : kResponsesChecks)
    EXPECT_TRUE(Passes(evaluate(id, ex))) << id;
  EXPECT_TRUE(Passes(evaluate("usage.consistent", ex))) << "read from the terminal event's Response";
  EXPECT_TRUE(Passes(evaluate("error.structured-in-stream", ex)) ||
              evaluate("error.structured-in-stream", ex).kind == Verdict::Kind::not_applicable);
}

TEST(ResponsesChecks, TheChatChunkGrammarDoesNotJudgeAResponsesStream) {
  const Exchange ex = responses_stream(good_events());
  for (const char* id : {"sse.done-sentinel", "sse.nothing-after-done", "sse.same-id", "sse.role-first",
                         "sse.finish-reason-last", "sse.usage-chunk", "sse.tool-call-deltas"})
    EXPECT_EQ(evaluate(id, ex).kind, Verdict::Kind::not_applicable) << id;
  EXPECT_TRUE(Passes(evaluate("sse.json-chunks", ex)));
}

TEST(ResponsesChecks, AndTheyDoNotJudgeChatStreams) {
  const Exchange chat = streamed(chat_request(true), good_stream());
  for (const char* id : kResponsesChecks)
    EXPECT_EQ(evaluate(id, chat).kind, Verdict::Kind::not_applicable) << id;
}

TEST(ResponsesSequenceNumbers, EachEventIsNumberedAboveTheOneBefore) {
  auto events = good_events();
  for (std::size_t i = 0; i < events.size(); ++i)
    events[i]["sequence_number"] = i < 3 ? i : i - 1;
  EXPECT_TRUE(FailsWith(evaluate("responses.sequence-numbers", responses_stream(events)), "not above the 2"));
  events = good_events();
  for (std::size_t i = 0; i < events.size(); ++i)
    events[i]["sequence_number"] = 10 * i;  // gaps are allowed
  EXPECT_TRUE(Passes(evaluate("responses.sequence-numbers", responses_stream(events))));
  EXPECT_TRUE(FailsWith(evaluate("responses.sequence-numbers", responses_stream(good_events(), false)),
                        "no integer sequence_number"));
}

TEST(ResponsesEventLifecycle, AnItemAddedMustBeDoneBeforeTheStreamCompletes) {
  auto events = good_events();
  events.erase(events.begin() + 8);  // response.output_item.done
  EXPECT_TRUE(FailsWith(evaluate("responses.event-lifecycle", responses_stream(events)), "never done"));
}

TEST(ResponsesEventLifecycle, EventsNameAnOpenItemAndPartAndTheirSseNameIsTheirType) {
  auto events = good_events();
  events[4]["item_id"] = "msg_other";
  EXPECT_TRUE(FailsWith(evaluate("responses.event-lifecycle", responses_stream(events)), "names item_id"));
  events = good_events();
  std::swap(events[3], events[4]);  // a delta before its content part was added
  EXPECT_TRUE(FailsWith(evaluate("responses.event-lifecycle", responses_stream(events)), "not added"));
  events = good_events();
  std::rotate(events.begin(), events.begin() + 1, events.begin() + 2);
  EXPECT_TRUE(FailsWith(evaluate("responses.event-lifecycle", responses_stream(events)), "opens with"));
  Exchange renamed = responses_stream(good_events());
  renamed.events[5].type = "message";
  renamed.events[5].has_event_field = true;
  EXPECT_TRUE(FailsWith(evaluate("responses.event-lifecycle", renamed), "is named 'message'"));
}

TEST(ResponsesEventLifecycle, AFailedStreamMayLeaveItsItemsOpen) {
  auto events = good_events();
  events.resize(5);
  events.push_back({{"type", "response.failed"}, {"response", response("failed", json::array(), nullptr)}});
  EXPECT_TRUE(Passes(evaluate("responses.event-lifecycle", responses_stream(events))));
}

TEST(ResponsesDeltasAssemble, DeltasMustAssembleToEveryDoneEvent) {
  auto events = good_events();
  events.erase(events.begin() + 5);  // " lo" lost; the done events still say "Hello"
  EXPECT_TRUE(
      FailsWith(evaluate("responses.deltas-assemble", responses_stream(events)), "they part at character 3"));
  events = good_events();
  events[8]["item"]["content"][0]["text"] = "Hellp";
  EXPECT_TRUE(FailsWith(evaluate("responses.deltas-assemble", responses_stream(events)),
                        "response.output_item.done"));
}

TEST(ResponsesDeltasAssemble, FunctionCallArgumentsToo) {
  const json call = {{"id", "fc_1"}, {"type", "function_call"},  {"call_id", "call_1"},
                     {"name", "f"},  {"arguments", "{\"a\":1}"}, {"status", "completed"}};
  const json at = {{"item_id", "fc_1"}, {"output_index", 0}};
  auto with = [&](json event) {
    event.update(at);
    return event;
  };
  json added = call;
  added["arguments"] = "";
  std::vector<json> events = {
      {{"type", "response.created"}, {"response", response("in_progress", json::array(), nullptr)}},
      {{"type", "response.output_item.added"}, {"output_index", 0}, {"item", added}},
      with({{"type", "response.function_call_arguments.delta"}, {"delta", "{\"a\":"}}),
      with({{"type", "response.function_call_arguments.delta"}, {"delta", "1}"}}),
      with({{"type", "response.function_call_arguments.done"}, {"arguments", "{\"a\":1}"}}),
      {{"type", "response.output_item.done"}, {"output_index", 0}, {"item", call}},
      {{"type", "response.completed"}, {"response", response("completed", json::array({call}))}}};
  EXPECT_TRUE(Passes(evaluate("responses.deltas-assemble", responses_stream(events))));
  EXPECT_TRUE(Passes(evaluate("responses.terminal-event", responses_stream(events))));
  events.erase(events.begin() + 3);
  EXPECT_TRUE(FailsWith(evaluate("responses.deltas-assemble", responses_stream(events)),
                        "the arguments of output item 0"));
}

TEST(ResponsesTerminalEvent, ExactlyOneLastCarryingTheItemsAndUsage) {
  auto events = good_events();
  events.pop_back();
  EXPECT_TRUE(
      FailsWith(evaluate("responses.terminal-event", responses_stream(events)), "without a terminal event"));
  events = good_events();
  events.push_back(events.back());
  EXPECT_TRUE(FailsWith(evaluate("responses.terminal-event", responses_stream(events)), "2 terminal events"));
  events = good_events();
  events.back()["response"]["output"] = json::array();
  EXPECT_TRUE(
      FailsWith(evaluate("responses.terminal-event", responses_stream(events)), "does not hold the 1 items"));
  events = good_events();
  events.back()["response"]["output"][0]["content"][0]["text"] = "Bye";
  EXPECT_TRUE(
      FailsWith(evaluate("responses.terminal-event", responses_stream(events)), "differs from the item"));
  events = good_events();
  events.back()["response"]["usage"] = nullptr;
  EXPECT_TRUE(FailsWith(evaluate("responses.terminal-event", responses_stream(events)), "carries no usage"));
  events = good_events();
  events.back()["response"]["status"] = "in_progress";
  EXPECT_TRUE(FailsWith(evaluate("responses.terminal-event", responses_stream(events)), "status completed"));
}

TEST(ResponsesAnswers, TheAnswerChecksReadAResponse) {
  Exchange plain = answered(responses_request(false), 200,
                            response("completed", json::array({kItem}),
                                     {{"input_tokens", 5}, {"output_tokens", 2}, {"total_tokens", 9}}));
  plain.request.url = "http://gateway.test/v1/responses";
  EXPECT_TRUE(
      FailsWith(evaluate("usage.consistent", plain), "total_tokens is not input_tokens + output_tokens"));

  json request = responses_request(false);
  request["tools"] = json::array({{{"type", "function"},
                                   {"name", "f"},
                                   {"parameters", {{"type", "object"}, {"required", json::array({"a"})}}}}});
  const json call = {{"type", "function_call"}, {"call_id", "c"}, {"name", "f"}, {"arguments", "{\"b\":1}"}};
  Exchange called = answered(request, 200, response("completed", json::array({call})));
  called.request.url = "http://gateway.test/v1/responses";
  EXPECT_TRUE(Passes(evaluate("tools.arguments-json", called)));
  EXPECT_TRUE(FailsWith(evaluate("tools.arguments-match-schema", called), "output[0], function call 'f'"));

  request = responses_request(false);
  request["text"] = {{"format", {{"type", "json_schema"}, {"name", "x"}, {"schema", {{"type", "object"}}}}}};
  Exchange prose = answered(request, 200, response("completed", json::array({kItem})));
  prose.request.url = "http://gateway.test/v1/responses";
  EXPECT_TRUE(FailsWith(evaluate("json-mode.valid-json", prose), "content is not JSON"));
  Exchange cut = answered(request, 200, response("incomplete", json::array({kItem})));
  cut.request.url = "http://gateway.test/v1/responses";
  EXPECT_EQ(evaluate("json-mode.valid-json", cut).kind, Verdict::Kind::not_applicable)
      << "cut JSON is allowed";
}

TEST(ResponsesAnswers, AStreamMatchesItsNonStreamedTwinByItsResponse) {
  const Exchange stream = responses_stream(good_events());
  Exchange twin = answered(responses_request(false), 200, response("completed", json::array({kItem})));
  twin.request.url = "http://gateway.test/v1/responses";
  EXPECT_TRUE(Passes(evaluate("stream.matches-non-stream", stream, with_twin(twin))));
  json other = kItem;
  other["content"][0]["text"] = "Goodbye";
  twin = answered(responses_request(false), 200, response("completed", json::array({other})));
  twin.request.url = "http://gateway.test/v1/responses";
  EXPECT_TRUE(FailsWith(evaluate("stream.matches-non-stream", stream, with_twin(twin)), "different content"));
}

TEST(ResponsesAnswers, AnErrorAfterTheFirstDeltaIsStructuredWhenItIsResponseFailed) {
  auto events = good_events();
  events.resize(6);
  json failed = response("failed", json::array(), nullptr);
  failed["error"] = {{"code", "server_error"}, {"message", "boom"}};
  events.push_back({{"type", "response.failed"}, {"response", failed}});
  EXPECT_TRUE(Passes(evaluate("error.structured-in-stream", responses_stream(events))));
  events.resize(6);
  EXPECT_TRUE(FailsWith(evaluate("error.structured-in-stream", responses_stream(events)),
                        "without a structured error"));
}

TEST(ResponsesTerminalEvent, AFailureToldTwiceOrATrailingDoneIsNotASecondEnding) {
  auto events = good_events();
  events.resize(5);
  json failed = response("failed", json::array(), nullptr);
  failed["error"] = {{"code", "server_error"}, {"message", "boom"}};
  events.push_back({{"type", "response.failed"}, {"response", failed}});
  events.push_back({{"type", "error"}, {"message", "boom"}});
  EXPECT_TRUE(Passes(evaluate("responses.terminal-event", responses_stream(events))));
  Exchange done = responses_stream(good_events());
  done.events.push_back(done.events.back());
  done.events.back().data = "[DONE]";
  done.event_json.emplace_back();
  EXPECT_TRUE(Passes(evaluate("responses.terminal-event", done))) << "the SDKs ignore a chat-style [DONE]";
}

TEST(ResponsesTerminalEvent, AResponseWithoutUsageIsAShouldFindingForTheReferenceMakesItOptional) {
  auto events = good_events();
  events.back()["response"].erase("usage");
  const Verdict verdict = evaluate("responses.terminal-event", responses_stream(events));
  EXPECT_TRUE(FailsWith(verdict, "carries no usage"));
  EXPECT_EQ(verdict.severity, Severity::should);
}

TEST(ResponsesAnswers, AResponseFailedWithANullErrorStillReportsTheFailure) {
  auto events = good_events();
  events.resize(6);
  events.push_back({{"type", "response.failed"}, {"response", response("failed", json::array(), nullptr)}});
  events.back()["response"]["error"] = nullptr;
  EXPECT_TRUE(Passes(evaluate("error.structured-in-stream", responses_stream(events))));
}

TEST(ResponsesAnswers, JsonModeDoesNotJudgeAnAnswerWithoutText) {
  json request = responses_request(false);
  request["text"] = {{"format", {{"type", "json_object"}}}};
  const json reasoning = {{"type", "reasoning"}, {"id", "rs_1"}, {"summary", json::array()}};
  Exchange cut = answered(request, 200, response("incomplete", json::array({reasoning})));
  cut.request.url = "http://gateway.test/v1/responses";
  EXPECT_EQ(evaluate("json-mode.valid-json", cut).kind, Verdict::Kind::not_applicable);
  const json call = {{"type", "function_call"}, {"call_id", "c"}, {"name", "f"}, {"arguments", "{}"}};
  Exchange called = answered(request, 200, response("completed", json::array({call})));
  called.request.url = "http://gateway.test/v1/responses";
  EXPECT_EQ(evaluate("json-mode.valid-json", called).kind, Verdict::Kind::not_applicable);
}

}  // namespace
}  // namespace gatecheck::runner
