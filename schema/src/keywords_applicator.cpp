// The applicator vocabulary (JSON Schema Core 2020-12, section 10): keywords that apply subschemas, either in
// place (allOf, anyOf, oneOf, not, if/then/else, dependentSchemas) or to children (properties, items,
// contains). Annotations for unevaluated* are gathered only when a caller asks (Evaluated* non-null); a
// subschema's annotations count only when it passed.
#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include <gatecheck/schema/regex.hpp>

#include "builder.hpp"

namespace gatecheck::schema::detail {
namespace {

// Evaluates `node` with errors silenced (a probe whose failure is not itself an error: `not`, `if`,
// `contains`).
bool probe(const Node& node, const json& instance, Context& ctx, Evaluated* evaluated) {
  std::vector<Error>* saved = ctx.errors;
  ctx.errors = nullptr;
  const bool valid = evaluate_node(node, instance, ctx, evaluated);
  ctx.errors = saved;
  return valid;
}

bool run_in_place(const Node& node, const json& instance, Context& ctx, Evaluated* evaluated) {
  if (evaluated == nullptr) return evaluate_node(node, instance, ctx, nullptr);
  Evaluated child;
  const bool valid = evaluate_node(node, instance, ctx, &child);
  if (valid) evaluated->merge(child);
  return valid;
}

std::size_t error_mark(const Context& ctx) {
  return ctx.collecting() ? ctx.errors->size() : 0;
}
void drop_errors_since(Context& ctx, std::size_t mark) {
  if (ctx.collecting()) ctx.errors->resize(mark);
}

class AllOfKeyword final : public Keyword {
 public:
  AllOfKeyword(std::string location, std::vector<const Node*> children)
      : Keyword("allOf", std::move(location)), children_(std::move(children)) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated* evaluated) const override {
    bool valid = true;
    for (std::size_t i = 0; i < children_.size(); ++i) {
      const LocationPush push(ctx, ctx.keyword_location, name(), i);
      if (!run_in_place(*children_[i], instance, ctx, evaluated)) {
        valid = false;
        if (!ctx.collecting()) return false;
      }
    }
    return valid;
  }

 private:
  std::vector<const Node*> children_;
};

class AnyOfKeyword final : public Keyword {
 public:
  AnyOfKeyword(std::string location, std::vector<const Node*> children)
      : Keyword("anyOf", std::move(location)), children_(std::move(children)) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated* evaluated) const override {
    const std::size_t mark = error_mark(ctx);
    bool any = false;
    for (std::size_t i = 0; i < children_.size(); ++i) {
      const LocationPush push(ctx, ctx.keyword_location, name(), i);
      if (run_in_place(*children_[i], instance, ctx, evaluated)) {
        any = true;
        // Without annotations to gather, the first match settles it.
        if (evaluated == nullptr) break;
      }
    }
    if (any) {
      drop_errors_since(ctx, mark);
      return true;
    }
    report(ctx,
           excerpt(instance) + " matches none of the " + std::to_string(children_.size()) + " alternatives");
    return false;
  }

 private:
  std::vector<const Node*> children_;
};

class OneOfKeyword final : public Keyword {
 public:
  OneOfKeyword(std::string location, std::vector<const Node*> children)
      : Keyword("oneOf", std::move(location)), children_(std::move(children)) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated* evaluated) const override {
    const std::size_t mark = error_mark(ctx);
    std::vector<std::size_t> matched;
    Evaluated winner;
    for (std::size_t i = 0; i < children_.size(); ++i) {
      const LocationPush push(ctx, ctx.keyword_location, name(), i);
      Evaluated child;
      if (evaluate_node(*children_[i], instance, ctx, evaluated != nullptr ? &child : nullptr)) {
        matched.push_back(i);
        if (evaluated != nullptr) winner = std::move(child);
        if (matched.size() > 1 && !ctx.collecting()) return false;
      }
    }
    if (matched.size() == 1) {
      drop_errors_since(ctx, mark);
      if (evaluated != nullptr) evaluated->merge(winner);
      return true;
    }
    if (matched.empty()) {
      report(ctx, excerpt(instance) + " matches none of the " + std::to_string(children_.size()) +
                      " alternatives");
    } else {
      drop_errors_since(ctx, mark);
      std::string which;
      for (const auto i : matched)
        which += (which.empty() ? "" : ", ") + std::to_string(i);
      report(ctx, excerpt(instance) + " matches " + std::to_string(matched.size()) + " alternatives (" +
                      which + "); exactly one must match");
    }
    return false;
  }

 private:
  std::vector<const Node*> children_;
};

