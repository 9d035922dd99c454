// A blocking HTTP/1.1 client with hard timeouts on every wait, keep-alive reuse, TLS, and a streaming body
// hook that hands SSE events over as they arrive. One client belongs to one thread at a time; make one per
// worker. Transport failures never throw: they come back in HttpResponse::error with whatever arrived before.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/sse.hpp>

namespace gatecheck::net {

using Clock = std::chrono::steady_clock;

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute http:// or https:// URL
  core::Headers headers;
  std::string body;
  // The caller's own deadline (a whole run's): the exchange ends at min(now + total_timeout, deadline), with
  // TransportErrorKind::deadline when this one binds.
  Clock::time_point deadline = Clock::time_point::max();
};

enum class TransportErrorKind {
  invalid_url,
  resolve,          // the host name did not resolve
  connect,          // refused, unreachable
  tls,              // handshake or certificate verification failed
  connect_timeout,  // no connection within connect_timeout
  read_timeout,     // the peer went quiet for longer than read_timeout
  total_timeout,    // the whole exchange took longer than total_timeout
  deadline,         // HttpRequest::deadline passed first (the caller's budget ran out)
  closed,           // the peer closed before the response was complete
  protocol,         // the bytes were not HTTP/1.1
  body_too_large,
};

std::string_view to_string(TransportErrorKind kind);

struct TransportError {
  TransportErrorKind kind;
  std::string message;
};

struct HttpTimings {
  Clock::time_point started;
  Clock::time_point connected;  // == started when a kept-alive connection was reused
  Clock::time_point request_sent;
  Clock::time_point headers_received;
  Clock::time_point finished;
};

struct HttpResponse {
  int status = 0;  // 0 when no status line arrived
  std::string reason;
  core::Headers headers;
  std::string body;  // empty when the request asked not to keep it
  std::optional<TransportError>
      error;  // set when the exchange did not complete; the fields hold what arrived
  HttpTimings timings;
  bool reused_connection = false;
  bool chunked = false;
  std::size_t redirects_followed = 0;
  std::vector<int> interim_statuses;  // 1xx answers (100 Continue, 103 Early Hints) before the final one

  bool ok() const { return !error.has_value(); }
};

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds read_timeout{30'000};    // longest silence between two reads
  std::chrono::milliseconds total_timeout{120'000};  // the whole exchange, redirects included
  bool verify_tls = true;  // certificate chain and host name; off only for self-signed test targets
  std::string ca_file;     // extra trusted certificates (PEM), in addition to the system store
  bool keep_alive = true;
  int max_redirects = 0;  // redirects are reported, not followed, unless asked
  // Wire body bytes and, with ResponseHooks::on_event, also the bytes of the events handed over (an `id:` is
  // repeated in every event, so events can hold more than the wire carried).
  std::size_t max_body_bytes = 64 * 1024 * 1024;
  std::string user_agent = "gatecheck";
};

// Called as the response arrives, on the calling thread.
struct ResponseHooks {
  std::function<void(const HttpResponse& head)> on_headers;
  std::function<void(std::string_view chunk, Clock::time_point at)> on_body;
  // When set, the body is parsed as server-sent events whatever its content type (a wrong content type is a
  // conformance finding, not a reason to stop looking).
  std::function<void(core::SseEvent&& event)> on_event;
  std::function<void(const core::SseStreamStats& stats)> on_sse_end;
  bool keep_body = true;
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse send(const HttpRequest& request, const ResponseHooks& hooks = {});
  // Drops pooled keep-alive connections.
  void close_idle();
  const HttpClientOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gatecheck::net
