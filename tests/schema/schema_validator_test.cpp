// JSON Schema 2020-12 behaviour, keyword group by keyword group, with the error output a user sees.
#include <gtest/gtest.h>

#include <gatecheck/schema/validator.hpp>

namespace gatecheck::schema {
namespace {

using nlohmann::json;

bool valid(const json& schema, const json& instance) {
  return compile(schema).is_valid(instance);
}

Result check(const json& schema, const json& instance) {
  return compile(schema).validate(instance);
}

TEST(SchemaTypes, IntegerAcceptsIntegralFloats) {
  EXPECT_TRUE(valid({{"type", "integer"}}, json::parse("1.0")));
  EXPECT_FALSE(valid({{"type", "integer"}}, 1.5));
  EXPECT_TRUE(valid({{"type", {"string", "null"}}}, nullptr));
  EXPECT_FALSE(valid({{"type", "number"}}, "1"));
}

TEST(SchemaEquality, NumbersCompareByValueAndBooleansNeverEqualNumbers) {
  EXPECT_TRUE(json_equal(json::parse("1"), json::parse("1.0")));
  EXPECT_FALSE(json_equal(json(true), json(1)));
  EXPECT_TRUE(json_equal(json::parse(R"({"a":1,"b":2})"), json::parse(R"({"b":2.0,"a":1})")));
  EXPECT_FALSE(valid({{"uniqueItems", true}}, json::parse("[1, 1.0]")));
  EXPECT_TRUE(valid({{"uniqueItems", true}}, json::parse("[1, true]")));
  EXPECT_TRUE(valid({{"enum", {1}}}, json::parse("1.0")));
  EXPECT_FALSE(valid({{"const", 0}}, false));
}

TEST(SchemaNumbers, MultipleOfWorksForDecimalFractionsAndHugeValues) {
  EXPECT_TRUE(valid({{"multipleOf", 0.0001}}, 0.0075));
  EXPECT_FALSE(valid({{"multipleOf", 0.0001}}, 0.00751));
  EXPECT_TRUE(valid({{"multipleOf", 3}}, -9));
  EXPECT_FALSE(valid({{"type", "integer"}, {"multipleOf", 0.123456789}}, 1e308));
  // 2^53 + 1 is not representable as a double; comparing through double would call it equal to 2^53.
  EXPECT_FALSE(valid({{"maximum", 9007199254740992.0}}, 9007199254740993ULL));
  EXPECT_TRUE(valid({{"maximum", 18446744073709551615ULL}}, 18446744073709551614ULL));
}

TEST(SchemaStrings, LengthCountsCodePointsNotBytes) {
  EXPECT_TRUE(valid({{"maxLength", 2}}, "\xF0\x9F\x92\xA9\xF0\x9F\x92\xA9"));
  EXPECT_FALSE(valid({{"minLength", 2}}, "\xF0\x9F\x92\xA9"));
}

TEST(SchemaStrings, PatternsAreEcmaScriptAndUnanchored) {
  EXPECT_TRUE(valid({{"pattern", "a+"}}, "xxaayy"));
  EXPECT_FALSE(valid({{"pattern", "^a+$"}}, "aa\n"));
  EXPECT_TRUE(valid({{"pattern", "^\\p{Letter}+$"}}, "\xCF\x80"));
  EXPECT_FALSE(valid({{"pattern", "^\\d$"}}, "\xDF\x80")) << "\\d is ASCII-only";
}

TEST(SchemaReferences, RefAppliesAlongsideSiblingKeywords) {
  const json schema =
      json::parse(R"({"$defs": {"a": {"type": "array"}}, "$ref": "#/$defs/a", "maxItems": 2})");
  EXPECT_TRUE(valid(schema, json::parse("[1,2]")));
  EXPECT_FALSE(valid(schema, json::parse("[1,2,3]")));
}

TEST(SchemaReferences, PointerFragmentsArePercentDecodedThenUnescaped) {
  const json schema = json::parse(R"({"$defs": {"a/b": {"type": "string"}, "c%d": {"type": "integer"}},
    "properties": {"x": {"$ref": "#/$defs/a~1b"}, "y": {"$ref": "#/$defs/c%25d"}}})");
  EXPECT_TRUE(valid(schema, {{"x", "s"}, {"y", 1}}));
  EXPECT_FALSE(valid(schema, {{"x", 1}}));
  EXPECT_FALSE(valid(schema, {{"y", "s"}}));
}

TEST(SchemaReferences, RelativeRefsResolveAgainstTheNearestId) {
  Registry registry;
  registry.add("https://example.com/root.json", json::parse(R"({
    "$defs": {"inner": {"$id": "nested/inner.json", "$ref": "leaf.json"}},
    "$ref": "nested/inner.json"})"));
  registry.add("https://example.com/nested/leaf.json", {{"type", "boolean"}});
  Compiler compiler(std::move(registry));
  const auto schema = compiler.compile("https://example.com/root.json");
  EXPECT_TRUE(schema.is_valid(true));
  EXPECT_FALSE(schema.is_valid(1));
}

TEST(SchemaReferences, UnresolvableRefsFailAtCompileTimeNamingTheRef) {
  try {
    compile(json::parse(R"({"$ref": "https://nowhere.example/x.json"})"));
    FAIL() << "expected a SchemaError";
  } catch (const SchemaError& e) {
    EXPECT_NE(std::string(e.what()).find("https://nowhere.example/x.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("never fetches"), std::string::npos) << e.what();
  }
  EXPECT_THROW(compile(json::parse(R"({"$ref": "#/$defs/missing"})")), SchemaError);
  EXPECT_THROW(compile(json::parse(R"({"$ref": "#noanchor"})")), SchemaError);
}

TEST(SchemaReferences, IdsInsideEnumOrConstAreData) {
  const json schema = json::parse(R"({"$defs": {"s": {"type": "string"}},
    "anyOf": [{"$ref": "#/$defs/s"}, {"enum": [{"$id": "https://evil.example/", "type": "null"}]}]})");
  EXPECT_TRUE(valid(schema, "x"));
  EXPECT_FALSE(valid(schema, nullptr));
}

TEST(SchemaDynamicRef, ResolvesToTheOutermostDynamicAnchor) {
  Registry registry;
  registry.add("https://example.com/list", json::parse(R"({
    "$id": "https://example.com/list", "$dynamicAnchor": "items", "type": "array",
    "items": {"$dynamicRef": "#items"}})"));
  registry.add("https://example.com/strings", json::parse(R"({
    "$id": "https://example.com/strings", "$ref": "list",
    "$defs": {"s": {"$dynamicAnchor": "items", "type": "string"}}})"));
  Compiler compiler(std::move(registry));
  const auto strings = compiler.compile("https://example.com/strings");
  EXPECT_TRUE(strings.is_valid(json::parse(R"(["a", "b"])")));
  EXPECT_FALSE(strings.is_valid(json::parse(R"(["a", 1])")));
  const auto list = compiler.compile("https://example.com/list");
  EXPECT_FALSE(list.is_valid(json::parse(R"(["a"])"))) << "alone, the list's own anchor (an array) applies";
}

TEST(SchemaUnevaluated, PropertiesSeeSuccessfulInPlaceSubschemasOnly) {
  const json schema = json::parse(R"({
    "allOf": [{"properties": {"a": true}}],
    "anyOf": [{"properties": {"b": true}, "required": ["b"]}, {"properties": {"c": true}, "required": ["c"]}],
    "if": {"properties": {"d": {"const": 1}}, "required": ["d"]}, "then": {"properties": {"e": true}},
    "unevaluatedProperties": false})");
  EXPECT_TRUE(valid(schema, {{"a", 1}, {"b", 1}, {"c", 1}}));
  EXPECT_TRUE(valid(schema, {{"b", 1}, {"d", 1}, {"e", 1}}));
  EXPECT_FALSE(valid(schema, {{"b", 1}, {"d", 2}})) << "a failed `if` contributes nothing";
  EXPECT_FALSE(valid(schema, {{"b", 1}, {"x", 1}}));
}

TEST(SchemaUnevaluated, ItemsCountPrefixItemsItemsAndContainsMatches) {
  const json schema = json::parse(R"({"prefixItems": [{"type": "string"}], "contains": {"type": "integer"},
                                       "unevaluatedItems": false})");
  EXPECT_TRUE(valid(schema, json::parse(R"(["a", 1, 2])")));
  EXPECT_FALSE(valid(schema, json::parse(R"(["a", 1, true])")));
}

TEST(SchemaUnevaluated, NotNeverContributesAnnotations) {
  const json schema =
      json::parse(R"({"not": {"not": {"properties": {"a": true}}}, "unevaluatedProperties": false})");
  EXPECT_FALSE(valid(schema, {{"a", 1}}));
}

TEST(SchemaApplicators, OneOfNeedsExactlyOneMatch) {
  const json schema = json::parse(R"({"oneOf": [{"type": "integer"}, {"minimum": 2}]})");
  EXPECT_TRUE(valid(schema, 1));
  EXPECT_TRUE(valid(schema, 2.5));
  EXPECT_FALSE(valid(schema, 3));
  EXPECT_FALSE(valid(schema, 1.5));
}

TEST(SchemaApplicators, ContainsHonoursMinAndMaxContains) {
  const json schema = json::parse(R"({"contains": {"const": 1}, "minContains": 2, "maxContains": 3})");
  EXPECT_FALSE(valid(schema, json::parse("[1]")));
  EXPECT_TRUE(valid(schema, json::parse("[1, 1, 2]")));
  EXPECT_FALSE(valid(schema, json::parse("[1, 1, 1, 1]")));
  EXPECT_TRUE(valid(json::parse(R"({"contains": false, "minContains": 0})"), json::parse("[1]")));
}

TEST(SchemaLegacy, Draft07ItemsArrayAndDependencies) {
  const json schema = json::parse(R"({"$schema": "http://json-schema.org/draft-07/schema#",
    "items": [{"type": "string"}], "additionalItems": false,
    "dependencies": {"a": ["b"], "c": {"required": ["d"]}}})");
  EXPECT_TRUE(valid(schema, json::parse(R"(["x"])")));
  EXPECT_FALSE(valid(schema, json::parse(R"(["x", 1])")));
  EXPECT_FALSE(valid(schema, {{"a", 1}}));
  EXPECT_FALSE(valid(schema, {{"c", 1}}));
  EXPECT_TRUE(valid(schema, {{"c", 1}, {"d", 1}}));
}

TEST(SchemaLegacy, BooleanExclusiveMinimumFromOpenApi30) {
  const json schema = json::parse(R"({"minimum": 0, "exclusiveMinimum": true})");
  EXPECT_FALSE(valid(schema, 0));
  EXPECT_TRUE(valid(schema, 0.5));
}

TEST(SchemaFormats, AreAnnotationsUnlessAssertionIsAsked) {
  const json schema = {{"format", "date-time"}};
  EXPECT_TRUE(compile(schema).is_valid("yesterday"));
  Options options;
  options.format_assertion = true;
  EXPECT_FALSE(compile(schema, options).is_valid("yesterday"));
  EXPECT_TRUE(compile(schema, options).is_valid("2026-11-24T10:00:00Z"));
  EXPECT_TRUE(compile({{"format", "no-such-format"}}, options).is_valid("anything"));
}

TEST(SchemaFormats, CheckTheirRfcs) {
  Options options;
  options.format_assertion = true;
  const auto ok = [&](const char* format, const char* value) {
    return compile({{"format", format}}, options).is_valid(value);
  };
  EXPECT_TRUE(ok("date", "2024-02-29"));
  EXPECT_FALSE(ok("date", "2023-02-29"));
  EXPECT_TRUE(ok("time", "23:59:60Z"));
  EXPECT_FALSE(ok("time", "22:59:60Z"));
  EXPECT_TRUE(ok("duration", "P1Y2M3DT4H5M6S"));
  EXPECT_FALSE(ok("duration", "P1Y2D"));
  EXPECT_FALSE(ok("duration", "PT"));
  EXPECT_TRUE(ok("email", "joe.bloggs@example.com"));
  EXPECT_FALSE(ok("email", "joe..bloggs@example.com"));
  EXPECT_TRUE(ok("hostname", "api.example.com"));
  EXPECT_FALSE(ok("hostname", "-bad.example.com"));
  EXPECT_TRUE(ok("ipv4", "192.168.0.1"));
  EXPECT_FALSE(ok("ipv4", "192.168.0.01"));
  EXPECT_TRUE(ok("ipv6", "::ffff:192.168.0.1"));
  EXPECT_FALSE(ok("ipv6", "1::2::3"));
  EXPECT_TRUE(ok("uri", "https://example.com/a?b#c"));
  EXPECT_FALSE(ok("uri", "/relative"));
  EXPECT_TRUE(ok("uri-reference", "/relative"));
  EXPECT_TRUE(ok("uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d16380"));
  EXPECT_FALSE(ok("uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d1638"));
  EXPECT_TRUE(ok("json-pointer", "/a~1b"));
  EXPECT_FALSE(ok("json-pointer", "/a~2b"));
  EXPECT_TRUE(ok("regex", "^[a-z]+$"));
  EXPECT_FALSE(ok("regex", "(?P<x>a)"));
}

TEST(SchemaErrors, UseTheBasicOutputShapeWithExactLocations) {
  Registry registry;
  registry.add("https://example.com/polygon", json::parse(R"({
    "$id": "https://example.com/polygon",
    "$defs": {"point": {"type": "object", "properties": {"x": {"type": "number"}, "y": {"type": "number"}},
                        "additionalProperties": false, "required": ["x", "y"]}},
    "type": "array", "items": {"$ref": "#/$defs/point"}, "minItems": 3})"));
  Compiler compiler(std::move(registry));
  const auto result =
      compiler.compile("https://example.com/polygon").validate(json::parse(R"([{"x": 2.5, "y": 1.3},
    {"x": 1, "z": 6.7}])"));
  ASSERT_FALSE(result.valid);
  const json output = result.to_basic_output();
  EXPECT_EQ(output["valid"], false);
  ASSERT_EQ(output["errors"].size(), 3u) << output.dump(2);
  const auto find = [&](const std::string& keyword) -> json {
    for (const auto& unit : output["errors"]) {
      if (unit["keywordLocation"] == keyword) return unit;
    }
    return nullptr;
  };
  const json additional = find("/items/$ref/additionalProperties");
  ASSERT_FALSE(additional.is_null()) << output.dump(2);
  EXPECT_EQ(additional["instanceLocation"], "/1/z");
  EXPECT_EQ(additional["absoluteKeywordLocation"],
            "https://example.com/polygon#/$defs/point/additionalProperties");
  const json required = find("/items/$ref/required");
  ASSERT_FALSE(required.is_null());
  EXPECT_EQ(required["instanceLocation"], "/1");
  EXPECT_EQ(required["error"], "missing required property 'y'");
  EXPECT_EQ(find("/minItems")["instanceLocation"], "");
}

TEST(SchemaErrors, ReadAsAPathAndAReason) {
  const json schema = json::parse(R"({"properties": {"choices": {"items": {"properties": {
    "finish_reason": {"enum": ["stop", "length", "tool_calls", "content_filter"]}}}}}})");
  const auto result = check(schema, json::parse(R"({"choices": [{"finish_reason": "done"}]})"));
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].describe(),
            "$.choices[0].finish_reason: 'done' is not one of stop, length, tool_calls, content_filter");
}

TEST(SchemaErrors, PassingAlternativesLeaveNoErrorsBehind) {
  const json schema = json::parse(R"({"anyOf": [{"type": "string"}, {"type": "integer"}]})");
  EXPECT_TRUE(check(schema, 1).errors.empty());
  const auto failed = check(schema, true);
  ASSERT_FALSE(failed.valid);
  EXPECT_EQ(failed.errors.back().keyword_location, "/anyOf");
  EXPECT_NE(failed.errors.back().message.find("none of the 2 alternatives"), std::string::npos);
}

TEST(SchemaErrors, AreCappedAndMarkedTruncated) {
  Options options;
  options.max_errors = 3;
  const auto result =
      compile({{"items", {{"type", "string"}}}}, options).validate(json::array({1, 2, 3, 4, 5}));
  EXPECT_EQ(result.errors.size(), 3u);
  EXPECT_TRUE(result.truncated);
}

TEST(SchemaCompilation, RejectsKeywordsWithWrongValueTypes) {
  EXPECT_THROW(compile({{"type", 5}}), SchemaError);
  EXPECT_THROW(compile({{"minLength", -1}}), SchemaError);
  EXPECT_THROW(compile({{"pattern", "(unclosed"}}), SchemaError);
  EXPECT_THROW(compile({{"allOf", json::array()}}), SchemaError);
  EXPECT_THROW(compile(json::array()), SchemaError);
}

TEST(SchemaSafety, RefCyclesThatConsumeNoInputEndInAnErrorNotACrash) {
  const auto result = check(json::parse(R"({"$ref": "#"})"), 1);
  EXPECT_FALSE(result.valid);
  EXPECT_NE(result.errors.front().message.find("nested deeper"), std::string::npos);
}

TEST(SchemaSafety, CatastrophicPatternsHitTheRegexLimit) {
  const auto result = check({{"pattern", "^(a+)+$"}}, std::string(40, 'a') + "b");
  EXPECT_FALSE(result.valid);
  EXPECT_NE(result.errors.front().message.find("limit"), std::string::npos) << result.errors.front().message;
}

TEST(SchemaThreads, OneCompiledSchemaServesManyThreads) {
  const auto schema = compile(json::parse(R"({"type": "object", "properties": {"n": {"type": "integer",
    "multipleOf": 2}}, "required": ["n"], "unevaluatedProperties": false})"));
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const bool expected = (i + t) % 2 == 0;
        if (schema.is_valid({{"n", i + t}}) != expected) ++mismatches;
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(mismatches, 0);
}

}  // namespace
}  // namespace gatecheck::schema
