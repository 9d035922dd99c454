// Evaluating a compiled node, and the bookkeeping every keyword shares (locations, errors, annotations).
#include <cmath>

#include <gatecheck/core/document.hpp>
#include <gatecheck/core/utf8.hpp>

#include "program.hpp"

namespace gatecheck::schema::detail {

void Evaluated::merge(const Evaluated& other) {
  all_properties = all_properties || other.all_properties;
  all_items = all_items || other.all_items;
  if (properties.size() < other.properties.size()) properties.resize(other.properties.size(), false);
  for (std::size_t i = 0; i < other.properties.size(); ++i) {
    if (other.properties[i]) properties[i] = true;
  }
  if (items.size() < other.items.size()) items.resize(other.items.size(), false);
  for (std::size_t i = 0; i < other.items.size(); ++i) {
    if (other.items[i]) items[i] = true;
  }
}

LocationPush::LocationPush(Context& ctx, std::string& location, std::string_view a, std::string_view b) {
  if (!ctx.collecting()) return;
  location_ = &location;
  mark_ = location.size();
  location += '/';
  location += core::json_pointer_escape(a);
  if (!b.empty()) {
    location += '/';
    location += core::json_pointer_escape(b);
  }
}

LocationPush::LocationPush(Context& ctx, std::string& location, std::string_view a, std::size_t index) {
  if (!ctx.collecting()) return;
  location_ = &location;
  mark_ = location.size();
  if (!a.empty()) {
    location += '/';
    location += core::json_pointer_escape(a);
  }
  location += '/';
  location += std::to_string(index);
}

LocationPush::~LocationPush() {
  if (location_ != nullptr) location_->resize(mark_);
}

void Keyword::report(Context& ctx, std::string message, std::string_view keyword_suffix,
                     std::string_view instance_suffix) const {
  if (!ctx.collecting()) return;
  if (ctx.errors->size() >= ctx.options.max_errors) {
    ctx.truncated = true;
    return;
  }
  Error error;
  error.instance_location = ctx.instance_location;
  if (!instance_suffix.empty()) error.instance_location += "/" + core::json_pointer_escape(instance_suffix);
  error.keyword_location = ctx.keyword_location + "/" + core::json_pointer_escape(name_);
  error.absolute_keyword_location = absolute_location_;
  if (!keyword_suffix.empty()) {
    error.keyword_location += "/" + core::json_pointer_escape(keyword_suffix);
    error.absolute_keyword_location += "/" + core::json_pointer_escape(keyword_suffix);
  }
  error.message = std::move(message);
  ctx.errors->push_back(std::move(error));
}

std::string type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "array";
    case json::value_t::object:
      return "object";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float: {
      const double d = value.get<double>();
      return std::isfinite(d) && d == std::floor(d) ? "integer" : "number";
    }
    default:
      return "value";
  }
}

std::string excerpt(const json& value) {
  constexpr std::size_t kLimit = 60;
  std::string text;
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    text = "'" + (s.size() > kLimit ? std::string(core::utf8_prefix(s, kLimit)) + "..." : s) + "'";
  } else {
    text = value.dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > kLimit)
      text = std::string(core::utf8_prefix(text, kLimit)) + "...";  // never half a character
  }
  return text;
}

bool evaluate_node(const Node& node, const json& instance, Context& ctx, Evaluated* evaluated) {
  if (node.is_boolean) {
    if (!node.boolean_value && ctx.collecting() && ctx.errors->size() < ctx.options.max_errors) {
      ctx.errors->push_back({ctx.instance_location, ctx.keyword_location, node.absolute_location,
                             "no value is allowed here (the schema is false)"});
    }
    return node.boolean_value;
  }
  if (ctx.depth >= ctx.options.max_depth) {
    if (ctx.collecting() && ctx.errors->size() < ctx.options.max_errors) {
      ctx.errors->push_back({ctx.instance_location, ctx.keyword_location, node.absolute_location,
                             "evaluation nested deeper than " + std::to_string(ctx.options.max_depth) +
                                 " levels (a $ref cycle that consumes no input?)"});
    }
    return false;
  }
  ++ctx.depth;
  const Scope* saved_scope = ctx.scope;
  Scope entered{node.resource, ctx.scope};
  if (ctx.scope == nullptr || ctx.scope->resource != node.resource) ctx.scope = &entered;
  Evaluated local;
  Evaluated* annotations = evaluated != nullptr ? evaluated : (node.has_unevaluated ? &local : nullptr);
  bool valid = true;
  for (const auto& keyword : node.keywords) {
    if (!keyword->evaluate(instance, ctx, annotations)) {
      valid = false;
      if (!ctx.collecting()) break;
    }
  }
  ctx.scope = saved_scope;
  --ctx.depth;
  return valid;
}

bool Keyword::hold_property(const Node& node, const std::string& key, const json& value, Context& ctx,
                            const std::string& refusal) const {
  if (node.is_boolean && !node.boolean_value) {
    report(ctx, refusal, {}, key);
    return false;
  }
  const LocationPush keyword(ctx, ctx.keyword_location, name());
  const LocationPush at(ctx, ctx.instance_location, key);
  return evaluate_node(node, value, ctx, nullptr);
}

bool Keyword::hold_item(const Node& node, std::size_t index, const json& value, Context& ctx,
                        const std::string& refusal) const {
  if (node.is_boolean && !node.boolean_value) {
    report(ctx, refusal, {}, std::to_string(index));
    return false;
  }
  const LocationPush keyword(ctx, ctx.keyword_location, name());
  const LocationPush at(ctx, ctx.instance_location, "", index);
  return evaluate_node(node, value, ctx, nullptr);
}

}  // namespace gatecheck::schema::detail

namespace gatecheck::schema {

std::string json_type_name(const nlohmann::json& value) {
  return detail::type_name(value);
}

}  // namespace gatecheck::schema
