#include "upstream_checks.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/core/duration.hpp>
#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/redact.hpp>
#include <gatecheck/schema/matcher.hpp>

#include "answer_digest.hpp"
#include "json_access.hpp"
#include "recording.hpp"

namespace gatecheck::runner {
namespace {

using nlohmann::json;
using namespace json_access;

// The step's last answer and the upstream's last (the attempt that answered), as digests.
struct Pair {
  AnswerDigest client, upstream;
  int client_status = 0, upstream_status = 0;
};

std::optional<Verdict> unpaired(const CheckContext& context) {
  if (context.upstream == nullptr) return Verdict::not_applicable("judged under a step's upstream:");
  if (context.upstream->attempts.empty()) return Verdict::not_applicable("no request reached the upstream");
  if (context.exchanges.empty()) return Verdict::not_applicable("the step sent nothing");
  return std::nullopt;
}

Pair pair_of(const CheckContext& context) {
  const Exchange& client = *context.exchanges.back();
  const Exchange& upstream = context.upstream->attempts.back();
  return {digest_answer(client), digest_answer(upstream), client.response.status, upstream.response.status};
}

// Why an attempt's answer cannot be held against a client's; nullopt when it can.
std::optional<std::string> not_an_answer(const json& entry, const Exchange& attempt,
                                         const AnswerDigest& said) {
  const json& response = object_at(entry, "response");
  if (response.empty()) return "the mock has no record of its answer (it never went out whole)";
  if (const json* cut = member(response, "body_truncated"); cut != nullptr && *cut == true)
    return "the journal kept " + std::to_string(text_at(response, "body").size()) + " of " +
           std::to_string(static_cast<long long>(number_at(response, "body_bytes"))) +
           " bytes of the upstream's answer (raise journal_body_bytes)";
  if (said.error || attempt.response.status >= 400)
    return "the upstream answered with an error (upstream.error-preserved judges it)";
  if (!said.understood())
    return "the upstream's answer is not a chat completion, a Responses answer or an Anthropic message";
  return std::nullopt;
}

// What one aspect of an answer is, to compare: its text, its tool calls, its token counts.
struct Aspect {
  const char* none;     // why it is not judged when no upstream answer has it
  const char* differs;  // what a difference means
  json (*of)(const AnswerDigest&);
};

json text_of(const AnswerDigest& d) {
  return d.text ? json(*d.text) : json();
}
json tool_calls_of(const AnswerDigest& d) {
  return d.tool_calls.empty() ? json() : d.tool_calls;
}
json usage_of(const AnswerDigest& d) {
  if (!d.input_tokens && !d.output_tokens) return json();
  const auto n = [](const std::optional<std::int64_t>& v) { return v ? json(*v) : json("absent"); };
  return {{"input", n(d.input_tokens)}, {"output", n(d.output_tokens)}};
}

// The journal masks what looks like a secret in what it serves (sk-... tokens): a text the upstream sent is
// compared as the journal shows it.
bool same(const json& client, const json& upstream) {
  if (client == upstream) return true;
  if (!client.is_string() || !upstream.is_string()) return false;
  static const core::Redactor masks;
  return masks.redact(client.get_ref<const std::string&>(), false) == upstream.get_ref<const std::string&>();
}

// Two values as a finding shows them: texts from where they first differ.
std::pair<std::string, std::string> shown(const json& upstream, const json& client) {
  const auto counts = [](const json& usage) {
    return "input " + value_at(usage, "input").dump() + ", output " + value_at(usage, "output").dump();
  };
  if (upstream.is_object() && upstream.contains("input")) return {counts(upstream), counts(client)};
  if (!upstream.is_string() || !client.is_string())
    return {schema::excerpt(upstream.dump(), 200), schema::excerpt(client.dump(), 200)};
  const auto& a = upstream.get_ref<const std::string&>();
  const auto& b = client.get_ref<const std::string&>();
  const auto at =
      static_cast<std::size_t>(std::mismatch(a.begin(), a.end(), b.begin(), b.end()).first - a.begin());
  const std::size_t from = at > 20 ? at - 20 : 0;
  const std::string where = from == 0 ? "" : "from character " + std::to_string(from) + ": ";
  return {where + schema::excerpt(a.substr(from), 120), where + schema::excerpt(b.substr(from), 120)};
}

// Every answer the client got says what one of the upstream's answers said (a burst's answers are matched as
// a set: which attempt served which request is not known).
Verdict compare_answers(const CheckContext& context, const Aspect& aspect) {
  if (auto why = unpaired(context)) return *why;
  const auto& evidence = *context.upstream;
  std::vector<json> said;
  std::string unjudged;
  for (std::size_t i = 0; i < evidence.attempts.size(); ++i) {
    const AnswerDigest digest = digest_answer(evidence.attempts[i]);
    if (auto why = not_an_answer(evidence.entries[i], evidence.attempts[i], digest)) {
      unjudged = *why;
      continue;
    }
    if (json value = aspect.of(digest); !value.is_null()) said.push_back(std::move(value));
  }
  if (said.empty()) return Verdict::not_applicable(unjudged.empty() ? aspect.none : unjudged);
  const std::size_t answers = said.size();
  for (const Exchange* ex : context.exchanges) {
    const AnswerDigest got = digest_answer(*ex);
    const std::string status = "status " + std::to_string(ex->response.status);
    if (got.error || ex->response.status >= 400)
      return Verdict::fail("the upstream answered but the client got an error: " + status +
                               (got.error ? ", " + *got.error : ""),
                           "the upstream's answer", status);
    if (!got.understood())
      return Verdict::fail(
          "the client's answer is not in a layout gatecheck reads (chat completion, Responses, Anthropic "
          "message)",
          "the upstream's answer", status);
    const json value = aspect.of(got);
    const auto match = std::find_if(said.begin(), said.end(), [&](const json& s) { return same(value, s); });
    if (match == said.end()) {
      auto [expected, actual] = shown(said.front(), value);
      return Verdict::fail(aspect.differs, expected, actual);
    }
    said.erase(match);
  }
  return Verdict::pass(std::to_string(context.exchanges.size()) + " answers as the upstream's " +
                       std::to_string(answers) + " said them");
}

}  // namespace

Exchange upstream_exchange(const json& entry) {
  cassette::Recording recording;
  recording.request.method = text_at(entry, "method");
  recording.request.url = text_at(entry, "url");
  for (const auto& [name, value] : object_at(entry, "headers").items())
    if (value.is_string()) recording.request.headers.add(name, value.get<std::string>());
  recording.request.body = text_at(entry, "body");
  recording.response.status = static_cast<int>(std::clamp(number_at(entry, "status"), 0.0, 999.0));
  const json& response = object_at(entry, "response");
  for (const auto& [name, value] : object_at(response, "headers").items())
    if (value.is_string()) recording.response.headers.add(name, value.get<std::string>());
  recording.response.body = text_at(response, "body");
  recording.response.headers_ms = number_at(entry, "first_byte_ms");
  recording.response.duration_ms = number_at(entry, "last_byte_ms");
  return exchange_of(recording);
}

Verdict upstream_content_preserved(const CheckContext& context, const Exchange*) {
  return compare_answers(context, {"the upstream's answer has no text",
                                   "the text the client got is not the text the upstream sent", &text_of});
}

Verdict upstream_tool_calls_preserved(const CheckContext& context, const Exchange*) {
  return compare_answers(
      context, {"the upstream's answer calls no tool",
                "the tool calls the client got are not the ones the upstream sent", &tool_calls_of});
}

Verdict upstream_usage_preserved(const CheckContext& context, const Exchange*) {
  return compare_answers(context, {"the upstream's answer reports no usage",
                                   "the token counts the client got are not the upstream's", &usage_of});
}

// An upstream error reaches the client as one: the same status, an error envelope, the upstream's message in
// it; an error in the middle of a stream ends the client's stream with an error too, not as if complete.
Verdict upstream_error_preserved(const CheckContext& context, const Exchange*) {
  if (auto why = unpaired(context)) return *why;
  const Pair pair = pair_of(context);
  if (!pair.upstream.error && pair.upstream_status < 400)
    return Verdict::not_applicable("the upstream's last answer was not an error (status " +
                                   std::to_string(pair.upstream_status) + ")");
  const std::string message = pair.upstream.error.value_or("");
  if (pair.upstream_status >= 400 && pair.client_status != pair.upstream_status)
    return Verdict::fail("the upstream's error reached the client with another status",
                         "status " + std::to_string(pair.upstream_status),
                         "status " + std::to_string(pair.client_status));
  if (!pair.client.error) {
    const std::string wanted = "an error carrying " + schema::excerpt(message, 80);
    const std::string got = "status " + std::to_string(pair.client_status) + ", " +
                            (pair.client.understood() ? pair.client.layout : "no error envelope");
    if (pair.client_status >= 400)
      return Verdict::fail("the client got status " + std::to_string(pair.client_status) +
                               " without an error envelope ({\"error\": {\"message\": ...}})",
                           wanted, got);
    if (pair.upstream_status >= 400)
      return Verdict::fail("the upstream's error reached the client as a success", wanted, got);
    return Verdict::fail("the upstream's stream failed midway; the client's stream ended without an error",
                         wanted, got);
  }
  if (!message.empty() && pair.client.error->find(message) == std::string::npos)
    return Verdict::fail("the client's error does not carry the upstream's message",
                         "a message containing " + schema::excerpt(message, 80),
                         schema::excerpt(*pair.client.error, 120));
  return Verdict::pass("status " + std::to_string(pair.client_status) + ", " +
                       schema::excerpt(*pair.client.error, 80));
}

// A 429 or 503 the upstream sent with Retry-After reaches the client with it: a client that is not told when
// to come back comes back at once.
Verdict upstream_retry_after_preserved(const CheckContext& context, const Exchange*) {
  if (auto why = unpaired(context)) return *why;
  const Exchange& upstream = context.upstream->attempts.back();
  const auto wait = core::retry_after_ms(upstream.response.headers);
  if (!wait) return Verdict::not_applicable("the upstream's last answer says nothing of when to retry");
  const Exchange& client = *context.exchanges.back();
  if (client.response.status < 400)
    return Verdict::not_applicable("the client got status " + std::to_string(client.response.status) +
                                   " (the gateway retried)");
  const auto given = core::retry_after_ms(client.response.headers);
  const std::string wanted = "Retry-After of at least " + std::to_string(std::lround(*wait / 1000.0)) + " s";
  if (!given)
    return Verdict::fail("the upstream said when to retry; the client was not told", wanted, "absent");
  // A gateway may say more, never less (1 ms: what rounding to whole milliseconds loses).
  if (*given + 1 < *wait)
    return Verdict::fail("the client is told to come back sooner than the upstream allows", wanted,
                         std::to_string(std::lround(*given)) + " ms");
  return Verdict::pass("the client is told " + std::to_string(std::lround(*given)) + " ms");
}

// A gateway that retries waits as long as the upstream's Retry-After said.
Verdict upstream_retry_after_honoured(const CheckContext& context, const Exchange*) {
  if (auto why = unpaired(context)) return *why;
  const auto& entries = context.upstream->entries;
  const auto& attempts = context.upstream->attempts;
  std::size_t judged = 0;
  for (std::size_t i = 0; i + 1 < attempts.size(); ++i) {
    const auto wait = core::retry_after_ms(attempts[i].response.headers);
    if (!wait) continue;
    ++judged;
    const double answered = number_at(entries[i], "at_ms") + number_at(entries[i], "last_byte_ms");
    const double gap = number_at(entries[i + 1], "at_ms") - answered;
    constexpr double kClockSlack = 5;  // the journal's times are whole milliseconds
    if (gap + kClockSlack < *wait)
      return Verdict::fail(
          "attempt " + std::to_string(i + 2) + " came " + std::to_string(std::lround(gap)) +
              " ms after an answer that said to wait " + std::to_string(std::lround(*wait)) + " ms",
          "at least " + std::to_string(std::lround(*wait)) + " ms", std::to_string(std::lround(gap)) + " ms");
  }
  if (judged == 0) return Verdict::not_applicable("no attempt followed an answer that said when to retry");
  return Verdict::pass(std::to_string(judged) + " retries waited as told");
}

// A gateway that holds its own upstream key does not pass its client's on.
Verdict upstream_client_key_withheld(const CheckContext& context, const Exchange*) {
  if (auto why = unpaired(context)) return *why;
  const std::string& mine = context.upstream->client_key_mark;
  if (mine.empty())
    return Verdict::not_applicable("the run's API key is shorter than " +
                                   std::to_string(cassette::kMarkedTokenLength) +
                                   " characters: the journal keeps no mark of it to compare");
  const auto& entries = context.upstream->entries;
  for (std::size_t i = 0; i < entries.size(); ++i)
    for (const auto& [name, mark] : object_at(entries[i], "credentials").items())
      if (mark == mine)
        return Verdict::fail(
            "attempt " + std::to_string(i + 1) + " carried the client's own key upstream in " + name,
            "the gateway's key, or none", "the client's key in " + name);
  return Verdict::pass("the client's key reached the upstream in none of " + std::to_string(entries.size()) +
                       " attempts");
}

namespace {

std::string joined(const std::set<std::string>& names) {
  std::string out;
  for (const auto& name : names)
    out += (out.empty() ? "" : ", ") + name;
  return out;
}

// The hop-by-hop fields of the client's request (RFC 9110 7.6.1): the fixed ones it sent and those its
// Connection header names. A proxy consumes them; none belongs upstream.
std::set<std::string> hop_by_hop_sent(const Exchange& client) {
  static const std::set<std::string> kFixed = {
      "keep-alive", "proxy-authorization", "proxy-connection", "te", "trailer", "upgrade"};
  std::set<std::string> out;
  for (const auto& [name, value] : client.request.headers) {
    const std::string lower = core::to_lower(name);
    if (kFixed.count(lower) != 0) out.insert(lower);
    if (lower != "connection") continue;
    for (const auto& token : core::list_items(value))
      if (const std::string named = core::to_lower(token); named != "close" && named != "keep-alive")
        out.insert(named);
  }
  return out;
}

}  // namespace

Verdict upstream_hop_by_hop_dropped(const CheckContext& context, const Exchange*) {
  if (auto why = unpaired(context)) return *why;
  const auto sent = hop_by_hop_sent(*context.exchanges.back());
  if (sent.empty()) return Verdict::not_applicable("the client sent no hop-by-hop header");
  const auto& entries = context.upstream->entries;
  for (std::size_t i = 0; i < entries.size(); ++i)
    for (const auto& [name, value] : object_at(entries[i], "headers").items())
      if (sent.count(name) != 0)
        return Verdict::fail("attempt " + std::to_string(i + 1) + " carried the client's hop-by-hop header " +
                                 name + " upstream",
                             "none of: " + joined(sent), name);
  return Verdict::pass("none of " + joined(sent) + " went upstream");
}

// The client's X-Request-Id goes upstream with the request, so one id traces it through both logs.
Verdict upstream_request_id_propagated(const CheckContext& context, const Exchange*) {
  if (auto why = unpaired(context)) return *why;
  const auto sent = context.exchanges.back()->request.headers.get("x-request-id");
  if (!sent) return Verdict::not_applicable("the client sent no X-Request-Id");
  const auto& entries = context.upstream->entries;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string seen = text_at(object_at(entries[i], "headers"), "x-request-id");
    if (seen != *sent)
      return Verdict::fail("attempt " + std::to_string(i + 1) + " did not carry the client's request id",
                           "x-request-id: " + std::string(*sent),
                           seen.empty() ? "absent" : "x-request-id: " + seen);
  }
  return Verdict::pass("x-request-id: " + std::string(*sent) + " on every attempt");
}

