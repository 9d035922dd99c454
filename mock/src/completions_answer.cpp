#include "completions_answer.hpp"

#include <algorithm>
#include <cmath>

#include <gatecheck/core/json_writer.hpp>
#include <gatecheck/core/sse.hpp>

#include "generator.hpp"
#include "planned_stream.hpp"

namespace gatecheck::mock {
namespace {

using core::JsonWriter;

// A token's log probability: deterministic, negative, two decimals (a likely token is near 0).
double logprob(std::string_view token, std::uint64_t seed) {
  Prng prng(hash64(token, seed));
  return -std::round(prng.unit() * 250.0) / 100.0;
}

// The logprobs object for `tokens` starting at text offset `offset`. Every token gets a log probability and
// a top_logprobs entry holding at least itself, as the reference types them (numbers and objects, no nulls).
void write_logprobs(JsonWriter& w, const std::vector<std::string>& tokens, std::size_t offset,
                    std::uint32_t alternatives, std::uint64_t seed) {
  w.begin_object().key("tokens").begin_array();
  for (const auto& token : tokens)
    w.value(token);
  w.end_array().key("token_logprobs").begin_array();
  for (const auto& token : tokens)
    w.value(logprob(token, seed));
  w.end_array().key("top_logprobs").begin_array();
  for (const auto& token : tokens) {
    // The token itself, then less likely alternatives drawn from the generator's words (each once).
    w.begin_object().key(token).value(logprob(token, seed));
    Prng prng(hash64(token, seed ^ 0x70b));
    std::vector<std::string> seen{token};
    for (std::uint32_t tries = 0; seen.size() < alternatives && tries < 8 * alternatives; ++tries) {
      std::string word = " " + std::string(pick_word(prng));
      if (std::find(seen.begin(), seen.end(), word) != seen.end()) continue;
      w.key(word).value(logprob(token, seed) - 0.5 * static_cast<double>(seen.size()));
      seen.push_back(std::move(word));
    }
    w.end_object();
  }
  w.end_array().key("text_offset").begin_array();
  for (const auto& token : tokens) {
    w.value(static_cast<std::uint64_t>(offset));
    offset += token.size();
  }
  w.end_array().end_object();
}

std::vector<std::string> all_tokens(const CompletionChoice& choice) {
  std::vector<std::string> tokens = split_words(choice.echo);
  tokens.insert(tokens.end(), choice.pieces.begin(), choice.pieces.end());
  return tokens;
}

std::string text_of(const CompletionChoice& choice) {
  std::string text = choice.echo;
  for (const auto& piece : choice.pieces)
    text += piece;
  return text;
}

void write_usage(JsonWriter& w, const CompletionAnswer& answer) {
  w.begin_object().key("prompt_tokens").value(answer.prompt_tokens);
  w.key("completion_tokens").value(answer.completion_tokens).key("total_tokens").value(answer.total_tokens);
  w.end_object();
}

struct CompletionsStep {
  enum class Kind { echo, piece, finish, usage, done, error_event, error_text };
  Kind kind;
  std::uint32_t choice = 0;
  std::uint32_t piece = 0;
  bool timed = false;
};

// The stream: the echoed prompt, one chunk per token of each choice (round robin), a finish chunk per
// choice, the usage chunk when asked, and [DONE].
class CompletionsStream final : public PlannedStream<CompletionsStep> {
 public:
  CompletionsStream(CompletionAnswer answer, const StreamOptions& options, const FaultSet& faults)
      : PlannedStream(options.timing), answer_(std::move(answer)), options_(options), faults_(faults) {
    plan();
  }

 private:
  using Kind = CompletionsStep::Kind;

  void plan() {
    const auto choices = static_cast<std::uint32_t>(answer_.choices.size());
    std::size_t most = 0;
    for (std::uint32_t c = 0; c < choices; ++c) {
      if (!answer_.choices[c].echo.empty()) steps_.push_back({Kind::echo, c, 0, true});
      most = std::max(most, answer_.choices[c].pieces.size());
    }
    std::size_t sent = 0;
    for (std::uint32_t i = 0; i < most; ++i) {
      for (std::uint32_t c = 0; c < choices; ++c) {
        if (i >= answer_.choices[c].pieces.size()) continue;
        if (options_.error_after_pieces && sent == *options_.error_after_pieces) return error_step();
        steps_.push_back({Kind::piece, c, i, true});
        ++sent;
      }
    }
    if (options_.error_after_pieces) return error_step();
    for (std::uint32_t c = 0; c < choices; ++c)
      steps_.push_back({Kind::finish, c});
    if (options_.include_usage && !faults_.has(Fault::no_usage_chunk)) steps_.push_back({Kind::usage});
    if (!faults_.has(Fault::no_done)) steps_.push_back({Kind::done});
  }

