// The validation vocabulary (JSON Schema Validation 2020-12, section 6): assertions on one value.
#include <algorithm>
#include <unordered_map>

#include <gatecheck/schema/regex.hpp>

#include "builder.hpp"
#include "values.hpp"

namespace gatecheck::schema::detail {
namespace {

enum TypeBit : unsigned {
  kNull = 1,
  kBoolean = 2,
  kObject = 4,
  kArray = 8,
  kNumber = 16,
  kString = 32,
  kInteger = 64,
};

unsigned type_bit(std::string_view name) {
  if (name == "null") return kNull;
  if (name == "boolean") return kBoolean;
  if (name == "object") return kObject;
  if (name == "array") return kArray;
  if (name == "number") return kNumber;
  if (name == "string") return kString;
  if (name == "integer") return kInteger;
  return 0;
}

bool matches_type(const json& value, unsigned bits) {
  switch (value.type()) {
    case json::value_t::null:
      return (bits & kNull) != 0;
    case json::value_t::boolean:
      return (bits & kBoolean) != 0;
    case json::value_t::object:
      return (bits & kObject) != 0;
    case json::value_t::array:
      return (bits & kArray) != 0;
    case json::value_t::string:
      return (bits & kString) != 0;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return (bits & (kNumber | kInteger)) != 0;
    case json::value_t::number_float:
      return (bits & kNumber) != 0 || ((bits & kInteger) != 0 && is_integral(value));
    default:
      return false;
  }
}

std::string list_values(const json& values) {
  std::string out;
  std::size_t shown = 0;
  for (const auto& value : values) {
    if (shown == 12) {
      out += ", ... (" + std::to_string(values.size()) + " in all)";
      break;
    }
    if (shown++ > 0) out += ", ";
    out += value.is_string() ? value.get<std::string>() : value.dump();
  }
  return out;
}

std::size_t code_points(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

class TypeKeyword final : public Keyword {
 public:
  TypeKeyword(std::string location, unsigned bits, std::string names)
      : Keyword("type", std::move(location)), bits_(bits), names_(std::move(names)) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated*) const override {
    if (matches_type(instance, bits_)) return true;
    report(ctx, "expected " + names_ + ", got " + type_name(instance) +
                    (instance.is_null() || instance.is_boolean() ? "" : " " + excerpt(instance)));
    return false;
  }

 private:
  unsigned bits_;
  std::string names_;
};

class EnumKeyword final : public Keyword {
 public:
  EnumKeyword(std::string location, const json& values)
      : Keyword("enum", std::move(location)), values_(values) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated*) const override {
    for (const auto& value : values_) {
      if (json_equal(instance, value)) return true;
    }
    report(ctx, excerpt(instance) + " is not one of " + list_values(values_));
    return false;
  }

 private:
  const json& values_;
};

class ConstKeyword final : public Keyword {
 public:
  ConstKeyword(std::string location, const json& value)
      : Keyword("const", std::move(location)), value_(value) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated*) const override {
    if (json_equal(instance, value_)) return true;
    report(ctx, "expected " + excerpt(value_) + ", got " + excerpt(instance));
    return false;
  }

 private:
  const json& value_;
};

// minimum, maximum, exclusiveMinimum, exclusiveMaximum.
class BoundKeyword final : public Keyword {
 public:
  BoundKeyword(std::string name, std::string location, const json& limit, bool lower, bool exclusive)
      : Keyword(std::move(name), std::move(location)), limit_(limit), lower_(lower), exclusive_(exclusive) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated*) const override {
    if (!instance.is_number()) return true;
    const int order = compare_numbers(instance, limit_);
    const bool ok = lower_ ? (exclusive_ ? order > 0 : order >= 0) : (exclusive_ ? order < 0 : order <= 0);
    if (ok) return true;
    report(ctx, instance.dump() + " is " + (lower_ ? "less than " : "greater than ") +
                    (exclusive_ ? "or equal to " : "") + "the " + (exclusive_ ? "exclusive " : "") +
                    (lower_ ? "minimum " : "maximum ") + limit_.dump());
    return false;
  }

 private:
  const json& limit_;
  bool lower_;
  bool exclusive_;
};

class MultipleOfKeyword final : public Keyword {
 public:
  MultipleOfKeyword(std::string location, const json& divisor)
      : Keyword("multipleOf", std::move(location)), divisor_(divisor) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated*) const override {
    if (!instance.is_number() || is_multiple_of(instance, divisor_)) return true;
    report(ctx, instance.dump() + " is not a multiple of " + divisor_.dump());
    return false;
  }

 private:
  const json& divisor_;
};

