#include "app.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>

#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/document.hpp>
#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/json_path.hpp>
#include <gatecheck/core/json_writer.hpp>
#include <gatecheck/core/redact.hpp>
#include <gatecheck/core/uri.hpp>
#include <gatecheck/core/utf8.hpp>

#include "control_number.hpp"
#include "generator.hpp"
#include "request_checks.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;

struct Route {
  std::string_view method;
  std::string_view path;  // under the base path; "models/*" takes the rest as an id
};
constexpr Route kRoutes[] = {
    {"POST", "chat/completions"},
    {"POST", "embeddings"},
    {"GET", "models"},
    {"GET", "models/*"},
};

std::optional<std::uint64_t> header_number(const Request& request, std::string_view name, std::uint64_t max) {
  const auto value = request.header(name);
  if (!value) return std::nullopt;
  const auto number = parse_control_number(*value, 0, max);
  if (!number) {
    throw Rejected{ApiError::invalid(std::string(name) + " must be a whole number from 0 to " +
                                         std::to_string(max) + ", got '" + std::string(*value) + "'",
                                     std::string(name), "invalid_header")};
  }
  return number;
}

// "sk-4sJHr***...***w8ZP": the API shows the first 8 and last 4 characters of a key it rejects.
std::string mask_like_the_api(std::string_view key) {
  if (key.size() <= 12) return std::string(key.size(), '*');
  return std::string(key.substr(0, 8)) + std::string(key.size() - 12, '*') +
         std::string(key.substr(key.size() - 4));
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string reset_value(vendor::ResetFormat format, double seconds, bool fault_past) {
  const auto now = std::chrono::system_clock::now();
  switch (format) {
    case vendor::ResetFormat::duration:
      return fault_past ? "0s" : format_duration(seconds);
    case vendor::ResetFormat::epoch_seconds: {
      const auto epoch = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
      return std::to_string(fault_past ? epoch - 60 : epoch + static_cast<std::int64_t>(std::ceil(seconds)));
    }
    case vendor::ResetFormat::seconds:
      return fault_past ? "0" : std::to_string(static_cast<std::int64_t>(std::ceil(seconds)));
    case vendor::ResetFormat::milliseconds:
      return fault_past ? "0" : std::to_string(static_cast<std::int64_t>(std::ceil(seconds * 1000)));
  }
  return "0s";
}

// `body()` parses the request body on first use: once per request however many stubs look at it.
template <typename ParsedBody>
bool stub_matches(const Stub& stub, const Request& request, ParsedBody&& body) {
  if (!stub.method.empty() && !core::iequals(stub.method, request.method)) return false;
  if (!stub.path.empty() && stub.path != request.path) return false;
  for (const auto& [name, value] : stub.headers) {
    const auto actual = request.header(name);
    if (!actual || *actual != value) return false;
  }
  if (!stub.body.empty()) {
    if (body().is_discarded()) return false;
    for (const auto& [path, expected] : stub.body) {
      const json* found = core::JsonPath::parse(path).find(body());
      if (found == nullptr || *found != expected) return false;
    }
  }
  return true;
}

// What a browser client may read: the request id, the retry hints and every header name the profile answers
// with.
std::string exposed_headers(const vendor::Profile& profile) {
  std::vector<std::string_view> kept;
  const auto keep = [&](std::string_view name) {
    const bool listed =
        std::any_of(kept.begin(), kept.end(), [&](auto other) { return core::iequals(other, name); });
    if (!name.empty() && !listed) kept.push_back(name);
  };
  const auto& limits = profile.rate_limits;
  keep("x-request-id");
  if (limits.retry_after) keep("retry-after");
  if (limits.retry_after_ms) keep("retry-after-ms");
  // Pointers, not copies: `kept` holds views into the profile.
  for (const std::string* name : {&limits.limit_requests, &limits.remaining_requests, &limits.reset_requests,
                                  &limits.limit_tokens, &limits.remaining_tokens, &limits.reset_tokens}) {
    keep(*name);
  }
  for (const auto& [name, value] : profile.response_headers)
    keep(name);
  std::string joined;
  for (const auto name : kept)
    joined.append(joined.empty() ? "" : ", ").append(name);
  return joined;
}

}  // namespace

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (core::iequals(key, name)) return value;
  }
  return std::nullopt;
}

