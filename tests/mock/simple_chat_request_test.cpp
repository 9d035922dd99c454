// The fast reader of common chat requests is an optimisation, never a second opinion: what it accepts it
// reads exactly as the full reader does (down to the content seed), and whatever it is unsure of it declines.
#include "simple_chat_request.hpp"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <gatecheck/vendor/profile.hpp>

#include "chat_request.hpp"
#include "request_checks.hpp"
#include "unusual_profile.hpp"

namespace gatecheck::mock {
namespace {

constexpr std::uint64_t kSeed = 7;

const vendor::Profile& openai() {
  static const vendor::Profile profile = vendor::load_profile("openai");
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

// Every default the readers consult, with unusual ranges.
vendor::Profile unusual() {
  return gatecheck::testing::unusual_profile();
}

TEST(SimpleChatRequest, ProfileDefaultsAndRangesAreTheFullReaders) {
  const vendor::Profile profile = unusual();
  for (const char* body :
       {R"({"messages":[{"role":"user","content":"hi"}]})",
        R"({"messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":true}})",
        R"({"messages":[{"role":"user","content":"hi"}],"temperature":-0.5,"n":2,"top_p":0.5})"}) {
    const auto fast = read_simple_chat_request(body, profile, kSeed);
    ASSERT_TRUE(fast.has_value()) << body;
    expect_same(*fast, read_chat_request(body, profile, kSeed));
  }
  for (const char* body : {R"({"messages":[{"role":"user","content":"hi"}],"temperature":1.8})",
                           R"({"messages":[{"role":"user","content":"hi"}],"n":1})",
                           R"({"messages":[{"role":"user","content":"hi"}],"presence_penalty":0.5})"}) {
    EXPECT_FALSE(read_simple_chat_request(body, profile, kSeed).has_value()) << body;
  }
}

// Random bodies near the subset's edges (fixed seed): whatever the simple reader accepts, nlohmann parses and
// the full reader reads to an equal request.
TEST(SimpleChatRequest, RandomBodiesNeverMakeTheReadersDisagree) {
  std::mt19937_64 random(20261124);
  const auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
  const auto one_of = [&](const std::vector<std::string>& choices) { return choices[pick(choices.size())]; };
  const std::vector<std::string> numbers = {"0",
                                            "-0",
                                            "1",
                                            "-1",
                                            "0.0",
                                            "-0.0",
                                            "1E5",
                                            "1e+5",
                                            "1e-5",
                                            "2",
                                            "2.0",
                                            "2.0000000000000004",
                                            "0.5",
                                            "1.5",
                                            "3",
                                            "16",
                                            "1000000",
                                            "1000001",
                                            "999999999999999999",
                                            "-999999999999999999",
                                            "9223372036854775808",
                                            "18446744073709551616",
                                            "1e999",
                                            "1e-999",
                                            "01",
                                            "1.",
                                            ".5",
                                            "+1",
                                            "-",
                                            "1e",
                                            "null",
                                            "true",
                                            "\"1\"",
                                            "[]",
                                            "{}"};
  const std::vector<std::string> strings = {"\"hi\"",    "\"\"",     "\"gpt-4o-mini\"",
                                            "\"a\\nb\"", "\"\x7f\"", "\"caf\xc3\xa9\"",
                                            "\"a\x01\"", "\"}\"",    "\"\xff\""};
  const std::vector<std::string> roles = {"\"user\"", "\"system\"", "\"assistant\"", "\"developer\"",
                                          "\"tool\"", "\"User\"",   "null",          "1"};
  const std::vector<std::string> spaces = {"", "", "", " ", "\n", "\t", "\r\n", "\f", "\xc2\xa0"};
  // Half the rounds stay inside the grammar and mostly inside the subset, so the readers are compared often.
  bool clean = false;
  const std::vector<std::string> clean_numbers = {"0", "1", "2", "0.5", "1.5", "16", "1E0", "-0", "42"};
  const std::vector<std::string> clean_strings = {"\"hi\"", "\"\"", "\"gpt-4o-mini\"", "\"}\""};
  const std::vector<std::string> clean_spaces = {"", "", " ", "\n", "\t", "\r\n"};
  const auto number = [&] { return one_of(clean ? clean_numbers : numbers); };
  const auto text = [&] { return one_of(clean ? clean_strings : strings); };
  const auto space = [&] { return one_of(clean ? clean_spaces : spaces); };
  const auto join = [&](std::vector<std::string> members) {
    std::shuffle(members.begin(), members.end(), random);
    std::string out = "{" + space();
    for (std::size_t i = 0; i < members.size(); ++i)
      out += (i ? "," + space() : "") + members[i];
    return out + space() + "}";
  };
  const auto message = [&] {
    std::vector<std::string> members;
    if (pick(10) != 0)
      members.push_back("\"role\":" + (clean || pick(4) != 0 ? roles[pick(4)] : one_of(roles)));
    if (pick(10) != 0) members.push_back("\"content\":" + (pick(10) != 0 ? text() : number()));
    if (!clean && pick(15) == 0) members.push_back("\"name\":\"x\"");
    if (!clean && pick(20) == 0) members.push_back("\"role\":\"user\"");
    return join(members);
  };
  const std::vector<std::string> numeric = {"temperature",           "top_p", "presence_penalty",
                                            "frequency_penalty",     "n",     "max_tokens",
                                            "max_completion_tokens", "seed"};
  const std::vector<vendor::Profile> profiles = {openai(), unusual()};
  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    clean = pick(2) == 0;
    std::vector<std::string> members;
    if (pick(5) != 0) members.push_back("\"model\":" + (pick(10) != 0 ? "\"gpt-4o-mini\"" : text()));
    if (pick(20) != 0) {
      std::string list = "[";
      const std::size_t count = pick(10) != 0 ? 1 + pick(3) : pick(40);
      for (std::size_t i = 0; i < count; ++i)
        list += (i ? "," : "") + message();
      members.push_back("\"messages\":" + list + "]");
    }
    for (const auto& name : numeric)
      if (pick(4) == 0) members.push_back("\"" + name + "\":" + number());
    if (pick(3) == 0)
      members.push_back("\"stream\":" + (pick(8) != 0 ? std::string(pick(2) ? "true" : "false") : number()));
    if (pick(4) == 0) {
      members.push_back(
          "\"stream_options\":" +
          one_of({"{}", "{\"include_usage\":true}", "{\"include_usage\":null}", "{\"include_usage\":1}",
                  "null", "{\"x\":1}", "{\"include_usage\":true,\"a\":1}"}));
    }
    if (pick(5) == 0) members.push_back("\"stop\":" + (pick(5) != 0 ? text() : "[\"a\"]"));
    if (pick(5) == 0) members.push_back("\"user\":" + text());
    if (!clean && pick(15) == 0)
      members.push_back(one_of({"\"logprobs\":true", "\"Model\":\"x\"", "\"\":1", "\"foo\":1"}));
    if (!clean && pick(10) == 0 && !members.empty())
      members.push_back(members[pick(members.size())]);  // a repeated key
    std::string body = space() + join(members) + space();
    if (!clean && pick(20) == 0) body = "\xef\xbb\xbf" + body;
    if (!clean && pick(30) == 0) body += one_of({"x", "}", "]", "/"});

    for (const auto& profile : profiles) {
      const auto fast = read_simple_chat_request(body, profile, kSeed);
      if (!fast) continue;
      ++accepted;
      ASSERT_FALSE(nlohmann::json::parse(body, nullptr, false).is_discarded()) << "not JSON: " << body;
      try {
        ASSERT_TRUE(*fast == read_chat_request(body, profile, kSeed)) << body;
      } catch (const Rejected& rejected) {
        FAIL() << "the full reader refuses (" << rejected.error.message << "): " << body;
      }
    }
  }
  EXPECT_GT(accepted, 1000) << "the generator must reach the subset, or this test proves nothing";
}

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
