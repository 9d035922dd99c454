// `format` values (JSON Schema Validation 2020-12, section 7.3), checked only when format assertion is on.
// Each check follows the RFC the specification names: RFC 3339 (date-time, date, time, duration), RFC 5321
// (email), RFC 1123 (hostname), RFC 2673/4291 (ipv4/ipv6), RFC 3986/3987 (uri, iri), RFC 6570 (uri-template),
// RFC 4122 (uuid), RFC 6901 (json-pointer), ECMA-262 (regex).
#include <array>
#include <string>

#include <gatecheck/schema/regex.hpp>

#include "builder.hpp"

namespace gatecheck::schema::detail {
namespace {

using std::string_view;

bool digit(char c) {
  return c >= '0' && c <= '9';
}
bool alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool hexdig(char c) {
  return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool digits(string_view s, std::size_t at, std::size_t count, int& value) {
  if (at + count > s.size()) return false;
  value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (!digit(s[i])) return false;
    value = value * 10 + (s[i] - '0');
  }
  return true;
}

bool leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

bool valid_date(string_view s) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!digits(s, 0, 4, year) || !digits(s, 5, 2, month) || !digits(s, 8, 2, day)) return false;
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  const int limit = month == 2 && leap_year(year) ? 29 : kDays[static_cast<std::size_t>(month - 1)];
  return day <= limit;
}

bool valid_time(string_view s) {
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (s.size() < 9 || s[2] != ':' || s[5] != ':') return false;
  if (!digits(s, 0, 2, hour) || !digits(s, 3, 2, minute) || !digits(s, 6, 2, second)) return false;
  if (hour > 23 || minute > 59 || second > 60) return false;
  std::size_t i = 8;
  if (i < s.size() && s[i] == '.') {
    const std::size_t start = ++i;
    while (i < s.size() && digit(s[i]))
      ++i;
    if (i == start) return false;
  }
  if (i >= s.size()) return false;
  int offset_minutes = 0;
  if (s[i] == 'Z' || s[i] == 'z') {
    if (i + 1 != s.size()) return false;
  } else if (s[i] == '+' || s[i] == '-') {
    int offset_hour = 0;
    int offset_minute = 0;
    if (s.size() != i + 6 || s[i + 3] != ':') return false;
    if (!digits(s, i + 1, 2, offset_hour) || !digits(s, i + 4, 2, offset_minute)) return false;
    if (offset_hour > 23 || offset_minute > 59) return false;
    offset_minutes = (offset_hour * 60 + offset_minute) * (s[i] == '+' ? 1 : -1);
  } else {
    return false;
  }
  if (second == 60) {
    // A leap second exists only at 23:59:60 UTC.
    const int utc = ((hour * 60 + minute - offset_minutes) % 1440 + 1440) % 1440;
    if (utc != 23 * 60 + 59) return false;
  }
  return true;
}

bool valid_date_time(string_view s) {
  const auto t = s.find_first_of("Tt");
  return t == 10 && valid_date(s.substr(0, 10)) && valid_time(s.substr(11));
}

bool valid_duration(string_view s) {
  if (s.size() < 2 || s[0] != 'P') return false;
  std::size_t i = 1;
  const auto component = [&](char& unit) -> bool {
    const std::size_t start = i;
    while (i < s.size() && digit(s[i]))
      ++i;
    if (i == start || i >= s.size()) return false;
    unit = s[i++];
    return true;
  };
  // Date part: Y? M? D? contiguous, or a lone W.
  static constexpr string_view kDateOrder = "YMD";
  static constexpr string_view kTimeOrder = "HMS";
  bool any = false;
  int last = -1;
  while (i < s.size() && s[i] != 'T') {
    char unit = 0;
    if (!component(unit)) return false;
    if (unit == 'W') return !any && i == s.size();
    const auto position = kDateOrder.find(unit);
    if (position == string_view::npos) return false;
    if (last >= 0 && static_cast<int>(position) != last + 1) return false;
    last = static_cast<int>(position);
    any = true;
  }
  if (i < s.size()) {
    ++i;  // 'T'
    last = -1;
    bool any_time = false;
    while (i < s.size()) {
      char unit = 0;
      if (!component(unit)) return false;
      const auto position = kTimeOrder.find(unit);
      if (position == string_view::npos) return false;
      if (last >= 0 && static_cast<int>(position) != last + 1) return false;
      last = static_cast<int>(position);
      any_time = true;
    }
    return any_time;
  }
  return any;
}

