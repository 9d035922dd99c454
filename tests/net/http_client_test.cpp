// The client against a real server over loopback: correct servers, slow ones, and ones that break the rules.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include <gatecheck/core/multipart.hpp>
#include <gatecheck/net/http_client.hpp>

#include "test_server.hpp"

namespace gatecheck::net {
namespace {

using namespace std::chrono_literals;
using testing::ReceivedRequest;
using testing::Responder;
using testing::TestServer;

HttpClientOptions fast_options() {
  HttpClientOptions options;
  options.connect_timeout = 2s;
  options.read_timeout = 2s;
  options.total_timeout = 5s;
  return options;
}

HttpResponse get(HttpClient& client, const std::string& url) {
  return client.send({"GET", url, {}, {}});
}

TEST(HttpClient, ReadsAContentLengthResponse) {
  TestServer server([](const ReceivedRequest& req, Responder& out) {
    out.respond(200, "hello " + req.target, "text/plain", "X-Request-Id: req-1\r\n");
  });
  HttpClient client(fast_options());
  const auto response = get(client, server.url("/v1/models"));
  ASSERT_TRUE(response.ok()) << response.error->message;
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "hello /v1/models");
  EXPECT_EQ(response.headers.get("x-request-id"), "req-1") << "lookups ignore case";
  EXPECT_FALSE(response.chunked);
}

TEST(HttpClient, SendsBodiesHeadersHostAndUserAgent) {
  ReceivedRequest seen;
  std::mutex mutex;
  TestServer server([&](const ReceivedRequest& req, Responder& out) {
    const std::lock_guard lock(mutex);
    seen = req;
    out.respond(201, "{}", "application/json");
  });
  HttpClient client(fast_options());
  HttpRequest request{
      "POST", server.url("/v1/chat/completions"), {{"Authorization", "Bearer sk-x"}}, "{\"a\":1}"};
  request.headers.add("Content-Type", "application/json");
  const auto response = client.send(request);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response.status, 201);
  const std::lock_guard lock(mutex);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.body, "{\"a\":1}");
  EXPECT_EQ(seen.headers.get("authorization"), "Bearer sk-x");
  EXPECT_EQ(seen.headers.get("content-length"), "7");
  EXPECT_EQ(seen.headers.get("host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(seen.headers.get("user-agent"), "gatecheck");
}

TEST(HttpClient, SendsMultipartFormsIntact) {
  std::string body;
  std::string content_type;
  std::mutex mutex;
  TestServer server([&](const ReceivedRequest& req, Responder& out) {
    const std::lock_guard lock(mutex);
    body = req.body;
    content_type = std::string(req.headers.get("content-type").value_or(""));
    out.respond(200, "ok");
  });
  core::MultipartForm form;
  form.add_field("model", "whisper-1");
  form.add_file("file", "a.wav", "audio/wav", std::string("RIFF\0\x01", 6));
  HttpRequest request{
      "POST", server.url("/v1/audio/transcriptions"), {{"Content-Type", form.content_type()}}, form.body()};
  ASSERT_TRUE(HttpClient(fast_options()).send(request).ok());
  const std::lock_guard lock(mutex);
  EXPECT_EQ(body, form.body());
  EXPECT_EQ(content_type, form.content_type());
}

TEST(HttpClient, DecodesChunkedBodies) {
  TestServer server([](const ReceivedRequest&, Responder& out) {
    out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  });
  HttpClient client(fast_options());
  const auto response = get(client, server.url());
  ASSERT_TRUE(response.ok());
  EXPECT_TRUE(response.chunked);
  EXPECT_EQ(response.body, "hello world");
}

TEST(HttpClient, ReusesKeptAliveConnections) {
  TestServer server([](const ReceivedRequest&, Responder& out) { out.respond(200, "x"); });
  HttpClient client(fast_options());
  const auto first = get(client, server.url());
  const auto second = get(client, server.url());
  const auto third = get(client, server.url());
  ASSERT_TRUE(first.ok() && second.ok() && third.ok());
  EXPECT_FALSE(first.reused_connection);
  EXPECT_TRUE(second.reused_connection);
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(server.requests(), 3);
}

TEST(HttpClient, DoesNotReuseWhenKeepAliveIsOff) {
  TestServer server([](const ReceivedRequest&, Responder& out) { out.respond(200, "x"); });
  auto options = fast_options();
  options.keep_alive = false;
  HttpClient client(options);
  ASSERT_TRUE(get(client, server.url()).ok());
  ASSERT_TRUE(get(client, server.url()).ok());
  EXPECT_EQ(server.connections(), 2);
}

TEST(HttpClient, RetriesOnceOnAFreshConnectionWhenTheIdleOneWasClosed) {
  TestServer server([](const ReceivedRequest&, Responder& out) {
    out.respond(200, "x");
    out.close();  // closes without saying so in a Connection header
  });
  HttpClient client(fast_options());
  ASSERT_TRUE(get(client, server.url()).ok());
  std::this_thread::sleep_for(50ms);
  const auto second = get(client, server.url());
  ASSERT_TRUE(second.ok()) << second.error->message;
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(server.connections(), 2);
}

TEST(HttpClient, HandsOverSseEventsAsTheyArriveWithTimestamps) {
  TestServer server([](const ReceivedRequest&, Responder& out) {
    out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 3; ++i) {
      const std::string event = "data: {\"n\":" + std::to_string(i) + "}\n\n";
      char size[16];
      std::snprintf(size, sizeof size, "%zx\r\n", event.size());
      out.write(std::string(size) + event + "\r\n");
      out.pause(60ms);
    }
    out.write("e\r\ndata: [DONE]\n\n\r\n0\r\n\r\n");
  });
  HttpClient client(fast_options());
  std::vector<core::SseEvent> events;
  int body_calls = 0;
  bool saw_headers = false;
  ResponseHooks hooks;
  hooks.on_headers = [&](const HttpResponse& head) { saw_headers = head.status == 200; };
  hooks.on_body = [&](std::string_view, Clock::time_point) { ++body_calls; };
  hooks.on_event = [&](core::SseEvent&& e) { events.push_back(std::move(e)); };
  const auto response = client.send({"GET", server.url("/stream"), {}, {}}, hooks);
  ASSERT_TRUE(response.ok()) << response.error->message;
  EXPECT_TRUE(saw_headers);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[3].data, "[DONE]");
  EXPECT_GE(body_calls, 4);
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_GE(events[i].received_at - events[i - 1].received_at, 40ms)
        << "event " << i << " arrived buffered";
  }
}

