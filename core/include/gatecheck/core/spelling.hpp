// Near misses between names, for "did you mean ...?" in errors (a check id, a matcher operator).
#pragma once

#include <cstddef>
#include <string_view>

namespace gatecheck::core {

// Levenshtein distance: insertions, deletions and substitutions. Names longer than 64 characters are no near
// miss of anything and are not measured (the result is then their length difference plus 64).
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace gatecheck::core
