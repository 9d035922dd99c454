// The mock's HTTP layer. One io_context and one SO_REUSEPORT acceptor per worker thread, so workers share
// nothing per request; a C++20 coroutine per connection; SSE events paced by timers on absolute deadlines, so
// thousands of streams wait without threads and without drift.
#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <list>
#include <mutex>
#include <thread>
#include <utility>  // before Asio: boost/asio/awaitable.hpp uses std::exchange without including it (Boost 1.74)

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <gatecheck/core/json_writer.hpp>
#include <gatecheck/mock/server.hpp>

#include "app.hpp"
#include "recorder.hpp"

namespace gatecheck::mock {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

// After a 413 or 431 the connection closes; what the client is still sending is read and dropped for this
// long first (a "lingering close", as nginx does), so it gets the answer instead of a reset.
constexpr auto kLingerTime = std::chrono::seconds(2);
// Waits at least this long also watch the socket, so a client that hangs up frees its descriptor at once.
constexpr auto kWatchedWait = std::chrono::seconds(1);
// Room in the read buffer beyond the header limit: bodies are consumed as they are parsed, so this only holds
// the unparsed rest of a read (and pipelined requests).
constexpr std::size_t kReadSlack = 64 * 1024;
// How often an answer still coming from elsewhere (a proxying stub's) is asked for.
constexpr auto kPendingPoll = std::chrono::milliseconds(5);

// A live connection, as the worker sees it when shutting down.
struct Session {
  beast::tcp_stream* stream = nullptr;
  asio::steady_timer* timer = nullptr;
  EventSource* source = nullptr;  // set while a stream is being sent
  bool waiting_for_request = true;
  Clock::time_point waiting_since;
  bool writing = false;  // a plain answer is being written: the sweeper enforces the write deadline
  Clock::time_point writing_since;
};

struct Worker {
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::list<Session> sessions;  // touched only on this worker's thread
  asio::steady_timer* sweeper = nullptr;
  std::thread thread;
};

// One of the --max-connections slots, over all workers: taken when a connection is accepted, given back
// however its coroutine ends (also when the frame is destroyed unstarted at shutdown).
class ConnectionSlot {
 public:
  explicit ConnectionSlot(std::atomic<std::size_t>& open) : open_(&open) { open_->fetch_add(1); }
  ConnectionSlot(ConnectionSlot&& other) noexcept : open_(std::exchange(other.open_, nullptr)) {}
  ConnectionSlot& operator=(ConnectionSlot&&) = delete;
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot() {
    if (open_ != nullptr) open_->fetch_sub(1);
  }

 private:
  std::atomic<std::size_t>* open_;
};

// A connection's entry in its worker's list, removed however the connection ends (an exception included), so
// stop() never reaches a session that is gone.
class SessionEntry {
 public:
  SessionEntry(Worker& worker, beast::tcp_stream& stream, asio::steady_timer& timer) : worker_(worker) {
    worker.sessions.push_back({&stream, &timer, nullptr, true, Clock::now(), false, {}});
    it_ = std::prev(worker.sessions.end());
  }
  ~SessionEntry() { worker_.sessions.erase(it_); }
  SessionEntry(const SessionEntry&) = delete;
  SessionEntry& operator=(const SessionEntry&) = delete;
  Session* operator->() const { return &*it_; }
  Session& operator*() const { return *it_; }

