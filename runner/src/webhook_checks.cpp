#include "webhook_checks.hpp"

#include <charconv>
#include <chrono>
#include <map>

#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/document.hpp>

#include "matcher.hpp"

namespace gatecheck::runner {
namespace {

using nlohmann::json;

std::string who(const Delivery& delivery) {
  return "delivery of " + (delivery.event_id.empty() ? std::string("an event") : delivery.event_id);
}

// Standard Webhooks secrets are base64 after whsec_; the HMAC key is the decoded bytes.
std::string standard_key(const std::string& secret) {
  const std::string_view encoded = std::string_view(secret).substr(secret.starts_with("whsec_") ? 6 : 0);
  return core::base64_decode(encoded).value_or(std::string(encoded));
}

}  // namespace

std::vector<Delivery> deliveries_of(const std::vector<net::ReceivedRequest>& received,
                                    const std::string& event) {
  std::vector<Delivery> out;
  for (const auto& request : received) {
    const json body = core::parse_untrusted_json(request.body);
    if (!body.is_object() || body.value("type", json()) != event) continue;
    std::string id = body.contains("id") && body["id"].is_string() ? body["id"].get<std::string>() : "";
    if (id.empty()) id = std::string(request.headers.get("webhook-id").value_or(""));
    out.push_back({&request, id, event});
  }
  return out;
}

Verdict verify_signature(const net::ReceivedRequest& request, const vendor::WebhookClaims& claims,
                         const std::string& secret, std::int64_t now_unix) {
  if (claims.scheme == vendor::SignatureScheme::hmac_sha256_hex) {
    const auto header = request.headers.get(claims.header);
    if (!header)
      return Verdict::fail("no " + claims.header + " header", claims.header + ": " + claims.prefix + "<hex>",
                           "absent");
    const std::string_view value = *header;
    if (!value.starts_with(claims.prefix))
      return Verdict::fail(claims.header + " lacks the '" + claims.prefix + "' prefix",
                           claims.prefix + "<hex>", describe_value(json(std::string(value))));
    const std::string expected = core::hmac_sha256_hex(secret, request.body);
    std::string given(value.substr(claims.prefix.size()));
    for (auto& c : given)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!core::constant_time_equals(given, expected))
      return Verdict::fail(
          "the signature does not match the body with this secret (wrong secret, or the body changed "
          "after signing)",
          "HMAC-SHA256 of the raw body", "another value");
    return Verdict::pass();
  }
  if (claims.scheme == vendor::SignatureScheme::standard_webhooks) {
    const auto id = request.headers.get("webhook-id");
    const auto stamp = request.headers.get("webhook-timestamp");
    const auto signatures = request.headers.get("webhook-signature");
    if (!id || !stamp || !signatures)
      return Verdict::fail("missing Standard Webhooks headers",
                           "webhook-id, webhook-timestamp, webhook-signature",
                           std::string(!id      ? "no webhook-id"
                                       : !stamp ? "no webhook-timestamp"
                                                : "no webhook-signature"));
    std::int64_t timestamp = 0;
    const std::string_view stamp_text = *stamp;
    const auto parsed = std::from_chars(stamp_text.data(), stamp_text.data() + stamp_text.size(), timestamp);
    if (parsed.ec != std::errc{} || parsed.ptr != stamp_text.data() + stamp_text.size() ||
        stamp_text.empty() || stamp_text.front() == '-' ||
        timestamp > 32503680000)  // after year 3000 is not a timestamp
      return Verdict::fail("webhook-timestamp is not a number of Unix seconds", "Unix seconds",
                           std::string(*stamp));
    const std::int64_t skew = now_unix > timestamp ? now_unix - timestamp : timestamp - now_unix;
    if (skew > static_cast<std::int64_t>(claims.tolerance_seconds))
      return Verdict::fail("webhook-timestamp is outside the replay window",
                           "within " + std::to_string(claims.tolerance_seconds) + " s of now",
                           std::to_string(now_unix - timestamp) + " s off");
    const std::string expected = core::hmac_sha256_base64(
        standard_key(secret), std::string(*id) + "." + std::string(*stamp) + "." + request.body);
    // Several space-separated "v1,<base64>" entries may be present (key rotation); one match suffices.
    std::string_view rest = *signatures;
    bool matched = false;
    while (!rest.empty()) {
      const auto space = rest.find(' ');
      const std::string_view entry = rest.substr(0, space);
      if (entry.starts_with("v1,") && core::constant_time_equals(entry.substr(3), expected)) matched = true;
      if (space == std::string_view::npos) break;
      rest.remove_prefix(space + 1);
    }
    if (!matched)
      return Verdict::fail("no v1 signature matches id.timestamp.body with this secret", "v1,<base64 HMAC>",
                           describe_value(json(std::string(*signatures))));
    return Verdict::pass();
  }
  return Verdict::not_applicable("the profile claims no signature scheme");
}

