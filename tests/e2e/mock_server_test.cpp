// The mock over real sockets, driven by gatecheck's own HTTP client: keep-alive, streaming pace, transport
// faults, shutdown with open streams, many concurrent streams.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include <gatecheck/mock/server.hpp>
#include <gatecheck/net/http_client.hpp>

namespace gatecheck {
namespace {

using namespace std::chrono_literals;
using net::HttpClient;
using net::HttpRequest;
using net::HttpResponse;
using nlohmann::json;

const std::string kChat = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})";
const std::string kStream =
    R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true})";

mock::ServerOptions quiet_options() {
  mock::ServerOptions options;
  options.profile = vendor::load_profile("openai");
  options.log_format = mock::LogFormat::none;
  options.threads = 2;
  options.fixed_clock = 1700000000;
  return options;
}

class MockOverLoopback : public ::testing::Test {
 protected:
  void start(mock::ServerOptions options = quiet_options()) {
    server_ = std::make_unique<mock::Server>(std::move(options));
    server_->start();
  }
  void SetUp() override { start(); }
  HttpRequest post(const std::string& body, core::Headers headers = {}) {
    headers.add("Authorization", "Bearer sk-test");
    headers.add("Content-Type", "application/json");
    return {"POST", server_->url() + "/v1/chat/completions", std::move(headers), body};
  }
  std::unique_ptr<mock::Server> server_;
};

net::HttpClientOptions fast() {
  net::HttpClientOptions options;
  options.connect_timeout = 2s;
  options.read_timeout = 5s;
  options.total_timeout = 20s;
  return options;
}

TEST_F(MockOverLoopback, AnswersAndKeepsTheConnectionAlive) {
  HttpClient client(fast());
  const auto first = client.send(post(kChat));
  ASSERT_TRUE(first.ok()) << first.error->message;
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.headers.get("content-type"), "application/json");
  EXPECT_EQ(json::parse(first.body)["object"], "chat.completion");
  const auto second = client.send(post(kChat));
  EXPECT_TRUE(second.reused_connection);
  EXPECT_EQ(second.body, first.body) << "deterministic over the wire too";
}

TEST_F(MockOverLoopback, StreamsAreChunkedSseArrivingAtTheRequestedPace) {
  HttpClient client(fast());
  std::vector<core::SseEvent> events;
  net::ResponseHooks hooks;
  hooks.on_event = [&](core::SseEvent&& e) { events.push_back(std::move(e)); };
  const auto started = net::Clock::now();
  const auto response =
      client.send(post(kStream, {{"x-gatecheck-ttft-ms", "100"}, {"x-gatecheck-itl-ms", "25"}}), hooks);
  ASSERT_TRUE(response.ok()) << response.error->message;
  EXPECT_TRUE(response.chunked);
  EXPECT_TRUE(response.headers.get("content-type")->starts_with("text/event-stream"));
  ASSERT_GE(events.size(), 6u);
  EXPECT_EQ(events.back().data, "[DONE]");
  EXPECT_GE(events.front().received_at - started, 95ms) << "time to first token";
  // The content events keep the pace. Deadlines are absolute (a late event is followed by a shorter gap, so
  // the stream does not drift), hence the rule: no event comes before its slot — counted from before the
  // request was sent, not from an earlier event that may itself have been late — and on average they keep up.
  // Loose bounds: this is behaviour, not a benchmark.
  const std::size_t last = events.size() - 3;  // before the finish chunk and [DONE]
  for (std::size_t i = 1; i <= last; ++i) {
    const auto slot = 100ms + 25ms * static_cast<int>(i);
    EXPECT_GE(events[i].received_at - started, slot - 5ms) << "event " << i << " came before its slot";
  }
  const auto average = (events[last].received_at - events[1].received_at) / static_cast<int>(last - 1);
  EXPECT_LE(average, 200ms);
}

TEST_F(MockOverLoopback, OversizedBodiesGet413InTheEnvelope) {
  HttpClient client(fast());
  const std::string huge = R"({"model":"gpt-4o","messages":[{"role":"user","content":")" +
                           std::string(3 * 1024 * 1024, 'x') + R"("}]})";
  const auto response = client.send(post(huge));
  ASSERT_TRUE(response.ok()) << response.error->message;
  EXPECT_EQ(response.status, 413);
  EXPECT_TRUE(json::parse(response.body).contains("error"));
}

TEST_F(MockOverLoopback, StreamCutEndsTheConnectionMidBody) {
  HttpClient client(fast());
  std::vector<core::SseEvent> events;
  net::ResponseHooks hooks;
  hooks.on_event = [&](core::SseEvent&& e) { events.push_back(std::move(e)); };
  const auto response = client.send(post(kStream, {{"x-gatecheck-fault", "stream-cut=2"}}), hooks);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error->kind, net::TransportErrorKind::closed) << response.error->message;
  EXPECT_EQ(events.size(), 2u);
}

TEST_F(MockOverLoopback, ConnectionResetGivesNoAnswer) {
  HttpClient client(fast());
  const auto response = client.send(post(kChat, {{"x-gatecheck-fault", "connection-reset"}}));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status, 0);
}

