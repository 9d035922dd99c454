// The HTTP client's Beast side. Each send() runs one C++20 coroutine on the client's own io_context until the
// exchange completes; every wait (resolve, connect, handshake, write, each read) carries a deadline, so a
// silent or hostile peer ends in a TransportError instead of a hang.
#include <algorithm>
#include <array>
#include <exception>
#include <optional>
#include <utility>  // before Asio: boost/asio/awaitable.hpp uses std::exchange without including it (Boost 1.74)
#include <variant>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <gatecheck/core/url.hpp>
#include <gatecheck/net/http_client.hpp>

namespace gatecheck::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr std::size_t kMaxIdleConnections = 8;
constexpr std::size_t kReadChunk = 16 * 1024;
constexpr std::uint32_t kHeaderLimit = 64 * 1024;
constexpr std::size_t kMaxInterim = 8;  // interim 1xx answers accepted before the final one

struct Connection {
  std::string key;  // scheme://host:port
  std::variant<std::unique_ptr<PlainStream>, std::unique_ptr<TlsStream>> stream;
  // Bounded: Beast applies no limit to a chunk-size line's extensions or to trailers, so a target could grow
  // an unbounded buffer without ever going silent. Bodies are consumed as they are parsed.
  beast::flat_buffer buffer{kHeaderLimit + kReadChunk * 4};

  beast::tcp_stream& lowest() {
    return std::visit([](auto& s) -> beast::tcp_stream& { return beast::get_lowest_layer(*s); }, stream);
  }
};

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string tls_failure_message(TlsStream& stream, const error_code& ec) {
  const long verify = SSL_get_verify_result(stream.native_handle());
  if (verify != X509_V_OK) {
    return std::string("certificate verification failed: ") + X509_verify_cert_error_string(verify) +
           " (use --insecure for self-signed test targets, or --ca-cert FILE)";
  }
  return "TLS handshake failed: " + ec.message();
}

// SSL_set_tlsext_host_name is a macro with a C-style cast inside.
void set_server_name(TlsStream& stream, const std::string& host) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
  SSL_set_tlsext_host_name(stream.native_handle(), host.c_str());
#pragma GCC diagnostic pop
}

// The TLS context, made on the first https connection: building one costs more than a plain request on
// loopback (OpenSSL 3 loads its providers: 25 ms here), and most of a mock's and a runner's traffic is plain.
class LazyTls {
 public:
  explicit LazyTls(const HttpClientOptions& options) : options_(options) {}
  // Null, with `error` set, when the CA file cannot be loaded.
  asio::ssl::context* get(std::string& error) {
    if (!context_) {
      context_.emplace(asio::ssl::context::tls_client);
      context_->set_default_verify_paths();
      if (!options_.ca_file.empty()) {
        error_code ec;
        context_->load_verify_file(options_.ca_file, ec);
        if (ec) error_ = "cannot load CA file " + options_.ca_file + ": " + ec.message();
      }
    }
    error = error_;
    return error_.empty() ? &*context_ : nullptr;
  }

 private:
  const HttpClientOptions& options_;
  std::optional<asio::ssl::context> context_;
  std::string error_;
};

// One request/response exchange, redirects included.
class Exchange {
 public:
  Exchange(asio::io_context& ioc, LazyTls& tls, const HttpClientOptions& options,
           std::vector<std::unique_ptr<Connection>>& idle, const HttpRequest& request,
           const ResponseHooks& hooks, HttpResponse& response)
      : ioc_(ioc),
        tls_(tls),
        options_(options),
        idle_(idle),
        request_(request),
        hooks_(hooks),
        response_(response),
        own_deadline_(Clock::now() + options.total_timeout),
        deadline_(std::min(own_deadline_, request.deadline)) {}

  asio::awaitable<void> run() {
    response_.timings.started = Clock::now();
    if (response_.timings.started >= deadline_) {
      fail(TransportErrorKind::deadline, "the deadline had passed before the request was sent");
      co_return;
    }
    core::Url url;
    try {
      url = core::Url::parse(request_.url);
    } catch (const core::UrlError& e) {
      fail(TransportErrorKind::invalid_url, e.what());
      co_return;
    }
    std::string method = request_.method;
    std::string body = request_.body;
    for (;;) {
      co_await perform(url, method, body);
      if (response_.error || options_.max_redirects <= 0 || !is_redirect(response_.status)) co_return;
      const auto location = response_.headers.get("location");
      if (!location) co_return;
      if (static_cast<int>(response_.redirects_followed) >= options_.max_redirects) {
        fail(TransportErrorKind::protocol,
             "more than " + std::to_string(options_.max_redirects) + " redirects");
        co_return;
      }
      try {
        url = url.resolve(*location);
      } catch (const core::UrlError& e) {
        fail(TransportErrorKind::invalid_url, std::string("redirect to an invalid URL: ") + e.what());
        co_return;
      }
      if (response_.status == 303 ||
          ((response_.status == 301 || response_.status == 302) && method == "POST")) {
        method = "GET";
        body.clear();
      }
      const std::size_t followed = response_.redirects_followed + 1;
      const auto timings = response_.timings;
      response_ = HttpResponse{};
      response_.timings.started = timings.started;
      response_.redirects_followed = followed;
    }
  }

