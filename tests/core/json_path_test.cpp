#include <gtest/gtest.h>

#include <gatecheck/core/json_path.hpp>

namespace gatecheck::core {
namespace {

using nlohmann::json;

const json kResponse = json::parse(R"({
  "id": "chatcmpl-1",
  "choices": [
    {"index": 0, "message": {"role": "assistant", "content": "a"}, "finish_reason": "stop"},
    {"index": 1, "message": {"role": "assistant", "content": "b"}, "finish_reason": "length"}
  ],
  "x-odd key": {"a.b": 1}
})");

TEST(JsonPath, DotAndBracketNamesSelectMembers) {
  EXPECT_EQ(*JsonPath::parse("$.id").find(kResponse), "chatcmpl-1");
  EXPECT_EQ(*JsonPath::parse("$['id']").find(kResponse), "chatcmpl-1");
  EXPECT_EQ(*JsonPath::parse("$[\"x-odd key\"]['a.b']").find(kResponse), 1);
}

TEST(JsonPath, IndexesCountFromEitherEnd) {
  EXPECT_EQ(*JsonPath::parse("$.choices[0].finish_reason").find(kResponse), "stop");
  EXPECT_EQ(*JsonPath::parse("$.choices[-1].finish_reason").find(kResponse), "length");
  EXPECT_EQ(JsonPath::parse("$.choices[2]").find(kResponse), nullptr);
  EXPECT_EQ(JsonPath::parse("$.choices[-3]").find(kResponse), nullptr);
}

TEST(JsonPath, WildcardsSelectEveryChildWithItsPointer) {
  const auto matches = JsonPath::parse("$.choices[*].message.content").evaluate(kResponse);
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].pointer, "/choices/0/message/content");
  EXPECT_EQ(*matches[1].value, "b");
  EXPECT_EQ(JsonPath::parse("$.choices[0].*").evaluate(kResponse).size(), 3u);
  EXPECT_FALSE(JsonPath::parse("$.choices[*]").is_singular());
}

TEST(JsonPath, MissingMembersAndWrongTypesSelectNothing) {
  EXPECT_EQ(JsonPath::parse("$.nope").find(kResponse), nullptr);
  EXPECT_EQ(JsonPath::parse("$.id.length").find(kResponse), nullptr);
  EXPECT_TRUE(JsonPath::parse("$.id[0]").evaluate(kResponse).empty());
}

TEST(JsonPath, RootAloneSelectsTheDocument) {
  EXPECT_EQ(*JsonPath::parse("$").find(kResponse), kResponse);
}

struct BadPath {
  const char* text;
  const char* message;
  std::size_t offset;
};
class JsonPathErrors : public ::testing::TestWithParam<BadPath> {};

TEST_P(JsonPathErrors, SayWhatWasExpectedAndWhere) {
  try {
    JsonPath::parse(GetParam().text);
    FAIL() << "expected an error for " << GetParam().text;
  } catch (const JsonPathError& e) {
    EXPECT_NE(std::string(e.what()).find(GetParam().message), std::string::npos) << e.what();
    EXPECT_EQ(e.offset(), GetParam().offset) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Spec, JsonPathErrors,
    ::testing::Values(BadPath{"choices[0]", "starts with '$'", 0},
                      BadPath{"$.choices[", "expected an index", 10},
                      BadPath{"$.choices[0", "expected ']'", 11}, BadPath{"$..id", "recursive descent", 2},
                      BadPath{"$.a['b", "unterminated", 6}, BadPath{"$.a[01]", "leading zero", 6},
                      BadPath{"$.a[?(@.x)]", "filters", 4}, BadPath{"$.1a", "member name", 2},
                      BadPath{"$.a b", "expected '.' or '['", 3}));

TEST(JsonPath, PointersPrintAsPaths) {
  EXPECT_EQ(json_path_from_pointer(""), "$");
  EXPECT_EQ(json_path_from_pointer("/choices/0/finish_reason"), "$.choices[0].finish_reason");
  EXPECT_EQ(json_path_from_pointer("/a~1b/it's"), "$['a/b']['it\\'s']");
  const json doc = {{"responses", {{"200", {{"x", 1}}}}}};
  EXPECT_EQ(json_path_from_pointer("/responses/200/x", &doc), "$.responses['200'].x");
}

}  // namespace
}  // namespace gatecheck::core
