// Webhooks: subscriptions, events, signed deliveries with retries and backoff, and the journal of attempts.
// Deliveries run on the hub's own thread, so an admin call or an API request that emits an event never waits
// for a receiver. Every attempt of one event carries the same event id and the same body bytes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/vendor/profile.hpp>

#include "fault_set.hpp"

namespace gatecheck::mock {

// Defects a delivery can carry (faults webhook-*), for proving the runner's webhook checks.
struct DeliveryFaults {
  bool wrong_secret = false;          // signed with another secret
  bool tampered_body = false;         // signed, then the body changed
  bool no_signature = false;          // signature headers left out
  bool no_retry = false;              // a failed attempt is not retried
  bool payload_invalid = false;       // the event's data loses a member its schema requires
  std::chrono::milliseconds late{0};  // the first attempt waits this long
};

struct WebhookSubscription {
  std::string id;
  std::string url;
  std::vector<std::string> events;
  std::string description;
  std::string secret;  // whsec_<base64>
  std::int64_t created_at = 0;
};

// The headers that sign `body` for `secret` under the profile's scheme (also used by tests and the docs).
std::vector<std::pair<std::string, std::string>> signature_headers(const vendor::WebhookClaims& claims,
                                                                   const std::string& secret,
                                                                   const std::string& event_id,
                                                                   std::int64_t timestamp,
                                                                   const std::string& body);

// The faults of a request that apply to the webhook deliveries it causes.
DeliveryFaults delivery_faults(const FaultSet& faults);

class WebhookHub {
 public:
  WebhookHub(const vendor::Profile& profile, std::uint64_t seed);
  ~WebhookHub();
  WebhookHub(const WebhookHub&) = delete;
  WebhookHub& operator=(const WebhookHub&) = delete;

  WebhookSubscription add(std::string url, std::vector<std::string> events, std::string description,
                          std::int64_t now);
  nlohmann::json list() const;  // secrets are never listed
  bool remove(const std::string& id);
  // Queues the event for every webhook subscribed to its type; returns the event id.
  std::string emit(const std::string& type, nlohmann::json data, std::int64_t now,
                   const DeliveryFaults& faults);
  // Attempts, oldest first, optionally for one webhook or one event.
  nlohmann::json deliveries(const std::string& webhook_id, const std::string& event_id,
                            std::size_t limit) const;
  void reset();

 private:
  struct Pending {
    std::chrono::steady_clock::time_point due;
    std::string event_id;
    std::string event_type;
    std::string webhook_id;
    std::string body;
    int attempt = 1;
    DeliveryFaults faults;
  };
  static constexpr std::size_t kMaxPending = 10'000;  // queued attempts; more are dropped and journalled
  static constexpr std::size_t kMaxJournal = 10'000;  // delivery records kept, oldest evicted
  void run();
  void attempt(Pending pending);
  // Appends one delivery record; the caller holds the mutex.
  void record(const std::string& event_id, const std::string& event_type, const std::string& webhook_id,
              const std::string& url, int attempt, nlohmann::json status, nlohmann::json error,
              std::int64_t now, nlohmann::json next_retry_at);

  const vendor::Profile& profile_;
  std::uint64_t seed_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<WebhookSubscription> webhooks_;
  std::vector<Pending> queue_;  // unordered; the earliest due is found by scanning (queues stay small)
  std::deque<nlohmann::json> journal_;
  std::uint64_t counter_ = 0;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace gatecheck::mock
