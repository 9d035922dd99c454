// Judging hand-made exchanges with the registry's checks, and gtest assertions that say why a verdict was
// not the expected one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include <gatecheck/vendor/profile.hpp>

#include "check_evaluation.hpp"

namespace gatecheck::runner::testing {

inline const vendor::Profile& openai() {
  static const vendor::Profile profile = vendor::load_profile("openai");
  return profile;
}

struct Options {
  std::optional<int> first_event_within_ms;
  std::optional<Exchange> twin;  // what the executor got back sending the request without streaming
};

inline Options within_ms(int limit) {
  return {limit, std::nullopt};
}
inline Options with_twin(Exchange twin) {
  return {std::nullopt, std::move(twin)};
}

inline Verdict evaluate_burst(std::string_view id, const std::vector<const Exchange*>& exchanges,
                              Options options = {}) {
  const CheckContext context{exchanges, openai(), options.first_event_within_ms,
                             options.twin ? &*options.twin : nullptr, nullptr};
  return evaluate_check(id, context);
}

inline Verdict evaluate(std::string_view id, const Exchange& exchange, Options options = {}) {
  return evaluate_burst(id, {&exchange}, std::move(options));
}

inline std::string describe(const Verdict& v) {
  const char* kind = v.kind == Verdict::Kind::pass ? "pass" : v.kind == Verdict::Kind::fail ? "fail" : "n/a";
  return std::string(kind) + " '" + v.message + "' (expected '" + v.expected + "', actual '" + v.actual +
         "')";
}

inline ::testing::AssertionResult Passes(const Verdict& v) {
  if (v.kind == Verdict::Kind::pass) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected a pass, got " << describe(v);
}

inline ::testing::AssertionResult FailsWith(const Verdict& v, std::string_view needle) {
  if (v.kind == Verdict::Kind::fail && v.message.find(needle) != std::string::npos)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected a failure saying '" << needle << "', got " << describe(v);
}

}  // namespace gatecheck::runner::testing
