// What a valid chat request gets back: deterministic, consistent, honouring every parameter.
#include <gtest/gtest.h>

#include <gatecheck/core/sse.hpp>
#include <gatecheck/schema/validator.hpp>

#include "app_fixture.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;
using testing::MockApp;

json chat(MockApp& mock, json body) {
  body["model"] = body.value("model", "gpt-4o-mini");
  if (!body.contains("messages"))
    body["messages"] = json::array({{{"role", "user"}, {"content", "Count to five"}}});
  const auto answer = mock.post("/v1/chat/completions", body.dump());
  EXPECT_EQ(answer.status, 200) << answer.body;
  return answer.json();
}

// The data of each SSE event, parsed with the core parser (as a client would).
std::vector<std::string> stream_data(MockApp& mock, json body,
                                     std::vector<std::pair<std::string, std::string>> headers = {}) {
  body["model"] = body.value("model", "gpt-4o-mini");
  if (!body.contains("messages"))
    body["messages"] = json::array({{{"role", "user"}, {"content", "Count to five"}}});
  body["stream"] = true;
  const auto answer = mock.post("/v1/chat/completions", body.dump(), std::move(headers));
  EXPECT_EQ(answer.status, 200) << answer.body;
  std::vector<std::string> data;
  core::SseParser parser([&](core::SseEvent&& e) { data.push_back(std::move(e.data)); });
  parser.feed(answer.body);
  parser.finish();
  return data;
}

TEST(ChatGeneration, AnswersHaveTheShapeClientsRelyOn) {
  MockApp mock;
  const json r = chat(mock, json::object());
  EXPECT_EQ(r["object"], "chat.completion");
  EXPECT_TRUE(r["id"].get<std::string>().starts_with("chatcmpl-"));
  EXPECT_EQ(r["created"], 1700000000);
  EXPECT_EQ(r["model"], "gpt-4o-mini");
  EXPECT_EQ(r["choices"][0]["message"]["role"], "assistant");
  EXPECT_FALSE(r["choices"][0]["message"]["content"].get<std::string>().empty());
  EXPECT_EQ(r["choices"][0]["finish_reason"], "stop");
  const json& usage = r["usage"];
  EXPECT_EQ(usage["total_tokens"], usage["prompt_tokens"].get<int>() + usage["completion_tokens"].get<int>());
}

TEST(ChatGeneration, TheSameRequestAndSeedGiveByteIdenticalBodies) {
  MockApp first;
  MockApp second;
  const std::string body =
      R"({"model":"gpt-4o","messages":[{"role":"user","content":"hello"}],"seed":7,"n":2})";
  EXPECT_EQ(first.post("/v1/chat/completions", body).body, second.post("/v1/chat/completions", body).body);
  auto options = MockApp::default_options();
  options.seed = 99;
  MockApp reseeded(options);
  EXPECT_NE(first.post("/v1/chat/completions", body).body, reseeded.post("/v1/chat/completions", body).body);
}

TEST(ChatGeneration, NGivesThatManyDistinctChoices) {
  MockApp mock;
  const json r = chat(mock, {{"n", 3}});
  ASSERT_EQ(r["choices"].size(), 3u);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(r["choices"][i]["index"], i);
  EXPECT_NE(r["choices"][0]["message"]["content"], r["choices"][1]["message"]["content"]);
}

TEST(ChatGeneration, MaxTokensCutsTheAnswerWithFinishReasonLength) {
  MockApp mock;
  for (const char* limit : {"max_tokens", "max_completion_tokens"}) {
    const json r = chat(mock, {{limit, 2}});
    EXPECT_EQ(r["choices"][0]["finish_reason"], "length") << limit;
    EXPECT_EQ(r["usage"]["completion_tokens"], 2) << limit;
  }
}

TEST(ChatGeneration, StopSequencesEndTheAnswerBeforeThem) {
  MockApp mock;
  const json free_text = chat(mock, json::object());
  const std::string content = free_text["choices"][0]["message"]["content"];
  const std::string stop = content.substr(content.find(' ') + 1, 4);  // something the answer contains
  const json stopped = chat(mock, {{"stop", stop}});
  const std::string cut = stopped["choices"][0]["message"]["content"];
  EXPECT_EQ(cut.find(stop), std::string::npos);
  EXPECT_TRUE(content.starts_with(cut)) << "stop trims the same answer";
  EXPECT_EQ(stopped["choices"][0]["finish_reason"], "stop");
}

