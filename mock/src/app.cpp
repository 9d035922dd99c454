#include "app.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <nlohmann/json.hpp>

#include <gatecheck/core/duration.hpp>
#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/json_writer.hpp>
#include <gatecheck/core/redact.hpp>
#include <gatecheck/core/utf8.hpp>
#include <gatecheck/schema/format_check.hpp>

#include "admin_api.hpp"
#include "generator.hpp"
#include "routes.hpp"
#include "stub_play.hpp"
#include "text.hpp"

namespace gatecheck::mock {

using nlohmann::json;
namespace {

std::string reset_value(vendor::ResetFormat format, double seconds, bool fault_past) {
  const auto now = std::chrono::system_clock::now();
  switch (format) {
    case vendor::ResetFormat::duration:
      return fault_past ? "0s" : core::format_go_duration(seconds);
    case vendor::ResetFormat::epoch_seconds: {
      // The reset instant rounded up to a whole second: never before the window is full again.
      const double epoch = std::chrono::duration<double>(now.time_since_epoch()).count();
      return std::to_string(static_cast<std::int64_t>(fault_past ? epoch - 60 : std::ceil(epoch + seconds)));
    }
    case vendor::ResetFormat::seconds:
      return fault_past ? "0" : std::to_string(static_cast<std::int64_t>(std::ceil(seconds)));
    case vendor::ResetFormat::milliseconds:
      return fault_past ? "0" : std::to_string(static_cast<std::int64_t>(std::ceil(seconds * 1000)));
  }
  return "0s";
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

Reply preflight(const Request& request) {
  Reply reply;
  reply.status = 204;
  reply.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
  const auto asked = request.header("access-control-request-headers");
  reply.headers.emplace_back("Access-Control-Allow-Headers",
                             asked ? std::string(*asked) : "authorization, content-type, x-api-key");
  reply.headers.emplace_back("Access-Control-Max-Age", "86400");
  return reply;
}

// The redirect-answer fault: a 302 elsewhere, which no OpenAI client follows for a POST.
Reply redirect(const Request& request) {
  Reply reply;
  reply.status = 302;
  reply.headers.emplace_back("Location", std::string(request.path) + "-moved");
  return reply;
}

ApiError too_large(const vendor::Profile& profile) {
  return ApiError{
      413,
      "Request body too large: the limit is " + std::to_string(profile.max_body_bytes) + " bytes.",
      {},
      nullptr,
      "request_too_large",
      {}};
}

// The rate-limit headers the profile names, from the key's buckets (faults may freeze or backdate them).
void add_rate_limit_headers(const vendor::RateLimitClaims& names, const RateDecision& decision,
                            const FaultSet& faults, Reply& reply) {
  const bool stuck = faults.has(Fault::ratelimit_remaining_stuck);
  const bool past = faults.has(Fault::ratelimit_reset_past);
  const auto add = [&](const std::string& name, std::string value) {
    if (!name.empty()) reply.headers.emplace_back(name, std::move(value));
  };
  if (faults.has(Fault::ratelimit_other_convention)) {  // IETF structured fields, which no profile claims
    const auto remaining = stuck ? decision.limit_requests : decision.remaining_requests;
    add("RateLimit", "\"requests\";r=" + std::to_string(remaining) + ";t=" +
                         reset_value(vendor::ResetFormat::seconds, decision.reset_requests_seconds, past));
    add("RateLimit-Policy", "\"requests\";q=" + std::to_string(decision.limit_requests) + ";w=60");
    return;
  }
  add(names.limit_requests, std::to_string(decision.limit_requests));
  add(names.remaining_requests,
      std::to_string(stuck ? decision.limit_requests : decision.remaining_requests));
  add(names.reset_requests, reset_value(names.reset_format, decision.reset_requests_seconds, past));
  if (decision.limit_tokens == 0) return;
  add(names.limit_tokens, std::to_string(decision.limit_tokens));
  add(names.remaining_tokens, std::to_string(stuck ? decision.limit_tokens : decision.remaining_tokens));
  add(names.reset_tokens, reset_value(names.reset_format, decision.reset_tokens_seconds, past));
}

// What a runner cannot see through a gateway: which of its controls arrived, and how a stream is paced
// (whatever set the pace: a header, the server's options or the profile), so that buffering can be told
// from a producer that sends everything at once.
void add_control_report(const Controls& controls, Reply& reply) {
  if (reply.scripted) return;  // a stub says what it was scripted to say, and nothing about controls
  // Always sent ("none" when no control arrived): its absence then means a gateway dropped the report.
  reply.headers.emplace_back("x-gatecheck-honoured", controls.honoured.empty() ? "none" : controls.honoured);
  if (!reply.stream) return;
  const auto ms = [](std::chrono::microseconds value) { return value.count() / 1000; };
  reply.headers.emplace_back(
      std::string(kPacingHeader),
      pacing_announcement(ms(controls.timing.first_token), ms(controls.timing.between_tokens)));
}

// Transport faults act in the server, after the answer is composed.
void add_transport_faults(const FaultSet& faults, Reply& reply) {
  if (faults.has(Fault::connection_reset)) reply.reset_connection = true;
  if (faults.has(Fault::slow_first_byte))
    reply.first_byte_delay = std::chrono::milliseconds(faults.parameter(Fault::slow_first_byte, 3000));
  if (!reply.stream) return;
  if (faults.has(Fault::buffered_stream)) reply.buffered = true;
  if (faults.has(Fault::stream_bursts)) {
    reply.buffered = true;
    reply.flush_every = std::chrono::milliseconds(faults.parameter(Fault::stream_bursts, 100));
  }
  if (faults.has(Fault::stream_cut)) reply.cut_after_events = faults.parameter(Fault::stream_cut, 3);
}

// The configured stubs, checked against their format and compiled once.
std::vector<std::shared_ptr<const CompiledStub>> configured_stubs(const ServerOptions& options,
                                                                  const schema::CompiledSchema& format) {
  std::vector<std::shared_ptr<const CompiledStub>> stubs;
  for (std::size_t i = 0; i < options.stubs.size(); ++i)
    stubs.push_back(read_stub(options.stubs[i], format, "stubs/" + std::to_string(i)));
  return stubs;
}

// --proxy: what a request no stub and no recording answers falls to, compiled as a stub would be.
std::shared_ptr<const CompiledStub> proxy_stub(const ServerOptions& options,
                                               const schema::CompiledSchema& format) {
  if (options.proxy_url.empty()) return nullptr;
  return read_stub({{"id", "proxy"},
                    {"name", "--proxy " + options.proxy_url},
                    {"request", json::object()},
                    {"response", {{"proxy", {{"url", options.proxy_url}}}}}},
                   format, "--proxy");
}

// What the journal masks when it serves what arrived: the accepted keys, the admin token, and the profile's
// key headers besides the usual credential headers.
core::Redactor journal_redactor(const ServerOptions& options) {
  core::Redactor redactor;
  for (const auto& key : options.keys)
    redactor.add_secret(key.key);
  redactor.add_secret(options.admin_token);
  for (const auto& scheme : options.profile.auth)
    if (!scheme.header.empty()) redactor.add_sensitive_header(scheme.header);
  return redactor;
}

// A stub's answer speaks for itself: the pipeline adds a header it did not set, never replaces one.
void add_header(Reply& reply, bool scripted, std::string name, std::string value) {
  if (!scripted) {
    reply.set_header(std::move(name), std::move(value));
    return;
  }
  if (!reply.has_header(name)) reply.headers.emplace_back(std::move(name), std::move(value));
}

constexpr std::size_t kMaxIdempotencyKey = 255;  // as Stripe's; the store keeps a digest either way

// A fresh Idempotency-Key is in flight until its answer is kept; a request that fails or throws gives it up,
// so that the client may try again with it.
class PendingKey {
 public:
  PendingKey(IdempotencyStore& store, IdempotencyStore::Scope scope) : store_(store), scope_(scope) {}
  PendingKey(const PendingKey&) = delete;
  PendingKey& operator=(const PendingKey&) = delete;
  ~PendingKey() {
    if (!kept_) store_.forget(scope_);
  }
  void keep(const CallContext& context) {
    store_.remember(scope_, {context.request_id, context.created,
                             context.served_model ? context.served_model->id : std::string(),
                             context.fallback, context.controls});
    kept_ = true;
  }

 private:
  IdempotencyStore& store_;
  IdempotencyStore::Scope scope_;
  bool kept_ = false;
};

// The profile's response headers, filled in for this answer: {trace_id} the request id, {model} and
// {provider} what served it, {fallback} whether a fallback did. A header that says something of the model is
// left off answers that served none (an error before routing, the catalogue).
void add_profile_headers(const CallContext& context, const std::string& trace_id, Reply& reply) {
  const vendor::ModelClaim* served = context.served_model;
  for (const auto& [name, value] : context.profile().response_headers) {
    if (value.find('{') == std::string::npos) {
      add_header(reply, reply.scripted, name, value);
      continue;
    }
    const bool names_model = value.find("{model}") != std::string::npos ||
                             value.find("{provider}") != std::string::npos ||
                             value.find("{fallback}") != std::string::npos;
    if (names_model && served == nullptr) continue;
    add_header(reply, reply.scripted, name,
               fill_placeholders(value, {{"{trace_id}", trace_id},
                                         {"{model}", served ? served->id : ""},
                                         {"{provider}", served ? served->served_by() : ""},
                                         {"{fallback}", context.fallback ? "true" : "false"}}));
  }
}

}  // namespace

App::App(const ServerOptions& options)
    : options_(options),
      stub_format_(schema::compile_format("schemas/stub.schema.json")),
      redactor_(journal_redactor(options)),
      state_(options, configured_stubs(options, stub_format_)),
      proxy_(proxy_stub(options, stub_format_)),
      log_(options.log_format, options.log),
      instance_(
          mix64(static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()))),
      exposed_headers_(exposed_headers(options.profile)),
      api_prefix_(options.profile.base_path + "/") {}

std::int64_t App::now_seconds() const {
  if (options_.fixed_clock) return *options_.fixed_clock;
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Reply App::error_reply(const CallContext& context, const ApiError& error) const {
  Reply reply;
  reply.status = context.faults().has(Fault::error_status_mismatch) ? 500 : error.status;
  if (context.faults().has(Fault::error_not_envelope)) {
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
    if (!(context.faults().has(Fault::no_allow_on_405) && core::iequals(header.first, "allow")))
      reply.headers.push_back(header);
  return reply;
}

Reply App::handle(const Request& request) {
  const auto started = Clock::now();
  const std::uint64_t number = counter_.fetch_add(1, std::memory_order_relaxed);
  CallContext context{.request = request,
                      .options = options_,
                      .request_id = make_id("req_", instance_ ^ mix64(number), 24),
                      .created = now_seconds()};
  context.controls.faults = server_faults(options_);
  std::optional<Admission> admission;
  Reply reply;
  try {
    read_controls(request, options_, context.controls);
    reply = serve(context, admission);
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
  // A vendor whose every answer carries the rate-limit headers reports a refused key's untouched window.
  if (admission && !admission->rated && options_.profile.rate_limits.on_every_answer) {
    admission->decision = state_.limiter.full_window(admission->plan);
    admission->rated = true;
  }
  compose(context, reply, admission ? &*admission : nullptr);
  reply.key_hint = admission && !admission->key.empty() ? core::mask_secret(admission->key) : "";
  record(context, reply, started);
  return reply;
}

// Answers that come before routing: they need no key and touch no bucket.
std::optional<Reply> App::front_door(CallContext& context) {
  const Request& request = context.request;
  // The redirect-answer fault answers before anything else under the base path, as a redirecting proxy would.
  if (context.faults().has(Fault::redirect_answer) && request.path.starts_with(api_prefix_))
    return redirect(request);
  if (request.method == "OPTIONS" && request.header("origin") &&
      request.header("access-control-request-method"))
    return preflight(request);
  if (request.path == "/health") return json_reply(200, R"({"status":"ok"})");
  if (is_admin_path(request.path))
    return admin_api(AdminCall{context, state_, now_seconds(), stub_format_, redactor_});
  // Before any stub: a proxying stub would forward the body the server did not read.
  if (request.body_too_large) {
    if (auto replayed = play_recording(context)) return replayed;  // a recorded 413 for it, if there is one
    throw Rejected{too_large(options_.profile)};
  }
  if (auto scripted = play_stub(context)) return scripted;
  if (auto replayed = play_recording(context)) return replayed;
  if (proxy_) return mock::play_stub(StubHit{proxy_, 0, {}}, RequestView(request), context, state_.proxies);
  if (request.method == "GET")
    if (auto document = discovery_document(context)) return document;
  // A defect on purpose: a server that chokes on JSON escapes (\" \\ \n \uXXXX) in any prompt.
  if (context.faults().has(Fault::escaping_breaks) && request.body.find('\\') != std::string_view::npos)
    throw Rejected{ApiError{
        500, "The server had an error while processing your request.", "server_error", nullptr, nullptr, {}}};
  return std::nullopt;
}

// The stub that matches answers (or hands the endpoint its answer); in strict mode a request under the base
// path that none matches is a 404 naming the nearest stubs. No stubs and not strict: one atomic load.
std::optional<Reply> App::play_stub(CallContext& context) {
  if (state_.stubs.empty() && !options_.strict_stubs) return std::nullopt;
  // With recordings or a proxy behind the stubs, strictness is theirs: an unmatched request goes on to them.
  const bool strict = options_.strict_stubs && !state_.replay.enabled() && !proxy_;
  const RequestView view(context.request);
  if (const auto hit = state_.stubs.match(view)) return mock::play_stub(*hit, view, context, state_.proxies);
  if (strict && context.request.path.starts_with(api_prefix_))
    return no_stub_matched(context, state_.stubs.near_misses(view, 3), redactor_);
  return std::nullopt;
}

// The recording that matches answers as recorded; in strict replay a request under the base path that none
// matches is a 404 naming the nearest recording and how it differs.
std::optional<Reply> App::play_recording(CallContext& context) {
  if (!state_.replay.enabled()) return std::nullopt;
  if (const auto* recording = state_.replay.match(context.request)) {
    context.stub_id = "replay " + recording->origin;  // the journal says which recording answered
    const auto host = context.request.header("host");
    return replay_reply(*recording, state_.replay.options().speed,
                        host ? "http://" + std::string(*host) : std::string());
  }
  // Unmatched: on to the proxy (a recording proxy recording what is new), the generated answers when told
  // to fall through, else a 404.
  if (proxy_ || state_.replay.options().fallthrough || !context.request.path.starts_with(api_prefix_) ||
      context.request.body_too_large)
    return std::nullopt;
  std::string message = "No recording matches " + core::repair_utf8(context.request.method) + " " +
                        core::repair_utf8(context.request.path) + ".";
  json near = nullptr;
  if (const auto nearest = state_.replay.nearest(context.request)) {
    // What the client sent is quoted only through the redactor, as everywhere the mock echoes a request.
    const std::string difference = core::repair_utf8(redactor_.redact(nearest->difference));
    message += " Nearest: " + nearest->recording->origin + " (" + nearest->recording->request.method + " " +
               nearest->recording->request.url + "): " + difference + ".";
    near = {{"recording", nearest->recording->origin}, {"difference", difference}};
  } else {
    message += " There are no recordings.";
  }
  json body = json::parse(render_error(
      context.profile(),
      ApiError{404, redactor_.redact(message), "invalid_request_error", nullptr, "no_recording_matched", {}},
      context.request_id));
  body["nearest_recording"] = std::move(near);
  return json_reply(404, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

Reply App::serve(CallContext& context, std::optional<Admission>& admission) {
  if (auto early = front_door(context)) return std::move(*early);
  const RouteMatch match = find_route(context.request, options_.profile);
  context.parameter = match.parameter;
  context.responses = &state_.responses;
  std::optional<PendingKey> pending;
  if (match.route->needs_key) {
    admission = Admission{presented_key(context), {}, {}, false};
    verify_key(context, state_.keys, *admission);
    context.plan = admission->plan;
    if (const auto scope = idempotency(context, *admission)) pending.emplace(state_.idempotency, *scope);
  }
  if (admission && match.route->rate_limited) admit(context, state_.limiter, *admission);
  if (admission) refuse_in_conditions(context, match.route->path);
  Reply reply = match.route->handler(context);
  if (context.controls.answer && !context.answer_taken)
    throw Rejected{
        ApiError{500,
                 "Stub " + context.stub_id + " gives an answer, which only chat completions, completions " +
                     "and the Responses API read; " + std::string(context.request.path) + " does not.",
                 "server_error",
                 nullptr,
                 "stub_answer_unused",
                 {}}};
  if (pending && reply.status < 400) pending->keep(context);
  if (admission && context.replay_of.empty()) {  // a repeat is no new work: no tokens, no usage
    if (context.tokens_used > 0 && match.route->rate_limited) {
      state_.limiter.charge_tokens(admission->key, admission->plan, context.tokens_used, Clock::now(),
                                   admission->decision);
    }
    if (reply.status < 400) count_usage(context, admission->key);
  }
  return reply;
}

std::optional<IdempotencyStore::Scope> App::idempotency(CallContext& context, const Admission& admission) {
  const auto& claims = options_.profile.idempotency;
  if (claims.header.empty()) return std::nullopt;
  const auto value = context.request.header(claims.header);
  if (!value || value->empty()) return std::nullopt;
  if (value->size() > kMaxIdempotencyKey)
    throw Rejected{ApiError::invalid(claims.header + " must be at most 255 characters.", claims.header,
                                     "invalid_header")};
  const Request& request = context.request;
  const std::string scope_text = admission.key + '\n' + std::string(*value);
  const IdempotencyStore::Scope scope{hash64(scope_text, 1), hash64(scope_text, 2)};
  const std::uint64_t fingerprint = hash64(request.body, hash64(request.path, hash64(request.method)));
  auto found = state_.idempotency.claim(scope, fingerprint, IdempotencyStore::Clock::now(),
                                        std::chrono::seconds(claims.ttl_seconds));
  const std::string shown = "Idempotency-Key '" + core::repair_utf8(*value) + "'";
  switch (found.outcome) {
    case IdempotencyStore::Outcome::fresh:
      return scope;
    case IdempotencyStore::Outcome::replay:  // answered as the first was: its id, time, model and controls
      context.replay_of = std::move(found.first.request_id);
      context.created = found.first.created;
      context.replay_model = std::move(found.first.model);
      context.fallback = found.first.fallback;
      context.controls = std::move(found.first.controls);
      return std::nullopt;
    case IdempotencyStore::Outcome::in_flight:
      throw Rejected{ApiError{409,
                              "A request with " + shown + " is still being answered.",
                              {},
                              claims.header,
                              "idempotency_key_in_use",
                              {}}};
    case IdempotencyStore::Outcome::mismatch:
      break;
  }
  throw Rejected{ApiError{claims.mismatch_status,
                          shown + " was already used with another request in the last " +
                              std::to_string(claims.ttl_seconds) + " seconds.",
                          {},
                          claims.header,
                          "idempotency_key_reused",
                          {}}};
}

void App::count_usage(const CallContext& context, const std::string& key) {
  for (const auto& crossing : state_.keys.record(key, context.tokens_used)) {
    state_.hooks.emit("usage.threshold_reached",
                      {{"key_hint", core::mask_secret(crossing.key)},
                       {"metric", crossing.metric},
                       {"threshold", crossing.threshold},
                       {"current", crossing.current}},
                      now_seconds(), delivery_faults(context.faults()));
  }
}

void App::compose(const CallContext& context, Reply& reply, const Admission* admission) const {
  reply.fault_names = context.faults().names();
  if (reply.replayed) return add_transport_faults(context.faults(), reply);  // as recorded, faults aside
  const auto& profile = options_.profile;
  // x-request-id and the rate-limit headers belong to the pipeline (endpoints never set them): appended, not
  // searched.
  reply.headers.reserve(reply.headers.size() + 8 + profile.response_headers.size());  // one allocation
  const std::string& shown_id = context.replay_of.empty() ? context.request_id : context.replay_of;
  if (reply.scripted) {
    add_header(reply, true, "x-request-id", shown_id);
  } else {
    reply.headers.emplace_back("x-request-id", shown_id);
  }
  if (!context.replay_of.empty()) reply.headers.emplace_back("Idempotent-Replayed", "true");
  add_profile_headers(context, shown_id, reply);
  for (const auto& [name, value] : context.stub_headers)
    reply.set_header(name, value);
  reply.first_byte_delay = std::max(reply.first_byte_delay, context.stub_delay);
  // A refused key has no buckets; a 429 still reports the buckets that refused it.
  if (admission != nullptr && admission->rated && !context.faults().has(Fault::no_ratelimit_headers)) {
    add_rate_limit_headers(profile.rate_limits, admission->decision, context.faults(), reply);
  }
  if (const auto origin = context.request.header("origin")) {
    reply.set_header("Access-Control-Allow-Origin", std::string(*origin));
    reply.set_header("Vary", "Origin");
    reply.set_header("Access-Control-Expose-Headers", exposed_headers_);
  }
  add_control_report(context.controls, reply);
  add_transport_faults(context.faults(), reply);
}

void App::record(const CallContext& context, Reply& reply, Clock::time_point started) {
  const Request& request = context.request;
  JournalEntry entry;
  entry.id = context.request_id;
  // The journal is served as JSON: bytes from the wire that are not UTF-8 are repaired once, here.
  entry.method = core::repair_utf8(request.method);
  entry.path = core::repair_utf8(request.path);
  entry.status = reply.status;
  entry.at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  entry.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  entry.key_hint = reply.key_hint;
  entry.faults = reply.fault_names;
  entry.stream = reply.stream != nullptr;
  log_.write(entry, request.remote);
  // The admin API's own calls are not journaled: they are not traffic, and verification counts only traffic.
  if (is_admin_path(request.path)) return;
  entry.stub = context.stub_id;
  reply.journal_seq = state_.journal.record(entry, request);
}

void App::delivered(std::uint64_t journal_seq, const Delivery& delivery) {
  if (journal_seq != 0) state_.journal.delivered(journal_seq, delivery);
}

}  // namespace gatecheck::mock
