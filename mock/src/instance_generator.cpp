#include "instance_generator.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>

#include <gatecheck/schema/regex.hpp>

#include "generator.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;

constexpr int kMaxDepth = 12;

// Samples a string for the regex subset tool schemas use: literals, escapes (\\d \\w \\s and escaped
// punctuation), `.`, classes with ranges, groups with alternation, and the quantifiers * + ? {n} {n,} {n,m}.
// The caller checks the result against the real engine; anything unsupported yields nullopt.
class PatternSampler {
 public:
  PatternSampler(std::string_view pattern, Prng& prng) : p_(pattern), prng_(prng) {}

  std::optional<std::string> sample() {
    std::string out;
    if (!alternation(out) || i_ != p_.size()) return std::nullopt;
    return out;
  }

 private:
  bool alternation(std::string& out) {
    std::vector<std::string> options(1);
    while (i_ < p_.size() && p_[i_] != ')') {
      if (p_[i_] == '|') {
        ++i_;
        options.emplace_back();
        continue;
      }
      if (!piece(options.back())) return false;
    }
    out += options[prng_.below(options.size())];
    return true;
  }

  bool piece(std::string& out) {
    const char c = p_[i_];
    if (c == '^' || c == '$') {
      ++i_;
      return true;
    }
    const std::size_t atom_start = i_;
    std::string once;
    if (!atom(once)) return false;
    std::size_t low = 1;
    std::size_t high = 1;
    if (i_ < p_.size()) {
      const char q = p_[i_];
      if (q == '*' || q == '+' || q == '?') {
        low = q == '+' ? 1 : 0;
        high = q == '?' ? 1 : low + 3;
        ++i_;
      } else if (q == '{') {
        const auto close = p_.find('}', i_);
        if (close == std::string_view::npos) return false;
        const std::string inside(p_.substr(i_ + 1, close - i_ - 1));
        const auto comma = inside.find(',');
        try {
          low = std::stoul(inside.substr(0, comma));
          high = comma == std::string::npos   ? low
                 : comma + 1 == inside.size() ? low + 3
                                              : std::stoul(inside.substr(comma + 1));
        } catch (const std::exception&) {
          return false;
        }
        i_ = close + 1;
      }
      if (i_ < p_.size() && p_[i_] == '?') ++i_;  // lazy: same language
    }
    const std::size_t count = low + prng_.below(high - low + 1);
    if (count == 0) return true;
    out += once;
    for (std::size_t k = 1; k < count; ++k) {
      const std::size_t after = i_;
      i_ = atom_start;
      std::string again;
      if (!atom(again)) return false;
      i_ = after;
      out += again;
    }
    return true;
  }

  bool atom(std::string& out) {
    const char c = p_[i_];
    if (c == '(') {
      ++i_;
      if (p_.substr(i_, 2) == "?:") i_ += 2;
      if (i_ < p_.size() && p_[i_] == '?') return false;  // lookarounds, named groups: not sampled
      if (!alternation(out) || i_ >= p_.size() || p_[i_] != ')') return false;
      ++i_;
      return true;
    }
    if (c == '[') return character_class(out);
    if (c == '.') {
      ++i_;
      out += static_cast<char>('a' + prng_.below(26));
      return true;
    }
    if (c == '\\') {
      if (i_ + 1 >= p_.size()) return false;
      const char e = p_[i_ + 1];
      i_ += 2;
      if (e == 'd') {
        out += static_cast<char>('0' + prng_.below(10));
      } else if (e == 'w') {
        out += static_cast<char>('a' + prng_.below(26));
      } else if (e == 's') {
        out += ' ';
      } else if (std::isalnum(static_cast<unsigned char>(e)) != 0) {
        return false;
      } else {
        out += e;
      }
      return true;
    }
    if (c == '*' || c == '+' || c == '?' || c == '{' || c == ')' || c == '|') return false;
    out += c;
    ++i_;
    return true;
  }

