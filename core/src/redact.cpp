#include <algorithm>
#include <cctype>
#include <functional>
#include <tuple>
#include <vector>

#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/redact.hpp>
#include <gatecheck/core/utf8.hpp>

namespace gatecheck::core {
namespace {

constexpr std::string_view kMask = "***";
constexpr std::string_view kKeyPrefixes[] = {"sk-", "sk_", "whsec_", "rk-", "rk_"};
constexpr std::size_t kMinimumTokenLength = 12;
constexpr std::size_t kWordLength = 8;  // secrets shorter than this are matched as whole words only

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
}

bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '+' || c == '/' || c == '=';
}

// Key formats announce themselves with a public prefix (sk-, sk-proj-, sk_live_, whsec_); showing it helps a
// reader tell keys apart. Anything else shows nothing of its start.
std::size_t prefix_length(std::string_view secret) {
  static constexpr std::string_view kKnown[] = {"sk", "pk", "rk", "whsec"};
  const auto group_end = [&](std::size_t from) -> std::size_t {
    std::size_t j = from;
    while (j < secret.size() && j - from < 10 && std::isalpha(static_cast<unsigned char>(secret[j])) != 0)
      ++j;
    if (j == from || j >= secret.size() || (secret[j] != '-' && secret[j] != '_')) return 0;
    return j + 1;
  };
  const std::size_t first = group_end(0);
  if (first == 0 ||
      std::find(std::begin(kKnown), std::end(kKnown), secret.substr(0, first - 1)) == std::end(kKnown)) {
    return 0;
  }
  const std::size_t second = group_end(first);
  const std::size_t end = second != 0 ? second : first;
  return secret.size() - end >= 4 ? end : 0;
}

}  // namespace

std::string mask_secret(std::string_view secret) {
  std::string out(secret.substr(0, prefix_length(secret)));
  out += kMask;
  if (secret.size() >= 24) out += secret.substr(secret.size() - 4);
  // The last four bytes may split a character, or not be UTF-8 at all (a client's key).
  return repair_utf8(out);
}

std::string mask_secret_in_shape(std::string_view secret) {
  const std::size_t keep_front = prefix_length(secret);
  const std::size_t keep_back = secret.size() >= 24 ? 4 : 0;
  std::string out(secret);
  for (std::size_t i = keep_front; i + keep_back < out.size(); ++i) {
    const char c = out[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) out[i] = 'x';
    if (c >= '0' && c <= '9') out[i] = '0';
    if (static_cast<unsigned char>(c) >= 0x80) out[i] = 'x';  // a byte of a character that is not ASCII
  }
  return out;
}

namespace {

constexpr std::string_view kCredentialHeaders[] = {
    "authorization", "proxy-authorization", "x-api-key",     "api-key",
    "cookie",        "set-cookie",          "x-admin-token", "openai-api-key"};

}  // namespace

bool is_credential_header(std::string_view name) {
  return std::any_of(std::begin(kCredentialHeaders), std::end(kCredentialHeaders),
                     [&](std::string_view known) { return iequals(known, name); });
}

Redactor::Redactor() : sensitive_headers_(std::begin(kCredentialHeaders), std::end(kCredentialHeaders)) {}

void Redactor::add_secret(std::string_view secret) {
  if (secret.size() < 4) return;
  if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return;
  const std::size_t id = secrets_.size();
  secrets_.emplace_back(secret);
  forms_.push_back({std::string(secret), id});
  // Inside a longer base64 text a secret starts at some offset modulo 3; for each, the whole 3-byte groups
  // after `skip` bytes encode only the secret's own bytes, so that core appears verbatim in the encoding.
  for (std::size_t skip = 0; skip < 3 && secret.size() >= skip + 6; ++skip) {
    std::string core = base64_encode(secret.substr(skip, (secret.size() - skip) / 3 * 3));
    std::string url_safe = core;
    std::replace(url_safe.begin(), url_safe.end(), '+', '-');
    std::replace(url_safe.begin(), url_safe.end(), '/', '_');
    if (url_safe != core) forms_.push_back({std::move(url_safe), id});
    forms_.push_back({std::move(core), id});
  }
  std::stable_sort(forms_.begin(), forms_.end(),
                   [](const Form& a, const Form& b) { return a.text.size() > b.text.size(); });
}

void Redactor::add_sensitive_header(std::string_view name) {
  if (!is_sensitive_header(name)) sensitive_headers_.push_back(to_lower(name));
}

