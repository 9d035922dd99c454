// The responses kept for GET /v1/responses/{id} and previous_response_id: at most a fixed number, the oldest
// evicted first, safe to share between connection threads.
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace gatecheck::testing::reference {

using nlohmann::json;

struct StoredResponse {
  json response;      // the Response object as answered
  json conversation;  // the input items it answered, earlier turns first (its output is in `response`)
};

class ResponseStore {
 public:
  explicit ResponseStore(std::size_t capacity = 1000) : capacity_(capacity) {}

  void put(const std::string& id, StoredResponse entry);  // replaces an entry with that id
  std::optional<StoredResponse> get(const std::string& id) const;
  bool erase(const std::string& id);

 private:
  using Order = std::list<std::string>;  // oldest first
  struct Slot {
    StoredResponse entry;
    Order::iterator place;
  };
  const std::size_t capacity_;
  mutable std::mutex mu_;
  Order order_;
  std::unordered_map<std::string, Slot> slots_;
};

}  // namespace gatecheck::testing::reference
