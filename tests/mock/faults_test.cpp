// Each fault breaks exactly its rule; without faults the same request is correct.
#include <gtest/gtest.h>

#include <gatecheck/core/sse.hpp>

#include "app_fixture.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;
using testing::Answer;
using testing::MockApp;

const std::string kStream =
    R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}})";
const std::string kChat = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})";

Answer with_fault(const std::string& fault, const std::string& body,
                  const std::string& path = "/v1/chat/completions") {
  MockApp mock;
  return mock.post(path, body, {{"x-gatecheck-fault", fault}});
}

std::vector<std::string> data_of(const Answer& answer, core::SseStreamStats* stats = nullptr) {
  std::vector<std::string> data;
  core::SseParser parser([&](core::SseEvent&& e) { data.push_back(std::move(e.data)); });
  parser.feed(answer.body);
  parser.finish();
  if (stats) *stats = parser.stats();
  return data;
}

TEST(FaultCatalog, ParsesNamesAndParametersAndRejectsUnknownOnes) {
  const auto specs = parse_fault_list("no-done, stream-cut=5");
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].fault, Fault::no_done);
  EXPECT_EQ(specs[1].parameter, 5u);
  EXPECT_THROW(parse_fault_list("no-such-fault"), std::invalid_argument);
  EXPECT_THROW(parse_fault_list("stream-cut=x"), std::invalid_argument);
  for (const auto& info : fault_catalog()) {
    EXPECT_EQ(parse_fault_name(info.name), info.fault);
    EXPECT_FALSE(info.check.empty());
  }
}

TEST(FaultCatalog, AnUnknownFaultHeaderIsA400NamingIt) {
  const auto answer = with_fault("nonsense", kChat);
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(answer.json()["error"]["param"], "x-gatecheck-fault");
}

TEST(StreamFaults, NoDoneDropsOnlyTheSentinel) {
  const auto data = data_of(with_fault("no-done", kStream));
  EXPECT_NE(data.back(), "[DONE]");
  EXPECT_TRUE(json::parse(data.back())["choices"].empty()) << "the usage chunk is still there";
}

TEST(StreamFaults, ContentTypeIsWrong) {
  EXPECT_EQ(with_fault("sse-content-type", kStream).header("content-type"), "application/json");
  MockApp mock;
  EXPECT_TRUE(
      mock.post("/v1/chat/completions", kStream).header("content-type").starts_with("text/event-stream"));
}

TEST(StreamFaults, NonJsonChunkIsAnExtraEvent) {
  const auto data = data_of(with_fault("non-json-chunk", kStream));
  EXPECT_EQ(data[1], "keep-alive");
}

TEST(StreamFaults, ChunkIdsChange) {
  const auto data = data_of(with_fault("chunk-id-changes", kStream));
  EXPECT_NE(json::parse(data[0])["id"], json::parse(data[1])["id"]);
}

TEST(StreamFaults, UsageChunkMissing) {
  const auto data = data_of(with_fault("no-usage-chunk", kStream));
  for (const auto& item : data) {
    if (item != "[DONE]") {
      EXPECT_FALSE(json::parse(item)["choices"].empty());
    }
  }
}

TEST(StreamFaults, FinishReasonMissing) {
  const auto data = data_of(with_fault("no-finish-reason", kStream));
  for (const auto& item : data) {
    if (item == "[DONE]") continue;
    const json chunk = json::parse(item);
    if (!chunk["choices"].empty()) {
      EXPECT_TRUE(chunk["choices"][0]["finish_reason"].is_null());
    }
  }
}

TEST(StreamFaults, RoleMissingFromTheFirstChunk) {
  const auto data = data_of(with_fault("role-not-first", kStream));
  EXPECT_FALSE(json::parse(data[0])["choices"][0]["delta"].contains("role"));
}

TEST(StreamFaults, DataAfterDone) {
  const auto data = data_of(with_fault("data-after-done", kStream));
  ASSERT_GE(data.size(), 2u);
  EXPECT_EQ(data[data.size() - 2], "[DONE]");
  EXPECT_TRUE(json::accept(data.back()));
}

TEST(StreamFaults, UnterminatedTailIsLeftOver) {
  core::SseStreamStats stats;
  const auto data = data_of(with_fault("sse-unterminated-tail", kStream), &stats);
  EXPECT_EQ(data.back(), "[DONE]");
  EXPECT_GT(stats.unterminated_tail_bytes, 0u);
}

