// `{{ vars.x }}` interpolation. A string that is exactly one expression takes the expression's value with its
// type (a number stays a number); an expression inside a longer string is spliced in as text.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace gatecheck::core {

class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The names expressions can reach: named roots (vars, captures, profile, ...) plus `env.NAME`.
class TemplateScope {
 public:
  using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

  TemplateScope();  // env reads the process environment
  explicit TemplateScope(EnvLookup env);

  void set(const std::string& root, nlohmann::json value) { roots_[root] = std::move(value); }
  // The root's value, created as an empty object when missing (for adding captures one by one).
  nlohmann::json& root(const std::string& name);
  const nlohmann::json* find_root(std::string_view name) const;
  const nlohmann::json& roots() const { return roots_; }
  // Expressions under a deferred root are left as written, for a later renderer (a stub's response
  // templates, which the mock renders per request).
  void defer(std::string root) { deferred_.push_back(std::move(root)); }
  bool is_deferred(std::string_view root) const;
  std::optional<std::string> env(const std::string& name) const { return env_(name); }

 private:
  nlohmann::json roots_ = nlohmann::json::object();
  std::vector<std::string> deferred_;
  EnvLookup env_;
};

// The names a mock stub's response templates read, per request (docs/mock.md, Templates): deferred when a
// suite's stub step renders, refused anywhere else.
inline constexpr std::string_view kStubTemplateRoots[] = {"request", "random", "now", "stub"};

bool has_template(std::string_view text);
// Throws TemplateError naming the expression and the name that does not exist.
nlohmann::json render(std::string_view text, const TemplateScope& scope);
// Renders every string value (not keys) of a JSON tree.
nlohmann::json render_tree(const nlohmann::json& value, const TemplateScope& scope);
// What an expression reads: its root ("vars") and the member below it ("model"), if it names one.
struct TemplateName {
  std::string root;
  std::optional<std::string> member;
  std::string expression;  // as written, trimmed: "vars.model"
};
// The names the {{ }} expressions of `text` read (quoted literals read none), without evaluating them: what a
// suite loader checks before anything runs. Throws TemplateError for an expression that cannot be read.
std::vector<TemplateName> template_names(std::string_view text);
// How an interpolated value reads inside a longer string: strings as themselves, the rest as compact JSON.
std::string to_template_text(const nlohmann::json& value);

}  // namespace gatecheck::core
