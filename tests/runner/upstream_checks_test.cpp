// The upstream.* checks: what a gateway did with a request, judged from the mock's journal entries against
// the answer its client got. Each passes for a faithful gateway and fails, for the reason it names, for the
// defect it is for; what it cannot judge it says so (not applicable), never passes.
#include "upstream_checks.hpp"

#include <gtest/gtest.h>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/core/redact.hpp>
#include <gatecheck/runner/checks.hpp>
#include <gatecheck/vendor/profile.hpp>

#include "answer_digest.hpp"
#include "check_evaluation.hpp"
#include "recording.hpp"

namespace gatecheck::runner {
namespace {

using nlohmann::json;

const json kChat = {{"model", "gpt-4o-mini"}, {"messages", {{{"role", "user"}, {"content", "hi"}}}}};

json chat_answer(const std::string& text, int input = 5, int output = 7, json tool_calls = nullptr) {
  json message = {{"role", "assistant"}, {"content", tool_calls.is_null() ? json(text) : json(nullptr)}};
  if (!tool_calls.is_null()) message["tool_calls"] = tool_calls;
  return {
      {"id", "chatcmpl-1"},
      {"object", "chat.completion"},
      {"created", 1},
      {"model", "gpt-4o-mini"},
      {"choices", {{{"index", 0}, {"message", message}, {"finish_reason", "stop"}}}},
      {"usage", {{"prompt_tokens", input}, {"completion_tokens", output}, {"total_tokens", input + output}}}};
}

std::string sse(const std::vector<std::string>& data) {
  std::string out;
  for (const auto& d : data)
    out += "data: " + d + "\n\n";
  return out;
}

// What the client got: a recording read back, its events arriving `gap_ms` apart after `headers_ms`.
Exchange client(int status, const std::string& body, const std::string& type = "application/json",
                core::Headers extra = {}, double headers_ms = 5, double gap_ms = 0,
                const std::string& path = "/v1/chat/completions", json request = kChat) {
  cassette::Recording r;
  r.source = "http://gateway";
  r.request.method = "POST";
  r.request.url = path;
  r.request.headers = std::move(extra);
  r.request.body = request.dump();
  r.response.status = status;
  r.response.headers.add("Content-Type", type);
  r.response.body = body;
  r.response.headers_ms = headers_ms;
  if (type == "text/event-stream") {
    double at = headers_ms;
    for (std::size_t end = body.find("\n\n"); end != std::string::npos; end = body.find("\n\n", end + 2)) {
      r.response.arrivals.push_back({at, end + 2});
      at += gap_ms;
    }
  }
  r.response.duration_ms = headers_ms + gap_ms * static_cast<double>(r.response.arrivals.size());
  return exchange_of(r);
}

// A journal entry as the mock serves it.
json entry(int status, const std::string& body, const std::string& type = "application/json",
           json headers = {}, json request_headers = json::object(),
           const std::string& path = "/v1/chat/completions") {
  json response_headers = {{"content-type", type}};
  if (headers.is_object()) response_headers.update(headers);
  return {{"seq", 1},
          {"method", "POST"},
          {"url", path},
          {"path", path},
          {"headers", request_headers},
          {"body", kChat.dump()},
          {"status", status},
          {"at_ms", 1'700'000'000'000},
          {"first_byte_ms", 1.0},
          {"last_byte_ms", 2.0},
          {"events", nullptr},
          {"stream", false},
          {"credentials", json::object()},
          {"response",
           {{"headers", response_headers},
            {"body", body},
            {"body_bytes", body.size()},
            {"body_truncated", false}}}};
}

struct Judge {
  Judge(std::vector<json> e, std::vector<Exchange> c, std::string mark = "")
      : entries(std::move(e)), clients(std::move(c)), key_mark(std::move(mark)) {}
  std::vector<json> entries;
  std::vector<Exchange> clients;
  std::string key_mark;
  vendor::Profile profile = vendor::load_profile("openai");