  bool character_class(std::string& out) {
    ++i_;
    const bool negated = i_ < p_.size() && p_[i_] == '^';
    if (negated) ++i_;
    std::string members;
    while (i_ < p_.size() && p_[i_] != ']') {
      char first = p_[i_++];
      if (first == '\\' && i_ < p_.size()) {
        const char e = p_[i_++];
        if (e == 'd') {
          members += "0123456789";
          continue;
        }
        if (e == 'w') {
          members += "abcdefghijklmnopqrstuvwxyz0123456789_";
          continue;
        }
        if (e == 's') {
          members += ' ';
          continue;
        }
        first = e;
      }
      if (i_ + 1 < p_.size() && p_[i_] == '-' && p_[i_ + 1] != ']') {
        const char last = p_[i_ + 1];
        i_ += 2;
        for (char ch = first; ch <= last && ch >= first; ++ch)
          members += ch;
        continue;
      }
      members += first;
    }
    if (i_ >= p_.size()) return false;
    ++i_;  // ']'
    if (negated) {
      std::string allowed;
      for (char ch = 'a'; ch <= 'z'; ++ch) {
        if (members.find(ch) == std::string::npos) allowed += ch;
      }
      members = allowed;
    }
    if (members.empty()) return false;
    out += members[prng_.below(members.size())];
    return true;
  }

  std::string_view p_;
  Prng& prng_;
  std::size_t i_ = 0;
};

class InstanceBuilder {
 public:
  InstanceBuilder(const json& root, std::uint64_t seed) : root_(root), prng_(seed) {}

  json build(const json& schema, int depth) {
    // Bounded work: a request's tool schema is untrusted, and nested minItems would otherwise multiply.
    if (depth > kMaxDepth || nodes_left_ == 0) return nullptr;
    --nodes_left_;
    if (schema.is_boolean()) return schema.get<bool>() ? json("x") : json(nullptr);
    if (!schema.is_object()) return nullptr;
    if (const auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string()) {
      if (const json* target = resolve(ref->get<std::string>())) return build(*target, depth + 1);
    }
    if (const auto value = schema.find("const"); value != schema.end()) return *value;
    if (const auto values = schema.find("enum");
        values != schema.end() && values->is_array() && !values->empty()) {
      return (*values)[prng_.below(values->size())];
    }
    for (const char* keyword : {"anyOf", "oneOf"}) {
      const auto options = schema.find(keyword);
      if (options != schema.end() && options->is_array() && !options->empty()) {
        json merged = schema;
        merged.erase(keyword);
        const json& first = (*options)[0];
        if (first.is_object()) merged.update(first, true);
        return build(merged, depth + 1);
      }
    }
    if (const auto all = schema.find("allOf"); all != schema.end() && all->is_array()) {
      json merged = schema;
      merged.erase("allOf");
      for (const auto& part : *all)
        merge_schema(merged, part);
      return build(merged, depth + 1);
    }
    switch (pick_type(schema)) {
      case 'o':
        return object(schema, depth);
      case 'a':
        return array(schema, depth);
      case 's':
        return string(schema, "");
      case 'i':
        return number(schema, true);
      case 'n':
        return number(schema, false);
      case 'b':
        return prng_.below(2) == 0;
      case 'z':
        return nullptr;
      default:
        return nullptr;
    }
  }

 private:
  const json* resolve(const std::string& ref) {
    if (!ref.starts_with("#")) return nullptr;
    try {
      const json::json_pointer pointer(ref.substr(1));
      return root_.contains(pointer) ? &root_.at(pointer) : nullptr;
    } catch (const json::exception&) {
      return nullptr;
    }
  }

  void merge_schema(json& into, const json& part) {
    const json* resolved = &part;
    if (part.is_object() && part.contains("$ref") && part["$ref"].is_string()) {
      if (const json* target = resolve(part["$ref"].get<std::string>())) resolved = target;
    }
    if (!resolved->is_object()) return;
    for (const auto& [key, value] : resolved->items()) {
      if (key == "properties" && into.contains("properties")) {
        into["properties"].update(value);
      } else if (key == "required" && into.contains("required")) {
        for (const auto& name : value)
          into["required"].push_back(name);
      } else {
        into[key] = value;
      }
    }
  }

