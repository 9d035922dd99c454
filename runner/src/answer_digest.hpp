// What an answer says, whatever its layout: the text, the tool calls, the token counts and an error, read
// from an OpenAI chat completion or Responses answer (whole or streamed) or an Anthropic message (whole or
// streamed). A gateway's test compares the answer its client saw with the one the upstream sent in these
// terms, so a gateway that translates between layouts is judged on what it kept, not on how it wrote it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "exchange.hpp"

namespace gatecheck::runner {

struct AnswerDigest {
  std::string layout;  // "chat completion", "Anthropic message stream", ...; empty: not recognised
  std::optional<std::string> text;
  nlohmann::json tool_calls = nlohmann::json::array();  // [{name, arguments}]: arguments parsed when JSON
  std::optional<std::int64_t> input_tokens, output_tokens;
  // An error envelope's (OpenAI's or Anthropic's) or a stream's error event's message; set for any error.
  std::optional<std::string> error;
  bool understood() const { return !layout.empty(); }
};

AnswerDigest digest_answer(const Exchange& exchange);

}  // namespace gatecheck::runner
