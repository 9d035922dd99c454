// Writes JSON straight into a string, in the order the calls come: for hot paths that would otherwise build a
// DOM only to dump it. Output is compact and valid by construction (strings escaped, commas placed).
//
//   std::string out;
//   JsonWriter(out).begin_object().key("id").value("x").key("n").value(1).end_object();   // {"id":"x","n":1}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace gatecheck::core {

// Appends `text` as a quoted JSON string; control characters, '"' and '\' are escaped, UTF-8 passes through
// and bytes that are not UTF-8 become U+FFFD (so echoed network bytes never make the output invalid).
void append_json_string(std::string& out, std::string_view text);

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(bool flag);
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(std::uint64_t number);
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(unsigned number) { return value(static_cast<std::uint64_t>(number)); }
  JsonWriter& value(double number);  // shortest round-trip form; non-finite numbers become null
  JsonWriter& value(float number);   // shortest form that round-trips as float32
  JsonWriter& value(const nlohmann::json& document);
  JsonWriter& null();
  JsonWriter& raw(std::string_view json_text);  // already-serialised JSON

 private:
  void separate();

  std::string& out_;
  std::uint64_t has_items_ = 0;  // one bit per nesting level: does this container have an element yet?
  int depth_ = 0;
  bool after_key_ = false;
};

}  // namespace gatecheck::core