bool valid_ipv4(string_view s) {
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    const std::size_t start = i;
    int value = 0;
    while (i < s.size() && digit(s[i]) && i - start < 3)
      value = value * 10 + (s[i++] - '0');
    const std::size_t length = i - start;
    if (length == 0 || value > 255 || (length > 1 && s[start] == '0')) return false;
    ++parts;
    if (i == s.size()) return parts == 4;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
}

bool valid_ipv6(string_view s) {
  if (s.empty() || s.find_first_not_of("0123456789abcdefABCDEF:.") != string_view::npos) return false;
  int groups = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (s.starts_with("::")) {
    compressed = true;
    i = 2;
    if (i == s.size()) return true;
  } else if (s.front() == ':') {
    return false;
  }
  while (i < s.size()) {
    const std::size_t start = i;
    while (i < s.size() && hexdig(s[i]))
      ++i;
    if (i < s.size() && s[i] == '.') {
      // An embedded IPv4 address takes the last 32 bits.
      if (!valid_ipv4(s.substr(start))) return false;
      groups += 2;
      i = s.size();
      break;
    }
    const std::size_t length = i - start;
    if (length == 0 || length > 4) return false;
    ++groups;
    if (i == s.size()) break;
    ++i;  // ':'
    if (i < s.size() && s[i] == ':') {
      if (compressed) return false;
      compressed = true;
      ++i;
      if (i == s.size()) break;
    } else if (i == s.size()) {
      return false;  // trailing single ':'
    }
  }
  return compressed ? groups < 8 : groups == 8;
}

bool valid_hostname(string_view s, bool international) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t end = std::min(s.find('.', start), s.size());
    const string_view label = s.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    if (label.size() >= 4 && label[2] == '-' && label[3] == '-' &&
        !(label.starts_with("xn") || label.starts_with("XN"))) {
      return false;  // "--" in positions 3-4 is reserved for A-labels (RFC 5891 4.2.3.1)
    }
    for (const char c : label) {
      const auto b = static_cast<unsigned char>(c);
      if (alpha(c) || digit(c) || c == '-') continue;
      if (international && b >= 0x80) continue;
      return false;
    }
    if (end == s.size()) break;
    start = end + 1;
  }
  return true;
}

bool valid_email(string_view s, bool international) {
  const auto at = s.rfind('@');
  if (at == string_view::npos || at == 0 || at + 1 == s.size()) return false;
  const string_view local = s.substr(0, at);
  const string_view domain = s.substr(at + 1);
  if (local.size() >= 2 && local.front() == '"' && local.back() == '"') {
    for (std::size_t i = 1; i + 1 < local.size(); ++i) {
      if (local[i] == '\\') {
        ++i;
      } else if (local[i] == '"' || static_cast<unsigned char>(local[i]) < 0x20) {
        return false;
      }
    }
  } else {
    if (local.front() == '.' || local.back() == '.' || local.find("..") != string_view::npos) return false;
    for (const char c : local) {
      const auto b = static_cast<unsigned char>(c);
      if (alpha(c) || digit(c) || string_view("!#$%&'*+/=?^_`{|}~-.").find(c) != string_view::npos) continue;
      if (international && b >= 0x80) continue;
      return false;
    }
  }
  if (domain.front() == '[' && domain.back() == ']') {
    const string_view literal = domain.substr(1, domain.size() - 2);
    if (literal.starts_with("IPv6:")) return valid_ipv6(literal.substr(5));
    return valid_ipv4(literal);
  }
  return valid_hostname(domain, international);
}

bool valid_uuid(string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !hexdig(s[i])) return false;
  }
  return true;
}

bool valid_json_pointer(string_view s) {
  if (s.empty()) return true;
  if (s.front() != '/') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '~' && (i + 1 >= s.size() || (s[i + 1] != '0' && s[i + 1] != '1'))) return false;
  }
  return true;
}

