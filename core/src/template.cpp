#include <algorithm>
#include <cstdlib>

#include <gatecheck/core/json_path.hpp>
#include <gatecheck/core/template.hpp>

namespace gatecheck::core {
namespace {

using nlohmann::json;

constexpr std::string_view kOpen = "{{";
constexpr std::string_view kClose = "}}";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::string known_keys(const json& node) {
  if (!node.is_object() || node.empty()) return "it is empty";
  std::string out = "it has: ";
  std::size_t shown = 0;
  for (const auto& [key, value] : node.items()) {
    if (shown++ == 12) {
      out += ", ...";
      break;
    }
    if (shown > 1) out += ", ";
    out += key;
  }
  return out;
}

std::optional<json> parse_literal(std::string_view expr) {
  if (expr.size() >= 2 && (expr.front() == '"' || expr.front() == '\'') && expr.back() == expr.front()) {
    return json(std::string(expr.substr(1, expr.size() - 2)));
  }
  return std::nullopt;
}

// The next {{ expression }} at or after `from`, or nullopt; throws for one that is never closed.
struct Expression {
  std::size_t open;       // where "{{" starts
  std::size_t end;        // just past "}}"
  std::string_view text;  // trimmed
};

std::optional<Expression> next_expression(std::string_view text, std::size_t from) {
  const std::size_t open = text.find(kOpen, from);
  if (open == std::string_view::npos) return std::nullopt;
  const std::size_t close = text.find(kClose, open + kOpen.size());
  if (close == std::string_view::npos) throw TemplateError("unclosed '{{' in '" + std::string(text) + "'");
  return Expression{open, close + kClose.size(),
                    trim(text.substr(open + kOpen.size(), close - open - kOpen.size()))};
}

// An expression is a path that starts with a name (`vars.model`, not `.x` or `[0]`).
JsonPath parse_expression(std::string_view expr, std::string_view whole) {
  std::optional<JsonPath> path;
  try {
    path = JsonPath::parse("$." + std::string(expr));
  } catch (const JsonPathError&) {
  }
  if (!path || path->segments().empty() || !std::holds_alternative<JsonPath::Name>(path->segments().front()))
    throw TemplateError("cannot read expression '" + std::string(expr) + "' in '" + std::string(whole) +
                        "': expected a name like vars.model, captures.items[0] or env.API_KEY");
  return *path;
}

json evaluate(std::string_view expr, std::string_view whole, const TemplateScope& scope) {
  if (expr.empty()) throw TemplateError("empty expression in '" + std::string(whole) + "'");
  if (auto literal = parse_literal(expr)) return *literal;
  const JsonPath path = parse_expression(expr, whole);
  if (!path.is_singular())
    throw TemplateError("wildcards, filters and '..' are not allowed in template '" + std::string(whole) +
                        "': a template names one value");
  const auto& segments = path.segments();
  const auto& root_name = std::get<JsonPath::Name>(segments.front()).value;
  if (root_name == "env") {
    if (segments.size() != 2 || !std::holds_alternative<JsonPath::Name>(segments[1])) {
      throw TemplateError("env takes one variable name, as in env.API_KEY, in '" + std::string(whole) + "'");
    }
    const auto& variable = std::get<JsonPath::Name>(segments[1]).value;
    auto value = scope.env(variable);
    if (!value) {
      throw TemplateError("environment variable " + variable + " is not set (used in '" + std::string(whole) +
                          "')");
    }
    return json(*value);
  }
  const json* node = scope.find_root(root_name);
  if (node == nullptr) {
    std::string roots = "env";
    for (const auto& [key, value] : scope.roots().items())
      roots += ", " + key;
    throw TemplateError("unknown name '" + root_name + "' in '" + std::string(whole) + "' (known: " + roots +
                        ")");
  }
  std::string walked = root_name;
  for (std::size_t i = 1; i < segments.size(); ++i) {
    const json* next = nullptr;
    std::string step;
    if (const auto* name = std::get_if<JsonPath::Name>(&segments[i])) {
      step = "." + name->value;
      if (node->is_object()) {
        const auto it = node->find(name->value);
        if (it != node->end()) next = &*it;
      }
      if (next == nullptr) {
        throw TemplateError(
            "unknown name '" + walked + step + "' in '" + std::string(whole) + "': " + walked +
            (node->is_object() ? " has no '" + name->value + "' (" + known_keys(*node) + ")"
                               : " is a " + std::string(node->type_name()) + ", not an object"));
      }
    } else {
      const auto index = std::get<JsonPath::Index>(segments[i]).value;
      step = "[" + std::to_string(index) + "]";
      if (node->is_array()) {
        const auto size = static_cast<std::int64_t>(node->size());
        const std::int64_t at = index < 0 ? size + index : index;
        if (at >= 0 && at < size) next = &(*node)[static_cast<std::size_t>(at)];
      }
      if (next == nullptr) {
        throw TemplateError(
            "unknown name '" + walked + step + "' in '" + std::string(whole) + "': " + walked +
            (node->is_array() ? " has " + std::to_string(node->size()) + " items"
                              : " is a " + std::string(node->type_name()) + ", not an array"));
      }
    }
    walked += step;
    node = next;
  }
  return *node;
}

}  // namespace

TemplateScope::TemplateScope()
    : env_([](const std::string& name) -> std::optional<std::string> {
        // Reading the environment is the point of env.NAME; nothing here writes it.
        const char* value = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe)
        if (value == nullptr) return std::nullopt;
        return std::string(value);
      }) {}

