#include <algorithm>

#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/uri.hpp>

namespace gatecheck::core {
namespace {

struct UriParts {
  std::string scheme;
  bool has_authority = false;
  std::string authority;
  std::string path;
  bool has_query = false;
  std::string query;
  bool has_fragment = false;
  std::string fragment;
};

bool is_scheme_char(char c, bool first) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (first) return alpha;
  return alpha || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

std::size_t scheme_length(std::string_view uri) {
  for (std::size_t i = 0; i < uri.size(); ++i) {
    const char c = uri[i];
    if (c == ':') return i;
    if (!is_scheme_char(c, i == 0)) return 0;
  }
  return 0;
}

// RFC 3986 appendix B, by hand.
UriParts parse(std::string_view uri) {
  UriParts parts;
  if (const auto hash = uri.find('#'); hash != std::string_view::npos) {
    parts.has_fragment = true;
    parts.fragment = std::string(uri.substr(hash + 1));
    uri = uri.substr(0, hash);
  }
  if (const auto question = uri.find('?'); question != std::string_view::npos) {
    parts.has_query = true;
    parts.query = std::string(uri.substr(question + 1));
    uri = uri.substr(0, question);
  }
  if (const auto length = scheme_length(uri); length > 0) {
    parts.scheme = to_lower(uri.substr(0, length));
    uri = uri.substr(length + 1);
  }
  if (uri.starts_with("//")) {
    uri.remove_prefix(2);
    const auto slash = uri.find('/');
    parts.has_authority = true;
    parts.authority = to_lower(uri.substr(0, slash));
    uri = slash == std::string_view::npos ? std::string_view{} : uri.substr(slash);
  }
  parts.path = std::string(uri);
  return parts;
}

// RFC 3986 section 5.2.4.
std::string remove_dot_segments(std::string_view input) {
  std::string output;
  while (!input.empty()) {
    if (input.starts_with("../")) {
      input.remove_prefix(3);
    } else if (input.starts_with("./")) {
      input.remove_prefix(2);
    } else if (input.starts_with("/./")) {
      input.remove_prefix(2);
    } else if (input == "/.") {
      input = "/";
    } else if (input.starts_with("/../") || input == "/..") {
      input = input.size() == 3 ? std::string_view("/") : input.substr(3);
      const auto slash = output.rfind('/');
      output.resize(slash == std::string::npos ? 0 : slash);
    } else if (input == "." || input == "..") {
      input = {};
    } else {
      const std::size_t start = input.front() == '/' ? 1 : 0;
      const auto next = input.find('/', start);
      output.append(input.substr(0, next));
      input = next == std::string_view::npos ? std::string_view{} : input.substr(next);
    }
  }
  return output;
}

std::string compose(const UriParts& parts) {
  std::string out;
  if (!parts.scheme.empty()) out += parts.scheme + ":";
  if (parts.has_authority) out += "//" + parts.authority;
  out += parts.path;
  if (parts.has_query) out += "?" + parts.query;
  if (parts.has_fragment) out += "#" + parts.fragment;
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool is_absolute_uri(std::string_view uri) {
  return scheme_length(uri) > 0;
}

std::string resolve_uri(std::string_view base_text, std::string_view reference_text) {
  const UriParts reference = parse(reference_text);
  const UriParts base = parse(base_text);
  UriParts target;
  if (!reference.scheme.empty()) {
    target = reference;
    target.path = remove_dot_segments(reference.path);
  } else {
    if (reference.has_authority) {
      target.has_authority = true;
      target.authority = reference.authority;
      target.path = remove_dot_segments(reference.path);
      target.has_query = reference.has_query;
      target.query = reference.query;
    } else {
      if (reference.path.empty()) {
        target.path = base.path;
        target.has_query = reference.has_query || base.has_query;
        target.query = reference.has_query ? reference.query : base.query;
      } else {
        if (reference.path.front() == '/') {
          target.path = remove_dot_segments(reference.path);
        } else {
          // Merge (5.2.3): the reference replaces the base's last segment.
          std::string merged;
          if (base.has_authority && base.path.empty()) {
            merged = "/" + reference.path;
          } else {
            const auto slash = base.path.rfind('/');
            merged = (slash == std::string::npos ? "" : base.path.substr(0, slash + 1)) + reference.path;
          }
          target.path = remove_dot_segments(merged);
        }
        target.has_query = reference.has_query;
        target.query = reference.query;
      }
      target.has_authority = base.has_authority;
      target.authority = base.authority;
    }
    target.scheme = base.scheme;
    target.has_fragment = reference.has_fragment;
    target.fragment = reference.fragment;
  }
  return compose(target);
}

std::pair<std::string, std::string> split_fragment(std::string_view uri) {
  const auto hash = uri.find('#');
  if (hash == std::string_view::npos) return {std::string(uri), {}};
  return {std::string(uri.substr(0, hash)), std::string(uri.substr(hash + 1))};
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  const auto decode = [](std::string_view text) {
    std::string spaced(text);
    std::replace(spaced.begin(), spaced.end(), '+', ' ');
    return percent_decode(spaced);
  };
  while (!query.empty()) {
    const std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    pairs.emplace_back(decode(pair.substr(0, equals)),
                       equals == std::string_view::npos ? std::string() : decode(pair.substr(equals + 1)));
  }
  return pairs;
}

std::string percent_encode(std::string_view text, bool (*keep)(unsigned char)) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (keep(b)) {
      out += c;
    } else {
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0x0F];
    }
  }
  return out;
}

bool is_unreserved(unsigned char b) {
  return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '-' || b == '.' ||
         b == '_' || b == '~';
}

std::string percent_encode_fragment(std::string_view text) {
  return percent_encode(text, [](unsigned char b) {
    return is_unreserved(b) ||
           std::string_view("!$&'()*+,;=:@/?").find(static_cast<char>(b)) != std::string_view::npos;
  });
}

std::string file_uri(const std::filesystem::path& path) {
  return "file://" +
         percent_encode(std::filesystem::absolute(path).lexically_normal().generic_string(),
                        [](unsigned char b) { return b != ' ' && b != '#' && b != '%' && b != '?'; });
}

std::filesystem::path file_path(std::string_view uri) {
  constexpr std::string_view kScheme = "file://";
  if (uri.starts_with(kScheme)) uri.remove_prefix(kScheme.size());
  return std::filesystem::path(percent_decode(uri));
}

}  // namespace gatecheck::core
