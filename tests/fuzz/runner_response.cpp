// Property: every catalog check judges any response (or burst of responses) without throwing, and a failing
// verdict explains itself; the exchange's views (message_view, events_view, done_index), which captures and
// expectations read outside the checks, never throw.
//
// Input (text), one or more responses separated by a line "--next--" (a burst, at most 8), each:
//   STATUS [flags]   flags shape the request (stream usage tools json schema moderation; responses,
//                    completions: those APIs' request shapes and paths; echo, logprobs: completions
//                    options; speech, transcription, images: those paths, the body read as their answer),
//                    say the transport
//                    broke (broken) or pick the profile (simosphere, first response only)
//   Name: value      response headers, then a blank line
//   body             read as SSE whatever its type, as HttpClient does for the runner, then finished
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/sse.hpp>
#include <gatecheck/net/http_client.hpp>
#include <gatecheck/runner/checks.hpp>
#include <gatecheck/vendor/profile.hpp>

#include "check_evaluation.hpp"
#include "exchange.hpp"
#include "fuzz_common.hpp"

namespace {

using namespace gatecheck;
using fuzz::has_word;
using fuzz::require;
using nlohmann::json;

// A Responses API request: flat function tools and text.format instead of chat's shapes.
json responses_request_for(std::string_view flags) {
  json request = {{"model", "gpt-4o-mini"}, {"input", "Say hello"}};
  if (has_word(flags, "stream")) request["stream"] = true;
  if (has_word(flags, "tools")) {
    request["tools"] = json::array(
        {{{"type", "function"},
          {"name", "get_weather"},
          {"parameters",
           {{"type", "object"}, {"properties", {{"city", {{"type", "string"}}}}}, {"required", {"city"}}}}}});
  }
  if (has_word(flags, "json")) request["text"] = {{"format", {{"type", "json_object"}}}};
  if (has_word(flags, "schema"))
    request["text"] = {
        {"format", {{"type", "json_schema"}, {"name", "answer"}, {"schema", {{"type", "object"}}}}}};
  return request;
}

json request_for(std::string_view flags) {
  if (has_word(flags, "moderation")) return {{"input", json::array({"first", "second"})}};
  if (has_word(flags, "speech"))
    return {{"model", "tts-1"}, {"input", "hi"}, {"voice", "alloy"}, {"response_format", "wav"}};
  if (has_word(flags, "images")) return {{"prompt", "x"}, {"size", "256x256"}, {"n", 2}};
  if (has_word(flags, "completions")) {
    json request = {{"model", "gpt-3.5-turbo-instruct"}, {"prompt", json::array({"Say", "this"})}, {"n", 2}};
    if (has_word(flags, "stream")) request["stream"] = true;
    if (has_word(flags, "echo")) request["echo"] = true;
    if (has_word(flags, "logprobs")) request["logprobs"] = 2;
    return request;
  }
  if (has_word(flags, "responses")) return responses_request_for(flags);
  json request = {{"model", "gpt-4o-mini"},
                  {"messages", json::array({{{"role", "user"}, {"content", "Say hello"}}})}};
  if (has_word(flags, "stream")) request["stream"] = true;
  if (has_word(flags, "usage")) request["stream_options"] = {{"include_usage", true}};
  if (has_word(flags, "tools")) {
    request["tools"] = json::array({{{"type", "function"},
                                     {"function",
                                      {{"name", "get_weather"},
                                       {"parameters",
                                        {{"type", "object"},
                                         {"properties", {{"city", {{"type", "string"}}}}},
                                         {"required", {"city"}}}}}}}});
  }
  if (has_word(flags, "json")) request["response_format"] = {{"type", "json_object"}};
  if (has_word(flags, "schema")) {
    request["response_format"] = {
        {"type", "json_schema"},
        {"json_schema", {{"name", "answer"}, {"schema", {{"type", "object"}, {"required", {"answer"}}}}}}};
  }
  return request;
}

// One response, as scenario_executor.cpp's send() leaves it: SSE events from the body, then
// finish_exchange().
runner::Exchange read_exchange(std::string_view text, net::Clock::time_point start) {
  runner::Exchange ex;
  const std::string_view head = fuzz::take_line(text);
  ex.request.method = "POST";
  ex.request.url = has_word(head, "moderation")      ? "http://gateway.test/v1/moderations"
                   : has_word(head, "responses")     ? "http://gateway.test/v1/responses"
                   : has_word(head, "completions")   ? "http://gateway.test/v1/completions"
                   : has_word(head, "speech")        ? "http://gateway.test/v1/audio/speech"
                   : has_word(head, "transcription") ? "http://gateway.test/v1/audio/transcriptions"
                   : has_word(head, "images")        ? "http://gateway.test/v1/images/generations"
                                                     : "http://gateway.test/v1/chat/completions";
  ex.request_json = request_for(head);
  ex.request.body = ex.request_json.dump();
  (void)std::from_chars(head.data(), head.data() + head.size(), ex.response.status);
  if (has_word(head, "broken"))
    ex.response.error = net::TransportError{net::TransportErrorKind::closed, "the peer closed mid-body"};
  while (!text.empty()) {
    const std::string_view line = fuzz::take_line(text);
    if (line.empty()) break;
    const auto [name, value] = fuzz::split_header(line);
    ex.response.headers.add(std::string(name), std::string(value));
  }
  ex.response.body = std::string(text);
  ex.response.timings.started = ex.response.timings.connected = ex.response.timings.request_sent = start;
  ex.response.timings.headers_received = start + std::chrono::milliseconds(5);
  core::SseParser parser([&](core::SseEvent&& event) { ex.events.push_back(std::move(event)); });
  const std::string_view body = ex.response.body;
  const std::size_t piece = body.size() / 4 + 1;  // four reads, 10 ms apart
  for (std::size_t at = 0, n = 1; at < body.size(); at += piece, ++n)
    parser.feed(body.substr(at, piece), start + std::chrono::milliseconds(10 * n));
  parser.finish();
  ex.sse_stats = parser.stats();
  ex.response.timings.finished = start + std::chrono::milliseconds(50);
  runner::finish_exchange(ex);
  return ex;
}

// The non-streamed twin (stream.matches-non-stream): what the stream assembled to, as a JSON answer.
runner::Exchange resend(const runner::Exchange& streamed) {
  runner::Exchange twin;
  twin.request_json = streamed.request_json;
  twin.request_json["stream"] = false;
  twin.request_json.erase("stream_options");
  twin.response.status = 200;
  twin.response.headers.add("Content-Type", "application/json");
  twin.response.body = streamed.message_view().dump();
  runner::finish_exchange(twin);
  return twin;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const vendor::Profile openai = vendor::load_profile("openai");
  static const vendor::Profile simosphere = vendor::load_profile("simosphere");
  std::string_view rest = fuzz::as_text(data, size);
  const vendor::Profile& profile =
      has_word(rest.substr(0, rest.find('\n')), "simosphere") ? simosphere : openai;

  std::vector<std::unique_ptr<runner::Exchange>> exchanges;
  const auto start = net::Clock::now();
  constexpr std::string_view kSeparator = "\n--next--\n";
  while (exchanges.size() < 8) {
    const auto end = rest.find(kSeparator);
    exchanges.push_back(std::make_unique<runner::Exchange>(read_exchange(rest.substr(0, end), start)));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + kSeparator.size());
  }
  std::vector<const runner::Exchange*> burst;
  for (const auto& ex : exchanges) {
    burst.push_back(ex.get());
    (void)ex->message_view();
    (void)ex->events_view();
    (void)ex->done_index();
    (void)ex->is_event_stream();
    (void)ex->stream_requested();
  }
  const runner::Exchange twin = resend(*burst.front());
  const runner::CheckContext context{burst, profile, 1000, &twin, nullptr};
  for (const auto& check : runner::check_catalog()) {
    const runner::Verdict verdict = runner::evaluate_check(check.id, context);
    require(verdict.kind != runner::Verdict::Kind::fail || !verdict.message.empty(),
            "a failing verdict says why");
  }
  return 0;
}
