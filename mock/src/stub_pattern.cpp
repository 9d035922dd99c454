#include "stub_pattern.hpp"

#include <stdexcept>

#include <gatecheck/core/document.hpp>
#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/json_path.hpp>
#include <gatecheck/core/redact.hpp>
#include <gatecheck/core/uri.hpp>
#include <gatecheck/core/utf8.hpp>
#include <gatecheck/schema/matcher.hpp>

namespace gatecheck::mock {
namespace {

using nlohmann::json;

// A matcher as written, checked the way a suite's are (a mistyped operator is an error, not a literal).
json checked_matcher(const json& spec, const std::string& where) {
  if (const std::string problem = schema::matcher_problem(spec); !problem.empty())
    throw std::invalid_argument(where + ": " + problem);
  return spec;
}

std::vector<std::pair<std::string, json>> checked_members(const json& spec, const char* member,
                                                          const std::string& where) {
  std::vector<std::pair<std::string, json>> out;
  const auto it = spec.find(member);
  if (it == spec.end()) return out;
  for (const auto& [name, value] : it->items())
    out.emplace_back(name, checked_matcher(value, where + "/" + member + "/" + name));
  return out;
}

// "/v1/models/{model}" -> v1, models, {model}: a template when any segment is a {name}.
std::optional<std::vector<std::string>> template_segments(const json& path) {
  if (!path.is_string()) return std::nullopt;
  const auto& text = path.get_ref<const std::string&>();
  if (text.find('{') == std::string::npos) return std::nullopt;
  std::vector<std::string> segments;
  std::string_view rest(text);
  while (!rest.empty()) {
    if (rest.front() == '/') rest.remove_prefix(1);
    const auto slash = rest.find('/');
    segments.emplace_back(rest.substr(0, slash));
    rest.remove_prefix(slash == std::string_view::npos ? rest.size() : slash);
  }
  return segments;
}

std::string shown(std::string_view text) {
  return schema::describe_value(json(core::repair_utf8(text)));
}

// Served as JSON (a 404's near misses, a count's): what arrived is repaired to UTF-8 here, once.
void miss(PatternMatch& out, const std::string& what, const schema::MatchOutcome& outcome) {
  const std::string line = what + ": expected " + outcome.expected + ", got " + outcome.actual;
  out.misses.push_back(core::repair_utf8(line));
}

}  // namespace

const json& RequestView::body() const {
  if (!body_) body_ = core::parse_untrusted_json(request_.body, 128);
  return *body_;
}

std::optional<std::string> query_value(std::string_view query, std::string_view name) {
  for (auto& [key, value] : core::parse_query(query))
    if (key == name) return std::move(value);
  return std::nullopt;
}

RequestPattern RequestPattern::compile(const json& spec, const std::string& where) {
  RequestPattern pattern;
  pattern.spec_ = spec;
  if (const auto it = spec.find("method"); it != spec.end()) {
    pattern.method_ = checked_matcher(*it, where + "/method");  // a literal compares case-insensitively
  }
  if (const auto it = spec.find("path"); it != spec.end()) {
    if (auto segments = template_segments(*it)) {
      std::vector<PathSegment> parsed;
      for (const auto& segment : *segments) {
        const bool parameter = segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
        if (!parameter && segment.find_first_of("{}") != std::string::npos)
          throw std::invalid_argument(where + "/path: a template segment is a whole {name}, got '" + segment +
                                      "'");
        parsed.push_back({parameter ? segment.substr(1, segment.size() - 2) : segment, parameter});
      }
      pattern.path_template_ = std::move(parsed);
    } else {
      pattern.path_ = checked_matcher(*it, where + "/path");
    }
  }
  pattern.query_ = checked_members(spec, "query", where);
  pattern.headers_ = checked_members(spec, "headers", where);
  for (auto& [path, matcher] : checked_members(spec, "json", where)) {
    try {
      pattern.json_.push_back({core::JsonPath::parse(path), std::move(matcher)});
    } catch (const core::JsonPathError& e) {
      throw std::invalid_argument(where + "/json: " + e.what());
    }
  }
  if (const auto it = spec.find("model"); it != spec.end())
    pattern.json_.push_back({core::JsonPath::parse("$.model"), checked_matcher(*it, where + "/model")});
  if (const auto it = spec.find("body"); it != spec.end())
    pattern.body_ = checked_matcher(*it, where + "/body");
  if (const auto it = spec.find("stream"); it != spec.end()) pattern.stream_ = it->get<bool>();
  return pattern;
}

std::vector<std::string> RequestPattern::path_params() const {
  std::vector<std::string> names;
  if (path_template_)
    for (const auto& segment : *path_template_)
      if (segment.parameter) names.push_back(segment.text);
  return names;
}

bool RequestPattern::match_path(std::string_view path, PatternMatch& out) const {
  if (path_) {
    const auto outcome = schema::match_text(*path_, path);
    if (!outcome.ok) miss(out, "path", outcome);
    return outcome.ok;
  }
  const auto& segments = *path_template_;
  std::size_t i = 0;
  std::string_view rest = path;
  json params = json::object();
  while (!rest.empty() || i < segments.size()) {
    if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
    const std::string_view segment = rest.substr(0, rest.find('/'));
    rest.remove_prefix(segment.size());
    const bool fits =
        i < segments.size() && (segments[i].parameter ? !segment.empty() : segment == segments[i].text);
    if (!fits) {
      out.misses.push_back("path: expected " + shown(spec_["path"].get<std::string>()) + ", got " +
                           shown(path));
      return false;
    }
    if (segments[i].parameter) {
      const std::string decoded = core::percent_decode(segment);  // templates serve it as JSON: UTF-8 only
      params[segments[i].text] = core::repair_utf8(decoded);
    }
    ++i;
  }
  out.path_params = std::move(params);
  return true;
}

PatternMatch RequestPattern::match(const RequestView& view, bool all) const {
  const Request& request = view.request();
  PatternMatch out;
  const auto done = [&] { return !all && !out.misses.empty(); };
  if (method_) {
    ++out.criteria;
    auto outcome = schema::match_text(*method_, request.method);
    if (method_->is_string())
      outcome.ok = core::iequals(method_->get_ref<const std::string&>(), request.method);
    if (!outcome.ok) miss(out, "method", outcome);
  }
  if (!done() && (path_ || path_template_)) {
    ++out.criteria;
    match_path(request.path, out);
  }
  for (std::size_t i = 0; i < query_.size() && !done(); ++i) {
    ++out.criteria;
    const auto value = query_value(request.query, query_[i].first);
    const auto outcome =
        schema::match_text(query_[i].second, value ? std::optional<std::string_view>(*value) : std::nullopt);
    if (!outcome.ok) miss(out, "query " + query_[i].first, outcome);
  }
  for (std::size_t i = 0; i < headers_.size() && !done(); ++i) {
    ++out.criteria;
    const auto value = request.header(headers_[i].first);
    const auto outcome = schema::match_text(headers_[i].second, value);
    if (outcome.ok) continue;
    // A credential is never quoted, neither the one expected nor the one sent.
    if (core::is_credential_header(headers_[i].first)) {
      out.misses.push_back("header " + headers_[i].first +
                           (value ? ": the value differs (a credential: neither is shown)" : ": absent"));
    } else {
      miss(out, "header " + headers_[i].first, outcome);
    }
  }
  if (!done() && body_) {
    ++out.criteria;
    const auto outcome = schema::match_text(*body_, request.body);
    if (!outcome.ok) miss(out, "body", outcome);
  }
  if (!done() && stream_) {
    ++out.criteria;
    const json& body = view.body();
    const auto flag = body.is_object() ? body.find("stream") : body.end();
    const bool streams = body.is_object() && flag != body.end() && *flag == true;
    if (streams != *stream_)
      out.misses.push_back(std::string("stream: expected ") + (*stream_ ? "true" : "false or absent") +
                           ", got " + (streams ? "true" : "false or absent"));
  }
  for (std::size_t i = 0; i < json_.size() && !done(); ++i) {
    ++out.criteria;
    const auto& criterion = json_[i];
    const std::string& text = criterion.path.text();
    const json& body = view.body();
    if (body.is_discarded()) {
      out.misses.push_back("json " + text + ": the body is not JSON");
      continue;
    }
    schema::MatchOutcome outcome = schema::match_value(criterion.matcher, nullptr);
    try {
      for (const auto& node : criterion.path.evaluate(body)) {
        outcome = schema::match_value(criterion.matcher, node.value);
        if (outcome.ok) break;  // a path selecting several values matches when any does
      }
    } catch (const core::JsonPathError& e) {  // the evaluation bound: a body too large to search this way
      out.misses.push_back("json " + text + ": " + e.what());
      continue;
    }
    if (!outcome.ok) miss(out, "json " + text, outcome);
  }
  if (view.cut() && !out.misses.empty()) {
    // A journal entry keeps only the start of a long body: a body criterion's miss may be the cut's doing.
    for (auto& line : out.misses)
      if (line.starts_with("json ") || line.starts_with("body") || line.starts_with("stream"))
        line += " (the journal kept " + std::to_string(view.cut()->first) + " of its " +
                std::to_string(view.cut()->second) + " bytes; raise --journal-body-bytes)";
  }
  return out;
}

}  // namespace gatecheck::mock
