// A strict JSON parser that records the position of every value and key. nlohmann's own parser (3.11)
// reports no positions, so configuration and schema files go through this one; hot paths keep nlohmann's.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

#include <gatecheck/core/document.hpp>

namespace gatecheck::core {
namespace {

using nlohmann::json;

class JsonReader {
 public:
  JsonReader(std::string_view text, std::string file, const LoadOptions& options)
      : text_(text), options_(options), document_{json(), SourceMap(std::move(file))} {}

  Document read() {
    skip_bom();
    skip_whitespace();
    std::string pointer;
    parse_value(document_.value, pointer, 0);
    skip_whitespace();
    if (offset_ < text_.size()) fail("unexpected " + describe_here() + " after the JSON value");
    return std::move(document_);
  }

 private:
  [[noreturn]] void fail(const std::string& message) const { fail_at(here(), message); }
  [[noreturn]] void fail_at(Position at, const std::string& message) const {
    throw LoadError(document_.source.file(), at, message);
  }

  Position here() const {
    return Position{static_cast<std::uint32_t>(line_), static_cast<std::uint32_t>(offset_ - line_start_ + 1)};
  }

  std::string describe_here() const {
    if (offset_ >= text_.size()) return "end of input";
    const unsigned char c = static_cast<unsigned char>(text_[offset_]);
    if (c < 0x20 || c >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", c);
      return std::string("byte ") + hex;
    }
    return std::string("'") + static_cast<char>(c) + "'";
  }

  void skip_bom() {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") offset_ = 3;
  }

  void skip_whitespace() {
    while (offset_ < text_.size()) {
      const char c = text_[offset_];
      if (c == '\n') {
        ++offset_;
        ++line_;
        line_start_ = offset_;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++offset_;
      } else {
        return;
      }
    }
  }

  bool consume(char expected) {
    if (offset_ < text_.size() && text_[offset_] == expected) {
      ++offset_;
      return true;
    }
    return false;
  }

  void count_node() {
    if (++nodes_ > options_.max_nodes)
      fail("document has more than " + std::to_string(options_.max_nodes) + " nodes");
  }

  void parse_value(json& out, std::string& pointer, std::size_t depth) {
    if (depth > options_.max_depth)
      fail("nesting deeper than " + std::to_string(options_.max_depth) + " levels");
    count_node();
    if (options_.record_positions) document_.source.set_value(pointer, here());
    if (offset_ >= text_.size()) fail("expected a JSON value, got end of input");
    switch (text_[offset_]) {
      case '{':
        parse_object(out, pointer, depth);
        return;
      case '[':
        parse_array(out, pointer, depth);
        return;
      case '"':
        out = parse_string();
        return;
      case 't':
        parse_literal("true");
        out = true;
        return;
      case 'f':
        parse_literal("false");
        out = false;
        return;
      case 'n':
        parse_literal("null");
        out = nullptr;
        return;
      default:
        if (text_[offset_] == '-' || (text_[offset_] >= '0' && text_[offset_] <= '9')) {
          out = parse_number();
          return;
        }
        fail("expected a JSON value, got " + describe_here());
    }
  }

  void parse_literal(std::string_view word) {
    if (text_.substr(offset_, word.size()) != word) fail("expected a JSON value, got " + describe_here());
    offset_ += word.size();
  }

  void parse_object(json& out, std::string& pointer, std::size_t depth) {
    ++offset_;  // '{'
    out = json::object();
    auto& members = out.get_ref<json::object_t&>();
    skip_whitespace();
    if (consume('}')) return;
    for (;;) {
      skip_whitespace();
      if (offset_ >= text_.size() || text_[offset_] != '"')
        fail("expected a string key, got " + describe_here());
      const Position key_at = here();
      std::string key = parse_string();
      skip_whitespace();
      if (!consume(':')) fail("expected ':' after object key \"" + key + "\", got " + describe_here());
      skip_whitespace();
      auto [it, inserted] = members.emplace(key, nullptr);
      if (!inserted) fail_at(key_at, "duplicate key \"" + key + "\"");
      const std::size_t mark = pointer.size();
      pointer += '/';
      pointer += json_pointer_escape(key);
      if (options_.record_positions) document_.source.set_key(pointer, key_at);
      parse_value(it->second, pointer, depth + 1);
      pointer.resize(mark);
      skip_whitespace();
      if (consume('}')) return;
      if (!consume(',')) fail("expected ',' or '}' after object member, got " + describe_here());
    }
  }

  void parse_array(json& out, std::string& pointer, std::size_t depth) {
    ++offset_;  // '['
    out = json::array();
    auto& items = out.get_ref<json::array_t&>();
    skip_whitespace();
    if (consume(']')) return;
    for (;;) {
      skip_whitespace();
      const std::size_t mark = pointer.size();
      pointer += '/';
      pointer += std::to_string(items.size());
      items.emplace_back(nullptr);
      parse_value(items.back(), pointer, depth + 1);
      pointer.resize(mark);
      skip_whitespace();
      if (consume(']')) return;
      if (!consume(',')) fail("expected ',' or ']' after array element, got " + describe_here());
    }
  }

