// Server-sent events as the reference server writes them, with legal variants on purpose (WHATWG HTML
// 9.2.6): CRLF line ends, fields without the optional space after the colon on every other event, comment
// lines, and the `data:` field before `event:` on some events.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gatecheck::testing::reference {

// The comment block a stream opens with, before its first event.
std::string sse_opening();
// One event block; `number` is its place in the stream (the opening counts as 0) and picks the variants.
// Without `event`, the block has a data field only.
std::string sse_event(std::string_view data, std::size_t number, std::string_view event = {});

}  // namespace gatecheck::testing::reference
