// POST {base}/messages (Anthropic's Messages API), the request: read and checked the API's way, then held as
// the chat generator's request, so one generator answers both APIs (what a stub's answer says included).
#pragma once

#include <string_view>

#include "chat_request.hpp"

namespace gatecheck::mock {

// Throws Rejected (a 400 naming the parameter) for what the Messages API refuses.
ChatRequest read_messages_request(std::string_view body, const vendor::Profile& profile, std::uint64_t seed);

}  // namespace gatecheck::mock