TEST(HttpClient, ReadTimeoutFiresWhenTheServerNeverAnswers) {
  TestServer server([](const ReceivedRequest&, Responder& out) {
    out.pause(1500ms);
    out.respond(200, "late");
  });
  auto options = fast_options();
  options.read_timeout = 200ms;
  HttpClient client(options);
  const auto started = Clock::now();
  const auto response = get(client, server.url());
  const auto elapsed = Clock::now() - started;
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error->kind, TransportErrorKind::read_timeout) << response.error->message;
  EXPECT_LT(elapsed, 1000ms);
  EXPECT_GE(elapsed, 190ms);
}

TEST(HttpClient, AStalledBodyTimesOutAndKeepsWhatArrived) {
  TestServer server([](const ReceivedRequest&, Responder& out) {
    out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
    out.pause(1500ms);
  });
  auto options = fast_options();
  options.read_timeout = 200ms;
  HttpClient client(options);
  const auto response = get(client, server.url());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error->kind, TransportErrorKind::read_timeout);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "partial");
  EXPECT_NE(response.error->message.find("after 7 bytes"), std::string::npos) << response.error->message;
}

TEST(HttpClient, TotalTimeoutBoundsASlowTrickle) {
  TestServer server([](const ReceivedRequest&, Responder& out) {
    out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
    for (int i = 0; i < 40; ++i) {
      out.write("x");
      out.pause(50ms);
    }
  });
  auto options = fast_options();
  options.read_timeout = 1s;
  options.total_timeout = 300ms;
  HttpClient client(options);
  const auto started = Clock::now();
  const auto response = get(client, server.url());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error->kind, TransportErrorKind::total_timeout) << response.error->message;
  EXPECT_LT(Clock::now() - started, 900ms);
}

