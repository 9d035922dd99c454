#include "chat_answer.hpp"

#include <algorithm>

#include <gatecheck/core/json_writer.hpp>
#include <gatecheck/core/sse.hpp>

#include "api_error.hpp"
#include "generator.hpp"
#include "instance_generator.hpp"
#include "planned_stream.hpp"

namespace gatecheck::mock {
namespace {

using core::JsonWriter;
using nlohmann::json;

constexpr std::size_t kArgumentFragment = 8;  // characters of tool-call arguments per stream delta
constexpr std::size_t kJsonPiece = 6;         // characters of JSON-mode content per stream piece

std::vector<std::string> split_fixed(const std::string& text, std::size_t size) {
  std::vector<std::string> pieces;
  for (std::size_t i = 0; i < text.size(); i += size)
    pieces.push_back(text.substr(i, size));
  return pieces;
}

// Applies stop sequences and max_tokens to content pieces; returns the finish reason.
std::string trim_content(std::vector<std::string>& pieces, const ChatRequest& request) {
  std::string text;
  for (const auto& piece : pieces)
    text += piece;
  std::size_t cut = std::string::npos;
  for (const auto& stop : request.stop) {
    if (stop.empty()) continue;
    cut = std::min(cut, text.find(stop));
  }
  std::string reason = "stop";
  if (cut != std::string::npos) {
    std::vector<std::string> kept;
    std::size_t used = 0;
    for (const auto& piece : pieces) {
      if (used >= cut) break;
      kept.push_back(piece.substr(0, cut - used));
      used += piece.size();
    }
    while (!kept.empty() && kept.back().empty())
      kept.pop_back();
    pieces = std::move(kept);
  }
  if (request.max_tokens && pieces.size() > *request.max_tokens) {
    pieces.resize(*request.max_tokens);
    reason = "length";
  }
  return reason;
}

std::string last_tool_result(const ChatRequest& request) {
  for (auto it = request.messages.rbegin(); it != request.messages.rend(); ++it) {
    if (it->role != "tool") break;
    return it->text;
  }
  return {};
}

std::string tool_name_for(const ChatRequest& request, const std::string& call_id) {
  for (const auto& message : request.messages) {
    for (const auto& call : message.tool_calls) {
      if (call.id == call_id) return call.name;
    }
  }
  return "tool";
}

// Corrupts valid arguments so that they still parse but break the schema (the tool-args-schema-mismatch
// fault).
std::string mismatched_arguments(const ToolSpec& tool, json arguments) {
  const json required = tool.parameters.value("required", json::array());
  if (!required.empty() && arguments.is_object() && required[0].is_string()) {
    arguments.erase(required[0].get<std::string>());
    return arguments.dump();
  }
  return json::array({arguments}).dump();
}

// A stub's answer: its text in word pieces, or its tool calls with generated ids.
ChoiceAnswer scripted_choice(const ScriptedAnswer& scripted, std::uint64_t seed) {
  ChoiceAnswer choice;
  if (scripted.content) choice.pieces = split_words(*scripted.content);
  for (std::size_t i = 0; i < scripted.tool_calls.size(); ++i) {
    const auto& call = scripted.tool_calls[i];
    choice.tool_calls.push_back({make_id("call_", mix64(seed + 0x100 + i)), call.name, call.arguments});
    choice.completion_tokens += 3 + count_tokens(call.name) + count_tokens(call.arguments);
  }
  if (scripted.content) choice.completion_tokens += count_tokens(*scripted.content);
  choice.finish_reason = scripted.finish_reason;
  return choice;
}

ChoiceAnswer compose_choice(const ChatRequest& request, std::uint64_t seed, const FaultSet& faults) {
  if (request.scripted) return scripted_choice(*request.scripted, seed);
  ChoiceAnswer choice;
  Prng prng(seed);
  const bool answering_tool_results = !request.messages.empty() && request.messages.back().role == "tool";
  const bool call_tools = !request.tools.empty() && request.tool_choice != ToolChoice::none &&
                          !(request.tool_choice == ToolChoice::automatic && answering_tool_results);
  if (call_tools) {
    std::vector<const ToolSpec*> chosen;
    if (request.tool_choice == ToolChoice::named) {
      for (const auto& tool : request.tools) {
        if (tool.name == request.tool_choice_name) chosen.push_back(&tool);
      }
    } else if (request.parallel_tool_calls && request.tools.size() > 1) {
      for (std::size_t i = 0; i < request.tools.size() && i < 4; ++i)
        chosen.push_back(&request.tools[i]);
    } else {
      chosen.push_back(&request.tools[prng.below(request.tools.size())]);
    }
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      const ToolSpec& tool = *chosen[i];
      const std::uint64_t call_seed = mix64(seed + 0x100 + i);
      const json arguments = generate_instance(tool.parameters, call_seed);
      ToolCallRecord call;
      call.id = make_id("call_", call_seed);
      call.name = tool.name;
      if (faults.has(Fault::tool_args_not_json)) {
        call.arguments =
            arguments.dump().substr(0, std::max<std::size_t>(arguments.dump().size() / 2, 1)) + "'";
      } else if (faults.has(Fault::tool_args_schema_mismatch)) {
        call.arguments = mismatched_arguments(tool, arguments);
      } else {
        call.arguments = arguments.dump();
      }
      choice.completion_tokens += 3 + count_tokens(call.name) + count_tokens(call.arguments);
      choice.tool_calls.push_back(std::move(call));
    }
    choice.finish_reason = "tool_calls";
    return choice;
  }

