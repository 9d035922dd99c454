// What a matched stub does to a request: answers it (scripted, or proxied), or lets the endpoint answer with
// the stub's fixed answer, faults and pacing (and adds the stub's headers and delay).
#pragma once

#include <cstdint>
#include <optional>

#include <gatecheck/core/redact.hpp>

#include "call_context.hpp"
#include "proxy.hpp"
#include "stub_store.hpp"

namespace gatecheck::mock {

// The answer, or nullopt when the endpoint answers (then `context` carries what the stub set). Throws
// Rejected: a 500 for a template that names what the request does not have, a 502 for a failed proxy.
std::optional<Reply> play_stub(const StubHit& hit, const RequestView& view, CallContext& context,
                               ProxyPool& proxies);

// The 404 of strict mode: no stub matched; the nearest stubs and why each missed, in the message and as
// `near_misses` beside the error, with what `redactor` masks masked (it is sent before any key is checked).
Reply no_stub_matched(const CallContext& context, const std::vector<NearMiss>& nearest,
                      const core::Redactor& redactor);

}  // namespace gatecheck::mock
