#include "request_json.hpp"

#include <array>
#include <cstdio>

#include "text.hpp"

namespace gatecheck::testing::reference {
namespace {

constexpr int kMaxJsonDepth = 64;  // nlohmann's dump() recurses: refuse deep documents up front

bool nesting_within(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (escaped) {
      escaped = false;
    } else if (in_string) {
      escaped = c == '\\';
      in_string = c != '"';
    } else if (c == '"') {
      in_string = true;
    } else if ((c == '[' || c == '{') && ++depth > limit) {
      return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

std::string type_name(const json& value) {
  if (value.is_number_integer()) return "an integer";
  if (value.is_number()) return "a decimal";
  if (value.is_null()) return "null";
  return std::string(value.is_array() || value.is_object() ? "an " : "a ") + value.type_name();
}

}  // namespace

json parse_body(const Request& req) {
  if (!req.has_length) throw ApiError(411, "A POST request needs a Content-Length header.");
  const std::string_view type = req.header("content-type").value_or("");
  if (lower(trim(type.substr(0, type.find(';')))) != "application/json")
    throw ApiError(
        415, "Unsupported Content-Type '" + std::string(type) + "': the body must be application/json.");
  if (!nesting_within(req.body, kMaxJsonDepth)) throw ApiError(400, "The JSON body nests too deeply.");
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded())
    throw ApiError(400, "We could not parse the JSON body of your request: it is not valid JSON.");
  if (!body.is_object()) throw ApiError(400, "The request body must be a JSON object.");
  return body;
}

const json* member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string string_at(const json& object, const char* key) {
  const json* value = member(object, key);
  return value && value->is_string() ? value->get<std::string>() : std::string();
}

long long int_at(const json& object, const char* key, long long fallback) {
  const json* value = member(object, key);
  return value && value->is_number_integer() ? value->get<long long>() : fallback;
}

bool bool_at(const json& object, const char* name) {
  const json* value = member(object, name);
  if (!value || value->is_null()) return false;
  if (!value->is_boolean()) invalid_type(name, "a boolean", *value);
  return value->get<bool>();
}

json nullable_string(const json& object, const char* key, const std::string& where) {
  const json* value = member(object, key);
  if (!value || value->is_null()) return nullptr;
  if (!value->is_string()) invalid_type(where, "a string", *value);
  return *value;
}

json enum_at(const json& object, const char* key, const std::string& where, const char* supported) {
  const json value = nullable_string(object, key, where);
  if (value.is_string() &&
      (", " + std::string(supported) + ", ").find(", " + value.get<std::string>() + ", ") ==
          std::string::npos)
    invalid_value(where, value.get<std::string>(), supported);
  return value;
}

std::vector<std::string> stop_sequences(const json& body) {
  std::vector<std::string> stops;
  const json* stop = member(body, "stop");
  if (!stop || stop->is_null()) return stops;
  if (!stop->is_string() && !stop->is_array()) invalid_type("stop", "a string or an array of strings", *stop);
  if (stop->is_array() && stop->size() > 4)
    throw ApiError(400, "Invalid 'stop': expected at most 4 sequences.", "stop", "array_above_max_length");
  for (const json& item : stop->is_array() ? *stop : json::array({*stop})) {
    if (!item.is_string()) invalid_type("stop", "a string", item);
    if (!item.get<std::string>().empty()) stops.push_back(item.get<std::string>());
  }
  return stops;
}

bool include_usage(const json& body, bool stream) {
  const json* options = member(body, "stream_options");
  if (!options || options->is_null()) return false;
  if (!stream)
    throw ApiError(400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                   "stream_options", "invalid_value");
  if (!options->is_object()) invalid_type("stream_options", "an object", *options);
  bool_at(*options, "include_obfuscation");  // accepted; chunks carry no obfuscation either way
  return bool_at(*options, "include_usage");
}

void invalid_type(const std::string& name, const std::string& expected, const json& got) {
  throw ApiError(
      400,
      "Invalid type for '" + name + "': expected " + expected + ", but got " + type_name(got) + " instead.",
      name, "invalid_type");
}

void invalid_value(const std::string& name, const std::string& value, const char* supported) {
  throw ApiError(400, "Invalid value: '" + value + "'. Supported values are: " + supported + ".", name,
                 "invalid_value");
}

void missing(const std::string& name) {
  throw ApiError(400, "Missing required parameter: '" + name + "'.", name, "missing_required_parameter");
}

void reject_unknown(const json& body, std::string_view known) {
  const std::string padded = " " + std::string(known) + " ";
  for (const auto& [name, value] : body.items())
    if (padded.find(" " + name + " ") == std::string::npos)
      throw ApiError(400, "Unrecognized request argument supplied: " + name, name, "unknown_parameter");
}

void check_number(const json& body, const char* name, double low, double high, bool integer) {
  const json* value = member(body, name);
  if (!value || value->is_null()) return;
  if (integer ? !value->is_number_integer() : !value->is_number())
    invalid_type(name, integer ? "an integer" : "a decimal", *value);
  const double v = value->get<double>();
  if (v <= high && v >= low) return;
  const std::string kind = integer ? "integer" : "decimal";
  const std::string side = v > high ? "above_max" : "below_min";
  std::array<char, 32> bound{};
  std::snprintf(bound.data(), bound.size(), "%g", v > high ? high : low);
  throw ApiError(400,
                 "Invalid '" + std::string(name) + "': " + kind +
                     (v > high ? " above maximum" : " below minimum") + " value. Expected a value " +
                     (v > high ? "<= " : ">= ") + bound.data() + ", but got " + to_text(*value) + " instead.",
                 name, kind + "_" + side + "_value");
}

}  // namespace gatecheck::testing::reference
