#include "stub_response.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/json_path.hpp>

#include "generator.hpp"
#include "text.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr double kMaxDelayMs = 600'000;  // ten minutes, as the schema bounds every delay
// What a template splices in comes from the request and is repaired to UTF-8 there; this is the backstop.
constexpr auto kReplace = json::error_handler_t::replace;

// RFC 9110 5.1 field names: tokens. A stub's header names are checked when it loads.
bool is_token(std::string_view name) {
  constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || kSpecials.find(c) != std::string_view::npos;
  });
}

// A rendered value may hold what the request sent: line breaks and NULs become spaces, so a template cannot
// add header fields (the server writes values as they are).
std::string field_value(std::string value) {
  std::replace_if(
      value.begin(), value.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; }, ' ');
  return value;
}

bool has_templates(const json& value) {
  if (value.is_string()) return core::has_template(value.get_ref<const std::string&>());
  if (value.is_object() || value.is_array())
    return std::any_of(value.begin(), value.end(), [](const json& member) { return has_templates(member); });
  return false;
}

// Why a template's name cannot exist when a request comes, or empty: the roots and members of
// kTemplateMembers, and the path template's own parameters.
std::string name_problem(const core::TemplateName& name, const std::vector<std::string>& path_params) {
  const auto root = std::find_if(std::begin(kTemplateMembers), std::end(kTemplateMembers),
                                 [&](const auto& entry) { return entry.first == name.root; });
  if (root == std::end(kTemplateMembers))
    return "unknown name '" + name.expression + "': stub templates read request, random, now and stub";
  if (!name.member) return {};
  if (root->second.find(" " + *name.member + " ") == std::string_view::npos)
    return "unknown name '" + name.expression + "': " + name.root + " has" + std::string(root->second);
  if (name.root != "request" || *name.member != "path_params") return {};
  const core::JsonPath path = core::JsonPath::parse("$." + name.expression);  // segments() points into it
  const auto& segments = path.segments();
  const auto* param = segments.size() > 2 ? std::get_if<core::JsonPath::Name>(&segments[2]) : nullptr;
  if (param == nullptr ||
      std::find(path_params.begin(), path_params.end(), param->value) != path_params.end())
    return {};
  std::string known;
  for (const auto& other : path_params)
    known += " " + other;
  return "unknown name '" + name.expression + "': the path template binds" +
         (known.empty() ? " nothing" : known);
}

// Every template in a tree must parse and read only names a request will have.
void check_templates(const json& value, const std::string& where,
                     const std::vector<std::string>& path_params) {
  if (value.is_object()) {
    for (const auto& [key, member] : value.items())
      check_templates(member, where + "/" + key, path_params);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i)
      check_templates(value[i], where + "/" + std::to_string(i), path_params);
  } else if (value.is_string()) {
    try {
      for (const auto& name : core::template_names(value.get_ref<const std::string&>()))
        if (const std::string problem = name_problem(name, path_params); !problem.empty())
          throw core::TemplateError(problem);
    } catch (const core::TemplateError& e) {
      throw std::invalid_argument(where + ": " + e.what());
    }
  }
}

StubDelay read_delay(const json& spec) {
  StubDelay delay;
  if (const auto it = spec.find("fixed_ms"); it != spec.end()) {
    delay.kind = StubDelay::Kind::fixed;
    delay.a = it->get<double>();
  } else if (const auto uniform = spec.find("uniform"); uniform != spec.end()) {
    delay.kind = StubDelay::Kind::uniform;
    delay.a = (*uniform)["min_ms"].get<double>();
    delay.b = (*uniform)["max_ms"].get<double>();
    if (delay.b < delay.a) throw std::invalid_argument("/uniform: max_ms is below min_ms");
  } else if (const auto lognormal = spec.find("lognormal"); lognormal != spec.end()) {
    delay.kind = StubDelay::Kind::lognormal;
    delay.a = (*lognormal)["median_ms"].get<double>();
    delay.b = (*lognormal)["sigma"].get<double>();
  }
  return delay;
}

std::shared_ptr<const ScriptedAnswer> read_answer(const json& spec) {
  auto answer = std::make_shared<ScriptedAnswer>();
  if (const auto it = spec.find("content"); it != spec.end()) answer->content = it->get<std::string>();
  for (const auto& call : spec.value("tool_calls", json::array())) {
    const json arguments = call.value("arguments", json::object());
    answer->tool_calls.push_back({call["name"].get<std::string>(),
                                  arguments.is_string() ? arguments.get<std::string>() : arguments.dump()});
  }
  answer->finish_reason = spec.value("finish_reason", answer->tool_calls.empty() ? "stop" : "tool_calls");
  return answer;
}

void read_generated(const json& spec, const std::string& where, StubResponse& out) {
  if (const auto it = spec.find("answer"); it != spec.end()) out.answer = read_answer(*it);
  if (const auto it = spec.find("fault"); it != spec.end()) {
    try {
      out.faults = parse_fault_list(it->get<std::string>());
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(where + "/fault: " + e.what());
    }
  }
  if (const auto it = spec.find("pacing"); it != spec.end()) {
    if (it->contains("ttft_ms")) out.first_token = milliseconds((*it)["ttft_ms"].get<std::int64_t>());
    if (it->contains("itl_ms")) out.between_tokens = milliseconds((*it)["itl_ms"].get<std::int64_t>());
  }
}

