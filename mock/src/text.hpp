// Filling a profile's message templates: "{model}", "{key}", "{trace_id}" replaced by values.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace gatecheck::mock {

inline std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

inline std::string fill_placeholders(std::string text,
                                     std::initializer_list<std::pair<std::string_view, std::string>> values) {
  for (const auto& [placeholder, value] : values)
    text = replace_all(std::move(text), placeholder, value);
  return text;
}

}  // namespace gatecheck::mock
