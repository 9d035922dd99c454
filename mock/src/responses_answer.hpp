// The answer to a Responses API request: the chat generator's answer (one choice, chat_answer.hpp) laid out
// as Response output items, then rendered either as one Response object or as the typed event stream, so the
// two deliveries (and the stored copy GET returns) cannot drift apart.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "chat_answer.hpp"
#include "responses_request.hpp"

namespace gatecheck::mock {

struct ResponseAnswer {
  std::string id;
  std::int64_t created = 0;
  std::string model;
  std::string message_id;             // the message item's id (text answers)
  std::vector<std::string> call_ids;  // the function_call items' ids (tool-call answers)
  ChoiceAnswer choice;                // content pieces or tool calls, and the finish reason
  std::uint32_t input_tokens = 0;
  std::uint32_t output_tokens = 0;
  std::uint32_t total_tokens = 0;
  bool off_spec = false;  // the fields-off-spec fault
  bool parallel_tool_calls = true;
  ResponseEcho echo;  // what the Response restates of its request

  bool incomplete() const { return choice.finish_reason == "length"; }
};

ResponseAnswer compose_response(const ResponsesRequest& request, ChatAnswer answer);
// The Response object as the non-streamed answer, GET and the terminal event carry it.
std::string render_response(const ResponseAnswer& answer);
// The answer as the earlier turns of a conversation that continues from it (previous_response_id).
std::vector<ChatMessage> output_messages(const ResponseAnswer& answer);

std::unique_ptr<EventSource> make_responses_stream(ResponseAnswer answer, const StreamOptions& options,
                                                   const FaultSet& faults);

}  // namespace gatecheck::mock
