// Opens N concurrent chat streams against a URL and reports how well the inter-token pace held: the gaps
// between consecutive content events (p50, p99, max), the time to first event, and how many streams
// completed.
//   stream_load URL STREAMS INTER_TOKEN_MS [SERVER_PID]
// With SERVER_PID, also reports the server's resident memory before and while the streams are open.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <gatecheck/core/sse.hpp>
#include <gatecheck/core/url.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Totals {
  std::vector<double> gaps_ms;
  std::vector<double> first_ms;
  int completed = 0;
  int failed = 0;
  int open = 0;
  int peak_open = 0;
};

long resident_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

asio::awaitable<void> one_stream(tcp::endpoint endpoint, std::string target, std::string body, unsigned itl,
                                 Totals& totals) {
  boost::system::error_code ec;
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  stream.expires_after(std::chrono::seconds(60));
  co_await stream.async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    ++totals.failed;
    co_return;
  }
  http::request<http::string_body> request{http::verb::post, target, 11};
  request.set(http::field::host, "127.0.0.1");
  request.set(http::field::authorization, "Bearer sk-bench");
  request.set(http::field::content_type, "application/json");
  request.set("x-gatecheck-itl-ms", std::to_string(itl));
  request.set("x-gatecheck-ttft-ms", std::to_string(itl));
  request.set("x-gatecheck-length", "150");
  request.body() = body;
  request.prepare_payload();
  const auto sent = Clock::now();
  co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    ++totals.failed;
    co_return;
  }
  ++totals.open;
  totals.peak_open = std::max(totals.peak_open, totals.open);
  std::vector<Clock::time_point> arrivals;
  bool done = false;
  gatecheck::core::SseParser sse([&](gatecheck::core::SseEvent&& event) {
    if (event.data == "[DONE]") {
      done = true;
    } else {
      arrivals.push_back(event.received_at);
    }
  });
  char chunk[4096];
  while (!parser.is_done()) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    co_await http::async_read_some(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    const std::size_t n = sizeof chunk - parser.get().body().size;
    if (n > 0) sse.feed(std::string_view(chunk, n), Clock::now());
    if (ec) break;
  }
  --totals.open;
  if (!done || arrivals.size() < 3) {
    ++totals.failed;
    co_return;
  }
  ++totals.completed;
  totals.first_ms.push_back(std::chrono::duration<double, std::milli>(arrivals.front() - sent).count());
  // Content events only: the closing chunks (finish, usage) follow the last token without a pause.
  for (std::size_t i = 1; i + 1 < arrivals.size(); ++i) {
    totals.gaps_ms.push_back(
        std::chrono::duration<double, std::milli>(arrivals[i] - arrivals[i - 1]).count());
  }
}

double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1,
                         static_cast<std::size_t>(p * static_cast<double>(values.size())))];
}

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: stream_load URL STREAMS INTER_TOKEN_MS [SERVER_PID]\n";
    return 2;
  }
  const auto url = gatecheck::core::Url::parse(argv[1]);
  const int streams = std::stoi(argv[2]);
  const unsigned itl = static_cast<unsigned>(std::stoi(argv[3]));
  const int pid = argc > 4 ? std::stoi(argv[4]) : 0;
  const std::string body =
      R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"stream please"}],"stream":true})";
  asio::io_context ioc(1);
  const tcp::endpoint endpoint(asio::ip::make_address(url.host), url.port);
  Totals totals;
  const long before = pid > 0 ? resident_kib(pid) : -1;
  long during = -1;
  // Open the streams over ~1 s so the accept queue keeps up, then sample memory while they are all open.
  asio::steady_timer pacing(ioc);
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < streams; ++i) {
          asio::co_spawn(ioc, one_stream(endpoint, url.target, body, itl, totals), asio::detached);
          if (i % 250 == 249) {
            pacing.expires_after(std::chrono::milliseconds(50));
            co_await pacing.async_wait(asio::use_awaitable);
          }
        }
        // Streams last 150 tokens x the inter-token delay; sample while all of them are open.
        asio::steady_timer sample(ioc);
        sample.expires_after(std::chrono::milliseconds(itl * 40));
        co_await sample.async_wait(asio::use_awaitable);
        if (pid > 0) during = resident_kib(pid);
      },
      asio::detached);
  const auto started = Clock::now();
  ioc.run();
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::printf("streams: %d requested, %d completed, %d failed, %d open at peak, %.1f s\n", streams,
              totals.completed, totals.failed, totals.peak_open, seconds);
  std::printf("inter-token delay (target %u ms): p50 %.2f ms  p99 %.2f ms  max %.2f ms  (%zu gaps)\n", itl,
              percentile(totals.gaps_ms, 0.50), percentile(totals.gaps_ms, 0.99),
              percentile(totals.gaps_ms, 1.0), totals.gaps_ms.size());
  std::printf("time to first event (target %u ms): p50 %.2f ms  p99 %.2f ms\n", itl,
              percentile(totals.first_ms, 0.5), percentile(totals.first_ms, 0.99));
  if (pid > 0 && before > 0 && during > 0) {
    std::printf("server resident memory: %ld KiB idle, %ld KiB with streams open: %.1f KiB per open stream\n",
                before, during, static_cast<double>(during - before) / std::max(1, totals.peak_open));
  }
  return totals.failed == 0 ? 0 : 1;
}
