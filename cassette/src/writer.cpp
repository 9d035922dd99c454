// Masking before writing, and the appending writer. Nothing reaches a cassette file before redact() ran.
#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/document.hpp>
#include <gatecheck/core/json_path.hpp>

namespace gatecheck::cassette {
namespace {

using nlohmann::json;

void note(Recording& recording, std::string what) {
  if (std::find(recording.redactions.begin(), recording.redactions.end(), what) == recording.redactions.end())
    recording.redactions.push_back(std::move(what));
}

// Masks registered secrets in `text`; true when something was masked.
bool mask(std::string& text, const core::Redactor& redactor) {
  std::string masked = redactor.redact(text, false);  // whole texts: no cut-off secrets to guess at
  if (masked == text) return false;
  text = std::move(masked);
  return true;
}

bool mask_headers(core::Headers& headers, const core::Redactor& redactor, Recording& recording) {
  core::Headers out;
  bool secret = false;
  for (const auto& [name, value] : headers) {
    if (redactor.is_sensitive_header(name)) {
      out.add(name, redactor.redact_header(name, value) + " #" + credential_mark(value));
      note(recording, "header " + core::to_lower(name));
      continue;
    }
    std::string text = value;
    secret |= mask(text, redactor);
    out.add(name, std::move(text));
  }
  headers = std::move(out);
  return secret;
}

// A stream's pieces are masked one by one, so each keeps its arrival time.
bool mask_body(RecordedResponse& response, const core::Redactor& redactor) {
  if (response.arrivals.empty()) return mask(response.body, redactor);
  std::string body;
  bool secret = false;
  std::size_t start = 0;
  for (auto& arrival : response.arrivals) {
    const std::size_t end = std::min(arrival.end, response.body.size());
    std::string piece = response.body.substr(start, end - start);
    secret |= mask(piece, redactor);
    body += piece;
    start = end;
    arrival.end = body.size();
  }
  body += response.body.substr(std::min(start, response.body.size()));
  response.body = std::move(body);
  return secret;
}

// The fields `paths` select in a JSON body become "[REDACTED]"; a body that is not JSON is left alone.
bool mask_fields(std::string& body, const std::vector<core::JsonPath>& paths) {
  if (paths.empty() || body.empty()) return false;
  json value = core::parse_untrusted_json(body);
  if (value.is_discarded()) return false;
  bool masked = false;
  for (const auto& path : paths) {
    for (const auto& match : path.evaluate(value)) {
      if (match.pointer.empty()) continue;  // never the whole body
      value[json::json_pointer(match.pointer)] = "[REDACTED]";
      masked = true;
    }
  }
  if (masked) body = value.dump();
  return masked;
}

}  // namespace

std::string credential_mark(std::string_view value) {
  return core::to_hex(core::sha256(value)).substr(0, 8);
}

std::string credential_mark_of(std::string_view header_value) {
  const auto at = header_value.rfind(" #");
  if (at != std::string_view::npos && header_value.size() - at == 10)
    return std::string(header_value.substr(at + 2));
  return credential_mark(header_value);
}

void redact(Recording& recording, const RedactionPolicy& policy) {
  // The credentials this exchange carries are secrets wherever else they show up (an echoed body).
  core::Redactor redactor = policy.redactor;
  redactor.keep_shape();  // a masked body still reads as the JSON, and matches the patterns, it was
  for (const auto& [name, value] : recording.request.headers)
    if (redactor.is_sensitive_header(name)) redactor.add_credential_header(name, value);
  bool secret = mask_headers(recording.request.headers, redactor, recording);
  secret |= mask_headers(recording.response.headers, redactor, recording);
  secret |= mask(recording.request.url, redactor);
  secret |= mask(recording.request.body, redactor);
  secret |= mask_body(recording.response, redactor);
  secret |= mask(recording.response.error, redactor);
  if (secret) note(recording, "secret");
  std::vector<core::JsonPath> paths;
  for (const auto& field : policy.fields) {
    try {
      paths.push_back(core::JsonPath::parse(field));
    } catch (const core::JsonPathError& e) {
      throw std::invalid_argument("redacted field '" + field + "' is not JSONPath: " + e.what());
    }
  }
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const std::vector<core::JsonPath> one{paths[i]};
    bool masked = mask_fields(recording.request.body, one);
    if (recording.response.arrivals.empty()) masked |= mask_fields(recording.response.body, one);
    if (masked) note(recording, "field " + policy.fields[i]);
  }
}

Writer::Writer(std::filesystem::path file, RedactionPolicy policy, std::size_t max_bytes)
    : file_(std::move(file)), policy_(std::move(policy)), max_bytes_(max_bytes) {}

bool Writer::write(Recording recording) {
  redact(recording, policy_);
  const std::string line = to_json(recording).dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  const std::lock_guard lock(mutex_);
  if (failed_ || bytes_ + line.size() > max_bytes_) return false;
  std::error_code ec;
  if (file_.has_parent_path()) std::filesystem::create_directories(file_.parent_path(), ec);
  std::ofstream out(file_, std::ios::binary | std::ios::app);
  out << line;
  out.flush();
  if (!out) {
    failed_ = true;
    return false;
  }
  bytes_ += line.size();
  ++count_;
  return true;
}

std::size_t Writer::written() const {
  const std::lock_guard lock(mutex_);
  return count_;
}

}  // namespace gatecheck::cassette
