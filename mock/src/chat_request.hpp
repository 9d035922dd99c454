// A validated POST chat/completions request: everything the generator needs, and nothing it does not.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/vendor/profile.hpp>

#include "scripted_answer.hpp"

namespace gatecheck::mock {

struct ToolCallRecord {
  std::string id;
  std::string name;
  std::string arguments;
  friend bool operator==(const ToolCallRecord&, const ToolCallRecord&) = default;
};

struct ChatMessage {
  std::string role;
  std::string text;  // text content, parts joined
  std::size_t images = 0;
  std::vector<ToolCallRecord> tool_calls;  // assistant messages
  std::string tool_call_id;                // tool messages
  friend bool operator==(const ChatMessage&, const ChatMessage&) = default;
};

struct ToolSpec {
  std::string name;
  nlohmann::json parameters = nlohmann::json{{"type", "object"}, {"properties", nlohmann::json::object()}};
  friend bool operator==(const ToolSpec&, const ToolSpec&) = default;
};

enum class ToolChoice { none, automatic, required, named };
enum class ResponseFormat { text, json_object, json_schema };

struct ChatRequest {
  std::string model;
  std::vector<ChatMessage> messages;
  std::uint32_t n = 1;
  std::optional<std::uint32_t> max_tokens;
  std::vector<std::string> stop;
  bool stream = false;
  bool include_usage = false;
  std::vector<ToolSpec> tools;
  ToolChoice tool_choice = ToolChoice::automatic;
  std::string tool_choice_name;
  bool parallel_tool_calls = true;
  ResponseFormat response_format = ResponseFormat::text;
  nlohmann::json json_schema;                      // response_format json_schema: the schema
  std::optional<std::size_t> length;               // x-gatecheck-length: exactly this many tokens of text
  std::shared_ptr<const ScriptedAnswer> scripted;  // a stub's fixed answer (text or tool calls)
  std::uint64_t content_seed = 0;                  // from every field that shapes the answer (not `stream`)
  std::uint32_t prompt_tokens = 0;
  friend bool operator==(const ChatRequest&, const ChatRequest&) = default;
};

// Reads and validates a chat/completions body: one simdjson parse (request_json.hpp), then one pass over the
// parameter table (chat_parameters.hpp). Throws Rejected with the API's wording. `always_stream`: the
// profile streams regardless.
ChatRequest read_chat_request(std::string_view body, const vendor::Profile& profile,
                              std::uint64_t server_seed);

// Readers of the parameters chat shares with legacy completions, the API's way (400s naming them).
class ParamReader;
void read_logit_bias(const ParamReader& reader, ChatRequest& request, const vendor::Profile& profile);
void read_stop(const ParamReader& reader, ChatRequest& request, const vendor::Profile& profile);
// Needs `request.stream` read first: stream_options without stream is a 400.
void read_stream_options(const ParamReader& reader, ChatRequest& request, const vendor::Profile& profile);

// A parameter that changes how the answer is delivered, not what it says (left out of the content seed).
bool is_delivery_parameter(std::string_view name);

// The prompt's size in tokens, as usage reports it.
std::uint32_t prompt_tokens_of(const ChatRequest& request);

}  // namespace gatecheck::mock