void Reply::set_header(std::string name, std::string value) {
  for (auto& [key, existing] : headers) {
    if (core::iequals(key, name)) {
      existing = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

ApiError model_not_found(const std::string& model_id) {
  return ApiError{404,
                  "The model `" + model_id + "` does not exist or you do not have access to it.",
                  {},
                  nullptr,
                  "model_not_found",
                  {}};
}

// The redirect-answer fault: a 302 elsewhere, which no OpenAI client follows for a POST.
Reply redirect(const Request& request) {
  Reply reply;
  reply.status = 302;
  reply.headers.emplace_back("Location", std::string(request.path) + "-moved");
  return reply;
}

Reply json_reply(int status, std::string body) {
  Reply reply;
  reply.status = status;
  reply.body = std::move(body);
  reply.headers.emplace_back("Content-Type", "application/json");
  return reply;
}

App::App(const ServerOptions& options)
    : options_(options),
      limiter_(options.profile.rate_limits, options.max_tracked_keys),
      journal_(options.journal_size),
      log_(options.log_format, options.log),
      instance_(
          mix64(static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()))),
      keys_(options.keys,
            options.profile.key_prefixes.empty() ? "sk-" : options.profile.key_prefixes.front()),
      hooks_(options.profile, options.seed),
      exposed_headers_(exposed_headers(options.profile)) {
  for (std::size_t i = 0; i < options.stubs.size(); ++i)
    stub_hits_.push_back(std::make_unique<std::atomic<std::size_t>>(0));
}

std::int64_t App::now_seconds() const {
  if (options_.fixed_clock) return *options_.fixed_clock;
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Reply App::error_reply(const CallContext& context, const ApiError& error) {
  Reply reply;
  reply.status = context.faults.has(Fault::error_status_mismatch) ? 500 : error.status;
  if (context.faults.has(Fault::error_not_envelope)) {
    core::JsonWriter(reply.body)  // the writer, not a DOM: an echoed path may hold bytes that are not UTF-8
        .begin_object()
        .key("message")
        .value(error.message)
        .key("status")
        .value(error.status)
        .end_object();
  } else {
    reply.body = render_error(context.profile(), error, context.request_id);
  }
  reply.headers.emplace_back("Content-Type", "application/json");
  for (const auto& header : error.headers)
    reply.headers.push_back(header);
  return reply;
}

Reply App::handle(const Request& request) {
  const auto started = Clock::now();
  const std::uint64_t number = counter_.fetch_add(1, std::memory_order_relaxed);
  const std::string request_id = make_id("req_", instance_ ^ mix64(number), 24);
  CallContext context{request, options_, {}, request_id, now_seconds(), {}, 0};
  for (const auto& spec : options_.faults)
    context.faults.add(spec);
  std::string key;
  RateDecision decision;
  bool rated = false;
  Reply reply;
  try {
    if (const auto listed = request.header("x-gatecheck-fault")) {
      try {
        for (const auto& spec : parse_fault_list(*listed))
          context.faults.add(spec);
      } catch (const std::invalid_argument& e) {
        throw Rejected{ApiError::invalid(e.what(), "x-gatecheck-fault", "invalid_header")};
      }
    }
    const auto& profile = options_.profile;
    const auto first = header_number(request, "x-gatecheck-ttft-ms", kMaxControlMilliseconds);
    const auto between = header_number(request, "x-gatecheck-itl-ms", kMaxControlMilliseconds);
    context.timing.first_token = std::chrono::milliseconds(
        first.value_or(options_.time_to_first_token_ms.value_or(profile.time_to_first_token_ms)));
    context.timing.between_tokens =
        std::chrono::milliseconds(between.value_or(options_.inter_token_ms.value_or(profile.inter_token_ms)));
    reply = context.faults.has(Fault::redirect_answer) &&
                    request.path.starts_with(options_.profile.base_path + "/")
                ? redirect(request)
                : dispatch(context, key, decision, rated);
  } catch (const Rejected& rejected) {
    reply = error_reply(context, rejected.error);
  } catch (const std::exception& e) {
    // A bug must cost one request a 500, never the connection or the worker.
    reply = error_reply(context, ApiError{500,
                                          std::string("internal error in gatecheck mock: ") + e.what(),
                                          "server_error",
                                          nullptr,
                                          nullptr,
                                          {}});
  }
  decorate(context, reply, rated ? &decision : nullptr);
  if (context.faults.has(Fault::connection_reset)) reply.reset_connection = true;
  if (context.faults.has(Fault::slow_first_byte)) {
    reply.first_byte_delay =
        std::chrono::milliseconds(context.faults.parameter(Fault::slow_first_byte, 3000));
  }
  if (reply.stream) {
    if (context.faults.has(Fault::buffered_stream)) reply.buffered = true;
    if (context.faults.has(Fault::stream_cut))
      reply.cut_after_events = context.faults.parameter(Fault::stream_cut, 3);
  }
  reply.fault_names = context.faults.names();
  reply.key_hint = key.empty() ? "" : core::mask_secret(key);

  JournalEntry entry;
  entry.id = request_id;
  // The journal is served as JSON: bytes from the wire that are not UTF-8 are repaired once, here.
  entry.method =
      core::is_valid_utf8(request.method) ? std::string(request.method) : core::repair_utf8(request.method);
  entry.path =
      core::is_valid_utf8(request.path) ? std::string(request.path) : core::repair_utf8(request.path);
  entry.status = reply.status;
  entry.at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  entry.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  entry.key_hint = reply.key_hint;
  entry.faults = reply.fault_names;
  entry.stream = reply.stream != nullptr;
  log_.write(entry, request.remote);
  journal_.record(entry);
  return reply;
}

std::optional<Reply> App::stub(const Request& request) {
  std::optional<json> parsed;
  const auto body = [&]() -> const json& {
    if (!parsed) parsed = core::parse_untrusted_json(request.body, 128);
    return *parsed;
  };
  for (std::size_t i = 0; i < options_.stubs.size(); ++i) {
    const Stub& candidate = options_.stubs[i];
    if (candidate.responses.empty() || !stub_matches(candidate, request, body)) continue;
    const std::size_t hit = stub_hits_[i]->fetch_add(1);
    const auto& scripted = candidate.responses[std::min(hit, candidate.responses.size() - 1)];
    Reply reply;
    reply.status = scripted.status;
    reply.body = scripted.body;
    reply.headers = scripted.headers;
    bool typed = false;
    for (const auto& [name, value] : reply.headers)
      typed = typed || core::iequals(name, "content-type");
    if (!typed) reply.headers.emplace_back("Content-Type", "application/json");
    return reply;
  }
  return std::nullopt;
}

Reply App::dispatch(CallContext& context, std::string& key, RateDecision& decision, bool& rated) {
  const Request& request = context.request;
  const auto& profile = options_.profile;

  if (request.method == "OPTIONS" && request.header("origin") &&
      request.header("access-control-request-method")) {
    Reply reply;
    reply.status = 204;
    reply.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
    const auto asked = request.header("access-control-request-headers");
    reply.headers.emplace_back("Access-Control-Allow-Headers",
                               asked ? std::string(*asked) : "authorization, content-type, x-api-key");
    reply.headers.emplace_back("Access-Control-Max-Age", "86400");
    return reply;
  }
  if (request.path == "/health") return json_reply(200, R"({"status":"ok"})");
  if (request.path == "/admin" || request.path.starts_with("/admin/")) return admin(context);
  if (request.method == "GET")
    if (auto document = discovery_document(context)) return std::move(*document);
  if (auto scripted = stub(request)) return std::move(*scripted);
  if (request.body_too_large) {
    throw Rejected{
        ApiError{413,
                 "Request body too large: the limit is " + std::to_string(profile.max_body_bytes) + " bytes.",
                 {},
                 nullptr,
                 "request_too_large",
                 {}}};
  }

  const std::string prefix = profile.base_path + "/";
  const std::string_view path = request.path;
  const auto unknown = [&] {
    return Rejected{ApiError{404,
                             "Invalid URL (" + std::string(request.method) + " " + std::string(path) + ")",
                             {},
                             nullptr,
                             nullptr,
                             {}}};
  };
  if (!path.starts_with(prefix)) throw unknown();
  const std::string_view rest = path.substr(prefix.size());
  const Route* route = nullptr;
  std::string allowed;
  for (const auto& candidate : kRoutes) {
    const bool fits = candidate.path.ends_with("/*")
                          ? rest.starts_with(candidate.path.substr(0, candidate.path.size() - 1)) &&
                                rest.size() > candidate.path.size() - 1
                          : rest == candidate.path;
    if (!fits) continue;
    allowed += (allowed.empty() ? "" : ", ") + std::string(candidate.method);
    if (candidate.method == request.method) route = &candidate;
  }
  if (allowed.empty()) throw unknown();
  if (route == nullptr) {
    ApiError error{
        405,     "Invalid method for URL (" + std::string(request.method) + " " + std::string(path) + ")",
        {},      nullptr,
        nullptr, {{"Allow", allowed}}};
    throw Rejected{std::move(error)};
  }

  // Authentication, as the profile's schemes say.
  for (const auto& scheme : profile.auth) {
    const auto value = request.header(scheme.header);
    if (!value || value->empty()) continue;
    if (scheme.kind == vendor::AuthScheme::Kind::bearer) {
      if (value->size() > 7 && core::iequals(value->substr(0, 7), "bearer "))
        key = std::string(value->substr(7));
    } else {
      key = std::string(*value);
    }
    while (!key.empty() && key.back() == ' ')
      key.pop_back();
    if (!key.empty()) break;
  }
  if (key.empty()) throw Rejected{ApiError{401, profile.missing_key_message, {}, nullptr, nullptr, {}}};
  std::string plan;
  if (keys_.check(key, plan) != KeyRing::Verdict::accepted) {
    throw Rejected{ApiError{401,
                            replace_all(profile.invalid_key_message, "{key}", mask_like_the_api(key)),
                            {},
                            nullptr,
                            "invalid_api_key",
                            {}}};
  }

  // Rate limits, per key.
  decision = limiter_.admit(key, plan, Clock::now());
  rated = true;
  if (!decision.allowed) {
    const auto& claims = profile.rate_limits;
    const double wait = std::max(decision.retry_after_seconds, 0.001);
    std::string message = claims.error_message;
    std::string model = "this model";
    if (const json body = core::parse_untrusted_json(request.body, 128);
        body.is_object() && body.contains("model") && body["model"].is_string()) {
      model = body["model"].get<std::string>();
    }
    message = replace_all(message, "{model}", model);
    // The bucket that refused: requests per minute, per second, or tokens per minute. A refused request's
    // tokens are not counted yet; like OpenAI's own estimate, a token is about four bytes of the body.
    const bool tokens = decision.limited_by == "tokens";
    const std::uint64_t requested = tokens ? std::max<std::uint64_t>(1, (request.body.size() + 3) / 4) : 1;
    message = replace_all(message, "{bucket}", std::string(decision.refused_bucket));
    message = replace_all(message, "{limit}", std::to_string(decision.refused_limit));
    message = replace_all(message, "{used}", std::to_string(decision.refused_used));
    message = replace_all(message, "{requested}", std::to_string(requested));
    message = replace_all(message, "{retry_after}", format_duration(wait));
    ApiError error{429, message, tokens ? "tokens" : claims.error_type, nullptr, claims.error_code, {}};
    if (!context.faults.has(Fault::no_retry_after)) {
      if (claims.retry_after) {
        error.headers.emplace_back("Retry-After", std::to_string(static_cast<std::int64_t>(std::ceil(wait))));
      }
      if (claims.retry_after_ms) {
        error.headers.emplace_back("retry-after-ms",
                                   std::to_string(static_cast<std::int64_t>(std::ceil(wait * 1000))));
      }
    }
    throw Rejected{std::move(error)};
  }

  Reply reply;
  if (rest == "chat/completions") {
    reply = chat_completions_endpoint(context);
  } else if (rest == "embeddings") {
    reply = embeddings_endpoint(context);
  } else if (rest == "models") {
    reply = list_models_endpoint(context);
  } else {
    reply = retrieve_model_endpoint(context,
                                    core::percent_decode(rest.substr(std::string_view("models/").size())));
  }
  if (context.tokens_used > 0) limiter_.charge_tokens(key, plan, context.tokens_used, Clock::now(), decision);
  count_usage(context, key, reply);
  return reply;
}

void App::count_usage(const CallContext& context, const std::string& key, const Reply& reply) {
  if (reply.status >= 400) return;
  for (const auto& crossing : keys_.record(key, context.tokens_used)) {
    hooks_.emit("usage.threshold_reached",
                {{"key_hint", core::mask_secret(crossing.key)},
                 {"metric", crossing.metric},
                 {"threshold", crossing.threshold},
                 {"current", crossing.current}},
                now_seconds(), delivery_faults(context.faults));
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

void App::decorate(const CallContext& context, Reply& reply, const RateDecision* decision) {
  const auto& profile = options_.profile;
  // x-request-id and the rate-limit headers belong to the pipeline (endpoints never set them): appended, not
  // searched.
  reply.headers.reserve(reply.headers.size() + 8 + profile.response_headers.size());  // one allocation
  reply.headers.emplace_back("x-request-id", context.request_id);
  for (const auto& [name, value] : profile.response_headers) {
    reply.set_header(name, replace_all(value, "{trace_id}", context.request_id));
  }
  if (decision != nullptr && !context.faults.has(Fault::no_ratelimit_headers)) {
    const auto& names = profile.rate_limits;
    const bool stuck = context.faults.has(Fault::ratelimit_remaining_stuck);
    const bool past = context.faults.has(Fault::ratelimit_reset_past);
    if (!names.limit_requests.empty())
      reply.headers.emplace_back(names.limit_requests, std::to_string(decision->limit_requests));
    if (!names.remaining_requests.empty()) {
      reply.headers.emplace_back(
          names.remaining_requests,
          std::to_string(stuck ? decision->limit_requests : decision->remaining_requests));
    }
    if (!names.reset_requests.empty()) {
      reply.headers.emplace_back(names.reset_requests,
                                 reset_value(names.reset_format, decision->reset_requests_seconds, past));
    }
    if (decision->limit_tokens > 0) {
      if (!names.limit_tokens.empty())
        reply.headers.emplace_back(names.limit_tokens, std::to_string(decision->limit_tokens));
      if (!names.remaining_tokens.empty()) {
        reply.headers.emplace_back(
            names.remaining_tokens,
            std::to_string(stuck ? decision->limit_tokens : decision->remaining_tokens));
      }
      if (!names.reset_tokens.empty()) {
        reply.headers.emplace_back(names.reset_tokens,
                                   reset_value(names.reset_format, decision->reset_tokens_seconds, past));
      }
    }
  }
  if (const auto origin = context.request.header("origin")) {
    reply.set_header("Access-Control-Allow-Origin", std::string(*origin));
    reply.set_header("Vary", "Origin");
    reply.set_header("Access-Control-Expose-Headers", exposed_headers_);
  }
}

}  // namespace gatecheck::mock
