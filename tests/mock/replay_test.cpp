// Replay (--replay): recorded answers come back as recorded, matched on method, path and the canonical body,
// with their timing scaled; an unmatched request is a 404 naming the nearest recording, or falls through.
#include "replay.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/core/document.hpp>

#include "app_fixture.hpp"

namespace gatecheck::mock {
namespace {

namespace fs = std::filesystem;
using testing::MockApp;

constexpr const char* kAsk =
    R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"user":"u1"})";

cassette::Recording plain(const std::string& body, int status, const std::string& answer) {
  cassette::Recording r;
  r.source = "http://recorded.example:9";
  r.request = {"POST", "/v1/chat/completions", {{"Content-Type", "application/json"}}, body};
  r.response.status = status;
  r.response.headers = {{"Content-Type", "application/json"}, {"x-upstream", "yes"}};
  r.response.body = answer;
  r.response.headers_ms = 4;
  return r;
}

cassette::Recording streamed() {
  cassette::Recording r = plain(R"({"model":"gpt-4o-mini","stream":true,"messages":[]})", 200, "");
  r.response.headers = {{"Content-Type", "text/event-stream"},
                        {"x-gatecheck-pacing", "ttft-ms=10, itl-ms=50"}};
  r.response.body = "data: {\"a\":1}\n\ndata: {\"a\":2}\n\ndata: [DONE]\n\n";
  r.response.arrivals = {{10, 15}, {60, 30}, {110, r.response.body.size()}};
  return r;
}

class Replay : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("gatecheck-replay-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::vector<cassette::Recording>& recordings, const std::string& name = "c.jsonl") {
    std::ofstream out(dir_ / name);
    for (const auto& r : recordings)
      out << cassette::to_json(r).dump() << "\n";
  }
  MockApp app(ReplayOptions replay = {}) {
    auto options = MockApp::default_options();
    options.replay = {dir_.string()};
    options.replay_options = std::move(replay);
    return MockApp(std::move(options));
  }

  fs::path dir_;
};

TEST_F(Replay, ARecordedAnswerComesBackAsRecordedAndNothingIsAdded) {
  write({plain(kAsk, 200, R"({"id":"chatcmpl-rec","see":"http://recorded.example:9/x"})")});
  auto mock = app();
  const auto answer = mock.post("/v1/chat/completions", kAsk, {{"Host", "127.0.0.1:5555"}});
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.header("x-upstream"), "yes");
  EXPECT_FALSE(answer.has_header("x-request-id"));  // the pipeline adds nothing to a recording
  // The recording's own origin, in what it says, is the replaying server's.
  EXPECT_EQ(answer.json()["see"], "http://127.0.0.1:5555/x");
  EXPECT_EQ(answer.reply.first_byte_delay, std::chrono::milliseconds(4));
}

TEST_F(Replay, TheBodyMatchesCanonicallyWithoutItsVolatileFields) {
  write({plain(kAsk, 200, R"({"id":"one"})")});
  auto mock = app();
  const std::string reordered = R"({ "user": "someone-else", "messages": [{"content": "Hi", "role": "user"}],
                                     "model": "gpt-4o-mini" })";
  EXPECT_EQ(mock.post("/v1/chat/completions", reordered).json()["id"], "one");
}

TEST_F(Replay, AStreamPlaysAtItsRecordedPaceScaled) {
  write({streamed()});
  {
    auto mock = app();
    const auto answer =
        mock.post("/v1/chat/completions", R"({"model":"gpt-4o-mini","stream":true,"messages":[]})");
    ASSERT_EQ(answer.events.size(), 3u);
    EXPECT_EQ(answer.events[0], "data: {\"a\":1}\n\n");
    EXPECT_EQ(answer.delays[1], std::chrono::milliseconds(50));
    EXPECT_EQ(answer.header("x-gatecheck-pacing"), "ttft-ms=10, itl-ms=50");
  }
  ReplayOptions twice;
  twice.speed = 2;
  auto fast = app(twice);
  const auto answer =
      fast.post("/v1/chat/completions", R"({"model":"gpt-4o-mini","stream":true,"messages":[]})");
  EXPECT_EQ(answer.delays[1], std::chrono::milliseconds(25));
  EXPECT_EQ(answer.header("x-gatecheck-pacing"), "ttft-ms=5, itl-ms=25");  // the replay is the producer now
  ReplayOptions at_once;
  at_once.speed = 0;
  auto instant = app(at_once);
  const auto now =
      instant.post("/v1/chat/completions", R"({"model":"gpt-4o-mini","stream":true,"messages":[]})");
  EXPECT_EQ(now.delays[1], std::chrono::microseconds(0));
  EXPECT_EQ(now.header("x-gatecheck-pacing"), "ttft-ms=0, itl-ms=0");
}

