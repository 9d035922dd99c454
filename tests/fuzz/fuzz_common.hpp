// Shared by the fuzz targets: property checks that stop loudly, and the reader of the line-based input
// formats.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <utility>

namespace gatecheck::fuzz {

// A broken property: name it on stderr, then trap (libFuzzer and corpus_main both report the input).
inline void require(bool holds, const char* property) {
  if (holds) return;
  std::fprintf(stderr, "gatecheck fuzz property violated: %s\n", property);
  __builtin_trap();
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The next line of `rest` without its "\n" or "\r\n"; `rest` keeps what follows.
inline std::string_view take_line(std::string_view& rest) {
  const auto end = rest.find('\n');
  std::string_view line = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// "Name: value" -> {"Name", "value"} (blanks after the colon dropped); a line without a colon is all name.
inline std::pair<std::string_view, std::string_view> split_header(std::string_view line) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return {line, {}};
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  return {line.substr(0, colon), value};
}

// Whether the space-separated `words` include `word`.
inline bool has_word(std::string_view words, std::string_view word) {
  while (!words.empty()) {
    const auto space = words.find(' ');
    if (words.substr(0, space) == word) return true;
    if (space == std::string_view::npos) break;
    words.remove_prefix(space + 1);
  }
  return false;
}

}  // namespace gatecheck::fuzz
