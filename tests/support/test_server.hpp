// A small blocking HTTP/1.1 server for client tests: each connection gets a thread, the handler sees the
// parsed request and answers with raw bytes, so a test can send anything a broken server would (a stall, a
// cut body, a bad header) as well as what a correct one does.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <gatecheck/core/headers.hpp>

#include "test_certificate.hpp"

namespace gatecheck::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;
  core::Headers headers;
  std::string body;
  int connection = 0;  // 1-based number of the connection it came on
};

class Responder {
 public:
  virtual ~Responder() = default;
  virtual void write(std::string_view raw) = 0;  // exactly these bytes
  virtual void close() = 0;                      // closes after this request instead of keeping alive
  void pause(std::chrono::milliseconds duration);
  // A complete response with Content-Length.
  void respond(int status, std::string_view body, std::string_view content_type = "text/plain",
               std::string_view extra_headers = {});
};

class TestServer {
 public:
  using Handler = std::function<void(const ReceivedRequest&, Responder&)>;

  // `port` 0: any free loopback port.
  explicit TestServer(Handler handler, std::optional<TestCertificate> tls = std::nullopt,
                      std::uint16_t port = 0);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::uint16_t port() const;
  std::string url(std::string_view path = "/") const;  // http(s)://127.0.0.1:port/path
  int connections() const;
  int requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gatecheck::testing
