// The answer to a chat completion request, composed once and then rendered either as one JSON body or as an
// SSE stream, so the two deliveries cannot drift apart (unless the stream-differs fault asks them to).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "chat_request.hpp"
#include "controls.hpp"
#include "exchange.hpp"
#include "fault_set.hpp"

namespace gatecheck::mock {

struct ChoiceAnswer {
  std::vector<std::string> pieces;  // the content in the pieces a stream sends (tokens)
  std::vector<ToolCallRecord> tool_calls;
  std::string finish_reason;
  std::uint32_t completion_tokens = 0;

  std::string content() const;
};

struct ChatAnswer {
  std::string id;
  std::int64_t created = 0;
  std::string model;
  std::string fingerprint;
  std::vector<ChoiceAnswer> choices;
  std::uint32_t prompt_tokens = 0;
  std::uint32_t completion_tokens = 0;
  std::uint32_t total_tokens = 0;
  bool off_spec = false;  // the fields-off-spec fault: types and members as a careless re-serialiser has them
};

// Generation is bounded: n answers of `length` tokens are all held in memory until sent. Throws Rejected (a
// 400 naming `n`) past `max_generated_tokens`.
void require_within_generation_limit(const ChatRequest& request, std::uint64_t max_generated_tokens);

ChatAnswer compose_answer(const ChatRequest& request, std::int64_t created, const FaultSet& faults);
std::string render_completion(const ChatAnswer& answer);

struct StreamOptions {
  bool include_usage = false;
  std::optional<std::size_t> error_after_pieces;  // x-gatecheck-stream-error-after: a mid-stream error
  StreamTiming timing;
};

std::unique_ptr<EventSource> make_chat_stream(ChatAnswer answer, const StreamOptions& options,
                                              const FaultSet& faults);

// An SSE stream that carries only an error event (the error-as-200-event fault).
std::unique_ptr<EventSource> make_error_stream(std::string error_body);

}  // namespace gatecheck::mock
