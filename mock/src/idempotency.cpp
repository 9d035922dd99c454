#include "idempotency.hpp"

#include <algorithm>

namespace gatecheck::mock {

IdempotencyStore::Lookup IdempotencyStore::claim(Scope scope, std::uint64_t fingerprint,
                                                 Clock::time_point now, std::chrono::seconds ttl) {
  const std::lock_guard lock(lock_);
  const auto it = entries_.find(scope);
  if (it != entries_.end() && it->second.expires > now) {
    if (it->second.fingerprint != fingerprint) return {Outcome::mismatch, {}};
    if (!it->second.first) return {Outcome::in_flight, {}};
    return {Outcome::replay, *it->second.first};
  }
  if (it == entries_.end() && entries_.size() >= max_entries_) make_room(now);
  entries_[scope] = Entry{fingerprint, std::nullopt, now + ttl};
  return {};
}

void IdempotencyStore::remember(Scope scope, First first) {
  const std::lock_guard lock(lock_);
  if (const auto it = entries_.find(scope); it != entries_.end()) it->second.first = std::move(first);
}

void IdempotencyStore::forget(Scope scope) {
  const std::lock_guard lock(lock_);
  entries_.erase(scope);
}

// Expired keys go first; if none had, the tenth that expires soonest.
void IdempotencyStore::make_room(Clock::time_point now) {
  std::erase_if(entries_, [&](const auto& entry) { return entry.second.expires <= now; });
  if (entries_.size() < max_entries_) return;
  std::vector<Clock::time_point> expiries;
  expiries.reserve(entries_.size());
  for (const auto& [scope, entry] : entries_)
    expiries.push_back(entry.expires);
  const std::size_t tenth = std::max<std::size_t>(1, max_entries_ / 10);
  const auto cut = expiries.begin() + static_cast<std::ptrdiff_t>(std::min(tenth, expiries.size()) - 1);
  std::nth_element(expiries.begin(), cut, expiries.end());
  const auto last = *cut;
  std::erase_if(entries_, [&](const auto& entry) { return entry.second.expires <= last; });
}

void IdempotencyStore::reset() {
  const std::lock_guard lock(lock_);
  entries_.clear();
}

std::size_t IdempotencyStore::size() {
  const std::lock_guard lock(lock_);
  return entries_.size();
}

}  // namespace gatecheck::mock
