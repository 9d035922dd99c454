// How a rendered `request:` block becomes bytes on the wire: URL under the base path, the profile's auth
// scheme, every body form, and excerpts with the key masked.
#include "request_builder.hpp"

#include <gtest/gtest.h>

#include <gatecheck/core/redact.hpp>

#include "schema_book.hpp"

namespace gatecheck::runner {
namespace {

using nlohmann::json;

struct Fixture {
  explicit Fixture(const std::string& profile_name) : profile(vendor::load_profile(profile_name)) {
    options.api_key = "sk-simo-run-key-1234";
    options.extra_headers.add("X-Team", "qa");
  }
  RunEnvironment env() {
    return RunEnvironment{options, profile, "http://127.0.0.1:8080", "http://127.0.0.1:8080", book, {}};
  }

  vendor::Profile profile;
  RunOptions options;
  SchemaBook book = SchemaBook::load("");
};

TEST(RequestBuilder, JsonBodiesGoUnderTheBasePathWithBearerAuth) {
  Fixture f("openai");
  const auto env = f.env();
  const auto ex = build_exchange(
      json{{"path", "/chat/completions"}, {"json", {{"model", "m"}}}, {"query", {{"a b", "c&d"}}}}, env);
  EXPECT_EQ(ex.request.method, "POST");
  EXPECT_EQ(ex.request.url, "http://127.0.0.1:8080/v1/chat/completions?a%20b=c%26d");
  EXPECT_EQ(ex.request.headers.get("authorization").value_or(""), "Bearer sk-simo-run-key-1234");
  EXPECT_EQ(ex.request.headers.get("content-type").value_or(""), "application/json");
  EXPECT_EQ(ex.request.headers.get("x-team").value_or(""), "qa");
  EXPECT_EQ(ex.request_json["model"], "m");
}

TEST(RequestBuilder, RawPathsAbsoluteUrlsAndNoAuth) {
  Fixture f("openai");
  const auto env = f.env();
  const auto admin = build_exchange(json{{"path", "/admin/usage"}, {"raw_path", true}, {"auth", false}}, env);
  EXPECT_EQ(admin.request.method, "GET");
  EXPECT_EQ(admin.request.url, "http://127.0.0.1:8080/admin/usage");
  EXPECT_FALSE(admin.request.headers.contains("authorization"));
  const auto absolute = build_exchange(json{{"url", "http://example.test/.well-known/api-catalog"}}, env);
  EXPECT_EQ(absolute.request.url, "http://example.test/.well-known/api-catalog");
  EXPECT_THROW(build_exchange(json{{"url", "not a url"}}, env), std::invalid_argument);
}

TEST(RequestBuilder, AHeaderSchemeAndAPerStepKey) {
  Fixture f("simosphere");
  f.profile.auth = {{vendor::AuthScheme::Kind::header, "X-API-Key"}};
  const auto env = f.env();
  const auto ex = build_exchange(json{{"path", "/models"}, {"api_key", "sk-simo-other"}}, env);
  EXPECT_EQ(ex.request.headers.get("x-api-key").value_or(""), "sk-simo-other");
  EXPECT_FALSE(ex.request.headers.contains("authorization"));
}

TEST(RequestBuilder, RawBodiesSizedBodiesAndMultipartForms) {
  Fixture f("openai");
  const auto env = f.env();
  const auto raw = build_exchange(
      json{{"path", "/x"}, {"body", "{broken"}, {"headers", {{"Content-Type", "application/json"}}}}, env);
  EXPECT_EQ(raw.request.body, "{broken");
  EXPECT_TRUE(raw.request_json.is_null());
  const auto sized = build_exchange(json{{"path", "/x"}, {"body_bytes", 1000}}, env);
  EXPECT_EQ(sized.request.body, std::string(1000, 'x'));
  // Valid JSON of a chosen size: the document, then insignificant whitespace.
  const auto padded =
      build_exchange(json{{"path", "/x"}, {"json", {{"model", "m"}}}, {"json_bytes", 64}}, env);
  EXPECT_EQ(padded.request.body.size(), 64u);
  EXPECT_EQ(json::parse(padded.request.body), (json{{"model", "m"}}));
  const auto form =
      build_exchange(json{{"path", "/files"},
                          {"multipart",
                           {{"fields", {{"purpose", "batch"}}},
                            {"files", {{{"name", "file"}, {"filename", "a.jsonl"}, {"content", "{}\n"}}}}}}},
                     env);
  EXPECT_TRUE(
      form.request.headers.get("content-type").value_or("").starts_with("multipart/form-data; boundary="));
  EXPECT_NE(form.request.body.find("name=\"purpose\""), std::string::npos);
  EXPECT_NE(form.request.body.find("filename=\"a.jsonl\""), std::string::npos);
}

TEST(RequestBuilder, ExcerptsMaskTheKey) {
  Fixture f("openai");
  auto env = f.env();
  env.redactor.add_secret(f.options.api_key);
  const auto ex = build_exchange(json{{"path", "/models"}}, env);
  const std::string excerpt = request_excerpt(ex, env.redactor);
  EXPECT_EQ(excerpt.find("sk-simo-run-key-1234"), std::string::npos) << excerpt;
  EXPECT_NE(excerpt.find("GET http://127.0.0.1:8080/v1/models"), std::string::npos);
}

}  // namespace
}  // namespace gatecheck::runner
