// POST /v1/chat/completions, the answer: seeded choices, sent whole or as a stream of SSE chunks that
// assembles to the same answer.
#include <algorithm>
#include <chrono>
#include <optional>

#include "chat.hpp"
#include "generation.hpp"
#include "instances.hpp"
#include "request_json.hpp"
#include "sse.hpp"
#include "text.hpp"

namespace gatecheck::testing::reference {
namespace {

struct Choice {
  std::optional<std::string> content;  // nullopt when the answer is tool calls
  std::vector<std::string> pieces;     // the content as it streams, one token each
  std::vector<ToolCall> calls;
  std::string finish_reason = "stop";
  std::size_t tokens = 0;
};

Choice make_choice(const ChatPlan& plan, std::size_t index) {
  Rng rng(plan.seed + 0x9E3779B97F4A7C15ULL * (index + 1));
  Choice choice;
  const bool call_tools = plan.tool_mode == "required" || plan.tool_mode == "named" ||
                          (plan.tool_mode == "auto" && plan.last_role == "user");
  if (call_tools) {
    choice.calls = make_calls(plan.tools, plan.tool_mode, plan.named_tool, plan.parallel, rng);
    choice.finish_reason = "tool_calls";
    for (const ToolCall& call : choice.calls)
      choice.tokens += 1 + fragments(call.arguments, 8).size();
    return choice;
  }
  std::string text = prose(rng);
  if (plan.format == "json_object") text = to_text({{"answer", text}, {"words", word_count(text)}});
  if (plan.format == "json_schema") text = to_text(instance_of(plan.schema, rng));
  for (const std::string& stop : plan.stops)
    text.resize(std::min(text.size(), text.find(stop)));
  choice.pieces = tokenize(text);
  if (choice.pieces.size() > plan.max_tokens) {
    choice.pieces.resize(plan.max_tokens);
    choice.finish_reason = "length";
    text.clear();
    for (const std::string& piece : choice.pieces)
      text += piece;
  }
  choice.tokens = choice.pieces.size();
  choice.content = std::move(text);
  return choice;
}

struct Meta {
  std::string id;
  std::int64_t created;
  std::string model;
  std::string fingerprint;
};

json envelope(const Meta& meta, const char* object) {
  return {{"id", meta.id},
          {"object", object},
          {"created", meta.created},
          {"model", meta.model},
          {"system_fingerprint", meta.fingerprint},
          {"service_tier", "default"}};
}

json usage_json(const ChatPlan& plan, const std::vector<Choice>& choices) {
  std::size_t completion = 0;
  for (const Choice& choice : choices)
    completion += choice.tokens;
  return {{"prompt_tokens", plan.prompt_tokens},
          {"completion_tokens", completion},
          {"total_tokens", plan.prompt_tokens + completion},
          {"prompt_tokens_details", {{"cached_tokens", 0}, {"audio_tokens", 0}}},
          {"completion_tokens_details", {{"reasoning_tokens", 0}, {"audio_tokens", 0}}}};
}

json completion_json(const ChatPlan& plan, const std::vector<Choice>& choices, const Meta& meta) {
  json out = envelope(meta, "chat.completion");
  out["choices"] = json::array();
  for (std::size_t i = 0; i < choices.size(); ++i) {
    const Choice& choice = choices[i];
    json message = {{"role", "assistant"},
                    {"content", choice.content ? json(*choice.content) : json()},
                    {"refusal", nullptr},
                    {"annotations", json::array()}};
    for (const ToolCall& call : choice.calls)
      message["tool_calls"].push_back({{"id", call.id},
                                       {"type", "function"},
                                       {"function", {{"name", call.name}, {"arguments", call.arguments}}}});
    out["choices"].push_back(
        {{"index", i}, {"message", message}, {"logprobs", nullptr}, {"finish_reason", choice.finish_reason}});
  }
  out["usage"] = usage_json(plan, choices);
  return out;
}

// One choice's chunks, in order: role first, then content or tool-call fragments, then finish_reason alone.
std::vector<json> choice_chunks(const Choice& choice, std::size_t index) {
  std::vector<json> deltas{
      {{"role", "assistant"}, {"content", choice.content ? json("") : json()}, {"refusal", nullptr}}};
  for (const std::string& piece : choice.pieces)
    deltas.push_back({{"content", piece}});
  for (std::size_t k = 0; k < choice.calls.size(); ++k) {
    const ToolCall& call = choice.calls[k];
    json first = {{"index", k},
                  {"id", call.id},
                  {"type", "function"},
                  {"function", {{"name", call.name}, {"arguments", ""}}}};
    deltas.push_back({{"tool_calls", json::array({first})}});
    for (const std::string& part : fragments(call.arguments, 8)) {
      json later = {{"index", k}, {"function", {{"arguments", part}}}};
      deltas.push_back({{"tool_calls", json::array({later})}});
    }
  }
  std::vector<json> chunks;
  for (json& delta : deltas)
    chunks.push_back(
        {{"index", index}, {"delta", std::move(delta)}, {"logprobs", nullptr}, {"finish_reason", nullptr}});
  chunks.push_back({{"index", index},
                    {"delta", json::object()},
                    {"logprobs", nullptr},
                    {"finish_reason", choice.finish_reason}});
  return chunks;
}

std::vector<std::string> stream_events(const ChatPlan& plan, const std::vector<Choice>& choices,
                                       const Meta& meta) {
  std::vector<std::vector<json>> lanes;
  std::size_t longest = 0;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    lanes.push_back(choice_chunks(choices[i], i));
    longest = std::max(longest, lanes.back().size());
  }
  std::vector<std::string> events{sse_opening()};
  for (std::size_t round = 0; round < longest; ++round) {  // n choices side by side, one choice per chunk
    for (const auto& lane : lanes) {
      if (round >= lane.size()) continue;
      json chunk = envelope(meta, "chat.completion.chunk");
      chunk["choices"] = json::array({lane[round]});
      if (plan.include_usage) chunk["usage"] = nullptr;
      events.push_back(sse_event(to_text(chunk), events.size()));
    }
  }
  if (plan.include_usage) {
    json chunk = envelope(meta, "chat.completion.chunk");
    chunk["choices"] = json::array();
    chunk["usage"] = usage_json(plan, choices);
    events.push_back(sse_event(to_text(chunk), events.size()));
  }
  events.push_back(sse_event("[DONE]", events.size()));
  return events;
}

}  // namespace

Response chat_response(const json& body, const std::string& id) {
  const ChatPlan plan = parse_chat(body);
  std::vector<Choice> choices;
  for (std::size_t i = 0; i < plan.n; ++i)
    choices.push_back(make_choice(plan, i));
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const Meta meta{id, now, std::string(plan.model->snapshot),
                  "fp_" + hex(fnv1a(plan.model->snapshot) >> 24, 10)};
  if (!plan.stream) return json_response(200, completion_json(plan, choices, meta));
  Response res;
  res.stream = true;
  res.headers = {{"content-type", "text/event-stream; charset=utf-8"}, {"cache-control", "no-cache"}};
  res.events = stream_events(plan, choices, meta);
  return res;
}

}  // namespace gatecheck::testing::reference
