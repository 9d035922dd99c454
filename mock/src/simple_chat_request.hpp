// The common chat request — model, messages of plain text, a few numeric knobs — read straight from the
// bytes, without building a JSON DOM first. Building and freeing that DOM was the largest cost of a
// non-streamed answer (bench/RESULTS.md). The reader declines anything outside that subset, and anything it
// is not sure of (an escape in a string, a null, a duplicate key, a value out of range): the full reader then
// gives the answer, or the API's exact 400. A request it accepts gives the ChatRequest the full reader would
// give.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <gatecheck/vendor/profile.hpp>

#include "chat_request.hpp"

namespace gatecheck::mock {

std::optional<ChatRequest> read_simple_chat_request(std::string_view body, const vendor::Profile& profile,
                                                    std::uint64_t server_seed);

}  // namespace gatecheck::mock