TemplateScope::TemplateScope(EnvLookup env) : env_(std::move(env)) {}

json& TemplateScope::root(const std::string& name) {
  json& node = roots_[name];
  if (node.is_null()) node = json::object();
  return node;
}

const json* TemplateScope::find_root(std::string_view name) const {
  const auto it = roots_.find(std::string(name));
  return it == roots_.end() ? nullptr : &*it;
}

bool TemplateScope::is_deferred(std::string_view root) const {
  return std::find(deferred_.begin(), deferred_.end(), root) != deferred_.end();
}

namespace {

// The root an expression reads ("request" in "request.body.model"), without parsing it.
std::string_view root_of(std::string_view expression) {
  return expression.substr(0, expression.find_first_of(".[ \t"));
}

}  // namespace

bool has_template(std::string_view text) {
  return text.find(kOpen) != std::string_view::npos;
}

std::string to_template_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

json render(std::string_view text, const TemplateScope& scope) {
  auto expression = next_expression(text, 0);
  if (!expression) return json(std::string(text));
  const auto deferred = [&](const Expression& e) { return scope.is_deferred(root_of(e.text)); };
  if (expression->open == 0 && expression->end == text.size())
    return deferred(*expression) ? json(std::string(text)) : evaluate(expression->text, text, scope);
  std::string out;
  std::size_t at = 0;
  for (; expression; expression = next_expression(text, at)) {
    out.append(text.substr(at, expression->open - at));
    if (deferred(*expression)) {
      out.append(text.substr(expression->open, expression->end - expression->open));
    } else {
      out += to_template_text(evaluate(expression->text, text, scope));
    }
    at = expression->end;
  }
  out.append(text.substr(at));
  return json(std::move(out));
}

std::vector<TemplateName> template_names(std::string_view text) {
  std::vector<TemplateName> names;
  for (auto expression = next_expression(text, 0); expression;
       expression = next_expression(text, expression->end)) {
    if (expression->text.empty()) throw TemplateError("empty expression in '" + std::string(text) + "'");
    if (parse_literal(expression->text)) continue;
    const JsonPath path = parse_expression(expression->text, text);
    const auto& segments = path.segments();
    TemplateName name{std::get<JsonPath::Name>(segments.front()).value, std::nullopt,
                      std::string(expression->text)};
    if (segments.size() > 1)
      if (const auto* member = std::get_if<JsonPath::Name>(&segments[1])) name.member = member->value;
    names.push_back(std::move(name));
  }
  return names;
}

json render_tree(const json& value, const TemplateScope& scope) {
  switch (value.type()) {
    case json::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      return has_template(text) ? render(text, scope) : value;
    }
    case json::value_t::object: {
      json out = json::object();
      for (const auto& [key, child] : value.items())
        out[key] = render_tree(child, scope);
      return out;
    }
    case json::value_t::array: {
      json out = json::array();
      for (const auto& child : value)
        out.push_back(render_tree(child, scope));
      return out;
    }
    default:
      return value;
  }
}

}  // namespace gatecheck::core