  if (request.response_format == ResponseFormat::json_object ||
      request.response_format == ResponseFormat::json_schema) {
    std::string text;
    if (faults.has(Fault::json_mode_invalid)) {
      text = "Sure! Here is the JSON you asked for: {answer: yes}";
    } else if (request.response_format == ResponseFormat::json_schema) {
      text = generate_instance(request.json_schema, seed).dump();
    } else {
      std::string sentence;
      for (const auto& token : generate_tokens(prng, 6 + prng.below(6)))
        sentence += token;
      text = json{{"answer", sentence}}.dump();
    }
    choice.pieces = split_fixed(text, kJsonPiece);
  } else {
    std::vector<std::string> pieces;
    if (answering_tool_results) {
      const auto& last = request.messages.back();
      std::string result = last_tool_result(request);
      if (result.size() > 60) result = result.substr(0, 60) + "...";
      pieces = {"The", " " + tool_name_for(request, last.tool_call_id), " tool", " returned",
                " " + result + "."};
      // Generated tokens carry their own leading space but for the first.
      const auto tail = generate_tokens(prng, 6 + prng.below(10));
      for (std::size_t i = 0; i < tail.size(); ++i)
        pieces.push_back(i == 0 ? " " + tail[i] : tail[i]);
    } else {
      pieces = generate_tokens(prng, request.length.value_or(10 + prng.below(30)));
    }
    choice.pieces = std::move(pieces);
  }
  choice.finish_reason = trim_content(choice.pieces, request);
  choice.completion_tokens = static_cast<std::uint32_t>(choice.pieces.size());
  return choice;
}

void write_usage(JsonWriter& w, const ChatAnswer& answer) {
  w.begin_object();
  w.key("prompt_tokens").value(answer.prompt_tokens);
  w.key("completion_tokens").value(answer.completion_tokens);
  w.key("total_tokens").value(answer.total_tokens);
  // The detail objects never vary here: written as one constant fragment.
  w.key("prompt_tokens_details").raw(R"({"cached_tokens":0,"audio_tokens":0})");
  w.key("completion_tokens_details")
      .raw(
          R"({"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0})");
  w.end_object();
}

void write_tool_call(JsonWriter& w, const ToolCallRecord& call) {
  w.begin_object().key("id").value(call.id).key("type").value("function");
  w.key("function")
      .begin_object()
      .key("name")
      .value(call.name)
      .key("arguments")
      .value(call.arguments)
      .end_object();
  w.end_object();
}

