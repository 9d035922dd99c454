// usage.consistent, tools.arguments-json, tools.arguments-match-schema, json-mode.valid-json: rules about the
// answer itself, read from a JSON body or from the message a stream assembles to, in chat's or the Responses
// API's shape.
#include <algorithm>
#include <limits>
#include <optional>

#include <gatecheck/core/document.hpp>
#include <gatecheck/schema/validator.hpp>

#include "check_evaluation.hpp"
#include "matcher.hpp"

namespace gatecheck::runner {
namespace {

using nlohmann::json;

bool is_count(const json& value) {
  return (value.is_number_unsigned() || value.is_number_integer()) && value.get<std::int64_t>() >= 0;
}

// What the rules below read of an answer, from either API's shape: chat's choices[].message, or a
// Response's output items. Stated once here, so each rule is written once for both.
struct Text {
  std::string where;  // "choice 0", "output[0]"
  json content;       // the text (null when absent)
  bool cut;           // cut by max_tokens / max_output_tokens: the API allows incomplete JSON then
  bool refused;
};
struct ToolCall {
  std::string where;  // "choice 0, tool call 'get_weather'"
  std::string name;
  std::string arguments;
};
struct AnswerParts {
  std::vector<Text> texts;
  std::vector<ToolCall> calls;
  bool cut = false;  // the whole answer was cut by its token limit (an incomplete Response)
};

std::string argument_text(const json& holder) {
  const json arguments = holder.value("arguments", json(nullptr));
  return arguments.is_string() ? arguments.get<std::string>() : arguments.dump();
}

void chat_parts(const json& view, AnswerParts& parts) {
  if (!view.contains("choices") || !view["choices"].is_array()) return;
  for (std::size_t c = 0; c < view["choices"].size(); ++c) {
    const json& choice = view["choices"][c];
    const bool cut = choice.is_object() && choice.value("finish_reason", json(nullptr)) == "length";
    if (choice.is_object() && choice.contains("text"))  // a legacy completion's choice
      parts.texts.push_back({"choice " + std::to_string(c), choice["text"], cut, false});
    if (!choice.is_object() || !choice.contains("message") || !choice["message"].is_object()) continue;
    const json& message = choice["message"];
    const std::string where = "choice " + std::to_string(c);
    const bool refused = message.contains("refusal") && message["refusal"].is_string();
    const bool calls_only = message.value("content", json(nullptr)).is_null() &&
                            message.contains("tool_calls") && message["tool_calls"].is_array() &&
                            !message["tool_calls"].empty();
    if (!calls_only) parts.texts.push_back({where, message.value("content", json(nullptr)), cut, refused});
    if (!message.contains("tool_calls") || !message["tool_calls"].is_array()) continue;
    for (const auto& call : message["tool_calls"]) {
      // A custom tool's call carries free-form `custom.input`, not JSON arguments: legal, and not judged
      // here.
      if (call.is_object() && call.value("type", "function") == "custom") continue;
      const json function = call.is_object() ? call.value("function", json::object()) : json::object();
      const std::string name = function.value("name", "");
      parts.calls.push_back({where + ", tool call '" + name + "'", name, argument_text(function)});
    }
  }
}

void response_parts(const json& response, AnswerParts& parts) {
  const json output = response.value("output", json::array());
  if (!output.is_array()) return;
  const bool cut = response.value("status", "") == "incomplete";
  parts.cut = cut;
  for (std::size_t i = 0; i < output.size(); ++i) {
    const json& item = output[i];
    if (!item.is_object()) continue;
    const std::string where = "output[" + std::to_string(i) + "]";
    if (item.value("type", "") == "function_call") {
      const std::string name = item.value("name", "");
      parts.calls.push_back({where + ", function call '" + name + "'", name, argument_text(item)});
    }
    if (item.value("type", "") != "message" || !item.contains("content") || !item["content"].is_array())
      continue;
    for (const auto& part : item["content"]) {
      if (!part.is_object()) continue;
      if (part.value("type", "") == "output_text")
        parts.texts.push_back({where, part.value("text", json(nullptr)), cut, false});
      if (part.value("type", "") == "refusal") parts.texts.push_back({where, json(nullptr), cut, true});
    }
  }
}

AnswerParts parts_of(const json& view) {
  AnswerParts parts;
  if (!view.is_object()) return parts;
  if (view.value("object", "") == "response") {
    response_parts(view, parts);
  } else {
    chat_parts(view, parts);
  }
  return parts;
}

// Whether the answer says something: content text or tool calls.
bool has_output(const AnswerParts& parts) {
  if (!parts.calls.empty()) return true;
  return std::any_of(parts.texts.begin(), parts.texts.end(), [](const Text& text) {
    return text.content.is_string() && !text.content.get_ref<const std::string&>().empty();
  });
}

// The usage members' names, by API: {prompt, completion, total}.
struct UsageNames {
  const char* prompt;
  const char* completion;
  const char* total;
  const char* request_input;  // the request member whose content the prompt counts
};
constexpr UsageNames kChatUsage{"prompt_tokens", "completion_tokens", "total_tokens", "messages"};
constexpr UsageNames kResponsesUsage{"input_tokens", "output_tokens", "total_tokens", "input"};
constexpr UsageNames kCompletionsUsage{"prompt_tokens", "completion_tokens", "total_tokens", "prompt"};

Verdict usage_consistent(const Exchange& ex) {
  if (ex.api() != Api::chat && ex.api() != Api::completions && ex.api() != Api::responses)
    return Verdict::not_applicable("not a generated answer: this endpoint counts its usage another way");
  const json view = ex.message_view();
  // usage is optional in the reference (CreateChatCompletionResponse does not require it): absent is not a
  // defect, and not a pass either.
  if (!view.is_object() || !view.contains("usage") || view["usage"].is_null())
    return Verdict::not_applicable(ex.stream_requested()
                                       ? "the stream carries no usage"
                                       : "the answer carries no usage (optional in the API)");
  const std::string object = view.value("object", "");
  const UsageNames names = object == "response"          ? kResponsesUsage
                           : object == "text_completion" ? kCompletionsUsage
                                                         : kChatUsage;
  const json& usage = view["usage"];
  for (const char* field : {names.prompt, names.completion, names.total}) {
    if (!usage.contains(field) || !is_count(usage[field]))
      return Verdict::fail(std::string("usage.") + field + " is not a non-negative integer",
                           "an integer >= 0",
                           usage.contains(field) ? describe_value(usage[field]) : "absent");
  }
  const auto prompt = usage[names.prompt].get<std::int64_t>();
  const auto completion = usage[names.completion].get<std::int64_t>();
  const auto total = usage[names.total].get<std::int64_t>();
  if (prompt > std::numeric_limits<std::int64_t>::max() - completion)
    return Verdict::fail("usage counts overflow a 64-bit integer", "realistic token counts",
                         std::to_string(prompt) + " + " + std::to_string(completion));
  if (prompt + completion != total)
    return Verdict::fail(std::string(names.total) + " is not " + names.prompt + " + " + names.completion,
                         std::to_string(prompt) + " + " + std::to_string(completion) + " = " +
                             std::to_string(prompt + completion),
                         std::to_string(total));
  // A count of nothing for something said is an unmetered answer: billing and quotas built on it are wrong.
  if (completion == 0 && has_output(parts_of(view)))
    return Verdict::fail(std::string("usage counts 0 ") + names.completion + " for an answer with content",
                         std::string(names.completion) + " > 0", "0");
  if (prompt == 0 && ex.request_json.is_object() && ex.request_json.contains(names.request_input))
    return Verdict::fail(
        std::string("usage counts 0 ") + names.prompt + " for a request with " + names.request_input,
        std::string(names.prompt) + " > 0", "0");
  return Verdict::pass();
}

// The parameters schema of the requested function tool of that name: chat's {type, function: {name,
// parameters}} or the Responses API's flat {type, name, parameters}.
std::optional<json> requested_parameters(const json& request, const std::string& name) {
  if (!request.is_object() || !request.contains("tools") || !request["tools"].is_array()) return std::nullopt;
  for (const auto& tool : request["tools"]) {
    if (!tool.is_object()) continue;
    const json function = tool.contains("function") ? tool.value("function", json::object()) : tool;
    if (function.is_object() && function.value("name", "") == name)
      return function.value("parameters", json::object());
  }
  return std::nullopt;
}

Verdict arguments(const Exchange& ex, bool against_schema) {
  const auto calls = parts_of(ex.message_view()).calls;
  if (calls.empty()) return Verdict::not_applicable("the answer has no function tool calls");
  for (const auto& call : calls) {
    const std::string& who = call.where;
    const json parsed = core::parse_untrusted_json(call.arguments);
    if (!against_schema) {
      if (parsed.is_discarded() || !parsed.is_object())
        return Verdict::fail(who + ": arguments are not a JSON object", "a JSON object text",
                             describe_value(json(call.arguments)));
      continue;
    }
    if (parsed.is_discarded())
      return Verdict::not_applicable(who + ": arguments are not JSON (tools.arguments-json)");
    const auto parameters = requested_parameters(ex.request_json, call.name);
    if (!parameters)
      return Verdict::fail(who + ": the request offered no tool of that name", "a requested tool",
                           "'" + call.name + "'");
    try {
      const auto result = schema::compile(*parameters).validate(parsed);
      if (!result.valid)
        return Verdict::fail(
            who + ": arguments break the tool's parameters schema: " + result.errors.front().describe(),
            "valid against parameters", describe_value(parsed));
    } catch (const std::exception& e) {
      return Verdict::not_applicable(who + ": the tool's parameters schema does not compile: " + e.what());
    }
  }
  return Verdict::pass(std::to_string(calls.size()) + " tool calls");
}

// The structured output the request asked for: chat's response_format {type, json_schema: {schema}}, or the
// Responses API's text.format {type, schema}. Returns the type ("" for none) and the schema, if any.
std::pair<std::string, std::optional<json>> requested_format(const json& request) {
  if (!request.is_object()) return {"", std::nullopt};
  json format = request.value("response_format", json(nullptr));
  json schema_holder = format.is_object() ? format.value("json_schema", json::object()) : json::object();
  if (!format.is_object() && request.contains("text") && request["text"].is_object()) {
    format = request["text"].value("format", json(nullptr));
    schema_holder = format;
  }
  if (!format.is_object()) return {"", std::nullopt};
  std::optional<json> schema;
  if (schema_holder.is_object() && schema_holder.contains("schema")) schema = schema_holder["schema"];
  return {format.value("type", ""), schema};
}

Verdict json_mode(const Exchange& ex) {
  const auto [type, schema_json] = requested_format(ex.request_json);
  if (type != "json_object" && type != "json_schema")
    return Verdict::not_applicable("the request did not ask for a json_object or json_schema format");
  const auto parts = parts_of(ex.message_view());
  const auto& texts = parts.texts;
  // Nothing to judge when the answer is tool calls only, or was cut before any text (a reasoning model's
  // incomplete Response may hold only its reasoning).
  if (texts.empty() && (!parts.calls.empty() || parts.cut))
    return Verdict::not_applicable(
        "the answer holds no text: tool calls, or cut by its token limit before any");
  if (texts.empty()) return Verdict::fail("the answer has no text", "JSON content", "none");
  std::optional<schema::CompiledSchema> schema;
  if (type == "json_schema" && schema_json) {
    try {
      schema = schema::compile(*schema_json);
    } catch (const std::exception&) {
    }
  }
  std::size_t judged = 0;
  for (const auto& text : texts) {
    // The API says content cut by max_tokens may be incomplete JSON: not a defect, and not judged.
    if (text.cut) continue;
    ++judged;
    if (!text.content.is_string()) {
      if (text.refused) continue;  // a refusal replaces content
      return Verdict::fail(text.where + " has no content", "JSON content", "absent");
    }
    const auto& content = text.content.get_ref<const std::string&>();
    const json parsed = core::parse_untrusted_json(content);
    if (parsed.is_discarded())
      return Verdict::fail(text.where + ": content is not JSON", "JSON text", describe_value(json(content)));
    if (schema) {
      const auto result = schema->validate(parsed);
      if (!result.valid)
        return Verdict::fail("content breaks the requested json_schema: " + result.errors.front().describe(),
                             "valid against the requested schema", describe_value(parsed));
    }
  }
  if (judged == 0)
    return Verdict::not_applicable("every answer was cut by its token limit; the API allows cut JSON");
  return Verdict::pass();
}

}  // namespace

namespace {

// A message check judges an answer (2xx); an error or a redirect is another check's business.
template <Verdict (*rule)(const Exchange&)>
Verdict answer_rule(const CheckContext&, const Exchange* ex) {
  if (ex->response.status < 200 || ex->response.status >= 300)
    return Verdict::not_applicable("not an answer: status " + std::to_string(ex->response.status));
  return rule(*ex);
}

Verdict arguments_json(const Exchange& ex) {
  return arguments(ex, false);
}
Verdict arguments_schema(const Exchange& ex) {
  return arguments(ex, true);
}

}  // namespace

Verdict usage_consistent_check(const CheckContext& c, const Exchange* ex) {
  return answer_rule<&usage_consistent>(c, ex);
}
Verdict tools_arguments_json(const CheckContext& c, const Exchange* ex) {
  return answer_rule<&arguments_json>(c, ex);
}
Verdict tools_arguments_match_schema(const CheckContext& c, const Exchange* ex) {
  return answer_rule<&arguments_schema>(c, ex);
}
Verdict json_mode_valid(const CheckContext& c, const Exchange* ex) {
  return answer_rule<&json_mode>(c, ex);
}

}  // namespace gatecheck::runner
