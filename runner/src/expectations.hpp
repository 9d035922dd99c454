// A step's `expect:` block, typed when the suite loads (after the loader has checked its shape): each
// expectation keeps the JSON Pointer it was written at, below the step's /expect, for the report's file:line.
// Values that may hold {{ }} (matchers, schema names) stay JSON or text and are rendered when the step runs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/core/template.hpp>
#include <gatecheck/runner/checks.hpp>

namespace gatecheck::runner {

// A literal or a matcher (matcher.hpp), at `pointer`.
struct Expected {
  nlohmann::json want;
  std::string pointer;  // below the step's /expect: "/status", "/error/type"
};

// A literal or matcher for what a JSONPath (json, events) or a header name (headers) selects.
struct PathExpected {
  std::string path;
  nlohmann::json want;
  std::string pointer;
};

struct ErrorExpected {
  std::optional<Expected> status;
  std::vector<std::pair<std::string, Expected>> fields;  // type, code, param, message: as written
};

struct SseExpected {
  std::optional<std::string> schema;
  std::optional<std::size_t> min_events;
  std::optional<int> first_event_within_ms;
};

struct Expectations {
  std::optional<Expected> status;
  std::vector<PathExpected> headers;
  std::optional<Expected> body;
  std::vector<PathExpected> json;
  std::vector<PathExpected> events;
  std::optional<ErrorExpected> error;
  std::optional<std::string> schema;
  std::optional<std::string> operation;
  std::optional<SseExpected> sse;
  std::optional<double> within_ms;
  bool ratelimit = false;   // a ratelimit: block (the step tests rate limiting: 429s are answers, not waits)
  bool expect_429 = false;  // ratelimit.expect_429: the burst must meet a 429
  std::vector<const CheckInfo*> checks;  // named, then implied (error: -> error.*, first_event_within_ms)

  // Whether anything is held against each response (a burst's per-response part).
  bool judges_responses() const;
  // The step tests 429s itself: an ordinary 429 retry would hide what it tests.
  bool expects_429() const;
  bool needs_twin() const;
};

// `expect` as the loader has checked it (schema, matchers, registry ids).
Expectations read_expectations(const nlohmann::json& expect);
// The same with every {{ }} rendered; throws core::TemplateError.
Expectations render_expectations(const Expectations& expect, const core::TemplateScope& scope);

}  // namespace gatecheck::runner