 private:
  void fail(TransportErrorKind kind, std::string message) {
    response_.error = TransportError{kind, std::move(message)};
    response_.timings.finished = Clock::now();
  }

  // Sets the stream's deadline for the next operation; remembers whether it is the total deadline that binds.
  void arm(beast::tcp_stream& stream, std::chrono::milliseconds limit) {
    const auto now = Clock::now();
    total_binds_ = now + limit >= deadline_;
    stream.expires_at(std::min(now + limit, deadline_));
  }

  TransportErrorKind timeout_kind(TransportErrorKind phase) const {
    if (!total_binds_) return phase;
    return deadline_ < own_deadline_ ? TransportErrorKind::deadline : TransportErrorKind::total_timeout;
  }

  asio::awaitable<void> perform(const core::Url& url, const std::string& method, const std::string& body) {
    const std::string key = url.scheme + "://" + url.host + ":" + std::to_string(url.port);
    std::unique_ptr<Connection> connection = take_idle(key);
    const bool reused = connection != nullptr;
    if (!connection) {
      connection = co_await open(url, key);
      if (!connection) co_return;
    } else {
      response_.timings.connected = Clock::now();
    }
    response_.reused_connection = reused;
    bool retry = false;
    co_await std::visit(
        [&](auto& stream) { return transact(*stream, *connection, url, method, body, reused, retry); },
        connection->stream);
    if (retry) {
      // The server had closed the kept-alive connection before we used it: nothing was answered, try once
      // fresh.
      response_ = HttpResponse{};
      response_.timings.started = Clock::now();
      connection = co_await open(url, key);
      if (!connection) co_return;
      co_await std::visit(
          [&](auto& stream) { return transact(*stream, *connection, url, method, body, false, retry); },
          connection->stream);
    }
    if (!response_.error && keep_alive_ && options_.keep_alive) {
      if (idle_.size() >= kMaxIdleConnections) idle_.erase(idle_.begin());
      idle_.push_back(std::move(connection));
    }
  }

  std::unique_ptr<Connection> take_idle(const std::string& key) {
    const auto it = std::find_if(idle_.begin(), idle_.end(), [&](const auto& c) { return c->key == key; });
    if (it == idle_.end()) return nullptr;
    auto connection = std::move(*it);
    idle_.erase(it);
    return connection;
  }

  // IP literals skip the resolver; names go through it with the connect deadline on a timer (getaddrinfo
  // itself cannot be interrupted, but the exchange stops waiting for it).
  asio::awaitable<std::vector<tcp::endpoint>> resolve(const core::Url& url) {
    std::vector<tcp::endpoint> endpoints;
    error_code ec;
    const auto address = asio::ip::make_address(url.host, ec);
    if (!ec) {
      endpoints.emplace_back(address, url.port);
      co_return endpoints;
    }
    tcp::resolver resolver(ioc_);
    asio::steady_timer resolve_timer(ioc_);
    auto timed_out = std::make_shared<bool>(false);
    total_binds_ = Clock::now() + options_.connect_timeout >= deadline_;
    resolve_timer.expires_at(std::min(Clock::now() + options_.connect_timeout, deadline_));
    resolve_timer.async_wait([timed_out, &resolver](const error_code& timer_ec) {
      if (!timer_ec) {
        *timed_out = true;
        resolver.cancel();
      }
    });
    const auto results = co_await resolver.async_resolve(url.host, std::to_string(url.port),
                                                         asio::redirect_error(asio::use_awaitable, ec));
    resolve_timer.cancel();
    if (*timed_out) {
      fail(timeout_kind(TransportErrorKind::connect_timeout), "resolving " + url.host + " timed out");
    } else if (ec) {
      fail(TransportErrorKind::resolve, "cannot resolve " + url.host + ": " + ec.message());
    } else {
      for (const auto& entry : results)
        endpoints.push_back(entry.endpoint());
    }
    co_return endpoints;
  }

