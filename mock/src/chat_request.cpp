#include "chat_request.hpp"

#include <algorithm>
#include <stdexcept>

#include <gatecheck/schema/validator.hpp>

#include "content_seed.hpp"
#include "generator.hpp"
#include "request_checks.hpp"
#include "simple_chat_request.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;

const std::vector<std::string_view> kChatParameters = {"model",
                                                       "messages",
                                                       "frequency_penalty",
                                                       "logit_bias",
                                                       "logprobs",
                                                       "top_logprobs",
                                                       "max_tokens",
                                                       "max_completion_tokens",
                                                       "n",
                                                       "presence_penalty",
                                                       "response_format",
                                                       "seed",
                                                       "service_tier",
                                                       "stop",
                                                       "stream",
                                                       "stream_options",
                                                       "temperature",
                                                       "top_p",
                                                       "tools",
                                                       "tool_choice",
                                                       "parallel_tool_calls",
                                                       "user",
                                                       "functions",
                                                       "function_call",
                                                       "metadata",
                                                       "store",
                                                       "modalities",
                                                       "audio",
                                                       "prediction",
                                                       "reasoning_effort",
                                                       "web_search_options",
                                                       "verbosity",
                                                       "prompt_cache_key",
                                                       "safety_identifier"};

constexpr std::string_view kRoles = "'system', 'assistant', 'user', 'function', 'tool', and 'developer'";

// A hash of a JSON value that depends only on its content (objects iterate in key order), without serialising
// it.
std::uint64_t hash_json(const json& value, std::uint64_t seed) {
  switch (value.type()) {
    case json::value_t::object:
      for (const auto& [key, member] : value.items())
        seed = hash_json(member, content_seed::member(key, seed));
      return content_seed::close(seed, value.size());
    case json::value_t::array:
      for (const auto& item : value)
        seed = hash_json(item, content_seed::item(seed));
      return content_seed::close(seed, value.size());
    case json::value_t::string:
      return content_seed::string(value.get_ref<const std::string&>(), seed);
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return content_seed::integer(value.get<std::int64_t>(), seed);
    case json::value_t::number_float:
      return content_seed::decimal(value.get<double>(), seed);
    case json::value_t::boolean:
      return content_seed::boolean(value.get<bool>(), seed);
    default:
      return content_seed::null(seed);
  }
}

bool valid_function_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::string indexed(std::string_view base, std::size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}

