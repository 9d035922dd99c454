// sse.*, latency.first-event and stream.matches-non-stream.
#include <chrono>
#include <map>
#include <set>

#include <gatecheck/core/duration.hpp>
#include <gatecheck/core/utf8.hpp>

#include "check_evaluation.hpp"
#include "matcher.hpp"

namespace gatecheck::runner {
namespace {

using nlohmann::json;

std::string ms(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f ms", value);
  return buffer;
}

double ms_between(net::Clock::time_point a, net::Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// Why a timing check has nothing to judge in a recording that kept no arrival times.
constexpr char kUntimed[] =
    "the recording keeps no arrival times (a HAR file or a raw capture): the pace cannot be judged";
// Below this gap, two arrivals from a producer of unknown pace count as one burst: far below any model's
// token time, above a read loop's jitter.
constexpr double kUnknownProducerGapMs = 2.0;

// The JSON chunks (events that parse to objects), with their event positions.
std::vector<std::pair<std::size_t, const json*>> chunks_of(const Exchange& ex) {
  std::vector<std::pair<std::size_t, const json*>> chunks;
  // Clients stop reading at [DONE]: what follows is sse.nothing-after-done's business alone.
  for (std::size_t i = 0; i < ex.events.size() && ex.events[i].data != "[DONE]"; ++i)
    if (ex.event_json[i] && ex.event_json[i]->is_object()) chunks.emplace_back(i, &*ex.event_json[i]);
  return chunks;
}

Verdict role_first(const Exchange& ex) {
  if (ex.api() == Api::completions) return Verdict::not_applicable("a text completion stream has no roles");
  std::set<std::int64_t> seen;
  for (const auto& [event, chunk] : chunks_of(ex)) {
    if (!chunk->contains("choices") || !(*chunk)["choices"].is_array()) continue;
    for (const auto& choice : (*chunk)["choices"]) {
      const std::int64_t index = choice.value("index", std::int64_t{0});
      if (!seen.insert(index).second) continue;
      const json* role =
          choice.contains("delta") && choice["delta"].is_object() && choice["delta"].contains("role")
              ? &choice["delta"]["role"]
              : nullptr;
      if (role == nullptr || *role != "assistant") {
        return Verdict::fail("the first chunk of choice " + std::to_string(index) + " (event " +
                                 std::to_string(event) + ") carries no role: assistant",
                             "delta.role 'assistant'", role ? describe_value(*role) : "absent");
      }
    }
  }
  if (seen.empty()) return Verdict::not_applicable("no choice chunks in the stream");
  return Verdict::pass();
}

// A stream that reported an error ends with it: its end is error.structured-in-stream's to judge.
std::optional<Verdict> ended_by_error(const Exchange& ex) {
  for (std::size_t i = 0; i < ex.events.size(); ++i)
    if (ex.event_role(i) == EventRole::error)
      return Verdict::not_applicable("the stream reported an error (event " + std::to_string(i) +
                                     "): how it ends is error.structured-in-stream's to judge");
  return std::nullopt;
}

Verdict finish_reason_last(const Exchange& ex) {
  if (auto skip = ended_by_error(ex)) return *skip;
  struct State {
    std::size_t finishes = 0;
    std::size_t finish_event = 0;
    std::size_t last_content_event = 0;
    bool content = false;
  };
  std::map<std::int64_t, State> states;
  for (const auto& [event, chunk] : chunks_of(ex)) {
    if (!chunk->contains("choices") || !(*chunk)["choices"].is_array()) continue;
    for (const auto& choice : (*chunk)["choices"]) {
      State& state = states[choice.value("index", std::int64_t{0})];
      if (choice_has_content(choice)) {
        state.content = true;
        state.last_content_event = event;
      }
      if (choice.contains("finish_reason") && !choice["finish_reason"].is_null()) {
        ++state.finishes;
        state.finish_event = event;
      }
    }
  }
  if (states.empty()) return Verdict::not_applicable("no choice chunks in the stream");
  for (const auto& [index, state] : states) {
    const std::string who = "choice " + std::to_string(index);
    if (state.finishes == 0)
      return Verdict::fail(who + " never got a finish_reason", "one non-null finish_reason", "none");
    if (state.finishes > 1)
      return Verdict::fail(who + " got " + std::to_string(state.finishes) + " finish_reasons", "exactly one",
                           std::to_string(state.finishes));
    if (state.content && state.last_content_event > state.finish_event)
      return Verdict::fail(who + " has content (event " + std::to_string(state.last_content_event) +
                               ") after its finish_reason (event " + std::to_string(state.finish_event) + ")",
                           "finish_reason in the last chunk of the choice", "content after it");
  }
  return Verdict::pass();
}

Verdict usage_chunk(const Exchange& ex) {
  const json& options =
      ex.request_json.is_object() ? ex.request_json.value("stream_options", json(nullptr)) : json(nullptr);
  if (!options.is_object() || options.value("include_usage", false) != true)
    return Verdict::not_applicable("the request did not ask for stream_options.include_usage");
  const auto chunks = chunks_of(ex);
  std::vector<std::size_t> with_usage;
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    const json& chunk = *chunks[c].second;
    if (chunk.contains("usage") && !chunk["usage"].is_null()) with_usage.push_back(c);
  }
  if (with_usage.empty())
    return Verdict::fail("include_usage was asked for but no chunk carries usage",
                         "a usage chunk before [DONE]", "none");
  if (with_usage.size() > 1)
    return Verdict::fail(std::to_string(with_usage.size()) + " chunks carry usage", "exactly one usage chunk",
                         std::to_string(with_usage.size()));
  const json& chunk = *chunks[with_usage.front()].second;
  if (!chunk.contains("choices") || !chunk["choices"].is_array() || !chunk["choices"].empty())
    return Verdict::fail("the usage chunk has non-empty choices", "choices: []",
                         describe_value(chunk.value("choices", json(nullptr))));
  if (with_usage.front() + 1 != chunks.size())
    return Verdict::fail("the usage chunk is not the last chunk before [DONE]", "usage chunk last",
                         std::to_string(chunks.size() - with_usage.front() - 1) + " chunks after it");
  return Verdict::pass();
}

Verdict tool_call_deltas(const Exchange& ex) {
  struct Call {
    std::string id;
    std::string name;
  };
  std::map<std::pair<std::int64_t, std::int64_t>, Call> calls;  // (choice, tool-call index)
  for (const auto& [event, chunk] : chunks_of(ex)) {
    if (!chunk->contains("choices") || !(*chunk)["choices"].is_array()) continue;
    for (const auto& choice : (*chunk)["choices"]) {
      if (!choice.contains("delta") || !choice["delta"].is_object()) continue;
      const json& delta = choice["delta"];
      if (!delta.contains("tool_calls") || !delta["tool_calls"].is_array()) continue;
      const std::int64_t choice_index = choice.value("index", std::int64_t{0});
      for (const auto& fragment : delta["tool_calls"]) {
        const std::string where = "event " + std::to_string(event);
        if (!fragment.is_object() || !fragment.contains("index") || !fragment["index"].is_number_integer())
          return Verdict::fail(where + ": a tool-call delta without an integer index", "index",
                               describe_value(fragment));
        const auto key = std::make_pair(choice_index, fragment["index"].get<std::int64_t>());
        // A custom tool's call names itself under `custom`, a function's under `function`.
        const bool custom = fragment.value("type", json(nullptr)) == "custom";
        const json function = fragment.value(custom ? "custom" : "function", json::object());
        const bool has_id = fragment.contains("id") && fragment["id"].is_string() &&
                            !fragment["id"].get_ref<const std::string&>().empty();
        const bool has_name = function.is_object() && function.contains("name") &&
                              function["name"].is_string() &&
                              !function["name"].get_ref<const std::string&>().empty();
        if (fragment.contains("type") && !fragment["type"].is_null() && fragment["type"] != "function" &&
            !custom)
          return Verdict::fail(where + ": tool call type is neither 'function' nor 'custom'",
                               "'function' or 'custom'", describe_value(fragment["type"]));
        const auto found = calls.find(key);
        if (found == calls.end()) {
          if (!has_id || !has_name)
            return Verdict::fail(where + ": the first delta of tool call " + std::to_string(key.second) +
                                     " lacks its " + (!has_id ? "id" : "function.name"),
                                 "id and function.name in the first delta", describe_value(fragment));
          calls[key] = {fragment["id"].get<std::string>(), function["name"].get<std::string>()};
          continue;
        }
        if (has_id && fragment["id"].get<std::string>() != found->second.id)
          return Verdict::fail(where + ": tool call " + std::to_string(key.second) + " changes its id",
                               describe_value(json(found->second.id)), describe_value(fragment["id"]));
      }
    }
  }
  if (calls.empty()) return Verdict::not_applicable("no tool-call deltas in the stream");
  return Verdict::pass(std::to_string(calls.size()) + " tool calls");
}

// The inter-token pause the producer announced (the mock's x-gatecheck-pacing), if it announced one.
std::optional<double> announced_pause_ms(const Exchange& ex) {
  const auto pacing = ex.response.headers.get("x-gatecheck-pacing");
  if (!pacing) return std::nullopt;
  const auto at = pacing->find("itl-ms=");
  if (at == std::string_view::npos) return std::nullopt;
  return core::parse_decimal(pacing->substr(at + 7, pacing->find(',', at) - at - 7));
}

// Arrivals closer than `gap_ms` to the one before belong to the same burst (one read, one flush).
std::vector<std::size_t> burst_sizes(const std::vector<net::Clock::time_point>& arrivals, double gap_ms) {
  std::vector<std::size_t> sizes;
  for (std::size_t i = 0; i < arrivals.size(); ++i) {
    if (i == 0 || ms_between(arrivals[i - 1], arrivals[i]) > gap_ms) sizes.push_back(0);
    ++sizes.back();
  }
  return sizes;
}

// "3 bursts (1 + 14 + 2 chunks) over 412.0 ms; the first event after 2.1 ms": the numbers a reader needs.
std::string timeline(const Exchange& ex, const std::vector<net::Clock::time_point>& arrivals,
                     const std::vector<std::size_t>& sizes) {
  std::string shape;
  for (std::size_t i = 0; i < sizes.size() && i < 12; ++i)
    shape += (i ? " + " : "") + std::to_string(sizes[i]);
  if (sizes.size() > 12) shape += " + ...";
  return std::to_string(sizes.size()) + (sizes.size() == 1 ? " burst" : " bursts") + " (" + shape +
         " chunks) over " + ms(ms_between(arrivals.front(), arrivals.back())) + "; the first event after " +
         ms(ms_between(ex.response.timings.request_sent, arrivals.front())) + " of " +
         ms(ms_between(ex.response.timings.request_sent, arrivals.back())) + " in all";
}

// Buffering, judged against what the producer is known to have done when it announced its pacing (MUST: it
// paced C content chunks apart; arriving in fewer than half as many bursts, the margin absorbing scheduler
// jitter, means something held them back), else against the stream's own shape (SHOULD: an unknown producer
// may legitimately be fast).
Verdict incremental(const Exchange& ex) {
  if (!ex.timed) return Verdict::not_applicable(kUntimed);
  const auto chunks = chunks_of(ex);
  if (chunks.size() < 3) return Verdict::not_applicable("fewer than three chunks");
  std::vector<net::Clock::time_point> arrivals;
  std::size_t content = 0;
  for (const auto& [event, chunk] : chunks) {
    arrivals.push_back(ex.events[event].received_at);
    content += ex.event_role(event) == EventRole::content ? 1 : 0;
  }
  const auto pause = announced_pause_ms(ex);
  // Too few paced chunks to tell held-back events from a short answer.
  if (content < (pause ? 3u : 4u))
    return Verdict::not_applicable(std::to_string(content) + " content chunks: too few to judge their pace");
  if (pause && *pause <= 0)
    return Verdict::not_applicable("the producer announces no pause between tokens (x-gatecheck-pacing " +
                                   std::string(*ex.response.headers.get("x-gatecheck-pacing")) +
                                   "): held-back events cannot be told from its pace");
  const auto sizes = burst_sizes(arrivals, pause ? *pause / 2 : kUnknownProducerGapMs);
  const std::string seen = timeline(ex, arrivals, sizes);
  if (pause) {
    const std::string bursts = std::to_string(sizes.size()) + (sizes.size() == 1 ? " burst" : " bursts");
    Verdict verdict =
        sizes.size() * 2 < content
            ? Verdict::fail("the producer paced " + std::to_string(content) + " content chunks " +
                                ms(*pause) + " apart, but they arrived in " + bursts +
                                ": something between held them back",
                            "about " + std::to_string(content) + " bursts", seen)
            : Verdict::pass(seen);
    verdict.severity = Severity::must;
    return verdict;
  }
  Verdict verdict = sizes.size() <= 2 && content >= 4
                        ? Verdict::fail("the stream arrived in " + std::to_string(sizes.size()) +
                                            (sizes.size() == 1 ? " burst" : " bursts") +
                                            ": it looks held back and sent at once (the producer's pace is "
                                            "unknown: no x-gatecheck-pacing)",
                                        "chunks spread over time", seen)
                        : Verdict::pass(seen);
  verdict.severity = Severity::should;
  return verdict;
}

// A Response's comparable part, as one "choice": its text and its function calls.
json comparable_response(const json& response) {
  json text = nullptr;
  json calls = json::array();
  for (const auto& item : response.value("output", json::array())) {
    if (!item.is_object()) continue;
    if (item.value("type", "") == "function_call")
      calls.push_back({item.value("name", ""), item.value("arguments", "")});
    if (item.value("type", "") != "message" || !item.contains("content") || !item["content"].is_array())
      continue;
    for (const auto& part : item["content"])
      if (part.is_object() && part.value("type", "") == "output_text")
        text = (text.is_null() ? std::string() : text.get<std::string>()) + part.value("text", "");
  }
  return json::array({json{{"content", text}, {"tool_calls", calls}}});
}

// The comparable part of a message: content and tool calls (name, arguments) per choice. finish_reason is
// left to sse.finish-reason-last, so that one defect fails one check.
json comparable(const json& view) {
  json out = json::array();
  if (view.is_object() && view.value("object", "") == "response") return comparable_response(view);
  if (!view.is_object() || !view.contains("choices") || !view["choices"].is_array()) return out;
  for (const auto& choice : view["choices"]) {
    if (choice.is_object() && choice.contains("text")) {  // a legacy completion's choice
      out.push_back({{"content", choice["text"]}, {"tool_calls", json::array()}});
      continue;
    }
    json message = choice.value("message", json::object());
    json calls = json::array();
    if (message.contains("tool_calls") && message["tool_calls"].is_array())
      for (const auto& call : message["tool_calls"])
        calls.push_back({call.value("function", json::object()).value("name", ""),
                         call.value("function", json::object()).value("arguments", "")});
    // By position, not by the `index` member: its type is the schema's business (expect.schema).
    out.push_back({{"content", message.value("content", json(nullptr))}, {"tool_calls", calls}});
  }
  return out;
}

Verdict compare_with_twin(const Exchange& ex, const CheckContext& context) {
  if (!ex.stream_requested()) return Verdict::not_applicable("the request did not stream");
  if (context.profile.always_stream)
    return Verdict::not_applicable(
        "the profile streams every answer (streaming.always): there is no "
        "non-streamed answer to compare with");
  if (context.twin == nullptr) return Verdict::not_applicable("the non-streamed twin request was not sent");
  const Exchange& plain = *context.twin;
  if (plain.response.error || plain.response.status != 200 || !plain.body_json)
    return Verdict::fail("the non-streamed twin request did not answer 200 with JSON", "200 JSON",
                         "status " + std::to_string(plain.response.status));
  const json streamed = comparable(ex.message_view());
  const json whole = comparable(*plain.body_json);
  if (streamed == whole) return Verdict::pass();
  for (std::size_t i = 0; i < std::max(streamed.size(), whole.size()); ++i) {
    const json a = i < streamed.size() ? streamed[i] : json(nullptr);
    const json b = i < whole.size() ? whole[i] : json(nullptr);
    if (a == b) continue;
    for (const char* field : {"content", "tool_calls"}) {
      const json fa = a.is_object() ? a.value(field, json(nullptr)) : json(nullptr);
      const json fb = b.is_object() ? b.value(field, json(nullptr)) : json(nullptr);
      if (fa != fb)
        return Verdict::fail("choice " + std::to_string(i) + ": the stream assembles to a different " + field,
                             describe_value(fb) + " (non-streamed)", describe_value(fa) + " (streamed)");
    }
  }
  return Verdict::fail("the streamed and non-streamed answers have different choices",
                       std::to_string(whole.size()) + " choices", std::to_string(streamed.size()));
}

}  // namespace

namespace {

// A stream check judges a 2xx answer to a streamed request; anything else is not its business.
std::optional<Verdict> not_a_stream(const Exchange& ex, bool needs_events = true) {
  const int status = ex.response.status;
  if (status < 200 || status >= 300)
    return Verdict::not_applicable("not a stream: status " + std::to_string(status));
  if (needs_events && ex.events.empty() && !ex.stream_requested())
    return Verdict::not_applicable("not a stream");
  return std::nullopt;
}

// The stream judges: each adapts one rule above to the registry's signature behind the common guard.
template <Verdict (*rule)(const Exchange&)>
Verdict stream_rule(const CheckContext&, const Exchange* ex) {
  if (auto skip = not_a_stream(*ex)) return *skip;
  return rule(*ex);
}

// The rules of chat's chunk grammar ([DONE], choices, deltas) judge chat streams only; a Responses stream
// has its own (responses.*).
template <Verdict (*rule)(const Exchange&)>
Verdict chat_stream_rule(const CheckContext& c, const Exchange* ex) {
  if (ex->api() == Api::responses)
    return Verdict::not_applicable("a Responses API stream: its events are judged by the responses.* checks");
  return stream_rule<rule>(c, ex);
}

}  // namespace

Verdict matches_non_stream(const CheckContext& context, const Exchange* ex) {
  if (auto skip = not_a_stream(*ex, false)) return *skip;
  return compare_with_twin(*ex, context);
}

Verdict first_event(const CheckContext& context, const Exchange* ex) {
  if (auto skip = not_a_stream(*ex, false)) return *skip;
  if (!context.first_event_within_ms) return Verdict::not_applicable("no first_event_within_ms in the step");
  if (!ex->timed) return Verdict::not_applicable(kUntimed);
  const double limit = *context.first_event_within_ms;
  if (ex->events.empty()) return Verdict::fail("no event arrived", "first event within " + ms(limit), "none");
  const double took = ms_between(ex->response.timings.request_sent, ex->events.front().received_at);
  if (took > limit) return Verdict::fail("the first event took " + ms(took), "within " + ms(limit), ms(took));
  return Verdict::pass("first event after " + ms(took));
}

Verdict sse_content_type(const CheckContext&, const Exchange* ex) {
  if (auto skip = not_a_stream(*ex, false)) return *skip;
  if (!ex->stream_requested() && ex->events.empty())
    return Verdict::not_applicable("no stream was asked for");
  const auto type = ex->response.headers.get("content-type");
  if (type && media_type(*type) == "text/event-stream") return Verdict::pass();
  return Verdict::fail("a stream must be served as text/event-stream", "text/event-stream",
                       type ? "'" + std::string(*type) + "'" : "no Content-Type");
}

namespace {

Verdict framing(const Exchange& ex) {
  if (!ex.sse_stats || ex.sse_stats->unterminated_tail_bytes == 0) return Verdict::pass();
  return Verdict::fail("the stream ended inside an event (" +
                           std::to_string(ex.sse_stats->unterminated_tail_bytes) +
                           " bytes after the last blank line; EventSource discards them)",
                       "a blank line after the last event", excerpt(ex.sse_stats->unterminated_tail));
}

Verdict json_chunks(const Exchange& ex) {
  for (std::size_t i = 0; i < ex.events.size(); ++i) {
    if (ex.events[i].data == "[DONE]") break;
    if (!ex.event_json[i] || !ex.event_json[i]->is_object())
      return Verdict::fail("event " + std::to_string(i) + " is not a JSON object", "a JSON chunk",
                           excerpt(ex.events[i].data));
  }
  return Verdict::pass(std::to_string(ex.events.size()) + " events");
}

Verdict done_sentinel(const Exchange& ex) {
  if (ex.done_index() >= 0) return Verdict::pass();
  if (auto skip = ended_by_error(ex)) return *skip;
  return Verdict::fail(
      "the stream ended after " + std::to_string(ex.events.size()) + " events without data: [DONE]",
      "data: [DONE]", ex.events.empty() ? "no events" : "last event " + excerpt(ex.events.back().data));
}

Verdict nothing_after_done(const Exchange& ex) {
  const std::ptrdiff_t done = ex.done_index();
  if (done < 0) return Verdict::not_applicable("no [DONE] in the stream");
  const std::size_t after = ex.events.size() - static_cast<std::size_t>(done) - 1;
  if (after == 0) return Verdict::pass();
  return Verdict::fail(std::to_string(after) + " events follow data: [DONE]", "nothing after [DONE]",
                       excerpt(ex.events[static_cast<std::size_t>(done) + 1].data));
}

Verdict same_id(const Exchange& ex) {
  std::optional<std::string> first;
  for (const auto& [event, chunk] : chunks_of(ex)) {
    if (!chunk->contains("id") || !(*chunk)["id"].is_string()) {
      if (chunk->contains("error")) continue;
      return Verdict::fail("event " + std::to_string(event) + " has no id", "a string id", "absent");
    }
    const auto& chunk_id = (*chunk)["id"].get_ref<const std::string&>();
    if (!first) first = chunk_id;
    if (chunk_id != *first)
      return Verdict::fail("event " + std::to_string(event) + " changes the completion id",
                           describe_value(json(*first)), describe_value(json(chunk_id)));
  }
  return first ? Verdict::pass() : Verdict::not_applicable("no JSON chunks");
}

}  // namespace

Verdict sse_framing(const CheckContext& c, const Exchange* ex) {
  return stream_rule<&framing>(c, ex);
}
Verdict sse_json_chunks(const CheckContext& c, const Exchange* ex) {
  return stream_rule<&json_chunks>(c, ex);
}
Verdict sse_done_sentinel(const CheckContext& c, const Exchange* ex) {
  return chat_stream_rule<&done_sentinel>(c, ex);
}
Verdict sse_nothing_after_done(const CheckContext& c, const Exchange* ex) {
  return chat_stream_rule<&nothing_after_done>(c, ex);
}
Verdict sse_same_id(const CheckContext& c, const Exchange* ex) {
  return chat_stream_rule<&same_id>(c, ex);
}
Verdict sse_role_first(const CheckContext& c, const Exchange* ex) {
  return chat_stream_rule<&role_first>(c, ex);
}
Verdict sse_finish_reason_last(const CheckContext& c, const Exchange* ex) {
  return chat_stream_rule<&finish_reason_last>(c, ex);
}
Verdict sse_usage_chunk(const CheckContext& c, const Exchange* ex) {
  return chat_stream_rule<&usage_chunk>(c, ex);
}
Verdict sse_tool_call_deltas(const CheckContext& c, const Exchange* ex) {
  return chat_stream_rule<&tool_call_deltas>(c, ex);
}
Verdict sse_incremental(const CheckContext& c, const Exchange* ex) {
  return stream_rule<&incremental>(c, ex);
}

}  // namespace gatecheck::runner
