// Stubs (docs/mock.md, Stubs): a request pattern in the suites' matcher language plus a response definition,
// from the config or at run time; templates over the request, generated answers, scripted event streams,
// delays, scenarios, and the strict mode's near-miss report.
#include <cmath>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app_fixture.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing::MockApp;

constexpr const char* kChat = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})";
constexpr const char* kAdminToken = "admin-token-for-stub-tests";
const std::vector<std::pair<std::string, std::string>> kAdmin = {
    {"Authorization", "Bearer admin-token-for-stub-tests"}};

MockApp with_stubs(std::initializer_list<const char*> stubs, bool strict = false) {
  auto options = MockApp::default_options();
  for (const char* stub : stubs)
    options.stubs.push_back(json::parse(stub));
  options.strict_stubs = strict;
  options.admin_token = kAdminToken;
  return MockApp(options);
}

std::string chat_with(const std::string& content, const std::string& model = "gpt-4o-mini") {
  return json{{"model", model}, {"messages", {{{"role", "user"}, {"content", content}}}}}.dump();
}

TEST(StubPatterns, MatchWithTheSuitesMatchersNotOnlyLiterally) {
  auto mock = with_stubs({R"({"request": {"json": {"$.messages[*].content": {"matches": "^hello"}}},
                             "response": {"json": {"matched": true}}})"});
  EXPECT_EQ(mock.post("/v1/chat/completions", chat_with("hello world")).json(), json({{"matched", true}}));
  EXPECT_EQ(mock.post("/v1/chat/completions", chat_with("well, hello")).json()["object"], "chat.completion")
      << "a request no stub matches gets the generated answer";
}

TEST(StubPatterns, MethodPathQueryHeadersModelStreamAndRawBodyAllMustHold) {
  auto mock = with_stubs({R"({"request": {"method": "post", "path": {"starts_with": "/v1/chat"},
                                          "query": {"tenant": "acme"}, "headers": {"x-team": {"in": ["a", "b"]}},
                                          "model": "gpt-4o-mini", "stream": false, "body": {"contains": "hi"}},
                             "response": {"json": {"matched": true}}})"});
  const auto matched = [&](const std::string& path, const std::string& body,
                           std::vector<std::pair<std::string, std::string>> headers) {
    const auto answer = mock.post(path, body, std::move(headers));
    return answer.status == 200 && answer.body == R"({"matched":true})";
  };
  EXPECT_TRUE(matched("/v1/chat/completions?tenant=acme", kChat, {{"X-Team", "b"}}));
  EXPECT_FALSE(matched("/v1/chat/completions?tenant=other", kChat, {{"X-Team", "b"}})) << "query";
  EXPECT_FALSE(matched("/v1/chat/completions?tenant=acme", kChat, {{"X-Team", "c"}})) << "header";
  EXPECT_FALSE(matched("/v1/chat/completions?tenant=acme", chat_with("hi", "gpt-4o"), {{"X-Team", "a"}}))
      << "model";
  EXPECT_FALSE(matched("/v1/chat/completions?tenant=acme", chat_with("yo"), {{"X-Team", "a"}})) << "body";
  json streamed = json::parse(kChat);
  streamed["stream"] = true;
  EXPECT_FALSE(matched("/v1/chat/completions?tenant=acme", streamed.dump(), {{"X-Team", "a"}})) << "stream";
}

TEST(StubPatterns, APathTemplateBindsItsParametersForTheResponse) {
  auto mock = with_stubs({R"({"request": {"method": "GET", "path": "/v1/models/{model}"},
                             "response": {"json": {"id": "{{ request.path_params.model }}", "object": "model",
                                                   "owned_by": "stub"}}})"});
  EXPECT_EQ(mock.get("/v1/models/my-model").json()["id"], "my-model");
  EXPECT_EQ(mock.get("/v1/models/a%20b").json()["id"], "a b");
  EXPECT_NE(mock.get("/v1/models").json()["object"], "model") << "a template segment needs a value";
}

