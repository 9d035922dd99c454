// What an endpoint sees of one request: the request, the server's options, the controls the request carries
// (parsed once, controls.hpp), and what the endpoint reports back (tokens used). Endpoints include this small
// header, never the app: they cannot reach the server's state.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gatecheck/mock/server.hpp>

#include "api_error.hpp"
#include "controls.hpp"
#include "exchange.hpp"

namespace gatecheck::mock {

class ResponseStore;

struct CallContext {
  const Request& request;
  const ServerOptions& options;
  Controls controls{};
  std::string request_id{};
  std::int64_t created = 0;       // Unix seconds, or the fixed clock
  std::string_view parameter{};   // the route's `*` ("gpt-4o" in models/gpt-4o), percent-decoded by the route
  std::uint64_t tokens_used = 0;  // set by endpoints, charged to the token bucket
  // The one piece of the server's state an endpoint may use: the Responses API's stored answers, lent by
  // the app for this call.
  ResponseStore* responses = nullptr;
  // A stub that matched and let the endpoint answer (answer:, fault:, pacing:): its id, for the journal, and
  // the headers and delay it adds.
  std::string stub_id{};
  std::vector<std::pair<std::string, std::string>> stub_headers{};
  std::chrono::milliseconds stub_delay{0};

  bool answer_taken = false;  // an endpoint read the stub's fixed answer (see take_answer)
  std::string plan{};         // the key's rate-limit plan (empty: the profile's default)
  // What answered, for the profile's computed response headers ({model}, {provider}, {fallback}): set by
  // the endpoints that serve a model (route_model).
  const vendor::ModelClaim* served_model = nullptr;
  bool fallback = false;
  // An Idempotency-Key's first answer again: that answer's request id, which the answer shows (the journal
  // keeps this call's own).
  std::string replay_of{};
  std::string replay_model{};  // the model that served the first answer

  const vendor::Profile& profile() const { return options.profile; }
  // The stub's fixed answer, for the endpoints that generate text (chat, completions, Responses); an answer
  // no endpoint took is the stub's mistake, and the app says so.
  std::shared_ptr<const ScriptedAnswer> take_answer() {
    answer_taken = true;
    return controls.answer;
  }
  const FaultSet& faults() const { return controls.faults; }
};

// The endpoints, one file each (the Responses API's three in one).
Reply chat_completions_endpoint(CallContext& context);
Reply embeddings_endpoint(CallContext& context);
Reply moderations_endpoint(CallContext& context);
Reply completions_endpoint(CallContext& context);
Reply speech_endpoint(CallContext& context);
Reply transcriptions_endpoint(CallContext& context);
Reply translations_endpoint(CallContext& context);
Reply image_generations_endpoint(CallContext& context);
Reply image_edits_endpoint(CallContext& context);
Reply image_file_endpoint(CallContext& context);
Reply create_response_endpoint(CallContext& context);
Reply retrieve_response_endpoint(CallContext& context);
Reply delete_response_endpoint(CallContext& context);
Reply list_models_endpoint(CallContext& context);
Reply retrieve_model_endpoint(CallContext& context);
Reply messages_endpoint(CallContext& context);  // Anthropic's Messages API
// The discovery documents the profile claims (/openapi.json, /llms.txt, /.well-known/...), or nullopt when
// the path is not one of them.
std::optional<Reply> discovery_document(const CallContext& context);

// The API's 404 for an unknown model id, worded as the profile claims (errors.unknown_model).
ApiError model_not_found(const vendor::Profile& profile, const std::string& model_id);
// The model that answers a request for `requested`, after the profile's routing: eco-mode's cheaper model
// when the key's plan has eco and the request did not opt out; under the upstream-down fault the fallback
// when the plan allows it, else the upstream_down condition (thrown). Recorded in served_model.
const vendor::ModelClaim& route_model(CallContext& context, const vendor::ModelClaim& requested);
// The profile's error for a vendor condition (upstream_down, server_error, ...).
ApiError condition_error(const vendor::Profile& profile, std::string_view condition);
// Throws the error of the vendor condition a fault brings about for this keyed request: every condition on
// every route, but upstream_down on the route whose models are routed (chat completions), where route_model
// decides between the fallback and the error, and the upstream ones only where a provider is asked (POST).
void refuse_in_conditions(const CallContext& context, std::string_view route_path);
// The profile's model of that id and kind; throws Rejected: the 404 above, or a 400 naming `model` with the
// endpoint's own wording when the model is of another kind.
const vendor::ModelClaim& require_model(const vendor::Profile& profile, const std::string& model_id,
                                        std::string_view kind, std::string not_this_kind);
// JSON with Content-Type application/json.
Reply json_reply(int status, std::string body);
// A 200 SSE answer (text/event-stream, no-cache), or, under the sse-content-type fault, labelled JSON.
Reply event_stream_reply(std::unique_ptr<EventSource> stream, const FaultSet& faults);

}  // namespace gatecheck::mock