TEST_F(MockOverLoopback, SlowFirstByteDelaysTheHeaders) {
  HttpClient client(fast());
  const auto started = net::Clock::now();
  const auto response = client.send(post(kChat, {{"x-gatecheck-fault", "slow-first-byte=300"}}));
  ASSERT_TRUE(response.ok());
  EXPECT_GE(response.timings.headers_received - started, 290ms);
}

TEST_F(MockOverLoopback, BufferedStreamsArriveAllAtOnce) {
  HttpClient client(fast());
  std::vector<core::SseEvent> events;
  net::ResponseHooks hooks;
  hooks.on_event = [&](core::SseEvent&& e) { events.push_back(std::move(e)); };
  const auto started = net::Clock::now();
  const auto response = client.send(
      post(kStream, {{"x-gatecheck-fault", "buffered-stream"}, {"x-gatecheck-itl-ms", "10"}}), hooks);
  ASSERT_TRUE(response.ok());
  ASSERT_GE(events.size(), 4u);
  EXPECT_LT(events.back().received_at - events.front().received_at, 5ms);
  EXPECT_GE(events.front().received_at - started, 40ms) << "held back for the whole generation time";
}

TEST_F(MockOverLoopback, MalformedHttpIsDropped) {
  HttpClient client(fast());
  HttpRequest request{"BAD METHOD", server_->url() + "/v1/models", {}, {}};
  const auto response = client.send(request);
  EXPECT_FALSE(response.ok() && response.status == 200);
  EXPECT_TRUE(client.send({"GET", server_->url() + "/health", {}, {}}).ok()) << "the server keeps serving";
}

TEST_F(MockOverLoopback, StoppingEndsOpenStreamsWithTheirClosingEvents) {
  std::vector<core::SseEvent> events;
  std::atomic<int> arrived{0};
  HttpResponse response;
  std::thread reader([&] {
    HttpClient client(fast());
    net::ResponseHooks hooks;
    hooks.on_event = [&](core::SseEvent&& e) {
      events.push_back(std::move(e));
      ++arrived;
    };
    response = client.send(post(kStream, {{"x-gatecheck-itl-ms", "300"}}), hooks);
  });
  // Stop once the stream is open (its first event arrived), not after a fixed sleep: a loaded or sanitized
  // build may not have accepted the connection yet, and a connection never accepted is reset, not ended.
  for (int i = 0; i < 500 && arrived.load() == 0; ++i)
    std::this_thread::sleep_for(20ms);
  EXPECT_GT(arrived.load(), 0) << "the stream never opened";
  const auto stopping = net::Clock::now();
  server_->stop();
  reader.join();
  EXPECT_LT(net::Clock::now() - stopping, 2s);
  ASSERT_TRUE(response.ok()) << response.error->message;
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().data, "[DONE]") << "the stream was ended, not dropped";
}

TEST_F(MockOverLoopback, ConcurrentStreamsDoNotWaitForEachOther) {
  constexpr int kStreams = 64;
  std::atomic<int> complete{0};
  std::vector<std::thread> threads;
  const auto started = net::Clock::now();
  for (int i = 0; i < kStreams; ++i) {
    threads.emplace_back([&] {
      HttpClient client(fast());
      const auto response = client.send(post(kStream, {{"x-gatecheck-itl-ms", "20"}}));
      if (response.ok() && response.body.find("[DONE]") != std::string::npos) ++complete;
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(complete, kStreams);
  // Each stream takes about tokens x 20 ms; one after another that would be 64 times longer.
  EXPECT_LT(net::Clock::now() - started, 8s);
}

// The journal keeps each answer as it went out, so a gateway's test can hold what its client got against it.
TEST_F(MockOverLoopback, TheJournalKeepsEachAnswerAsItWentOut) {
  auto options = quiet_options();
  options.admin_token = "admin-token-answers";
  options.journal_body_bytes = 64;
  server_->stop();
  start(options);
  HttpClient client(fast());
  const auto whole = client.send(post(kChat));
  const auto streamed = client.send(post(kStream));
  ASSERT_TRUE(whole.ok() && streamed.ok());
  core::Headers admin;
  admin.add("Authorization", "Bearer admin-token-answers");
  const auto found = client.send(
      {"POST", server_->url() + "/admin/requests/find", admin, R"({"since": 0, "misses": true})"});
  const json data = json::parse(found.body)["data"];
  ASSERT_EQ(data.size(), 2u) << found.body;
  const json& first = data[0]["response"];
  EXPECT_EQ(first["body"], whole.body.substr(0, 64));
  EXPECT_EQ(first["body_bytes"], whole.body.size());
  EXPECT_EQ(first["body_truncated"], true);
  EXPECT_EQ(first["headers"]["x-request-id"], std::string(*whole.headers.get("x-request-id")));
  EXPECT_EQ(data[1]["response"]["body"], streamed.body.substr(0, 64))
      << "a stream's events as they were sent";
  EXPECT_EQ(data[1]["response"]["body_bytes"], streamed.body.size());
}

}  // namespace
}  // namespace gatecheck