Verdict webhook_signature_valid(const std::vector<Delivery>& deliveries, const vendor::WebhookClaims& claims,
                                const std::string& secret) {
  if (deliveries.empty()) return Verdict::not_applicable("nothing was delivered");
  if (secret.empty()) return Verdict::not_applicable("the step names no secret");
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  for (const auto& delivery : deliveries) {
    Verdict verdict = verify_signature(*delivery.request, claims, secret, now);
    if (verdict.kind == Verdict::Kind::fail) {
      verdict.message = who(delivery) + ": " + verdict.message;
      return verdict;
    }
    if (verdict.kind == Verdict::Kind::not_applicable) return verdict;
  }
  return Verdict::pass(std::to_string(deliveries.size()) + " deliveries verified");
}

Verdict webhook_payload_schema(const std::vector<Delivery>& deliveries, const std::string& event,
                               const std::optional<schema::CompiledSchema>& schema) {
  if (deliveries.empty()) return Verdict::not_applicable("nothing was delivered");
  for (const auto& delivery : deliveries) {
    const json body = core::parse_untrusted_json(delivery.request->body);
    // The members every scheme has; the rest (id, created, timestamp...) is the event schema's business.
    for (const char* member : {"type", "data"})
      if (!body.is_object() || !body.contains(member))
        return Verdict::fail(who(delivery) + ": the envelope lacks " + member, "{type, data, ...}",
                             describe_value(body));
    if (body["type"] != event)
      return Verdict::fail(who(delivery) + ": wrong type", event, describe_value(body["type"]));
    if (schema) {
      const auto result = schema->validate(body);
      if (!result.valid)
        return Verdict::fail(
            who(delivery) + " breaks " + schema->uri() + ": " + result.errors.front().describe(),
            "valid against the event's schema", describe_value(body));
    }
  }
  return Verdict::pass();
}

Verdict webhook_delivered_within(const std::vector<Delivery>& deliveries,
                                 std::chrono::steady_clock::time_point since,
                                 std::chrono::milliseconds within) {
  const auto limit = std::to_string(within.count()) + " ms";
  if (deliveries.empty()) return Verdict::fail("the event was never delivered", "within " + limit, "nothing");
  const double took = std::max(
      0.0, std::chrono::duration<double, std::milli>(deliveries.front().request->at - since).count());
  const std::string actual = std::to_string(static_cast<long>(took)) + " ms";
  if (took > static_cast<double>(within.count()))
    return Verdict::fail("the first delivery took " + actual, "within " + limit, actual);
  return Verdict::pass("delivered after " + actual);
}

Verdict webhook_retried_on_failure(const std::vector<Delivery>& deliveries) {
  std::map<std::string, std::vector<const Delivery*>> by_event;
  for (const auto& delivery : deliveries)
    by_event[delivery.event_id].push_back(&delivery);
  bool judged = false;
  for (const auto& [id, attempts] : by_event) {
    const auto failed = std::find_if(attempts.begin(), attempts.end(), [](const Delivery* d) {
      return d->request->answered_status < 200 || d->request->answered_status >= 300;
    });
    if (failed == attempts.end()) continue;
    judged = true;
    if (failed + 1 == attempts.end())
      return Verdict::fail("event " + id + " was answered " +
                               std::to_string((*failed)->request->answered_status) +
                               " and never attempted again",
                           "another attempt with the same event id", "none");
  }
  if (!judged) return Verdict::not_applicable("no delivery was answered with an error");
  return Verdict::pass();
}

Verdict webhook_signature_check(const CheckContext& context, const Exchange*) {
  return webhook_signature_valid(context.webhook->deliveries, context.profile.webhooks,
                                 context.webhook->secret);
}
Verdict webhook_payload_check(const CheckContext& context, const Exchange*) {
  return webhook_payload_schema(context.webhook->deliveries, context.webhook->event, context.webhook->schema);
}
Verdict webhook_delivered_check(const CheckContext& context, const Exchange*) {
  return webhook_delivered_within(context.webhook->deliveries, context.webhook->since,
                                  context.webhook->within);
}
Verdict webhook_retried_check(const CheckContext& context, const Exchange*) {
  return webhook_retried_on_failure(context.webhook->deliveries);
}

}  // namespace gatecheck::runner
