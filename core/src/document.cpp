#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <gatecheck/core/document.hpp>

namespace gatecheck::core {
namespace {

std::string_view parent_pointer(std::string_view pointer) {
  const auto slash = pointer.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : pointer.substr(0, slash);
}

std::string format_location(const std::string& file, Position at) {
  std::string out = file;
  if (at.known()) {
    out += ':' + std::to_string(at.line) + ':' + std::to_string(at.column);
  }
  return out;
}

}  // namespace

Position SourceMap::value_at(std::string_view pointer) const {
  for (std::string_view p = pointer;; p = parent_pointer(p)) {
    const auto it = entries_.find(std::string(p));
    if (it != entries_.end() && it->second.value.known()) return it->second.value;
    if (p.empty()) return {};
  }
}

Position SourceMap::key_at(std::string_view pointer) const {
  const auto it = entries_.find(std::string(pointer));
  if (it != entries_.end() && it->second.key.known()) return it->second.key;
  return value_at(pointer);
}

std::string SourceMap::describe(std::string_view pointer) const {
  return format_location(file_, value_at(pointer));
}

LoadError::LoadError(std::string file, Position at, std::string message)
    : std::runtime_error(format_location(file, at) + ": " + message),
      file_(std::move(file)),
      at_(at),
      message_(std::move(message)) {}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw LoadError(path.string(), {}, "cannot open file: " + std::string(std::strerror(errno)));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw LoadError(path.string(), {}, "cannot read file");
  return std::move(buffer).str();
}

Document load_document(const std::filesystem::path& path, const LoadOptions& options) {
  const std::string text = read_file(path);
  if (path.extension() == ".json") return parse_json(text, path.string(), options);
  return parse_yaml(text, path.string(), options);
}

std::string json_pointer_escape(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (const char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string json_pointer_append(std::string_view pointer, std::string_view token) {
  std::string out(pointer);
  out += '/';
  out += json_pointer_escape(token);
  return out;
}

std::string json_pointer_append(std::string_view pointer, std::size_t index) {
  std::string out(pointer);
  out += '/';
  out += std::to_string(index);
  return out;
}

bool json_nesting_within(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

nlohmann::json parse_untrusted_json(std::string_view text, std::size_t limit) {
  if (!json_nesting_within(text, limit)) return nlohmann::json(nlohmann::json::value_t::discarded);
  return nlohmann::json::parse(text, nullptr, false);
}

}  // namespace gatecheck::core
