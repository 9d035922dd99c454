#include "responses_request.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "content_seed.hpp"
#include "request_checks.hpp"
#include "request_json.hpp"

namespace gatecheck::mock {
namespace {

using Kind = JsonValue::Kind;
using nlohmann::json;

// Every parameter of POST /responses the API knows, and whether it shapes what the answer says (the content
// seed) or only how and where it is delivered.
constexpr KnownParameter kParameters[] = {
    {"model", false},
    {"input", false},
    {"instructions", false},
    {"previous_response_id", false},
    {"max_output_tokens", true},
    {"temperature", false},
    {"top_p", false},
    {"stream", true},
    {"stream_options", true},
    {"store", true},
    {"background", true},
    {"tools", false},
    {"tool_choice", false},
    {"parallel_tool_calls", false},
    {"max_tool_calls", false},
    {"text", false},
    {"reasoning", false},
    {"include", true},
    {"metadata", true},
    {"truncation", true},
    {"service_tier", true},
    {"top_logprobs", false},
    {"user", true},
    {"safety_identifier", true},
    {"prompt_cache_key", true},
    {"conversation", false},
    {"prompt", false},
};

bool is_delivery(std::string_view name) {
  return is_delivery_in(kParameters, name);
}

[[noreturn]] void unsupported_value(const ParamReader& reader, std::string_view name, std::string_view value,
                                    std::string_view supported) {
  reader.invalid_value(name, "Invalid value: '" + std::string(value) +
                                 "'. Supported values are: " + std::string(supported) + ".");
}

// The text of a content part array (input_text, output_text, refusal parts; images counted).
void read_parts(const JsonValue& content, const std::string& path, ChatMessage& message) {
  if (content.is(Kind::string)) {
    message.text = std::string(content.text());
    return;
  }
  if (!content.is(Kind::array)) invalid_item_type(path, "a string or an array of objects", content);
  const auto parts = content.items();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const ParamReader part = object_at(parts[i], indexed(path, i));
    const std::string type = *part.string("type", true);
    if (type == "input_text" || type == "output_text" || type == "refusal") {
      message.text +=
          (message.text.empty() ? "" : "\n") + *part.string(type == "refusal" ? "refusal" : "text", true);
    } else if (type == "input_image") {
      if (!part.string("image_url") && !part.string("file_id")) part.required("image_url");
      if (const auto detail = part.string("detail");
          detail && *detail != "auto" && *detail != "low" && *detail != "high")
        unsupported_value(part, "detail", *detail, "'low', 'high', and 'auto'");
      ++message.images;
    } else if (type == "input_file") {
      if (!part.string("file_id") && !part.string("file_data") && !part.string("file_url"))
        part.required("file_data");
    } else {
      unsupported_value(part, "type", type,
                        "'input_text', 'input_image', 'input_file', 'output_text', and 'refusal'");
    }
  }
}

ChatMessage read_message_item(const ParamReader& item) {
  ChatMessage message;
  message.role = *item.string("role", true);
  if (message.role != "user" && message.role != "assistant" && message.role != "system" &&
      message.role != "developer")
    unsupported_value(item, "role", message.role, "'user', 'assistant', 'system', and 'developer'");
  read_parts(item.required("content"), item.param("content"), message);
  return message;
}

ChatMessage read_function_call(const ParamReader& item) {
  ChatMessage message;
  message.role = "assistant";
  message.tool_calls.push_back(
      {*item.string("call_id", true), function_name(item), *item.string("arguments", true)});
  return message;
}

ChatMessage read_function_call_output(const ParamReader& item) {
  ChatMessage message;
  message.role = "tool";
  message.tool_call_id = *item.string("call_id", true);
  read_parts(item.required("output"), item.param("output"), message);
  return message;
}

// One input item; a reasoning item carries nothing the generator reads (nullopt).
std::optional<ChatMessage> read_item(const JsonValue& value, std::size_t index) {
  const ParamReader item = object_at(value, indexed("input", index));
  const std::string type = item.string("type").value_or("message");
  if (type == "message") return read_message_item(item);
  if (type == "function_call") return read_function_call(item);
  if (type == "function_call_output") return read_function_call_output(item);
  if (type == "reasoning") return std::nullopt;
  if (type == "item_reference")
    item.invalid_value("type", "Item references are not supported by this mock: send the item itself.");
  unsupported_value(item, "type", type,
                    "'message', 'function_call', 'function_call_output', 'reasoning', and 'item_reference'");
}

void read_input(const ParamReader& reader, ResponsesRequest& request) {
  const auto input = reader.find("input");
  if (!input) return;  // the API allows it with previous_response_id or a prompt; the endpoint checks
  if (input->is(Kind::string)) {
    request.chat.messages.push_back({"user", std::string(input->text()), 0, {}, {}});
    return;
  }
  if (!input->is(Kind::array)) reader.invalid_type("input", "a string or an array of objects", *input);
  const auto items = input->items();
  for (std::size_t i = 0; i < items.size(); ++i)
    if (auto message = read_item(items[i], i)) request.chat.messages.push_back(std::move(*message));
}

void read_tools(const ParamReader& reader, ResponsesRequest& request) {
  const auto tools = reader.find("tools");
  if (!tools) return;
  if (!tools->is(Kind::array)) reader.invalid_type("tools", "an array", *tools);
  const auto items = tools->items();
  json echo = json::array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    const ParamReader tool = object_at(items[i], indexed("tools", i));
    const std::string type = *tool.string("type", true);
    if (type != "function")
      tool.invalid_value("type", "Tools of type '" + type +
                                     "' are not supported by this mock; it serves "
                                     "function tools.");
    ToolSpec spec;
    spec.name = function_name(tool);
    if (const auto parameters = tool.find("parameters")) {
      if (!parameters->is(Kind::object)) tool.invalid_type("parameters", "an object", *parameters);
      spec.parameters = compiled_schema(*parameters, "function '" + spec.name + "'", tool.param("parameters"),
                                        "invalid_function_parameters");
    }
    // Echoed as the API does: every member of a function tool present, strict defaulting to true.
    echo.push_back(
        {{"type", "function"},
         {"name", spec.name},
         {"description", tool.string("description") ? json(*tool.string("description")) : json(nullptr)},
         {"parameters", tool.find("parameters") ? json(spec.parameters) : json(nullptr)},
         {"strict", tool.boolean("strict").value_or(true)}});
    request.chat.tools.push_back(std::move(spec));
  }
  request.echo.tools_json = echo.dump();
}