  Verdict operator()(std::string_view id) const {
    UpstreamEvidence evidence;
    evidence.entries = entries;
    for (const auto& e : entries)
      evidence.attempts.push_back(upstream_exchange(e));
    evidence.client_key_mark = key_mark;
    std::vector<const Exchange*> views;
    for (const auto& c : clients)
      views.push_back(&c);
    const CheckContext context{views, profile, std::nullopt, nullptr, nullptr, &evidence};
    return evaluate_check(id, context);
  }
};

using Kind = Verdict::Kind;

TEST(UpstreamChecks, ContentPassesWhenTheTextIsTheUpstreamsAndFailsWhenChanged) {
  Judge same{{entry(200, chat_answer("Hello there.").dump())},
             {client(200, chat_answer("Hello there.").dump())}};
  EXPECT_EQ(same("upstream.content-preserved").kind, Kind::pass);
  Judge changed{{entry(200, chat_answer("Hello there.").dump())},
                {client(200, chat_answer("Hello.").dump())}};
  const Verdict verdict = changed("upstream.content-preserved");
  EXPECT_EQ(verdict.kind, Kind::fail);
  EXPECT_EQ(verdict.expected, "'Hello there.'");
  EXPECT_EQ(verdict.actual, "'Hello.'");
}

TEST(UpstreamChecks, ContentComparesAnAnthropicMessageWithTheChatCompletionMadeOfIt) {
  const json message = {{"id", "msg_1"},
                        {"type", "message"},
                        {"role", "assistant"},
                        {"model", "claude"},
                        {"content", {{{"type", "text"}, {"text", "Bonjour."}}}},
                        {"stop_reason", "end_turn"},
                        {"usage", {{"input_tokens", 5}, {"output_tokens", 7}}}};
  Judge judge{{entry(200, message.dump(), "application/json", {}, json::object(), "/v1/messages")},
              {client(200, chat_answer("Bonjour.").dump())}};
  EXPECT_EQ(judge("upstream.content-preserved").kind, Kind::pass);
  EXPECT_EQ(judge("upstream.usage-preserved").kind, Kind::pass);
  judge.clients = {client(200, chat_answer("Bonjour.", 5, 8).dump())};
  EXPECT_EQ(judge("upstream.usage-preserved").kind, Kind::fail);
}

TEST(UpstreamChecks, AnswersOfABurstAreMatchedAsASetAndWhatTheJournalCutIsNotJudged) {
  Judge burst{{entry(200, chat_answer("first").dump()), entry(200, chat_answer("second").dump())},
              {client(200, chat_answer("second").dump()), client(200, chat_answer("first").dump())}};
  EXPECT_EQ(burst("upstream.content-preserved").kind, Kind::pass)
      << "which attempt served which is not known";
  burst.clients.back() = client(200, chat_answer("second").dump());
  EXPECT_EQ(burst("upstream.content-preserved").kind, Kind::fail) << "one upstream answer cannot serve two";
  json cut = entry(200, chat_answer("long").dump());
  cut["response"]["body_truncated"] = true;
  cut["response"]["body_bytes"] = 1 << 20;
  Judge truncated{{cut}, {client(200, chat_answer("long").dump())}};
  const Verdict verdict = truncated("upstream.content-preserved");
  EXPECT_EQ(verdict.kind, Kind::not_applicable);
  EXPECT_NE(verdict.message.find("raise journal_body_bytes"), std::string::npos) << verdict.message;
}

TEST(UpstreamChecks, TextTheJournalMaskedAsASecretIsComparedAsMasked) {
  const std::string said = "your key is sk-proj-abcdefghijklmnopqrstuvwxyz0123456789";
  const std::string masked = core::Redactor().redact(said, false);
  ASSERT_NE(masked, said);
  Judge judge{{entry(200, chat_answer(masked).dump())}, {client(200, chat_answer(said).dump())}};
  EXPECT_EQ(judge("upstream.content-preserved").kind, Kind::pass);
}

TEST(UpstreamChecks, AnAnthropicStreamAssemblesToItsTextToolCallsAndUsage) {
  const std::string stream =
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":9,"
      "\"output_tokens\":1}}}\n\n"
      "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
      "{\"type\":\"text\",\"text\":\"\"}}\n\n"
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
      "\"text_delta\",\"text\":\"Hi \"}}\n\n"
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
      "\"text_delta\",\"text\":\"there\"}}\n\n"
      "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
      "{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{}}}\n\n"
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":"
      "\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":\"}}\n\n"
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":"
      "\"input_json_delta\",\"partial_json\":\"1}\"}}\n\n"
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":99999999,\"delta\":"
      "{\"type\":\"text_delta\",\"text\":\"ignored\"}}\n\n"
      "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":4}}\n\n";
  const Exchange ex = client(200, stream, "text/event-stream", {}, 5, 0, "/v1/messages", {{"stream", true}});
  const AnswerDigest d = digest_answer(ex);
  EXPECT_EQ(d.layout, "Anthropic message stream");
  EXPECT_EQ(d.text, "Hi there");
  EXPECT_EQ(d.tool_calls, (json{{{"name", "f"}, {"arguments", {{"a", 1}}}}}));
  EXPECT_EQ(d.input_tokens, 9);
  EXPECT_EQ(d.output_tokens, 4);
}

