// POST /v1/chat/completions, the request: checked as the API reference describes, reduced to a ChatPlan.
#include <algorithm>
#include <array>
#include <string_view>

#include "chat.hpp"
#include "request_json.hpp"
#include "text.hpp"

namespace gatecheck::testing::reference {
namespace {

std::size_t part_tokens(const json& part, const std::string& where) {
  const std::string type = string_at(part, "type");
  if (type == "text" || type == "refusal") {
    const json* text = member(part, type.c_str());
    if (!text || !text->is_string()) missing(where + "." + type);
    return word_count(text->get<std::string>());
  }
  if (type == "image_url") {
    const json* image = member(part, "image_url");
    if (!image || string_at(*image, "url").empty()) missing(where + ".image_url.url");
    return 85;  // what a low-detail image costs
  }
  if (type == "input_audio" || type == "file") return 50;
  invalid_value(where + ".type", type, "text, image_url, input_audio, refusal, file");
}

std::size_t message_tokens(const json& message, const std::string& where) {
  if (!message.is_object()) invalid_type(where, "an object", message);
  const std::string role = string_at(message, "role");
  constexpr std::array<std::string_view, 6> kRoles{"system",    "developer", "user",
                                                   "assistant", "tool",      "function"};
  if (std::find(kRoles.begin(), kRoles.end(), role) == kRoles.end())
    invalid_value(where + ".role", role, "system, developer, user, assistant, tool, function");
  if (role == "tool" && string_at(message, "tool_call_id").empty()) missing(where + ".tool_call_id");
  const json* content = member(message, "content");
  if (!content || content->is_null()) {
    if (role != "assistant") missing(where + ".content");
    return 4;
  }
  if (content->is_string()) return 4 + word_count(content->get<std::string>());
  if (!content->is_array()) invalid_type(where + ".content", "a string or an array", *content);
  std::size_t tokens = 4;
  for (std::size_t i = 0; i < content->size(); ++i)
    tokens += part_tokens((*content)[i], where + ".content[" + std::to_string(i) + "]");
  return tokens;
}

void parse_messages(const json& body, ChatPlan& plan) {
  const json* messages = member(body, "messages");
  if (!messages) missing("messages");
  if (!messages->is_array()) invalid_type("messages", "an array", *messages);
  if (messages->empty())
    throw ApiError(400, "Invalid 'messages': expected an array with minimum length 1.", "messages",
                   "empty_array");
  plan.prompt_tokens = 3;
  for (std::size_t i = 0; i < messages->size(); ++i)
    plan.prompt_tokens += message_tokens((*messages)[i], "messages[" + std::to_string(i) + "]");
  plan.last_role = string_at(messages->back(), "role");
}

void parse_tools(const json& body, ChatPlan& plan) {
  if (const json* tools = member(body, "tools"); tools && !tools->is_null()) {
    if (!tools->is_array()) invalid_type("tools", "an array", *tools);
    for (std::size_t i = 0; i < tools->size(); ++i) {
      const std::string where = "tools[" + std::to_string(i) + "]";
      const json& tool = (*tools)[i];
      if (string_at(tool, "type") != "function")
        throw ApiError(400, "Invalid value for '" + where + ".type': only 'function' is supported.",
                       where + ".type", "invalid_value");
      const json* function = member(tool, "function");
      if (!function || string_at(*function, "name").empty()) missing(where + ".function.name");
      const json* parameters = member(*function, "parameters");
      if (parameters && !parameters->is_object())
        invalid_type(where + ".function.parameters", "an object", *parameters);
      plan.tools.push_back(*function);
    }
  }
  const json* parallel = member(body, "parallel_tool_calls");
  plan.parallel = !parallel || parallel->is_null() || bool_at(body, "parallel_tool_calls");
  const json* choice = member(body, "tool_choice");
  plan.tool_mode = plan.tools.empty() || (choice && *choice == "none") ? "none" : "auto";
  if (!choice || choice->is_null() || *choice == "none") return;
  if (plan.tools.empty())
    throw ApiError(400, "'tool_choice' is only allowed when 'tools' are specified.", "tool_choice",
                   "invalid_value");
  if (*choice == "auto" || *choice == "required") {
    plan.tool_mode = choice->get<std::string>();
    return;
  }
  const json* function = member(*choice, "function");
  plan.named_tool = function ? string_at(*function, "name") : "";
  const bool offered = std::any_of(plan.tools.begin(), plan.tools.end(), [&](const json& tool) {
    return string_at(tool, "name") == plan.named_tool;
  });
  if (string_at(*choice, "type") != "function" || !offered)
    throw ApiError(400,
                   "Invalid 'tool_choice': expected none, auto, required or a function named in 'tools'.",
                   "tool_choice", "invalid_value");
  plan.tool_mode = "named";
}

void parse_format(const json& body, ChatPlan& plan) {
  const json* format = member(body, "response_format");
  if (!format || format->is_null()) return;
  if (!format->is_object()) invalid_type("response_format", "an object", *format);
  plan.format = string_at(*format, "type");
  if (plan.format == "json_schema") {
    const json* spec = member(*format, "json_schema");
    if (!spec || string_at(*spec, "name").empty()) missing("response_format.json_schema.name");
    const json* schema = member(*spec, "schema");
    if (schema && !schema->is_object())
      invalid_type("response_format.json_schema.schema", "an object", *schema);
    if (schema) plan.schema = *schema;
  } else if (plan.format != "text" && plan.format != "json_object") {
    invalid_value("response_format.type", plan.format, "text, json_object, json_schema");
  }
}

void parse_stop_and_stream(const json& body, ChatPlan& plan) {
  plan.stops = stop_sequences(body);
  plan.stream = bool_at(body, "stream");
  plan.include_usage = include_usage(body, plan.stream);
}

// The request body members of CreateChatCompletionRequest in the reference's OpenAPI description.
constexpr std::string_view kChatParameters =
    "audio frequency_penalty function_call functions logit_bias logprobs max_completion_tokens max_tokens "
    "messages metadata modalities model moderation n parallel_tool_calls prediction presence_penalty "
    "prompt_cache_key prompt_cache_options prompt_cache_retention reasoning_effort response_format "
    "safety_identifier seed service_tier stop store stream stream_options temperature tool_choice tools "
    "top_logprobs top_p user verbosity web_search_options";

}  // namespace

ChatPlan parse_chat(const json& body) {
  reject_unknown(body, kChatParameters);
  ChatPlan plan;
  plan.model = &require_model(body, ModelKind::chat);
  parse_messages(body, plan);
  check_number(body, "temperature", 0, 2, false);
  check_number(body, "top_p", 0, 1, false);
  check_number(body, "frequency_penalty", -2, 2, false);
  check_number(body, "presence_penalty", -2, 2, false);
  check_number(body, "n", 1, 128, true);
  check_number(body, "max_tokens", 1, std::numeric_limits<std::int32_t>::max(), true);
  check_number(body, "max_completion_tokens", 1, std::numeric_limits<std::int32_t>::max(), true);
  check_number(body, "seed", -9.2e18, 9.2e18, true);
  check_number(body, "top_logprobs", 0, 20, true);
  bool_at(body, "logprobs");
  bool_at(body, "store");
  plan.n = static_cast<std::size_t>(int_at(body, "n", 1));
  const long long max_tokens = int_at(body, "max_completion_tokens", int_at(body, "max_tokens", 0));
  if (max_tokens > 0) plan.max_tokens = static_cast<std::size_t>(max_tokens);
  parse_stop_and_stream(body, plan);
  parse_tools(body, plan);
  parse_format(body, plan);
  json canonical = body;  // the same request, streamed or not, gets the same answer
  canonical.erase("stream");
  canonical.erase("stream_options");
  plan.seed = fnv1a(to_text(canonical));
  return plan;
}

}  // namespace gatecheck::testing::reference