class NotKeyword final : public Keyword {
 public:
  NotKeyword(std::string location, const Node* child) : Keyword("not", std::move(location)), child_(child) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated*) const override {
    const LocationPush push(ctx, ctx.keyword_location, name());
    if (!probe(*child_, instance, ctx, nullptr)) return true;
    report(ctx, excerpt(instance) + " must not match the schema in 'not'");
    return false;
  }

 private:
  const Node* child_;
};

class IfThenElseKeyword final : public Keyword {
 public:
  IfThenElseKeyword(std::string location, const Node* condition, const Node* then_node, const Node* else_node)
      : Keyword("if", std::move(location)), if_(condition), then_(then_node), else_(else_node) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated* evaluated) const override {
    if (then_ == nullptr && else_ == nullptr && evaluated == nullptr) return true;
    bool condition = false;
    {
      const LocationPush push(ctx, ctx.keyword_location, "if");
      Evaluated child;
      condition = probe(*if_, instance, ctx, evaluated != nullptr ? &child : nullptr);
      if (condition && evaluated != nullptr) evaluated->merge(child);
    }
    const Node* branch = condition ? then_ : else_;
    if (branch == nullptr) return true;
    const LocationPush push(ctx, ctx.keyword_location, condition ? "then" : "else");
    return run_in_place(*branch, instance, ctx, evaluated);
  }

 private:
  const Node* if_;
  const Node* then_;
  const Node* else_;
};

class DependentSchemasKeyword final : public Keyword {
 public:
  DependentSchemasKeyword(std::string name, std::string location,
                          std::vector<std::pair<std::string, const Node*>> rules)
      : Keyword(std::move(name), std::move(location)), rules_(std::move(rules)) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated* evaluated) const override {
    if (!instance.is_object()) return true;
    bool valid = true;
    for (const auto& [trigger, node] : rules_) {
      if (!instance.contains(trigger)) continue;
      const LocationPush push(ctx, ctx.keyword_location, name(), trigger);
      if (!run_in_place(*node, instance, ctx, evaluated)) {
        valid = false;
        if (!ctx.collecting()) return false;
      }
    }
    return valid;
  }

 private:
  std::vector<std::pair<std::string, const Node*>> rules_;
};

class PropertiesKeyword final : public Keyword {
 public:
  PropertiesKeyword(std::string location, std::unordered_map<std::string, const Node*> properties)
      : Keyword("properties", std::move(location)), properties_(std::move(properties)) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated* evaluated) const override {
    if (!instance.is_object()) return true;
    bool valid = true;
    std::size_t index = 0;
    for (auto it = instance.begin(); it != instance.end(); ++it, ++index) {
      const auto found = properties_.find(it.key());
      if (found == properties_.end()) continue;
      if (evaluated != nullptr) evaluated->mark_property(index, instance.size());
      const LocationPush keyword(ctx, ctx.keyword_location, name(), it.key());
      const LocationPush at(ctx, ctx.instance_location, it.key());
      if (!evaluate_node(*found->second, *it, ctx, nullptr)) {
        valid = false;
        if (!ctx.collecting()) return false;
      }
    }
    return valid;
  }

 private:
  std::unordered_map<std::string, const Node*> properties_;
};

struct PatternSchema {
  std::string source;
  Regex regex;
  const Node* node;
};

class PatternPropertiesKeyword final : public Keyword {
 public:
  PatternPropertiesKeyword(std::string location, std::vector<PatternSchema> patterns)
      : Keyword("patternProperties", std::move(location)), patterns_(std::move(patterns)) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated* evaluated) const override {
    if (!instance.is_object()) return true;
    bool valid = true;
    std::size_t index = 0;
    for (auto it = instance.begin(); it != instance.end(); ++it, ++index) {
      for (const auto& pattern : patterns_) {
        if (!pattern.regex.test(it.key())) continue;
        if (evaluated != nullptr) evaluated->mark_property(index, instance.size());
        const LocationPush keyword(ctx, ctx.keyword_location, name(), pattern.source);
        const LocationPush at(ctx, ctx.instance_location, it.key());
        if (!evaluate_node(*pattern.node, *it, ctx, nullptr)) {
          valid = false;
          if (!ctx.collecting()) return false;
        }
      }
    }
    return valid;
  }

 private:
  std::vector<PatternSchema> patterns_;
};

