#include "expectations.hpp"

#include <algorithm>

#include <gatecheck/core/document.hpp>

#include "matcher.hpp"

namespace gatecheck::runner {
namespace {

using core::json_pointer_append;
using nlohmann::json;

std::vector<PathExpected> paths(const json& entries, const std::string& pointer) {
  std::vector<PathExpected> out;
  for (const auto& [path, want] : entries.items())
    out.push_back({path, want, json_pointer_append(pointer, path)});
  return out;
}

ErrorExpected read_error(const json& error) {
  ErrorExpected out;
  if (error.contains("status")) out.status = Expected{error["status"], "/error/status"};
  for (const char* field : {"type", "code", "param", "message"})
    if (error.contains(field))
      out.fields.emplace_back(field, Expected{error[field], std::string("/error/") + field});
  return out;
}

SseExpected read_sse(const json& sse) {
  SseExpected out;
  if (sse.contains("schema")) out.schema = sse["schema"].get<std::string>();
  if (sse.contains("min_events")) out.min_events = sse["min_events"].get<std::size_t>();
  if (sse.contains("first_event_within_ms"))
    out.first_event_within_ms = sse["first_event_within_ms"].get<int>();
  return out;
}

// The checks a block runs: those it names, then those its other keys imply.
std::vector<const CheckInfo*> checks_of(const json& expect) {
  std::vector<const CheckInfo*> checks;
  const auto add = [&](std::string_view id) {
    const CheckInfo* check = find_check(id);
    if (check != nullptr && std::find(checks.begin(), checks.end(), check) == checks.end())
      checks.push_back(check);
  };
  if (expect.contains("checks"))
    for (const auto& id : expect["checks"])
      add(id.get<std::string>());
  if (expect.contains("error")) {
    add("error.envelope");
    add("error.status-matches-type");
  }
  if (expect.contains("sse") && expect["sse"].contains("first_event_within_ms")) add("latency.first-event");
  return checks;
}

json render_value(const json& value, const core::TemplateScope& scope) {
  return core::render_tree(value, scope);
}

std::string render_text(const std::string& text, const core::TemplateScope& scope) {
  return core::to_template_text(core::render(text, scope));
}

// A JSONPath with templates: each value is escaped as it lands, so a model id with a quote in it stays one
// string literal of a filter ($.data[?@.id == '{{ profile.models.chat }}']) and cannot change the path.
std::string render_path(const std::string& path, const core::TemplateScope& scope) {
  std::string out;
  std::size_t at = 0;
  for (std::size_t open = path.find("{{"); open != std::string::npos; open = path.find("{{", at)) {
    const std::size_t close = path.find("}}", open);
    if (close == std::string::npos) break;  // left whole: render_text names the unclosed '{{'
    out += path.substr(at, open - at);
    for (const char c : render_text(path.substr(open, close + 2 - open), scope)) {
      if (c == '\\' || c == '\'' || c == '"') out += '\\';
      out += c;
    }
    at = close + 2;
  }
  return at == 0 ? render_text(path, scope) : out + path.substr(at);
}

}  // namespace

bool Expectations::judges_responses() const {
  return status || !headers.empty() || body || !json.empty() || !events.empty() || error || schema ||
         operation || sse || within_ms;
}

bool Expectations::expects_429() const {
  if (ratelimit) return true;
  if (error && error->status && error->status->want == 429) return true;
  return status && match_status(status->want, 429).ok;
}

bool Expectations::needs_twin() const {
  return std::any_of(checks.begin(), checks.end(), [](const CheckInfo* check) { return check->needs_twin; });
}

Expectations read_expectations(const json& expect) {
  Expectations out;
  if (!expect.is_object()) return out;
  if (expect.contains("status")) out.status = Expected{expect["status"], "/status"};
  if (expect.contains("headers")) out.headers = paths(expect["headers"], "/headers");
  if (expect.contains("body")) out.body = Expected{expect["body"], "/body"};
  if (expect.contains("json")) out.json = paths(expect["json"], "/json");
  if (expect.contains("events")) out.events = paths(expect["events"], "/events");
  if (expect.contains("error")) out.error = read_error(expect["error"]);
  if (expect.contains("schema")) out.schema = expect["schema"].get<std::string>();
  if (expect.contains("operation")) out.operation = expect["operation"].get<std::string>();
  if (expect.contains("sse")) out.sse = read_sse(expect["sse"]);
  if (expect.contains("within_ms")) out.within_ms = expect["within_ms"].get<double>();
  out.ratelimit = expect.contains("ratelimit");
  out.expect_429 = out.ratelimit && expect["ratelimit"].value("expect_429", false);
  out.checks = checks_of(expect);
  return out;
}

Expectations render_expectations(const Expectations& expect, const core::TemplateScope& scope) {
  Expectations out = expect;
  const auto render = [&](std::optional<Expected>& e) {
    if (e) e->want = render_value(e->want, scope);
  };
  render(out.status);
  render(out.body);
  for (auto* list : {&out.headers, &out.json, &out.events}) {
    for (auto& entry : *list) {
      entry.path = render_path(entry.path, scope);
      entry.want = render_value(entry.want, scope);
    }
  }
  if (out.error) {
    render(out.error->status);
    for (auto& [field, e] : out.error->fields)
      e.want = render_value(e.want, scope);
  }
  for (auto* text : {&out.schema, &out.operation})
    if (*text) **text = render_text(**text, scope);
  if (out.sse && out.sse->schema) out.sse->schema = render_text(*out.sse->schema, scope);
  return out;
}

}  // namespace gatecheck::runner
