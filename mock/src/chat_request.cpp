#include "chat_request.hpp"

#include <algorithm>
#include <bitset>
#include <charconv>
#include <climits>
#include <iterator>

#include <gatecheck/schema/validator.hpp>

#include "content_seed.hpp"
#include "generator.hpp"
#include "request_checks.hpp"
#include "request_json.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;
using Kind = JsonValue::Kind;

constexpr std::string_view kRoles = "'system', 'assistant', 'user', 'function', 'tool', and 'developer'";

void read_content_part(const JsonValue& part, const std::string& path, ChatMessage& message) {
  const ParamReader reader = object_at(part, path);
  const std::string type = *reader.string("type", true);
  if (type == "text" || type == "refusal") {
    const auto text = reader.string(type == "text" ? "text" : "refusal", true);
    if (!message.text.empty()) message.text += "\n";
    message.text += *text;
  } else if (type == "image_url") {
    const ParamReader image = member_object(reader, "image_url");
    image.string("url", true);
    if (const auto detail = image.string("detail");
        detail && *detail != "auto" && *detail != "low" && *detail != "high")
      image.invalid_value(
          "detail", "Invalid value: '" + *detail + "'. Supported values are: 'auto', 'low', and 'high'.");
    ++message.images;
  } else if (type == "input_audio" || type == "file") {
    reader.required(type);
  } else {
    reader.invalid_value("type",
                         "Invalid value: '" + type +
                             "'. Supported values are: 'text', 'image_url', 'input_audio', 'refusal', and "
                             "'file'.");
  }
}

void read_content(const JsonValue& content, const ParamReader& reader, ChatMessage& message) {
  if (content.is(Kind::string)) {
    message.text = std::string(content.text());
    return;
  }
  const std::string path = reader.param("content");
  if (!content.is(Kind::array)) invalid_item_type(path, "one of a string or array of objects", content);
  const auto parts = content.items();
  for (std::size_t i = 0; i < parts.size(); ++i)
    read_content_part(parts[i], indexed(path, i), message);
}

std::vector<ToolCallRecord> read_tool_calls(const ParamReader& reader) {
  std::vector<ToolCallRecord> records;
  const auto calls = reader.find("tool_calls");
  if (!calls) return records;
  if (!calls->is(Kind::array)) reader.invalid_type("tool_calls", "an array", *calls);
  const auto items = calls->items();
  for (std::size_t i = 0; i < items.size(); ++i) {
    const ParamReader call = object_at(items[i], reader.param(indexed("tool_calls", i)));
    ToolCallRecord record;
    record.id = *call.string("id", true);
    const ParamReader function = member_object(call, "function");
    record.name = *function.string("name", true);
    record.arguments = *function.string("arguments", true);
    records.push_back(std::move(record));
  }
  return records;
}

ChatMessage read_message(const JsonValue& item, std::size_t index) {
  const ParamReader reader = object_at(item, indexed("messages", index));
  ChatMessage message;
  message.role = *reader.string("role", true);
  const auto& role = message.role;
  if (role != "system" && role != "developer" && role != "user" && role != "assistant" && role != "tool" &&
      role != "function") {
    reader.invalid_value("role",
                         "Invalid value: '" + role + "'. Supported values are: " + std::string(kRoles) + ".");
  }
  const auto content = reader.find("content");
  if (role == "assistant") {
    message.tool_calls = read_tool_calls(reader);
    if (!content && message.tool_calls.empty() && !reader.find("function_call") && !reader.find("refusal") &&
        !reader.find("audio")) {
      reader.required("content");
    }
  } else if (role != "function") {
    reader.required("content");
  }
  if (content) read_content(*content, reader, message);
  if (role == "tool") message.tool_call_id = *reader.string("tool_call_id", true);
  return message;
}

ToolSpec read_tool(const JsonValue& value, std::size_t index) {
  const ParamReader tool = object_at(value, indexed("tools", index));
  const std::string type = *tool.string("type", true);
  if (type != "function")
    tool.invalid_value("type",
                       "Invalid value: '" + type + "'. Supported values are: 'function' and 'custom'.");
  const ParamReader function = member_object(tool, "function");
  ToolSpec spec;
  spec.name = function_name(function);
  if (const auto parameters = function.find("parameters")) {
    if (!parameters->is(Kind::object)) function.invalid_type("parameters", "an object", *parameters);
    spec.parameters = compiled_schema(*parameters, "function '" + spec.name + "'",
                                      function.param("parameters"), "invalid_function_parameters");
  }
  return spec;
}

// ---------------------------------------------------------------------------------------------------------
// Readers of the parameters that are more than a typed scalar: each reads its own member.

