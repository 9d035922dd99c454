// A recording as one cassette line, and back: bytes that are UTF-8 stay readable text, others go base64; a
// stream's pieces keep their own arrival times.
#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/document.hpp>
#include <gatecheck/core/utf8.hpp>
#include <gatecheck/schema/format_check.hpp>

#include "reading.hpp"

namespace gatecheck::cassette {
namespace {

using nlohmann::json;

// `text_key` holds UTF-8 bytes as they are, `base64_key` anything else.
void put_bytes(json& out, const char* text_key, const char* base64_key, std::string_view bytes) {
  if (core::is_valid_utf8(bytes)) {
    out[text_key] = std::string(bytes);
  } else {
    out[base64_key] = core::base64_encode(bytes);
  }
}

std::string get_bytes(const json& in, const char* text_key, const char* base64_key) {
  if (const auto text = in.find(text_key); text != in.end()) return text->get<std::string>();
  if (const auto encoded = in.find(base64_key); encoded != in.end()) {
    auto bytes = core::base64_decode(encoded->get_ref<const std::string&>());
    if (!bytes) throw std::invalid_argument(std::string(base64_key) + " is not base64");
    return std::move(*bytes);
  }
  return {};
}

json headers_json(const core::Headers& headers) {
  json out = json::array();
  for (const auto& [name, value] : headers)
    out.push_back({core::repair_utf8(name), core::repair_utf8(value)});
  return out;
}

core::Headers headers_of(const json& in) {
  core::Headers out;
  if (const auto list = in.find("headers"); list != in.end())
    for (const auto& pair : *list)
      out.add(pair[0].get<std::string>(), pair[1].get<std::string>());
  return out;
}

// Milliseconds kept to a microsecond: enough for pacing, and lines that do not churn in the last digits.
double rounded(double ms) {
  return std::round(ms * 1000) / 1000;
}

json response_json(const RecordedResponse& response) {
  json out = {{"status", response.status}};
  if (!response.reason.empty()) out["reason"] = core::repair_utf8(response.reason);
  out["headers"] = headers_json(response.headers);
  if (response.headers_ms) out["headers_ms"] = rounded(*response.headers_ms);
  if (response.duration_ms) out["duration_ms"] = rounded(*response.duration_ms);
  if (response.arrivals.empty()) {
    if (!response.body.empty()) put_bytes(out, "body", "body_base64", response.body);
  } else {
    json chunks = json::array();
    for (const auto& piece : pieces_of(response)) {
      json chunk = {{"at_ms", rounded(piece.at_ms)}};
      put_bytes(chunk, "text", "base64", piece.bytes);
      chunks.push_back(std::move(chunk));
    }
    out["chunks"] = std::move(chunks);
  }
  if (!response.error_kind.empty())
    out["error"] = {{"kind", response.error_kind}, {"message", core::repair_utf8(response.error)}};
  if (response.truncated) out["truncated"] = true;
  return out;
}

RecordedResponse response_of(const json& in) {
  RecordedResponse out;
  out.status = in["status"].get<int>();
  out.reason = in.value("reason", "");
  out.headers = headers_of(in);
  if (in.contains("headers_ms")) out.headers_ms = in["headers_ms"].get<double>();
  if (in.contains("duration_ms")) out.duration_ms = in["duration_ms"].get<double>();
  out.body = get_bytes(in, "body", "body_base64");
  if (const auto chunks = in.find("chunks"); chunks != in.end()) {
    for (const auto& chunk : *chunks) {
      out.body += get_bytes(chunk, "text", "base64");
      out.arrivals.push_back({chunk["at_ms"].get<double>(), out.body.size()});
    }
  }
  if (const auto error = in.find("error"); error != in.end()) {
    out.error_kind = (*error)["kind"].get<std::string>();
    out.error = error->value("message", "");
  }
  out.truncated = in.value("truncated", false);
  return out;
}

}  // namespace

json to_json(const Recording& recording) {
  json out = {{"cassette", 1}};
  if (!recording.recorded_at.empty()) out["recorded_at"] = recording.recorded_at;
  if (!recording.source.empty()) out["source"] = core::repair_utf8(recording.source);
  if (!recording.profile.empty()) out["profile"] = recording.profile;
  if (!recording.recorder.empty()) out["recorder"] = recording.recorder;
  if (!recording.label.empty()) out["label"] = core::repair_utf8(recording.label);
  if (!recording.redactions.empty()) out["redactions"] = recording.redactions;
  const auto& request = recording.request;
  json req = {{"method", core::repair_utf8(request.method)},
              {"url", core::repair_utf8(request.url)},
              {"headers", headers_json(request.headers)}};
  if (!request.body.empty()) put_bytes(req, "body", "body_base64", request.body);
  out["request"] = std::move(req);
  out["response"] = response_json(recording.response);
  return out;
}

Recording from_json(const json& line) {
  Recording out;
  out.recorded_at = line.value("recorded_at", "");
  out.source = line.value("source", "");
  out.profile = line.value("profile", "");
  out.recorder = line.value("recorder", "");
  out.label = line.value("label", "");
  if (const auto list = line.find("redactions"); list != line.end())
    out.redactions = list->get<std::vector<std::string>>();
  const json& request = line["request"];
  out.request.method = request["method"].get<std::string>();
  out.request.url = request["url"].get<std::string>();
  out.request.headers = headers_of(request);
  out.request.body = get_bytes(request, "body", "body_base64");
  out.response = response_of(line["response"]);
  return out;
}

std::vector<Piece> pieces_of(const RecordedResponse& response) {
  const std::string_view body = response.body;
  if (response.arrivals.empty()) return {{response.headers_ms.value_or(0), body}};
  std::vector<Piece> out;
  std::size_t start = 0;
  double at = 0;
  for (const auto& arrival : response.arrivals) {
    const std::size_t end = std::clamp(arrival.end, start, body.size());  // bounds never go backwards
    at = std::max(at, arrival.at_ms);
    out.push_back({at, body.substr(start, end - start)});
    start = end;
  }
  if (start < body.size())
    out.push_back({std::max(at, response.duration_ms.value_or(at)), body.substr(start)});
  return out;
}

LineReader::LineReader() : format_(schema::compile_format("schemas/cassette.schema.json")) {}

std::string LineReader::problem(const json& line) const {
  const auto result = format_.validate(line);
  if (result.valid) return {};
  const schema::Error& first = schema::deepest_error(result);
  return (first.instance_location.empty() ? std::string("the line") : first.instance_location) + ": " +
         first.message;
}

Recording LineReader::read(std::string_view text, const std::string& file, std::size_t line) const {
  core::Document document;
  try {
    document = core::parse_json(text, file);
  } catch (const core::LoadError& e) {
    throw core::LoadError(file, {static_cast<std::uint32_t>(line), e.position().column}, e.message());
  }
  const auto result = format_.validate(document.value);
  if (!result.valid) {
    const schema::Error& first = schema::deepest_error(result);
    const core::Position at = document.source.value_at(first.instance_location);
    const bool version = first.instance_location == "/cassette";
    throw core::LoadError(
        file, {static_cast<std::uint32_t>(line), at.column},
        version ? "a cassette of a version this gatecheck does not read (it reads version 1)"
                : "not a cassette recording (schemas/cassette.schema.json): " + problem(document.value));
  }
  try {
    Recording recording = from_json(document.value);
    recording.origin = file + ":" + std::to_string(line);
    recording.file = file;
    recording.format = "cassette";
    return recording;
  } catch (const std::exception& e) {
    throw core::LoadError(file, {static_cast<std::uint32_t>(line), 1}, e.what());
  }
}

Recording parse_line(std::string_view text, const std::string& file, std::size_t line) {
  return LineReader().read(text, file, line);
}

std::string file_name_of(std::string_view text) {
  // A name that does not survive whole (punctuation, other scripts, over 80 characters) gets a short hash of
  // itself, so two names that read alike never share a file.
  const bool lossy = text.size() > 80 || std::any_of(text.begin(), text.end(), [](char c) {
                       const bool kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                         (c >= '0' && c <= '9') || c == '_' || c == '-' || c == ' ';
                       return !kept;
                     });
  std::string out;
  for (const char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (keep) {
      out += c;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
    if (out.size() >= (lossy ? 71u : 80u)) break;  // room for the hash
  }
  while (!out.empty() && out.back() == '-')
    out.pop_back();
  if (out.empty()) out = "recording";
  if (lossy) out += "-" + core::to_hex(core::sha256(text)).substr(0, 8);
  return out;
}

}  // namespace gatecheck::cassette
