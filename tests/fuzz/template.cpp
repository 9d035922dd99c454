// Property: render() returns or throws TemplateError only; text without "{{" renders to itself; render_tree()
// over the input read as JSON does the same for every string in it.
// Input: template text ("model={{ vars.model }}"), rendered against a fixed scope like template_test.cpp's.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <gatecheck/core/document.hpp>
#include <gatecheck/core/template.hpp>

#include "fuzz_common.hpp"

namespace {

using namespace gatecheck;
using nlohmann::json;

core::TemplateScope make_scope() {
  core::TemplateScope scope([](const std::string& name) -> std::optional<std::string> {
    if (name == "API_KEY") return "sk-test";
    return std::nullopt;  // never the real environment
  });
  scope.set("vars", {{"model", "gpt-4o-mini"}, {"max", 16}, {"flags", {true, false}}, {"empty", ""}});
  scope.set("captures",
            {{"id", "chatcmpl-9"}, {"items", json::array({1, 2, 3})}, {"nested", {{"a", {{"b", nullptr}}}}}});
  scope.set("profile", {{"models", {{"chat", "gpt-4o-mini"}}}, {"base_path", "/v1"}});
  return scope;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using fuzz::require;
  static const core::TemplateScope scope = make_scope();
  const std::string_view text = fuzz::as_text(data, size);
  try {
    const json rendered = core::render(text, scope);
    if (!core::has_template(text))
      require(rendered == json(std::string(text)), "plain text renders to itself");
    (void)core::to_template_text(rendered);
  } catch (const core::TemplateError&) {
    // Unknown names, bad expressions, unclosed "{{": the documented failure.
  }
  const json tree = core::parse_untrusted_json(text);
  if (tree.is_discarded()) return 0;
  try {
    (void)core::render_tree(tree, scope);
  } catch (const core::TemplateError&) {
  }
  return 0;
}
