#include "response_store.hpp"

#include <iterator>

namespace gatecheck::testing::reference {

void ResponseStore::put(const std::string& id, StoredResponse entry) {
  const std::lock_guard lock(mu_);
  if (const auto it = slots_.find(id); it != slots_.end()) {
    order_.erase(it->second.place);  // a replaced entry counts as the newest
    slots_.erase(it);
  }
  while (!order_.empty() && slots_.size() >= capacity_) {
    slots_.erase(order_.front());
    order_.pop_front();
  }
  order_.push_back(id);
  slots_.emplace(id, Slot{std::move(entry), std::prev(order_.end())});
}

std::optional<StoredResponse> ResponseStore::get(const std::string& id) const {
  const std::lock_guard lock(mu_);
  const auto it = slots_.find(id);
  return it == slots_.end() ? std::nullopt : std::optional<StoredResponse>(it->second.entry);
}

bool ResponseStore::erase(const std::string& id) {
  const std::lock_guard lock(mu_);
  const auto it = slots_.find(id);
  if (it == slots_.end()) return false;
  order_.erase(it->second.place);
  slots_.erase(it);
  return true;
}

}  // namespace gatecheck::testing::reference