// Applies to members that neither sibling `properties` nor `patternProperties` matched.
class AdditionalPropertiesKeyword final : public Keyword {
 public:
  AdditionalPropertiesKeyword(std::string location, const Node* node, std::vector<std::string> names,
                              std::vector<Regex> patterns)
      : Keyword("additionalProperties", std::move(location)),
        node_(node),
        names_(names.begin(), names.end()),
        patterns_(std::move(patterns)) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated* evaluated) const override {
    if (!instance.is_object()) return true;
    bool valid = true;
    std::size_t index = 0;
    for (auto it = instance.begin(); it != instance.end(); ++it, ++index) {
      if (names_.count(it.key()) > 0) continue;
      bool by_pattern = false;
      for (const auto& pattern : patterns_)
        by_pattern = by_pattern || pattern.test(it.key());
      if (by_pattern) continue;
      if (evaluated != nullptr) evaluated->mark_property(index, instance.size());
      if (!hold_property(*node_, it.key(), *it, ctx,
                         "property '" + it.key() + "' is not allowed" + allowed_list())) {
        valid = false;
        if (!ctx.collecting()) return false;
      }
    }
    return valid;
  }

 private:
  // " (allowed: a, b, c)" when the schema names its properties, which is what a reader needs to fix a typo.
  std::string allowed_list() const {
    if (names_.empty()) return " (additionalProperties is false)";
    std::vector<std::string> sorted(names_.begin(), names_.end());
    std::sort(sorted.begin(), sorted.end());
    std::string out = " here (allowed: ";
    for (std::size_t i = 0; i < sorted.size() && i < 20; ++i)
      out += (i ? ", " : "") + sorted[i];
    return out + (sorted.size() > 20 ? ", ...)" : ")");
  }

  const Node* node_;
  std::unordered_set<std::string> names_;
  std::vector<Regex> patterns_;
};

class PropertyNamesKeyword final : public Keyword {
 public:
  PropertyNamesKeyword(std::string location, const Node* node)
      : Keyword("propertyNames", std::move(location)), node_(node) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated*) const override {
    if (!instance.is_object()) return true;
    bool valid = true;
    for (auto it = instance.begin(); it != instance.end(); ++it) {
      const LocationPush keyword(ctx, ctx.keyword_location, name());
      const LocationPush at(ctx, ctx.instance_location, it.key());
      if (!evaluate_node(*node_, json(it.key()), ctx, nullptr)) {
        valid = false;
        if (!ctx.collecting()) return false;
      }
    }
    return valid;
  }

 private:
  const Node* node_;
};

// prefixItems, and the draft-2019 array form of items.
class PrefixItemsKeyword final : public Keyword {
 public:
  PrefixItemsKeyword(std::string name, std::string location, std::vector<const Node*> nodes)
      : Keyword(std::move(name), std::move(location)), nodes_(std::move(nodes)) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated* evaluated) const override {
    if (!instance.is_array()) return true;
    bool valid = true;
    const std::size_t count = std::min(nodes_.size(), instance.size());
    for (std::size_t i = 0; i < count; ++i) {
      if (evaluated != nullptr) evaluated->mark_item(i, instance.size());
      const LocationPush keyword(ctx, ctx.keyword_location, name(), i);
      const LocationPush at(ctx, ctx.instance_location, "", i);
      if (!evaluate_node(*nodes_[i], instance[i], ctx, nullptr)) {
        valid = false;
        if (!ctx.collecting()) return false;
      }
    }
    return valid;
  }

 private:
  std::vector<const Node*> nodes_;
};

