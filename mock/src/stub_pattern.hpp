// A request pattern (schemas/stub.schema.json, $defs/pattern) in the suites' matcher language: what a stub
// answers, and what a journal query selects. Matching reports every criterion that missed, so the nearest
// stubs of an unmatched request can say why each missed (WireMock's near-miss report).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/core/json_path.hpp>

#include "exchange.hpp"

namespace gatecheck::mock {

// The request as a pattern sees it; its body is parsed at most once, whatever number of patterns look at it.
class RequestView {
 public:
  // `cut`: the body is the first `first` of `second` bytes (a journal entry's).
  explicit RequestView(const Request& request,
                       std::optional<std::pair<std::size_t, std::size_t>> cut = std::nullopt)
      : request_(request), cut_(cut) {}
  const Request& request() const { return request_; }
  const nlohmann::json& body() const;  // discarded (is_discarded()) when the body is not JSON
  const std::optional<std::pair<std::size_t, std::size_t>>& cut() const { return cut_; }

 private:
  const Request& request_;
  std::optional<std::pair<std::size_t, std::size_t>> cut_;
  mutable std::optional<nlohmann::json> body_;
};

struct PatternMatch {
  std::vector<std::string> misses;  // one line per criterion that did not hold; empty: matched
  std::size_t criteria = 0;         // how many were tested (for ranking near misses)
  nlohmann::json path_params = nlohmann::json::object();
  bool matched() const { return misses.empty(); }
};

class RequestPattern {
 public:
  RequestPattern() = default;
  // `spec` has passed the stub schema; throws std::invalid_argument naming what is wrong beyond it (a bad
  // matcher, a JSONPath that does not parse) with a JSON Pointer below `where`.
  static RequestPattern compile(const nlohmann::json& spec, const std::string& where);

  // Every criterion is tested (not only up to the first miss) when `all` is set: near-miss reports need them.
  PatternMatch match(const RequestView& request, bool all = false) const;
  const nlohmann::json& spec() const { return spec_; }
  std::vector<std::string> path_params() const;  // the names its path template binds

 private:
  struct PathSegment {
    std::string text;  // a literal segment, or the parameter's name
    bool parameter = false;
  };
  nlohmann::json spec_ = nlohmann::json::object();
  std::optional<nlohmann::json> method_;
  std::optional<nlohmann::json> path_;  // a literal or matcher (no template)
  std::optional<std::vector<PathSegment>> path_template_;
  std::vector<std::pair<std::string, nlohmann::json>> query_;
  std::vector<std::pair<std::string, nlohmann::json>> headers_;
  struct BodyCriterion {
    core::JsonPath path;
    nlohmann::json matcher;
  };
  std::vector<BodyCriterion> json_;
  std::optional<nlohmann::json> body_;
  std::optional<bool> stream_;

  bool match_path(std::string_view path, PatternMatch& out) const;
};

// A query parameter's percent-decoded value, or nullopt when it is absent.
std::optional<std::string> query_value(std::string_view query, std::string_view name);

}  // namespace gatecheck::mock
