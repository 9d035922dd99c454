// `gatecheck mock --replay DIR`: recorded answers served offline. A request is matched on a key (method, path
// and the canonical JSON body by default, volatile fields removed); among the recordings of one key, those
// with the same body bytes and then the same credentials (by their marks) are preferred, and they answer in
// the order recorded (the last one repeats), played with their recorded timing, scaled.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/core/json_path.hpp>
#include <gatecheck/mock/server.hpp>

#include "exchange.hpp"

namespace gatecheck::mock {

class ReplayStore {
 public:
  // Loads every path (cassette files or folders); throws core::LoadError for a malformed one and
  // std::invalid_argument for a key part or ignored field that cannot be.
  ReplayStore(const std::vector<std::string>& paths, ReplayOptions options);
  // The same over recordings already read (enabled: they answer, even none of them).
  ReplayStore(std::vector<cassette::Recording> recordings, ReplayOptions options);

  // Whether --replay was given (its paths may have held nothing yet: then every request is unmatched).
  bool enabled() const { return enabled_; }
  std::size_t size() const { return recordings_.size(); }
  const ReplayOptions& options() const { return options_; }
  // The recording that answers `request` (advancing its key's turn), or null. A request whose body was too
  // large to read gets a recorded 413 to the same method and path.
  const cassette::Recording* match(const Request& request);
  // The recording nearest to an unmatched request, and how it differs; nullopt when there are none.
  struct Nearest {
    const cassette::Recording* recording;
    std::string difference;
  };
  std::optional<Nearest> nearest(const Request& request) const;
  void reset();  // every key starts from its first recording again

 private:
  std::string key_of(std::string_view method, std::string_view target, std::string_view body,
                     const std::vector<std::pair<std::string, std::string>>& headers) const;
  std::string canonical_body(std::string_view body) const;
  std::string difference(const Request& request, const cassette::Recording& recording) const;

  ReplayOptions options_;
  bool enabled_ = false;
  std::vector<core::JsonPath> ignored_;
  std::vector<cassette::Recording> recordings_;
  std::map<std::string, std::vector<std::size_t>> by_key_;
  std::vector<std::string> marks_;  // per recording: its credentials' marks
  std::mutex mutex_;
  std::map<std::string, std::size_t> turns_;  // guarded by mutex_
};

// The recorded answer, as it was: status, headers (framing aside), and a stream's pieces at their recorded
// pauses divided by `speed` (0: no pauses), its pacing announcement scaled alike. A recording that broke off
// breaks off the same way. The recording's source origin in headers and bodies becomes `origin` (this
// server's, as the client addressed it).
Reply replay_reply(const cassette::Recording& recording, double speed, const std::string& origin);

}  // namespace gatecheck::mock
