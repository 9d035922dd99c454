// POST {base}/responses, GET and DELETE {base}/responses/{id}: the Responses API. The request is read into
// the chat generator's terms (responses_request.hpp), so one generator answers both APIs; the store keeps
// answers for GET and previous_response_id (response_store.hpp).
#include <gatecheck/core/json_writer.hpp>

#include "call_context.hpp"
#include "generator.hpp"
#include "response_store.hpp"
#include "responses_answer.hpp"

namespace gatecheck::mock {
namespace {

ApiError response_not_found(std::string_view id) {
  return ApiError{404, "Response with id '" + std::string(id) + "' not found.", {}, nullptr, nullptr, {}};
}

ResponseStore& store_of(const CallContext& context) {
  if (context.responses == nullptr)
    throw std::logic_error("the responses endpoint was called without a store");
  return *context.responses;
}

// The conversation the generator answers: the instructions, the earlier turns previous_response_id names,
// then this turn's input; an earlier turn's content seed carries into this one's.
void assemble_conversation(const CallContext& context, ResponsesRequest& request) {
  std::vector<ChatMessage> messages;
  if (request.echo.instructions) messages.push_back({"system", *request.echo.instructions, 0, {}, {}});
  if (request.echo.previous_response_id) {
    const auto previous = store_of(context).get(*request.echo.previous_response_id);
    if (!previous) {
      throw Rejected{ApiError::invalid(
          "Previous response with id '" + *request.echo.previous_response_id + "' not found.",
          "previous_response_id", "previous_response_not_found")};
    }
    messages.insert(messages.end(), previous->conversation.begin(), previous->conversation.end());
    request.chat.content_seed = mix64(request.chat.content_seed ^ previous->content_seed);
  }
  if (request.chat.messages.empty() && !request.echo.previous_response_id)
    throw Rejected{
        ApiError::invalid("Missing required parameter: 'input'.", "input", "missing_required_parameter")};
  messages.insert(messages.end(), request.chat.messages.begin(), request.chat.messages.end());
  request.chat.messages = std::move(messages);
  request.chat.prompt_tokens = prompt_tokens_of(request.chat);
}

void keep(const CallContext& context, const ResponsesRequest& request, const ResponseAnswer& answer,
          const std::string& body) {
  StoredResponse stored{body, request.chat.messages, request.chat.content_seed};
  // Earlier turns are kept without the instructions: the API does not carry them over to the next turn.
  if (request.echo.instructions && !stored.conversation.empty())
    stored.conversation.erase(stored.conversation.begin());
  for (auto& message : output_messages(answer))
    stored.conversation.push_back(std::move(message));
  store_of(context).put(answer.id, std::move(stored));
}

}  // namespace

Reply create_response_endpoint(CallContext& context) {
  const auto& profile = context.profile();
  ResponsesRequest request = read_responses_request(context.request.body, profile, context.options.seed);
  request.chat.length = context.controls.length.get();
  request.chat.scripted = context.take_answer();
  require_within_generation_limit(request.chat, context.options.max_generated_tokens);
  require_model(profile, request.chat.model, "chat",
                "The model `" + request.chat.model + "` does not support the Responses API.");
  assemble_conversation(context, request);
  if (request.chat.stream && !profile.has("responses.stream"))
    throw Rejected{ApiError::invalid("Streaming is not supported.", "stream", nullptr)};
  ResponseAnswer answer =
      compose_response(request, compose_answer(request.chat, context.created, context.faults()));
  context.tokens_used = answer.total_tokens;
  const std::string body = render_response(answer);
  if (request.echo.store) keep(context, request, answer, body);
  if (!request.chat.stream) return json_reply(200, body);

  StreamOptions options;
  options.timing = context.controls.timing;
  options.error_after_pieces = context.controls.stream_error_after.get();
  return event_stream_reply(make_responses_stream(std::move(answer), options, context.faults()),
                            context.faults());
}

Reply retrieve_response_endpoint(CallContext& context) {
  const auto stored = store_of(context).get(context.parameter);
  if (!stored) throw Rejected{response_not_found(context.parameter)};
  return json_reply(200, stored->body);
}

Reply delete_response_endpoint(CallContext& context) {
  if (!store_of(context).erase(context.parameter)) throw Rejected{response_not_found(context.parameter)};
  std::string out;
  core::JsonWriter(out)
      .begin_object()
      .key("id")
      .value(context.parameter)
      .key("object")
      .value("response")
      .key("deleted")
      .value(true)
      .end_object();
  return json_reply(200, std::move(out));
}

}  // namespace gatecheck::mock
