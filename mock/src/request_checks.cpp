#include "request_checks.hpp"

#include <algorithm>
#include <cmath>

#include <gatecheck/core/document.hpp>

namespace gatecheck::mock {
namespace {

using nlohmann::json;

std::string format_number(double value) {
  json j = value;
  if (value == std::floor(value) && std::fabs(value) < 1e15) j = static_cast<std::int64_t>(value);
  return j.dump();
}

}  // namespace

std::string described_type(const json& value) {
  switch (value.type()) {
    case json::value_t::string:
      return "a string";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a decimal number";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "null";
  }
}

json parse_json_body(std::string_view body) {
  // Deeper than any real request: copying or comparing such a value would overflow the stack.
  if (!core::json_nesting_within(body, 128)) {
    throw Rejected{ApiError::invalid("The JSON body nests arrays and objects more than 128 levels deep.",
                                     nullptr, "invalid_json")};
  }
  json value = json::parse(body, nullptr, false);
  if (value.is_discarded()) {
    throw Rejected{
        ApiError::invalid("We could not parse the JSON body of your request. (HINT: This likely means you "
                          "aren't using your HTTP "
                          "library correctly. The OpenAI API expects a JSON payload, but what was sent was "
                          "not valid JSON. If you have "
                          "trouble figuring out how to fix this, please contact us through our help center "
                          "at help.openai.com.)")};
  }
  if (!value.is_object()) {
    throw Rejected{ApiError::invalid(
        "Invalid type for request body: expected an object, but got " + described_type(value) + " instead.",
        nullptr, "invalid_type")};
  }
  return value;
}

std::string ParamReader::param(std::string_view name) const {
  return path_.empty() ? std::string(name) : path_ + "." + std::string(name);
}

const json* ParamReader::find(std::string_view name) const {
  const auto it = object_.find(name);  // a transparent lookup: no string is built
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

const json& ParamReader::required(std::string_view name) const {
  const json* value = find(name);
  if (value == nullptr) {
    throw Rejected{ApiError::invalid("Missing required parameter: '" + param(name) + "'.", param(name),
                                     "missing_required_parameter")};
  }
  return *value;
}

void ParamReader::invalid_type(std::string_view name, std::string_view expected, const json& got) const {
  throw Rejected{ApiError::invalid("Invalid type for '" + param(name) + "': expected " +
                                       std::string(expected) + ", but got " + described_type(got) +
                                       " instead.",
                                   param(name), "invalid_type")};
}

void ParamReader::invalid_value(std::string_view name, const std::string& message) const {
  throw Rejected{ApiError::invalid(message, param(name), "invalid_value")};
}

std::optional<std::string> ParamReader::string(std::string_view name, bool is_required) const {
  const json* value = is_required ? &required(name) : find(name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) invalid_type(name, "a string", *value);
  return value->get<std::string>();
}

std::optional<bool> ParamReader::boolean(std::string_view name) const {
  const json* value = find(name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_boolean()) invalid_type(name, "a boolean", *value);
  return value->get<bool>();
}

std::optional<double> ParamReader::decimal(std::string_view name, double min, double max) const {
  const json* value = find(name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number()) invalid_type(name, "a decimal", *value);
  const double number = value->get<double>();
  if (number > max) {
    throw Rejected{ApiError::invalid("Invalid '" + param(name) +
                                         "': decimal above maximum value. Expected a value <= " +
                                         format_number(max) + ", but got " + value->dump() + " instead.",
                                     param(name), "decimal_above_max_value")};
  }
  if (number < min) {
    throw Rejected{ApiError::invalid("Invalid '" + param(name) +
                                         "': decimal below minimum value. Expected a value >= " +
                                         format_number(min) + ", but got " + value->dump() + " instead.",
                                     param(name), "decimal_below_min_value")};
  }
  return number;
}

std::optional<std::int64_t> ParamReader::integer(std::string_view name, std::int64_t min,
                                                 std::int64_t max) const {
  const json* value = find(name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number_integer()) {
    // 2.0 is an integer in JSON Schema, but the API answers "a decimal number" for any literal with a point.
    invalid_type(name, "an integer", *value);
  }
  if (value->is_number_unsigned() && value->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    throw Rejected{ApiError::invalid("Invalid '" + param(name) +
                                         "': integer above maximum value. Expected a value <= " +
                                         std::to_string(max) + ", but got " + value->dump() + " instead.",
                                     param(name), "integer_above_max_value")};
  }
  const std::int64_t number = value->is_number_unsigned()
                                  ? static_cast<std::int64_t>(value->get<std::uint64_t>())
                                  : value->get<std::int64_t>();
  if (number > max) {
    throw Rejected{
        ApiError::invalid("Invalid '" + param(name) + "': integer above maximum value. Expected a value <= " +
                              std::to_string(max) + ", but got " + std::to_string(number) + " instead.",
                          param(name), "integer_above_max_value")};
  }
  if (number < min) {
    throw Rejected{
        ApiError::invalid("Invalid '" + param(name) + "': integer below minimum value. Expected a value >= " +
                              std::to_string(min) + ", but got " + std::to_string(number) + " instead.",
                          param(name), "integer_below_min_value")};
  }
  return number;
}

void ParamReader::only(const std::vector<std::string_view>& known) const {
  for (const auto& [name, value] : object_.items()) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      throw Rejected{ApiError::invalid("Unrecognized request argument supplied: " + name, param(name),
                                       "unknown_parameter")};
    }
  }
}

}  // namespace gatecheck::mock