void Redactor::add_credential_header(std::string_view name, std::string_view value) {
  add_sensitive_header(name);
  const auto space = value.find(' ');
  if (space == std::string_view::npos) {
    add_secret(value);
    return;
  }
  // "Scheme token": the token is the secret (registering the whole value would mask the scheme word alone at
  // the end of an excerpt). Derived parts shorter than 8 characters are not registered: they would mask
  // words.
  const std::string_view token = value.substr(space + 1);
  add_secret(token);
  if (!iequals(value.substr(0, space), "basic")) return;
  if (const auto plain = base64_decode(token)) {
    if (plain->size() >= 8) add_secret(*plain);
    const auto colon = plain->find(':');
    if (colon != std::string::npos && plain->size() - colon - 1 >= 8) add_secret(plain->substr(colon + 1));
  }
}

bool Redactor::is_sensitive_header(std::string_view name) const {
  return std::any_of(sensitive_headers_.begin(), sensitive_headers_.end(),
                     [&](const std::string& known) { return iequals(known, name); });
}

bool looks_like_credential_header(std::string_view name) {
  const std::string lower = to_lower(name);
  static constexpr std::string_view kWords[] = {"auth",   "key",     "token",    "secret",    "signature",
                                                "cookie", "session", "password", "credential"};
  return std::any_of(std::begin(kWords), std::end(kWords),
                     [&](std::string_view word) { return lower.find(word) != std::string::npos; });
}

namespace {

// A text as the reader of its encoding sees it, with where each character came from: \uXXXX (below 0x80),
// \/ \\ \" and %XX undone, and line breaks (literal or escaped) dropped together with the indentation or
// SSE `data:` that follows them. A secret that was escaped or split across lines is then found whole.
struct Decoded {
  std::string text;
  std::vector<std::size_t> begin, end;  // the source range of text[i]
  void add(char c, std::size_t from, std::size_t to) {
    text += c;
    begin.push_back(from);
    end.push_back(to);
  }
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  const char lower = static_cast<char>(c | 0x20);
  return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
}

void skip_break(std::string_view s, std::size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
    ++i;
  if (s.substr(i).starts_with("data:")) i += s.substr(i + 5).starts_with(" ") ? 6 : 5;
}

// One escape at s[i] (i is moved past it): the character it stands for, or -1 for a line break, or -2 for
// none.
int unescape(std::string_view s, std::size_t& i) {
  if (s[i] == '\\' && i + 1 < s.size()) {
    const char e = s[i + 1];
    if (e == 'u' && i + 6 <= s.size()) {
      int code = 0;
      for (std::size_t k = 2; k < 6; ++k)
        code = hex_value(s[i + k]) < 0 || code < 0 ? -1 : code * 16 + hex_value(s[i + k]);
      if (code >= 0 && code < 0x80) {
        i += 6;
        return code;
      }
    } else if (e == '/' || e == '\\' || e == '"') {
      i += 2;
      return e;
    } else if (e == 'n' || e == 'r') {
      i += 2;
      return -1;
    }
  } else if (s[i] == '%' && i + 3 <= s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
    const int code = hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]);
    i += 3;
    return code;
  } else if (s[i] == '\r' || s[i] == '\n') {
    ++i;
    return -1;
  }
  return -2;
}

Decoded decode(std::string_view s, bool undo) {
  Decoded d;
  d.text.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t from = i;
    const int code = undo ? unescape(s, i) : -2;
    if (code == -1) {
      skip_break(s, i);
    } else if (code >= 0) {
      d.add(static_cast<char>(code), from, i);
    } else {
      d.add(s[i], from, i + 1);
      ++i;
    }
  }
  return d;
}

}  // namespace

