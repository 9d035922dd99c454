#include "text.hpp"

#include <cstdio>

namespace gatecheck::reports {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

std::string format_seconds(double milliseconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", milliseconds / 1000.0);
  return buffer;
}

}  // namespace gatecheck::reports
