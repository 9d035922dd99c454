#include "request_json.hpp"

#include <algorithm>
#include <cstring>

#include <nlohmann/json.hpp>

#include "request_checks.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;
using simdjson::dom::element_type;

// A container as a value of its own: simdjson_result::value_unsafe() returns a reference into the temporary
// result, which a range-for over it would outlive.
simdjson::dom::object object_of(simdjson::dom::element element) {
  simdjson::dom::object object = element.get_object().value_unsafe();
  return object;
}
simdjson::dom::array array_of(simdjson::dom::element element) {
  simdjson::dom::array array = element.get_array().value_unsafe();
  return array;
}

constexpr std::size_t kMaxDepth = 128;

// One parser and one padded buffer per thread, reused: after the first request nothing is allocated for a
// parse unless a body is larger than any before it. A cache, not state: nothing in it outlives a request.
// The parser's own depth limit refuses deep nesting while it parses (no separate pass over the body).
struct Scratch {
  Scratch() {
    // Failing to reserve up front is not fatal: the parse allocates what it needs, or reports MEMALLOC.
    if (const auto error = parser.allocate(4096, kMaxDepth)) static_cast<void>(error);
  }
  simdjson::dom::parser parser;
  std::vector<char> padded;
};

Scratch& scratch() {
  thread_local Scratch instance;
  return instance;
}

[[noreturn]] void not_json() {
  throw Rejected{
      ApiError::invalid("We could not parse the JSON body of your request. (HINT: This likely means you "
                        "aren't using your HTTP "
                        "library correctly. The OpenAI API expects a JSON payload, but what was sent was "
                        "not valid JSON. If you have "
                        "trouble figuring out how to fix this, please contact us through our help center "
                        "at help.openai.com.)")};
}

}  // namespace

RequestJson::RequestJson(std::string_view body) {
  Scratch& s = scratch();
  if (s.padded.size() < body.size() + simdjson::SIMDJSON_PADDING)
    s.padded.resize(body.size() + simdjson::SIMDJSON_PADDING);
  if (!body.empty()) std::memcpy(s.padded.data(), body.data(), body.size());
  simdjson::dom::element element;
  if (const auto error = s.parser.parse(s.padded.data(), body.size(), false).get(element)) {
    // Deeper than any real request: converting or comparing such a value would overflow the stack.
    if (error == simdjson::DEPTH_ERROR) {
      throw Rejected{ApiError::invalid("The JSON body nests arrays and objects more than 128 levels deep.",
                                       nullptr, "invalid_json")};
    }
    not_json();
  }
  root_ = JsonValue(element);
  if (!root_.is(JsonValue::Kind::object)) {
    throw Rejected{ApiError::invalid(
        "Invalid type for request body: expected an object, but got " + root_.described_type() + " instead.",
        nullptr, "invalid_type")};
  }
}

JsonValue::Kind JsonValue::kind() const {
  switch (element_.type()) {
    case element_type::OBJECT:
      return Kind::object;
    case element_type::ARRAY:
      return Kind::array;
    case element_type::STRING:
      return Kind::string;
    case element_type::INT64:
    case element_type::UINT64:
      return Kind::integer;
    case element_type::DOUBLE:
      return Kind::decimal;
    case element_type::BOOL:
      return Kind::boolean;
    case element_type::NULL_VALUE:
      return Kind::null;
  }
  return Kind::null;
}

std::string_view JsonValue::text() const {
  return element_.get_string().value_unsafe();
}

double JsonValue::number() const {
  switch (element_.type()) {
    case element_type::INT64:
      return static_cast<double>(element_.get_int64().value_unsafe());
    case element_type::UINT64:
      return static_cast<double>(element_.get_uint64().value_unsafe());
    default:
      return element_.get_double().value_unsafe();
  }
}

bool JsonValue::flag() const {
  return element_.get_bool().value_unsafe();
}

std::optional<std::int64_t> JsonValue::integer() const {
  if (element_.type() == element_type::INT64) return element_.get_int64().value_unsafe();
  return std::nullopt;
}

std::uint64_t JsonValue::unsigned_value() const {
  return element_.get_uint64().value_unsafe();
}

JsonMembers JsonValue::members() const {
  const simdjson::dom::object object = object_of(element_);
  JsonMembers out;
  out.reserve(object.size());
  for (const auto field : object)
    out.emplace_back(field.key, JsonValue(field.value));
  return out;
}

JsonMembers JsonValue::sorted_members() const {
  auto members = this->members();
  // Insertion sort: stable (among repeats of a key the last stays last, and is the one kept) and
  // allocation-free for the handful of members a request object has.
  for (std::size_t i = 1; i < members.size(); ++i)
    for (std::size_t j = i; j > 0 && members[j].first < members[j - 1].first; --j)
      std::swap(members[j], members[j - 1]);
  const auto last_of_each = std::unique(members.rbegin(), members.rend(),
                                        [](const auto& a, const auto& b) { return a.first == b.first; });
  members.erase(members.begin(), last_of_each.base());
  return members;
}

JsonItems JsonValue::items() const {
  const simdjson::dom::array array = array_of(element_);
  JsonItems out;
  out.reserve(array.size());
  for (const auto item : array)
    out.emplace_back(item);
  return out;
}

std::string JsonValue::described_type() const {
  switch (kind()) {
    case Kind::string:
      return "a string";
    case Kind::integer:
      return "an integer";
    case Kind::decimal:
      return "a decimal number";
    case Kind::boolean:
      return "a boolean";
    case Kind::array:
      return "an array";
    case Kind::object:
      return "an object";
    case Kind::null:
      return "null";
  }
  return "null";
}

std::string JsonValue::literal() const {
  return to_json().dump(-1, ' ', false, json::error_handler_t::replace);
}

json JsonValue::to_json() const {
  switch (element_.type()) {
    case element_type::OBJECT: {
      json out = json::object();
      for (const auto field : object_of(element_))
        out[std::string(field.key)] = JsonValue(field.value).to_json();  // a repeated key: the last wins
      return out;
    }
    case element_type::ARRAY: {
      json out = json::array();
      for (const auto item : array_of(element_))
        out.push_back(JsonValue(item).to_json());
      return out;
    }
    case element_type::STRING:
      return std::string(text());
    case element_type::INT64:
      return element_.get_int64().value_unsafe();
    case element_type::UINT64:
      return element_.get_uint64().value_unsafe();
    case element_type::DOUBLE:
      return element_.get_double().value_unsafe();
    case element_type::BOOL:
      return flag();
    case element_type::NULL_VALUE:
      return nullptr;
  }
  return nullptr;
}

}  // namespace gatecheck::mock
