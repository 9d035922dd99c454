// webhook.*, keys.rotation-invalidates-old and discovery.*: each passes on a conforming delivery or document
// and fails, naming the defect, on a broken one.
#include <gtest/gtest.h>

#include <gatecheck/core/crypto.hpp>

#include "exchange_builders.hpp"
#include "webhook_checks.hpp"

namespace gatecheck::runner {
namespace {

using namespace testing;
using nlohmann::json;

const vendor::Profile& simosphere() {
  static const vendor::Profile profile = vendor::load_profile("simosphere");
  return profile;
}

Verdict check(std::string_view id, const Exchange& exchange) {
  const std::vector<const Exchange*> exchanges{&exchange};
  return evaluate_check(id, CheckContext{exchanges, simosphere(), std::nullopt, {}});
}

bool passes(const Verdict& v) {
  return v.kind == Verdict::Kind::pass;
}
bool fails_with(const Verdict& v, std::string_view needle) {
  return v.kind == Verdict::Kind::fail && v.message.find(needle) != std::string::npos;
}

std::int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

net::ReceivedRequest delivery(const std::string& body, core::Headers headers, int answered = 200) {
  net::ReceivedRequest request;
  request.method = "POST";
  request.target = "/hooks/x";
  request.body = body;
  request.headers = std::move(headers);
  request.at = std::chrono::steady_clock::now();
  request.answered_status = answered;
  return request;
}

const std::string kBody =
    R"({"id":"evt_1","type":"invoice.created","created":1,"data":{"invoice_id":"i","amount":1,"currency":"EUR"}})";

TEST(WebhookSignatureValid, AcceptsTheSimoSignatureInAnyHexCaseAndRejectsTheRest) {
  const auto& claims = simosphere().webhooks;
  std::string upper = core::hmac_sha256_hex("whsec_s", kBody);
  for (auto& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(passes(verify_signature(delivery(kBody, {{"X-SIMO-Signature", "sha256=" + upper}}), claims,
                                      "whsec_s", now())));
  EXPECT_TRUE(
      fails_with(verify_signature(delivery(kBody, {}), claims, "whsec_s", now()), "no X-SIMO-Signature"));
  EXPECT_TRUE(fails_with(
      verify_signature(delivery(kBody, {{"x-simo-signature", core::hmac_sha256_hex("whsec_s", kBody)}}),
                       claims, "whsec_s", now()),
      "prefix"));
  EXPECT_TRUE(fails_with(
      verify_signature(
          delivery(kBody, {{"X-SIMO-Signature", "sha256=" + core::hmac_sha256_hex("other", kBody)}}), claims,
          "whsec_s", now()),
      "does not match"));
  const std::string signature = "sha256=" + core::hmac_sha256_hex("whsec_s", kBody);
  EXPECT_TRUE(fails_with(
      verify_signature(delivery(kBody + " ", {{"X-SIMO-Signature", signature}}), claims, "whsec_s", now()),
      "does not match"))
      << "one byte changed after signing";
}

TEST(WebhookSignatureValid, StandardWebhooksChecksTheReplayWindowAndAnyOfSeveralSignatures) {
  vendor::WebhookClaims claims;
  claims.scheme = vendor::SignatureScheme::standard_webhooks;
  claims.tolerance_seconds = 300;
  const std::string secret = "whsec_" + core::base64_encode("key-bytes");
  const auto sign = [&](std::int64_t at) {
    return "v1," + core::hmac_sha256_base64("key-bytes", "evt_1." + std::to_string(at) + "." + kBody);
  };
  const std::int64_t t = now();
  const core::Headers good{{"webhook-id", "evt_1"},
                           {"webhook-timestamp", std::to_string(t)},
                           {"webhook-signature", "v1,bm90LXRoaXMtb25l " + sign(t)}};
  EXPECT_TRUE(passes(verify_signature(delivery(kBody, good), claims, secret, t)));
  const core::Headers stale{{"webhook-id", "evt_1"},
                            {"webhook-timestamp", std::to_string(t - 3600)},
                            {"webhook-signature", sign(t - 3600)}};
  EXPECT_TRUE(fails_with(verify_signature(delivery(kBody, stale), claims, secret, t), "replay window"));
  EXPECT_TRUE(
      fails_with(verify_signature(delivery(kBody, {{"webhook-id", "evt_1"}}), claims, secret, t), "missing"));
}

TEST(WebhookChecks, PayloadWithinAndRetries) {
  const auto ok = delivery(kBody, {});
  const auto received = std::vector<net::ReceivedRequest>{ok};
  const auto deliveries = deliveries_of(received, "invoice.created");
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_TRUE(passes(webhook_payload_schema(deliveries, "invoice.created", std::nullopt)));
  const auto schema = schema::compile(json{{"properties", {{"data", {{"required", {"reason"}}}}}}});
  EXPECT_TRUE(fails_with(webhook_payload_schema(deliveries, "invoice.created", schema), "breaks"));
  const std::vector<net::ReceivedRequest> bare{delivery(R"({"type":"invoice.created"})", {})};
  EXPECT_TRUE(fails_with(
      webhook_payload_schema(deliveries_of(bare, "invoice.created"), "invoice.created", std::nullopt),
      "lacks data"));

  const auto since = ok.at - std::chrono::milliseconds(500);
  EXPECT_TRUE(passes(webhook_delivered_within(deliveries, since, std::chrono::milliseconds(1000))));
  EXPECT_TRUE(
      fails_with(webhook_delivered_within(deliveries, since, std::chrono::milliseconds(100)), "took"));
  EXPECT_TRUE(
      fails_with(webhook_delivered_within({}, since, std::chrono::milliseconds(100)), "never delivered"));

  const std::vector<net::ReceivedRequest> retried{delivery(kBody, {}, 500), delivery(kBody, {}, 200)};
  EXPECT_TRUE(passes(webhook_retried_on_failure(deliveries_of(retried, "invoice.created"))));
  const std::vector<net::ReceivedRequest> abandoned{delivery(kBody, {}, 500)};
  EXPECT_TRUE(fails_with(webhook_retried_on_failure(deliveries_of(abandoned, "invoice.created")),
                         "never attempted again"));
  EXPECT_EQ(webhook_retried_on_failure(deliveries).kind, Verdict::Kind::not_applicable);
}

TEST(KeysRotationInvalidatesOld, A401PassesA200FailsOtherErrorsAreForTheErrorChecks) {
  EXPECT_TRUE(passes(check("keys.rotation-invalidates-old",
                           answered(json(nullptr), 401, json{{"error", {{"message", "x"}}}}))));
  EXPECT_TRUE(fails_with(
      check("keys.rotation-invalidates-old", answered(json(nullptr), 200, json{{"data", json::array()}})),
      "still works"));
  EXPECT_EQ(check("keys.rotation-invalidates-old", answered(json(nullptr), 500, json::object())).kind,
            Verdict::Kind::not_applicable);
}

TEST(Discovery, EachDocumentPassesWhenCompleteAndNamesWhatIsMissing) {
  const json resource = {{"resource", "https://gw.example/v1"}, {"bearer_methods_supported", {"header"}}};
  EXPECT_TRUE(passes(check("discovery.oauth-protected-resource", answered(json(nullptr), 200, resource))));
  EXPECT_TRUE(fails_with(
      check("discovery.oauth-protected-resource", answered(json(nullptr), 200, json{{"resource_name", "x"}})),
      "resource"));
  EXPECT_TRUE(
      fails_with(check("discovery.oauth-protected-resource",
                       answered(json(nullptr), 200,
                                json{{"resource", "https://x"}, {"bearer_methods_supported", {"cookie"}}})),
                 "unknown method"));

  const json catalog = {
      {"linkset",
       {{{"anchor", "https://gw/.well-known/api-catalog"}, {"item", {{{"href", "https://gw/v1"}}}}}}}};
  const core::Headers linkset{
      {"Content-Type", "application/linkset+json; profile=\"https://www.rfc-editor.org/info/rfc9727\""}};
  EXPECT_TRUE(passes(check("discovery.api-catalog", answered(json(nullptr), 200, catalog, linkset))));
  EXPECT_TRUE(
      fails_with(check("discovery.api-catalog", answered(json(nullptr), 200, catalog)), "linkset+json"));
  EXPECT_TRUE(fails_with(
      check("discovery.api-catalog", answered(json(nullptr), 200, json{{"links", json::array()}}, linkset)),
      "no `linkset`"));

  json card = {{"name", "a"},
               {"description", "b"},
               {"url", "https://gw/v1"},
               {"version", "1"},
               {"capabilities", json::object()},
               {"defaultInputModes", {"text/plain"}},
               {"defaultOutputModes", {"text/plain"}},
               {"skills", {{{"id", "s"}, {"name", "n"}, {"description", "d"}}}}};
  EXPECT_TRUE(passes(check("discovery.agent-card", answered(json(nullptr), 200, card))));
  card.erase("skills");
  EXPECT_TRUE(fails_with(check("discovery.agent-card", answered(json(nullptr), 200, card)), "skills"));

  const json server_card = {{"serverInfo", {{"name", "gw"}, {"version", "1"}}},
                            {"transport", {{"type", "streamable-http"}}}};
  EXPECT_TRUE(passes(check("discovery.mcp-server-card", answered(json(nullptr), 200, server_card))));
  EXPECT_TRUE(fails_with(
      check("discovery.mcp-server-card", answered(json(nullptr), 200, json{{"name", "gw"}})), "serverInfo"));

  const core::Headers markdown{{"Content-Type", "text/markdown"}};
  EXPECT_TRUE(passes(check("discovery.llms-txt",
                           answered(json(nullptr), 200, std::string("\n# Gateway\n> summary\n"), markdown))));
  EXPECT_TRUE(fails_with(
      check("discovery.llms-txt", answered(json(nullptr), 200, std::string("Gateway docs\n"), markdown)),
      "H1"));
  EXPECT_TRUE(fails_with(check("discovery.llms-full-txt", answered(json(nullptr), 200, std::string("# G\n"))),
                         "text"));

  const json api = {
      {"openapi", "3.1.0"}, {"info", {{"title", "t"}, {"version", "1"}}}, {"paths", json::object()}};
  EXPECT_TRUE(passes(check("discovery.openapi", answered(json(nullptr), 200, api))));
  EXPECT_TRUE(
      fails_with(check("discovery.openapi",
                       answered(json(nullptr), 200, json{{"openapi", "3.1.0"}, {"paths", json::object()}})),
                 "info"));
  EXPECT_TRUE(fails_with(check("discovery.openapi", answered(json(nullptr), 200, json{{"swagger", "2.0"}})),
                         "openapi: 3.x"));
}

}  // namespace
}  // namespace gatecheck::runner
