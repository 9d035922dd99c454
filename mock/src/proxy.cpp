#include "proxy.hpp"

#include <algorithm>
#include <deque>

#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/url.hpp>
#include <gatecheck/net/http_client.hpp>

#include "api_error.hpp"

namespace gatecheck::mock {
namespace {

using namespace std::chrono_literals;

constexpr auto kConnectTimeout = 5s;
constexpr auto kReadTimeout = 30s;
constexpr auto kTotalTimeout = std::chrono::minutes(10);
constexpr std::size_t kMaxHeldBytes = 64 * 1024 * 1024;   // per exchange, not yet sent on
constexpr std::size_t kMaxPoolBytes = 256 * 1024 * 1024;  // over all exchanges
constexpr auto kPoll = 5ms;                               // how often a stream with nothing new looks again

// The fields a message's Connection header names: hop-by-hop too (RFC 9110 7.6.1).
template <class Fields>
std::vector<std::string> connection_named(const Fields& fields) {
  std::vector<std::string> out;
  for (const auto& [name, value] : fields)
    if (core::iequals(name, "connection"))
      for (auto& item : core::list_items(value))
        out.push_back(std::move(item));
  return out;
}

// Not passed on: what frames the message on its connection, what its Connection header names, and what
// addresses or authorises a proxy hop.
bool hop_by_hop(std::string_view name, const std::vector<std::string>& named) {
  return is_framing_header(name) || core::iequals(name, "host") ||
         core::iequals(name, "proxy-authenticate") || core::iequals(name, "proxy-authorization") ||
         std::any_of(named.begin(), named.end(),
                     [&](const std::string& n) { return core::iequals(n, name); });
}

struct Abandoned {};  // thrown from the body hook: nobody waits for the rest

}  // namespace

struct ProxyPool::Exchange {
  explicit Exchange(std::shared_ptr<std::atomic<std::size_t>> pool_held) : pool(std::move(pool_held)) {}
  ~Exchange() { pool->fetch_sub(held); }
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  std::mutex mutex;
  bool head = false;  // the status line and headers have arrived (or the exchange failed before them)
  bool done = false;
  bool abandoned = false;
  bool overflow = false;  // more than the bounds allow arrived before it was sent on
  int status = 0;
  core::Headers headers;
  std::optional<net::TransportError> error;
  std::deque<std::string> chunks;
  std::size_t held = 0;
  std::shared_ptr<std::atomic<std::size_t>> pool;

  // Under the lock: takes what has arrived, giving its bytes back to the bounds.
  std::string take() {
    std::string out;
    for (auto& chunk : chunks)
      out += chunk;
    chunks.clear();
    pool->fetch_sub(held);
    held = 0;
    return out;
  }

  void on_body(std::string_view chunk) {
    const std::lock_guard lock(mutex);
    if (abandoned) throw Abandoned{};
    if (held + chunk.size() > kMaxHeldBytes || pool->load() + chunk.size() > kMaxPoolBytes) {
      overflow = true;
      throw Abandoned{};
    }
    held += chunk.size();
    pool->fetch_add(chunk.size());
    chunks.emplace_back(chunk);
  }

  void run(const net::HttpRequest& request) {
    std::optional<net::TransportError> failure;
    try {
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
      };
      hooks.on_body = [this](std::string_view chunk, net::Clock::time_point) { on_body(chunk); };
      failure = client.send(request, hooks).error;
    } catch (const Abandoned&) {
    } catch (const std::exception& e) {  // nothing may escape a thread
      failure = net::TransportError{net::TransportErrorKind::protocol, e.what()};
    } catch (...) {
      failure = net::TransportError{net::TransportErrorKind::protocol, "an unknown error"};
    }
    const std::lock_guard lock(mutex);
    error = failure;
    head = true;
    done = true;
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
    out += exchange_->take();
    if (!out.empty()) return true;
    if (exchange_->done) return false;  // an upstream that broke off or overflowed ends the stream here too
    delay = kPoll;                      // nothing yet: an empty event, sent as nothing, after a short wait
    return true;
  }
  bool broke() const override {
    const std::lock_guard lock(exchange_->mutex);
    // Also a stream the mock stopped reading (it is stopping): the client must not take it as whole.
    return exchange_->error.has_value() || exchange_->overflow || (exchange_->abandoned && !exchange_->done);
  }
  // Shutdown, or the client went away: the upstream is not waited for.
  void hurry() override {
    const std::lock_guard lock(exchange_->mutex);
    exchange_->abandoned = true;
  }

