// The mock's building blocks: durations, generated instances, deterministic text.
#include <gtest/gtest.h>

#include <gatecheck/schema/validator.hpp>

#include "generator.hpp"
#include "instance_generator.hpp"
#include "rate_limiter.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;

TEST(RateLimiter, RefillsContinuously) {
  vendor::RateLimitClaims claims;
  claims.plans["p"] = {"p", 60, 0, 0};
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
  claims.plans["burst"] = {"burst", 600, 5, 0};
  claims.default_plan = "burst";
  RateLimiter limiter(claims);
  const auto start = RateLimiter::Clock::now();
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(limiter.admit("k", "", start).allowed);
  EXPECT_FALSE(limiter.admit("k", "", start).allowed);
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
