// The matcher language (suites and mock stubs): a literal means equality, an object of operators means every
// operator holds. Text mode (headers, raw bodies, paths) compares literals as text and numbers by value.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <gatecheck/schema/matcher.hpp>

namespace gatecheck::schema {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

MatchOutcome match(std::string_view expectation, std::string_view actual) {
  const json value = json::parse(actual);
  return match_value(json::parse(expectation), &value);
}

MatchOutcome match_absent(std::string_view expectation) {
  return match_value(json::parse(expectation), nullptr);
}

MatchOutcome text(std::string_view expectation, std::optional<std::string_view> header) {
  return match_text(json::parse(expectation), header);
}

struct Case {
  const char* expectation;
  const char* actual;
  bool ok;
};

TEST(Matcher, ALiteralMeansEqualityWithNumbersComparedByValue) {
  EXPECT_TRUE(match("1", "1.0").ok);
  EXPECT_TRUE(match("\"stop\"", "\"stop\"").ok);
  EXPECT_TRUE(match(R"({"a": [1, 2]})", R"({"a": [1.0, 2]})").ok);
  EXPECT_FALSE(match("[1, 2]", "[2, 1]").ok);

  const auto outcome = match("\"stop\"", "\"length\"");
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.expected, "'stop'");
  EXPECT_EQ(outcome.actual, "'length'");
}

TEST(Matcher, InJsonAStringIsNotTheNumberItSpells) {
  EXPECT_FALSE(match("200", "\"200\"").ok);
  EXPECT_FALSE(match("true", "\"true\"").ok);
}

