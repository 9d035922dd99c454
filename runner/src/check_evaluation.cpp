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

// A redirect or an interim 1xx is not an answer: it has no stream and no error, so every stream and error
// check would have nothing to judge and the step would pass on nothing.
Verdict final_status(const CheckContext& context) {
  for (std::size_t i = 0; i < context.exchanges.size(); ++i) {
    const Exchange& ex = *context.exchanges[i];
    const int status = ex.response.status;
    if ((status >= 200 && status < 300) || status >= 400) continue;
    std::string seen = "HTTP " + std::to_string(status);
    if (!ex.response.reason.empty()) seen += " " + ex.response.reason;
    if (const auto location = ex.response.headers.get("location")) seen += " to " + std::string(*location);
    const std::string why =
        status / 100 == 3 ? "a redirect is not an answer: OpenAI clients do not follow it for a POST; "
                            "point --target at the final URL"
                          : "a 1xx status is not an answer (interim ones are read past; this one was final)";
    return Verdict::fail(
        (context.exchanges.size() > 1 ? "request #" + std::to_string(i + 1) + ": " : std::string()) +
            (ex.stream_requested() ? "a streamed request" : "the request") + " was answered with " + seen +
            ": " + why,
        ex.stream_requested() ? "a 2xx event stream, or a 4xx/5xx error" : "a 2xx answer, or a 4xx/5xx error",
        seen);
  }
  return Verdict::pass();
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
                std::string(net::to_string(response.error->kind)) + ": " + response.error->message,
            "a complete response",
            "status " + std::to_string(response.status) + ", " + std::to_string(response.body.size()) +
                " body bytes before it broke");
      }
    }
    return Verdict::pass();
  }
  if (id == "http.final-status") return final_status(context);
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