TEST_F(Replay, AnUnmatchedRequestIsA404NamingTheNearestRecordingAndHowItDiffers) {
  write({plain(kAsk, 200, "{}"), plain(R"({"model":"other","messages":[]})", 200, "{}")});
  auto mock = app();
  const auto answer = mock.post("/v1/chat/completions",
                                R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"Bye"}]})");
  EXPECT_EQ(answer.status, 404);
  const auto body = answer.json();
  EXPECT_EQ(body["error"]["code"], "no_recording_matched");
  EXPECT_EQ(body["nearest_recording"]["recording"], (dir_ / "c.jsonl").string() + ":1");
  EXPECT_EQ(body["nearest_recording"]["difference"], "the body differs at /messages/0/content");
  EXPECT_NE(body["error"]["message"].get<std::string>().find("Nearest: "), std::string::npos);
  EXPECT_EQ(mock.get("/health").status, 200);  // outside the API: the mock's own
}

TEST_F(Replay, FallingThroughAnUnmatchedRequestGetsAGeneratedAnswer) {
  write({plain(kAsk, 500, "{}")});
  ReplayOptions options;
  options.fallthrough = true;
  auto mock = app(options);
  const auto answer = mock.post("/v1/chat/completions",
                                R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"new"}]})");
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.json()["object"], "chat.completion");
}

TEST_F(Replay, RequestsOfOneKeyGetTheirRecordingsInOrderAndTheLastRepeats) {
  write({plain(kAsk, 200, R"({"n":1})"), plain(kAsk, 429, R"({"n":2})")});
  auto mock = app();
  EXPECT_EQ(mock.post("/v1/chat/completions", kAsk).json()["n"], 1);
  EXPECT_EQ(mock.post("/v1/chat/completions", kAsk).json()["n"], 2);
  EXPECT_EQ(mock.post("/v1/chat/completions", kAsk).json()["n"], 2);
}

TEST_F(Replay, TheSameBytesAndThenTheSameCredentialsArePreferred) {
  auto accepted = plain(kAsk, 200, R"({"who":"accepted"})");
  accepted.request.headers.add("Authorization", "Bearer sk-good-key-000000000001");
  auto refused = plain(kAsk, 401, R"({"who":"refused"})");
  refused.request.headers.add("Authorization", "Bearer sk-bad-key-0000000000002");
  auto padded = plain(std::string(kAsk) + "      ", 413, R"({"who":"padded"})");
  std::vector<cassette::Recording> all{padded, accepted, refused};
  for (auto& r : all)
    cassette::redact(r, {});  // as a recorder writes them: masked, each key with its mark
  write(all);
  auto mock = app();
  EXPECT_EQ(mock.post("/v1/chat/completions", kAsk, {{"Authorization", "Bearer sk-bad-key-0000000000002"}})
                .json()["who"],
            "refused");
  EXPECT_EQ(mock.post("/v1/chat/completions", kAsk, {{"Authorization", "Bearer sk-good-key-000000000001"}})
                .json()["who"],
            "accepted");
  EXPECT_EQ(mock.post("/v1/chat/completions", std::string(kAsk) + "      ").json()["who"], "padded");
}

TEST_F(Replay, ARecordingThatBrokeOffBreaksOffAndOneWithoutAStatusResets) {
  auto cut = streamed();
  cut.response.error_kind = "closed";
  cut.response.arrivals.pop_back();
  cut.response.body.resize(cut.response.arrivals.back().end);
  auto none = plain(kAsk, 0, "");
  none.response.error_kind = "connect";
  write({cut, none});
  auto mock = app();
  const auto broken =
      mock.post("/v1/chat/completions", R"({"model":"gpt-4o-mini","stream":true,"messages":[]})");
  EXPECT_TRUE(broken.reply.break_off);
  EXPECT_EQ(broken.events.size(), 2u);
  EXPECT_TRUE(mock.post("/v1/chat/completions", kAsk).reply.reset_connection);
}

TEST_F(Replay, ABodyTooLargeToReadGetsTheRecorded413ForItsMethodAndPath) {
  write(
      {plain(kAsk, 200, "{}"), plain(std::string(kAsk) + std::string(100, ' '), 413, R"({"error":"flat"})")});
  auto mock = app();
  Request request;
  request.method = "POST";
  request.target = request.path = "/v1/chat/completions";
  request.body_too_large = true;
  request.headers.emplace_back("Authorization", "Bearer sk-test-key");
  const Reply recorded = mock.app->handle(request);
  EXPECT_EQ(recorded.status, 413);
  EXPECT_EQ(recorded.body, R"({"error":"flat"})");  // the recording's, not the mock's own envelope
  request.target = request.path = "/v1/embeddings";
  EXPECT_NE(mock.app->handle(request).body.find("\"error\":{"),
            std::string::npos);  // none recorded: the mock's
}

