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
                      BadPath{"$.choices[0", "expected ']'", 11}, BadPath{"$.a[:2]", "slices", 4},
                      BadPath{"$.a['b", "unterminated", 6}, BadPath{"$.a[01]", "leading zero", 6},
                      BadPath{"$.a[?@.x == ]", "expected @, $, a string", 12},
                      BadPath{"$.a[?'x']", "a literal alone", 8}, BadPath{"$.a[?(@.x]", "expected ')'", 9},
                      BadPath{"$.1a", "member name", 2}, BadPath{"$.a b", "expected '.' or '['", 3}));

const json kCatalog = json::parse(R"({
  "object": "list",
  "data": [
    {"id": "gpt-4o", "object": "model", "created": 1715367049, "owned_by": "system"},
    {"id": "gpt-4o-mini", "object": "model", "created": 1721172741, "owned_by": "system", "beta": true},
    {"id": "text-embedding-3-small", "object": "model", "created": 1705948997, "owned_by": "openai"}
  ]
})");

TEST(JsonPathFilters, SelectTheChildrenAComparisonHoldsFor) {
  const auto matches = JsonPath::parse("$.data[?@.id == 'gpt-4o-mini']").evaluate(kCatalog);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].pointer, "/data/1");
  EXPECT_EQ(JsonPath::parse("$.data[?@.id == \"gpt-4o-mini\"].owned_by").evaluate(kCatalog).size(), 1u);
  EXPECT_TRUE(JsonPath::parse("$.data[?@.id == 'no-such-model']").evaluate(kCatalog).empty());
  EXPECT_FALSE(JsonPath::parse("$.data[?@.id == 'gpt-4o']").is_singular());
}

TEST(JsonPathFilters, CompareNumbersAndStringsByOrder) {
  EXPECT_EQ(JsonPath::parse("$.data[?@.created > 1715367049]").evaluate(kCatalog).size(), 1u);
  EXPECT_EQ(JsonPath::parse("$.data[?@.created >= 1715367049]").evaluate(kCatalog).size(), 2u);
  EXPECT_EQ(JsonPath::parse("$.data[?@.created < 1.8e9]").evaluate(kCatalog).size(), 3u);
  EXPECT_EQ(JsonPath::parse("$.data[?@.id < 'h']").evaluate(kCatalog).size(), 2u);
  // A number and a string are never ordered (RFC 9535 2.3.5.2.2).
  EXPECT_TRUE(JsonPath::parse("$.data[?@.id < 5]").evaluate(kCatalog).empty());
}

TEST(JsonPathFilters, TestExistenceAndCombineTests) {
  EXPECT_EQ(JsonPath::parse("$.data[?@.beta]").evaluate(kCatalog).size(), 1u);
  EXPECT_EQ(JsonPath::parse("$.data[?!@.beta]").evaluate(kCatalog).size(), 2u);
  EXPECT_EQ(JsonPath::parse("$.data[?@.owned_by == 'system' && !@.beta].id").evaluate(kCatalog).size(), 1u);
  EXPECT_EQ(JsonPath::parse("$.data[?@.id == 'gpt-4o' || @.owned_by == 'openai']").evaluate(kCatalog).size(),
            2u);
  EXPECT_EQ(JsonPath::parse("$.data[?(@.id == 'x' || @.beta) && @.created > 0]").evaluate(kCatalog).size(),
            1u);
  // A missing member is Nothing: equal only to another Nothing, never to null.
  EXPECT_EQ(JsonPath::parse("$.data[?@.beta == null]").evaluate(kCatalog).size(), 0u);
  EXPECT_EQ(JsonPath::parse("$.data[?@.beta == @.nope]").evaluate(kCatalog).size(), 2u);
}

TEST(JsonPathFilters, ReadTheRootWithDollar) {
  const json doc = {{"want", "b"}, {"items", json::array({{{"k", "a"}}, {{"k", "b"}}})}};
  EXPECT_EQ(JsonPath::parse("$.items[?@.k == $.want]").evaluate(doc).front().pointer, "/items/1");
}

TEST(JsonPathFilters, RefuseNestingBeyondABound) {
  std::string deep = "$.a[?" + std::string(200, '(') + "@.x" + std::string(200, ')') + "]";
  EXPECT_THROW(JsonPath::parse(deep), JsonPathError);
  std::string negations = "$.a[?" + std::string(200, '!') + "@.x]";
  EXPECT_THROW(JsonPath::parse(negations), JsonPathError);
  EXPECT_THROW(JsonPath::parse("$..a..b..c..d"), JsonPathError);  // each '..' multiplies the work
}

TEST(JsonPathFilters, CompareOnlyPathsThatNameOneNode) {
  // RFC 9535 2.3.5.1: `@.tags[*] != 'x'` would compare a list; it is refused, not read as Nothing.
  EXPECT_THROW(JsonPath::parse("$.data[?@.tags[*] != 'x']"), JsonPathError);
  EXPECT_THROW(JsonPath::parse("$.data[?$..id == 'x']"), JsonPathError);
  EXPECT_NO_THROW(JsonPath::parse("$.data[?@.tags[*]]"));  // an existence test may select several
}

TEST(JsonPathFilters, AnEvaluationHasABoundWhateverThePathAndTheDocument) {
  json wide = json::array();
  for (int i = 0; i < 2000; ++i)
    wide.push_back({{"k", i}});
  // Every candidate re-walks the root: 2000 x 2000 visits, over the bound.
  EXPECT_THROW(JsonPath::parse("$[?$[?@.k == 1999]]").evaluate(wide), JsonPathError);
  EXPECT_EQ(JsonPath::parse("$[?@.k == 1999]").evaluate(wide).size(), 1u);
}

TEST(JsonPathDescendants, SelectTheNodeAndEveryDescendantInDocumentOrder) {
  const auto ids = JsonPath::parse("$..id").evaluate(kCatalog);
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(*ids[2].value, "text-embedding-3-small");
  EXPECT_EQ(JsonPath::parse("$..content").evaluate(kResponse).size(), 2u);
  EXPECT_EQ(JsonPath::parse("$..[0].index").evaluate(kResponse).size(), 1u);
  EXPECT_EQ(JsonPath::parse("$..[?@.finish_reason == 'length'].index").evaluate(kResponse).size(), 1u);
  EXPECT_FALSE(JsonPath::parse("$..id").is_singular());
  EXPECT_EQ(*JsonPath::parse("$..finish_reason").find(kResponse), "stop");
}

TEST(JsonPath, PointersPrintAsPaths) {
  EXPECT_EQ(json_path_from_pointer(""), "$");
  EXPECT_EQ(json_path_from_pointer("/choices/0/finish_reason"), "$.choices[0].finish_reason");
  EXPECT_EQ(json_path_from_pointer("/a~1b/it's"), "$['a/b']['it\\'s']");
  const json doc = {{"responses", {{"200", {{"x", 1}}}}}};
  EXPECT_EQ(json_path_from_pointer("/responses/200/x", &doc), "$.responses['200'].x");
}

}  // namespace
}  // namespace gatecheck::core
