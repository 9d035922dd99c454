#include <gtest/gtest.h>

#include <gatecheck/core/multipart.hpp>
#include <gatecheck/core/url.hpp>

namespace gatecheck::core {
namespace {

TEST(Url, ParsesSchemeHostPortAndTarget) {
  const auto url = Url::parse("HTTPS://API.Example.com:8443/v1/models?limit=2#frag");
  EXPECT_EQ(url.scheme, "https");
  EXPECT_EQ(url.host, "api.example.com");
  EXPECT_EQ(url.port, 8443);
  EXPECT_EQ(url.target, "/v1/models?limit=2");
  EXPECT_EQ(url.path(), "/v1/models");
  EXPECT_EQ(url.authority(), "api.example.com:8443");
}

TEST(Url, DefaultsPortAndTarget) {
  EXPECT_EQ(Url::parse("http://localhost").port, 80);
  EXPECT_EQ(Url::parse("https://localhost").port, 443);
  EXPECT_EQ(Url::parse("http://localhost").target, "/");
  EXPECT_EQ(Url::parse("http://h?x=1").target, "/?x=1");
  EXPECT_EQ(Url::parse("https://h:443/").authority(), "h");
}

TEST(Url, HandlesIpv6Literals) {
  const auto url = Url::parse("http://[::1]:8080/x");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 8080);
  EXPECT_EQ(url.authority(), "[::1]:8080");
}

TEST(Url, RejectsWhatItCannotUseWithAReason) {
  EXPECT_THROW(Url::parse("localhost:8080"), UrlError);
  EXPECT_THROW(Url::parse("ftp://x/"), UrlError);
  EXPECT_THROW(Url::parse("http://:80/"), UrlError);
  EXPECT_THROW(Url::parse("http://h:0/"), UrlError);
  EXPECT_THROW(Url::parse("http://h:70000/"), UrlError);
  EXPECT_THROW(Url::parse("http://user:pw@h/"), UrlError);
}

TEST(Url, ResolvesLocationReferences) {
  const auto base = Url::parse("http://h:1/a/b?q");
  EXPECT_EQ(base.resolve("/c").str(), "http://h:1/c");
  EXPECT_EQ(base.resolve("c").str(), "http://h:1/a/c");
  EXPECT_EQ(base.resolve("https://other/x").str(), "https://other/x");
  EXPECT_EQ(base.resolve("//other/y").str(), "http://other/y");
}

TEST(Url, JoinsBasePathsWithOneSlash) {
  EXPECT_EQ(join_url_path("/v1", "/chat/completions"), "/v1/chat/completions");
  EXPECT_EQ(join_url_path("/v1/", "models"), "/v1/models");
  EXPECT_EQ(join_url_path("", "/x"), "/x");
  EXPECT_EQ(join_url_path("/api/v1", ""), "/api/v1");
}

TEST(Url, EncodesQueryComponents) {
  EXPECT_EQ(url_encode("a b/c~"), "a%20b%2Fc~");
}

TEST(Multipart, WritesRfc7578PartsWithAStableBoundary) {
  MultipartForm form;
  form.add_field("model", "whisper-1");
  form.add_file("file", "a\"b.wav", "audio/wav", "RIFF....");
  const std::string boundary = form.boundary();
  EXPECT_EQ(boundary, form.boundary()) << "deterministic";
  EXPECT_EQ(form.content_type(), "multipart/form-data; boundary=" + boundary);
  const std::string expected = "--" + boundary +
                               "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--" +
                               boundary +
                               "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a%22b.wav\"\r\n"
                               "Content-Type: audio/wav\r\n\r\nRIFF....\r\n--" +
                               boundary + "--\r\n";
  EXPECT_EQ(form.body(), expected);
}

TEST(Url, ErrorsNeverQuoteAPassword) {
  try {
    (void)Url::parse("http://alice:hunter2-secret@127.0.0.1:9/");
    FAIL() << "credentials in a URL are refused";
  } catch (const UrlError& e) {
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("alice:***@"), std::string::npos) << e.what();
  }
  EXPECT_EQ(redact_userinfo("https://token@host/x"), "https://***@host/x");
  EXPECT_EQ(url_userinfo_secret("http://u:p4ss@h/"), "p4ss");
  EXPECT_EQ(url_userinfo_secret("http://h/a"), std::nullopt);
  EXPECT_EQ(redact_userinfo("http://u:p#ss@h/"), "http://u:***@h/") << "a password with # is still masked";
  EXPECT_EQ(redact_userinfo("http://u:pa/ss@h"), "http://u:***@h");
}

}  // namespace
}  // namespace gatecheck::core
