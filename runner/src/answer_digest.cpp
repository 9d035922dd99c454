#include "answer_digest.hpp"

#include <map>

#include <gatecheck/core/document.hpp>

#include "json_access.hpp"

namespace gatecheck::runner {
namespace {

using nlohmann::json;
using namespace json_access;

// Arguments compare as JSON values when they are JSON (key order and spacing are layout), else as text.
json arguments_of(const json& value) {
  if (!value.is_string()) return value;
  json parsed = core::parse_untrusted_json(value.get_ref<const std::string&>(), 64);
  return parsed.is_discarded() ? value : parsed;
}

// {"error": {"message": ...}} (OpenAI) and {"type": "error", "error": {"message": ...}} (Anthropic).
std::optional<std::string> envelope_message(const json& body) {
  const json* error = member(body, "error");
  if (error == nullptr || !error->is_object()) return std::nullopt;
  return string_member(*error, "message").value_or("");
}

void read_chat(const json& message_view, AnswerDigest& out) {
  out.layout = "chat completion";
  const json* choices = member(message_view, "choices");
  const json* message = choices != nullptr && choices->is_array() && !choices->empty()
                            ? member((*choices)[0], "message")
                            : nullptr;
  if (message != nullptr) {
    out.text = string_member(*message, "content");
    if (const json* calls = member(*message, "tool_calls"); calls != nullptr && calls->is_array())
      for (const auto& call : *calls) {
        const json* function = member(call, "function");
        if (function == nullptr) continue;
        out.tool_calls.push_back({{"name", string_member(*function, "name").value_or("")},
                                  {"arguments", arguments_of(value_at(*function, "arguments"))}});
      }
  }
  const json* usage = member(message_view, "usage");
  out.input_tokens = integer_at(usage, "prompt_tokens");
  out.output_tokens = integer_at(usage, "completion_tokens");
}

void read_responses(const json& response, AnswerDigest& out) {
  out.layout = "Responses API response";
  if (const json* output = member(response, "output"); output != nullptr && output->is_array())
    for (const auto& item : *output) {
      if (string_member(item, "type") == "function_call") {
        out.tool_calls.push_back({{"name", string_member(item, "name").value_or("")},
                                  {"arguments", arguments_of(value_at(item, "arguments"))}});
        continue;
      }
      if (const json* parts = member(item, "content"); parts != nullptr && parts->is_array())
        for (const auto& part : *parts)
          if (const auto text = string_member(part, "text");
              text && string_member(part, "type") == "output_text")
            out.text = out.text.value_or("") + *text;
    }
  const json* usage = member(response, "usage");
  out.input_tokens = integer_at(usage, "input_tokens");
  out.output_tokens = integer_at(usage, "output_tokens");
}

// An Anthropic message: content blocks of text and tool_use, usage with input and output tokens.
void read_anthropic(const json& message, AnswerDigest& out) {
  if (const json* blocks = member(message, "content"); blocks != nullptr && blocks->is_array())
    for (const auto& block : *blocks) {
      const std::string type = string_member(block, "type").value_or("");
      if (type == "text") out.text = out.text.value_or("") + string_member(block, "text").value_or("");
      if (type == "tool_use")
        out.tool_calls.push_back(
            {{"name", string_member(block, "name").value_or("")}, {"arguments", value_at(block, "input")}});
    }
  const json* usage = member(message, "usage");
  out.input_tokens = integer_at(usage, "input_tokens");
  out.output_tokens = integer_at(usage, "output_tokens");
}

// A content block of a message being assembled; null for an index no real stream uses (a hostile one would
// make the array as long as it says).
json* block_at(json& message, std::int64_t index) {
  constexpr std::int64_t kMostBlocks = 256;
  if (index < 0 || index >= kMostBlocks) return nullptr;
  return &message["content"][static_cast<std::size_t>(index)];
}

// An Anthropic stream: message_start, then per block content_block_start / _delta / _stop, message_delta
// with the output tokens, message_stop; an `error` event instead when it fails.
void read_anthropic_stream(const Exchange& ex, AnswerDigest& out) {
  out.layout = "Anthropic message stream";
  json message = {{"content", json::array()}, {"usage", json::object()}};
  std::map<std::int64_t, std::string> partial_json;  // a tool_use block's input, by block index
  for (const auto& parsed : ex.event_json) {
    if (!parsed || !parsed->is_object()) continue;
    const json& event = *parsed;
    const std::string type = string_member(event, "type").value_or("");
    const std::int64_t index = integer_at(&event, "index").value_or(0);
    if (type == "message_start" && member(event, "message") != nullptr) {
      if (const json* usage = member(event["message"], "usage"); usage != nullptr && usage->is_object())
        message["usage"].update(*usage);
    } else if (json* block = block_at(message, index); block != nullptr && type == "content_block_start" &&
                                                       member(event, "content_block") != nullptr) {
      *block = event["content_block"];
    } else if (block != nullptr && type == "content_block_delta" && member(event, "delta") != nullptr) {
      const json& delta = event["delta"];
      if (!block->is_object()) *block = json::object();
      if (const auto text = string_member(delta, "text"))
        (*block)["text"] = string_member(*block, "text").value_or("") + *text;
      if (const auto piece = string_member(delta, "partial_json")) partial_json[index] += *piece;
    } else if (type == "message_delta") {
      if (const json* usage = member(event, "usage"); usage != nullptr && usage->is_object())
        message["usage"].update(*usage);
    } else if (type == "error") {
      out.error = envelope_message(event).value_or("");
    }
  }
  for (const auto& [index, text] : partial_json)
    if (json* block = block_at(message, index); block != nullptr && block->is_object())
      (*block)["input"] = arguments_of(json(text));
  read_anthropic(message, out);
}

}  // namespace

AnswerDigest digest_answer(const Exchange& ex) {
  AnswerDigest out;
  const std::string_view path = std::string_view(ex.request.url).substr(0, ex.request.url.find('?'));
  const bool anthropic = path.ends_with("/messages");
  if (ex.body_json) {
    if (auto message = envelope_message(*ex.body_json); message && ex.response.status >= 400) {
      out.layout = "error envelope";
      out.error = std::move(message);
      return out;
    }
    if (anthropic && string_member(*ex.body_json, "type") == "message") {
      out.layout = "Anthropic message";
      read_anthropic(*ex.body_json, out);
    } else if (ex.api() == Api::chat && member(*ex.body_json, "choices") != nullptr) {
      read_chat(*ex.body_json, out);
    } else if (ex.api() == Api::responses && member(*ex.body_json, "output") != nullptr) {
      read_responses(*ex.body_json, out);
    }
    return out;
  }
  if (ex.events.empty()) return out;
  if (anthropic) {
    read_anthropic_stream(ex, out);
    return out;
  }
  if (ex.api() == Api::chat) read_chat(ex.message_view(), out);
  if (ex.api() == Api::responses) read_responses(ex.message_view(), out);
  if (out.understood()) out.layout += " stream";
  for (std::size_t e = 0; e < ex.events.size() && !out.error; ++e)
    if (const json* message = ex.event_error_message(e)) out.error = message->get<std::string>();
  return out;
}

}  // namespace gatecheck::runner