  static char pick_type(const json& schema) {
    const auto type = schema.find("type");
    std::string name;
    if (type != schema.end() && type->is_string()) name = type->get<std::string>();
    if (type != schema.end() && type->is_array()) {
      for (const auto& t : *type) {
        if (t.is_string() && t != "null") {
          name = t.get<std::string>();
          break;
        }
      }
      if (name.empty() && !type->empty()) name = "null";
    }
    if (name.empty()) {
      if (schema.contains("properties") || schema.contains("required")) return 'o';
      if (schema.contains("items") || schema.contains("prefixItems")) return 'a';
      return 's';
    }
    if (name == "object") return 'o';
    if (name == "array") return 'a';
    if (name == "string") return 's';
    if (name == "integer") return 'i';
    if (name == "number") return 'n';
    if (name == "boolean") return 'b';
    return 'z';
  }

  json object(const json& schema, int depth) {
    json out = json::object();
    const json properties = schema.value("properties", json::object());
    const json required = schema.value("required", json::array());
    for (const auto& [name, subschema] : properties.items()) {
      const bool needed = std::find(required.begin(), required.end(), json(name)) != required.end();
      if (needed || prng_.below(3) != 0) out[name] = named(name, subschema, depth);
    }
    for (const auto& name : required) {
      if (name.is_string() && !out.contains(name.get<std::string>())) out[name.get<std::string>()] = "x";
    }
    const std::size_t min_properties = count_of(schema, "minProperties", 0, 16);
    for (std::size_t i = 0; out.size() < min_properties && i < 16; ++i) {
      out["extra_" + std::to_string(i)] = std::string(pick_word(prng_));
    }
    return out;
  }

  // Property names hint at sensible values (a city is a city name), which makes generated calls read
  // naturally.
  json named(const std::string& name, const json& subschema, int depth) {
    if (subschema.is_object() && pick_type(subschema) == 's' && !subschema.contains("enum") &&
        !subschema.contains("const") && !subschema.contains("format")) {
      return string(subschema, name);
    }
    return build(subschema, depth + 1);
  }

  json array(const json& schema, int depth) {
    json out = json::array();
    if (const auto prefix = schema.find("prefixItems"); prefix != schema.end() && prefix->is_array()) {
      for (const auto& item : *prefix)
        out.push_back(build(item, depth + 1));
    }
    const std::size_t min_items = count_of(schema, "minItems", 1, kMaxItems);
    const std::size_t max_items =
        count_of(schema, "maxItems", std::max<std::size_t>(min_items, 2), kMaxItems);
    const std::size_t count = std::max(min_items, std::min<std::size_t>(max_items, 1 + prng_.below(2)));
    const json items = schema.value("items", json::object());
    const bool unique = schema.value("uniqueItems", false);
    const json* choices =
        items.is_object() && items.contains("enum") && items["enum"].is_array() ? &items["enum"] : nullptr;
    for (std::size_t attempt = 0; out.size() < count && attempt < count * 8; ++attempt) {
      json value = choices != nullptr && unique && attempt < choices->size() ? (*choices)[attempt]
                                                                             : build(items, depth + 1);
      if (unique && std::find(out.begin(), out.end(), value) != out.end()) continue;
      out.push_back(std::move(value));
    }
    return out;
  }

  json string(const json& schema, const std::string& hint) {
    const std::string format = schema.value("format", "");
    if (format == "date-time") return "2024-05-13T09:30:00Z";
    if (format == "date") return "2024-05-13";
    if (format == "time") return "09:30:00Z";
    if (format == "email") return "ada@example.com";
    if (format == "uri" || format == "url") return "https://example.com/a";
    if (format == "uuid") return "123e4567-e89b-42d3-a456-426614174000";
    if (format == "ipv4") return "192.0.2.1";
    std::string text;
    if (hint == "city" || hint == "location") {
      text = std::string(pick_word(prng_));
    } else if (hint == "country") {
      text = "France";
    } else if (hint == "name") {
      text = "Ada";
    } else if (hint == "unit" || hint == "units") {
      text = "celsius";
    } else {
      text = std::string(pick_word(prng_));
    }
    const std::size_t min_length = count_of(schema, "minLength", 0, kMaxStringLength);
    const std::size_t max_length = count_of(schema, "maxLength", 1000, kMaxStringLength);
    // Bytes are budgeted per instance too: 10,000 strings of 64 KiB would still be 640 MB.
    const std::size_t wanted = std::min(min_length, bytes_left_);
    if (text.size() < wanted) text.append(wanted - text.size(), 'x');
    bytes_left_ -= std::min(bytes_left_, text.size());
    if (text.size() > max_length) text.resize(max_length);
    if (const auto pattern = schema.find("pattern"); pattern != schema.end() && pattern->is_string()) {
      text = fit_pattern(pattern->get<std::string>(), text, min_length, max_length);
    }
    return text;
  }