TEST(HttpClient, ConnectTimeoutFiresWhenTheListenQueueIsFull) {
  // A listener that never accepts: once its queue is full, the kernel drops new SYNs and connect() hangs.
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 0), 0);
  socklen_t length = sizeof address;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  std::vector<int> fillers;
  bool full = false;
  for (int i = 0; i < 16 && !full; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    pollfd p{fd, POLLOUT, 0};
    full = ::poll(&p, 1, 100) == 0;
    fillers.push_back(fd);
  }
  if (!full)
    GTEST_SKIP() << "this kernel completes connections without accept(); cannot provoke a connect stall";
  auto options = fast_options();
  options.connect_timeout = 250ms;
  HttpClient client(options);
  const auto started = Clock::now();
  const auto response = get(client, "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/");
  for (const int fd : fillers)
    ::close(fd);
  ::close(listener);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error->kind, TransportErrorKind::connect_timeout) << response.error->message;
  EXPECT_LT(Clock::now() - started, 1500ms);
}

TEST(HttpClient, AServerClosingMidBodyIsReportedWithWhatArrived) {
  TestServer server([](const ReceivedRequest&, Responder& out) {
    out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
    out.close();
  });
  HttpClient client(fast_options());
  const auto response = get(client, server.url());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error->kind, TransportErrorKind::closed) << response.error->message;
  EXPECT_EQ(response.body, "0123456789");
}

TEST(HttpClient, AStreamCutMidEventDeliversTheCompleteEventsOnly) {
  TestServer server([](const ReceivedRequest&, Responder& out) {
    out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n");
    out.write("data: one\n\ndata: tw");
    out.close();
  });
  HttpClient client(fast_options());
  std::vector<core::SseEvent> events;
  core::SseStreamStats stats;
  ResponseHooks hooks;
  hooks.on_event = [&](core::SseEvent&& e) { events.push_back(std::move(e)); };
  hooks.on_sse_end = [&](const core::SseStreamStats& s) { stats = s; };
  const auto response = client.send({"GET", server.url(), {}, {}}, hooks);
  EXPECT_TRUE(response.ok()) << "a close-delimited body ends at the close";
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(stats.unterminated_tail, "data: tw");
}

TEST(HttpClient, RefusedConnectionsAreConnectErrors) {
  std::uint16_t port = 0;
  {
    TestServer server([](const ReceivedRequest&, Responder&) {});
    port = server.port();
  }
  HttpClient client(fast_options());
  const auto response = get(client, "http://127.0.0.1:" + std::to_string(port) + "/");
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error->kind, TransportErrorKind::connect);
}

TEST(HttpClient, InvalidUrlsAreReportedNotThrown) {
  HttpClient client(fast_options());
  const auto response = get(client, "localhost:8080/v1");
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error->kind, TransportErrorKind::invalid_url);
}

TEST(HttpClient, GarbageInsteadOfAStatusLineIsAProtocolError) {
  TestServer server([](const ReceivedRequest&, Responder& out) {
    out.write("SSH-2.0-OpenSSH\r\n\r\n");
    out.close();
  });
  HttpClient client(fast_options());
  const auto response = get(client, server.url());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error->kind, TransportErrorKind::protocol) << response.error->message;
}

TEST(HttpClient, BodiesOverTheLimitAreRefused) {
  TestServer server([](const ReceivedRequest&, Responder& out) { out.respond(200, std::string(5000, 'x')); });
  auto options = fast_options();
  options.max_body_bytes = 1000;
  HttpClient client(options);
  const auto response = get(client, server.url());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error->kind, TransportErrorKind::body_too_large);
}

TEST(HttpClient, HeadResponsesHaveNoBodyToWaitFor) {
  TestServer server([](const ReceivedRequest&, Responder& out) {
    out.write("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n");
  });
  HttpClient client(fast_options());
  const auto response = client.send({"HEAD", server.url(), {}, {}});
  ASSERT_TRUE(response.ok()) << response.error->message;
  EXPECT_EQ(response.headers.get("content-length"), "50");
  EXPECT_TRUE(response.body.empty());
}

