// The Responses API's stream of server-sent events for one finished Response.
#pragma once

#include <string>
#include <vector>

#include "text.hpp"

namespace gatecheck::testing::reference {

// response.created and response.in_progress (status in_progress, no output yet), then each output item's
// added / delta / done events, then response.completed (or response.incomplete) with the whole `response`.
// There is no [DONE] sentinel. The first block is a comment, as in every stream of this server.
std::vector<std::string> response_events(const json& response);

}  // namespace gatecheck::testing::reference