TEST(Matcher, EveryOperatorPassesWhenItHoldsAndFailsWhenItDoesNot) {
  const Case cases[] = {
      {R"({"eq": 1})", "1.0", true},
      {R"({"eq": "a"})", R"("b")", false},
      {R"({"ne": "a"})", R"("b")", true},
      {R"({"ne": 1})", "1.0", false},
      {R"({"gt": 0})", "1", true},
      {R"({"gt": 1})", "1", false},
      {R"({"gt": 0})", R"([1])", false},
      {R"({"gte": 1})", "1", true},
      {R"({"gte": 1})", "0.5", false},
      {R"({"lt": 3})", "2.5", true},
      {R"({"lt": 3})", "3", false},
      {R"({"lte": 3})", "3", true},
      {R"({"lte": 3})", "4", false},
      {R"({"in": ["stop", "length"]})", R"("length")", true},
      {R"({"in": ["stop", "length"]})", R"("tool_calls")", false},
      {R"({"in": [1, 2]})", "2.0", true},
      {R"({"matches": "^chatcmpl-"})", R"("chatcmpl-abc")", true},
      {R"({"matches": "^chatcmpl-"})", R"("cmpl-abc")", false},
      {R"({"matches": "^\\d+$"})", "42", true},
      {R"({"matches": "."})", R"({"a": 1})", false},
      {R"({"exists": true})", "null", true},
      {R"({"exists": false})", "0", false},
      {R"({"type": "string"})", R"("x")", true},
      {R"({"type": "string"})", "3", false},
      {R"({"type": "integer"})", "3", true},
      {R"({"type": "integer"})", "3.0", true},
      {R"({"type": "integer"})", "3.5", false},
      {R"({"type": "number"})", "3", true},
      {R"({"type": "boolean"})", "false", true},
      {R"({"type": "null"})", "null", true},
      {R"({"type": "object"})", "{}", true},
      {R"({"type": "array"})", "{}", false},
      {R"({"len": 2})", "[1, 2]", true},
      {R"({"len": 2})", R"({"a": 1})", false},
      {R"({"len": 0})", R"("")", true},
      {R"({"len": 1})", "5", false},
      {R"({"contains": "ell"})", R"("hello")", true},
      {R"({"contains": "xyz"})", R"("hello")", false},
      {R"({"contains": 2})", "[1, 2, 3]", true},
      {R"({"contains": {"a": 1}})", R"([{"a": 1}])", true},
      {R"({"contains": 4})", "[1, 2, 3]", false},
      {R"({"contains": "id"})", R"({"id": 1})", true},
      {R"({"contains": "name"})", R"({"id": 1})", false},
      {R"({"starts_with": "chatcmpl-"})", R"("chatcmpl-1")", true},
      {R"({"starts_with": "chatcmpl-"})", R"("x-chatcmpl-1")", false},
      {R"({"starts_with": "1"})", "12", false},
      // RFC 9110 8.3.1: type and subtype compare case-insensitively; parameters are not the media type.
      {R"({"media_type": "application/json"})", R"("Application/JSON; charset=utf-8")", true},
      {R"({"media_type": "application/json"})", R"(" application/json ")", true},
      {R"({"media_type": "application/json"})", R"("application/jsonl")", false},
      {R"({"media_type": "text/event-stream"})", R"("text/plain; x=text/event-stream")", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(match(c.expectation, c.actual).ok, c.ok) << c.expectation << " against " << c.actual;
  }
}

TEST(Matcher, CombinedOperatorsMustAllHoldAndReadAsOneExpectation) {
  EXPECT_TRUE(match(R"({"gte": 1, "lte": 3})", "2").ok);
  EXPECT_FALSE(match(R"({"gte": 1, "lte": 3})", "4").ok);

  const auto empty = match(R"({"type": "string", "len": {"gt": 0}})", R"("")");
  EXPECT_FALSE(empty.ok);
  EXPECT_EQ(empty.expected, "len gt 0 and type 'string'");
  EXPECT_EQ(empty.actual, "''");
  EXPECT_TRUE(match(R"({"type": "string", "len": {"gt": 0}})", R"("hi")").ok);
}

TEST(Matcher, LenTakesANestedMatcher) {
  EXPECT_TRUE(match(R"({"len": {"in": [1, 3]}})", "[0, 0, 0]").ok);
  EXPECT_FALSE(match(R"({"len": {"in": [1, 3]}})", "[0, 0]").ok);
  EXPECT_TRUE(match(R"({"len": {"gte": 2, "lt": 4}})", R"({"a": 1, "b": 2})").ok);
}

TEST(Matcher, LenOfAStringCountsCodePointsNotBytes) {
  EXPECT_TRUE(match(R"({"len": 5})", R"("héllo")").ok);  // 6 bytes
  EXPECT_TRUE(match(R"({"len": 2})", R"("日本")").ok);   // 6 bytes
  EXPECT_TRUE(match(R"({"len": 1})", R"("👍")").ok);      // 4 bytes
  EXPECT_FALSE(match(R"({"len": 6})", R"("héllo")").ok);
}

TEST(Matcher, TextModeComparesLiteralsAsTextAndNumbersByValue) {
  EXPECT_TRUE(text("200", "200").ok);
  EXPECT_TRUE(text("1", "1.0").ok);
  EXPECT_FALSE(text("\"1.0\"", "1").ok);  // a quoted literal is text
  EXPECT_TRUE(text("true", "true").ok);
  EXPECT_TRUE(text("\"application/json\"", "application/json").ok);
  EXPECT_FALSE(text("2", "two").ok);
  EXPECT_TRUE(text(R"({"gt": 5})", "10").ok);
  EXPECT_FALSE(text(R"({"gt": 5})", "5").ok);
  EXPECT_TRUE(text(R"({"in": [1, 2]})", "2").ok);
  EXPECT_TRUE(text(R"({"matches": "^text/event-stream"})", "text/event-stream; charset=utf-8").ok);

  const auto outcome = text("429", "200");
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.expected, "429");
  EXPECT_EQ(outcome.actual, "'200'");
}

TEST(Matcher, AnAbsentValueOnlySatisfiesExistsFalse) {
  EXPECT_TRUE(match_absent(R"({"exists": false})").ok);
  EXPECT_TRUE(text(R"({"exists": false})", std::nullopt).ok);
  for (const char* expectation :
       {R"("x")", "null", R"({"exists": true})", R"({"eq": null})", R"({"ne": "x"})", R"({"gt": 0})",
        R"({"in": [null]})", R"({"matches": ""})", R"({"type": "null"})", R"({"len": 0})",
        R"({"contains": ""})", R"({"starts_with": ""})"}) {
    const auto outcome = match_absent(expectation);
    EXPECT_FALSE(outcome.ok) << expectation;
    EXPECT_EQ(outcome.actual, "absent") << expectation;
  }
  EXPECT_EQ(text(R"({"exists": true})", std::nullopt).actual, "absent");
}

