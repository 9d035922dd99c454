// ECMA-262 (unicode mode) to PCRE2 10.42. PCRE2 accepts far more than ECMA-262 and gives some shared syntax a
// different meaning, so patterns are tokenised and rewritten rather than passed through:
//   .  \s  \S  \v  \0  \N(backreference)  \p{Long_Name}  [\S]   are rewritten to what ECMA-262 means;
//   PCRE2-only syntax ((?P<, (?#, (?i), possessive quantifiers, \A \Z \h ...) is rejected as ECMA-262 does.
// Compile options: UTF (code points), ALT_BSUX + EXTRA_ALT_BSUX (\uHHHH, \u{H..}, \xHH), DOLLAR_ENDONLY ($
// does not match before a final newline), ALLOW_EMPTY_CLASS ([] and [^]), MATCH_UNSET_BACKREF, no UCP (\d \w
// \b stay ASCII as in ECMA-262). Not MATCH_INVALID_UTF: with it, 10.42's JIT fails to match \D and \W against
// non-ASCII characters (measured); a subject that is not UTF-8 (an HTTP header may be any bytes) is repaired
// with U+FFFD and matched again instead.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <array>
#include <charconv>
#include <optional>
#include <utility>

#include <pcre2.h>

#include <gatecheck/core/utf8.hpp>
#include <gatecheck/schema/regex.hpp>

namespace gatecheck::schema {
namespace {

constexpr std::string_view kWhiteSpaceItems =
    "\\t\\n\\x0b\\f\\r "
    "\\u{a0}\\u{1680}\\u{2000}-\\u{200a}\\u{2028}\\u{2029}\\u{202f}\\u{205f}\\u{3000}\\u{feff}";
constexpr std::string_view kDot = "[^\\n\\r\\u{2028}\\u{2029}]";

// ECMA-262 General_Category long names that PCRE2 10.42 only knows by their short form.
constexpr std::array<std::pair<std::string_view, std::string_view>, 40> kCategoryNames{{
    {"Other", "C"},
    {"Control", "Cc"},
    {"cntrl", "Cc"},
    {"Format", "Cf"},
    {"Unassigned", "Cn"},
    {"Private_Use", "Co"},
    {"Surrogate", "Cs"},
    {"Letter", "L"},
    {"Cased_Letter", "LC"},
    {"Lowercase_Letter", "Ll"},
    {"Modifier_Letter", "Lm"},
    {"Other_Letter", "Lo"},
    {"Titlecase_Letter", "Lt"},
    {"Uppercase_Letter", "Lu"},
    {"Mark", "M"},
    {"Combining_Mark", "M"},
    {"Spacing_Mark", "Mc"},
    {"Enclosing_Mark", "Me"},
    {"Nonspacing_Mark", "Mn"},
    {"Number", "N"},
    {"Decimal_Number", "Nd"},
    {"digit", "Nd"},
    {"Letter_Number", "Nl"},
    {"Other_Number", "No"},
    {"Punctuation", "P"},
    {"punct", "P"},
    {"Connector_Punctuation", "Pc"},
    {"Dash_Punctuation", "Pd"},
    {"Close_Punctuation", "Pe"},
    {"Final_Punctuation", "Pf"},
    {"Initial_Punctuation", "Pi"},
    {"Other_Punctuation", "Po"},
    {"Open_Punctuation", "Ps"},
    {"Symbol", "S"},
    {"Currency_Symbol", "Sc"},
    {"Modifier_Symbol", "Sk"},
    {"Math_Symbol", "Sm"},
    {"Other_Symbol", "So"},
    {"Separator", "Z"},
    {"Space_Separator", "Zs"},
}};

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_ascii_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_syntax_char(char c) {
  return std::string_view("^$\\.*+?()[]{}|/").find(c) != std::string_view::npos;
}

std::string hex_escape(std::uint32_t cp) {
  char buffer[16];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, cp, 16);
  return "\\u{" + std::string(buffer, result.ptr) + "}";
}

class Translator {
 public:
  explicit Translator(std::string_view pattern) : p_(pattern) {}

  std::string run() {
    while (i_ < p_.size())
      step();
    return std::move(out_);
  }

 private:
  enum class Prev { none, atom, quantifier, lazy };

  [[noreturn]] void fail(const std::string& message) const {
    throw RegexError(std::string(p_), message + " at offset " + std::to_string(i_));
  }

  bool at(char c, std::size_t ahead = 0) const { return i_ + ahead < p_.size() && p_[i_ + ahead] == c; }

