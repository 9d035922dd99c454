#include "text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

namespace gatecheck::testing::reference {

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::uint64_t fnv1a(std::string_view s, std::uint64_t h) {
  for (const unsigned char c : s)
    h = (h ^ c) * 1099511628211ULL;
  return h;
}

std::string hex(std::uint64_t value, int min_digits) {
  std::array<char, 20> buf{};
  std::snprintf(buf.data(), buf.size(), "%0*llx", min_digits, static_cast<unsigned long long>(value));
  return buf.data();
}

std::string alnum(Rng& rng, std::size_t length) {
  constexpr std::string_view kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  for (std::size_t i = 0; i < length; ++i)
    out += kChars[rng.below(kChars.size())];
  return out;
}

namespace {
constexpr std::array<std::string_view, 24> kWords{"the",    "quiet", "harbour", "holds", "a",     "small",
                                                  "boat",   "under", "grey",    "cloud", "while", "gulls",
                                                  "turn",   "over",  "calm",    "water", "and",   "far",
                                                  "lights", "flash", "along",   "old",   "stone", "walls"};
}  // namespace

std::string words(Rng& rng, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i)
    out += (i == 0 ? "" : " ") + std::string(kWords[rng.below(kWords.size())]);
  return out;
}

std::string_view word_at(std::size_t index) {
  return kWords[index % kWords.size()];
}

std::size_t word_count(std::string_view s) {
  std::size_t count = 0;
  bool in_word = false;
  for (const char c : s) {
    if (!is_space(c) && !in_word) ++count;
    in_word = !is_space(c);
  }
  return count;
}

std::size_t code_points(std::string_view utf8) {
  return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // not a continuation byte
  }));
}

std::vector<std::string> tokenize(std::string_view text) {
  std::vector<std::string> pieces;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = i;
    while (j < text.size() && is_space(text[j]))
      ++j;
    while (j < text.size() && !is_space(text[j]))
      ++j;
    pieces.emplace_back(text.substr(i, j - i));
    i = j;
  }
  return pieces;
}

std::vector<std::string> fragments(std::string_view text, std::size_t size) {
  std::vector<std::string> out;
  while (!text.empty()) {
    std::size_t n = std::min(size, text.size());
    while (n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80)
      ++n;
    out.emplace_back(text.substr(0, n));
    text.remove_prefix(n);
  }
  return out;
}

std::string base64(std::string_view bytes) {
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const auto byte = [&](std::size_t k) {
      return k < bytes.size() ? static_cast<unsigned char>(bytes[k]) : 0U;
    };
    const std::uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

std::string go_duration(std::chrono::milliseconds duration) {
  long long ms = std::max<long long>(duration.count(), 0);
  if (ms == 0) return "0s";
  if (ms < 1000) return std::to_string(ms) + "ms";
  std::string out;
  if (ms >= 3600000) out += std::to_string(ms / 3600000) + "h";
  if (ms >= 60000) out += std::to_string(ms / 60000 % 60) + "m";
  out += std::to_string(ms / 1000 % 60);
  if (ms % 1000 != 0) {
    std::string fraction = std::to_string(1000 + ms % 1000).substr(1);
    while (fraction.back() == '0')
      fraction.pop_back();
    out += "." + fraction;
  }
  return out + "s";
}

std::string to_text(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace gatecheck::testing::reference
