// POST /v1/responses, the request: every parameter but `input` checked as the API reference describes, and
// reduced to a ResponsesPlan with the settings the answer repeats.
#include <cstdint>
#include <string_view>

#include "request_json.hpp"
#include "responses.hpp"
#include "text.hpp"

namespace gatecheck::testing::reference {
namespace {

// The request body members of CreateResponse in the reference's OpenAPI description.
constexpr std::string_view kResponsesParameters =
    "background context_management conversation include input instructions max_output_tokens "
    "max_tool_calls metadata model moderation parallel_tool_calls previous_response_id prompt "
    "prompt_cache_key prompt_cache_options prompt_cache_retention reasoning safety_identifier service_tier "
    "store stream stream_options temperature text tool_choice tools top_logprobs top_p truncation user";

bool is_name(const std::string& name) {  // ^[a-zA-Z0-9_-]{1,64}$, for function and schema names
  return !name.empty() && name.size() <= 64 &&
         name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") ==
             std::string::npos;
}

void require_name(const json& object, const std::string& where) {
  const json name = nullable_string(object, "name", where + ".name");
  if (name.is_null()) missing(where + ".name");
  if (!is_name(name.get<std::string>()))
    throw ApiError(400,
                   "Invalid '" + where +
                       ".name': string does not match pattern. Expected a string that "
                       "matches the pattern '^[a-zA-Z0-9_-]{1,64}$'.",
                   where + ".name", "invalid_value");
}

json function_tool(const json& tool, const std::string& where) {
  if (!tool.is_object()) invalid_type(where, "an object", tool);
  const json type = nullable_string(tool, "type", where + ".type");
  if (type.is_null()) missing(where + ".type");
  if (type != "function")  // built-in tools (web_search, file_search, ...) run on OpenAI's side
    throw ApiError(400,
                   "Invalid value for '" + where + ".type': '" + type.get<std::string>() +
                       "' tools are not supported by this server; only 'function' is.",
                   where + ".type", "invalid_value");
  require_name(tool, where);
  const json* parameters = member(tool, "parameters");
  if (parameters && !parameters->is_null() && !parameters->is_object())
    invalid_type(where + ".parameters", "an object", *parameters);
  const json* strict = member(tool, "strict");
  if (strict && !strict->is_null() && !strict->is_boolean())
    invalid_type(where + ".strict", "a boolean", *strict);
  return {{"type", "function"},
          {"name", tool.at("name")},
          {"description", nullable_string(tool, "description", where + ".description")},
          {"parameters", parameters ? *parameters : json()},
          {"strict", strict && strict->is_boolean() ? strict->get<bool>() : true}};  // the API's default
}

void parse_tools(const json& body, ResponsesPlan& plan) {
  const json* tools = member(body, "tools");
  if (!tools || tools->is_null()) return;
  if (!tools->is_array()) invalid_type("tools", "an array", *tools);
  for (std::size_t i = 0; i < tools->size(); ++i)
    plan.tools.push_back(function_tool((*tools)[i], "tools[" + std::to_string(i) + "]"));
}

void parse_tool_choice(const json& body, ResponsesPlan& plan) {
  const json* choice = member(body, "tool_choice");
  plan.tool_mode = plan.tools.empty() ? "none" : "auto";
  plan.echo["tool_choice"] = "auto";
  if (!choice || choice->is_null()) return;
  if (choice->is_string()) {
    const std::string mode = enum_at(body, "tool_choice", "tool_choice", "none, auto, required");
    if (mode == "required" && plan.tools.empty())
      throw ApiError(400, "Tool choice 'required' must be specified with 'tools' parameter.", "tool_choice",
                     "invalid_value");
    if (!plan.tools.empty()) plan.tool_mode = mode;
    plan.echo["tool_choice"] = mode;
    return;
  }
  if (!choice->is_object()) invalid_type("tool_choice", "a string or an object", *choice);
  const json type = nullable_string(*choice, "type", "tool_choice.type");
  if (type.is_null()) missing("tool_choice.type");
  if (type != "function") invalid_value("tool_choice.type", type.get<std::string>(), "function");
  plan.named_tool = string_at(*choice, "name");
  bool offered = false;
  for (const json& tool : plan.tools)
    offered = offered || tool.at("name") == plan.named_tool;
  if (!offered)
    throw ApiError(400, "Tool choice 'function' names '" + plan.named_tool + "', which is not in 'tools'.",
                   "tool_choice.name", "invalid_value");
  plan.tool_mode = "named";
  plan.echo["tool_choice"] = {{"type", "function"}, {"name", plan.named_tool}};
}

json json_schema_format(const json& format, ResponsesPlan& plan) {
  require_name(format, "text.format");
  const json* schema = member(format, "schema");
  if (!schema || schema->is_null()) missing("text.format.schema");
  if (!schema->is_object()) invalid_type("text.format.schema", "an object", *schema);
  plan.schema = *schema;
  const json* strict = member(format, "strict");
  if (strict && !strict->is_null() && !strict->is_boolean())
    invalid_type("text.format.strict", "a boolean", *strict);
  json echo = {{"type", "json_schema"},
               {"name", format.at("name")},
               {"schema", *schema},
               {"strict", strict && strict->is_boolean() && strict->get<bool>()}};
  if (const json description = nullable_string(format, "description", "text.format.description");
      description.is_string())
    echo["description"] = description;
  return echo;
}

void parse_text(const json& body, ResponsesPlan& plan) {
  const json* text = member(body, "text");
  json echo = {{"format", {{"type", "text"}}}, {"verbosity", "medium"}};
  if (text && !text->is_null()) {
    if (!text->is_object()) invalid_type("text", "an object", *text);
    if (const json verbosity = enum_at(*text, "verbosity", "text.verbosity", "low, medium, high");
        verbosity.is_string())
      echo["verbosity"] = verbosity;
    const json* format = member(*text, "format");
    if (format && !format->is_null()) {
      if (!format->is_object()) invalid_type("text.format", "an object", *format);
      const json type = enum_at(*format, "type", "text.format.type", "text, json_object, json_schema");
      if (type.is_null()) missing("text.format.type");
      plan.format = type.get<std::string>();
      echo["format"] =
          plan.format == "json_schema" ? json_schema_format(*format, plan) : json{{"type", type}};
    }
  }
  plan.echo["text"] = echo;
}

}  // namespace

ResponsesPlan parse_responses(const json& body, const ResponseStore& store) {
  reject_unknown(body, kResponsesParameters);
  ResponsesPlan plan;
  plan.model = &require_model(body, ModelKind::chat);
  const json previous = nullable_string(body, "previous_response_id", "previous_response_id");
  if (previous.is_string()) {
    const auto earlier = store.get(previous.get<std::string>());
    if (!earlier)
      throw ApiError(400, "Previous response with id '" + previous.get<std::string>() + "' not found.",
                     "previous_response_id", "previous_response_not_found");
    plan.conversation = earlier->conversation;
    for (const json& item : earlier->response.at("output"))
      plan.conversation.push_back(item);
  }
  const std::uint64_t earlier_seed = fnv1a(to_text(plan.conversation));
  plan.echo["previous_response_id"] = previous;
  parse_input(body, plan);
  parse_tools(body, plan);
  parse_tool_choice(body, plan);
  parse_text(body, plan);
  parse_settings(body, plan);
  json canonical = body;  // the same request, streamed or not, gets the same answer
  canonical.erase("stream");
  canonical.erase("stream_options");
  plan.seed = fnv1a(to_text(canonical), earlier_seed);
  return plan;
}

}  // namespace gatecheck::testing::reference
