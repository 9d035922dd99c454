// Reading what people have: cassettes, HAR files from a browser or a proxy, and raw SSE captures.
#include <algorithm>
#include <system_error>

#include <nlohmann/json.hpp>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/document.hpp>

#include "reading.hpp"

namespace gatecheck::cassette {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The files of a folder a load reads: cassettes, HAR files and SSE captures (READMEs and manifests aside).
bool is_recording_file(const fs::path& path) {
  const auto ext = path.extension().string();
  return ext == ".jsonl" || ext == ".har" || ext == ".sse";
}

std::vector<Recording> load_jsonl(std::string_view text, const std::string& file, const LoadLimits& limits) {
  const LineReader reader;
  std::vector<Recording> out;
  std::size_t line = 0;
  while (!text.empty()) {
    ++line;
    const auto end = text.find('\n');
    std::string_view one = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (one.ends_with('\r')) one.remove_suffix(1);
    if (one.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (out.size() >= limits.max_recordings)
      throw core::LoadError(file, {static_cast<std::uint32_t>(line), 1},
                            "more than " + std::to_string(limits.max_recordings) + " recordings");
    out.push_back(reader.read(one, file, line));
  }
  return out;
}

core::Headers har_headers(const json& list) {
  core::Headers out;
  if (!list.is_array()) return out;
  for (const auto& field : list) {
    if (!field.is_object() || !field.contains("name") || !field["name"].is_string()) continue;
    const std::string name = field["name"].get<std::string>();
    if (name.empty() || name.front() == ':') continue;  // HTTP/2 pseudo-headers are not fields
    out.add(name, field.value("value", json("")).is_string() ? field.value("value", "") : "");
  }
  return out;
}

const json& required(const core::Document& har, const json& object, const char* name, json::value_t type,
                     const std::string& pointer) {
  const auto found = object.find(name);
  const bool ok =
      found != object.end() &&
      (found->type() == type || (type == json::value_t::number_integer && found->is_number_integer()));
  if (!ok)
    throw core::LoadError(har.source.file(), har.source.value_at(pointer),
                          "not a HAR file: " + pointer + "/" + name + " is missing or of the wrong type");
  return *found;
}

Recording har_entry(const core::Document& har, const json& entry, const std::string& pointer) {
  using T = json::value_t;
  const json& request = required(har, entry, "request", T::object, pointer);
  const json& response = required(har, entry, "response", T::object, pointer);
  Recording out;
  out.origin = har.source.describe(pointer);
  out.recorded_at = entry.value("startedDateTime", "");
  out.request.method = required(har, request, "method", T::string, pointer + "/request").get<std::string>();
  std::tie(out.source, out.request.url) =
      split_url(required(har, request, "url", T::string, pointer + "/request").get<std::string>());
  out.request.headers = har_headers(request.value("headers", json()));
  if (const auto post = request.find("postData"); post != request.end() && post->is_object())
    out.request.body = post->value("text", "");
  out.response.status =
      required(har, response, "status", T::number_integer, pointer + "/response").get<int>();
  out.response.reason = response.value("statusText", "");
  out.response.headers = har_headers(response.value("headers", json()));
  const json content = response.value("content", json::object());
  if (content.contains("text") && content["text"].is_string()) {
    const std::string text = content["text"].get<std::string>();
    if (content.value("encoding", "") == "base64") {
      auto bytes = core::base64_decode(text);
      if (!bytes)
        throw core::LoadError(har.source.file(), har.source.value_at(pointer + "/response/content"),
                              "content.text is not base64 although its encoding says so");
      out.response.body = std::move(*bytes);
    } else {
      out.response.body = text;
    }
  } else if (content.value("size", 0) != 0) {
    out.unjudgeable =
        "the HAR entry keeps no response body (content.text is absent): export it with content to judge it";
  }
  if (const auto timings = entry.find("timings"); timings != entry.end() && timings->is_object())
    if (const auto wait = timings->find("wait"); wait != timings->end() && wait->is_number() && *wait >= 0)
      out.response.headers_ms = wait->get<double>();
  if (const auto time = entry.find("time"); time != entry.end() && time->is_number() && *time >= 0)
    out.response.duration_ms = time->get<double>();
  return out;
}

// Reads one response head ("HTTP/1.1 200 OK", fields, blank line) off the front of `text`.
void read_head(std::string_view& text, RecordedResponse& response) {
  bool first = true;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty()) return;
    if (first) {
      first = false;
      const auto space = line.find(' ');
      const std::string_view rest = space == std::string_view::npos ? "" : line.substr(space + 1);
      response.status = 0;
      for (std::size_t i = 0; i < rest.size() && i < 3 && rest[i] >= '0' && rest[i] <= '9'; ++i)
        response.status = response.status * 10 + (rest[i] - '0');
      response.reason = std::string(rest.size() > 4 ? rest.substr(4) : "");
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    response.headers.add(std::string(line.substr(0, colon)), std::string(value));
  }
}

// The API a capture's events belong to, by their shape: the Responses API's typed events, a legacy
// completion's text_completion chunks, else chat.
std::string api_path_of(std::string_view body) {
  if (body.find("\"type\":\"response.") != std::string_view::npos ||
      body.find("\"type\": \"response.") != std::string_view::npos)
    return "/v1/responses";
  if (body.find("\"text_completion\"") != std::string_view::npos) return "/v1/completions";
  return "/v1/chat/completions";
}

}  // namespace