void read_model(const ParamReader& reader, ChatRequest& request, const vendor::Profile& profile) {
  const auto model = reader.string("model", profile.default_model.empty());
  request.model = model ? *model : profile.default_model;
}

void read_messages(const ParamReader& reader, ChatRequest& request, const vendor::Profile&) {
  const JsonValue messages = reader.required("messages");
  if (!messages.is(Kind::array)) reader.invalid_type("messages", "an array of objects", messages);
  const auto items = messages.items();
  if (items.empty()) {
    throw Rejected{
        ApiError::invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but "
                          "got an empty array instead.",
                          "messages", "empty_array")};
  }
  request.messages.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i)
    request.messages.push_back(read_message(items[i], i));
}

void read_stream(const ParamReader& reader, ChatRequest& request, const vendor::Profile& profile) {
  request.stream = reader.boolean("stream").value_or(false) || profile.always_stream;
}

void read_tools(const ParamReader& reader, ChatRequest& request, const vendor::Profile&) {
  const auto tools = reader.find("tools");
  if (!tools) return;
  if (!tools->is(Kind::array)) reader.invalid_type("tools", "an array", *tools);
  const auto items = tools->items();
  for (std::size_t i = 0; i < items.size(); ++i)
    request.tools.push_back(read_tool(items[i], i));
}

void read_named_tool_choice(const ParamReader& reader, const JsonValue& choice, ChatRequest& request) {
  if (!choice.is(Kind::object)) reader.invalid_type("tool_choice", "a string or an object", choice);
  const ParamReader function = member_object(ParamReader(choice, "tool_choice"), "function");
  const std::string name = *function.string("name", true);
  const bool known = std::any_of(request.tools.begin(), request.tools.end(),
                                 [&](const ToolSpec& t) { return t.name == name; });
  if (!known) {
    throw Rejected{ApiError::invalid(
        "Invalid value for 'tool_choice': function '" + name + "' is not one of the functions in 'tools'.",
        "tool_choice.function.name", "invalid_value")};
  }
  request.tool_choice = ToolChoice::named;
  request.tool_choice_name = name;
}

void read_tool_choice(const ParamReader& reader, ChatRequest& request, const vendor::Profile&) {
  const auto choice = reader.find("tool_choice");
  if (!choice) {
    request.tool_choice = request.tools.empty() ? ToolChoice::none : ToolChoice::automatic;
    return;
  }
  if (request.tools.empty()) {
    throw Rejected{ApiError::invalid(
        "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
        "tool_choice", nullptr)};
  }
  if (!choice->is(Kind::string)) return read_named_tool_choice(reader, *choice, request);
  const std::string_view value = choice->text();
  if (value == "none") {
    request.tool_choice = ToolChoice::none;
  } else if (value == "auto") {
    request.tool_choice = ToolChoice::automatic;
  } else if (value == "required") {
    request.tool_choice = ToolChoice::required;
  } else {
    reader.invalid_value("tool_choice", "Invalid value: '" + std::string(value) +
                                            "'. Supported values are: 'none', 'auto', and 'required'.");
  }
}

void read_parallel_tool_calls(const ParamReader& reader, ChatRequest& request, const vendor::Profile&) {
  request.parallel_tool_calls = reader.boolean("parallel_tool_calls").value_or(true);
}

void read_response_format(const ParamReader& reader, ChatRequest& request, const vendor::Profile&) {
  const auto format = reader.find("response_format");
  if (!format) return;
  const ParamReader fields = object_at(*format, "response_format");
  const std::string type = *fields.string("type", true);
  if (type == "text") {
    request.response_format = ResponseFormat::text;
  } else if (type == "json_object") {
    request.response_format = ResponseFormat::json_object;
  } else if (type == "json_schema") {
    request.response_format = ResponseFormat::json_schema;
    const ParamReader spec = member_object(fields, "json_schema");
    spec.string("name", true);
    const auto schema = spec.find("schema");
    request.json_schema = schema
                              ? compiled_schema(*schema, "response_format",
                                                "response_format.json_schema.schema", "invalid_json_schema")
                              : json::object();
  } else {
    fields.invalid_value("type", "Invalid value: '" + type +
                                     "'. Supported values are: 'text', 'json_object', and 'json_schema'.");
  }
}

void read_n(const ParamReader& reader, ChatRequest& request, const vendor::Profile& profile) {
  request.n = static_cast<std::uint32_t>(
      reader.integer("n", static_cast<std::int64_t>(profile.n_min), static_cast<std::int64_t>(profile.n_max))
          .value_or(1));
}

