#include <charconv>

#include <gatecheck/core/document.hpp>
#include <gatecheck/core/json_path.hpp>

namespace gatecheck::core {
namespace {

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9') || c == '-';
}

class PathParser {
 public:
  explicit PathParser(std::string_view text) : text_(text) {}

  std::vector<JsonPath::Segment> parse() {
    std::vector<JsonPath::Segment> segments;
    if (!consume('$')) fail("a JSONPath starts with '$'");
    while (offset_ < text_.size()) {
      if (consume('.')) {
        if (peek() == '.') fail("recursive descent '..' is not supported");
        if (consume('*')) {
          segments.emplace_back(JsonPath::Wildcard{});
        } else {
          segments.emplace_back(JsonPath::Name{parse_name()});
        }
      } else if (consume('[')) {
        segments.push_back(parse_bracket());
      } else {
        fail("expected '.' or '['");
      }
    }
    return segments;
  }

 private:
  [[noreturn]] void fail(const std::string& message) const {
    throw JsonPathError(std::string(text_), offset_, message);
  }
  char peek() const { return offset_ < text_.size() ? text_[offset_] : '\0'; }
  bool consume(char c) {
    if (peek() == c && offset_ < text_.size()) {
      ++offset_;
      return true;
    }
    return false;
  }

  std::string parse_name() {
    if (!is_name_start(peek()))
      fail("expected a member name, '*' or '[' (quote names with other characters: ['a b'])");
    const std::size_t start = offset_;
    while (offset_ < text_.size() && is_name_char(text_[offset_]))
      ++offset_;
    return std::string(text_.substr(start, offset_ - start));
  }

  JsonPath::Segment parse_bracket() {
    skip_spaces();
    JsonPath::Segment segment;
    const char c = peek();
    if (c == '*') {
      ++offset_;
      segment = JsonPath::Wildcard{};
    } else if (c == '\'' || c == '"') {
      segment = JsonPath::Name{parse_quoted(c)};
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      segment = JsonPath::Index{parse_index()};
    } else if (c == '?' || c == ':') {
      fail("filters and slices are not supported; use an index, '*' or a quoted name");
    } else {
      fail("expected an index, '*' or a quoted name");
    }
    skip_spaces();
    if (peek() == ',') fail("union selectors are not supported");
    if (!consume(']')) fail("expected ']'");
    return segment;
  }

  void skip_spaces() {
    while (peek() == ' ')
      ++offset_;
  }

  std::int64_t parse_index() {
    const std::size_t start = offset_;
    if (peek() == '-') ++offset_;
    const std::size_t digits = offset_;
    while (offset_ < text_.size() && text_[offset_] >= '0' && text_[offset_] <= '9')
      ++offset_;
    if (offset_ == digits) fail("expected digits in index");
    if (text_[digits] == '0' && offset_ - digits > 1) fail("index has a leading zero");
    std::int64_t value = 0;
    const auto result = std::from_chars(text_.data() + start, text_.data() + offset_, value);
    if (result.ec != std::errc{}) fail("index out of range");
    return value;
  }

  std::string parse_quoted(char quote) {
    ++offset_;
    std::string out;
    while (offset_ < text_.size() && text_[offset_] != quote) {
      char c = text_[offset_++];
      if (c == '\\') {
        if (offset_ >= text_.size()) break;
        c = text_[offset_++];
        switch (c) {
          case 'n':
            c = '\n';
            break;
          case 't':
            c = '\t';
            break;
          case '\\':
          case '\'':
          case '"':
          case '/':
            break;
          default:
            --offset_;
            fail(std::string("unknown escape \\") + c + " in quoted name");
        }
      }
      out += c;
    }
    if (!consume(quote)) fail("unterminated quoted name");
    return out;
  }

