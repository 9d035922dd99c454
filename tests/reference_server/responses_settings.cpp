// POST /v1/responses, the settings: sampling, limits, storage, metadata and bookkeeping parameters, checked
// and kept in the form the Response object repeats them.
#include <cstdint>
#include <limits>

#include "request_json.hpp"
#include "responses.hpp"
#include "text.hpp"

namespace gatecheck::testing::reference {
namespace {

constexpr double kInt32Max = std::numeric_limits<std::int32_t>::max();

json number_or(const json& body, const char* key, json fallback) {
  const json* value = member(body, key);
  return value && !value->is_null() ? *value : fallback;
}

void parse_limits(const json& body, ResponsesPlan& plan) {
  check_number(body, "temperature", 0, 2, false);
  check_number(body, "top_p", 0, 1, false);
  check_number(body, "max_output_tokens", 16, kInt32Max, true);
  check_number(body, "top_logprobs", 0, 20, true);
  check_number(body, "max_tool_calls", 1, kInt32Max, true);
  plan.echo["temperature"] = number_or(body, "temperature", 1.0);  // the reference's defaults
  plan.echo["top_p"] = number_or(body, "top_p", 1.0);
  plan.echo["top_logprobs"] = number_or(body, "top_logprobs", 0);
  plan.echo["max_tool_calls"] = number_or(body, "max_tool_calls", nullptr);
  plan.echo["max_output_tokens"] = number_or(body, "max_output_tokens", nullptr);
  if (const long long limit = int_at(body, "max_output_tokens", 0); limit > 0)
    plan.max_output_tokens = static_cast<std::size_t>(limit);
}

void parse_flags(const json& body, ResponsesPlan& plan) {
  const auto flag = [&](const char* key, bool fallback) {
    const json* value = member(body, key);
    return value && !value->is_null() ? bool_at(body, key) : fallback;
  };
  plan.store = flag("store", true);
  plan.stream = flag("stream", false);
  plan.parallel = flag("parallel_tool_calls", true);
  if (flag("background", false))
    throw ApiError(400, "Background mode is not supported by this server.", "background", "invalid_value");
  plan.echo["store"] = plan.store;
  plan.echo["parallel_tool_calls"] = plan.parallel;
  plan.echo["background"] = false;
  const json* options = member(body, "stream_options");
  if (!options || options->is_null()) return;
  if (!plan.stream)
    throw ApiError(400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                   "stream_options", "invalid_value");
  if (!options->is_object()) invalid_type("stream_options", "an object", *options);
  bool_at(*options, "include_obfuscation");  // accepted; deltas carry no obfuscation either way
}

void parse_metadata(const json& body, ResponsesPlan& plan) {
  const json* metadata = member(body, "metadata");
  plan.echo["metadata"] = json::object();
  if (!metadata || metadata->is_null()) return;
  if (!metadata->is_object()) invalid_type("metadata", "an object", *metadata);
  if (metadata->size() > 16)
    throw ApiError(400,
                   "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, "
                   "but got an object with " +
                       std::to_string(metadata->size()) + " properties instead.",
                   "metadata", "object_above_max_properties");
  for (const auto& [key, value] : metadata->items()) {
    if (!value.is_string()) invalid_type("metadata." + key, "a string", value);
    if (key.size() > 64 || value.get<std::string>().size() > 512)
      throw ApiError(400,
                     "Invalid 'metadata." + key + "': keys are at most 64 characters and values at most 512.",
                     "metadata." + key, "string_above_max_length");
  }
  plan.echo["metadata"] = *metadata;
}

void parse_reasoning(const json& body, ResponsesPlan& plan) {
  const json* reasoning = member(body, "reasoning");
  if (reasoning && !reasoning->is_null() && !reasoning->is_object())
    invalid_type("reasoning", "an object", *reasoning);
  const json none = json::object();
  const json& given = reasoning && reasoning->is_object() ? *reasoning : none;
  plan.echo["reasoning"] = {
      {"effort",
       enum_at(given, "effort", "reasoning.effort", "none, minimal, low, medium, high, xhigh, max")},
      {"summary", enum_at(given, "summary", "reasoning.summary", "auto, concise, detailed")}};
}

void parse_include(const json& body) {
  const json* include = member(body, "include");
  if (!include || include->is_null()) return;
  if (!include->is_array()) invalid_type("include", "an array", *include);
  for (std::size_t i = 0; i < include->size(); ++i) {
    const std::string where = "include[" + std::to_string(i) + "]";
    if (enum_at(json{{"v", (*include)[i]}}, "v", where,
                "file_search_call.results, web_search_call.results, web_search_call.action.sources, "
                "message.input_image.image_url, computer_call_output.output.image_url, "
                "code_interpreter_call.outputs, reasoning.encrypted_content, message.output_text.logprobs")
            .is_null())
      invalid_type(where, "a string", nullptr);
  }
}

void parse_strings(const json& body, ResponsesPlan& plan) {
  plan.echo["instructions"] = nullable_string(body, "instructions", "instructions");
  if (plan.echo["instructions"].is_string())
    plan.input_tokens += 4 + word_count(plan.echo["instructions"].get<std::string>());
  if (const json user = nullable_string(body, "user", "user"); user.is_string()) plan.echo["user"] = user;
  const json safety = nullable_string(body, "safety_identifier", "safety_identifier");
  if (safety.is_string() && safety.get<std::string>().size() > 64)
    throw ApiError(400, "Invalid 'safety_identifier': string too long. Expected at most 64 characters.",
                   "safety_identifier", "string_above_max_length");
  plan.echo["safety_identifier"] = safety;
  plan.echo["prompt_cache_key"] = nullable_string(body, "prompt_cache_key", "prompt_cache_key");
  const json tier =
      enum_at(body, "service_tier", "service_tier", "auto, default, flex, scale, priority, fast, ultrafast");
  plan.echo["service_tier"] = tier.is_null() || tier == "auto" ? json("default") : tier;  // the tier used
  const json truncation = enum_at(body, "truncation", "truncation", "auto, disabled");
  plan.echo["truncation"] = truncation.is_null() ? json("disabled") : truncation;
  enum_at(body, "prompt_cache_retention", "prompt_cache_retention", "in_memory, 24h");
  for (const char* key : {"prompt", "conversation"})  // stored prompts and conversations live at OpenAI
    if (const json* value = member(body, key); value && !value->is_null())
      throw ApiError(400, "The '" + std::string(key) + "' parameter is not supported by this server.", key,
                     "invalid_value");
}

}  // namespace

void parse_settings(const json& body, ResponsesPlan& plan) {
  parse_limits(body, plan);
  parse_flags(body, plan);
  parse_metadata(body, plan);
  parse_reasoning(body, plan);
  parse_include(body);
  parse_strings(body, plan);
}

}  // namespace gatecheck::testing::reference