 private:
  Worker& worker_;
  std::list<Session>::iterator it_;
};

// Waits for `timer`; a long wait also watches the socket, and a client that hangs up ends it early (returns
// false), so its descriptor is freed now rather than when the timer fires.
asio::awaitable<bool> wait_unless_hangup(beast::tcp_stream& stream, asio::steady_timer& timer) {
  error_code ec;
  if (timer.expiry() - Clock::now() < kWatchedWait) {
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return true;
  }
  struct Watch {
    bool over = false;  // set the moment the wait ends: after that the socket and timer may be gone
    bool gone = false;
  };
  auto watch = std::make_shared<Watch>();
  tcp::socket& socket = stream.socket();
  socket.async_wait(tcp::socket::wait_read, [&socket, &timer, watch](error_code wait_error) {
    if (watch->over || wait_error == asio::error::operation_aborted) return;
    error_code ignored;
    if (wait_error || socket.available(ignored) == 0) {  // readable with nothing to read: the peer closed
      watch->gone = true;
      timer.cancel();
    }
  });
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  watch->over = true;
  socket.cancel(ec);  // the watch, if still pending (nothing else is outstanding on the socket now)
  co_return !watch->gone;
}

// Reads and drops what a client is still sending, for a bounded time, before the connection closes.
asio::awaitable<void> linger(beast::tcp_stream& stream) {
  error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.expires_after(kLingerTime);
  std::array<char, 16 * 1024> sink;
  while (!ec)
    co_await stream.async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
}

// Written straight to a fresh socket when the connection cap is reached: small enough for any socket buffer.
std::string busy_answer() {
  constexpr std::string_view body =
      R"({"error":{"message":"Too many open connections to this mock.","type":"server_error","param":null,)"
      R"("code":"too_many_connections"}})";
  return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n"
         "Retry-After: 1\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

}  // namespace

struct Server::Impl {
  explicit Impl(ServerOptions opts) : options(std::move(opts)) {}

  ServerOptions options;
  std::unique_ptr<App> app;
  std::unique_ptr<Recorder> recorder;  // --record
  std::vector<std::unique_ptr<Worker>> workers;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> open_connections{0};
  std::uint16_t port = 0;
  std::mutex mutex;
  std::condition_variable stopped_signal;
  bool started = false;
  bool stop_requested = false;
  bool stopped = false;  // fully: threads joined

  // Closes connections that sat idle, or stalled a write, past their limits. One sweep per second per worker,
  // instead of arming a timer around every read and write: that costs a timerfd update per request, a large
  // share of a mock answer.
  asio::awaitable<void> sweep_idle(Worker& worker) {
    asio::steady_timer tick(worker.ioc);
    worker.sweeper = &tick;
    while (!stopping) {
      tick.expires_after(std::chrono::seconds(1));
      error_code ec;
      co_await tick.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      const auto now = Clock::now();
      for (auto& session : worker.sessions) {
        const bool idle = session.waiting_for_request && now - session.waiting_since > options.idle_timeout;
        const bool stalled = session.writing && now - session.writing_since > options.write_timeout;
        if (idle || stalled) {
          session.stream->socket().cancel(ec);
          session.stream->socket().close(ec);
        }
      }
    }
    worker.sweeper = nullptr;
  }

  asio::awaitable<void> accept(Worker& worker) {
    asio::steady_timer backoff(worker.ioc);
    for (;;) {
      error_code ec;
      tcp::socket socket =
          co_await worker.acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) co_return;
        // A transient failure (EMFILE, ECONNABORTED): keep serving, but without spinning on it.
        backoff.expires_after(std::chrono::milliseconds(50));
        co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      if (open_connections.load() >= options.max_connections) {
        socket.non_blocking(true, ec);
        const std::string answer = busy_answer();
        socket.write_some(asio::buffer(answer), ec);
        socket.close(ec);
        continue;
      }
      asio::co_spawn(worker.ioc, serve(std::move(socket), worker, ConnectionSlot(open_connections)),
                     asio::detached);
    }
  }

