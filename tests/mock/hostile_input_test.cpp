// Hostile requests get an OpenAI-shaped 4xx naming what is wrong, never a crash, an overflow, invalid JSON or
// unbounded work. Each test is the reproducer of a defect found by probing the mock (issue 20).
#include <thread>

#include <gtest/gtest.h>

#include <gatecheck/core/document.hpp>
#include <gatecheck/core/utf8.hpp>
#include <gatecheck/net/http_receiver.hpp>
#include <gatecheck/schema/validator.hpp>

#include "app_fixture.hpp"
#include "instance_generator.hpp"
#include "rate_limiter.hpp"

namespace gatecheck::mock {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::MockApp;

const std::string kChat = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})";
const std::string kStream =
    R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true})";

json chat_with(const json& extra) {
  json body = json::parse(kChat);
  body.update(extra);
  return body;
}

TEST(ControlHeaders, AWaitBeyondAnHourIsA400NotAnOverflow) {
  MockApp mock;
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"x-gatecheck-itl-ms", "9223372036854775807"},
           {"x-gatecheck-ttft-ms", "1e13"},
           {"x-gatecheck-ttft-ms", "3600001"},
           {"x-gatecheck-fault", "slow-first-byte=10000000000000"},
           {"x-gatecheck-fault", "slow-first-byte=1e13"},
           {"x-gatecheck-stream-error-after", "99999999999999999999"}}) {
    const auto answer = mock.post("/v1/chat/completions", kStream, {{name, value}});
    EXPECT_EQ(answer.status, 400) << name << ": " << value;
    EXPECT_EQ(answer.json()["error"]["param"], name);
  }
  const auto longest = mock.post("/v1/chat/completions", kStream, {{"x-gatecheck-ttft-ms", "3600000"}});
  EXPECT_EQ(longest.status, 200) << "an hour is the longest wait, and allowed";
}

TEST(Utf8, APathThatIsNotUtf8StillGetsValidJsonEverywhere) {
  ServerOptions options = MockApp::default_options();
  options.admin_token = "admin-token-for-tests";
  MockApp mock(options);
  const std::string path = "/v1/models/%FF\xFF\xC3";
  for (const char* fault : {"", "error-not-envelope"}) {
    const auto answer = mock.get(path, {{"x-gatecheck-fault", fault}});
    EXPECT_EQ(answer.status, 404) << fault;
    EXPECT_TRUE(core::is_valid_utf8(answer.body)) << answer.body;
    EXPECT_NO_THROW((void)answer.json()) << answer.body;
  }
  const auto journal =
      mock.send("GET", "/admin/requests", "", {{"Authorization", "Bearer admin-token-for-tests"}}, false);
  EXPECT_EQ(journal.status, 200) << journal.body;
  EXPECT_NO_THROW((void)journal.json());
}

TEST(ChatValidation, LogitBiasValuesOutsideTheApiRangeAreA400) {
  MockApp mock;
  const auto huge = mock.post("/v1/chat/completions", chat_with({{"logit_bias", {{"50256", 1e308}}}}).dump());
  EXPECT_EQ(huge.status, 400);
  EXPECT_EQ(huge.json()["error"]["param"], "logit_bias.50256");
  const auto text =
      mock.post("/v1/chat/completions", chat_with({{"logit_bias", {{"50256", "high"}}}}).dump());
  EXPECT_EQ(text.status, 400);
  const auto fine = mock.post("/v1/chat/completions", chat_with({{"logit_bias", {{"50256", -100}}}}).dump());
  EXPECT_EQ(fine.status, 200) << fine.body;
}

TEST(Generation, NTimesLengthBeyondTheBudgetIsA400NamingN) {
  MockApp mock;
  const auto answer =
      mock.post("/v1/chat/completions", chat_with({{"n", 128}}).dump(), {{"x-gatecheck-length", "100000"}});
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(answer.json()["error"]["param"], "n");
  EXPECT_NE(answer.json()["error"]["message"].get<std::string>().find("--max-generated-tokens"),
            std::string::npos);
  EXPECT_EQ(mock.post("/v1/chat/completions", chat_with({{"n", 2}}).dump(), {{"x-gatecheck-length", "1000"}})
                .status,
            200);
}

TEST(Generation, SchemaSizesAndBoundsAreClampedNotTrusted) {
  const json huge_strings = {{"type", "object"},
                             {"properties", {{"a", {{"type", "string"}, {"minLength", 1e30}}}}},
                             {"required", {"a"}}};
  const json a = generate_instance(huge_strings, 1);
  EXPECT_LE(a["a"].get<std::string>().size(), 64u * 1024);
  json nested = {{"type", "string"}};
  for (int i = 0; i < 8; ++i)
    nested = {{"type", "array"}, {"minItems", 1e9}, {"items", nested}};
  EXPECT_NO_THROW((void)generate_instance(nested, 1).dump());
  const json far = {{"type", "integer"}, {"minimum", 1e300}};
  const json value = generate_instance(far, 1);
  ASSERT_TRUE(value.is_number_integer());
  EXPECT_GT(value.get<std::int64_t>(), 0) << "clamped, not wrapped to INT64_MIN";
  const json negative = {{"type", "integer"}, {"maximum", -1e300}};
  EXPECT_LT(generate_instance(negative, 1).get<std::int64_t>(), 0);
}

