#include "webhook_hub.hpp"

#include <algorithm>
#include <cmath>

#include <gatecheck/core/crypto.hpp>
#include <gatecheck/net/http_client.hpp>

#include "generator.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Standard Webhooks keys are base64 after `whsec_`; the HMAC key is the decoded bytes.
std::string standard_key(const std::string& secret) {
  const std::string_view encoded = std::string_view(secret).substr(secret.starts_with("whsec_") ? 6 : 0);
  return core::base64_decode(encoded).value_or(std::string(encoded));
}

}  // namespace

std::vector<std::pair<std::string, std::string>> signature_headers(const vendor::WebhookClaims& claims,
                                                                   const std::string& secret,
                                                                   const std::string& event_id,
                                                                   std::int64_t timestamp,
                                                                   const std::string& body) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (claims.scheme == vendor::SignatureScheme::hmac_sha256_hex) {
    headers.emplace_back(claims.header, claims.prefix + core::hmac_sha256_hex(secret, body));
  } else if (claims.scheme == vendor::SignatureScheme::standard_webhooks) {
    const std::string stamp = std::to_string(timestamp);
    headers.emplace_back("webhook-id", event_id);
    headers.emplace_back("webhook-timestamp", stamp);
    headers.emplace_back(
        "webhook-signature",
        "v1," + core::hmac_sha256_base64(standard_key(secret), event_id + "." + stamp + "." + body));
  }
  return headers;
}

WebhookHub::WebhookHub(const vendor::Profile& profile, std::uint64_t seed) : profile_(profile), seed_(seed) {
  worker_ = std::thread([this] { run(); });
}

WebhookHub::~WebhookHub() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

WebhookSubscription WebhookHub::add(std::string url, std::vector<std::string> events, std::string description,
                                    std::int64_t now) {
  const std::lock_guard lock(mutex_);
  const std::uint64_t n = ++counter_;
  WebhookSubscription hook;
  hook.id = make_id("wh_", seed_ ^ mix64(n * 7 + 1), 16);
  hook.url = std::move(url);
  hook.events = std::move(events);
  hook.description = std::move(description);
  // 24 random bytes: a secret must not be guessable from the seed, unlike the mock's other identifiers.
  hook.secret = "whsec_" + core::base64_encode(core::random_bytes(24));
  hook.created_at = now;
  webhooks_.push_back(hook);
  return hook;
}

json WebhookHub::list() const {
  const std::lock_guard lock(mutex_);
  json data = json::array();
  for (const auto& hook : webhooks_) {
    data.push_back({{"id", hook.id},
                    {"object", "webhook"},
                    {"url", hook.url},
                    {"events", hook.events},
                    {"description", hook.description.empty() ? json(nullptr) : json(hook.description)},
                    {"created_at", hook.created_at}});
  }
  return {{"object", "list"}, {"data", std::move(data)}};
}

bool WebhookHub::remove(const std::string& id) {
  const std::lock_guard lock(mutex_);
  const auto it = std::find_if(webhooks_.begin(), webhooks_.end(), [&](const auto& h) { return h.id == id; });
  if (it == webhooks_.end()) return false;
  webhooks_.erase(it);
  std::erase_if(queue_, [&](const Pending& p) { return p.webhook_id == id; });  // pending retries are dropped
  return true;
}

std::string WebhookHub::emit(const std::string& type, json data, std::int64_t now,
                             const DeliveryFaults& faults) {
  std::unique_lock lock(mutex_);
  const std::uint64_t n = ++counter_;
  const std::string event_id = make_id("evt_", seed_ ^ mix64(n * 7 + 3), 24);
  if (faults.payload_invalid && data.is_object() && !data.empty()) data.erase(data.begin());
  const std::string body =
      json{{"id", event_id}, {"type", type}, {"created", now}, {"data", std::move(data)}}.dump();
  const auto due = Clock::now() + faults.late;
  for (const auto& hook : webhooks_) {
    if (std::find(hook.events.begin(), hook.events.end(), type) == hook.events.end()) continue;
    if (queue_.size() >= kMaxPending) {
      // Bounded: a receiver that never answers must not grow the queue without end. The drop is journalled.
      record(event_id, type, hook.id, hook.url, 0, nullptr, "dropped: the delivery queue is full", now,
             nullptr);
      continue;
    }
    queue_.push_back({due, event_id, type, hook.id, body, 1, faults});
  }
  lock.unlock();
  wake_.notify_all();
  return event_id;
}

json WebhookHub::deliveries(const std::string& webhook_id, const std::string& event_id,
                            std::size_t limit) const {
  const std::lock_guard lock(mutex_);
  json data = json::array();
  for (const auto& entry : journal_) {
    if (!webhook_id.empty() && entry["webhook_id"] != webhook_id) continue;
    if (!event_id.empty() && entry["event_id"] != event_id) continue;
    if (data.size() == limit) break;
    data.push_back(entry);
  }
  return {{"object", "list"}, {"data", std::move(data)}};
}

