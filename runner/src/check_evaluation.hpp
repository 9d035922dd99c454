// Evaluating catalog checks against exchanges. Each check reads one exchange (a burst applies it to every
// exchange) or, for the rate-limit checks, the whole burst.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gatecheck/vendor/profile.hpp>

#include "exchange.hpp"

namespace gatecheck::runner {

struct Verdict {
  enum class Kind { pass, fail, not_applicable };
  Kind kind = Kind::pass;
  std::string message;
  std::string expected;
  std::string actual;

  static Verdict pass(std::string message = {}) { return {Kind::pass, std::move(message), {}, {}}; }
  static Verdict fail(std::string message, std::string expected = {}, std::string actual = {}) {
    return {Kind::fail, std::move(message), std::move(expected), std::move(actual)};
  }
  static Verdict not_applicable(std::string why) { return {Kind::not_applicable, std::move(why), {}, {}}; }
};

struct CheckContext {
  const std::vector<const Exchange*>& exchanges;
  const vendor::Profile& profile;
  std::optional<int> first_event_within_ms;
  // Sends the same request without streaming (stream.matches-non-stream).
  std::function<Exchange(const Exchange&)> resend_without_stream;
};

// Throws std::invalid_argument for an id the catalog does not know.
Verdict evaluate_check(std::string_view id, const CheckContext& context);

// Per-exchange checks, one file per family.
Verdict check_sse(std::string_view id, const Exchange& exchange, const CheckContext& context);
Verdict check_message(std::string_view id, const Exchange& exchange, const CheckContext& context);
Verdict check_error(std::string_view id, const Exchange& exchange, const CheckContext& context);
Verdict check_discovery(std::string_view id, const Exchange& exchange, const CheckContext& context);
Verdict check_keys(std::string_view id, const Exchange& exchange, const CheckContext& context);
// Whole-burst checks.
Verdict check_ratelimit(std::string_view id, const CheckContext& context);

}  // namespace gatecheck::runner
