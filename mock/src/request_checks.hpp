// Request parameter checks that answer the way the OpenAI API words its 400s: "Invalid type for 'x': expected
// an integer, but got a decimal number instead." with `param` and `code` set. Each check throws Rejected.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api_error.hpp"
#include "request_json.hpp"

namespace gatecheck::mock {

// Reading typed parameters of one object at a `param` path ("messages[0].content"). A null member is absent;
// a repeated key means its last value. The members are listed once, when the reader is made.
class ParamReader {
 public:
  ParamReader(JsonValue object, std::string path) : members_(object.members()), path_(std::move(path)) {}

  std::optional<JsonValue> find(std::string_view name) const;
  const JsonMembers& members() const { return members_; }  // in document order, repeats kept
  JsonValue required(std::string_view name) const;         // missing_required_parameter
  std::string param(std::string_view name) const;          // "path.name" or "name"

  std::optional<std::string> string(std::string_view name, bool is_required = false) const;
  std::optional<bool> boolean(std::string_view name) const;
  std::optional<double> decimal(std::string_view name, double min, double max) const;
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min, std::int64_t max) const;
  // Rejects members the API does not know (the API's "Unrecognized request argument supplied").
  void only(const std::vector<std::string_view>& known) const;

  [[noreturn]] void invalid_type(std::string_view name, std::string_view expected,
                                 const JsonValue& got) const;
  [[noreturn]] void invalid_value(std::string_view name, const std::string& message) const;
  [[noreturn]] void unknown(std::string_view name) const;  // "Unrecognized request argument supplied"

 private:
  JsonMembers members_;
  std::string path_;
};

// "Invalid type for 'messages[2]': expected an object, but got a string instead." for an item of an array.
[[noreturn]] void invalid_item_type(const std::string& path, std::string_view expected, const JsonValue& got);

// A parameter an endpoint knows, and whether it shapes what the answer says (the content seed) or only how
// and where it is delivered. Endpoints list theirs in a table.
struct KnownParameter {
  std::string_view name;
  bool delivery;
};
// Whether the table lists `name` as a delivery parameter (an unlisted name shapes the answer).
bool is_delivery_in(std::span<const KnownParameter> table, std::string_view name);
// Refuses members the table does not list (the API's "Unrecognized request argument supplied").
void refuse_unknown(const ParamReader& reader, std::span<const KnownParameter> table);

// The readers every endpoint's request shares.
// "messages[2]": the param path of an array's item.
std::string indexed(std::string_view base, std::size_t i);
// The object at `path`, or the API's invalid_type 400.
ParamReader object_at(const JsonValue& value, const std::string& path);
// A member that must be an object, read at its own path.
ParamReader member_object(const ParamReader& reader, std::string_view name);
// A required function name as the API accepts it (^[a-zA-Z0-9_-]{1,64}$), or the API's 400 naming it.
std::string function_name(const ParamReader& reader, std::string_view member = "name");
// A JSON Schema the API would accept (tool parameters, structured output), as nlohmann JSON for the
// generator; a 400 naming `param` with `code` otherwise.
nlohmann::json compiled_schema(const JsonValue& value, const std::string& what, const std::string& param,
                               const char* code);

}  // namespace gatecheck::mock
