// The defect catalog: named faults that turn the mock into a broken gateway, one defect each. They are
// selected by --fault, by the config file, or per request with the `x-gatecheck-fault` header; docs/faults.md
// lists them with the conformance check each one is meant to trip.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatecheck::mock {

enum class Fault {
  no_done,                    // the stream never sends data: [DONE]
  sse_content_type,           // a stream served as application/json
  buffered_stream,            // every event held back and sent at once at the end
  non_json_chunk,             // an extra event whose data is not JSON
  chunk_id_changes,           // each chunk carries a different id
  no_usage_chunk,             // include_usage asked for, no usage chunk sent
  no_finish_reason,           // the last choice chunk has finish_reason null
  role_not_first,             // the first chunk carries no role
  tool_call_deltas_broken,    // a tool call's id and name arrive after its first argument fragment
  tool_args_not_json,         // tool-call arguments that are not JSON
  tool_args_schema_mismatch,  // tool-call arguments that are JSON but break the tool's parameters schema
  json_mode_invalid,          // response_format json_object answered with text that is not JSON
  usage_inconsistent,         // total_tokens != prompt_tokens + completion_tokens
  stream_differs,             // the streamed answer differs from the non-streamed one for the same request
  data_after_done,            // events after data: [DONE]
  sse_unterminated_tail,      // the stream ends inside an event (no blank line after the last field)
  error_not_envelope,         // error bodies without the {"error": {...}} envelope
  error_status_mismatch,      // errors sent with a status their type contradicts (every error as 500)
  error_as_200_event,         // errors before the first token sent as 200 + an SSE error event
  stream_error_unstructured,  // an error after the first token sent as plain text, not a structured event
  no_ratelimit_headers,       // rate-limit headers left out
  ratelimit_remaining_stuck,  // remaining never decreases
  ratelimit_reset_past,       // the reset time is already over while the window is partly used
  no_retry_after,             // 429 without Retry-After (or retry-after-ms)
  stream_cut,             // the connection is closed mid-stream (parameter: events before the cut, default 3)
  connection_reset,       // the connection is reset (TCP RST) instead of answered
  slow_first_byte,        // nothing is sent for a while (parameter: milliseconds, default 3000)
  webhook_wrong_secret,   // deliveries signed with another secret
  webhook_tampered_body,  // the body changed after it was signed
  webhook_no_signature,   // deliveries without signature headers
  webhook_payload_invalid,     // the event's data lacks a field its schema requires
  webhook_late,                // the first delivery attempt waits (parameter: milliseconds, default 3000)
  webhook_no_retry,            // a failed delivery is not retried
  key_rotation_stale,          // a rotated key keeps working
  discovery_incomplete,        // discovery documents lack a field their specification requires
  redirect_answer,             // API requests are answered with a 302 to another URL instead of an answer
  stream_bursts,               // events held back and flushed together every N ms (default 100)
  no_allow_on_405,             // 405 answers without an Allow header
  usage_zero,                  // usage reports 0 tokens for a non-empty answer
  ratelimit_other_convention,  // IETF RateLimit/RateLimit-Policy fields instead of the profile's header names
  escaping_breaks,             // a JSON body holding an escape (\" \\ \n ...) is answered 500
  fields_off_spec,             // created, index as strings, fingerprint a number, refusal, logprobs left out
  clamps_out_of_range,         // temperature, top_p and penalties out of range are clamped, not refused
  moderation_inconsistent,     // a moderation result says flagged: false while a category is flagged
  responses_sequence_repeats,  // Responses stream: a sequence_number repeats (a relay renumbering events)
  responses_item_unclosed,     // Responses stream: an output item is added and never done
  responses_delta_drift,       // Responses stream: a delta lost, the done events still whole
  responses_no_terminal,       // Responses stream: ends without response.completed / incomplete / failed
  completions_echo_dropped,    // legacy completions: echo ignored (a gateway that maps them onto chat)
  speech_wrong_content_type,   // speech audio labelled audio/mpeg whatever its format
  transcription_srt_broken,    // SRT transcripts with WebVTT's timestamps and no cue numbers
  image_b64_broken,            // b64_json images that are not a whole PNG (cut short)
  multipart_fields_dropped,    // multipart uploads lose every field but the file and the model
  // Vendor conditions: not defects, but what a vendor answers when something a client cannot cause happens
  // (errors.conditions in the profile says how). A suite reaches its documented statuses with them.
  upstream_down,     // the primary provider fails: the fallback answers, or the upstream_down error
  upstreams_down,    // every provider fails
  server_error,      // the vendor's own 500
  forbidden,         // the key lacks the scope (403)
  payment_required,  // no credit left (402)
  no_provider_keys,  // the account has no provider keys (422)
  content_filter,    // the answer is stopped by the content filter (finish_reason content_filter)
};

// The profile condition (errors.conditions) a vendor-condition fault brings about, or empty.
std::string_view condition_of(Fault fault);

struct FaultInfo {
  Fault fault;
  std::string_view name;
  std::string_view defect;
  std::string_view check;  // the conformance check meant to catch it, or the suite assertion (expect.status)
};

const std::vector<FaultInfo>& fault_catalog();
std::optional<Fault> parse_fault_name(std::string_view name);
std::string_view fault_name(Fault fault);

// "stream-cut=5" or "no-done": a fault with an optional numeric parameter.
struct FaultSpec {
  Fault fault;
  std::optional<std::uint64_t> parameter;
};

// Parses a comma-separated list; throws std::invalid_argument naming an unknown fault and listing the known
// ones.
std::vector<FaultSpec> parse_fault_list(std::string_view text);

}  // namespace gatecheck::mock