// items (2020-12), and additionalItems (earlier drafts): every item from `start` on.
class ItemsKeyword final : public Keyword {
 public:
  ItemsKeyword(std::string name, std::string location, const Node* node, std::size_t start)
      : Keyword(std::move(name), std::move(location)), node_(node), start_(start) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated* evaluated) const override {
    if (!instance.is_array()) return true;
    bool valid = true;
    for (std::size_t i = start_; i < instance.size(); ++i) {
      if (evaluated != nullptr) evaluated->mark_item(i, instance.size());
      if (!hold_item(*node_, i, instance[i], ctx,
                     "item " + std::to_string(i) + " is not allowed (" + name() + " is false; at most " +
                         std::to_string(start_) + " items)")) {
        valid = false;
        if (!ctx.collecting()) return false;
      }
    }
    return valid;
  }

 private:
  const Node* node_;
  std::size_t start_;
};

class ContainsKeyword final : public Keyword {
 public:
  ContainsKeyword(std::string location, const Node* node, std::size_t min, std::optional<std::size_t> max)
      : Keyword("contains", std::move(location)), node_(node), min_(min), max_(max) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated* evaluated) const override {
    if (!instance.is_array()) return true;
    std::size_t matches = 0;
    const bool need_all = evaluated != nullptr || max_.has_value();
    for (std::size_t i = 0; i < instance.size(); ++i) {
      if (!probe(*node_, instance[i], ctx, nullptr)) continue;
      ++matches;
      if (evaluated != nullptr) evaluated->mark_item(i, instance.size());
      if (!need_all && matches >= min_) return true;
    }
    if (matches >= min_ && (!max_ || matches <= *max_)) return true;
    if (matches < min_) {
      report(ctx, min_ == 1 ? "no item matches the 'contains' schema"
                            : "expected at least " + std::to_string(min_) +
                                  " items matching 'contains', found " + std::to_string(matches));
    } else {
      report(ctx, "expected at most " + std::to_string(*max_) + " items matching 'contains', found " +
                      std::to_string(matches));
    }
    return false;
  }

 private:
  const Node* node_;
  std::size_t min_;
  std::optional<std::size_t> max_;
};

std::vector<const Node*> children_of(Builder& builder, std::string_view keyword, const json& value) {
  if (!value.is_array() || value.empty()) builder.fail(keyword, "expected a non-empty array of schemas");
  std::vector<const Node*> nodes;
  for (const auto& item : value)
    nodes.push_back(builder.child(item));
  return nodes;
}

const json* find(const json& schema, const char* keyword) {
  const auto it = schema.find(keyword);
  return it == schema.end() ? nullptr : &*it;
}

std::vector<PatternSchema> compile_patterns(Builder& builder, const json& value) {
  if (!value.is_object()) builder.fail("patternProperties", "expected an object");
  std::vector<PatternSchema> patterns;
  for (const auto& [source, subschema] : value.items()) {
    try {
      patterns.push_back({source, Regex::compile(source), builder.child(subschema)});
    } catch (const RegexError& e) {
      builder.fail("patternProperties", e.what());
    }
  }
  return patterns;
}

}  // namespace

