#include "response_store.hpp"

#include <algorithm>

namespace gatecheck::mock {

ResponseStore::ResponseStore(std::size_t max_entries, std::size_t max_bytes)
    : max_entries_(max_entries), max_bytes_(max_bytes) {}

std::size_t ResponseStore::size_of(const StoredResponse& response) {
  std::size_t bytes = response.body.size();
  for (const auto& message : response.conversation) {
    bytes += message.text.size() + message.tool_call_id.size() + 64;
    for (const auto& call : message.tool_calls)
      bytes += call.id.size() + call.name.size() + call.arguments.size();
  }
  return bytes;
}

void ResponseStore::evict_oldest() {
  while (!order_.empty()) {
    const auto found = entries_.find(order_.front());
    order_.pop_front();
    if (found == entries_.end()) continue;
    bytes_ -= size_of(found->second);
    entries_.erase(found);
    return;
  }
}

void ResponseStore::put(const std::string& id, StoredResponse response) {
  const std::size_t bytes = size_of(response);
  const std::lock_guard lock(mutex_);
  if (const auto found = entries_.find(id); found != entries_.end()) {  // stored again: now the newest
    bytes_ -= size_of(found->second);
    entries_.erase(found);
    std::erase(order_, id);
  }
  if (bytes > max_bytes_ || max_entries_ == 0) return;  // larger than the whole store: not kept
  while (!entries_.empty() && (entries_.size() >= max_entries_ || bytes_ + bytes > max_bytes_))
    evict_oldest();
  order_.push_back(id);
  bytes_ += bytes;
  entries_.emplace(id, std::move(response));
}

std::optional<StoredResponse> ResponseStore::get(std::string_view id) const {
  const std::lock_guard lock(mutex_);
  const auto found = entries_.find(std::string(id));
  if (found == entries_.end()) return std::nullopt;
  return found->second;
}

bool ResponseStore::erase(std::string_view id) {
  const std::lock_guard lock(mutex_);
  const auto found = entries_.find(std::string(id));
  if (found == entries_.end()) return false;
  bytes_ -= size_of(found->second);
  entries_.erase(found);
  std::erase(order_, std::string(id));
  return true;
}

void ResponseStore::clear() {
  const std::lock_guard lock(mutex_);
  entries_.clear();
  order_.clear();
  bytes_ = 0;
}

}  // namespace gatecheck::mock
