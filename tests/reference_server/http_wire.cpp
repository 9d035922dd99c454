#include "http_wire.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <sys/socket.h>
#include <thread>

#include "text.hpp"

namespace gatecheck::testing::reference {
namespace {

constexpr std::size_t kMaxHeadBytes = std::size_t{64} << 10;
constexpr std::size_t kMaxBodyBytes = std::size_t{2} << 20;
constexpr std::size_t kMaxUploadBytes = std::size_t{25} << 20;  // multipart uploads: the API's file limit
constexpr std::size_t kMaxDrainBytes = std::size_t{32} << 20;   // a bigger body is not read: answer, close
constexpr auto kRequestDeadline = std::chrono::seconds(30);     // one whole request, against slow senders
constexpr auto kTokenPace = std::chrono::milliseconds(5);

bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (lower(trim(list.substr(0, comma))) == token) return true;
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return false;
}

bool parse_request_line(std::string_view line, Request& req) {
  const auto first = line.find(' ');
  const auto second = line.find(' ', first + 1);
  if (first == 0 || first == std::string_view::npos || second == std::string_view::npos ||
      line.find(' ', second + 1) != std::string_view::npos)
    return false;
  std::string_view target = line.substr(first + 1, second - first - 1);
  const std::string_view version = line.substr(second + 1);
  if (target.starts_with("http://") || target.starts_with("https://")) {  // absolute-form (RFC 9112 3.2.2)
    const auto slash = target.find('/', target.find("//") + 2);
    target = slash == std::string_view::npos ? "/" : target.substr(slash);
  }
  if (!target.starts_with("/") || (version != "HTTP/1.1" && version != "HTTP/1.0")) return false;
  req.method = line.substr(0, first);
  req.path = target.substr(0, target.find('?'));
  req.http10 = version == "HTTP/1.0";
  req.keep_alive = !req.http10;
  return true;
}

bool parse_head(std::string_view head, Request& req) {
  auto eol = head.find("\r\n");
  if (!parse_request_line(head.substr(0, eol), req)) return false;
  while (eol + 2 < head.size()) {
    const auto start = eol + 2;
    eol = head.find("\r\n", start);
    const std::string_view line = head.substr(start, eol - start);
    const auto colon = line.find(':');
    // No whitespace before the colon and no obsolete line folding (RFC 9112 5.1, 5.2).
    if (colon == 0 || colon == std::string_view::npos || line.front() == ' ' || line.front() == '\t' ||
        line.substr(0, colon).find_first_of(" \t") != std::string_view::npos)
      return false;
    std::string& slot = req.headers[lower(line.substr(0, colon))];
    slot += (slot.empty() ? "" : ", ") + std::string(trim(line.substr(colon + 1)));
  }
  if (const auto connection = req.header("connection")) {
    if (has_token(*connection, "keep-alive")) req.keep_alive = true;
    if (has_token(*connection, "close")) req.keep_alive = false;
  }
  const auto host = req.header("host");  // exactly one Host in HTTP/1.1 (RFC 9112 3.2)
  return req.http10 || (host && host->find(',') == std::string_view::npos);
}

bool parse_length(std::string_view text, std::size_t& length) {
  if (text.empty() || text.size() > 15 || text.find_first_not_of("0123456789") != std::string_view::npos)
    return false;  // a list of repeated values is refused too, which RFC 9110 8.6 allows
  length = std::stoull(std::string(text));
  return true;
}

void refuse_framing(Request& req, int status, std::string message) {
  req.framing_status = status;
  req.framing_message = std::move(message);
  req.keep_alive = false;
}

std::string_view reason(int status) {
  constexpr std::array<std::pair<int, std::string_view>, 12> kReasons{
      {{200, "OK"},
       {400, "Bad Request"},
       {401, "Unauthorized"},
       {404, "Not Found"},
       {405, "Method Not Allowed"},
       {411, "Length Required"},
       {413, "Content Too Large"},
       {415, "Unsupported Media Type"},
       {429, "Too Many Requests"},
       {431, "Request Header Fields Too Large"},
       {500, "Internal Server Error"},
       {503, "Service Unavailable"}}};
  for (const auto& [code, text] : kReasons)
    if (code == status) return text;
  return "Error";
}

std::string head_text(const Response& res, bool keep_alive, bool chunked) {
  std::string out = "HTTP/1.1 " + std::to_string(res.status) + " " + std::string(reason(res.status)) + "\r\n";
  for (const auto& [name, value] : res.headers)
    out += name + ": " + value + "\r\n";
  out += "date: " + http_date(std::chrono::system_clock::now()) + "\r\n";
  if (chunked)
    out += "transfer-encoding: chunked\r\n";
  else if (!res.stream)  // an unchunked stream (HTTP/1.0) is delimited by the close alone
    out += "content-length: " + std::to_string(res.body.size()) + "\r\n";
  out += keep_alive ? "connection: keep-alive\r\n\r\n" : "connection: close\r\n\r\n";
  return out;
}

}  // namespace

