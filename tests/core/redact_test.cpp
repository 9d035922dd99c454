#include <gtest/gtest.h>

#include <gatecheck/core/redact.hpp>

namespace gatecheck::core {
namespace {

TEST(MaskSecret, KeepsAPrefixAndForLongSecretsTheLastFour) {
  EXPECT_EQ(mask_secret("sk-simo-0123456789abcdefghij"), "sk-simo-***ghij");
  EXPECT_EQ(mask_secret("sk_live_short"), "sk_live_***");
  EXPECT_EQ(mask_secret("whsec_c2VjcmV0c2VjcmV0c2VjcmV0"), "whsec_***cmV0");
  EXPECT_EQ(mask_secret("hunter22"), "***");
}

TEST(Redactor, MasksRegisteredSecretsEverywhere) {
  Redactor redactor;
  redactor.add_secret("my-admin-token-123");
  EXPECT_EQ(redactor.redact("token=my-admin-token-123; again my-admin-token-123"), "token=***; again ***");
}

TEST(Redactor, MasksBearerTokensAndKeyShapedWordsNobodyRegistered) {
  const Redactor redactor;
  EXPECT_EQ(redactor.redact("Authorization: Bearer abcdefghijklmnopqrstuvwxyz"),
            "Authorization: Bearer ***wxyz");
  EXPECT_EQ(redactor.redact("{\"key\":\"sk-proj-abcdefghijklmnopqrstuvwx\"}"),
            "{\"key\":\"sk-proj-***uvwx\"}");
  EXPECT_EQ(redactor.redact("task-list is fine, sk- alone too"), "task-list is fine, sk- alone too");
}

TEST(Redactor, MasksSensitiveHeadersWholeButKeepsTheScheme) {
  const Redactor redactor;
  EXPECT_TRUE(redactor.is_sensitive_header("X-API-Key"));
  EXPECT_EQ(redactor.redact_header("authorization", "Bearer sk-simo-0123456789abcdefghij"),
            "Bearer sk-simo-***ghij");
  EXPECT_EQ(redactor.redact_header("X-Api-Key", "plainsecretvalue"), "***");
  EXPECT_EQ(redactor.redact_header("content-type", "application/json"), "application/json");
}

}  // namespace
}  // namespace gatecheck::core
