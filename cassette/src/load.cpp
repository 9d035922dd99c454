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

// The next line of `text` without its LF or CRLF; `text` keeps what follows. `ended`: it had its LF.
std::string_view take_line(std::string_view& text, bool& ended) {
  const auto end = text.find('\n');
  std::string_view line = text.substr(0, end);
  ended = end != std::string_view::npos;
  text.remove_prefix(ended ? end + 1 : text.size());
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

std::vector<Recording> load_jsonl(std::string_view text, const std::string& file, const LoadLimits& limits) {
  const LineReader reader;
  std::vector<Recording> out;
  std::size_t line = 0;
  while (!text.empty()) {
    ++line;
    bool ended = false;
    const std::string_view one = take_line(text, ended);
    if (one.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (out.size() >= limits.max_recordings)
      throw core::LoadError(file, {static_cast<std::uint32_t>(line), 1},
                            "more than " + std::to_string(limits.max_recordings) + " recordings");
    // A last line without its newline that is not JSON was being written when its recorder stopped: every
    // line before it is whole, and it is left out.
    if (!ended && core::parse_untrusted_json(one).is_discarded()) break;
    out.push_back(reader.read(one, file, line));
  }
  return out;
}

// A HAR member read leniently: a value of another type is as good as absent.
std::string text_of(const json& object, const char* name) {
  const auto found = object.find(name);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

bool clean_field(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// A field name (RFC 9110 token), as the cassette's schema has it.
bool token(std::string_view text) {
  return !text.empty() && text.size() <= 256 && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("!#$%&'*+.^_`|~-").find(c) != std::string_view::npos;
  });
}

core::Headers har_headers(const core::Document& har, const json& list, const std::string& pointer) {
  core::Headers out;
  if (!list.is_array()) return out;
  for (const auto& field : list) {
    if (!field.is_object()) continue;
    const std::string name = text_of(field, "name");
    if (name.empty() || name.front() == ':') continue;  // HTTP/2 pseudo-headers are not fields
    const std::string value = text_of(field, "value");
    if (!token(name) || !clean_field(value))
      throw core::LoadError(
          har.source.file(), har.source.value_at(pointer),
          "a header name that is not a token, or a value with a line break or NUL: no HTTP field");
    out.add(name, value);
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

// The answer's body, decoded as the HAR keeps it (content.text is already decompressed, so Content-Encoding
// goes); a body the export left out makes the entry one that cannot be judged.
void har_content(const core::Document& har, const json& response, const std::string& pointer,
                 Recording& out) {
  out.response.headers.remove("content-encoding");
  const auto content = response.find("content");
  const json* text = nullptr;
  if (content != response.end() && content->is_object() && content->contains("text") &&
      (*content)["text"].is_string())
    text = &(*content)["text"];
  if (text != nullptr) {
    if (text_of(*content, "encoding") != "base64") {
      out.response.body = text->get<std::string>();
      return;
    }
    auto bytes = core::base64_decode(text->get_ref<const std::string&>());
    if (!bytes)
      throw core::LoadError(har.source.file(), har.source.value_at(pointer + "/response/content"),
                            "content.text is not base64 although its encoding says so");
    out.response.body = std::move(*bytes);
    return;
  }
  const int status = out.response.status;
  const bool bodiless =
      (status >= 100 && status < 200) || status == 204 || status == 304 || out.request.method == "HEAD";
  if (status == 0)
    out.unjudgeable = "the HAR entry has no answer (status 0: blocked, cancelled or never sent)";
  else if (!bodiless)
    out.unjudgeable =
        "the HAR entry keeps no response body (content.text is absent): export it with content to judge it";
}

Recording har_entry(const core::Document& har, const json& entry, const std::string& pointer) {
  using T = json::value_t;
  const json& request = required(har, entry, "request", T::object, pointer);
  const json& response = required(har, entry, "response", T::object, pointer);
  Recording out;
  out.origin = har.source.describe(pointer);
  out.file = har.source.file();
  out.format = "har";
  out.recorded_at = text_of(entry, "startedDateTime");
  out.request.method = required(har, request, "method", T::string, pointer + "/request").get<std::string>();
  std::tie(out.source, out.request.url) =
      split_url(required(har, request, "url", T::string, pointer + "/request").get<std::string>());
  out.request.headers = har_headers(har, request.value("headers", json()), pointer + "/request/headers");
  if (const auto post = request.find("postData"); post != request.end() && post->is_object())
    out.request.body = text_of(*post, "text");
  const auto status =
      required(har, response, "status", T::number_integer, pointer + "/response").get<std::int64_t>();
  if (status != 0 && (status < 100 || status > 999))
    throw core::LoadError(har.source.file(), har.source.value_at(pointer + "/response/status"),
                          "not an HTTP status: " + std::to_string(status));
  out.response.status = static_cast<int>(status);
  out.response.reason = text_of(response, "statusText");
  if (!clean_field(out.response.reason) || out.response.reason.size() > 200 || !token(out.request.method) ||
      out.request.method.size() > 32 || !clean_field(out.request.url))
    throw core::LoadError(har.source.file(), har.source.value_at(pointer),
                          "a method that is not a token, or a URL or status text with a line break or NUL");
  out.response.headers = har_headers(har, response.value("headers", json()), pointer + "/response/headers");
  har_content(har, response, pointer, out);
  if (const auto timings = entry.find("timings"); timings != entry.end() && timings->is_object())
    if (const auto wait = timings->find("wait"); wait != timings->end() && wait->is_number() && *wait >= 0)
      out.response.headers_ms = wait->get<double>();
  if (const auto time = entry.find("time"); time != entry.end() && time->is_number() && *time >= 0)
    out.response.duration_ms = time->get<double>();
  return out;
}

// Reads one response head ("HTTP/1.1 200 OK", fields, blank line) off the front of `text`; `line` counts the
// capture's lines, for errors.
void read_head(std::string_view& text, RecordedResponse& response, const std::string& file,
               std::uint32_t& line) {
  bool first = true;
  while (!text.empty()) {
    ++line;
    bool ended = false;
    const std::string_view one = take_line(text, ended);
    if (one.empty()) return;
    if (!clean_field(one)) throw core::LoadError(file, {line, 1}, "a head line holds a stray CR or NUL");
    if (first) {
      first = false;
      const auto space = one.find(' ');
      const std::string_view rest = space == std::string_view::npos ? "" : one.substr(space + 1);
      const bool digits = rest.size() >= 3 && std::all_of(rest.begin(), rest.begin() + 3,
                                                          [](char c) { return c >= '0' && c <= '9'; });
      response.status = digits ? std::stoi(std::string(rest.substr(0, 3))) : 0;
      if (response.status < 100) throw core::LoadError(file, {line, 1}, "not an HTTP status line");
      response.reason = std::string(rest.size() > 4 ? rest.substr(4, 200) : "");
      continue;
    }
    const auto colon = one.find(':');
    if (colon == std::string_view::npos || !token(one.substr(0, colon)))
      throw core::LoadError(file, {line, 1}, "not a header field (NAME: value)");
    std::string_view value = one.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    response.headers.add(std::string(one.substr(0, colon)), std::string(value));
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
  std::string origin = url.substr(0, path);
  // user:password@ never reaches a recording
  if (const auto at = origin.rfind('@'); at != std::string::npos && at > scheme)
    origin.erase(scheme + 3, at - scheme - 2);
  if (path == std::string::npos) return {origin, "/"};
  std::string rest = url.substr(path);
  if (!rest.starts_with('/')) rest.insert(0, "/");
  return {origin, rest.substr(0, rest.find('#'))};
}

std::vector<Recording> load_har(std::string_view text, const std::string& file) {
  const core::Document har = core::parse_json(text, file);
  if (!har.value.is_object() || !har.value.contains("log") || !har.value["log"].is_object())
    throw core::LoadError(file, {1, 1}, "not a HAR file: no \"log\" object");
  const json& log = har.value["log"];
  const json& entries = required(har, log, "entries", json::value_t::array, "/log");
  std::string creator;
  if (const auto who = log.find("creator"); who != log.end() && who->is_object())
    creator = text_of(*who, "name") + " " + text_of(*who, "version") + " (HAR)";
  std::vector<Recording> out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string pointer = "/log/entries/" + std::to_string(i);
    if (!entries[i].is_object())
      throw core::LoadError(file, har.source.value_at(pointer), "not a HAR file: an entry is not an object");
    try {
      out.push_back(har_entry(har, entries[i], pointer));
    } catch (const json::exception& e) {  // a member of a type no reader above expected
      throw core::LoadError(file, har.source.value_at(pointer), std::string("not a HAR entry: ") + e.what());
    }
    out.back().recorder = creator;
  }
  return out;
}

Recording load_raw_capture(std::string_view text, const std::string& file) {
  Recording out;
  out.origin = file;
  out.file = file;
  out.format = "capture";
  out.recorder = "raw capture";
  if (text.starts_with("HTTP/")) {
    // `curl -i` prints every head it got (a 100 Continue, a proxy's CONNECT answer) before the final one.
    std::uint32_t line = 0;
    do {
      out.response.headers = {};
      read_head(text, out.response, file, line);
    } while (text.starts_with("HTTP/"));
  } else {
    out.head_known = false;
    out.response.status = 200;  // the body arrived: not judged as a status (head_known)
  }
  out.response.body = std::string(text);
  // What was asked is not in a capture: it is judged as the answer to a streamed request, which it is meant
  // to be (so a body that holds no events fails the stream checks instead of passing unjudged).
  out.request.method = "POST";
  out.request.url = api_path_of(text);
  out.request.body = R"({"stream":true})";
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
