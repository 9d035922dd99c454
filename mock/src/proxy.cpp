#include "proxy.hpp"

#include <condition_variable>
#include <deque>

#include <gatecheck/core/headers.hpp>
#include <gatecheck/net/http_client.hpp>

#include "api_error.hpp"

namespace gatecheck::mock {
namespace {

using namespace std::chrono_literals;

constexpr auto kConnectTimeout = 5s;
constexpr auto kReadTimeout = 30s;
constexpr auto kTotalTimeout = std::chrono::minutes(10);
constexpr std::size_t kMaxQueuedBytes = 64 * 1024 * 1024;  // a client that does not read: the rest is dropped
constexpr auto kPoll = 5ms;                                // how often a waiting stream looks for more bytes

// RFC 9110 7.6.1: these describe one connection, not the message, and are never forwarded.
bool hop_by_hop(std::string_view name) {
  for (const char* hop : {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
                          "proxy-authenticate", "proxy-authorization", "host", "content-length"})
    if (core::iequals(name, hop)) return true;
  return false;
}

struct Abandoned {};  // thrown from the body hook: the client is gone, stop reading the upstream

}  // namespace

struct ProxyPool::Exchange {
  std::mutex mutex;
  std::condition_variable changed;
  bool head = false;  // the status line and headers have arrived (or the exchange failed before them)
  bool done = false;
  bool abandoned = false;
  int status = 0;
  core::Headers headers;
  std::optional<net::TransportError> error;
  std::deque<std::string> chunks;
  std::size_t queued = 0;

  void run(net::HttpRequest request) {
    net::HttpClientOptions options;
    options.connect_timeout = kConnectTimeout;
    options.read_timeout = kReadTimeout;
    options.total_timeout = kTotalTimeout;
    options.keep_alive = false;
    net::HttpClient client(options);
    net::ResponseHooks hooks;
    hooks.keep_body = false;
    hooks.on_headers = [this](const net::HttpResponse& response) {
      const std::lock_guard lock(mutex);
      head = true;
      status = response.status;
      headers = response.headers;
      changed.notify_all();
    };
    hooks.on_body = [this](std::string_view chunk, net::Clock::time_point) {
      const std::lock_guard lock(mutex);
      if (abandoned) throw Abandoned{};
      if (queued + chunk.size() > kMaxQueuedBytes) return;
      queued += chunk.size();
      chunks.emplace_back(chunk);
      changed.notify_all();
    };
    net::HttpResponse response;
    try {
      response = client.send(request, hooks);
    } catch (const Abandoned&) {
    }
    const std::lock_guard lock(mutex);
    if (!head || response.error) error = response.error;
    head = true;
    done = true;
    changed.notify_all();
  }
};

namespace {

// The upstream's event stream, handed on as its bytes arrive.
class PassThrough final : public EventSource {
 public:
  explicit PassThrough(std::shared_ptr<ProxyPool::Exchange> exchange) : exchange_(std::move(exchange)) {}
  ~PassThrough() override { hurry(); }
  PassThrough(const PassThrough&) = delete;
  PassThrough& operator=(const PassThrough&) = delete;

  bool next(std::string& out, std::chrono::microseconds& delay) override {
    const std::lock_guard lock(exchange_->mutex);
    if (exchange_->abandoned) return false;
    delay = std::chrono::microseconds(0);
    while (!exchange_->chunks.empty()) {
      out += exchange_->chunks.front();
      exchange_->queued -= exchange_->chunks.front().size();
      exchange_->chunks.pop_front();
    }
    if (!out.empty()) return true;
    if (exchange_->done) return false;
    delay = kPoll;  // nothing yet: an empty event, sent as nothing, after a short wait
    return true;
  }
  // Shutdown or a client that went away: the upstream is not waited for.
  void hurry() override {
    const std::lock_guard lock(exchange_->mutex);
    exchange_->abandoned = true;
  }

 private:
  std::shared_ptr<ProxyPool::Exchange> exchange_;
};

net::HttpRequest upstream_request(const Request& request, const ProxyTarget& target) {
  net::HttpRequest out;
  out.method = std::string(request.method);
  std::string_view path = request.path;
  if (!target.strip_prefix.empty() && path.starts_with(target.strip_prefix))
    path.remove_prefix(target.strip_prefix.size());
  out.url = target.url + std::string(path) + (request.query.empty() ? "" : "?" + std::string(request.query));
  for (const auto& [name, value] : request.headers)
    if (!hop_by_hop(name)) out.headers.add(std::string(name), std::string(value));
  for (const auto& [name, value] : target.headers)
    out.headers.set(name, value);
  out.body = std::string(request.body);
  return out;
}

}  // namespace

ProxyPool::~ProxyPool() {
  const std::lock_guard lock(mutex_);
  for (auto& running : running_) {
    {
      const std::lock_guard abandon(running.exchange->mutex);
      running.exchange->abandoned = true;
    }
    running.thread.join();
  }
}

void ProxyPool::reap() {
  for (auto it = running_.begin(); it != running_.end();) {
    bool finished = false;
    {
      const std::lock_guard lock(it->exchange->mutex);
      finished = it->exchange->done;
    }
    if (finished) {
      it->thread.join();
      it = running_.erase(it);
    } else {
      ++it;
    }
  }
}

Reply ProxyPool::forward(const Request& request, const ProxyTarget& target) {
  auto exchange = std::make_shared<Exchange>();
  {
    const std::lock_guard lock(mutex_);
    reap();
    if (running_.size() >= kMaxOpen)
      throw Rejected{ApiError{503,
                              "The mock is proxying " + std::to_string(kMaxOpen) + " requests already.",
                              "server_error",
                              nullptr,
                              "proxy_busy",
                              {{"Retry-After", "1"}}}};
    running_.push_back({std::thread([exchange, forwarded = upstream_request(request, target)]() mutable {
                          exchange->run(std::move(forwarded));
                        }),
                        exchange});
  }
  std::unique_lock lock(exchange->mutex);
  exchange->changed.wait(lock, [&] { return exchange->head; });
  if (exchange->error && exchange->status == 0)
    throw Rejected{ApiError{502,
                            "The stub's proxy to " + target.url + " failed: " + exchange->error->message,
                            "server_error",
                            nullptr,
                            "proxy_error",
                            {}}};
  Reply reply;
  reply.status = exchange->status;
  for (const auto& [name, value] : exchange->headers)
    if (!hop_by_hop(name)) reply.headers.emplace_back(name, value);
  const auto type = exchange->headers.get("content-type");
  if (type && core::media_type(*type) == "text/event-stream") {
    lock.unlock();
    reply.stream = std::make_unique<PassThrough>(exchange);
    return reply;
  }
  exchange->changed.wait(lock, [&] { return exchange->done; });
  for (const auto& chunk : exchange->chunks)
    reply.body += chunk;
  return reply;
}

}  // namespace gatecheck::mock
