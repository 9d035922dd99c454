// The Responses API: POST /v1/responses answers with a Response built by the chat generator, streams its
// typed events, keeps stored answers for GET, DELETE and previous_response_id, and refuses bad input with a
// 400 naming the parameter's path.
#include <gtest/gtest.h>

#include <gatecheck/core/sse.hpp>

#include "app_fixture.hpp"
#include "response_store.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;
using testing::MockApp;

const json kWeather = {{"type", "function"},
                       {"name", "get_weather"},
                       {"parameters",
                        {{"type", "object"},
                         {"properties", {{"city", {{"type", "string"}}}}},
                         {"required", json::array({"city"})}}}};

json create(MockApp& mock, json body, std::vector<std::pair<std::string, std::string>> headers = {}) {
  body["model"] = body.value("model", "gpt-4o-mini");
  if (!body.contains("input")) body["input"] = "Count to five";
  const auto answer = mock.post("/v1/responses", body.dump(), std::move(headers));
  EXPECT_EQ(answer.status, 200) << answer.body;
  return answer.status == 200 ? answer.json() : json();
}

json error_of(MockApp& mock, const json& body, int status) {
  const auto answer = mock.post("/v1/responses", body.dump());
  EXPECT_EQ(answer.status, status) << answer.body;
  return answer.json()["error"];
}

struct Event {
  std::string name;  // the SSE event field
  json data;
};

std::vector<Event> stream(MockApp& mock, json body,
                          std::vector<std::pair<std::string, std::string>> headers = {}) {
  body["model"] = body.value("model", "gpt-4o-mini");
  if (!body.contains("input")) body["input"] = "Count to five";
  body["stream"] = true;
  const auto answer = mock.post("/v1/responses", body.dump(), std::move(headers));
  EXPECT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.header("Content-Type"), "text/event-stream; charset=utf-8");
  std::vector<Event> events;
  core::SseParser parser([&](core::SseEvent&& e) {
    events.push_back({e.type, json::parse(e.data, nullptr, false)});
  });
  parser.feed(answer.body);
  parser.finish();
  return events;
}

std::string text_of(const json& response) {
  return response["output"][0]["content"][0]["text"].get<std::string>();
}

TEST(Responses, ATextInputGetsACompletedResponseWithOneMessageAndConsistentUsage) {
  MockApp mock;
  const json r = create(mock, {{"input", "Say hello"}, {"instructions", "Be brief."}});
  EXPECT_EQ(r["object"], "response");
  EXPECT_TRUE(r["id"].get<std::string>().starts_with("resp_"));
  EXPECT_EQ(r["status"], "completed");
  EXPECT_EQ(r["created_at"], 1700000000);
  EXPECT_EQ(r["instructions"], "Be brief.");
  ASSERT_EQ(r["output"].size(), 1u);
  EXPECT_EQ(r["output"][0]["type"], "message");
  EXPECT_EQ(r["output"][0]["role"], "assistant");
  EXPECT_TRUE(r["output"][0]["id"].get<std::string>().starts_with("msg_"));
  EXPECT_FALSE(text_of(r).empty());
  EXPECT_EQ(r["usage"]["total_tokens"],
            r["usage"]["input_tokens"].get<int>() + r["usage"]["output_tokens"].get<int>());
  EXPECT_GT(r["usage"]["input_tokens"].get<int>(), 0);
  EXPECT_EQ(create(mock, {{"input", "Say hello"}, {"instructions", "Be brief."}}), r)
      << "seeded: the same request, the same answer";
  EXPECT_NE(text_of(create(mock, {{"input", "Say goodbye"}})), text_of(r));
}

TEST(Responses, InputItemsMessagesPartsAndEarlierOutputAreRead) {
  MockApp mock;
  const json items = json::array(
      {{{"role", "developer"}, {"content", "Be terse."}},
       {{"role", "user"},
        {"content", json::array({{{"type", "input_text"}, {"text", "What is this?"}},
                                 {{"type", "input_image"}, {"image_url", "data:image/png;base64,AA=="}}})}},
       {{"type", "message"},
        {"role", "assistant"},
        {"content", json::array({{{"type", "output_text"}, {"text", "A cat."}}})}},
       {{"role", "user"}, {"content", "Sure?"}}});
  const json r = create(mock, {{"input", items}});
  EXPECT_EQ(r["status"], "completed");
  EXPECT_GT(r["usage"]["input_tokens"].get<int>(), 85) << "an image counts as input";
}