  void step() {
    const char c = p_[i_];
    switch (c) {
      case '\\':
        ++i_;
        escape_outside_class();
        return;
      case '.':
        ++i_;
        out_ += kDot;
        prev_ = Prev::atom;
        return;
      case '[':
        ++i_;
        character_class();
        prev_ = Prev::atom;
        return;
      case '(':
        group_open();
        return;
      case ')':
        ++i_;
        out_ += ')';
        prev_ = Prev::atom;
        return;
      case '|':
      case '^':
      case '$':
        ++i_;
        out_ += c;
        prev_ = Prev::none;
        return;
      case '*':
      case '+':
      case '?':
        ++i_;
        quantifier(std::string(1, c), c == '?');
        return;
      case '{': {
        const auto braced = braced_quantifier();
        if (!braced) fail("lone '{' (escape it as \\{)");
        quantifier(*braced, false);
        return;
      }
      case '}':
        fail("lone '}' (escape it as \\})");
      case ']':
        fail("lone ']' (escape it as \\])");
      default:
        copy_character();
        prev_ = Prev::atom;
    }
  }

  void quantifier(const std::string& text, bool question) {
    if (prev_ == Prev::quantifier && question) {
      out_ += '?';
      prev_ = Prev::lazy;
      return;
    }
    if (prev_ == Prev::quantifier || prev_ == Prev::lazy) fail("a quantifier cannot follow a quantifier");
    if (prev_ == Prev::none) fail("nothing to repeat");
    out_ += text;
    prev_ = Prev::quantifier;
  }

  std::optional<std::string> braced_quantifier() {
    std::size_t j = i_ + 1;
    const std::size_t min_start = j;
    while (j < p_.size() && is_digit(p_[j]))
      ++j;
    if (j == min_start) return std::nullopt;
    if (j < p_.size() && p_[j] == ',') {
      ++j;
      while (j < p_.size() && is_digit(p_[j]))
        ++j;
    }
    if (j >= p_.size() || p_[j] != '}') return std::nullopt;
    std::string text(p_.substr(i_, j + 1 - i_));
    i_ = j + 1;
    return text;
  }

  void group_open() {
    ++i_;
    prev_ = Prev::none;
    if (!at('?')) {
      out_ += '(';
      return;
    }
    const std::string_view rest = p_.substr(i_);
    for (const std::string_view form : {"?:", "?=", "?!", "?<=", "?<!"}) {
      if (rest.starts_with(form)) {
        out_ += '(';
        out_ += form;
        i_ += form.size();
        return;
      }
    }
    if (rest.starts_with("?<")) {
      std::size_t j = 2;
      while (j < rest.size() &&
             (is_ascii_letter(rest[j]) || is_digit(rest[j]) || rest[j] == '_' || rest[j] == '$')) {
        ++j;
      }
      if (j > 2 && j < rest.size() && rest[j] == '>' && !is_digit(rest[2])) {
        out_ += '(';
        out_ += rest.substr(0, j + 1);
        i_ += j + 1;
        return;
      }
      fail("invalid group name");
    }
    fail("unsupported group syntax '(" + std::string(rest.substr(0, std::min<std::size_t>(3, rest.size()))) +
         "' (ECMA-262 has (?:, (?=, (?!, (?<=, (?<! and (?<name>)");
  }

  void copy_character() { out_.append(take_character()); }

  // One UTF-8 encoded character of the pattern.
  std::string_view take_character() {
    const auto lead = static_cast<unsigned char>(p_[i_]);
    std::size_t length = 1;
    if (lead >= 0xF0) {
      length = 4;
    } else if (lead >= 0xE0) {
      length = 3;
    } else if (lead >= 0xC0) {
      length = 2;
    }
    length = std::min(length, p_.size() - i_);
    const std::string_view character = p_.substr(i_, length);
    i_ += length;
    return character;
  }

  std::uint32_t read_hex(std::size_t digits) {
    if (i_ + digits > p_.size()) fail("incomplete hex escape");
    std::uint32_t value = 0;
    for (std::size_t k = 0; k < digits; ++k) {
      const char h = p_[i_ + k];
      if (!is_hex(h)) fail("invalid hex escape");
      value = value * 16 + static_cast<std::uint32_t>(is_digit(h) ? h - '0' : (h | 0x20) - 'a' + 10);
    }
    i_ += digits;
    return value;
  }