  // A request is read with one async_read, in serve() itself (a nested coroutine per request costs a frame):
  // Beast compares Content-Length with the body limit as soon as the head is parsed, so a body over the limit
  // is refused before any of it is read. What a read's error means: the status to refuse with (413, 431), 0
  // to answer, or -1 when there is nothing to answer (closed, idle, not HTTP, an endless chunk line).
  void limit(http::request_parser<http::string_body>& parser) const {
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.profile.max_body_bytes);
  }
  static int refusal(const error_code& ec) {
    if (ec == http::error::header_limit) return 431;
    if (ec == http::error::body_limit) return 413;
    return ec ? -1 : 0;
  }

  static Request make_request(http::request_parser<http::string_body>& parser, const std::string& remote,
                              int refused) {
    auto& message = parser.get();
    Request request;
    request.method = message.method_string();
    request.target = message.target();
    // An absolute-form target (a client using the mock as its HTTP proxy) is its path and query here.
    if (const auto scheme = request.target.find("://");
        scheme != std::string_view::npos && !request.target.starts_with('/')) {
      const auto path = request.target.find_first_of("/?", scheme + 3);
      request.target = path == std::string_view::npos ? std::string_view("/") : request.target.substr(path);
    }
    const auto question = request.target.find('?');
    request.path = request.target.substr(0, question);
    request.query =
        question == std::string_view::npos ? std::string_view{} : request.target.substr(question + 1);
    request.headers.reserve(16);
    for (const auto& field : message)
      request.headers.emplace_back(field.name_string(), field.value());
    request.body = refused != 0 ? std::string_view{} : std::string_view(message.body());
    request.remote = remote;
    request.body_too_large = refused == 413;
    return request;
  }

  // A bug in a handler costs this request a 500, never the connection's coroutine or the worker.
  Reply answer(const Request& request) {
    try {
      return app->handle(request);
    } catch (const std::exception& e) {
      Reply reply;
      reply.status = 500;
      reply.headers.emplace_back("Content-Type", "application/json");
      reply.body = R"({"error":{"message":)";
      core::append_json_string(reply.body, std::string("internal error in gatecheck mock: ") + e.what());
      reply.body += R"(,"type":"server_error","param":null,"code":null}})";
      return reply;
    }
  }

  static Reply header_too_large() {
    Reply reply;
    reply.status = 431;
    reply.headers.emplace_back("Content-Type", "application/json");
    reply.body = R"({"error":{"message":"Request header fields too large.","type":"invalid_request_error",)"
                 R"("param":null,"code":"request_header_too_large"}})";
    return reply;
  }

  asio::awaitable<void> serve(tcp::socket socket, Worker& worker, [[maybe_unused]] ConnectionSlot slot) {
    error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    const auto peer = socket.remote_endpoint(ec);
    const std::string remote = ec ? "unknown" : peer.address().to_string();
    beast::tcp_stream stream(std::move(socket));
    asio::steady_timer timer(worker.ioc);
    const SessionEntry handle(worker, stream, timer);
    // Bounded: Beast applies no limit to a chunk-size line's extensions or to trailers, which would otherwise
    // grow this buffer without end; past it the read fails and the connection closes.
    beast::flat_buffer buffer(options.max_header_bytes + kReadSlack);
    while (!stopping) {
      http::request_parser<http::string_body> parser;
      limit(parser);
      handle->waiting_for_request = true;
      handle->waiting_since = Clock::now();
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      handle->waiting_for_request = false;
      const int refused = refusal(ec);
      if (refused < 0) break;
      if (refused == 431) {
        Reply reply = header_too_large();
        if (co_await send_body(stream, *handle, reply, false, 11)) co_await linger(stream);
        break;
      }
      const Request request = make_request(parser, remote, refused);
      const auto received = Clock::now();
      std::optional<Tape> tape;
      if (recorder) tape = recorder->begin(request);
      Reply reply = answer(request);
      if (reply.replayed) tape.reset();  // what --record adds to a replay is what is new
      if (reply.pending && !co_await await_pending(timer, reply, tape ? &*tape : nullptr)) break;
      const auto& message = parser.get();
      const bool keep_alive = message.keep_alive() && refused == 0 && !reply.close_after && !stopping;
      if (reply.first_byte_delay.count() > 0) {
        timer.expires_after(reply.first_byte_delay);
        if (!co_await wait_unless_hangup(stream, timer)) break;
      }
      if (reply.reset_connection) {
        // SO_LINGER with a zero timeout makes close() send RST.
        stream.socket().set_option(asio::socket_base::linger(true, 0), ec);
        stream.socket().close(ec);
        if (tape) {
          tape->reset_before_head();  // whatever head an upstream gave, none went out
          recorder->finish(std::move(*tape), false);
        }
        break;
      }
      if (tape) tape->head(reply);
      bool ok = false;
      Delivery delivery = delivery_of(reply);
      if (reply.stream) {
        handle->source = reply.stream.get();
        ok = co_await send_stream(stream, timer, reply, keep_alive, message.version(), received, delivery,
                                  tape ? &*tape : nullptr);
        handle->source = nullptr;
      } else {
        delivery.first_byte_ms = since(received);
        if (tape) tape->piece(reply.body);
        if (delivery.headers != nullptr) delivery.whole = reply.body;
        delivery.body_bytes = reply.body.size();
        ok = co_await send_body(stream, *handle, reply, keep_alive, message.version());
      }
      // An answer the client went away from is not recorded: it says nothing of what answered.
      if (tape && (ok || tape->is_broken())) recorder->finish(std::move(*tape), reply.stream != nullptr);
      delivery.last_byte_ms = since(received);
      delivery.status = reply.status;
      delivery.stream = reply.stream != nullptr;
      app->delivered(reply.journal_seq, delivery);
      if (ok && refused != 0) co_await linger(stream);  // a body was left unread
      if (!ok || !keep_alive) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.socket().close(ec);
  }

  // How the answer will have gone out, for the journal. Its headers and body are kept only where the admin
  // API can read them back: without one they would cost every request a copy nobody sees.
  Delivery delivery_of(const Reply& reply) const {
    Delivery delivery;
    if (!options.admin_token.empty()) {
      delivery.body_bound = options.journal_body_bytes;
      delivery.headers = &reply.headers;
    }
    return delivery;
  }

  template <class Message>
  static void copy_headers(Message& message, const Reply& reply) {
    for (const auto& [name, value] : reply.headers)
      message.set(name, value);
  }

  // The head is written straight into one buffer and sent with the body in a single gather write: Beast's
  // header container costs an allocation per field, which is most of what a mock answer costs beyond parsing.
  static std::string response_head(const Reply& reply, std::size_t content_length, bool keep_alive,
                                   unsigned version, bool chunked) {
    std::string head;
    head.reserve(512);
    head += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    head += std::to_string(reply.status);
    head += ' ';
    head += http::obsolete_reason(static_cast<http::status>(reply.status));
    head += "\r\n";
    for (const auto& [name, value] : reply.headers) {
      head += name;
      head += ": ";
      head += value;
      head += "\r\n";
    }
    if (chunked) {
      head += "Transfer-Encoding: chunked\r\n";
    } else if (reply.status >= 200 && reply.status != 204 && reply.status != 304) {
      head += "Content-Length: ";
      head += std::to_string(content_length);
      head += "\r\n";
    }
    if (!keep_alive) {
      head += "Connection: close\r\n";
    } else if (version == 10) {
      head += "Connection: keep-alive\r\n";
    }
    head += "\r\n";
    return head;
  }

  asio::awaitable<bool> send_body(beast::tcp_stream& stream, Session& session, Reply& reply, bool keep_alive,
                                  unsigned version) {
    const std::string head = response_head(reply, reply.body.size(), keep_alive, version, false);
    // RFC 9110 6.4.1: these statuses have no content; bytes after the head would be read as the next answer.
    const bool bodiless = reply.status < 200 || reply.status == 204 || reply.status == 304;
    const std::array<asio::const_buffer, 2> buffers{
        asio::buffer(head), asio::buffer(reply.body.data(), bodiless ? 0 : reply.body.size())};
    error_code ec;
    // The sweeper enforces the write deadline: a client that stops reading cannot hold the connection.
    session.writing = true;
    session.writing_since = Clock::now();
    co_await asio::async_write(stream, buffers, asio::redirect_error(asio::use_awaitable, ec));
    session.writing = false;
    co_return !ec;
  }

  // An answer another server is still giving: asked for every few milliseconds (each exchange ends within its
  // own bounds), then taken in, the pipeline's headers added where it has none of that name. False when the
  // server is stopping.
  asio::awaitable<bool> await_pending(asio::steady_timer& timer, Reply& reply, Tape* tape) {
    for (;;) {
      if (stopping) {
        reply.pending->abandon();
        co_return false;
      }
      if (auto ready = reply.pending->poll()) {
        if (tape != nullptr) tape->head(*ready);  // as the upstream gave it, before the pipeline's headers
        for (auto& header : reply.headers)
          if (!ready->has_header(header.first)) ready->headers.push_back(std::move(header));
        reply.status = ready->status;
        reply.headers = std::move(ready->headers);
        reply.body = std::move(ready->body);
        reply.stream = std::move(ready->stream);
        reply.pending.reset();
        co_return true;
      }
      timer.expires_after(kPendingPoll);
      error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  static double since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  }

  asio::awaitable<bool> send_stream(beast::tcp_stream& stream, asio::steady_timer& timer, Reply& reply,
                                    bool keep_alive, unsigned version, Clock::time_point received,
                                    Delivery& delivery, Tape* tape) {
    const std::string head = response_head(reply, 0, keep_alive, version, true);
    error_code ec;
    stream.expires_after(options.write_timeout);
    delivery.first_byte_ms = since(received);
    co_await asio::async_write(stream, asio::buffer(head), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
    std::string event;
    std::string held;  // the buffered-stream faults: events wait for the end, or for the next flush
    auto held_since = Clock::now();
    std::chrono::microseconds delay{0};
    auto due = Clock::now();
    std::size_t sent = 0;
    // The write deadline is renewed at most once a second, not per event: every renewal re-arms a timer, and
    // at thousands of streams x 50 events/s that bookkeeping, not the writes, would eat the CPU.
    auto renewed = Clock::now();
    while (true) {
      if (stopping) reply.stream->hurry();
      event.clear();
      if (!reply.stream->next(event, delay)) break;
      if (delay.count() > 0 && !stopping) {
        // Absolute deadlines: a late wake-up does not push every later event back.
        due = std::max(due + delay, Clock::now() - std::chrono::milliseconds(50));
        timer.expires_at(due);
        if (delay > std::chrono::seconds(1)) {
          // A long pause must not run into the write deadline; it is renewed before the next write.
          stream.expires_never();
          renewed = Clock::time_point{};
        }
        if (!co_await wait_unless_hangup(stream, timer) && !stopping)
          co_return false;  // the client went away
      }
      if (event.empty()) continue;  // a source with nothing yet (a proxied stream): it is asked again
      ++delivery.events;
      if (reply.buffered) {
        if (held.empty()) held_since = Clock::now();
        held += event;
        if (!reply.flush_every || Clock::now() - held_since < *reply.flush_every) continue;
        event = std::move(held);  // a buffering proxy's flush
        held.clear();
      }
      if (reply.cut_after_events && sent == *reply.cut_after_events) {
        // The stream-cut fault: no final chunk, the connection just ends.
        stream.socket().close(ec);
        if (tape != nullptr) tape->broken("the connection closed mid-stream");
        co_return false;
      }
      if (const auto now = Clock::now(); now - renewed > std::chrono::seconds(1) || sent == 0) {
        stream.expires_after(options.write_timeout);
        renewed = now;
      }
      if (tape != nullptr) tape->piece(event);
      delivery.keep(event);
      co_await asio::async_write(stream, http::make_chunk(asio::buffer(event)),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return false;  // the client went away
      ++sent;
    }
    if (!held.empty()) {
      if (tape != nullptr) tape->piece(held);
      delivery.keep(held);
      stream.expires_after(options.write_timeout);
      co_await asio::async_write(stream, http::make_chunk(asio::buffer(held)),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return false;
    }
    if (reply.break_off || reply.stream->broke()) {
      // A replayed stream that broke off, or an upstream that did: it breaks off after its last piece.
      stream.socket().close(ec);
      if (tape != nullptr) tape->broken("the connection closed mid-stream");
      co_return false;
    }
    stream.expires_after(options.write_timeout);
    co_await asio::async_write(stream, http::make_chunk_last(),
                               asio::redirect_error(asio::use_awaitable, ec));
    stream.expires_never();
    co_return !ec;
  }
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Server::~Server() {
  stop();
}

void Server::start() {
  Impl& impl = *impl_;
  impl.app = std::make_unique<App>(impl.options);
  if (!impl.options.record_dir.empty())
    impl.recorder = std::make_unique<Recorder>(impl.options, impl.app->redactor());
  const unsigned count =
      impl.options.threads > 0 ? impl.options.threads : std::max(1u, std::thread::hardware_concurrency());
  const auto address = asio::ip::make_address(impl.options.host);
  std::uint16_t port = impl.options.port;
  if (port != 0 && count > 1) {
    // SO_REUSEPORT would let this process share a port another process (with the same user) already serves,
    // the kernel splitting the traffic between them. A plain bind first makes "address in use" an error, as
    // it should be; the probe is closed at once.
    asio::io_context probe_context;
    tcp::acceptor probe(probe_context);
    error_code ec;
    probe.open(address.is_v6() ? tcp::v6() : tcp::v4(), ec);
    if (!ec) probe.bind(tcp::endpoint(address, port), ec);
    if (ec) {
      throw std::runtime_error("cannot listen on " + impl.options.host + ":" + std::to_string(port) + ": " +
                               ec.message());
    }
  }
  for (unsigned i = 0; i < count; ++i) {
    auto worker = std::make_unique<Worker>();
    const tcp::endpoint endpoint(address, port);
    error_code ec;
    worker->acceptor.open(endpoint.protocol(), ec);
    if (!ec) worker->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec && count > 1) worker->acceptor.set_option(reuse_port(true), ec);
    if (!ec) worker->acceptor.bind(endpoint, ec);
    if (!ec) worker->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      throw std::runtime_error("cannot listen on " + impl.options.host + ":" + std::to_string(port) + ": " +
                               ec.message());
    }
    port = worker->acceptor.local_endpoint().port();  // the first worker may have asked for port 0
    impl.workers.push_back(std::move(worker));
  }
  impl.port = port;
  for (auto& worker : impl.workers) {
    asio::co_spawn(worker->ioc, impl.accept(*worker), asio::detached);
    asio::co_spawn(worker->ioc, impl.sweep_idle(*worker), asio::detached);
    Worker* w = worker.get();
    w->thread = std::thread([w] { w->ioc.run(); });
  }
  const std::lock_guard lock(impl.mutex);
  impl.started = true;
}

std::uint16_t Server::port() const {
  return impl_->port;
}

std::vector<std::string> Server::notes() const {
  const Impl& impl = *impl_;
  std::vector<std::string> out;
  if (impl.app && !impl.options.replay.empty())
    out.push_back(
        "replaying " + std::to_string(impl.app->recordings()) + " recordings" +
        (impl.options.replay_options.fallthrough ? ", unmatched requests answered by the mock" : ""));
  if (!impl.options.proxy_url.empty())
    out.push_back("passing what nothing else answers to " + impl.options.proxy_url);
  if (impl.recorder) out.push_back("recording to " + impl.recorder->file());
  return out;
}

std::string Server::url() const {
  const std::string& host = impl_->options.host;
  const bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(impl_->port);
}

void Server::stop() {
  Impl& impl = *impl_;
  {
    std::unique_lock lock(impl.mutex);
    if (!impl.started) return;
    if (impl.stop_requested) {
      // Someone else is stopping it: return once they are done, so the caller may destroy the server.
      impl.stopped_signal.wait(lock, [&] { return impl.stopped; });
      return;
    }
    impl.stop_requested = true;
  }
  impl.stopping = true;
  for (auto& worker : impl.workers) {
    Worker* w = worker.get();
    asio::post(w->ioc, [w] {
      error_code ec;
      w->acceptor.close(ec);
      if (w->sweeper != nullptr) w->sweeper->cancel();
      for (auto& session : w->sessions) {
        if (session.source != nullptr) {
          session.source->hurry();  // open streams send their closing events now
          session.timer->cancel();
        } else if (session.waiting_for_request) {
          session.stream->socket().cancel(ec);
        } else if (session.writing) {
          // A client that stopped reading would hold the join below forever (the sweeper has stopped).
          session.stream->socket().cancel(ec);
          session.stream->socket().close(ec);
        } else {
          session.timer->cancel();
        }
      }
    });
  }
  for (auto& worker : impl.workers) {
    if (worker->thread.joinable()) worker->thread.join();
  }
  impl.app->log().flush();
  {
    const std::lock_guard lock(impl.mutex);
    impl.stopped = true;
  }
  impl.stopped_signal.notify_all();
}

void Server::wait() {
  std::unique_lock lock(impl_->mutex);
  impl_->stopped_signal.wait(lock, [&] { return impl_->stopped; });
}

}  // namespace gatecheck::mock
