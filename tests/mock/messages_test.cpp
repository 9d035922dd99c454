// Anthropic's Messages API under the anthropic profile: POST /v1/messages answers with a message (content
// blocks, stop_reason, usage) or its event stream, from the same generator and stubs as chat; its mistakes
// are 400s in Anthropic's envelope naming the parameter.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app_fixture.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing::MockApp;

const std::vector<std::pair<std::string, std::string>> kHeaders = {{"x-api-key", "sk-ant-test-0000000000"},
                                                                   {"anthropic-version", "2023-06-01"}};

MockApp anthropic_mock() {
  auto options = MockApp::default_options();
  options.profile = vendor::load_profile("anthropic");
  return MockApp(options);
}

testing::Answer message(MockApp& mock, json body,
                        std::vector<std::pair<std::string, std::string>> headers = kHeaders) {
  if (!body.contains("model")) body["model"] = "claude-sonnet-4-5";
  if (!body.contains("messages")) body["messages"] = {{{"role", "user"}, {"content", "hi"}}};
  return mock.send("POST", "/v1/messages", body.dump(), std::move(headers), false);
}

TEST(Messages, AnswersWithAMessageOfTextStopReasonAndUsage) {
  auto mock = anthropic_mock();
  const auto answer = message(mock, {{"max_tokens", 12}});
  ASSERT_EQ(answer.status, 200) << answer.body;
  const json m = answer.json();
  EXPECT_THAT(m["id"].get<std::string>(), ::testing::StartsWith("msg_"));
  EXPECT_EQ(m["type"], "message");
  EXPECT_EQ(m["role"], "assistant");
  EXPECT_EQ(m["content"][0]["type"], "text");
  EXPECT_EQ(m["stop_reason"], "max_tokens");
  EXPECT_EQ(m["usage"]["output_tokens"], 12);
  EXPECT_EQ(message(mock, {{"max_tokens", 12}}).body, answer.body) << "deterministic";
}

TEST(Messages, StreamsItsEventTypesInOrderAndEndsWithMessageStop) {
  auto mock = anthropic_mock();
  const auto answer = message(mock, {{"max_tokens", 3}, {"stream", true}});
  ASSERT_EQ(answer.status, 200) << answer.body;
  std::vector<std::string> names;
  for (const auto& event : answer.events)
    names.push_back(event.substr(7, event.find('\n') - 7));
  EXPECT_EQ(names,
            (std::vector<std::string>{"message_start", "content_block_start", "ping", "content_block_delta",
                                      "content_block_delta", "content_block_delta", "content_block_stop",
                                      "message_delta", "message_stop"}));
}

TEST(Messages, AnswersWithToolUseBlocks) {
  auto mock = anthropic_mock();
  const json tools = {
      {{"name", "get_weather"},
       {"input_schema", {{"type", "object"}, {"properties", {{"city", {{"type", "string"}}}}}}}}};
  const auto called =
      message(mock, {{"max_tokens", 100}, {"tools", tools}, {"tool_choice", {{"type", "any"}}}});
  ASSERT_EQ(called.status, 200) << called.body;
  EXPECT_EQ(called.json()["stop_reason"], "tool_use");
  EXPECT_EQ(called.json()["content"][0]["type"], "tool_use");
  EXPECT_EQ(called.json()["content"][0]["name"], "get_weather");
  EXPECT_TRUE(called.json()["content"][0]["input"].is_object());
}

TEST(Messages, SaysWhatAStubsAnswerSays) {
  auto options = MockApp::default_options();
  options.profile = vendor::load_profile("anthropic");
  options.admin_token = "admin-token-messages";
  MockApp mock(options);
  const auto stub =
      mock.send("POST", "/admin/stubs",
                R"({"request":{"path":"/v1/messages"},"response":{"answer":{"content":"Stubbed."}}})",
                {{"Authorization", "Bearer admin-token-messages"}}, false);
  ASSERT_EQ(stub.status, 201) << stub.body;
  const auto answer = message(mock, {{"max_tokens", 50}});
  EXPECT_EQ(answer.json()["content"][0]["text"], "Stubbed.");
  EXPECT_EQ(answer.json()["stop_reason"], "end_turn");
}

TEST(Messages, RefusesMistakesInAnthropicsEnvelopeNamingTheParameter) {
  auto mock = anthropic_mock();
  const auto no_length = message(mock, json::object());
  EXPECT_EQ(no_length.status, 400);
  EXPECT_EQ(no_length.json()["type"], "error");
  EXPECT_EQ(no_length.json()["error"]["type"], "invalid_request_error");
  EXPECT_THAT(no_length.json()["error"]["message"].get<std::string>(), HasSubstr("max_tokens"));
  const auto role =
      message(mock, {{"max_tokens", 5}, {"messages", {{{"role", "system"}, {"content", "x"}}}}});
  EXPECT_EQ(role.status, 400);
  EXPECT_THAT(role.json()["error"]["message"].get<std::string>(), HasSubstr("messages[0].role"));
  EXPECT_EQ(message(mock, {{"max_tokens", 5}, {"temperature", 1.5}}).status, 400)
      << "Anthropic's range is 0..1";
  EXPECT_EQ(message(mock, {{"max_tokens", 5}, {"n", 2}}).status, 400) << "an unknown parameter";
  const auto version = message(mock, {{"max_tokens", 5}}, {{"x-api-key", "sk-ant-test-0000000000"}});
  EXPECT_EQ(version.status, 400);
  EXPECT_THAT(version.json()["error"]["message"].get<std::string>(), HasSubstr("anthropic-version"));
  const auto keyless = message(mock, {{"max_tokens", 5}}, {{"anthropic-version", "2023-06-01"}});
  EXPECT_EQ(keyless.status, 401);
  EXPECT_EQ(keyless.json()["error"]["type"], "authentication_error");
}

TEST(Messages, IsServedOnlyUnderAProfileThatClaimsIt) {
  MockApp openai;
  EXPECT_EQ(openai.post("/v1/messages", R"({"model":"gpt-4o-mini","max_tokens":5,"messages":[]})").status,
            404);
}

}  // namespace
}  // namespace gatecheck::mock