  // \u escapes: \uHHHH (surrogate pairs combined) or \u{H...}. i_ points just after 'u'.
  std::string unicode_escape() {
    if (at('{')) {
      ++i_;
      const std::size_t start = i_;
      while (i_ < p_.size() && is_hex(p_[i_]))
        ++i_;
      if (i_ == start || !at('}')) fail("invalid \\u{...} escape");
      std::uint32_t value = 0;
      std::from_chars(p_.data() + start, p_.data() + i_, value, 16);
      ++i_;
      if (i_ - start > 9 || value > 0x10FFFF) fail("\\u{...} escape beyond U+10FFFF");
      if (value >= 0xD800 && value <= 0xDFFF) fail("lone surrogate escape");
      return hex_escape(value);
    }
    std::uint32_t value = read_hex(4);
    if (value >= 0xD800 && value <= 0xDBFF && at('\\') && at('u', 1)) {
      const std::size_t save = i_;
      i_ += 2;
      const std::uint32_t low = read_hex(4);
      if (low >= 0xDC00 && low <= 0xDFFF)
        return hex_escape(0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00));
      i_ = save;
    }
    if (value >= 0xD800 && value <= 0xDFFF) fail("lone surrogate escape");
    return hex_escape(value);
  }

  std::string property_escape(char kind) {
    if (!at('{')) fail("\\" + std::string(1, kind) + " needs {Property}");
    const std::size_t close = p_.find('}', i_);
    if (close == std::string_view::npos) fail("unterminated \\" + std::string(1, kind) + "{...}");
    std::string name(p_.substr(i_ + 1, close - i_ - 1));
    i_ = close + 1;
    for (const std::string_view prefix : {"General_Category=", "gc="}) {
      if (name.starts_with(prefix)) name = name.substr(prefix.size());
    }
    for (const auto& [long_name, short_name] : kCategoryNames) {
      if (name == long_name) name = std::string(short_name);
    }
    if (name == "Assigned") return kind == 'p' ? "\\P{Cn}" : "\\p{Cn}";
    return "\\" + std::string(1, kind) + "{" + name + "}";
  }

  // Escapes shared by both contexts; returns true when handled.
  bool common_escape(char c, std::string& into) {
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 't':
      case 'n':
      case 'r':
      case 'f':
        into += '\\';
        into += c;
        return true;
      case 'v':
        into += "\\x0b";
        return true;
      case 'c':
        if (i_ < p_.size() && is_ascii_letter(p_[i_])) {
          into += "\\c";
          into += p_[i_++];
          return true;
        }
        fail("\\c must be followed by a letter");
      case 'x': {
        const std::uint32_t value = read_hex(2);
        into += hex_escape(value);
        return true;
      }
      case 'u':
        into += unicode_escape();
        return true;
      case 'p':
      case 'P':
        into += property_escape(c);
        return true;
      case '0':
        if (i_ < p_.size() && is_digit(p_[i_])) fail("\\0 followed by a digit is not allowed");
        into += "\\x00";
        return true;
      default:
        if (is_syntax_char(c)) {
          into += '\\';
          into += c;
          return true;
        }
        return false;
    }
  }

  void escape_outside_class() {
    if (i_ >= p_.size()) fail("pattern ends with a backslash");
    const char c = p_[i_++];
    prev_ = Prev::atom;
    if (c == 's') {
      out_ += "[" + std::string(kWhiteSpaceItems) + "]";
    } else if (c == 'S') {
      out_ += "[^" + std::string(kWhiteSpaceItems) + "]";
    } else if (c == 'b' || c == 'B') {
      out_ += '\\';
      out_ += c;
      prev_ = Prev::none;
    } else if (c >= '1' && c <= '9') {
      std::size_t start = i_ - 1;
      while (i_ < p_.size() && is_digit(p_[i_]))
        ++i_;
      out_ += "\\g{" + std::string(p_.substr(start, i_ - start)) + "}";
    } else if (c == 'k') {
      if (!at('<')) fail("\\k must be followed by <name>");
      const std::size_t close = p_.find('>', i_);
      if (close == std::string_view::npos) fail("unterminated \\k<name>");
      out_ += "\\k" + std::string(p_.substr(i_, close + 1 - i_));
      i_ = close + 1;
    } else if (!common_escape(c, out_)) {
      --i_;
      fail("invalid escape \\" + std::string(1, c));
    }
  }

  void character_class() {
    const bool negated = at('^');
    if (negated) ++i_;
    std::string items;
    bool has_not_space = false;
    for (;;) {
      if (i_ >= p_.size()) fail("unterminated character class");
      const char c = p_[i_];
      if (c == ']') {
        ++i_;
        break;
      }
      if (c == '[') {
        items += "\\[";
        ++i_;
        continue;
      }
      if (c != '\\') {
        items += take_character();
        continue;
      }
      ++i_;
      if (i_ >= p_.size()) fail("pattern ends with a backslash");
      const char e = p_[i_++];
      if (e == 's') {
        items += kWhiteSpaceItems;
      } else if (e == 'S') {
        has_not_space = true;
      } else if (e == 'b') {
        items += "\\x08";
      } else if (e == '-') {
        items += "\\-";
      } else if (!common_escape(e, items)) {
        --i_;
        fail("invalid escape \\" + std::string(1, e) + " in a character class");
      }
    }
    const std::string space(kWhiteSpaceItems);
    if (!has_not_space) {
      out_ += (negated ? "[^" : "[") + items + "]";
    } else if (!negated) {
      out_ += items.empty() ? "[^" + space + "]" : "(?:[" + items + "]|[^" + space + "])";
    } else {
      out_ += items.empty() ? "[" + space + "]" : "(?![" + items + "])[" + space + "]";
    }
  }

  std::string_view p_;
  std::size_t i_ = 0;
  std::string out_;
  Prev prev_ = Prev::none;
};

