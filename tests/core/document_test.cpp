#include <cmath>

#include <gtest/gtest.h>

#include <gatecheck/core/document.hpp>

namespace gatecheck::core {
namespace {

using nlohmann::json;

TEST(YamlLoading, PlainScalarsFollowTheYaml12CoreSchema) {
  const auto doc = parse_yaml(
      "n1: ~\nn2: null\nn3:\nb1: true\nb2: False\ni1: 42\ni2: -7\ni3: 0x1F\ni4: 0o17\n"
      "f1: 1.5\nf2: -2e3\nf3: .5\ns1: yes\ns2: 3.1.0\ns3: '12'\ns4: \"true\"\ns5: !!str 3\nbig: "
      "18446744073709551615\n");
  const json& v = doc.value;
  EXPECT_TRUE(v["n1"].is_null());
  EXPECT_TRUE(v["n2"].is_null());
  EXPECT_TRUE(v["n3"].is_null());
  EXPECT_EQ(v["b1"], true);
  EXPECT_EQ(v["b2"], false);
  EXPECT_EQ(v["i1"], 42);
  EXPECT_TRUE(v["i1"].is_number_integer());
  EXPECT_EQ(v["i2"], -7);
  EXPECT_EQ(v["i3"], 31);
  EXPECT_EQ(v["i4"], 15);
  EXPECT_DOUBLE_EQ(v["f1"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(v["f2"].get<double>(), -2000.0);
  EXPECT_DOUBLE_EQ(v["f3"].get<double>(), 0.5);
  EXPECT_EQ(v["s1"], "yes") << "YAML 1.2 has no yes/no booleans";
  EXPECT_EQ(v["s2"], "3.1.0");
  EXPECT_EQ(v["s3"], "12") << "quoted scalars stay strings";
  EXPECT_EQ(v["s4"], "true");
  EXPECT_EQ(v["s5"], "3");
  EXPECT_TRUE(v["big"].is_number_unsigned());
}

TEST(YamlLoading, RecordsLineAndColumnOfEveryNodeAndKey) {
  const auto doc =
      parse_yaml("suite: chat\nscenarios:\n  - name: first\n    steps:\n      - request: {method: GET}\n",
                 "suites/chat.yaml");
  EXPECT_EQ(doc.source.value_at("/suite"), (Position{1, 8}));
  EXPECT_EQ(doc.source.key_at("/scenarios"), (Position{2, 1}));
  EXPECT_EQ(doc.source.value_at("/scenarios/0/name"), (Position{3, 11}));
  EXPECT_EQ(doc.source.value_at("/scenarios/0/steps/0/request/method"), (Position{5, 27}));
  EXPECT_EQ(doc.describe("/scenarios/0/steps/0"), "suites/chat.yaml:5:9");
}

TEST(YamlLoading, UnknownPointersFallBackToTheNearestAncestor) {
  const auto doc = parse_yaml("a:\n  b: 1\n", "f.yaml");
  EXPECT_EQ(doc.source.value_at("/a/b/c/d"), (Position{2, 6}));
}

TEST(YamlLoading, EmptyValueIsPlacedAtItsKeyNotOnTheNextLine) {
  const auto doc = parse_yaml("a:\nb: 2\n");
  EXPECT_EQ(doc.source.value_at("/a"), (Position{1, 1}));
}

TEST(YamlLoading, DuplicateKeysAreAnErrorNamingBothLines) {
  try {
    parse_yaml("model: a\nstream: true\nmodel: b\n", "dup.yaml");
    FAIL() << "expected a LoadError";
  } catch (const LoadError& e) {
    EXPECT_EQ(e.position(), (Position{3, 1}));
    EXPECT_STREQ(e.what(), "dup.yaml:3:1: duplicate key 'model' (first defined at line 1)");
  }
}

TEST(YamlLoading, SyntaxErrorsNameFileLineAndColumn) {
  try {
    parse_yaml("a: [1, 2\nb: 3\n", "bad.yaml");
    FAIL() << "expected a LoadError";
  } catch (const LoadError& e) {
    EXPECT_EQ(e.file(), "bad.yaml");
    EXPECT_EQ(e.position().line, 2u);
    EXPECT_NE(std::string(e.what()).find("bad.yaml:2:"), std::string::npos) << e.what();
  }
}

TEST(YamlLoading, MergeKeysApplyWithExplicitKeysWinning) {
  const auto doc = parse_yaml("base: &b {x: 1, y: 2}\nother: &o {y: 5, z: 6}\nm:\n  <<: [*b, *o]\n  y: 3\n");
  EXPECT_EQ(doc.value["m"], (json{{"x", 1}, {"y", 3}, {"z", 6}}));
  EXPECT_EQ(doc.source.value_at("/m/y"), (Position{5, 6})) << "the explicit definition is the one reported";
}

TEST(YamlLoading, AliasBombsHitTheNodeBudget) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'i'; ++c) {
    text += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i)
      text += std::string(i ? ", " : "") + "*" + prev;
    text += "]\n";
    prev = c;
  }
  LoadOptions options;
  options.max_nodes = 100'000;
  EXPECT_THROW(parse_yaml(text, "bomb.yaml", options), LoadError);
}

TEST(YamlLoading, UnsupportedTagsAreRejected) {
  EXPECT_THROW(parse_yaml("a: !env HOME\n"), LoadError);
  EXPECT_THROW(parse_yaml("a: !!int abc\n"), LoadError);
}

TEST(YamlLoading, SeveralDocumentsInOneFileAreRejected) {
  EXPECT_THROW(parse_yaml("a: 1\n---\nb: 2\n"), LoadError);
}

TEST(JsonLoading, ParsesTypesExactly) {
  const auto doc = parse_json(R"({"i": -12, "u": 18446744073709551615, "f": 1.25e2, "s": "\u00e9\ud83d\ude00",
                                 "a": [true, false, null], "o": {}})");
  EXPECT_TRUE(doc.value["i"].is_number_integer());
  EXPECT_TRUE(doc.value["u"].is_number_unsigned());
  EXPECT_DOUBLE_EQ(doc.value["f"].get<double>(), 125.0);
  EXPECT_EQ(doc.value["s"], "\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(doc.value["a"], (json{true, false, nullptr}));
  EXPECT_EQ(doc.value["o"], json::object());
}

TEST(JsonLoading, RecordsPositions) {
  const auto doc = parse_json("{\n  \"a\": [1,\n        {\"b\": \"x\"}]\n}", "x.json");
  EXPECT_EQ(doc.source.key_at("/a"), (Position{2, 3}));
  EXPECT_EQ(doc.source.value_at("/a"), (Position{2, 8}));
  EXPECT_EQ(doc.source.value_at("/a/1/b"), (Position{3, 15}));
}

struct BadJson {
  const char* text;
  const char* message;
  Position at;
};

class JsonErrors : public ::testing::TestWithParam<BadJson> {};

TEST_P(JsonErrors, NameTheProblemAndWhereItIs) {
  const auto& param = GetParam();
  try {
    parse_json(param.text, "in.json");
    FAIL() << "expected a LoadError for " << param.text;
  } catch (const LoadError& e) {
    EXPECT_NE(e.message().find(param.message), std::string::npos) << e.what();
    EXPECT_EQ(e.position(), param.at) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Spec, JsonErrors,
                         ::testing::Values(BadJson{"{\"a\": 1,}", "expected a string key", {1, 9}},
                                           BadJson{"{\"a\": 1, \"a\": 2}", "duplicate key \"a\"", {1, 10}},
                                           BadJson{"[1 2]", "expected ',' or ']'", {1, 4}},
                                           BadJson{"01", "after the JSON value", {1, 2}},
                                           BadJson{"\"\\x\"", "invalid escape \\x", {1, 3}},
                                           BadJson{"\"\\ud800\"", "lone high surrogate", {1, 8}},
                                           BadJson{"\"a\nb\"", "must be escaped", {1, 3}},
                                           BadJson{"\"\xC3\x28\"", "invalid UTF-8", {1, 2}},
                                           BadJson{"\"\xE0\x80\xAF\"", "invalid UTF-8", {1, 2}},
                                           BadJson{"1e999", "out of the range", {1, 1}},
                                           BadJson{"[1,\n  tru]", "expected a JSON value", {2, 3}},
                                           BadJson{"", "end of input", {1, 1}},
                                           BadJson{"{\"a\" 1}", "expected ':'", {1, 6}}));

TEST(JsonLoading, DeepNestingIsAnErrorNotAStackOverflow) {
  const std::string deep(100000, '[');
  EXPECT_THROW(parse_json(deep), LoadError);
}

TEST(JsonLoading, AcceptsALeadingByteOrderMark) {
  EXPECT_EQ(parse_json("\xEF\xBB\xBF{\"a\":1}").value["a"], 1);
}

TEST(Documents, LoadingAMissingFileNamesIt) {
  try {
    load_document("/nonexistent/suite.yaml");
    FAIL();
  } catch (const LoadError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/suite.yaml"), std::string::npos);
  }
}

TEST(JsonPointers, EscapeTildeAndSlash) {
  EXPECT_EQ(json_pointer_append("/paths", "/chat/completions"), "/paths/~1chat~1completions");
  EXPECT_EQ(json_pointer_append("", "a~b"), "/a~0b");
  EXPECT_EQ(json_pointer_append("/items", std::size_t{3}), "/items/3");
}

// yaml-cpp 0.7 loops forever (allocating) in LoadAll on a ',' outside a flow collection; the loader must
// reject these promptly, at the comma.
TEST(YamlLoading, StrayCommaOutsideFlowIsRejectedAtItsPosition) {
  struct Case {
    const char* text;
    Position at;
  };
  const Case cases[] = {
      {",", {1, 1}},         {",foo", {1, 1}},           {" ,", {1, 2}},     {"#c\n,", {2, 1}},
      {"- a\n,", {2, 1}},    {"\"a\", b", {1, 4}},       {"[a], b", {1, 4}}, {"{a: 1},", {1, 7}},
      {"&x ,", {1, 4}},      {"!t ,", {1, 4}},           {"--- ,", {1, 5}},  {"---\n,", {2, 1}},
      {"a\n...\n,", {3, 1}}, {"a: 1\n---\n,\n", {3, 1}}, {"'q' ,", {1, 5}},  {"|\n x\n,", {3, 1}},
  };
  for (const auto& c : cases) {
    try {
      parse_yaml(c.text, "comma.yaml");
      ADD_FAILURE() << "accepted: " << c.text;
    } catch (const LoadError& e) {
      EXPECT_EQ(e.position(), c.at) << c.text << " -> " << e.what();
      EXPECT_NE(std::string(e.what()).find("unexpected ','"), std::string::npos) << e.what();
    }
  }
}

TEST(YamlLoading, StrayKeyIndicatorAfterATopLevelNodeIsRejectedAtItsPosition) {
  const std::pair<const char*, Position> cases[] = {
      {"!!str |\n x\n? y\n", {3, 1}}, {"!t b\n? y\n", {2, 1}}, {"&a |\n x\n? y\n", {3, 1}}};
  for (const auto& [text, at] : cases) {
    try {
      parse_yaml(text, "key.yaml");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const LoadError& e) {
      EXPECT_EQ(e.position(), at) << text << " -> " << e.what();
      EXPECT_NE(std::string(e.what()).find("unexpected '?'"), std::string::npos) << e.what();
    }
  }
}

TEST(YamlLoading, CommasThatYamlAllowsStillLoad) {
  EXPECT_EQ(parse_yaml("a, b").value, json("a, b"));
  EXPECT_EQ(parse_yaml("k: x, y\n").value, (json{{"k", "x, y"}}));
  EXPECT_EQ(parse_yaml("k: [1, 2, {a: b, c: d}]\n").value, (json{{"k", {1, 2, {{"a", "b"}, {"c", "d"}}}}}));
  EXPECT_EQ(parse_yaml("k: |\n  ,\n  ,x\n").value, (json{{"k", ",\n,x\n"}}));
  EXPECT_EQ(parse_yaml("k: \",\"\n# ,\n").value, (json{{"k", ","}}));
  EXPECT_TRUE(parse_yaml("").value.is_null());
  EXPECT_TRUE(parse_yaml("# only a comment\n").value.is_null());
  EXPECT_TRUE(parse_yaml("---\n").value.is_null());
  EXPECT_TRUE(parse_yaml("---\n...\n").value.is_null());
}

// Found by fuzzing: a map merged into itself recursed until the stack overflowed.
TEST(YamlLoading, AnAnchorMergedIntoItselfIsAnErrorAtItsPosition) {
  try {
    parse_yaml("a: &a\n  <<: *a\n", "merge.yaml");
    ADD_FAILURE() << "accepted a self-merge";
  } catch (const LoadError& e) {
    EXPECT_NE(std::string(e.what()).find("refers to a mapping that contains it"), std::string::npos)
        << e.what();
  }
}

// Found by fuzzing: numbers beyond a double's range read as 0.
TEST(NumberLoading, NumbersBeyondADoubleAreErrorsInJsonAndInfinityInYaml) {
  const std::string huge(400, '9');
  EXPECT_THROW(parse_json(huge, "huge.json"), LoadError);
  EXPECT_EQ(parse_json("1e-400", "tiny.json").value, json(0.0)) << "underflow is zero";
  const json yaml = parse_yaml("a: 1e400\nb: " + huge + "\n").value;
  EXPECT_TRUE(std::isinf(yaml["a"].get<double>()));
  EXPECT_TRUE(std::isinf(yaml["b"].get<double>()));
  EXPECT_EQ(parse_yaml("c: 99999999999999999999999\n").value["c"].get<double>(), 1e23);
}

// Found by fuzzing: yaml-cpp passes bytes that are not UTF-8 through, and a later JSON dump of them threw.
TEST(YamlLoading, TextThatIsNotUtf8IsRefusedAtItsPosition) {
  try {
    parse_yaml("a: ok\nb: caf\xE9\n", "latin1.yaml");
    ADD_FAILURE() << "accepted Latin-1";
  } catch (const LoadError& e) {
    EXPECT_EQ(e.position(), (Position{2, 7}));
    EXPECT_NE(std::string(e.what()).find("not valid UTF-8"), std::string::npos) << e.what();
  }
  EXPECT_EQ(parse_yaml("b: caf\xC3\xA9\n").value["b"], "caf\xC3\xA9");
}

}  // namespace
}  // namespace gatecheck::core
