// Deterministic material for answers: the same seed always gives the same ids, words and vectors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gatecheck::mock {

std::uint64_t hash64(std::string_view data, std::uint64_t seed = 0);
std::uint64_t mix64(std::uint64_t value);

// xoshiro256** seeded through SplitMix64.
class Prng {
 public:
  explicit Prng(std::uint64_t seed);
  std::uint64_t next();
  std::uint64_t below(std::uint64_t bound);  // uniform in [0, bound)
  double unit();                             // uniform in [0, 1)
  double normal();                           // standard normal

 private:
  std::uint64_t s_[4];
};

// An id such as "chatcmpl-" followed by `length` base62 characters derived from `seed`.
std::string make_id(std::string_view prefix, std::uint64_t seed, std::size_t length = 24);

// Plain prose, one token per word: the first token has no leading space, the others have one.
std::vector<std::string> generate_tokens(Prng& prng, std::size_t count);
// A word a value generator can use ("Paris" for a city, ...).
std::string_view pick_word(Prng& prng);

// An approximation of a BPE tokenizer: runs of letters or digits count one token each, so does any other
// non-space character. Stable, which is what usage accounting needs.
std::uint32_t count_tokens(std::string_view text);
// A text cut the way generated tokens are: each word with the space before it ("Say this" -> "Say", " this").
std::vector<std::string> split_words(std::string_view text);

}  // namespace gatecheck::mock
