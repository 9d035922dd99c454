#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <gatecheck/net/http_receiver.hpp>

namespace gatecheck::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpReceiver::Impl {
  asio::io_context context{1};
  tcp::acceptor acceptor{context};
  std::vector<int> statuses;
  Group group;
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::vector<ReceivedRequest> received;
  std::uint16_t port = 0;
  std::thread thread;
  // A hostile sender must not fill the memory: bounded bodies, and only the first requests are kept.
  static constexpr std::size_t kMaxRequests = 1000;
  static constexpr std::size_t kMaxBody = 1024 * 1024;

  // Lock held. The script position is the number of earlier requests (in the same group, with a group
  // function).
  int next_status(const ReceivedRequest& request) {
    if (statuses.empty()) return 200;
    std::size_t position = received.size();
    if (group) {
      const std::string key = group(request);
      position = static_cast<std::size_t>(std::count_if(
          received.begin(), received.end(), [&](const ReceivedRequest& r) { return group(r) == key; }));
    }
    return statuses[std::min(position, statuses.size() - 1)];
  }

  asio::awaitable<void> serve(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      boost::system::error_code ec;
      http::request_parser<http::string_body> parser;
      parser.body_limit(kMaxBody);
      stream.expires_after(std::chrono::seconds(30));
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      auto request = parser.release();
      ReceivedRequest record;
      record.method = std::string(request.method_string());
      record.target = std::string(request.target());
      for (const auto& field : request)
        record.headers.add(std::string(field.name_string()), std::string(field.value()));
      record.body = std::move(request.body());
      record.at = std::chrono::steady_clock::now();
      int status = 200;
      {
        const std::lock_guard lock(mutex);
        status = next_status(record);
        record.answered_status = status;
        if (received.size() < kMaxRequests) received.push_back(std::move(record));
      }
      changed.notify_all();
      http::response<http::string_body> response{static_cast<http::status>(status), request.version()};
      response.set(http::field::content_type, "application/json");
      response.body() = status < 300 ? R"({"received":true})" : R"({"error":"scripted failure"})";
      response.keep_alive(request.keep_alive());
      response.prepare_payload();
      co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !request.keep_alive()) co_return;
    }
  }

  asio::awaitable<void> accept() {
    for (;;) {
      boost::system::error_code ec;
      auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) {
        // Out of file descriptors, say: wait a little instead of spinning on accept.
        asio::steady_timer pause(context, std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      asio::co_spawn(context, serve(std::move(socket)), asio::detached);
    }
  }
};

HttpReceiver::HttpReceiver(const std::string& host, std::uint16_t port, std::vector<int> statuses,
                           Group group)
    : impl_(std::make_unique<Impl>()) {
  impl_->statuses = std::move(statuses);
  impl_->group = std::move(group);
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::runtime_error("receiver: '" + host + "' is not an IP address");
  const tcp::endpoint endpoint(address, port);
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("receiver: cannot listen on " + host + ":" + std::to_string(port) + ": " +
                             ec.message());
  impl_->port =
      impl_->acceptor.local_endpoint(ec).port();  // read here, before the io thread owns the acceptor
  asio::co_spawn(impl_->context, impl_->accept(), asio::detached);
  impl_->thread = std::thread([impl = impl_.get()] { impl->context.run(); });
}

HttpReceiver::~HttpReceiver() {
  stop();
}

std::uint16_t HttpReceiver::port() const {
  return impl_->port;
}

std::vector<ReceivedRequest> HttpReceiver::received() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->received;
}

bool HttpReceiver::wait_until(const std::function<bool(const std::vector<ReceivedRequest>&)>& done,
                              std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_until(lock, deadline, [&] { return done(impl_->received); });
}

void HttpReceiver::stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  asio::post(impl_->context, [impl = impl_.get()] {
    boost::system::error_code ec;
    impl->acceptor.close(ec);
    impl->context.stop();
  });
  impl_->thread.join();
}

}  // namespace gatecheck::net
