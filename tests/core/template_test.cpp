#include <gtest/gtest.h>

#include <gatecheck/core/template.hpp>

namespace gatecheck::core {
namespace {

using nlohmann::json;

TemplateScope make_scope() {
  TemplateScope scope([](const std::string& name) -> std::optional<std::string> {
    if (name == "API_KEY") return "sk-test";
    return std::nullopt;
  });
  scope.set("vars", {{"model", "gpt-4o"}, {"max", 16}, {"flags", {true, false}}});
  scope.set("captures", {{"id", "chatcmpl-9"}, {"items", json::array({1, 2, 3})}});
  scope.set("profile", {{"models", {{"chat", "gpt-4o-mini"}}}});
  return scope;
}

TEST(Templates, AWholeExpressionKeepsItsType) {
  const auto scope = make_scope();
  EXPECT_EQ(render("{{ vars.max }}", scope), 16);
  EXPECT_TRUE(render("{{vars.max}}", scope).is_number_integer());
  EXPECT_EQ(render("{{ vars.flags }}", scope), (json{true, false}));
  EXPECT_EQ(render("{{ captures.items[-1] }}", scope), 3);
}

TEST(Templates, ExpressionsInsideTextAreSplicedAsText) {
  const auto scope = make_scope();
  EXPECT_EQ(render("model={{ vars.model }} max={{ vars.max }}", scope), "model=gpt-4o max=16");
  EXPECT_EQ(render("Bearer {{ env.API_KEY }}", scope), "Bearer sk-test");
  EXPECT_EQ(render("{{ profile.models.chat }}", scope), "gpt-4o-mini");
  EXPECT_EQ(render("no templates here", scope), "no templates here");
  EXPECT_EQ(render("{{ '{{' }} literal", scope), "{{ literal");
}

TEST(Templates, RenderTreeRendersEveryStringValue) {
  const auto scope = make_scope();
  const json body = {{"model", "{{ vars.model }}"},
                     {"max_tokens", "{{ vars.max }}"},
                     {"messages", {{{"role", "user"}, {"content", "id {{ captures.id }}"}}}}};
  const json rendered = render_tree(body, scope);
  EXPECT_EQ(rendered["model"], "gpt-4o");
  EXPECT_EQ(rendered["max_tokens"], 16);
  EXPECT_EQ(rendered["messages"][0]["content"], "id chatcmpl-9");
}

void expect_error(const std::string& text, const std::string& fragment) {
  const auto scope = make_scope();
  try {
    render(text, scope);
    FAIL() << "expected a TemplateError for " << text;
  } catch (const TemplateError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Templates, UnknownNamesAreErrorsThatNameThem) {
  expect_error("{{ vars.modle }}", "unknown name 'vars.modle'");
  expect_error("{{ vars.modle }}", "it has: flags, max, model");
  expect_error("{{ varz.x }}", "unknown name 'varz'");
  expect_error("{{ captures.items[7] }}", "captures.items has 3 items");
  expect_error("{{ vars.model.x }}", "vars.model is a string, not an object");
  expect_error("{{ env.MISSING }}", "environment variable MISSING is not set");
  expect_error("x {{ vars.model", "unclosed '{{'");
  expect_error("{{ }}", "empty expression");
  expect_error("{{ vars.* }}", "wildcards, filters and '..' are not allowed");
  expect_error("{{ vars.flags[?@] }}", "a template names one value");
}

TEST(Templates, AnExpressionThatDoesNotStartWithANameIsAnErrorNotACrash) {
  // Found by the mock_stub fuzzer: "$." + ".x" parses with a descendant segment first.
  for (const char* text : {"{{ .x }}", "{{ ..x }}", "{{ [0] }}", "{{ * }}", "{{ ['a'] }}"}) {
    expect_error(text, "expected a name like vars.model");
    EXPECT_THROW(template_names(text), TemplateError) << text;
  }
}

TEST(Templates, ADeferredRootIsLeftAsWrittenForALaterRenderer) {
  TemplateScope scope = make_scope();
  scope.defer("request");
  EXPECT_EQ(render("{{ request.body.model }}", scope), json("{{ request.body.model }}"));
  EXPECT_EQ(render("{{ vars.model }} then {{request.x}}", scope), json("gpt-4o then {{request.x}}"));
}

}  // namespace
}  // namespace gatecheck::core
