// webhook.*: judging the deliveries a scenario's receiver got for one event type.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <gatecheck/core/http_receiver.hpp>
#include <gatecheck/core/profile.hpp>
#include <gatecheck/core/schema/validator.hpp>

#include "check_evaluation.hpp"

namespace gatecheck::runner {

struct Delivery {
  const core::ReceivedRequest* request;
  std::string event_id;  // the body's id, or webhook-id
  std::string type;
};

// The deliveries whose body names `event` as its type, in arrival order.
std::vector<Delivery> deliveries_of(const std::vector<core::ReceivedRequest>& received,
                                    const std::string& event);

// Verifies one delivery's signature over its raw body; the verdict explains what is wrong.
Verdict verify_signature(const core::ReceivedRequest& request, const core::WebhookClaims& claims,
                         const std::string& secret, std::int64_t now_unix);

Verdict webhook_signature_valid(const std::vector<Delivery>& deliveries, const core::WebhookClaims& claims,
                                const std::string& secret);
Verdict webhook_payload_schema(const std::vector<Delivery>& deliveries, const std::string& event,
                               const std::optional<core::schema::CompiledSchema>& schema);
Verdict webhook_delivered_within(const std::vector<Delivery>& deliveries,
                                 std::chrono::steady_clock::time_point since,
                                 std::chrono::milliseconds within);
Verdict webhook_retried_on_failure(const std::vector<Delivery>& deliveries);

}  // namespace gatecheck::runner