  json parse_number() {
    const std::size_t start = offset_;
    const Position at = here();
    consume('-');
    if (consume('0')) {
      // a leading zero stands alone
    } else if (offset_ < text_.size() && text_[offset_] >= '1' && text_[offset_] <= '9') {
      skip_digits();
    } else {
      fail("expected a digit in number, got " + describe_here());
    }
    bool integral = true;
    if (consume('.')) {
      integral = false;
      if (!skip_digits()) fail("expected a digit after '.' in number, got " + describe_here());
    }
    if (offset_ < text_.size() && (text_[offset_] == 'e' || text_[offset_] == 'E')) {
      integral = false;
      ++offset_;
      if (!consume('+')) consume('-');
      if (!skip_digits()) fail("expected a digit in exponent, got " + describe_here());
    }
    const std::string_view literal = text_.substr(start, offset_ - start);
    const char* first = literal.data();
    const char* last = first + literal.size();
    if (integral) {
      std::int64_t signed_value = 0;
      if (std::from_chars(first, last, signed_value).ec == std::errc{}) return json(signed_value);
      std::uint64_t unsigned_value = 0;
      if (literal.front() != '-' && std::from_chars(first, last, unsigned_value).ec == std::errc{}) {
        return json(unsigned_value);
      }
    }
    double value = 0;
    const auto result = std::from_chars(first, last, value);
    if (result.ec == std::errc::result_out_of_range) {
      // from_chars leaves the value alone then: an integer of 400 digits must not read as 0. Underflow
      // (1e-400) is 0; overflow is an error, integer or not.
      if (std::isinf(std::strtod(std::string(literal).c_str(), nullptr)))
        fail_at(at, "number " + std::string(literal) + " is out of the range of a double");
      return json(0.0);
    }
    if (result.ec != std::errc{}) fail_at(at, "invalid number " + std::string(literal));
    return json(value);
  }

  bool skip_digits() {
    const std::size_t start = offset_;
    while (offset_ < text_.size() && text_[offset_] >= '0' && text_[offset_] <= '9')
      ++offset_;
    return offset_ > start;
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::uint32_t parse_hex4() {
    if (offset_ + 4 > text_.size()) fail("expected four hex digits after \\u");
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[offset_++];
      value <<= 4;
      if (c >= '0' && c <= '9') {
        value |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        value |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        value |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        --offset_;
        fail("expected a hex digit in \\u escape, got " + describe_here());
      }
    }
    return value;
  }

  // Copies one UTF-8 sequence starting at offset_, rejecting malformed, overlong and surrogate encodings.
  void copy_utf8_sequence(std::string& out) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text_[offset_ + i]); };
    const unsigned char lead = byte(0);
    std::size_t length = 0;
    std::uint32_t cp = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      cp = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      cp = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      cp = lead & 0x07;
    } else {
      fail("invalid UTF-8 in string");
    }
    if (offset_ + length > text_.size()) fail("truncated UTF-8 sequence in string");
    for (std::size_t i = 1; i < length; ++i) {
      if ((byte(i) & 0xC0) != 0x80) fail("invalid UTF-8 in string");
      cp = (cp << 6) | (byte(i) & 0x3F);
    }
    const bool overlong = (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
    if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) fail("invalid UTF-8 in string");
    out.append(text_.substr(offset_, length));
    offset_ += length;
  }

  std::string parse_string() {
    ++offset_;  // opening quote
    std::string out;
    for (;;) {
      if (offset_ >= text_.size()) fail("unterminated string");
      const unsigned char c = static_cast<unsigned char>(text_[offset_]);
      if (c == '"') {
        ++offset_;
        return out;
      }
      if (c < 0x20) fail("control character " + describe_here() + " must be escaped in a string");
      if (c >= 0x80) {
        copy_utf8_sequence(out);
        continue;
      }
      if (c != '\\') {
        out += static_cast<char>(c);
        ++offset_;
        continue;
      }
      ++offset_;
      if (offset_ >= text_.size()) fail("unterminated escape in string");
      const char escape = text_[offset_++];
      switch (escape) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          std::uint32_t cp = parse_hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (text_.substr(offset_, 2) != "\\u") fail("lone high surrogate in \\u escape");
            offset_ += 2;
            const std::uint32_t low = parse_hex4();
            if (low < 0xDC00 || low > 0xDFFF) fail("high surrogate not followed by a low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail("lone low surrogate in \\u escape");
          }
          append_utf8(out, cp);
          break;
        }
        default:
          --offset_;
          fail("invalid escape \\" + std::string(1, escape) + " in string");
      }
    }
  }

  std::string_view text_;
  const LoadOptions& options_;
  Document document_;
  std::size_t offset_ = 0;
  std::size_t line_ = 1;
  std::size_t line_start_ = 0;
  std::size_t nodes_ = 0;
};

}  // namespace

Document parse_json(std::string_view text, std::string file_name, const LoadOptions& options) {
  return JsonReader(text, std::move(file_name), options).read();
}

}  // namespace gatecheck::core
