// An ordered list of HTTP header fields: names keep the case they were sent with, lookups ignore it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatecheck::core {

bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);
// "text/event-stream; charset=utf-8" -> "text/event-stream" (RFC 9110 8.3.1: case-insensitive, parameters
// aside)
std::string media_type(std::string_view content_type);
// The items of a comma-separated field value, blanks around each trimmed, empty ones dropped (RFC
// 9110 5.6.1): "keep-alive, X-Hop" -> {"keep-alive", "X-Hop"}.
std::vector<std::string> list_items(std::string_view value);

class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  Headers() = default;
  Headers(std::initializer_list<Field> fields) : fields_(fields) {}

  void add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }
  void set(std::string name, std::string value);  // replaces every field of that name
  void remove(std::string_view name);

  std::optional<std::string_view> get(std::string_view name) const;  // the first field of that name
  std::vector<std::string_view> get_all(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }

  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }
  std::size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<Field> fields_;
};

}  // namespace gatecheck::core
