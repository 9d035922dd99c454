// The answer to a legacy completions request (POST /completions): the chat generator's answer for each
// prompt, laid out as text_completion choices (n per prompt), with echo and logprobs, rendered as one JSON
// body or as an SSE stream from the same composition.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chat_answer.hpp"

namespace gatecheck::mock {

struct CompletionChoice {
  std::string echo;                 // the prompt, when echo asked for it
  std::vector<std::string> pieces;  // the generated text, token by token
  std::string finish_reason;
  std::size_t prompt_length = 0;  // characters of the prompt: where the completion starts (text_offset)
};

struct CompletionAnswer {
  std::string id;
  std::int64_t created = 0;
  std::string model;
  std::string fingerprint;
  std::vector<CompletionChoice> choices;  // prompt-major: prompt p's j-th choice is index p * n + j
  std::optional<std::uint32_t> logprobs;  // how many alternatives per token, when asked
  std::uint64_t seed = 0;
  std::uint32_t prompt_tokens = 0;
  std::uint32_t completion_tokens = 0;
  std::uint32_t total_tokens = 0;
};

std::string render_text_completion(const CompletionAnswer& answer);
std::unique_ptr<EventSource> make_completions_stream(CompletionAnswer answer, const StreamOptions& options,
                                                     const FaultSet& faults);

}  // namespace gatecheck::mock
