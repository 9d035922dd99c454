#include "scenario_executor.hpp"

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include <gatecheck/core/document.hpp>
#include <gatecheck/core/duration.hpp>
#include <gatecheck/core/json_path.hpp>
#include <gatecheck/core/template.hpp>
#include <gatecheck/core/url.hpp>
#include <gatecheck/net/http_receiver.hpp>
#include <gatecheck/runner/checks.hpp>

#include "check_evaluation.hpp"
#include "expectations.hpp"
#include "matcher.hpp"
#include "parallel.hpp"
#include "ratelimit_conventions.hpp"
#include "recording.hpp"
#include "request_builder.hpp"
#include "step_expectations.hpp"
#include "webhook_checks.hpp"

namespace gatecheck::runner {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// The most requests a `count: auto` burst sends unless the step says otherwise (burst.max_count): enough for
// OpenAI's tier-1 limits, bounded so that a target with a high limit costs a run seconds, not minutes.
constexpr std::size_t kBurstCap = 2000;

// A suite's millisecond value, clamped in double before converting: the schema's "integer" admits 1e30, and a
// double beyond int64 is undefined behaviour to convert.
std::int64_t clamped_ms(const json& value, double low, double high) {
  return static_cast<std::int64_t>(std::clamp(value.get<double>(), low, high));
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void send(Exchange& ex, net::HttpClient& client) {
  ex.events.clear();
  ex.sse_stats.reset();
  ex.body_json.reset();
  net::ResponseHooks hooks;
  hooks.on_event = [&ex](core::SseEvent&& event) { ex.events.push_back(std::move(event)); };
  hooks.on_sse_end = [&ex](const core::SseStreamStats& stats) { ex.sse_stats = stats; };
  ex.response = client.send(ex.request, hooks);
  finish_exchange(ex);
}

double network_ms(const Exchange& ex) {
  return std::chrono::duration<double, std::milli>(ex.response.timings.finished - ex.response.timings.started)
      .count();
}

// A single streamed request whose expectations run a check that compares it with its non-streamed twin.
bool needs_twin(const Expectations& expect, const std::vector<Exchange>& exchanges) {
  if (exchanges.size() != 1 || !expect.needs_twin()) return false;
  const Exchange& ex = exchanges.front();
  return ex.stream_requested() && !ex.response.error && ex.response.status / 100 == 2;
}

CheckResult failure(const std::string& id, const std::string& message, const std::string& location) {
  CheckResult result;
  result.id = id;
  result.severity = Severity::must;
  result.passed = false;
  result.message = message;
  result.location = location;
  return result;
}

using Receivers = std::map<std::string, std::unique_ptr<net::HttpReceiver>>;

class StepRunner {
 public:
  StepRunner(const RunEnvironment& env, net::HttpClient& client, const Suite& suite, const Step& step,
             core::TemplateScope& scope, Receivers& receivers, core::Redactor& redactor,
             Clock::time_point previous_step_started, MockSession* mock,
             std::vector<cassette::Recording>* tape, StepResult& result)
      : env_(env),
        client_(client),
        suite_(suite),
        step_(step),
        scope_(scope),
        receivers_(receivers),
        redactor_(redactor),
        previous_step_started_(previous_step_started),
        mock_(mock),
        tape_(tape),
        result_(result) {}

  void run() {
    json rendered;
    try {
      // `expect:` renders from its typed form; everything else from the step as written, a stub's templates
      // over the request left for the mock.
      std::optional<core::TemplateScope> stub_scope;  // a copy only for a stub step
      if (step_.kind == StepKind::stub) {
        stub_scope = scope_;
        for (const auto root : core::kStubTemplateRoots)
          stub_scope->defer(std::string(root));
      }
      const core::TemplateScope& scope = stub_scope ? *stub_scope : scope_;
      rendered = json::object();
      for (const auto& [key, value] : step_.spec.items())
        if (key != "expect") rendered[key] = core::render_tree(value, scope);
      if (step_.expect) expect_ = render_expectations(*step_.expect, scope_);
    } catch (const core::TemplateError& e) {
      result_.checks.push_back(failure("suite.template", e.what(), suite_.describe(step_.pointer)));
      return;
    }
    register_secrets(rendered);
    if (step_.kind == StepKind::webhook_receiver) return start_receiver(rendered["webhook_receiver"]);
    if (step_.kind == StepKind::expect_webhook) return expect_webhook(rendered["expect_webhook"]);
    if (step_.kind == StepKind::stub)
      return mock_->install(rendered["stub"], suite_.describe(step_.pointer + "/stub"), result_);
    if (step_.kind == StepKind::verify)
      return mock_->verify(rendered["verify"], suite_.describe(step_.pointer + "/verify"), result_);
    std::optional<std::uint64_t> journal_mark;  // `upstream:` judges what the mock received after it
    if (rendered.contains("upstream") && !(journal_mark = mark_journal())) return;
    std::vector<Exchange> exchanges;
    try {
      if (step_.kind == StepKind::burst) {
        exchanges = burst(rendered);
      } else {
        exchanges.push_back(single(rendered));  // moved, not copied
      }
    } catch (const std::invalid_argument& e) {
      result_.checks.push_back(failure("suite.request", e.what(), suite_.describe(step_.pointer)));
      return;
    }
    record(exchanges);
    std::vector<const Exchange*> views;
    for (const auto& ex : exchanges) {
      views.push_back(&ex);
      result_.network_ms += network_ms(ex);
      ++result_.requests;
    }
    if (const auto cut = std::find_if(exchanges.begin(), exchanges.end(), deadline_cut);
        cut != exchanges.end()) {
      // Not judged: what the deadline cut off says nothing about the target.
      cut_by_deadline_ = true;
      result_.notes.push_back("not judged: the run deadline (--max-duration) cut the request off after " +
                              std::to_string(cut->response.body.size()) + " body bytes");
      return;
    }
    // A check that compares with the non-streamed twin judges what the executor sent before judging.
    std::optional<Exchange> twin;
    // A profile that streams every answer has no non-streamed twin to send.
    if (!env_.profile.always_stream && needs_twin(expect_, exchanges))
      twin = without_stream(exchanges.front());
    if (twin) record({*twin});
    const StepContext context{suite_, step_, env_, twin ? &*twin : nullptr, burst_capped_, &result_.notes};
    evaluate_expectations(expect_, views, context, result_.checks);
    if (cut_by_deadline_) {  // a twin or a 429 retry the deadline cut off: nothing here is judged
      result_.checks.clear();
      result_.notes.push_back("not judged: the run deadline (--max-duration) cut a request of this step off");
      return;
    }
    // Nothing to capture from an answer that was not one (a redirect): that would be a second finding of one
    // cause.
    const bool answered =
        std::none_of(result_.checks.begin(), result_.checks.end(),
                     [](const CheckResult& c) { return !c.passed && c.id == "http.final-status"; });
    if (rendered.contains("capture") && !exchanges.empty() && !exchanges.back().response.error && answered)
      capture(rendered["capture"], exchanges.back());
    if (journal_mark)
      mock_->upstream(rendered["upstream"], *journal_mark, views, suite_, step_.pointer + "/upstream",
                      result_);
    show_excerpts(exchanges);
  }

  bool cut_by_deadline() const { return cut_by_deadline_; }

 private:
  // Where the mock's journal stands before the step's requests; nullopt (a suite.mock failure) when it
  // cannot be read.
  std::optional<std::uint64_t> mark_journal() {
    std::string problem;
    auto mark = mock_->mark(problem);
    if (!mark)
      result_.checks.push_back(failure("suite.mock", "the mock's journal could not be read: " + problem,
                                       suite_.describe(step_.pointer + "/upstream")));
    return mark;
  }

  // A failed step shows what was sent and what came back: the exchange that broke, else the last one.
  void show_excerpts(const std::vector<Exchange>& exchanges) {
    const bool any_failed = std::any_of(result_.checks.begin(), result_.checks.end(),
                                        [](const CheckResult& c) { return !c.passed; });
    if (!any_failed || exchanges.empty()) return;
    const auto broken = std::find_if(exchanges.begin(), exchanges.end(),
                                     [](const Exchange& e) { return e.response.error.has_value(); });
    const Exchange& shown = broken != exchanges.end() ? *broken : exchanges.back();
    result_.request_excerpt = request_excerpt(shown, redactor_);
    result_.response_excerpt = response_excerpt(shown, redactor_);
  }

  void record(const std::vector<Exchange>& exchanges) {
    if (tape_ == nullptr) return;
    for (const auto& ex : exchanges)
      tape_->push_back(recording_of(ex, step_.name, env_.profile.id));
  }

  static bool deadline_cut(const Exchange& ex) {
    return ex.response.error && ex.response.error->kind == net::TransportErrorKind::deadline;
  }

  Exchange single(const json& rendered) {
    Exchange ex = build_exchange(rendered["request"], env_);
    std::optional<net::HttpClient> own;
    net::HttpClient* client = &client_;
    if (rendered["request"].contains("timeout_ms")) {
      auto options = client_options(env_.options);
      // Clamped to an hour: a suite value must not overflow the clock arithmetic below.
      options.read_timeout =
          std::chrono::milliseconds(clamped_ms(rendered["request"]["timeout_ms"], 1, 3'600'000));
      options.total_timeout = options.read_timeout * 4;
      own.emplace(options);
      client = &*own;
    }
    const bool waits_out_429 = rendered.value("retry_on_429", !expect_.expects_429());
    if (waits_out_429 && env_.rate_hold != nullptr) env_.rate_hold->wait(env_.deadline);
    send(ex, *client);
    if (waits_out_429) wait_out_429(ex, *client);
    return ex;
  }

  // An ordinary request that meets a 429 waits as the target says and is sent again (bounded, and noted).
  void wait_out_429(Exchange& ex, net::HttpClient& client) {
    while (ex.response.status == 429 && result_.retries < env_.options.max_retries_on_429) {
      const double wait = core::retry_after_ms(ex.response.headers).value_or(1000.0);
      if (wait > static_cast<double>(env_.options.max_retry_wait.count())) {
        result_.notes.push_back("429: the target asked to wait " +
                                // Clamped before converting: Retry-After may be any number of nines (inf).
                                std::to_string(static_cast<long long>(std::min(wait / 1000, 1e15))) +
                                " s, more than the run allows; not retried");
        break;
      }
      if (std::chrono::duration<double, std::milli>(env_.deadline - Clock::now()).count() <= wait) {
        result_.notes.push_back("429: not retried, the wait would pass the run deadline (--max-duration)");
        cut_by_deadline_ = true;
        break;
      }
      ++result_.retries;
      ++result_.requests;  // the answered 429 it replaces
      const double waited = wait * (1.0 + spread());
      result_.notes.push_back("429: waited " + std::to_string(static_cast<long>(waited)) +
                              " ms (Retry-After says " + std::to_string(static_cast<long>(wait)) +
                              " ms), then re-sent (retry " + std::to_string(result_.retries) + ")");
      if (env_.rate_hold != nullptr) {  // every worker waits with it
        env_.rate_hold->hold_for(std::chrono::milliseconds(static_cast<long long>(waited)));
        env_.rate_hold->wait(env_.deadline);
      } else {
        std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(waited));
      }
      send(ex, client);
    }
  }

  // 0 to 0.25 of a wait more, different for each worker and attempt: workers told the same Retry-After by a
  // small per-second window (Simplio's Free plan allows 5) would otherwise all come back at once and lose
  // again.
  double spread() const {
    const auto ticks = static_cast<std::size_t>(Clock::now().time_since_epoch().count());
    const std::size_t mixed =
        std::hash<std::thread::id>{}(std::this_thread::get_id()) ^ (ticks * 0x9E3779B97F4A7C15ull);
    return static_cast<double>((mixed >> 17) % 250) / 1000.0;
  }

  static std::size_t literal_count(const json& count) {
    if (count.is_number_unsigned() || count.is_number_integer()) return count.get<std::size_t>();
    const auto text = core::to_template_text(count);
    try {
      return static_cast<std::size_t>(std::stoul(text));
    } catch (const std::exception&) {
      throw std::invalid_argument("burst count '" + text + "' is not a number (or auto)");
    }
  }

  // `count: auto`: the first request reads what remains of the target's window (under any convention, else
  // the profile's claimed plan); the burst then sends that many and a margin for refills, up to max_count.
  // A limit above the cap is noted: the step cannot expect its 429, and a higher limit is never a failure.
  std::size_t automatic_count(const json& spec, const Exchange& probe) {
    const std::size_t cap = spec.value("max_count", kBurstCap);
    if (probe.response.status == 429) return 1;
    double remaining = 0;
    std::string source;
    const double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    if (const auto found = read_rate_limit(probe.response.headers, env_.profile, now);
        found && found->remaining) {
      remaining = *found->remaining;
      source = "announces " + std::to_string(static_cast<long long>(remaining)) + " remaining (" +
               found->convention + ")";
    } else if (const auto plan = env_.profile.rate_limits.plans.find(env_.profile.rate_limits.default_plan);
               plan != env_.profile.rate_limits.plans.end() && plan->second.requests_per_minute > 0) {
      remaining = static_cast<double>(plan->second.requests_per_minute);
      source =
          "claims " + std::to_string(plan->second.requests_per_minute) + " requests per minute (profile)";
    } else {
      remaining = static_cast<double>(cap);
      source = "announces no limit";
    }
    remaining = std::min(remaining, 1e9);        // a finite count (ratelimit_conventions reads no NaN)
    const double wanted = remaining * 1.1 + 10;  // refills while the burst runs
    result_.notes.push_back("burst sized from the target's limit: it " + source);
    if (wanted <= static_cast<double>(cap)) return static_cast<std::size_t>(wanted) + 1;
    burst_capped_ = "the target " + source + ", more than the burst cap of " + std::to_string(cap) +
                    " requests (burst.max_count): its 429 was not reached, which is no defect";
    return cap;
  }

  std::vector<Exchange> burst(const json& rendered) {
    const json& spec = rendered["burst"];
    const bool automatic = spec["count"] == "auto";
    std::size_t count = automatic ? 0 : literal_count(spec["count"]);
    const bool stop_on_429 = spec.value("stop_on_429", true);
    const Exchange prototype = build_exchange(spec["request"], env_);
    std::optional<Exchange> probe;
    if (automatic) {
      probe = prototype;
      send(*probe, client_);
      count = automatic_count(spec, *probe);
    }
    count = std::min<std::size_t>(count, 100'000);
    const std::size_t concurrency =
        std::clamp<std::size_t>(spec.value("concurrency", 1), 1, std::max<std::size_t>(count, 1));
    std::vector<std::optional<Exchange>> slots(count);
    std::atomic<std::size_t> next{0};
    if (probe) {
      slots[next++] = std::move(probe);
      if (slots.front()->response.status == 429) next = count;
    }
    std::atomic<bool> stop{false};
    // Bounded whatever the target does: bodies kept small, a deadline for the whole burst, and a stop after a
    // run of transport errors (a dead target is one finding, not a thousand timeouts).
    const auto deadline = std::min(
        Clock::now() + std::max(std::chrono::milliseconds(60'000), env_.options.timeout * 4), env_.deadline);
    std::atomic<int> broken_in_a_row{0};
    std::atomic<bool> out_of_time{false};
    auto worker = [&] {
      auto options = client_options(env_.options);
      options.max_body_bytes = std::min<std::size_t>(256 * 1024, options.max_body_bytes);
      net::HttpClient client(options);
      for (;;) {
        const std::size_t i = next.fetch_add(1);
        if (i >= count || stop.load()) return;
        if (Clock::now() > deadline) {
          out_of_time = true;
          stop = true;
          return;
        }
        Exchange ex = prototype;
        send(ex, client);
        if (stop_on_429 && ex.response.status == 429) stop = true;
        if (ex.response.error) {
          if (++broken_in_a_row >= 10) stop = true;
        } else {
          broken_in_a_row = 0;
        }
        slots[i] = std::move(ex);
      }
    };
    run_in_parallel(concurrency, worker);
    if (Clock::now() >= env_.deadline && next.load() < count)
      cut_by_deadline_ = true;  // stopped by the run's
    else if (out_of_time && burst_capped_.empty())
      burst_capped_ =
          "the burst reached its time limit before its last request: a window that refills as "
          "fast as the target answers cannot be exhausted in time, so its 429 was not reached";
    std::vector<Exchange> exchanges;
    for (auto& slot : slots)
      if (slot) exchanges.push_back(std::move(*slot));
    result_.notes.push_back(
        "burst: " + std::to_string(exchanges.size()) + " requests sent, " +
        std::to_string(std::count_if(exchanges.begin(), exchanges.end(),
                                     [](const Exchange& e) { return e.response.status == 429; })) +
        " answered 429");
    return exchanges;
  }

  Exchange without_stream(const Exchange& streamed) {
    Exchange twin;
    twin.request = streamed.request;
    twin.request_json = unstreamed(streamed.request_json);
    twin.request_json["stream"] = false;
    twin.request.body = twin.request_json.dump();
    send(twin, client_);
    wait_out_429(twin, client_);
    if (deadline_cut(twin)) cut_by_deadline_ = true;
    result_.network_ms += network_ms(twin);
    ++result_.requests;
    return twin;
  }

  // Keys and secrets a step names are masked in everything the report keeps, like the run's own key.
  void register_secrets(const json& rendered) {
    for (const char* kind : {"request", "burst"}) {
      if (!rendered.contains(kind)) continue;
      const json& request = kind == std::string_view("burst") ? rendered[kind]["request"] : rendered[kind];
      if (request.contains("api_key") && request["api_key"].is_string())
        redactor_.add_secret(request["api_key"].get<std::string>());
      for (const char* part : {"headers", "query"}) {
        if (!request.contains(part) || !request[part].is_object()) continue;
        for (const auto& [name, value] : request[part].items())
          if (value.is_string() &&
              (core::looks_like_credential_header(name) || redactor_.is_sensitive_header(name)))
            redactor_.add_credential_header(name, value.get<std::string>());
      }
      if (request.contains("url") && request["url"].is_string())
        if (const auto secret = core::url_userinfo_secret(request["url"].get<std::string>()))
          redactor_.add_secret(*secret);
    }
    if (rendered.contains("expect_webhook") && rendered["expect_webhook"].contains("secret"))
      redactor_.add_secret(rendered["expect_webhook"]["secret"].get<std::string>());
  }

  void capture(const json& captures, const Exchange& ex) {
    json& store = scope_.root("captures");
    for (const auto& [name, how] : captures.items()) {
      const std::string location =
          suite_.describe(step_.pointer + "/capture/" + core::json_pointer_escape(name));
      const json* found = nullptr;
      json holder;
      std::string what;
      if (how.is_object() && how.contains("header")) {
        what = "header " + how["header"].get<std::string>();
        if (const auto value = ex.response.headers.get(how["header"].get<std::string>())) {
          holder = std::string(*value);
          found = &holder;
        }
      } else {
        const bool events = how.is_object() && how.contains("events");
        const std::string path =
            how.is_string() ? how.get<std::string>() : how[events ? "events" : "json"].get<std::string>();
        what = path;
        holder = events ? ex.events_view() : ex.message_view();
        const auto matches = core::JsonPath::parse(path).evaluate(holder);
        if (!matches.empty()) {
          json value = *matches.front().value;
          holder = std::move(value);
          found = &holder;
        }
      }
      if (found == nullptr) {
        result_.checks.push_back(
            failure("capture", "capture '" + name + "': " + what + " matched nothing", location));
        continue;
      }
      store[name] = *found;
      const std::string lower = core::to_lower(name);
      if (found->is_string() &&
          (lower.find("secret") != std::string::npos || lower.find("key") != std::string::npos ||
           lower.find("token") != std::string::npos))
        redactor_.add_secret(found->get<std::string>());
    }
  }

  void start_receiver(const json& spec) {
    const std::string id = spec["id"].get<std::string>();
    std::vector<int> statuses = spec.value("respond", std::vector<int>{});
    try {
      // The scripted statuses apply per event: `respond: [500, 200]` fails the first attempt of every event.
      auto receiver = std::make_unique<net::HttpReceiver>(
          env_.options.receiver_bind, 0, std::move(statuses), [](const net::ReceivedRequest& request) {
            const json body = core::parse_untrusted_json(request.body);
            if (body.is_object() && body.contains("id") && body["id"].is_string())
              return body["id"].get<std::string>();
            return std::string(request.headers.get("webhook-id").value_or(""));
          });
      std::string url = env_.options.receiver_url;
      if (url.empty()) {
        const std::string& bind = env_.options.receiver_bind;
        const std::string host = bind == "0.0.0.0"                     ? "127.0.0.1"
                                 : bind == "::"                        ? "[::1]"
                                 : bind.find(':') != std::string::npos ? "[" + bind + "]"
                                                                       : bind;
        url = "http://" + host + ":{port}";
      }
      const auto at = url.find("{port}");
      if (at != std::string::npos) url.replace(at, 6, std::to_string(receiver->port()));
      url += "/hooks/" + id;
      scope_.root("receivers")[id] = {{"url", url}};
      result_.notes.push_back("receiver " + id + " listening for " + url);
      receivers_[id] = std::move(receiver);
    } catch (const std::exception& e) {
      result_.checks.push_back(failure("suite.request", e.what(), suite_.describe(step_.pointer)));
    }
  }

  // The deliveries of one event type (and one event, when the step names its id), in arrival order. Other
  // scenarios' events may reach the same receiver: subscriptions are per type.
  struct EventFilter {
    std::string event;
    std::string event_id;
    std::vector<Delivery> operator()(const std::vector<net::ReceivedRequest>& received) const {
      auto all = deliveries_of(received, event);
      if (!event_id.empty()) std::erase_if(all, [&](const Delivery& d) { return d.event_id != event_id; });
      return all;
    }
  };

  // Late deliveries are still worth judging: wait up to three times the deadline (at most 30 s) for the
  // first; when retries are judged, also for the attempt after a failed one (bounded by the profile's
  // backoff).
  void wait_for_deliveries(const net::HttpReceiver& receiver, const EventFilter& mine,
                           std::chrono::milliseconds within, bool judge_retries,
                           Clock::time_point started) const {
    const auto patience = std::min(within * 3, std::chrono::milliseconds(30'000));
    receiver.wait_until([&](const auto& received) { return !mine(received).empty(); },
                        std::min(started + patience, env_.deadline));
    if (!judge_retries) return;
    const auto& retry = env_.profile.webhooks;
    const auto backoff = std::chrono::milliseconds(
        static_cast<std::int64_t>(retry.initial_delay_ms * std::max(1.0, retry.multiplier) * 2 + 2'000));
    receiver.wait_until(
        [&](const auto& received) {
          const auto all = mine(received);
          return !all.empty() && (all.front().request->answered_status < 300 || all.size() > 1);
        },
        std::min(Clock::now() + std::min(backoff, std::chrono::milliseconds(15'000)), env_.deadline));
  }

  void note_deliveries(const std::vector<Delivery>& deliveries, const std::string& event) {
    std::map<std::string, int> accepted;
    for (const auto& d : deliveries)
      if (d.request->answered_status < 300 && ++accepted[d.event_id] == 2)
        result_.notes.push_back("duplicate: event " + d.event_id +
                                " was delivered and accepted more than once");
    result_.notes.push_back(std::to_string(deliveries.size()) + " deliveries of " + event + " received");
  }

  // The payload schema: the step's, or the OpenAPI description's for the event; a step's that does not
  // resolve is a finding.
  std::optional<schema::CompiledSchema> payload_schema(const json& spec, const std::string& event,
                                                       const std::string& location) {
    try {
      return env_.schemas.schema(spec.contains("schema")
                                     ? spec["schema"].get<std::string>()
                                     : "#/webhooks/" + core::json_pointer_escape(event) +
                                           "/post/requestBody/content/application~1json/schema");
    } catch (const std::exception& e) {
      if (spec.contains("schema")) result_.checks.push_back(failure("expect.schema", e.what(), location));
    }
    return std::nullopt;
  }

  void show_last_delivery(const std::vector<Delivery>& deliveries) {
    if (deliveries.empty()) return;
    const auto& last = *deliveries.back().request;
    std::string excerpt = last.method + " " + last.target + "\n";
    for (const auto& [header, value] : last.headers)
      excerpt += header + ": " + redactor_.redact_header(header, value) + "\n";
    // Redacted before the cut, with a margin, so a cut never leaves a secret's first characters.
    result_.response_excerpt =
        excerpt + "\n" + redactor_.redact(last.body.substr(0, 2048 + 4096)).substr(0, 2048);
  }

  void expect_webhook(const json& spec) {
    const auto started = Clock::now();
    const std::string name = spec["receiver"].get<std::string>();
    const auto found = receivers_.find(name);
    const std::string location = suite_.describe(step_.pointer + "/expect_webhook");
    if (found == receivers_.end()) {
      result_.checks.push_back(failure(
          "suite.request", "no webhook_receiver named '" + name + "' earlier in this scenario", location));
      return;
    }
    const EventFilter mine{spec["event"].get<std::string>(), spec.value("id", "")};
    const auto within = std::chrono::milliseconds(
        spec.contains("within_ms") ? clamped_ms(spec["within_ms"], 0, 3'600'000) : 5000);
    const auto ids =
        spec.value("checks", std::vector<std::string>{"webhook.delivered-within", "webhook.signature-valid",
                                                      "webhook.payload-schema"});
    const bool judge_retries = std::find(ids.begin(), ids.end(), "webhook.retried-on-failure") != ids.end();
    wait_for_deliveries(*found->second, mine, within, judge_retries, started);
    const auto received = found->second->received();  // the deliveries point into it
    const auto deliveries = mine(received);
    if (Clock::now() >= env_.deadline && deliveries.empty()) {  // an absent delivery proves nothing
      cut_by_deadline_ = true;
      result_.notes.push_back("not judged: the run deadline (--max-duration) cut the wait for " + mine.event +
                              " short");
      return;
    }
    note_deliveries(deliveries, mine.event);
    const WebhookEvidence evidence{
        deliveries,
        mine.event,
        payload_schema(spec, mine.event, location),
        spec.value("secret", ""),
        previous_step_started_ == Clock::time_point{} ? started : previous_step_started_,
        within};
    const std::vector<const Exchange*> none;
    const CheckContext context{none, env_.profile, std::nullopt, nullptr, &evidence};
    for (const auto& id : ids) {
      const CheckInfo* check = find_check(id);
      if (check == nullptr || check->scope != CheckScope::webhook) {
        result_.checks.push_back(
            check_result(id, Severity::must, Verdict::not_applicable("not a webhook check"), location));
        continue;
      }
      result_.checks.push_back(
          check_result(check->id, check->severity, evaluate_check(*check, context), location));
    }
    show_last_delivery(deliveries);
  }

  const RunEnvironment& env_;
  net::HttpClient& client_;
  const Suite& suite_;
  const Step& step_;
  core::TemplateScope& scope_;
  Receivers& receivers_;
  core::Redactor& redactor_;  // the scenario's: the run's secrets plus the ones its steps use or capture
  Clock::time_point previous_step_started_;  // the trigger of an expected webhook is the step before it
  MockSession* mock_;  // the scenario's, when a step stubs, verifies or judges upstream (questions_mock)
  std::vector<cassette::Recording>* tape_;  // --record: the scenario's recordings
  StepResult& result_;
  Expectations expect_;  // the step's, rendered
  bool cut_by_deadline_ = false;
  std::string burst_capped_;  // see automatic_count
};

// Why a step judged nothing, or empty when it judged something: a step whose catalog checks all had nothing
// to judge (the injected error never came, the refusal was accepted), or one of whose assertions could not
// be applied (a burst that could not reach the limit), proves nothing, whatever else held.
std::string unjudged(const StepResult& step) {
  for (const auto& check : step.checks)
    if (find_check(check.id) == nullptr && !check.applicable) return check.id + ": " + check.message;
  std::string reasons;
  for (const auto& check : step.checks) {
    if (find_check(check.id) == nullptr) continue;
    if (check.applicable) return {};
    if (reasons.find(check.message) == std::string::npos)
      reasons += (reasons.empty() ? "" : "; ") + check.id + ": " + check.message;
  }
  return reasons.empty() ? std::string() : "nothing was judged: " + reasons;
}

}  // namespace

net::HttpClientOptions client_options(const RunOptions& options) {
  net::HttpClientOptions client;
  client.connect_timeout = std::min(options.timeout, std::chrono::milliseconds(10'000));
  client.read_timeout = options.timeout;
  client.total_timeout = std::max(options.timeout * 4, std::chrono::milliseconds(1'000));
  client.verify_tls = options.verify_tls;
  client.user_agent = "gatecheck/" + options.tool_version;
  client.max_body_bytes = options.max_response_bytes;
  return client;
}

namespace {

// What a scenario's templates read: the profile, the target, receivers and captures as the steps add them,
// and the suite's vars (rendered in order, so a var may use the ones before it).
core::TemplateScope scenario_scope(const RunEnvironment& env) {
  core::TemplateScope scope;
  scope.set("profile", env.profile.raw);
  scope.set("target", {{"url", env.base_url},
                       {"base_path", env.profile.base_path},
                       {"mock", env.options.target_is_mock},
                       {"admin_token", env.options.admin_token},
                       {"spare_key", env.options.spare_api_key},
                       {"plan_keys", env.options.plan_keys}});
  scope.set("receivers", json::object());
  scope.set("captures", json::object());
  scope.set("vars", json::object());
  return scope;
}

// A failed vars step when the suite's vars do not render; nullopt when they do.
std::optional<StepResult> render_vars(const Suite& suite, core::TemplateScope& scope) {
  try {
    for (const auto& [name, value] : suite.vars.items())
      scope.root("vars")[name] = core::render_tree(value, scope);
    return std::nullopt;
  } catch (const core::TemplateError& e) {
    StepResult step;
    step.name = "vars";
    step.location = suite.describe("/vars");
    step.outcome = Outcome::failed;
    step.checks.push_back(failure("suite.template", e.what(), step.location));
    return step;
  }
}

// Failed when a step failed; else skipped, with the reason, when the deadline cut it, a step judged nothing,
// or no step checked anything at all: nothing passes without judging.
Outcome scenario_outcome(const std::vector<StepResult>& steps, bool deadline_hit, std::string& skip_reason) {
  if (std::any_of(steps.begin(), steps.end(),
                  [](const StepResult& s) { return s.outcome == Outcome::failed; }))
    return Outcome::failed;
  if (deadline_hit) {
    skip_reason = std::string(kRunDeadlineReason) + " during the scenario";
    return Outcome::skipped;
  }
  for (const auto& step : steps) {
    if (step.outcome != Outcome::skipped) continue;
    skip_reason = "step '" + step.name + "': " + step.skip_reason;
    return Outcome::skipped;
  }
  const bool checked = std::any_of(steps.begin(), steps.end(), [](const StepResult& s) {
    return std::any_of(s.checks.begin(), s.checks.end(), [](const CheckResult& c) { return c.applicable; });
  });
  if (!checked) {
    skip_reason = "nothing was checked: no step holds an expectation or check against an answer";
    return Outcome::skipped;
  }
  return Outcome::passed;
}

}  // namespace

// A scenario that stubs or verifies the mock marks its journal first; a failed step when the admin API is
// not the mock's.
std::optional<StepResult> ScenarioExecutor::begin_mock_session(const Suite& suite, const Scenario& scenario,
                                                               ScenarioState& state) {
  if (std::none_of(scenario.steps.begin(), scenario.steps.end(), questions_mock)) return std::nullopt;
  state.mock = std::make_unique<MockSession>(env_, client_);
  const std::string problem = state.mock->begin();
  if (problem.empty()) return std::nullopt;
  StepResult step;
  step.name = "mock admin API";
  step.location = suite.describe(scenario.pointer);
  step.outcome = Outcome::failed;
  step.checks.push_back(failure("suite.mock", problem, step.location));
  return step;
}

namespace {

StepResult skipped_step(const Suite& suite, const Step& step, bool deadline) {
  StepResult result;
  result.name = step.name;
  result.location = suite.describe(step.pointer);
  result.outcome = Outcome::skipped;
  result.skip_reason =
      deadline ? "not run: the run deadline (--max-duration) was reached" : "not run: an earlier step failed";
  result.notes.push_back(result.skip_reason);
  return result;
}

// What went wrong after the steps (the mock session's cleanup, writing the recording), as a failed step.
StepResult closing_failure(std::string name, const std::string& id, const std::string& problem,
                           const std::string& location) {
  StepResult step;
  step.name = std::move(name);
  step.location = location;
  step.outcome = Outcome::failed;
  step.checks.push_back(failure(id, problem, location));
  return step;
}

// Findings quote what the target sent, which may echo a key: everything kept is masked with every secret the
// scenario came to know, including ones captured after the text was written.
void redact_results(std::vector<StepResult>& steps, const core::Redactor& redactor) {
  for (auto& step : steps) {
    for (auto& check : step.checks) {
      check.message = redactor.redact(check.message);
      check.expected = redactor.redact(check.expected);
      check.actual = redactor.redact(check.actual);
    }
    for (auto& note : step.notes)
      note = redactor.redact(note);
    step.request_excerpt = redactor.redact(step.request_excerpt);
    step.response_excerpt = redactor.redact(step.response_excerpt);
  }
}

}  // namespace

ScenarioExecutor::StepRun ScenarioExecutor::run_step(const Suite& suite, const Step& step,
                                                     ScenarioState& state) {
  bool cut = false;
  StepResult result;
  result.name = step.name;
  result.location = suite.describe(step.pointer);
  const auto started = Clock::now();
  const auto previous_started = state.last_started;
  state.last_started = started;
  try {
    StepRunner runner(env_, client_, suite, step, state.scope, state.receivers, state.redactor,
                      previous_started, state.mock.get(),
                      env_.options.record_dir.empty() ? nullptr : &state.tape, result);
    runner.run();
    cut = runner.cut_by_deadline();
  } catch (const std::exception& e) {
    // Whatever a target sends must end as a finding, never as a crashed run.
    result.checks.push_back(failure("runner.internal",
                                    std::string("gatecheck could not finish this step: ") + e.what(),
                                    result.location));
  }
  result.duration_ms = ms_since(started);
  const bool failed = std::any_of(result.checks.begin(), result.checks.end(),
                                  [&](const CheckResult& c) { return c.fails(env_.options.fail_on); });
  if (!failed && cut) result.skip_reason = std::string(kRunDeadlineReason) + " during the step";
  if (!failed && !cut) result.skip_reason = unjudged(result);
  result.outcome = failed ? Outcome::failed : result.skip_reason.empty() ? Outcome::passed : Outcome::skipped;
  return {std::move(result), cut};
}

// --record: the scenario's exchanges, masked with every secret it came to know, replace its cassette. What
// went wrong, or empty.
std::string ScenarioExecutor::write_tape(const Suite& suite, const Scenario& scenario,
                                         ScenarioState& state) const {
  if (env_.options.record_dir.empty()) return {};
  const auto stem = std::filesystem::path(suite.file).stem().string();
  const auto file = std::filesystem::path(env_.options.record_dir) / cassette::file_name_of(stem) /
                    (cassette::file_name_of(scenario.name) + ".jsonl");
  std::error_code ignored;
  std::filesystem::remove(file, ignored);  // the last run's, also when this one recorded nothing
  if (state.tape.empty()) return {};
  try {
    cassette::Writer writer(file, {state.redactor, env_.options.record_redact_fields});
    for (auto& recording : state.tape) {
      recording.recorder = "gatecheck run " + env_.options.tool_version;
      recording.label = suite.name + " / " + scenario.name + " / " + recording.label;  // the step's name
      if (!writer.write(std::move(recording))) return file.string() + ": " + writer.last_error();
    }
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

ScenarioResult ScenarioExecutor::run(const Suite& suite, const Scenario& scenario) {
  const auto started = Clock::now();
  ScenarioResult result;
  result.name = scenario.name;
  result.location = suite.describe(scenario.pointer);
  result.tags = scenario.tags;
  ScenarioState state{scenario_scope(env_), {}, env_.redactor, {}, {}, {}};  // receivers stop when it ends
  auto vars_failed = render_vars(suite, state.scope);
  if (!vars_failed) vars_failed = begin_mock_session(suite, scenario, state);
  bool stop = vars_failed.has_value();
  if (vars_failed) result.steps.push_back(std::move(*vars_failed));
  bool deadline_hit = false;
  for (const auto& step : scenario.steps) {
    if (!stop && Clock::now() >= env_.deadline) stop = deadline_hit = true;
    if (stop) {
      result.steps.push_back(skipped_step(suite, step, deadline_hit));
      continue;
    }
    StepRun run = run_step(suite, step, state);
    deadline_hit = deadline_hit || run.cut;
    stop = run.result.outcome == Outcome::failed || run.cut;
    result.steps.push_back(std::move(run.result));
  }
  if (state.mock)
    if (const std::string problem = state.mock->end(); !problem.empty())
      result.steps.push_back(closing_failure("mock admin API", "suite.mock", problem, result.location));
  if (const std::string problem = write_tape(suite, scenario, state); !problem.empty())
    result.steps.push_back(closing_failure("record", "run.record", problem, result.location));
  redact_results(result.steps, state.redactor);
  result.outcome = scenario_outcome(result.steps, deadline_hit, result.skip_reason);
  result.duration_ms = ms_since(started);
  return result;
}

}  // namespace gatecheck::runner
