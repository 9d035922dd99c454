// Keeps credentials out of logs, reports and recorded fixtures.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gatecheck::core {

// "sk-simo-***wxyz": a recognisable prefix and, for long secrets, the last four characters.
std::string mask_secret(std::string_view secret);
// "sk-simo-xxxxxxxxxxxx0000wxyz": the same prefix and last four, every other letter an x and digit a 0, so
// the masked value keeps its length and shape (a recorded body still matches its schema's patterns).
std::string mask_secret_in_shape(std::string_view secret);
// The headers that carry credentials wherever they are seen (Authorization, X-API-Key, Cookie, ...): a
// Redactor masks them by default, and a stub's near-miss report never quotes them.
bool is_credential_header(std::string_view name);

class Redactor {
 public:
  Redactor();  // knows the usual credential headers (Authorization, X-API-Key, Cookie, ...)

  // Registers a value to mask wherever it appears: as is, base64-encoded (standard and URL-safe, at any
  // alignment inside a longer encoded text), JSON \u-escaped, percent-encoded, split across lines, or cut
  // short at the end of an excerpt. Values shorter than 4 characters are ignored.
  void add_secret(std::string_view secret);
  void add_sensitive_header(std::string_view name);
  // A header sent on the user's behalf: its name becomes sensitive and its value a secret, plus the token
  // after an auth scheme ("Bearer x") and, for Basic, the decoded user:password and the password.
  void add_credential_header(std::string_view name, std::string_view value);

  // Masks from now on keep the secret's shape (mask_secret_in_shape), for recordings that are read again.
  void keep_shape() { keep_shape_ = true; }

  bool is_sensitive_header(std::string_view name) const;
  // Masks registered secrets, `Bearer <token>` and key-shaped tokens (sk-..., sk_..., whsec_...). An excerpt
  // (`excerpt`: the text may be cut short, at its end or at "...") also has a secret's cut-off start masked;
  // a whole text (a recorded body) keeps a word that merely begins like a secret.
  std::string redact(std::string_view text, bool excerpt = true) const;
  // A sensitive header's value is masked whole (keeping an auth scheme such as "Bearer").
  std::string redact_header(std::string_view name, std::string_view value) const;

 private:
  struct Form {
    std::string text;    // a shape the secret may take in a text
    std::size_t secret;  // index into secrets_
  };
  std::string mask_forms(std::string_view text, bool decode) const;
  std::string mask_cut_prefixes(std::string text) const;
  std::string mask(std::string_view secret) const;

  std::vector<std::string> secrets_;
  std::vector<Form> forms_;  // longest first, so a secret containing another is masked whole
  std::vector<std::string> sensitive_headers_;
  bool keep_shape_ = false;
};

// True for header names that carry credentials by their look: auth, key, token, secret, signature, cookie,
// session, password, credential.
bool looks_like_credential_header(std::string_view name);

}  // namespace gatecheck::core
