// What a vendor profile makes the mock do beyond OpenAI's behaviour: routing, computed headers,
// Idempotency-Key, vendor conditions, monthly quotas, catalogue fields. Simplio's and SIMOSphere's bundled
// profiles are the specimens.
#include <gtest/gtest.h>

#include "app_fixture.hpp"

namespace gatecheck::mock {
namespace {

using testing::MockApp;

constexpr const char* kFree = "sk_simplio_test_free";
constexpr const char* kPro = "sk_simplio_test_pro";
const std::string kHello = R"({"messages":[{"role":"user","content":"hi"}]})";

ServerOptions simplio() {
  auto options = MockApp::default_options();
  options.profile = vendor::load_profile("simplio");
  options.keys = {{kFree, "free"}, {kPro, "pro"}};
  return options;
}

std::vector<std::pair<std::string, std::string>> as(
    const std::string& key, std::vector<std::pair<std::string, std::string>> more = {}) {
  more.emplace_back("Authorization", "Bearer " + key);
  return more;
}

TEST(Routing, EcoModeAnswersFromTheCheaperModelUnlessTheRequestOptsOut) {
  MockApp mock(simplio());
  const auto eco = mock.post("/api/v1/chat/completions", kHello, as(kPro));
  EXPECT_EQ(eco.header("x-model"), "deepseek-chat");
  EXPECT_EQ(eco.header("x-provider"), "deepseek");
  EXPECT_EQ(eco.header("x-fallback"), "false");
  const auto opted_out =
      mock.post("/api/v1/chat/completions", kHello, as(kPro, {{"X-Simplio-No-Eco", "true"}}));
  EXPECT_EQ(opted_out.header("x-model"), "gpt-4o");
  const auto free = mock.post("/api/v1/chat/completions", kHello, as(kFree));
  EXPECT_EQ(free.header("x-model"), "gpt-4o") << "eco-mode is a Pro feature";
}

TEST(Routing, AnOutageFallsBackOnProAndIsThePlansConditionOtherwise) {
  MockApp mock(simplio());
  const auto fallback =
      mock.post("/api/v1/chat/completions", kHello, as(kPro, {{"x-gatecheck-fault", "upstream-down"}}));
  EXPECT_EQ(fallback.status, 200);
  EXPECT_EQ(fallback.header("x-fallback"), "true");
  EXPECT_EQ(fallback.header("x-provider"), "anthropic");
  const auto refused =
      mock.post("/api/v1/chat/completions", kHello, as(kFree, {{"x-gatecheck-fault", "upstream-down"}}));
  EXPECT_EQ(refused.status, 402);
  EXPECT_EQ(refused.json()["error"]["code"], 402);
  const auto embeddings = mock.post("/api/v1/embeddings", R"({"model":"text-embedding-3-small","input":"x"})",
                                    as(kFree, {{"x-gatecheck-fault", "upstreams-down"}}));
  EXPECT_EQ(embeddings.status, 502) << "every route that asks a provider meets the outage";
  EXPECT_EQ(mock.get("/api/v1/models", as(kFree, {{"x-gatecheck-fault", "upstreams-down"}})).status, 200)
      << "the catalogue asks no provider";
}

TEST(ComputedHeaders, AreLeftOffAnswersThatServedNoModel) {
  MockApp mock(simplio());
  const auto refused = mock.send("POST", "/api/v1/chat/completions", kHello, {}, false);
  EXPECT_EQ(refused.status, 401);
  EXPECT_FALSE(refused.has_header("x-model"));
  EXPECT_FALSE(refused.has_header("x-fallback"));
  EXPECT_EQ(refused.header("x-trace-id"), refused.header("x-request-id"));
}

TEST(Idempotency, ARepeatIsTheFirstAnswerWhateverItsHeadersSay) {
  MockApp mock(simplio());
  const auto first = mock.post("/api/v1/chat/completions", kHello, as(kPro, {{"Idempotency-Key", "k1"}}));
  ASSERT_EQ(first.status, 200);
  EXPECT_FALSE(first.has_header("Idempotent-Replayed"));
  const auto repeat = mock.post(
      "/api/v1/chat/completions", kHello,
      as(kPro,
         {{"Idempotency-Key", "k1"}, {"X-Simplio-No-Eco", "true"}, {"x-gatecheck-fault", "server-error"}}));
  EXPECT_EQ(repeat.status, 200);
  EXPECT_EQ(repeat.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(repeat.header("x-trace-id"), first.header("x-trace-id"));
  EXPECT_EQ(repeat.header("x-model"), first.header("x-model")) << "served as the first was: eco-mode";
  EXPECT_EQ(repeat.events, first.events) << "the same stream, event for event";
  const auto other =
      mock.post("/api/v1/chat/completions", R"({"messages":[{"role":"user","content":"bye"}]})",
                as(kPro, {{"Idempotency-Key", "k1"}}));
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(other.json()["error"]["message"],
            "Idempotency-Key 'k1' was already used with another request in the last 300 seconds.");
}

TEST(Idempotency, AFailedFirstAnswerFreesTheKeyAndLongKeysAreRefused) {
  MockApp mock(simplio());
  const auto failed =
      mock.post("/api/v1/chat/completions", kHello,
                as(kFree, {{"Idempotency-Key", "k2"}, {"x-gatecheck-fault", "server-error"}}));
  EXPECT_EQ(failed.status, 500);
  const auto again = mock.post("/api/v1/chat/completions", kHello, as(kFree, {{"Idempotency-Key", "k2"}}));
  EXPECT_EQ(again.status, 200);
  EXPECT_FALSE(again.has_header("Idempotent-Replayed"));
  const auto long_key =
      mock.post("/api/v1/chat/completions", kHello, as(kFree, {{"Idempotency-Key", std::string(256, 'k')}}));
  EXPECT_EQ(long_key.status, 400);
}

TEST(Conditions, AnUnclaimedMessageIsTheDefaultNotEmpty) {
  auto options = simplio();
  options.profile.error_conditions.clear();
  MockApp mock(options);
  const auto answer =
      mock.post("/api/v1/chat/completions", kHello, as(kFree, {{"x-gatecheck-fault", "payment-required"}}));
  EXPECT_EQ(answer.status, 402);
  EXPECT_EQ(answer.json()["error"]["message"], "Payment required: the account has no credit left.");
}

TEST(MonthlyQuota, RefusesWithTheMonthInTheHeaders) {
  auto options = simplio();
  options.profile.rate_limits.plans["free"].requests_per_month = 1;
  MockApp mock(options);
  ASSERT_EQ(mock.get("/api/v1/models", as(kFree)).status, 200);
  const auto spent = mock.get("/api/v1/models", as(kFree));
  EXPECT_EQ(spent.status, 429);
  EXPECT_GT(std::stol(spent.header("retry-after")), 3600) << "until the next month (the clock is fixed)";
  EXPECT_EQ(spent.header("x-ratelimit-limit"), "1");
  EXPECT_EQ(spent.header("x-ratelimit-remaining"), "0");
}

TEST(Catalogue, ServesTheFieldsTheProfileListsAndWordsUnknownModelsItsWay) {
  auto options = MockApp::default_options();
  options.profile = vendor::load_profile("simosphere");
  MockApp mock(options);
  const auto models = mock.get("/v1/models").json();
  EXPECT_EQ(models["data"][0]["context_window"], 32000);
  const auto unknown =
      mock.post("/v1/chat/completions", R"({"model":"gpt-5","messages":[{"role":"user","content":"hi"}]})");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json()["error"]["message"], "Model 'gpt-5' is not available on this tenant.");
  EXPECT_EQ(unknown.json()["error"]["param"], "model");
  MockApp openai;
  EXPECT_FALSE(openai.get("/v1/models").json()["data"][0].contains("context_window"))
      << "OpenAI's catalogue has no such field";
}

}  // namespace
}  // namespace gatecheck::mock
