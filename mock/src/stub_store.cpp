#include "stub_store.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <gatecheck/schema/format_check.hpp>

namespace gatecheck::mock {

using nlohmann::json;

std::shared_ptr<const CompiledStub> compile_stub(const json& definition, const std::string& where) {
  auto stub = std::make_shared<CompiledStub>();
  stub->definition = definition;
  stub->id = definition.value("id", "");
  stub->name = definition.value("name", "");
  stub->priority = definition.value("priority", 5);
  stub->pattern = RequestPattern::compile(definition.value("request", json::object()), where + "/request");
  const auto params = stub->pattern.path_params();
  if (const auto one = definition.find("response"); one != definition.end()) {
    stub->responses.push_back(StubResponse::compile(*one, where + "/response", params));
  } else {
    const auto& many = definition["responses"];
    for (std::size_t i = 0; i < many.size(); ++i)
      stub->responses.push_back(
          StubResponse::compile(many[i], where + "/responses/" + std::to_string(i), params));
  }
  stub->scenario = definition.value("scenario", "");
  stub->required_state = definition.value("required_state", "");
  stub->new_state = definition.value("new_state", "");
  return stub;
}

namespace {

// The fields a response of each kind takes, said plainly before the schema's `not` would say it obscurely.
void check_kind(const json& response, const std::string& where) {
  if (!response.is_object()) return;
  const auto present = [&](std::initializer_list<const char*> names) {
    std::string out;
    for (const char* name : names)
      if (response.contains(name)) out += (out.empty() ? "" : ", ") + std::string(name);
    return out;
  };
  const std::string bodies = present({"json", "body", "events"});
  const std::string generated = present({"answer", "fault", "pacing"});
  const std::string proxied = present({"proxy"});
  if (bodies.find(',') != std::string::npos)
    throw std::invalid_argument(where + ": json, body and events are one each: this response has " + bodies);
  if (!generated.empty() && !(bodies + present({"status"}) + proxied).empty())
    throw std::invalid_argument(where + ": " + generated +
                                " make a generated answer (the endpoint answers), which " + "takes no " +
                                bodies + (bodies.empty() ? "" : ", ") + present({"status", "proxy"}));
  if (!proxied.empty() && !(bodies + present({"status"})).empty())
    throw std::invalid_argument(where + ": a proxied answer is the upstream's, which takes no " + bodies +
                                (bodies.empty() ? "" : ", ") + present({"status"}));
  const auto given = response.find("status");
  const int status = given != response.end() && given->is_number_integer() ? given->get<int>() : 200;
  if ((status == 204 || status == 304) && !bodies.empty())
    throw std::invalid_argument(where + ": a " + std::to_string(status) +
                                " has no body, but this response has " + bodies);
}

}  // namespace

std::shared_ptr<const CompiledStub> read_stub(const json& definition, const schema::CompiledSchema& format,
                                              const std::string& where) {
  if (definition.is_object()) {
    if (const auto one = definition.find("response"); one != definition.end())
      check_kind(*one, where + "/response");
    if (const auto many = definition.find("responses"); many != definition.end() && many->is_array())
      for (std::size_t i = 0; i < many->size(); ++i)
        check_kind((*many)[i], where + "/responses/" + std::to_string(i));
  }
  const auto result = format.validate(definition);
  if (!result.valid) {
    const schema::Error& first = schema::deepest_error(result);
    throw std::invalid_argument(where + first.instance_location + ": " + first.message);
  }
  return compile_stub(definition, where);
}

StubStore::StubStore(std::vector<std::shared_ptr<const CompiledStub>> configured)
    : configured_(std::move(configured)) {
  for (std::size_t i = 0; i < configured_.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (!configured_[i]->id.empty() && configured_[i]->id == configured_[j]->id)
        throw std::invalid_argument("stubs/" + std::to_string(i) + "/id: '" + configured_[i]->id +
                                    "' is the id of stubs/" + std::to_string(j) + " too");
  reset();
}

std::shared_ptr<const CompiledStub> StubStore::with_id(std::shared_ptr<const CompiledStub> stub,
                                                       std::string id) const {
  auto named = std::make_shared<CompiledStub>(*stub);
  named->id = std::move(id);
  named->definition["id"] = named->id;
  return named;
}

void StubStore::sort() {
  std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    return a.stub->priority != b.stub->priority ? a.stub->priority < b.stub->priority : a.order < b.order;
  });
  count_.store(entries_.size(), std::memory_order_relaxed);
}

std::string StubStore::state_of(const std::string& scenario) const {
  const auto it = states_.find(scenario);
  return it == states_.end() ? kStartedState : it->second;
}

std::optional<StubHit> StubStore::match(const RequestView& request) {
  const std::lock_guard lock(mutex_);  // matching and the scenario's move happen as one step
  for (auto& entry : entries_) {
    const CompiledStub& stub = *entry.stub;
    if (!stub.required_state.empty() && state_of(stub.scenario) != stub.required_state) continue;
    PatternMatch result = stub.pattern.match(request);
    if (!result.matched()) continue;
    if (!stub.new_state.empty()) states_[stub.scenario] = stub.new_state;
    return StubHit{entry.stub, entry.hits++, std::move(result.path_params)};
  }
  return std::nullopt;
}

