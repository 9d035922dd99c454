// webhook.*: judging the deliveries a scenario's receiver got for one event type.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <gatecheck/net/http_receiver.hpp>
#include <gatecheck/schema/validator.hpp>
#include <gatecheck/vendor/profile.hpp>

#include "check_evaluation.hpp"

namespace gatecheck::runner {

struct Delivery {
  const net::ReceivedRequest* request;
  std::string event_id;  // the body's id, or webhook-id
  std::string type;
};

// What an expect_webhook step hands its checks (CheckContext::webhook).
struct WebhookEvidence {
  std::vector<Delivery> deliveries;
  std::string event;
  std::optional<schema::CompiledSchema> schema;  // the payload schema, when one resolved
  std::string secret;                            // the subscription's signing secret
  std::chrono::steady_clock::time_point since;   // when the step that caused the event started
  std::chrono::milliseconds within{5000};
};

// The deliveries whose body names `event` as its type, in arrival order.
std::vector<Delivery> deliveries_of(const std::vector<net::ReceivedRequest>& received,
                                    const std::string& event);

// Verifies one delivery's signature over its raw body; the verdict explains what is wrong.
Verdict verify_signature(const net::ReceivedRequest& request, const vendor::WebhookClaims& claims,
                         const std::string& secret, std::int64_t now_unix);

Verdict webhook_signature_valid(const std::vector<Delivery>& deliveries, const vendor::WebhookClaims& claims,
                                const std::string& secret);
Verdict webhook_payload_schema(const std::vector<Delivery>& deliveries, const std::string& event,
                               const std::optional<schema::CompiledSchema>& schema);
Verdict webhook_delivered_within(const std::vector<Delivery>& deliveries,
                                 std::chrono::steady_clock::time_point since,
                                 std::chrono::milliseconds within);
Verdict webhook_retried_on_failure(const std::vector<Delivery>& deliveries);

}  // namespace gatecheck::runner
