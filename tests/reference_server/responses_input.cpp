// POST /v1/responses, the input: a string or a list of items (messages, earlier output items, tool results),
// checked as the API reference describes and counted in tokens.
#include <algorithm>
#include <vector>

#include "request_json.hpp"
#include "responses.hpp"
#include "text.hpp"

namespace gatecheck::testing::reference {
namespace {

// A required string member: missing when absent or null, invalid_type when not a string.
std::string text_member(const json& object, const char* key, const std::string& where) {
  const json* value = member(object, key);
  if (!value || value->is_null()) missing(where + "." + key);
  if (!value->is_string()) invalid_type(where + "." + key, "a string", *value);
  return value->get<std::string>();
}

bool has_string(const json& object, const char* key) {
  const json* value = member(object, key);
  return value && value->is_string();
}

std::size_t part_tokens(const json& part, const std::string& where, bool assistant) {
  if (!part.is_object()) invalid_type(where, "an object", part);
  const std::string type = text_member(part, "type", where);
  if (type == "input_text" || (assistant && type == "output_text"))
    return word_count(text_member(part, "text", where));
  if (assistant && type == "refusal") return word_count(text_member(part, "refusal", where));
  if (!assistant && type == "input_image") {
    if (!has_string(part, "image_url") && !has_string(part, "file_id")) missing(where + ".image_url");
    enum_at(part, "detail", where + ".detail", "low, high, auto, original");
    return 85;  // what a low-detail image costs
  }
  if (!assistant && type == "input_file") {
    if (!has_string(part, "file_id") && !has_string(part, "file_data") && !has_string(part, "file_url"))
      missing(where + ".file_id");
    return 50;
  }
  invalid_value(where + ".type", type,
                assistant ? "output_text, refusal, input_text" : "input_text, input_image, input_file");
}

std::size_t message_tokens(const json& item, const std::string& where, bool& from_user) {
  const std::string role = text_member(item, "role", where);
  if (role != "user" && role != "assistant" && role != "system" && role != "developer")
    invalid_value(where + ".role", role, "user, assistant, system, developer");
  from_user = role == "user";
  const json* content = member(item, "content");
  if (!content || content->is_null()) missing(where + ".content");
  if (content->is_string()) return 4 + word_count(content->get<std::string>());
  if (!content->is_array()) invalid_type(where + ".content", "a string or an array", *content);
  std::size_t tokens = 4;
  for (std::size_t i = 0; i < content->size(); ++i)
    tokens += part_tokens((*content)[i], where + ".content[" + std::to_string(i) + "]", role == "assistant");
  return tokens;
}

std::size_t output_tokens(const json& item, const std::string& where) {
  const json* output = member(item, "output");
  if (!output || output->is_null()) missing(where + ".output");
  if (output->is_string()) return 4 + word_count(output->get<std::string>());
  if (!output->is_array()) invalid_type(where + ".output", "a string or an array", *output);
  std::size_t tokens = 4;
  for (std::size_t i = 0; i < output->size(); ++i)
    tokens += part_tokens((*output)[i], where + ".output[" + std::to_string(i) + "]", false);
  return tokens;
}

// One item's tokens; `calls` gathers the call_ids of function calls so far, which tool results must name.
std::size_t item_tokens(const json& item, const std::string& where, std::vector<std::string>& calls,
                        bool& from_user) {
  from_user = false;
  if (!item.is_object()) invalid_type(where, "an object", item);
  const json* type = member(item, "type");
  if (type && !type->is_null() && !type->is_string()) invalid_type(where + ".type", "a string", *type);
  const std::string kind = type && type->is_string() ? type->get<std::string>() : "message";
  if (kind == "message") return message_tokens(item, where, from_user);
  if (kind == "function_call") {
    calls.push_back(text_member(item, "call_id", where));
    text_member(item, "name", where);
    return 1 + fragments(text_member(item, "arguments", where), 8).size();
  }
  if (kind == "function_call_output") {
    const std::string call_id = text_member(item, "call_id", where);
    if (std::find(calls.begin(), calls.end(), call_id) == calls.end())
      throw ApiError(400, "No tool call found for function call output with call_id " + call_id + ".",
                     where + ".call_id", "invalid_value");
    return output_tokens(item, where);
  }
  if (kind == "item_reference")  // would need every item ever answered; the stored turns cover the common use
    throw ApiError(400, "Item references are not supported by this server: send the item itself.",
                   where + ".type", "invalid_value");
  invalid_value(where + ".type", kind, "message, function_call, function_call_output");
}

// Checks the items from `first` on and counts every item; earlier turns were answered, so they are valid.
void check_items(ResponsesPlan& plan, std::size_t first) {
  std::vector<std::string> calls;
  for (std::size_t i = 0; i < plan.conversation.size(); ++i) {
    const std::string where = i < first ? "previous_response_id" : "input[" + std::to_string(i - first) + "]";
    plan.input_tokens += item_tokens(plan.conversation[i], where, calls, plan.last_from_user);
  }
}

}  // namespace

void parse_input(const json& body, ResponsesPlan& plan) {
  const std::size_t first = plan.conversation.size();
  const json* input = member(body, "input");
  if (!input || input->is_null()) missing("input");
  if (input->is_string()) {
    plan.conversation.push_back({{"type", "message"}, {"role", "user"}, {"content", *input}});
  } else if (input->is_array()) {
    if (input->empty() && first == 0)
      throw ApiError(400, "Invalid 'input': expected an array with minimum length 1.", "input",
                     "empty_array");
    plan.conversation.insert(plan.conversation.end(), input->begin(), input->end());
  } else {
    invalid_type("input", "a string or an array", *input);
  }
  plan.input_tokens = 3;
  check_items(plan, first);
}

}  // namespace gatecheck::testing::reference