const json kWeatherTool = json::parse(R"({"type":"function","function":{"name":"get_weather",
  "parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["c","f"]},
  "days":{"type":"integer","minimum":1,"maximum":7}},"required":["city","days"],"additionalProperties":false}}})");
const json kTimeTool = json::parse(R"({"type":"function","function":{"name":"get_time",
  "parameters":{"type":"object","properties":{"zone":{"type":"string","pattern":"^[A-Z][a-z]+/[A-Z][a-z]+$"}},
  "required":["zone"]}}})");

TEST(ChatTools, CallsAToolWithArgumentsValidAgainstItsParameters) {
  MockApp mock;
  const json r = chat(mock, {{"tools", {kWeatherTool}}, {"tool_choice", "required"}});
  const json& choice = r["choices"][0];
  EXPECT_EQ(choice["finish_reason"], "tool_calls");
  EXPECT_TRUE(choice["message"]["content"].is_null());
  ASSERT_EQ(choice["message"]["tool_calls"].size(), 1u);
  const json& call = choice["message"]["tool_calls"][0];
  EXPECT_TRUE(call["id"].get<std::string>().starts_with("call_"));
  EXPECT_EQ(call["type"], "function");
  EXPECT_EQ(call["function"]["name"], "get_weather");
  const json arguments = json::parse(call["function"]["arguments"].get<std::string>());
  const auto schema = schema::compile(kWeatherTool["function"]["parameters"]);
  EXPECT_TRUE(schema.is_valid(arguments)) << arguments.dump();
}

TEST(ChatTools, ParallelCallsOneCallPerToolUnlessTurnedOff) {
  MockApp mock;
  const json both = chat(mock, {{"tools", {kWeatherTool, kTimeTool}}, {"tool_choice", "required"}});
  ASSERT_EQ(both["choices"][0]["message"]["tool_calls"].size(), 2u);
  const json zone =
      json::parse(both["choices"][0]["message"]["tool_calls"][1]["function"]["arguments"].get<std::string>());
  EXPECT_TRUE(schema::compile(kTimeTool["function"]["parameters"]).is_valid(zone)) << zone.dump();
  const json one = chat(
      mock,
      {{"tools", {kWeatherTool, kTimeTool}}, {"tool_choice", "required"}, {"parallel_tool_calls", false}});
  EXPECT_EQ(one["choices"][0]["message"]["tool_calls"].size(), 1u);
}

TEST(ChatTools, ToolChoiceNoneAndNamedAreHonoured) {
  MockApp mock;
  const json none = chat(mock, {{"tools", {kWeatherTool}}, {"tool_choice", "none"}});
  EXPECT_EQ(none["choices"][0]["finish_reason"], "stop");
  EXPECT_FALSE(none["choices"][0]["message"].contains("tool_calls"));
  const json named =
      chat(mock, {{"tools", {kWeatherTool, kTimeTool}},
                  {"tool_choice", {{"type", "function"}, {"function", {{"name", "get_time"}}}}}});
  ASSERT_EQ(named["choices"][0]["message"]["tool_calls"].size(), 1u);
  EXPECT_EQ(named["choices"][0]["message"]["tool_calls"][0]["function"]["name"], "get_time");
}

TEST(ChatTools, ARoundTripEndsInAFinalAnswer) {
  MockApp mock;
  json messages = json::array({{{"role", "user"}, {"content", "Weather in Paris?"}}});
  const json first = chat(mock, {{"messages", messages}, {"tools", {kWeatherTool}}});
  const json call = first["choices"][0]["message"]["tool_calls"][0];
  messages.push_back(first["choices"][0]["message"]);
  messages.push_back({{"role", "tool"}, {"tool_call_id", call["id"]}, {"content", R"({"temp_c": 21})"}});
  const json second = chat(mock, {{"messages", messages}, {"tools", {kWeatherTool}}});
  EXPECT_EQ(second["choices"][0]["finish_reason"], "stop");
  const std::string content = second["choices"][0]["message"]["content"];
  EXPECT_NE(content.find("get_weather"), std::string::npos) << content;
  EXPECT_NE(content.find("temp_c"), std::string::npos) << content;
}

TEST(ChatJsonModes, JsonObjectAnswersParse) {
  MockApp mock;
  const json r = chat(mock, {{"response_format", {{"type", "json_object"}}}});
  EXPECT_TRUE(json::parse(r["choices"][0]["message"]["content"].get<std::string>()).is_object());
}

