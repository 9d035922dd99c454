// POST {base}/messages: Anthropic's Messages API, for gateways that translate OpenAI requests to Anthropic.
// The chat generator says what the answer says; this file lays it out as a message (content blocks of text
// and tool_use, stop_reason, usage) or as its event stream: message_start, per block content_block_start,
// its deltas, content_block_stop, then message_delta and message_stop; `event: error` when it fails midway.
#include <gatecheck/core/document.hpp>
#include <gatecheck/core/json_writer.hpp>

#include "call_context.hpp"
#include "chat_answer.hpp"
#include "generator.hpp"
#include "messages_request.hpp"
#include "planned_stream.hpp"
#include "request_checks.hpp"

namespace gatecheck::mock {
namespace {

using core::JsonWriter;

std::string stop_reason(const ChoiceAnswer& choice) {
  if (choice.finish_reason == "length") return "max_tokens";
  if (choice.finish_reason == "tool_calls") return "tool_use";
  return "end_turn";
}

std::string tool_id(const ChatAnswer& answer, std::size_t index) {
  return make_id("toolu_", hash64(answer.id) + index, 24);
}

void write_tool_use(JsonWriter& w, const ChatAnswer& answer, std::size_t index, bool with_input) {
  const auto& call = answer.choices.front().tool_calls[index];
  w.begin_object().key("type").value("tool_use").key("id").value(tool_id(answer, index));
  w.key("name").value(call.name).key("input");
  if (with_input) {
    // Arguments that are not JSON (the tool-args-not-json fault) go as the text they are.
    const auto input = core::parse_untrusted_json(call.arguments, 64);
    input.is_discarded() ? w.value(call.arguments) : w.value(input);
  } else {
    w.begin_object().end_object();
  }
  w.end_object();
}

void write_usage(JsonWriter& w, std::uint32_t input, std::uint32_t output) {
  w.key("usage")
      .begin_object()
      .key("input_tokens")
      .value(input)
      .key("output_tokens")
      .value(output)
      .end_object();
}

// The message as a whole: also message_start's, with no content yet and one output token.
std::string render_message(const ChatAnswer& answer, bool started) {
  const ChoiceAnswer& choice = answer.choices.front();
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("id").value(answer.id).key("type").value("message").key("role").value("assistant");
  w.key("model").value(answer.model).key("content").begin_array();
  if (!started) {
    if (choice.tool_calls.empty() || !choice.pieces.empty())
      w.begin_object().key("type").value("text").key("text").value(choice.content()).end_object();
    for (std::size_t i = 0; i < choice.tool_calls.size(); ++i)
      write_tool_use(w, answer, i, true);
  }
  w.end_array();
  w.key("stop_reason");
  started ? w.null() : w.value(stop_reason(choice));
  w.key("stop_sequence").null();
  write_usage(w, answer.prompt_tokens, started ? 1 : choice.completion_tokens);
  w.end_object();
  return out;
}

struct MessagesStep {
  enum class Kind {
    start,
    text_start,
    ping,
    text,
    block_stop,
    tool_start,
    tool_input,
    message_delta,
    stop,
    error
  };
  Kind kind;
  std::size_t index = 0;  // the piece, or the tool call
  std::size_t block = 0;  // the content block's index
  bool timed = false;
};

class MessagesStream final : public PlannedStream<MessagesStep> {
 public:
  MessagesStream(ChatAnswer answer, const StreamOptions& options)
      : PlannedStream(options.timing), answer_(std::move(answer)) {
    plan(options);
  }

 private:
  // The text block (unless the answer is tool calls alone), each tool call's block, the closing events; an
  // error event instead of the rest after error_after_pieces text pieces.
  void plan(const StreamOptions& options) {
    using K = MessagesStep::Kind;
    const ChoiceAnswer& choice = answer_.choices.front();
    steps_.push_back({K::start});
    std::size_t block = 0;
    if (choice.tool_calls.empty() || !choice.pieces.empty()) {
      steps_.push_back({K::text_start, 0, block});
      steps_.push_back({K::ping});
      for (std::size_t i = 0; i < choice.pieces.size(); ++i) {
        if (options.error_after_pieces && i == *options.error_after_pieces)
          return steps_.push_back({K::error});
        steps_.push_back({K::text, i, block, true});
      }
      steps_.push_back({K::block_stop, 0, block++});
    }
    if (options.error_after_pieces) return steps_.push_back({K::error});
    for (std::size_t i = 0; i < choice.tool_calls.size(); ++i) {
      steps_.push_back({K::tool_start, i, block});
      steps_.push_back({K::tool_input, i, block, true});
      steps_.push_back({K::block_stop, i, block++});
    }
    steps_.push_back({K::message_delta});
    steps_.push_back({K::stop});
  }

