// What the mock received and answered, kept in a bounded ring (GET /admin/requests: journal_size entries,
// each with at most journal_body_bytes of its body), and the one log line per request, written in batches so
// logging costs little on the hot path. Entries hold what arrived; secrets are masked when they are served.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <iosfwd>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/core/redact.hpp>
#include <gatecheck/mock/server.hpp>

#include "exchange.hpp"
#include "spin_lock.hpp"
#include "stub_pattern.hpp"

namespace gatecheck::mock {

struct JournalEntry {
  std::uint64_t seq = 0;  // 1, 2, ... in arrival order; set by Journal::record
  std::string id;
  std::string method;
  std::string path;
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;            // the first journal_body_bytes of it
  std::size_t body_bytes = 0;  // its whole size
  std::string stub;            // the stub that answered, if one did
  int status = 0;
  std::int64_t at_ms = 0;  // Unix time, milliseconds
  double duration_ms = 0;  // to the answer's composition
  // Filled in when the answer has been sent: from arrival to the first and the last byte, and the events a
  // stream carried.
  std::optional<double> first_byte_ms, last_byte_ms;
  std::size_t events = 0;
  // The answer as it went out (Delivery): its headers and the first journal_body_bytes of its body.
  std::vector<std::pair<std::string, std::string>> response_headers;
  std::string response_body;
  std::size_t response_bytes = 0;
  bool response_kept = false;  // only with the admin API on, which serves it
  std::string key_hint;
  std::string faults;
  bool stream = false;
};

// A selection of the journal: newest first, at most `limit`, entries after `since` (a seq) only.
struct JournalQuery {
  std::optional<std::string> method, path, stub;
  std::optional<int> status;
  std::optional<std::pair<std::string, std::string>> header;  // name, exact value
  const RequestPattern* pattern = nullptr;                    // a stub's request pattern
  std::uint64_t since = 0;
  std::size_t limit = 100;
};

// A fixed ring: entries are overwritten in place, so their strings keep their buffers and recording allocates
// nothing once the ring has gone round.
class Journal {
 public:
  Journal(std::size_t capacity, std::size_t body_bytes)
      : ring_(std::max<std::size_t>(capacity, 1)), body_bytes_(body_bytes) {}
  std::size_t body_bytes() const { return body_bytes_; }
  // Keeps `summary` with the request's query, headers and the first body_bytes() of its body; returns the
  // entry's seq, for delivered().
  std::uint64_t record(const JournalEntry& summary, const Request& request);
  void delivered(std::uint64_t seq, const Delivery& delivery);
  // The entries `query` selects, as JSON with secrets masked by `redactor`, and how many matched in all.
  nlohmann::json find(const JournalQuery& query, const core::Redactor& redactor) const;
  std::size_t count(const JournalQuery& query) const;
  // The entries nearest to matching `pattern`, nearest first, with why each missed.
  nlohmann::json near_misses(const RequestPattern& pattern, std::uint64_t since, std::size_t limit,
                             const core::Redactor& redactor) const;
  // Every entry after `since` in arrival order (at most `limit`), each with the criteria of `pattern` it
  // missed (none: it matched): the attempts one client request caused, judged one by one.
  nlohmann::json explain(const RequestPattern& pattern, std::uint64_t since, std::size_t limit,
                         const core::Redactor& redactor) const;
  std::uint64_t next_seq() const;
  void clear();

 private:
  mutable SpinLock mutex_;
  std::vector<JournalEntry> ring_;
  std::size_t body_bytes_;
  std::uint64_t next_seq_ = 1;  // entry seq s sits in slot s % ring size
  // Copies of the entries `query`'s fields select, newest first: matched and served outside the lock, so a
  // query never holds up the requests being recorded.
  std::vector<JournalEntry> snapshot(const JournalQuery& query) const;
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