TEST(ChatJsonModes, JsonSchemaAnswersValidate) {
  MockApp mock;
  const json schema = json::parse(R"({"type":"object","properties":{"name":{"type":"string","minLength":2},
    "age":{"type":"integer","minimum":0,"maximum":130},"tags":{"type":"array","items":{"type":"string"},"minItems":2}},
    "required":["name","age","tags"],"additionalProperties":false})");
  const json r =
      chat(mock, {{"response_format",
                   {{"type", "json_schema"}, {"json_schema", {{"name", "person"}, {"schema", schema}}}}}});
  const json content = json::parse(r["choices"][0]["message"]["content"].get<std::string>());
  EXPECT_TRUE(schema::compile(schema).is_valid(content)) << content.dump();
}

TEST(ChatStreaming, FollowsTheOpenAiChunkContract) {
  MockApp mock;
  const auto data = stream_data(mock, {{"stream_options", {{"include_usage", true}}}});
  ASSERT_GE(data.size(), 5u);
  EXPECT_EQ(data.back(), "[DONE]");
  const json first = json::parse(data.front());
  EXPECT_EQ(first["object"], "chat.completion.chunk");
  EXPECT_EQ(first["choices"][0]["delta"]["role"], "assistant");
  const json usage_chunk = json::parse(data[data.size() - 2]);
  EXPECT_TRUE(usage_chunk["choices"].empty());
  EXPECT_GT(usage_chunk["usage"]["total_tokens"], 0);
  const json last_choice = json::parse(data[data.size() - 3]);
  EXPECT_EQ(last_choice["choices"][0]["finish_reason"], "stop");
  for (std::size_t i = 0; i + 1 < data.size(); ++i) {
    EXPECT_EQ(json::parse(data[i])["id"], first["id"]) << "chunk " << i;
  }
}

TEST(ChatStreaming, AssemblesToTheNonStreamedAnswer) {
  MockApp mock;
  const json body = {{"messages", json::array({{{"role", "user"}, {"content", "Tell me something"}}})},
                     {"seed", 3}};
  const json whole = chat(mock, body);
  std::string assembled;
  for (const auto& data : stream_data(mock, body)) {
    if (data == "[DONE]") continue;
    const json chunk = json::parse(data);
    if (!chunk["choices"].empty()) assembled += chunk["choices"][0]["delta"].value("content", "");
  }
  EXPECT_EQ(assembled, whole["choices"][0]["message"]["content"]);
}

TEST(ChatStreaming, ToolCallsStreamAsIndexedDeltas) {
  MockApp mock;
  const json whole = chat(mock, {{"tools", {kWeatherTool}}, {"tool_choice", "required"}});
  const auto data = stream_data(mock, {{"tools", {kWeatherTool}}, {"tool_choice", "required"}});
  std::string arguments;
  bool saw_start = false;
  for (const auto& item : data) {
    if (item == "[DONE]") continue;
    const json chunk = json::parse(item);
    const json& delta = chunk["choices"][0]["delta"];
    if (!delta.contains("tool_calls")) continue;
    const json& call = delta["tool_calls"][0];
    EXPECT_EQ(call["index"], 0);
    if (!saw_start) {
      EXPECT_TRUE(call.contains("id") && call["function"].contains("name")) << "id and name come first";
      saw_start = true;
    } else {
      EXPECT_FALSE(call.contains("id"));
    }
    arguments += call["function"].value("arguments", "");
  }
  EXPECT_EQ(arguments, whole["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]);
}

TEST(ChatStreaming, PacesEventsAsTheTimingHeadersSay) {
  MockApp mock;
  const auto answer =
      mock.post("/v1/chat/completions",
                R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"stream":true})",
                {{"x-gatecheck-ttft-ms", "250"}, {"x-gatecheck-itl-ms", "20"}});
  const auto& delays = answer.delays;
  ASSERT_GE(delays.size(), 4u);
  EXPECT_EQ(delays[0], std::chrono::milliseconds(250)) << "the first chunk waits the time to first token";
  EXPECT_EQ(delays[1], std::chrono::milliseconds(20));
  EXPECT_EQ(delays.back(), std::chrono::microseconds(0)) << "[DONE] follows at once";
}

TEST(ChatStreaming, AMidStreamErrorIsAStructuredEvent) {
  MockApp mock;
  const auto data = stream_data(mock, json::object(), {{"x-gatecheck-stream-error-after", "2"}});
  ASSERT_GE(data.size(), 4u);
  const json error = json::parse(data.back());
  EXPECT_EQ(error["error"]["type"], "server_error");
  EXPECT_NE(data.back(), "[DONE]");
}

}  // namespace
}  // namespace gatecheck::mock
