// Webhooks (signed, retried, journaled), key rotation and discovery documents, as the SIMOSphere profile
// claims them. Deliveries go to a real loopback receiver (net::HttpReceiver).
#include <thread>

#include <gtest/gtest.h>

#include <gatecheck/core/crypto.hpp>
#include <gatecheck/net/http_receiver.hpp>

#include "app_fixture.hpp"
#include "webhook_hub.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;
using testing::Answer;
using testing::MockApp;
using namespace std::chrono_literals;

constexpr const char* kAdmin = "admin-token-for-tests";
constexpr const char* kKey = "sk-simo-main-key-0001";
constexpr const char* kSpare = "sk-simo-spare-key-0002";

ServerOptions simosphere(std::vector<FaultSpec> faults = {}) {
  ServerOptions options = MockApp::default_options();
  options.profile = vendor::load_profile("simosphere");
  options.admin_token = kAdmin;
  options.keys = {{kKey, ""}, {kSpare, ""}};
  options.faults = std::move(faults);
  return options;
}

Answer admin(MockApp& mock, const std::string& method, const std::string& path, const json& body = nullptr) {
  return mock.send(method, path, body.is_null() ? "" : body.dump(),
                   {{"Authorization", std::string("Bearer ") + kAdmin}}, false);
}

Answer with_key(MockApp& mock, const std::string& key) {
  return mock.send("GET", "/v1/models", "", {{"Authorization", "Bearer " + key}}, false);
}

std::string register_hook(MockApp& mock, const net::HttpReceiver& receiver, const json& events) {
  const auto created =
      admin(mock, "POST", "/admin/webhooks",
            {{"url", "http://127.0.0.1:" + std::to_string(receiver.port()) + "/hook"}, {"events", events}});
  EXPECT_EQ(created.status, 201) << created.body;
  return created.json().value("secret", "");
}

bool wait_for(const net::HttpReceiver& receiver, std::size_t count, std::chrono::milliseconds limit = 5s) {
  return receiver.wait_until([&](const auto& received) { return received.size() >= count; },
                             std::chrono::steady_clock::now() + limit);
}

