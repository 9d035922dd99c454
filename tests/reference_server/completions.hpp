// A legacy completions request (POST /v1/completions), validated and reduced to what its answer needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "endpoints.hpp"

namespace gatecheck::testing::reference {

struct CompletionPrompt {
  std::string text;  // token-id prompts decoded, one vocabulary word per id
  std::size_t tokens = 0;
};

struct CompletionPlan {
  const ModelInfo* model = nullptr;
  std::vector<CompletionPrompt> prompts;
  std::size_t n = 1;        // choices returned per prompt
  std::size_t best_of = 1;  // candidates generated per prompt, the best n returned
  std::size_t max_tokens = 16;
  std::vector<std::string> stops;
  bool echo = false;
  int logprobs = -1;  // -1: no logprobs; else top_logprobs entries per token
  bool stream = false;
  bool include_usage = false;
  std::uint64_t seed = 0;  // of the body without `stream` and `stream_options`
};

CompletionPlan parse_completion(const json& body);  // throws ApiError

}  // namespace gatecheck::testing::reference