// A stream goes through as it is produced: the client's events arrive spread over about the time the
// upstream took to send them, not all at once at the end.
Verdict upstream_stream_unbuffered(const CheckContext& context, const Exchange*) {
  if (auto why = unpaired(context)) return *why;
  // The shortest time the upstream took to send a stream of the step: each client stream is held to half
  // of it (a burst's streams cannot be paired with their attempts one by one).
  constexpr double kShortest = 200;  // below this, scheduling noise is the same size as the signal
  double upstream_span = 0;
  for (const json& entry : context.upstream->entries) {
    const double span = number_at(entry, "last_byte_ms") - number_at(entry, "first_byte_ms");
    if (number_at(entry, "events") >= 3 && span >= kShortest)  // events: a stream's count, else null
      upstream_span = upstream_span == 0 ? span : std::min(upstream_span, span);
  }
  if (upstream_span == 0)
    return Verdict::not_applicable("the upstream sent no stream of 3+ events over 200 ms or more");
  double bunched = 1e12;  // the client stream that arrived in the least time
  for (const Exchange* client : context.exchanges) {
    if (!client->timed || client->events.size() < 2)
      return Verdict::fail("the upstream streamed; the client got " + std::to_string(client->events.size()) +
                               " events (status " + std::to_string(client->response.status) + ")",
                           "a stream", std::to_string(client->events.size()) + " events");
    const double span = std::chrono::duration<double, std::milli>(client->events.back().received_at -
                                                                  client->events.front().received_at)
                            .count();
    bunched = std::min(bunched, span);
  }
  const std::string spans =
      "upstream sent its events over " + std::to_string(std::lround(upstream_span)) +
      " ms, the client got them over " + std::to_string(std::lround(bunched)) + " ms" +
      (context.exchanges.size() > 1
           ? " (the most bunched of " + std::to_string(context.exchanges.size()) + " streams)"
           : "");
  if (bunched * 2 < upstream_span)
    return Verdict::fail("the gateway held the stream back: " + spans,
                         "events spread over about " + std::to_string(std::lround(upstream_span)) + " ms",
                         std::to_string(std::lround(bunched)) + " ms");
  return Verdict::pass(spans);
}

