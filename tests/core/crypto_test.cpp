#include <cstring>

#include <gtest/gtest.h>

#include <gatecheck/core/crypto.hpp>

namespace gatecheck::core {
namespace {

TEST(HmacSha256, MatchesRfc4231TestCases) {
  // RFC 4231 section 4.2, test case 1.
  EXPECT_EQ(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Section 4.3, test case 2.
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, Base64FormIsTheSameDigest) {
  EXPECT_EQ(hmac_sha256_base64("Jefe", "what do ya want for nothing?"),
            base64_encode(*from_hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")));
}

TEST(Sha256, HashesTheEmptyString) {
  EXPECT_EQ(to_hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(ConstantTimeEquals, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equals("sha256=abc", "sha256=abc"));
  EXPECT_FALSE(constant_time_equals("sha256=abc", "sha256=abd"));
  EXPECT_FALSE(constant_time_equals("abc", "abcd"));
  EXPECT_TRUE(constant_time_equals("", ""));
}

TEST(Base64, MatchesRfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(*base64_decode("Zm9vYg=="), "foob");
  EXPECT_EQ(*base64_decode("Zm9vYg"), "foob") << "padding is optional";
  EXPECT_FALSE(base64_decode("Zm9v!").has_value());
  EXPECT_FALSE(base64_decode("Z").has_value());
}

TEST(Base64, EncodesLittleEndianFloatsTheWayTheSdksDecodeThem) {
  // The openai SDK decodes embeddings as little-endian float32: [0.5, -1.25, 3] <-> "AAAAPwAAoL8AAEBA".
  const float values[] = {0.5f, -1.25f, 3.0f};
  std::string bytes(sizeof values, '\0');
  std::memcpy(bytes.data(), values, sizeof values);
  EXPECT_EQ(base64_encode(bytes), "AAAAPwAAoL8AAEBA");
}

TEST(Hex, RoundTripsAndRejectsJunk) {
  EXPECT_EQ(to_hex("\x01\xab"), "01ab");
  EXPECT_EQ(*from_hex("01AB"), "\x01\xab");
  EXPECT_FALSE(from_hex("abc").has_value());
  EXPECT_FALSE(from_hex("zz").has_value());
}

TEST(RandomBytes, AreRandom) {
  EXPECT_EQ(random_bytes(32).size(), 32u);
  EXPECT_NE(random_bytes(16), random_bytes(16));
}

}  // namespace
}  // namespace gatecheck::core
