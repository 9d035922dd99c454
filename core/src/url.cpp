#include <charconv>
#include <optional>
#include <utility>

#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/uri.hpp>
#include <gatecheck/core/url.hpp>

namespace gatecheck::core {

namespace {
// Where "user[:password]@" sits: from after "://" to the last '@' of the text. Wider than RFC 3986's
// authority on purpose: a password typed with '/', '?' or '#' in it must be masked too, and an '@' in a path
// only costs a message some masked characters.
std::optional<std::pair<std::size_t, std::size_t>> userinfo_span(std::string_view text) {
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  const std::size_t begin = scheme_end + 3;
  const auto at = text.rfind('@');
  if (at == std::string_view::npos || at < begin) return std::nullopt;
  return std::make_pair(begin, at);
}
}  // namespace

std::string redact_userinfo(std::string_view text) {
  const auto span = userinfo_span(text);
  if (!span) return std::string(text);
  const std::string_view info = text.substr(span->first, span->second - span->first);
  const auto colon = info.find(':');
  const std::string kept =
      colon == std::string_view::npos ? "***" : std::string(info.substr(0, colon)) + ":***";
  return std::string(text.substr(0, span->first)) + kept + std::string(text.substr(span->second));
}

std::optional<std::string> url_userinfo_secret(std::string_view text) {
  const auto span = userinfo_span(text);
  if (!span) return std::nullopt;
  const std::string_view info = text.substr(span->first, span->second - span->first);
  const auto colon = info.find(':');
  return std::string(colon == std::string_view::npos ? info : info.substr(colon + 1));
}

Url Url::parse(std::string_view text) {
  Url url;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    throw UrlError("'" + redact_userinfo(text) +
                   "' is not an absolute URL (expected http://host[:port]/path)");
  }
  url.scheme = to_lower(text.substr(0, scheme_end));
  if (url.scheme != "http" && url.scheme != "https") {
    throw UrlError("'" + redact_userinfo(text) + "': unsupported scheme '" + url.scheme +
                   "' (use http or https)");
  }
  std::string_view rest = text.substr(scheme_end + 3);
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  const auto target_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, target_start);
  if (target_start != std::string_view::npos) {
    url.target = std::string(rest.substr(target_start));
    if (url.target.front() == '?') url.target.insert(0, "/");
  }
  if (authority.find('@') != std::string_view::npos) {
    throw UrlError("'" + redact_userinfo(text) +
                   "': credentials in URLs are not supported; use --api-key or --header");
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos)
      throw UrlError("'" + redact_userinfo(text) + "': unterminated IPv6 literal");
    url.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        throw UrlError("'" + redact_userinfo(text) + "': unexpected text after IPv6 literal");
      port_text = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) throw UrlError("'" + redact_userinfo(text) + "': missing host");
  url.host = to_lower(url.host);
  url.port = url.tls() ? 443 : 80;
  if (!port_text.empty()) {
    unsigned value = 0;
    const auto result = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (result.ec != std::errc{} || result.ptr != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      throw UrlError("'" + redact_userinfo(text) + "': port '" + std::string(port_text) +
                     "' is not in 1..65535");
    }
    url.port = static_cast<std::uint16_t>(value);
  }
  return url;
}

std::string Url::authority() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (!default_port()) out += ":" + std::to_string(port);
  return out;
}

std::string Url::origin() const {
  return scheme + "://" + authority();
}

std::string Url::path() const {
  return target.substr(0, target.find('?'));
}

Url Url::resolve(std::string_view reference) const {
  if (reference.find("://") != std::string_view::npos) return parse(reference);
  Url out = *this;
  if (reference.starts_with("//")) return parse(scheme + ":" + std::string(reference));
  if (reference.starts_with("/")) {
    out.target = std::string(reference);
  } else if (reference.starts_with("?")) {
    out.target = path() + std::string(reference);
  } else {
    const std::string base = path();
    out.target = base.substr(0, base.rfind('/') + 1) + std::string(reference);
  }
  return out;
}

std::string join_url_path(std::string_view base, std::string_view path) {
  std::string out(base);
  while (!out.empty() && out.back() == '/')
    out.pop_back();
  if (path.empty()) return out.empty() ? "/" : out;
  if (path.front() != '/' && path.front() != '?') out += '/';
  out += path;
  return out;
}

std::string url_encode(std::string_view text) {
  return percent_encode(text, &is_unreserved);
}

}  // namespace gatecheck::core