TEST(StubPatterns, TheLowestPriorityNumberWinsAndTiesGoToTheFirstDefined) {
  auto mock = with_stubs(
      {R"({"request": {"path": "/v1/chat/completions"}, "response": {"json": {"stub": "general"}}})",
       R"({"request": {"path": "/v1/chat/completions"}, "response": {"json": {"stub": "later"}}})",
       R"({"priority": 1, "request": {"model": "gpt-4o-mini"}, "response": {"json": {"stub": "specific"}}})"});
  EXPECT_EQ(mock.post("/v1/chat/completions", kChat).json()["stub"], "specific");
  EXPECT_EQ(mock.post("/v1/chat/completions", chat_with("x", "gpt-4o")).json()["stub"], "general");
}

TEST(StubPatterns, AMistypedMatcherIsAnErrorNamingWhereNotALiteral) {
  auto options = MockApp::default_options();
  options.stubs.push_back(
      json::parse(R"({"request": {"json": {"$.model": {"regex": "^gpt"}}}, "response": {}})"));
  try {
    MockApp mock(options);
    FAIL() << "expected the stub to be refused";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("stubs/0/request/json/$.model"));
    EXPECT_THAT(e.what(), HasSubstr("did you mean 'matches'"));
  }
}

TEST(StubTemplates, ReadTheRequestAndSeededRandomValuesAndTheClock) {
  auto mock = with_stubs({R"({"request": {"path": "/v1/chat/completions"},
      "response": {"headers": {"x-echo": "{{ request.headers.x-trace }}"},
                   "json": {"model": "{{ request.body.model }}", "n": "{{ request.body.messages[0].content }}",
                            "tenant": "{{ request.query.t }}", "id": "{{ random.uuid }}", "at": "{{ now.unix }}",
                            "hit": "{{ stub.hit }}", "line": "model={{ request.body.model }}"}}})"});
  const auto first = mock.post("/v1/chat/completions?t=acme", kChat, {{"x-trace", "abc"}});
  const json body = first.json();
  EXPECT_EQ(body["model"], "gpt-4o-mini");
  EXPECT_EQ(body["n"], "hi");
  EXPECT_EQ(body["tenant"], "acme");
  EXPECT_EQ(body["at"], 1700000000) << "a whole-value template keeps its type";
  EXPECT_EQ(body["hit"], 1);
  EXPECT_EQ(body["line"], "model=gpt-4o-mini");
  EXPECT_EQ(first.header("x-echo"), "abc");
  EXPECT_THAT(body["id"].get<std::string>(),
              ::testing::MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-.*"));
  const json second = mock.post("/v1/chat/completions?t=acme", kChat, {{"x-trace", "abc"}}).json();
  EXPECT_NE(second["id"], body["id"]) << "each hit draws anew";
  auto again = with_stubs({R"({"request": {"path": "/v1/chat/completions"},
      "response": {"json": {"id": "{{ random.uuid }}"}}})"});
  auto rerun = with_stubs({R"({"request": {"path": "/v1/chat/completions"},
      "response": {"json": {"id": "{{ random.uuid }}"}}})"});
  EXPECT_EQ(again.post("/v1/chat/completions", kChat).body, rerun.post("/v1/chat/completions", kChat).body)
      << "the same seed draws the same values";
}

TEST(StubTemplates, ANameTheRequestLacksIsA500NamingTheStubAndOneThatCannotExistIsRefusedAtLoad) {
  auto mock = with_stubs({R"({"id": "echo", "request": {"path": "/v1/chat/completions"},
                             "response": {"json": {"x": "{{ request.body.nothing }}"}}})"});
  const auto answer = mock.post("/v1/chat/completions", kChat);
  EXPECT_EQ(answer.status, 500);
  EXPECT_THAT(answer.body, HasSubstr("Stub echo"));
  EXPECT_THAT(answer.body, HasSubstr("nothing"));
  auto options = MockApp::default_options();
  options.stubs.push_back(json::parse(R"({"response": {"body": "{{ env.HOME }}"}})"));
  EXPECT_THROW(MockApp{options}, std::invalid_argument) << "env is not readable from stubs";
}

TEST(StubTemplates, APathParameterThatIsNotUtf8IsRepairedNotA500) {
  auto mock = with_stubs({R"({"request": {"path": "/v1/models/{model}"},
                             "response": {"json": {"id": "{{ request.path_params.model }}"}}})"});
  const auto answer = mock.get("/v1/models/%FF");
  EXPECT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.json()["id"], "\xef\xbf\xbd");
}

