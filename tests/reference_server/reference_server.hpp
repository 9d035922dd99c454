// A second conformant OpenAI-compatible server, written from the public API reference and independent of
// gatecheck's mock, so the checks can be shown not to be tuned to the mock. It answers deterministically and
// uses legal but less common wire variants on purpose (lower-case header names, media-type parameters, CRLF
// and space-less SSE fields, SSE comments, SSE fields in any order, Retry-After as an HTTP-date); README.md
// lists them.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace gatecheck::testing {

struct ReferenceServerOptions {
  std::vector<std::string> keys{"sk-ref-test-0000"};  // accepted bearer keys
  int requests_per_window = 100;                      // per key, fixed window
  int window_seconds = 60;
};

class ReferenceServer {
 public:
  explicit ReferenceServer(ReferenceServerOptions options = {});
  ~ReferenceServer();  // stops
  ReferenceServer(const ReferenceServer&) = delete;
  ReferenceServer& operator=(const ReferenceServer&) = delete;

  // Binds 127.0.0.1 on an ephemeral port and serves from background threads; throws std::system_error.
  // A server starts once: after stop() it stays stopped.
  void start();
  // Closes the listener and every open connection, then joins all threads; idempotent.
  void stop();
  unsigned short port() const;
  std::string url() const;  // "http://127.0.0.1:PORT"

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gatecheck::testing
