// `gatecheck mock --record DIR`: every answer the mock gives, or passes on as a proxy, goes to a cassette as
// it went out: its head, then each piece of a stream with the time it was written. The HTTP layer holds a
// Tape per exchange and hands it back when the answer is done; nothing here knows Beast.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/mock/server.hpp>

#include "exchange.hpp"

namespace gatecheck::mock {

// One exchange being recorded.
class Tape {
 public:
  Tape(const Request& request, std::string source, std::string profile, std::size_t max_bytes);
  // Status and the answer's own headers (framing is the server's); the first head given is kept, so a
  // proxied answer is recorded as the upstream gave it, before the pipeline adds to it.
  void head(const Reply& reply);
  void piece(std::string_view bytes);  // bytes written now (a plain body is one piece)
  void broken(std::string message);    // the answer ended abruptly
  void reset_before_head();            // the connection was reset before any status line went out
  bool is_broken() const { return !recording_.response.error_kind.empty(); }
  cassette::Recording take(bool stream);  // the recording, once the answer is done

 private:
  double now_ms() const;
  cassette::Recording recording_;
  Clock::time_point received_;
  std::size_t max_bytes_;
  bool head_taken_ = false;
};

class Recorder {
 public:
  // Writes DIR/mock-<UTC time>-<pid>.jsonl, masking what `redactor` masks (the app's: the keys, the admin
  // token, the profile's auth headers) and the options' redact_fields (JSONPath) in JSON bodies.
  Recorder(const ServerOptions& options, const core::Redactor& redactor);
  // Nullopt for what is not traffic (the admin API's own calls).
  std::optional<Tape> begin(const Request& request) const;
  // Writes the recording; a recording that cannot be written is said once on standard error.
  void finish(Tape&& tape, bool stream);
  const std::string& file() const;

 private:
  std::string source_;
  std::string profile_;
  std::size_t max_bytes_;
  std::unique_ptr<cassette::Writer> writer_;
  std::atomic<bool> warned_{false};
};

}  // namespace gatecheck::mock
