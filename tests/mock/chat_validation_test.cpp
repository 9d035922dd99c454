// Bad chat requests get the API's 400s: the message a user would see from OpenAI, with `param` and `code`
// set.
#include <gtest/gtest.h>

#include "app_fixture.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;
using testing::MockApp;

struct BadRequest {
  const char* name;
  const char* body;
  int status;
  const char* param;  // nullptr: null
  const char* code;   // nullptr: null
  const char* message_fragment;
};

class ChatValidation : public ::testing::TestWithParam<BadRequest> {};

TEST_P(ChatValidation, AnswersInTheEnvelopeNamingTheParameter) {
  MockApp mock;
  const auto& c = GetParam();
  const auto answer = mock.post("/v1/chat/completions", c.body);
  ASSERT_EQ(answer.status, c.status) << answer.body;
  const json error = answer.json().at("error");
  EXPECT_EQ(error.at("param"), c.param ? json(c.param) : json(nullptr)) << answer.body;
  EXPECT_EQ(error.at("code"), c.code ? json(c.code) : json(nullptr)) << answer.body;
  EXPECT_EQ(error.at("type"), "invalid_request_error");
  EXPECT_NE(error.at("message").get<std::string>().find(c.message_fragment), std::string::npos)
      << answer.body;
  EXPECT_EQ(answer.header("content-type"), "application/json");
  EXPECT_FALSE(answer.header("x-request-id").empty());
}

INSTANTIATE_TEST_SUITE_P(
    Spec, ChatValidation,
    ::testing::Values(
        BadRequest{"malformed", "{not json", 400, nullptr, nullptr, "We could not parse the JSON body"},
        BadRequest{"not_object", "[1]", 400, nullptr, "invalid_type", "expected an object"},
        BadRequest{"no_model", R"({"messages":[{"role":"user","content":"hi"}]})", 400, "model",
                   "missing_required_parameter", "Missing required parameter: 'model'."},
        BadRequest{"no_messages", R"({"model":"gpt-4o"})", 400, "messages", "missing_required_parameter",
                   "'messages'"},
        BadRequest{"empty_messages", R"({"model":"gpt-4o","messages":[]})", 400, "messages", "empty_array",
                   "empty array"},
        BadRequest{"bad_role", R"({"model":"gpt-4o","messages":[{"role":"bot","content":"x"}]})", 400,
                   "messages[0].role", "invalid_value", "Invalid value: 'bot'. Supported values are"},
        BadRequest{"no_content", R"({"model":"gpt-4o","messages":[{"role":"user"}]})", 400,
                   "messages[0].content", "missing_required_parameter", "'messages[0].content'"},
        BadRequest{"bad_part",
                   R"({"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"video"}]}]})", 400,
                   "messages[0].content[0].type", "invalid_value", "'video'"},
        BadRequest{"tool_without_id", R"({"model":"gpt-4o","messages":[{"role":"tool","content":"x"}]})", 400,
                   "messages[0].tool_call_id", "missing_required_parameter", "tool_call_id"},
        BadRequest{"temperature_high",
                   R"({"model":"gpt-4o",)"
                   R"("messages":[{"role":"user","content":"hi"}],"temperature":2.5})",
                   400, "temperature", "decimal_above_max_value",
                   "Expected a value <= 2, but got 2.5 instead."},
        BadRequest{"temperature_low",
                   R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"temperature":-1})", 400,
                   "temperature", "decimal_below_min_value", ">= 0"},
        BadRequest{"temperature_type",
                   R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"temperature":"hot"})",
                   400, "temperature", "invalid_type", "expected a decimal, but got a string instead"},
        BadRequest{"penalty",
                   R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"presence_penalty":3})",
                   400, "presence_penalty", "decimal_above_max_value", "<= 2"},
        BadRequest{
            "frequency",
            R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"frequency_penalty":-2.1})", 400,
            "frequency_penalty", "decimal_below_min_value", ">= -2"},
        BadRequest{"max_tokens_decimal",
                   R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"max_tokens":1.5})", 400,
                   "max_tokens", "invalid_type", "expected an integer, but got a decimal number instead"},
        BadRequest{"n_zero", R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"n":0})", 400,
                   "n", "integer_below_min_value", ">= 1"},
        BadRequest{
            "stop_long",
            R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"stop":["a","b","c","d","e"]})",
            400, "stop", "array_above_max_length", "maximum length 4"},
        BadRequest{
            "stream_options_alone",
            R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":true}})",
            400, "stream_options", nullptr, "only allowed when 'stream' is enabled"},
        BadRequest{"unknown_param",
                   R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"top_k":3})", 400,
                   "top_k", "unknown_parameter", "Unrecognized request argument supplied: top_k"},
        BadRequest{
            "bad_tool_name",
            R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"bad name"}}]})",
            400, "tools[0].function.name", "invalid_value", "does not match pattern"},
        BadRequest{
            "tool_choice_unknown",
            R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"a"}}],"tool_choice":{"type":"function","function":{"name":"b"}}})",
            400, "tool_choice.function.name", "invalid_value", "'b' is not one of the functions"},
        BadRequest{"tool_choice_without_tools",
                   R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"tool_choice":"auto"})",
                   400, "tool_choice", nullptr, "only allowed when 'tools' are specified"},
        BadRequest{
            "bad_format",
            R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"yaml"}})",
            400, "response_format.type", "invalid_value", "'yaml'"},
        BadRequest{"unknown_model", R"({"model":"gpt-9","messages":[{"role":"user","content":"hi"}]})", 404,
                   nullptr, "model_not_found",
                   "The model `gpt-9` does not exist or you do not have access to it."},
        BadRequest{"embedding_model",
                   R"({"model":"text-embedding-3-small","messages":[{"role":"user","content":"hi"}]})", 400,
                   "model", nullptr, "not a chat model"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(ChatValidation, ContentMayBeAStringOrParts) {
  MockApp mock;
  const auto answer = mock.post(
      "/v1/chat/completions",
      R"({"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"Describe"},)"
      R"({"type":"image_url","image_url":{"url":"https://example.com/cat.png","detail":"low"}}]}]})");
  EXPECT_EQ(answer.status, 200) << answer.body;
}

}  // namespace
}  // namespace gatecheck::mock
