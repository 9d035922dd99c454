// One request and everything that came back, in the forms the checks read: the raw response, the stream's
// events with their arrival times, parsed JSON, and the message assembled from a stream's deltas.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/core/sse.hpp>
#include <gatecheck/net/http_client.hpp>

namespace gatecheck::runner {

// The API surface a request addressed, by its path: the checks read answers and streams by its grammar.
enum class Api { chat, completions, responses, speech, transcription, images, other };
Api api_of_url(std::string_view url);

// What one stream event means in its API's grammar.
enum class EventRole {
  content,  // a piece of the answer (a chat delta with content or tool calls, a completion's text, a
            // Responses *.delta event)
  error,    // an error reported in the stream (a chat {"error": ...}; Responses `error` or response.failed)
  end,      // the stream's normal end ([DONE]; response.completed or response.incomplete)
  other
};

// Whether one choice of a chunk says something: a legacy completion's text, or a chat delta's content or tool
// calls. Stated once: event_role counts content events by it, sse.finish-reason-last finds content after a
// finish by it.
bool choice_has_content(const nlohmann::json& choice);

struct Exchange {
  net::HttpRequest request;
  nlohmann::json request_json;  // null unless the body was JSON
  net::HttpResponse response;
  std::vector<core::SseEvent> events;
  std::vector<std::optional<nlohmann::json>> event_json;  // per event: its data parsed, when it is JSON
  std::optional<core::SseStreamStats> sse_stats;
  std::optional<nlohmann::json> body_json;  // the body parsed, when it is JSON (not for streams)
  // False when the events' arrival times are not known (a recording from a HAR file or a raw capture): the
  // checks that judge timing have nothing to judge.
  bool timed = true;

  Api api() const { return api_of_url(request.url); }
  bool stream_requested() const;
  EventRole event_role(std::size_t event) const;
  // The message of an error event (event_role error), or nullptr.
  const nlohmann::json* event_error_message(std::size_t event) const;
  bool is_event_stream() const;  // by Content-Type
  // Index of the first `data: [DONE]` event, or -1.
  std::ptrdiff_t done_index() const;
  // The object a stream assembles to in its API's shape: for chat, the chat.completion its chunks make (id,
  // model, choices[].message, finish_reason, usage); for legacy completions, the text_completion
  // (choices[].text, logprobs, finish_reason, usage); for the Responses API, the Response its terminal
  // event carries (else its done items as `output`). For non-streamed JSON bodies, the body.
  nlohmann::json message_view() const;
  // The array of event data (JSON values, or strings for data that is not JSON).
  nlohmann::json events_view() const;
};

// A request's body without streaming (no `stream`, no `stream_options`): what a stream's twin asks, and how
// a recorded twin is recognised.
nlohmann::json unstreamed(nlohmann::json request);

// Fills the parsed views once the response is complete.
void finish_exchange(Exchange& exchange);

using core::media_type;

}  // namespace gatecheck::runner
