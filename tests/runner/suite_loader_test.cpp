// Loading a suite: what a good one becomes, and that every mistake is a LoadError pointing at the line that
// holds it (suite.yaml:LINE), so that the author can go straight there.
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <gatecheck/core/document.hpp>
#include <gatecheck/runner/checks.hpp>
#include <gatecheck/runner/suite.hpp>

namespace gatecheck::runner {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// The text starts on the line after R"( so that line numbers read as in the literal.
Suite parse(std::string_view text) {
  if (text.starts_with('\n')) text.remove_prefix(1);
  return parse_suite(core::parse_yaml(text, "suite.yaml"));
}

// The LoadError a text raises (what() reads "suite.yaml:LINE:COLUMN: message").
std::string load_error(std::string_view text) {
  try {
    parse(text);
  } catch (const core::LoadError& e) {
    return e.what();
  }
  return "no error";
}

constexpr std::string_view kGood = R"(
suite: demo
description: A small suite
tags: [core]
requires: [chat.completions]
vars:
  model: gpt-4o-mini
  n: 3
scenarios:
  - name: chat answers
    tags: [smoke, core]
    requires: [chat.completions.stream]
    steps:
      - request:
          path: /chat/completions
          json: {model: "{{ vars.model }}", messages: []}
        expect:
          status: 200
          json:
            $.choices[0].message.content: {type: string, len: {gt: 0}}
          checks: [usage.consistent]
      - name: list models
        request: {path: /models}
      - request: {method: DELETE, path: /files/file-1}
      - request: {url: "http://example.test/.well-known/x", body_bytes: 10}
  - name: a burst meets the limit
    exclusive: true
    steps:
      - burst:
          count: 5
          request: {path: /x, body: hi}
      - burst:
          count: "{{ vars.n }}"
          request: {path: /models}
)";

TEST(SuiteLoader, AGoodSuiteLoadsWithItsScenariosAndSteps) {
  const Suite suite = parse(kGood);
  EXPECT_EQ(suite.name, "demo");
  EXPECT_EQ(suite.description, "A small suite");
  EXPECT_EQ(suite.file, "suite.yaml");
  EXPECT_EQ(suite.vars["model"], "gpt-4o-mini");
  ASSERT_EQ(suite.scenarios.size(), 2u);

  const Scenario& chat = suite.scenarios[0];
  EXPECT_EQ(chat.name, "chat answers");
  EXPECT_THAT(chat.tags, ElementsAre("core", "smoke"));  // the suite's first, no duplicates
  EXPECT_THAT(chat.capabilities, ElementsAre("chat.completions", "chat.completions.stream"));
  EXPECT_FALSE(chat.exclusive);
  ASSERT_EQ(chat.steps.size(), 4u);
  EXPECT_EQ(chat.steps[0].kind, StepKind::request);
  EXPECT_EQ(chat.steps[0].spec["expect"]["status"], 200);
  EXPECT_EQ(chat.steps[0].pointer, "/scenarios/0/steps/0");
  EXPECT_EQ(suite.describe(chat.steps[1].pointer).substr(0, 14), "suite.yaml:21:");

  const Scenario& burst = suite.scenarios[1];
  EXPECT_TRUE(burst.exclusive);
  EXPECT_THAT(burst.tags, ElementsAre("core"));
  EXPECT_THAT(burst.capabilities, ElementsAre("chat.completions"));
  ASSERT_EQ(burst.steps.size(), 2u);
  EXPECT_EQ(burst.steps[0].kind, StepKind::burst);
}

TEST(SuiteLoader, UnnamedStepsAreNamedByMethodAndTarget) {
  const Suite suite = parse(kGood);
  const auto& chat = suite.scenarios[0].steps;
  EXPECT_EQ(chat[0].name, "POST /chat/completions");  // a body means POST
  EXPECT_EQ(chat[1].name, "list models");             // a given name wins
  EXPECT_EQ(chat[2].name, "DELETE /files/file-1");
  EXPECT_EQ(chat[3].name, "POST http://example.test/.well-known/x");
  const auto& bursts = suite.scenarios[1].steps;
  EXPECT_EQ(bursts[0].name, "burst of 5 x POST /x");
  EXPECT_EQ(bursts[1].name, "burst of {{ vars.n }} x GET /models");
}

TEST(SuiteLoader, AMissingScenariosListIsReportedAtTheTop) {
  EXPECT_THAT(load_error(R"(
suite: demo
description: nothing to run
)"),
              AllOf(StartsWith("suite.yaml:1:"), HasSubstr("scenarios")));
}

TEST(SuiteLoader, AnUnknownTopLevelKeyIsReportedAtItsLine) {
  EXPECT_THAT(load_error(R"(
suite: demo
descripton: a typo
scenarios:
  - name: x
    steps: [{request: {path: /models}}]
)"),
              AllOf(StartsWith("suite.yaml:2:"), HasSubstr("property 'descripton' is not allowed")));
}

