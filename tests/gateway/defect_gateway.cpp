// A small reverse proxy that stands where a gateway would, conformant by default, with the defects real
// gateways have switched on one at a time. `gatecheck gate` runs it in front of the mock, so each
// upstream.* expectation is seen to pass against a faithful gateway and to fail against the defect it is
// for (tests/e2e/gate_test.cpp).
//
//   defect_gateway --port P --upstream URL [--key KEY] [--drop-header NAME] [--set-json /POINTER=JSON]
//                  [--buffer-stream] [--drop-response-header NAME] [--leak-hop-by-hop]
//                  [--replace-in-answer FROM=TO] [--retry N] [--delay-ms MS]
#include <csignal>
#include <iostream>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/core/headers.hpp>
#include <gatecheck/net/http_client.hpp>

#include "test_server.hpp"

namespace {

using gatecheck::core::iequals;
using gatecheck::core::to_lower;
using nlohmann::json;

struct Defects {
  std::string upstream;
  std::string key;  // set: the gateway's own upstream key replaces the client's
  std::set<std::string> drop_headers;
  std::vector<std::pair<std::string, std::string>> set_json;  // JSON Pointer, JSON value
  bool buffer_stream = false;
  std::set<std::string> drop_response_headers;
  bool leak_hop_by_hop = false;
  std::vector<std::pair<std::string, std::string>> replace;  // in a whole (non-stream) answer's body
  int retries = 0;   // an error answer is asked again at once, Retry-After or not
  int delay_ms = 0;  // before each request goes upstream
};

// RFC 9110 7.6.1; Host and Content-Length are the new hop's own.
bool hop_by_hop(const std::string& lower, const std::set<std::string>& named) {
  static const std::set<std::string> kFixed = {"connection",        "keep-alive", "proxy-authorization",
                                               "proxy-connection",  "te",         "trailer",
                                               "transfer-encoding", "upgrade",    "host",
                                               "content-length"};
  return kFixed.count(lower) != 0 || named.count(lower) != 0;
}

std::set<std::string> connection_tokens(const gatecheck::core::Headers& headers) {
  std::set<std::string> out;
  for (const auto& [name, value] : headers)
    if (iequals(name, "connection"))
      for (const auto& item : gatecheck::core::list_items(value))
        out.insert(to_lower(item));
  return out;
}

gatecheck::net::HttpRequest upstream_request(const gatecheck::testing::ReceivedRequest& in,
                                             const Defects& d) {
  gatecheck::net::HttpRequest out;
  out.method = in.method;
  out.url = d.upstream + in.target;
  const auto named = connection_tokens(in.headers);
  for (const auto& [name, value] : in.headers) {
    const std::string lower = to_lower(name);
    if (d.drop_headers.count(lower) != 0) continue;
    if (!d.leak_hop_by_hop && hop_by_hop(lower, named)) continue;
    if (d.leak_hop_by_hop && (lower == "host" || lower == "content-length" || lower == "connection"))
      continue;
    if (!d.key.empty() && lower == "authorization") continue;
    out.headers.add(name, value);
  }
  if (!d.key.empty()) out.headers.add("Authorization", "Bearer " + d.key);
  out.body = in.body;
  if (!d.set_json.empty()) {
    json body = json::parse(in.body, nullptr, false);
    if (body.is_object()) {
      for (const auto& [pointer, value] : d.set_json)
        body[json::json_pointer(pointer)] = json::parse(value);
      out.body = body.dump();
    }
  }
  return out;
}

// Clients are lent out and taken back: building one (its TLS context) costs more than a proxied request,
// and every connection comes on a thread of its own.
class ClientLease {
 public:
  ClientLease() {
    const std::lock_guard lock(mutex());
    if (!idle().empty()) {
      client = std::move(idle().back());
      idle().pop_back();
      return;
    }
    gatecheck::net::HttpClientOptions options;
    options.keep_alive = false;
    options.read_timeout = std::chrono::seconds(60);
    options.total_timeout = std::chrono::minutes(5);
    client = std::make_unique<gatecheck::net::HttpClient>(options);
  }
  ~ClientLease() {
    const std::lock_guard lock(mutex());
    idle().push_back(std::move(client));
  }
  ClientLease(const ClientLease&) = delete;
  ClientLease& operator=(const ClientLease&) = delete;
  std::unique_ptr<gatecheck::net::HttpClient> client;

