// usage.consistent, tools.arguments-json, tools.arguments-match-schema, json-mode.valid-json: rules about the
// answer itself, read from a JSON body or from the message a stream assembles to.
#include <limits>

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

// Whether any choice says something: content text or tool calls.
bool has_output(const json& view) {
  if (!view.contains("choices") || !view["choices"].is_array()) return false;
  for (const auto& choice : view["choices"]) {
    const json message = choice.is_object() ? choice.value("message", json::object()) : json::object();
    if (!message.is_object()) continue;
    const json content = message.value("content", json(nullptr));
    if (content.is_string() && !content.get_ref<const std::string&>().empty()) return true;
    if (message.contains("tool_calls") && message["tool_calls"].is_array() && !message["tool_calls"].empty())
      return true;
  }
  return false;
}

Verdict usage_consistent(const Exchange& ex) {
  const json view = ex.message_view();
  // usage is optional in the reference (CreateChatCompletionResponse does not require it): absent is not a
  // defect, and not a pass either.
  if (!view.is_object() || !view.contains("usage") || view["usage"].is_null())
    return Verdict::not_applicable(ex.stream_requested()
                                       ? "the stream carries no usage"
                                       : "the answer carries no usage (optional in the API)");
  const json& usage = view["usage"];
  for (const char* field : {"prompt_tokens", "completion_tokens", "total_tokens"}) {
    if (!usage.contains(field) || !is_count(usage[field]))
      return Verdict::fail(std::string("usage.") + field + " is not a non-negative integer",
                           "an integer >= 0",
                           usage.contains(field) ? describe_value(usage[field]) : "absent");
  }
  const auto prompt = usage["prompt_tokens"].get<std::int64_t>();
  const auto completion = usage["completion_tokens"].get<std::int64_t>();
  const auto total = usage["total_tokens"].get<std::int64_t>();
  if (prompt > std::numeric_limits<std::int64_t>::max() - completion)
    return Verdict::fail("usage counts overflow a 64-bit integer", "realistic token counts",
                         std::to_string(prompt) + " + " + std::to_string(completion));
  if (prompt + completion != total)
    return Verdict::fail("total_tokens is not prompt_tokens + completion_tokens",
                         std::to_string(prompt) + " + " + std::to_string(completion) + " = " +
                             std::to_string(prompt + completion),
                         std::to_string(total));
  // A count of nothing for something said is an unmetered answer: billing and quotas built on it are wrong.
  if (completion == 0 && has_output(view))
    return Verdict::fail("usage counts 0 completion tokens for an answer with content",
                         "completion_tokens > 0", "0");
  if (prompt == 0 && ex.request_json.is_object() && ex.request_json.contains("messages"))
    return Verdict::fail("usage counts 0 prompt tokens for a request with messages", "prompt_tokens > 0",
                         "0");
  return Verdict::pass();
}

struct ToolCall {
  std::size_t choice;
  std::string name;
  std::string arguments;
};

std::vector<ToolCall> tool_calls(const json& view) {
  std::vector<ToolCall> calls;
  if (!view.is_object() || !view.contains("choices") || !view["choices"].is_array()) return calls;
  for (std::size_t c = 0; c < view["choices"].size(); ++c) {
    const json& choice = view["choices"][c];
    if (!choice.is_object() || !choice.contains("message") || !choice["message"].is_object()) continue;
    const json& message = choice["message"];
    if (!message.contains("tool_calls") || !message["tool_calls"].is_array()) continue;
    for (const auto& call : message["tool_calls"]) {
      // A custom tool's call carries free-form `custom.input`, not JSON arguments: legal, and not judged
      // here.
      if (call.is_object() && call.value("type", "function") == "custom") continue;
      const json function = call.is_object() ? call.value("function", json::object()) : json::object();
      calls.push_back({c, function.value("name", ""),
                       function.contains("arguments") && function["arguments"].is_string()
                           ? function["arguments"].get<std::string>()
                           : function.value("arguments", json(nullptr)).dump()});
    }
  }
  return calls;
}