TEST(SuiteLoader, AnUnknownKeyWithABlockValueIsReportedAtTheKeyNotTheValue) {
  EXPECT_THAT(load_error(R"(
suite: demo
scenario:
  - name: typo
scenarios:
  - name: x
    steps: [{request: {path: /models}}]
)"),
              AllOf(StartsWith("suite.yaml:2:"), HasSubstr("property 'scenario' is not allowed")));
}

TEST(SuiteLoader, AnUnknownCheckIdIsReportedAtItsLine) {
  EXPECT_THAT(load_error(R"(
suite: demo
scenarios:
  - name: x
    steps:
      - request: {path: /models}
        expect:
          checks:
            - usage.consistent
            - sse.wizard
)"),
              StartsWith("suite.yaml:9:"));
}

TEST(SuiteLoader, AStepWithBothRequestAndBurstIsReportedAtTheStep) {
  EXPECT_THAT(load_error(R"(
suite: demo
scenarios:
  - name: x
    steps:
      - request: {path: /models}
      - request: {path: /models}
        burst: {count: 2, request: {path: /models}}
)"),
              StartsWith("suite.yaml:6:"));
}

TEST(SuiteLoader, ABadJsonPathIsReportedAtItsKey) {
  EXPECT_THAT(load_error(R"(
suite: demo
scenarios:
  - name: x
    steps:
      - request: {path: /models}
        expect:
          json:
            $.data: {type: array}
            $.data[:
              type: string
)"),
              StartsWith("suite.yaml:9:"));
}

TEST(SuiteLoader, ABadMatcherIsReportedAtItsValueWithTheProblem) {
  EXPECT_THAT(load_error(R"(
suite: demo
scenarios:
  - name: x
    steps:
      - request: {path: /models}
        expect:
          headers:
            content-type: {matches: "^application/json"}
          json:
            $.object: {type: wizard}
)"),
              AllOf(StartsWith("suite.yaml:10:"), HasSubstr("type takes one of")));
}

// Shape errors that used to load and fail only mid-run: each is a load error at its own line and column,
// before any request is sent.
TEST(SuiteLoader, AStatusThatIsNotACodeIsReportedAtIt) {
  EXPECT_EQ(
      load_error(R"(
suite: demo
scenarios:
  - name: x
    steps:
      - request: {path: /models}
        expect:
          status: "two hundred"
)"),
      "suite.yaml:7:19: status takes a code (200), a list of codes ([200, 201]) or a matcher ({gte: 200, lt: "
      "300}), not 'two hundred'");
  EXPECT_EQ(
      load_error(R"(
suite: demo
scenarios:
  - name: x
    steps:
      - request: {path: /models}
        expect: {status: [200, "ok"]}
)"),
      "suite.yaml:6:26: status takes a code (200), a list of codes ([200, 201]) or a matcher ({gte: 200, lt: "
      "300}), not [200,\"ok\"]");
}

TEST(SuiteLoader, AMistypedMatcherOperatorIsNamedWithTheOperatorMeant) {
  EXPECT_EQ(
      load_error(R"(
suite: demo
scenarios:
  - name: x
    steps:
      - request: {path: /models}
        expect:
          json:
            $.data: {length: 6}
)"),
      "suite.yaml:8:21: 'length' is not a matcher operator: did you mean 'len'? (to compare with an object "
      "literally, write eq: {...})");
  EXPECT_THAT(load_error(R"(
suite: demo
scenarios:
  - name: x
    steps:
      - request: {path: /models}
        expect:
          headers:
            x-request-id: {matches: "^req_", prefix: req}
)"),
              AllOf(StartsWith("suite.yaml:8:27: "),
                    HasSubstr("mixes matcher operators (matches) with other keys (prefix)")));
}

TEST(SuiteLoader, ATemplateNameThatCannotExistIsReportedWhereItIsUsed) {
  EXPECT_EQ(load_error(R"(
suite: demo
vars: {model: m}
scenarios:
  - name: x
    steps:
      - request: {path: "/models/{{ vars.nope }}"}
)"),
            "suite.yaml:6:25: {{ vars.nope }}: the suite's vars have no 'nope' (model)");
  EXPECT_EQ(load_error(R"(
suite: demo
scenarios:
  - name: x
    steps:
      - request: {path: "/models/{{ captures.id }}"}
      - request: {path: /models}
        capture: {id: "$.data[0].id"}
)"),
            "suite.yaml:5:25: {{ captures.id }}: no earlier step of this scenario captures 'id' (none)");
  EXPECT_THAT(load_error(R"(
suite: demo
scenarios:
  - name: x
    steps:
      - request: {path: "/{{ secrets.key }}"}
)"),
              AllOf(StartsWith("suite.yaml:5:25: "), HasSubstr("unknown name 'secrets'")));
}

TEST(SuiteLoader, ChecksAreNamedFromTheRegistryInTheStepThatCanJudgeThem) {
  EXPECT_EQ(load_error(R"(
suite: demo
scenarios:
  - name: x
    steps:
      - request: {path: /models}
        expect:
          checks: [sse.done-sentinel, sse.done-sentinal]
)"),
            "suite.yaml:7:39: unknown check 'sse.done-sentinal' (did you mean 'sse.done-sentinel'?); "
            "gatecheck checks "
            "lists them");
  EXPECT_THAT(load_error(R"(
suite: demo
scenarios:
  - name: x
    steps:
      - request: {path: /models}
        expect: {checks: [webhook.signature-valid]}
)"),
              AllOf(StartsWith("suite.yaml:6:27: "), HasSubstr("name it under an expect_webhook step")));
  EXPECT_THAT(load_error(R"(
suite: demo
scenarios:
  - name: x
    steps:
      - request: {path: /models}
        expect: {checks: [upstream.content-preserved]}
)"),
              AllOf(StartsWith("suite.yaml:6:27: "), HasSubstr("name it under a step's upstream.checks")));
  EXPECT_THAT(load_error(R"(
suite: demo
scenarios:
  - name: x
    steps:
      - request: {path: /models}
        upstream: {checks: [sse.done-sentinel]}
)"),
              AllOf(StartsWith("suite.yaml:6:29: "), HasSubstr("name it under a request's expect.checks")));
  std::string every, upstream;
  for (const auto& check : check_catalog()) {
    if (check.scope == CheckScope::exchange || check.scope == CheckScope::step)
      every += (every.empty() ? "" : ", ") + std::string(check.id);
    if (check.scope == CheckScope::upstream)
      upstream += (upstream.empty() ? "" : ", ") + std::string(check.id);
  }
  EXPECT_NO_THROW(
      parse("suite: demo\nscenarios:\n  - name: x\n    steps:\n      - request: {path: /models}\n"
            "        expect: {checks: [" +
            every + "]}\n        upstream: {checks: [" + upstream + "]}\n"));
}

TEST(SuiteLoader, NamesAStepCapturesAreKnownToTheStepsAfterIt) {
  const Suite suite = parse(R"(
suite: demo
scenarios:
  - name: x
    steps:
      - request: {path: /models}
        capture: {id: "$.data[0].id"}
      - request: {path: "/models/{{ captures.id }}"}
      - webhook_receiver: {id: hooks}
      - request: {method: POST, path: /hooks, json: {url: "{{ receivers.hooks.url }}", model: "{{ env.MODEL }}"}}
)");
  EXPECT_EQ(suite.scenarios[0].steps.size(), 4u);
}

TEST(SuiteLoader, TwoScenariosOfTheSameNameAreReportedAtTheSecond) {
  EXPECT_THAT(load_error(R"(
suite: demo
scenarios:
  - name: twice
    steps: [{request: {path: /models}}]
  - name: once
    steps: [{request: {path: /models}}]
  - name: twice
    steps: [{request: {path: /models}}]
)"),
              AllOf(StartsWith("suite.yaml:7:"), HasSubstr("two scenarios are named 'twice'")));
}

TEST(SuiteLoader, JsonAndBodyTogetherAreReportedAtTheRequest) {
  EXPECT_THAT(load_error(R"(
suite: demo
scenarios:
  - name: x
    steps:
      - request:
          path: /chat/completions
          json: {model: m}
          body: "{}"
)"),
              StartsWith("suite.yaml:5:"));
}

TEST(SuiteLoader, EveryBundledSuiteLoadsWithScenarios) {
  const auto suites = load_bundled_suites();
  std::set<std::string> names;
  for (const auto& suite : suites) {
    names.insert(suite.name);
    EXPECT_GE(suite.scenarios.size(), 1u) << suite.file;
    for (const auto& scenario : suite.scenarios) {
      EXPECT_FALSE(scenario.steps.empty()) << suite.name << " / " << scenario.name;
      for (const auto& step : scenario.steps) {
        EXPECT_FALSE(step.name.empty()) << suite.name << " / " << scenario.name;
        const auto expect = step.spec.value("expect", nlohmann::json::object());
        for (const auto& id : expect.value("checks", nlohmann::json::array()))
          EXPECT_NE(find_check(id.get<std::string>()), nullptr) << id;
      }
    }
  }
  EXPECT_EQ(names,
            (std::set<std::string>{"audio", "chat", "completions", "embeddings", "errors", "images", "models",
                                   "moderations", "rate-limits", "responses", "streaming", "tools"}));
}

}  // namespace
}  // namespace gatecheck::runner