void read_tool_choice(const ParamReader& reader, ResponsesRequest& request) {
  ChatRequest& chat = request.chat;
  chat.tool_choice = chat.tools.empty() ? ToolChoice::none : ToolChoice::automatic;
  const auto choice = reader.find("tool_choice");
  if (!choice) return;
  request.echo.tool_choice_json = choice->to_json().dump();
  if (choice->is(Kind::string)) {
    const std::string_view value = choice->text();
    if (value == "none")
      chat.tool_choice = ToolChoice::none;
    else if (value == "required")
      chat.tool_choice = ToolChoice::required;
    else if (value != "auto")
      unsupported_value(reader, "tool_choice", value, "'none', 'auto', and 'required'");
    return;
  }
  const ParamReader named = object_at(*choice, "tool_choice");
  const std::string type = *named.string("type", true);
  if (type != "function")
    named.invalid_value("type", "Tool choice of type '" + type + "' is not supported by this mock.");
  chat.tool_choice_name = *named.string("name", true);
  if (std::none_of(chat.tools.begin(), chat.tools.end(),
                   [&](const ToolSpec& tool) { return tool.name == chat.tool_choice_name; }))
    named.invalid_value("name",
                        "Tool choice '" + chat.tool_choice_name + "' not found in 'tools' parameter.");
  chat.tool_choice = ToolChoice::named;
}