  asio::awaitable<std::unique_ptr<Connection>> open(const core::Url& url, const std::string& key) {
    error_code ec;
    const auto endpoints = co_await resolve(url);
    if (endpoints.empty()) {
      if (!response_.error) fail(TransportErrorKind::resolve, url.host + " resolved to no addresses");
      co_return nullptr;
    }

    auto tcp_stream = std::make_unique<PlainStream>(ioc_);
    arm(*tcp_stream, options_.connect_timeout);
    co_await tcp_stream->async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == beast::error::timeout) {
      fail(timeout_kind(TransportErrorKind::connect_timeout),
           "no connection to " + url.authority() + " within " +
               std::to_string(options_.connect_timeout.count()) + " ms");
      co_return nullptr;
    }
    if (ec) {
      fail(TransportErrorKind::connect, "cannot connect to " + url.authority() + ": " + ec.message());
      co_return nullptr;
    }
    tcp_stream->socket().set_option(tcp::no_delay(true), ec);

    auto connection = std::make_unique<Connection>();
    connection->key = key;
    if (!url.tls()) {
      connection->stream = std::move(tcp_stream);
      response_.timings.connected = Clock::now();
      co_return connection;
    }

    std::string problem;
    asio::ssl::context* context = tls_.get(problem);
    if (context == nullptr) {
      fail(TransportErrorKind::tls, problem);
      co_return nullptr;
    }
    auto tls_stream = std::make_unique<TlsStream>(std::move(*tcp_stream), *context);
    error_code address_ec;
    asio::ip::make_address(url.host, address_ec);
    if (address_ec) {
      // SNI carries host names only, never IP literals (RFC 6066 section 3).
      set_server_name(*tls_stream, url.host);
    }
    if (options_.verify_tls) {
      tls_stream->set_verify_mode(asio::ssl::verify_peer);
      tls_stream->set_verify_callback(asio::ssl::host_name_verification(url.host));
    } else {
      tls_stream->set_verify_mode(asio::ssl::verify_none);
    }
    arm(beast::get_lowest_layer(*tls_stream), options_.connect_timeout);
    co_await tls_stream->async_handshake(asio::ssl::stream_base::client,
                                         asio::redirect_error(asio::use_awaitable, ec));
    if (ec == beast::error::timeout) {
      fail(timeout_kind(TransportErrorKind::connect_timeout),
           "TCP connection to " + url.authority() +
               " accepted, but the TLS handshake did not complete within " +
               std::to_string(options_.connect_timeout.count()) + " ms");
      co_return nullptr;
    }
    if (ec) {
      fail(TransportErrorKind::tls, tls_failure_message(*tls_stream, ec));
      co_return nullptr;
    }
    connection->stream = std::move(tls_stream);
    response_.timings.connected = Clock::now();
    co_return connection;
  }

  http::request<http::string_body> build_request(const core::Url& url, const std::string& method,
                                                 const std::string& body) const {
    http::request<http::string_body> req;
    req.version(11);
    req.method_string(method);
    req.target(url.target);
    bool has_host = false;
    bool has_agent = false;
    for (const auto& [name, value] : request_.headers) {
      has_host = has_host || core::iequals(name, "host");
      has_agent = has_agent || core::iequals(name, "user-agent");
      if (core::iequals(name, "content-length")) continue;  // derived from the body below
      req.insert(name, value);
    }
    if (!has_host) req.set(http::field::host, url.authority());
    if (!has_agent) req.set(http::field::user_agent, options_.user_agent);
    if (!options_.keep_alive) req.set(http::field::connection, "close");
    req.body() = body;
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      req.content_length(body.size());
    }
    return req;
  }

  template <class Stream>
  asio::awaitable<void> transact(Stream& stream, Connection& connection, const core::Url& url,
                                 const std::string& method, const std::string& body, bool reused,
                                 bool& retry) {
    error_code ec;
    auto& lowest = connection.lowest();
    auto req = build_request(url, method, body);
    arm(lowest, options_.read_timeout);
    co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
    const error_code write_error = ec;
    if (write_error) {
      if (reused && write_error != beast::error::timeout) {
        retry = true;
        co_return;
      }
      if (write_error == beast::error::timeout) {
        fail(timeout_kind(TransportErrorKind::read_timeout), "sending the request timed out");
        co_return;
      }
      // The server may have answered early (a 413 before the whole body arrived) and closed: read what it
      // said.
    }
    response_.timings.request_sent = Clock::now();

    std::optional<http::response_parser<http::buffer_body>> parser;
    if (!co_await read_head(stream, connection, parser, method, reused, write_error, retry)) co_return;
    co_await read_body(stream, connection, *parser);
    // A 101 is final but switches protocols: that connection is never pooled.
    keep_alive_ = !response_.error && !write_error && parser->keep_alive() && response_.status >= 200 &&
                  response_.status != 101;
    if (!response_.error) response_.timings.finished = Clock::now();
  }

  // Reads the final response head into `parser`, skipping interim 1xx answers (RFC 9110 section 15.2): a
  // 100 Continue reported as the answer would leave the real one unread on a pooled connection.
  template <class Stream>
  asio::awaitable<bool> read_head(Stream& stream, Connection& connection,
                                  std::optional<http::response_parser<http::buffer_body>>& parser,
                                  const std::string& method, bool reused, error_code write_error,
                                  bool& retry) {
    error_code ec;
    auto& lowest = connection.lowest();
    for (;;) {
      parser.emplace();
      parser->header_limit(kHeaderLimit);
      parser->body_limit(options_.max_body_bytes);
      if (method == "HEAD") parser->skip(true);
      arm(lowest, options_.read_timeout);
      co_await http::async_read_header(stream, connection.buffer, *parser,
                                       asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      const int status = static_cast<int>(parser->get().result_int());
      if (status >= 200 || status == 101) break;
      response_.interim_statuses.push_back(status);
      if (response_.interim_statuses.size() > kMaxInterim) {
        fail(TransportErrorKind::protocol,
             "more than " + std::to_string(kMaxInterim) + " interim 1xx answers");
        co_return false;
      }
    }
    if (ec && write_error) {
      fail(TransportErrorKind::closed, "sending the request failed: " + write_error.message());
      co_return false;
    }
    if (ec) {
      // After an interim answer the request was received: it is never sent again.
      const bool nothing_arrived =
          !parser->got_some() && connection.buffer.size() == 0 && response_.interim_statuses.empty();
      if (reused && nothing_arrived && ec != beast::error::timeout) {
        retry = true;
        co_return false;
      }
      fail_head(ec);
      co_return false;
    }
    response_.timings.headers_received = Clock::now();
    const auto& head = parser->get();
    response_.status = static_cast<int>(head.result_int());
    response_.reason = std::string(head.reason());
    for (const auto& field : head)
      response_.headers.add(std::string(field.name_string()), std::string(field.value()));
    response_.chunked = parser->chunked();
    if (hooks_.on_headers) hooks_.on_headers(response_);
    co_return true;
  }

  void fail_head(error_code ec) {
    if (ec == beast::error::timeout) {
      fail(timeout_kind(TransportErrorKind::read_timeout),
           "no response headers within " + std::to_string(options_.read_timeout.count()) + " ms");
    } else if (ec == http::error::body_limit) {
      fail(TransportErrorKind::body_too_large,
           "the announced body exceeds " + std::to_string(options_.max_body_bytes) + " bytes");
    } else if (ec == http::error::end_of_stream || ec == asio::error::eof ||
               ec == asio::error::connection_reset || ec == asio::ssl::error::stream_truncated) {
      fail(TransportErrorKind::closed,
           "the server closed the connection before answering (" + ec.message() + ")");
    } else {
      fail(TransportErrorKind::protocol, "malformed response head: " + ec.message());
    }
  }

  template <class Stream>
  asio::awaitable<void> read_body(Stream& stream, Connection& connection,
                                  http::response_parser<http::buffer_body>& parser) {
    error_code ec;
    auto& lowest = connection.lowest();
    std::size_t event_bytes = 0;  // what the handed-over events hold: an `id:` is repeated in every event
    std::optional<core::SseParser> sse;
    if (hooks_.on_event) {
      sse.emplace([this, &event_bytes](core::SseEvent&& event) {
        event_bytes += event.data.size() + event.id.size() + event.type.size();
        if (event_bytes <= options_.max_body_bytes) hooks_.on_event(std::move(event));  // past it: dropped
      });
    }
    std::array<char, kReadChunk> chunk{};
    std::size_t received = 0;
    while (!parser.is_done()) {
      parser.get().body().data = chunk.data();
      parser.get().body().size = chunk.size();
      arm(lowest, options_.read_timeout);
      co_await http::async_read_some(stream, connection.buffer, parser,
                                     asio::redirect_error(asio::use_awaitable, ec));
      if (ec == http::error::need_buffer) ec = {};
      const std::size_t n = chunk.size() - parser.get().body().size;
      if (n > 0) {
        const auto now = Clock::now();
        received += n;
        const std::string_view piece(chunk.data(), n);
        if (hooks_.keep_body) response_.body.append(piece);
        if (hooks_.on_body) hooks_.on_body(piece, now);
        if (sse) sse->feed(piece, now);
      }
      if (event_bytes > options_.max_body_bytes) {
        fail(TransportErrorKind::body_too_large,
             "the stream's events exceed " + std::to_string(options_.max_body_bytes) + " bytes after " +
                 std::to_string(received) + " body bytes");
        break;
      }
      if (!ec) continue;
      fail_body(ec, received);
      break;
    }
    if (sse) {
      sse->finish();
      if (hooks_.on_sse_end) hooks_.on_sse_end(sse->stats());
    }
  }

  void fail_body(error_code ec, std::size_t received) {
    if (ec == beast::error::timeout) {
      fail(timeout_kind(TransportErrorKind::read_timeout),
           "the body stalled: nothing for " + std::to_string(options_.read_timeout.count()) + " ms after " +
               std::to_string(received) + " bytes");
    } else if (ec == http::error::body_limit) {
      fail(TransportErrorKind::body_too_large,
           "the body exceeds " + std::to_string(options_.max_body_bytes) + " bytes");
    } else if (ec == http::error::partial_message || ec == asio::error::eof ||
               ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
               ec == asio::ssl::error::stream_truncated) {
      fail(TransportErrorKind::closed, "the connection closed mid-body after " + std::to_string(received) +
                                           " bytes (" + ec.message() + ")");
    } else {
      fail(TransportErrorKind::protocol, ec == http::error::buffer_overflow
                                             ? "a chunk header or trailer longer than " +
                                                   std::to_string(kHeaderLimit + kReadChunk * 4) + " bytes"
                                             : "malformed body: " + ec.message());
    }
  }

  asio::io_context& ioc_;
  LazyTls& tls_;
  const HttpClientOptions& options_;
  std::vector<std::unique_ptr<Connection>>& idle_;
  const HttpRequest& request_;
  const ResponseHooks& hooks_;
  HttpResponse& response_;
  Clock::time_point own_deadline_;  // declared before deadline_: initialisation order
  Clock::time_point deadline_;
  bool total_binds_ = false;
  bool keep_alive_ = false;
};

}  // namespace

