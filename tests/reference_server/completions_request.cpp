// POST /v1/completions, the request: checked as the API reference describes (CreateCompletionRequest),
// reduced to a CompletionPlan.
#include <algorithm>
#include <string_view>

#include "completions.hpp"
#include "request_json.hpp"
#include "text.hpp"

namespace gatecheck::testing::reference {
namespace {

constexpr std::size_t kMaxCandidates = 2048;  // prompts x max(n, best_of): a bound of this server
constexpr long long kVocabulary = 100277;     // cl100k_base, the tokenizer of all three models

// The body members of CreateCompletionRequest in the reference's OpenAPI description.
constexpr std::string_view kCompletionParameters =
    "best_of echo frequency_penalty logit_bias logprobs max_tokens model n presence_penalty prompt seed stop "
    "stream stream_options suffix temperature top_p user";

[[noreturn]] void bad_prompt() {
  throw ApiError(400,
                 "Invalid 'prompt': expected a string, an array of strings, an array of token ids or an "
                 "array of token-id arrays (ids from 0 to 100276).",
                 "prompt", "invalid_value");
}

// Token ids become words: an id stands for one vocabulary word, whitespace-led after the first.
CompletionPrompt decode(const json& ids) {
  if (!ids.is_array() || ids.empty()) bad_prompt();
  CompletionPrompt prompt;
  for (const json& id : ids) {
    if (!id.is_number_integer() || id.get<long long>() < 0 || id.get<long long>() >= kVocabulary)
      bad_prompt();
    prompt.text += (prompt.tokens++ == 0 ? "" : " ") + std::string(word_at(id.get<std::size_t>()));
  }
  return prompt;
}

CompletionPrompt from_text(const std::string& text) {
  return {text, tokenize(text).size()};
}

std::vector<CompletionPrompt> parse_prompts(const json& body) {
  const json* prompt = member(body, "prompt");
  if (!prompt) missing("prompt");
  if (prompt->is_null()) return {from_text("<|endoftext|>")};  // the reference's default
  if (prompt->is_string()) return {from_text(prompt->get<std::string>())};
  if (!prompt->is_array()) bad_prompt();
  if (prompt->empty())
    throw ApiError(400, "Invalid 'prompt': expected an array with minimum length 1.", "prompt",
                   "empty_array");
  if (prompt->size() > kMaxCandidates)
    throw ApiError(400, "Invalid 'prompt': expected an array with maximum length 2048.", "prompt",
                   "array_above_max_length");
  const auto is_int = [](const json& v) { return v.is_number_integer(); };
  if (std::all_of(prompt->begin(), prompt->end(), is_int)) return {decode(*prompt)};
  std::vector<CompletionPrompt> out;
  for (const json& item : *prompt) {
    if (item.is_string())
      out.push_back(from_text(item.get<std::string>()));
    else if (item.is_array())
      out.push_back(decode(item));
    else
      bad_prompt();
  }
  const bool mixed =
      std::any_of(prompt->begin(), prompt->end(), [](const json& v) { return v.is_string(); }) &&
      std::any_of(prompt->begin(), prompt->end(), [](const json& v) { return v.is_array(); });
  if (mixed) bad_prompt();  // no variant of the reference mixes strings and token arrays
  return out;
}

void check_logit_bias(const json& body) {
  const json* bias = member(body, "logit_bias");
  if (!bias || bias->is_null()) return;
  if (!bias->is_object()) invalid_type("logit_bias", "an object", *bias);
  for (const auto& [token, value] : bias->items()) {
    const bool id_ok = !token.empty() && token.size() <= 6 &&
                       token.find_first_not_of("0123456789") == std::string::npos &&
                       std::stoll(token) < kVocabulary;
    if (!id_ok || !value.is_number_integer() || value.get<long long>() < -100 || value.get<long long>() > 100)
      throw ApiError(400,
                     "Invalid 'logit_bias': expected token ids (0 to 100276) mapped to integers from -100 "
                     "to 100; got '" +
                         token + "': " + to_text(value) + ".",
                     "logit_bias", "invalid_value");
  }
}

void check_sampling(const json& body, const ModelInfo& model) {
  check_number(body, "temperature", 0, 2, false);
  check_number(body, "top_p", 0, 1, false);
  check_number(body, "frequency_penalty", -2, 2, false);
  check_number(body, "presence_penalty", -2, 2, false);
  check_number(body, "seed", -9.2e18, 9.2e18, true);
  check_logit_bias(body);
  nullable_string(body, "user", "user");
  if (nullable_string(body, "suffix", "suffix").is_string() && model.id != "gpt-3.5-turbo-instruct")
    throw ApiError(400, "Invalid 'suffix': only gpt-3.5-turbo-instruct supports a suffix.", "suffix",
                   "invalid_value");
}

void parse_counts(const json& body, CompletionPlan& plan) {
  check_number(body, "n", 1, 128, true);
  check_number(body, "best_of", 0, 20, true);
  check_number(body, "max_tokens", 0, 2147483647, true);
  check_number(body, "logprobs", 0, 5, true);
  plan.n = static_cast<std::size_t>(int_at(body, "n", 1));
  plan.best_of = static_cast<std::size_t>(int_at(body, "best_of", static_cast<long long>(plan.n)));
  if (plan.best_of < plan.n)
    throw ApiError(400, "Invalid 'best_of': it must be greater than or equal to 'n'.", "best_of",
                   "invalid_value");
  if (plan.stream && plan.best_of > plan.n)  // the best n are known only once all candidates are done
    throw ApiError(400, "Invalid 'best_of': results cannot be streamed when 'best_of' is greater than 'n'.",
                   "best_of", "invalid_value");
  if (plan.prompts.size() * plan.best_of > kMaxCandidates)
    throw ApiError(400, "Too many completions: prompts times max(n, best_of) must be at most 2048.", "n",
                   "invalid_value");
  plan.max_tokens = static_cast<std::size_t>(int_at(body, "max_tokens", 16));  // the reference's default
  plan.logprobs = static_cast<int>(int_at(body, "logprobs", -1));
}

}  // namespace

CompletionPlan parse_completion(const json& body) {
  reject_unknown(body, kCompletionParameters);
  CompletionPlan plan;
  plan.model = &require_model(body, ModelKind::completion);
  plan.prompts = parse_prompts(body);
  plan.stream = bool_at(body, "stream");
  plan.include_usage = include_usage(body, plan.stream);
  plan.echo = bool_at(body, "echo");
  parse_counts(body, plan);
  check_sampling(body, *plan.model);
  plan.stops = stop_sequences(body);
  json canonical = body;  // the same request, streamed or not, gets the same answer
  canonical.erase("stream");
  canonical.erase("stream_options");
  plan.seed = fnv1a(to_text(canonical));
  return plan;
}

}  // namespace gatecheck::testing::reference
