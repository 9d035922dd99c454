#include "journal.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iostream>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/json_writer.hpp>
#include <gatecheck/core/utf8.hpp>

namespace gatecheck::mock {

namespace {

using nlohmann::json;

// What a journal entry looks like to a request pattern: views into the entry.
struct EntryRequest {
  explicit EntryRequest(const JournalEntry& entry) {
    request.method = entry.method;
    request.path = entry.path;
    request.query = entry.query;
    request.body = entry.body;
    for (const auto& [name, value] : entry.headers)
      request.headers.emplace_back(name, value);
  }
  RequestView view(const JournalEntry& entry) const {
    if (entry.body.size() == entry.body_bytes) return RequestView(request);
    return RequestView(request, std::pair{entry.body.size(), entry.body_bytes});
  }
  Request request;
};

// The fields a query names, cheap to test under the journal's lock.
bool selected(const JournalEntry& e, const JournalQuery& q) {
  if (e.seq <= q.since) return false;
  if (q.method && !core::iequals(*q.method, e.method)) return false;
  if (q.path && *q.path != e.path) return false;
  if (q.stub && *q.stub != e.stub) return false;
  if (q.status && *q.status != e.status) return false;
  if (q.header) {
    const bool has = std::any_of(e.headers.begin(), e.headers.end(), [&](const auto& header) {
      return core::iequals(header.first, q.header->first) && header.second == q.header->second;
    });
    if (!has) return false;
  }
  return true;
}

bool matches(const JournalEntry& e, const JournalQuery& q) {
  if (q.pattern == nullptr) return true;
  const EntryRequest request(e);
  return q.pattern->match(request.view(e)).matched();
}

json optional_ms(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

// Served JSON: every header value, the query and the body pass the redactor (keys, tokens, the admin token).
// What arrived need not be UTF-8 (obs-text in a header, a binary body): repaired, so the answer is JSON.
json served_headers(const std::vector<std::pair<std::string, std::string>>& fields,
                    const core::Redactor& redactor) {
  json headers = json::object();
  for (const auto& [name, value] : fields)
    headers[core::repair_utf8(core::to_lower(name))] = core::repair_utf8(redactor.redact_header(name, value));
  return headers;
}

// The credential headers' marks (cassette::kept_mark): a runner tells whether its own key went
// upstream without the journal ever serving a key.
json credential_marks(const JournalEntry& e) {
  json marks = json::object();
  for (const auto& [name, value] : e.headers)
    if (cassette::is_credential(name))
      if (auto mark = cassette::kept_mark(value); !mark.empty())
        marks[core::to_lower(name)] = std::move(mark);
  return marks;
}

// The answer as it went out; null until it has.
json response_json(const JournalEntry& e, const core::Redactor& redactor) {
  if (!e.last_byte_ms || !e.response_kept) return nullptr;
  return {{"headers", served_headers(e.response_headers, redactor)},
          {"body", core::repair_utf8(redactor.redact(e.response_body))},
          {"body_bytes", e.response_bytes},
          {"body_truncated", e.response_body.size() < e.response_bytes}};
}

json entry_json(const JournalEntry& e, const core::Redactor& redactor) {
  json headers = served_headers(e.headers, redactor);
  return {{"seq", e.seq},
          {"id", e.id},
          {"method", e.method},
          {"path", e.path},
          {"url", e.query.empty() ? e.path : e.path + "?" + core::repair_utf8(redactor.redact(e.query))},
          {"headers", std::move(headers)},
          {"body", core::repair_utf8(redactor.redact(e.body))},
          {"body_bytes", e.body_bytes},
          {"body_truncated", e.body.size() < e.body_bytes},
          {"stub", e.stub.empty() ? json(nullptr) : json(e.stub)},
          {"status", e.status},
          {"at", e.at_ms / 1000},
          {"at_ms", e.at_ms},
          {"duration_ms", e.duration_ms},
          {"first_byte_ms", optional_ms(e.first_byte_ms)},
          {"last_byte_ms", optional_ms(e.last_byte_ms)},
          {"events", e.stream ? json(e.events) : json(nullptr)},
          {"key_hint", e.key_hint.empty() ? json(nullptr) : json(e.key_hint)},
          {"fault", e.faults.empty() ? json(nullptr) : json(e.faults)},
          {"stream", e.stream},
          {"credentials", credential_marks(e)},
          {"response", response_json(e, redactor)}};
}

}  // namespace

std::uint64_t Journal::record(const JournalEntry& summary, const Request& request) {
  const std::lock_guard lock(mutex_);
  const std::uint64_t seq = next_seq_++;
  JournalEntry& slot = ring_[seq % ring_.size()];
  // Assigned in place: the slot's strings keep their buffers, so recording allocates little once the ring
  // has gone round.
  slot.id = summary.id;
  slot.method = summary.method;
  slot.path = summary.path;
  slot.query.assign(request.query);
  slot.headers.resize(request.headers.size());
  for (std::size_t i = 0; i < request.headers.size(); ++i) {
    slot.headers[i].first.assign(request.headers[i].first);
    slot.headers[i].second.assign(request.headers[i].second);
  }
  slot.body.assign(request.body.substr(0, body_bytes_));
  slot.body_bytes = request.body.size();
  slot.stub = summary.stub;
  slot.status = summary.status;
  slot.at_ms = summary.at_ms;
  slot.duration_ms = summary.duration_ms;
  slot.first_byte_ms.reset();
  slot.last_byte_ms.reset();
  slot.events = 0;
  slot.response_headers.clear();
  slot.response_body.clear();
  slot.response_bytes = 0;
  slot.response_kept = false;
  slot.key_hint = summary.key_hint;
  slot.faults = summary.faults;
  slot.stream = summary.stream;
  slot.seq = seq;
  return seq;
}

void Journal::delivered(std::uint64_t seq, const Delivery& delivery) {
  const std::lock_guard lock(mutex_);
  JournalEntry& slot = ring_[seq % ring_.size()];
  if (slot.seq != seq) return;  // overwritten meanwhile: the ring has gone round
  slot.first_byte_ms = delivery.first_byte_ms;
  slot.last_byte_ms = delivery.last_byte_ms;
  slot.events = delivery.events;
  if (delivery.status != 0) slot.status = delivery.status;  // a proxied answer's status is known only now
  slot.stream = delivery.stream;
  if (delivery.headers != nullptr) {
    // Assigned in place, as a request's are: the slot's strings keep their buffers.
    slot.response_headers.resize(delivery.headers->size());
    for (std::size_t i = 0; i < delivery.headers->size(); ++i) {
      slot.response_headers[i].first.assign((*delivery.headers)[i].first);
      slot.response_headers[i].second.assign((*delivery.headers)[i].second);
    }
  }
  slot.response_body.assign(delivery.body());
  slot.response_kept = delivery.headers != nullptr;
  slot.response_bytes = delivery.body_bytes;
}

std::vector<JournalEntry> Journal::snapshot(const JournalQuery& query) const {
  std::vector<JournalEntry> out;
  const std::lock_guard lock(mutex_);
  const std::uint64_t oldest = next_seq_ > ring_.size() ? next_seq_ - ring_.size() : 1;
  // Without a pattern the limit applies here; with one, every candidate is copied and matched outside.
  const std::size_t most = query.pattern == nullptr ? query.limit : ring_.size();
  for (std::uint64_t seq = next_seq_ - 1; seq >= oldest && seq > query.since && out.size() < most; --seq) {
    const JournalEntry& entry = ring_[seq % ring_.size()];
    if (entry.seq == seq && selected(entry, query)) out.push_back(entry);
  }
  return out;
}

json Journal::find(const JournalQuery& query, const core::Redactor& redactor) const {
  json data = json::array();
  for (const auto& entry : snapshot(query))
    if (data.size() < query.limit && matches(entry, query)) data.push_back(entry_json(entry, redactor));
  return {{"object", "list"}, {"data", std::move(data)}, {"next_seq", next_seq()}};
}

std::size_t Journal::count(const JournalQuery& query) const {
  JournalQuery all = query;
  all.limit = ring_.size();
  const auto entries = snapshot(all);
  return static_cast<std::size_t>(
      std::count_if(entries.begin(), entries.end(), [&](const JournalEntry& e) { return matches(e, all); }));
}

json Journal::explain(const RequestPattern& pattern, std::uint64_t since, std::size_t limit,
                      const core::Redactor& redactor) const {
  JournalQuery all;
  all.since = since;
  all.limit = ring_.size();
  auto entries = snapshot(all);
  std::reverse(entries.begin(), entries.end());  // in arrival order: a gateway's attempts as it made them
  json data = json::array();
  for (const auto& entry : entries) {
    if (data.size() == limit) break;
    const EntryRequest request(entry);
    json misses = json::array();
    for (const auto& line : pattern.match(request.view(entry), true).misses)
      misses.push_back(core::repair_utf8(redactor.redact(line)));  // a miss quotes what arrived
    json served = entry_json(entry, redactor);
    served["misses"] = std::move(misses);
    data.push_back(std::move(served));
  }
  return {{"object", "list"}, {"data", std::move(data)}, {"next_seq", next_seq()}};
}

json Journal::near_misses(const RequestPattern& pattern, std::uint64_t since, std::size_t limit,
                          const core::Redactor& redactor) const {
  struct Ranked {
    double distance;
    const JournalEntry* entry;
    std::vector<std::string> misses;
  };
  JournalQuery all;
  all.since = since;
  all.limit = ring_.size();
  const auto entries = snapshot(all);
  std::vector<Ranked> ranked;
  for (const auto& entry : entries) {
    const EntryRequest request(entry);
    PatternMatch result = pattern.match(request.view(entry), true);
    const auto criteria = static_cast<double>(std::max<std::size_t>(result.criteria, 1));
    ranked.push_back(
        {static_cast<double>(result.misses.size()) / criteria, &entry, std::move(result.misses)});
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const Ranked& a, const Ranked& b) { return a.distance < b.distance; });
  json out = json::array();
  for (std::size_t i = 0; i < ranked.size() && i < limit; ++i) {
    std::vector<std::string> misses;
    for (auto& line : ranked[i].misses)
      misses.push_back(core::repair_utf8(redactor.redact(line)));  // a miss quotes what arrived
    out.push_back({{"request", entry_json(*ranked[i].entry, redactor)}, {"misses", std::move(misses)}});
  }
  return out;
}

std::uint64_t Journal::next_seq() const {
  const std::lock_guard lock(mutex_);
  return next_seq_;
}

void Journal::clear() {
  const std::lock_guard lock(mutex_);
  for (auto& entry : ring_)
    entry.seq = 0;  // the numbering goes on: a query's `since` stays meaningful
}

std::string iso_time(std::int64_t unix_ms) {
  const std::time_t seconds = unix_ms / 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(unix_ms % 1000));
  return buffer;
}

