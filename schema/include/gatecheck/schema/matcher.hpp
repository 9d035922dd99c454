// The matcher language of suites and mock stubs (one implementation for both): a literal means equality; an
// object whose keys are all operators (eq ne gt gte lt lte in matches exists type len contains starts_with
// media_type) is a matcher whose operators must all hold.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace gatecheck::schema {

struct MatchOutcome {
  bool ok = true;
  std::string expected;  // how the expectation reads ("> 0", "matches ^chatcmpl-")
  std::string actual;    // what was there ("absent", "'done'")
};

bool is_matcher(const nlohmann::json& expectation);
// Empty when the expectation is well-formed; otherwise what is wrong with it (checked when a suite loads).
std::string matcher_problem(const nlohmann::json& expectation);

// `actual` is null when the value is absent. Text mode is for headers and raw bodies: the actual value is a
// string and literals compare as text, numbers by their value.
MatchOutcome match_value(const nlohmann::json& expectation, const nlohmann::json* actual);
MatchOutcome match_text(const nlohmann::json& expectation, std::optional<std::string_view> actual);
// A step's `status:` against an answer's status: a matcher, or a list of statuses any of which will do.
MatchOutcome match_status(const nlohmann::json& want, int status);

// A short rendering of a JSON value for messages ("'done'", "42", "{...} (3 members)").
std::string describe_value(const nlohmann::json& value, std::size_t limit = 80);
// The start of a text in quotes with its line breaks shown escaped (\n), not as spaces, so a report keeps one
// line per field and the redactor still sees a secret split across lines: 'data: {"id"...'.
std::string excerpt(std::string_view text, std::size_t limit = 60);

}  // namespace gatecheck::schema