TEST(UpstreamChecks, ToolCallsCompareArgumentsAsJsonNotAsText) {
  const json up = {{{"id", "c1"},
                    {"type", "function"},
                    {"function", {{"name", "w"}, {"arguments", "{\"a\":1,\"b\":2}"}}}}};
  const json same = {{{"id", "x"},
                      {"type", "function"},
                      {"function", {{"name", "w"}, {"arguments", "{ \"b\": 2, \"a\": 1 }"}}}}};
  const json other = {
      {{"id", "c1"}, {"type", "function"}, {"function", {{"name", "w"}, {"arguments", "{\"a\":2}"}}}}};
  Judge judge{{entry(200, chat_answer("", 5, 7, up).dump())},
              {client(200, chat_answer("", 5, 7, same).dump())}};
  EXPECT_EQ(judge("upstream.tool-calls-preserved").kind, Kind::pass);
  judge.clients = {client(200, chat_answer("", 5, 7, other).dump())};
  EXPECT_EQ(judge("upstream.tool-calls-preserved").kind, Kind::fail);
  judge.entries = {entry(200, chat_answer("text").dump())};
  EXPECT_EQ(judge("upstream.tool-calls-preserved").kind, Kind::not_applicable);
}

const std::string kLimited =
    R"({"error":{"message":"Rate limit reached.","type":"requests","param":null,"code":"rate_limit_exceeded"}})";

TEST(UpstreamChecks, AnErrorKeepsItsStatusEnvelopeAndMessage) {
  Judge kept{{entry(429, kLimited)},
             {client(429, R"({"error":{"message":"openai error: Rate limit reached.","type":"x"}})")}};
  EXPECT_EQ(kept("upstream.error-preserved").kind, Kind::pass);
  Judge restatused{{entry(429, kLimited)}, {client(500, R"({"error":{"message":"Rate limit reached."}})")}};
  const Verdict status = restatused("upstream.error-preserved");
  EXPECT_EQ(status.kind, Kind::fail);
  EXPECT_EQ(status.expected, "status 429");
  Judge unwrapped{{entry(429, kLimited)},
                  {client(429, R"({"status":"failure","message":"Something went wrong"})")}};
  EXPECT_EQ(unwrapped("upstream.error-preserved").kind, Kind::fail);
  Judge reworded{{entry(429, kLimited)}, {client(429, R"({"error":{"message":"Try later."}})")}};
  EXPECT_EQ(reworded("upstream.error-preserved").kind, Kind::fail);
  Judge fine{{entry(200, chat_answer("ok").dump())}, {client(200, chat_answer("ok").dump())}};
  EXPECT_EQ(fine("upstream.error-preserved").kind, Kind::not_applicable);
}

