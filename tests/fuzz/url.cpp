// Property: Url::parse and Url::resolve accept or throw UrlError only; a parsed URL with an ordinary host
// prints (str()) to text that parses back to it, and its target is never empty; the URI helpers never throw,
// resolving against an absolute base stays absolute, and every encoder round-trips through percent_decode.
// Input: line 1 a URL or URI, line 2 a reference (Location, $ref) or path.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <gatecheck/core/uri.hpp>
#include <gatecheck/core/url.hpp>

#include "fuzz_common.hpp"

namespace {

using namespace gatecheck;
using fuzz::require;

bool same(const core::Url& a, const core::Url& b) {
  return a.scheme == b.scheme && a.host == b.host && a.port == b.port && a.target == b.target;
}

// Letters, digits, '.', '-' and ':' (IPv6): a host str() can print unambiguously.
bool ordinary_host(std::string_view host) {
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':';
  });
}

void check_url(std::string_view text, std::string_view reference) {
  core::Url url;
  try {
    url = core::Url::parse(text);
  } catch (const core::UrlError&) {
    return;
  }
  require(!url.target.empty() && url.port != 0, "a parsed URL has a target and a port");
  try {
    const core::Url again = core::Url::parse(url.str());
    require(same(url, again), "str() parses back to the same URL");
  } catch (const core::UrlError&) {
    require(!ordinary_host(url.host), "str() of a URL with an ordinary host parses");
  }
  (void)url.authority();
  (void)url.path();
  try {
    const core::Url resolved = url.resolve(reference);
    require(!resolved.target.empty(), "a resolved URL has a target");
  } catch (const core::UrlError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = fuzz::as_text(data, size);
  std::string_view rest = input;
  const std::string_view first = fuzz::take_line(rest);
  const std::string_view second = fuzz::take_line(rest);
  check_url(first, second);

  const std::string resolved = core::resolve_uri(first, second);
  if (core::is_absolute_uri(first))
    require(core::is_absolute_uri(resolved), "resolving against an absolute base gives an absolute URI");
  const auto [base, fragment] = core::split_fragment(input);
  require((input.find('#') == std::string_view::npos ? base : base + "#" + fragment) == input,
          "split_fragment loses nothing");
  require(core::percent_decode(core::percent_encode_fragment(input)) == input,
          "fragment encoding round-trips");
  require(core::percent_decode(core::url_encode(input)) == input, "url_encode round-trips");
  require(!core::join_url_path(first, second).empty(), "a joined path is never empty");
  (void)core::percent_decode(input);
  if (!second.empty() && second.find('\0') == std::string_view::npos) {
    const std::filesystem::path path{std::string(second)};
    require(core::file_path(core::file_uri(path)) == std::filesystem::absolute(path).lexically_normal(),
            "file_uri and file_path round-trip");
  }
  return 0;
}
