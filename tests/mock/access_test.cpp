// Routing, authentication, rate limits, CORS and the admin API, as a client sees them.
#include <gtest/gtest.h>

#include "app_fixture.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;
using testing::MockApp;

constexpr const char* kChat = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})";

TEST(Routing, UnknownPathsAre404AndWrongMethods405InTheEnvelope) {
  MockApp mock;
  const auto missing = mock.post("/v1/chat/completion", kChat);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json()["error"]["message"], "Invalid URL (POST /v1/chat/completion)");
  const auto outside = mock.get("/v2/models");
  EXPECT_EQ(outside.status, 404);
  const auto method = mock.get("/v1/chat/completions");
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(method.header("allow"), "POST");
  EXPECT_TRUE(method.json().contains("error"));
}

TEST(Routing, HealthAnswersWithoutAKey) {
  MockApp mock;
  const auto health = mock.send("GET", "/health", "", {}, false);
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json()["status"], "ok");
}

TEST(Routing, OversizedBodiesAre413) {
  MockApp mock;
  Request request;
  request.method = "POST";
  request.target = request.path = "/v1/chat/completions";
  request.headers = {{"Authorization", "Bearer k"}};
  request.body_too_large = true;
  const Reply reply = mock.app->handle(request);
  EXPECT_EQ(reply.status, 413);
  EXPECT_NE(reply.body.find("\"error\""), std::string::npos);
}