const json* requested_tool(const json& request, const std::string& name) {
  if (!request.is_object() || !request.contains("tools") || !request["tools"].is_array()) return nullptr;
  for (const auto& tool : request["tools"]) {
    const json function = tool.is_object() ? tool.value("function", json::object()) : json::object();
    if (function.value("name", "") == name) return &tool;
  }
  return nullptr;
}

Verdict arguments(const Exchange& ex, bool against_schema) {
  const auto calls = tool_calls(ex.message_view());
  if (calls.empty()) return Verdict::not_applicable("the answer has no function tool calls");
  for (const auto& call : calls) {
    const std::string who = "choice " + std::to_string(call.choice) + ", tool call '" + call.name + "'";
    const json parsed = core::parse_untrusted_json(call.arguments);
    if (!against_schema) {
      if (parsed.is_discarded() || !parsed.is_object())
        return Verdict::fail(who + ": arguments are not a JSON object", "a JSON object text",
                             describe_value(json(call.arguments)));
      continue;
    }
    if (parsed.is_discarded())
      return Verdict::not_applicable(who + ": arguments are not JSON (tools.arguments-json)");
    const json* tool = requested_tool(ex.request_json, call.name);
    if (tool == nullptr)
      return Verdict::fail(who + ": the request offered no tool of that name", "a requested tool",
                           "'" + call.name + "'");
    const json parameters = (*tool)["function"].value("parameters", json::object());
    try {
      const auto result = schema::compile(parameters).validate(parsed);
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

Verdict json_mode(const Exchange& ex) {
  const json format =
      ex.request_json.is_object() ? ex.request_json.value("response_format", json(nullptr)) : json(nullptr);
  const std::string type = format.is_object() ? format.value("type", "") : "";
  if (type != "json_object" && type != "json_schema")
    return Verdict::not_applicable("the request did not ask for response_format json_object or json_schema");
  const json view = ex.message_view();
  if (!view.is_object() || !view.contains("choices") || !view["choices"].is_array() ||
      view["choices"].empty())
    return Verdict::fail("the answer has no choices", "choices with JSON content", "none");
  std::optional<schema::CompiledSchema> schema;
  if (type == "json_schema") {
    const json definition = format.value("json_schema", json::object());
    if (definition.is_object() && definition.contains("schema")) {
      try {
        schema = schema::compile(definition["schema"]);
      } catch (const std::exception&) {
      }
    }
  }
  std::size_t judged = 0;
  for (const auto& choice : view["choices"]) {
    // The API says content cut by max_tokens may be incomplete JSON: not a defect, and not judged.
    if (choice.value("finish_reason", json(nullptr)) == "length") continue;
    ++judged;
    const json message = choice.value("message", json::object());
    if (!message.contains("content") || !message["content"].is_string()) {
      if (message.contains("refusal") && message["refusal"].is_string())
        continue;  // a refusal replaces content
      return Verdict::fail("choice " + std::to_string(choice.value("index", 0)) + " has no content",
                           "JSON content", "absent");
    }
    const auto& content = message["content"].get_ref<const std::string&>();
    const json parsed = core::parse_untrusted_json(content);
    if (parsed.is_discarded())
      return Verdict::fail("choice " + std::to_string(choice.value("index", 0)) + ": content is not JSON",
                           "JSON text", describe_value(json(content)));
    if (schema) {
      const auto result = schema->validate(parsed);
      if (!result.valid)
        return Verdict::fail("content breaks the requested json_schema: " + result.errors.front().describe(),
                             "valid against response_format.json_schema.schema", describe_value(parsed));
    }
  }
  if (judged == 0)
    return Verdict::not_applicable("every choice was cut by finish_reason length; the API allows cut JSON");
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
