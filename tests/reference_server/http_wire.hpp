// HTTP/1.1 on one connection: requests read and framed within their bounds, responses written (streams as one
// chunk per SSE event). Header names go out in lower case on purpose: they are case-insensitive (RFC
// 9110 5.1).
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatecheck::testing::reference {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;
  std::string path;                            // the target without its query
  std::map<std::string, std::string> headers;  // lower-case names; repeated fields joined with ", "
  std::string body;
  bool http10 = false;
  bool keep_alive = true;
  bool has_length = false;
  bool too_large = false;  // the body was over the bound and was discarded
  int framing_status = 0;  // non-zero: the message cannot be framed; answer it and close
  std::string framing_message;

  std::optional<std::string_view> header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::nullopt : std::optional<std::string_view>(it->second);
  }
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  bool stream = false;              // events go out chunked, one chunk per event, paced
  std::vector<std::string> events;  // complete SSE blocks
  bool close = false;
};

class Connection {
 public:
  explicit Connection(int fd) : fd_(fd) {}

  // False when the peer closed or went quiet before a whole request arrived. A request that cannot be framed
  // comes back with framing_status set. Bytes past the request stay buffered for the next (pipelining).
  bool read_request(Request& req);
  // True when the connection may carry another request. A stream ends early once `stop` is set.
  bool write(const Request& req, const Response& res, const std::atomic<bool>& stop);

 private:
  using Deadline = std::chrono::steady_clock::time_point;
  bool fill(Deadline deadline);
  bool read_body(Request& req, Deadline deadline);
  bool drain(std::size_t length, Deadline deadline);
  bool send_all(std::string_view data);

  int fd_;
  std::string buffer_;  // bytes already read past the previous request
};

// The largest body read: 25 MiB for multipart/form-data uploads (the API's file limit), else 2 MiB.
std::size_t body_limit(const Request& req);

// IMF-fixdate (RFC 9110 5.6.7), formatted by hand so the C locale cannot change it.
std::string http_date(std::chrono::system_clock::time_point at);

}  // namespace gatecheck::testing::reference
