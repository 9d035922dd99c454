// A vendor profile: the claims file (schemas/profiles/<vendor>.yaml) that the mock serves and the runner
// checks. Format: docs/profile-format.md; JSON Schema: schemas/profile.schema.json, applied on load.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/core/document.hpp>

namespace gatecheck::vendor {

struct AuthScheme {
  enum class Kind { bearer, header };
  Kind kind = Kind::bearer;
  std::string header;  // Kind::header: the header carrying the key
};

struct RateLimitPlan {
  std::string name;
  std::uint64_t requests_per_minute = 0;
  std::uint64_t requests_per_second = 0;  // 0: no second window
  std::uint64_t tokens_per_minute = 0;    // 0: not limited by tokens
  std::uint64_t requests_per_month = 0;   // 0: no monthly quota
  std::set<std::string> features;         // what routing needs of a plan (eco, fallback)

  bool has(std::string_view feature) const { return features.count(std::string(feature)) > 0; }
};

enum class ResetFormat { duration, epoch_seconds, seconds, milliseconds };

struct RateLimitClaims {
  std::string limit_requests, remaining_requests, reset_requests;
  std::string limit_tokens, remaining_tokens, reset_tokens;  // empty: no token headers
  ResetFormat reset_format = ResetFormat::duration;
  bool retry_after = true;
  bool retry_after_ms = false;
  bool on_every_answer = false;  // refused keys' answers (401) carry the headers too
  std::string error_type;
  nlohmann::json error_code;  // string, integer or null
  std::string error_message;
  std::string default_plan;
  std::map<std::string, RateLimitPlan> plans;
};

struct ModelClaim {
  std::string id;
  std::string kind;  // chat, embedding, image, speech, transcription, moderation, completion
  std::string owned_by = "system";
  std::string provider;  // who serves it ({provider} in response headers); owned_by when not said
  std::int64_t created = 0;
  std::uint32_t context_window = 0;
  std::uint32_t dimensions = 0;
  bool fixed_dimensions = false;

  const std::string& served_by() const { return provider.empty() ? owned_by : provider; }
};

enum class ErrorEnvelope { openai, simplio, anthropic };

// What the vendor answers in a condition a client cannot cause (a provider down, a key without the scope):
// errors.conditions, reached in the mock by the fault of the same name.
struct ErrorCondition {
  int status = 500;
  std::string message;
  std::string type;  // empty: the profile's type for the status
  nlohmann::json code = nullptr;
  nlohmann::json param = nullptr;
};

// Idempotency-Key semantics: the same key and body within the ttl get the first answer again; the same key
// with another body gets mismatch_status.
struct IdempotencyClaims {
  std::string header;  // empty: not claimed
  std::uint32_t ttl_seconds = 300;
  int mismatch_status = 422;
};

// Which model answers: eco-mode sends some models' requests to a cheaper one unless the request opts out;
// a fallback model answers when the primary provider is down. Each needs its feature in the key's plan.
struct RoutingClaims {
  std::vector<std::string> eco_from;
  std::string eco_to, eco_opt_out_header, eco_feature = "eco";
  std::string fallback_to, fallback_feature = "fallback";
};

// How webhook deliveries are signed.
enum class SignatureScheme {
  none,
  hmac_sha256_hex,    // <header>: <prefix><hex HMAC-SHA256 of the raw body>, keyed by the whole secret
  standard_webhooks,  // webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC of
                      // id.timestamp.body>
};

struct WebhookClaims {
  SignatureScheme scheme = SignatureScheme::none;
  std::string header;                     // hmac_sha256_hex: e.g. X-SIMO-Signature
  std::string prefix;                     // hmac_sha256_hex: e.g. sha256=
  std::uint32_t tolerance_seconds = 300;  // standard_webhooks: the replay window
  std::vector<std::string> events;
  std::uint32_t attempts = 4;  // delivery attempts per event and webhook
  std::uint32_t initial_delay_ms = 200;
  double multiplier = 2;
};

struct Profile {
  std::string id;
  std::string name;
  std::string base_path;
  std::vector<AuthScheme> auth;
  std::vector<std::string> key_prefixes;
  std::string missing_key_message;
  std::string invalid_key_message;  // {key} becomes the masked key
  ErrorEnvelope envelope = ErrorEnvelope::openai;
  std::string fixed_error_type;                         // when the vendor uses one type for every error
  std::map<int, std::vector<std::string>> error_types;  // the first is sent; any is accepted
  std::map<std::string, ErrorCondition, std::less<>> error_conditions;  // as claimed; see condition()
  std::string unknown_model_message;  // {model}: the id asked for; empty: the API's wording
  nlohmann::json unknown_model_param = nullptr;
  nlohmann::json unknown_model_code = "model_not_found";
  IdempotencyClaims idempotency;
  RoutingClaims routing;
  std::vector<std::string> model_fields;  // vendor fields GET /models serves (context_window)
  RateLimitClaims rate_limits;
  std::vector<ModelClaim> models;
  std::map<std::string, std::string> model_roles;  // chat -> gpt-4o-mini
  std::set<std::string> capabilities;
  bool always_stream = false;
  std::uint32_t time_to_first_token_ms = 0;
  std::uint32_t inter_token_ms = 0;
  // gateway.added_latency_ms: what a gateway may add to the upstream's answer time (upstream.added-latency).
  std::uint32_t added_latency_p50_ms = 50;
  std::uint32_t added_latency_p99_ms = 250;
  std::size_t max_body_bytes = 2 * 1024 * 1024;
  double temperature_min = 0, temperature_max = 2;
  double top_p_min = 0, top_p_max = 1;
  double penalty_min = -2, penalty_max = 2;
  double n_min = 1, n_max = 128;
  std::size_t max_stop_sequences = 4;
  std::uint32_t default_max_tokens = 0;  // 0: the model's natural length
  std::string default_model;
  std::string default_voice;  // speech: the voice when a request names none (empty: voice is required)
  bool strict_parameters = true;
  WebhookClaims webhooks;
  bool key_rotation = false;                     // POST /admin/keys/rotate invalidates the old key at once
  std::vector<std::string> discovery_documents;  // /openapi.json, /llms.txt, /.well-known/...
  std::map<std::string, std::string> request_headers;
  std::vector<std::pair<std::string, std::string>> response_headers;
  nlohmann::json raw;  // the merged claims file as JSON ({{ profile.* }} in suites, webhooks, discovery)
  std::string source;  // where it came from
  // Its id, then the ids of the profiles it extends, nearest first (load_profile): a profile that extends a
  // vendor's is checked by that vendor's suite.
  std::vector<std::string> lineage;

  bool has(std::string_view capability) const { return capabilities.count(std::string(capability)) > 0; }
  const ModelClaim* find_model(std::string_view id) const;
  // The error `type` for a status under this profile's envelope (the one the mock sends).
  std::string error_type(int status) const;
  // Whether `type` is one the profile claims for the status (OpenAI's 429 is `requests`, `tokens` or
  // `insufficient_quota`); empty when the profile names none.
  std::vector<std::string> error_types_for(int status) const;
  // What the vendor answers in a named condition (upstream_down, server_error, ...): its claim, else the
  // default of docs/faults.md. Throws std::out_of_range for a name no fault reaches.
  ErrorCondition condition(std::string_view name) const;
};

// A bundled profile name ("openai", "simosphere") or the path of a claims file. Throws LoadError naming the
// file and line of anything that does not match schemas/profile.schema.json.
Profile load_profile(const std::string& name_or_path);
Profile parse_profile(const core::Document& document);
std::vector<std::string> bundled_profile_names();

}  // namespace gatecheck::vendor
