// Property: Regex::compile accepts an ECMA-262 pattern or throws RegexError; check() agrees with compile(); a
// compiled pattern searches any subject (UTF-8 or not) to match, no_match or limit; a pattern of letters and
// digits matches every subject that contains it.
// Input: pattern, NUL, subject (no NUL: the pattern is its own subject).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <gatecheck/schema/regex.hpp>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatecheck;
  using fuzz::require;
  const std::string_view input = fuzz::as_text(data, size);
  const auto nul = input.find('\0');
  const std::string_view pattern = input.substr(0, nul);
  const std::string_view subject = nul == std::string_view::npos ? input : input.substr(nul + 1);

  const bool valid = schema::Regex::check(pattern).empty();
  try {
    const schema::Regex regex = schema::Regex::compile(pattern);
    require(valid, "check() accepts what compile() accepts");
    require(regex.pattern() == pattern, "the pattern is kept as given");
    const auto outcome = regex.search(subject);
    require(regex.test(subject) == (outcome == schema::Regex::Outcome::match), "test() is search() == match");
    const bool literal = !pattern.empty() && std::all_of(pattern.begin(), pattern.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    });
    if (literal && subject.find(pattern) != std::string_view::npos)
      require(outcome == schema::Regex::Outcome::match, "a literal pattern matches a subject containing it");
  } catch (const schema::RegexError&) {
    require(!valid, "compile() refuses what check() refuses");
  }
  return 0;
}