std::string_view to_string(TransportErrorKind kind) {
  switch (kind) {
    case TransportErrorKind::invalid_url:
      return "invalid-url";
    case TransportErrorKind::resolve:
      return "resolve";
    case TransportErrorKind::connect:
      return "connect";
    case TransportErrorKind::tls:
      return "tls";
    case TransportErrorKind::connect_timeout:
      return "connect-timeout";
    case TransportErrorKind::read_timeout:
      return "read-timeout";
    case TransportErrorKind::total_timeout:
      return "total-timeout";
    case TransportErrorKind::deadline:
      return "deadline";
    case TransportErrorKind::closed:
      return "closed";
    case TransportErrorKind::protocol:
      return "protocol";
    case TransportErrorKind::body_too_large:
      return "body-too-large";
  }
  return "unknown";
}

struct HttpClient::Impl {
  explicit Impl(HttpClientOptions opts) : options(std::move(opts)) {}

  HttpClientOptions options;
  asio::io_context ioc{1};
  LazyTls tls{options};
  std::vector<std::unique_ptr<Connection>> idle;
};

HttpClient::HttpClient(HttpClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

const HttpClientOptions& HttpClient::options() const {
  return impl_->options;
}

void HttpClient::close_idle() {
  impl_->idle.clear();
}

HttpResponse HttpClient::send(const HttpRequest& request, const ResponseHooks& hooks) {
  HttpResponse response;
  if (request.url.starts_with("https:")) {
    // A CA file that cannot be loaded is said before any connection is tried.
    if (std::string problem; impl_->tls.get(problem) == nullptr) {
      response.error = TransportError{TransportErrorKind::tls, problem};
      return response;
    }
  }
  Exchange exchange(impl_->ioc, impl_->tls, impl_->options, impl_->idle, request, hooks, response);
  std::exception_ptr failure;
  asio::co_spawn(impl_->ioc, exchange.run(), [&](std::exception_ptr e) { failure = std::move(e); });
  impl_->ioc.restart();
  impl_->ioc.run();
  if (failure) {
    // An exception from a hook (the caller's code); the connection state is unknown, so drop it.
    impl_->idle.clear();
    std::rethrow_exception(failure);
  }
  return response;
}

}  // namespace gatecheck::net
