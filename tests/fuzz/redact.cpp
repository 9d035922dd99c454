// Property: the redactor reads any text (a target's echo: escapes, percent signs, line breaks, cut excerpts)
// without throwing, and a registered secret that appears in the text does not appear in what it returns, nor
// does its base64 core; header redaction never throws either.
// Input: line 1 the secret, line 2 a header name, the rest the text to mask.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/redact.hpp>

#include "fuzz_common.hpp"

namespace {

using namespace gatecheck;
using fuzz::require;

// A secret the property can speak about: long enough to be masked anywhere, and of key-like characters (the
// mask itself is '*' and a key's own prefix and last four).
bool key_like(std::string_view secret) {
  return secret.size() >= 8 && secret.size() <= 128 && std::all_of(secret.begin(), secret.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
         });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest = fuzz::as_text(data, size);
  const std::string secret(fuzz::take_line(rest));
  const std::string header(fuzz::take_line(rest));
  const std::string text(rest);

  core::Redactor redactor;
  redactor.add_secret(secret);
  redactor.add_credential_header(header.empty() ? "x-key" : header, secret);
  const std::string masked = redactor.redact(text);
  (void)redactor.redact_header(header, text);
  (void)core::mask_secret(text);
  if (key_like(secret) && text.find(secret) != std::string::npos) {
    require(masked.find(secret) == std::string::npos, "a registered secret in the text is masked");
  }
  if (key_like(secret) && secret.size() >= 12) {
    const std::string encoded = core::base64_encode(secret.substr(0, secret.size() / 3 * 3));
    if (text.find(encoded) != std::string::npos)
      require(masked.find(encoded) == std::string::npos, "its base64 form is masked too");
  }
  return 0;
}
