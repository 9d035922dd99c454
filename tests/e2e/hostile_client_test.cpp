// Hostile clients over real sockets: the mock answers what it can (431, 413, 503), frees what a client
// abandons, and keeps serving. Each test is the reproducer of a defect found by probing (issue 20).
#include <arpa/inet.h>
#include <chrono>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include <gatecheck/mock/server.hpp>
#include <gatecheck/net/http_client.hpp>

namespace gatecheck {
namespace {

using namespace std::chrono_literals;

// A raw client socket: sends exactly the bytes given, reads with a deadline, closes when destroyed.
class RawClient {
 public:
  explicit RawClient(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~RawClient() { close(); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  bool send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  // Everything until the peer closes, the deadline passes or `enough` bytes arrived.
  std::string read(std::size_t enough = 1 << 20) {
    std::string out;
    char chunk[4096];
    while (out.size() < enough) {
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      out.append(chunk, static_cast<std::size_t>(n));
    }
    return out;
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
  bool connected_ = false;
};

mock::ServerOptions one_worker() {
  mock::ServerOptions options;
  options.profile = vendor::load_profile("openai");
  options.log_format = mock::LogFormat::none;
  options.threads = 1;
  return options;
}

// GET /big answers 32 MiB: more than loopback's socket buffers hold, so a client that never reads stalls it.
mock::ServerOptions with_big_answer(mock::ServerOptions options) {
  options.stubs.push_back(
      {{"request", {{"path", "/big"}}},
       {"response", {{"body", std::string(32 * 1024 * 1024, 'x')}, {"template", false}}}});
  return options;
}

// Whether /health answers within three seconds (retried: a loaded machine may take a moment to free a slot).
bool healthy(const mock::Server& server) {
  net::HttpClientOptions options;
  options.connect_timeout = 2s;
  options.total_timeout = 3s;
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  do {
    net::HttpClient client(options);
    const auto response = client.send({"GET", server.url() + "/health", {}, {}});
    if (response.ok() && response.status == 200) return true;
    std::this_thread::sleep_for(100ms);
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

const std::string kStreamBody =
    R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true})";

std::string post(const std::string& body, const std::string& extra_headers = "") {
  return "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-test\r\n"
         "Content-Type: application/json\r\n" +
         extra_headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(HostileClient, AHeaderBlockOverTheLimitIsA431NotADroppedConnection) {
  mock::Server server(one_worker());
  server.start();
  RawClient client(server.port());
  ASSERT_TRUE(client.connected());
  client.send("GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100 * 1024, 'a') + "\r\n\r\n");
  const std::string answer = client.read();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 431")) << answer.substr(0, 80);
  EXPECT_NE(answer.find("request_header_too_large"), std::string::npos);
  EXPECT_TRUE(healthy(server));
}

TEST(HostileClient, ABodyOverTheLimitIsRefusedFromItsContentLengthBeforeItIsSent) {
  mock::Server server(one_worker());
  server.start();
  RawClient client(server.port());
  // 64 MiB announced, nothing sent: the 413 must come from the head alone.
  client.send(
      "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-test\r\n"
      "Content-Type: application/json\r\nContent-Length: 67108864\r\n\r\n");
  const auto started = std::chrono::steady_clock::now();
  const std::string answer = client.read(12);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 413")) << answer.substr(0, 80);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST(HostileClient, ConnectionsOverTheCapGetA503AndTheRestKeepWorking) {
  auto options = one_worker();
  options.max_connections = 2;
  mock::Server server(std::move(options));
  server.start();
  RawClient first(server.port());
  RawClient second(server.port());
  for (RawClient* client : {&first, &second}) {  // answered, so accepted and counted (and kept alive)
    client->send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(client->read(12).starts_with("HTTP/1.1 200"));
  }
  RawClient third(server.port());
  const std::string refused = third.read();
  EXPECT_TRUE(refused.starts_with("HTTP/1.1 503")) << refused.substr(0, 80);
  EXPECT_NE(refused.find("too_many_connections"), std::string::npos);
  first.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(first.read(12).starts_with("HTTP/1.1 200")) << "the others keep working";
}

TEST(HostileClient, AClientThatHangsUpDuringAnHourLongWaitFreesItsConnectionAtOnce) {
  auto options = one_worker();
  options.max_connections = 1;  // a connection left behind would make the next one a 503
  mock::Server server(std::move(options));
  server.start();
  for (const std::string headers :
       {"x-gatecheck-ttft-ms: 3600000\r\n", "x-gatecheck-fault: slow-first-byte=3600000\r\n"}) {
    {
      RawClient client(server.port());
      client.send(post(kStreamBody, headers));
      std::this_thread::sleep_for(200ms);
    }  // hangs up
    std::this_thread::sleep_for(300ms);
    EXPECT_TRUE(healthy(server)) << headers;
  }
}

TEST(HostileClient, AClientThatNeverReadsIsDisconnectedAtTheWriteDeadline) {
  auto options = with_big_answer(one_worker());
  options.max_connections = 1;
  options.write_timeout = 1s;
  mock::Server server(std::move(options));
  server.start();
  RawClient client(server.port());
  client.send("GET /big HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-test\r\n\r\n");  // never read
  std::this_thread::sleep_for(3s);  // the sweeper runs once a second
  EXPECT_TRUE(healthy(server)) << "the stalled connection was closed";
}

TEST(HostileClient, AnEndlessChunkExtensionClosesTheConnectionInsteadOfGrowingABuffer) {
  mock::Server server(one_worker());
  server.start();
  RawClient client(server.port());
  client.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;");
  for (int i = 0; i < 200; ++i)  // up to 12.5 MiB of extension, far past the buffer's bound
    if (!client.send(std::string(64 * 1024, 'a'))) break;
  const auto started = std::chrono::steady_clock::now();
  client.read();  // returns at once when the mock has closed; after 5 s if it is still reading
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s)
      << "the mock kept reading an endless chunk extension";
  EXPECT_TRUE(healthy(server));
}

TEST(HostileClient, StoppingTheServerDoesNotWaitForAClientThatNeverReads) {
  mock::Server server(with_big_answer(one_worker()));
  server.start();
  RawClient client(server.port());
  client.send("GET /big HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-test\r\n\r\n");  // never read
  std::this_thread::sleep_for(300ms);
  const auto started = std::chrono::steady_clock::now();
  server.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

}  // namespace
}  // namespace gatecheck
