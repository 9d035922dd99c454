// What a stub's `answer:` fixes in a generated answer (chat, completions, Responses): the text or the tool
// calls, and the finish reason. Everything else (ids, usage, streaming, pacing) is generated as usual.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace gatecheck::mock {

struct ScriptedAnswer {
  struct ToolCall {
    std::string name;
    std::string arguments;  // JSON text
    friend bool operator==(const ToolCall&, const ToolCall&) = default;
  };
  std::optional<std::string> content;
  std::vector<ToolCall> tool_calls;
  std::string finish_reason;  // empty: stop, or tool_calls when there are tool calls
  friend bool operator==(const ScriptedAnswer&, const ScriptedAnswer&) = default;
};

}  // namespace gatecheck::mock
