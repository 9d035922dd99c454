#include "check_evaluation.hpp"

#include <stdexcept>

#include <gatecheck/runner/checks.hpp>

namespace gatecheck::runner {
namespace {

using PerExchange = Verdict (*)(std::string_view, const Exchange&, const CheckContext&);

PerExchange family_of(std::string_view id) {
  if (id.starts_with("sse.") || id.starts_with("latency.") || id.starts_with("stream.")) return &check_sse;
  if (id.starts_with("usage.") || id.starts_with("tools.") || id.starts_with("json-mode."))
    return &check_message;
  if (id.starts_with("error.")) return &check_error;
  if (id.starts_with("discovery.")) return &check_discovery;
  if (id.starts_with("keys.")) return &check_keys;
  return nullptr;
}

}  // namespace

Verdict evaluate_check(std::string_view id, const CheckContext& context) {
  if (find_check(id) == nullptr) throw std::invalid_argument("unknown check '" + std::string(id) + "'");
  if (id.starts_with("ratelimit.")) return check_ratelimit(id, context);
  if (id == "http.complete-response") {
    for (std::size_t i = 0; i < context.exchanges.size(); ++i) {
      const auto& response = context.exchanges[i]->response;
      if (response.error) {
        return Verdict::fail(
            (context.exchanges.size() > 1 ? "request #" + std::to_string(i + 1) + ": " : std::string()) +
                std::string(core::to_string(response.error->kind)) + ": " + response.error->message,
            "a complete response",
            "status " + std::to_string(response.status) + ", " + std::to_string(response.body.size()) +
                " body bytes before it broke");
      }
    }
    return Verdict::pass();
  }
  const PerExchange family = family_of(id);
  if (family == nullptr) return Verdict::not_applicable("judged by expect_webhook steps, not on a response");
  // A burst passes a per-exchange check when every exchange does; the first failure speaks for it.
  std::size_t applicable = 0;
  Verdict last = Verdict::not_applicable("no exchange");
  for (std::size_t i = 0; i < context.exchanges.size(); ++i) {
    Verdict verdict;
    try {
      verdict = family(id, *context.exchanges[i], context);
    } catch (const std::exception& e) {
      // A response shaped so oddly that reading it throws (a string where an object belongs) is a finding.
      verdict =
          Verdict::fail(std::string("the response is malformed where this check reads it: ") + e.what());
    }
    if (verdict.kind == Verdict::Kind::fail) {
      if (context.exchanges.size() > 1)
        verdict.message = "request #" + std::to_string(i + 1) + ": " + verdict.message;
      return verdict;
    }
    if (verdict.kind == Verdict::Kind::pass) ++applicable;
    last = std::move(verdict);
  }
  if (applicable > 0 && context.exchanges.size() > 1)
    return Verdict::pass(std::to_string(applicable) + " responses");
  return last;
}

}  // namespace gatecheck::runner
