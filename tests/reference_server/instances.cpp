#include "instances.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "request_json.hpp"

namespace gatecheck::testing::reference {
namespace {

json value_for(const json& schema, const json& root, Rng& rng, int depth);

// Follows a local "$ref" ("#/$defs/x"); anything else is taken as it is.
const json& resolve(const json& schema, const json& root) {
  const std::string ref = string_at(schema, "$ref");
  if (!ref.starts_with("#")) return schema;
  try {
    const json::json_pointer pointer(ref.substr(1));
    return root.contains(pointer) ? root.at(pointer) : schema;
  } catch (const json::exception&) {
    return schema;
  }
}

std::string schema_type(const json& schema) {
  const json* type = member(schema, "type");
  if (type && type->is_string()) return type->get<std::string>();
  if (type && type->is_array())
    for (const json& t : *type)
      if (t.is_string() && t != "null") return t.get<std::string>();
  if (member(schema, "properties")) return "object";
  return member(schema, "items") ? "array" : "string";
}

json number_for(const json& schema, Rng& rng) {
  const auto bound = [&](const char* key) -> std::optional<double> {
    const json* v = member(schema, key);
    return v && v->is_number() ? std::optional<double>(std::clamp(v->get<double>(), -1e12, 1e12))
                               : std::nullopt;
  };
  const auto low = bound("minimum");
  const auto high = bound("maximum");
  const auto open_low = bound("exclusiveMinimum");
  const auto open_high = bound("exclusiveMaximum");
  const double first = std::ceil(std::max(low.value_or(-1e12), open_low ? std::floor(*open_low) + 1 : -1e12));
  const double last = std::floor(std::min(high.value_or(1e12), open_high ? std::ceil(*open_high) - 1 : 1e12));
  if (last < first)  // no integer fits: a number strictly between the bounds
    return (low.value_or(open_low.value_or(0)) + high.value_or(open_high.value_or(0))) / 2;
  const double start = std::clamp(0.0, first, last);  // small values, near zero or the nearest bound
  const double end = std::min(last, start + 100);
  return static_cast<std::int64_t>(start) +
         static_cast<std::int64_t>(rng.below(static_cast<std::size_t>(end - start) + 1));
}

json string_for(const json& schema, Rng& rng) {
  const std::string format = string_at(schema, "format");
  if (format == "date-time") return "2024-05-13T09:30:00Z";
  if (format == "date") return "2024-05-13";
  if (format == "email") return "ref@example.com";
  if (format == "uri") return "https://example.com/ref";
  std::string text = words(rng, 2);
  const auto min_length = static_cast<std::size_t>(std::clamp(int_at(schema, "minLength", 0), 0LL, 4096LL));
  const auto max_length = int_at(schema, "maxLength", -1);
  if (max_length >= 0 && text.size() > static_cast<std::size_t>(max_length)) text.resize(max_length);
  if (text.size() < min_length) text.append(min_length - text.size(), 'x');
  return text;
}

json object_for(const json& schema, const json& root, Rng& rng, int depth) {
  json out = json::object();
  if (const json* properties = member(schema, "properties"); properties && properties->is_object())
    for (const auto& [name, sub] : properties->items())
      out[name] = value_for(sub, root, rng, depth + 1);
  if (const json* required = member(schema, "required"); required && required->is_array())
    for (const json& name : *required)
      if (name.is_string() && !out.contains(name.get<std::string>()))
        out[name.get<std::string>()] = words(rng, 1);
  return out;
}

json value_for(const json& raw, const json& root, Rng& rng, int depth) {
  const json& schema = resolve(raw, root);
  if (!schema.is_object() || depth > 8) return nullptr;
  if (const json* options = member(schema, "enum"); options && options->is_array() && !options->empty())
    return (*options)[rng.below(options->size())];
  if (const json* constant = member(schema, "const")) return *constant;
  for (const char* key : {"anyOf", "oneOf", "allOf"})
    if (const json* options = member(schema, key); options && options->is_array() && !options->empty())
      return value_for(options->front(), root, rng, depth + 1);
  const std::string type = schema_type(schema);
  if (type == "object") return object_for(schema, root, rng, depth);
  if (type == "integer" || type == "number") return number_for(schema, rng);
  if (type == "boolean") return rng.below(2) == 1;
  if (type == "null") return nullptr;
  if (type != "array") return string_for(schema, rng);
  const json* items = member(schema, "items");
  const auto count = std::clamp(int_at(schema, "minItems", 1), 1LL, 16LL);
  json out = json::array();
  for (long long i = 0; i < std::min(count, int_at(schema, "maxItems", count)); ++i)
    out.push_back(items ? value_for(*items, root, rng, depth + 1) : json(words(rng, 1)));
  return out;
}

}  // namespace

json instance_of(const json& schema, Rng& rng) {
  return value_for(schema, schema, rng, 0);
}

}  // namespace gatecheck::testing::reference
