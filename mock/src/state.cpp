#include "state.hpp"

namespace gatecheck::mock {

State::State(const ServerOptions& options, std::vector<std::shared_ptr<const CompiledStub>> configured)
    : keys(options.keys, options.profile.key_prefixes.empty() ? "sk-" : options.profile.key_prefixes.front()),
      limiter(options.profile.rate_limits, options.max_tracked_keys),
      journal(options.journal_size, options.journal_body_bytes),
      hooks(options.profile, options.seed),
      stubs(std::move(configured)),
      replay(options.replay, options.replay_options) {}

void State::reset() {
  limiter.reset();
  journal.clear();
  keys.reset();
  hooks.reset();
  stubs.reset();
  responses.clear();
  idempotency.reset();
  replay.reset();
}

}  // namespace gatecheck::mock