void WebhookHub::reset() {
  const std::lock_guard lock(mutex_);
  webhooks_.clear();
  queue_.clear();
  journal_.clear();
}

void WebhookHub::record(const std::string& event_id, const std::string& event_type,
                        const std::string& webhook_id, const std::string& url, int attempt, json status,
                        json error, std::int64_t now, json next_retry_at) {
  const std::uint64_t n = ++counter_;
  journal_.push_back({{"id", make_id("dlv_", seed_ ^ mix64(n * 7 + 5), 16)},
                      {"event_id", event_id},
                      {"event_type", event_type},
                      {"webhook_id", webhook_id},
                      {"url", url},
                      {"attempt", attempt},
                      {"status", std::move(status)},
                      {"error", std::move(error)},
                      {"delivered_at", now},
                      {"next_retry_at", std::move(next_retry_at)}});
  if (journal_.size() > kMaxJournal) journal_.pop_front();
}

void WebhookHub::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (queue_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const auto next = std::min_element(queue_.begin(), queue_.end(),
                                       [](const Pending& a, const Pending& b) { return a.due < b.due; });
    if (const auto due = next->due; due > Clock::now()) {
      // A copy: waiting unlocks the queue, and an event emitted meanwhile may move every element.
      wake_.wait_until(lock, due);
      continue;
    }
    Pending pending = std::move(*next);
    queue_.erase(next);
    lock.unlock();
    attempt(std::move(pending));
    lock.lock();
  }
}

void WebhookHub::attempt(Pending pending) {
  std::string url, secret;
  {
    const std::lock_guard lock(mutex_);
    const auto it = std::find_if(webhooks_.begin(), webhooks_.end(),
                                 [&](const auto& h) { return h.id == pending.webhook_id; });
    if (it == webhooks_.end()) return;  // deleted meanwhile
    url = it->url;
    secret = it->secret;
  }
  const auto& claims = profile_.webhooks;
  net::HttpRequest request{"POST", url, {{"Content-Type", "application/json"}}, pending.body};
  if (!pending.faults.no_signature) {
    const std::string signing_secret = pending.faults.wrong_secret ? secret + "-not-the-secret" : secret;
    for (auto& [name, value] :
         signature_headers(claims, signing_secret, pending.event_id, unix_now(), pending.body))
      request.headers.add(std::move(name), std::move(value));
  }
  if (pending.faults.tampered_body) {
    // The signature was computed over the original bytes; what arrives says something else.
    request.body = json::parse(pending.body).dump(1);
  }
  net::HttpClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(2'000);
  options.read_timeout = std::chrono::milliseconds(5'000);
  options.total_timeout = std::chrono::milliseconds(10'000);
  options.keep_alive = false;
  options.user_agent = "gatecheck-mock-webhooks";
  net::HttpClient client(options);
  const auto response = client.send(request);
  const bool delivered = !response.error && response.status >= 200 && response.status < 300;
  const bool retry =
      !delivered && !pending.faults.no_retry && pending.attempt < static_cast<int>(claims.attempts);
  const auto delay = std::chrono::milliseconds(
      static_cast<std::int64_t>(claims.initial_delay_ms * std::pow(claims.multiplier, pending.attempt - 1)));
  const std::int64_t now = unix_now();

  const std::lock_guard lock(mutex_);
  const json error =
      response.error
          ? json(std::string(net::to_string(response.error->kind)) + ": " + response.error->message)
      : delivered ? json(nullptr)
                  : json("HTTP " + std::to_string(response.status));
  record(pending.event_id, pending.event_type, pending.webhook_id, url, pending.attempt,
         response.status == 0 ? json(nullptr) : json(response.status), error, now,
         retry ? json(now + std::max<std::int64_t>(1, delay.count() / 1000)) : json(nullptr));
  if (retry) {
    pending.due = Clock::now() + delay;
    ++pending.attempt;
    queue_.push_back(std::move(pending));
    wake_.notify_all();
  }
}

DeliveryFaults delivery_faults(const FaultSet& faults) {
  DeliveryFaults out;
  out.wrong_secret = faults.has(Fault::webhook_wrong_secret);
  out.tampered_body = faults.has(Fault::webhook_tampered_body);
  out.no_signature = faults.has(Fault::webhook_no_signature);
  out.no_retry = faults.has(Fault::webhook_no_retry);
  out.payload_invalid = faults.has(Fault::webhook_payload_invalid);
  if (faults.has(Fault::webhook_late))
    out.late = std::chrono::milliseconds(faults.parameter(Fault::webhook_late, 3000));
  return out;
}

}  // namespace gatecheck::mock
