#include "check_evaluation.hpp"

#include <stdexcept>

namespace gatecheck::runner {
namespace {

std::string which(const CheckContext& context, std::size_t i) {
  return context.exchanges.size() > 1 ? "request #" + std::to_string(i + 1) + ": " : std::string();
}

// Each exchange in turn: a burst passes when every answer does, and the first failure speaks for it.
Verdict each_exchange(const CheckInfo& check, const CheckContext& context) {
  std::size_t applicable = 0;
  Verdict last = Verdict::not_applicable("no exchange");
  for (std::size_t i = 0; i < context.exchanges.size(); ++i) {
    Verdict verdict;
    try {
      verdict = check.judge(context, context.exchanges[i]);
    } catch (const std::exception& e) {
      // A response shaped so oddly that reading it throws (a string where an object belongs) is a finding.
      verdict =
          Verdict::fail(std::string("the response is malformed where this check reads it: ") + e.what());
    }
    if (verdict.kind == Verdict::Kind::fail) {
      verdict.message = which(context, i) + verdict.message;
      return verdict;
    }
    if (verdict.kind == Verdict::Kind::pass) ++applicable;
    last = std::move(verdict);
  }
  if (applicable > 0 && context.exchanges.size() > 1)
    return Verdict::pass(std::to_string(applicable) + " responses");
  return last;
}

}  // namespace

CheckResult check_result(std::string_view id, Severity severity, const Verdict& verdict,
                         std::string location) {
  CheckResult result;
  result.id = std::string(id);
  result.severity = verdict.severity.value_or(severity);
  result.passed = verdict.kind != Verdict::Kind::fail;
  result.applicable = verdict.kind != Verdict::Kind::not_applicable;
  result.message = verdict.message;
  result.expected = verdict.expected;
  result.actual = verdict.actual;
  result.location = std::move(location);
  return result;
}

Verdict complete_response(const CheckContext& context, const Exchange*) {
  for (std::size_t i = 0; i < context.exchanges.size(); ++i) {
    const auto& response = context.exchanges[i]->response;
    if (!response.error) continue;
    return Verdict::fail(which(context, i) + std::string(net::to_string(response.error->kind)) + ": " +
                             response.error->message,
                         "a complete response",
                         "status " + std::to_string(response.status) + ", " +
                             std::to_string(response.body.size()) + " body bytes before it broke");
  }
  return Verdict::pass();
}

// A redirect or an interim 1xx is not an answer: it has no stream and no error, so every stream and error
// check would have nothing to judge and the step would pass on nothing.
Verdict final_status(const CheckContext& context, const Exchange*) {
  for (std::size_t i = 0; i < context.exchanges.size(); ++i) {
    const Exchange& ex = *context.exchanges[i];
    const int status = ex.response.status;
    if ((status >= 200 && status < 300) || status >= 400) continue;
    std::string seen = "HTTP " + std::to_string(status);
    if (!ex.response.reason.empty()) seen += " " + ex.response.reason;
    if (const auto location = ex.response.headers.get("location")) seen += " to " + std::string(*location);
    const std::string why = status / 100 == 3
                                ? "a redirect is not an answer: OpenAI clients do not follow it for a "
                                  "POST; point --target at the final URL"
                                : "a 1xx status is not an answer (interim ones are read past; this one "
                                  "was final)";
    return Verdict::fail(
        which(context, i) + (ex.stream_requested() ? "a streamed request" : "the request") +
            " was answered with " + seen + ": " + why,
        ex.stream_requested() ? "a 2xx event stream, or a 4xx/5xx error" : "a 2xx answer, or a 4xx/5xx error",
        seen);
  }
  return Verdict::pass();
}

Verdict allow_on_405(const CheckContext&, const Exchange* ex) {
  if (ex->response.status != 405)
    return Verdict::not_applicable("not a 405: status " + std::to_string(ex->response.status));
  const auto allow = ex->response.headers.get("allow");
  if (allow) return Verdict::pass("Allow: " + std::string(*allow));
  return Verdict::fail("a 405 does not say which methods the resource allows", "an Allow header", "absent");
}

Verdict evaluate_check(const CheckInfo& check, const CheckContext& context) {
  switch (check.scope) {
    case CheckScope::exchange:
      return each_exchange(check, context);
    case CheckScope::step:
      return check.judge(context, nullptr);
    case CheckScope::webhook:
      if (context.webhook == nullptr)
        return Verdict::not_applicable("judged by expect_webhook steps, not on a response");
      return check.judge(context, nullptr);
    case CheckScope::upstream:
      if (context.upstream == nullptr)
        return Verdict::not_applicable("judged under a step's upstream:, not on a response alone");
      return check.judge(context, nullptr);
  }
  return Verdict::not_applicable("unknown scope");
}

std::optional<std::pair<const CheckInfo*, Verdict>> unanswered(const CheckContext& context,
                                                               bool status_asked) {
  for (const std::string_view id : {"http.complete-response", "http.final-status"}) {
    if (status_asked && id == "http.final-status") break;
    const CheckInfo* check = find_check(id);
    if (Verdict verdict = evaluate_check(*check, context); verdict.kind == Verdict::Kind::fail)
      return std::make_pair(check, std::move(verdict));
  }
  return std::nullopt;
}

Verdict evaluate_check(std::string_view id, const CheckContext& context) {
  const CheckInfo* check = find_check(id);
  if (check == nullptr) throw std::invalid_argument("unknown check '" + std::string(id) + "'");
  return evaluate_check(*check, context);
}

}  // namespace gatecheck::runner
