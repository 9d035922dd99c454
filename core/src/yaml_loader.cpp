// YAML to nlohmann::json with positions. yaml-cpp parses; this file applies the YAML 1.2 core schema to plain
// scalars, rejects duplicate keys (yaml-cpp keeps them silently) and applies merge keys (yaml-cpp 0.7 does
// not).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>
#include <sstream>
#include <string>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <gatecheck/core/document.hpp>
#include <gatecheck/core/utf8.hpp>

namespace gatecheck::core {
namespace {

using nlohmann::json;

constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";

Position position_of(const YAML::Mark& mark) {
  if (mark.is_null()) return {};
  return Position{static_cast<std::uint32_t>(mark.line + 1), static_cast<std::uint32_t>(mark.column + 1)};
}

bool all_of(std::string_view s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_octal(char c) {
  return c >= '0' && c <= '7';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::optional<json> parse_integer(std::string_view s) {
  std::string_view digits = s;
  if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) digits.remove_prefix(1);
  if (digits.starts_with("0x") && all_of(digits.substr(2), is_hex)) {
    std::uint64_t v = 0;
    if (s.front() == '-' || s.front() == '+') return std::nullopt;
    if (std::from_chars(digits.data() + 2, digits.data() + digits.size(), v, 16).ec == std::errc{})
      return json(v);
    return std::nullopt;
  }
  if (digits.starts_with("0o") && all_of(digits.substr(2), is_octal)) {
    std::uint64_t v = 0;
    if (s.front() == '-' || s.front() == '+') return std::nullopt;
    if (std::from_chars(digits.data() + 2, digits.data() + digits.size(), v, 8).ec == std::errc{})
      return json(v);
    return std::nullopt;
  }
  if (!all_of(digits, is_digit)) return std::nullopt;
  const bool negative = s.front() == '-';
  std::string text = negative ? "-" : "";
  text += digits;
  std::int64_t signed_value = 0;
  if (std::from_chars(text.data(), text.data() + text.size(), signed_value).ec == std::errc{}) {
    return json(signed_value);
  }
  std::uint64_t unsigned_value = 0;
  if (!negative &&
      std::from_chars(text.data(), text.data() + text.size(), unsigned_value).ec == std::errc{}) {
    return json(unsigned_value);
  }
  // Beyond 64 bits: a double, as strtod reads it (from_chars would leave it 0 when out of range).
  return json(std::strtod(text.c_str(), nullptr));
}

std::optional<json> parse_float(std::string_view s) {
  std::string_view body = s;
  bool negative = false;
  if (!body.empty() && (body.front() == '-' || body.front() == '+')) {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  if (body == ".inf" || body == ".Inf" || body == ".INF") {
    return json(negative ? -std::numeric_limits<double>::infinity()
                         : std::numeric_limits<double>::infinity());
  }
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return json(std::numeric_limits<double>::quiet_NaN());
  // [0-9]* ( \. [0-9]* )? ( [eE] [-+]? [0-9]+ )? with at least one digit in the mantissa.
  std::size_t i = 0;
  std::size_t mantissa_digits = 0;
  while (i < body.size() && is_digit(body[i]))
    ++i, ++mantissa_digits;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && is_digit(body[i]))
      ++i, ++mantissa_digits;
  }
  if (mantissa_digits == 0) return std::nullopt;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '-' || body[i] == '+')) ++i;
    const std::size_t exponent_start = i;
    while (i < body.size() && is_digit(body[i]))
      ++i;
    if (i == exponent_start) return std::nullopt;
  }
  if (i != body.size()) return std::nullopt;
  std::string text = negative ? "-" : "";
  text += body;
  if (text.find('.') == std::string::npos && text.find_first_of("eE") == std::string::npos)
    return std::nullopt;
  if (text.back() == '.') text.pop_back();
  if (text.front() == '.' || (text.size() > 1 && text[0] == '-' && text[1] == '.')) {
    text.insert(text.front() == '-' ? 1 : 0, "0");
  }
  double d = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), d);
  if (result.ec == std::errc::result_out_of_range)
    return json(std::strtod(text.c_str(), nullptr));  // +-inf or 0
  if (result.ec != std::errc{}) return std::nullopt;
  return json(d);
}

// YAML 1.2 core schema resolution of a plain (unquoted, untagged) scalar.
json resolve_plain(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  const char first = s.front();
  if (is_digit(first) || first == '-' || first == '+' || first == '.') {
    if (auto integer = parse_integer(s)) return *integer;
    if (auto number = parse_float(s)) return *number;
  }
  return s;
}