  void error_step() {
    steps_.push_back({faults_.has(Fault::stream_error_unstructured) ? Kind::error_text : Kind::error_event});
  }

  void begin_chunk(JsonWriter& w) {
    std::string id = answer_.id;
    if (faults_.has(Fault::chunk_id_changes)) id += "-" + std::to_string(chunks_);
    ++chunks_;
    w.begin_object().key("id").value(id).key("object").value("text_completion");
    w.key("created").value(answer_.created).key("model").value(answer_.model);
    w.key("system_fingerprint").value(answer_.fingerprint);
  }

  void choice_chunk(std::string& out, const CompletionsStep& step) {
    const auto& choice = answer_.choices[step.choice];
    std::string data;
    JsonWriter w(data);
    begin_chunk(w);
    w.key("choices").begin_array().begin_object();
    const bool echo = step.kind == Kind::echo;
    const std::vector<std::string> tokens = echo ? split_words(choice.echo)
                                            : step.kind == Kind::piece
                                                ? std::vector<std::string>{choice.pieces[step.piece]}
                                                : std::vector<std::string>{};
    std::string text;
    for (const auto& token : tokens)
      text += token;
    w.key("text").value(text).key("index").value(step.choice).key("logprobs");
    if (answer_.logprobs && !tokens.empty()) {
      std::size_t offset = choice.echo.empty() ? choice.prompt_length : 0;
      if (!echo) offset += choice.echo.size();
      for (std::uint32_t i = 0; !echo && i < step.piece; ++i)
        offset += choice.pieces[i].size();
      write_logprobs(w, tokens, offset, *answer_.logprobs, answer_.seed);
    } else {
      w.null();
    }
    w.key("finish_reason");
    const bool finish = step.kind == Kind::finish && !faults_.has(Fault::no_finish_reason);
    finish ? w.value(choice.finish_reason) : w.null();
    w.end_object().end_array();
    if (options_.include_usage) w.key("usage").null();
    w.end_object();
    core::append_sse_event(out, data);
  }

  void render(const CompletionsStep& step, std::string& out) override {
    switch (step.kind) {
      case Kind::echo:
      case Kind::piece:
      case Kind::finish:
        return choice_chunk(out, step);
      case Kind::usage: {
        std::string data;
        JsonWriter w(data);
        begin_chunk(w);
        w.key("choices").begin_array().end_array().key("usage");
        write_usage(w, answer_);
        w.end_object();
        core::append_sse_event(out, data);
        return;
      }
      case Kind::done:
        out += "data: [DONE]\n\n";
        return;
      case Kind::error_event:
        out += kStreamErrorEvent;
        return;
      case Kind::error_text:
        out += kStreamErrorText;
        return;
    }
  }

  CompletionAnswer answer_;
  StreamOptions options_;
  FaultSet faults_;
  std::size_t chunks_ = 0;
};

}  // namespace

std::string render_text_completion(const CompletionAnswer& answer) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("id").value(answer.id).key("object").value("text_completion");
  w.key("created").value(answer.created).key("model").value(answer.model).key("choices").begin_array();
  for (std::size_t i = 0; i < answer.choices.size(); ++i) {
    const auto& choice = answer.choices[i];
    w.begin_object().key("text").value(text_of(choice)).key("index").value(static_cast<std::uint64_t>(i));
    w.key("logprobs");
    if (answer.logprobs) {
      write_logprobs(w, all_tokens(choice), choice.echo.empty() ? choice.prompt_length : 0, *answer.logprobs,
                     answer.seed);
    } else {
      w.null();
    }
    w.key("finish_reason").value(choice.finish_reason).end_object();
  }
  w.end_array().key("usage");
  write_usage(w, answer);
  w.key("system_fingerprint").value(answer.fingerprint).end_object();
  return out;
}

std::unique_ptr<EventSource> make_completions_stream(CompletionAnswer answer, const StreamOptions& options,
                                                     const FaultSet& faults) {
  return std::make_unique<CompletionsStream>(std::move(answer), options, faults);
}

}  // namespace gatecheck::mock
