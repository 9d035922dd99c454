#include <algorithm>

#include <gatecheck/runner/checks.hpp>

#include "check_evaluation.hpp"
#include "webhook_checks.hpp"

namespace gatecheck::runner {
namespace {

// The APIs whose answers announce rate limits, in a recording judged offline (not an image file a URL
// answer points to, not a discovery document, not an admin call).
constexpr std::string_view kLimitedApis =
    "/chat/completions|/completions|/responses|/embeddings|/moderations|/audio/speech|/audio/transcriptions|/"
    "audio/translations|/images/generations|/images/edits";

// The registry: adding a check is its judge in a family file plus one row here (docs/contributing.md).
constexpr CheckInfo kChecks[] = {
    {"http.complete-response", Severity::must,
     "the response arrives whole: status line, headers and the body its framing announces",
     "RFC 9112 section 6.3 (message body length)", CheckScope::step, false, &complete_response},
    {"http.final-status", Severity::must,
     "a request is answered with a final status, 2xx or a 4xx/5xx error, not a redirect or an interim 1xx "
     "(unless the step expects that status)",
     "RFC 9110 sections 15.2 and 15.4; OpenAI API reference", CheckScope::step, false, &final_status},
    {"http.allow-on-405", Severity::must, "a 405 names the methods the resource allows in an Allow header",
     "RFC 9110 section 15.5.6 (the origin server MUST generate an Allow header field in a 405)",
     CheckScope::exchange, false, &allow_on_405},
    {"sse.content-type", Severity::must, "a stream is served as text/event-stream",
     "WHATWG HTML 9.2.5; OpenAI API reference, chat streaming", CheckScope::exchange, false,
     &sse_content_type},
    {"sse.framing", Severity::must,
     "the stream ends at an event boundary (a blank line after the last field)",
     "WHATWG HTML 9.2.6 (an unterminated event is discarded)", CheckScope::exchange, false, &sse_framing,
     "sse.content-type"},
    {"sse.json-chunks", Severity::must, "every data event other than [DONE] is a JSON object",
     "OpenAI API reference, chat completion chunk object", CheckScope::exchange, false, &sse_json_chunks,
     "sse.content-type"},
    {"sse.done-sentinel", Severity::must, "the stream ends with data: [DONE]",
     "OpenAI API reference, chat streaming (data: [DONE])", CheckScope::exchange, false, &sse_done_sentinel,
     "sse.content-type"},
    {"sse.nothing-after-done", Severity::must, "no event follows data: [DONE]",
     "OpenAI API reference, chat streaming; the official SDKs stop reading at [DONE]", CheckScope::exchange,
     false, &sse_nothing_after_done, "sse.content-type"},
    {"sse.same-id", Severity::must, "every chunk of one completion carries the same id",
     "OpenAI API reference, chat completion chunk object (id: same for each chunk)", CheckScope::exchange,
     false, &sse_same_id, "sse.content-type"},
    {"sse.role-first", Severity::must, "the first delta of each choice carries role: assistant",
     "OpenAI API reference, chat completion chunk object (delta.role)", CheckScope::exchange, false,
     &sse_role_first, "sse.content-type"},
    {"sse.finish-reason-last", Severity::must,
     "each choice gets exactly one non-null finish_reason, in its last chunk",
     "OpenAI API reference, chat completion chunk object (finish_reason)", CheckScope::exchange, false,
     &sse_finish_reason_last, "sse.content-type"},
    {"sse.usage-chunk", Severity::must,
     "with stream_options.include_usage, one usage chunk with empty choices comes last before [DONE]",
     "OpenAI API reference, stream_options.include_usage", CheckScope::exchange, false, &sse_usage_chunk,
     "sse.content-type"},
    {"sse.tool-call-deltas", Severity::must,
     "a tool call's first delta carries index, id, type and function.name; later ones only argument text",
     "OpenAI API reference, chat completion chunk object (delta.tool_calls)", CheckScope::exchange, false,
     &sse_tool_call_deltas, "sse.content-type"},
    {"sse.incremental", Severity::must,
     "events arrive as the producer paced them, not held back and flushed in bursts (MUST when the producer "
     "announced its pacing, SHOULD judging an unknown producer's burst structure)",
     "WHATWG HTML 9.2 (events are dispatched as they arrive); OpenAI API reference, stream",
     CheckScope::exchange, false, &sse_incremental, "sse.content-type"},
    {"latency.first-event", Severity::should, "the first event arrives within the suite's deadline",
     "suite expectation sse.first_event_within_ms", CheckScope::exchange, false, &first_event,
     "sse.content-type"},
    {"stream.matches-non-stream", Severity::should,
     "a seeded stream assembles to the same message as the non-streamed answer to the same request",
     "OpenAI API reference, seed (best-effort determinism) and chat completion chunk object",
     CheckScope::exchange, true, &matches_non_stream},
    {"usage.consistent", Severity::must,
     "usage, when sent, counts non-negative integers, total_tokens = prompt_tokens + completion_tokens, and "
     "no zero for a prompt or an answer with content",
     "OpenAI API reference, completion usage object", CheckScope::exchange, false, &usage_consistent_check},
    {"tools.arguments-json", Severity::must,
     "every function tool call's function.arguments is a JSON object text (custom tool calls carry free "
     "text)",
     "OpenAI API reference, chat completion message tool call (arguments: JSON)", CheckScope::exchange, false,
     &tools_arguments_json},
    {"tools.arguments-match-schema", Severity::should,
     "tool-call arguments name a requested tool and validate against its parameters schema",
     "OpenAI API reference, function calling (parameters: JSON Schema)", CheckScope::exchange, false,
     &tools_arguments_match_schema, "tools.arguments-json"},
    {"json-mode.valid-json", Severity::must,
     "with response_format json_object or json_schema, the content is JSON (and valid against the schema) "
     "unless finish_reason length cut it",
     "OpenAI API reference, response_format", CheckScope::exchange, false, &json_mode_valid},
    {"moderation.consistent", Severity::must,
     "a moderation answer has one result per input, the same categories flagged and scored, scores in [0, "
     "1], "
     "and flagged exactly when a category is",
     "OpenAI API reference, moderation object (flagged: whether any category is flagged)",
     CheckScope::exchange, false, &moderation_consistent},
    {"audio.speech-format", Severity::must,
     "speech is audio in the response_format asked for (mp3 by default): a Content-Type that names it (or "
     "application/octet-stream) and bytes that are it (WAV: RIFF/WAVE with sizes that fit; PCM: whole 16-bit "
     "samples; mp3, opus, aac, flac: their magic)",
     "OpenAI API reference, create speech (response_format)", CheckScope::exchange, false,
     &audio_speech_format},
    {"audio.transcript-format", Severity::must,
     "a transcript follows its response_format: json has text, text is not JSON, srt has numbered cues timed "
     "HH:MM:SS,mmm, vtt opens with WEBVTT and times cues HH:MM:SS.mmm, verbose_json orders its segments and "
     "words "
     "within its duration; a stream's deltas assemble to its done event",
     "OpenAI API reference, create transcription; SubRip; W3C WebVTT section 4", CheckScope::exchange, false,
     &audio_transcript_format},
    {"images.payload", Severity::must,
     "an images answer holds n images, each one b64_json or url: base64 that decodes to a whole image of the "
     "output_format asked for (PNG: signature, IHDR of the requested size, chunks up to IEND), or an "
     "absolute "
     "http(s) URL",
     "OpenAI API reference, images response; PNG (ISO/IEC 15948) section 5", CheckScope::exchange, false,
     &images_payload_check},
    {"completions.choices", Severity::must,
     "a text completion has n choices per prompt, indexed in order, each with text; with echo the text "
     "begins with its prompt; with logprobs the tokens join to the text and each list holds one entry per "
     "token",
     "OpenAI API reference, create completion (echo, logprobs, n)", CheckScope::exchange, false,
     &completions_choices},
    {"responses.sequence-numbers", Severity::must,
     "every event of a Responses stream carries a sequence_number, each above the one before",
     "OpenAI API reference, Responses streaming events (sequence_number)", CheckScope::exchange, false,
     &responses_sequence_numbers, "sse.content-type"},
    {"responses.event-lifecycle", Severity::must,
     "a Responses stream opens with response.created; each output item's events come between its "
     "output_item.added and output_item.done, naming its output_index, item_id and an open content part; "
     "a completed stream closes every item; each SSE event name is its data's type",
     "OpenAI API reference, Responses streaming events", CheckScope::exchange, false,
     &responses_event_lifecycle, "sse.content-type"},
    {"responses.deltas-assemble", Severity::must,
     "the text and arguments deltas of a Responses stream assemble to what their done events, content part "
     "and output item state",
     "OpenAI API reference, response.output_text.done and response.function_call_arguments.done",
     CheckScope::exchange, false, &responses_deltas_assemble, "sse.content-type"},
    {"responses.terminal-event", Severity::must,
     "a Responses stream ends with exactly one terminal event (response.completed, incomplete or failed) "
     "whose Response has that status, every item the stream added, as closed, and usage",
     "OpenAI API reference, response.completed event", CheckScope::exchange, false, &responses_terminal_event,
     "sse.content-type"},
    {"error.envelope", Severity::must,
     "an error body is {\"error\": {message, type, param, code}} in the profile's envelope style",
     "OpenAI API reference, error codes; the profile's errors.envelope", CheckScope::exchange, false,
     &error_envelope},
    {"error.status-matches-type", Severity::must,
     "the HTTP status of an error agrees with its type (the profile's status -> type table)",
     "OpenAI API reference, error codes; RFC 9110 section 15", CheckScope::exchange, false,
     &error_status_matches_type},
    {"error.http-status-before-stream", Severity::must,
     "an error before the first token is a real HTTP error status, not 200 plus an error event",
     "RFC 9110 section 15; OpenAI API reference, error codes", CheckScope::exchange, false,
     &error_http_status_before_stream},
    {"error.structured-in-stream", Severity::must,
     "an error after the first token arrives as a JSON event with an error object",
     "OpenAI API reference, streaming errors; the official SDKs raise APIError from such an event",
     CheckScope::exchange, false, &error_structured_in_stream},
    {"ratelimit.headers-present",
     Severity::must,
     "every answer announces its rate limit (limit, remaining, reset) under a known convention: "
     "x-ratelimit-*-requests, X-RateLimit-*, RateLimit-* or RateLimit/RateLimit-Policy",
     "OpenAI API reference, rate limits; draft-ietf-httpapi-ratelimit-headers",
     CheckScope::step,
     false,
     &ratelimit_headers_present,
     {},
     kLimitedApis},
    {"ratelimit.profile-names", Severity::should, "the rate-limit headers are named as the profile claims",
     "the profile's rate_limits.headers (OpenAI: x-ratelimit-limit-requests, ...)", CheckScope::step, false,
     &ratelimit_profile_names, "ratelimit.headers-present", kLimitedApis},
    {"ratelimit.remaining-decreases",
     Severity::must,
     "the remaining count goes down as requests are made within a window",
     "OpenAI API reference, rate limits",
     CheckScope::step,
     false,
     &ratelimit_remaining_decreases,
     {},
     "-"},
    {"ratelimit.reset-in-future",
     Severity::must,
     "while part of a window is used, its reset time lies in the future",
     "OpenAI API reference, rate limits",
     CheckScope::step,
     false,
     &ratelimit_reset_in_future,
     {},
     "-"},
    {"ratelimit.retry-after-on-429", Severity::must,
     "a 429 says when to come back: Retry-After (RFC 9110 form) or retry-after-ms",
     "RFC 6585 section 4; RFC 9110 section 10.2.3", CheckScope::step, false, &ratelimit_retry_after_on_429},
    {"webhook.signature-valid", Severity::must,
     "every delivery is signed as the profile says, over the raw body bytes, with the webhook's secret",
     "the profile's webhooks.signature (X-SIMO-Signature: sha256=<hex>; Standard Webhooks v1)",
     CheckScope::webhook, false, &webhook_signature_check},
    {"webhook.payload-schema", Severity::must,
     "the delivery is the event envelope {id, type, created, data} valid against the event's schema",
     "schemas/openapi.yaml `webhooks` section; Standard Webhooks payload structure", CheckScope::webhook,
     false, &webhook_payload_check},
    {"webhook.delivered-within", Severity::must, "the event is delivered within the step's deadline",
     "suite expectation expect_webhook.within_ms", CheckScope::webhook, false, &webhook_delivered_check},
    {"webhook.retried-on-failure", Severity::must,
     "a delivery answered with an error is attempted again, with the same event id",
     "Standard Webhooks (retries with backoff, same webhook-id); the profile's webhooks.retry",
     CheckScope::webhook, false, &webhook_retried_check},
    {"upstream.content-preserved", Severity::must,
     "the text the client gets is the text the upstream sent (streams assembled; any layout: OpenAI or "
     "Anthropic)",
     "an OpenAI-compatible gateway's contract: it relays the provider's answer", CheckScope::upstream, false,
     &upstream_content_preserved, "expect.status"},
    {"upstream.tool-calls-preserved", Severity::must,
     "the tool calls the client gets are the upstream's: names, and arguments equal as JSON",
     "OpenAI API reference, tool_calls; Anthropic Messages, tool_use blocks", CheckScope::upstream, false,
     &upstream_tool_calls_preserved, "expect.status"},
    {"upstream.usage-preserved", Severity::should,
     "the token counts the client gets are the upstream's (billing reads them)",
     "OpenAI API reference, usage; Anthropic Messages, usage", CheckScope::upstream, false,
     &upstream_usage_preserved, "expect.status"},
    {"upstream.error-preserved", Severity::must,
     "an upstream error reaches the client with its status, in an error envelope carrying the upstream's "
     "message; a stream that failed midway ends with an error, not as if complete",
     "OpenAI API reference, error codes; RFC 9110 section 15", CheckScope::upstream, false,
     &upstream_error_preserved},
    {"upstream.retry-after-preserved", Severity::must,
     "an upstream 429 or 503 that says when to retry reaches the client with Retry-After, no sooner",
     "RFC 9110 section 10.2.3; RFC 6585 section 4", CheckScope::upstream, false,
     &upstream_retry_after_preserved},
    {"upstream.retry-after-honoured", Severity::must,
     "a gateway that retries waits as long as the upstream's Retry-After said", "RFC 9110 section 10.2.3",
     CheckScope::upstream, false, &upstream_retry_after_honoured},
    {"upstream.client-key-withheld", Severity::must,
     "a gateway that holds its own upstream key does not pass its client's key upstream",
     "OWASP API Security Top 10 (API2: broken authentication); the gateway's key management",
     CheckScope::upstream, false, &upstream_client_key_withheld},
    {"upstream.hop-by-hop-dropped", Severity::must,
     "the client's hop-by-hop headers (Keep-Alive, TE, Upgrade, Proxy-*, those its Connection names) do not "
     "go "
     "upstream",
     "RFC 9110 section 7.6.1 (a proxy removes them before forwarding)", CheckScope::upstream, false,
     &upstream_hop_by_hop_dropped},
    {"upstream.request-id-propagated", Severity::should,
     "the client's X-Request-Id reaches the upstream with every attempt, so one id traces a request",
     "common gateway practice (Envoy x-request-id; W3C Trace Context for traceparent)", CheckScope::upstream,
     false, &upstream_request_id_propagated},
    {"upstream.stream-unbuffered", Severity::must,
     "a stream reaches the client as the upstream sends it, not held back and sent at the end",
     "OpenAI API reference, streaming (server-sent events as tokens are produced)", CheckScope::upstream,
     false, &upstream_stream_unbuffered, "expect.status"},
    {"upstream.added-latency", Severity::should,
     "the time a gateway adds to each upstream answer stays within the profile's gateway.added_latency_ms "
     "(p50 and p99)",
     "the profile's gateway claims (docs/profile-format.md)", CheckScope::upstream, false,
     &upstream_added_latency},
    {"keys.rotation-invalidates-old",
     Severity::must,
     "after a rotation the old key is refused with 401 at once",
     "the profile's keys.rotation (SIMOSphere: rotation invalidates the old key immediately)",
     CheckScope::exchange,
     false,
     &keys_rotation_invalidates_old,
     {},
     "-"},
    {"discovery.openapi",
     Severity::must,
     "/openapi.json is an OpenAPI 3.x document with info and paths",
     "OpenAPI 3.1 section 4.8.1 (openapi, info required)",
     CheckScope::exchange,
     false,
     &discovery_openapi,
     {},
     "/openapi.json"},
    {"discovery.llms-txt",
     Severity::must,
     "/llms.txt is text that opens with an H1 title",
     "llmstxt.org (the H1 with the project's name is the one required section)",
     CheckScope::exchange,
     false,
     &discovery_llms_txt,
     {},
     "/llms.txt"},
    {"discovery.llms-full-txt",
     Severity::must,
     "/llms-full.txt is text that opens with an H1 title",
     "llmstxt.org",
     CheckScope::exchange,
     false,
     &discovery_llms_full_txt,
     {},
     "/llms-full.txt"},
    {"discovery.oauth-protected-resource",
     Severity::must,
     "protected-resource metadata has `resource` (an absolute URL) and well-formed optional members",
     "RFC 9728 section 2",
     CheckScope::exchange,
     false,
     &discovery_protected_resource,
     {},
     "/.well-known/oauth-protected-resource"},
    {"discovery.api-catalog",
     Severity::must,
     "the API catalog is a linkset (application/linkset+json) whose links name the APIs",
     "RFC 9727 section 4; RFC 9264 section 4.2",
     CheckScope::exchange,
     false,
     &discovery_api_catalog,
     {},
     "/.well-known/api-catalog"},
    {"discovery.agent-card",
     Severity::must,
     "the agent card has name, description, url, version, capabilities, input/output modes and skills",
     "A2A protocol, AgentCard",
     CheckScope::exchange,
     false,
     &discovery_agent_card,
     {},
     "/.well-known/agent-card.json|/.well-known/agent.json"},
    {"discovery.ai-plugin",
     Severity::must,
     "the plugin manifest has its required members and an openapi api.url",
     "OpenAI plugin manifest (ai-plugin.json)",
     CheckScope::exchange,
     false,
     &discovery_ai_plugin,
     {},
     "/.well-known/ai-plugin.json"},
    {"discovery.mcp-server-card",
     Severity::must,
     "the MCP server card names the server (serverInfo) and its transport",
     "MCP server cards (SEP-1649)",
     CheckScope::exchange,
     false,
     &discovery_mcp_server_card,
     {},
     "/.well-known/mcp/server-card.json"},
};

}  // namespace

std::string_view to_string(Severity severity) {
  return severity == Severity::must ? "MUST" : "SHOULD";
}

std::optional<Severity> parse_severity(std::string_view text) {
  if (text == "must" || text == "MUST") return Severity::must;
  if (text == "should" || text == "SHOULD") return Severity::should;
  return std::nullopt;
}

bool fails_run(Severity severity, Severity fail_on) {
  return severity == Severity::must || fail_on == Severity::should;
}

std::span<const CheckInfo> check_catalog() {
  return kChecks;
}

const CheckInfo* find_check(std::string_view id) {
  const auto it =
      std::find_if(std::begin(kChecks), std::end(kChecks), [&](const CheckInfo& c) { return c.id == id; });
  return it == std::end(kChecks) ? nullptr : &*it;
}

}  // namespace gatecheck::runner
