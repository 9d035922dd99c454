// The stubs in force: those of the config file plus those added at run time (/admin/stubs), ordered by
// priority, with their hit counts and the states of their scenarios (named state machines: a stub may require
// a state and move its scenario to a new one, so "fail twice, then succeed" is one stub set). Bounded: at
// most kMaxStubs stubs.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stub_pattern.hpp"
#include "stub_response.hpp"

namespace gatecheck::mock {

inline constexpr std::size_t kMaxStubs = 10'000;
inline constexpr const char* kStartedState = "Started";

struct CompiledStub {
  std::string id;
  std::string name;
  int priority = 5;
  nlohmann::json definition;  // as given, with its id
  RequestPattern pattern;
  std::vector<StubResponse> responses;
  std::string scenario, required_state, new_state;
};

// A definition that has passed schemas/stub.schema.json; throws std::invalid_argument naming what is wrong
// beyond the schema, with a JSON Pointer below `where`.
std::shared_ptr<const CompiledStub> compile_stub(const nlohmann::json& definition, const std::string& where);

}  // namespace gatecheck::mock
namespace gatecheck::schema {
class CompiledSchema;
}
namespace gatecheck::mock {

// Checks `definition` against schemas/stub.schema.json (`format`: schema::compile_format of it), then
// compiles it. Throws std::invalid_argument "POINTER: what is wrong", the pointer below `where`.
std::shared_ptr<const CompiledStub> read_stub(const nlohmann::json& definition,
                                              const schema::CompiledSchema& format, const std::string& where);

struct StubHit {
  std::shared_ptr<const CompiledStub> stub;
  std::size_t hit = 0;  // 0 for its first answer
  nlohmann::json path_params;
  const StubResponse& response() const { return stub->responses[std::min(hit, stub->responses.size() - 1)]; }
};

struct NearMiss {
  std::string stub_id;
  std::string name;
  std::vector<std::string> misses;
};

class StubStore {
 public:
  explicit StubStore(std::vector<std::shared_ptr<const CompiledStub>> configured);

  bool empty() const { return count_.load(std::memory_order_relaxed) == 0; }
  // The highest-priority stub that matches (its scenario in the required state), counted as hit and its
  // scenario moved on.
  std::optional<StubHit> match(const RequestView& request);
  // The stubs nearest to matching, the nearest first, each with why it missed.
  std::vector<NearMiss> near_misses(const RequestView& request, std::size_t limit) const;

  // The admin API. add() gives the stub an id when it has none; throws std::invalid_argument when the id is
  // taken and std::length_error past kMaxStubs.
  nlohmann::json add(std::shared_ptr<const CompiledStub> stub);
  nlohmann::json list() const;
  std::optional<nlohmann::json> get(const std::string& id) const;
  std::optional<nlohmann::json> replace(const std::string& id, std::shared_ptr<const CompiledStub> stub);
  bool remove(const std::string& id);
  void remove_all();
  void reset();  // the configured stubs again, no hits, every scenario Started

  nlohmann::json scenarios() const;
  // Empty when done; otherwise why not: no stub takes part in `scenario` ("unknown scenario"), or no stub
  // requires or sets `state` (the states it could be in, listed).
  std::string set_state(const std::string& scenario, const std::string& state);
  void reset_scenarios();

 private:
  struct Entry {
    std::shared_ptr<const CompiledStub> stub;
    std::uint64_t order = 0;
    std::size_t hits = 0;
  };
  nlohmann::json describe(const Entry& entry) const;
  void sort();
  std::string state_of(const std::string& scenario) const;
  std::shared_ptr<const CompiledStub> with_id(std::shared_ptr<const CompiledStub> stub, std::string id) const;

  mutable std::mutex mutex_;
  std::vector<Entry> entries_;  // by priority, then order of definition
  std::map<std::string, std::string> states_;
  std::vector<std::shared_ptr<const CompiledStub>> configured_;
  std::uint64_t next_order_ = 0;
  std::uint64_t next_id_ = 1;
  std::atomic<std::size_t> count_{0};
};

}  // namespace gatecheck::mock
