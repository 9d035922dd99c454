// POST {base}/chat/completions

#include <algorithm>
#include <optional>
#include <utility>

#include <gatecheck/core/document.hpp>

#include "call_context.hpp"
#include "chat_answer.hpp"
#include "chat_request.hpp"
#include "request_checks.hpp"

namespace gatecheck::mock {
namespace {

bool asks_for_stream(std::string_view body, const vendor::Profile& profile) {
  if (profile.always_stream) return true;
  const auto document = core::parse_untrusted_json(body, 128);
  // Compared, not converted: `"stream": "yes"` is the validator's 400 to give, not an exception here.
  if (!document.is_object()) return false;
  const auto stream = document.find("stream");
  return stream != document.end() && *stream == true;
}

// The clamps-out-of-range fault: a gateway that quietly clamps a value the API refuses (temperature: 5
// becomes 2) instead of refusing it. The profile's ranges, for the parameters a gateway clamps.
std::optional<std::pair<double, double>> clamp_range(const vendor::Profile& profile,
                                                     const std::string& param) {
  if (param == "temperature") return std::pair(profile.temperature_min, profile.temperature_max);
  if (param == "top_p") return std::pair(profile.top_p_min, profile.top_p_max);
  if (param == "presence_penalty" || param == "frequency_penalty")
    return std::pair(profile.penalty_min, profile.penalty_max);
  return std::nullopt;
}

ChatRequest read_or_clamp(const CallContext& context) {
  const auto& profile = context.profile();
  std::string body(context.request.body);
  for (int attempt = 0;; ++attempt) {
    try {
      return read_chat_request(body, profile, context.options.seed);
    } catch (const Rejected& rejected) {
      const auto& error = rejected.error;
      if (!context.faults().has(Fault::clamps_out_of_range) || attempt == 4 || !error.param.is_string())
        throw;
      const auto range = clamp_range(profile, error.param.get<std::string>());
      auto document = core::parse_untrusted_json(body, 128);
      if (!range || !document.is_object() || !document[error.param.get<std::string>()].is_number()) throw;
      auto& value = document[error.param.get<std::string>()];
      value = std::clamp(value.get<double>(), range->first, range->second);
      body = document.dump();
    }
  }
}

Reply answer(CallContext& context) {
  const auto& profile = context.profile();
  ChatRequest request = read_or_clamp(context);
  request.length = context.controls.length.get();
  request.scripted = context.take_answer();
  require_within_generation_limit(request, context.options.max_generated_tokens);
  const auto& asked =
      require_model(profile, request.model, "chat",
                    "This is not a chat model and thus not supported in the v1/chat/completions endpoint.");
  request.model = route_model(context, asked).id;
  if (!profile.has("chat.completions.image_input")) {
    for (std::size_t i = 0; i < request.messages.size(); ++i) {
      if (request.messages[i].images > 0) {
        throw Rejected{ApiError::invalid("Image inputs are not supported by this model.",
                                         "messages[" + std::to_string(i) + "].content",
                                         "unsupported_content")};
      }
    }
  }
  if (request.stream && !profile.has("chat.completions.stream")) {
    throw Rejected{ApiError::invalid("Streaming is not supported.", "stream", nullptr)};
  }
  ChatAnswer composed = compose_answer(request, context.created, context.faults());
  context.tokens_used = composed.total_tokens;
  if (!request.stream) return json_reply(200, render_completion(composed));

  StreamOptions options;
  options.include_usage = request.include_usage;
  options.timing = context.controls.timing;
  options.error_after_pieces = context.controls.stream_error_after.get();
  return event_stream_reply(make_chat_stream(std::move(composed), options, context.faults()),
                            context.faults());
}

}  // namespace

Reply chat_completions_endpoint(CallContext& context) {
  try {
    return answer(context);
  } catch (const Rejected& rejected) {
    // A defect on purpose: an error found before the first token goes out as a 200 stream carrying an error
    // event.
    if (!context.faults().has(Fault::error_as_200_event) ||
        !asks_for_stream(context.request.body, context.profile())) {
      throw;
    }
    Reply reply;
    reply.stream = make_error_stream(render_error(context.profile(), rejected.error, context.request_id));
    reply.headers.emplace_back("Content-Type", "text/event-stream; charset=utf-8");
    return reply;
  }
}

}  // namespace gatecheck::mock
