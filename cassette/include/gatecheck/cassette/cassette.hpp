// Recorded exchanges (cassettes): what one request and its answer were, byte for byte and with the time each
// piece of a stream arrived. A cassette is a JSON Lines file, one recording per line
// (schemas/cassette.schema.json; docs/fixtures.md says why JSON Lines). `gatecheck run --record` and
// `gatecheck mock --record` write them, `gatecheck mock --replay` serves them, `gatecheck check` judges them.
//
//   cassette::Recording r;  r.request = {"POST", "/v1/chat/completions", headers, body};  ...
//   cassette::Writer writer("fixtures/mine.jsonl", cassette::RedactionPolicy{});
//   writer.write(std::move(r));                      // masked, then appended as one line
//   for (const auto& loaded : cassette::load("fixtures/")) ...   // .jsonl, .har, raw SSE captures
#pragma once

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/json_path.hpp>
#include <gatecheck/core/redact.hpp>

namespace gatecheck::cassette {

// The body bytes [previous end, end) arrived `at_ms` after the request was sent.
struct Arrival {
  double at_ms = 0;
  std::size_t end = 0;
};

struct RecordedRequest {
  std::string method = "GET";
  std::string url;  // path and query
  core::Headers headers;
  std::string body;
};

struct RecordedResponse {
  int status = 0;
  std::string reason;
  core::Headers headers;
  std::string body;               // every byte that arrived (a stream's, joined)
  std::vector<Arrival> arrivals;  // empty: when the pieces arrived is not known (a HAR, a raw capture)
  std::optional<double> headers_ms;
  std::optional<double> duration_ms;
  std::string error_kind;  // empty: complete (net::to_string of a transport error otherwise)
  std::string error;
  bool truncated = false;
};

struct Recording {
  std::string recorded_at;  // RFC 3339
  std::string source;
  std::string profile;  // the vendor profile id the answering side was held to ("openai"), when known
  std::string recorder;
  std::string label;
  std::vector<std::string> redactions;
  RecordedRequest request;
  RecordedResponse response;
  // Where it was read from ("file:line", "file:line:column" for a HAR entry): set by load(), never written.
  std::string origin;
  std::string file;    // the file it was read from (set by load())
  std::string format;  // what it was read from: "cassette", "har" or "capture" (set by load())
  // Set by load() when the recording cannot be judged (a HAR entry whose body was not kept): why.
  std::string unjudgeable;
  // False for a raw capture without its head (`curl -N` without -i): status and headers are not known.
  bool head_known = true;
};

// The body as it arrived: each piece's bytes and when (a plain body is one piece, at the head's time; bytes
// after the last arrival are a piece at the answer's end).
struct Piece {
  double at_ms = 0;
  std::string_view bytes;
};
std::vector<Piece> pieces_of(const RecordedResponse& response);

// The recording as one cassette line's JSON, and back. from_json expects a value that passed the schema.
nlohmann::json to_json(const Recording& recording);
Recording from_json(const nlohmann::json& line);
// One line of a cassette file: parsed, checked against the schema, converted. Throws core::LoadError at
// file:line:column.
Recording parse_line(std::string_view text, const std::string& file, std::size_t line);

// Bounds on what is read (docs/limits.md).
struct LoadLimits {
  std::size_t max_file_bytes = 1024ull * 1024 * 1024;
  std::size_t max_recordings = 1'000'000;
  std::size_t max_files = 100'000;
};

// A cassette (.jsonl), a HAR file (.har, or JSON with a "log"), a raw SSE capture (anything else: `curl -N`
// output, with or without the head `curl -i` prints), or a folder of them (recursively, in path order).
// Throws core::LoadError naming file:line:column for a malformed file.
std::vector<Recording> load(const std::filesystem::path& path, const LoadLimits& limits = {});
std::vector<Recording> load_har(std::string_view text, const std::string& file);
Recording load_raw_capture(std::string_view text, const std::string& file);

// What is masked before anything is written: credential headers (Authorization, X-API-Key, Cookie, any name
// that looks like one, and those the redactor was told of) and query parameters named like credentials,
// every registered secret wherever it appears (bodies, a stream's pieces taken together, URLs, headers, the
// source, the label), the values of credential headers the recording itself carries, and JSON fields by
// JSONPath.
struct RedactionPolicy {
  core::Redactor redactor;
  std::vector<std::string> fields;  // JSONPath over JSON request and response bodies ("$.user")
};

// Whether a header carries credentials (the usual ones, or a name like x-portkey-api-key): masked whole in a
// cassette, and what replay tells recordings apart by.
bool is_credential(std::string_view header_name);
// Where the values of query parameters named like credentials lie in `query` (offset, length):
// "a=1&api_key=sk-x" -> {{12, 4}}. What the writer masks and replay leaves out of its key.
std::vector<std::pair<std::size_t, std::size_t>> credential_values(std::string_view query);

// The mark a masked credential keeps in a cassette ("Bearer *** #9f86d081"): the first 8 hex digits of its
// token's SHA-256, kept for tokens of 20 characters or more only (a short one could be guessed from it). A
// replay tells two keys apart by it without either being written down.
std::string credential_mark(std::string_view value);
inline constexpr std::size_t kMarkedTokenLength = 20;  // a shorter token keeps no mark
// A credential header's mark: the one a recording keeps after " #", or that of a value never masked (a live
// request, a HAR file).
std::string credential_mark_of(std::string_view header_value);
// The mark of an unmasked credential header's value as a cassette would keep it: empty for a token under 20
// characters. What the mock's journal shows of the keys that reached it.
std::string kept_mark(std::string_view header_value);

// Masks a recording in place and lists in it what was masked. Throws std::invalid_argument for a field path
// that is not JSONPath.
void redact(Recording& recording, const RedactionPolicy& policy);

// Appends recordings to one cassette file, masked first and checked against the schema; safe to call from
// several threads. Each line is written whole and flushed, so a recorder killed mid-run leaves every finished
// recording readable (a loader ignores a last line cut short).
class Writer {
 public:
  // Creates the file (and its folders) now: std::runtime_error when it cannot be written;
  // std::invalid_argument for a field that is not JSONPath.
  Writer(std::filesystem::path file, RedactionPolicy policy, std::size_t max_bytes = 4ull << 30);
  // False when this recording was not written: it cannot be a cassette line (why: last_error()), the file
  // cannot be written, or the writer's byte bound was reached (then nothing more is written).
  bool write(Recording recording);
  std::size_t written() const;
  std::string last_error() const;
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::ofstream out_;  // guarded by mutex_
  RedactionPolicy policy_;
  std::vector<core::JsonPath> fields_;
  std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::size_t bytes_ = 0;
  std::size_t count_ = 0;
  bool stopped_ = false;
  std::string last_error_;
};

// "https://host:8443/v1/x?y#z" -> {"https://host:8443", "/v1/x?y"}; a URL without a scheme is all path.
std::pair<std::string, std::string> split_url(const std::string& url);

// A file name made of `text`: letters, digits, '-' and '_' kept, runs of anything else one '-', at most 80.
std::string file_name_of(std::string_view text);

}  // namespace gatecheck::cassette
