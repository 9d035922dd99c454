// The fast reader of common chat requests is an optimisation, never a second opinion: what it accepts it
// reads exactly as the full reader does (down to the content seed), and whatever it is unsure of it declines.
#include "simple_chat_request.hpp"

#include <gtest/gtest.h>

#include <gatecheck/core/profile.hpp>

#include "chat_request.hpp"
#include "request_checks.hpp"

namespace gatecheck::mock {
namespace {

constexpr std::uint64_t kSeed = 7;

const core::Profile& openai() {
  static const core::Profile profile = core::load_profile("openai");
  return profile;
}

void expect_same(const ChatRequest& fast, const ChatRequest& full) {
  EXPECT_EQ(fast.model, full.model);
  ASSERT_EQ(fast.messages.size(), full.messages.size());
  for (std::size_t i = 0; i < fast.messages.size(); ++i) {
    EXPECT_EQ(fast.messages[i].role, full.messages[i].role) << i;
    EXPECT_EQ(fast.messages[i].text, full.messages[i].text) << i;
    EXPECT_EQ(fast.messages[i].images, full.messages[i].images) << i;
    EXPECT_EQ(fast.messages[i].tool_calls.size(), full.messages[i].tool_calls.size()) << i;
    EXPECT_EQ(fast.messages[i].tool_call_id, full.messages[i].tool_call_id) << i;
  }
  EXPECT_EQ(fast.n, full.n);
  EXPECT_EQ(fast.max_tokens, full.max_tokens);
  EXPECT_EQ(fast.stop, full.stop);
  EXPECT_EQ(fast.stream, full.stream);
  EXPECT_EQ(fast.include_usage, full.include_usage);
  EXPECT_EQ(fast.tools.size(), full.tools.size());
  EXPECT_EQ(fast.tool_choice, full.tool_choice);
  EXPECT_EQ(fast.tool_choice_name, full.tool_choice_name);
  EXPECT_EQ(fast.parallel_tool_calls, full.parallel_tool_calls);
  EXPECT_EQ(fast.response_format, full.response_format);
  EXPECT_EQ(fast.json_schema, full.json_schema);
  EXPECT_EQ(fast.length, full.length);
  EXPECT_EQ(fast.content_seed, full.content_seed) << "the same request must generate the same answer";
  EXPECT_EQ(fast.prompt_tokens, full.prompt_tokens);
}

class SimpleChatRequestAccepted : public ::testing::TestWithParam<const char*> {};

TEST_P(SimpleChatRequestAccepted, ReadsWhatTheFullReaderReads) {
  const std::string body = GetParam();
  const auto fast = read_simple_chat_request(body, openai(), kSeed);
  ASSERT_TRUE(fast.has_value()) << "declined: " << body;
  expect_same(*fast, read_chat_request(body, openai(), kSeed));
}

INSTANTIATE_TEST_SUITE_P(
    Spec, SimpleChatRequestAccepted,
    ::testing::Values(
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello to the benchmark"}],"max_tokens":16})",
        R"({"messages":[{"content":"Be brief.","role":"system"},{"role":"user","content":"hi"},
            {"role":"assistant","content":"Hello."},{"role":"developer","content":""}],"model":"gpt-4o"})",
        R"(  {
              "model" : "gpt-4o-mini" ,
              "messages" : [ { "role" : "user" , "content" : "spaced out" } ] ,
              "temperature" : 0.7 , "top_p" : 1 , "presence_penalty" : -1.5 , "frequency_penalty" : 2
            }
        )",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"n":3,"seed":42,"user":"u-1",
            "stop":"END","stream":true,"max_completion_tokens":5,"max_tokens":9})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"seed":-7,"stream":false,
            "temperature":1.0})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"temperature":1e-1,"top_p":0})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"temperature":2,"seed":-0,
            "max_tokens":1000000})",
        R"({"stream_options":{"include_usage":true},"model":"gpt-4o-mini","stream":true,
            "messages":[{"role":"user","content":"hi"}]})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{}})"));

class SimpleChatRequestDeclined : public ::testing::TestWithParam<const char*> {};

TEST_P(SimpleChatRequestDeclined, LeavesItToTheFullReader) {
  EXPECT_FALSE(read_simple_chat_request(GetParam(), openai(), kSeed).has_value()) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(
    Spec, SimpleChatRequestDeclined,
    ::testing::Values(
        // Valid, but outside the subset.
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"line\nbreak"}]})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"caf\u00e9"}]})",
        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"caf\xc3\xa9\"}]}",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"temperature":null})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi","name":"ada"}]})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"tool","content":"42","tool_call_id":"call_1"}]})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],
            "tools":[{"type":"function","function":{"name":"f"}}]})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],
            "stream_options":{"include_usage":true}})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true,
            "stream_options":{"include_usage":true,"include_obfuscation":false}})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"seed":1234567890123456789})",
        R"({"model":"gpt-4o-mini","model":"gpt-4o","messages":[{"role":"user","content":"hi"}]})",
        // Invalid: the full reader's 400 is the answer.
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"temperature":3})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"n":1.0})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"max_tokens":0})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":"yes"})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"wizard","content":"hi"}]})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user"}]})", R"({"model":"gpt-4o-mini","messages":[]})",
        R"({"model":"gpt-4o-mini"})", R"({"messages":[{"role":"user","content":"hi"}]})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"temperature":01})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]} x)",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}])", R"([1,2])", "", "nul"));

TEST(SimpleChatRequest, ALongConversationIsLeftToTheFullReaderAndStillAnswered) {
  std::string body = R"({"model":"gpt-4o-mini","messages":[)";
  for (int i = 0; i < 40; ++i)
    body +=
        std::string(i == 0 ? "" : ",") + R"({"role":"user","content":"turn )" + std::to_string(i) + R"("})";
  body += "]}";
  EXPECT_FALSE(read_simple_chat_request(body, openai(), kSeed).has_value()) << "more nodes than it holds";
  EXPECT_EQ(parse_chat_request(body, openai(), kSeed).messages.size(), 40u);
}

TEST(SimpleChatRequest, DeclinedRequestsStillGetTheFullReadersAnswer) {
  // parse_chat_request falls back, so the 400 names the parameter as before.
  try {
    parse_chat_request(
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"temperature":3})", openai(),
        kSeed);
    FAIL() << "accepted a temperature of 3";
  } catch (const Rejected& rejected) {
    EXPECT_EQ(rejected.error.param, "temperature");
  }
}

}  // namespace
}  // namespace gatecheck::mock
