// A Responses API request (POST /v1/responses), validated and reduced to what its answer needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "endpoints.hpp"
#include "response_store.hpp"

namespace gatecheck::testing::reference {

struct ResponsesPlan {
  const ModelInfo* model = nullptr;
  json conversation = json::array();  // earlier turns (from previous_response_id), then this input
  bool last_from_user = false;        // the conversation ends with a user message: tools may be called
  std::size_t input_tokens = 0;
  json tools = json::array();  // the offered function tools, as the answer echoes them
  std::string tool_mode;       // none | auto | required | named
  std::string named_tool;
  bool parallel = true;
  std::string format = "text";  // text | json_object | json_schema
  json schema = json::object();
  std::size_t max_output_tokens = std::numeric_limits<std::size_t>::max();
  bool store = true;
  bool stream = false;
  json echo = json::object();  // the request's settings as the Response object repeats them
  std::uint64_t seed = 0;      // of the body without `stream` and `stream_options`, and the earlier turns
};

// Reads `input` into plan.conversation after the earlier turns already there, checks every item, and counts
// the conversation's tokens (responses_input.cpp).
void parse_input(const json& body, ResponsesPlan& plan);
// Reads the sampling, storage and bookkeeping parameters into `plan` and plan.echo (responses_settings.cpp).
void parse_settings(const json& body, ResponsesPlan& plan);

ResponsesPlan parse_responses(const json& body, const ResponseStore& store);  // throws ApiError

}  // namespace gatecheck::testing::reference
