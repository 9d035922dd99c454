// Reading JSON that came from elsewhere (a gateway's answer, whatever server stands at --mock-url): members
// that may be missing or of another type, read without throwing. One set of readers for the runner.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace gatecheck::runner::json_access {

using nlohmann::json;

// The member, or null when `object` is not an object or has none of that name.
inline const json* member(const json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

// A string member, or nullopt.
inline std::optional<std::string> string_member(const json& object, const char* name) {
  const json* value = member(object, name);
  return value != nullptr && value->is_string() ? std::optional(value->get<std::string>()) : std::nullopt;
}

// A string member, or "".
inline std::string text_at(const json& object, const char* name) {
  return string_member(object, name).value_or("");
}

// An object member, or {}.
inline const json& object_at(const json& object, const char* name) {
  static const json kNone = json::object();
  const json* value = member(object, name);
  return value != nullptr && value->is_object() ? *value : kNone;
}

// A number member, or 0; clamped so that any conversion of it is defined.
inline double number_at(const json& object, const char* name) {
  const json* value = member(object, name);
  if (value == nullptr || !value->is_number()) return 0;
  return std::clamp(value->get<double>(), -1e15, 1e15);  // Unix milliseconds fit; 1e300 does not
}

// An integer member, or nullopt.
inline std::optional<std::int64_t> integer_at(const json* object, const char* name) {
  const json* value = object != nullptr ? member(*object, name) : nullptr;
  return value != nullptr && value->is_number_integer() ? std::optional(value->get<std::int64_t>())
                                                        : std::nullopt;
}

// Any member, or null.
inline json value_at(const json& object, const char* name) {
  const json* value = member(object, name);
  return value != nullptr ? *value : json();
}

}  // namespace gatecheck::runner::json_access
