#include "state.hpp"

namespace gatecheck::mock {

StubCounters::StubCounters(std::size_t stubs) {
  for (std::size_t i = 0; i < stubs; ++i)
    counts_.push_back(std::make_unique<std::atomic<std::size_t>>(0));
}

void StubCounters::reset() {
  for (auto& count : counts_)
    count->store(0);
}

State::State(const ServerOptions& options)
    : keys(options.keys, options.profile.key_prefixes.empty() ? "sk-" : options.profile.key_prefixes.front()),
      limiter(options.profile.rate_limits, options.max_tracked_keys),
      journal(options.journal_size),
      hooks(options.profile, options.seed),
      stub_hits(options.stubs.size()) {}

void State::reset() {
  limiter.reset();
  journal.clear();
  keys.reset();
  hooks.reset();
  stub_hits.reset();
  responses.clear();
}

}  // namespace gatecheck::mock
