#include <cmath>
#include <cstring>

#include <gtest/gtest.h>

#include <gatecheck/core/crypto.hpp>

#include "app_fixture.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;
using testing::MockApp;

std::vector<float> decode_base64_floats(const std::string& text) {
  const auto bytes = core::base64_decode(text).value();
  std::vector<float> out(bytes.size() / 4);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::uint32_t bits = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i * 4])) |
                               static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i * 4 + 1])) << 8 |
                               static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i * 4 + 2]))
                                   << 16 |
                               static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i * 4 + 3])) << 24;
    std::memcpy(&out[i], &bits, 4);
  }
  return out;
}

double norm(const json& vector) {
  double sum = 0;
  for (const auto& value : vector)
    sum += value.get<double>() * value.get<double>();
  return std::sqrt(sum);
}

TEST(Embeddings, FloatVectorsAreUnitNormWithTheModelsDimensions) {
  MockApp mock;
  const auto answer =
      mock.post("/v1/embeddings", R"({"model":"text-embedding-3-small","input":["hello","world"]})");
  ASSERT_EQ(answer.status, 200) << answer.body;
  const json r = answer.json();
  EXPECT_EQ(r["object"], "list");
  ASSERT_EQ(r["data"].size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(r["data"][i]["index"], i);
    EXPECT_EQ(r["data"][i]["object"], "embedding");
    EXPECT_EQ(r["data"][i]["embedding"].size(), 1536u);
    EXPECT_NEAR(norm(r["data"][i]["embedding"]), 1.0, 1e-5);
  }
  EXPECT_NE(r["data"][0]["embedding"], r["data"][1]["embedding"]);
  EXPECT_EQ(r["usage"]["prompt_tokens"], r["usage"]["total_tokens"]);
}

TEST(Embeddings, Base64IsLittleEndianFloat32OfTheSameVector) {
  MockApp mock;
  const json floats =
      mock.post("/v1/embeddings", R"({"model":"text-embedding-3-small","input":"hello"})").json();
  const json packed =
      mock.post("/v1/embeddings",
                R"({"model":"text-embedding-3-small","input":"hello","encoding_format":"base64"})")
          .json();
  const auto decoded = decode_base64_floats(packed["data"][0]["embedding"].get<std::string>());
  ASSERT_EQ(decoded.size(), 1536u);
  for (std::size_t i = 0; i < decoded.size(); i += 97) {
    EXPECT_FLOAT_EQ(decoded[i], floats["data"][0]["embedding"][i].get<float>());
  }
}

TEST(Embeddings, DimensionsShortenAndRenormalise) {
  MockApp mock;
  const json r =
      mock.post("/v1/embeddings", R"({"model":"text-embedding-3-large","input":"x","dimensions":256})")
          .json();
  EXPECT_EQ(r["data"][0]["embedding"].size(), 256u);
  EXPECT_NEAR(norm(r["data"][0]["embedding"]), 1.0, 1e-5);
}

TEST(Embeddings, TokenArraysAreInputsToo) {
  MockApp mock;
  const auto answer =
      mock.post("/v1/embeddings", R"({"model":"text-embedding-3-small","input":[[1,2,3],[4,5]]})");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.json()["usage"]["prompt_tokens"], 5);
}

TEST(Embeddings, BadRequestsNameTheParameter) {
  MockApp mock;
  const auto check = [&](const char* body, int status, const char* param) {
    const auto answer = mock.post("/v1/embeddings", body);
    EXPECT_EQ(answer.status, status) << body << " -> " << answer.body;
    EXPECT_EQ(answer.json()["error"]["param"], param ? json(param) : json(nullptr)) << body;
  };
  check(R"({"input":"x"})", 400, "model");
  check(R"({"model":"text-embedding-3-small"})", 400, "input");
  check(R"({"model":"text-embedding-3-small","input":""})", 400, "input");
  check(R"({"model":"text-embedding-3-small","input":[]})", 400, "input");
  check(R"({"model":"text-embedding-3-small","input":"x","encoding_format":"hex"})", 400, "encoding_format");
  check(R"({"model":"text-embedding-3-small","input":"x","dimensions":0})", 400, "dimensions");
  check(R"({"model":"text-embedding-3-small","input":"x","dimensions":5000})", 400, "dimensions");
  check(R"({"model":"text-embedding-ada-002","input":"x","dimensions":8})", 400, "dimensions");
  check(R"({"model":"nope","input":"x"})", 404, nullptr);
  check(R"({"model":"gpt-4o","input":"x"})", 400, "model");
}

TEST(Models, ListAndRetrieveFromTheProfileCatalog) {
  MockApp mock;
  const json list = mock.get("/v1/models").json();
  EXPECT_EQ(list["object"], "list");
  EXPECT_EQ(list["data"].size(), mock.options.profile.models.size());
  for (const auto& model : list["data"]) {
    EXPECT_EQ(model["object"], "model");
    EXPECT_TRUE(model["created"].is_number_integer());
    EXPECT_TRUE(model["owned_by"].is_string());
  }
  const auto one = mock.get("/v1/models/gpt-4o");
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.json()["id"], "gpt-4o");
  const auto missing = mock.get("/v1/models/no-such-model");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json()["error"]["code"], "model_not_found");
}

TEST(Models, IdsWithSlashesWorkEncodedOrNot) {
  auto options = MockApp::default_options();
  options.profile.models.push_back({"qwen/qwen3-8b", "chat", "qwen", "", 1700000000, 0, 0, false});
  MockApp mock(options);
  EXPECT_EQ(mock.get("/v1/models/qwen/qwen3-8b").json()["id"], "qwen/qwen3-8b");
  EXPECT_EQ(mock.get("/v1/models/qwen%2Fqwen3-8b").json()["id"], "qwen/qwen3-8b");
}

}  // namespace
}  // namespace gatecheck::mock
