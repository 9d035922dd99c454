// Property: a gateway's answer and the mock's journal entries, whatever their bytes, are judged by every
// upstream.* check without throwing, and a failing verdict explains itself; digest_answer reads any answer
// (OpenAI or Anthropic layout, whole or streamed) without throwing.
//
// Input (text): `FLAGS` (stream anthropic key request-id), then the client's answer body, then a line
// "--entries--", then the journal's find answer's `data` array (JSON, any shape: it comes from whatever
// server stands at --mock-url).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/runner/checks.hpp>
#include <gatecheck/vendor/profile.hpp>

#include "answer_digest.hpp"
#include "check_evaluation.hpp"
#include "fuzz_common.hpp"
#include "recording.hpp"
#include "upstream_checks.hpp"

namespace {

using namespace gatecheck;
using fuzz::has_word;
using fuzz::require;
using nlohmann::json;

runner::Exchange client_answer(std::string_view flags, std::string_view body) {
  cassette::Recording r;
  r.source = "http://gateway";
  r.request.method = "POST";
  r.request.url = has_word(flags, "anthropic") ? "/v1/messages" : "/v1/chat/completions";
  if (has_word(flags, "request-id")) r.request.headers.add("X-Request-Id", "trace-1");
  r.request.headers.add("Connection", "keep-alive, x-hop");
  r.request.body = has_word(flags, "stream") ? R"({"stream":true})" : "{}";
  r.response.status = 200;
  r.response.headers.add("Content-Type",
                         has_word(flags, "stream") ? "text/event-stream" : "application/json");
  r.response.body = std::string(body);
  r.response.headers_ms = 1;
  for (std::size_t at = 0, n = 0; at < body.size() && n < 64; at += body.size() / 8 + 1, ++n)
    r.response.arrivals.push_back(
        {static_cast<double>(n) * 10, std::min(body.size(), at + body.size() / 8 + 1)});
  return runner::exchange_of(r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const vendor::Profile profile = vendor::load_profile("openai");
  std::string_view rest = fuzz::as_text(data, size);
  const std::string_view flags = fuzz::take_line(rest);
  const auto split = rest.find("\n--entries--\n");
  const std::string_view body = rest.substr(0, split);
  const json entries =
      split == std::string_view::npos ? json::array() : json::parse(rest.substr(split + 13), nullptr, false);
  const runner::Exchange client = client_answer(flags, body);
  (void)runner::digest_answer(client);
  runner::UpstreamEvidence evidence;
  if (entries.is_array())
    for (std::size_t i = 0; i < entries.size() && i < 16; ++i) {
      evidence.entries.push_back(entries[i]);
      evidence.attempts.push_back(runner::upstream_exchange(entries[i]));
      (void)runner::digest_answer(evidence.attempts.back());
    }
  if (has_word(flags, "key"))
    evidence.client_key_mark = cassette::kept_mark("Bearer sk-fuzz-client-key-0000000000");
  const std::vector<const runner::Exchange*> views = {&client};
  const runner::CheckContext context{views, profile, std::nullopt, nullptr, nullptr, &evidence};
  for (const auto& check : runner::check_catalog()) {
    if (check.scope != runner::CheckScope::upstream) continue;
    const runner::Verdict verdict = runner::evaluate_check(check, context);
    require(verdict.kind != runner::Verdict::Kind::fail || !verdict.message.empty(),
            "a failing upstream verdict explains itself");
  }
  return 0;
}
