// The mock's behaviour, independent of sockets: Request in, Reply out.
// Pipeline: faults -> CORS preflight -> /health, /admin -> stubs -> route -> auth -> rate limit -> endpoint
// -> headers (x-request-id, rate limits, profile headers, CORS) -> journal and log.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gatecheck/mock/server.hpp>

#include "api_error.hpp"
#include "chat_answer.hpp"
#include "exchange.hpp"
#include "fault_set.hpp"
#include "journal.hpp"
#include "key_ring.hpp"
#include "rate_limiter.hpp"
#include "webhook_hub.hpp"

namespace gatecheck::mock {

// One request's context, handed to the endpoints.
struct CallContext {
  const Request& request;
  const ServerOptions& options;
  FaultSet faults;
  std::string request_id;
  std::int64_t created = 0;  // Unix seconds, or the fixed clock
  StreamTiming timing;
  std::uint64_t tokens_used = 0;  // set by endpoints, charged to the token bucket

  const vendor::Profile& profile() const { return options.profile; }
};

Reply chat_completions_endpoint(CallContext& context);
Reply embeddings_endpoint(CallContext& context);
Reply list_models_endpoint(CallContext& context);
Reply retrieve_model_endpoint(CallContext& context, const std::string& model_id);

// The API's 404 for an unknown model id.
ApiError model_not_found(const std::string& model_id);
// JSON with Content-Type application/json.
Reply json_reply(int status, std::string body);
Reply redirect(const Request& request);
// The discovery documents the profile claims (/openapi.json, /llms.txt, /.well-known/...), or nullopt when
// `path` is not one of them.
std::optional<Reply> discovery_document(const CallContext& context);
// The faults of a request that apply to the webhook deliveries it causes.
DeliveryFaults delivery_faults(const FaultSet& faults);

class App {
 public:
  explicit App(const ServerOptions& options);

  Reply handle(const Request& request);
  RequestLog& log() { return log_; }

 private:
  Reply dispatch(CallContext& context, std::string& key, RateDecision& decision, bool& rated);
  Reply admin(CallContext& context);
  void count_usage(const CallContext& context, const std::string& key, const Reply& reply);
  std::optional<Reply> stub(const Request& request);
  Reply error_reply(const CallContext& context, const ApiError& error);
  void decorate(const CallContext& context, Reply& reply, const RateDecision* decision);
  std::int64_t now_seconds() const;

  const ServerOptions& options_;
  RateLimiter limiter_;
  Journal journal_;
  RequestLog log_;
  std::atomic<std::uint64_t> counter_{0};
  std::uint64_t instance_;  // distinguishes request ids across runs
  std::vector<std::unique_ptr<std::atomic<std::size_t>>> stub_hits_;
  KeyRing keys_;
  WebhookHub hooks_;
  std::string exposed_headers_;  // Access-Control-Expose-Headers: the profile's own header names
};

}  // namespace gatecheck::mock