// yaml-cpp 0.7 (Debian 12) never finishes YAML::LoadAll, or any HandleNextDocument loop, when a document
// ends in front of a token the document parser cannot consume: a ',' outside any flow collection (",",
// "- a\n,", "\"x\", y", "[a], b", "---\n,") or a '?' key line after a tagged or anchored top-level node
// ("!!str |\n x\n? y"). SingleDocParser::HandleNode reports a null node without popping the token, so every
// further HandleNextDocument returns another empty document at the same place and LoadAll allocates one
// Node per call until memory runs out (yaml-cpp issue 1040; yaml-cpp 0.9 stops LoadAll there instead).
// This walks the stream with a no-op handler, building no nodes, and throws YAML::ParserException at the
// token as soon as a document starts where the previous one did, i.e. consumed nothing: exactly the state
// LoadAll never leaves. Every other iteration consumes at least one token, so the loop runs at most
// (tokens + 1) times. Returns what LoadAll(text).size() would; afterwards YAML::Load(text) is safe and
// returns what LoadAll(text).front() would.
std::size_t count_yaml_documents(const std::string& text) {
  struct StartRecorder final : YAML::EventHandler {
    YAML::Mark start;
    void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
  };
  std::istringstream in(text);
  YAML::Parser parser(in);
  StartRecorder recorder;
  std::size_t documents = 0;
  int previous_start = -1;
  while (parser.HandleNextDocument(recorder)) {
    if (recorder.start.pos == previous_start) {
      const auto at = static_cast<std::size_t>(recorder.start.pos);
      const char c = at < text.size() ? text[at] : '\0';
      throw YAML::ParserException(recorder.start,
                                  c == ','   ? "unexpected ',' outside a flow collection (quote the value)"
                                  : c == '?' ? "unexpected '?' (explicit mapping key) outside a mapping"
                                             : "unexpected token where a YAML node was expected");
    }
    previous_start = recorder.start.pos;
    ++documents;
  }
  return documents;
}

class YamlConverter {
 public:
  YamlConverter(std::string file, const LoadOptions& options) : options_(options), source_(std::move(file)) {}

  Document convert(const YAML::Node& root) {
    Document document{json(), std::move(source_)};
    source_ptr_ = &document.source;
    std::string pointer;
    convert_node(root, document.value, pointer, 0, {});
    return document;
  }

 private:
  [[noreturn]] void fail(Position at, const std::string& message) const {
    throw LoadError(source_ptr_->file(), at, message);
  }