namespace {

void add_logic_keywords(Builder& builder, Keywords& out) {
  const json& schema = builder.schema();
  for (const char* keyword : {"allOf", "anyOf", "oneOf"}) {
    const json* value = find(schema, keyword);
    if (value == nullptr) continue;
    auto nodes = children_of(builder, keyword, *value);
    const std::string location = builder.absolute(keyword);
    if (std::string_view(keyword) == "allOf") {
      out.push_back(std::make_unique<AllOfKeyword>(location, std::move(nodes)));
    } else if (std::string_view(keyword) == "anyOf") {
      out.push_back(std::make_unique<AnyOfKeyword>(location, std::move(nodes)));
    } else {
      out.push_back(std::make_unique<OneOfKeyword>(location, std::move(nodes)));
    }
  }
  if (const json* value = find(schema, "not")) {
    out.push_back(std::make_unique<NotKeyword>(builder.absolute("not"), builder.child(*value)));
  }
  if (const json* condition = find(schema, "if")) {
    const json* then_value = find(schema, "then");
    const json* else_value = find(schema, "else");
    out.push_back(std::make_unique<IfThenElseKeyword>(builder.absolute("if"), builder.child(*condition),
                                                      then_value ? builder.child(*then_value) : nullptr,
                                                      else_value ? builder.child(*else_value) : nullptr));
  }
  for (const char* keyword : {"dependentSchemas", "dependencies"}) {
    const json* value = find(schema, keyword);
    if (value == nullptr || !value->is_object()) continue;
    std::vector<std::pair<std::string, const Node*>> rules;
    for (const auto& [trigger, subschema] : value->items()) {
      if (subschema.is_object() || subschema.is_boolean())
        rules.emplace_back(trigger, builder.child(subschema));
    }
    if (!rules.empty()) {
      out.push_back(
          std::make_unique<DependentSchemasKeyword>(keyword, builder.absolute(keyword), std::move(rules)));
    }
  }
}

void add_object_applicators(Builder& builder, Keywords& out) {
  const json& schema = builder.schema();
  std::vector<std::string> property_names;
  if (const json* value = find(schema, "properties")) {
    if (!value->is_object()) builder.fail("properties", "expected an object");
    std::unordered_map<std::string, const Node*> properties;
    for (const auto& [name, subschema] : value->items()) {
      properties.emplace(name, builder.child(subschema));
      property_names.push_back(name);
    }
    out.push_back(std::make_unique<PropertiesKeyword>(builder.absolute("properties"), std::move(properties)));
  }
  std::vector<Regex> pattern_regexes;
  if (const json* value = find(schema, "patternProperties")) {
    auto patterns = compile_patterns(builder, *value);
    for (const auto& pattern : patterns)
      pattern_regexes.push_back(pattern.regex);
    out.push_back(std::make_unique<PatternPropertiesKeyword>(builder.absolute("patternProperties"),
                                                             std::move(patterns)));
  }
  if (const json* value = find(schema, "additionalProperties")) {
    out.push_back(std::make_unique<AdditionalPropertiesKeyword>(
        builder.absolute("additionalProperties"), builder.child(*value), std::move(property_names),
        std::move(pattern_regexes)));
  }
  if (const json* value = find(schema, "propertyNames")) {
    out.push_back(
        std::make_unique<PropertyNamesKeyword>(builder.absolute("propertyNames"), builder.child(*value)));
  }
}

void add_array_applicators(Builder& builder, Keywords& out) {
  const json& schema = builder.schema();
  const bool modern = builder.draft() == Draft::d2020_12;
  std::size_t prefix = 0;
  if (const json* value = find(schema, "prefixItems"); value != nullptr && modern) {
    auto nodes = children_of(builder, "prefixItems", *value);
    prefix = nodes.size();
    out.push_back(std::make_unique<PrefixItemsKeyword>("prefixItems", builder.absolute("prefixItems"),
                                                       std::move(nodes)));
  }
  if (const json* value = find(schema, "items")) {
    if (value->is_array()) {
      // Before 2020-12, an array of items schemas meant what prefixItems means now.
      std::vector<const Node*> nodes;
      for (const auto& item : *value)
        nodes.push_back(builder.child(item));
      const std::size_t legacy_prefix = nodes.size();
      out.push_back(
          std::make_unique<PrefixItemsKeyword>("items", builder.absolute("items"), std::move(nodes)));
      if (const json* additional = find(schema, "additionalItems")) {
        out.push_back(std::make_unique<ItemsKeyword>("additionalItems", builder.absolute("additionalItems"),
                                                     builder.child(*additional), legacy_prefix));
      }
    } else {
      out.push_back(
          std::make_unique<ItemsKeyword>("items", builder.absolute("items"), builder.child(*value), prefix));
    }
  }
  if (const json* value = find(schema, "contains")) {
    std::size_t min = 1;
    std::optional<std::size_t> max;
    if (builder.has_vocabulary(kValidation)) {
      if (schema.contains("minContains")) min = read_count(builder, "minContains");
      if (schema.contains("maxContains")) max = read_count(builder, "maxContains");
    }
    out.push_back(
        std::make_unique<ContainsKeyword>(builder.absolute("contains"), builder.child(*value), min, max));
  }
}

}  // namespace

void add_applicator_keywords(Builder& builder, Keywords& out) {
  add_logic_keywords(builder, out);
  add_object_applicators(builder, out);
  add_array_applicators(builder, out);
}

}  // namespace gatecheck::schema::detail
