// What the mock received and answered, kept in a bounded ring (GET /admin/requests), and the one log line per
// request, written in batches so logging costs little on the hot path.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <iosfwd>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/mock/server.hpp>

#include "spin_lock.hpp"

namespace gatecheck::mock {

struct JournalEntry {
  std::string id;
  std::string method;
  std::string path;
  int status = 0;
  std::int64_t at_ms = 0;  // Unix time, milliseconds
  double duration_ms = 0;
  std::string key_hint;
  std::string faults;
  bool stream = false;
};

// A fixed ring: entries are overwritten in place, so their strings keep their buffers and recording allocates
// nothing once the ring has gone round.
class Journal {
 public:
  explicit Journal(std::size_t capacity) : ring_(std::max<std::size_t>(capacity, 1)) {}
  void record(const JournalEntry& entry);
  nlohmann::json to_json(std::size_t limit) const;  // newest first
  void clear();

 private:
  mutable SpinLock mutex_;
  std::vector<JournalEntry> ring_;
  std::size_t next_ = 0;   // where the next entry goes
  std::size_t count_ = 0;  // how many are filled
};

class RequestLog {
 public:
  RequestLog(LogFormat format, std::ostream* out);
  ~RequestLog();
  RequestLog(const RequestLog&) = delete;
  RequestLog& operator=(const RequestLog&) = delete;

  void write(const JournalEntry& entry, std::string_view remote);
  void message(std::string_view text);  // a plain line (startup, shutdown)
  void flush();

 private:
  void run();

  LogFormat format_;
  std::ostream* out_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::string buffer_;
  bool stopping_ = false;
  std::thread flusher_;
};

std::string iso_time(std::int64_t unix_ms);

}  // namespace gatecheck::mock
