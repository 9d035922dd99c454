// A small HTTP/1.1 server that records what it receives: the runner's webhook receivers. Every request is
// kept with its raw body bytes (signatures are computed over them), its headers and its arrival time, and
// answered with the next scripted status (the last one repeats), so a test can make a sender retry. With a
// `group` function the script runs per group (per event id: "fail the first attempt of every event").
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gatecheck/core/headers.hpp>

namespace gatecheck::net {

struct ReceivedRequest {
  std::string method;
  std::string target;
  core::Headers headers;
  std::string body;
  std::chrono::steady_clock::time_point at;
  int answered_status = 0;
};

class HttpReceiver {
 public:
  // Binds host:port (0 picks a free port) and serves on its own thread. Throws std::runtime_error when the
  // address cannot be bound. `statuses` empty means 200 for everything.
  using Group = std::function<std::string(const ReceivedRequest&)>;
  HttpReceiver(const std::string& host, std::uint16_t port, std::vector<int> statuses = {}, Group group = {});
  ~HttpReceiver();
  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  std::uint16_t port() const;
  std::vector<ReceivedRequest> received() const;
  // Waits until `done` holds for what has been received, or until `deadline`; returns whether it held.
  bool wait_until(const std::function<bool(const std::vector<ReceivedRequest>&)>& done,
                  std::chrono::steady_clock::time_point deadline) const;
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gatecheck::net
