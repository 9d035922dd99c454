// Drives the mock's logic (App) with synthetic requests: no sockets, so every rule can be tested quickly.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/vendor/profile.hpp>

#include "app.hpp"
#include "exchange.hpp"

namespace gatecheck::mock::testing {

struct Answer {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::vector<std::string> events;                // SSE event blocks, when streamed
  std::vector<std::chrono::microseconds> delays;  // the wait planned before each event
  Reply reply;

  nlohmann::json json() const { return nlohmann::json::parse(body); }
  std::string header(const std::string& name) const;
  bool has_header(const std::string& name) const;
};

class MockApp {
 public:
  explicit MockApp(ServerOptions options = default_options());
  static ServerOptions default_options();

  Answer post(const std::string& path, const std::string& body,
              std::vector<std::pair<std::string, std::string>> headers = {});
  Answer get(const std::string& path, std::vector<std::pair<std::string, std::string>> headers = {});
  Answer send(const std::string& method, const std::string& path, const std::string& body,
              std::vector<std::pair<std::string, std::string>> headers, bool with_key = true);

  ServerOptions options;
  std::unique_ptr<App> app;
};

}  // namespace gatecheck::mock::testing