TEST(HttpClient, RedirectsAreReportedUnlessFollowingIsAskedFor) {
  TestServer server([](const ReceivedRequest& req, Responder& out) {
    if (req.target == "/old") {
      out.respond(302, "", "text/plain", "Location: /new\r\n");
    } else {
      out.respond(200, req.method + " " + req.target);
    }
  });
  HttpClient plain(fast_options());
  EXPECT_EQ(get(plain, server.url("/old")).status, 302);
  auto options = fast_options();
  options.max_redirects = 3;
  HttpClient following(options);
  const auto response = following.send({"POST", server.url("/old"), {}, "x"});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "GET /new") << "a 302 after POST continues as GET";
  EXPECT_EQ(response.redirects_followed, 1u);
}

class HttpClientTls : public ::testing::Test {
 protected:
  static std::filesystem::path write_pem(const std::string& pem, const std::string& name) {
    const auto path = std::filesystem::temp_directory_path() / (name + std::to_string(::getpid()) + ".pem");
    std::ofstream(path) << pem;
    return path;
  }
};

TEST_F(HttpClientTls, RefusesASelfSignedCertificateByDefault) {
  const auto cert = testing::make_self_signed_certificate("localhost", {"DNS:localhost", "IP:127.0.0.1"});
  TestServer server([](const ReceivedRequest&, Responder& out) { out.respond(200, "secret"); }, cert);
  HttpClient client(fast_options());
  const auto response = get(client, server.url());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error->kind, TransportErrorKind::tls);
  EXPECT_NE(response.error->message.find("certificate verification failed"), std::string::npos)
      << response.error->message;
}

TEST_F(HttpClientTls, AcceptsItWhenVerificationIsOff) {
  const auto cert = testing::make_self_signed_certificate("localhost", {"DNS:localhost", "IP:127.0.0.1"});
  TestServer server([](const ReceivedRequest&, Responder& out) { out.respond(200, "secret"); }, cert);
  auto options = fast_options();
  options.verify_tls = false;
  HttpClient client(options);
  const auto response = get(client, server.url());
  ASSERT_TRUE(response.ok()) << response.error->message;
  EXPECT_EQ(response.body, "secret");
  EXPECT_TRUE(get(client, server.url()).reused_connection);
}

TEST_F(HttpClientTls, TrustsACaFileAndChecksTheHostName) {
  const auto cert = testing::make_self_signed_certificate("localhost", {"DNS:localhost", "IP:127.0.0.1"});
  const auto ca = write_pem(cert.certificate_pem, "gatecheck-ca-");
  TestServer server([](const ReceivedRequest&, Responder& out) { out.respond(200, "verified"); }, cert);
  auto options = fast_options();
  options.ca_file = ca.string();
  HttpClient client(options);
  const auto by_ip = get(client, server.url());
  ASSERT_TRUE(by_ip.ok()) << by_ip.error->message;
  const auto by_name = get(client, "https://localhost:" + std::to_string(server.port()) + "/");
  ASSERT_TRUE(by_name.ok()) << by_name.error->message;
  EXPECT_EQ(by_name.body, "verified");
  std::filesystem::remove(ca);
}

TEST_F(HttpClientTls, RejectsACertificateForAnotherHost) {
  const auto cert = testing::make_self_signed_certificate("other.example", {"DNS:other.example"});
  const auto ca = write_pem(cert.certificate_pem, "gatecheck-other-");
  TestServer server([](const ReceivedRequest&, Responder& out) { out.respond(200, "x"); }, cert);
  auto options = fast_options();
  options.ca_file = ca.string();
  HttpClient client(options);
  const auto response = get(client, server.url());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error->kind, TransportErrorKind::tls) << response.error->message;
  std::filesystem::remove(ca);
}

TEST_F(HttpClientTls, AnUnreadableCaFileIsReportedOnSend) {
  auto options = fast_options();
  options.ca_file = "/nonexistent/ca.pem";
  HttpClient client(options);
  const auto response = get(client, "https://127.0.0.1:1/");
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.error->message.find("/nonexistent/ca.pem"), std::string::npos);
}

}  // namespace
}  // namespace gatecheck::net

