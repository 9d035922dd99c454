// The JSONPath subset suites use, in RFC 9535 syntax: $ .name ['name'] [n] [-n] [*] .* and descendants
// (..name ..* ..[n]), and filters [?expr]: comparisons (== != < <= > >=) of @/$ paths and literals, existence
// tests ([?@.id]), && || ! and parentheses. Not supported: slices, unions and function extensions.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace gatecheck::core {

class JsonPathError : public std::runtime_error {
 public:
  JsonPathError(std::string path, std::size_t offset, const std::string& message);
  std::size_t offset() const { return offset_; }

 private:
  std::size_t offset_;
};

class JsonPath {
 public:
  struct Name {
    std::string value;
  };
  struct Index {
    std::int64_t value;  // negative counts from the end
  };
  struct Wildcard {};
  // `..`: the node and all its descendants, each then selected from by the next segment.
  struct Descendants {};
  struct FilterNode;  // the parsed expression (core/src/json_path.cpp)
  struct Filter {
    std::shared_ptr<const FilterNode> expression;
  };
  using Segment = std::variant<Name, Index, Wildcard, Descendants, Filter>;

  struct Match {
    std::string pointer;  // RFC 6901 pointer of the matched node
    const nlohmann::json* value;
  };

  // Throws JsonPathError naming the offset and what was expected there.
  static JsonPath parse(std::string_view text);

  // Throws JsonPathError when the evaluation would visit more than 1,000,000 nodes (filters and `..` multiply
  // the work: a bound, whatever the path and the document).
  std::vector<Match> evaluate(const nlohmann::json& root) const;
  // The first node the path selects (the one node of a singular path), or nullptr when there is none.
  const nlohmann::json* find(const nlohmann::json& root) const;

  bool is_singular() const;  // names at most one node: no wildcard, filter or descendant segment
  const std::string& text() const { return text_; }
  const std::vector<Segment>& segments() const { return segments_; }

 private:
  std::string text_;
  std::vector<Segment> segments_;
};

// "$.choices[0].finish_reason" for the pointer "/choices/0/finish_reason": how reports name instance
// locations. With the document at hand, a numeric token under an object prints as a name
// ($.responses['200']).
std::string json_path_from_pointer(std::string_view pointer, const nlohmann::json* root = nullptr);

}  // namespace gatecheck::core
