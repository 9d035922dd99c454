#include "claimed_expectations.hpp"

#include <algorithm>

#include <gatecheck/runner/checks.hpp>

namespace gatecheck::runner {
namespace {

using nlohmann::json;

// The chunk schema of a completion schema, for answers a profile always streams.
constexpr std::pair<std::string_view, std::string_view> kStreamedSchemas[] = {
    {"CreateChatCompletionResponse", "CreateChatCompletionStreamResponse"},
    {"createChatCompletion", "CreateChatCompletionStreamResponse"},
};

// What any event stream is held to, judged where the step expected JSON.
constexpr std::string_view kStreamChecks[] = {"sse.json-chunks", "sse.same-id", "sse.done-sentinel",
                                              "sse.finish-reason-last"};

std::string streamed_schema(const std::string& schema) {
  for (const auto& [whole, chunk] : kStreamedSchemas)
    if (schema == whole) return std::string(chunk);
  return {};
}

void read_error_envelope(Expectations& expect, const vendor::Profile& profile, const Exchange& exchange,
                         std::vector<std::string>& notes) {
  if (!expect.error || profile.envelope == vendor::ErrorEnvelope::openai) return;
  const bool simplio = profile.envelope == vendor::ErrorEnvelope::simplio;
  const std::string envelope = simplio ? "simplio" : "anthropic";
  auto& fields = expect.error->fields;
  for (auto field = fields.begin(); field != fields.end();) {
    if (field->first == "code" && simplio) {  // the status the step expects, else the one that came
      const bool literal = expect.status && expect.status->want.is_number_integer();
      field->second.want = literal ? expect.status->want : json(exchange.response.status);
      notes.push_back("error.code read as the HTTP status: the profile's envelope (" + envelope +
                      ") carries the status there");
    } else if (field->first == "code" || field->first == "param") {
      notes.push_back("error." + field->first + " not compared: the profile's envelope (" + envelope +
                      ") has no such field");
      field = fields.erase(field);
      continue;
    }
    ++field;
  }
}

bool streamed_unasked(const vendor::Profile& profile, const Exchange& exchange) {
  return profile.always_stream && !exchange.stream_requested() && !exchange.events.empty();
}

void read_always_streamed(Expectations& expect, const vendor::Profile& profile, const Exchange& exchange,
                          std::vector<std::string>& notes) {
  if (!streamed_unasked(profile, exchange)) return;
  notes.push_back("answered as an event stream: the profile streams every answer (streaming.always)");
  for (auto& header : expect.headers)
    if (header.path == "content-type" && header.want.is_object() && header.want.contains("media_type"))
      header.want["media_type"] = "text/event-stream";
  for (auto* schema : {&expect.schema, &expect.operation}) {
    if (!*schema) continue;
    const std::string chunk = streamed_schema(**schema);
    if (chunk.empty()) continue;
    if (!expect.sse) expect.sse = SseExpected{};
    expect.sse->schema = chunk;
    schema->reset();
  }
  for (const auto id : kStreamChecks) {
    const CheckInfo* check = find_check(id);
    if (std::find(expect.checks.begin(), expect.checks.end(), check) == expect.checks.end())
      expect.checks.push_back(check);
  }
  const json message = exchange.message_view();
  if (message.contains("usage")) return;
  const auto before = expect.json.size();
  std::erase_if(expect.json, [](const PathExpected& path) { return path.path.starts_with("$.usage"); });
  if (expect.json.size() != before)
    notes.push_back(
        "$.usage not compared: no chunk carried usage (the request did not ask for "
        "stream_options.include_usage)");
}

}  // namespace

Expectations as_claimed(const Expectations& expect, const vendor::Profile& profile, const Exchange& exchange,
                        std::vector<std::string>& notes) {
  Expectations claimed = expect;
  read_error_envelope(claimed, profile, exchange, notes);
  read_always_streamed(claimed, profile, exchange, notes);
  return claimed;
}

}  // namespace gatecheck::runner