TEST(Authentication, MissingAndInvalidKeysAreTold401Apart) {
  auto options = MockApp::default_options();
  options.keys = {{"sk-proj-correct-key-123456", ""}};
  MockApp mock(options);
  const auto missing = mock.send("POST", "/v1/chat/completions", kChat, {}, false);
  EXPECT_EQ(missing.status, 401);
  EXPECT_NE(missing.json()["error"]["message"].get<std::string>().find("You didn't provide an API key"),
            std::string::npos);
  EXPECT_TRUE(missing.json()["error"]["code"].is_null());
  const auto wrong =
      mock.post("/v1/chat/completions", kChat, {{"Authorization", "Bearer sk-proj-wrong-key-9999999"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.json()["error"]["code"], "invalid_api_key");
  EXPECT_NE(
      wrong.json()["error"]["message"].get<std::string>().find("sk-proj-" + std::string(13, '*') + "9999"),
      std::string::npos)
      << "the key is masked as the API masks it: " << wrong.body;
  EXPECT_EQ(mock.post("/v1/chat/completions", kChat, {{"Authorization", "Bearer sk-proj-correct-key-123456"}})
                .status,
            200);
}

TEST(Authentication, WithNoKeysConfiguredAnyKeyWorks) {
  MockApp mock;
  EXPECT_EQ(mock.post("/v1/chat/completions", kChat, {{"Authorization", "Bearer anything"}}).status, 200);
}

TEST(Authentication, HeaderSchemesFromTheProfileAreAccepted) {
  auto options = MockApp::default_options();
  options.profile.auth.push_back({vendor::AuthScheme::Kind::header, "X-API-Key"});
  MockApp mock(options);
  EXPECT_EQ(mock.send("POST", "/v1/chat/completions", kChat, {{"x-api-key", "sk-simo-x"}}, false).status,
            200);
}

TEST(RateLimits, HeadersCountDownAndA429SaysWhenToRetry) {
  auto options = MockApp::default_options();
  options.keys = {{"sk-free-key-0000000000", "free"}};  // 3 requests per minute
  MockApp mock(options);
  const std::vector<std::pair<std::string, std::string>> key = {
      {"Authorization", "Bearer sk-free-key-0000000000"}};
  std::vector<int> remaining;
  for (int i = 0; i < 3; ++i) {
    const auto answer = mock.post("/v1/chat/completions", kChat, key);
    ASSERT_EQ(answer.status, 200);
    EXPECT_EQ(answer.header("x-ratelimit-limit-requests"), "3");
    remaining.push_back(std::stoi(answer.header("x-ratelimit-remaining-requests")));
    EXPECT_FALSE(answer.header("x-ratelimit-reset-requests").empty());
  }
  EXPECT_EQ(remaining, (std::vector<int>{2, 1, 0}));
  const auto limited = mock.post("/v1/chat/completions", kChat, key);
  ASSERT_EQ(limited.status, 429);
  EXPECT_EQ(limited.json()["error"]["code"], "rate_limit_exceeded");
  EXPECT_EQ(limited.json()["error"]["type"], "requests");
  EXPECT_NE(limited.json()["error"]["message"].get<std::string>().find("gpt-4o-mini"), std::string::npos);
  EXPECT_NE(limited.json()["error"]["message"].get<std::string>().find(
                "on requests per min (RPM): Limit 3, Used 3, Requested 1."),
            std::string::npos)
      << limited.body;
  EXPECT_GE(std::stoi(limited.header("retry-after")), 1);
  EXPECT_GT(std::stoi(limited.header("retry-after-ms")), 1000);
  EXPECT_EQ(limited.header("x-ratelimit-remaining-requests"), "0");
}

TEST(RateLimits, KeysHaveSeparateBuckets) {
  auto options = MockApp::default_options();
  options.keys = {{"sk-one-000000000000", "free"}, {"sk-two-000000000000", "free"}};
  MockApp mock(options);
  for (int i = 0; i < 3; ++i)
    mock.post("/v1/chat/completions", kChat, {{"Authorization", "Bearer sk-one-000000000000"}});
  EXPECT_EQ(
      mock.post("/v1/chat/completions", kChat, {{"Authorization", "Bearer sk-one-000000000000"}}).status,
      429);
  EXPECT_EQ(
      mock.post("/v1/chat/completions", kChat, {{"Authorization", "Bearer sk-two-000000000000"}}).status,
      200);
}

TEST(RateLimits, A429NamesTheBucketThatRefused) {
  auto options = MockApp::default_options();
  options.profile.rate_limits.plans["burst"] = {"burst", 100, 2, 0, 0, {}};       // 100 a minute, 2 a second
  options.profile.rate_limits.plans["thrifty"] = {"thrifty", 100, 0, 10, 0, {}};  // 10 tokens a minute
  options.keys = {{"sk-burst-key-000000000", "burst"}, {"sk-thrifty-key-0000000", "thrifty"}};
  MockApp mock(options);
  const std::vector<std::pair<std::string, std::string>> burst = {
      {"Authorization", "Bearer sk-burst-key-000000000"}};
  mock.post("/v1/chat/completions", kChat, burst);
  mock.post("/v1/chat/completions", kChat, burst);
  const auto per_second = mock.post("/v1/chat/completions", kChat, burst);
  ASSERT_EQ(per_second.status, 429);
  EXPECT_EQ(per_second.json()["error"]["type"], "requests");
  EXPECT_NE(per_second.body.find("on requests per sec (RPS): Limit 2, Used 2, Requested 1."),
            std::string::npos)
      << per_second.body;

  const std::vector<std::pair<std::string, std::string>> thrifty = {
      {"Authorization", "Bearer sk-thrifty-key-0000000"}};
  ASSERT_EQ(mock.post("/v1/chat/completions", kChat, thrifty).status, 200);  // spends more than 10 tokens
  const auto per_token = mock.post("/v1/chat/completions", kChat, thrifty);
  ASSERT_EQ(per_token.status, 429);
  EXPECT_EQ(per_token.json()["error"]["type"], "tokens");
  EXPECT_NE(per_token.body.find("on tokens per min (TPM): Limit 10, Used 10, Requested 17."),
            std::string::npos)
      << per_token.body;
}

TEST(Cors, ExposedHeadersAreTheProfilesOwn) {
  MockApp openai;
  const auto answer = openai.post("/v1/chat/completions", kChat, {{"Origin", "https://app.example"}});
  EXPECT_EQ(answer.header("access-control-expose-headers"),
            "x-request-id, retry-after, retry-after-ms, x-ratelimit-limit-requests, "
            "x-ratelimit-remaining-requests, "
            "x-ratelimit-reset-requests, x-ratelimit-limit-tokens, x-ratelimit-remaining-tokens, "
            "x-ratelimit-reset-tokens, openai-version");

  auto options = MockApp::default_options();
  options.profile = vendor::load_profile("simosphere");
  MockApp simosphere(options);
  const auto vendor = simosphere.get("/v1/models", {{"Origin", "https://app.example"}});
  EXPECT_EQ(vendor.header("access-control-expose-headers"),
            "x-request-id, retry-after, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset");
}

TEST(Cors, PreflightIsAnsweredAndOriginsAreEchoed) {
  MockApp mock;
  const auto preflight = mock.send("OPTIONS", "/v1/chat/completions", "",
                                   {{"Origin", "https://app.example"},
                                    {"Access-Control-Request-Method", "POST"},
                                    {"Access-Control-Request-Headers", "authorization,content-type"}},
                                   false);
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.header("access-control-allow-origin"), "https://app.example");
  EXPECT_EQ(preflight.header("access-control-allow-headers"), "authorization,content-type");
  const auto answer = mock.post("/v1/chat/completions", kChat, {{"Origin", "https://app.example"}});
  EXPECT_EQ(answer.header("access-control-allow-origin"), "https://app.example");
  EXPECT_NE(answer.header("access-control-expose-headers").find("x-request-id"), std::string::npos);
}

TEST(Admin, NeedsItsTokenAndShowsTheJournal) {
  auto options = MockApp::default_options();
  options.admin_token = "admin-secret-token";
  MockApp mock(options);
  mock.post("/v1/chat/completions", kChat);
  EXPECT_EQ(mock.send("GET", "/admin/requests", "", {}, false).status, 401);
  EXPECT_EQ(mock.send("GET", "/admin/requests", "", {{"Authorization", "Bearer nope"}}, false).status, 401);
  const auto journal =
      mock.send("GET", "/admin/requests", "", {{"X-Admin-Token", "admin-secret-token"}}, false);
  ASSERT_EQ(journal.status, 200);
  const json entries = journal.json()["data"];
  ASSERT_GE(entries.size(), 1u);
  EXPECT_EQ(entries.back()["path"], "/v1/chat/completions");
  EXPECT_EQ(entries.back()["status"], 200);
  EXPECT_EQ(
      mock.send("POST", "/admin/reset", "", {{"Authorization", "Bearer admin-secret-token"}}, false).status,
      204);
}

TEST(Admin, IsOffWithoutAToken) {
  MockApp mock;
  EXPECT_EQ(mock.send("GET", "/admin/requests", "", {}, false).status, 404);
}

TEST(Stubs, ScriptedAnswersComeInOrderAndTheLastRepeats) {
  auto options = MockApp::default_options();
  options.stubs = {json::parse(R"({
    "request": {"method": "POST", "path": "/v1/chat/completions", "json": {"$.model": "scripted"}},
    "responses": [
      {"status": 429, "headers": {"retry-after-ms": "10"},
       "json": {"error": {"message": "slow", "type": "requests", "param": null, "code": "rate_limit_exceeded"}}},
      {"status": 200, "json": {"ok": true}}]})")};
  MockApp mock(options);
  const std::string body = R"({"model":"scripted","messages":[]})";
  EXPECT_EQ(mock.post("/v1/chat/completions", body).status, 429);
  EXPECT_EQ(mock.post("/v1/chat/completions", body).status, 200);
  EXPECT_EQ(mock.post("/v1/chat/completions", body).body, R"({"ok":true})");
  EXPECT_EQ(mock.post("/v1/chat/completions", kChat).status, 200) << "others fall through to the generator";
}

TEST(RequestIds, AreUniquePerRequest) {
  MockApp mock;
  EXPECT_NE(mock.post("/v1/chat/completions", kChat).header("x-request-id"),
            mock.post("/v1/chat/completions", kChat).header("x-request-id"));
}

}  // namespace
}  // namespace gatecheck::mock
