#include "arguments.hpp"

#include <charconv>

#include <gatecheck/core/duration.hpp>
#include <gatecheck/core/json_path.hpp>

namespace gatecheck::cli {

std::optional<std::string> Arguments::value(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Arguments::values(const std::string& name) const {
  const auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::string> Arguments::json_paths(const std::string& name) const {
  auto paths = values(name);
  for (const auto& path : paths) {
    try {
      (void)core::JsonPath::parse(path);
    } catch (const core::JsonPathError& e) {
      throw UsageError(name + " " + path + ": not JSONPath: " + e.what());
    }
  }
  return paths;
}

std::vector<std::string> Arguments::list(const std::string& name) const {
  std::vector<std::string> out;
  for (const auto& text : values(name)) {
    std::size_t start = 0;
    while (start <= text.size()) {
      const auto comma = text.find(',', start);
      std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!item.empty()) out.push_back(std::move(item));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

std::int64_t Arguments::integer(const std::string& name, std::int64_t fallback, std::int64_t min,
                                std::int64_t max) const {
  const auto text = value(name);
  if (!text) return fallback;
  std::int64_t parsed = 0;
  const auto result = std::from_chars(text->data(), text->data() + text->size(), parsed);
  if (result.ec != std::errc{} || result.ptr != text->data() + text->size() || parsed < min || parsed > max) {
    throw UsageError(name + " expects a whole number from " + std::to_string(min) + " to " +
                     std::to_string(max) + ", got '" + *text + "'");
  }
  return parsed;
}

std::chrono::milliseconds Arguments::duration(const std::string& name, std::chrono::milliseconds fallback,
                                              std::chrono::milliseconds min,
                                              std::chrono::milliseconds max) const {
  const auto text = value(name);
  if (!text) return fallback;
  // A Go duration ("90s", "1m30s", "1500ms"), or a bare number of seconds.
  const bool bare = !text->empty() && text->find_first_not_of("0123456789.") == std::string::npos;
  const auto seconds = bare ? core::parse_decimal(*text) : core::parse_go_duration(*text);
  // Whole milliseconds: "500us" would round to 0, which means "no limit", so it is refused, not rounded.
  const bool parsed = seconds && *seconds >= 0 && *seconds <= 1e9 && (*seconds == 0 || *seconds >= 0.001);
  const std::chrono::milliseconds value(parsed ? static_cast<std::int64_t>(*seconds * 1000) : -1);
  if (!parsed) throw UsageError(name + " expects a duration such as 90s, 30m or 2h, got '" + *text + "'");
  if (value < min || value > max)
    throw UsageError(name + " takes " + core::format_go_duration(static_cast<double>(min.count()) / 1000) +
                     " to " + core::format_go_duration(static_cast<double>(max.count()) / 1000) + ", got '" +
                     *text + "'");
  return value;
}

Command::Command(std::string path, std::string summary)
    : path_(std::move(path)), summary_(std::move(summary)) {}

Command& Command::usage(std::string text) {
  usage_ = std::move(text);
  return *this;
}

Command& Command::flag(std::string name, std::string help) {
  options_.push_back({std::move(name), {}, std::move(help), false});
  return *this;
}

Command& Command::option(std::string name, std::string value_name, std::string help) {
  options_.push_back({std::move(name), std::move(value_name), std::move(help), false});
  return *this;
}

Command& Command::repeated(std::string name, std::string value_name, std::string help) {
  options_.push_back({std::move(name), std::move(value_name), std::move(help), true});
  return *this;
}

Command& Command::positional(std::string name, std::string help, bool many) {
  positionals_.emplace_back(std::move(name), std::move(help));
  many_positionals_ = many_positionals_ || many;
  return *this;
}

Command& Command::section(std::string title, std::string text) {
  sections_.emplace_back(std::move(title), std::move(text));
  return *this;
}

const Command::Option* Command::find(const std::string& name) const {
  for (const auto& option : options_) {
    if (option.name == name) return &option;
  }
  return nullptr;
}

void Command::fail(const std::string& message) const {
  throw UsageError(path_ + ": " + message + " (see '" + path_ + " --help')");
}

Arguments Command::parse(const std::vector<std::string>& args) const {
  Arguments out;
  bool options_done = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_done || arg == "-" || !arg.starts_with("-")) {
      out.positionals_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      out.help_ = true;
      continue;
    }
    std::string name = arg;
    std::optional<std::string> inline_value;
    if (const auto eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    const Option* option = find(name);
    if (option == nullptr) fail("unknown option '" + name + "'");
    if (option->value_name.empty()) {
      if (inline_value) fail("option '" + name + "' takes no value");
      ++out.flags_[name];
      continue;
    }
    std::string value;
    if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      fail("option '" + name + "' needs a value (" + option->value_name + ")");
    }
    auto& slot = out.values_[name];
    if (!option->repeated && !slot.empty()) fail("option '" + name + "' given twice");
    slot.push_back(std::move(value));
  }
  if (!out.help_) {
    if (!many_positionals_ && out.positionals_.size() > positionals_.size()) {
      fail("unexpected argument '" + out.positionals_[positionals_.size()] + "'");
    }
  }
  return out;
}

std::string Command::help() const {
  std::string out = "Usage: " + (usage_.empty() ? path_ + " [options]" : usage_) + "\n\n" + summary_ + "\n";
  const auto column = [](std::string left, const std::string& right) {
    left = "  " + left;
    if (left.size() < 30) {
      left.resize(30, ' ');
    } else {
      left += "\n" + std::string(30, ' ');
    }
    std::string text;
    for (const char c : right) {
      text += c;
      if (c == '\n') text += std::string(30, ' ');
    }
    return left + text + "\n";
  };
  if (!positionals_.empty()) {
    out += "\nArguments:\n";
    for (const auto& [name, text] : positionals_)
      out += column(name, text);
  }
  out += "\nOptions:\n";
  for (const auto& option : options_) {
    std::string left = option.name;
    if (!option.value_name.empty()) left += " " + option.value_name;
    out += column(left, option.help + (option.repeated ? " (repeatable)" : ""));
  }
  out += column("-h, --help", "Show this help");
  for (const auto& [title, text] : sections_)
    out += "\n" + title + ":\n" + text + "\n";
  return out;
}

}  // namespace gatecheck::cli
