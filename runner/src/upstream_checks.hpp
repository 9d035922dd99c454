// upstream.*: what a gateway did with a request, judged from the mock's journal (the mock plays its
// upstream): the attempts one client request caused, what each carried, and the answer the client saw
// against the one the upstream sent (docs/gateways.md).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "check_evaluation.hpp"
#include "exchange.hpp"

namespace gatecheck::runner {

// What an `upstream:` expectation hands its checks (CheckContext::upstream).
struct UpstreamEvidence {
  std::vector<nlohmann::json> entries;  // the mock's journal entries the step caused, in arrival order
  std::vector<Exchange> attempts;  // the same, as exchanges: what the gateway sent, what the mock answered
  std::string client_key_mark;     // the runner's key's credential mark; empty when it has none
};

// A journal entry (GET /admin/requests) as an exchange, its answer's events re-read from the bytes sent.
Exchange upstream_exchange(const nlohmann::json& entry);

}  // namespace gatecheck::runner
