// A small declarative command-line parser: each command declares its options once, and the same declaration
// drives parsing, error messages and --help.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gatecheck::cli {

// Bad command-line input; the message names the option and the command's --help.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Arguments {
 public:
  bool flag(const std::string& name) const { return flags_.count(name) > 0; }
  std::optional<std::string> value(const std::string& name) const;  // the last one given
  std::vector<std::string> values(const std::string& name) const;   // all, in order
  // All, each of which must be JSONPath (UsageError naming the option and where the path goes wrong).
  std::vector<std::string> json_paths(const std::string& name) const;
  // All, each split at its commas ("--tags a,b --tags c": a, b, c), empty items dropped.
  std::vector<std::string> list(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }
  bool help() const { return help_; }

  // Parsed numeric option within [min, max], or fallback when absent; UsageError otherwise.
  std::int64_t integer(const std::string& name, std::int64_t fallback, std::int64_t min,
                       std::int64_t max) const;
  // "90s", "30m", "2h", "1500ms" or bare seconds, within [min, max]; fallback when absent; UsageError
  // otherwise.
  std::chrono::milliseconds duration(const std::string& name, std::chrono::milliseconds fallback,
                                     std::chrono::milliseconds min, std::chrono::milliseconds max) const;

 private:
  friend class Command;
  std::map<std::string, int> flags_;
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
  bool help_ = false;
};

class Command {
 public:
  Command(std::string path, std::string summary);  // path: "gatecheck run"

  Command& usage(std::string text);
  Command& flag(std::string name, std::string help);
  Command& option(std::string name, std::string value_name, std::string help);
  Command& repeated(std::string name, std::string value_name, std::string help);
  Command& positional(std::string name, std::string help, bool many = false);
  Command& section(std::string title, std::string text);  // extra help text (examples, exit codes)
  // A group of options several commands share, declared once by `declare`.
  Command& with(void (*declare)(Command&)) {
    declare(*this);
    return *this;
  }

  struct Option {
    std::string name;
    std::string value_name;  // empty for flags; "a|b|c" in lower case: the only values it takes
    std::string help;
    bool repeated = false;
  };

  Arguments parse(const std::vector<std::string>& args) const;
  std::string help() const;
  const std::string& path() const { return path_; }
  const std::string& summary() const { return summary_; }
  const std::vector<Option>& options() const { return options_; }  // for shell completions

 private:
  const Option* find(const std::string& name) const;
  [[noreturn]] void fail(const std::string& message) const;

  std::string path_;
  std::string summary_;
  std::string usage_;
  std::vector<Option> options_;
  std::vector<std::pair<std::string, std::string>> positionals_;
  bool many_positionals_ = false;
  std::vector<std::pair<std::string, std::string>> sections_;
};

}  // namespace gatecheck::cli