TEST(StubResponses, FramingHeadersAreTheServersAndAStubThatSetsOneIsRefused) {
  for (const char* stub : {R"({"response": {"headers": {"Content-Length": "5"}}})",
                           R"({"response": {"headers": {"transfer-encoding": "chunked"}}})",
                           R"({"response": {"status": 101}})"}) {
    auto options = MockApp::default_options();
    options.stubs.push_back(json::parse(stub));
    EXPECT_THROW(MockApp{options}, std::invalid_argument) << stub;
  }
}

TEST(StubResponses, AProxiedPathMustBeAbsoluteSoItCannotNameAnotherHost) {
  auto mock = with_stubs({R"({"response": {"proxy": {"url": "http://127.0.0.1:1"}}})"});
  const auto answer = mock.send("POST", ".evil.example/v1/chat/completions", kChat, {});
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.body, HasSubstr("must start with '/'"));
}

TEST(StubTemplates, ANameThatCanNeverExistIsRefusedWhenTheStubLoads) {
  for (const char* stub :
       {R"({"response": {"json": {"x": "{{ request.bdy.x }}"}}})",
        R"({"response": {"json": {"x": "{{ random.nope }}"}}})",
        R"({"response": {"headers": {"x-year": "{{ now.year }}"}}})",
        R"({"request": {"path": "/v1/a/{x}/b/{y}"}, "response": {"body": "{{ request.path_params.z }}"}})"}) {
    auto options = MockApp::default_options();
    options.stubs.push_back(json::parse(stub));
    EXPECT_THROW(MockApp{options}, std::invalid_argument) << stub;
  }
}

TEST(StubTemplates, EveryMemberTheTableNamesRenders) {
  std::string fields;
  for (const auto& [root, members] : kTemplateMembers) {
    std::string_view rest = members;
    while (!rest.empty()) {
      const auto start = rest.find_first_not_of(' ');
      if (start == std::string_view::npos) break;
      rest.remove_prefix(start);
      const std::string member(rest.substr(0, rest.find(' ')));
      rest.remove_prefix(member.size());
      fields += (fields.empty() ? "" : ", ") + std::string("\"") + std::string(root) + "." + member +
                "\": \"{{ " + std::string(root) + "." + member + " }}\"";
    }
  }
  auto options = MockApp::default_options();
  options.stubs.push_back(
      json::parse(R"({"request": {"path": "/v1/x"}, "response": {"json": {)" + fields + "}}}"));
  MockApp mock(options);
  const auto answer = mock.post("/v1/x", kChat);
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.json()["request.body"]["model"], "gpt-4o-mini");
  EXPECT_EQ(answer.json()["stub.hit"], 1);
}

