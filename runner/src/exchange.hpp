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

struct Exchange {
  net::HttpRequest request;
  nlohmann::json request_json;  // null unless the body was JSON
  net::HttpResponse response;
  std::vector<core::SseEvent> events;
  std::vector<std::optional<nlohmann::json>> event_json;  // per event: its data parsed, when it is JSON
  std::optional<core::SseStreamStats> sse_stats;
  std::optional<nlohmann::json> body_json;  // the body parsed, when it is JSON (not for streams)

  bool stream_requested() const;
  bool is_event_stream() const;  // by Content-Type
  // Index of the first `data: [DONE]` event, or -1.
  std::ptrdiff_t done_index() const;
  // The chat.completion-shaped object a stream's chunks assemble to (id, model, choices[].message,
  // finish_reason, usage); for non-streamed JSON bodies, the body.
  nlohmann::json message_view() const;
  // The array of event data (JSON values, or strings for data that is not JSON).
  nlohmann::json events_view() const;
};

// Fills the parsed views once the response is complete.
void finish_exchange(Exchange& exchange);

// "text/event-stream; charset=utf-8" -> "text/event-stream"
std::string media_type(std::string_view content_type);

}  // namespace gatecheck::runner