// max_completion_tokens (its row comes later) wins over max_tokens; then the profile's default.
void read_max_tokens(const ParamReader& reader, ChatRequest& request, const vendor::Profile& profile) {
  for (const char* name : {"max_tokens", "max_completion_tokens"})
    if (const auto limit = reader.integer(name, 1, 1'000'000))
      request.max_tokens = static_cast<std::uint32_t>(*limit);
  if (!request.max_tokens && profile.default_max_tokens > 0) request.max_tokens = profile.default_max_tokens;
}

// ---------------------------------------------------------------------------------------------------------
// The parameter table: every chat/completions parameter the API knows, once.

enum class Type { any, string, boolean, integer, decimal, custom };
struct Range {
  double min;
  double max;
};
using Reader = void (*)(const ParamReader&, ChatRequest&, const vendor::Profile&);

struct ChatParameter {
  std::string_view name;
  Type type;                               // a scalar's type, checked here; `custom`: the reader checks
  Range (*range)(const vendor::Profile&);  // numbers: the accepted range; nullptr: the type's own
  bool delivery;                           // changes how the answer is delivered, not what it says
  Reader read;                             // copies what the answer needs into the ChatRequest; may be null
};

Range temperature(const vendor::Profile& p) {
  return {p.temperature_min, p.temperature_max};
}
Range top_p(const vendor::Profile& p) {
  return {p.top_p_min, p.top_p_max};
}
Range penalty(const vendor::Profile& p) {
  return {p.penalty_min, p.penalty_max};
}
Range top_logprobs(const vendor::Profile&) {
  return {0, 20};
}

// In the order a request is checked: the first problem in this order is the 400 the client gets.
constexpr ChatParameter kChatParameters[] = {
    {"model", Type::custom, nullptr, false, &read_model},
    {"messages", Type::custom, nullptr, false, &read_messages},
    {"temperature", Type::decimal, &temperature, false, nullptr},
    {"top_p", Type::decimal, &top_p, false, nullptr},
    {"presence_penalty", Type::decimal, &penalty, false, nullptr},
    {"frequency_penalty", Type::decimal, &penalty, false, nullptr},
    {"n", Type::custom, nullptr, true, &read_n},
    {"max_tokens", Type::custom, nullptr, true, &read_max_tokens},  // reads max_completion_tokens too
    {"max_completion_tokens", Type::any, nullptr, true, nullptr},
    {"seed", Type::integer, nullptr, false, nullptr},
    {"top_logprobs", Type::integer, &top_logprobs, false, nullptr},
    {"logprobs", Type::boolean, nullptr, false, nullptr},
    {"user", Type::string, nullptr, true, nullptr},
    {"logit_bias", Type::custom, nullptr, false, &read_logit_bias},
    {"stop", Type::custom, nullptr, true, &read_stop},
    {"stream", Type::custom, nullptr, true, &read_stream},
    {"stream_options", Type::custom, nullptr, true, &read_stream_options},
    {"tools", Type::custom, nullptr, false, &read_tools},
    {"tool_choice", Type::custom, nullptr, false, &read_tool_choice},
    {"parallel_tool_calls", Type::custom, nullptr, false, &read_parallel_tool_calls},
    {"response_format", Type::custom, nullptr, false, &read_response_format},
    {"service_tier", Type::any, nullptr, true, nullptr},
    {"metadata", Type::any, nullptr, true, nullptr},
    {"store", Type::any, nullptr, true, nullptr},
    {"functions", Type::any, nullptr, false, nullptr},
    {"function_call", Type::any, nullptr, false, nullptr},
    {"modalities", Type::any, nullptr, false, nullptr},
    {"audio", Type::any, nullptr, false, nullptr},
    {"prediction", Type::any, nullptr, false, nullptr},
    {"reasoning_effort", Type::any, nullptr, false, nullptr},
    {"web_search_options", Type::any, nullptr, false, nullptr},
    {"verbosity", Type::any, nullptr, false, nullptr},
    {"prompt_cache_key", Type::any, nullptr, false, nullptr},
    {"safety_identifier", Type::any, nullptr, false, nullptr},
};

const ChatParameter* find_parameter(std::string_view name) {
  for (const auto& parameter : kChatParameters)
    if (parameter.name == name) return &parameter;
  return nullptr;
}

