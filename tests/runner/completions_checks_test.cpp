// completions.choices: n choices per prompt in order, echo that begins with the prompt, logprobs whose
// tokens are the text; judged on a JSON answer and on what a stream assembles to. The chat stream rules
// that make sense for text completions judge them too.
#include <gtest/gtest.h>

#include "check_assertions.hpp"
#include "exchange_builders.hpp"

namespace gatecheck::runner {
namespace {

using namespace testing;  // the builders
using nlohmann::json;

json completion_request(json extra = json::object()) {
  json request = {{"model", "gpt-3.5-turbo-instruct"}, {"prompt", "Say this"}};
  request.update(extra);
  return request;
}

json text_completion(json choices) {
  return {{"id", "cmpl-1"},
          {"object", "text_completion"},
          {"created", 1700000000},
          {"model", "gpt-3.5-turbo-instruct"},
          {"choices", std::move(choices)},
          {"usage", {{"prompt_tokens", 2}, {"completion_tokens", 2}, {"total_tokens", 4}}}};
}

json choice(int index, std::string text, json logprobs = nullptr) {
  return {{"index", index},
          {"text", std::move(text)},
          {"logprobs", std::move(logprobs)},
          {"finish_reason", "stop"}};
}

Exchange completion_answer(json request, json body) {
  Exchange ex = answered(std::move(request), 200, body);
  ex.request.url = "http://gateway.test/v1/completions";
  return ex;
}

Exchange completion_stream(json request, const std::vector<json>& chunks) {
  std::vector<std::string> pieces;
  for (const auto& chunk : chunks)
    pieces.push_back(event(chunk));
  pieces.push_back(kDone);
  request["stream"] = true;
  Exchange ex = streamed(std::move(request), pieces);
  ex.request.url = "http://gateway.test/v1/completions";
  return ex;
}

TEST(CompletionsChoices, NChoicesPerPromptInOrder) {
  const json request = completion_request({{"prompt", json::array({"a", "b"})}, {"n", 2}});
  const json four = json::array({choice(0, " x"), choice(1, " y"), choice(2, " z"), choice(3, " w")});
  EXPECT_TRUE(Passes(evaluate("completions.choices", completion_answer(request, text_completion(four)))));
  json three = four;
  three.erase(3);
  EXPECT_TRUE(FailsWith(evaluate("completions.choices", completion_answer(request, text_completion(three))),
                        "3 choices for 2 prompts of n 2"));
  json shuffled = four;
  std::swap(shuffled[1], shuffled[2]);
  EXPECT_TRUE(
      FailsWith(evaluate("completions.choices", completion_answer(request, text_completion(shuffled))),
                "is not indexed 1"));
}

TEST(CompletionsChoices, EchoBeginsWithThePrompt) {
  const json request = completion_request({{"echo", true}});
  EXPECT_TRUE(Passes(
      evaluate("completions.choices",
               completion_answer(request, text_completion(json::array({choice(0, "Say this and more")}))))));
  EXPECT_TRUE(
      FailsWith(evaluate("completions.choices",
                         completion_answer(request, text_completion(json::array({choice(0, " and more")})))),
                "does not begin with its prompt"));
}

TEST(CompletionsChoices, LogprobsTokensAreTheText) {
  const json request = completion_request({{"logprobs", 1}});
  const json good = {{"tokens", {" a", " b"}},
                     {"token_logprobs", {-0.1, -0.2}},
                     {"top_logprobs", {{{" a", -0.1}}, {{" b", -0.2}}}},
                     {"text_offset", {8, 10}}};
  EXPECT_TRUE(
      Passes(evaluate("completions.choices",
                      completion_answer(request, text_completion(json::array({choice(0, " a b", good)}))))));
  EXPECT_TRUE(
      FailsWith(evaluate("completions.choices",
                         completion_answer(request, text_completion(json::array({choice(0, " a c", good)})))),
                "do not join to the text"));
  json short_list = good;
  short_list["token_logprobs"] = {-0.1};
  EXPECT_TRUE(FailsWith(
      evaluate("completions.choices",
               completion_answer(request, text_completion(json::array({choice(0, " a b", short_list)})))),
      "token_logprobs does not hold one entry per token"));
  EXPECT_TRUE(
      FailsWith(evaluate("completions.choices",
                         completion_answer(request, text_completion(json::array({choice(0, " a b")})))),
                "carries no logprobs"));
}

TEST(CompletionsChoices, JudgesWhatAStreamAssemblesToAndOnlyCompletions) {
  const json request = completion_request({{"echo", true}});
  auto chunk = [](json choices) {
    return json{{"id", "cmpl-1"},
                {"object", "text_completion"},
                {"created", 1},
                {"model", "m"},
                {"choices", std::move(choices)}};
  };
  const Exchange stream = completion_stream(
      request, {chunk(json::array({{{"index", 0}, {"text", "Say this"}, {"finish_reason", nullptr}}})),
                chunk(json::array({{{"index", 0}, {"text", " more"}, {"finish_reason", nullptr}}})),
                chunk(json::array({{{"index", 0}, {"text", ""}, {"finish_reason", "stop"}}}))});
  EXPECT_TRUE(Passes(evaluate("completions.choices", stream)));
  EXPECT_TRUE(Passes(evaluate("sse.finish-reason-last", stream)));
  EXPECT_TRUE(Passes(evaluate("sse.done-sentinel", stream)));
  EXPECT_EQ(evaluate("sse.role-first", stream).kind, Verdict::Kind::not_applicable)
      << "no roles in text completions";
  EXPECT_EQ(stream.message_view()["choices"][0]["text"], "Say this more");
  const Exchange chat = answered(chat_request(), 200, completion(assistant("hi")));
  EXPECT_EQ(evaluate("completions.choices", chat).kind, Verdict::Kind::not_applicable);
}

TEST(CompletionsChoices, UsageIsJudgedOnATextCompletion) {
  json body = text_completion(json::array({choice(0, " x")}));
  body["usage"]["total_tokens"] = 9;
  EXPECT_TRUE(FailsWith(evaluate("usage.consistent", completion_answer(completion_request(), body)),
                        "total_tokens is not prompt_tokens + completion_tokens"));
}

TEST(CompletionsChoices, TopLogprobsMayAddTheSampledTokenAndPartialBytesNeedNotJoin) {
  const json request = completion_request({{"logprobs", 1}});
  json lp = {{"tokens", {" a", " b"}},
             {"token_logprobs", {-0.1, -0.2}},
             {"top_logprobs", {{{" a", -0.1}, {" x", -0.3}}, {{" b", -0.2}}}},
             {"text_offset", {8, 10}}};
  EXPECT_TRUE(
      Passes(evaluate("completions.choices",
                      completion_answer(request, text_completion(json::array({choice(0, " a b", lp)}))))))
      << "logprobs + 1 entries: the sampled token and one alternative";
  lp["top_logprobs"][0][" y"] = -0.4;
  EXPECT_TRUE(
      FailsWith(evaluate("completions.choices",
                         completion_answer(request, text_completion(json::array({choice(0, " a b", lp)})))),
                "more alternatives than asked for"));
  const json bytes = {{"tokens", {"bytes:\\xf0\\x9f", "bytes:\\x98\\x80"}},
                      {"token_logprobs", {-0.1, -0.2}},
                      {"top_logprobs", {{{"x", -0.1}}, {{"y", -0.2}}}},
                      {"text_offset", {8, 8}}};
  EXPECT_TRUE(Passes(evaluate(
      "completions.choices",
      completion_answer(request, text_completion(json::array({choice(0, "\xf0\x9f\x98\x80", bytes)}))))))
      << "a token that splits a UTF-8 character is written as bytes:";
}

}  // namespace
}  // namespace gatecheck::runner