// The chat stream: chunks of deltas, then the finish, usage and [DONE] steps.
// One step of the chat stream's plan.
struct ChatStep {
  enum class Kind {
    role,
    piece,
    tool_start,
    tool_args,
    finish,
    usage,
    done,
    not_json,
    error_event,
    error_text,
    tail,
    after_done
  };
  Kind kind;
  std::uint32_t choice = 0;
  std::uint32_t item = 0;    // piece or tool call
  std::uint32_t offset = 0;  // argument fragment offset
  bool timed = false;
};

// The chat stream: a role chunk per choice, content and tool-call deltas, the finish, usage and [DONE].
class ChatStream final : public PlannedStream<ChatStep> {
 public:
  ChatStream(ChatAnswer answer, const StreamOptions& options, const FaultSet& faults)
      : PlannedStream(options.timing), answer_(std::move(answer)), options_(options), faults_(faults) {
    plan();
  }

 private:
  using Kind = ChatStep::Kind;
  using Step = ChatStep;

  void plan() {
    const std::size_t choices = answer_.choices.size();
    for (std::uint32_t c = 0; c < choices; ++c)
      steps_.push_back({Kind::role, c, 0, 0, true});
    if (faults_.has(Fault::non_json_chunk)) steps_.push_back({Kind::not_json});
    std::size_t most = 0;
    for (const auto& choice : answer_.choices)
      most = std::max(most, choice.pieces.size());
    std::size_t pieces_sent = 0;
    for (std::uint32_t i = 0; i < most; ++i) {
      for (std::uint32_t c = 0; c < choices; ++c) {
        if (i >= answer_.choices[c].pieces.size()) continue;
        if (options_.error_after_pieces && pieces_sent == *options_.error_after_pieces) {
          steps_.push_back(
              {faults_.has(Fault::stream_error_unstructured) ? Kind::error_text : Kind::error_event});
          return;  // the stream ends at the error
        }
        steps_.push_back({Kind::piece, c, i, 0, true});
        ++pieces_sent;
      }
    }
    for (std::uint32_t c = 0; c < choices; ++c) {
      const auto& calls = answer_.choices[c].tool_calls;
      for (std::uint32_t k = 0; k < calls.size(); ++k) {
        steps_.push_back({Kind::tool_start, c, k, 0, true});
        for (std::uint32_t offset = 0; offset < calls[k].arguments.size(); offset += kArgumentFragment) {
          steps_.push_back({Kind::tool_args, c, k, offset, true});
        }
      }
    }
    if (options_.error_after_pieces) {
      steps_.push_back(
          {faults_.has(Fault::stream_error_unstructured) ? Kind::error_text : Kind::error_event});
      return;
    }
    for (std::uint32_t c = 0; c < choices; ++c)
      steps_.push_back({Kind::finish, c});
    if (options_.include_usage && !faults_.has(Fault::no_usage_chunk)) steps_.push_back({Kind::usage});
    if (!faults_.has(Fault::no_done)) steps_.push_back({Kind::done});
    if (faults_.has(Fault::data_after_done)) steps_.push_back({Kind::after_done});
    if (faults_.has(Fault::sse_unterminated_tail)) steps_.push_back({Kind::tail});
  }

  void begin_chunk(JsonWriter& w) {
    w.begin_object();
    std::string id = answer_.id;
    if (faults_.has(Fault::chunk_id_changes)) id += "-" + std::to_string(chunk_number_);
    ++chunk_number_;
    w.key("id").value(id).key("object").value("chat.completion.chunk");
    w.key("created").value(answer_.created).key("model").value(answer_.model);
    w.key("service_tier").value("default").key("system_fingerprint").value(answer_.fingerprint);
  }

  void end_chunk(JsonWriter& w, bool usage_member) {
    if (options_.include_usage && usage_member) w.key("usage").null();
    w.end_object();
  }

  // {"index":c,"delta":{...},"logprobs":null,"finish_reason":...}
  template <class Delta>
  void choice_chunk(std::string& out, std::uint32_t c, Delta&& delta, const char* finish) {
    std::string json_text;
    JsonWriter w(json_text);
    begin_chunk(w);
    w.key("choices").begin_array().begin_object().key("index").value(c).key("delta").begin_object();
    delta(w);
    w.end_object().key("logprobs").null().key("finish_reason");
    if (finish != nullptr) {
      w.value(finish);
    } else {
      w.null();
    }
    w.end_object().end_array();
    end_chunk(w, true);
    core::append_sse_event(out, json_text);
  }

