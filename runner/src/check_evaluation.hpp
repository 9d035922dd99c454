// Judging exchanges with the registry's checks (runner/src/check_catalog.cpp: one row per check, with its
// judge). Checks are pure functions of what the executor gathered: the exchanges of a step, the non-streamed
// twin of a streamed request when a check needs one, or the deliveries of an expect_webhook step.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gatecheck/runner/checks.hpp>
#include <gatecheck/runner/report.hpp>
#include <gatecheck/vendor/profile.hpp>

#include "exchange.hpp"

namespace gatecheck::runner {

struct WebhookEvidence;
struct UpstreamEvidence;

struct Verdict {
  enum class Kind { pass, fail, not_applicable };
  Kind kind = Kind::pass;
  std::string message;
  std::string expected;
  std::string actual;
  // Set when the check's severity depends on what could be known: sse.incremental is MUST when the producer
  // announced its pacing, SHOULD when it judges an unknown producer's burst structure.
  std::optional<Severity> severity;

  static Verdict pass(std::string message = {}) { return {Kind::pass, std::move(message), {}, {}, {}}; }
  static Verdict fail(std::string message, std::string expected = {}, std::string actual = {}) {
    return {Kind::fail, std::move(message), std::move(expected), std::move(actual), {}};
  }
  static Verdict not_applicable(std::string why) {
    return {Kind::not_applicable, std::move(why), {}, {}, {}};
  }
};

struct CheckContext {
  const std::vector<const Exchange*>& exchanges;
  const vendor::Profile& profile;
  std::optional<int> first_event_within_ms;
  const Exchange* twin = nullptr;              // needs_twin: the request sent again without streaming
  const WebhookEvidence* webhook = nullptr;    // webhook scope
  const UpstreamEvidence* upstream = nullptr;  // upstream scope
};

// Judges `check` by its scope: each exchange in turn (a burst passes when every answer does; the first
// failure speaks for it), the whole step, or the webhook evidence.
Verdict evaluate_check(const CheckInfo& check, const CheckContext& context);
// The same by id; throws std::invalid_argument for an id the registry does not know.
Verdict evaluate_check(std::string_view id, const CheckContext& context);

// A response that did not arrive whole, or was not final (a redirect, an interim 1xx) when the step did not
// ask for that status, cannot be judged further: the failing check and its verdict, the one finding.
std::optional<std::pair<const CheckInfo*, Verdict>> unanswered(const CheckContext& context,
                                                               bool status_asked);

// A verdict as the report keeps it.
CheckResult check_result(std::string_view id, Severity severity, const Verdict& verdict,
                         std::string location);

// The judges, one per check, by family (one file each).
Verdict complete_response(const CheckContext& context, const Exchange* exchange);
Verdict final_status(const CheckContext& context, const Exchange* exchange);
Verdict allow_on_405(const CheckContext& context, const Exchange* exchange);
Verdict sse_content_type(const CheckContext& context, const Exchange* exchange);
Verdict sse_framing(const CheckContext& context, const Exchange* exchange);
Verdict sse_json_chunks(const CheckContext& context, const Exchange* exchange);
Verdict sse_done_sentinel(const CheckContext& context, const Exchange* exchange);
Verdict sse_nothing_after_done(const CheckContext& context, const Exchange* exchange);
Verdict sse_same_id(const CheckContext& context, const Exchange* exchange);
Verdict sse_role_first(const CheckContext& context, const Exchange* exchange);
Verdict sse_finish_reason_last(const CheckContext& context, const Exchange* exchange);
Verdict sse_usage_chunk(const CheckContext& context, const Exchange* exchange);
Verdict sse_tool_call_deltas(const CheckContext& context, const Exchange* exchange);
Verdict sse_incremental(const CheckContext& context, const Exchange* exchange);
Verdict first_event(const CheckContext& context, const Exchange* exchange);
Verdict matches_non_stream(const CheckContext& context, const Exchange* exchange);
Verdict usage_consistent_check(const CheckContext& context, const Exchange* exchange);
Verdict tools_arguments_json(const CheckContext& context, const Exchange* exchange);
Verdict tools_arguments_match_schema(const CheckContext& context, const Exchange* exchange);
Verdict json_mode_valid(const CheckContext& context, const Exchange* exchange);
Verdict moderation_consistent(const CheckContext& context, const Exchange* exchange);
Verdict audio_speech_format(const CheckContext& context, const Exchange* exchange);
Verdict audio_transcript_format(const CheckContext& context, const Exchange* exchange);
Verdict images_payload_check(const CheckContext& context, const Exchange* exchange);
Verdict completions_choices(const CheckContext& context, const Exchange* exchange);
Verdict responses_sequence_numbers(const CheckContext& context, const Exchange* exchange);
Verdict responses_event_lifecycle(const CheckContext& context, const Exchange* exchange);
Verdict responses_deltas_assemble(const CheckContext& context, const Exchange* exchange);
Verdict responses_terminal_event(const CheckContext& context, const Exchange* exchange);
Verdict error_envelope(const CheckContext& context, const Exchange* exchange);
Verdict error_status_matches_type(const CheckContext& context, const Exchange* exchange);
Verdict error_http_status_before_stream(const CheckContext& context, const Exchange* exchange);
Verdict error_structured_in_stream(const CheckContext& context, const Exchange* exchange);
Verdict ratelimit_headers_present(const CheckContext& context, const Exchange* exchange);
Verdict ratelimit_profile_names(const CheckContext& context, const Exchange* exchange);
Verdict ratelimit_remaining_decreases(const CheckContext& context, const Exchange* exchange);
Verdict ratelimit_reset_in_future(const CheckContext& context, const Exchange* exchange);
Verdict ratelimit_retry_after_on_429(const CheckContext& context, const Exchange* exchange);
Verdict webhook_signature_check(const CheckContext& context, const Exchange* exchange);
Verdict webhook_payload_check(const CheckContext& context, const Exchange* exchange);
Verdict webhook_delivered_check(const CheckContext& context, const Exchange* exchange);
Verdict webhook_retried_check(const CheckContext& context, const Exchange* exchange);
Verdict keys_rotation_invalidates_old(const CheckContext& context, const Exchange* exchange);
Verdict discovery_openapi(const CheckContext& context, const Exchange* exchange);
Verdict discovery_llms_txt(const CheckContext& context, const Exchange* exchange);
Verdict discovery_llms_full_txt(const CheckContext& context, const Exchange* exchange);
Verdict discovery_protected_resource(const CheckContext& context, const Exchange* exchange);
Verdict discovery_api_catalog(const CheckContext& context, const Exchange* exchange);
Verdict discovery_agent_card(const CheckContext& context, const Exchange* exchange);
Verdict discovery_ai_plugin(const CheckContext& context, const Exchange* exchange);
Verdict discovery_mcp_server_card(const CheckContext& context, const Exchange* exchange);
Verdict upstream_content_preserved(const CheckContext& context, const Exchange* exchange);
Verdict upstream_tool_calls_preserved(const CheckContext& context, const Exchange* exchange);
Verdict upstream_usage_preserved(const CheckContext& context, const Exchange* exchange);
Verdict upstream_error_preserved(const CheckContext& context, const Exchange* exchange);
Verdict upstream_retry_after_preserved(const CheckContext& context, const Exchange* exchange);
Verdict upstream_retry_after_honoured(const CheckContext& context, const Exchange* exchange);
Verdict upstream_client_key_withheld(const CheckContext& context, const Exchange* exchange);
Verdict upstream_hop_by_hop_dropped(const CheckContext& context, const Exchange* exchange);
Verdict upstream_request_id_propagated(const CheckContext& context, const Exchange* exchange);
Verdict upstream_stream_unbuffered(const CheckContext& context, const Exchange* exchange);
Verdict upstream_added_latency(const CheckContext& context, const Exchange* exchange);

}  // namespace gatecheck::runner
