// Validations per second: a chat completion response, and a 1,000-chunk stream (each chunk validated),
// against schemas/openapi.yaml. Writes the normalised document and the instances to OUT_DIR so that
// ajv_bench.mjs measures ajv on exactly the same schema and data in the same run.
//   schema_bench OPENAPI_YAML OUT_DIR
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>

#include <gatecheck/schema/openapi.hpp>

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

json chat_response() {
  return json::parse(
      R"({"id":"chatcmpl-8Yv9kQ2x","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini",
    "choices":[{"index":0,"message":{"role":"assistant","content":"The gateway routes requests to providers that stream tokens over time.",
    "refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"},
    {"index":1,"message":{"role":"assistant","content":null,"refusal":null,"tool_calls":[{"id":"call_1","type":"function",
    "function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}],"annotations":[]},"logprobs":null,"finish_reason":"tool_calls"}],
    "usage":{"prompt_tokens":19,"completion_tokens":24,"total_tokens":43,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},
    "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},
    "service_tier":"default","system_fingerprint":"fp_5YvrWjqeze"})");
}

json chunks() {
  json out = json::array();
  const json head =
      json::parse(R"({"id":"chatcmpl-8Yv9kQ2x","object":"chat.completion.chunk","created":1700000000,
    "model":"gpt-4o-mini","service_tier":"default","system_fingerprint":"fp_5YvrWjqeze"})");
  for (int i = 0; i < 1000; ++i) {
    json chunk = head;
    json delta = i == 0 ? json{{"role", "assistant"}, {"content", ""}, {"refusal", nullptr}}
                        : json{{"content", " token"}};
    chunk["choices"] = json::array({{{"index", 0},
                                     {"delta", delta},
                                     {"logprobs", nullptr},
                                     {"finish_reason", i == 999 ? json("stop") : json(nullptr)}}});
    out.push_back(std::move(chunk));
  }
  return out;
}

// Runs `work` repeatedly for about `seconds`; returns calls per second.
double rate(const std::function<bool()>& work, double seconds) {
  std::size_t calls = 0;
  const auto started = Clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    for (int i = 0; i < 100; ++i) {
      if (!work()) std::fprintf(stderr, "unexpected validation failure\n");
      ++calls;
    }
    elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  }
  return static_cast<double>(calls) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: schema_bench OPENAPI_YAML OUT_DIR\n");
    return 2;
  }
  const auto load_started = Clock::now();
  auto api = gatecheck::schema::openapi::Document::load(argv[1]);
  const auto* op = api.find_operation("createChatCompletion");
  const auto response_schema = *api.response_schema(*op, 200, "application/json");
  const auto chunk_schema = *api.response_schema(*op, 200, "text/event-stream");
  const double load_ms = std::chrono::duration<double, std::milli>(Clock::now() - load_started).count();
  const json response = chat_response();
  const json stream = chunks();
  const std::string out = argv[2];
  std::ofstream(out + "/openapi.json") << api.root().dump();
  std::ofstream(out + "/response.json") << response.dump();
  std::ofstream(out + "/chunks.json") << stream.dump();

  const double fast = rate([&] { return response_schema.is_valid(response); }, 2.0);
  const double full = rate([&] { return response_schema.validate(response).valid; }, 1.0);
  const double streams = rate(
                             [&] {
                               bool ok = true;
                               for (const auto& chunk : stream)
                                 ok = chunk_schema.is_valid(chunk) && ok;
                               return ok;
                             },
                             2.0) /
                         100.0 * 100.0;
  std::printf("gatecheck: load+compile %.0f ms\n", load_ms);
  std::printf(
      "gatecheck: chat completion response  %10.0f validations/s (pass/fail), %10.0f/s (full error report)\n",
      fast, full);
  std::printf("gatecheck: 1,000-chunk stream        %10.1f streams/s (%.0f chunks/s)\n", streams,
              streams * 1000);
}