bool valid_relative_json_pointer(string_view s) {
  std::size_t i = 0;
  while (i < s.size() && digit(s[i]))
    ++i;
  if (i == 0 || (i > 1 && s[0] == '0')) return false;
  // Index manipulation (+N / -N) from draft-bhutton-relative-json-pointer-00.
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    const std::size_t start = ++i;
    while (i < s.size() && digit(s[i]))
      ++i;
    if (i == start || (i - start > 1 && s[start] == '0')) return false;
  }
  const string_view rest = s.substr(i);
  return rest == "#" || valid_json_pointer(rest);
}

// RFC 3986 characters; `iri` widens the unreserved set to every non-ASCII code point (RFC 3987 ucschar).
bool uri_chars(string_view s, string_view extra_allowed, bool iri) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const auto b = static_cast<unsigned char>(c);
    if (c == '%') {
      if (i + 2 >= s.size() || !hexdig(s[i + 1]) || !hexdig(s[i + 2])) return false;
      i += 2;
      continue;
    }
    if (alpha(c) || digit(c) || string_view("-._~!$&'()*+,;=").find(c) != string_view::npos) continue;
    if (extra_allowed.find(c) != string_view::npos) continue;
    if (iri && b >= 0x80) continue;
    return false;
  }
  return true;
}

bool valid_authority(string_view authority, bool iri) {
  if (const auto at = authority.rfind('@'); at != string_view::npos) {
    if (!uri_chars(authority.substr(0, at), ":", iri)) return false;
    authority = authority.substr(at + 1);
  }
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == string_view::npos) return false;
    const string_view literal = authority.substr(1, close - 1);
    if (!literal.starts_with("v") && !literal.starts_with("V") && !valid_ipv6(literal)) return false;
    authority = authority.substr(close + 1);
    if (authority.empty()) return true;
    if (authority.front() != ':') return false;
    return authority.substr(1).find_first_not_of("0123456789") == string_view::npos;
  }
  const auto colon = authority.rfind(':');
  if (colon != string_view::npos) {
    if (authority.substr(colon + 1).find_first_not_of("0123456789") != string_view::npos) return false;
    authority = authority.substr(0, colon);
  }
  return uri_chars(authority, "", iri);
}

bool valid_uri_reference(string_view s, bool require_scheme, bool iri) {
  std::size_t colon = s.find(':');
  const std::size_t first_delimiter = s.find_first_of("/?#");
  bool has_scheme = colon != string_view::npos && colon > 0 &&
                    (first_delimiter == string_view::npos || colon < first_delimiter);
  if (has_scheme) {
    if (!alpha(s[0])) return false;
    for (std::size_t i = 1; i < colon; ++i) {
      if (!alpha(s[i]) && !digit(s[i]) && s[i] != '+' && s[i] != '-' && s[i] != '.') return false;
    }
  }
  if (require_scheme && !has_scheme) return false;
  string_view rest = has_scheme ? s.substr(colon + 1) : s;
  string_view fragment;
  if (const auto hash = rest.find('#'); hash != string_view::npos) {
    fragment = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
  }
  string_view query;
  if (const auto question = rest.find('?'); question != string_view::npos) {
    query = rest.substr(question + 1);
    rest = rest.substr(0, question);
  }
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
    const auto slash = rest.find('/');
    if (!valid_authority(rest.substr(0, slash), iri)) return false;
    rest = slash == string_view::npos ? string_view{} : rest.substr(slash);
  } else if (!has_scheme) {
    // A relative path's first segment cannot contain ':' (it would read as a scheme).
    const auto first_segment = rest.substr(0, rest.find('/'));
    if (first_segment.find(':') != string_view::npos) return false;
  }
  return uri_chars(rest, ":@/", iri) && uri_chars(query, ":@/?", iri) && uri_chars(fragment, ":@/?", iri);
}

