// Property: whatever a recording file holds, reading it throws only core::LoadError; a recording read back
// from its own cassette line is the same, byte for byte; judging it offline and replaying it never throw, and
// replay matches each recording to its own request (and describes a near miss without throwing).
//
// Input: the first byte picks the reader (0 a cassette line, 1 a HAR file, 2 a raw SSE capture), the rest
// is the file's text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/core/document.hpp>
#include <gatecheck/runner/checks.hpp>
#include <gatecheck/runner/offline.hpp>
#include <gatecheck/vendor/profile.hpp>

#include "fuzz_common.hpp"
#include "replay.hpp"

namespace {

using namespace gatecheck;
using fuzz::require;

std::vector<cassette::Recording> read(std::uint8_t reader, std::string_view text) {
  switch (reader % 3) {
    case 0:
      return {cassette::parse_line(text, "fuzz.jsonl", 1)};
    case 1:
      return cassette::load_har(text, "fuzz.har");
    default:
      return {cassette::load_raw_capture(text, "fuzz.sse")};
  }
}

bool same(const cassette::Recording& a, const cassette::Recording& b) {
  const auto& x = a.response;
  const auto& y = b.response;
  if (x.body != y.body || x.status != y.status || x.arrivals.size() != y.arrivals.size()) return false;
  for (std::size_t i = 0; i < x.arrivals.size(); ++i)
    if (x.arrivals[i].end != y.arrivals[i].end) return false;
  return a.request.body == b.request.body && a.request.url == b.request.url &&
         a.request.headers.size() == b.request.headers.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > 256 * 1024) return 0;
  std::vector<cassette::Recording> recordings;
  try {
    recordings = read(data[0], fuzz::as_text(data + 1, size - 1));
  } catch (const core::LoadError&) {
    return 0;
  }
  if (recordings.size() > 64) recordings.resize(64);
  for (const auto& recording : recordings) {
    const std::string line =
        cassette::to_json(recording).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    // What a reader accepted is written so that it reads back; text that was not UTF-8 was repaired on the
    // way (headers, URLs), bodies go base64 and return exact.
    const cassette::Recording back = cassette::parse_line(line, "again.jsonl", 1);
    require(back.response.body == recording.response.body, "a recorded body reads back byte for byte");
    require(same(back, cassette::parse_line(cassette::to_json(back).dump(), "thrice.jsonl", 1)),
            "a recording written twice is the same");
    (void)mock::replay_reply(recording, 0, "http://127.0.0.1:1");
  }
  // Replay: a recording answers its own request; a near miss is described without throwing.
  mock::ReplayStore store(recordings, mock::ReplayOptions{});
  for (const auto& recording : recordings) {
    mock::Request request;
    request.method = recording.request.method;
    request.target = recording.request.url;
    const auto question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string_view::npos) request.query = request.target.substr(question + 1);
    for (const auto& [name, value] : recording.request.headers)
      request.headers.emplace_back(name, value);
    request.body = recording.request.body;
    require(store.match(request) != nullptr, "a recording answers its own request");
    const std::string other = recording.request.body + "{\"x\":1}";
    request.body = other;
    if (store.match(request) == nullptr) (void)store.nearest(request);
  }
  runner::OfflineOptions options;  // each recording's own profile: an unknown one is a usage error
  // Every catalog check, but not schema.response: compiling the OpenAPI description per input would make this
  // target crawl (the validator has its own targets).
  for (const auto& check : runner::check_catalog())
    if (check.scope != runner::CheckScope::webhook) options.checks.emplace_back(check.id);
  try {
    const auto report = runner::check_recordings(recordings, options);
    require(report.suites.size() <= recordings.size() + 1, "one suite per file");
  } catch (const std::invalid_argument&) {  // a profile gatecheck does not bundle
  }
  return 0;
}