TEST(Responses, BadInputGetsA400NamingThePath) {
  MockApp mock;
  EXPECT_EQ(
      error_of(mock,
               {{"model", "gpt-4o-mini"}, {"input", json::array({{{"role", "wizard"}, {"content", "x"}}})}},
               400)["param"],
      "input[0].role");
  EXPECT_EQ(error_of(mock,
                     {{"model", "gpt-4o-mini"},
                      {"input",
                       json::array({{{"role", "user"}, {"content", json::array({{{"type", "video"}}})}}})}},
                     400)["param"],
            "input[0].content[0].type");
  EXPECT_EQ(error_of(mock, {{"model", "gpt-4o-mini"}, {"input", 5}}, 400)["param"], "input");
  EXPECT_EQ(error_of(mock, {{"model", "gpt-4o-mini"}}, 400)["param"], "input");
  EXPECT_EQ(error_of(mock, {{"input", "hi"}}, 400)["param"], "model");
  EXPECT_EQ(error_of(mock, {{"model", "gpt-4o-mini"}, {"input", "hi"}, {"temperature", 5}}, 400)["param"],
            "temperature");
  EXPECT_EQ(
      error_of(mock, {{"model", "gpt-4o-mini"}, {"input", "hi"}, {"max_output_tokens", 8}}, 400)["code"],
      "integer_below_min_value");
  EXPECT_EQ(error_of(mock, {{"model", "gpt-4o-mini"}, {"input", "hi"}, {"wizardry", true}}, 400)["param"],
            "wizardry");
  EXPECT_EQ(
      error_of(
          mock,
          {{"model", "gpt-4o-mini"}, {"input", "hi"}, {"tools", json::array({{{"type", "web_search"}}})}},
          400)["param"],
      "tools[0].type");
  EXPECT_EQ(
      error_of(mock, {{"model", "gpt-4o-mini"}, {"input", "hi"}, {"text", {{"format", {{"type", "yaml"}}}}}},
               400)["param"],
      "text.format.type");
  EXPECT_EQ(error_of(mock, {{"model", "no-such-model"}, {"input", "hi"}}, 404)["code"], "model_not_found");
  EXPECT_EQ(error_of(mock, {{"model", "text-embedding-3-small"}, {"input", "hi"}}, 400)["param"], "model");
}

TEST(Responses, FunctionToolsAreCalledWithArgumentsGeneratedFromTheirSchema) {
  MockApp mock;
  const json r = create(mock, {{"tools", json::array({kWeather})}, {"tool_choice", "required"}});
  ASSERT_EQ(r["output"].size(), 1u);
  const json& call = r["output"][0];
  EXPECT_EQ(call["type"], "function_call");
  EXPECT_EQ(call["name"], "get_weather");
  EXPECT_TRUE(call["id"].get<std::string>().starts_with("fc_"));
  EXPECT_TRUE(call["call_id"].get<std::string>().starts_with("call_"));
  EXPECT_TRUE(json::parse(call["arguments"].get<std::string>())["city"].is_string());
  const json none = create(mock, {{"tools", json::array({kWeather})}, {"tool_choice", "none"}});
  EXPECT_EQ(none["output"][0]["type"], "message");
  const json named = create(mock, {{"tools", json::array({kWeather})},
                                   {"tool_choice", {{"type", "function"}, {"name", "get_weather"}}}});
  EXPECT_EQ(named["output"][0]["name"], "get_weather");
}

TEST(Responses, PreviousResponseIdContinuesTheStoredConversation) {
  MockApp mock;
  const json first = create(
      mock, {{"input", "Weather in Oslo?"}, {"tools", json::array({kWeather})}, {"tool_choice", "required"}});
  const json second = create(mock, {{"previous_response_id", first["id"]},
                                    {"tools", json::array({kWeather})},
                                    {"input", json::array({{{"type", "function_call_output"},
                                                            {"call_id", first["output"][0]["call_id"]},
                                                            {"output", "{\"temp\": 4}"}}})}});
  EXPECT_EQ(second["previous_response_id"], first["id"]);
  EXPECT_EQ(second["output"][0]["type"], "message") << "auto after a tool's output answers in text";
  EXPECT_NE(text_of(second).find("get_weather"), std::string::npos) << text_of(second);
  EXPECT_GT(second["usage"]["input_tokens"].get<int>(), first["usage"]["input_tokens"].get<int>())
      << "the earlier turn counts as input";
  const json unknown =
      error_of(mock, {{"model", "gpt-4o-mini"}, {"input", "hi"}, {"previous_response_id", "resp_nope"}}, 400);
  EXPECT_EQ(unknown["param"], "previous_response_id");
  EXPECT_EQ(unknown["code"], "previous_response_not_found");
}

