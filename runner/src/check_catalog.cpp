#include <algorithm>

#include <gatecheck/runner/checks.hpp>

namespace gatecheck::runner {

std::string_view to_string(Severity severity) {
  return severity == Severity::must ? "MUST" : "SHOULD";
}

const std::vector<CheckInfo>& check_catalog() {
  static const std::vector<CheckInfo> catalog = {
      {"http.complete-response", Severity::must,
       "the response arrives whole: status line, headers and the body its framing announces",
       "RFC 9112 section 6.3 (message body length)"},
      {"sse.content-type", Severity::must, "a stream is served as text/event-stream",
       "WHATWG HTML 9.2.5; OpenAI API reference, chat streaming"},
      {"sse.framing", Severity::must,
       "the stream ends at an event boundary (a blank line after the last field)",
       "WHATWG HTML 9.2.6 (an unterminated event is discarded)"},
      {"sse.json-chunks", Severity::must, "every data event other than [DONE] is a JSON object",
       "OpenAI API reference, chat completion chunk object"},
      {"sse.done-sentinel", Severity::must, "the stream ends with data: [DONE]",
       "OpenAI API reference, chat streaming (data: [DONE])"},
      {"sse.nothing-after-done", Severity::must, "no event follows data: [DONE]",
       "OpenAI API reference, chat streaming; the official SDKs stop reading at [DONE]"},
      {"sse.same-id", Severity::must, "every chunk of one completion carries the same id",
       "OpenAI API reference, chat completion chunk object (id: same for each chunk)"},
      {"sse.role-first", Severity::must, "the first delta of each choice carries role: assistant",
       "OpenAI API reference, chat completion chunk object (delta.role)"},
      {"sse.finish-reason-last", Severity::must,
       "each choice gets exactly one non-null finish_reason, in its last chunk",
       "OpenAI API reference, chat completion chunk object (finish_reason)"},
      {"sse.usage-chunk", Severity::must,
       "with stream_options.include_usage, one usage chunk with empty choices comes last before [DONE]",
       "OpenAI API reference, stream_options.include_usage"},
      {"sse.tool-call-deltas", Severity::must,
       "a tool call's first delta carries index, id, type and function.name; later ones only argument text",
       "OpenAI API reference, chat completion chunk object (delta.tool_calls)"},
      {"sse.incremental", Severity::should, "events arrive spread over time, not held back and sent at once",
       "WHATWG HTML 9.2 (events are dispatched as they arrive); OpenAI API reference, stream"},
      {"latency.first-event", Severity::should, "the first event arrives within the suite's deadline",
       "suite expectation sse.first_event_within_ms"},
      {"stream.matches-non-stream", Severity::should,
       "a seeded stream assembles to the same message as the non-streamed answer to the same request",
       "OpenAI API reference, seed (best-effort determinism) and chat completion chunk object"},
      {"usage.consistent", Severity::must,
       "usage counts are non-negative integers and total_tokens = prompt_tokens + completion_tokens",
       "OpenAI API reference, completion usage object"},
      {"tools.arguments-json", Severity::must, "every tool call's function.arguments is a JSON object text",
       "OpenAI API reference, chat completion message tool call (arguments: JSON)"},
      {"tools.arguments-match-schema", Severity::should,
       "tool-call arguments name a requested tool and validate against its parameters schema",
       "OpenAI API reference, function calling (parameters: JSON Schema)"},
      {"json-mode.valid-json", Severity::must,
       "with response_format json_object or json_schema, the content is JSON (and valid against the schema)",
       "OpenAI API reference, response_format"},
      {"error.envelope", Severity::must,
       "an error body is {\"error\": {message, type, param, code}} in the profile's envelope style",
       "OpenAI API reference, error codes; the profile's errors.envelope"},
      {"error.status-matches-type", Severity::must,
       "the HTTP status of an error agrees with its type (the profile's status -> type table)",
       "OpenAI API reference, error codes; RFC 9110 section 15"},
      {"error.http-status-before-stream", Severity::must,
       "an error before the first token is a real HTTP error status, not 200 plus an error event",
       "RFC 9110 section 15; OpenAI API reference, error codes"},
      {"error.structured-in-stream", Severity::must,
       "an error after the first token arrives as a JSON event with an error object",
       "OpenAI API reference, streaming errors; the official SDKs raise APIError from such an event"},
      {"ratelimit.headers-present", Severity::must,
       "every answer carries the profile's rate-limit headers (limit, remaining, reset)",
       "OpenAI API reference, rate limits (x-ratelimit-* headers); the profile's rate_limits.headers"},
      {"ratelimit.remaining-decreases", Severity::must,
       "the remaining count goes down as requests are made within a window",
       "OpenAI API reference, rate limits"},
      {"ratelimit.reset-in-future", Severity::must,
       "while part of a window is used, its reset time lies in the future",
       "OpenAI API reference, rate limits"},
      {"ratelimit.retry-after-on-429", Severity::must,
       "a 429 says when to come back: Retry-After (RFC 9110 form) or retry-after-ms",
       "RFC 6585 section 4; RFC 9110 section 10.2.3"},
  };
  return catalog;
}

const CheckInfo* find_check(std::string_view id) {
  const auto& catalog = check_catalog();
  const auto it =
      std::find_if(catalog.begin(), catalog.end(), [&](const CheckInfo& c) { return c.id == id; });
  return it == catalog.end() ? nullptr : &*it;
}

}  // namespace gatecheck::runner
