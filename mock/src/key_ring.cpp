#include "key_ring.hpp"

#include <chrono>
#include <mutex>
#include <stdexcept>

#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/redact.hpp>

namespace gatecheck::mock {

using nlohmann::json;

KeyRing::KeyRing(std::vector<KeyConfig> keys, std::string new_key_prefix)
    : initial_(keys), prefix_(std::move(new_key_prefix)), keys_(std::move(keys)) {}

bool KeyRing::accepts(const std::string& key) const {
  if (revoked_.count(key) > 0) return false;
  if (keys_.empty()) return !key.empty();
  return std::any_of(keys_.begin(), keys_.end(),
                     [&](const KeyConfig& k) { return core::constant_time_equals(k.key, key); });
}

KeyRing::Verdict KeyRing::check(std::string_view key, std::string& plan) const {
  const std::lock_guard lock(lock_);
  if (revoked_.find(key) != revoked_.end()) return Verdict::revoked;
  if (keys_.empty()) return Verdict::accepted;
  const KeyConfig* known = nullptr;
  // Compared in constant time and without stopping early, so timing says nothing about which key is close.
  for (const auto& candidate : keys_)
    if (core::constant_time_equals(candidate.key, key)) known = &candidate;
  if (known == nullptr) return Verdict::unknown;
  plan = known->plan;
  return Verdict::accepted;
}

std::optional<std::string> KeyRing::rotate(const std::string& key, bool keep_old) {
  // Random, not derived from the seed: a rotated key must not be predictable.
  std::string fresh = prefix_;
  for (const unsigned char byte : core::random_bytes(24))
    fresh += "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[byte % 62];
  const std::lock_guard lock(lock_);
  if (!accepts(key)) return std::nullopt;
  if (!keys_.empty()) {
    const auto it =
        std::find_if(keys_.begin(), keys_.end(), [&](const KeyConfig& k) { return k.key == key; });
    const std::string plan = it->plan;
    if (!keep_old) keys_.erase(it);
    keys_.push_back({fresh, plan});
  }
  if (!keep_old) revoked_.insert(key);
  if (const auto used = usage_.find(key); used != usage_.end()) usage_[fresh] = used->second;
  return fresh;
}

std::vector<KeyRing::Crossing> KeyRing::record(const std::string& key, std::uint64_t tokens) {
  std::vector<Crossing> crossed;
  const std::lock_guard lock(lock_);
  // With any key accepted, a client could invent keys without end: past this many, new keys are not counted.
  if (usage_.size() >= 10'000 && usage_.find(key) == usage_.end()) return crossed;
  Usage& usage = usage_[key];
  ++usage.requests;
  usage.tokens += tokens;
  for (auto& threshold : usage.thresholds) {
    const std::uint64_t current = threshold.metric == "tokens" ? usage.tokens : usage.requests;
    if (threshold.reached_at || current < threshold.value) continue;
    threshold.reached_at =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    crossed.push_back({key, threshold.metric, threshold.value, current});
  }
  return crossed;
}

bool KeyRing::has_token_threshold(const std::string& key) const {
  const std::lock_guard lock(lock_);
  const auto it = usage_.find(key);
  return it != usage_.end() && std::any_of(it->second.thresholds.begin(), it->second.thresholds.end(),
                                           [](const Threshold& t) { return t.metric == "tokens"; });
}

json KeyRing::set_threshold(const std::string& key, const std::string& metric, std::uint64_t value) {
  const std::lock_guard lock(lock_);
  if (!accepts(key)) throw std::invalid_argument("No such API key: " + core::mask_secret(key));
  auto& thresholds = usage_[key].thresholds;
  std::erase_if(thresholds, [&](const Threshold& t) { return t.metric == metric; });
  thresholds.push_back({metric, value, std::nullopt});
  return {{"key_hint", core::mask_secret(key)},
          {"metric", metric},
          {"value", value},
          {"reached", false},
          {"reached_at", nullptr}};
}

json KeyRing::usage() const {
  const std::lock_guard lock(lock_);
  json data = json::array();
  for (const auto& [key, usage] : usage_) {
    json thresholds = json::array();
    for (const auto& t : usage.thresholds)
      thresholds.push_back({{"key_hint", core::mask_secret(key)},
                            {"metric", t.metric},
                            {"value", t.value},
                            {"reached", t.reached_at.has_value()},
                            {"reached_at", t.reached_at ? json(*t.reached_at) : json(nullptr)}});
    data.push_back({{"key_hint", core::mask_secret(key)},
                    {"requests", usage.requests},
                    {"tokens", usage.tokens},
                    {"thresholds", std::move(thresholds)}});
  }
  return {{"object", "list"}, {"data", std::move(data)}};
}

void KeyRing::reset() {
  const std::lock_guard lock(lock_);
  keys_ = initial_;
  revoked_.clear();
  usage_.clear();
}

}  // namespace gatecheck::mock