RequestLog::RequestLog(LogFormat format, std::ostream* out)
    : format_(format), out_(out != nullptr ? out : &std::cerr) {
  if (format_ != LogFormat::none) flusher_ = std::thread([this] { run(); });
}

RequestLog::~RequestLog() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  flush();
}

void RequestLog::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(100));
    if (!buffer_.empty()) {
      std::string pending;
      pending.swap(buffer_);
      lock.unlock();
      out_->write(pending.data(), static_cast<std::streamsize>(pending.size()));
      out_->flush();
      lock.lock();
    }
  }
}

void RequestLog::flush() {
  std::string pending;
  {
    const std::lock_guard lock(mutex_);
    pending.swap(buffer_);
  }
  if (!pending.empty()) {
    out_->write(pending.data(), static_cast<std::streamsize>(pending.size()));
    out_->flush();
  }
}

void RequestLog::write(const JournalEntry& entry, std::string_view remote) {
  if (format_ == LogFormat::none) return;
  std::string line;
  if (format_ == LogFormat::json) {
    core::JsonWriter w(line);
    w.begin_object().key("time").value(iso_time(entry.at_ms)).key("remote").value(remote);
    w.key("method").value(entry.method).key("path").value(entry.path).key("status").value(entry.status);
    w.key("duration_ms")
        .value(entry.duration_ms)
        .key("request_id")
        .value(entry.id)
        .key("stream")
        .value(entry.stream);
    w.key("key").value(entry.key_hint).key("faults").value(entry.faults).end_object();
  } else {
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.2fms", entry.duration_ms);
    line = iso_time(entry.at_ms) + " " + std::string(remote) + " " + entry.method + " " + entry.path + " " +
           (entry.status == 0 ? std::string("-") : std::to_string(entry.status)) + " " + duration + " " +
           entry.id + (entry.stream ? " stream" : "") +
           (entry.key_hint.empty() ? "" : " key=" + entry.key_hint) +
           (entry.faults.empty() ? "" : " faults=" + entry.faults);
  }
  line += '\n';
  bool large = false;
  {
    const std::lock_guard lock(mutex_);
    buffer_ += line;
    large = buffer_.size() > 64 * 1024;
  }
  if (large) wake_.notify_one();
}

void RequestLog::message(std::string_view text) {
  if (format_ == LogFormat::none) return;
  {
    const std::lock_guard lock(mutex_);
    buffer_.append(text);
    buffer_ += '\n';
  }
  flush();
}

}  // namespace gatecheck::mock