  std::string fit_pattern(const std::string& pattern, const std::string& preferred, std::size_t min_length,
                          std::size_t max_length) {
    try {
      const auto regex = schema::Regex::compile(pattern);
      const auto fits = [&](const std::string& candidate) {
        return candidate.size() >= min_length && candidate.size() <= max_length && regex.test(candidate);
      };
      if (fits(preferred)) return preferred;
      for (int attempt = 0; attempt < 16; ++attempt) {
        if (auto sample = PatternSampler(pattern, prng_).sample(); sample && fits(*sample)) return *sample;
      }
      for (const std::string& candidate : {std::string("a"), std::string("abc"), std::string("A1"),
                                           std::string("123"), std::string("a_b"), std::string("abc-123")}) {
        if (fits(candidate)) return candidate;
      }
    } catch (const schema::RegexError&) {
    }
    return preferred;
  }

  // A size keyword's value, clamped to [0, most]: schemas may say 1e30 or -1, and a double beyond the target
  // type is undefined behaviour to convert.
  static std::size_t count_of(const json& schema, const char* keyword, std::size_t fallback,
                              std::size_t most) {
    const auto it = schema.find(keyword);
    if (it == schema.end() || !it->is_number()) return std::min(fallback, most);
    const double value = std::clamp(it->get<double>(), 0.0, static_cast<double>(most));
    return static_cast<std::size_t>(value);
  }

  // A value in an integer's range: bounds like 1e300 are clamped before any conversion.
  static std::int64_t to_integer(double value) {
    constexpr double kLimit = 9.0e18;  // inside int64's range, exactly representable
    if (std::isnan(value)) return 0;
    return static_cast<std::int64_t>(std::clamp(value, -kLimit, kLimit));
  }

  json number(const json& schema, bool integer) {
    double low = -1e3;
    double high = 1e3;
    if (schema.contains("minimum") && schema["minimum"].is_number()) low = schema["minimum"].get<double>();
    if (schema.contains("exclusiveMinimum") && schema["exclusiveMinimum"].is_number()) {
      low = schema["exclusiveMinimum"].get<double>() + (integer ? 1 : 1e-3);
    }
    if (schema.contains("maximum") && schema["maximum"].is_number()) high = schema["maximum"].get<double>();
    if (schema.contains("exclusiveMaximum") && schema["exclusiveMaximum"].is_number()) {
      high = schema["exclusiveMaximum"].get<double>() - (integer ? 1 : 1e-3);
    }
    if (low > high) high = low;
    if (!schema.contains("minimum") && !schema.contains("exclusiveMinimum") && high > 0)
      low = std::max(low, 0.0);
    const double span = std::min(high - low, 100.0);
    double value = low + span * prng_.unit();
    if (const auto step = schema.find("multipleOf"); step != schema.end() && step->is_number()) {
      const double m = step->get<double>();
      value = std::ceil(low / m) * m;
      if (integer) return to_integer(std::round(value));
      return std::isfinite(value) ? json(value) : json(low);
    }
    if (integer) {
      const double rounded = std::ceil(value);
      return to_integer(rounded > high ? std::floor(high) : rounded);
    }
    return std::round(value * 100) / 100;
  }

  static constexpr std::size_t kMaxItems = 64;
  static constexpr std::size_t kMaxStringLength = 64 * 1024;
  const json& root_;
  Prng prng_;
  std::size_t nodes_left_ = 10'000;      // values one instance may build
  std::size_t bytes_left_ = 256 * 1024;  // string bytes one instance may hold
};

}  // namespace

nlohmann::json generate_instance(const nlohmann::json& schema, std::uint64_t seed) {
  InstanceBuilder builder(schema, seed);
  return builder.build(schema, 0);
}

}  // namespace gatecheck::mock