  std::string_view text_;
  std::size_t offset_ = 0;
};

void walk(const nlohmann::json& node, std::string& pointer, const std::vector<JsonPath::Segment>& segments,
          std::size_t at, std::vector<JsonPath::Match>& out) {
  if (at == segments.size()) {
    out.push_back({pointer, &node});
    return;
  }
  const std::size_t mark = pointer.size();
  const auto descend = [&](const nlohmann::json& child, std::string_view token) {
    pointer += '/';
    pointer += json_pointer_escape(token);
    walk(child, pointer, segments, at + 1, out);
    pointer.resize(mark);
  };
  const auto& segment = segments[at];
  if (const auto* name = std::get_if<JsonPath::Name>(&segment)) {
    if (!node.is_object()) return;
    const auto it = node.find(name->value);
    if (it != node.end()) descend(*it, name->value);
  } else if (const auto* index = std::get_if<JsonPath::Index>(&segment)) {
    if (!node.is_array()) return;
    const auto size = static_cast<std::int64_t>(node.size());
    const std::int64_t i = index->value < 0 ? size + index->value : index->value;
    if (i >= 0 && i < size) descend(node[static_cast<std::size_t>(i)], std::to_string(i));
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      descend(node[i], std::to_string(i));
  } else if (node.is_object()) {
    for (const auto& [key, child] : node.items())
      descend(child, key);
  }
}

}  // namespace

JsonPathError::JsonPathError(std::string path, std::size_t offset, const std::string& message)
    : std::runtime_error("bad JSONPath '" + path + "' at offset " + std::to_string(offset) + ": " + message),
      offset_(offset) {}

JsonPath JsonPath::parse(std::string_view text) {
  JsonPath path;
  path.text_ = std::string(text);
  path.segments_ = PathParser(text).parse();
  return path;
}

std::vector<JsonPath::Match> JsonPath::evaluate(const nlohmann::json& root) const {
  std::vector<Match> out;
  std::string pointer;
  walk(root, pointer, segments_, 0, out);
  return out;
}

const nlohmann::json* JsonPath::find(const nlohmann::json& root) const {
  const nlohmann::json* node = &root;
  for (const auto& segment : segments_) {
    if (const auto* name = std::get_if<Name>(&segment)) {
      if (!node->is_object()) return nullptr;
      const auto it = node->find(name->value);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (const auto* index = std::get_if<Index>(&segment)) {
      if (!node->is_array()) return nullptr;
      const auto size = static_cast<std::int64_t>(node->size());
      const std::int64_t i = index->value < 0 ? size + index->value : index->value;
      if (i < 0 || i >= size) return nullptr;
      node = &(*node)[static_cast<std::size_t>(i)];
    } else {
      const auto matches = evaluate(root);
      return matches.empty() ? nullptr : matches.front().value;
    }
  }
  return node;
}

bool JsonPath::is_singular() const {
  for (const auto& segment : segments_) {
    if (std::holds_alternative<Wildcard>(segment)) return false;
  }
  return true;
}

std::string json_path_from_pointer(std::string_view pointer, const nlohmann::json* root) {
  std::string out = "$";
  const nlohmann::json* node = root;
  std::size_t at = 0;
  while (at < pointer.size()) {
    ++at;  // '/'
    const std::size_t end = std::min(pointer.find('/', at), pointer.size());
    std::string token;
    for (std::size_t i = at; i < end; ++i) {
      if (pointer[i] == '~' && i + 1 < end) {
        token += pointer[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        token += pointer[i];
      }
    }
    bool numeric = !token.empty() && token.find_first_not_of("0123456789") == std::string::npos;
    if (node != nullptr) {
      numeric = numeric && node->is_array();
      std::size_t index = 0;
      const bool in_range =
          numeric && std::from_chars(token.data(), token.data() + token.size(), index).ec == std::errc{} &&
          index < node->size();
      if (in_range) {
        node = &(*node)[index];
      } else if (node->is_object() && node->contains(token)) {
        node = &(*node)[token];
      } else {
        node = nullptr;
      }
    }
    bool plain = !token.empty() && is_name_start(token[0]);
    for (const char c : token)
      plain = plain && is_name_char(c);
    if (numeric) {
      out += '[' + token + ']';
    } else if (plain) {
      out += '.' + token;
    } else {
      std::string quoted;
      for (const char c : token) {
        if (c == '\'' || c == '\\') quoted += '\\';
        quoted += c;
      }
      out += "['" + quoted + "']";
    }
    at = end;
  }
  return out;
}

}  // namespace gatecheck::core
