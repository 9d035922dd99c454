// The mock's building blocks: durations, generated instances, deterministic text.
#include <gtest/gtest.h>

#include <gatecheck/schema/validator.hpp>

#include "generator.hpp"
#include "idempotency.hpp"
#include "instance_generator.hpp"
#include "rate_limiter.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;

TEST(RateLimiter, RefillsContinuously) {
  vendor::RateLimitClaims claims;
  claims.plans["p"] = {"p", 60, 0, 0, 0, {}};
  claims.default_plan = "p";
  RateLimiter limiter(claims);
  const auto start = RateLimiter::Clock::now();
  for (int i = 0; i < 60; ++i)
    ASSERT_TRUE(limiter.admit("k", "", start).allowed);
  const auto refused = limiter.admit("k", "", start);
  EXPECT_FALSE(refused.allowed);
  EXPECT_NEAR(refused.retry_after_seconds, 1.0, 1e-6);
  EXPECT_TRUE(limiter.admit("k", "", start + std::chrono::milliseconds(1001)).allowed)
      << "one request per second back";
}

TEST(RateLimiter, SecondWindowsLimitBursts) {
  vendor::RateLimitClaims claims;
  claims.plans["burst"] = {"burst", 600, 5, 0, 0, {}};
  claims.default_plan = "burst";
  RateLimiter limiter(claims);
  const auto start = RateLimiter::Clock::now();
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(limiter.admit("k", "", start).allowed);
  EXPECT_FALSE(limiter.admit("k", "", start).allowed);
}

TEST(RateLimiter, AMonthlyQuotaRefusesUntilTheNextMonth) {
  vendor::RateLimitClaims claims;
  claims.plans["free"] = {"free", 0, 5, 0, 3, {}};  // 5 a second, 3 a month
  claims.default_plan = "free";
  RateLimiter limiter(claims);
  auto now = RateLimiter::Clock::now();
  for (int i = 0; i < 3; ++i) {
    now += std::chrono::seconds(1);  // never the per-second window
    const auto admitted = limiter.admit("k", "", now);
    ASSERT_TRUE(admitted.allowed);
    EXPECT_EQ(admitted.limit_requests, 5u) << "without a minute window the headers describe the second's";
  }
  const auto refused = limiter.admit("k", "", now + std::chrono::seconds(1));
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.refused_bucket, "requests per month");
  EXPECT_GT(refused.retry_after_seconds, 0.0);
  EXPECT_LE(refused.retry_after_seconds, 31.0 * 86400) << "until the next UTC month";
  EXPECT_TRUE(limiter.admit("other", "", now).allowed) << "quotas are per key";
}

TEST(IdempotencyStore, TellsRepeatsMismatchesAndKeysInFlightUntilTheKeyExpires) {
  using Outcome = IdempotencyStore::Outcome;
  IdempotencyStore store(4);
  const auto now = IdempotencyStore::Clock::now();
  const std::chrono::seconds ttl(300);
  const IdempotencyStore::Scope key{1, 1};
  EXPECT_EQ(store.claim(key, 7, now, ttl).outcome, Outcome::fresh);
  EXPECT_EQ(store.claim(key, 7, now, ttl).outcome, Outcome::in_flight) << "the first is still being answered";
  store.remember(key, {"req_first", 1700000000, "gpt-4o", false, {}});
  const auto again = store.claim(key, 7, now + std::chrono::seconds(299), ttl);
  EXPECT_EQ(again.outcome, Outcome::replay);
  EXPECT_EQ(again.first.request_id, "req_first");
  EXPECT_EQ(again.first.model, "gpt-4o");
  EXPECT_EQ(store.claim(key, 8, now, ttl).outcome, Outcome::mismatch);
  EXPECT_EQ(store.claim(key, 7, now + ttl, ttl).outcome, Outcome::fresh) << "expired: taken anew";
  const IdempotencyStore::Scope failed{2, 2};
  EXPECT_EQ(store.claim(failed, 1, now, ttl).outcome, Outcome::fresh);
  store.forget(failed);  // its request failed: the key may be used again
  EXPECT_EQ(store.claim(failed, 2, now, ttl).outcome, Outcome::fresh);
  for (std::uint64_t i = 3; i < 40; ++i)
    store.claim({i, i}, 1, now, ttl);
  EXPECT_LE(store.size(), 4u) << "bounded";
}

