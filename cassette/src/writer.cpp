// Masking before writing, and the appending writer. Nothing reaches a cassette file before redact() ran.
#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/document.hpp>
#include <gatecheck/core/redact.hpp>

#include "reading.hpp"

namespace gatecheck::cassette {
namespace {

using nlohmann::json;

// Tokens shorter than this keep no mark: a short secret could be guessed from it.

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

// "Bearer sk-x" -> "sk-x": what a credential header's mark is made of (the auth scheme aside).
std::string_view credential_token(std::string_view value) {
  const auto space = value.find(' ');
  const bool scheme = space != std::string_view::npos && space > 0 &&
                      value.substr(0, space).find('=') == std::string_view::npos;
  return scheme ? value.substr(space + 1) : value;
}

// "Bearer *** #9f86d081": the scheme kept, the token gone, its mark kept when it is long enough to keep one.
std::string masked_credential(std::string_view value) {
  const std::string_view token = credential_token(value);
  std::string out = std::string(value.substr(0, value.size() - token.size())) + "***";
  if (token.size() >= kMarkedTokenLength) out += " #" + credential_mark(value);
  return out;
}

// A request header that carries credentials: the known ones, and any name that looks like one.
bool sensitive(const core::Redactor& redactor, std::string_view name) {
  return redactor.is_sensitive_header(name) || is_credential(name);
}
// An answer's header masked whole: only the known ones (x-ratelimit-remaining-tokens is no credential).
bool sensitive_answer(const core::Redactor& redactor, std::string_view name) {
  return redactor.is_sensitive_header(name) || core::is_credential_header(name);
}

bool mask_headers(core::Headers& headers, const core::Redactor& redactor, Recording& recording, bool answer) {
  core::Headers out;
  bool secret = false;
  for (const auto& [name, value] : headers) {
    if (answer ? sensitive_answer(redactor, name) : sensitive(redactor, name)) {
      out.add(name, masked_credential(value));
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

// The values of query parameters named like credentials (?api_key=..., ?token=...).
std::vector<std::string> query_credentials(std::string_view url) {
  std::vector<std::string> out;
  const auto question = url.find('?');
  if (question == std::string_view::npos) return out;
  const std::string_view query = url.substr(question + 1);
  for (const auto& [at, size] : credential_values(query))
    out.emplace_back(query.substr(at, size));
  return out;
}

// ?api_key=...&token=...: a query parameter named like a credential is masked whole, keeping its length.
bool mask_query(std::string& url) {
  const auto question = url.find('?');
  if (question == std::string::npos) return false;
  const auto values = credential_values(std::string_view(url).substr(question + 1));
  for (const auto& [at, size] : values) {
    const std::string value = url.substr(question + 1 + at, size);
    std::string shaped = core::mask_secret_in_shape(value);
    if (shaped == value) shaped.assign(value.size(), 'x');
    url.replace(question + 1 + at, size, shaped);
  }
  return !values.empty();
}

// The arrivals of `before` moved onto `after`, a masked copy of it: bounds in the unchanged head stay, bounds
// in the unchanged tail shift by the change of length, bounds inside the changed middle merge into the first
// bound past it (never a secret cut in two, and the pieces around it keep their times).
std::vector<Arrival> moved_arrivals(const std::vector<Arrival>& arrivals, std::string_view before,
                                    std::string_view after) {
  std::size_t head = 0;
  while (head < before.size() && head < after.size() && before[head] == after[head])
    ++head;
  std::size_t tail = 0;
  while (tail < before.size() - head && tail < after.size() - head &&
         before[before.size() - 1 - tail] == after[after.size() - 1 - tail])
    ++tail;
  std::vector<Arrival> out;
  for (const auto& arrival : arrivals) {
    std::size_t end = std::min(arrival.end, before.size());
    if (end > head && end < before.size() - tail) continue;  // inside the change: merged into the next
    if (end >= before.size() - tail) end = end - (before.size() - tail) + (after.size() - tail);
    if (out.empty() || end > out.back().end) out.push_back({arrival.at_ms, end});
  }
  if (out.empty() || out.back().end != after.size())
    out.push_back({arrivals.empty() ? 0 : arrivals.back().at_ms, after.size()});
  return out;
}

// A stream is masked as one text, so a secret split across two pieces is found; each piece keeps its time.
bool mask_body(RecordedResponse& response, const core::Redactor& redactor) {
  std::string masked = redactor.redact(response.body, false);
  if (masked == response.body) return false;
  // Masks of the same length leave every bound where it was (a bound inside a mask splits masked text only).
  if (!response.arrivals.empty() && masked.size() != response.body.size())
    response.arrivals = moved_arrivals(response.arrivals, response.body, masked);
  response.body = std::move(masked);
  return true;
}

// A value masked in its own shape: letters x, digits 0, numbers 0, inside arrays and objects alike, so the
// masked body keeps the types its schema asks for.
void shape_mask(json& value) {
  if (value.is_string()) {
    std::string text = value.get<std::string>();
    for (char& c : text)
      c = (c >= '0' && c <= '9') ? '0'
          : (std::isalpha(static_cast<unsigned char>(c)) != 0 || static_cast<unsigned char>(c) >= 0x80)
              ? 'x'
              : c;  // any script
    value = text;
  } else if (value.is_number()) {
    value = 0;
  } else if (value.is_array() || value.is_object()) {
    for (auto& item : value)
      shape_mask(item);
  }
}

// The fields `path` selects in a JSON body are masked in their shape; a body that is not JSON is left alone.
// A field inside one already masked is skipped.
bool mask_fields(std::string& body, const core::JsonPath& path) {
  if (body.empty()) return false;
  json value = core::parse_untrusted_json(body);
  if (value.is_discarded()) return false;
  std::vector<std::string> done;
  for (const auto& match : path.evaluate(value)) {
    if (match.pointer.empty()) continue;  // never the whole body
    const bool inside = std::any_of(done.begin(), done.end(), [&](const std::string& outer) {
      return match.pointer.starts_with(outer + "/");
    });
    if (inside) continue;
    shape_mask(value[json::json_pointer(match.pointer)]);
    done.push_back(match.pointer);
  }
  if (done.empty()) return false;
  body = value.dump(-1, ' ', false, json::error_handler_t::replace);
  return true;
}

std::vector<core::JsonPath> parse_fields(const std::vector<std::string>& fields) {
  std::vector<core::JsonPath> paths;
  for (const auto& field : fields) {
    try {
      paths.push_back(core::JsonPath::parse(field));
    } catch (const core::JsonPathError& e) {
      throw std::invalid_argument("redacted field '" + field + "' is not JSONPath: " + e.what());
    }
  }
  return paths;
}

void redact_with(Recording& recording, const RedactionPolicy& policy,
                 const std::vector<core::JsonPath>& fields) {
  // The credentials this exchange carries are secrets wherever else they show up (an echoed body).
  core::Redactor redactor = policy.redactor;
  redactor.keep_shape();  // a masked body still reads as the JSON, and matches the patterns, it was
  for (const auto& [name, value] : recording.request.headers)
    if (sensitive(redactor, name)) redactor.add_credential_header(name, value);
  for (const auto& value : query_credentials(recording.request.url))
    redactor.add_secret(value);  // an echo of it elsewhere (a next-page URL, an error) is masked too
  bool secret = mask_headers(recording.request.headers, redactor, recording, false);
  secret |= mask_headers(recording.response.headers, redactor, recording, true);
  if (mask_query(recording.request.url)) note(recording, "query credentials");
  for (std::string* text : {&recording.request.url, &recording.request.body, &recording.response.error,
                            &recording.response.reason, &recording.source, &recording.label})
    secret |= mask(*text, redactor);
  secret |= mask_body(recording.response, redactor);
  if (secret) note(recording, "secret");
  for (std::size_t i = 0; i < fields.size(); ++i) {
    bool masked = mask_fields(recording.request.body, fields[i]);
    if (recording.response.arrivals.empty()) masked |= mask_fields(recording.response.body, fields[i]);
    if (masked) note(recording, "field " + policy.fields[i]);
  }
}

}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> credential_values(std::string_view query) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t start = 0; start < query.size();) {
    const std::size_t end = std::min(query.find('&', start), query.size());
    const std::size_t equals = query.find('=', start);
    if (equals < end && is_credential(query.substr(start, equals - start)) && equals + 1 < end)
      out.emplace_back(equals + 1, end - equals - 1);
    start = end + 1;
  }
  return out;
}

bool is_credential(std::string_view header_name) {
  return core::is_credential_header(header_name) || core::looks_like_credential_header(header_name);
}

std::string credential_mark(std::string_view value) {
  return core::to_hex(core::sha256(credential_token(value))).substr(0, 8);
}

std::string credential_mark_of(std::string_view header_value) {
  const auto at = header_value.rfind(" #");
  if (at != std::string_view::npos && header_value.size() - at == 10 &&
      header_value.find("***") != std::string_view::npos)
    return std::string(header_value.substr(at + 2));
  if (header_value.find("***") != std::string_view::npos) return {};  // masked, and too short to mark
  return credential_mark(header_value);
}

std::string kept_mark(std::string_view header_value) {
  if (credential_token(header_value).size() < kMarkedTokenLength) return {};
  return credential_mark(header_value);
}

void redact(Recording& recording, const RedactionPolicy& policy) {
  redact_with(recording, policy, parse_fields(policy.fields));
}

Writer::Writer(std::filesystem::path file, RedactionPolicy policy, std::size_t max_bytes)
    : file_(std::move(file)),
      policy_(std::move(policy)),
      fields_(parse_fields(policy_.fields)),
      max_bytes_(max_bytes) {
  std::error_code ec;
  if (file_.has_parent_path()) std::filesystem::create_directories(file_.parent_path(), ec);
  out_.open(file_, std::ios::binary | std::ios::app);  // open for the writer's life: one write per line
  if (!out_)
    throw std::runtime_error("cannot write recordings to " + file_.string() +
                             (ec ? ": " + ec.message() : std::string(": not a writable file")));
}

bool Writer::write(Recording recording) {
  redact_with(recording, policy_, fields_);
  const json value = to_json(recording);
  static const LineReader reader;  // immutable once built: the compiled schema
  std::string problem = reader.problem(value);
  const std::string line = value.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  const std::lock_guard lock(mutex_);
  if (!problem.empty()) {
    last_error_ = "not written, it would not read back: " + problem;
    return false;
  }
  if (stopped_) return false;
  if (bytes_ + line.size() > max_bytes_) {
    stopped_ = true;
    last_error_ = "the cassette reached its bound of " + std::to_string(max_bytes_ >> 20) + " MiB";
    return false;
  }
  out_ << line;
  out_.flush();
  if (!out_) {
    stopped_ = true;
    last_error_ = "cannot append to " + file_.string();
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

std::string Writer::last_error() const {
  const std::lock_guard lock(mutex_);
  return last_error_;
}

}  // namespace gatecheck::cassette
