// A step's `expect:` as it is rendered when the step runs.
#include "expectations.hpp"

#include <gtest/gtest.h>

#include <gatecheck/core/json_path.hpp>
#include <gatecheck/core/template.hpp>

namespace gatecheck::runner {
namespace {

using nlohmann::json;

// A template value lands in a JSONPath escaped: a quote in a model id cannot end the filter's string early.
TEST(Expectations, TemplatesInAJsonPathAreEscapedAsTheyLand) {
  core::TemplateScope scope;
  scope.set("profile", {{"models", {{"chat", "it's \"odd\\"}}}});
  const auto expect =
      read_expectations({{"json", {{"$.data[?@.id == '{{ profile.models.chat }}'].object", "model"}}}});
  const auto rendered = render_expectations(expect, scope);
  ASSERT_EQ(rendered.json.size(), 1u);
  const std::string& path = rendered.json.front().path;
  EXPECT_EQ(path, R"($.data[?@.id == 'it\'s \"odd\\'].object)");
  const json catalog = {
      {"data", json::array({{{"id", "it's \"odd\\"}, {"object", "model"}}, {{"id", "other"}}})}};
  const auto matches = core::JsonPath::parse(path).evaluate(catalog);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(*matches.front().value, "model");
}

}  // namespace
}  // namespace gatecheck::runner