TEST(StubResponses, KindsThatCannotGoTogetherAreNamedPlainly) {
  const auto refusal = [](const char* stub) {
    auto options = MockApp::default_options();
    options.stubs.push_back(json::parse(stub));
    try {
      MockApp mock(options);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_THAT(refusal(R"({"response": {"body": "x", "json": {}}})"),
              HasSubstr("json, body and events are one each"));
  EXPECT_THAT(refusal(R"({"response": {"answer": {"content": "x"}, "json": {}}})"),
              HasSubstr("generated answer"));
  EXPECT_THAT(refusal(R"({"response": {"status": 204, "json": {}}})"), HasSubstr("a 204 has no body"));
  EXPECT_THAT(refusal(R"({"id": "a", "response": {}})"), HasSubstr("accepted"));
}

TEST(StubResponses, TwoConfiguredStubsWithOneIdAreRefused) {
  auto options = MockApp::default_options();
  options.stubs.push_back(json::parse(R"({"id": "a", "response": {}})"));
  options.stubs.push_back(json::parse(R"({"id": "a", "response": {}})"));
  EXPECT_THROW(MockApp{options}, std::invalid_argument);
}

TEST(StubAnswers, AnAnswerNoEndpointReadsIsA500NamingTheStubNotIgnored) {
  auto mock = with_stubs(
      {R"({"id": "wrong-place", "request": {"path": "/v1/embeddings"}, "response": {"answer": {"content": "x"}}})"});
  const auto answer = mock.post("/v1/embeddings", R"({"model":"text-embedding-3-small","input":"x"})");
  EXPECT_EQ(answer.status, 500);
  EXPECT_THAT(answer.body, HasSubstr("stub_answer_unused"));
  EXPECT_THAT(answer.body, HasSubstr("wrong-place"));
}

TEST(StubTemplates, TemplateFalseSendsBracesLiterally) {
  auto mock = with_stubs({R"({"response": {"body": "{{ not a template", "template": false}})"});
  EXPECT_EQ(mock.post("/v1/chat/completions", kChat).body, "{{ not a template");
}

TEST(StubAnswers, AFixedAnswerIsGeneratedInEachApisShapeStreamedOrNot) {
  auto mock = with_stubs({R"({"request": {"body": {"contains": "weather"}},
                             "response": {"answer": {"content": "It is sunny in Paris."}, "headers": {"x-stub": "yes"}}})"});
  const auto chat = mock.post("/v1/chat/completions", chat_with("weather?"));
  EXPECT_EQ(chat.json()["choices"][0]["message"]["content"], "It is sunny in Paris.");
  EXPECT_EQ(chat.header("x-stub"), "yes");
  EXPECT_TRUE(chat.has_header("x-ratelimit-limit-requests"))
      << "the endpoint answered, the pipeline composed";
  json streamed = json::parse(chat_with("weather?"));
  streamed["stream"] = true;
  const auto stream = mock.post("/v1/chat/completions", streamed.dump());
  std::string assembled;
  for (const auto& event : stream.events) {
    if (event.find("[DONE]") != std::string::npos) continue;
    const json chunk = json::parse(event.substr(event.find('{')));
    if (!chunk["choices"].empty()) assembled += chunk["choices"][0]["delta"].value("content", "");
  }
  EXPECT_EQ(assembled, "It is sunny in Paris.");
  const auto completion =
      mock.post("/v1/completions", R"({"model":"gpt-3.5-turbo-instruct","prompt":"weather?"})");
  EXPECT_EQ(completion.json()["choices"][0]["text"], "It is sunny in Paris.");
  const auto response = mock.post("/v1/responses", R"({"model":"gpt-4o-mini","input":"weather?"})");
  EXPECT_EQ(response.json()["output"][0]["content"][0]["text"], "It is sunny in Paris.");
}

TEST(StubAnswers, ToolCallsAreScriptedByNameAndArguments) {
  auto mock = with_stubs(
      {R"({"response": {"answer": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]}}})"});
  const json message = mock.post("/v1/chat/completions", kChat).json()["choices"][0];
  EXPECT_EQ(message["finish_reason"], "tool_calls");
  EXPECT_EQ(message["message"]["tool_calls"][0]["function"]["name"], "get_weather");
  EXPECT_EQ(json::parse(message["message"]["tool_calls"][0]["function"]["arguments"].get<std::string>()),
            json({{"city", "Paris"}}));
}

TEST(StubAnswers, FaultsAndPacingComeFromTheStubWithoutControlHeaders) {
  auto mock = with_stubs({R"({"request": {"model": "gpt-4o-mini"},
                             "response": {"fault": "no-done", "pacing": {"ttft_ms": 40, "itl_ms": 7}}})"});
  json streamed = json::parse(kChat);
  streamed["stream"] = true;
  const auto answer = mock.post("/v1/chat/completions", streamed.dump());
  ASSERT_GE(answer.delays.size(), 3u);
  EXPECT_EQ(answer.delays[0], std::chrono::milliseconds(40));
  EXPECT_EQ(answer.delays[2], std::chrono::milliseconds(7));
  EXPECT_THAT(answer.body, ::testing::Not(HasSubstr("[DONE]")));
}

TEST(StubEvents, AScriptedStreamSendsEachEventAfterItsDelay) {
  auto mock = with_stubs({R"({"response": {"events": [
      {"data": {"model": "{{ request.body.model }}"}, "delay_ms": 5},
      {"event": "note", "data": "two\nlines", "delay_ms": 20},
      {"data": "[DONE]"}]}})"});
  const auto answer = mock.post("/v1/chat/completions", kChat);
  EXPECT_EQ(answer.header("content-type"), "text/event-stream");
  ASSERT_EQ(answer.events.size(), 3u);
  EXPECT_EQ(answer.events[0], "data: {\"model\":\"gpt-4o-mini\"}\n\n");
  EXPECT_EQ(answer.events[1], "event: note\ndata: two\ndata: lines\n\n");
  EXPECT_EQ(answer.delays[1], std::chrono::milliseconds(20));
  EXPECT_EQ(answer.events[2], "data: [DONE]\n\n");
}

TEST(StubDelays, FixedUniformAndLognormalAreSeededAndBounded) {
  auto mock = with_stubs(
      {R"({"request": {"model": "fixed"}, "response": {"json": {}, "delay": {"fixed_ms": 120}}})",
       R"({"request": {"model": "uniform"}, "response": {"json": {}, "delay": {"uniform": {"min_ms": 10, "max_ms": 20}}}})",
       R"({"request": {"model": "lognormal"}, "response": {"json": {}, "delay": {"lognormal": {"median_ms": 50, "sigma": 0.5}}}})"});
  EXPECT_EQ(mock.post("/v1/chat/completions", chat_with("x", "fixed")).reply.first_byte_delay,
            std::chrono::milliseconds(120));
  std::set<long> uniform;
  for (int i = 0; i < 20; ++i) {
    const auto delay =
        mock.post("/v1/chat/completions", chat_with("x", "uniform")).reply.first_byte_delay.count();
    EXPECT_GE(delay, 10);
    EXPECT_LE(delay, 20);
    uniform.insert(delay);
  }
  EXPECT_GT(uniform.size(), 3u) << "drawn anew each hit";
  double total = 0;
  for (int i = 0; i < 200; ++i)
    total += static_cast<double>(
        mock.post("/v1/chat/completions", chat_with("x", "lognormal")).reply.first_byte_delay.count());
  EXPECT_NEAR(total / 200, 50 * std::exp(0.125), 12) << "the lognormal's mean is median x e^(sigma^2/2)";
  auto rerun = with_stubs(
      {R"({"request": {"model": "uniform"}, "response": {"json": {}, "delay": {"uniform": {"min_ms": 10, "max_ms": 20}}}})"});
  auto again = with_stubs(
      {R"({"request": {"model": "uniform"}, "response": {"json": {}, "delay": {"uniform": {"min_ms": 10, "max_ms": 20}}}})"});
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(rerun.post("/v1/chat/completions", chat_with("x", "uniform")).reply.first_byte_delay,
              again.post("/v1/chat/completions", chat_with("x", "uniform")).reply.first_byte_delay)
        << "seeded: the same draws on every run";
}

TEST(StubScenarios, FailTwiceThenSucceedIsOneStubSet) {
  auto mock = with_stubs({R"({"scenario": "flaky", "required_state": "Started", "new_state": "failed-once",
                             "response": {"status": 500, "json": {"error": {"message": "first"}}}})",
                          R"({"scenario": "flaky", "required_state": "failed-once", "new_state": "recovered",
                             "response": {"status": 503, "json": {"error": {"message": "second"}}}})"});
  EXPECT_EQ(mock.post("/v1/chat/completions", kChat).status, 500);
  EXPECT_EQ(mock.post("/v1/chat/completions", kChat).status, 503);
  EXPECT_EQ(mock.post("/v1/chat/completions", kChat).status, 200) << "recovered: the generator answers";
  const json scenarios = mock.send("GET", "/admin/scenarios", "", kAdmin, false).json();
  EXPECT_EQ(scenarios["data"][0]["state"], "recovered");
  EXPECT_EQ(mock.send("PUT", "/admin/scenarios/flaky", R"({"state":"Started"})", kAdmin, false).status, 200);
  EXPECT_EQ(mock.post("/v1/chat/completions", kChat).status, 500) << "reset per scenario";
  EXPECT_EQ(mock.send("POST", "/admin/scenarios/reset", "", kAdmin, false).status, 204);
  EXPECT_EQ(mock.post("/v1/chat/completions", kChat).status, 500);
  EXPECT_EQ(mock.send("PUT", "/admin/scenarios/nope", R"({"state":"x"})", kAdmin, false).status, 404);
}

