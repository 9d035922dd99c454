// Durations and retry hints: what the mock writes (format) the runner reads (parse).
#include <cmath>
#include <ctime>

#include <gtest/gtest.h>

#include <gatecheck/core/duration.hpp>

namespace gatecheck::core {
namespace {

TEST(Durations, ReadLikeOpenAiResetHeaders) {
  EXPECT_EQ(format_go_duration(0), "0s");
  EXPECT_EQ(format_go_duration(0.012), "12ms");
  EXPECT_EQ(format_go_duration(1), "1s");
  EXPECT_EQ(format_go_duration(9.816), "9.816s");
  EXPECT_EQ(format_go_duration(360), "6m0s");
  EXPECT_EQ(format_go_duration(86.4), "1m26.4s");
  EXPECT_EQ(format_go_duration(3725), "1h2m5s");
}

TEST(ParseGoDuration, ReadsGoDurationStrings) {
  EXPECT_DOUBLE_EQ(parse_go_duration("6m0s").value(), 360.0);
  EXPECT_DOUBLE_EQ(parse_go_duration("20ms").value(), 0.02);
  EXPECT_DOUBLE_EQ(parse_go_duration("1.5s").value(), 1.5);
  EXPECT_DOUBLE_EQ(parse_go_duration("1h2m3s").value(), 3723.0);
  EXPECT_DOUBLE_EQ(parse_go_duration("0").value(), 0.0);
  EXPECT_DOUBLE_EQ(parse_go_duration("250us").value(), 250e-6);
  EXPECT_DOUBLE_EQ(parse_go_duration("2\xC2\xB5s").value(), 2e-6);
  for (const char* bad : {"5x", "", "5", "s", "1.5.2s", "-"})
    EXPECT_FALSE(parse_go_duration(bad).has_value()) << bad;
}

TEST(RetryAfterMs, SecondsAnHttpDateOrRetryAfterMsWhichIsPreferred) {
  EXPECT_DOUBLE_EQ(retry_after_ms({{"Retry-After", "20"}}).value(), 20000.0);
  EXPECT_DOUBLE_EQ(retry_after_ms({{"Retry-After", "0"}}).value(), 0.0);
  EXPECT_DOUBLE_EQ(retry_after_ms({{"retry-after-ms", "1500"}, {"Retry-After", "20"}}).value(), 1500.0);
  EXPECT_DOUBLE_EQ(retry_after_ms({{"retry-after-ms", "-1"}, {"Retry-After", "2"}}).value(), 2000.0);
  // Any 1*DIGIT is valid RFC 9110; one too long for a double is a very long wait, not a crash.
  EXPECT_TRUE(std::isinf(retry_after_ms({{"Retry-After", std::string(400, '9')}}).value()));

  const auto in_a_minute = retry_after_ms({{"Retry-After", format_http_date(std::time(nullptr) + 60)}});
  ASSERT_TRUE(in_a_minute.has_value());
  EXPECT_GT(*in_a_minute, 55'000.0);
  EXPECT_LE(*in_a_minute, 60'000.0);
  EXPECT_DOUBLE_EQ(retry_after_ms({{"Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT"}}).value(),
                   0.0);  // past: now

  for (const char* bad : {"soon", "1.5", "-5", "", "Sun, 06 Nov 1994 08:49:37"})
    EXPECT_FALSE(retry_after_ms({{"Retry-After", bad}}).has_value()) << bad;
  EXPECT_FALSE(retry_after_ms({}).has_value());
}

TEST(RetryAfterMs, TheObsoleteHttpDateFormatsAreAccepted) {
  EXPECT_TRUE(retry_after_ms({{"Retry-After", "Sunday, 06-Nov-94 08:49:37 GMT"}}).has_value());
  EXPECT_TRUE(retry_after_ms({{"Retry-After", "Sun Nov  6 08:49:37 1994"}}).has_value());
}

TEST(Durations, WhatIsFormattedParsesBack) {
  for (const double seconds : {0.012, 1.0, 9.816, 86.4, 360.0, 3725.0})
    EXPECT_NEAR(parse_go_duration(format_go_duration(seconds)).value(), seconds, 1e-9) << seconds;
}

}  // namespace
}  // namespace gatecheck::core
