// Request parameter checks that answer the way the OpenAI API words its 400s: "Invalid type for 'x': expected
// an integer, but got a decimal number instead." with `param` and `code` set. Each check throws Rejected.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_error.hpp"

namespace gatecheck::mock {

struct Rejected {
  ApiError error;
};

// "a string", "an integer", "a decimal number", ... as the API names a value's type.
std::string described_type(const nlohmann::json& value);

// Parses the body; malformed JSON and non-object bodies are rejected as the API rejects them.
nlohmann::json parse_json_body(std::string_view body);

// Reading typed parameters at a `param` path ("messages[0].content").
class ParamReader {
 public:
  ParamReader(const nlohmann::json& object, std::string path) : object_(object), path_(std::move(path)) {}

  const nlohmann::json* find(std::string_view name) const;
  const nlohmann::json& required(std::string_view name) const;  // missing_required_parameter
  std::string param(std::string_view name) const;               // "path.name" or "name"

  std::optional<std::string> string(std::string_view name, bool is_required = false) const;
  std::optional<bool> boolean(std::string_view name) const;
  std::optional<double> decimal(std::string_view name, double min, double max) const;
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min, std::int64_t max) const;
  // Rejects members the API does not know (the API's "Unrecognized request argument supplied").
  void only(const std::vector<std::string_view>& known) const;

  [[noreturn]] void invalid_type(std::string_view name, std::string_view expected,
                                 const nlohmann::json& got) const;
  [[noreturn]] void invalid_value(std::string_view name, const std::string& message) const;

 private:
  const nlohmann::json& object_;
  std::string path_;
};

}  // namespace gatecheck::mock
