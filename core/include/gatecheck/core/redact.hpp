// Keeps credentials out of logs, reports and recorded fixtures.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gatecheck::core {

// "sk-simo-***wxyz": a recognisable prefix and, for long secrets, the last four characters.
std::string mask_secret(std::string_view secret);

class Redactor {
 public:
  Redactor();  // knows the usual credential headers (Authorization, X-API-Key, Cookie, ...)

  // Registers a value to mask wherever it appears. Values shorter than 4 characters are ignored.
  void add_secret(std::string_view secret);
  void add_sensitive_header(std::string_view name);

  bool is_sensitive_header(std::string_view name) const;
  // Masks registered secrets, `Bearer <token>` and key-shaped tokens (sk-..., sk_..., whsec_...).
  std::string redact(std::string_view text) const;
  // A sensitive header's value is masked whole (keeping an auth scheme such as "Bearer").
  std::string redact_header(std::string_view name, std::string_view value) const;

 private:
  std::vector<std::string> secrets_;  // longest first, so a secret containing another is masked whole
  std::vector<std::string> sensitive_headers_;
};

}  // namespace gatecheck::core
