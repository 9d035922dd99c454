#include <algorithm>
#include <stdexcept>

#include <gatecheck/mock/faults.hpp>

#include "control_number.hpp"

namespace gatecheck::mock {

namespace {

constexpr std::string_view kVendorCondition = "vendor condition";  // not a defect: see condition_of

// One row per fault: its name, the defect, and the check (or suite assertion) meant to catch it.
constexpr FaultInfo kFaults[] = {
    {Fault::no_done, "no-done", "the stream never sends data: [DONE]", "sse.done-sentinel"},
    {Fault::sse_content_type, "sse-content-type", "a stream is served as application/json",
     "sse.content-type"},
    {Fault::buffered_stream, "buffered-stream", "every event is held back and sent at once at the end",
     "sse.incremental"},
    {Fault::non_json_chunk, "non-json-chunk", "an extra event whose data is not JSON", "sse.json-chunks"},
    {Fault::chunk_id_changes, "chunk-id-changes", "each chunk carries a different id", "sse.same-id"},
    {Fault::no_usage_chunk, "no-usage-chunk", "stream_options.include_usage is ignored", "sse.usage-chunk"},
    {Fault::no_finish_reason, "no-finish-reason", "the last choice chunk has finish_reason null",
     "sse.finish-reason-last"},
    {Fault::role_not_first, "role-not-first", "the first chunk carries no role", "sse.role-first"},
    {Fault::tool_call_deltas_broken, "tool-call-deltas-broken",
     "a tool call's id and name arrive after its first argument fragment", "sse.tool-call-deltas"},
    {Fault::tool_args_not_json, "tool-args-not-json", "tool-call arguments are not JSON",
     "tools.arguments-json"},
    {Fault::tool_args_schema_mismatch, "tool-args-schema-mismatch",
     "tool-call arguments are JSON but break the tool's parameters schema", "tools.arguments-match-schema"},
    {Fault::json_mode_invalid, "json-mode-invalid",
     "response_format json_object is answered with text that is not JSON", "json-mode.valid-json"},
    {Fault::usage_inconsistent, "usage-inconsistent", "total_tokens is not prompt_tokens + completion_tokens",
     "usage.consistent"},
    {Fault::stream_differs, "stream-differs", "the streamed answer differs from the non-streamed one",
     "stream.matches-non-stream"},
    {Fault::data_after_done, "data-after-done", "events follow data: [DONE]", "sse.nothing-after-done"},
    {Fault::sse_unterminated_tail, "sse-unterminated-tail",
     "the stream ends inside an event, with no blank line after its last field", "sse.framing"},
    {Fault::error_not_envelope, "error-not-envelope", "error bodies lack the {\"error\": {...}} envelope",
     "error.envelope"},
    {Fault::error_status_mismatch, "error-status-mismatch",
     "every error is sent as 500 whatever its type says", "error.status-matches-type"},
    {Fault::error_as_200_event, "error-as-200-event",
     "an error found before the first token is sent as 200 plus an SSE error event",
     "error.http-status-before-stream"},
    {Fault::stream_error_unstructured, "stream-error-unstructured",
     "an error after the first token is sent as plain text instead of a structured event",
     "error.structured-in-stream"},
    {Fault::no_ratelimit_headers, "no-ratelimit-headers", "rate-limit headers are left out",
     "ratelimit.headers-present"},
    {Fault::ratelimit_remaining_stuck, "ratelimit-remaining-stuck", "the remaining count never decreases",
     "ratelimit.remaining-decreases"},
    {Fault::ratelimit_reset_past, "ratelimit-reset-past",
     "the reset time is already over while requests are used", "ratelimit.reset-in-future"},
    {Fault::no_retry_after, "no-retry-after", "429 answers come without Retry-After",
     "ratelimit.retry-after-on-429"},
    {Fault::stream_cut, "stream-cut", "the connection is closed mid-stream (=N: after N events, default 3)",
     "http.complete-response"},
    {Fault::connection_reset, "connection-reset", "the connection is reset instead of answered",
     "http.complete-response"},
    {Fault::slow_first_byte, "slow-first-byte", "nothing is sent for a while (=MS, default 3000)",
     "latency.first-event"},
    {Fault::webhook_wrong_secret, "webhook-wrong-secret", "webhook deliveries are signed with another secret",
     "webhook.signature-valid"},
    {Fault::webhook_tampered_body, "webhook-tampered-body", "the webhook body changes after it was signed",
     "webhook.signature-valid"},
    {Fault::webhook_no_signature, "webhook-no-signature", "webhook deliveries carry no signature headers",
     "webhook.signature-valid"},
    {Fault::webhook_payload_invalid, "webhook-payload-invalid",
     "the event's data lacks a field its schema requires", "webhook.payload-schema"},
    {Fault::webhook_late, "webhook-late", "the first delivery attempt waits (=MS, default 3000)",
     "webhook.delivered-within"},
    {Fault::webhook_no_retry, "webhook-no-retry", "a failed delivery is never retried",
     "webhook.retried-on-failure"},
    {Fault::key_rotation_stale, "key-rotation-stale", "a rotated key keeps working",
     "keys.rotation-invalidates-old"},
    {Fault::discovery_incomplete, "discovery-incomplete",
     "discovery documents lack a field their specification requires", "discovery.*"},
    {Fault::redirect_answer, "redirect-answer",
     "API requests are answered with a 302 to another URL instead of an answer", "http.final-status"},
    {Fault::stream_bursts, "stream-bursts",
     "stream events are held back and flushed together every MS ms (default 100), as a buffering proxy "
     "does",
     "sse.incremental"},
    {Fault::no_allow_on_405, "no-allow-on-405", "405 answers come without an Allow header",
     "http.allow-on-405"},
    {Fault::usage_zero, "usage-zero", "usage reports 0 tokens for an answer with content",
     "usage.consistent"},
    {Fault::ratelimit_other_convention, "ratelimit-other-convention",
     "rate limits are announced as IETF RateLimit/RateLimit-Policy fields, not under the profile's names",
     "ratelimit.profile-names"},
    {Fault::escaping_breaks, "escaping-breaks",
     "a JSON body holding an escape (a quote, backslash, newline or tab in a prompt) is answered 500",
     "expect.status"},
    {Fault::fields_off_spec, "fields-off-spec",
     "a completion's created and choices[].index are strings, system_fingerprint a number, and "
     "message.refusal and choices[].logprobs are left out",
     "expect.schema"},
    {Fault::clamps_out_of_range, "clamps-out-of-range",
     "an out-of-range temperature, top_p or penalty is quietly clamped into range instead of refused",
     "expect.status"},
    {Fault::moderation_inconsistent, "moderation-inconsistent",
     "a moderation result says flagged: false while one of its categories is flagged",
     "moderation.consistent"},
    {Fault::responses_sequence_repeats, "responses-sequence-repeats",
     "a Responses stream repeats a sequence_number (a relay numbering events itself, one behind)",
     "responses.sequence-numbers"},
    {Fault::responses_item_unclosed, "responses-item-unclosed",
     "a Responses stream adds an output item and never sends its response.output_item.done",
     "responses.event-lifecycle"},
    {Fault::responses_delta_drift, "responses-delta-drift",
     "a Responses stream loses a text or arguments delta while its done events stay whole",
     "responses.deltas-assemble"},
    {Fault::responses_no_terminal, "responses-no-terminal",
     "a Responses stream ends without its terminal event (response.completed, incomplete or failed)",
     "responses.terminal-event"},
    {Fault::completions_echo_dropped, "completions-echo-dropped",
     "legacy completions ignore echo: the text lacks its prompt (a gateway that maps completions onto chat)",
     "completions.choices"},
    {Fault::speech_wrong_content_type, "speech-wrong-content-type",
     "speech audio is labelled audio/mpeg whatever format was asked for (a gateway with one hard-coded type)",
     "audio.speech-format"},
    {Fault::transcription_srt_broken, "transcription-srt-broken",
     "SRT transcripts carry WebVTT's timestamps (00:00:01.000) and no cue numbers",
     "audio.transcript-format"},
    {Fault::image_b64_broken, "image-b64-broken",
     "b64_json images decode to a PNG cut short (a gateway that truncates large JSON strings)",
     "images.payload"},
    {Fault::multipart_fields_dropped, "multipart-fields-dropped",
     "multipart uploads lose every field but the file and the model (a relay that re-encodes forms), so a "
     "transcript comes back in the default format",
     "audio.transcript-format"},
    {Fault::upstream_down, "upstream-down",
     "the primary provider fails: a fallback model answers if the profile routes one and the key's plan has "
     "it, "
     "else the upstream_down condition's error",
     kVendorCondition},
    {Fault::upstreams_down, "upstreams-down", "every provider fails: the upstreams_down condition's error",
     kVendorCondition},
    {Fault::server_error, "server-error", "the vendor's own failure: the server_error condition's error",
     kVendorCondition},
    {Fault::forbidden, "forbidden",
     "the key lacks the scope for the request: the forbidden condition's error", kVendorCondition},
    {Fault::payment_required, "payment-required",
     "the account has no credit: the payment_required condition's error", kVendorCondition},
    {Fault::no_provider_keys, "no-provider-keys",
     "the account has no provider keys: the no_provider_keys condition's error", kVendorCondition},
    {Fault::content_filter, "content-filter",
     "the content filter stops the answer: finish_reason content_filter after at most two tokens",
     kVendorCondition},
};

}  // namespace

const std::vector<FaultInfo>& fault_catalog() {
  static const std::vector<FaultInfo> catalog(std::begin(kFaults), std::end(kFaults));
  return catalog;
}

// The conditions' names are their faults' names with underscores (upstream-down: upstream_down); each is
// kept once, here, for condition_of to hand out as a view.
std::string_view condition_of(Fault fault) {
  static const auto names = [] {
    std::vector<std::pair<Fault, std::string>> out;
    for (const auto& info : kFaults) {
      if (info.check != kVendorCondition || info.fault == Fault::content_filter) continue;
      std::string name(info.name);
      std::replace(name.begin(), name.end(), '-', '_');
      out.emplace_back(info.fault, std::move(name));
    }
    return out;
  }();
  for (const auto& [which, name] : names)
    if (which == fault) return name;
  return {};
}

std::optional<Fault> parse_fault_name(std::string_view name) {
  for (const auto& info : fault_catalog()) {
    if (info.name == name) return info.fault;
  }
  return std::nullopt;
}

std::string_view fault_name(Fault fault) {
  for (const auto& info : fault_catalog()) {
    if (info.fault == fault) return info.name;
  }
  return "unknown";
}

std::vector<FaultSpec> parse_fault_list(std::string_view text) {
  std::vector<FaultSpec> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(start, end - start);
    while (!item.empty() && item.front() == ' ')
      item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ')
      item.remove_suffix(1);
    start = end + 1;
    if (item.empty()) continue;
    std::string_view name = item;
    std::optional<std::uint64_t> parameter;
    if (const auto eq = item.find('='); eq != std::string_view::npos) {
      name = item.substr(0, eq);
      const auto value = item.substr(eq + 1);
      parameter = parse_control_number(value, 0, kMaxControlMilliseconds);
      if (!parameter) {
        throw std::invalid_argument("fault '" + std::string(name) + "' takes a whole number from 0 to " +
                                    std::to_string(kMaxControlMilliseconds) + ", got '" + std::string(value) +
                                    "'");
      }
    }
    const auto fault = parse_fault_name(name);
    if (!fault) {
      std::string known;
      for (const auto& info : fault_catalog())
        known += (known.empty() ? "" : ", ") + std::string(info.name);
      throw std::invalid_argument("unknown fault '" + std::string(name) + "' (known: " + known + ")");
    }
    out.push_back({*fault, parameter});
  }
  return out;
}

}  // namespace gatecheck::mock
