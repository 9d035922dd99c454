// Loading YAML and JSON into nlohmann::json while remembering where every node came from, so that any later
// error (a bad suite step, an unresolvable $ref) can point at file:line:column.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace gatecheck::core {

// 1-based line and column; line 0 means "unknown".
struct Position {
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  bool known() const { return line != 0; }
  friend bool operator==(const Position&, const Position&) = default;
};

// Where each node of one document starts, keyed by RFC 6901 JSON Pointer ("" is the root).
class SourceMap {
 public:
  SourceMap() = default;
  explicit SourceMap(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }

  void set_value(const std::string& pointer, Position at) { entries_[pointer].value = at; }
  void set_key(const std::string& pointer, Position at) { entries_[pointer].key = at; }

  // Position of the node's value; falls back to the nearest ancestor that has one.
  Position value_at(std::string_view pointer) const;
  // Position of the object key naming the node (falls back to value_at).
  Position key_at(std::string_view pointer) const;
  // "file:line:column" for the node (or just "file" when nothing is known).
  std::string describe(std::string_view pointer) const;

  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    Position value;
    Position key;
  };
  std::string file_;
  std::unordered_map<std::string, Entry> entries_;
};

struct Document {
  nlohmann::json value;
  SourceMap source;

  std::string describe(std::string_view pointer) const { return source.describe(pointer); }
};

// A document that could not be read or parsed. what() reads "file:line:column: message".
class LoadError : public std::runtime_error {
 public:
  LoadError(std::string file, Position at, std::string message);

  const std::string& file() const { return file_; }
  Position position() const { return at_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  Position at_;
  std::string message_;
};

struct LoadOptions {
  bool record_positions = true;
  // Guards against alias bombs ("billion laughs") and runaway nesting.
  std::size_t max_nodes = 20'000'000;
  std::size_t max_depth = 512;
};

// YAML 1.2 core schema: plain scalars become null/bool/int/float where they match, quoted scalars stay
// strings. Duplicate keys are an error; merge keys (`<<`) are applied.
Document parse_yaml(std::string_view text, std::string file_name = "<input>", const LoadOptions& = {});
// Strict RFC 8259 JSON (UTF-8 checked, duplicate keys rejected).
Document parse_json(std::string_view text, std::string file_name = "<input>", const LoadOptions& = {});
// Chooses by extension: .json is parsed as JSON, anything else as YAML.
Document load_document(const std::filesystem::path& path, const LoadOptions& = {});

// Whether JSON text nests arrays and objects no deeper than `limit`. nlohmann_json parses any depth, but
// copying, comparing or dumping a value recurses: text from a target is checked with this before it is
// parsed, so a hostile
// `[[[[...]]]]` becomes "not JSON" instead of a stack overflow.
bool json_nesting_within(std::string_view text, std::size_t limit = 256);

// JSON from a party that may be hostile: the value, or a discarded value when it is not JSON or nests deeper
// than `limit`. Never throws.
nlohmann::json parse_untrusted_json(std::string_view text, std::size_t limit = 256);

// Reads a whole file; throws LoadError naming the file when it cannot.
std::string read_file(const std::filesystem::path& path);

// RFC 6901 helpers.
std::string json_pointer_escape(std::string_view token);
std::string json_pointer_append(std::string_view pointer, std::string_view token);
std::string json_pointer_append(std::string_view pointer, std::size_t index);

}  // namespace gatecheck::core
