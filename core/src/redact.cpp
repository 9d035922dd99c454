#include <algorithm>
#include <cctype>

#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/redact.hpp>

namespace gatecheck::core {
namespace {

constexpr std::string_view kMask = "***";
constexpr std::string_view kKeyPrefixes[] = {"sk-", "sk_", "whsec_", "rk-", "rk_"};
constexpr std::size_t kMinimumTokenLength = 12;

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
  return out;
}

Redactor::Redactor()
    : sensitive_headers_{"authorization", "proxy-authorization", "x-api-key",     "api-key",
                         "cookie",        "set-cookie",          "x-admin-token", "openai-api-key"} {}

void Redactor::add_secret(std::string_view secret) {
  if (secret.size() < 4) return;
  if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return;
  secrets_.emplace_back(secret);
  std::sort(secrets_.begin(), secrets_.end(),
            [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

void Redactor::add_sensitive_header(std::string_view name) {
  sensitive_headers_.push_back(to_lower(name));
}

bool Redactor::is_sensitive_header(std::string_view name) const {
  return std::any_of(sensitive_headers_.begin(), sensitive_headers_.end(),
                     [&](const std::string& known) { return iequals(known, name); });
}

std::string Redactor::redact(std::string_view text) const {
  std::string out(text);
  for (const auto& secret : secrets_) {
    const std::string masked = mask_secret(secret);
    for (std::size_t at = out.find(secret); at != std::string::npos;
         at = out.find(secret, at + masked.size())) {
      out.replace(at, secret.size(), masked);
    }
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
      result += mask_secret(token);
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
    return std::string(value.substr(0, space + 1)) + mask_secret(value.substr(space + 1));
  }
  return mask_secret(value);
}

}  // namespace gatecheck::core
