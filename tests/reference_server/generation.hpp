// What the model says, shared by chat completions and responses: seeded prose and tool calls whose arguments
// are generated from each tool's parameters schema.
#pragma once

#include <string>
#include <vector>

#include "text.hpp"

namespace gatecheck::testing::reference {

std::string prose(Rng& rng);  // one capitalised sentence of 12 to 23 words

struct ToolCall {
  std::string id;  // call_...
  std::string name;
  std::string arguments;  // a JSON object's text
};

// `functions` holds objects with a name and optional parameters. Mode `named` calls `named` once; otherwise
// each function gets one call, or one picked at random when `parallel` is false.
std::vector<ToolCall> make_calls(const json& functions, const std::string& mode, const std::string& named,
                                 bool parallel, Rng& rng);

}  // namespace gatecheck::testing::reference
