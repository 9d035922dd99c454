#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include <gatecheck/core/crypto.hpp>
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

// A secret a target echoes in another form must be masked in that form too (issue 20).
constexpr std::string_view kGoogleKey = "AIzaSyD-gatecheck-test-key-0123456789";

bool leaks(const std::string& text) {
  // Any eight characters in a row of the key, raw or in the forms below, count as a leak.
  const std::string key(kGoogleKey);
  for (std::size_t i = 0; i + 8 <= key.size(); ++i)
    if (text.find(key.substr(i, 8)) != std::string::npos) return true;
  return false;
}

TEST(RedactorEncodings, MasksBase64AtEveryAlignmentAndUrlSafe) {
  Redactor redactor;
  redactor.add_secret(kGoogleKey);
  for (const std::string prefix : {"", "x", "xx", "user:"}) {
    const std::string encoded = base64_encode(prefix + std::string(kGoogleKey) + "!");
    const std::string masked = redactor.redact("echo: " + encoded + " end");
    EXPECT_EQ(masked.find(encoded), std::string::npos) << prefix;
    const std::string core = base64_encode(std::string(kGoogleKey).substr(3, 30));
    EXPECT_EQ(masked.find(core.substr(4, 16)), std::string::npos) << "prefix '" << prefix << "': " << masked;
  }
  std::string url_safe = base64_encode("a" + std::string(kGoogleKey) + "?>?>");
  for (auto& c : url_safe)
    c = c == '+' ? '-' : c == '/' ? '_' : c;
  EXPECT_EQ(redactor.redact(url_safe).find(url_safe), std::string::npos);
}

TEST(RedactorEncodings, MasksJsonEscapesPercentEncodingAndLineSplits) {
  Redactor redactor;
  redactor.add_secret(kGoogleKey);
  std::string escaped;
  for (const char c : kGoogleKey) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
    escaped += buffer;
  }
  std::string percent;
  for (const char c : kGoogleKey) {
    char buffer[4];
    std::snprintf(buffer, sizeof buffer, "%%%02X", static_cast<unsigned>(c));
    percent += buffer;
  }
  const std::string key(kGoogleKey);
  const std::string split = key.substr(0, 15) + "\n" + key.substr(15);
  const std::string sse = "data: " + key.substr(0, 12) + "\ndata: " + key.substr(12) + "\n\n";
  const std::string json_split = key.substr(0, 10) + "\\n" + key.substr(10);
  for (const std::string& form : {escaped, percent, split, sse, json_split}) {
    const std::string masked = redactor.redact("{\"echo\":\"" + form + "\"}");
    EXPECT_EQ(masked.find(form), std::string::npos) << form << " -> " << masked;
    EXPECT_NE(masked.find("***"), std::string::npos) << masked;
  }
}

TEST(RedactorEncodings, MasksTheStartOfASecretCutByAnExcerpt) {
  Redactor redactor;
  redactor.add_secret(kGoogleKey);
  const std::string key(kGoogleKey);
  EXPECT_FALSE(leaks(redactor.redact("value '" + key.substr(0, 20) + "...'")));
  EXPECT_FALSE(leaks(redactor.redact("tail: " + key.substr(0, 9))));
  EXPECT_EQ(redactor.redact("an ordinary sentence..."), "an ordinary sentence...");
}

TEST(RedactorEncodings, CredentialHeadersRegisterTheTokenAndABasicPassword) {
  Redactor redactor;
  redactor.add_credential_header("x-goog-api-key", kGoogleKey);
  redactor.add_credential_header("Authorization", "Basic " + base64_encode("alice:correct-horse-battery"));
  EXPECT_TRUE(redactor.is_sensitive_header("X-Goog-Api-Key"));
  EXPECT_FALSE(leaks(redactor.redact("got " + std::string(kGoogleKey))));
  EXPECT_EQ(redactor.redact("password correct-horse-battery").find("correct-horse"), std::string::npos);
  EXPECT_TRUE(looks_like_credential_header("X-Goog-Api-Key"));
  EXPECT_TRUE(looks_like_credential_header("x-session-token"));
  EXPECT_FALSE(looks_like_credential_header("content-type"));
}

TEST(RedactorEncodings, ShortSecretsAreMaskedAsWholeWordsOnly) {
  Redactor redactor;
  redactor.add_secret("prod");
  redactor.add_credential_header("Authorization", "Bearer sk-abcdefghijklmnopqrstuvwxyz");
  EXPECT_EQ(redactor.redact("env prod, product latest"), "env ***, product latest");
  EXPECT_EQ(redactor.redact("scheme: Bearer"), "scheme: Bearer") << "the scheme word is no secret";
}

// Found by fuzzing: a masked tail that spanned an ellipsis shortened the text under a later cut position.
TEST(RedactorEncodings, CutPrefixesThatOverlapEllipsesAreMaskedOnce) {
  Redactor redactor;
  redactor.add_secret("hunter2-password");
  const std::string masked = redactor.redact("x hunter2-pa...ss ...hunter2-passw");
  EXPECT_EQ(masked.find("hunter2-pa"), std::string::npos) << masked;
  EXPECT_NO_THROW((void)redactor.redact("hunter2-..........data:...hunter2-"));
}

// Recordings (cassettes) are read again: a mask there keeps the value's length and shape, and a recording is
// a whole text, so nothing in it is taken for a secret's cut-off start.
TEST(RedactorShapes, AShapedMaskKeepsLengthPrefixLastFourAndCharacterClasses) {
  const std::string secret = "whsec_Q2hhbmdlTWUxMjM0NTY3ODkwYWJj";
  const std::string masked = mask_secret_in_shape(secret);
  EXPECT_EQ(masked.size(), secret.size());
  EXPECT_TRUE(masked.starts_with("whsec_"));
  EXPECT_TRUE(masked.ends_with(secret.substr(secret.size() - 4)));
  EXPECT_EQ(masked.find("hhbmdl"), std::string::npos) << masked;
  EXPECT_EQ(masked.find_first_not_of("whsec_x0YWJj"), std::string::npos) << masked;
  Redactor redactor;
  redactor.add_secret(secret);
  redactor.keep_shape();
  EXPECT_EQ(redactor.redact("secret: " + secret), "secret: " + masked);
  EXPECT_EQ(redactor.redact_header("Authorization", "Bearer " + secret), "Bearer " + masked);
}

TEST(RedactorShapes, AWholeTextKeepsAWordThatMerelyBeginsLikeASecret) {
  Redactor redactor;
  redactor.add_secret("gatecheck-admin-5f3a9c2e7b1d");
  EXPECT_EQ(redactor.redact("/v1/models/no-such-model-gatecheck", false),
            "/v1/models/no-such-model-gatecheck");
  EXPECT_NE(redactor.redact("/v1/models/no-such-model-gatecheck"), "/v1/models/no-such-model-gatecheck")
      << "an excerpt may have been cut inside a secret";
  EXPECT_EQ(redactor.redact("token gatecheck-admin-5f3a9c2e7b1d", false).find("5f3a9c"), std::string::npos);
}

}  // namespace
}  // namespace gatecheck::core
