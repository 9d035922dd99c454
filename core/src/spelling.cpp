#include <algorithm>
#include <vector>

#include <gatecheck/core/spelling.hpp>

namespace gatecheck::core {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  constexpr std::size_t kLongest = 64;  // bounded work, whatever a file holds
  if (a.size() > kLongest || b.size() > kLongest)
    return (a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) + kLongest;
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace gatecheck::core
