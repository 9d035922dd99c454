#include "responses_answer.hpp"

#include <functional>

#include <gatecheck/core/json_writer.hpp>
#include <gatecheck/core/sse.hpp>

#include "generator.hpp"
#include "planned_stream.hpp"

namespace gatecheck::mock {
namespace {

using core::JsonWriter;

constexpr std::size_t kArgumentFragment = 8;  // characters of function-call arguments per delta event

enum class Stage { in_progress, final, failed };
enum class ItemState { added, done };

const char* status_of(const ResponseAnswer& answer, Stage stage) {
  if (stage == Stage::in_progress) return "in_progress";
  if (stage == Stage::failed) return "failed";
  return answer.incomplete() ? "incomplete" : "completed";
}

void write_part(JsonWriter& w, const std::string& text) {
  w.begin_object().key("type").value("output_text").key("annotations").begin_array().end_array();
  w.key("logprobs").begin_array().end_array().key("text").value(text).end_object();
}

void write_message_item(JsonWriter& w, const ResponseAnswer& answer, ItemState state) {
  w.begin_object().key("id").value(answer.message_id).key("type").value("message");
  w.key("status").value(state == ItemState::added ? "in_progress"
                        : answer.incomplete()     ? "incomplete"
                                                  : "completed");
  w.key("content").begin_array();
  if (state == ItemState::done) write_part(w, answer.choice.content());
  w.end_array().key("role").value("assistant").end_object();
}

void write_call_item(JsonWriter& w, const ResponseAnswer& answer, std::size_t k, ItemState state) {
  const auto& call = answer.choice.tool_calls[k];
  w.begin_object().key("id").value(answer.call_ids[k]).key("type").value("function_call");
  w.key("status").value(state == ItemState::added ? "in_progress" : "completed");
  w.key("arguments").value(state == ItemState::added ? std::string() : call.arguments);
  w.key("call_id").value(call.id).key("name").value(call.name).end_object();
}

void write_usage(JsonWriter& w, const ResponseAnswer& answer) {
  w.begin_object().key("input_tokens").value(answer.input_tokens);
  w.key("input_tokens_details").raw(R"({"cached_tokens":0,"cache_write_tokens":0})");
  w.key("output_tokens").value(answer.output_tokens);
  w.key("output_tokens_details").raw(R"({"reasoning_tokens":0})");
  w.key("total_tokens").value(answer.total_tokens).end_object();
}

template <class T>
void optional_value(JsonWriter& w, const std::optional<T>& value) {
  if (value) {
    w.value(*value);
  } else {
    w.null();
  }
}

void write_output(JsonWriter& w, const ResponseAnswer& answer, Stage stage) {
  w.begin_array();
  if (stage == Stage::final) {
    if (answer.choice.tool_calls.empty()) write_message_item(w, answer, ItemState::done);
    for (std::size_t k = 0; k < answer.choice.tool_calls.size(); ++k)
      write_call_item(w, answer, k, ItemState::done);
  }
  w.end_array();
}

// The Response object at a stage of its life: in progress (no output yet), final, or failed.
void write_response(JsonWriter& w, const ResponseAnswer& answer, Stage stage) {
  w.begin_object().key("id").value(answer.id).key("object").value("response").key("created_at");
  answer.off_spec ? w.value(std::to_string(answer.created)) : w.value(answer.created);
  w.key("status").value(status_of(answer, stage)).key("background").value(false).key("error");
  if (stage == Stage::failed) {
    w.raw(R"({"code":"server_error","message":"The server had an error while processing your request."})");
  } else {
    w.null();
  }
  w.key("incomplete_details");
  stage == Stage::final&& answer.incomplete() ? w.raw(R"({"reason":"max_output_tokens"})") : w.null();
  w.key("instructions");
  optional_value(w, answer.echo.instructions);
  w.key("max_output_tokens");
  optional_value(w, answer.echo.max_output_tokens);
  w.key("model").value(answer.model).key("output");
  write_output(w, answer, stage);
  w.key("parallel_tool_calls").value(answer.parallel_tool_calls).key("previous_response_id");
  optional_value(w, answer.echo.previous_response_id);
  w.key("reasoning").raw(R"({"effort":null,"summary":null})").key("store").value(answer.echo.store);
  w.key("temperature").value(answer.echo.temperature);
  w.key("text").begin_object().key("format").raw(answer.echo.format_json).key("verbosity").value("medium");
  w.end_object()
      .key("tool_choice")
      .raw(answer.echo.tool_choice_json)
      .key("tools")
      .raw(answer.echo.tools_json);
  w.key("top_p").value(answer.echo.top_p).key("truncation").value("disabled");
  // usage comes with the final Response (the reference's usage object is not nullable); `user` is left out,
  // as the deprecated member is a non-nullable string.
  if (stage == Stage::final) {
    w.key("usage");
    write_usage(w, answer);
  }
  w.key("metadata").raw(answer.echo.metadata_json).end_object();
}

// One step of the Responses stream's plan.
struct ResponsesStep {
  enum class Kind {
    created,
    in_progress,
    item_added,
    part_added,
    text_delta,
    text_done,
    part_done,
    arguments_delta,
    arguments_done,
    item_done,
    terminal,
    failed,
    error_text,
    not_json,
    tail
  };
  Kind kind;
  std::uint32_t item = 0;   // output_index
  std::uint32_t piece = 0;  // text piece, or argument offset
  bool timed = false;
};

// The typed event stream: the Response's life, each output item's, and one terminal event.
class ResponsesStream final : public PlannedStream<ResponsesStep> {
 public:
  ResponsesStream(ResponseAnswer answer, const StreamOptions& options, const FaultSet& faults)
      : PlannedStream(options.timing, true), answer_(std::move(answer)), options_(options), faults_(faults) {
    plan();
  }

