#include "recording.hpp"

#include <gatecheck/core/document.hpp>
#include <gatecheck/core/duration.hpp>

namespace gatecheck::runner {
namespace {

double ms_after(net::Clock::time_point start, net::Clock::time_point at) {
  return std::max(0.0, std::chrono::duration<double, std::milli>(at - start).count());
}

// Offline exchanges get a clock of their own: the recorded offsets after an arbitrary start.
const net::Clock::time_point kOrigin = net::Clock::time_point{} + std::chrono::hours(1);

net::Clock::time_point at(double ms) {
  return kOrigin +
         std::chrono::duration_cast<net::Clock::duration>(std::chrono::duration<double, std::milli>(ms));
}

std::optional<net::TransportError> transport_error(const cassette::RecordedResponse& response) {
  if (response.error_kind.empty()) return std::nullopt;
  for (int kind = 0; kind <= static_cast<int>(net::TransportErrorKind::body_too_large); ++kind) {
    const auto value = static_cast<net::TransportErrorKind>(kind);
    if (net::to_string(value) == response.error_kind) return net::TransportError{value, response.error};
  }
  return net::TransportError{net::TransportErrorKind::closed, response.error};
}

}  // namespace

cassette::Recording recording_of(const Exchange& ex, std::string label, std::string profile) {
  cassette::Recording out;
  out.profile = std::move(profile);
  out.recorded_at = core::rfc3339_now();
  std::tie(out.source, out.request.url) = cassette::split_url(ex.request.url);
  out.label = std::move(label);
  out.request.method = ex.request.method;
  out.request.headers = ex.request.headers;
  out.request.body = ex.request.body;
  const auto& response = ex.response;
  const auto& timings = response.timings;
  auto& recorded = out.response;
  recorded.status = response.status;
  recorded.reason = response.reason;
  recorded.headers = response.headers;
  recorded.body = response.body;
  if (response.status != 0) recorded.headers_ms = ms_after(timings.request_sent, timings.headers_received);
  recorded.duration_ms = ms_after(timings.request_sent, timings.finished);
  for (const auto& event : ex.events) {
    std::size_t end = std::min<std::size_t>(event.end_offset, response.body.size());
    // A CR dispatches the event; the LF of its CRLF belongs with it, not with the next piece.
    if (end > 0 && end < response.body.size() && response.body[end - 1] == '\r' && response.body[end] == '\n')
      ++end;
    if (!recorded.arrivals.empty() && end <= recorded.arrivals.back().end) continue;
    recorded.arrivals.push_back({ms_after(timings.request_sent, event.received_at), end});
  }
  if (!recorded.arrivals.empty() && recorded.arrivals.back().end < response.body.size())
    recorded.arrivals.push_back({*recorded.duration_ms, response.body.size()});
  if (response.error) {
    recorded.error_kind = std::string(net::to_string(response.error->kind));
    recorded.error = response.error->message;
    recorded.truncated = response.error->kind == net::TransportErrorKind::body_too_large;
  }
  return out;
}

Exchange exchange_of(const cassette::Recording& recording) {
  Exchange ex;
  ex.request.method = recording.request.method;
  ex.request.url = recording.source + recording.request.url;
  ex.request.headers = recording.request.headers;
  ex.request.body = recording.request.body;
  if (nlohmann::json parsed = core::parse_untrusted_json(recording.request.body); !parsed.is_discarded())
    ex.request_json = std::move(parsed);
  const auto& recorded = recording.response;
  auto& response = ex.response;
  response.status = recorded.status;
  response.reason = recorded.reason;
  response.headers = recorded.headers;
  response.body = recorded.body;
  response.error = transport_error(recorded);
  response.timings.started = response.timings.connected = response.timings.request_sent = kOrigin;
  response.timings.headers_received = at(recorded.headers_ms.value_or(0));
  response.timings.finished = at(recorded.duration_ms.value_or(recorded.headers_ms.value_or(0)));
  // The events as the client would have parsed them, each when its bytes arrived.
  core::SseParser parser([&ex](core::SseEvent&& event) { ex.events.push_back(std::move(event)); });
  for (const auto& piece : cassette::pieces_of(recorded))
    parser.feed(piece.bytes, recorded.arrivals.empty() ? response.timings.finished : at(piece.at_ms));
  parser.finish();
  ex.sse_stats = parser.stats();
  ex.timed = !recorded.arrivals.empty();
  finish_exchange(ex);
  return ex;
}

}  // namespace gatecheck::runner
