// A request body as the validators read it (request_json.hpp): one simdjson parse, read with the API's
// semantics. And the content seed that follows from it: the same request, however it is laid out, generates
// the same answer.
#include "request_json.hpp"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <gatecheck/vendor/profile.hpp>

#include "chat_request.hpp"
#include "request_checks.hpp"

namespace gatecheck::mock {
namespace {

using Kind = JsonValue::Kind;

std::string rejection(std::string_view body) {
  try {
    RequestJson{body};
  } catch (const Rejected& rejected) {
    return rejected.error.message;
  }
  return "accepted";
}

TEST(ParamReader, ANullMemberIsAbsentAndARepeatedKeyMeansItsLastValue) {
  const RequestJson body(R"({"a":null,"b":1,"b":2,"c":{"x":true}})");
  EXPECT_FALSE(ParamReader(body.root(), "").find("a").has_value());
  EXPECT_FALSE(ParamReader(body.root(), "").find("missing").has_value());
  EXPECT_EQ(ParamReader(body.root(), "").find("b")->integer(), 2);
  EXPECT_EQ(body.root().sorted_members().size(), 3u) << "a repeated key counts once";
  EXPECT_TRUE(ParamReader(*ParamReader(body.root(), "").find("c"), "c").find("x")->flag());
}

TEST(RequestJson, NumbersKeepTheirKindAndAreWrittenBackAsNlohmannWritesThem) {
  const RequestJson body(R"({"i":-7,"big":18446744073709551615,"d":2.5,"e":1E2,"p":2.0})");
  const ParamReader root(body.root(), "");
  EXPECT_EQ(root.find("i")->integer(), -7);
  EXPECT_TRUE(root.find("big")->is(Kind::integer));
  EXPECT_FALSE(root.find("big")->integer().has_value()) << "above INT64_MAX";
  EXPECT_EQ(root.find("big")->unsigned_value(), 18446744073709551615u);
  EXPECT_TRUE(root.find("d")->is(Kind::decimal));
  EXPECT_EQ(root.find("e")->literal(), "100.0");
  EXPECT_EQ(root.find("p")->described_type(), "a decimal number") << "2.0 is not an integer to the API";
}

TEST(RequestJson, StringsAreUnescaped) {
  const RequestJson body(R"({"s":"caf\u00e9 \"quoted\"\n"})");
  EXPECT_EQ(ParamReader(body.root(), "").find("s")->text(), "caf\xC3\xA9 \"quoted\"\n");
}

TEST(RequestJson, ConvertsToTheValueNlohmannReads) {
  const std::string text = R"({"z":[1,-2,3.5,"x",null,true,{"k":"v","k":"w"}],"a":{}})";
  EXPECT_EQ(RequestJson(text).root().to_json(), nlohmann::json::parse(text));
}

TEST(RequestJson, RefusesWhatIsNotAJsonObjectAsTheApiDoes) {
  EXPECT_NE(rejection(R"({"a":1,})").find("We could not parse the JSON body"), std::string::npos);
  EXPECT_NE(rejection("{\"a\":\"\xff\"}").find("We could not parse the JSON body"), std::string::npos)
      << "not UTF-8";
  EXPECT_EQ(rejection("[1]"), "Invalid type for request body: expected an object, but got an array instead.");
  EXPECT_EQ(rejection(std::string(200, '[') + std::string(200, ']')),
            "The JSON body nests arrays and objects more than 128 levels deep.");
  EXPECT_EQ(rejection(std::string(5000, '[') + std::string(5000, ']')),
            "The JSON body nests arrays and objects more than 128 levels deep.")
      << "a body larger than the parser's first allocation keeps the limit";
  EXPECT_EQ(rejection("{\"a\":" + std::string(127, '[') + std::string(127, ']') + "}"), "accepted");
  EXPECT_EQ(rejection("{\"a\":" + std::string(128, '[') + std::string(128, ']') + "}"),
            "The JSON body nests arrays and objects more than 128 levels deep.");
  EXPECT_EQ(rejection(R"({"a":1})"), "accepted");
}

class ChatRequestLayout : public ::testing::TestWithParam<const char*> {};

// The content seed hashes content, not bytes: key order, whitespace, escapes and repeated keys do not change
// the answer.
TEST_P(ChatRequestLayout, TheSameRequestLaidOutDifferentlyReadsTheSame) {
  static const vendor::Profile openai = vendor::load_profile("openai");
  const std::string body = GetParam();
  const std::string compact = nlohmann::json::parse(body).dump();
  EXPECT_EQ(read_chat_request(body, openai, 7), read_chat_request(compact, openai, 7)) << body;
}

INSTANTIATE_TEST_SUITE_P(
    Spec, ChatRequestLayout,
    ::testing::Values(
        R"({"messages":[{"content":"Be brief.","role":"system"},{"role":"user","content":"hi"}],"model":"gpt-4o"})",
        R"(  { "model" : "gpt-4o-mini" , "messages" : [ { "role" : "user" , "content" : "spaced" } ] ,
              "temperature" : 0.7 , "top_p" : 1 } )",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"caf\u00e9 \"x\"\n"}],"seed":-7})",
        R"({"model":"gpt-4o","model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"n":2})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],
            "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
            "stream":true,"stream_options":{"include_usage":true},"temperature":1e-1})"));

}  // namespace
}  // namespace gatecheck::mock