 private:
  std::shared_ptr<ProxyPool::Exchange> exchange_;
};

// The answer the upstream gives, polled by the HTTP layer.
class UpstreamAnswer final : public PendingAnswer {
 public:
  UpstreamAnswer(std::shared_ptr<ProxyPool::Exchange> exchange, std::string url,
                 const vendor::Profile& profile, std::string request_id)
      : exchange_(std::move(exchange)),
        url_(std::move(url)),
        profile_(profile),
        request_id_(std::move(request_id)) {}
  ~UpstreamAnswer() override {
    if (!handed_on_) abandon();
  }
  UpstreamAnswer(const UpstreamAnswer&) = delete;
  UpstreamAnswer& operator=(const UpstreamAnswer&) = delete;

  std::optional<Reply> poll() override {
    const std::lock_guard lock(exchange_->mutex);
    if (!exchange_->head) return std::nullopt;
    if (exchange_->error && exchange_->status == 0) return failed("failed: " + exchange_->error->message);
    const auto type = exchange_->headers.get("content-type");
    const bool stream = type && core::media_type(*type) == "text/event-stream";
    if (!stream && !exchange_->done) return std::nullopt;
    if (exchange_->overflow) return failed("answered more than the mock holds (64 MiB)");
    if (!stream && exchange_->error) return failed("broke off mid-answer: " + exchange_->error->message);
    Reply reply;
    reply.status = exchange_->status;
    reply.origin = url_;
    const auto named = connection_named(exchange_->headers);
    for (const auto& [name, value] : exchange_->headers)
      if (!hop_by_hop(name, named)) reply.headers.emplace_back(name, value);
    if (stream) {
      reply.stream = std::make_unique<PassThrough>(exchange_);
    } else {
      reply.body = exchange_->take();
    }
    handed_on_ = true;
    return reply;
  }

  void abandon() override {
    const std::lock_guard lock(exchange_->mutex);
    exchange_->abandoned = true;
  }

 private:
  Reply failed(const std::string& what) {
    handed_on_ = true;
    Reply reply;
    reply.status = 502;
    reply.headers.emplace_back("Content-Type", "application/json");
    reply.body = render_error(profile_,
                              ApiError{502,
                                       "The stub's proxy to " + core::redact_userinfo(url_) + " " + what,
                                       "server_error",
                                       nullptr,
                                       "proxy_error",
                                       {}},
                              request_id_);
    return reply;
  }

  std::shared_ptr<ProxyPool::Exchange> exchange_;
  std::string url_;
  const vendor::Profile& profile_;
  std::string request_id_;
  bool handed_on_ = false;
};

// The forwarded request. The path must be absolute (Beast takes any request target, and "host.evil/x" after
// a base URL would name another host); a prefix is stripped only at a segment boundary.
net::HttpRequest upstream_request(const Request& request, const ProxyTarget& target) {
  std::string_view path = request.path;
  if (!path.starts_with('/'))
    throw Rejected{
        ApiError::invalid("A proxied request's path must start with '/'.", nullptr, "invalid_path")};
  const std::string_view prefix = target.strip_prefix;
  if (!prefix.empty() && path.starts_with(prefix) &&
      (path.size() == prefix.size() || path[prefix.size()] == '/' || prefix.ends_with('/'))) {
    path.remove_prefix(prefix.size());
  }
  net::HttpRequest out;
  out.method = std::string(request.method);
  out.url = target.url + (path.starts_with('/') ? "" : "/") + std::string(path) +
            (request.query.empty() ? "" : "?" + std::string(request.query));
  // Bytes pass on untouched (and may be recorded): they are asked for without a content coding.
  const auto named = connection_named(request.headers);
  for (const auto& [name, value] : request.headers)
    if (!hop_by_hop(name, named) && !core::iequals(name, "accept-encoding"))
      out.headers.add(std::string(name), std::string(value));
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

Reply ProxyPool::forward(const Request& request, const ProxyTarget& target, const vendor::Profile& profile,
                         const std::string& request_id) {
  net::HttpRequest forwarded = upstream_request(request, target);
  auto exchange = std::make_shared<Exchange>(held_);
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
    running_.push_back(
        {std::thread([exchange, forwarded = std::move(forwarded)] { exchange->run(forwarded); }), exchange});
  }
  Reply reply;
  reply.status = 0;  // known when the upstream answers
  reply.pending = std::make_unique<UpstreamAnswer>(exchange, target.url, profile, request_id);
  return reply;
}

}  // namespace gatecheck::mock
