// Property: SseParser's events and stats do not depend on how the bytes are split (whole, in two at a
// position the first byte picks, byte by byte), and an event written by format_sse_event parses back to
// itself.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gatecheck/core/sse.hpp>

#include "fuzz_common.hpp"

namespace {

using namespace gatecheck;
using fuzz::require;

struct Parsed {
  std::vector<core::SseEvent> events;
  core::SseStreamStats stats;
  std::string last_event_id;
};

Parsed parse(const std::vector<std::string_view>& pieces) {
  Parsed out;
  core::SseParser parser([&](core::SseEvent&& event) { out.events.push_back(std::move(event)); });
  const auto start = core::SseParser::Clock::time_point{};
  for (std::size_t i = 0; i < pieces.size(); ++i)
    parser.feed(pieces[i], start + std::chrono::milliseconds(i));
  parser.finish();
  out.stats = parser.stats();
  out.last_event_id = parser.last_event_id();
  return out;
}

bool same_event(const core::SseEvent& a, const core::SseEvent& b) {  // received_at aside
  return a.type == b.type && a.data == b.data && a.id == b.id && a.has_event_field == b.has_event_field &&
         a.has_id_field == b.has_id_field && a.retry == b.retry && a.index == b.index &&
         a.end_offset == b.end_offset;
}

bool same_stats(const core::SseStreamStats& a, const core::SseStreamStats& b) {
  return a.bytes == b.bytes && a.bom == b.bom && a.lf_lines == b.lf_lines && a.crlf_lines == b.crlf_lines &&
         a.cr_lines == b.cr_lines && a.comments == b.comments && a.events == b.events &&
         a.blocks_without_data == b.blocks_without_data && a.unknown_fields == b.unknown_fields &&
         a.first_unknown_line == b.first_unknown_line && a.invalid_retry == b.invalid_retry &&
         a.ids_with_nul == b.ids_with_nul && a.unterminated_tail_bytes == b.unterminated_tail_bytes &&
         a.unterminated_tail == b.unterminated_tail && a.finished == b.finished;
}

void require_same(const Parsed& a, const Parsed& b) {
  require(a.events.size() == b.events.size(), "the split does not change the number of events");
  for (std::size_t i = 0; i < a.events.size(); ++i)
    require(same_event(a.events[i], b.events[i]), "the split does not change an event");
  require(same_stats(a.stats, b.stats), "the split does not change the stream stats");
  require(a.last_event_id == b.last_event_id, "the split does not change the last event id");
}

std::string without(std::string_view text, std::string_view bytes) {
  std::string out;
  for (const char c : text)
    if (bytes.find(c) == std::string_view::npos) out += c;
  return out;
}

// Lines end at CRLF, CR or LF; the parser joins data lines with LF.
std::string lf_only(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') {
      out += text[i];
    } else {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = fuzz::as_text(data, size);
  const Parsed whole = parse({bytes});
  const std::size_t at = size == 0 ? 0 : data[0] % (size + 1);
  require_same(whole, parse({bytes.substr(0, at), bytes.substr(at)}));
  if (size <= 4096) {
    std::vector<std::string_view> single;
    for (std::size_t i = 0; i < size; ++i)
      single.push_back(bytes.substr(i, 1));
    require_same(whole, parse(single));
  }

  // Round trip: the input as data, an event name and an id from its first bytes (no line breaks; ids no NUL).
  const std::string_view head = bytes.substr(0, 8);
  const std::string event = without(head, "\r\n");
  const std::string id = without(head.substr(0, 4), std::string_view("\r\n\0", 3));
  const std::optional<std::uint64_t> retry =
      size > 0 && data[0] % 2 == 0 ? std::optional<std::uint64_t>(data[0]) : std::nullopt;
  const Parsed back = parse({core::format_sse_event(bytes, event, id, retry)});
  require(back.events.size() == 1, "a formatted event parses to one event");
  const core::SseEvent& got = back.events.front();
  require(got.data == lf_only(bytes), "the data comes back (line breaks as LF)");
  require(got.type == (event.empty() ? "message" : event), "the event name comes back");
  require(got.id == id && got.retry == retry, "the id and retry come back");
  require(back.stats.unterminated_tail_bytes == 0 && back.stats.unknown_fields == 0,
          "a formatted event is complete and uses known fields only");
  return 0;
}