// minLength/maxLength (code points), minItems/maxItems, minProperties/maxProperties.
class CountKeyword final : public Keyword {
 public:
  enum class Of { string, array, object };
  CountKeyword(std::string name, std::string location, Of of, std::size_t limit, bool lower)
      : Keyword(std::move(name), std::move(location)), of_(of), limit_(limit), lower_(lower) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated*) const override {
    std::size_t count = 0;
    const char* unit = "";
    if (of_ == Of::string && instance.is_string()) {
      count = code_points(instance.get_ref<const std::string&>());
      unit = "characters";
    } else if (of_ == Of::array && instance.is_array()) {
      count = instance.size();
      unit = "items";
    } else if (of_ == Of::object && instance.is_object()) {
      count = instance.size();
      unit = "properties";
    } else {
      return true;
    }
    if (lower_ ? count >= limit_ : count <= limit_) return true;
    report(ctx, std::string(of_ == Of::string ? excerpt(instance) + " has " : "has ") +
                    std::to_string(count) + " " + unit + ", " +
                    (lower_ ? "fewer than the minimum " : "more than the maximum ") + std::to_string(limit_));
    return false;
  }

 private:
  Of of_;
  std::size_t limit_;
  bool lower_;
};

class PatternKeyword final : public Keyword {
 public:
  PatternKeyword(std::string location, Regex regex)
      : Keyword("pattern", std::move(location)), regex_(std::move(regex)) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated*) const override {
    if (!instance.is_string()) return true;
    switch (regex_.search(instance.get_ref<const std::string&>())) {
      case Regex::Outcome::match:
        return true;
      case Regex::Outcome::no_match:
        report(ctx, excerpt(instance) + " does not match /" + regex_.pattern() + "/");
        return false;
      case Regex::Outcome::limit:
        report(ctx, "matching " + excerpt(instance) + " against /" + regex_.pattern() +
                        "/ exceeded the regex limits");
        return false;
    }
    return false;
  }

 private:
  Regex regex_;
};

class UniqueItemsKeyword final : public Keyword {
 public:
  explicit UniqueItemsKeyword(std::string location) : Keyword("uniqueItems", std::move(location)) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated*) const override {
    if (!instance.is_array() || instance.size() < 2) return true;
    std::unordered_multimap<std::size_t, std::size_t> seen;
    seen.reserve(instance.size());
    for (std::size_t i = 0; i < instance.size(); ++i) {
      const std::size_t hash = json_hash(instance[i]);
      const auto [first, last] = seen.equal_range(hash);
      for (auto it = first; it != last; ++it) {
        if (json_equal(instance[it->second], instance[i])) {
          report(ctx, "items " + std::to_string(it->second) + " and " + std::to_string(i) + " are equal (" +
                          excerpt(instance[i]) + ")");
          return false;
        }
      }
      seen.emplace(hash, i);
    }
    return true;
  }
};

class RequiredKeyword final : public Keyword {
 public:
  RequiredKeyword(std::string name, std::string location, std::vector<std::string> names)
      : Keyword(std::move(name), std::move(location)), names_(std::move(names)) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated*) const override {
    if (!instance.is_object()) return true;
    bool valid = true;
    for (const auto& name : names_) {
      if (instance.contains(name)) continue;
      valid = false;
      if (!ctx.collecting()) return false;
      report(ctx, "missing required property '" + name + "'");
    }
    return valid;
  }

 private:
  std::vector<std::string> names_;
};

class DependentRequiredKeyword final : public Keyword {
 public:
  DependentRequiredKeyword(std::string name, std::string location,
                           std::vector<std::pair<std::string, std::vector<std::string>>> rules)
      : Keyword(std::move(name), std::move(location)), rules_(std::move(rules)) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated*) const override {
    if (!instance.is_object()) return true;
    bool valid = true;
    for (const auto& [trigger, needed] : rules_) {
      if (!instance.contains(trigger)) continue;
      for (const auto& name : needed) {
        if (instance.contains(name)) continue;
        valid = false;
        if (!ctx.collecting()) return false;
        report(ctx, "property '" + name + "' is required when '" + trigger + "' is present", trigger);
      }
    }
    return valid;
  }

 private:
  std::vector<std::pair<std::string, std::vector<std::string>>> rules_;
};

std::vector<std::string> read_names(const Builder& builder, std::string_view keyword, const json& value) {
  if (!value.is_array()) builder.fail(keyword, "expected an array of strings");
  std::vector<std::string> names;
  for (const auto& item : value) {
    if (!item.is_string()) builder.fail(keyword, "expected an array of strings, found " + item.dump());
    names.push_back(item.get<std::string>());
  }
  return names;
}

const json* find(const json& schema, const char* keyword) {
  const auto it = schema.find(keyword);
  return it == schema.end() ? nullptr : &*it;
}

void require_number(const Builder& builder, std::string_view keyword, const json& value) {
  if (!value.is_number()) builder.fail(keyword, "expected a number, found " + value.dump());
}

}  // namespace

