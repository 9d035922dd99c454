// UTF-8 well-formedness. Bytes from the network (paths, headers, echoed bodies) may be anything; whatever
// gatecheck writes as JSON must still be valid UTF-8, so text is repaired at the point it becomes JSON.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gatecheck::core {

// Length of the well-formed UTF-8 sequence starting at s[i] (1-4), or 0 when none starts there.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);
bool is_valid_utf8(std::string_view s);
// Replaces every byte that does not start a well-formed UTF-8 sequence with U+FFFD.
std::string repair_utf8(std::string_view s);

}  // namespace gatecheck::core
