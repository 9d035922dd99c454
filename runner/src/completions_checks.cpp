// completions.choices: what the legacy completions API promises about its choices (OpenAI API reference,
// "Create completion"): n per prompt in order, text that begins with the prompt under echo, and logprobs
// whose tokens are the text.
#include "check_evaluation.hpp"
#include "matcher.hpp"

namespace gatecheck::runner {
namespace {

using nlohmann::json;

// The prompts' texts, or nullopt for token-id prompts (their text cannot be known here). Absent: the API's
// one default prompt.
std::optional<std::vector<std::string>> prompts_of(const json& request) {
  const json prompt = request.value("prompt", json(nullptr));
  if (prompt.is_null()) return std::vector<std::string>{""};
  if (prompt.is_string()) return std::vector<std::string>{prompt.get<std::string>()};
  if (!prompt.is_array() || prompt.empty()) return std::nullopt;
  if (prompt.front().is_number_integer()) return std::nullopt;
  std::vector<std::string> texts;
  for (const auto& item : prompt) {
    if (!item.is_string()) return std::nullopt;
    texts.push_back(item.get<std::string>());
  }
  return texts;
}

std::size_t prompt_count(const json& request) {
  const json prompt = request.value("prompt", json(nullptr));
  if (!prompt.is_array() || prompt.empty() || prompt.front().is_number_integer()) return 1;
  return prompt.size();
}

// With logprobs, the tokens join to the text and every list has one entry per token.
std::optional<Verdict> check_logprobs(const json& choice, const std::string& who, std::int64_t asked) {
  const json logprobs = choice.value("logprobs", json(nullptr));
  if (!logprobs.is_object())
    return Verdict::fail(who + " carries no logprobs although the request asked for " + std::to_string(asked),
                         "a logprobs object", describe_value(logprobs));
  const json tokens = logprobs.value("tokens", json(nullptr));
  if (!tokens.is_array())
    return Verdict::fail(who + ": logprobs.tokens is not a list", "an array", describe_value(tokens));
  std::string joined;
  bool partial_bytes = false;  // the API writes a token that splits a UTF-8 character as "bytes:\xe2\x80"
  for (const auto& token : tokens) {
    const std::string text = token.is_string() ? token.get<std::string>() : std::string();
    partial_bytes = partial_bytes || text.starts_with("bytes:");
    joined += text;
  }
  if (!partial_bytes && joined != choice.value("text", ""))
    return Verdict::fail(who + ": logprobs.tokens do not join to the text", describe_value(choice["text"]),
                         describe_value(json(joined)));
  for (const char* list : {"token_logprobs", "text_offset", "top_logprobs"}) {
    const json values = logprobs.value(list, json(nullptr));
    // Real servers send top_logprobs: null for logprobs 0; the reference types it as a list.
    if (std::string_view(list) == "top_logprobs" && values.is_null() && asked == 0) continue;
    if (!values.is_array() || values.size() != tokens.size())
      return Verdict::fail(
          who + ": logprobs." + list + " does not hold one entry per token",
          std::to_string(tokens.size()) + " entries",
          values.is_array() ? std::to_string(values.size()) + " entries" : describe_value(values));
  }
  // Up to logprobs + 1 entries: the sampled token is listed even when it is not among the likeliest.
  for (const auto& top : logprobs.value("top_logprobs", json::array()))
    if (top.is_object() && static_cast<std::int64_t>(top.size()) > asked + 1)
      return Verdict::fail(who + ": a top_logprobs entry holds more alternatives than asked for",
                           "at most " + std::to_string(asked + 1), std::to_string(top.size()));
  return std::nullopt;
}

Verdict choices(const Exchange& ex) {
  const json view = ex.message_view();
  const json list = view.is_object() ? view.value("choices", json(nullptr)) : json(nullptr);
  if (!list.is_array()) return Verdict::fail("the answer has no choices", "choices", "none");
  const json& request = ex.request_json;
  const auto n = request.value("n", json(1));
  const std::size_t per_prompt = n.is_number_integer() && n.get<std::int64_t>() > 0
                                     ? static_cast<std::size_t>(n.get<std::int64_t>())
                                     : 1;
  const std::size_t expected = prompt_count(request) * per_prompt;
  if (list.size() != expected)
    return Verdict::fail(std::to_string(list.size()) + " choices for " +
                             std::to_string(prompt_count(request)) + " prompts of n " +
                             (n.is_number() ? n.dump() : "1"),
                         std::to_string(expected) + " choices", std::to_string(list.size()));
  const auto prompts = prompts_of(request);
  const bool echo = request.value("echo", false) == true;
  const json logprobs = request.value("logprobs", json(nullptr));
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& choice = list[i];
    const std::string who = "choice " + std::to_string(i);
    if (!choice.is_object() || choice.value("index", json(nullptr)) != json(i))
      return Verdict::fail(
          who + " is not indexed " + std::to_string(i) + " (choices come in order, n per prompt)",
          "index " + std::to_string(i), describe_value(choice.value("index", json(nullptr))));
    if (!choice.contains("text") || !choice["text"].is_string())
      return Verdict::fail(who + " has no text", "a string",
                           describe_value(choice.value("text", json(nullptr))));
    const std::string& text = choice["text"].get_ref<const std::string&>();
    if (echo && prompts && !text.starts_with((*prompts)[i / per_prompt]))
      return Verdict::fail(who + ": echo was asked for, but the text does not begin with its prompt",
                           describe_value(json((*prompts)[i / per_prompt])) + " first",
                           describe_value(json(text)));
    if (logprobs.is_number_integer())
      if (auto problem = check_logprobs(choice, who, logprobs.get<std::int64_t>())) return *problem;
  }
  return Verdict::pass(std::to_string(list.size()) + " choices");
}

}  // namespace

Verdict completions_choices(const CheckContext&, const Exchange* ex) {
  if (ex->response.status < 200 || ex->response.status >= 300)
    return Verdict::not_applicable("not an answer: status " + std::to_string(ex->response.status));
  if (ex->api() != Api::completions) return Verdict::not_applicable("not a legacy completions request");
  return choices(*ex);
}

}  // namespace gatecheck::runner
