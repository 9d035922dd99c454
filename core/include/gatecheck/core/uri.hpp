// RFC 3986 URI references, as `$id` and `$ref` need them: any scheme (https:, urn:, file:, ...), resolution
// against a base (section 5.2) with dot-segment removal, fragments split off and percent-decoded.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatecheck::core {

// Resolves `reference` against the absolute URI `base`; scheme and host come out lower-cased.
std::string resolve_uri(std::string_view base, std::string_view reference);
// ("https://x/a.json", "/defs/b") for "https://x/a.json#/defs/b"; the fragment excludes '#'.
std::pair<std::string, std::string> split_fragment(std::string_view uri);
bool is_absolute_uri(std::string_view uri);  // has a scheme
std::string percent_decode(std::string_view text);
// A URL query ("a=1&b=x%20y") as its name/value pairs in order, percent-decoded, '+' read as a space; a
// name without '=' has an empty value.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);
// Percent-encodes (upper-case hex) every byte `keep` rejects: the one encoder behind the ones below.
std::string percent_encode(std::string_view text, bool (*keep)(unsigned char));
// RFC 3986 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~".
bool is_unreserved(unsigned char byte);
// Percent-encodes what may not appear in a URI fragment (for absoluteKeywordLocation).
std::string percent_encode_fragment(std::string_view text);
// file:///absolute/path for a local file, and back.
std::string file_uri(const std::filesystem::path& path);
std::filesystem::path file_path(std::string_view uri);

}  // namespace gatecheck::core
