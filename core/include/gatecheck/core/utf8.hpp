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
// The offset of the first byte that does not start a well-formed sequence, or s.size() when there is none.
std::size_t first_invalid_utf8(std::string_view s);
// Replaces every byte that does not start a well-formed UTF-8 sequence with U+FFFD; valid text comes back as
// it is (one scan, one copy), so callers need not test it first.
std::string repair_utf8(std::string_view s);
// The longest prefix of at most `limit` bytes that does not end inside a UTF-8 sequence: where excerpts cut.
std::string_view utf8_prefix(std::string_view s, std::size_t limit);

}  // namespace gatecheck::core
