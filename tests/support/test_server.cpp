#include "test_server.hpp"

#include <mutex>
#include <sys/socket.h>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace gatecheck::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

template <class Stream>
class StreamResponder final : public Responder {
 public:
  explicit StreamResponder(Stream& stream) : stream_(stream) {}
  void write(std::string_view raw) override {
    boost::system::error_code ec;
    asio::write(stream_, asio::buffer(raw.data(), raw.size()), ec);
  }
  void close() override { closed_ = true; }
  bool closed() const { return closed_; }

 private:
  Stream& stream_;
  bool closed_ = false;
};

}  // namespace

void Responder::pause(std::chrono::milliseconds duration) {
  std::this_thread::sleep_for(duration);
}

void Responder::respond(int status, std::string_view body, std::string_view content_type,
                        std::string_view extra_headers) {
  std::string raw = "HTTP/1.1 " + std::to_string(status) +
                    " Status\r\nContent-Type: " + std::string(content_type) +
                    "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
                    std::string(extra_headers) + "\r\n" + std::string(body);
  write(raw);
}

struct TestServer::Impl {
  Impl(Handler h, std::optional<TestCertificate> certificate, std::uint16_t port) : handler(std::move(h)) {
    if (certificate) {
      tls.emplace(asio::ssl::context::tls_server);
      tls->use_certificate_chain(asio::buffer(certificate->certificate_pem));
      tls->use_private_key(asio::buffer(certificate->private_key_pem), asio::ssl::context::pem);
    }
    acceptor.open(tcp::v4());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    acceptor.listen();
    accept_thread = std::thread([this] { accept_loop(); });
  }

  ~Impl() {
    stopping = true;
    ::shutdown(acceptor.native_handle(), SHUT_RDWR);
    accept_thread.join();
    {
      const std::lock_guard lock(mutex);
      for (const int fd : open_sockets)
        ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : connection_threads)
      t.join();
  }

  void accept_loop() {
    while (!stopping) {
      tcp::socket socket(ioc);
      boost::system::error_code ec;
      acceptor.accept(socket, ec);
      if (ec || stopping) return;
      const int id = ++connection_count;
      const std::lock_guard lock(mutex);
      open_sockets.push_back(socket.native_handle());
      connection_threads.emplace_back(
          [this, id, s = std::move(socket)]() mutable { serve(std::move(s), id); });
    }
  }

  void serve(tcp::socket socket, int id) {
    const int fd = socket.native_handle();
    boost::system::error_code ec;
    if (tls) {
      asio::ssl::stream<tcp::socket> stream(std::move(socket), *tls);
      stream.handshake(asio::ssl::stream_base::server, ec);
      if (!ec) session(stream, id);
      forget(fd);
      stream.lowest_layer().close(ec);
    } else {
      session(socket, id);
      forget(fd);
      socket.shutdown(tcp::socket::shutdown_both, ec);
      socket.close(ec);
    }
  }

  // Before the descriptor is closed (and its number reused), so the destructor never shuts down a stranger.
  void forget(int fd) {
    const std::lock_guard lock(mutex);
    std::erase(open_sockets, fd);
  }

  template <class Stream>
  void session(Stream& stream, int id) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      boost::system::error_code ec;
      http::read(stream, buffer, request, ec);
      if (ec) return;
      ReceivedRequest received;
      received.method = std::string(request.method_string());
      received.target = std::string(request.target());
      for (const auto& field : request) {
        received.headers.add(std::string(field.name_string()), std::string(field.value()));
      }
      received.body = request.body();
      received.connection = id;
      ++request_count;
      StreamResponder<Stream> responder(stream);
      handler(received, responder);
      if (responder.closed() || !request.keep_alive()) return;
    }
  }

  Handler handler;
  std::optional<asio::ssl::context> tls;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::thread accept_thread;
  std::mutex mutex;
  std::vector<std::thread> connection_threads;
  std::vector<int> open_sockets;
  std::atomic<bool> stopping{false};
  std::atomic<int> connection_count{0};
  std::atomic<int> request_count{0};
};

TestServer::TestServer(Handler handler, std::optional<TestCertificate> tls, std::uint16_t port)
    : impl_(std::make_unique<Impl>(std::move(handler), std::move(tls), port)) {}
TestServer::~TestServer() = default;

std::uint16_t TestServer::port() const {
  return impl_->acceptor.local_endpoint().port();
}

std::string TestServer::url(std::string_view path) const {
  return std::string(impl_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port()) +
         std::string(path);
}

int TestServer::connections() const {
  return impl_->connection_count;
}
int TestServer::requests() const {
  return impl_->request_count;
}

}  // namespace gatecheck::testing