void check_scalar(const ChatParameter& parameter, const ParamReader& reader, const vendor::Profile& profile) {
  switch (parameter.type) {
    case Type::string:
      reader.string(parameter.name);
      break;
    case Type::boolean:
      reader.boolean(parameter.name);
      break;
    case Type::integer: {
      const Range range = parameter.range ? parameter.range(profile) : Range{};
      reader.integer(parameter.name, parameter.range ? static_cast<std::int64_t>(range.min) : INT64_MIN,
                     parameter.range ? static_cast<std::int64_t>(range.max) : INT64_MAX);
      break;
    }
    case Type::decimal: {
      const Range range = parameter.range(profile);
      reader.decimal(parameter.name, range.min, range.max);
      break;
    }
    case Type::any:
    case Type::custom:
      break;
  }
}

using Rows = std::bitset<std::size(kChatParameters)>;

// The rows the body names. A member no row names is refused under a strict profile (the API's "Unrecognized
// request argument") and otherwise left to the content seed.
Rows named_rows(const ParamReader& reader, const vendor::Profile& profile) {
  Rows named;
  for (const auto& [name, value] : reader.members()) {
    if (const ChatParameter* row = find_parameter(name)) {
      named.set(static_cast<std::size_t>(row - std::begin(kChatParameters)));
    } else if (profile.strict_parameters) {
      reader.unknown(name);
    }
  }
  return named;
}

}  // namespace

void read_logit_bias(const ParamReader& reader, ChatRequest&, const vendor::Profile&) {
  const auto bias = reader.find("logit_bias");
  if (!bias) return;
  if (!bias->is(Kind::object)) reader.invalid_type("logit_bias", "an object", *bias);
  const ParamReader tokens(*bias, "logit_bias");
  for (const auto& [token, value] : bias->sorted_members())
    tokens.decimal(token, -100, 100);  // the API's range for a bias
}

void read_stop(const ParamReader& reader, ChatRequest& request, const vendor::Profile& profile) {
  const auto stop = reader.find("stop");
  if (!stop) return;
  if (stop->is(Kind::string)) {
    request.stop.emplace_back(stop->text());
    return;
  }
  if (!stop->is(Kind::array)) reader.invalid_type("stop", "a string or an array of strings", *stop);
  const auto items = stop->items();
  if (items.size() > profile.max_stop_sequences) {
    throw Rejected{
        ApiError::invalid("Invalid 'stop': array too long. Expected an array with maximum length " +
                              std::to_string(profile.max_stop_sequences) + ", but got an array with length " +
                              std::to_string(items.size()) + " instead.",
                          "stop", "array_above_max_length")};
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is(Kind::string)) reader.invalid_type(indexed("stop", i), "a string", items[i]);
    request.stop.emplace_back(items[i].text());
  }
}

void read_stream_options(const ParamReader& reader, ChatRequest& request, const vendor::Profile&) {
  const auto options = reader.find("stream_options");
  if (!options) return;
  if (!request.stream) {
    throw Rejected{
        ApiError::invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                          "stream_options", nullptr)};
  }
  if (!options->is(Kind::object)) reader.invalid_type("stream_options", "an object", *options);
  request.include_usage = ParamReader(*options, "stream_options").boolean("include_usage").value_or(false);
}

std::uint32_t prompt_tokens_of(const ChatRequest& request) {
  // Like the API's accounting: a few tokens of framing per message, plus the content.
  std::uint32_t tokens = 3;
  for (const auto& message : request.messages) {
    tokens += 4 + count_tokens(message.text) + static_cast<std::uint32_t>(message.images) * 85;
    for (const auto& call : message.tool_calls)
      tokens += 3 + count_tokens(call.name) + count_tokens(call.arguments);
  }
  for (const auto& tool : request.tools)
    tokens += 8 + count_tokens(tool.name) + count_tokens(tool.parameters.dump());
  return tokens;
}

bool is_delivery_parameter(std::string_view name) {
  const ChatParameter* parameter = find_parameter(name);
  return parameter != nullptr && parameter->delivery;
}

ChatRequest read_chat_request(std::string_view body, const vendor::Profile& profile,
                              std::uint64_t server_seed) {
  const RequestJson document(body);
  const ParamReader reader(document.root(), "");
  const Rows named = named_rows(reader, profile);
  ChatRequest request;
  for (std::size_t row = 0; row < named.size(); ++row) {
    const ChatParameter& parameter = kChatParameters[row];
    if (named[row]) check_scalar(parameter, reader, profile);
    if (parameter.read != nullptr) parameter.read(reader, request, profile);  // readers also apply defaults
  }
  // Everything that shapes the answer, but not how it is delivered: a streamed and a non-streamed request for
  // the same thing get the same content; stop, max_tokens and n trim or extend that same answer.
  request.content_seed = content_seed::of_request(document.root(), server_seed, &is_delivery_parameter);
  request.prompt_tokens = prompt_tokens_of(request);
  return request;
}

}  // namespace gatecheck::mock