std::vector<NearMiss> StubStore::near_misses(const RequestView& request, std::size_t limit) const {
  struct Ranked {
    double distance;
    NearMiss miss;
  };
  std::vector<Ranked> ranked;
  {
    const std::lock_guard lock(mutex_);
    for (const auto& entry : entries_) {
      const CompiledStub& stub = *entry.stub;
      PatternMatch result = stub.pattern.match(request, true);
      std::size_t criteria = result.criteria;
      if (!stub.required_state.empty()) {
        ++criteria;
        if (const std::string state = state_of(stub.scenario); state != stub.required_state)
          result.misses.push_back("scenario " + stub.scenario + ": expected state '" + stub.required_state +
                                  "', it is in '" + state + "'");
      }
      const double distance =
          static_cast<double>(result.misses.size()) / static_cast<double>(std::max<std::size_t>(criteria, 1));
      ranked.push_back({distance, {stub.id, stub.name, std::move(result.misses)}});
    }
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const Ranked& a, const Ranked& b) { return a.distance < b.distance; });
  std::vector<NearMiss> out;
  for (std::size_t i = 0; i < ranked.size() && i < limit; ++i)
    out.push_back(std::move(ranked[i].miss));
  return out;
}

json StubStore::describe(const Entry& entry) const {
  json out = entry.stub->definition;
  out["priority"] = entry.stub->priority;  // the default shown too
  out["hits"] = entry.hits;
  return out;
}

json StubStore::add(std::shared_ptr<const CompiledStub> stub) {
  const std::lock_guard lock(mutex_);
  if (entries_.size() >= kMaxStubs)
    throw std::length_error("the mock holds at most " + std::to_string(kMaxStubs) + " stubs");
  const bool taken = std::any_of(entries_.begin(), entries_.end(),
                                 [&](const Entry& entry) { return entry.stub->id == stub->id; });
  if (taken) throw std::invalid_argument("a stub with id '" + stub->id + "' exists already");
  if (stub->id.empty()) {
    std::string id;
    do {
      id = "stub_" + std::to_string(next_id_++);
    } while (std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.stub->id == id; }));
    stub = with_id(stub, id);
  }
  entries_.push_back({std::move(stub), next_order_++, 0});
  const Entry& added = entries_.back();
  json out = describe(added);
  sort();
  return out;
}

json StubStore::list() const {
  const std::lock_guard lock(mutex_);
  json data = json::array();
  for (const auto& entry : entries_)
    data.push_back(describe(entry));
  return {{"object", "list"}, {"data", std::move(data)}};
}

std::optional<json> StubStore::get(const std::string& id) const {
  const std::lock_guard lock(mutex_);
  for (const auto& entry : entries_)
    if (entry.stub->id == id) return describe(entry);
  return std::nullopt;
}

std::optional<json> StubStore::replace(const std::string& id, std::shared_ptr<const CompiledStub> stub) {
  const std::lock_guard lock(mutex_);
  for (auto& entry : entries_) {
    if (entry.stub->id != id) continue;
    entry.stub = with_id(stub, id);
    entry.hits = 0;
    json out = describe(entry);
    sort();
    return out;
  }
  return std::nullopt;
}

bool StubStore::remove(const std::string& id) {
  const std::lock_guard lock(mutex_);
  const auto it = std::find_if(entries_.begin(), entries_.end(),
                               [&](const Entry& entry) { return entry.stub->id == id; });
  if (it == entries_.end()) return false;
  const std::string scenario = it->stub->scenario;
  entries_.erase(it);
  // A scenario no stub takes part in any more is forgotten: added again, it starts again.
  const bool named = std::any_of(entries_.begin(), entries_.end(),
                                 [&](const Entry& entry) { return entry.stub->scenario == scenario; });
  if (!named) states_.erase(scenario);
  count_.store(entries_.size(), std::memory_order_relaxed);
  return true;
}

void StubStore::remove_all() {
  const std::lock_guard lock(mutex_);
  entries_.clear();
  states_.clear();
  count_.store(0, std::memory_order_relaxed);
}

void StubStore::reset() {
  const std::lock_guard lock(mutex_);
  entries_.clear();
  states_.clear();
  next_order_ = 0;
  next_id_ = 1;
  for (const auto& stub : configured_) {
    // Configured stubs without an id are numbered in the order written: stub_1, stub_2, ...
    auto named = stub->id.empty() ? with_id(stub, "stub_" + std::to_string(next_id_++)) : stub;
    entries_.push_back({std::move(named), next_order_++, 0});
  }
  sort();
}

json StubStore::scenarios() const {
  const std::lock_guard lock(mutex_);
  std::map<std::string, std::set<std::string>> possible;
  for (const auto& entry : entries_) {
    const CompiledStub& stub = *entry.stub;
    if (stub.scenario.empty()) continue;
    auto& states = possible[stub.scenario];
    states.insert(kStartedState);
    if (!stub.required_state.empty()) states.insert(stub.required_state);
    if (!stub.new_state.empty()) states.insert(stub.new_state);
  }
  json data = json::array();
  for (const auto& [name, states] : possible)
    data.push_back({{"name", name}, {"state", state_of(name)}, {"possible_states", states}});
  return {{"object", "list"}, {"data", std::move(data)}};
}

std::string StubStore::set_state(const std::string& scenario, const std::string& state) {
  const std::lock_guard lock(mutex_);
  std::set<std::string> possible;
  for (const auto& entry : entries_) {
    const CompiledStub& stub = *entry.stub;
    if (stub.scenario != scenario) continue;
    possible.insert(kStartedState);
    if (!stub.required_state.empty()) possible.insert(stub.required_state);
    if (!stub.new_state.empty()) possible.insert(stub.new_state);
  }
  if (possible.empty()) return "unknown scenario";
  if (!possible.contains(state)) {
    std::string listed;
    for (const auto& name : possible)
      listed += (listed.empty() ? "" : ", ") + name;
    return "no stub of scenario '" + scenario + "' requires or sets state '" + state +
           "'; its states: " + listed;
  }
  states_[scenario] = state;
  return {};
}

void StubStore::reset_scenarios() {
  const std::lock_guard lock(mutex_);
  states_.clear();
}

}  // namespace gatecheck::mock
