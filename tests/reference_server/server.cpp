// The server: a listener, a bounded pool of connection workers, and a stop() that interrupts them promptly.
#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <set>
#include <stdexcept>
#include <sys/socket.h>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

#include "http_wire.hpp"
#include "reference_server.hpp"
#include "routes.hpp"

namespace gatecheck::testing {
namespace {

constexpr int kWorkers = 64;            // connections served at once
constexpr std::size_t kMaxQueued = 64;  // accepted, waiting for a worker; then 503
constexpr int kIoTimeoutSeconds = 10;   // SO_RCVTIMEO / SO_SNDTIMEO

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

}  // namespace

struct ReferenceServer::Impl {
  explicit Impl(ReferenceServerOptions options) : api(std::move(options)) {}

  void start() {
    if (started) throw std::logic_error("ReferenceServer::start: already started");
    Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    const int one = 1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd.get() < 0 || ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        ::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(fd.get(), 128) != 0 ||
        ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0)
      throw std::system_error(errno, std::generic_category(), "ReferenceServer::start");
    port = ntohs(address.sin_port);
    listener = std::move(fd);
    started = true;
    threads.emplace_back([this] { accept_loop(); });
    for (int i = 0; i < kWorkers; ++i)
      threads.emplace_back([this] { worker_loop(); });
  }

  void stop() {
    if (!started || stopping.exchange(true)) return;
    ::shutdown(listener.get(), SHUT_RDWR);  // wakes accept()
    {
      const std::lock_guard lock(mu);
      for (const int fd : active)
        ::shutdown(fd, SHUT_RDWR);  // wakes recv() and fails send()
      queued.clear();
    }
    ready.notify_all();
    for (auto& thread : threads)
      thread.join();
    threads.clear();
    listener.reset();
  }

  void accept_loop() {
    while (!stopping) {
      Fd conn(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (conn.get() < 0) {
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      const timeval timeout{kIoTimeoutSeconds, 0};
      const int one = 1;
      ::setsockopt(conn.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      ::setsockopt(conn.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
      ::setsockopt(conn.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // an SSE event per segment
      std::unique_lock lock(mu);
      if (queued.size() < kMaxQueued) {
        queued.push_back(std::move(conn));
        ready.notify_one();
        continue;
      }
      lock.unlock();
      const reference::Response busy = api.refuse(503, "The server is busy: every connection slot is taken.");
      reference::Connection(conn.get()).write(reference::Request{}, busy, stopping);
    }
  }

  void worker_loop() {
    while (true) {
      Fd conn;
      {
        std::unique_lock lock(mu);
        ready.wait(lock, [this] { return stopping || !queued.empty(); });
        if (stopping) return;
        conn = std::move(queued.front());
        queued.pop_front();
        active.insert(conn.get());
      }
      serve(conn.get());
      const std::lock_guard lock(mu);
      active.erase(conn.get());  // before conn closes, so stop() never shuts down a reused descriptor
    }
  }

  void serve(int fd) {
    reference::Connection conn(fd);
    bool open = true;
    while (open && !stopping) {
      reference::Request req;
      if (!conn.read_request(req)) return;
      const reference::Response res =
          req.framing_status != 0 ? api.refuse(req.framing_status, req.framing_message) : api.handle(req);
      open = conn.write(req, res, stopping);
    }
  }

  reference::Api api;
  Fd listener;
  unsigned short port = 0;
  bool started = false;
  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::condition_variable ready;
  std::deque<Fd> queued;  // accepted, waiting for a worker
  std::set<int> active;   // being served; shut down by stop()
  std::vector<std::jthread> threads;
};

ReferenceServer::ReferenceServer(ReferenceServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
ReferenceServer::~ReferenceServer() {
  stop();
}
void ReferenceServer::start() {
  impl_->start();
}
void ReferenceServer::stop() {
  impl_->stop();
}
unsigned short ReferenceServer::port() const {
  return impl_->port;
}
std::string ReferenceServer::url() const {
  return "http://127.0.0.1:" + std::to_string(port());
}

}  // namespace gatecheck::testing