TEST(Generation, AToolSchemaWithAHugeMinLengthStillAnswers) {
  MockApp mock;
  const json tool = {
      {"type", "function"},
      {"function",
       {{"name", "f"},
        {"parameters",
         {{"type", "object"},
          {"properties", {{"q", {{"type", "string"}, {"minLength", 1e30}, {"maxLength", 1e30}}}}},
          {"required", {"q"}}}}}}};
  const auto answer =
      mock.post("/v1/chat/completions", chat_with({{"tools", {tool}}, {"tool_choice", "required"}}).dump());
  EXPECT_EQ(answer.status, 200) << answer.body.substr(0, 300);
}

TEST(SchemaCompiler, CountsBeyondAnIntegerSaturateInsteadOfOverflowing) {
  const auto schema = schema::compile(json{{"maxLength", 1e30}, {"minItems", 1e30}});
  EXPECT_TRUE(schema.validate(json("abc")).valid);
  EXPECT_FALSE(schema.validate(json::array({1})).valid);
}

TEST(Webhooks, EventsEmittedWhileALateDeliveryWaitsDoNotInvalidateTheWait) {
  // The delivery thread waited on a reference into its queue, which a new event could reallocate (a heap
  // use-after-free that the sanitizer build reports).
  ServerOptions options = MockApp::default_options();
  options.profile = vendor::load_profile("simosphere");
  options.admin_token = "admin-token-for-tests";
  MockApp mock(options);
  net::HttpReceiver receiver("127.0.0.1", 0);
  const auto send = [&](const std::string& path, const json& body, std::string fault = "") {
    return mock.send("POST", path, body.dump(),
                     {{"Authorization", "Bearer admin-token-for-tests"}, {"x-gatecheck-fault", fault}},
                     false);
  };
  const auto created =
      send("/admin/webhooks",
           {{"url", "http://127.0.0.1:" + std::to_string(receiver.port())}, {"events", {"invoice.created"}}});
  ASSERT_EQ(created.status, 201) << created.body;
  const json event = {{"type", "invoice.created"},
                      {"data", {{"invoice_id", "inv_1"}, {"amount", 5}, {"currency", "EUR"}}}};
  ASSERT_EQ(send("/admin/events", event, "webhook-late=1500").status, 202);
  std::this_thread::sleep_for(50ms);  // the delivery thread is now waiting for the late one
  for (int i = 0; i < 64; ++i)
    ASSERT_EQ(send("/admin/events", event, "webhook-late=1000").status, 202);
  EXPECT_TRUE(receiver.wait_until([](const auto& received) { return received.size() >= 65; },
                                  std::chrono::steady_clock::now() + 10s));
}

vendor::RateLimitClaims hundred_per_minute() {
  vendor::RateLimitClaims claims;
  claims.plans["default"] = {"default", 100, 0, 0, 0, {}};
  claims.default_plan = "default";
  return claims;
}

TEST(RateLimiter, RemembersAtMostItsKeyLimitEvictingTheLeastRecentlyUsed) {
  const auto claims = hundred_per_minute();
  RateLimiter limiter(claims, 100);
  const auto start = RateLimiter::Clock::now();
  for (int i = 0; i < 1000; ++i)
    limiter.admit("key-" + std::to_string(i), "", start + std::chrono::milliseconds(i));
  EXPECT_LE(limiter.tracked_keys(), 100u);
  const auto again = limiter.admit("key-999", "", start + 1s);
  EXPECT_EQ(again.remaining_requests, 98u) << "the most recent key kept its spent bucket";
}

TEST(RateLimiter, KeysIdleForAMinuteAreForgottenFirstLosingNothing) {
  const auto claims = hundred_per_minute();
  RateLimiter limiter(claims, 100);
  const auto start = RateLimiter::Clock::now();
  for (int i = 0; i < 100; ++i)
    limiter.admit("key-" + std::to_string(i), "", start);
  EXPECT_EQ(limiter.tracked_keys(), 100u);
  limiter.admit("fresh", "", start + 3min);
  EXPECT_EQ(limiter.tracked_keys(), 1u);
  EXPECT_EQ(limiter.admit("key-0", "", start + 3min).remaining_requests, 99u) << "a full bucket, as before";
}

}  // namespace
}  // namespace gatecheck::mock