  void tool_start(const Step& step, std::string& out) {
    const auto& call = answer_.choices[step.choice].tool_calls[step.item];
    const bool broken = faults_.has(Fault::tool_call_deltas_broken);
    choice_chunk(
        out, step.choice,
        [&](JsonWriter& w) {
          w.key("tool_calls").begin_array().begin_object().key("index").value(step.item);
          if (!broken) w.key("id").value(call.id).key("type").value("function");
          w.key("function").begin_object();
          if (!broken) w.key("name").value(call.name);
          w.key("arguments").value("").end_object().end_object().end_array();
        },
        nullptr);
  }

  void tool_args(const Step& step, std::string& out) {
    const auto& call = answer_.choices[step.choice].tool_calls[step.item];
    // With the broken-deltas fault, the id and name ride along with the first fragment instead.
    const bool late_identity = faults_.has(Fault::tool_call_deltas_broken) && step.offset == 0;
    choice_chunk(
        out, step.choice,
        [&](JsonWriter& w) {
          w.key("tool_calls").begin_array().begin_object().key("index").value(step.item);
          if (late_identity) w.key("id").value(call.id).key("type").value("function");
          w.key("function").begin_object();
          if (late_identity) w.key("name").value(call.name);
          w.key("arguments").value(call.arguments.substr(step.offset, kArgumentFragment)).end_object();
          w.end_object().end_array();
        },
        nullptr);
  }

  void usage_chunk(std::string& out) {
    std::string json_text;
    JsonWriter w(json_text);
    begin_chunk(w);
    w.key("choices").begin_array().end_array().key("usage");
    write_usage(w, answer_);
    w.end_object();
    core::append_sse_event(out, json_text);
  }

  void render(const Step& step, std::string& out) override {
    switch (step.kind) {
      case Kind::role:
        choice_chunk(
            out, step.choice,
            [&](JsonWriter& w) {
              if (!faults_.has(Fault::role_not_first)) w.key("role").value("assistant");
              w.key("content").value("").key("refusal").null();
            },
            nullptr);
        return;
      case Kind::piece:
        choice_chunk(
            out, step.choice,
            [&](JsonWriter& w) { w.key("content").value(answer_.choices[step.choice].pieces[step.item]); },
            nullptr);
        return;
      case Kind::tool_start:
        return tool_start(step, out);
      case Kind::tool_args:
        return tool_args(step, out);
      case Kind::finish: {
        const std::string reason = answer_.choices[step.choice].finish_reason;
        const bool drop = faults_.has(Fault::no_finish_reason);
        choice_chunk(
            out, step.choice, [](JsonWriter&) {}, drop ? nullptr : reason.c_str());
        return;
      }
      case Kind::usage:
        return usage_chunk(out);
      case Kind::done:
        out += "data: [DONE]\n\n";
        return;
      case Kind::after_done:
        choice_chunk(
            out, 0, [](JsonWriter& w) { w.key("content").value(" (late)"); }, nullptr);
        return;
      case Kind::not_json:
        out += "data: keep-alive\n\n";
        return;
      case Kind::error_event:
        out += kStreamErrorEvent;
        return;
      case Kind::error_text:
        out += kStreamErrorText;
        return;
      case Kind::tail:
        out += "data: {\"id\":\"tail\"}\n";
        return;
    }
  }

  ChatAnswer answer_;
  StreamOptions options_;
  FaultSet faults_;
  std::size_t chunk_number_ = 0;
};

class ErrorStream final : public EventSource {
 public:
  explicit ErrorStream(std::string body) : body_(std::move(body)) {}
  bool next(std::string& out, std::chrono::microseconds& delay) override {
    if (sent_) return false;
    sent_ = true;
    delay = std::chrono::microseconds(0);
    core::append_sse_event(out, body_);
    return true;
  }
  void hurry() override {}

 private:
  std::string body_;
  bool sent_ = false;
};

}  // namespace

