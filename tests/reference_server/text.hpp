// Small helpers shared across the reference server: text, hashing, a seeded generator, encodings.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace gatecheck::testing::reference {

using nlohmann::json;

bool is_space(char c);
std::string lower(std::string_view s);
std::string_view trim(std::string_view s);  // spaces and tabs, as HTTP field values are trimmed

// FNV-1a: stable across runs and platforms, so answers are reproducible.
std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 14695981039346656037ULL);

class Rng {  // SplitMix64
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t state_;
};

std::string hex(std::uint64_t value, int min_digits);
std::string alnum(Rng& rng, std::size_t length);
std::string words(Rng& rng, std::size_t count);  // space-separated, from a small fixed vocabulary
std::string_view word_at(std::size_t index);     // that vocabulary, cycled
std::size_t word_count(std::string_view s);
std::size_t code_points(std::string_view utf8);  // characters, as the API counts them
// Pieces ("Word", " word", ...) whose concatenation is the text; one piece is one completion token.
std::vector<std::string> tokenize(std::string_view text);
// Slices of at most `size` bytes that never split a UTF-8 sequence.
std::vector<std::string> fragments(std::string_view text, std::size_t size);
std::string base64(std::string_view bytes);
// Go's time.Duration.String() for whole milliseconds: "250ms", "59.5s", "1m0s", "1h2m3s".
std::string go_duration(std::chrono::milliseconds duration);
std::string to_text(const json& value);  // compact; invalid UTF-8 is replaced, never thrown

}  // namespace gatecheck::testing::reference