TEST(Responses, StoredResponsesAreRetrievedThenDeletedAndStoreFalseKeepsNothing) {
  MockApp mock;
  const json r = create(mock, {{"input", "Remember this"}});
  const std::string id = r["id"];
  const auto got = mock.get("/v1/responses/" + id);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json(), r);
  const auto deleted = mock.send("DELETE", "/v1/responses/" + id, "", {});
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.json(), (json{{"id", id}, {"object", "response"}, {"deleted", true}}));
  EXPECT_EQ(mock.get("/v1/responses/" + id).status, 404);
  EXPECT_EQ(mock.send("DELETE", "/v1/responses/" + id, "", {}).status, 404);
  const json unstored = create(mock, {{"input", "Forget this"}, {"store", false}});
  EXPECT_EQ(unstored["store"], false);
  EXPECT_EQ(mock.get("/v1/responses/" + unstored["id"].get<std::string>()).status, 404);
  EXPECT_EQ(mock.send("PUT", "/v1/responses/" + id, "", {}).status, 405);
}

TEST(Responses, MaxOutputTokensCutsTheAnswerAndMarksItIncomplete) {
  MockApp mock;
  const json r = create(mock, {{"max_output_tokens", 16}}, {{"x-gatecheck-length", "40"}});
  EXPECT_EQ(r["status"], "incomplete");
  EXPECT_EQ(r["incomplete_details"]["reason"], "max_output_tokens");
  EXPECT_EQ(r["output"][0]["status"], "incomplete");
  EXPECT_EQ(r["usage"]["output_tokens"], 16);
}

TEST(Responses, TextFormatJsonSchemaGetsJsonThatFitsTheSchema) {
  MockApp mock;
  const json schema = {{"type", "object"},
                       {"properties", {{"n", {{"type", "integer"}, {"minimum", 3}, {"maximum", 3}}}}},
                       {"required", json::array({"n"})}};
  const json r =
      create(mock, {{"text", {{"format", {{"type", "json_schema"}, {"name", "out"}, {"schema", schema}}}}}});
  EXPECT_EQ(json::parse(text_of(r))["n"], 3);
  EXPECT_EQ(r["text"]["format"]["name"], "out") << "the format is echoed";
}

TEST(ResponsesStreaming, EventsFollowTheLifecycleAndAssembleToTheNonStreamedResponse) {
  MockApp mock;
  const auto events = stream(mock, json::object());
  const json whole = create(mock, json::object());
  ASSERT_GE(events.size(), 9u);
  std::vector<std::string> types;
  std::string text;
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].name, events[i].data["type"]) << "the SSE event name repeats the type";
    EXPECT_EQ(events[i].data["sequence_number"], i);
    types.push_back(events[i].data["type"]);
    if (types.back() == "response.output_text.delta") text += events[i].data["delta"].get<std::string>();
  }
  const std::vector<std::string> head = {"response.created", "response.in_progress",
                                         "response.output_item.added", "response.content_part.added",
                                         "response.output_text.delta"};
  EXPECT_EQ(std::vector<std::string>(types.begin(), types.begin() + 5), head);
  const std::vector<std::string> tail = {"response.output_text.done", "response.content_part.done",
                                         "response.output_item.done", "response.completed"};
  EXPECT_EQ(std::vector<std::string>(types.end() - 4, types.end()), tail);
  EXPECT_EQ(events.front().data["response"]["status"], "in_progress");
  EXPECT_EQ(events.back().data["response"], whole) << "the terminal event carries the non-streamed Response";
  EXPECT_EQ(text, text_of(whole));
}

TEST(ResponsesStreaming, AFunctionCallStreamsItsArgumentsAndAnErrorEndsInResponseFailed) {
  MockApp mock;
  const auto events = stream(mock, {{"tools", json::array({kWeather})}, {"tool_choice", "required"}});
  std::string arguments;
  for (const auto& event : events)
    if (event.data["type"] == "response.function_call_arguments.delta")
      arguments += event.data["delta"].get<std::string>();
  EXPECT_EQ(arguments, events.back().data["response"]["output"][0]["arguments"]);
  const auto failed = stream(mock, json::object(), {{"x-gatecheck-stream-error-after", "2"}});
  EXPECT_EQ(failed.back().data["type"], "response.failed");
  EXPECT_EQ(failed.back().data["response"]["error"]["code"], "server_error");
}

