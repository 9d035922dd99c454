// ECMA-262 (unicode mode) semantics on top of PCRE2.
#include <gtest/gtest.h>

#include <gatecheck/schema/regex.hpp>

namespace gatecheck::schema {
namespace {

bool test(const char* pattern, std::string_view subject) {
  return Regex::compile(pattern).test(subject);
}

TEST(EcmaRegex, DotExcludesEveryLineTerminator) {
  EXPECT_TRUE(test("^.$", "\xC3\xA9"));
  EXPECT_FALSE(test("^.$", "\r"));
  EXPECT_FALSE(test("^.$", "\xE2\x80\xA8"));  // U+2028
}

TEST(EcmaRegex, ShorthandClassesFollowEcma) {
  EXPECT_TRUE(test("^\\s$", "\xEF\xBB\xBF")) << "U+FEFF is white space in ECMA-262";
  EXPECT_TRUE(test("^\\s$", "\xC2\xA0"));
  EXPECT_FALSE(test("^\\S$", "\xE2\x80\x83"));
  EXPECT_TRUE(test("^[\\S]$", "a"));
  EXPECT_FALSE(test("^[^\\S]$", "a"));
  EXPECT_TRUE(test("^[^\\S]$", " "));
  EXPECT_TRUE(test("^\\D$", "\xDF\x80")) << "NKO digit zero is not an ASCII digit";
  EXPECT_TRUE(test("^\\W$", "\xC3\xA9"));
  EXPECT_TRUE(test("^\\v$", "\x0B"));
  EXPECT_FALSE(test("^\\v$", "\n"));
}

TEST(EcmaRegex, DollarDoesNotMatchBeforeAFinalNewline) {
  EXPECT_FALSE(test("^abc$", "abc\n"));
}

TEST(EcmaRegex, UnicodeEscapesAndPropertyNames) {
  EXPECT_TRUE(test("^\\u0041\\u{1F432}$", "A\xF0\x9F\x90\xB2"));
  EXPECT_TRUE(test("^\\uD83D\\uDC32$", "\xF0\x9F\x90\xB2")) << "surrogate pair escapes combine";
  EXPECT_TRUE(test("^\\p{Letter}+$", "\xCF\x80"));
  EXPECT_TRUE(test("^\\p{digit}+$", "\xE0\xA7\xA8")) << "Bengali digit two is Nd";
  EXPECT_TRUE(test("^\\p{Script=Greek}$", "\xCE\xB1"));
}

TEST(EcmaRegex, RejectsWhatEcmaRejects) {
  for (const char* bad :
       {"(?P<n>a)", "(?#c)a", "(?i)abc", "a*+", "a++", "\\a", "\\Z", "a{", "\\", "[a", "(?<1>x)", "\\c1"}) {
    EXPECT_FALSE(Regex::check(bad).empty()) << bad;
  }
  for (const char* good :
       {"(?<name>x)\\k<name>", "[]", "[^]", "\\cA", "(?<=ab)c", "a{2,3}?", "\\/", "[\\b]"}) {
    EXPECT_TRUE(Regex::check(good).empty()) << good << ": " << Regex::check(good);
  }
}

TEST(EcmaRegex, BackreferencesAreNumberedGroups) {
  EXPECT_TRUE(test("^(a)\\1$", "aa"));
  EXPECT_TRUE(test("^\\1(a)$", "a")) << "an unset group matches empty";
}

TEST(EcmaRegex, InvalidUtf8SubjectsAreRepairedNotErrors) {
  EXPECT_TRUE(test("^a.b$",
                   "a\xFF"
                   "b"));
  EXPECT_EQ(Regex::compile("x").search("\xC3"), Regex::Outcome::no_match);
}

TEST(EcmaRegex, RunawayMatchesStopAtTheLimit) {
  EXPECT_EQ(Regex::compile("^(a+)+$").search(std::string(64, 'a') + "!"), Regex::Outcome::limit);
}

TEST(EcmaRegex, ErrorsNameThePattern) {
  try {
    Regex::compile("(?P<x>a)");
    FAIL();
  } catch (const RegexError& e) {
    EXPECT_EQ(e.pattern(), "(?P<x>a)");
    EXPECT_NE(std::string(e.what()).find("unsupported group syntax"), std::string::npos) << e.what();
  }
}

TEST(Regex, TheIgnoreCaseFlagIsTheEcmaIFlag) {
  EXPECT_TRUE(Regex::compile("^streaming /", Regex::Flags::ignore_case).test("Streaming / SSE"));
  EXPECT_FALSE(Regex::compile("^streaming /").test("Streaming / SSE"));
}

}  // namespace
}  // namespace gatecheck::schema