std::size_t body_limit(const Request& req) {
  const std::string_view type = req.header("content-type").value_or("");
  return lower(trim(type.substr(0, type.find(';')))) == "multipart/form-data" ? kMaxUploadBytes
                                                                              : kMaxBodyBytes;
}

bool Connection::read_request(Request& req) {
  const auto deadline = std::chrono::steady_clock::now() + kRequestDeadline;
  std::size_t end = 0;
  while (true) {
    while (buffer_.starts_with("\r\n"))
      buffer_.erase(0, 2);  // RFC 9112 2.2: ignore leading blank lines
    end = buffer_.find("\r\n\r\n");
    if (end != std::string::npos && end + 4 <= kMaxHeadBytes) break;
    if (end != std::string::npos || buffer_.size() > kMaxHeadBytes) {
      refuse_framing(req, 431, "Request header fields are too large: the limit is 65536 bytes.");
      return true;
    }
    if (!fill(deadline)) return false;
  }
  const std::string head = buffer_.substr(0, end + 2);
  buffer_.erase(0, end + 4);
  if (!parse_head(head, req)) {
    refuse_framing(req, 400, "Malformed HTTP request.");
    return true;
  }
  return read_body(req, deadline);
}

bool Connection::fill(Deadline deadline) {
  std::array<char, 16384> chunk{};
  while (std::chrono::steady_clock::now() < deadline) {
    const ssize_t n = ::recv(fd_, chunk.data(), chunk.size(), 0);
    if (n > 0) {
      buffer_.append(chunk.data(), static_cast<std::size_t>(n));
      return true;
    }
    if (n == 0 || errno != EINTR) return false;  // closed, SO_RCVTIMEO expired, or shut down by stop()
  }
  return false;
}

bool Connection::read_body(Request& req, Deadline deadline) {
  if (req.header("transfer-encoding")) {
    refuse_framing(req, 411, "Chunked request bodies are not supported: send a Content-Length.");
    return true;
  }
  const auto length_text = req.header("content-length");
  std::size_t length = 0;
  if (!length_text) return true;
  if (!parse_length(*length_text, length)) {
    refuse_framing(req, 400, "Invalid Content-Length.");
    return true;
  }
  req.has_length = true;
  if (length > body_limit(req)) {
    req.too_large = true;
    if (length <= kMaxDrainBytes) return drain(length, deadline);  // so the client can read the 413
    req.keep_alive = false;
    return true;
  }
  while (buffer_.size() < length)
    if (!fill(deadline)) return false;
  req.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return true;
}

bool Connection::drain(std::size_t length, Deadline deadline) {
  while (true) {
    const std::size_t take = std::min(length, buffer_.size());
    buffer_.erase(0, take);
    length -= take;
    if (length == 0) return true;
    if (!fill(deadline)) return false;
  }
}

bool Connection::send_all(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool Connection::write(const Request& req, const Response& res, const std::atomic<bool>& stop) {
  const bool keep_alive = req.keep_alive && !res.close;
  if (!res.stream) return send_all(head_text(res, keep_alive, false) + res.body) && keep_alive;
  const bool chunked = !req.http10;  // HTTP/1.0 has no chunked coding: the close ends the stream
  if (!send_all(head_text(res, keep_alive && chunked, chunked))) return false;
  for (std::size_t i = 0; i < res.events.size(); ++i) {
    if (i > 0) std::this_thread::sleep_for(kTokenPace);  // each event is its own flush, spread over time
    const std::string& event = res.events[i];
    if (stop || !send_all(chunked ? hex(event.size(), 1) + "\r\n" + event + "\r\n" : event)) return false;
  }
  return chunked && send_all("0\r\n\r\n") && keep_alive;
}

std::string http_date(std::chrono::system_clock::time_point at) {
  constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 40> buf{};
  std::snprintf(buf.data(), buf.size(), "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf.data();
}

}  // namespace gatecheck::testing::reference