std::pair<std::string, std::string> split_url(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return {"", url.starts_with('/') ? url : "/" + url};
  const auto path = url.find_first_of("/?#", scheme + 3);
  if (path == std::string::npos) return {url, "/"};
  std::string rest = url.substr(path);
  if (!rest.starts_with('/')) rest.insert(0, "/");
  return {url.substr(0, path), rest.substr(0, rest.find('#'))};
}

std::vector<Recording> load_har(std::string_view text, const std::string& file) {
  const core::Document har = core::parse_json(text, file);
  if (!har.value.is_object() || !har.value.contains("log") || !har.value["log"].is_object())
    throw core::LoadError(file, {1, 1}, "not a HAR file: no \"log\" object");
  const json& log = har.value["log"];
  const json& entries = required(har, log, "entries", json::value_t::array, "/log");
  std::string creator;
  if (const auto who = log.find("creator"); who != log.end() && who->is_object())
    creator = who->value("name", "") + " " + who->value("version", "") + " (HAR)";
  std::vector<Recording> out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string pointer = "/log/entries/" + std::to_string(i);
    if (!entries[i].is_object())
      throw core::LoadError(file, har.source.value_at(pointer), "not a HAR file: an entry is not an object");
    out.push_back(har_entry(har, entries[i], pointer));
    out.back().recorder = creator;
  }
  return out;
}

Recording load_raw_capture(std::string_view text, const std::string& file) {
  Recording out;
  out.origin = file;
  out.recorder = "raw capture";
  if (text.starts_with("HTTP/")) {
    // `curl -i` prints every head it got (a 100 Continue, a proxy's CONNECT answer) before the final one.
    do {
      out.response.headers = {};
      read_head(text, out.response);
    } while (text.starts_with("HTTP/"));
  } else {
    out.head_known = false;
    out.response.status = 200;  // the body arrived: not judged as a status (head_known)
  }
  out.response.body = std::string(text);
  out.request.method = "POST";
  out.request.url = api_path_of(text);
  return out;
}

std::vector<Recording> load(const fs::path& path, const LoadLimits& limits) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(path, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file(ec) || !is_recording_file(it->path())) continue;
      if (files.size() >= limits.max_files)
        throw core::LoadError(path.string(), {}, "more than " + std::to_string(limits.max_files) + " files");
      files.push_back(it->path());
    }
    if (ec) throw core::LoadError(path.string(), {}, "cannot read the folder: " + ec.message());
    std::sort(files.begin(), files.end());
    std::vector<Recording> out;
    for (const auto& file : files) {
      auto more = load(file, limits);
      if (out.size() + more.size() > limits.max_recordings)
        throw core::LoadError(file.string(), {},
                              "more than " + std::to_string(limits.max_recordings) + " recordings");
      std::move(more.begin(), more.end(), std::back_inserter(out));
    }
    return out;
  }
  const auto size = fs::file_size(path, ec);
  if (ec) throw core::LoadError(path.string(), {}, "cannot read: " + ec.message());
  if (size > limits.max_file_bytes)
    throw core::LoadError(path.string(), {},
                          "larger than " + std::to_string(limits.max_file_bytes >> 20) + " MiB");
  const std::string text = core::read_file(path);
  const std::string name = path.string();
  const auto ext = path.extension().string();
  if (ext == ".jsonl") return load_jsonl(text, name, limits);
  if (ext == ".har" || ext == ".json") return load_har(text, name);
  return {load_raw_capture(text, name)};
}

}  // namespace gatecheck::cassette
