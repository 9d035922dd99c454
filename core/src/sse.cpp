#include <algorithm>
#include <utility>

#include <gatecheck/core/sse.hpp>

namespace gatecheck::core {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::size_t kTailExcerpt = 200;

}  // namespace

SseParser::SseParser(EventHandler on_event) : on_event_(std::move(on_event)) {}

void SseParser::feed(std::string_view bytes, Clock::time_point now) {
  stats_.bytes += bytes.size();
  // A BOM counts only as the stream's first three bytes, and those may arrive one at a time.
  if (!bom_checked_) {
    const std::size_t take = std::min(kBom.size() - pending_bom_.size(), bytes.size());
    pending_bom_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (pending_bom_.size() < kBom.size() && kBom.starts_with(pending_bom_)) return;  // undecided yet
    bom_checked_ = true;
    const std::string head = std::move(pending_bom_);
    pending_bom_.clear();
    if (head == kBom) {
      stats_.bom = true;
      offset_ += kBom.size();
      block_start_ = offset_;
    } else {
      scan(head, now);
    }
  }
  scan(bytes, now);
}

void SseParser::scan(std::string_view bytes, Clock::time_point now) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (skip_lf_) {
      skip_lf_ = false;
      if (c == '\n') {
        // The LF of a CRLF pair whose CR already ended the line (possibly in the previous read).
        --stats_.cr_lines;
        ++stats_.crlf_lines;
        ++offset_;
        start = i + 1;
        continue;
      }
    }
    if (c != '\n' && c != '\r') continue;
    line_.append(bytes.substr(start, i - start));
    offset_ += i - start + 1;
    if (c == '\n') {
      ++stats_.lf_lines;
    } else {
      ++stats_.cr_lines;
      skip_lf_ = true;
    }
    process_line(line_, now);
    line_.clear();
    start = i + 1;
  }
  line_.append(bytes.substr(start));
  offset_ += bytes.size() - start;
}

void SseParser::process_line(std::string_view line, Clock::time_point now) {
  if (line.empty()) {
    dispatch(now);
    block_start_ = offset_;
    return;
  }
  if (line.front() == ':') {
    ++stats_.comments;
    return;
  }
  block_has_fields_ = true;
  std::string_view field = line;
  std::string_view value;
  if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    data_.append(value);
    data_ += '\n';
  } else if (field == "event") {
    type_ = std::string(value);
    has_event_field_ = true;
  } else if (field == "id") {
    has_id_field_ = true;
    if (value.find('\0') == std::string_view::npos) {
      last_event_id_ = std::string(value);
    } else {
      ++stats_.ids_with_nul;
    }
  } else if (field == "retry") {
    const bool digits = !value.empty() && value.find_first_not_of("0123456789") == std::string_view::npos;
    if (digits && value.size() < 20) {
      retry_ = std::stoull(std::string(value));
    } else {
      ++stats_.invalid_retry;
    }
  } else {
    if (stats_.unknown_fields++ == 0) stats_.first_unknown_line = std::string(line.substr(0, kTailExcerpt));
  }
}

void SseParser::dispatch(Clock::time_point now) {
  if (data_.empty()) {
    if (block_has_fields_) ++stats_.blocks_without_data;
  } else {
    data_.pop_back();  // the standard removes one trailing LF
    SseEvent event;
    event.type = type_.empty() ? "message" : type_;
    event.data = std::move(data_);
    event.id = last_event_id_;
    event.has_event_field = has_event_field_;
    event.has_id_field = has_id_field_;
    event.retry = retry_;
    event.received_at = now;
    event.index = stats_.events++;
    event.end_offset = offset_;
    if (on_event_) on_event_(std::move(event));
  }
  data_.clear();
  type_.clear();
  block_has_fields_ = false;
  has_event_field_ = false;
  has_id_field_ = false;
  retry_.reset();
}

void SseParser::finish() {
  if (stats_.finished) return;
  stats_.finished = true;
  if (!bom_checked_) {
    // Fewer than three bytes that began like a BOM: they were content.
    bom_checked_ = true;
    scan(std::exchange(pending_bom_, {}), Clock::now());
  }
  const std::uint64_t tail = offset_ - block_start_;
  if (tail > 0 && (block_has_fields_ || !line_.empty())) {
    stats_.unterminated_tail_bytes = tail;
    std::string excerpt = line_;
    if (!data_.empty()) {
      data_.pop_back();
      excerpt = "data: " + data_ + (line_.empty() ? "" : "\n" + line_);
    }
    stats_.unterminated_tail = excerpt.substr(0, kTailExcerpt);
  }
  data_.clear();
  line_.clear();
}

void append_sse_event(std::string& out, std::string_view data, std::string_view event, std::string_view id,
                      std::optional<std::uint64_t> retry) {
  if (!event.empty()) {
    out += "event: ";
    out += event;
    out += '\n';
  }
  if (!id.empty()) {
    out += "id: ";
    out += id;
    out += '\n';
  }
  if (retry) {
    out += "retry: ";
    out += std::to_string(*retry);
    out += '\n';
  }
  std::size_t start = 0;
  for (;;) {
    std::size_t end = data.find_first_of("\r\n", start);
    out += "data: ";
    out += data.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    out += '\n';
    if (end == std::string_view::npos) break;
    if (data[end] == '\r' && end + 1 < data.size() && data[end + 1] == '\n') ++end;
    start = end + 1;
  }
  out += '\n';
}

std::string format_sse_event(std::string_view data, std::string_view event, std::string_view id,
                             std::optional<std::uint64_t> retry) {
  std::string out;
  append_sse_event(out, data, event, id, retry);
  return out;
}

void append_sse_comment(std::string& out, std::string_view text) {
  out += ':';
  out += text;
  out += '\n';
}

}  // namespace gatecheck::core
