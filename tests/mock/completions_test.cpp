// POST /v1/completions: the legacy API answers each prompt n times with the chat generator's text, echoes
// the prompt, reports logprobs consistent with the text, streams as chat does, and refuses chat models.
#include <gtest/gtest.h>

#include <gatecheck/core/sse.hpp>

#include "app_fixture.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;
using testing::MockApp;

json complete(MockApp& mock, json body, std::vector<std::pair<std::string, std::string>> headers = {}) {
  body["model"] = body.value("model", "gpt-3.5-turbo-instruct");
  if (!body.contains("prompt")) body["prompt"] = "Say this is a test";
  const auto answer = mock.post("/v1/completions", body.dump(), std::move(headers));
  EXPECT_EQ(answer.status, 200) << answer.body;
  return answer.status == 200 ? answer.json() : json();
}

json error_of(MockApp& mock, const json& body) {
  const auto answer = mock.post("/v1/completions", body.dump());
  EXPECT_EQ(answer.status, 400) << answer.body;
  return answer.json()["error"];
}

TEST(Completions, APromptGetsATextCompletionCutAtSixteenTokensByDefault) {
  MockApp mock;
  const json r = complete(mock, json::object(), {{"x-gatecheck-length", "30"}});
  EXPECT_EQ(r["object"], "text_completion");
  EXPECT_TRUE(r["id"].get<std::string>().starts_with("cmpl-"));
  ASSERT_EQ(r["choices"].size(), 1u);
  EXPECT_EQ(r["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(r["usage"]["completion_tokens"], 16) << "max_tokens defaults to 16, as the API";
  EXPECT_TRUE(r["choices"][0]["text"].get<std::string>().starts_with(" ")) << "the text continues the prompt";
  EXPECT_EQ(complete(mock, json::object(), {{"x-gatecheck-length", "30"}}), r) << "seeded";
}

TEST(Completions, EachPromptGetsNChoicesInOrder) {
  MockApp mock;
  const json r =
      complete(mock, {{"prompt", json::array({"One", "Two", "Three"})}, {"n", 2}, {"max_tokens", 3}});
  ASSERT_EQ(r["choices"].size(), 6u);
  for (std::size_t i = 0; i < 6; ++i)
    EXPECT_EQ(r["choices"][i]["index"], i);
  EXPECT_NE(r["choices"][0]["text"], r["choices"][2]["text"]) << "another prompt, another text";
  const json tokens = complete(mock, {{"prompt", json::array({json::array({1, 2, 3}), json::array({4})})}});
  EXPECT_EQ(tokens["choices"].size(), 2u) << "token-id prompts";
}

TEST(Completions, EchoAndLogprobsAgreeWithTheText) {
  MockApp mock;
  const json r = complete(mock, {{"echo", true}, {"logprobs", 3}, {"max_tokens", 4}});
  const json& choice = r["choices"][0];
  const std::string text = choice["text"];
  EXPECT_TRUE(text.starts_with("Say this is a test ")) << text;
  std::string joined;
  for (const auto& token : choice["logprobs"]["tokens"])
    joined += token.get<std::string>();
  EXPECT_EQ(joined, text);
  const std::size_t count = choice["logprobs"]["tokens"].size();
  EXPECT_EQ(choice["logprobs"]["token_logprobs"].size(), count);
  EXPECT_EQ(choice["logprobs"]["text_offset"].size(), count);
  EXPECT_TRUE(choice["logprobs"]["token_logprobs"][0].is_number()) << "typed number, as the reference";
  EXPECT_EQ(choice["logprobs"]["top_logprobs"].back().size(), 3u);
  EXPECT_EQ(choice["logprobs"]["text_offset"][1], 3) << "'Say' is 3 characters";
  const json plain = complete(mock, {{"logprobs", 0}, {"max_tokens", 2}});
  EXPECT_EQ(plain["choices"][0]["logprobs"]["text_offset"][0], std::string("Say this is a test").size())
      << "without echo, offsets count from the end of the prompt";
  EXPECT_EQ(plain["choices"][0]["logprobs"]["top_logprobs"][0].size(), 1u) << "the token itself";
}

TEST(Completions, AStreamAssemblesToTheNonStreamedAnswer) {
  MockApp mock;
  const json body = {{"model", "gpt-3.5-turbo-instruct"},
                     {"prompt", "Count"},
                     {"echo", true},
                     {"n", 2},
                     {"stream", true},
                     {"stream_options", {{"include_usage", true}}}};
  const auto answer = mock.post("/v1/completions", body.dump());
  ASSERT_EQ(answer.status, 200);
  std::vector<std::string> texts(2);
  std::vector<json> chunks;
  core::SseParser parser([&](core::SseEvent&& e) {
    if (e.data != "[DONE]") chunks.push_back(json::parse(e.data));
  });
  parser.feed(answer.body);
  for (const auto& chunk : chunks)
    for (const auto& choice : chunk["choices"])
      texts[choice["index"].get<std::size_t>()] += choice["text"].get<std::string>();
  json whole_body = body;
  whole_body.erase("stream");
  whole_body.erase("stream_options");
  const json whole = complete(mock, whole_body);
  EXPECT_EQ(texts[0], whole["choices"][0]["text"]);
  EXPECT_EQ(texts[1], whole["choices"][1]["text"]);
  EXPECT_TRUE(chunks.back()["choices"].empty());
  EXPECT_EQ(chunks.back()["usage"], whole["usage"]);
  EXPECT_TRUE(answer.body.ends_with("data: [DONE]\n\n"));
}

TEST(Completions, BadRequestsNameTheParameter) {
  MockApp mock;
  EXPECT_EQ(error_of(mock, {{"model", "gpt-3.5-turbo-instruct"}})["param"], "prompt");
  EXPECT_EQ(error_of(mock, {{"model", "gpt-3.5-turbo-instruct"}, {"prompt", 5}})["param"], "prompt");
  EXPECT_EQ(error_of(mock, {{"model", "gpt-3.5-turbo-instruct"}, {"prompt", json::array({"a", 1})}})["param"],
            "prompt[1]");
  EXPECT_EQ(error_of(mock, {{"model", "gpt-3.5-turbo-instruct"}, {"prompt", "a"}, {"logprobs", 9}})["param"],
            "logprobs");
  EXPECT_EQ(
      error_of(mock,
               {{"model", "gpt-3.5-turbo-instruct"}, {"prompt", "a"}, {"n", 3}, {"best_of", 2}})["param"],
      "best_of");
  EXPECT_EQ(
      error_of(mock,
               {{"model", "gpt-3.5-turbo-instruct"}, {"prompt", "a"}, {"messages", json::array()}})["param"],
      "messages");
  EXPECT_EQ(error_of(mock, {{"model", "gpt-4o-mini"}, {"prompt", "a"}})["param"], "model") << "a chat model";
}

TEST(Completions, TheEchoDroppedFaultLosesThePrompt) {
  MockApp mock;
  const json r = complete(mock, {{"echo", true}}, {{"x-gatecheck-fault", "completions-echo-dropped"}});
  EXPECT_FALSE(r["choices"][0]["text"].get<std::string>().starts_with("Say this is a test"));
}

TEST(Completions, EchoAndLogprobsAreBoundedLikeGeneratedText) {
  MockApp mock;
  std::string prompt;
  for (int i = 0; i < 2000; ++i)
    prompt += "word ";
  const auto answer = mock.post("/v1/completions", json{{"model", "gpt-3.5-turbo-instruct"},
                                                        {"prompt", prompt},
                                                        {"n", 128},
                                                        {"echo", true},
                                                        {"logprobs", 5},
                                                        {"max_tokens", 0}}
                                                       .dump());
  EXPECT_EQ(answer.status, 400)
      << "2000 tokens x 128 choices x 6 entries pass the 1,000,000 a request writes";
  EXPECT_EQ(answer.json()["error"]["param"], "echo");
}

}  // namespace
}  // namespace gatecheck::mock