 private:
  using Kind = ResponsesStep::Kind;
  using Step = ResponsesStep;

  void plan_message(std::size_t& pieces_sent, bool& cut) {
    steps_.push_back({Kind::item_added});
    steps_.push_back({Kind::part_added});
    const auto& pieces = answer_.choice.pieces;
    for (std::uint32_t i = 0; i < pieces.size(); ++i) {
      if (options_.error_after_pieces && pieces_sent == *options_.error_after_pieces) {
        cut = true;
        return;
      }
      // The delta-drift fault: a proxy that loses one delta while passing the done events through.
      if (!(faults_.has(Fault::responses_delta_drift) && i == 1))
        steps_.push_back({Kind::text_delta, 0, i, true});
      ++pieces_sent;
    }
    steps_.push_back({Kind::text_done});
    steps_.push_back({Kind::part_done});
    if (!faults_.has(Fault::responses_item_unclosed)) steps_.push_back({Kind::item_done});
  }

  void plan_call(std::uint32_t k) {
    steps_.push_back({Kind::item_added, k});
    const auto& arguments = answer_.choice.tool_calls[k].arguments;
    for (std::uint32_t offset = 0, n = 0; offset < arguments.size(); offset += kArgumentFragment, ++n)
      if (!(faults_.has(Fault::responses_delta_drift) && n == 1))
        steps_.push_back({Kind::arguments_delta, k, offset, true});
    steps_.push_back({Kind::arguments_done, k});
    if (!(faults_.has(Fault::responses_item_unclosed) && k == 0)) steps_.push_back({Kind::item_done, k});
  }

  void plan() {
    steps_.push_back({Kind::created});
    steps_.push_back({Kind::in_progress});
    if (faults_.has(Fault::non_json_chunk)) steps_.push_back({Kind::not_json});
    std::size_t pieces_sent = 0;
    bool cut = false;
    if (answer_.choice.tool_calls.empty()) plan_message(pieces_sent, cut);
    for (std::uint32_t k = 0; k < answer_.choice.tool_calls.size(); ++k)
      plan_call(k);
    if (cut || options_.error_after_pieces) {
      steps_.push_back({faults_.has(Fault::stream_error_unstructured) ? Kind::error_text : Kind::failed});
      return;  // the stream ends at the error
    }
    if (!faults_.has(Fault::responses_no_terminal)) steps_.push_back({Kind::terminal});
    if (faults_.has(Fault::sse_unterminated_tail)) steps_.push_back({Kind::tail});
  }

  // One typed event: `event: <type>` and the data, which repeats the type and numbers the event.
  template <class Body>
  void event(std::string& out, const char* type, Body&& body) {
    std::string data;
    JsonWriter w(data);
    // The sequence-repeats fault: a relay that numbers its own events, one behind from the third on.
    const std::size_t number =
        faults_.has(Fault::responses_sequence_repeats) && sequence_ >= 2 ? sequence_ - 1 : sequence_;
    ++sequence_;
    w.begin_object().key("type").value(type).key("sequence_number").value(static_cast<std::uint64_t>(number));
    body(w);
    w.end_object();
    core::append_sse_event(out, data, type);
  }

  void item_event(std::string& out, const char* type, std::uint32_t k, ItemState state) {
    event(out, type, [&](JsonWriter& w) {
      w.key("output_index").value(k).key("item");
      answer_.choice.tool_calls.empty() ? write_message_item(w, answer_, state)
                                        : write_call_item(w, answer_, k, state);
    });
  }

  void text_event(std::string& out, const char* type, const std::function<void(JsonWriter&)>& body) {
    event(out, type, [&](JsonWriter& w) {
      w.key("item_id").value(answer_.message_id).key("output_index").value(0).key("content_index").value(0);
      body(w);
    });
  }