TEST(Matcher, AnObjectIsAMatcherOnlyWhenEveryKeyIsAnOperator) {
  EXPECT_TRUE(is_matcher(json::parse(R"({"gt": 0, "lt": 9})")));
  EXPECT_TRUE(is_matcher(json::parse(R"({"type": "function"})")));
  EXPECT_FALSE(is_matcher(json::parse(R"({"name": "x"})")));
  EXPECT_FALSE(is_matcher(json::parse(R"({"type": "function", "name": "x"})")));
  EXPECT_FALSE(is_matcher(json::object()));
  EXPECT_FALSE(is_matcher(json::parse(R"(["gt", 0])")));
  EXPECT_FALSE(is_matcher(json("gt")));

  // A literal object with a `name` compares by equality.
  EXPECT_TRUE(match(R"({"name": "x"})", R"({"name": "x"})").ok);
  EXPECT_FALSE(match(R"({"name": "x"})", R"({"name": "x", "extra": 1})").ok);
  EXPECT_EQ(matcher_problem(json::parse(R"({"name": "x"})")), "");
}

TEST(Matcher, ATypeMemberThatIsNotATypeNameIsReportedWithTheWayOut) {
  const auto problem = matcher_problem(json::parse(R"({"type": "function"})"));
  EXPECT_THAT(problem, StartsWith("type takes one of string, number, integer"));
  EXPECT_THAT(problem, HasSubstr("use eq: {...}"));
  EXPECT_TRUE(match(R"({"eq": {"type": "function"}})", R"({"type": "function"})").ok);
}

TEST(Matcher, BadOperandsAreReportedWhenTheSuiteLoads) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"exists": "yes"})", "exists takes true or false"},
      {R"({"in": 3})", "in takes a list of values"},
      {R"({"gt": "5"})", "gt takes a number"},
      {R"({"lte": null})", "lte takes a number"},
      {R"({"matches": 5})", "matches takes a regular expression"},
      {R"({"type": "wizard"})", "type takes one of"},
      {R"({"type": 3})", "type takes one of"},
      {R"({"len": "three"})", "len takes a number or a matcher"},
      {R"({"len": 1.5})", "len takes a number or a matcher"},
      {R"({"len": {"type": "wizard"}})", "len: type takes one of"},
      {R"({"len": {"gt": "x"}})", "len: gt takes a number"},
      {R"({"starts_with": 1})", "starts_with takes a string"},
  };
  for (const auto& [expectation, message] : cases)
    EXPECT_THAT(matcher_problem(json::parse(expectation)), StartsWith(message)) << expectation;

  EXPECT_THAT(matcher_problem(json::parse(R"({"matches": "(unclosed"})")), StartsWith("matches: "));
  EXPECT_THAT(matcher_problem(json::parse(R"({"len": {"matches": "["}})")), StartsWith("len: matches: "));
}

TEST(Matcher, WellFormedMatchersAndLiteralsHaveNoProblem) {
  for (const char* expectation : {R"({"gt": 0, "lte": 1.5})", R"({"in": []})", R"({"matches": "^a+$"})",
                                  R"({"len": {"gt": 0}})", R"({"exists": false})", R"({"type": "integer"})",
                                  R"({"contains": {"a": 1}})", R"("text")", "42", "[1, 2]"})
    EXPECT_EQ(matcher_problem(json::parse(expectation)), "") << expectation;
}

TEST(Matcher, ValuesAreDescribedShortly) {
  EXPECT_EQ(describe_value(json("done")), "'done'");
  EXPECT_EQ(describe_value(json(42)), "42");
  EXPECT_EQ(describe_value(json::parse(R"({"a": 1})")), R"({"a":1})");
  const json big = {{"a", std::string(50, 'x')}, {"b", std::string(50, 'y')}, {"c", 3}};
  const auto described = describe_value(big, 20);
  EXPECT_THAT(described, StartsWith(R"({"a":"xxxxxxxxxxxxxx)"));
  EXPECT_THAT(described, HasSubstr("... (3 members)"));
  EXPECT_THAT(describe_value(json::array({std::string(100, 'z'), 1}), 10), HasSubstr("... (2 items)"));
}

TEST(MatcherProblems, AMisspeltOperatorIsNamedNotTakenAsALiteral) {
  for (const char* written : {R"({"lenght": 3})", R"({"start_with": "x"})", R"({"regexp": "x"})",
                              R"({"Contains": "x"})", R"({"EQ": "x"})", R"({"exsits": true})"})
    EXPECT_THAT(matcher_problem(json::parse(written)), HasSubstr("did you mean")) << written;
  for (const char* literal : {R"({"role": "user"})", R"({"content": "hi"})", R"({"status": "ok"})",
                              R"({"total": 3})", R"({"error": null})", R"({"a": 1, "b": 2})"})
    EXPECT_EQ(matcher_problem(json::parse(literal)), "") << literal;
}

}  // namespace
}  // namespace gatecheck::schema
