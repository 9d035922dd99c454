#include "generator.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

namespace gatecheck::mock {
namespace {

constexpr std::array<std::string_view, 96> kWords = {
    "the",     "model",    "answers",  "clearly",   "and",       "briefly",   "with",     "a",
    "gateway", "routes",   "requests", "to",        "providers", "that",      "stream",   "tokens",
    "over",    "time",     "while",    "every",     "chunk",     "keeps",     "its",      "shape",
    "this",    "response", "is",       "generated", "by",        "gatecheck", "for",      "testing",
    "clients", "expect",   "stable",   "output",    "when",      "they",      "send",     "the",
    "same",    "request",  "again",    "so",        "checks",    "can",       "compare",  "results",
    "simple",  "words",    "make",     "short",     "sentences", "about",     "latency",  "limits",
    "errors",  "schemas",  "events",   "headers",   "keys",      "usage",     "counts",   "rise",
    "quickly", "under",    "load",     "yet",       "each",      "reply",     "stays",    "valid",
    "JSON",    "carries",  "an",       "id",        "created",   "once",      "per",      "call",
    "tools",   "return",   "data",     "in",        "order",     "as",        "promised", "here",
    "now",     "then",     "our",      "test",      "passes",    "or",        "fails",    "honestly",
};

constexpr std::array<std::string_view, 24> kValues = {
    "Paris",  "London", "Berlin", "Tokyo", "Lisbon", "Oslo",  "Madrid", "Rome",
    "Vienna", "Prague", "Dublin", "Seoul", "alpha",  "beta",  "gamma",  "delta",
    "omega",  "blue",   "green",  "red",   "north",  "south", "east",   "west",
};

constexpr std::string_view kBase62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

std::uint64_t rotl(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

bool is_word_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

}  // namespace

std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t hash64(std::string_view data, std::uint64_t seed) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ mix64(seed);
  for (const char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return mix64(h);
}

Prng::Prng(std::uint64_t seed) {
  for (auto& word : s_) {
    seed += 0x9e3779b97f4a7c15ULL;
    word = mix64(seed);
  }
}

std::uint64_t Prng::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

std::uint64_t Prng::below(std::uint64_t bound) {
  return bound == 0 ? 0 : next() % bound;
}

double Prng::unit() {
  return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

double Prng::normal() {
  // Box-Muller; one value per call keeps the sequence simple to reason about.
  const double u1 = 1.0 - unit();
  const double u2 = unit();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

std::string make_id(std::string_view prefix, std::uint64_t seed, std::size_t length) {
  // Ten base62 digits per 64-bit draw (62^10 < 2^64; the bias is below 2^-4), written in place.
  std::string out(prefix.size() + length, '\0');
  std::copy(prefix.begin(), prefix.end(), out.begin());
  Prng prng(seed);
  std::uint64_t bits = 0;
  int left = 0;
  for (std::size_t i = prefix.size(); i < out.size(); ++i) {
    if (left == 0) {
      bits = prng.next();
      left = 10;
    }
    out[i] = kBase62[bits % 62];
    bits /= 62;
    --left;
  }
  return out;
}

std::vector<std::string> generate_tokens(Prng& prng, std::size_t count) {
  std::vector<std::string> tokens;
  tokens.reserve(count);
  std::size_t sentence_left = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string_view picked = kWords[prng.below(kWords.size())];
    std::string& word = tokens.emplace_back();
    word.reserve(picked.size() + 2);
    if (i != 0) word += ' ';
    const std::size_t first = word.size();
    word.append(picked);
    if (sentence_left == 0) {
      sentence_left = 6 + prng.below(8);
      word[first] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[first])));
    }
    --sentence_left;
    if (sentence_left == 0 || i + 1 == count) word += '.';
  }
  return tokens;
}

std::string_view pick_word(Prng& prng) {
  return kValues[prng.below(kValues.size())];
}

std::uint32_t count_tokens(std::string_view text) {
  std::uint32_t count = 0;
  bool in_word = false;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_word_char(c)) {
      if (!in_word) ++count;
      in_word = true;
    } else {
      in_word = false;
      if (c != ' ' && c != '\n' && c != '\t' && c != '\r') ++count;
    }
  }
  return count;
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> pieces;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = std::min(text.find(' ', at + 1), text.size());
    pieces.emplace_back(text.substr(at, end - at));
    at = end;
  }
  return pieces;
}

}  // namespace gatecheck::mock
