// Absolute http(s) URLs as the HTTP client and the target configuration need them.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gatecheck::core {

class UrlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6 literals
  std::uint16_t port = 0;
  std::string target = "/";  // path and query, never empty

  // Throws UrlError explaining what is wrong ("missing scheme", "port out of range", ...).
  static Url parse(std::string_view text);

  bool tls() const { return scheme == "https"; }
  bool default_port() const { return port == (tls() ? 443 : 80); }
  std::string authority() const;  // host[:port] as a Host header wants it
  std::string origin() const;     // scheme://authority
  std::string str() const { return origin() + target; }
  std::string path() const;  // target without the query
  // A reference (absolute URL, absolute path or relative path) resolved against this URL, as for Location.
  Url resolve(std::string_view reference) const;
};

// "/v1" + "/chat/completions" -> "/v1/chat/completions", with exactly one slash at the join.
std::string join_url_path(std::string_view base, std::string_view path);
// "http://user:***@host/path": the password of a URL's userinfo masked (a lone user part too), for messages.
std::string redact_userinfo(std::string_view text);
// The password (or lone user part) of "scheme://user:pass@host/...", if any: a secret to register for
// masking.
std::optional<std::string> url_userinfo_secret(std::string_view text);
// Percent-encodes a query component (RFC 3986 unreserved characters stay as they are).
std::string url_encode(std::string_view text);

}  // namespace gatecheck::core
