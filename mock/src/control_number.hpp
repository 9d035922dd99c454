// Whole numbers in x-gatecheck-* control headers and fault parameters. Each becomes a wait, a count or a
// size, so each has a bound: a value outside [min, max] is refused with the range, never wrapped or
// overflowed.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace gatecheck::mock {

// The longest wait any control may ask for: one hour in milliseconds.
inline constexpr std::uint64_t kMaxControlMilliseconds = 3'600'000;

inline std::optional<std::uint64_t> parse_control_number(std::string_view text, std::uint64_t min,
                                                         std::uint64_t max) {
  std::uint64_t number = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), number);
  if (result.ec != std::errc{} || result.ptr != text.data() + text.size()) return std::nullopt;
  if (number < min || number > max) return std::nullopt;
  return number;
}

}  // namespace gatecheck::mock
