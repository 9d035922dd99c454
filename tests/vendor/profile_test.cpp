// Vendor claims files: the bundled baseline, inheritance, and errors that point at the line.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include <gatecheck/vendor/profile.hpp>

namespace gatecheck::vendor {
namespace {

namespace fs = std::filesystem;

class ProfileFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("gatecheck-profile-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  fs::path dir_;
};

TEST(BundledProfiles, TheOpenAiBaselineLoads) {
  const Profile p = load_profile("openai");
  EXPECT_EQ(p.id, "openai");
  EXPECT_EQ(p.base_path, "/v1");
  ASSERT_EQ(p.auth.size(), 1u);
  EXPECT_EQ(p.auth[0].kind, AuthScheme::Kind::bearer);
  EXPECT_EQ(p.model_roles.at("chat"), "gpt-4o-mini");
  ASSERT_NE(p.find_model("text-embedding-3-small"), nullptr);
  EXPECT_EQ(p.find_model("text-embedding-3-small")->dimensions, 1536u);
  EXPECT_EQ(p.rate_limits.remaining_requests, "x-ratelimit-remaining-requests");
  EXPECT_EQ(p.rate_limits.reset_format, ResetFormat::duration);
  EXPECT_TRUE(p.rate_limits.retry_after_ms);
  EXPECT_TRUE(p.has("chat.completions.stream"));
  EXPECT_EQ(p.error_type(429), "requests") << "the first of the list is the one the mock sends";
  EXPECT_EQ(p.error_types_for(429), (std::vector<std::string>{"requests", "tokens", "insufficient_quota"}));
  EXPECT_EQ(p.error_types_for(400), std::vector<std::string>{"invalid_request_error"});
  EXPECT_TRUE(p.error_types_for(418).empty());
  EXPECT_EQ(p.raw["models"]["chat"], "gpt-4o-mini") << "the raw claims feed {{ profile.* }} templates";
}

TEST(BundledProfiles, UnknownNamesListWhatExists) {
  try {
    load_profile("no-such-vendor");
    FAIL();
  } catch (const core::LoadError& e) {
    EXPECT_NE(std::string(e.what()).find("bundled: "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("openai"), std::string::npos);
  }
}

TEST_F(ProfileFiles, ExtendsAnotherProfileAndOverridesIt) {
  const auto path = write("vendor.yaml",
                          "profile: vendor\nextends: openai\nbase_path: /api/v1\n"
                          "auth:\n  schemes: [{type: bearer}, {type: header, header: X-API-Key}]\n"
                          "errors: {envelope: simplio, type: vendor_error}\n"
                          "streaming: {always: true}\n");
  const Profile p = load_profile(path);
  EXPECT_EQ(p.id, "vendor");
  EXPECT_EQ(p.base_path, "/api/v1");
  ASSERT_EQ(p.auth.size(), 2u);
  EXPECT_EQ(p.auth[1].header, "X-API-Key");
  EXPECT_EQ(p.envelope, ErrorEnvelope::simplio);
  EXPECT_EQ(p.error_type(404), "vendor_error");
  EXPECT_TRUE(p.always_stream);
  EXPECT_EQ(p.model_roles.at("chat"), "gpt-4o-mini") << "inherited from openai";
}

TEST_F(ProfileFiles, NullRemovesWhatTheBaseProfileHad) {
  const auto path = write("lean.yaml",
                          "profile: lean\nextends: openai\n"
                          "models:\n  embedding: null\n  moderation: null\n  completion: null\n"
                          "  speech: null\n  transcription: null\n  image: null\n"
                          "  catalog: [{id: lean-chat, kind: chat}]\n  chat: lean-chat\n"
                          "response_headers: {openai-version: null}\nwebhooks: null\n");
  const Profile p = load_profile(path);
  EXPECT_EQ(p.model_roles.size(), 1u) << "the inherited roles are gone with their models";
  EXPECT_TRUE(p.response_headers.empty());
  EXPECT_TRUE(p.webhooks.events.empty());
}

TEST_F(ProfileFiles, RoutingAndConditionsAreRead) {
  const auto path = write("router.yaml",
                          "profile: router\nextends: simplio\n"
                          "errors: {conditions: {upstream_down: {status: 409}}}\n");
  const Profile p = load_profile(path);
  EXPECT_EQ(p.routing.eco_to, "deepseek-chat");
  EXPECT_EQ(p.routing.fallback_to, "claude-sonnet-4-5-20250929");
  EXPECT_EQ(p.condition("upstream_down").status, 409);
  EXPECT_EQ(p.condition("upstream_down").message, "Provider unavailable (upgrade to Pro for fallback)")
      << "objects merge: the message stays simplio's";
  EXPECT_EQ(p.condition("upstreams_down").status, 502) << "inherited from simplio";
  EXPECT_EQ(p.condition("payment_required").status, 402) << "the default";
  EXPECT_EQ(p.idempotency.header, "Idempotency-Key");
  EXPECT_EQ(p.rate_limits.plans.at("free").requests_per_month, 20000u);
  EXPECT_TRUE(p.rate_limits.plans.at("pro").has("eco"));
  EXPECT_EQ(p.lineage, (std::vector<std::string>{"router", "simplio"}));
  EXPECT_EQ(load_profile("siati").lineage, (std::vector<std::string>{"siati", "openai"}));
}

TEST_F(ProfileFiles, RoutingMustNameCatalogModels) {
  const auto path =
      write("typo.yaml", "profile: typo\nextends: simplio\nrouting: {eco: {from: [gpt-4o], to: deepseek}}\n");
  try {
    load_profile(path);
    FAIL();
  } catch (const core::LoadError& e) {
    EXPECT_NE(std::string(e.what()).find("routing names 'deepseek', which is not in models.catalog"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(ProfileFiles, SchemaViolationsNameTheFileLineAndWhatIsAllowed) {
  const auto path = write("bad.yaml", "profile: bad\nextends: openai\nstreaming:\n  alwys: true\n");
  try {
    load_profile(path);
    FAIL();
  } catch (const core::LoadError& e) {
    EXPECT_EQ(e.position().line, 4u) << e.what();
    EXPECT_NE(std::string(e.what()).find("'alwys' is not allowed here (allowed: always,"), std::string::npos)
        << e.what();
  }
}

TEST_F(ProfileFiles, ModelRolesMustNameACatalogModel) {
  const auto path = write("roles.yaml", "profile: roles\nextends: openai\nmodels:\n  chat: gpt-9\n");
  try {
    load_profile(path);
    FAIL();
  } catch (const core::LoadError& e) {
    EXPECT_NE(std::string(e.what()).find("'gpt-9', which is not in models.catalog"), std::string::npos)
        << e.what();
    EXPECT_EQ(e.position().line, 4u);
  }
}

}  // namespace
}  // namespace gatecheck::vendor
