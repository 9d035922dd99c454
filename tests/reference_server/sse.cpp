#include "sse.hpp"

namespace gatecheck::testing::reference {

std::string sse_opening() {
  return ": keep-alive\r\n\r\n";
}

std::string sse_event(std::string_view data, std::size_t number, std::string_view event) {
  const std::string_view gap = number % 2 == 0 ? " " : "";  // the one leading space is optional
  std::string out = number % 4 == 3 ? ": ping\r\n" : "";
  const std::string data_line = "data:" + std::string(gap) + std::string(data) + "\r\n";
  if (event.empty()) return out + data_line + "\r\n";
  const std::string event_line = "event:" + std::string(gap) + std::string(event) + "\r\n";
  out += number % 3 == 1 ? data_line + event_line : event_line + data_line;  // fields come in any order
  return out + "\r\n";
}

}  // namespace gatecheck::testing::reference
