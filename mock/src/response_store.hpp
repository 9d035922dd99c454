// The Responses API's stored responses (store: true, the API's default): what GET /v1/responses/{id} answers
// and what previous_response_id continues. Bounded in entries and bytes: past either bound the oldest goes,
// as a busy server forgets old conversations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "chat_request.hpp"

namespace gatecheck::mock {

struct StoredResponse {
  std::string body;                       // the Response object as it was answered
  std::vector<ChatMessage> conversation;  // its input and output, as earlier turns of the next request
  std::uint64_t content_seed = 0;         // what the next turn's content seed continues from
};

class ResponseStore {
 public:
  explicit ResponseStore(std::size_t max_entries = 1000, std::size_t max_bytes = 64u << 20);

  void put(const std::string& id, StoredResponse response);
  std::optional<StoredResponse> get(std::string_view id) const;
  bool erase(std::string_view id);
  void clear();

 private:
  static std::size_t size_of(const StoredResponse& response);
  void evict_oldest();

  mutable std::mutex mutex_;
  std::unordered_map<std::string, StoredResponse> entries_;
  std::deque<std::string> order_;  // oldest first
  std::size_t bytes_ = 0;
  std::size_t max_entries_;
  std::size_t max_bytes_;
};

}  // namespace gatecheck::mock