TEST(WebhookSignatures, StandardWebhooksMatchesTheSpecificationsTestVector) {
  // From the Standard Webhooks specification's reference test.
  vendor::WebhookClaims claims;
  claims.scheme = vendor::SignatureScheme::standard_webhooks;
  const auto headers =
      signature_headers(claims, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                        1614265330, R"({"test": 2432232314})");
  ASSERT_EQ(headers.size(), 3u);
  EXPECT_EQ(headers[2].second, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSignatures, SimoSphereSignsTheRawBodyWithTheWholeSecret) {
  const auto profile = vendor::load_profile("simosphere");
  const auto headers = signature_headers(profile.webhooks, "whsec_abc", "evt_1", 0, R"({"a":1})");
  ASSERT_EQ(headers.size(), 1u);
  EXPECT_EQ(headers[0].first, "X-SIMO-Signature");
  EXPECT_EQ(headers[0].second, "sha256=" + core::hmac_sha256_hex("whsec_abc", R"({"a":1})"));
}

TEST(Webhooks, ATriggeredEventIsDeliveredSignedAndJournaled) {
  MockApp mock(simosphere());
  net::HttpReceiver receiver("127.0.0.1", 0);
  const std::string secret = register_hook(mock, receiver, json::array({"invoice.created"}));
  EXPECT_TRUE(secret.starts_with("whsec_"));
  const auto accepted = admin(
      mock, "POST", "/admin/events",
      {{"type", "invoice.created"}, {"data", {{"invoice_id", "inv_1"}, {"amount", 5}, {"currency", "EUR"}}}});
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  ASSERT_TRUE(wait_for(receiver, 1));
  const auto delivery = receiver.received().front();
  const json body = json::parse(delivery.body);
  EXPECT_EQ(body["id"], accepted.json()["id"]);
  EXPECT_EQ(body["type"], "invoice.created");
  EXPECT_EQ(body["data"]["invoice_id"], "inv_1");
  EXPECT_EQ(delivery.headers.get("x-simo-signature").value_or(""),
            "sha256=" + core::hmac_sha256_hex(secret, delivery.body));
  // The journal entry is written once the sender has read the answer, a moment after the receiver saw it.
  json journal;
  for (int i = 0; i < 100; ++i) {
    journal = admin(mock, "GET", "/admin/deliveries").json();
    if (!journal["data"].empty()) break;
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(journal["data"].size(), 1u);
  EXPECT_EQ(journal["data"][0]["status"], 200);
  EXPECT_EQ(journal["data"][0]["attempt"], 1);
  EXPECT_TRUE(admin(mock, "GET", "/admin/webhooks").body.find("whsec_") == std::string::npos)
      << "secrets are shown once";
}

TEST(Webhooks, AFailedDeliveryIsRetriedWithTheSameEventIdAndBody) {
  MockApp mock(simosphere());
  net::HttpReceiver receiver("127.0.0.1", 0, {500, 200});
  register_hook(mock, receiver, json::array({"audit.flagged"}));
  admin(mock, "POST", "/admin/events",
        {{"type", "audit.flagged"}, {"data", {{"request_id", "r"}, {"reason", "x"}}}});
  ASSERT_TRUE(wait_for(receiver, 2));
  const auto received = receiver.received();
  EXPECT_EQ(received[0].answered_status, 500);
  EXPECT_EQ(received[1].answered_status, 200);
  EXPECT_EQ(received[0].body, received[1].body);
}

TEST(Webhooks, FaultsBreakTheSignatureThePayloadOrTheRetries) {
  for (const auto fault :
       {Fault::webhook_wrong_secret, Fault::webhook_tampered_body, Fault::webhook_no_signature}) {
    MockApp mock(simosphere({{fault, std::nullopt}}));
    net::HttpReceiver receiver("127.0.0.1", 0);
    const std::string secret = register_hook(mock, receiver, json::array({"invoice.created"}));
    admin(mock, "POST", "/admin/events",
          {{"type", "invoice.created"}, {"data", {{"invoice_id", "i"}, {"amount", 1}, {"currency", "EUR"}}}});
    ASSERT_TRUE(wait_for(receiver, 1));
    const auto delivery = receiver.received().front();
    const std::string expected = "sha256=" + core::hmac_sha256_hex(secret, delivery.body);
    EXPECT_NE(delivery.headers.get("x-simo-signature").value_or(""), expected) << fault_name(fault);
  }
  MockApp late(simosphere({{Fault::webhook_no_retry, std::nullopt}}));
  net::HttpReceiver failing("127.0.0.1", 0, {500});
  register_hook(late, failing, json::array({"invoice.created"}));
  admin(late, "POST", "/admin/events", {{"type", "invoice.created"}, {"data", json::object()}});
  ASSERT_TRUE(wait_for(failing, 1));
  EXPECT_FALSE(wait_for(failing, 2, 1500ms)) << "no-retry must not try again";
}

TEST(Webhooks, RegistrationRejectsBadUrlsAndEventsTheProfileDoesNotEmit) {
  MockApp mock(simosphere());
  const auto bad_url =
      admin(mock, "POST", "/admin/webhooks", {{"url", "ftp://x"}, {"events", {"key.rotated"}}});
  EXPECT_EQ(bad_url.status, 400);
  EXPECT_EQ(bad_url.json()["error"]["param"], "url");
  const auto bad_event =
      admin(mock, "POST", "/admin/webhooks", {{"url", "http://127.0.0.1:1/"}, {"events", {"invoice.paid"}}});
  EXPECT_EQ(bad_event.status, 400);
  EXPECT_EQ(bad_event.json()["error"]["param"], "events");
  EXPECT_EQ(admin(mock, "DELETE", "/admin/webhooks/wh_nope").status, 404);
}

TEST(KeyRotation, TheOldKeyFailsAtOnceTheNewOneWorksAndKeyRotatedIsEmitted) {
  MockApp mock(simosphere());
  net::HttpReceiver receiver("127.0.0.1", 0);
  register_hook(mock, receiver, json::array({"key.rotated"}));
  ASSERT_EQ(with_key(mock, kSpare).status, 200);
  const auto rotated = admin(mock, "POST", "/admin/keys/rotate", {{"key", kSpare}});
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const std::string fresh = rotated.json()["key"];
  EXPECT_TRUE(fresh.starts_with("sk-simo-"));
  EXPECT_EQ(with_key(mock, kSpare).status, 401);
  EXPECT_EQ(with_key(mock, fresh).status, 200);
  EXPECT_EQ(with_key(mock, kKey).status, 200) << "other keys are untouched";
  ASSERT_TRUE(wait_for(receiver, 1));
  EXPECT_EQ(json::parse(receiver.received().front().body)["type"], "key.rotated");
  EXPECT_EQ(admin(mock, "POST", "/admin/keys/rotate", {{"key", kSpare}}).status, 404)
      << "a revoked key cannot rotate";
}

TEST(KeyRotation, TheStaleFaultKeepsTheOldKeyWorking) {
  MockApp mock(simosphere({{Fault::key_rotation_stale, std::nullopt}}));
  ASSERT_EQ(admin(mock, "POST", "/admin/keys/rotate", {{"key", kSpare}}).status, 200);
  EXPECT_EQ(with_key(mock, kSpare).status, 200);
}

TEST(UsageThresholds, CrossingOneEmitsUsageThresholdReachedOnce) {
  MockApp mock(simosphere());
  net::HttpReceiver receiver("127.0.0.1", 0);
  register_hook(mock, receiver, json::array({"usage.threshold_reached"}));
  ASSERT_EQ(
      admin(mock, "POST", "/admin/usage/thresholds", {{"key", kSpare}, {"metric", "requests"}, {"value", 2}})
          .status,
      200);
  for (int i = 0; i < 4; ++i)
    with_key(mock, kSpare);
  ASSERT_TRUE(wait_for(receiver, 1));
  EXPECT_FALSE(wait_for(receiver, 2, 500ms)) << "a threshold fires once";
  const json event = json::parse(receiver.received().front().body);
  EXPECT_EQ(event["data"]["threshold"], 2);
  EXPECT_EQ(event["data"]["current"], 2);
  const auto usage = admin(mock, "GET", "/admin/usage").json();
  EXPECT_EQ(usage["data"][0]["requests"], 4);
  EXPECT_EQ(admin(mock, "POST", "/admin/usage/thresholds",
                  {{"key", "sk-simo-unknown"}, {"metric", "requests"}, {"value", 1}})
                .status,
            404);
}

TEST(Discovery, ClaimedDocumentsAreServedWithTheirRequiredFields) {
  MockApp mock(simosphere());
  const auto resource =
      mock.send("GET", "/.well-known/oauth-protected-resource", "", {{"Host", "gw.test"}}, false);
  ASSERT_EQ(resource.status, 200);
  EXPECT_EQ(resource.json()["resource"], "http://gw.test/v1");
  const auto catalog = mock.send("GET", "/.well-known/api-catalog", "", {}, false);
  EXPECT_TRUE(catalog.header("content-type").starts_with("application/linkset+json"));
  EXPECT_TRUE(catalog.json()["linkset"].is_array());
  const auto llms = mock.send("GET", "/llms.txt", "", {}, false);
  EXPECT_TRUE(llms.body.starts_with("# SIMOSphere AI"));
  const auto openapi = mock.send("GET", "/openapi.json", "", {}, false).json();
  EXPECT_TRUE(openapi["openapi"].get<std::string>().starts_with("3.1"));
  for (const char* path :
       {"/.well-known/agent-card.json", "/.well-known/agent.json", "/.well-known/ai-plugin.json",
        "/.well-known/mcp/server-card.json", "/llms-full.txt"})
    EXPECT_EQ(mock.send("GET", path, "", {}, false).status, 200) << path;
}

// The served description is the profile's own surface: SIMOSphere claims chat completions and models only.
TEST(Discovery, TheOpenApiDescriptionHoldsOnlyTheOperationsTheProfileServes) {
  MockApp mock(simosphere());
  const auto openapi = mock.send("GET", "/openapi.json", "", {{"Host", "gw.test"}}, false).json();
  std::vector<std::string> paths;
  for (const auto& [path, operations] : openapi["paths"].items())
    paths.push_back(path);
  EXPECT_EQ(paths, (std::vector<std::string>{"/chat/completions", "/models", "/models/{model}"}));
  EXPECT_TRUE(openapi["paths"]["/chat/completions"].contains("post"));
  EXPECT_FALSE(openapi["paths"]["/chat/completions"].contains("get"))
      << "stored chat completions are not a route the mock serves";
  EXPECT_EQ(openapi["servers"][0]["url"], "http://gw.test/v1");
}

TEST(Discovery, UnclaimedDocumentsAre404AndTheFaultDropsRequiredFields) {
  MockApp openai;
  EXPECT_EQ(openai.send("GET", "/llms.txt", "", {}, false).status, 404);
  MockApp broken(simosphere({{Fault::discovery_incomplete, std::nullopt}}));
  EXPECT_FALSE(
      broken.send("GET", "/.well-known/oauth-protected-resource", "", {}, false).json().contains("resource"));
  EXPECT_FALSE(broken.send("GET", "/llms.txt", "", {}, false).body.starts_with("# "));
}

TEST(AdminApi, NeedsItsToken) {
  MockApp mock(simosphere());
  EXPECT_EQ(mock.send("GET", "/admin/webhooks", "", {}, false).status, 401);
  EXPECT_EQ(mock.send("GET", "/admin/webhooks", "", {{"Authorization", "Bearer wrong-token"}}, false).status,
            401);
}

}  // namespace
}  // namespace gatecheck::mock

namespace gatecheck::mock {
namespace {

TEST(HostileRequests, DeeplyNestedBodiesAreA400NotAStackOverflow) {
  MockApp mock(simosphere());
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  const auto event = admin(mock, "POST", "/admin/events", nullptr);
  EXPECT_EQ(event.status, 400);
  const auto nested_event =
      mock.send("POST", "/admin/events", R"({"type":"audit.flagged","data":{"x":)" + deep + "}}",
                {{"Authorization", std::string("Bearer ") + kAdmin}}, false);
  EXPECT_EQ(nested_event.status, 400) << nested_event.body;
  const auto chat =
      mock.post("/v1/chat/completions", R"({"model":"mistral-small-latest","messages":)" + deep + "}",
                {{"Authorization", std::string("Bearer ") + kKey}});
  EXPECT_EQ(chat.status, 400) << chat.body;
  EXPECT_EQ(admin(mock, "POST", "/admin/webhooks",
                  {{"url", "http://127.0.0.1:1/"}, {"events", {"audit.flagged"}}, {"description", 5}})
                .status,
            400);
}

}  // namespace
}  // namespace gatecheck::mock