TEST(UpstreamChecks, AStreamThatFailedMidwayMustEndWithAnErrorForTheClientToo) {
  const std::string chunk =
      R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Half"},"finish_reason":null}]})";
  const std::string failed = sse({chunk, R"({"error":{"message":"upstream broke","type":"server_error"}})"});
  const json request = {{"model", "m"}, {"stream", true}, {"messages", json::array()}};
  Judge carried{{entry(200, failed, "text/event-stream")},
                {client(200, failed, "text/event-stream", {}, 5, 1, "/v1/chat/completions", request)}};
  EXPECT_EQ(carried("upstream.error-preserved").kind, Kind::pass);
  Judge hidden{
      {entry(200, failed, "text/event-stream")},
      {client(200, sse({chunk, "[DONE]"}), "text/event-stream", {}, 5, 1, "/v1/chat/completions", request)}};
  EXPECT_EQ(hidden("upstream.error-preserved").kind, Kind::fail);
}

TEST(UpstreamChecks, RetryAfterReachesTheClientNoShorter) {
  const json said = {{"retry-after", "7"}};
  core::Headers kept, shorter;
  kept.add("Retry-After", "7");
  shorter.add("Retry-After", "1");
  const auto answer = [](const core::Headers& h) {
    cassette::Recording r;
    r.request = {"POST", "/v1/chat/completions", {}, kChat.dump()};
    r.response.status = 429;
    r.response.headers = h;
    r.response.headers.add("Content-Type", "application/json");
    r.response.body = kLimited;
    return exchange_of(r);
  };
  Judge judge{{entry(429, kLimited, "application/json", said)}, {answer(kept)}};
  EXPECT_EQ(judge("upstream.retry-after-preserved").kind, Kind::pass);
  judge.clients = {answer(shorter)};
  EXPECT_EQ(judge("upstream.retry-after-preserved").kind, Kind::fail);
  judge.clients = {answer({})};
  const Verdict absent = judge("upstream.retry-after-preserved");
  EXPECT_EQ(absent.kind, Kind::fail);
  EXPECT_EQ(absent.actual, "absent");
}

TEST(UpstreamChecks, ARetryWaitsAsLongAsRetryAfterSaid) {
  json first = entry(429, kLimited, "application/json", {{"retry-after", "1"}});
  json second = entry(200, chat_answer("ok").dump());
  second["at_ms"] = first["at_ms"].get<std::int64_t>() + 1100;
  Judge patient{{first, second}, {client(200, chat_answer("ok").dump())}};
  EXPECT_EQ(patient("upstream.retry-after-honoured").kind, Kind::pass);
  second["at_ms"] = first["at_ms"].get<std::int64_t>() + 200;
  Judge hasty{{first, second}, {client(200, chat_answer("ok").dump())}};
  const Verdict verdict = hasty("upstream.retry-after-honoured");
  EXPECT_EQ(verdict.kind, Kind::fail);
  EXPECT_EQ(verdict.actual, "198 ms");
}

TEST(UpstreamChecks, TheClientsKeyIsToldApartByItsMarkOnly) {
  const std::string mine = cassette::kept_mark("Bearer sk-gatecheck-client-0123456789abcdef");
  json forwarded = entry(200, chat_answer("ok").dump());
  forwarded["credentials"] = {{"authorization", mine}};
  Judge leaked{{forwarded}, {client(200, chat_answer("ok").dump())}, mine};
  EXPECT_EQ(leaked("upstream.client-key-withheld").kind, Kind::fail);
  forwarded["credentials"] = {
      {"authorization", cassette::kept_mark("Bearer sk-the-gateways-own-key-0000000")}};
  Judge held{{forwarded}, {client(200, chat_answer("ok").dump())}, mine};
  EXPECT_EQ(held("upstream.client-key-withheld").kind, Kind::pass);
  Judge short_key{{forwarded}, {client(200, chat_answer("ok").dump())}, ""};
  EXPECT_EQ(short_key("upstream.client-key-withheld").kind, Kind::not_applicable);
}