TEST(StreamFaults, StreamDiffersFromTheWholeAnswer) {
  MockApp mock;
  const std::string whole =
      mock.post("/v1/chat/completions", kChat, {{"x-gatecheck-fault", "stream-differs"}})
          .json()["choices"][0]["message"]["content"];
  std::string streamed;
  for (const auto& item :
       data_of(mock.post("/v1/chat/completions", kStream, {{"x-gatecheck-fault", "stream-differs"}}))) {
    if (item == "[DONE]") continue;
    const json chunk = json::parse(item);
    if (!chunk["choices"].empty()) streamed += chunk["choices"][0]["delta"].value("content", "");
  }
  EXPECT_NE(whole, streamed);
}

TEST(TransportFaults, AreHandedToTheServer) {
  EXPECT_TRUE(with_fault("buffered-stream", kStream).reply.buffered);
  EXPECT_EQ(with_fault("stream-cut=4", kStream).reply.cut_after_events, 4u);
  EXPECT_EQ(with_fault("stream-cut", kStream).reply.cut_after_events, 3u);
  EXPECT_TRUE(with_fault("connection-reset", kChat).reply.reset_connection);
  EXPECT_EQ(with_fault("slow-first-byte=1500", kChat).reply.first_byte_delay,
            std::chrono::milliseconds(1500));
  const auto bursts = with_fault("stream-bursts=250", kStream).reply;
  EXPECT_TRUE(bursts.buffered);
  EXPECT_EQ(bursts.flush_every, std::chrono::milliseconds(250));
  EXPECT_EQ(with_fault("stream-bursts", kStream).reply.flush_every, std::chrono::milliseconds(100));
}

TEST(ProtocolFaults, A405WithoutAllowAndZeroUsage) {
  MockApp mock;
  const auto plain = mock.get("/v1/chat/completions");
  EXPECT_EQ(plain.status, 405);
  EXPECT_EQ(plain.header("allow"), "POST");
  const auto bare = mock.get("/v1/chat/completions", {{"x-gatecheck-fault", "no-allow-on-405"}});
  EXPECT_EQ(bare.status, 405);
  EXPECT_FALSE(bare.has_header("allow"));
  const json zero = with_fault("usage-zero", kChat).json();
  EXPECT_FALSE(zero["choices"][0]["message"]["content"].get<std::string>().empty());
  EXPECT_EQ(zero["usage"]["completion_tokens"], 0);
  EXPECT_EQ(zero["usage"]["total_tokens"], 0);
}

TEST(ProtocolFaults, OutOfRangeValuesAreClampedInsteadOfRefused) {
  const std::string hot =
      R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"temperature":5,"top_p":-1})";
  EXPECT_EQ(with_fault("clamps-out-of-range", hot).status, 200);
  MockApp mock;
  const auto refused = mock.post("/v1/chat/completions", hot);
  EXPECT_EQ(refused.status, 400);
  // What no gateway clamps is still refused.
  const std::string many = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"n":1000})";
  EXPECT_EQ(with_fault("clamps-out-of-range", many).status, 400);
}

TEST(ProtocolFaults, EscapesInTheBodyAreAServerError) {
  const std::string escaped =
      R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"say \"hi\""}]})";
  EXPECT_EQ(with_fault("escaping-breaks", escaped).status, 500);
  EXPECT_EQ(with_fault("escaping-breaks", kChat).status, 200) << "a body without an escape is answered";
  MockApp mock;
  EXPECT_EQ(mock.post("/v1/chat/completions", escaped).status, 200);
}

const std::string kTools =
    R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"tool_choice":"required",
  "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}}}]})";

TEST(ToolFaults, ArgumentsNotJson) {
  const json r = with_fault("tool-args-not-json", kTools).json();
  EXPECT_FALSE(
      json::accept(r["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"].get<std::string>()));
}

TEST(ToolFaults, ArgumentsBreakTheSchema) {
  const json r = with_fault("tool-args-schema-mismatch", kTools).json();
  const json arguments =
      json::parse(r["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"].get<std::string>());
  EXPECT_FALSE(arguments.contains("a"));
}

