// error.*: the error envelope, its status, and how errors travel with streams.
#include <algorithm>
#include <map>

#include "check_evaluation.hpp"
#include "matcher.hpp"

namespace gatecheck::runner {
namespace {

using nlohmann::json;

// The error object of a JSON body or of an event's data, if it has one.
const json* error_object(const json* value) {
  if (value == nullptr || !value->is_object() || !value->contains("error")) return nullptr;
  return &(*value)["error"];
}

Verdict envelope(const Exchange& ex, const vendor::Profile& profile) {
  if (ex.response.status < 400)
    return Verdict::not_applicable("not an error: status " + std::to_string(ex.response.status));
  if (!ex.body_json)
    return Verdict::fail("the error body is not JSON", "{\"error\": {...}}",
                         describe_value(json(ex.response.body.substr(0, 80))));
  const json* error = error_object(&*ex.body_json);
  if (error == nullptr || !error->is_object())
    return Verdict::fail("the error body has no error object", "{\"error\": {...}}",
                         describe_value(*ex.body_json));
  auto member = [&](const char* name) { return error->contains(name) ? &(*error)[name] : nullptr; };
  const json* message = member("message");
  if (message == nullptr || !message->is_string() || message->get_ref<const std::string&>().empty())
    return Verdict::fail("error.message is not a non-empty string", "a message",
                         message ? describe_value(*message) : "absent");
  const json* type = member("type");
  if (type == nullptr || !type->is_string())
    return Verdict::fail("error.type is not a string", "a type", type ? describe_value(*type) : "absent");
  const json* code = member("code");
  if (profile.envelope == vendor::ErrorEnvelope::simplio) {
    if (code == nullptr || !code->is_number_integer())
      return Verdict::fail("error.code is not an integer (the profile's simplio envelope)", "an integer code",
                           code ? describe_value(*code) : "absent");
    return Verdict::pass();
  }
  const json* param = member("param");
  if (param == nullptr || !(param->is_string() || param->is_null()))
    return Verdict::fail("error.param is missing (string or null)", "param: string or null",
                         param ? describe_value(*param) : "absent");
  if (code == nullptr || !(code->is_string() || code->is_null() || code->is_number_integer()))
    return Verdict::fail("error.code is missing (string or null)", "code: string or null",
                         code ? describe_value(*code) : "absent");
  return Verdict::pass();
}

Verdict status_matches_type(const Exchange& ex, const vendor::Profile& profile) {
  const int status = ex.response.status;
  if (status < 400) return Verdict::not_applicable("not an error: status " + std::to_string(status));
  const json* error = ex.body_json ? error_object(&*ex.body_json) : nullptr;
  if (error == nullptr || !error->is_object() || !error->contains("type") || !(*error)["type"].is_string())
    return Verdict::not_applicable("no error.type to compare (error.envelope)");
  const auto accepted = profile.error_types_for(status);
  if (accepted.empty())
    return Verdict::not_applicable("the profile names no type for status " + std::to_string(status));
  const std::string actual = (*error)["type"].get<std::string>();
  if (std::find(accepted.begin(), accepted.end(), actual) != accepted.end()) return Verdict::pass();
  std::string wanted;
  for (const auto& type : accepted)
    wanted += (wanted.empty() ? "'" : " or '") + type + "'";
  return Verdict::fail("status " + std::to_string(status) + " carries an error of type '" + actual + "'",
                       "type " + wanted + " for status " + std::to_string(status), "'" + actual + "'");
}

Verdict status_before_stream(const Exchange& ex) {
  if (!ex.stream_requested()) return Verdict::not_applicable("the request did not stream");
  const int status = ex.response.status;
  if (status >= 400) return Verdict::pass("HTTP " + std::to_string(status));
  for (std::size_t i = 0; i < ex.events.size(); ++i) {
    const json* parsed = ex.event_json[i] ? &*ex.event_json[i] : nullptr;
    if (error_object(parsed) != nullptr || ex.events[i].type == "error") {
      const bool first =
          std::none_of(ex.event_json.begin(), ex.event_json.begin() + static_cast<std::ptrdiff_t>(i),
                       [](const auto& e) { return e && e->contains("choices"); });
      if (!first) break;  // after the first token: error.structured-in-stream's business
      return Verdict::fail(
          "the request was refused with HTTP " + std::to_string(status) +
              " and an error event instead of an error status",
          "a 4xx/5xx status",
          "HTTP " + std::to_string(status) + " + event " + describe_value(ex.events[i].data));
    }
  }
  if (error_object(ex.body_json ? &*ex.body_json : nullptr) != nullptr)
    return Verdict::fail("an error body came with HTTP " + std::to_string(status), "a 4xx/5xx status",
                         "HTTP " + std::to_string(status));
  return Verdict::not_applicable("the target accepted the request (HTTP " + std::to_string(status) +
                                 ") instead of refusing it: there is no refusal to judge");
}

// Whether the answer was closed (every choice got its finish_reason; a Responses stream's last event is a
// *.done one, an item or a part finished): then only the stream's end marker is missing, which is
// sse.done-sentinel's or responses.terminal-event's to judge.
bool answer_closed(const Exchange& ex, const core::SseEvent* last) {
  if (last == nullptr) return false;
  const auto& parsed = ex.event_json[last->index];
  if (ex.api() == Api::responses) {
    const json* type =
        parsed && parsed->is_object() && parsed->contains("type") ? &(*parsed)["type"] : nullptr;
    return type != nullptr && type->is_string() && type->get_ref<const std::string&>().ends_with(".done");
  }
  std::map<std::int64_t, bool> finished;  // per choice index
  for (const auto& event : ex.event_json) {
    if (!event || !event->is_object() || !event->contains("choices") || !(*event)["choices"].is_array())
      continue;
    for (const auto& choice : (*event)["choices"]) {
      if (!choice.is_object()) continue;
      const auto index = choice.contains("index") && choice["index"].is_number_integer()
                             ? choice["index"].get<std::int64_t>()
                             : 0;
      bool& done = finished[index];
      done = done || (choice.contains("finish_reason") && !choice["finish_reason"].is_null());
    }
  }
  return !finished.empty() &&
         std::all_of(finished.begin(), finished.end(), [](const auto& choice) { return choice.second; });
}

Verdict structured_in_stream(const Exchange& ex) {
  if (!ex.stream_requested() || ex.response.status >= 300)
    return Verdict::not_applicable("not a successful stream");
  bool content_seen = false;
  bool done = false;
  const core::SseEvent* last = nullptr;
  for (std::size_t i = 0; i < ex.events.size(); ++i) {
    const EventRole role = ex.event_role(i);
    if (role == EventRole::end) {
      done = true;
      break;
    }
    last = &ex.events[i];
    content_seen = content_seen || role == EventRole::content;
    if (const json* message = ex.event_error_message(i); content_seen && message != nullptr)
      return Verdict::pass("error event: " + describe_value(*message));
  }
  if (done) return Verdict::not_applicable("the stream completed; no error happened");
  if (!content_seen) return Verdict::not_applicable("no token arrived before the stream ended");
  if (answer_closed(ex, last))
    return Verdict::not_applicable(
        "the answer was closed (its last event ends it) and only the stream's end marker is missing: "
        "sse.done-sentinel's or responses.terminal-event's to judge");
  // It stopped after the first token without [DONE]: the reason must have come as a JSON error event.
  std::string actual = "nothing";
  if (ex.sse_stats && !ex.sse_stats->unterminated_tail.empty()) {
    actual = "bytes outside any event: " + describe_value(json(ex.sse_stats->unterminated_tail));
  } else if (ex.sse_stats && !ex.sse_stats->first_unknown_line.empty()) {
    actual = "a line that is not an SSE field: " + describe_value(json(ex.sse_stats->first_unknown_line));
  } else if (last != nullptr) {
    actual = "last event " + describe_value(json(last->data));
  }
  return Verdict::fail("the stream broke off after the first token without a structured error event",
                       "data: {\"error\": {\"message\": ...}}", actual);
}

}  // namespace

Verdict error_envelope(const CheckContext& context, const Exchange* ex) {
  return envelope(*ex, context.profile);
}
Verdict error_status_matches_type(const CheckContext& context, const Exchange* ex) {
  return status_matches_type(*ex, context.profile);
}
Verdict error_http_status_before_stream(const CheckContext&, const Exchange* ex) {
  return status_before_stream(*ex);
}
Verdict error_structured_in_stream(const CheckContext&, const Exchange* ex) {
  return structured_in_stream(*ex);
}

}  // namespace gatecheck::runner
