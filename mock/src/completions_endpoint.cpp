// POST {base}/completions: the legacy text completions API. Each prompt is answered by the chat generator
// (n choices, stop, max_tokens: one rule for both APIs); echo, logprobs and suffix are this API's own.
#include "call_context.hpp"
#include "completions_answer.hpp"
#include "content_seed.hpp"
#include "generator.hpp"
#include "request_checks.hpp"

namespace gatecheck::mock {
namespace {

using Kind = JsonValue::Kind;

// The parameters of POST /completions, and whether they shape the text or only its delivery.
constexpr KnownParameter kParameters[] = {
    {"model", false},
    {"prompt", false},
    {"best_of", true},
    {"echo", true},
    {"frequency_penalty", false},
    {"logit_bias", false},
    {"logprobs", true},
    {"max_tokens", true},
    {"n", true},
    {"presence_penalty", false},
    {"seed", false},
    {"stop", true},
    {"stream", true},
    {"stream_options", true},
    {"suffix", false},
    {"temperature", false},
    {"top_p", false},
    {"user", true},
};

bool is_delivery(std::string_view name) {
  return is_delivery_in(kParameters, name);
}

struct CompletionsRequest {
  ChatRequest chat;  // model, n, max_tokens, stop, stream, include_usage and the content seed
  std::vector<std::string> prompts;
  bool echo = false;
  std::optional<std::uint32_t> logprobs;
};

// A token-id prompt, as text the generator can count: its ids, space-separated.
std::string token_text(const JsonValue& tokens, const std::string& path) {
  std::string text;
  const auto ids = tokens.items();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (!ids[i].is(Kind::integer)) invalid_item_type(indexed(path, i), "an integer", ids[i]);
    text += (i ? " " : "") + ids[i].literal();
  }
  return text;
}

std::vector<std::string> read_prompts(const ParamReader& reader) {
  const std::optional<JsonValue> prompt = reader.required("prompt");
  if (prompt->is(Kind::string)) return {std::string(prompt->text())};
  if (!prompt->is(Kind::array)) reader.invalid_type("prompt", "a string or an array", *prompt);
  const auto items = prompt->items();
  if (items.empty())
    throw Rejected{ApiError::invalid("Invalid 'prompt': empty array.", "prompt", "empty_array")};
  if (items.front().is(Kind::integer)) return {token_text(*prompt, "prompt")};
  std::vector<std::string> prompts;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].is(Kind::string)) {
      prompts.emplace_back(items[i].text());
    } else if (items[i].is(Kind::array)) {
      prompts.push_back(token_text(items[i], indexed("prompt", i)));
    } else {
      invalid_item_type(indexed("prompt", i), "a string or an array of integers", items[i]);
    }
  }
  return prompts;
}

CompletionsRequest read_request(std::string_view body, const vendor::Profile& profile, std::uint64_t seed) {
  const RequestJson document(body);
  const ParamReader reader(document.root(), "");
  if (profile.strict_parameters) refuse_unknown(reader, kParameters);
  CompletionsRequest request;
  request.chat.model = *reader.string("model", true);
  request.prompts = read_prompts(reader);
  reader.decimal("temperature", profile.temperature_min, profile.temperature_max);
  reader.decimal("top_p", profile.top_p_min, profile.top_p_max);
  for (const char* penalty : {"presence_penalty", "frequency_penalty"})
    reader.decimal(penalty, profile.penalty_min, profile.penalty_max);
  reader.integer("seed", INT64_MIN, INT64_MAX);
  reader.string("user");
  reader.string("suffix");
  read_logit_bias(reader, request.chat, profile);
  request.chat.n = static_cast<std::uint32_t>(reader.integer("n", 1, 128).value_or(1));
  if (const auto best_of = reader.integer("best_of", 1, 20); best_of && *best_of < request.chat.n)
    reader.invalid_value("best_of", "best_of must be greater than or equal to n.");
  request.chat.max_tokens =
      static_cast<std::uint32_t>(reader.integer("max_tokens", 0, 1'000'000).value_or(16));
  read_stop(reader, request.chat, profile);
  request.chat.stream = reader.boolean("stream").value_or(false);
  read_stream_options(reader, request.chat, profile);
  request.echo = reader.boolean("echo").value_or(false);
  if (const auto logprobs = reader.integer("logprobs", 0, 5))
    request.logprobs = static_cast<std::uint32_t>(*logprobs);
  request.chat.content_seed = content_seed::of_request(document.root(), seed, &is_delivery);
  return request;
}

