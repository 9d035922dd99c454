#include <array>
#include <charconv>
#include <cmath>
#include <utility>

#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/spelling.hpp>
#include <gatecheck/core/utf8.hpp>
#include <gatecheck/schema/matcher.hpp>
#include <gatecheck/schema/regex.hpp>
#include <gatecheck/schema/validator.hpp>

namespace gatecheck::schema {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 13> kOperators = {
    "eq", "ne", "gt", "gte", "lt", "lte", "in", "matches", "exists", "type", "len", "contains", "media_type"};
constexpr std::string_view kStartsWith = "starts_with";
constexpr std::array<std::string_view, 7> kTypes = {"string", "number", "integer", "boolean",
                                                    "object", "array",  "null"};

// Keys written for an operator that is spelled differently here: a load error naming the operator, never a
// literal object compared silently.
constexpr std::pair<std::string_view, std::string_view> kAliases[] = {{"length", "len"},
                                                                      {"size", "len"},
                                                                      {"count", "len"},
                                                                      {"equals", "eq"},
                                                                      {"equal", "eq"},
                                                                      {"not", "ne"},
                                                                      {"regex", "matches"},
                                                                      {"pattern", "matches"},
                                                                      {"match", "matches"},
                                                                      {"startswith", "starts_with"},
                                                                      {"startsWith", "starts_with"},
                                                                      {"starts-with", "starts_with"},
                                                                      {"contain", "contains"},
                                                                      {"includes", "contains"},
                                                                      {"exist", "exists"},
                                                                      {"present", "exists"},
                                                                      {"one_of", "in"},
                                                                      {"oneOf", "in"},
                                                                      {"greater_than", "gt"},
                                                                      {"less_than", "lt"},
                                                                      {"min", "gte"},
                                                                      {"max", "lte"},
                                                                      {"mime", "media_type"},
                                                                      {"content_type", "media_type"}};

std::optional<std::string_view> alias_of(std::string_view key) {
  for (const auto& [alias, op] : kAliases)
    if (alias == key) return op;
  return std::nullopt;
}

bool is_operator(std::string_view key) {
  return key == kStartsWith || std::find(kOperators.begin(), kOperators.end(), key) != kOperators.end();
}

bool has_type(const json& value, std::string_view type) {
  if (type == "number") return value.is_number();
  return json_type_name(value) == type;
}

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  return count;
}

std::optional<double> as_number(const json& value) {
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    double d = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return d;
  }
  return std::nullopt;
}

std::string text_of(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// Equality; in text mode a literal compares with the header text (numbers by value: 1.0 == "1").
bool equal(const json& expected, const json& actual, bool text) {
  if (!text) return json_equal(expected, actual);
  if (expected.is_number()) {
    const auto a = as_number(actual);
    return a && *a == expected.get<double>();
  }
  return text_of(expected) == text_of(actual);
}

std::string render_expectation(const json& expectation) {
  if (!is_matcher(expectation)) return describe_value(expectation);
  std::string out;
  for (const auto& [op, operand] : expectation.items()) {
    if (!out.empty()) out += " and ";
    if (op == "len" && is_matcher(operand)) {
      out += "len " + render_expectation(operand);
    } else {
      out += op + " " + describe_value(operand);
    }
  }
  return out;
}

bool check_operator(const std::string& op, const json& operand, const json* actual, bool text) {
  if (op == "exists") return operand.get<bool>() == (actual != nullptr);
  if (actual == nullptr) return false;
  if (op == "eq") return equal(operand, *actual, text);
  if (op == "ne") return !equal(operand, *actual, text);
  if (op == "in") {
    for (const auto& candidate : operand)
      if (equal(candidate, *actual, text)) return true;
    return false;
  }
  if (op == "gt" || op == "gte" || op == "lt" || op == "lte") {
    const auto a = as_number(*actual);
    const auto b = as_number(operand);
    if (!a || !b) return false;
    if (op == "gt") return *a > *b;
    if (op == "gte") return *a >= *b;
    if (op == "lt") return *a < *b;
    return *a <= *b;
  }
  if (op == "matches") {
    if (!actual->is_string() && !actual->is_number() && !actual->is_boolean()) return false;
    return Regex::compile(operand.get<std::string>()).test(text_of(*actual));
  }
  if (op == "type") return has_type(*actual, operand.get<std::string>());
  if (op == "len") {
    std::size_t length = 0;
    if (actual->is_string()) {
      length = code_points(actual->get_ref<const std::string&>());
    } else if (actual->is_array() || actual->is_object()) {
      length = actual->size();
    } else {
      return false;
    }
    const json measured = length;
    return is_matcher(operand) ? match_value(operand, &measured).ok : equal(operand, measured, false);
  }
  if (op == "contains") {
    if (actual->is_string())
      return actual->get_ref<const std::string&>().find(text_of(operand)) != std::string::npos;
    if (actual->is_array()) {
      for (const auto& item : *actual)
        if (equal(operand, item, false)) return true;
      return false;
    }
    if (actual->is_object()) return operand.is_string() && actual->contains(operand.get<std::string>());
    return false;
  }
  if (op == "media_type")  // RFC 9110 8.3.1: type and subtype are case-insensitive; parameters aside
    return actual->is_string() && core::media_type(actual->get_ref<const std::string&>()) ==
                                      core::media_type(operand.get_ref<const std::string&>());
  if (op == kStartsWith)
    return actual->is_string() && actual->get_ref<const std::string&>().starts_with(text_of(operand));
  return false;
}

MatchOutcome evaluate(const json& expectation, const json* actual, bool text) {
  MatchOutcome outcome;
  outcome.expected = render_expectation(expectation);
  outcome.actual = actual == nullptr ? "absent" : describe_value(*actual);
  if (!is_matcher(expectation)) {
    outcome.ok = actual != nullptr && equal(expectation, *actual, text);
    return outcome;
  }
  for (const auto& [op, operand] : expectation.items()) {
    if (!check_operator(op, operand, actual, text)) {
      outcome.ok = false;
      break;
    }
  }
  return outcome;
}

}  // namespace