  void render(const MessagesStep& step, std::string& out) final {
    using K = MessagesStep::Kind;
    std::string data;
    JsonWriter w(data);
    const ChoiceAnswer& choice = answer_.choices.front();
    const char* name = "";
    switch (step.kind) {
      case K::start:
        name = "message_start";
        w.begin_object()
            .key("type")
            .value(name)
            .key("message")
            .raw(render_message(answer_, true))
            .end_object();
        break;
      case K::text_start:
        name = "content_block_start";
        w.begin_object().key("type").value(name).key("index").value(step.block).key("content_block");
        w.begin_object().key("type").value("text").key("text").value("").end_object().end_object();
        break;
      case K::ping:
        name = "ping";
        w.begin_object().key("type").value(name).end_object();
        break;
      case K::text:
        name = "content_block_delta";
        w.begin_object().key("type").value(name).key("index").value(step.block).key("delta").begin_object();
        w.key("type")
            .value("text_delta")
            .key("text")
            .value(choice.pieces[step.index])
            .end_object()
            .end_object();
        break;
      case K::block_stop:
        name = "content_block_stop";
        w.begin_object().key("type").value(name).key("index").value(step.block).end_object();
        break;
      case K::tool_start:
        name = "content_block_start";
        w.begin_object().key("type").value(name).key("index").value(step.block).key("content_block");
        write_tool_use(w, answer_, step.index, false);
        w.end_object();
        break;
      case K::tool_input:
        name = "content_block_delta";
        w.begin_object().key("type").value(name).key("index").value(step.block).key("delta").begin_object();
        w.key("type")
            .value("input_json_delta")
            .key("partial_json")
            .value(choice.tool_calls[step.index].arguments);
        w.end_object().end_object();
        break;
      case K::message_delta:
        name = "message_delta";
        w.begin_object().key("type").value(name).key("delta").begin_object();
        w.key("stop_reason").value(stop_reason(choice)).key("stop_sequence").null().end_object();
        w.key("usage").begin_object().key("output_tokens").value(choice.completion_tokens).end_object();
        w.end_object();
        break;
      case K::stop:
        name = "message_stop";
        w.begin_object().key("type").value(name).end_object();
        break;
      case K::error:
        name = "error";
        data = R"({"type":"error","error":{"type":"api_error","message":"Internal server error"}})";
        break;
    }
    out += "event: ";
    out += name;
    out += "\ndata: " + data + "\n\n";
  }

  ChatAnswer answer_;
};

}  // namespace

Reply messages_endpoint(CallContext& context) {
  const auto& profile = context.profile();
  if (!context.request.header("anthropic-version"))
    throw Rejected{ApiError::invalid("anthropic-version: header is required", "anthropic-version", nullptr)};
  ChatRequest request = read_messages_request(context.request.body, profile, context.options.seed);
  request.length = context.controls.length.get();
  request.scripted = context.take_answer();
  require_within_generation_limit(request, context.options.max_generated_tokens);
  require_model(profile, request.model, "chat", "model: " + request.model + " is not a messages model");
  ChatAnswer composed = compose_answer(request, context.created, context.faults());
  composed.id = make_id("msg_", request.content_seed, 24);
  context.tokens_used = composed.total_tokens;
  if (!request.stream) return json_reply(200, render_message(composed, false));
  StreamOptions options;
  options.timing = context.controls.timing;
  options.error_after_pieces = context.controls.stream_error_after.get();
  return event_stream_reply(std::make_unique<MessagesStream>(std::move(composed), options), context.faults());
}

}  // namespace gatecheck::mock