void read_text(const ParamReader& reader, ResponsesRequest& request) {
  const auto text = reader.find("text");
  if (!text) return;
  const ParamReader fields = object_at(*text, "text");
  const auto format_value = fields.find("format");
  if (!format_value) return;
  const ParamReader format = object_at(*format_value, "text.format");
  const std::string type = *format.string("type", true);
  request.echo.format_json = format_value->to_json().dump();
  if (type == "json_object") {
    request.chat.response_format = ResponseFormat::json_object;
  } else if (type == "json_schema") {
    function_name(format);  // the schema's name follows the function-name pattern
    request.chat.response_format = ResponseFormat::json_schema;
    request.chat.json_schema = compiled_schema(format.required("schema"), "text.format", "text.format.schema",
                                               "invalid_json_schema");
  } else if (type != "text") {
    unsupported_value(format, "type", type, "'text', 'json_object', and 'json_schema'");
  }
}

// Parameters this mock cannot honour are refused by name rather than ignored.
void refuse_unsupported(const ParamReader& reader) {
  if (reader.boolean("background").value_or(false))
    reader.invalid_value("background", "Background responses are not supported by this mock.");
  for (const std::string_view name : {"conversation", "prompt"})
    if (reader.find(name))
      reader.invalid_value(name, "The '" + std::string(name) + "' parameter is not supported by this mock.");
}

void read_scalars(const ParamReader& reader, const vendor::Profile& profile, ResponsesRequest& request) {
  const auto model = reader.string("model", profile.default_model.empty());
  request.chat.model = model ? *model : profile.default_model;
  request.echo.instructions = reader.string("instructions");
  request.echo.previous_response_id = reader.string("previous_response_id");
  request.echo.temperature =
      reader.decimal("temperature", profile.temperature_min, profile.temperature_max).value_or(1.0);
  request.echo.top_p = reader.decimal("top_p", profile.top_p_min, profile.top_p_max).value_or(1.0);
  if (const auto limit = reader.integer("max_output_tokens", 16, 1'000'000)) {
    request.echo.max_output_tokens = static_cast<std::uint32_t>(*limit);
    request.chat.max_tokens = request.echo.max_output_tokens;
  }
  reader.integer("top_logprobs", 0, 20);
  reader.integer("max_tool_calls", 1, 1'000'000);
  request.chat.parallel_tool_calls = reader.boolean("parallel_tool_calls").value_or(true);
  request.chat.stream = reader.boolean("stream").value_or(false) || profile.always_stream;
  request.echo.store = reader.boolean("store").value_or(true);
  if (const auto options = reader.find("stream_options")) {
    if (!request.chat.stream)
      reader.invalid_value("stream_options",
                           "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
    object_at(*options, "stream_options").boolean("include_obfuscation");
  }
  if (const auto metadata = reader.find("metadata")) {
    const ParamReader pairs = object_at(*metadata, "metadata");
    for (const auto& [key, value] : pairs.members())
      pairs.string(key);
    request.echo.metadata_json = metadata->to_json().dump();
  }
}

}  // namespace

ResponsesRequest read_responses_request(std::string_view body, const vendor::Profile& profile,
                                        std::uint64_t server_seed) {
  const RequestJson document(body);
  const ParamReader reader(document.root(), "");
  if (profile.strict_parameters) refuse_unknown(reader, kParameters);
  ResponsesRequest request;
  read_scalars(reader, profile, request);
  refuse_unsupported(reader);
  read_input(reader, request);
  read_tools(reader, request);
  read_tool_choice(reader, request);
  read_text(reader, request);
  request.chat.content_seed = content_seed::of_request(document.root(), server_seed, &is_delivery);
  return request;
}

}  // namespace gatecheck::mock
