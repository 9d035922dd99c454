#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <type_traits>

#include <gatecheck/core/json_writer.hpp>
#include <gatecheck/core/utf8.hpp>

namespace gatecheck::core {

namespace {

constexpr std::array<bool, 256> make_escape_table() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c)
    table[static_cast<std::size_t>(c)] = true;
  table['"'] = true;
  table['\\'] = true;
  for (int c = 0x80; c < 0x100; ++c)  // non-ASCII: checked for well-formed UTF-8 on the slow path
    table[static_cast<std::size_t>(c)] = true;
  return table;
}
constexpr auto kNeedsEscape = make_escape_table();

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t clean = 0;
  while (clean < text.size() && !kNeedsEscape[static_cast<unsigned char>(text[clean])])
    ++clean;
  out += '"';
  if (clean == text.size()) {  // the common case: nothing to escape, one append
    out.append(text);
    out += '"';
    return;
  }
  std::string repaired;  // only when untrusted bytes are not UTF-8: the output must stay valid JSON text
  if (!is_valid_utf8(text.substr(clean))) {
    repaired = std::string(text.substr(0, clean)) + repair_utf8(text.substr(clean));
    text = repaired;
  }
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!kNeedsEscape[c] || c >= 0x80) continue;
    out.append(text.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0x0F];
    }
  }
  out.append(text.substr(run));
  out += '"';
}

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ == 0) return;
  const std::uint64_t bit = std::uint64_t{1} << (depth_ - 1);
  if ((has_items_ & bit) != 0) out_ += ',';
  has_items_ |= bit;
}

JsonWriter& JsonWriter::begin_object() {
  separate();
  out_ += '{';
  ++depth_;
  has_items_ &= ~(std::uint64_t{1} << (depth_ - 1));
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  out_ += '}';
  --depth_;
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  separate();
  out_ += '[';
  ++depth_;
  has_items_ &= ~(std::uint64_t{1} << (depth_ - 1));
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  out_ += ']';
  --depth_;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  // Keys are nearly always plain ASCII names: one append of "name": instead of the escaping path.
  const bool plain = std::none_of(name.begin(), name.end(),
                                  [](char c) { return kNeedsEscape[static_cast<unsigned char>(c)]; });
  if (plain) {
    const std::size_t at = out_.size();
    out_.resize(at + name.size() + 3);
    out_[at] = '"';
    std::copy(name.begin(), name.end(), out_.begin() + static_cast<std::ptrdiff_t>(at) + 1);
    out_[at + name.size() + 1] = '"';
    out_[at + name.size() + 2] = ':';
  } else {
    append_json_string(out_, name);
    out_ += ':';
  }
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  separate();
  append_json_string(out_, text);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  separate();
  out_ += flag ? "true" : "false";
  return *this;
}

namespace {

// The shortest text that reads back as the same number (std::to_chars); JSON has no NaN or infinity: null.
template <typename Number>
void append_number(std::string& out, Number number) {
  if constexpr (std::is_floating_point_v<Number>) {
    if (!std::isfinite(number)) {
      out += "null";
      return;
    }
  }
  char buffer[32];
  out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, number).ptr);
}

}  // namespace

JsonWriter& JsonWriter::value(std::int64_t number) {
  separate();
  append_number(out_, number);
  return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t number) {
  separate();
  append_number(out_, number);
  return *this;
}

JsonWriter& JsonWriter::value(double number) {
  separate();
  append_number(out_, number);
  return *this;
}

JsonWriter& JsonWriter::value(float number) {
  separate();
  append_number(out_, number);
  return *this;
}

JsonWriter& JsonWriter::value(const nlohmann::json& document) {
  separate();
  out_ += document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json_text) {
  separate();
  out_.append(json_text);
  return *this;
}

}  // namespace gatecheck::core
