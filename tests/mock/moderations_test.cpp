// POST /v1/moderations: every category scored, deterministically; a marker flags a category on purpose;
// inputs are read the way the reference describes them, and a bad one is a 400 naming it.
#include <gtest/gtest.h>

#include "app_fixture.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;
using testing::MockApp;

const char* const kCategories[] = {"harassment",
                                   "harassment/threatening",
                                   "hate",
                                   "hate/threatening",
                                   "illicit",
                                   "illicit/violent",
                                   "self-harm",
                                   "self-harm/intent",
                                   "self-harm/instructions",
                                   "sexual",
                                   "sexual/minors",
                                   "violence",
                                   "violence/graphic"};

TEST(Moderations, AStringGetsOneResultWithEveryCategoryScoredLowAndUnflagged) {
  MockApp mock;
  const auto answer = mock.post("/v1/moderations", R"({"input":"I would like a cup of tea."})");
  ASSERT_EQ(answer.status, 200) << answer.body;
  const json body = answer.json();
  EXPECT_EQ(body["model"], "omni-moderation-latest") << "the default model";
  EXPECT_EQ(body["id"].get<std::string>().rfind("modr-", 0), 0u);
  ASSERT_EQ(body["results"].size(), 1u);
  const json& result = body["results"][0];
  EXPECT_FALSE(result["flagged"].get<bool>());
  for (const char* category : kCategories) {
    EXPECT_FALSE(result["categories"][category].get<bool>()) << category;
    const double score = result["category_scores"][category].get<double>();
    EXPECT_TRUE(score >= 0 && score < 0.01) << category << " " << score;
    EXPECT_EQ(result["category_applied_input_types"][category], json::array({"text"})) << category;
  }
  EXPECT_EQ(result["categories"].size(), std::size(kCategories));
  EXPECT_EQ(mock.post("/v1/moderations", R"({"input":"I would like a cup of tea."})").body, answer.body)
      << "the same input, the same answer";
}

TEST(Moderations, TheMarkerFlagsItsCategoryAndTheResult) {
  MockApp mock;
  const json violent =
      mock.post("/v1/moderations", R"({"input":["calm","gatecheck:flag:violence","gatecheck:flag"]})").json();
  ASSERT_EQ(violent["results"].size(), 3u);
  EXPECT_FALSE(violent["results"][0]["flagged"].get<bool>());
  EXPECT_TRUE(violent["results"][1]["flagged"].get<bool>());
  EXPECT_TRUE(violent["results"][1]["categories"]["violence"].get<bool>());
  EXPECT_FALSE(violent["results"][1]["categories"]["harassment"].get<bool>());
  EXPECT_TRUE(violent["results"][2]["categories"]["harassment"].get<bool>()) << "the bare marker";
}

TEST(Moderations, TextAndImagePartsGetOneResultWithTheImageScoredWhereOmniModelsScoreIt) {
  MockApp mock;
  const json body = mock.post("/v1/moderations",
                              R"({"input":[{"type":"text","text":"look"},
                                  {"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]})")
                        .json();
  ASSERT_EQ(body["results"].size(), 1u);
  const json& types = body["results"][0]["category_applied_input_types"];
  EXPECT_EQ(types["violence"], json::array({"text", "image"}));
  EXPECT_EQ(types["sexual/minors"], json::array({"text"}));
}

TEST(Moderations, ABadRequestIsA400NamingTheParameter) {
  MockApp mock;
  const struct {
    const char* body;
    const char* param;
  } cases[] = {
      {R"({"model":"omni-moderation-latest"})", "input"},
      {R"({"input":42})", "input"},
      {R"({"input":[]})", "input"},
      {R"({"input":["a", 1]})", "input[1]"},
      {R"({"input":[{"type":"audio"}]})", "input[0].type"},
      {R"({"input":[{"type":"text"}]})", "input[0].text"},
      {R"({"input":[{"type":"image_url","image_url":{}}]})", "input[0].image_url.url"},
      {R"({"input":"x","model":"gpt-4o"})", "model"},
      {R"({"input":"x","temperature":1})", "temperature"},
  };
  for (const auto& c : cases) {
    const auto answer = mock.post("/v1/moderations", c.body);
    EXPECT_EQ(answer.status, 400) << c.body << " " << answer.body;
    EXPECT_EQ(answer.json()["error"]["param"], c.param) << c.body;
  }
  EXPECT_EQ(mock.post("/v1/moderations", R"({"input":"x","model":"no-such-model"})").status, 404);
}

}  // namespace
}  // namespace gatecheck::mock