 private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::vector<std::unique_ptr<gatecheck::net::HttpClient>>& idle() {
    static std::vector<std::unique_ptr<gatecheck::net::HttpClient>> clients;
    return clients;
  }
};

std::string replaced(std::string body, const Defects& d) {
  for (const auto& [from, to] : d.replace)
    for (auto at = body.find(from); at != std::string::npos; at = body.find(from, at + to.size()))
      body.replace(at, from.size(), to);
  return body;
}

bool is_stream(const gatecheck::net::HttpResponse& head) {
  const auto type = head.headers.get("content-type");
  return type && type->starts_with("text/event-stream");
}

void forward(const gatecheck::testing::ReceivedRequest& in, gatecheck::testing::Responder& out,
             const Defects& d) {
  if (d.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(d.delay_ms));
  const ClientLease lease;
  gatecheck::net::HttpClient& client = *lease.client;
  bool head_sent = false;
  std::string held;
  gatecheck::net::ResponseHooks hooks;
  hooks.keep_body = false;
  hooks.on_headers = [&](const gatecheck::net::HttpResponse& head) {
    std::string text = "HTTP/1.1 " + std::to_string(head.status) + " " + head.reason + "\r\n";
    const auto named = connection_tokens(head.headers);
    for (const auto& [name, value] : head.headers) {
      const std::string lower = to_lower(name);
      if (hop_by_hop(lower, named) || d.drop_response_headers.count(lower) != 0) continue;
      text += name + ": " + value + "\r\n";
    }
    out.write(text + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    head_sent = true;
  };
  bool hold_whole = false;  // a whole answer whose body a defect rewrites, or one that may be retried
  hooks.on_body = [&](std::string_view chunk, auto) {
    if (chunk.empty()) return;
    if (d.buffer_stream || hold_whole) {
      held.append(chunk);
      return;
    }
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    out.write(std::string(size) + std::string(chunk) + "\r\n");
  };
  const auto request = upstream_request(in, d);
  if (d.retries > 0) {
    // A retrying gateway holds each answer whole, so an error can be thrown away and asked again at once.
    gatecheck::net::HttpResponse whole = client.send(request);
    for (int attempt = 0; attempt < d.retries && (whole.status == 429 || whole.status >= 500); ++attempt)
      whole = client.send(request);
    if (whole.status == 0) {
      out.respond(502, R"({"error":{"message":"upstream unreachable","type":"server_error"}})",
                  "application/json");
      out.close();
      return;
    }
    hooks.on_headers(whole);
    hooks.on_body(whole.body, std::chrono::steady_clock::now());
    out.write("0\r\n\r\n");
    out.close();
    return;
  }
  const auto head_hook = hooks.on_headers;
  hooks.on_headers = [&](const gatecheck::net::HttpResponse& head) {
    hold_whole = !d.replace.empty() && !is_stream(head);
    head_hook(head);
  };
  const auto response = client.send(request, hooks);
  if (!head_sent) {
    out.respond(
        502, R"({"error":{"message":"upstream unreachable","type":"server_error","param":null,"code":null}})",
        "application/json");
    out.close();
    return;
  }
  if (hold_whole) held = replaced(std::move(held), d);
  if (!held.empty()) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", held.size());
    out.write(std::string(size) + held + "\r\n");
  }
  out.write("0\r\n\r\n");
  out.close();
  (void)response;
}

constexpr const char* kUsage =
    "usage: defect_gateway --port P --upstream URL [defects]\n"
    "  --key KEY                    use this upstream key instead of passing the client's on\n"
    "  --drop-header NAME           leave this request header out upstream\n"
    "  --set-json /POINTER=JSON     rewrite this member of a JSON request body\n"
    "  --buffer-stream              hold a stream back and send it whole at the end\n"
    "  --drop-response-header NAME  leave this answer header out for the client\n"
    "  --leak-hop-by-hop            pass hop-by-hop headers on\n"
    "  --replace-in-answer FROM=TO  replace text in a whole (non-stream) answer\n"
    "  --retry N                    ask again at once after a 429 or 5xx, N times\n"
    "  --delay-ms MS                wait before forwarding each request";

Defects read_arguments(int argc, char** argv, std::uint16_t& port) {
  Defects d;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") throw std::invalid_argument(kUsage);
    if (arg == "--port")
      port = static_cast<std::uint16_t>(std::stoul(next()));
    else if (arg == "--upstream")
      d.upstream = next();
    else if (arg == "--key")
      d.key = next();
    else if (arg == "--drop-header")
      d.drop_headers.insert(to_lower(next()));
    else if (arg == "--drop-response-header")
      d.drop_response_headers.insert(to_lower(next()));
    else if (arg == "--buffer-stream")
      d.buffer_stream = true;
    else if (arg == "--leak-hop-by-hop")
      d.leak_hop_by_hop = true;
    else if (arg == "--retry")
      d.retries = std::stoi(next());
    else if (arg == "--delay-ms")
      d.delay_ms = std::stoi(next());
    else if (arg == "--replace-in-answer") {
      const std::string spec = next();
      const auto eq = spec.find('=');
      if (eq == std::string::npos) throw std::invalid_argument("--replace-in-answer takes FROM=TO");
      d.replace.emplace_back(spec.substr(0, eq), spec.substr(eq + 1));
    } else if (arg == "--set-json") {
      const std::string spec = next();
      const auto eq = spec.find('=');
      if (eq == std::string::npos) throw std::invalid_argument("--set-json takes /POINTER=JSON");
      d.set_json.emplace_back(spec.substr(0, eq), spec.substr(eq + 1));
    } else {
      throw std::invalid_argument("unknown argument " + arg);
    }
  }
  if (d.upstream.empty()) throw std::invalid_argument(std::string("--upstream URL is required\n") + kUsage);
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint16_t port = 0;
  Defects defects;
  try {
    defects = read_arguments(argc, argv, port);
  } catch (const std::exception& e) {
    std::cerr << "defect_gateway: " << e.what() << "\n";
    return 2;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // the server's threads inherit the mask
  gatecheck::testing::TestServer server([&defects](const auto& in, auto& out) { forward(in, out, defects); },
                                        std::nullopt, port);
  std::cout << "defect_gateway listening on " << server.url() << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  return 0;
}