  void call_event(std::string& out, const char* type, std::uint32_t k,
                  const std::function<void(JsonWriter&)>& body) {
    event(out, type, [&](JsonWriter& w) {
      w.key("item_id").value(answer_.call_ids[k]).key("output_index").value(k);
      body(w);
    });
  }

  void response_event(std::string& out, const char* type, Stage stage) {
    event(out, type, [&](JsonWriter& w) {
      w.key("response");
      write_response(w, answer_, stage);
    });
  }

  void render(const Step& step, std::string& out) override {
    const auto& calls = answer_.choice.tool_calls;
    switch (step.kind) {
      case Kind::created:
        return response_event(out, "response.created", Stage::in_progress);
      case Kind::in_progress:
        return response_event(out, "response.in_progress", Stage::in_progress);
      case Kind::item_added:
        return item_event(out, "response.output_item.added", step.item, ItemState::added);
      case Kind::part_added:
        return text_event(out, "response.content_part.added", [](JsonWriter& w) {
          w.key("part");
          write_part(w, "");
        });
      case Kind::text_delta:
        return text_event(out, "response.output_text.delta", [&](JsonWriter& w) {
          w.key("delta").value(answer_.choice.pieces[step.piece]).key("logprobs").begin_array().end_array();
        });
      case Kind::text_done:
        return text_event(out, "response.output_text.done", [&](JsonWriter& w) {
          w.key("text").value(answer_.choice.content()).key("logprobs").begin_array().end_array();
        });
      case Kind::part_done:
        return text_event(out, "response.content_part.done", [&](JsonWriter& w) {
          w.key("part");
          write_part(w, answer_.choice.content());
        });
      case Kind::arguments_delta:
        return call_event(out, "response.function_call_arguments.delta", step.item, [&](JsonWriter& w) {
          w.key("delta").value(calls[step.item].arguments.substr(step.piece, kArgumentFragment));
        });
      case Kind::arguments_done:
        return call_event(out, "response.function_call_arguments.done", step.item, [&](JsonWriter& w) {
          w.key("arguments").value(calls[step.item].arguments).key("name").value(calls[step.item].name);
        });
      case Kind::item_done:
        return item_event(out, "response.output_item.done", step.item, ItemState::done);
      case Kind::terminal:
        return response_event(out, answer_.incomplete() ? "response.incomplete" : "response.completed",
                              Stage::final);
      case Kind::failed:
        return response_event(out, "response.failed", Stage::failed);
      case Kind::error_text:
        out += kStreamErrorText;
        return;
      case Kind::not_json:
        out += "data: keep-alive\n\n";
        return;
      case Kind::tail:
        out += "event: response.completed\ndata: {\"type\":\"response.completed\"}\n";
        return;
    }
  }

  ResponseAnswer answer_;
  StreamOptions options_;
  FaultSet faults_;
  std::size_t sequence_ = 0;
};

}  // namespace

ResponseAnswer compose_response(const ResponsesRequest& request, ChatAnswer answer) {
  ResponseAnswer out;
  const std::uint64_t seed = request.chat.content_seed;
  // store shapes the id, not the content: a stored and an unstored answer to the same input never share an
  // id, so a GET after store: false is a 404 whatever was stored before.
  out.id = make_id("resp_", request.echo.store ? seed : mix64(seed ^ 0x5703e), 48);
  out.created = answer.created;
  out.model = answer.model;
  out.message_id = make_id("msg_", mix64(seed ^ 0x6d73), 48);
  out.choice = std::move(answer.choices.front());
  for (std::size_t k = 0; k < out.choice.tool_calls.size(); ++k)
    out.call_ids.push_back(make_id("fc_", mix64(seed ^ (0xfc00 + k)), 48));
  out.input_tokens = answer.prompt_tokens;
  out.output_tokens = answer.completion_tokens;
  out.total_tokens = answer.total_tokens;
  out.off_spec = answer.off_spec;
  out.parallel_tool_calls = request.chat.parallel_tool_calls;
  out.echo = request.echo;
  return out;
}

std::string render_response(const ResponseAnswer& answer) {
  std::string out;
  out.reserve(1024);
  JsonWriter w(out);
  write_response(w, answer, Stage::final);
  return out;
}

std::vector<ChatMessage> output_messages(const ResponseAnswer& answer) {
  ChatMessage message;
  message.role = "assistant";
  if (answer.choice.tool_calls.empty()) message.text = answer.choice.content();
  message.tool_calls = answer.choice.tool_calls;
  return {message};
}

std::unique_ptr<EventSource> make_responses_stream(ResponseAnswer answer, const StreamOptions& options,
                                                   const FaultSet& faults) {
  return std::make_unique<ResponsesStream>(std::move(answer), options, faults);
}

}  // namespace gatecheck::mock
