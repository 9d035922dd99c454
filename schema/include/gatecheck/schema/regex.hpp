// ECMA-262 regular expressions (unicode mode), as JSON Schema `pattern` and suite `matches` matchers use
// them. Patterns are translated to PCRE2 (Debian's libpcre2) rather than run by std::regex, whose recursive
// matcher overflows the stack on long subjects; PCRE2 runs with match and depth limits, so a hostile pattern
// or subject ends in Outcome::limit instead of a crash or a runaway.
#pragma once

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gatecheck::schema {

class RegexError : public std::runtime_error {
 public:
  RegexError(std::string pattern, std::string message);
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
};

class Regex {
 public:
  enum class Outcome { match, no_match, limit };
  enum class Flags { none, ignore_case };  // ignore_case: the `i` flag

  // Throws RegexError when the pattern is not a valid ECMA-262 unicode-mode pattern.
  static Regex compile(std::string_view pattern, Flags flags = Flags::none);
  // The reason a pattern is invalid, or an empty string when it is valid (the `regex` format).
  static std::string check(std::string_view pattern);

  // Unanchored search, as ECMA-262 RegExp.prototype.test. Safe to call from several threads at once.
  Outcome search(std::string_view subject) const;
  bool test(std::string_view subject) const { return search(subject) == Outcome::match; }

  const std::string& pattern() const;

 private:
  struct Compiled;
  std::shared_ptr<const Compiled> compiled_;
};

// The PCRE2 syntax a pattern becomes (exposed for tests and diagnostics).
std::string translate_ecma_regex(std::string_view pattern);

}  // namespace gatecheck::schema