namespace {

void add_type_keywords(Builder& builder, Keywords& out) {
  const json& schema = builder.schema();
  if (const json* type = find(schema, "type")) {
    unsigned bits = 0;
    std::string names;
    const auto add = [&](const json& name) {
      const unsigned bit = name.is_string() ? type_bit(name.get_ref<const std::string&>()) : 0;
      if (bit == 0) builder.fail("type", "unknown type " + name.dump());
      bits |= bit;
      names += (names.empty() ? "" : " or ") + name.get<std::string>();
    };
    if (type->is_array()) {
      for (const auto& name : *type)
        add(name);
    } else {
      add(*type);
    }
    out.push_back(std::make_unique<TypeKeyword>(builder.absolute("type"), bits, names));
  }
  if (const json* values = find(schema, "enum")) {
    if (!values->is_array()) builder.fail("enum", "expected an array");
    out.push_back(std::make_unique<EnumKeyword>(builder.absolute("enum"), *values));
  }
  if (const json* value = find(schema, "const")) {
    out.push_back(std::make_unique<ConstKeyword>(builder.absolute("const"), *value));
  }
}

void add_number_keywords(Builder& builder, Keywords& out) {
  const json& schema = builder.schema();
  struct Bound {
    const char* name;
    bool lower;
    bool exclusive;
  };
  for (const auto& [name, lower, exclusive] :
       {Bound{"minimum", true, false}, Bound{"maximum", false, false}, Bound{"exclusiveMinimum", true, true},
        Bound{"exclusiveMaximum", false, true}}) {
    const json* limit = find(schema, name);
    if (limit == nullptr) continue;
    // draft-04 style boolean exclusive* modifies minimum/maximum; OpenAPI 3.0 documents carry it too.
    if (limit->is_boolean()) continue;
    require_number(builder, name, *limit);
    const json* modifier = find(schema, lower ? "exclusiveMinimum" : "exclusiveMaximum");
    const bool legacy_exclusive =
        !exclusive && modifier != nullptr && modifier->is_boolean() && modifier->get<bool>();
    out.push_back(std::make_unique<BoundKeyword>(name, builder.absolute(name), *limit, lower,
                                                 exclusive || legacy_exclusive));
  }
  if (const json* divisor = find(schema, "multipleOf")) {
    require_number(builder, "multipleOf", *divisor);
    if (compare_numbers(*divisor, json(0)) <= 0) builder.fail("multipleOf", "must be greater than 0");
    out.push_back(std::make_unique<MultipleOfKeyword>(builder.absolute("multipleOf"), *divisor));
  }
}

void add_size_keywords(Builder& builder, Keywords& out) {
  const json& schema = builder.schema();
  struct Count {
    const char* name;
    CountKeyword::Of of;
    bool lower;
  };
  for (const auto& [name, of, lower] :
       {Count{"minLength", CountKeyword::Of::string, true},
        Count{"maxLength", CountKeyword::Of::string, false}, Count{"minItems", CountKeyword::Of::array, true},
        Count{"maxItems", CountKeyword::Of::array, false},
        Count{"minProperties", CountKeyword::Of::object, true},
        Count{"maxProperties", CountKeyword::Of::object, false}}) {
    if (!schema.contains(name)) continue;
    out.push_back(
        std::make_unique<CountKeyword>(name, builder.absolute(name), of, read_count(builder, name), lower));
  }
  if (const json* pattern = find(schema, "pattern")) {
    if (!pattern->is_string()) builder.fail("pattern", "expected a string");
    try {
      out.push_back(std::make_unique<PatternKeyword>(builder.absolute("pattern"),
                                                     Regex::compile(pattern->get<std::string>())));
    } catch (const RegexError& e) {
      builder.fail("pattern", e.what());
    }
  }
  if (const json* unique = find(schema, "uniqueItems");
      unique != nullptr && unique->is_boolean() && unique->get<bool>()) {
    out.push_back(std::make_unique<UniqueItemsKeyword>(builder.absolute("uniqueItems")));
  }
}

void add_object_keywords(Builder& builder, Keywords& out) {
  const json& schema = builder.schema();
  if (const json* required = find(schema, "required")) {
    // OpenAPI 3.0 / draft-03 put `required: true` on properties; it has no meaning in 2020-12.
    if (!required->is_boolean()) {
      out.push_back(std::make_unique<RequiredKeyword>("required", builder.absolute("required"),
                                                      read_names(builder, "required", *required)));
    }
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> dependent;
  if (const json* rules = find(schema, "dependentRequired")) {
    if (!rules->is_object()) builder.fail("dependentRequired", "expected an object");
    for (const auto& [trigger, names] : rules->items()) {
      dependent.emplace_back(trigger, read_names(builder, "dependentRequired", names));
    }
    out.push_back(std::make_unique<DependentRequiredKeyword>(
        "dependentRequired", builder.absolute("dependentRequired"), std::move(dependent)));
    dependent.clear();
  }
  // draft-07 `dependencies` with array values is dependentRequired.
  if (const json* rules = find(schema, "dependencies"); rules != nullptr && rules->is_object()) {
    for (const auto& [trigger, names] : rules->items()) {
      if (names.is_array()) dependent.emplace_back(trigger, read_names(builder, "dependencies", names));
    }
    if (!dependent.empty()) {
      out.push_back(std::make_unique<DependentRequiredKeyword>(
          "dependencies", builder.absolute("dependencies"), std::move(dependent)));
    }
  }
}

}  // namespace

void add_validation_keywords(Builder& builder, Keywords& out) {
  add_type_keywords(builder, out);
  add_number_keywords(builder, out);
  add_size_keywords(builder, out);
  add_object_keywords(builder, out);
}

}  // namespace gatecheck::schema::detail
