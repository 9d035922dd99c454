#include <algorithm>
#include <charconv>
#include <optional>

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

using nlohmann::json;
using Segments = std::vector<JsonPath::Segment>;

}  // namespace

// A filter expression as a tree: logical nodes hold children; tests and comparisons hold operands.
struct JsonPath::FilterNode {
  enum class Kind { any, all, negate, exists, compare };
  struct Operand {
    enum class Kind { relative, absolute, literal } kind = Kind::literal;
    Segments path;  // from @ (relative) or $ (absolute)
    json literal;
  };
  Kind kind = Kind::exists;
  std::vector<FilterNode> children;
  Operand left, right;
  std::string op;  // == != < <= > >=
};

namespace {

using FilterNode = JsonPath::FilterNode;
constexpr int kMaxFilterDepth = 32;  // parentheses and negations: untrusted suites must not exhaust the stack
constexpr int kMaxDescendantSegments = 3;

class PathParser {
 public:
  explicit PathParser(std::string_view text) : text_(text) {}

  Segments parse() {
    if (!consume('$')) fail("a JSONPath starts with '$'");
    Segments segments = parse_segments(0);
    if (offset_ < text_.size()) fail("expected '.' or '['");
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
  bool consume(std::string_view word) {
    if (text_.substr(offset_, word.size()) != word) return false;
    offset_ += word.size();
    return true;
  }

  // Segments until something that does not start one (the end, or the rest of a filter expression).
  Segments parse_segments(int depth) {
    Segments segments;
    while (peek() == '.' || peek() == '[') {
      if (consume('.')) {
        if (consume('.')) {
          // Each `..` multiplies the work by the document's size: a bound keeps a path's cost polynomial.
          if (++descendants_ > kMaxDescendantSegments) fail("more than 3 '..' in one path");
          segments.emplace_back(JsonPath::Descendants{});
          if (peek() == '[') continue;  // ..[0]
        }
        if (consume('*')) {
          segments.emplace_back(JsonPath::Wildcard{});
        } else {
          segments.emplace_back(JsonPath::Name{parse_name()});
        }
      } else {
        ++offset_;  // '['
        segments.push_back(parse_bracket(depth));
      }
    }
    return segments;
  }

  std::string parse_name() {
    if (!is_name_start(peek()))
      fail("expected a member name, '*' or '[' (quote names with other characters: ['a b'])");
    const std::size_t start = offset_;
    while (offset_ < text_.size() && is_name_char(text_[offset_]))
      ++offset_;
    return std::string(text_.substr(start, offset_ - start));
  }

  JsonPath::Segment parse_bracket(int depth) {
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
    } else if (c == '?') {
      ++offset_;
      segment = JsonPath::Filter{std::make_shared<const FilterNode>(parse_or(depth + 1))};
    } else if (c == ':') {
      fail("slices are not supported; use an index, '*', a filter or a quoted name");
    } else {
      fail("expected an index, '*', a filter or a quoted name");
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

  static bool singular(const FilterNode::Operand& operand) {
    return std::all_of(operand.path.begin(), operand.path.end(), [](const JsonPath::Segment& segment) {
      return std::holds_alternative<JsonPath::Name>(segment) ||
             std::holds_alternative<JsonPath::Index>(segment);
    });
  }

  static FilterNode logical(FilterNode::Kind kind, FilterNode first) {
    FilterNode node;
    node.kind = kind;
    node.children.push_back(std::move(first));
    return node;
  }

  FilterNode parse_or(int depth) {
    if (depth > kMaxFilterDepth) fail("the filter nests too deeply");
    FilterNode node = parse_and(depth);
    skip_spaces();
    if (peek() != '|') return node;
    FilterNode any = logical(FilterNode::Kind::any, std::move(node));
    while (consume("||"))
      any.children.push_back(parse_and(depth));
    return any;
  }

  FilterNode parse_and(int depth) {
    FilterNode node = parse_unary(depth);
    skip_spaces();
    if (peek() != '&') return node;
    FilterNode all = logical(FilterNode::Kind::all, std::move(node));
    while (consume("&&"))
      all.children.push_back(parse_unary(depth));
    return all;
  }

  FilterNode parse_unary(int depth) {
    skip_spaces();
    if (depth > kMaxFilterDepth) fail("the filter nests too deeply");
    if (consume('!')) return logical(FilterNode::Kind::negate, parse_unary(depth + 1));
    if (consume('(')) {
      FilterNode inner = parse_or(depth + 1);
      skip_spaces();
      if (!consume(')')) fail("expected ')'");
      return inner;
    }
    FilterNode node;
    node.left = parse_operand(depth);
    skip_spaces();
    for (const std::string_view op : {"==", "!=", "<=", ">=", "<", ">"}) {
      if (!consume(op)) continue;
      node.kind = FilterNode::Kind::compare;
      node.op = std::string(op);
      skip_spaces();
      node.right = parse_operand(depth);
      skip_spaces();
      // RFC 9535 2.3.5.1: what is compared is one value, so a compared path names at most one node.
      if (!singular(node.left) || !singular(node.right))
        fail("a compared path must name one node: no '*', '..' or filter (use @.tags[0], not @.tags[*])");
      return node;
    }
    if (node.left.kind == FilterNode::Operand::Kind::literal)
      fail("a literal alone is not a test; compare it (@.id == 'x') or test a path (@.id)");
    return node;  // an existence test
  }

  FilterNode::Operand parse_operand(int depth) {
    FilterNode::Operand operand;
    const char c = peek();
    if (c == '@' || c == '$') {
      ++offset_;
      operand.kind = c == '@' ? FilterNode::Operand::Kind::relative : FilterNode::Operand::Kind::absolute;
      operand.path = parse_segments(depth + 1);
    } else if (c == '\'' || c == '"') {
      operand.literal = parse_quoted(c);
    } else if (consume("true")) {
      operand.literal = true;
    } else if (consume("false")) {
      operand.literal = false;
    } else if (consume("null")) {
      operand.literal = nullptr;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      operand.literal = parse_number();
    } else {
      fail("expected @, $, a string, a number, true, false or null");
    }
    return operand;
  }

  json parse_number() {
    const std::size_t start = offset_;
    while (offset_ < text_.size() &&
           std::string_view("+-.eE0123456789").find(text_[offset_]) != std::string_view::npos)
      ++offset_;
    json number = parse_untrusted_json(text_.substr(start, offset_ - start));
    if (!number.is_number()) {
      offset_ = start;
      fail("expected a number");
    }
    return number;
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
  int descendants_ = 0;
};

// Applies segments to a node, collecting the selected nodes with their pointers.
// The work one evaluation may do: filters re-walk their operands for every candidate and `..` visits every
// node, so a hostile path or document could otherwise multiply the work without end.
constexpr std::size_t kMaxVisits = 1'000'000;

class Walker {
 public:
  Walker(const json& root, std::vector<JsonPath::Match>& out, std::size_t& visits, const std::string& text)
      : root_(root), out_(out), visits_(visits), text_(text) {}

  void walk(const json& node, std::string& pointer, const Segments& segments, std::size_t at) {
    if (++visits_ > kMaxVisits)
      throw JsonPathError(text_, 0, "the path visits more than 1000000 nodes of this document");
    if (at == segments.size()) {
      out_.push_back({pointer, &node});
      return;
    }
    const std::size_t mark = pointer.size();
    const auto descend = [&](const json& child, std::string_view token, std::size_t next) {
      pointer += '/';
      pointer += json_pointer_escape(token);
      walk(child, pointer, segments, next);
      pointer.resize(mark);
    };
    const auto children = [&](std::size_t next, const auto& keep) {
      if (node.is_array()) {
        for (std::size_t i = 0; i < node.size(); ++i)
          if (keep(node[i])) descend(node[i], std::to_string(i), next);
      } else if (node.is_object()) {
        for (const auto& [key, child] : node.items())
          if (keep(child)) descend(child, key, next);
      }
    };
    const auto every = [](const json&) { return true; };
    const auto& segment = segments[at];
    if (const auto* name = std::get_if<JsonPath::Name>(&segment)) {
      if (!node.is_object()) return;
      const auto it = node.find(name->value);
      if (it != node.end()) descend(*it, name->value, at + 1);
    } else if (const auto* index = std::get_if<JsonPath::Index>(&segment)) {
      if (!node.is_array()) return;
      const auto size = static_cast<std::int64_t>(node.size());
      const std::int64_t i = index->value < 0 ? size + index->value : index->value;
      if (i >= 0 && i < size) descend(node[static_cast<std::size_t>(i)], std::to_string(i), at + 1);
    } else if (std::holds_alternative<JsonPath::Descendants>(segment)) {
      walk(node, pointer, segments, at + 1);  // the node itself, then each descendant, in document order
      children(at, every);
    } else if (const auto* filter = std::get_if<JsonPath::Filter>(&segment)) {
      children(at + 1, [&](const json& child) { return test(*filter->expression, child); });
    } else {
      children(at + 1, every);
    }
  }

 private:
  std::vector<JsonPath::Match> select(const FilterNode::Operand& operand, const json& current) const {
    std::vector<JsonPath::Match> matches;
    Walker inner(root_, matches, visits_, text_);
    std::string pointer;
    inner.walk(operand.kind == FilterNode::Operand::Kind::relative ? current : root_, pointer, operand.path,
               0);
    return matches;
  }

  // RFC 9535 2.3.5.2: an operand is a value, or Nothing when its (singular) path selects no node.
  std::optional<json> value(const FilterNode::Operand& operand, const json& current) const {
    if (operand.kind == FilterNode::Operand::Kind::literal) return operand.literal;
    auto matches = select(operand, current);
    if (matches.size() != 1) return std::nullopt;
    return *matches.front().value;
  }

  static bool less(const std::optional<json>& a, const std::optional<json>& b) {
    if (!a || !b) return false;
    if (a->is_number() && b->is_number()) return a->get<double>() < b->get<double>();
    if (a->is_string() && b->is_string())
      return a->get_ref<const std::string&>() < b->get_ref<const std::string&>();
    return false;
  }

  static bool compare(const std::string& op, const std::optional<json>& a, const std::optional<json>& b) {
    const bool equal = (!a && !b) || (a && b && *a == *b);
    if (op == "==") return equal;
    if (op == "!=") return !equal;
    if (op == "<") return less(a, b);
    if (op == ">") return less(b, a);
    if (op == "<=") return less(a, b) || equal;
    return less(b, a) || equal;  // >=
  }

  bool test(const FilterNode& node, const json& current) const {
    const auto holds = [&](const FilterNode& child) { return test(child, current); };
    switch (node.kind) {
      case FilterNode::Kind::any:
        return std::any_of(node.children.begin(), node.children.end(), holds);
      case FilterNode::Kind::all:
        return std::all_of(node.children.begin(), node.children.end(), holds);
      case FilterNode::Kind::negate:
        return !holds(node.children.front());
      case FilterNode::Kind::exists:
        return !select(node.left, current).empty();
      case FilterNode::Kind::compare:
        return compare(node.op, value(node.left, current), value(node.right, current));
    }
    return false;
  }

  const json& root_;
  std::vector<JsonPath::Match>& out_;
  std::size_t& visits_;  // shared with the walkers of filter operands
  const std::string& text_;
};

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
  std::size_t visits = 0;
  Walker(root, out, visits, text_).walk(root, pointer, segments_, 0);
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
  return std::all_of(segments_.begin(), segments_.end(), [](const Segment& segment) {
    return std::holds_alternative<Name>(segment) || std::holds_alternative<Index>(segment);
  });
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