namespace {

double quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const auto at = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size()))) - 1;
  return values[std::min(at, values.size() - 1)];
}

}  // namespace

// The time a gateway adds to each request: the client's time to the answer's head less the upstream's time
// to its last byte, requests paired with attempts in the order they were sent and arrived (exact for a burst
// sent one at a time), then its p50 and p99.
Verdict upstream_added_latency(const CheckContext& context, const Exchange*) {
  if (auto why = unpaired(context)) return *why;
  const auto& entries = context.upstream->entries;
  if (entries.size() != context.exchanges.size())
    return Verdict::not_applicable(std::to_string(entries.size()) + " attempts for " +
                                   std::to_string(context.exchanges.size()) +
                                   " requests: retries make the added time unmeasurable");
  std::vector<const Exchange*> sent = context.exchanges;
  std::stable_sort(sent.begin(), sent.end(), [](const Exchange* a, const Exchange* b) {
    return a->response.timings.request_sent < b->response.timings.request_sent;
  });
  std::vector<double> added;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Exchange& ex = *sent[i];
    if (ex.response.status == 0 || object_at(entries[i], "response").empty() ||
        number_at(entries[i], "events") > 0)
      return Verdict::not_applicable("measured on whole (non-streamed) answers only");
    const auto& t = ex.response.timings;
    const double client_ms =
        std::chrono::duration<double, std::milli>(t.headers_received - t.request_sent).count();
    added.push_back(client_ms - number_at(entries[i], "last_byte_ms"));
  }
  const double p50 = quantile(added, 0.5), p99 = quantile(added, 0.99);
  const auto& profile = context.profile;
  const std::string measured = "added p50 " + std::to_string(std::lround(p50)) + " ms, p99 " +
                               std::to_string(std::lround(p99)) + " ms over " + std::to_string(added.size()) +
                               " requests";
  const std::string limits = "p50 <= " + std::to_string(profile.added_latency_p50_ms) +
                             " ms, p99 <= " + std::to_string(profile.added_latency_p99_ms) + " ms";
  if (p50 > profile.added_latency_p50_ms || p99 > profile.added_latency_p99_ms)
    return Verdict::fail("the gateway adds more time than the profile allows: " + measured, limits, measured);
  return Verdict::pass(measured);
}

}  // namespace gatecheck::runner