TEST(UpstreamChecks, HopByHopHeadersAndThoseConnectionNamesStayOnTheClientsHop) {
  core::Headers sent;
  sent.add("Connection", "keep-alive, X-Hop");
  sent.add("X-Hop", "1");
  sent.add("Keep-Alive", "timeout=5");
  Judge dropped{{entry(200, chat_answer("ok").dump(), "application/json", {}, {{"x-other", "1"}})},
                {client(200, chat_answer("ok").dump(), "application/json", sent)}};
  EXPECT_EQ(dropped("upstream.hop-by-hop-dropped").kind, Kind::pass);
  Judge leaked{{entry(200, chat_answer("ok").dump(), "application/json", {}, {{"x-hop", "1"}})},
               {client(200, chat_answer("ok").dump(), "application/json", sent)}};
  const Verdict verdict = leaked("upstream.hop-by-hop-dropped");
  EXPECT_EQ(verdict.kind, Kind::fail);
  EXPECT_EQ(verdict.actual, "x-hop");
  Judge none{{entry(200, chat_answer("ok").dump())}, {client(200, chat_answer("ok").dump())}};
  EXPECT_EQ(none("upstream.hop-by-hop-dropped").kind, Kind::not_applicable);
}

TEST(UpstreamChecks, TheClientsRequestIdGoesUpstream) {
  core::Headers sent;
  sent.add("X-Request-Id", "trace-1");
  Judge carried{{entry(200, chat_answer("ok").dump(), "application/json", {}, {{"x-request-id", "trace-1"}})},
                {client(200, chat_answer("ok").dump(), "application/json", sent)}};
  EXPECT_EQ(carried("upstream.request-id-propagated").kind, Kind::pass);
  Judge lost{{entry(200, chat_answer("ok").dump())},
             {client(200, chat_answer("ok").dump(), "application/json", sent)}};
  EXPECT_EQ(lost("upstream.request-id-propagated").kind, Kind::fail);
}

TEST(UpstreamChecks, AStreamHeldBackAndSentAtTheEndIsBuffering) {
  std::vector<std::string> chunks;
  for (int i = 0; i < 8; ++i)
    chunks.push_back(
        R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"w"},"finish_reason":null}]})");
  chunks.push_back("[DONE]");
  const std::string body = sse(chunks);
  json up = entry(200, body, "text/event-stream");
  up["stream"] = true;
  up["events"] = 9;
  up["first_byte_ms"] = 1.0;
  up["last_byte_ms"] = 401.0;
  const json request = {{"model", "m"}, {"stream", true}, {"messages", json::array()}};
  Judge paced{{up}, {client(200, body, "text/event-stream", {}, 5, 50, "/v1/chat/completions", request)}};
  EXPECT_EQ(paced("upstream.stream-unbuffered").kind, Kind::pass);
  Judge held{{up}, {client(200, body, "text/event-stream", {}, 400, 1, "/v1/chat/completions", request)}};
  EXPECT_EQ(held("upstream.stream-unbuffered").kind, Kind::fail);
}

TEST(UpstreamChecks, AddedLatencyIsHeldToTheProfilesClaim) {
  Judge fast{{entry(200, chat_answer("ok").dump())},
             {client(200, chat_answer("ok").dump(), "application/json", {}, 12)}};
  EXPECT_EQ(fast("upstream.added-latency").kind, Kind::pass);
  Judge slow{{entry(200, chat_answer("ok").dump())},
             {client(200, chat_answer("ok").dump(), "application/json", {}, 400)}};
  const Verdict verdict = slow("upstream.added-latency");
  EXPECT_EQ(verdict.kind, Kind::fail);
  EXPECT_EQ(verdict.expected, "p50 <= 50 ms, p99 <= 250 ms");
}

TEST(UpstreamChecks, NothingIsJudgedWithoutAnAttempt) {
  Judge nothing{{}, {client(200, chat_answer("ok").dump())}};
  for (const auto& check : check_catalog())
    if (check.scope == CheckScope::upstream) {
      EXPECT_EQ(nothing(check.id).kind, Kind::not_applicable) << check.id;
    }
}

}  // namespace
}  // namespace gatecheck::runner