TEST(StubScenarios, ResponsesInOrderTheLastRepeatingAndHitsAreCounted) {
  auto mock = with_stubs(
      {R"({"id": "seq", "responses": [{"status": 429, "headers": {"Retry-After": "1"}}, {"json": {"ok": true}}]})"});
  EXPECT_EQ(mock.post("/v1/chat/completions", kChat).status, 429);
  EXPECT_EQ(mock.post("/v1/chat/completions", kChat).json(), json({{"ok", true}}));
  EXPECT_EQ(mock.post("/v1/chat/completions", kChat).json(), json({{"ok", true}}));
  EXPECT_EQ(mock.send("GET", "/admin/stubs/seq", "", kAdmin, false).json()["hits"], 3);
}

TEST(StrictMode, ANearMissNeverQuotesACredentialNeitherTheStubsNorTheClients) {
  auto mock =
      with_stubs({R"({"id": "team", "request": {"headers": {"authorization": "Bearer sk-team-secret-0001"}},
                             "response": {"json": {}}})"},
                 true);
  const auto answer =
      mock.post("/v1/chat/completions", kChat, {{"Authorization", "Bearer sk-client-secret-0002"}});
  EXPECT_EQ(answer.status, 404);
  EXPECT_THAT(answer.body, HasSubstr("a credential: neither is shown"));
  EXPECT_THAT(answer.body, ::testing::Not(HasSubstr("sk-team-secret")));
  EXPECT_THAT(answer.body, ::testing::Not(HasSubstr("sk-client-secret")));
}