void parse_content(const json& content, const std::string& path, ChatMessage& message) {
  if (content.is_string()) {
    message.text = content.get<std::string>();
    return;
  }
  if (!content.is_array()) {
    throw Rejected{ApiError::invalid("Invalid type for '" + path +
                                         "': expected one of a string or array of objects, but got " +
                                         described_type(content) + " instead.",
                                     path, "invalid_type")};
  }
  for (std::size_t i = 0; i < content.size(); ++i) {
    const json& part = content[i];
    const std::string part_path = indexed(path, i);
    if (!part.is_object()) {
      throw Rejected{ApiError::invalid("Invalid type for '" + part_path + "': expected an object, but got " +
                                           described_type(part) + " instead.",
                                       part_path, "invalid_type")};
    }
    const ParamReader reader(part, part_path);
    const std::string type = *reader.string("type", true);
    if (type == "text" || type == "refusal") {
      const auto text = reader.string(type == "text" ? "text" : "refusal", true);
      if (!message.text.empty()) message.text += "\n";
      message.text += *text;
    } else if (type == "image_url") {
      const json& image = reader.required("image_url");
      if (!image.is_object()) reader.invalid_type("image_url", "an object", image);
      const ParamReader image_reader(image, reader.param("image_url"));
      image_reader.string("url", true);
      if (const auto detail = image_reader.string("detail");
          detail && *detail != "auto" && *detail != "low" && *detail != "high") {
        image_reader.invalid_value(
            "detail", "Invalid value: '" + *detail + "'. Supported values are: 'auto', 'low', and 'high'.");
      }
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
}

ChatMessage parse_message(const json& item, std::size_t index) {
  const std::string path = indexed("messages", index);
  if (!item.is_object()) {
    throw Rejected{ApiError::invalid(
        "Invalid type for '" + path + "': expected an object, but got " + described_type(item) + " instead.",
        path, "invalid_type")};
  }
  const ParamReader reader(item, path);
  ChatMessage message;
  message.role = *reader.string("role", true);
  const auto& role = message.role;
  if (role != "system" && role != "developer" && role != "user" && role != "assistant" && role != "tool" &&
      role != "function") {
    reader.invalid_value("role",
                         "Invalid value: '" + role + "'. Supported values are: " + std::string(kRoles) + ".");
  }
  const json* content = reader.find("content");
  if (role == "assistant") {
    if (const json* calls = reader.find("tool_calls")) {
      if (!calls->is_array()) reader.invalid_type("tool_calls", "an array", *calls);
      for (std::size_t i = 0; i < calls->size(); ++i) {
        const json& call = (*calls)[i];
        const std::string call_path = reader.param(indexed("tool_calls", i));
        if (!call.is_object()) {
          throw Rejected{ApiError::invalid("Invalid type for '" + call_path +
                                               "': expected an object, but got " + described_type(call) +
                                               " instead.",
                                           call_path, "invalid_type")};
        }
        const ParamReader call_reader(call, call_path);
        ToolCallRecord record;
        record.id = *call_reader.string("id", true);
        const json& function = call_reader.required("function");
        if (!function.is_object()) call_reader.invalid_type("function", "an object", function);
        const ParamReader function_reader(function, call_reader.param("function"));
        record.name = *function_reader.string("name", true);
        record.arguments = *function_reader.string("arguments", true);
        message.tool_calls.push_back(std::move(record));
      }
    }
    if (content == nullptr && message.tool_calls.empty() && reader.find("function_call") == nullptr &&
        reader.find("refusal") == nullptr && reader.find("audio") == nullptr) {
      reader.required("content");
    }
  } else if (role != "function") {
    reader.required("content");
  }
  if (content != nullptr) parse_content(*content, reader.param("content"), message);
  if (role == "tool") message.tool_call_id = *reader.string("tool_call_id", true);
  return message;
}

void parse_tools(const ParamReader& reader, ChatRequest& request) {
  const json* tools = reader.find("tools");
  if (tools == nullptr) return;
  if (!tools->is_array()) reader.invalid_type("tools", "an array", *tools);
  for (std::size_t i = 0; i < tools->size(); ++i) {
    const json& tool = (*tools)[i];
    const std::string path = indexed("tools", i);
    if (!tool.is_object()) {
      throw Rejected{ApiError::invalid("Invalid type for '" + path + "': expected an object, but got " +
                                           described_type(tool) + " instead.",
                                       path, "invalid_type")};
    }
    const ParamReader tool_reader(tool, path);
    const std::string type = *tool_reader.string("type", true);
    if (type != "function") {
      tool_reader.invalid_value(
          "type", "Invalid value: '" + type + "'. Supported values are: 'function' and 'custom'.");
    }
    const json& function = tool_reader.required("function");
    if (!function.is_object()) tool_reader.invalid_type("function", "an object", function);
    const ParamReader function_reader(function, tool_reader.param("function"));
    ToolSpec spec;
    spec.name = *function_reader.string("name", true);
    if (!valid_function_name(spec.name)) {
      function_reader.invalid_value("name",
                                    "Invalid '" + function_reader.param("name") +
                                        "': string does not match pattern. Expected a string that matches "
                                        "the pattern '^[a-zA-Z0-9_-]{1,64}$'.");
    }
    if (const json* parameters = function_reader.find("parameters")) {
      if (!parameters->is_object()) function_reader.invalid_type("parameters", "an object", *parameters);
      try {
        schema::compile(*parameters);
      } catch (const std::exception& e) {
        throw Rejected{ApiError::invalid("Invalid schema for function '" + spec.name + "': " + e.what(),
                                         function_reader.param("parameters"), "invalid_function_parameters")};
      }
      spec.parameters = *parameters;
    }
    request.tools.push_back(std::move(spec));
  }
}

void parse_tool_choice(const ParamReader& reader, ChatRequest& request) {
  const json* choice = reader.find("tool_choice");
  if (choice == nullptr) {
    request.tool_choice = request.tools.empty() ? ToolChoice::none : ToolChoice::automatic;
    return;
  }
  if (request.tools.empty()) {
    throw Rejected{
        ApiError::invalid("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are "
                          "specified.",
                          "tool_choice", nullptr)};
  }
  if (choice->is_string()) {
    const std::string value = choice->get<std::string>();
    if (value == "none") {
      request.tool_choice = ToolChoice::none;
    } else if (value == "auto") {
      request.tool_choice = ToolChoice::automatic;
    } else if (value == "required") {
      request.tool_choice = ToolChoice::required;
    } else {
      reader.invalid_value("tool_choice", "Invalid value: '" + value +
                                              "'. Supported values are: 'none', 'auto', and 'required'.");
    }
    return;
  }
  if (!choice->is_object()) reader.invalid_type("tool_choice", "a string or an object", *choice);
  const ParamReader choice_reader(*choice, "tool_choice");
  const json& function = choice_reader.required("function");
  if (!function.is_object()) choice_reader.invalid_type("function", "an object", function);
  const std::string name = *ParamReader(function, "tool_choice.function").string("name", true);
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

void parse_response_format(const ParamReader& reader, ChatRequest& request) {
  const json* format = reader.find("response_format");
  if (format == nullptr) return;
  if (!format->is_object()) reader.invalid_type("response_format", "an object", *format);
  const ParamReader format_reader(*format, "response_format");
  const std::string type = *format_reader.string("type", true);
  if (type == "text") {
    request.response_format = ResponseFormat::text;
  } else if (type == "json_object") {
    request.response_format = ResponseFormat::json_object;
  } else if (type == "json_schema") {
    request.response_format = ResponseFormat::json_schema;
    const json& spec = format_reader.required("json_schema");
    if (!spec.is_object()) format_reader.invalid_type("json_schema", "an object", spec);
    const ParamReader spec_reader(spec, "response_format.json_schema");
    spec_reader.string("name", true);
    const json* schema = spec_reader.find("schema");
    request.json_schema = schema != nullptr ? *schema : json::object();
    try {
      schema::compile(request.json_schema);
    } catch (const std::exception& e) {
      throw Rejected{ApiError::invalid(std::string("Invalid schema for response_format: ") + e.what(),
                                       "response_format.json_schema.schema", "invalid_json_schema")};
    }
  } else {
    format_reader.invalid_value(
        "type",
        "Invalid value: '" + type + "'. Supported values are: 'text', 'json_object', and 'json_schema'.");
  }
}

}  // namespace

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
  static constexpr std::string_view kDelivery[] = {
      "stream",     "stream_options",        "user", "metadata", "store", "service_tier", "stop",
      "max_tokens", "max_completion_tokens", "n"};
  return std::find(std::begin(kDelivery), std::end(kDelivery), name) != std::end(kDelivery);
}

ChatRequest parse_chat_request(std::string_view body, const vendor::Profile& profile,
                               std::uint64_t server_seed) {
  auto simple = read_simple_chat_request(body, profile, server_seed);
  if (!simple) return read_chat_request(body, profile, server_seed);
#ifndef NDEBUG
  // Debug builds (every test run) hold the simple reader to its contract on every request the mock gets: a
  // disagreement is a 500 naming it, never a quietly different answer.
  try {
    if (!(*simple == read_chat_request(body, profile, server_seed)))
      throw std::logic_error("the simple chat reader disagrees with the full reader");
  } catch (const Rejected& rejected) {
    throw std::logic_error("the simple chat reader accepted a request the full reader refuses: " +
                           rejected.error.message);
  }
#endif
  return std::move(*simple);
}

ChatRequest read_chat_request(std::string_view body, const vendor::Profile& profile,
                              std::uint64_t server_seed) {
  const json document = parse_json_body(body);
  const ParamReader reader(document, "");
  if (profile.strict_parameters) reader.only(kChatParameters);
  ChatRequest request;
  const auto model = reader.string("model", profile.default_model.empty());
  request.model = model ? *model : profile.default_model;

  const json& messages = reader.required("messages");
  if (!messages.is_array()) reader.invalid_type("messages", "an array of objects", messages);
  if (messages.empty()) {
    throw Rejected{
        ApiError::invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but got "
                          "an empty array instead.",
                          "messages", "empty_array")};
  }
  for (std::size_t i = 0; i < messages.size(); ++i)
    request.messages.push_back(parse_message(messages[i], i));

  reader.decimal("temperature", profile.temperature_min, profile.temperature_max);
  reader.decimal("top_p", profile.top_p_min, profile.top_p_max);
  reader.decimal("presence_penalty", profile.penalty_min, profile.penalty_max);
  reader.decimal("frequency_penalty", profile.penalty_min, profile.penalty_max);
  request.n = static_cast<std::uint32_t>(
      reader.integer("n", static_cast<std::int64_t>(profile.n_min), static_cast<std::int64_t>(profile.n_max))
          .value_or(1));
  for (const char* name : {"max_tokens", "max_completion_tokens"}) {
    if (const auto limit = reader.integer(name, 1, 1'000'000))
      request.max_tokens = static_cast<std::uint32_t>(*limit);
  }
  if (!request.max_tokens && profile.default_max_tokens > 0) request.max_tokens = profile.default_max_tokens;
  reader.integer("seed", INT64_MIN, INT64_MAX);
  reader.integer("top_logprobs", 0, 20);
  reader.boolean("logprobs");
  reader.string("user");
  if (const json* logit_bias = reader.find("logit_bias")) {
    if (!logit_bias->is_object()) reader.invalid_type("logit_bias", "an object", *logit_bias);
    const ParamReader bias(*logit_bias, "logit_bias");
    for (const auto& [token, value] : logit_bias->items())
      bias.decimal(token, -100, 100);  // the API's range for a bias
  }
  if (const json* stop = reader.find("stop")) {
    if (stop->is_string()) {
      request.stop.push_back(stop->get<std::string>());
    } else if (stop->is_array()) {
      if (stop->size() > profile.max_stop_sequences) {
        throw Rejected{ApiError::invalid(
            "Invalid 'stop': array too long. Expected an array with maximum length " +
                std::to_string(profile.max_stop_sequences) + ", but got an array with length " +
                std::to_string(stop->size()) + " instead.",
            "stop", "array_above_max_length")};
      }
      for (std::size_t i = 0; i < stop->size(); ++i) {
        if (!(*stop)[i].is_string()) reader.invalid_type(indexed("stop", i), "a string", (*stop)[i]);
        request.stop.push_back((*stop)[i].get<std::string>());
      }
    } else {
      reader.invalid_type("stop", "a string or an array of strings", *stop);
    }
  }
  request.stream = reader.boolean("stream").value_or(false) || profile.always_stream;
  if (const json* options = reader.find("stream_options")) {
    if (!reader.boolean("stream").value_or(false) && !profile.always_stream) {
      throw Rejected{
          ApiError::invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                            "stream_options", nullptr)};
    }
    if (!options->is_object()) reader.invalid_type("stream_options", "an object", *options);
    request.include_usage = ParamReader(*options, "stream_options").boolean("include_usage").value_or(false);
  }
  parse_tools(reader, request);
  parse_tool_choice(reader, request);
  request.parallel_tool_calls = reader.boolean("parallel_tool_calls").value_or(true);
  parse_response_format(reader, request);

  // Everything that shapes the answer, but not how it is delivered: a streamed and a non-streamed request for
  // the same thing get the same content; stop, max_tokens and n trim or extend that same answer.
  std::uint64_t seed = content_seed::start(server_seed);
  for (const auto& [key, value] : document.items()) {
    if (is_delivery_parameter(key)) continue;
    seed = hash_json(value, content_seed::parameter(key, seed));
  }
  request.content_seed = seed;
  request.prompt_tokens = prompt_tokens_of(request);
  return request;
}

}  // namespace gatecheck::mock