std::string ChoiceAnswer::content() const {
  std::string text;
  for (const auto& piece : pieces)
    text += piece;
  return text;
}

void require_within_generation_limit(const ChatRequest& request, std::uint64_t max_generated_tokens) {
  const std::uint64_t longest = request.length.value_or(40);
  if (request.n * longest <= max_generated_tokens) return;
  throw Rejected{ApiError::invalid("n x length asks for " + std::to_string(request.n * longest) +
                                       " generated tokens; this mock generates at most " +
                                       std::to_string(max_generated_tokens) +
                                       " per request (--max-generated-tokens).",
                                   "n", "generation_limit")};
}

ChatAnswer compose_answer(const ChatRequest& request, std::int64_t created, const FaultSet& faults) {
  ChatAnswer answer;
  const std::uint64_t seed = faults.has(Fault::stream_differs) && request.stream
                                 ? mix64(request.content_seed ^ 0xd1ff)
                                 : request.content_seed;
  answer.id = make_id("chatcmpl-", request.content_seed);
  answer.created = created;
  answer.model = request.model;
  answer.fingerprint = "fp_" + make_id("", hash64(request.model), 10);
  for (std::uint32_t i = 0; i < request.n; ++i) {
    answer.choices.push_back(compose_choice(request, mix64(seed + i), faults));
    if (faults.has(Fault::content_filter)) {  // the filter stops the answer after its first words
      auto& stopped = answer.choices.back();
      stopped.pieces.resize(std::min<std::size_t>(stopped.pieces.size(), 2));
      stopped.tool_calls.clear();
      stopped.finish_reason = "content_filter";
      stopped.completion_tokens = static_cast<std::uint32_t>(stopped.pieces.size());
    }
    answer.completion_tokens += answer.choices.back().completion_tokens;
  }
  answer.prompt_tokens = request.prompt_tokens;
  if (faults.has(Fault::usage_zero)) answer.prompt_tokens = answer.completion_tokens = 0;
  answer.off_spec = faults.has(Fault::fields_off_spec);
  answer.total_tokens =
      answer.prompt_tokens + answer.completion_tokens + (faults.has(Fault::usage_inconsistent) ? 7 : 0);
  return answer;
}

std::string render_completion(const ChatAnswer& answer) {
  std::string out;
  out.reserve(1024);
  JsonWriter w(out);
  w.begin_object();
  w.key("id").value(answer.id).key("object").value("chat.completion");
  w.key("created");
  answer.off_spec ? w.value(std::to_string(answer.created)) : w.value(answer.created);
  w.key("model").value(answer.model);
  w.key("choices").begin_array();
  for (std::size_t i = 0; i < answer.choices.size(); ++i) {
    const auto& choice = answer.choices[i];
    w.begin_object().key("index");
    answer.off_spec ? w.value(std::to_string(i)) : w.value(static_cast<std::uint64_t>(i));
    w.key("message").begin_object().key("role").value("assistant").key("content");
    if (choice.tool_calls.empty()) {
      w.value(choice.content());
    } else {
      w.null();
    }
    if (!answer.off_spec) w.key("refusal").null();
    if (!choice.tool_calls.empty()) {
      w.key("tool_calls").begin_array();
      for (const auto& call : choice.tool_calls)
        write_tool_call(w, call);
      w.end_array();
    }
    w.key("annotations").begin_array().end_array().end_object();
    if (!answer.off_spec) w.key("logprobs").null();
    w.key("finish_reason").value(choice.finish_reason).end_object();
  }
  w.end_array();
  w.key("usage");
  write_usage(w, answer);
  w.key("service_tier").value("default").key("system_fingerprint");
  answer.off_spec ? w.value(std::int64_t{20240718}) : w.value(answer.fingerprint);
  w.end_object();
  return out;
}

std::unique_ptr<EventSource> make_chat_stream(ChatAnswer answer, const StreamOptions& options,
                                              const FaultSet& faults) {
  return std::make_unique<ChatStream>(std::move(answer), options, faults);
}

std::unique_ptr<EventSource> make_error_stream(std::string error_body) {
  return std::make_unique<ErrorStream>(std::move(error_body));
}

}  // namespace gatecheck::mock
