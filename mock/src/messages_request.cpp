#include "messages_request.hpp"

#include "content_seed.hpp"
#include "generator.hpp"
#include "request_checks.hpp"
#include "request_json.hpp"

namespace gatecheck::mock {
namespace {

using Kind = JsonValue::Kind;

constexpr KnownParameter kParameters[] = {
    {"model", false},         {"max_tokens", true},   {"messages", false},    {"system", false},
    {"stream", true},         {"temperature", false}, {"top_p", false},       {"top_k", false},
    {"stop_sequences", true}, {"tools", false},       {"tool_choice", false}, {"metadata", true},
    {"thinking", false},      {"service_tier", true},
};

bool is_delivery(std::string_view name) {
  return is_delivery_in(kParameters, name);
}

// A content: a string, or blocks of text, tool_use and tool_result (their text joined; other blocks count
// as what they carry).
std::string content_text(const JsonValue& content, const std::string& path) {
  if (content.is(Kind::string)) return std::string(content.text());
  if (!content.is(Kind::array)) invalid_item_type(path, "a string or an array of content blocks", content);
  std::string text;
  const auto blocks = content.items();
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const ParamReader block = object_at(blocks[i], indexed(path, i));
    const std::string type = *block.string("type", true);
    if (type == "text")
      text += *block.string("text", true);
    else if (type == "tool_result" && block.find("content"))
      text += content_text(*block.find("content"), block.param("content"));
    else if (type == "tool_use")
      text += block.string("name", true).value_or("");
  }
  return text;
}

void read_messages(const ParamReader& reader, ChatRequest& request) {
  const JsonValue messages = reader.required("messages");
  if (!messages.is(Kind::array)) reader.invalid_type("messages", "an array", messages);
  const auto items = messages.items();
  if (items.empty()) reader.invalid_value("messages", "messages: at least one message is required");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string path = indexed("messages", i);
    const ParamReader message = object_at(items[i], path);
    const std::string role = *message.string("role", true);
    if (role != "user" && role != "assistant")
      message.invalid_value("role", path + ".role: Input should be 'user' or 'assistant'");
    request.messages.push_back(
        {role, content_text(message.required("content"), message.param("content")), 0, {}, {}});
  }
}

void read_tools(const ParamReader& reader, ChatRequest& request) {
  const auto tools = reader.find("tools");
  if (!tools) return;
  if (!tools->is(Kind::array)) reader.invalid_type("tools", "an array", *tools);
  const auto items = tools->items();
  for (std::size_t i = 0; i < items.size(); ++i) {
    const ParamReader tool = object_at(items[i], indexed("tools", i));
    ToolSpec spec;
    spec.name = *tool.string("name", true);
    const JsonValue schema = tool.required("input_schema");
    if (!schema.is(Kind::object)) tool.invalid_type("input_schema", "an object", schema);
    spec.parameters = schema.to_json();
    request.tools.push_back(std::move(spec));
  }
  const auto choice = reader.find("tool_choice");
  if (!choice) return;
  const ParamReader how = object_at(*choice, "tool_choice");
  const std::string type = *how.string("type", true);
  if (type == "auto")
    request.tool_choice = ToolChoice::automatic;
  else if (type == "any")
    request.tool_choice = ToolChoice::required;
  else if (type == "none")
    request.tool_choice = ToolChoice::none;
  else if (type == "tool") {
    request.tool_choice = ToolChoice::named;
    request.tool_choice_name = *how.string("name", true);
  } else {
    how.invalid_value("type", "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'");
  }
}

}  // namespace

ChatRequest read_messages_request(std::string_view body, const vendor::Profile& profile, std::uint64_t seed) {
  const RequestJson document(body);
  const ParamReader reader(document.root(), "");
  refuse_unknown(reader, kParameters);
  ChatRequest request;
  request.model = *reader.string("model", true);
  reader.required("max_tokens");  // the Messages API has no default length
  request.max_tokens = static_cast<std::uint32_t>(*reader.integer("max_tokens", 1, 1'000'000));
  if (const auto system = reader.find("system"))
    request.messages.push_back({"system", content_text(*system, "system"), 0, {}, {}});
  read_messages(reader, request);
  reader.decimal("temperature", profile.temperature_min, profile.temperature_max);
  reader.decimal("top_p", profile.top_p_min, profile.top_p_max);
  reader.integer("top_k", 0, INT32_MAX);
  if (const auto stops = reader.find("stop_sequences")) {
    if (!stops->is(Kind::array)) reader.invalid_type("stop_sequences", "an array", *stops);
    const auto items = stops->items();
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (!items[i].is(Kind::string)) invalid_item_type(indexed("stop_sequences", i), "a string", items[i]);
      request.stop.emplace_back(items[i].text());
    }
  }
  read_tools(reader, request);
  request.stream = reader.boolean("stream").value_or(false);
  request.content_seed = content_seed::of_request(document.root(), seed, &is_delivery);
  request.prompt_tokens = prompt_tokens_of(request);
  return request;
}

}  // namespace gatecheck::mock