bool valid_uri_template(string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '}') return false;
    if (c != '{') {
      // RFC 6570 literals, with erratum 6937 allowing the apostrophe.
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F ||
          string_view(" \"<>\\^`|").find(c) != string_view::npos) {
        return false;
      }
      if (c == '%' && (i + 2 >= s.size() || !hexdig(s[i + 1]) || !hexdig(s[i + 2]))) return false;
      continue;
    }
    const auto close = s.find('}', i);
    if (close == string_view::npos) return false;
    string_view expression = s.substr(i + 1, close - i - 1);
    if (!expression.empty() && string_view("+#./;?&=,!@|").find(expression.front()) != string_view::npos) {
      expression.remove_prefix(1);
    }
    if (expression.empty()) return false;
    std::size_t start = 0;
    while (start <= expression.size()) {
      const std::size_t end = std::min(expression.find(',', start), expression.size());
      string_view spec = expression.substr(start, end - start);
      if (spec.ends_with("*")) {
        spec.remove_suffix(1);
      } else if (const auto prefix = spec.find(':'); prefix != string_view::npos) {
        const string_view length = spec.substr(prefix + 1);
        if (length.empty() || length.size() > 4 || length.front() == '0' ||
            length.find_first_not_of("0123456789") != string_view::npos) {
          return false;
        }
        spec = spec.substr(0, prefix);
      }
      if (spec.empty() || spec.front() == '.' || spec.back() == '.' || spec.find("..") != string_view::npos)
        return false;
      for (std::size_t k = 0; k < spec.size(); ++k) {
        const char v = spec[k];
        if (v == '%') {
          if (k + 2 >= spec.size() || !hexdig(spec[k + 1]) || !hexdig(spec[k + 2])) return false;
          k += 2;
        } else if (!alpha(v) && !digit(v) && v != '_' && v != '.') {
          return false;
        }
      }
      if (end == expression.size()) break;
      start = end + 1;
    }
    i = close;
  }
  return true;
}

}  // namespace

bool check_format(std::string_view format, const std::string& value, bool& known) {
  known = true;
  if (format == "date-time") return valid_date_time(value);
  if (format == "date") return valid_date(value);
  if (format == "time") return valid_time(value);
  if (format == "duration") return valid_duration(value);
  if (format == "email") return valid_email(value, false);
  if (format == "idn-email") return valid_email(value, true);
  if (format == "hostname") return valid_hostname(value, false);
  if (format == "idn-hostname") return valid_hostname(value, true);
  if (format == "ipv4") return valid_ipv4(value);
  if (format == "ipv6") return valid_ipv6(value);
  if (format == "uri") return valid_uri_reference(value, true, false);
  if (format == "uri-reference") return valid_uri_reference(value, false, false);
  if (format == "iri") return valid_uri_reference(value, true, true);
  if (format == "iri-reference") return valid_uri_reference(value, false, true);
  if (format == "uri-template") return valid_uri_template(value);
  if (format == "uuid") return valid_uuid(value);
  if (format == "json-pointer") return valid_json_pointer(value);
  if (format == "relative-json-pointer") return valid_relative_json_pointer(value);
  if (format == "regex") return Regex::check(value).empty();
  known = false;
  return true;
}

namespace {

class FormatKeyword final : public Keyword {
 public:
  FormatKeyword(std::string location, std::string format)
      : Keyword("format", std::move(location)), format_(std::move(format)) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated*) const override {
    if (!instance.is_string()) return true;
    bool known = false;
    if (check_format(format_, instance.get_ref<const std::string&>(), known)) return true;
    report(ctx, excerpt(instance) + " is not a valid " + format_);
    return false;
  }

 private:
  std::string format_;
};

}  // namespace

void add_format_keyword(Builder& builder, Keywords& out) {
  const auto it = builder.schema().find("format");
  if (it == builder.schema().end() || !it->is_string()) return;
  const bool assert = builder.options().format_assertion || builder.has_vocabulary(kFormatAssertion);
  if (!assert) return;  // an annotation: nothing to check
  bool known = false;
  check_format(it->get<std::string>(), "", known);
  if (!known) return;  // unknown formats are not errors
  out.push_back(std::make_unique<FormatKeyword>(builder.absolute("format"), it->get<std::string>()));
}

}  // namespace gatecheck::schema::detail
