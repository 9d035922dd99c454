#include "request_checks.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

#include <gatecheck/schema/validator.hpp>

namespace gatecheck::mock {
namespace {

std::string format_number(double value) {
  nlohmann::json j = value;
  if (value == std::floor(value) && std::fabs(value) < 1e15) j = static_cast<std::int64_t>(value);
  return j.dump();
}

[[noreturn]] void out_of_range(const std::string& param, std::string_view what, bool above,
                               const std::string& limit, const std::string& got) {
  throw Rejected{ApiError::invalid(
      "Invalid '" + param + "': " + std::string(what) + (above ? " above maximum" : " below minimum") +
          " value. Expected a value " + (above ? "<= " : ">= ") + limit + ", but got " + got + " instead.",
      param, std::string(what) + (above ? "_above_max_value" : "_below_min_value"))};
}

}  // namespace

void invalid_item_type(const std::string& path, std::string_view expected, const JsonValue& got) {
  throw Rejected{ApiError::invalid("Invalid type for '" + path + "': expected " + std::string(expected) +
                                       ", but got " + got.described_type() + " instead.",
                                   path, "invalid_type")};
}

std::optional<JsonValue> ParamReader::find(std::string_view name) const {
  for (auto it = members_.rbegin(); it != members_.rend(); ++it) {
    if (it->first != name) continue;
    if (it->second.is(JsonValue::Kind::null)) return std::nullopt;
    return it->second;
  }
  return std::nullopt;
}

std::string ParamReader::param(std::string_view name) const {
  return path_.empty() ? std::string(name) : path_ + "." + std::string(name);
}

JsonValue ParamReader::required(std::string_view name) const {
  const auto value = find(name);
  if (!value) {
    throw Rejected{ApiError::invalid("Missing required parameter: '" + param(name) + "'.", param(name),
                                     "missing_required_parameter")};
  }
  return *value;
}

void ParamReader::invalid_type(std::string_view name, std::string_view expected, const JsonValue& got) const {
  invalid_item_type(param(name), expected, got);
}

void ParamReader::invalid_value(std::string_view name, const std::string& message) const {
  throw Rejected{ApiError::invalid(message, param(name), "invalid_value")};
}

std::optional<std::string> ParamReader::string(std::string_view name, bool is_required) const {
  const auto value = is_required ? std::optional<JsonValue>(required(name)) : find(name);
  if (!value) return std::nullopt;
  if (!value->is(JsonValue::Kind::string)) invalid_type(name, "a string", *value);
  return std::string(value->text());
}

std::optional<bool> ParamReader::boolean(std::string_view name) const {
  const auto value = find(name);
  if (!value) return std::nullopt;
  if (!value->is(JsonValue::Kind::boolean)) invalid_type(name, "a boolean", *value);
  return value->flag();
}

std::optional<double> ParamReader::decimal(std::string_view name, double min, double max) const {
  const auto value = find(name);
  if (!value) return std::nullopt;
  if (!value->is_number()) invalid_type(name, "a decimal", *value);
  const double number = value->number();
  if (number > max) out_of_range(param(name), "decimal", true, format_number(max), value->literal());
  if (number < min) out_of_range(param(name), "decimal", false, format_number(min), value->literal());
  return number;
}

std::optional<std::int64_t> ParamReader::integer(std::string_view name, std::int64_t min,
                                                 std::int64_t max) const {
  const auto value = find(name);
  if (!value) return std::nullopt;
  // 2.0 is an integer in JSON Schema, but the API answers "a decimal number" for any literal with a point.
  if (!value->is(JsonValue::Kind::integer)) invalid_type(name, "an integer", *value);
  const auto number = value->integer();
  if (!number || *number > max)
    out_of_range(param(name), "integer", true, std::to_string(max), value->literal());
  if (*number < min) out_of_range(param(name), "integer", false, std::to_string(min), value->literal());
  return number;
}

void ParamReader::only(const std::vector<std::string_view>& known) const {
  for (const auto& [name, value] : members_)
    if (std::find(known.begin(), known.end(), name) == known.end()) unknown(name);
}

void ParamReader::unknown(std::string_view name) const {
  throw Rejected{ApiError::invalid("Unrecognized request argument supplied: " + std::string(name),
                                   param(name), "unknown_parameter")};
}

bool is_delivery_in(std::span<const KnownParameter> table, std::string_view name) {
  for (const auto& parameter : table)
    if (parameter.name == name) return parameter.delivery;
  return false;
}

void refuse_unknown(const ParamReader& reader, std::span<const KnownParameter> table) {
  for (const auto& member : reader.members()) {
    const std::string_view name = member.first;  // a local, not a binding: clang 14 cannot capture those
    if (std::none_of(table.begin(), table.end(), [&](const KnownParameter& p) { return p.name == name; }))
      reader.unknown(name);
  }
}

std::string indexed(std::string_view base, std::size_t i) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, i).ptr;
  std::string out;
  out.reserve(base.size() + static_cast<std::size_t>(end - digits) + 2);
  out.append(base).append(1, '[').append(digits, end).append(1, ']');
  return out;
}

ParamReader object_at(const JsonValue& value, const std::string& path) {
  if (!value.is(JsonValue::Kind::object)) invalid_item_type(path, "an object", value);
  return ParamReader(value, path);
}

ParamReader member_object(const ParamReader& reader, std::string_view name) {
  return object_at(reader.required(name), reader.param(name));
}

std::string function_name(const ParamReader& reader, std::string_view member) {
  std::string name = *reader.string(member, true);
  const bool valid = !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  if (!valid) {
    reader.invalid_value(member, "Invalid '" + reader.param(member) +
                                     "': string does not match pattern. Expected a string that matches the "
                                     "pattern '^[a-zA-Z0-9_-]{1,64}$'.");
  }
  return name;
}

nlohmann::json compiled_schema(const JsonValue& value, const std::string& what, const std::string& param,
                               const char* code) {
  nlohmann::json schema = value.to_json();
  try {
    schema::compile(schema);
  } catch (const std::exception& e) {
    throw Rejected{ApiError::invalid("Invalid schema for " + what + ": " + e.what(), param, code)};
  }
  return schema;
}

}  // namespace gatecheck::mock