TEST(StrictMode, AnUnmatchedRequestIsA404NamingTheNearestStubsAndWhyEachMissed) {
  auto mock =
      with_stubs({R"({"id": "chat-mini", "request": {"path": "/v1/chat/completions", "model": "gpt-4o"},
                             "response": {"json": {}}})",
                  R"({"id": "embeddings", "request": {"path": "/v1/embeddings"}, "response": {"json": {}}})"},
                 true);
  const auto answer = mock.post("/v1/chat/completions", kChat);
  EXPECT_EQ(answer.status, 404);
  const json body = answer.json();
  EXPECT_EQ(body["error"]["code"], "no_stub_matched");
  EXPECT_THAT(body["error"]["message"].get<std::string>(), HasSubstr("Nearest: chat-mini (json $.model"));
  ASSERT_EQ(body["near_misses"].size(), 2u);
  EXPECT_EQ(body["near_misses"][0]["stub"], "chat-mini") << "one of two criteria missed: the nearest";
  EXPECT_THAT(body["near_misses"][0]["misses"][0].get<std::string>(),
              HasSubstr("expected 'gpt-4o', got 'gpt-4o-mini'"));
  EXPECT_EQ(mock.get("/health").status, 200) << "outside the base path: not a stub's business";
}

}  // namespace
}  // namespace gatecheck::mock
