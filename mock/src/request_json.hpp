// A request body as the mock's validators read it: parsed once by simdjson into a per-thread reused DOM
// (measured against the hand-written reader it replaced: docs/architecture.md), read through JsonValue, a
// small view with the API's semantics: a null member is absent, a repeated key means its last value (as
// nlohmann and the OpenAI API read it), integers keep their sign.
//
// Lifetime: every JsonValue and string_view from a RequestJson lives until the next RequestJson is made on
// the same thread. A request is read start to finish on one thread, and readers copy what they keep.
#pragma once

#include <cstdint>
#include <optional>
#include <simdjson.h>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/container/small_vector.hpp>
#include <nlohmann/json_fwd.hpp>

namespace gatecheck::mock {

class JsonValue;
// Members and items on the stack for the small objects and arrays requests are made of.
using JsonMembers = boost::container::small_vector<std::pair<std::string_view, JsonValue>, 8>;
using JsonItems = boost::container::small_vector<JsonValue, 8>;

class JsonValue {
 public:
  enum class Kind { object, array, string, integer, decimal, boolean, null };

  JsonValue() = default;
  explicit JsonValue(simdjson::dom::element element) : element_(element) {}

  Kind kind() const;
  bool is(Kind k) const { return kind() == k; }
  bool is_number() const { return is(Kind::integer) || is(Kind::decimal); }

  std::string_view text() const;  // a string's value
  double number() const;          // any number
  bool flag() const;              // a boolean
  // An integer's value, or nullopt when it is above INT64_MAX (then `unsigned_value` has it).
  std::optional<std::int64_t> integer() const;
  std::uint64_t unsigned_value() const;

  // Objects: the members in document order, repeats kept.
  JsonMembers members() const;
  // Members in key order, a repeated key once (its last value): the order the content seed hashes in.
  JsonMembers sorted_members() const;
  // Arrays.
  JsonItems items() const;

  // As the API names its type in a 400: "a string", "an integer", "a decimal number", ...
  std::string described_type() const;
  // The value as JSON text, numbers as nlohmann writes them ("2.5", "100", "1e+100").
  std::string literal() const;
  // The same value as an nlohmann DOM (tool parameter schemas, response_format schemas).
  nlohmann::json to_json() const;

 private:
  simdjson::dom::element element_;
};

class RequestJson {
 public:
  // Throws Rejected (api_error.hpp) with the API's wording: not JSON, nested past 128 levels, or not an
  // object.
  explicit RequestJson(std::string_view body);
  JsonValue root() const { return root_; }

 private:
  JsonValue root_;
};

}  // namespace gatecheck::mock
