// A chat completion request, validated and reduced to what its answer needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "endpoints.hpp"

namespace gatecheck::testing::reference {

struct ChatPlan {
  const ModelInfo* model = nullptr;
  std::size_t n = 1;
  std::size_t max_tokens = std::numeric_limits<std::size_t>::max();
  std::vector<std::string> stops;
  bool stream = false;
  bool include_usage = false;
  json tools = json::array();  // the offered `function` objects
  std::string tool_mode;       // none | auto | required | named
  std::string named_tool;
  bool parallel = true;
  std::string format = "text";  // text | json_object | json_schema
  json schema = json::object();
  std::string last_role;
  std::size_t prompt_tokens = 0;
  std::uint64_t seed = 0;  // of the body without `stream` and `stream_options`
};

ChatPlan parse_chat(const json& body);  // throws ApiError

}  // namespace gatecheck::testing::reference