TEST_F(Replay, ANearMissIsDescribedInTheKeysOwnTerms) {
  write({plain(kAsk, 200, "{}")});
  auto mock = app();
  const auto extra = mock.post(
      "/v1/chat/completions", R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"n":2})");
  EXPECT_EQ(extra.json()["nearest_recording"]["difference"], "the request has /n, the recording does not");
  ReplayOptions by_header;
  by_header.key = {"method", "path", "header:x-tenant"};
  auto tenants = app(by_header);
  EXPECT_EQ(tenants.post("/v1/chat/completions", kAsk, {{"x-tenant", "b"}})
                .json()["nearest_recording"]["difference"],
            "the x-tenant header is '', not 'b'");
}

TEST_F(Replay, ACredentialHeaderThatDiffersIsNeverQuoted) {
  auto recorded = plain(kAsk, 200, "{}");
  recorded.request.headers.add("X-Api-Key", "sk-recorded-key-0123456789abcdef");
  cassette::redact(recorded, {});
  write({recorded});
  ReplayOptions by_key;
  by_key.key = {"method", "path", "header:x-api-key"};
  auto mock = app(by_key);
  const auto answer =
      mock.post("/v1/chat/completions", kAsk, {{"X-Api-Key", "sk-live-other-key-9876543210"}});
  EXPECT_EQ(answer.json()["nearest_recording"]["difference"], "the x-api-key header differs");
  EXPECT_EQ(answer.body.find("9876543210"), std::string::npos) << answer.body;
  EXPECT_EQ(
      mock.post("/v1/chat/completions", kAsk, {{"X-Api-Key", "sk-recorded-key-0123456789abcdef"}}).status,
      200)
      << "the same key matches by its mark";
}

TEST_F(Replay, StrictStubsLeaveUnmatchedRequestsToTheRecordings) {
  write({plain(kAsk, 200, R"({"id":"recorded"})")});
  auto options = MockApp::default_options();
  options.replay = {dir_.string()};
  options.strict_stubs = true;
  options.stubs.push_back(
      nlohmann::json::parse(R"({"request": {"path": "/v1/models"}, "response": {"json": {}}})"));
  MockApp mock(std::move(options));
  EXPECT_EQ(mock.post("/v1/chat/completions", kAsk).json()["id"], "recorded");
}

TEST_F(Replay, ArraysOfIgnoredFieldsAreLeftOutWhole) {
  write({plain(R"({"model":"m","tags":["a","b","c"],"messages":[]})", 200, R"({"ok":1})")});
  ReplayOptions options;
  options.ignore.push_back("$.tags[*]");
  auto mock = app(options);
  EXPECT_EQ(mock.post("/v1/chat/completions", R"({"model":"m","tags":["z"],"messages":[]})").status, 200);
}

TEST_F(Replay, FieldsMaskedWhenRecordedAreLeftOutOfTheKey) {
  auto masked = plain(kAsk, 200, R"({"id":"masked"})");
  masked.request.body = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"xxxx"}]})";
  masked.redactions = {"field $.messages[*].content"};
  write({masked});
  auto mock = app();
  EXPECT_EQ(mock.post("/v1/chat/completions",
                      R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"my secret"}]})")
                .json()["id"],
            "masked");
}

TEST_F(Replay, PlayedAtOnceAStreamAnnouncesThatItHasNoPace) {
  auto unknown = streamed();
  unknown.response.headers = {{"Content-Type", "text/event-stream"}};  // a gateway's: no pacing announced
  write({unknown});
  ReplayOptions at_once;
  at_once.speed = 0;
  auto mock = app(at_once);
  EXPECT_EQ(mock.post("/v1/chat/completions", R"({"model":"gpt-4o-mini","stream":true,"messages":[]})")
                .header("x-gatecheck-pacing"),
            "ttft-ms=0, itl-ms=0");
}

TEST_F(Replay, BadInputIsRefusedWhenTheMockStarts) {
  {
    auto empty = app();  // an empty folder (a first --replay DIR --record DIR): every request unmatched
    const auto answer = empty.post("/v1/chat/completions", kAsk);
    EXPECT_EQ(answer.status, 404);
    EXPECT_NE(answer.json()["error"]["message"].get<std::string>().find("There are no recordings"),
              std::string::npos);
  }
  std::ofstream(dir_ / "bad.jsonl") << "{\"cassette\": 1}\n";
  ReplayOptions options;
  EXPECT_THROW(ReplayStore({dir_.string()}, options), core::LoadError);
  fs::remove(dir_ / "bad.jsonl");
  options.key = {"method", "colour"};
  EXPECT_THROW(ReplayStore({dir_.string()}, options), std::invalid_argument);
  options.key = {"method"};
  options.ignore = {"$["};
  EXPECT_THROW(ReplayStore({dir_.string()}, options), std::invalid_argument);
}

}  // namespace
}  // namespace gatecheck::mock
