#include "journal.hpp"

#include <cstdio>
#include <ctime>
#include <iostream>

#include <gatecheck/core/json_writer.hpp>

namespace gatecheck::mock {

void Journal::record(const JournalEntry& entry) {
  const std::lock_guard lock(mutex_);
  ring_[next_] = entry;  // copy-assign reuses the slot's string buffers
  next_ = (next_ + 1) % ring_.size();
  count_ = std::min(count_ + 1, ring_.size());
}

nlohmann::json Journal::to_json(std::size_t limit) const {
  const std::lock_guard lock(mutex_);
  nlohmann::json data = nlohmann::json::array();
  for (std::size_t i = 0; i < count_ && data.size() < limit; ++i) {
    const JournalEntry& e = ring_[(next_ + ring_.size() - 1 - i) % ring_.size()];
    data.push_back({{"id", e.id},
                    {"method", e.method},
                    {"path", e.path},
                    {"status", e.status},
                    {"at", e.at_ms / 1000},
                    {"duration_ms", e.duration_ms},
                    {"key_hint", e.key_hint.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.key_hint)},
                    {"fault", e.faults.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.faults)},
                    {"stream", e.stream}});
  }
  return {{"object", "list"}, {"data", std::move(data)}};
}

void Journal::clear() {
  const std::lock_guard lock(mutex_);
  next_ = 0;
  count_ = 0;
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
           std::to_string(entry.status) + " " + duration + " " + entry.id + (entry.stream ? " stream" : "") +
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
