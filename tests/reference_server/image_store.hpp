// The PNG images answered by URL (response_format: url), served by GET /blob/images/{name}: at most a fixed
// number, the oldest evicted first, safe to share between connection threads.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace gatecheck::testing::reference {

class ImageStore {
 public:
  explicit ImageStore(std::size_t capacity = 64) : capacity_(capacity) {}

  void put(const std::string& name, std::string png) {
    const std::lock_guard lock(mu_);
    if (images_.emplace(name, std::move(png)).second) order_.push_back(name);
    while (order_.size() > capacity_) {
      images_.erase(order_.front());
      order_.pop_front();
    }
  }
  std::optional<std::string> get(const std::string& name) const {
    const std::lock_guard lock(mu_);
    const auto it = images_.find(name);
    return it == images_.end() ? std::nullopt : std::optional<std::string>(it->second);
  }

 private:
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::deque<std::string> order_;  // oldest first
  std::map<std::string, std::string> images_;
};

}  // namespace gatecheck::testing::reference