namespace gatecheck::net {
namespace {

using gatecheck::testing::Responder;
using gatecheck::testing::TestServer;

TEST(HttpClientDeadline, ACallersDeadlineCutsASlowTrickleAndSaysSo) {
  TestServer server([](const gatecheck::testing::ReceivedRequest&, Responder& out) {
    out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
    for (int i = 0; i < 40; ++i) {
      out.write("x");
      out.pause(std::chrono::milliseconds(50));
    }
  });
  HttpClientOptions options;
  options.read_timeout = std::chrono::seconds(1);
  options.total_timeout = std::chrono::seconds(5);
  HttpClient client(options);
  HttpRequest request{"GET", server.url(), {}, {}};
  request.deadline = Clock::now() + std::chrono::milliseconds(300);
  const auto started = Clock::now();
  const auto response = client.send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error->kind, TransportErrorKind::deadline) << response.error->message;
  EXPECT_LT(Clock::now() - started, std::chrono::milliseconds(900));
}

TEST(HttpClientDeadline, APassedDeadlineSendsNothing) {
  TestServer server(
      [](const gatecheck::testing::ReceivedRequest&, Responder& out) { out.respond(200, "ok"); });
  HttpClient client;
  HttpRequest request{"GET", server.url(), {}, {}};
  request.deadline = Clock::now() - std::chrono::seconds(1);
  const auto response = client.send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error->kind, TransportErrorKind::deadline);
  EXPECT_EQ(server.requests(), 0);
}

TEST(HttpClientInterim, A100ContinueIsReadPastAndTheConnectionStaysInStep) {
  TestServer server([](const gatecheck::testing::ReceivedRequest& request, Responder& out) {
    out.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n");
    out.respond(200, request.target);
  });
  HttpClient client;
  const auto first = client.send({"GET", server.url("/a"), {}, {}});
  const auto second = client.send({"GET", server.url("/b"), {}, {}});
  ASSERT_TRUE(first.ok()) << first.error->message;
  ASSERT_TRUE(second.ok()) << second.error->message;
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, "/a");
  EXPECT_EQ(second.body, "/b") << "the second request read its own answer, not the first one's";
  EXPECT_EQ(first.interim_statuses, (std::vector<int>{100, 103}));
}

TEST(HttpClientLimits, EventsCountTowardsTheBodyLimitSoARepeatedIdCannotAmplify) {
  // One 256 KiB `id:` line, then tiny events: each event carries the id again.
  TestServer server([](const gatecheck::testing::ReceivedRequest&, Responder& out) {
    std::string body = "id: " + std::string(256 * 1024, 'i') + "\n\n";
    for (int i = 0; i < 100; ++i)
      body += "data: x\n\n";
    out.respond(200, body, "text/event-stream");
  });
  HttpClientOptions options;
  options.max_body_bytes = 1024 * 1024;
  HttpClient client(options);
  std::size_t events = 0;
  ResponseHooks hooks;
  hooks.on_event = [&](core::SseEvent&&) { ++events; };
  const auto response = client.send({"GET", server.url(), {}, {}}, hooks);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error->kind, TransportErrorKind::body_too_large) << response.error->message;
  EXPECT_LT(events, 10u);
}

TEST(HttpClientLimits, AnEndlessChunkExtensionIsAProtocolErrorNotAGrowingBuffer) {
  TestServer server([](const gatecheck::testing::ReceivedRequest&, Responder& out) {
    out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;");
    for (int i = 0; i < 64; ++i)  // 4 MiB of extension, steadily: the read timeout never fires
      out.write(std::string(64 * 1024, 'a'));
  });
  HttpClient client;
  const auto started = Clock::now();
  const auto response = client.send({"GET", server.url(), {}, {}});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error->kind, TransportErrorKind::protocol) << response.error->message;
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(5));
}

TEST(HttpClientInterim, ARequestAnsweredOnlyWith100ContinueIsNeverSentTwice) {
  TestServer server([](const gatecheck::testing::ReceivedRequest& request, Responder& out) {
    if (request.target == "/first") {
      out.respond(200, "ok");
    } else {
      out.write("HTTP/1.1 100 Continue\r\n\r\n");
      out.close();
    }
  });
  HttpClient client;
  ASSERT_TRUE(client.send({"GET", server.url("/first"), {}, {}}).ok());
  const auto response = client.send({"POST", server.url("/charge"), {}, "{}"});
  EXPECT_FALSE(response.ok());
  EXPECT_EQ(server.requests(), 2) << "the POST was sent once, not retried on a fresh connection";
}

}  // namespace
}  // namespace gatecheck::net
