#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>

#include <gatecheck/core/duration.hpp>

namespace gatecheck::core {
namespace {

bool is_number_char(char c) {
  return (c >= '0' && c <= '9') || c == '.';
}

// Seconds per unit of a Go duration; 0 for an unknown unit.
double unit_scale(std::string_view unit) {
  if (unit == "h") return 3600;
  if (unit == "m") return 60;
  if (unit == "s") return 1;
  if (unit == "ms") return 1e-3;
  if (unit == "us" || unit == "\xC2\xB5s") return 1e-6;
  if (unit == "ns") return 1e-9;
  return 0;
}

}  // namespace

std::optional<double> parse_decimal(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<double> parse_go_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text == "0") return 0.0;
  double total = 0;
  while (!text.empty()) {
    std::size_t digits = 0;
    while (digits < text.size() && is_number_char(text[digits]))
      ++digits;
    const auto value = digits == 0 ? std::nullopt : parse_decimal(text.substr(0, digits));
    if (!value) return std::nullopt;
    text.remove_prefix(digits);
    std::size_t unit = 0;
    while (unit < text.size() && !is_number_char(text[unit]))
      ++unit;
    const double scale = unit_scale(text.substr(0, unit));
    if (scale == 0) return std::nullopt;
    text.remove_prefix(unit);
    total += *value * scale;
  }
  return total;
}

std::string format_go_duration(double seconds) {
  if (!(seconds > 0)) return "0s";
  const auto total_ms = std::max<long long>(1, static_cast<long long>(std::ceil(seconds * 1000)));
  if (total_ms < 1000) return std::to_string(total_ms) + "ms";
  const long long hours = total_ms / 3'600'000;
  const long long minutes = (total_ms / 60'000) % 60;
  const long long rest_ms = total_ms % 60'000;
  std::string out;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  out += std::to_string(rest_ms / 1000);
  if (const long long fraction = rest_ms % 1000; fraction != 0) {  // "9.816s", "26.4s": no trailing zeros
    std::string digits = std::to_string(fraction + 1000).substr(1);
    while (digits.back() == '0')
      digits.pop_back();
    out += "." + digits;
  }
  return out + "s";
}

std::optional<std::time_t> parse_http_date(std::string_view text) {
  const std::string copy(text);
  for (const char* format :
       {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"}) {
    std::tm tm{};
    const char* end = strptime(copy.c_str(), format, &tm);
    if (end != nullptr && *end == '\0') return timegm(&tm);
  }
  return std::nullopt;
}

std::string format_http_date(std::time_t at) {
  std::tm tm{};
  gmtime_r(&at, &tm);
  char buffer[64];
  const std::size_t size = std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buffer, size);
}

std::optional<double> retry_after_ms(const Headers& headers) {
  if (const auto ms = headers.get("retry-after-ms"))
    if (const auto value = parse_decimal(*ms); value && *value >= 0) return *value;
  const auto given = headers.get("retry-after");
  if (!given) return std::nullopt;
  const std::string_view text = *given;
  if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    // Any 1*DIGIT is valid; one too long for a double means "a very long time".
    return parse_decimal(text).value_or(std::numeric_limits<double>::infinity()) * 1000.0;
  if (const auto at = parse_http_date(text)) {
    const double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    return std::max(0.0, (static_cast<double>(*at) - now) * 1000.0);
  }
  return std::nullopt;
}

std::string rfc3339_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

}  // namespace gatecheck::core