TEST(ToolFaults, DeltasCarryTheIdentityLate) {
  const auto data = data_of(with_fault("tool-call-deltas-broken", R"({"stream":true,)" + kTools.substr(1)));
  bool checked = false;
  for (const auto& item : data) {
    if (item == "[DONE]") continue;
    const json delta = json::parse(item)["choices"][0]["delta"];
    if (!delta.contains("tool_calls")) continue;
    EXPECT_FALSE(delta["tool_calls"][0].contains("id")) << "the first tool delta lacks the id";
    checked = true;
    break;
  }
  EXPECT_TRUE(checked);
}

TEST(ContentFaults, JsonModeAndUsage) {
  const json mode =
      with_fault(
          "json-mode-invalid",
          R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}})")
          .json();
  EXPECT_FALSE(json::accept(mode["choices"][0]["message"]["content"].get<std::string>()));
  const json usage = with_fault("usage-inconsistent", kChat).json()["usage"];
  EXPECT_NE(usage["total_tokens"], usage["prompt_tokens"].get<int>() + usage["completion_tokens"].get<int>());
}

TEST(ErrorFaults, EnvelopeStatusAndStreamedErrors) {
  const std::string unknown = R"({"model":"gpt-9","messages":[{"role":"user","content":"x"}]})";
  const auto bare = with_fault("error-not-envelope", unknown);
  EXPECT_EQ(bare.status, 404);
  EXPECT_FALSE(bare.json().contains("error"));
  EXPECT_EQ(with_fault("error-status-mismatch", unknown).status, 500);
  const auto as_event = with_fault(
      "error-as-200-event", R"({"model":"gpt-9","stream":true,"messages":[{"role":"user","content":"x"}]})");
  EXPECT_EQ(as_event.status, 200);
  EXPECT_TRUE(json::parse(data_of(as_event).at(0)).contains("error"));
  MockApp mock;
  const auto plain = mock.post(
      "/v1/chat/completions", kStream,
      {{"x-gatecheck-fault", "stream-error-unstructured"}, {"x-gatecheck-stream-error-after", "2"}});
  EXPECT_NE(plain.body.find("Internal Server Error"), std::string::npos);
  EXPECT_EQ(plain.body.find("\"error\""), std::string::npos);
}

TEST(RateLimitFaults, HeadersGoMissingStuckOrStale) {
  EXPECT_FALSE(with_fault("no-ratelimit-headers", kChat).has_header("x-ratelimit-remaining-requests"));
  MockApp mock;
  const std::vector<std::pair<std::string, std::string>> stuck = {
      {"x-gatecheck-fault", "ratelimit-remaining-stuck"}};
  EXPECT_EQ(mock.post("/v1/chat/completions", kChat, stuck).header("x-ratelimit-remaining-requests"),
            mock.post("/v1/chat/completions", kChat, stuck).header("x-ratelimit-remaining-requests"));
  EXPECT_EQ(with_fault("ratelimit-reset-past", kChat).header("x-ratelimit-reset-requests"), "0s");
  const auto other = with_fault("ratelimit-other-convention", kChat);
  EXPECT_FALSE(other.has_header("x-ratelimit-remaining-requests"));
  EXPECT_EQ(other.header("ratelimit").rfind("\"requests\";r=", 0), 0u) << other.header("ratelimit");
  EXPECT_EQ(other.header("ratelimit-policy"), "\"requests\";q=500;w=60");
  auto options = MockApp::default_options();
  options.keys = {{"sk-free-000000000000", "free"}};
  MockApp limited(options);
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Authorization", "Bearer sk-free-000000000000"}, {"x-gatecheck-fault", "no-retry-after"}};
  Answer last;
  for (int i = 0; i < 4; ++i)
    last = limited.post("/v1/chat/completions", kChat, headers);
  EXPECT_EQ(last.status, 429);
  EXPECT_FALSE(last.has_header("retry-after"));
  EXPECT_FALSE(last.has_header("retry-after-ms"));
}

}  // namespace
}  // namespace gatecheck::mock

namespace gatecheck::mock {
namespace {

TEST(Faults, ErrorAs200EventWithANonBooleanStreamStillAnswersTheValidationError) {
  // "stream": "yes" is a 400 naming `stream`; the fault's stream detection must not throw on it.
  const auto answer =
      with_fault("error-as-200-event",
                 R"({"model":"gpt-4o-mini","stream":"yes","messages":[{"role":"user","content":"x"}]})");
  EXPECT_EQ(answer.status, 400);
  EXPECT_NE(answer.body.find("\"param\":\"stream\""), std::string::npos) << answer.body;
}

}  // namespace
}  // namespace gatecheck::mock