  void convert_node(const YAML::Node& node, json& out, std::string& pointer, std::size_t depth,
                    Position fallback) {
    if (depth > options_.max_depth) {
      fail(position_of(node.Mark()), "nesting deeper than " + std::to_string(options_.max_depth) + " levels");
    }
    if (++nodes_ > options_.max_nodes) {
      fail(position_of(node.Mark()),
           "document expands to more than " + std::to_string(options_.max_nodes) + " nodes (alias bomb?)");
    }
    Position at = position_of(node.Mark());
    // yaml-cpp marks an empty mapping value at the start of the next line; the key is the better place.
    if (node.IsNull() && fallback.known()) at = fallback;
    if (options_.record_positions) source_ptr_->set_value(pointer, at);

    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        out = nullptr;
        return;
      case YAML::NodeType::Scalar:
        out = convert_scalar(node, at);
        return;
      case YAML::NodeType::Sequence: {
        check_collection_tag(node, "seq", at);
        out = json::array();
        auto& items = out.get_ref<json::array_t&>();
        for (const auto& child : node) {
          const std::size_t mark = pointer.size();
          pointer += '/';
          pointer += std::to_string(items.size());
          items.emplace_back(nullptr);
          convert_node(child, items.back(), pointer, depth + 1, {});
          pointer.resize(mark);
        }
        return;
      }
      case YAML::NodeType::Map:
        check_collection_tag(node, "map", at);
        out = json::object();
        convert_map(node, out, pointer, depth);
        return;
    }
  }

  void check_collection_tag(const YAML::Node& node, std::string_view kind, Position at) const {
    const std::string& tag = node.Tag();
    if (tag.empty() || tag == "?" || tag == "!" || tag == std::string(kTagPrefix) + std::string(kind)) return;
    fail(at, "unsupported YAML tag '" + tag + "'");
  }

  // Merge keys first (later maps first, so earlier ones overwrite them), then explicit keys overwrite merged
  // ones; that order also leaves the source map pointing at whichever definition won.
  void convert_map(const YAML::Node& node, json& out, std::string& pointer, std::size_t depth) {
    auto& members = out.get_ref<json::object_t&>();
    std::vector<YAML::Node> merges;
    for (const auto& entry : node) {
      if (entry.first.IsScalar() && entry.first.Scalar() == "<<" && entry.first.Tag() == "?") {
        merges.push_back(entry.second);
      }
    }
    for (auto merge = merges.rbegin(); merge != merges.rend(); ++merge) {
      if (merge->IsMap()) {
        merge_from(*merge, members, pointer, depth);
      } else if (merge->IsSequence()) {
        for (std::size_t i = merge->size(); i-- > 0;) {
          const YAML::Node item = (*merge)[i];
          if (!item.IsMap())
            fail(position_of(item.Mark()), "merge key '<<' expects a mapping or a list of mappings");
          merge_from(item, members, pointer, depth);
        }
      } else {
        fail(position_of(merge->Mark()), "merge key '<<' expects a mapping or a list of mappings");
      }
    }
    std::set<std::string> explicit_keys;
    for (const auto& entry : node) {
      const YAML::Node& key_node = entry.first;
      const Position key_at = position_of(key_node.Mark());
      if (!key_node.IsScalar()) fail(key_at, "mapping keys must be scalars");
      const std::string& key = key_node.Scalar();
      if (key == "<<" && key_node.Tag() == "?") continue;
      const std::string child_pointer = json_pointer_append(pointer, key);
      if (!explicit_keys.insert(key).second) {
        const Position first = source_ptr_->key_at(child_pointer);
        std::string message = "duplicate key '" + key + "'";
        if (first.known()) message += " (first defined at line " + std::to_string(first.line) + ")";
        fail(key_at, message);
      }
      json& slot = members[key];
      const std::size_t mark = pointer.size();
      pointer += '/';
      pointer += json_pointer_escape(key);
      if (options_.record_positions) source_ptr_->set_key(pointer, key_at);
      convert_node(entry.second, slot, pointer, depth + 1, key_at);
      pointer.resize(mark);
    }
  }

  void merge_from(const YAML::Node& map, json::object_t& members, std::string& pointer, std::size_t depth) {
    // An anchor merged into itself (`a: &a {<<: *a}`) would recurse until the stack overflows.
    for (const YAML::Node& open : merging_) {
      if (open.is(map)) fail(position_of(map.Mark()), "merge key '<<' refers to a mapping that contains it");
    }
    if (depth + 1 > options_.max_depth) {
      fail(position_of(map.Mark()), "nesting deeper than " + std::to_string(options_.max_depth) + " levels");
    }
    if (++nodes_ > options_.max_nodes) {
      fail(position_of(map.Mark()),
           "document expands to more than " + std::to_string(options_.max_nodes) + " nodes (alias bomb?)");
    }
    merging_.push_back(map);
    json merged = json::object();
    convert_map(map, merged, pointer, depth + 1);
    merging_.pop_back();
    for (auto& [key, value] : merged.get_ref<json::object_t&>()) {
      members[key] = std::move(value);
    }
  }

  json convert_scalar(const YAML::Node& node, Position at) const {
    const std::string& tag = node.Tag();
    const std::string& text = node.Scalar();
    if (tag == "?") return resolve_plain(text);
    if (tag == "!" || tag.empty()) return text;
    if (!tag.starts_with(kTagPrefix)) fail(at, "unsupported YAML tag '" + tag + "'");
    const std::string_view kind = std::string_view(tag).substr(kTagPrefix.size());
    if (kind == "str" || kind == "binary" || kind == "timestamp") return text;
    const json resolved = resolve_plain(text);
    if (kind == "null" && resolved.is_null()) return resolved;
    if (kind == "bool" && resolved.is_boolean()) return resolved;
    if (kind == "int" && resolved.is_number_integer()) return resolved;
    if (kind == "float" && resolved.is_number()) return json(resolved.get<double>());
    fail(at, "'" + text + "' is not a valid !!" + std::string(kind));
  }

  const LoadOptions& options_;
  SourceMap source_;
  SourceMap* source_ptr_ = nullptr;
  std::size_t nodes_ = 0;
  std::vector<YAML::Node> merging_;  // the maps being merged, outermost first
};

}  // namespace

Document parse_yaml(std::string_view text, std::string file_name, const LoadOptions& options) {
  // YAML is Unicode text; yaml-cpp passes any bytes through, and a string that is not UTF-8 would make every
  // later JSON dump of it throw. Refused here, where the position can still be named.
  if (const std::size_t bad = first_invalid_utf8(text); bad < text.size()) {
    const std::string_view before = text.substr(0, bad);
    const auto line_start = before.rfind('\n');
    const Position at{
        static_cast<std::uint32_t>(std::count(before.begin(), before.end(), '\n') + 1),
        static_cast<std::uint32_t>(bad - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1)};
    throw LoadError(std::move(file_name), at, "not valid UTF-8 (a YAML file is Unicode text)");
  }
  const std::string owned(text);
  std::size_t count = 0;
  YAML::Node root;
  try {
    count = count_yaml_documents(owned);
    if (count == 1) root = YAML::Load(owned);
  } catch (const YAML::Exception& e) {
    throw LoadError(std::move(file_name), position_of(e.mark), e.msg);
  }
  if (count > 1) {
    throw LoadError(std::move(file_name), {}, "expected one YAML document, found " + std::to_string(count));
  }
  YamlConverter converter(std::move(file_name), options);
  return converter.convert(root);
}

}  // namespace gatecheck::core