void read_proxy(const json& spec, StubResponse& out) {
  out.proxy.url = spec["url"].get<std::string>();
  while (out.proxy.url.ends_with('/'))
    out.proxy.url.pop_back();
  out.proxy.strip_prefix = spec.value("strip_prefix", "");
  const json headers = spec.value("headers", json::object());  // items() needs its object alive
  for (const auto& [name, value] : headers.items()) {
    if (!is_token(name) || is_framing_header(name))
      throw std::invalid_argument("/proxy/headers: '" + name + "' is not a header a stub may set");
    out.proxy.headers.emplace_back(name, field_value(value.get<std::string>()));
  }
}

// `scope` null: the data as written.
std::string event_bytes(const StubResponse::Event& event, const core::TemplateScope* scope) {
  std::string out;
  if (!event.event.empty()) out += "event: " + event.event + "\n";
  if (!event.id.empty()) out += "id: " + event.id + "\n";
  const json data = scope != nullptr ? core::render_tree(event.data, *scope) : event.data;
  std::string text = data.is_string() ? data.get<std::string>() : data.dump(-1, ' ', false, kReplace);
  // CR, CRLF and LF all end an SSE line: each becomes one break, so data can never start another field.
  text = replace_all(replace_all(text, "\r\n", "\n"), "\r", "\n");
  // A data text with line breaks is sent as one data: line per line, as SSE requires.
  std::string_view rest(text);
  do {
    const auto line = rest.substr(0, rest.find('\n'));
    out.append("data: ").append(line).append("\n");
    rest.remove_prefix(std::min(rest.size(), line.size() + 1));
  } while (!rest.empty());
  return out + "\n";
}

}  // namespace

milliseconds StubDelay::sample(std::uint64_t seed) const {
  Prng prng(seed);
  double ms = 0;
  switch (kind) {
    case Kind::none:
      return milliseconds(0);
    case Kind::fixed:
      ms = a;
      break;
    case Kind::uniform:
      ms = a + (b - a) * prng.unit();
      break;
    case Kind::lognormal:
      ms = a * std::exp(b * prng.normal());
      break;
  }
  return milliseconds(static_cast<std::int64_t>(std::clamp(ms, 0.0, kMaxDelayMs)));
}

StubResponse StubResponse::compile(const json& spec, const std::string& where,
                                   const std::vector<std::string>& path_params) {
  StubResponse out;
  out.templated = spec.value("template", true);
  const auto check = [&](const json& value, const std::string& at) {
    if (out.templated) check_templates(value, at, path_params);
  };
  out.status = spec.value("status", 200);
  const json headers = spec.value("headers", json::object());  // items() needs its object alive
  for (const auto& [name, value] : headers.items()) {
    if (!is_token(name)) throw std::invalid_argument(where + "/headers: '" + name + "' is not a header name");
    if (is_framing_header(name))
      throw std::invalid_argument(where + "/headers: " + name + " frames the message; the server sets it");
    out.headers.emplace_back(name, field_value(value.get<std::string>()));
  }
  check(headers, where + "/headers");
  if (const auto it = spec.find("json"); it != spec.end()) out.body = *it;
  if (const auto it = spec.find("body"); it != spec.end()) {
    out.body = *it;
    out.raw_body = true;
  }
  check(out.body, where + (out.raw_body ? "/body" : "/json"));
  for (const auto& event : spec.value("events", json::array())) {
    out.events.push_back({event.value("event", ""), event.value("id", ""), event["data"],
                          milliseconds(event.value("delay_ms", std::int64_t{0}))});
    check(event["data"], where + "/events/" + std::to_string(out.events.size() - 1) + "/data");
  }
  if (spec.contains("answer") || spec.contains("fault") || spec.contains("pacing")) {
    out.kind = Kind::generated;
    read_generated(spec, where, out);
  }
  if (const auto it = spec.find("proxy"); it != spec.end()) {
    out.kind = Kind::proxied;
    try {
      read_proxy(*it, out);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(where + e.what());
    }
  }
  // Nothing to render: the request is not even read for a scope.
  out.templated = out.templated && (has_templates(headers) || has_templates(out.body) ||
                                    has_templates(spec.value("events", json::array())));
  if (const auto it = spec.find("delay"); it != spec.end()) {
    try {
      out.delay = read_delay(*it);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(where + "/delay" + std::string(e.what()));
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> render_headers(const StubResponse& response,
                                                                const core::TemplateScope& scope) {
  if (!response.templated) return response.headers;
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, value] : response.headers)
    out.emplace_back(name, field_value(core::to_template_text(core::render(value, scope))));
  return out;
}

Reply render_scripted(const StubResponse& response, const core::TemplateScope& scope) {
  Reply reply;
  reply.status = response.status;
  reply.headers = render_headers(response, scope);

  if (!response.events.empty()) {
    std::vector<TimedPiece> events;
    for (const auto& event : response.events)
      events.push_back({event_bytes(event, response.templated ? &scope : nullptr), event.delay});
    reply.stream = timed_pieces(std::move(events));
    if (!reply.has_header("content-type")) reply.headers.emplace_back("Content-Type", "text/event-stream");
    reply.headers.emplace_back("Cache-Control", "no-cache");
    return reply;
  }
  const auto& text = response.body;
  if (response.raw_body) {
    reply.body = response.templated
                     ? core::to_template_text(core::render(text.get_ref<const std::string&>(), scope))
                     : text.get<std::string>();
  } else if (!text.is_null()) {
    reply.body = (response.templated ? core::render_tree(text, scope) : text).dump(-1, ' ', false, kReplace);
  }
  if (!reply.has_header("content-type"))
    reply.headers.emplace_back("Content-Type", "application/json");  // the API's own, unless said
  return reply;
}

}  // namespace gatecheck::mock