namespace gatecheck::mock {
namespace {

// Behind a gateway the runner cannot see what reached the mock: the answer says which controls it honoured
// and how the stream was paced, whatever set the pace.
TEST(ControlHeaders, TheAnswerListsTheControlsHonouredAndTheStreamsPacing) {
  MockApp mock;
  const auto streamed = mock.post("/v1/chat/completions", kStream,
                                  {{"x-gatecheck-itl-ms", "20"}, {"x-gatecheck-stream-error-after", "3"}});
  EXPECT_EQ(streamed.header("x-gatecheck-honoured"), "stream-error-after=3, itl-ms=20");
  EXPECT_EQ(streamed.header("x-gatecheck-pacing"), "ttft-ms=0, itl-ms=20");
  const auto plain = mock.post("/v1/chat/completions", kChat);
  EXPECT_EQ(plain.header("x-gatecheck-honoured"), "none") << "no control arrived, and the answer says so";
  EXPECT_FALSE(plain.has_header("x-gatecheck-pacing")) << "not a stream";
  auto options = MockApp::default_options();
  options.inter_token_ms = 7;  // the server's own pace, announced though no header asked for it
  MockApp paced(options);
  EXPECT_EQ(paced.post("/v1/chat/completions", kStream).header("x-gatecheck-pacing"), "ttft-ms=0, itl-ms=7");
}

TEST(ControlHeaders, NumbersWithTrailingJunkAreRefusedNamingTheHeader) {
  MockApp mock;
  for (const char* header : {"x-gatecheck-length", "x-gatecheck-stream-error-after"}) {
    const auto answer = mock.post("/v1/chat/completions", kStream, {{header, "5x"}});
    EXPECT_EQ(answer.status, 400) << header;
    EXPECT_NE(answer.body.find(std::string("\"param\":\"") + header + "\""), std::string::npos)
        << answer.body;
  }
  EXPECT_EQ(mock.post("/v1/chat/completions", kChat, {{"x-gatecheck-length", "5"}}).status, 200);
}

// Controls are read once, but each answers where it applies: as the mock always did.
TEST(ControlHeaders, AControlOnlyOneEndpointReadsIsJudgedThereAfterItsOwnChecks) {
  MockApp mock;
  EXPECT_EQ(mock.get("/v1/models", {{"x-gatecheck-length", "abc"}}).status, 200) << "models ignore it";
  EXPECT_EQ(mock.post("/v1/chat/completions", kChat, {{"x-gatecheck-stream-error-after", "x"}}).status, 200)
      << "a non-streamed answer ignores the stream control";
  const auto bad_body =
      mock.post("/v1/chat/completions", R"({"model":"gpt-4o-mini"})", {{"x-gatecheck-length", "abc"}});
  EXPECT_EQ(bad_body.status, 400);
  EXPECT_NE(bad_body.body.find("\"param\":\"messages\""), std::string::npos)
      << "the body's 400 wins: " << bad_body.body;
  EXPECT_EQ(mock.send("POST", "/v1/chat/completions", kChat, {{"x-gatecheck-length", "abc"}}, false).status,
            401)
      << "no key: the 401 wins";
}

TEST(ControlHeaders, AMalformedControlLeavesTheServersFaultsInForce) {
  auto options = MockApp::default_options();
  options.faults = parse_fault_list("error-status-mismatch");
  MockApp mock(options);
  EXPECT_EQ(mock.post("/v1/chat/completions", kChat, {{"x-gatecheck-ttft-ms", "abc"}}).status, 500)
      << "the 400 for the header is sent as the fault says";
}

TEST(ControlHeaders, TheRedirectFaultAnswersBeforeAPreflight) {
  MockApp mock;
  const auto answer = mock.send("OPTIONS", "/v1/chat/completions", "",
                                {{"origin", "https://app.example"},
                                 {"access-control-request-method", "POST"},
                                 {"x-gatecheck-fault", "redirect-answer"}},
                                false);
  EXPECT_EQ(answer.status, 302);
}

}  // namespace
}  // namespace gatecheck::mock