TEST(RateLimiter, TheMonthlyQuotaStartsAgainInTheNextUtcMonth) {
  vendor::RateLimitClaims claims;
  claims.plans["quota"] = {"quota", 0, 0, 0, 2, {}};  // 2 a month, nothing else
  claims.default_plan = "quota";
  RateLimiter limiter(claims);
  const auto now = RateLimiter::Clock::now();
  const std::int64_t november_30 = 1795996800;  // 2026-11-30T00:00:00Z
  ASSERT_TRUE(limiter.admit("k", "", now, november_30).allowed);
  ASSERT_TRUE(limiter.admit("k", "", now, november_30 + 60).allowed);
  const auto spent = limiter.admit("k", "", now, november_30 + 120);
  EXPECT_FALSE(spent.allowed);
  EXPECT_EQ(spent.limit_requests, 2u) << "the headers tell of the month that refused";
  EXPECT_EQ(spent.remaining_requests, 0u);
  EXPECT_NEAR(spent.retry_after_seconds, 86400 - 120, 1) << "until 2026-12-01T00:00:00Z";
  EXPECT_TRUE(limiter.admit("k", "", now, november_30 + 86400).allowed) << "December";
}

TEST(RateLimiter, AFullTableKeepsTheMonthlyCountsOfKeysInUse) {
  vendor::RateLimitClaims claims;
  claims.plans["quota"] = {"quota", 0, 0, 0, 1, {}};
  claims.default_plan = "quota";
  RateLimiter limiter(claims, 10);
  auto now = RateLimiter::Clock::now();
  ASSERT_TRUE(limiter.admit("spent", "", now).allowed);
  for (int i = 0; i < 30; ++i) {
    now += std::chrono::milliseconds(1);
    limiter.admit("spent", "", now);  // in use: the most recently used key is never the one forgotten
    limiter.admit("other-" + std::to_string(i), "", now);
  }
  EXPECT_FALSE(limiter.admit("spent", "", now).allowed) << "its quota was not forgotten";
}

TEST(InstanceGenerator, ProducesValuesTheSchemaAccepts) {
  const std::vector<json> schemas = {
      json::parse(
          R"({"type":"object","properties":{"city":{"type":"string"},"n":{"type":"integer","minimum":5,"maximum":9},
        "ratio":{"type":"number","exclusiveMinimum":0,"maximum":1},"tags":{"type":"array","items":{"enum":["a","b"]},"minItems":2,"uniqueItems":true}},
        "required":["city","n","ratio","tags"]})"),
      json::parse(
          R"({"$defs":{"point":{"type":"object","properties":{"x":{"type":"number"},"y":{"type":"number"}},"required":["x","y"]}},
        "type":"array","items":{"$ref":"#/$defs/point"},"minItems":3})"),
      json::parse(R"({"anyOf":[{"type":"string","format":"date-time"},{"type":"null"}]})"),
      json::parse(R"({"type":"object","properties":{"code":{"type":"string","pattern":"^[a-z]+-[0-9]+$"},
        "step":{"type":"integer","multipleOf":5,"minimum":1}},"required":["code","step"]})"),
      json::parse(R"({"allOf":[{"type":"object","properties":{"a":{"type":"boolean"}},"required":["a"]},
        {"properties":{"b":{"const":3}},"required":["b"]}]})"),
  };
  for (const auto& schema : schemas) {
    const auto compiled = schema::compile(schema);
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
      const json value = generate_instance(schema, seed);
      EXPECT_TRUE(compiled.is_valid(value)) << schema.dump() << "\n -> " << value.dump();
    }
  }
}

TEST(Generator, IsDeterministic) {
  Prng a(42);
  Prng b(42);
  EXPECT_EQ(generate_tokens(a, 20), generate_tokens(b, 20));
  EXPECT_EQ(make_id("x-", 7), make_id("x-", 7));
  EXPECT_NE(make_id("x-", 7), make_id("x-", 8));
  EXPECT_EQ(count_tokens("Hello, world! 42"), 5u);
}

}  // namespace
}  // namespace gatecheck::mock
