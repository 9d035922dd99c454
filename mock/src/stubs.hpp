// Scripted answers (--stub files): the first stub whose method, path, headers and body JSONPaths all match
// answers, its n-th hit with its n-th response (the last one repeats).
#pragma once

#include <optional>
#include <vector>

#include <gatecheck/mock/server.hpp>

#include "exchange.hpp"
#include "state.hpp"

namespace gatecheck::mock {

std::optional<Reply> stub_reply(const Request& request, const std::vector<Stub>& stubs, StubCounters& hits);

}  // namespace gatecheck::mock