TEST(ResponsesStreaming, EachResponsesFaultBreaksTheStreamOneWay) {
  MockApp mock;
  const auto fault = [&](const char* name) {
    return stream(mock, json::object(), {{"x-gatecheck-fault", name}});
  };
  const auto repeats = fault("responses-sequence-repeats");
  EXPECT_EQ(repeats[1].data["sequence_number"], repeats[2].data["sequence_number"]);
  const auto unclosed = fault("responses-item-unclosed");
  for (const auto& event : unclosed)
    EXPECT_NE(event.data["type"], "response.output_item.done");
  const auto drift = fault("responses-delta-drift");
  std::string text;
  for (const auto& event : drift)
    if (event.data["type"] == "response.output_text.delta") text += event.data["delta"].get<std::string>();
  EXPECT_NE(text, drift.back().data["response"]["output"][0]["content"][0]["text"]);
  EXPECT_EQ(fault("responses-no-terminal").back().data["type"], "response.output_item.done");
}

TEST(Responses, AProfileThatDoesNotClaimTheResponsesApiHasNoSuchRoute) {
  auto options = MockApp::default_options();
  options.profile.capabilities.erase("responses");
  MockApp mock(options);
  const auto answer = mock.post("/v1/responses", R"({"model":"gpt-4o-mini","input":"hi"})");
  EXPECT_EQ(answer.status, 404) << answer.body;
}

TEST(ResponseStore, KeepsAtMostItsBoundAndForgetsTheOldestFirst) {
  ResponseStore store(2, 1 << 20);
  store.put("a", {"A", {}, 1});
  store.put("b", {"B", {}, 2});
  store.put("a", {"A2", {}, 3});  // stored again: now the newest
  store.put("c", {"C", {}, 4});
  EXPECT_FALSE(store.get("b")) << "the oldest went";
  EXPECT_EQ(store.get("a")->body, "A2");
  EXPECT_TRUE(store.get("c"));
  ResponseStore small(10, 4);
  small.put("big", {"too large", {}, 0});
  EXPECT_FALSE(small.get("big")) << "larger than the whole store: not kept";
}

TEST(Responses, AStoredAndAnUnstoredAnswerToTheSameInputDoNotShareAnId) {
  MockApp mock;
  const json stored = create(mock, {{"input", "Same"}});
  const json unstored = create(mock, {{"input", "Same"}, {"store", false}});
  EXPECT_NE(stored["id"], unstored["id"]);
  EXPECT_EQ(text_of(stored), text_of(unstored)) << "the content is the same";
  EXPECT_EQ(mock.get("/v1/responses/" + unstored["id"].get<std::string>()).status, 404);
}

TEST(ResponsesStreaming, AStreamHurriedByShutdownStillAssemblesToItsDoneText) {
  MockApp mock;
  const std::string body = R"({"model":"gpt-4o-mini","input":"Count","stream":true})";
  Request request;
  request.method = "POST";
  request.target = request.path = "/v1/responses";
  request.headers = {{"Authorization", "Bearer sk-test-key"}};
  request.body = body;
  Reply reply = mock.app->handle(request);
  ASSERT_TRUE(reply.stream);
  std::string out;
  std::chrono::microseconds delay{0};
  for (int i = 0; i < 6; ++i)
    reply.stream->next(out, delay);
  reply.stream->hurry();  // the server shuts down mid-stream
  while (reply.stream->next(out, delay))
    EXPECT_EQ(delay.count(), 0) << "no waiting once hurried";
  std::string deltas;
  std::string done;
  core::SseParser parser([&](core::SseEvent&& e) {
    const json data = json::parse(e.data);
    if (data["type"] == "response.output_text.delta") deltas += data["delta"].get<std::string>();
    if (data["type"] == "response.output_text.done") done = data["text"];
  });
  parser.feed(out);
  EXPECT_FALSE(done.empty());
  EXPECT_EQ(deltas, done) << "the done event restates the deltas, so none is dropped";
}

}  // namespace
}  // namespace gatecheck::mock
