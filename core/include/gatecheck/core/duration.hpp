// Durations and retry hints as both halves write and read them: Go durations ("6m0s", "20ms", "1.5s", the
// form OpenAI's x-ratelimit-reset-* headers use), RFC 9110 HTTP-dates, and Retry-After / retry-after-ms.
// The mock formats with these, the runner parses with them: one statement of each format.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include <gatecheck/core/headers.hpp>

namespace gatecheck::core {

// A Go duration in seconds: sums of <number><unit> with units h, m, s, ms, us (or µs), ns; "0" alone is zero.
std::optional<double> parse_go_duration(std::string_view text);
// The shortest Go duration for `seconds`, rounded up to the millisecond: "0s", "239ms", "1m0.5s", "2h0m0s".
std::string format_go_duration(double seconds);
// RFC 9110 section 5.6.7: IMF-fixdate and the two obsolete forms a recipient must also accept.
std::optional<std::time_t> parse_http_date(std::string_view text);
// IMF-fixdate, the form a sender must generate: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string format_http_date(std::time_t at);
// "2026-11-30T15:24:11Z": now, in UTC, to the second (RFC 3339).
std::string rfc3339_now();
// A decimal number, surrounding blanks allowed (header values).
std::optional<double> parse_decimal(std::string_view text);
// How long a response asks the client to wait, in milliseconds: retry-after-ms, else Retry-After as
// delta-seconds or an HTTP-date (in the past: 0). nullopt when neither is present and valid.
std::optional<double> retry_after_ms(const Headers& headers);

}  // namespace gatecheck::core
