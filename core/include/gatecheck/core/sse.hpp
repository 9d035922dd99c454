// Server-sent events as the WHATWG HTML standard defines them (section 9.2 "Server-sent events", the
// "event stream interpretation"), plus the diagnostics a conformance check needs about how the bytes looked.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace gatecheck::core {

struct SseEvent {
  std::string type = "message";  // the `event:` field, or "message"
  std::string data;              // data lines joined by '\n'
  std::string id;                // the last event ID buffer at dispatch (it persists across events)
  bool has_event_field = false;
  bool has_id_field = false;
  std::optional<std::uint64_t> retry;  // a valid `retry:` seen in this event's block
  std::chrono::steady_clock::time_point received_at;
  std::size_t index = 0;         // 0-based position among dispatched events
  std::uint64_t end_offset = 0;  // stream byte offset just past the blank line that dispatched it
};

// What the bytes looked like, beyond the events they produced.
struct SseStreamStats {
  std::uint64_t bytes = 0;
  bool bom = false;
  std::size_t lf_lines = 0;
  std::size_t crlf_lines = 0;
  std::size_t cr_lines = 0;
  std::size_t comments = 0;
  std::size_t events = 0;
  std::size_t blocks_without_data = 0;  // blank-line-terminated blocks that dispatched nothing
  std::size_t unknown_fields = 0;       // lines whose field name the standard ignores
  std::string first_unknown_line;       // the first such line, for explanations
  std::size_t invalid_retry = 0;
  std::size_t ids_with_nul = 0;
  // Bytes after the last blank line when the stream ended: an incomplete event, discarded per the standard.
  std::uint64_t unterminated_tail_bytes = 0;
  std::string unterminated_tail;  // its first bytes, for explanations
  bool finished = false;
};

class SseParser {
 public:
  using Clock = std::chrono::steady_clock;
  using EventHandler = std::function<void(SseEvent&&)>;

  explicit SseParser(EventHandler on_event);

  // Bytes may be split anywhere, including inside a CRLF pair or the BOM.
  void feed(std::string_view bytes, Clock::time_point now = Clock::now());
  // End of stream: an event without its terminating blank line is discarded (and counted in the stats).
  void finish();

  const SseStreamStats& stats() const { return stats_; }
  const std::string& last_event_id() const { return last_event_id_; }

 private:
  void scan(std::string_view bytes, Clock::time_point now);
  void process_line(std::string_view line, Clock::time_point now);
  void dispatch(Clock::time_point now);

  EventHandler on_event_;
  SseStreamStats stats_;
  std::string line_;
  std::string pending_bom_;
  bool bom_checked_ = false;
  bool skip_lf_ = false;
  std::string data_;
  std::string type_;
  std::string last_event_id_;
  bool block_has_fields_ = false;
  bool has_event_field_ = false;
  bool has_id_field_ = false;
  std::optional<std::uint64_t> retry_;
  std::uint64_t block_start_ = 0;
  std::uint64_t offset_ = 0;
};

// Writes one event; multi-line data becomes several `data:` lines. Ends with the blank line.
void append_sse_event(std::string& out, std::string_view data, std::string_view event = {},
                      std::string_view id = {}, std::optional<std::uint64_t> retry = std::nullopt);
std::string format_sse_event(std::string_view data, std::string_view event = {}, std::string_view id = {},
                             std::optional<std::uint64_t> retry = std::nullopt);
void append_sse_comment(std::string& out, std::string_view text);

}  // namespace gatecheck::core