std::string Redactor::mask_forms(std::string_view text, bool undo) const {
  const Decoded d = decode(text, undo);
  std::vector<bool> taken(d.text.size(), false);
  std::vector<std::tuple<std::size_t, std::size_t, std::size_t>> hits;  // source begin, end, secret
  for (const Form& form : forms_) {
    const bool whole_words = secrets_[form.secret].size() < kWordLength;
    for (auto at = d.text.find(form.text); at != std::string::npos; at = d.text.find(form.text, at + 1)) {
      const std::size_t last = at + form.text.size() - 1;
      // A short secret ("prod", "test") is masked as a word only, never inside "product" or "latest".
      if (whole_words && ((at > 0 && is_word_char(d.text[at - 1])) ||
                          (last + 1 < d.text.size() && is_word_char(d.text[last + 1]))))
        continue;
      if (std::any_of(taken.begin() + static_cast<std::ptrdiff_t>(at),
                      taken.begin() + static_cast<std::ptrdiff_t>(last + 1), [](bool t) { return t; }))
        continue;
      std::fill(taken.begin() + static_cast<std::ptrdiff_t>(at),
                taken.begin() + static_cast<std::ptrdiff_t>(last + 1), true);
      hits.emplace_back(d.begin[at], d.end[last], form.secret);
    }
  }
  std::sort(hits.begin(), hits.end(), std::greater<>());  // right to left: earlier offsets stay valid
  std::string out(text);
  for (const auto& [begin, end, secret] : hits)
    out.replace(begin, end - begin, mask(secrets_[secret]));
  return out;
}

// An excerpt cut inside a secret leaves its first characters before "..." or at the very end. A tail of at
// least six characters that starts a secret (or one of its forms) is masked too.
std::string Redactor::mask_cut_prefixes(std::string out) const {
  constexpr std::size_t kMinPrefix = 6;
  std::vector<std::size_t> cuts;
  for (auto at = out.find("..."); at != std::string::npos; at = out.find("...", at + 3))
    cuts.push_back(at);
  cuts.push_back(out.size());
  // Matches first, right to left, none overlapping the one after it; then the replacements, also right to
  // left, so every offset found stays valid.
  std::vector<std::tuple<std::size_t, std::size_t, std::size_t>> hits;  // begin, length, secret
  std::size_t boundary = out.size();
  for (auto it = cuts.rbegin(); it != cuts.rend(); ++it) {
    if (*it > boundary) continue;
    for (const Form& form : forms_) {
      if (secrets_[form.secret].size() < kWordLength) continue;  // a short secret's start is a common word
      std::size_t k = std::min(form.text.size() - 1, *it);
      while (k >= kMinPrefix && out.compare(*it - k, k, form.text, 0, k) != 0)
        --k;
      if (k >= kMinPrefix) {
        hits.emplace_back(*it - k, k, form.secret);
        boundary = *it - k;
        break;
      }
    }
  }
  for (const auto& [begin, length, secret] : hits)
    out.replace(begin, length, mask(secrets_[secret]));
  return out;
}

std::string Redactor::redact(std::string_view text, bool excerpt) const {
  std::string out(text);
  if (!forms_.empty()) {
    out = mask_forms(out, false);  // as is: also a secret that itself holds '%' or '\\'
    out = mask_forms(out, true);   // escaped, percent-encoded, split across lines
    if (excerpt) out = mask_cut_prefixes(std::move(out));
  }
  // Credential-shaped tokens that nobody registered.
  std::string result;
  result.reserve(out.size());
  std::size_t i = 0;
  while (i < out.size()) {
    const bool boundary = i == 0 || !is_token_char(out[i - 1]);
    std::size_t token_start = std::string::npos;
    if (boundary) {
      const std::string_view rest = std::string_view(out).substr(i);
      if (rest.size() > 7 && iequals(rest.substr(0, 7), "bearer ")) {
        result.append(rest.substr(0, 7));
        i += 7;
        token_start = i;
      } else {
        for (const auto prefix : kKeyPrefixes) {
          if (rest.starts_with(prefix)) token_start = i;
        }
      }
    }
    if (token_start == std::string::npos) {
      result += out[i++];
      continue;
    }
    std::size_t end = token_start;
    while (end < out.size() && is_token_char(out[end]))
      ++end;
    const std::string_view token = std::string_view(out).substr(token_start, end - token_start);
    if (token.size() >= kMinimumTokenLength && token.find(kMask) == std::string_view::npos) {
      result += mask(token);
    } else {
      result.append(token);
    }
    i = end;
  }
  return result;
}

std::string Redactor::redact_header(std::string_view name, std::string_view value) const {
  if (!is_sensitive_header(name)) return redact(value);
  const auto space = value.find(' ');
  if (space != std::string_view::npos && space > 0 &&
      value.substr(0, space).find('=') == std::string_view::npos) {
    return std::string(value.substr(0, space + 1)) + mask(value.substr(space + 1));
  }
  return mask(value);
}

std::string Redactor::mask(std::string_view secret) const {
  return keep_shape_ ? mask_secret_in_shape(secret) : mask_secret(secret);
}

}  // namespace gatecheck::core