bool is_matcher(const json& expectation) {
  if (!expectation.is_object() || expectation.empty()) return false;
  for (const auto& item : expectation.items())
    if (!is_operator(item.key())) return false;
  return true;
}

namespace {

// An object that is not a matcher but reads like one meant to be: a mistyped operator, or operators mixed
// with other keys. A literal object that happens to look so is written eq: {...}.
// The operator a one-key literal was most likely meant as: the same name in another case, or a near miss of
// an operator or alias of five letters or more ({lenght: 3}, {start_with: x}, {regexp: x}, {EQ: x}).
std::optional<std::string_view> meant_operator(std::string_view key) {
  const auto near = [&](std::string_view name) {
    return core::iequals(key, name) || (name.size() >= 5 && core::edit_distance(key, name) <= 2);
  };
  for (const auto op : kOperators)
    if (near(op)) return op;
  if (near(kStartsWith)) return kStartsWith;
  for (const auto& [alias, op] : kAliases)
    if (near(alias)) return op;
  return std::nullopt;
}

std::string literal_problem(const json& expectation) {
  if (!expectation.is_object()) return {};
  if (expectation.size() == 1 && !is_operator(expectation.begin().key()) &&
      !alias_of(expectation.begin().key())) {
    if (const auto op = meant_operator(expectation.begin().key())) {
      return "'" + expectation.begin().key() + "' is not a matcher operator: did you mean '" +
             std::string(*op) + "'? (to compare with an object literally, write eq: {...})";
    }
  }
  std::string operators;
  std::string others;
  for (const auto& item : expectation.items()) {
    const std::string& key = item.key();
    if (const auto op = alias_of(key)) {
      return "'" + key + "' is not a matcher operator: did you mean '" + std::string(*op) +
             "'? (to compare with an object literally, write eq: {...})";
    }
    std::string& list = is_operator(key) ? operators : others;
    list += (list.empty() ? "" : ", ") + key;
  }
  if (operators.empty()) return {};
  return "mixes matcher operators (" + operators + ") with other keys (" + others +
         "): a matcher has only operators; to compare with an object literally, write eq: {...}";
}

}  // namespace

std::string matcher_problem(const json& expectation) {
  if (!is_matcher(expectation)) return literal_problem(expectation);
  for (const auto& [op, operand] : expectation.items()) {
    if (op == "exists" && !operand.is_boolean()) return "exists takes true or false";
    if (op == "in" && !operand.is_array()) return "in takes a list of values";
    if ((op == "gt" || op == "gte" || op == "lt" || op == "lte") && !operand.is_number())
      return op + " takes a number";
    if (op == "matches") {
      if (!operand.is_string()) return "matches takes a regular expression";
      if (auto problem = Regex::check(operand.get<std::string>()); !problem.empty())
        return "matches: " + problem;
    }
    if (op == "type" && (!operand.is_string() ||
                         std::find(kTypes.begin(), kTypes.end(), operand.get<std::string>()) == kTypes.end()))
      return "type takes one of string, number, integer, boolean, object, array, null (use eq: {...} to "
             "compare "
             "an object that has a `type` member)";
    if (op == "len") {
      if (is_matcher(operand)) {
        if (auto problem = matcher_problem(operand); !problem.empty()) return "len: " + problem;
      } else if (!operand.is_number_unsigned() && !operand.is_number_integer()) {
        return "len takes a number or a matcher";
      }
    }
    if ((op == "starts_with") && !operand.is_string()) return "starts_with takes a string";
    if (op == "media_type" &&
        (!operand.is_string() || operand.get_ref<const std::string&>().find('/') == std::string::npos))
      return "media_type takes a type/subtype such as application/json";
  }
  return {};
}

MatchOutcome match_value(const json& expectation, const json* actual) {
  return evaluate(expectation, actual, false);
}

MatchOutcome match_text(const json& expectation, std::optional<std::string_view> actual) {
  if (!actual) return evaluate(expectation, nullptr, true);
  const json value = std::string(*actual);
  return evaluate(expectation, &value, true);
}

MatchOutcome match_status(const json& want, int status) {
  const json got = status;
  return want.is_array() ? match_value(json{{"in", want}}, &got) : match_value(want, &got);
}

std::string describe_value(const json& value, std::size_t limit) {
  std::string text;
  if (value.is_string()) {
    // Appended piece by piece: GCC 12 misreads `"'" + s + "'"` under -O2 (-Wrestrict).
    const auto& s = value.get_ref<const std::string&>();
    text.reserve(s.size() + 2);
    text.push_back('\'');
    text.append(s);
    text.push_back('\'');
  } else {
    text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  if (text.size() > limit) {
    text.resize(core::utf8_prefix(text, limit).size());  // never half a character
    text.append("...");
    if (value.is_object()) text.append(" (" + std::to_string(value.size()) + " members)");
    if (value.is_array()) text.append(" (" + std::to_string(value.size()) + " items)");
  }
  return text;
}

std::string excerpt(std::string_view text, std::size_t limit) {
  std::string out;
  for (const char c : core::utf8_prefix(text, limit))
    out += c == '\n' ? std::string("\\n") : c == '\r' ? std::string("\\r") : std::string(1, c);
  return "'" + out + (text.size() > limit ? "...'" : "'");
}

}  // namespace gatecheck::schema
