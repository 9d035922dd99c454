// The API keys the mock accepts, as they change at run time: rotation (the old key is refused at once) and
// per-key usage counters with thresholds. With no keys configured any non-empty key is accepted, except the
// ones rotated away.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/mock/server.hpp>

#include "spin_lock.hpp"

namespace gatecheck::mock {

class KeyRing {
 public:
  KeyRing(std::vector<KeyConfig> keys, std::string new_key_prefix);

  enum class Verdict { accepted, unknown, revoked };
  // `plan` is set for an accepted configured key.
  Verdict check(std::string_view key, std::string& plan) const;
  // The new key, or nullopt when `key` is not one the mock accepts. `keep_old` is the key-rotation-stale
  // fault.
  std::optional<std::string> rotate(const std::string& key, bool keep_old);

  struct Crossing {
    std::string key;
    std::string metric;  // requests, tokens
    std::uint64_t threshold = 0;
    std::uint64_t current = 0;
  };
  // Counts one answered request (and its tokens); returns the thresholds it crossed.
  std::vector<Crossing> record(const std::string& key, std::uint64_t tokens);
  bool has_token_threshold(const std::string& key) const;
  // Throws std::invalid_argument for a key the mock does not accept.
  nlohmann::json set_threshold(const std::string& key, const std::string& metric, std::uint64_t value);
  nlohmann::json usage() const;
  void reset();

 private:
  struct Threshold {
    std::string metric;
    std::uint64_t value = 0;
    std::optional<std::int64_t> reached_at;
  };
  struct Usage {
    std::uint64_t requests = 0;
    std::uint64_t tokens = 0;
    std::vector<Threshold> thresholds;
  };
  bool accepts(const std::string& key) const;  // lock held

  const std::vector<KeyConfig> initial_;
  const std::string prefix_;
  mutable SpinLock lock_;
  std::vector<KeyConfig> keys_;
  std::set<std::string, std::less<>> revoked_;
  std::map<std::string, Usage, std::less<>> usage_;
};

}  // namespace gatecheck::mock
