// Idempotency-Key, as a profile claims it (idempotency:): the first answer to a key is remembered for the
// ttl; the same key with the same request gets that answer again, with another request the mismatch error,
// and while the first is still being answered a 409 (draft-ietf-httpapi-idempotency-key-header). The mock's
// answers are made of the request, its id, its time, the model that served it and the controls it carried,
// so that is what is kept, not the bytes. Bounded: at most max_entries keys, each a fixed-size digest of the
// API key and the Idempotency-Key; the expired and then the soonest to expire are forgotten first.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "controls.hpp"

namespace gatecheck::mock {

class IdempotencyStore {
 public:
  using Clock = std::chrono::steady_clock;
  using Scope = std::pair<std::uint64_t, std::uint64_t>;  // a digest of the API key and the Idempotency-Key
  explicit IdempotencyStore(std::size_t max_entries = 10'000) : max_entries_(max_entries) {}

  // What a repeat needs to be the first answer again.
  struct First {
    std::string request_id;
    std::int64_t created = 0;
    std::string model;  // what served it, after routing
    bool fallback = false;
    Controls controls;  // its faults, timing and length
  };
  enum class Outcome { fresh, replay, mismatch, in_flight };
  struct Lookup {
    Outcome outcome = Outcome::fresh;
    First first;
  };
  // A fresh key is taken: it is in flight until answered (remember) or given up (forget).
  Lookup claim(Scope scope, std::uint64_t fingerprint, Clock::time_point now, std::chrono::seconds ttl);
  void remember(Scope scope, First first);
  void forget(Scope scope);
  void reset();
  std::size_t size();

 private:
  struct Entry {
    std::uint64_t fingerprint = 0;
    std::optional<First> first;  // empty: still being answered
    Clock::time_point expires;
  };
  void make_room(Clock::time_point now);  // lock held

  const std::size_t max_entries_;
  std::mutex lock_;  // held across a sort when the table is full: not a spin lock's work
  std::map<Scope, Entry> entries_;
};

}  // namespace gatecheck::mock