struct CodeDeleter {
  void operator()(pcre2_code* code) const { pcre2_code_free(code); }
};

// Per-thread match scratch: match data, a match context with limits and a JIT stack. It carries no state
// between calls; it only saves three allocations per match.
class MatchScratch {
 public:
  MatchScratch()
      : data_(pcre2_match_data_create(1, nullptr)),
        context_(pcre2_match_context_create(nullptr)),
        jit_stack_(pcre2_jit_stack_create(32 * 1024, 1024 * 1024, nullptr)) {
    pcre2_set_match_limit(context_, 1'000'000);
    pcre2_set_depth_limit(context_, 10'000);
    pcre2_set_heap_limit(context_, 64 * 1024);
    if (jit_stack_ != nullptr) pcre2_jit_stack_assign(context_, nullptr, jit_stack_);
  }
  ~MatchScratch() {
    pcre2_match_data_free(data_);
    pcre2_match_context_free(context_);
    if (jit_stack_ != nullptr) pcre2_jit_stack_free(jit_stack_);
  }
  MatchScratch(const MatchScratch&) = delete;
  MatchScratch& operator=(const MatchScratch&) = delete;

  pcre2_match_data* data() const { return data_; }
  pcre2_match_context* context() const { return context_; }

 private:
  pcre2_match_data* data_;
  pcre2_match_context* context_;
  pcre2_jit_stack* jit_stack_;
};

}  // namespace

struct Regex::Compiled {
  std::string pattern;
  std::unique_ptr<pcre2_code, CodeDeleter> code;
};

RegexError::RegexError(std::string pattern, std::string message)
    : std::runtime_error("invalid pattern /" + pattern + "/: " + message), pattern_(std::move(pattern)) {}

std::string translate_ecma_regex(std::string_view pattern) {
  return Translator(pattern).run();
}

Regex Regex::compile(std::string_view pattern, Flags flags) {
  const std::string translated = translate_ecma_regex(pattern);
  std::unique_ptr<pcre2_compile_context, decltype(&pcre2_compile_context_free)> context(
      pcre2_compile_context_create(nullptr), &pcre2_compile_context_free);
  pcre2_set_compile_extra_options(context.get(), PCRE2_EXTRA_ALT_BSUX);
  pcre2_set_max_pattern_length(context.get(), 1024 * 1024);
  const std::uint32_t options = PCRE2_UTF | PCRE2_ALT_BSUX | PCRE2_DOLLAR_ENDONLY | PCRE2_ALLOW_EMPTY_CLASS |
                                PCRE2_MATCH_UNSET_BACKREF | PCRE2_NEVER_BACKSLASH_C |
                                (flags == Flags::ignore_case ? PCRE2_CASELESS : 0u);
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                                   options, &error_code, &error_offset, context.get());
  if (code == nullptr) {
    std::array<PCRE2_UCHAR, 256> message{};
    pcre2_get_error_message(error_code, message.data(), message.size());
    throw RegexError(std::string(pattern), reinterpret_cast<const char*>(message.data()));
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter when JIT is unavailable
  auto compiled = std::make_shared<Compiled>();
  compiled->pattern = std::string(pattern);
  compiled->code.reset(code);
  Regex regex;
  regex.compiled_ = std::move(compiled);
  return regex;
}

std::string Regex::check(std::string_view pattern) {
  try {
    compile(pattern);
    return {};
  } catch (const RegexError& e) {
    return e.what();
  }
}

Regex::Outcome Regex::search(std::string_view subject) const {
  thread_local const MatchScratch scratch;
  int rc = pcre2_match(compiled_->code.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0,
                       0, scratch.data(), scratch.context());
  if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21) {
    const std::string repaired = core::repair_utf8(subject);
    rc = pcre2_match(compiled_->code.get(), reinterpret_cast<PCRE2_SPTR>(repaired.data()), repaired.size(), 0,
                     0, scratch.data(), scratch.context());
  }
  if (rc >= 0) return Outcome::match;
  if (rc == PCRE2_ERROR_NOMATCH) return Outcome::no_match;
  return Outcome::limit;
}

const std::string& Regex::pattern() const {
  return compiled_->pattern;
}

}  // namespace gatecheck::schema
