#include "simple_chat_request.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "content_seed.hpp"

namespace gatecheck::mock {
namespace {

// A JSON value laid out flat: a node's subtree is the nodes up to `end`; its first child, if any, is the next
// node. Strings are views into the body (a string with an escape is declined, so the bytes are the value).
// No default member values: a parse fills only the nodes it uses (each starts as Node{}, all zero).
struct Node {
  enum class Kind { object, array, string, integer, decimal, boolean };
  Kind kind;
  std::string_view key;   // as a member of an object
  std::string_view text;  // a string's value, or a number's literal
  std::int64_t integer;
  double decimal;
  bool boolean;
  std::uint32_t size;  // members or items
  std::uint32_t end;
};

constexpr int kMaxDepth = 6;  // messages[i].content is depth 3; deeper is not a simple request
// Fixed capacity, on the stack: no allocation for the parse. A longer conversation goes to the full reader.
constexpr std::uint32_t kMaxNodes = 96;
constexpr std::uint32_t kMaxMembers = 16;  // per object: more than a simple request has

struct Nodes {
  std::array<Node, kMaxNodes> at;  // left uninitialised: 6 KiB a request is not worth zeroing
  std::uint32_t count = 0;
  Node& operator[](std::uint32_t index) { return at[index]; }
  const Node& operator[](std::uint32_t index) const { return at[index]; }
  std::uint32_t size() const { return count; }
};

class FlatParser {
 public:
  explicit FlatParser(std::string_view text) : text_(text) {}

  // False: not JSON, or not JSON this parser vouches for.
  bool parse(Nodes& nodes) {
    skip_space();
    if (!value(nodes, 0)) return false;
    skip_space();
    return at_ == text_.size();
  }

 private:
  void skip_space() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\n' || text_[at_] == '\r' || text_[at_] == '\t')) {
      ++at_;
    }
  }

  bool eat(char c) {
    skip_space();
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }

  // A plain string: printable ASCII without escapes (anything else goes to the full reader).
  bool string(std::string_view& out) {
    if (at_ >= text_.size() || text_[at_] != '"') return false;
    const std::size_t start = ++at_;
    while (at_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[at_]);
      if (c == '"') {
        out = text_.substr(start, at_ - start);
        ++at_;
        return true;
      }
      if (c == '\\' || c < 0x20 || c >= 0x80) return false;
      ++at_;
    }
    return false;
  }

  static bool digits(std::string_view text, std::size_t& at) {
    const std::size_t start = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9')
      ++at;
    return at > start;
  }

  // JSON's number grammar exactly: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  bool number(Node& node) {
    const std::size_t start = at_;
    std::size_t at = at_;
    if (at < text_.size() && text_[at] == '-') ++at;
    if (at < text_.size() && text_[at] == '0') {
      ++at;
    } else if (!digits(text_, at)) {
      return false;
    }
    bool fraction = false;
    if (at < text_.size() && text_[at] == '.') {
      ++at;
      if (!digits(text_, at)) return false;
      fraction = true;
    }
    if (at < text_.size() && (text_[at] == 'e' || text_[at] == 'E')) {
      ++at;
      if (at < text_.size() && (text_[at] == '+' || text_[at] == '-')) ++at;
      if (!digits(text_, at)) return false;
      fraction = true;
    }
    node.text = text_.substr(start, at - start);
    at_ = at;
    const char* first = node.text.data();
    const char* last = first + node.text.size();
    if (!fraction) {
      // Up to 18 digits always fits an int64; longer ones (the DOM keeps them unsigned or as doubles) are
      // left to the full reader.
      if (node.text.size() > (node.text[0] == '-' ? 19u : 18u)) return false;
      node.kind = Node::Kind::integer;
      const auto result = std::from_chars(first, last, node.integer);
      return result.ec == std::errc{} && result.ptr == last;
    }
    node.kind = Node::Kind::decimal;
    const auto result = std::from_chars(first, last, node.decimal);
    return result.ec == std::errc{} && result.ptr == last;
  }

  bool literal(std::string_view word) {
    if (text_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }

  bool value(Nodes& nodes, int depth) {
    skip_space();
    if (at_ >= text_.size() || depth > kMaxDepth) return false;
    if (nodes.count == kMaxNodes) return false;
    const std::uint32_t index = nodes.count++;
    nodes[index] = Node{};
    const char c = text_[at_];
    bool ok = false;
    if (c == '{') {
      ok = members(nodes, index, depth);
    } else if (c == '[') {
      ok = items(nodes, index, depth);
    } else if (c == '"') {
      nodes[index].kind = Node::Kind::string;
      ok = string(nodes[index].text);
    } else if (c == 't' || c == 'f') {
      nodes[index].kind = Node::Kind::boolean;
      nodes[index].boolean = c == 't';
      ok = literal(c == 't' ? "true" : "false");
    } else {
      ok = number(nodes[index]);  // and null, which is declined: the full reader treats it as absent
    }
    nodes[index].end = static_cast<std::uint32_t>(nodes.size());
    return ok;
  }

  bool members(Nodes& nodes, std::uint32_t index, int depth) {
    ++at_;
    nodes[index].kind = Node::Kind::object;
    if (eat('}')) return true;
    do {
      skip_space();
      std::string_view key;
      if (!string(key) || !eat(':')) return false;
      // A repeated key: the DOM keeps the last one; rare enough to leave to it.
      for (std::uint32_t child = index + 1; child < nodes.size(); child = nodes[child].end) {
        if (nodes[child].key == key) return false;
      }
      const auto child = static_cast<std::uint32_t>(nodes.size());
      if (!value(nodes, depth + 1)) return false;
      nodes[child].key = key;
      if (++nodes[index].size > kMaxMembers) return false;
    } while (eat(','));
    return eat('}');
  }

  bool items(Nodes& nodes, std::uint32_t index, int depth) {
    ++at_;
    nodes[index].kind = Node::Kind::array;
    if (eat(']')) return true;
    do {
      if (!value(nodes, depth + 1)) return false;
      ++nodes[index].size;
    } while (eat(','));
    return eat(']');
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

// The members of object `index`, in key order (the order of the DOM's std::map).
struct SortedMembers {
  std::array<std::uint32_t, kMaxMembers> at{};
  std::uint32_t count = 0;
  const std::uint32_t* begin() const { return at.data(); }
  const std::uint32_t* end() const { return at.data() + count; }
};

SortedMembers sorted_members(const Nodes& nodes, std::uint32_t index) {
  SortedMembers members;
  for (std::uint32_t child = index + 1; child < nodes[index].end; child = nodes[child].end)
    members.at[members.count++] = child;
  std::sort(members.at.begin(), members.at.begin() + members.count,
            [&](std::uint32_t a, std::uint32_t b) { return nodes[a].key < nodes[b].key; });
  return members;
}

// hash_json (chat_request.cpp) over the DOM the full reader would build: objects in key order.
std::uint64_t hash_node(const Nodes& nodes, std::uint32_t index, std::uint64_t seed) {
  const Node& node = nodes[index];
  switch (node.kind) {
    case Node::Kind::object:
      for (const auto member : sorted_members(nodes, index))
        seed = hash_node(nodes, member, content_seed::member(nodes[member].key, seed));
      return content_seed::close(seed, node.size);
    case Node::Kind::array:
      for (std::uint32_t item = index + 1; item < node.end; item = nodes[item].end)
        seed = hash_node(nodes, item, content_seed::item(seed));
      return content_seed::close(seed, node.size);
    case Node::Kind::string:
      return content_seed::string(node.text, seed);
    case Node::Kind::integer:
      return content_seed::integer(node.integer, seed);
    case Node::Kind::decimal:
      return content_seed::decimal(node.decimal, seed);
    case Node::Kind::boolean:
      return content_seed::boolean(node.boolean, seed);
  }
  return seed;
}

bool is_number(const Node& node) {
  return node.kind == Node::Kind::integer || node.kind == Node::Kind::decimal;
}

double as_double(const Node& node) {
  return node.kind == Node::Kind::integer ? static_cast<double>(node.integer) : node.decimal;
}

// A message of the simple kind: a plain role and text content, nothing else.
bool read_message(const Nodes& nodes, std::uint32_t index, ChatMessage& message) {
  if (nodes[index].kind != Node::Kind::object) return false;
  bool has_content = false;
  for (std::uint32_t member = index + 1; member < nodes[index].end; member = nodes[member].end) {
    const Node& node = nodes[member];
    if (node.kind != Node::Kind::string) return false;
    if (node.key == "role") {
      if (node.text != "system" && node.text != "developer" && node.text != "user" &&
          node.text != "assistant")
        return false;
      message.role = node.text;
    } else if (node.key == "content") {
      message.text = node.text;
      has_content = true;
    } else {
      return false;
    }
  }
  return has_content && !message.role.empty();
}

}  // namespace

std::optional<ChatRequest> read_simple_chat_request(std::string_view body, const vendor::Profile& profile,
                                                    std::uint64_t server_seed) {
  Nodes nodes;
  if (!FlatParser(body).parse(nodes) || nodes[0].kind != Node::Kind::object) return std::nullopt;

  ChatRequest request;
  bool has_messages = false;
  bool has_model = false;
  std::optional<std::uint32_t> max_tokens;
  std::optional<std::uint32_t> max_completion_tokens;
  bool stream = false;
  bool has_stream_options = false;
  const auto within = [](const Node& node, double min, double max) {
    return is_number(node) && as_double(node) >= min && as_double(node) <= max;
  };
  const auto whole_within = [](const Node& node, std::int64_t min, std::int64_t max) {
    return node.kind == Node::Kind::integer && node.integer >= min && node.integer <= max;
  };
  for (std::uint32_t member = 1; member < nodes[0].end; member = nodes[member].end) {
    const Node& node = nodes[member];
    const std::string_view key = node.key;
    if (key == "model") {
      if (node.kind != Node::Kind::string) return std::nullopt;
      request.model = node.text;
      has_model = true;
    } else if (key == "messages") {
      if (node.kind != Node::Kind::array || node.size == 0) return std::nullopt;
      request.messages.reserve(node.size);
      for (std::uint32_t item = member + 1; item < node.end; item = nodes[item].end) {
        if (!read_message(nodes, item, request.messages.emplace_back())) return std::nullopt;
      }
      has_messages = true;
    } else if (key == "temperature") {
      if (!within(node, profile.temperature_min, profile.temperature_max)) return std::nullopt;
    } else if (key == "top_p") {
      if (!within(node, profile.top_p_min, profile.top_p_max)) return std::nullopt;
    } else if (key == "presence_penalty" || key == "frequency_penalty") {
      if (!within(node, profile.penalty_min, profile.penalty_max)) return std::nullopt;
    } else if (key == "n") {
      if (!whole_within(node, static_cast<std::int64_t>(profile.n_min),
                        static_cast<std::int64_t>(profile.n_max)))
        return std::nullopt;
      request.n = static_cast<std::uint32_t>(node.integer);
    } else if (key == "max_tokens" || key == "max_completion_tokens") {
      if (!whole_within(node, 1, 1'000'000)) return std::nullopt;
      (key == "max_tokens" ? max_tokens : max_completion_tokens) = static_cast<std::uint32_t>(node.integer);
    } else if (key == "seed") {
      if (node.kind != Node::Kind::integer) return std::nullopt;
    } else if (key == "stream") {
      if (node.kind != Node::Kind::boolean) return std::nullopt;
      stream = node.boolean;
    } else if (key == "stream_options") {
      // {} or {"include_usage": true|false}; anything more is the full reader's.
      if (node.kind != Node::Kind::object || node.size > 1) return std::nullopt;
      if (node.size == 1) {
        const Node& option = nodes[member + 1];
        if (option.key != "include_usage" || option.kind != Node::Kind::boolean) return std::nullopt;
        request.include_usage = option.boolean;
      }
      has_stream_options = true;
    } else if (key == "user") {
      if (node.kind != Node::Kind::string) return std::nullopt;
    } else if (key == "stop") {
      if (node.kind != Node::Kind::string) return std::nullopt;
      request.stop.emplace_back(node.text);
    } else {
      return std::nullopt;  // valid or not, the full reader knows
    }
  }
  if (!has_messages || (!has_model && profile.default_model.empty())) return std::nullopt;
  if (!has_model) request.model = profile.default_model;
  // As the full reader: max_completion_tokens wins over max_tokens, then the profile's default.
  request.max_tokens = max_completion_tokens ? max_completion_tokens : max_tokens;
  if (!request.max_tokens && profile.default_max_tokens > 0) request.max_tokens = profile.default_max_tokens;
  request.stream = stream || profile.always_stream;
  if (has_stream_options && !request.stream) return std::nullopt;  // a 400 from the full reader
  request.tool_choice = ToolChoice::none;

  // The content seed, as the full reader derives it: every member that shapes the answer, in key order.
  std::uint64_t seed = content_seed::start(server_seed);
  for (const auto member : sorted_members(nodes, 0)) {
    if (is_delivery_parameter(nodes[member].key)) continue;
    seed = hash_node(nodes, member, content_seed::parameter(nodes[member].key, seed));
  }
  request.content_seed = seed;
  request.prompt_tokens = prompt_tokens_of(request);
  return request;
}

}  // namespace gatecheck::mock