CompletionAnswer compose(CompletionsRequest& request, const CallContext& context) {
  CompletionAnswer answer;
  answer.id = make_id("cmpl-", request.chat.content_seed);
  answer.created = context.created;
  answer.model = request.chat.model;
  answer.fingerprint = "fp_" + make_id("", hash64(request.chat.model), 10);
  answer.logprobs = request.logprobs;
  answer.seed = request.chat.content_seed;
  const bool echo = request.echo && !context.faults().has(Fault::completions_echo_dropped);
  const std::uint64_t seed = request.chat.content_seed;
  for (std::size_t p = 0; p < request.prompts.size(); ++p) {
    ChatRequest chat = request.chat;
    chat.messages = {{"user", request.prompts[p], 0, {}, {}}};
    chat.content_seed = mix64(seed + p);
    chat.prompt_tokens = count_tokens(request.prompts[p]);
    const ChatAnswer composed = compose_answer(chat, context.created, context.faults());
    const std::string& prompt = request.prompts[p];
    for (const auto& choice : composed.choices) {
      CompletionChoice out{echo ? prompt : std::string(), choice.pieces, choice.finish_reason, prompt.size()};
      // The text continues the prompt: a word after it, not glued to its last one (a stub's text goes as
      // written).
      if (!chat.scripted && !out.pieces.empty() && !out.pieces.front().starts_with(' ') && !prompt.empty() &&
          prompt.back() != ' ' && prompt.back() != '\n')
        out.pieces.front().insert(0, 1, ' ');
      answer.choices.push_back(std::move(out));
    }
    answer.prompt_tokens += composed.prompt_tokens;
    answer.completion_tokens += composed.completion_tokens;
    answer.total_tokens += composed.total_tokens;
  }
  return answer;
}

}  // namespace

Reply completions_endpoint(CallContext& context) {
  const auto& profile = context.profile();
  CompletionsRequest request = read_request(context.request.body, profile, context.options.seed);
  request.chat.length = context.controls.length.get();
  request.chat.scripted = context.take_answer();
  ChatRequest bound = request.chat;
  bound.n *= static_cast<std::uint32_t>(request.prompts.size());
  require_within_generation_limit(bound, context.options.max_generated_tokens);
  // Echo and logprobs write every prompt token again, n times and with its alternatives: bounded the same.
  std::uint64_t echoed = 0;
  if (request.echo || request.logprobs)
    for (const auto& prompt : request.prompts)
      echoed += count_tokens(prompt);
  echoed *= std::uint64_t{request.chat.n} * (1 + request.logprobs.value_or(0));
  if (echoed > context.options.max_generated_tokens)
    throw Rejected{ApiError::invalid("echo and logprobs would write " + std::to_string(echoed) +
                                         " prompt tokens again; this mock writes at most " +
                                         std::to_string(context.options.max_generated_tokens) +
                                         " per request (--max-generated-tokens).",
                                     "echo", "generation_limit")};
  require_model(profile, request.chat.model, "completion",
                "This is a chat model and not supported in the v1/completions endpoint. Did you mean to use "
                "v1/chat/completions?");
  CompletionAnswer answer = compose(request, context);
  context.tokens_used = answer.total_tokens;
  if (!request.chat.stream) return json_reply(200, render_text_completion(answer));
  StreamOptions options;
  options.include_usage = request.chat.include_usage;
  options.timing = context.controls.timing;
  options.error_after_pieces = context.controls.stream_error_after.get();
  return event_stream_reply(make_completions_stream(std::move(answer), options, context.faults()),
                            context.faults());
}

}  // namespace gatecheck::mock
