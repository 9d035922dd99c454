// Property: a suite read from any bytes (parse_yaml, then parse_suite with its schema check) loads or throws
// LoadError, never another exception (the schema check must stand between the bytes and every typed read);
// every step can be described and its templates render or throw TemplateError.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include <gatecheck/core/document.hpp>
#include <gatecheck/core/template.hpp>
#include <gatecheck/runner/suite.hpp>
#include <gatecheck/vendor/profile.hpp>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatecheck;
  using fuzz::require;
  static const vendor::Profile profile = vendor::load_profile("openai");
  runner::Suite suite;
  try {
    suite = runner::parse_suite(core::parse_yaml(fuzz::as_text(data, size), "suite.yaml"));
  } catch (const core::LoadError&) {
    return 0;
  }
  require(!suite.name.empty() && suite.file == "suite.yaml", "a loaded suite has its name and file");
  core::TemplateScope scope([](const std::string&) -> std::optional<std::string> { return "env-value"; });
  scope.set("vars", suite.vars);
  scope.set("profile", profile.raw);
  for (const auto& scenario : suite.scenarios) {
    (void)suite.describe(scenario.pointer);
    for (const auto& step : scenario.steps) {
      require(step.kind <= runner::StepKind::expect_webhook, "every step has a kind");
      (void)suite.describe(step.pointer);
      try {
        (void)core::render_tree(step.spec, scope);
      } catch (const core::TemplateError&) {
        // {{ captures.x }} before a capture exists, unknown names: reported when the step runs.
      }
    }
  }
  return 0;
}
