#include <algorithm>
#include <stdexcept>

#include <gatecheck/core/bundled.hpp>
#include <gatecheck/schema/format_check.hpp>
#include <gatecheck/vendor/profile.hpp>

namespace gatecheck::vendor {
namespace {

using nlohmann::json;

constexpr std::string_view kProfileFolder = "schemas/profiles/";
constexpr std::string_view kProfileSchema = "schemas/profile.schema.json";

// JSON Merge Patch (RFC 7386): objects merge member by member, null removes what `base` had, anything else
// in `child` replaces it.
void merge_into(json& base, const json& child) {
  if (!base.is_object() || !child.is_object()) {
    base = child;
    return;
  }
  for (const auto& [key, value] : child.items()) {
    if (value.is_null()) {
      base.erase(key);
    } else if (value.is_object()) {  // merged into what was there, or into nothing: nulls never stay
      if (!base.contains(key) || !base[key].is_object()) base[key] = json::object();
      merge_into(base[key], value);
    } else {
      base[key] = value;
    }
  }
}

core::Document read_profile_document(const std::string& name_or_path,
                                     const std::filesystem::path& relative_to) {
  std::filesystem::path path = name_or_path;
  if (path.is_relative() && !relative_to.empty()) path = relative_to / path;
  if (name_or_path.find('/') != std::string::npos || name_or_path.ends_with(".yaml") ||
      name_or_path.ends_with(".yml") || name_or_path.ends_with(".json")) {
    return core::load_document(path);
  }
  const std::string bundled_path = std::string(kProfileFolder) + name_or_path + ".yaml";
  if (const auto text = core::bundled_file(bundled_path)) return core::parse_yaml(*text, bundled_path);
  if (std::filesystem::is_regular_file(path)) return core::load_document(path);
  std::string known;
  for (const auto& name : bundled_profile_names())
    known += (known.empty() ? "" : ", ") + name;
  throw core::LoadError(
      name_or_path, {},
      "unknown profile '" + name_or_path + "' (bundled: " + known + "; or give the path of a claims file)");
}

// The document with every `extends` applied, its own claims winning.
// `bases` gets the ids of the profiles it extends, farthest first.
core::Document resolve_extends(core::Document document, int depth, std::vector<std::string>& bases) {
  const auto base_name = document.value.find("extends");
  if (base_name == document.value.end()) return document;
  if (!base_name->is_string()) {
    throw core::LoadError(document.source.file(), document.source.value_at("/extends"),
                          "extends must be a profile name");
  }
  if (depth > 8) throw core::LoadError(document.source.file(), {}, "profiles extend each other in a cycle");
  const auto parent_dir = std::filesystem::path(document.source.file()).parent_path();
  core::Document base =
      resolve_extends(read_profile_document(base_name->get<std::string>(), parent_dir), depth + 1, bases);
  json merged = std::move(base.value);
  if (const auto id = merged.find("profile"); id != merged.end() && id->is_string())
    bases.push_back(id->get<std::string>());
  merged.erase("profile");
  merge_into(merged, document.value);
  merged.erase("extends");
  document.value = std::move(merged);
  return document;
}

std::pair<double, double> range_of(const json& limits, const char* key, std::pair<double, double> fallback) {
  const auto it = limits.find(key);
  if (it == limits.end()) return fallback;
  return {(*it)[0].get<double>(), (*it)[1].get<double>()};
}

std::string string_of(const json& object, const char* key, std::string fallback = {}) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace

const ModelClaim* Profile::find_model(std::string_view model_id) const {
  for (const auto& model : models) {
    if (model.id == model_id) return &model;
  }
  return nullptr;
}

std::string Profile::error_type(int status) const {
  if (!fixed_error_type.empty()) return fixed_error_type;
  if (const auto it = error_types.find(status); it != error_types.end()) return it->second.front();
  return status >= 500 ? "server_error" : "invalid_request_error";
}

std::vector<std::string> Profile::error_types_for(int status) const {
  if (!fixed_error_type.empty()) return {fixed_error_type};
  if (const auto it = error_types.find(status); it != error_types.end()) return it->second;
  return {};
}

namespace {

// The conditions a fault can bring about, with what a vendor that claims nothing answers (docs/faults.md).
struct ConditionDefault {
  std::string_view name;
  int status;
  std::string_view message;
};
constexpr ConditionDefault kConditions[] = {
    {"upstream_down", 502, "The upstream provider is unavailable. Please try again later."},
    {"upstreams_down", 503, "All upstream providers are unavailable. Please try again later."},
    {"server_error", 500, "The server had an error while processing your request. Sorry about that!"},
    {"forbidden", 403, "This API key is not allowed to make this request."},
    {"payment_required", 402, "Payment required: the account has no credit left."},
    {"no_provider_keys", 422, "No provider API keys are configured for this account."},
};

}  // namespace

ErrorCondition Profile::condition(std::string_view which) const {
  if (const auto it = error_conditions.find(which); it != error_conditions.end()) return it->second;
  for (const auto& known : kConditions)
    if (known.name == which)
      return ErrorCondition{known.status, std::string(known.message), {}, nullptr, nullptr};
  throw std::out_of_range("no condition named " + std::string(which));
}

std::vector<std::string> bundled_profile_names() {
  std::vector<std::string> names;
  for (const auto& path : core::bundled_files_under(kProfileFolder)) {
    if (!path.ends_with(".yaml")) continue;
    names.push_back(path.substr(kProfileFolder.size(), path.size() - kProfileFolder.size() - 5));
  }
  return names;
}

Profile load_profile(const std::string& name_or_path) {
  std::vector<std::string> bases;
  Profile profile = parse_profile(resolve_extends(read_profile_document(name_or_path, {}), 0, bases));
  profile.lineage.assign(bases.rbegin(), bases.rend());
  profile.lineage.insert(profile.lineage.begin(), profile.id);
  return profile;
}

namespace {

void read_auth(const json& v, Profile& p) {
  const json& auth = v.at("auth");
  for (const auto& scheme : auth.at("schemes")) {
    AuthScheme s;
    s.kind = scheme.at("type") == "header" ? AuthScheme::Kind::header : AuthScheme::Kind::bearer;
    s.header = s.kind == AuthScheme::Kind::header ? scheme.at("header").get<std::string>() : "Authorization";
    p.auth.push_back(std::move(s));
  }
  p.key_prefixes = auth.value("key_prefixes", std::vector<std::string>{});
  const json messages = auth.value("messages", json::object());
  p.missing_key_message = string_of(messages, "missing", "No API key provided.");
  p.invalid_key_message = string_of(messages, "invalid", "Incorrect API key provided: {key}.");
}

void read_errors(const json& v, Profile& p) {
  const json& errors = v.at("errors");
  const std::string envelope = errors.at("envelope").get<std::string>();
  p.envelope = envelope == "simplio"     ? ErrorEnvelope::simplio
               : envelope == "anthropic" ? ErrorEnvelope::anthropic
                                         : ErrorEnvelope::openai;
  p.fixed_error_type = string_of(errors, "type");
  const json types = errors.value("types", json::object());
  for (const auto& [status, type] : types.items()) {
    p.error_types[std::stoi(status)] = type.is_array() ? type.get<std::vector<std::string>>()
                                                       : std::vector<std::string>{type.get<std::string>()};
  }
  const json conditions = errors.value("conditions", json::object());
  for (const auto& [name, claim] : conditions.items()) {
    const std::string fallback_message = p.condition(name).message;  // the default, before the claim is in
    p.error_conditions[name] =
        ErrorCondition{claim.at("status").get<int>(), string_of(claim, "message", fallback_message),
                       string_of(claim, "type"), claim.value("code", json()), claim.value("param", json())};
  }
  const json unknown = errors.value("unknown_model", json::object());
  p.unknown_model_message = string_of(unknown, "message");
  p.unknown_model_param = unknown.value("param", json());
  p.unknown_model_code = unknown.value("code", json("model_not_found"));
}

void read_rate_limits(const json& v, Profile& p, const core::Document& document) {
  const json limits_doc = v.value("rate_limits", json::object());
  const json headers = limits_doc.value("headers", json::object());
  auto& rl = p.rate_limits;
  rl.limit_requests = string_of(headers, "limit_requests");
  rl.remaining_requests = string_of(headers, "remaining_requests");
  rl.reset_requests = string_of(headers, "reset_requests");
  rl.limit_tokens = string_of(headers, "limit_tokens");
  rl.remaining_tokens = string_of(headers, "remaining_tokens");
  rl.reset_tokens = string_of(headers, "reset_tokens");
  const std::string reset_format = string_of(headers, "reset_format", "duration");
  rl.reset_format = reset_format == "epoch_seconds"  ? ResetFormat::epoch_seconds
                    : reset_format == "seconds"      ? ResetFormat::seconds
                    : reset_format == "milliseconds" ? ResetFormat::milliseconds
                                                     : ResetFormat::duration;
  rl.retry_after = limits_doc.value("retry_after", true);
  rl.retry_after_ms = limits_doc.value("retry_after_ms", false);
  rl.on_every_answer = limits_doc.value("on_every_answer", false);
  const json limit_error = limits_doc.value("error", json::object());
  rl.error_type = string_of(limit_error, "type", p.error_type(429));
  rl.error_code = limit_error.value("code", json("rate_limit_exceeded"));
  rl.error_message =
      string_of(limit_error, "message", "Rate limit reached. Please try again in {retry_after}.");
  const json plans = limits_doc.value("plans", json::object());
  for (const auto& [name, plan] : plans.items()) {
    RateLimitPlan rp;
    rp.name = name;
    rp.requests_per_minute = plan.value("requests_per_minute", std::uint64_t{0});
    rp.requests_per_second = plan.value("requests_per_second", std::uint64_t{0});
    rp.tokens_per_minute = plan.value("tokens_per_minute", std::uint64_t{0});
    rp.requests_per_month = plan.value("requests_per_month", std::uint64_t{0});
    for (const auto& feature : plan.value("features", json::array()))
      rp.features.insert(feature.get<std::string>());
    rl.plans.emplace(name, rp);
  }
  rl.default_plan = string_of(limits_doc, "default_plan", rl.plans.empty() ? "" : rl.plans.begin()->first);
  if (!rl.default_plan.empty() && rl.plans.count(rl.default_plan) == 0) {
    throw core::LoadError(document.source.file(), document.source.value_at("/rate_limits/default_plan"),
                          "default_plan '" + rl.default_plan + "' is not one of the plans");
  }
}

void read_models(const json& v, Profile& p, const core::Document& document) {
  const json& models = v.at("models");
  for (const auto& model : models.at("catalog")) {
    ModelClaim m;
    m.id = model.at("id").get<std::string>();
    m.kind = model.at("kind").get<std::string>();
    m.owned_by = model.value("owned_by", "system");
    m.provider = model.value("provider", "");
    m.created = model.value("created", std::int64_t{1700000000});
    m.context_window = model.value("context_window", 0u);
    m.dimensions = model.value("dimensions", 0u);
    m.fixed_dimensions = model.value("fixed_dimensions", false);
    p.models.push_back(std::move(m));
  }
  p.model_fields = models.value("fields", std::vector<std::string>{});
  for (const auto& [role, model] : models.items()) {
    if (role == "catalog" || role == "fields") continue;
    if (p.find_model(model.get<std::string>()) == nullptr) {
      throw core::LoadError(
          document.source.file(), document.source.value_at("/models/" + role),
          "models." + role + " names '" + model.get<std::string>() + "', which is not in models.catalog");
    }
    p.model_roles[role] = model.get<std::string>();
  }
}

// Every model routing names must be in the catalog: a typo would otherwise answer as an unknown model.
void read_routing(const json& v, Profile& p, const core::Document& document) {
  const json routing = v.value("routing", json::object());
  const auto fail = [&](const std::string& pointer, const std::string& message) {
    throw core::LoadError(document.source.file(), document.source.value_at(pointer), message);
  };
  const auto known = [&](const std::string& id, const std::string& pointer) {
    const ModelClaim* model = p.find_model(id);
    if (model == nullptr) fail(pointer, "routing names '" + id + "', which is not in models.catalog");
    if (model->kind != "chat") fail(pointer, "routing names '" + id + "', which is not a chat model");
    return id;
  };
  // A feature no plan has would switch the routing off for every key, silently.
  const auto offered = [&](const std::string& feature, const std::string& pointer) {
    for (const auto& [name, plan] : p.rate_limits.plans)
      if (plan.has(feature)) return feature;
    fail(pointer, "routing needs the plan feature '" + feature + "', which no rate_limits plan has");
    return feature;
  };
  if (const auto eco = routing.find("eco"); eco != routing.end()) {
    const auto from = eco->at("from");
    for (std::size_t i = 0; i < from.size(); ++i)
      p.routing.eco_from.push_back(
          known(from[i].get<std::string>(), "/routing/eco/from/" + std::to_string(i)));
    p.routing.eco_to = known(eco->at("to").get<std::string>(), "/routing/eco/to");
    p.routing.eco_opt_out_header = string_of(*eco, "opt_out_header");
    p.routing.eco_feature = offered(string_of(*eco, "feature", "eco"), "/routing/eco");
  }
  if (const auto fallback = routing.find("fallback"); fallback != routing.end()) {
    p.routing.fallback_to = known(fallback->at("to").get<std::string>(), "/routing/fallback/to");
    p.routing.fallback_feature = offered(string_of(*fallback, "feature", "fallback"), "/routing/fallback");
  }
  const json idempotency = v.value("idempotency", json::object());
  p.idempotency.header = string_of(idempotency, "header");
  p.idempotency.ttl_seconds = idempotency.value("ttl_seconds", p.idempotency.ttl_seconds);
  p.idempotency.mismatch_status = idempotency.value("mismatch_status", p.idempotency.mismatch_status);
}

void read_limits(const json& v, Profile& p) {
  const json limits = v.value("limits", json::object());
  p.max_body_bytes = limits.value("max_body_bytes", p.max_body_bytes);
  std::tie(p.temperature_min, p.temperature_max) = range_of(limits, "temperature", {0, 2});
  std::tie(p.top_p_min, p.top_p_max) = range_of(limits, "top_p", {0, 1});
  std::tie(p.penalty_min, p.penalty_max) = range_of(limits, "penalties", {-2, 2});
  std::tie(p.n_min, p.n_max) = range_of(limits, "n", {1, 128});
  p.max_stop_sequences = limits.value("max_stop_sequences", std::size_t{4});
  p.default_max_tokens = limits.value("default_max_tokens", 0u);
  p.default_model = string_of(limits, "default_model");
  p.default_voice = string_of(limits, "default_voice");
  p.strict_parameters = limits.value("strict_parameters", true);
}

void read_webhooks(const json& v, Profile& p) {
  const json webhooks = v.value("webhooks", json::object());
  const json signature = webhooks.value("signature", json::object());
  const std::string scheme = string_of(signature, "scheme");
  p.webhooks.scheme = scheme == "hmac-sha256-hex"     ? SignatureScheme::hmac_sha256_hex
                      : scheme == "standard-webhooks" ? SignatureScheme::standard_webhooks
                                                      : SignatureScheme::none;
  p.webhooks.header = string_of(signature, "header", "X-Signature");
  p.webhooks.prefix = string_of(signature, "prefix");
  p.webhooks.tolerance_seconds = signature.value("tolerance_seconds", 300u);
  p.webhooks.events = webhooks.value("events", std::vector<std::string>{});
  const json retry = webhooks.value("retry", json::object());
  p.webhooks.attempts = retry.value("attempts", 4u);
  p.webhooks.initial_delay_ms = retry.value("initial_delay_ms", 200u);
  p.webhooks.multiplier = retry.value("multiplier", 2.0);
}

}  // namespace

Profile parse_profile(const core::Document& document) {
  schema::check_against_format(document, kProfileSchema);
  const json& v = document.value;
  Profile p;
  p.raw = v;
  p.source = document.source.file();
  p.id = v.at("profile").get<std::string>();
  p.name = string_of(v, "name", p.id);
  p.base_path = v.at("base_path").get<std::string>();

  read_auth(v, p);
  read_errors(v, p);
  read_rate_limits(v, p, document);
  read_models(v, p, document);
  read_routing(v, p, document);
  for (const auto& capability : v.at("capabilities"))
    p.capabilities.insert(capability.get<std::string>());

  const json streaming = v.value("streaming", json::object());
  p.always_stream = streaming.value("always", false);
  p.time_to_first_token_ms = streaming.value("time_to_first_token_ms", 0u);
  p.inter_token_ms = streaming.value("inter_token_ms", 0u);
  const json added = v.value("gateway", json::object()).value("added_latency_ms", json::object());
  p.added_latency_p50_ms = added.value("p50", p.added_latency_p50_ms);
  p.added_latency_p99_ms = added.value("p99", p.added_latency_p99_ms);

  read_limits(v, p);
  read_webhooks(v, p);
  p.key_rotation = v.value("keys", json::object()).value("rotation", false);
  p.discovery_documents = v.value("discovery", json::object()).value("documents", std::vector<std::string>{});

  const json request_headers = v.value("request_headers", json::object());
  for (const auto& [name, value] : request_headers.items()) {
    p.request_headers[name] = value.get<std::string>();
  }
  const json response_headers = v.value("response_headers", json::object());
  for (const auto& [name, value] : response_headers.items()) {
    p.response_headers.emplace_back(name, value.get<std::string>());
  }
  return p;
}

}  // namespace gatecheck::vendor
