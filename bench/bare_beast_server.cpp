// The reference for the mock's throughput: a Beast server with the mock's threading model (one io_context and
// one SO_REUSEPORT acceptor per thread) that parses each request and answers with fixed bytes, the exact
// response the mock gave for the benchmark request. What the mock does beyond this is the cost of being a
// mock.
//   bare_beast_server RESPONSE_FILE [THREADS]   (prints the port on its first line)
//   bare_beast_server --stream ITL_MS TOKENS [THREADS]
// The second form is the reference for the streams benchmark: every request gets an SSE stream of TOKENS
// chunks (the first after ITL_MS, then one every ITL_MS on absolute deadlines, as the mock paces them), a
// closing chunk and [DONE] — the same pacing work without generation, validation or faults.
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

asio::awaitable<void> serve(tcp::socket socket, const std::string& response) {
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    co_await asio::async_write(stream, asio::buffer(response), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
  }
}

struct StreamPlan {
  unsigned itl_ms = 0;
  unsigned tokens = 0;
};

asio::awaitable<void> serve_stream(tcp::socket socket, StreamPlan plan) {
  using Clock = std::chrono::steady_clock;
  static const std::string kHead =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  static const std::string kEvent =
      "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
      "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word\"},"
      "\"finish_reason\":null}]}\n\n";
  static const std::string kDone = "data: [DONE]\n\n";
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  asio::steady_timer timer(stream.get_executor());
  for (;;) {
    http::request_parser<http::string_body> parser;
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    co_await asio::async_write(stream, asio::buffer(kHead), asio::redirect_error(asio::use_awaitable, ec));
    auto due = Clock::now();
    for (unsigned i = 0; i <= plan.tokens + 1 && !ec; ++i) {
      if (i <= plan.tokens) {
        due += std::chrono::milliseconds(plan.itl_ms);
        timer.expires_at(due);
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      const std::string& event = i == plan.tokens + 1 ? kDone : kEvent;
      co_await asio::async_write(stream, http::make_chunk(asio::buffer(event)),
                                 asio::redirect_error(asio::use_awaitable, ec));
    }
    if (!ec)
      co_await asio::async_write(stream, http::make_chunk_last(),
                                 asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
  }
}

asio::awaitable<void> accept(tcp::acceptor& acceptor, const std::string& response, StreamPlan plan) {
  for (;;) {
    boost::system::error_code ec;
    auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) continue;
    if (plan.tokens > 0) {
      asio::co_spawn(acceptor.get_executor(), serve_stream(std::move(socket), plan), asio::detached);
    } else {
      asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), response), asio::detached);
    }
  }
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bare_beast_server RESPONSE_FILE [THREADS]\n";
    return 2;
  }
  StreamPlan plan;
  std::string response;
  int threads_arg = 2;
  if (std::string(argv[1]) == "--stream") {
    if (argc < 4) {
      std::cerr << "usage: bare_beast_server --stream ITL_MS TOKENS [THREADS]\n";
      return 2;
    }
    plan = {static_cast<unsigned>(std::stoi(argv[2])), static_cast<unsigned>(std::stoi(argv[3]))};
    threads_arg = 4;
  } else {
    std::ifstream in(argv[1], std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    response = text.str();
  }
  const unsigned threads = argc > threads_arg ? static_cast<unsigned>(std::stoi(argv[threads_arg]))
                                              : std::thread::hardware_concurrency();
  using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  unsigned short port = 0;
  for (unsigned i = 0; i < threads; ++i) {
    contexts.push_back(std::make_unique<asio::io_context>(1));
    auto acceptor = std::make_unique<tcp::acceptor>(*contexts.back());
    acceptor->open(tcp::v4());
    acceptor->set_option(tcp::acceptor::reuse_address(true));
    acceptor->set_option(reuse_port(true));
    acceptor->bind({asio::ip::make_address("127.0.0.1"), port});
    acceptor->listen(asio::socket_base::max_listen_connections);
    port = acceptor->local_endpoint().port();
    asio::co_spawn(*contexts.back(), accept(*acceptor, response, plan), asio::detached);
    acceptors.push_back(std::move(acceptor));
  }
  std::cout << port << std::endl;
  std::vector<std::thread> workers;
  for (auto& context : contexts)
    workers.emplace_back([&context] { context->run(); });
  for (auto& worker : workers)
    worker.join();
}
