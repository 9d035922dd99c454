// POST /v1/completions, the answer: seeded choices per prompt (the best n of best_of candidates), with
// logprobs on request, sent whole or as a stream of chunks of the same object shape that assembles to it.
#include <algorithm>
#include <chrono>
#include <cmath>

#include "completions.hpp"
#include "generation.hpp"
#include "request_json.hpp"
#include "sse.hpp"
#include "text.hpp"

namespace gatecheck::testing::reference {
namespace {

struct Token {
  std::string text;
  double logprob = 0;
  json top = json::object();  // the likeliest tokens at this place, this one first in probability
};

struct Candidate {
  std::size_t prompt = 0;
  std::vector<Token> echoed;  // the prompt's tokens, with echo
  std::vector<Token> generated;
  std::string finish_reason = "stop";
  double score = 0;  // mean logprob of the generated tokens: best_of keeps the highest
};

// The sampled token is the likeliest (p >= 0.34); `top` holds it and alternatives sharing its leading
// whitespace, whose probabilities halve the rest each time, so they sum to less than 1.
Token scored(std::string text, int top_count, Rng& rng) {
  const double p = 0.34 + 0.65 * rng.unit();
  Token token;
  token.text = std::move(text);
  token.logprob = std::log(p);
  if (top_count <= 0) return token;
  token.top[token.text] = token.logprob;
  const std::size_t lead = std::min(token.text.size(), token.text.find_first_not_of(" \t\r\n"));
  double rest = 1 - p;
  for (std::size_t k = rng.below(64); token.top.size() < static_cast<std::size_t>(top_count); ++k) {
    const std::string other = token.text.substr(0, lead) + std::string(word_at(k));
    if (token.top.contains(other)) continue;
    rest /= 2;
    token.top[other] = std::log(rest);
  }
  return token;
}

Candidate make_candidate(const CompletionPlan& plan, std::size_t prompt, std::size_t j) {
  Rng rng(plan.seed + 0x9E3779B97F4A7C15ULL * (prompt * plan.best_of + j + 1));
  Candidate out;
  out.prompt = prompt;
  std::string text = "\n\n" + prose(rng);  // legacy models open with a blank line
  for (const std::string& stop : plan.stops)
    text.resize(std::min(text.size(), text.find(stop)));
  std::vector<std::string> pieces = tokenize(text);
  if (pieces.size() > plan.max_tokens) {
    pieces.resize(plan.max_tokens);
    out.finish_reason = "length";
  }
  for (std::string& piece : pieces) {
    out.generated.push_back(scored(std::move(piece), plan.logprobs, rng));
    out.score += out.generated.back().logprob / static_cast<double>(pieces.size());
  }
  if (!plan.echo) return out;
  Rng echo_rng(fnv1a(plan.prompts[prompt].text, plan.seed));
  for (std::string& piece : tokenize(plan.prompts[prompt].text))
    out.echoed.push_back(scored(std::move(piece), plan.logprobs, echo_rng));
  return out;
}

// For each prompt, its best n of best_of candidates, best first; choice index = prompt * n + j.
std::vector<Candidate> make_choices(const CompletionPlan& plan, std::size_t& completion_tokens) {
  std::vector<Candidate> choices;
  for (std::size_t prompt = 0; prompt < plan.prompts.size(); ++prompt) {
    std::vector<Candidate> candidates;
    for (std::size_t j = 0; j < plan.best_of; ++j) {
      candidates.push_back(make_candidate(plan, prompt, j));
      completion_tokens += candidates.back().generated.size();  // every candidate is generated, and billed
    }
    if (plan.best_of > plan.n)
      std::stable_sort(candidates.begin(), candidates.end(),
                       [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
    candidates.resize(plan.n);
    choices.insert(choices.end(), candidates.begin(), candidates.end());
  }
  return choices;
}

// tokens[i] starts at text_offset[i], counted in code points from the start of the prompt, as the API does:
// with echo the offsets index `text`; without it, the prompt followed by `text`.
json logprobs_json(const std::vector<Token>& tokens, std::size_t& offset) {
  json out = {{"tokens", json::array()},
              {"token_logprobs", json::array()},
              {"top_logprobs", json::array()},
              {"text_offset", json::array()}};
  for (const Token& token : tokens) {
    out["tokens"].push_back(token.text);
    out["token_logprobs"].push_back(token.logprob);
    out["top_logprobs"].push_back(token.top);
    out["text_offset"].push_back(offset);
    offset += code_points(token.text);
  }
  return out;
}

std::string joined(const std::vector<Token>& tokens) {
  std::string text;
  for (const Token& token : tokens)
    text += token.text;
  return text;
}

struct Meta {
  std::string id;
  std::int64_t created;
  std::string model;
};

// No system_fingerprint: it is optional, and the legacy models leave it out.
json envelope(const Meta& meta) {
  return {{"id", meta.id}, {"object", "text_completion"}, {"created", meta.created}, {"model", meta.model}};
}

json choice_json(const CompletionPlan& plan, const Candidate& c, std::size_t index) {
  std::vector<Token> tokens = c.echoed;
  tokens.insert(tokens.end(), c.generated.begin(), c.generated.end());
  std::size_t offset = plan.echo ? 0 : code_points(plan.prompts[c.prompt].text);
  return {{"text", joined(tokens)},
          {"index", index},
          {"logprobs", plan.logprobs >= 0 ? logprobs_json(tokens, offset) : json()},
          {"finish_reason", c.finish_reason}};
}

// One choice's chunks: the echoed prompt whole, then one per generated token, then finish_reason alone.
std::vector<json> choice_chunks(const CompletionPlan& plan, const Candidate& c, std::size_t index) {
  std::size_t offset = plan.echo ? 0 : code_points(plan.prompts[c.prompt].text);
  std::vector<json> out;
  const auto add = [&](const std::vector<Token>& tokens, json finish) {
    out.push_back({{"text", joined(tokens)},
                   {"index", index},
                   {"logprobs", plan.logprobs >= 0 ? logprobs_json(tokens, offset) : json()},
                   {"finish_reason", std::move(finish)}});
  };
  if (!c.echoed.empty()) add(c.echoed, nullptr);
  for (const Token& token : c.generated)
    add({token}, nullptr);
  add({}, c.finish_reason);
  return out;
}

std::vector<std::string> stream_events(const CompletionPlan& plan, const std::vector<Candidate>& choices,
                                       const Meta& meta, const json& usage) {
  std::vector<std::vector<json>> lanes;
  std::size_t longest = 0;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    lanes.push_back(choice_chunks(plan, choices[i], i));
    longest = std::max(longest, lanes.back().size());
  }
  std::vector<std::string> events{sse_opening()};
  for (std::size_t round = 0; round < longest; ++round) {  // choices side by side, one choice per chunk
    for (const auto& lane : lanes) {
      if (round >= lane.size()) continue;
      json chunk = envelope(meta);
      chunk["choices"] = json::array({lane[round]});
      if (plan.include_usage) chunk["usage"] = nullptr;
      events.push_back(sse_event(to_text(chunk), events.size()));
    }
  }
  if (plan.include_usage) {
    json chunk = envelope(meta);
    chunk["choices"] = json::array();
    chunk["usage"] = usage;
    events.push_back(sse_event(to_text(chunk), events.size()));
  }
  events.push_back(sse_event("[DONE]", events.size()));
  return events;
}

}  // namespace

Response completions_response(const json& body, const std::string& id) {
  const CompletionPlan plan = parse_completion(body);
  std::size_t completion_tokens = 0;
  const std::vector<Candidate> choices = make_choices(plan, completion_tokens);
  std::size_t prompt_tokens = 0;
  for (const CompletionPrompt& prompt : plan.prompts)
    prompt_tokens += prompt.tokens;
  const json usage = {{"prompt_tokens", prompt_tokens},
                      {"completion_tokens", completion_tokens},
                      {"total_tokens", prompt_tokens + completion_tokens}};
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const Meta meta{id, now, std::string(plan.model->snapshot)};
  if (plan.stream) {
    Response res;
    res.stream = true;
    res.headers = {{"content-type", "text/event-stream; charset=utf-8"}, {"cache-control", "no-cache"}};
    res.events = stream_events(plan, choices, meta, usage);
    return res;
  }
  json answer = envelope(meta);
  answer["choices"] = json::array();
  for (std::size_t i = 0; i < choices.size(); ++i)
    answer["choices"].push_back(choice_json(plan, choices[i], i));
  answer["usage"] = usage;
  return json_response(200, answer);
}

}  // namespace gatecheck::testing::reference
