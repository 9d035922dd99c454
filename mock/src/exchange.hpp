// What the HTTP layer hands the mock's logic (Request) and what it gets back (Reply). Kept free of Beast so
// the logic is testable without sockets.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatecheck::mock {

using Clock = std::chrono::steady_clock;

struct Request {
  std::string_view method;
  std::string_view target;  // path and query as sent
  std::string_view path;
  std::string_view query;
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view body;
  std::string_view remote;  // peer address
  bool body_too_large = false;

  std::optional<std::string_view> header(std::string_view name) const;
};

// Produces a stream's SSE bytes one event at a time, so thousands of open streams hold little memory.
class EventSource {
 public:
  virtual ~EventSource() = default;
  // Appends the next event's bytes to `out` and sets how long to wait before sending them; false when done.
  virtual bool next(std::string& out, std::chrono::microseconds& delay) = 0;
  // The server is shutting down: what remains should be the closing events, without waiting.
  virtual void hurry() = 0;
  // Whether the source ended because where its bytes come from broke off (a proxied upstream): then the
  // stream ends abruptly too, not with a clean end the origin never sent.
  virtual bool broke() const { return false; }
};

// x-gatecheck-pacing: how a stream of the mock's is paced ("ttft-ms=800, itl-ms=20"), so a runner can tell
// held-back events from a producer that sends everything at once.
inline constexpr std::string_view kPacingHeader = "x-gatecheck-pacing";
std::string pacing_announcement(std::int64_t first_token_ms, std::int64_t between_tokens_ms);

// Bytes to send after a pause: a scripted or replayed stream's pieces.
struct TimedPiece {
  std::string bytes;
  std::chrono::microseconds delay{0};
};
// Sends the pieces one at a time after their pauses; hurried (shutdown), they go at once.
std::unique_ptr<EventSource> timed_pieces(std::vector<TimedPiece> pieces);

// How an answer went out, as the server measured it: from the request's arrival to the first and the last
// byte written, the events of a stream, and the status sent (an answer another server gave is known only
// then).
struct Delivery {
  double first_byte_ms = 0;
  double last_byte_ms = 0;
  std::size_t events = 0;
  int status = 0;
  bool stream = false;
  // What went out, for the journal (a gateway's test compares what its client saw with it): the reply's
  // headers, and its whole body or the first `body_bound` bytes of a stream's events as sent, of `body_bytes`
  // in all. Views into the reply where they can be: the journal copies them into buffers it reuses, so the
  // hot path allocates nothing for them.
  const std::vector<std::pair<std::string, std::string>>* headers = nullptr;
  std::string_view whole;  // a body sent at once
  std::string streamed;    // a stream's first events
  std::size_t body_bytes = 0;
  std::size_t body_bound = 0;
  void keep(std::string_view bytes) {
    if (streamed.size() < body_bound) streamed.append(bytes.substr(0, body_bound - streamed.size()));
    body_bytes += bytes.size();
  }
  std::string_view body() const {
    return whole.empty() ? std::string_view(streamed) : whole.substr(0, body_bound);
  }
};

struct Reply;

// The fields that frame a message on its connection (RFC 9110 7.6.1's hop-by-hop fields and Content-Length):
// the server writes them; a stub may not set them and a proxy does not pass them on.
bool is_framing_header(std::string_view name);

// An answer another server is still giving (a proxying stub): the HTTP layer asks for it now and then,
// without holding its worker, until it is ready.
class PendingAnswer {
 public:
  virtual ~PendingAnswer() = default;
  // Nullopt until the answer's head (and a plain answer's whole body) has arrived; then the answer, with a
  // stream for an event stream. Each exchange ends within its own time bounds.
  virtual std::optional<Reply> poll() = 0;
  // The client went away, or the server is stopping: the upstream is not waited for.
  virtual void abandon() = 0;
};

struct Reply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::unique_ptr<EventSource> stream;  // set: an SSE answer, body ignored
  // Set: the answer is still to come from elsewhere; status, body and stream are filled from it, and these
  // headers are added to its own where it has none of that name.
  std::unique_ptr<PendingAnswer> pending;

  // Transport behaviour (fault modes act here).
  std::chrono::milliseconds first_byte_delay{0};
  bool reset_connection = false;                // TCP RST instead of an answer
  std::optional<std::size_t> cut_after_events;  // close abruptly after this many events
  bool break_off = false;  // close abruptly after the last event (a replayed stream that broke off)
  bool buffered = false;   // hold every event back, send them together at the end
  std::optional<std::chrono::milliseconds> flush_every;  // buffered: flush what is held this often
  bool close_after = false;
  bool scripted = false;  // a stub's answer: the request's controls were not applied to it
  bool replayed = false;  // a recording's answer: sent as recorded, the pipeline adds nothing
  std::string origin;     // who gave the answer when not the mock (a proxied upstream's URL), for --record

  // For the journal and the log line.
  std::string fault_names;
  std::string key_hint;
  std::uint64_t journal_seq = 0;  // the journal entry the server completes once the answer is sent

  void set_header(std::string name, std::string value);  // replaces a field of that name (any case)
  bool has_header(std::string_view name) const;
};

}  // namespace gatecheck::mock
