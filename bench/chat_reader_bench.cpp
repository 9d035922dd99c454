// Nanoseconds per chat/completions body through the mock's one reader (read_chat_request: a simdjson parse,
// the parameter table, the ChatRequest and its content seed), beside the reference measured in the same run:
// nlohmann::json::parse of the same bytes, which the reader's predecessor paid for every request before
// validating anything. docs/architecture.md has the measurement that chose simdjson.
//   chat_reader_bench [ROUNDS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/vendor/profile.hpp>

#include "chat_request.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::string message(const char* role, std::size_t bytes) {
  std::string text;
  while (text.size() < bytes)
    text += "the gateway routes requests to providers that stream tokens ";
  text.resize(bytes);
  return std::string(R"({"role":")") + role + R"(","content":")" + text + R"("})";
}

std::string body(std::size_t messages, std::size_t bytes) {
  std::string out = R"({"model":"gpt-4o-mini","messages":[)";
  const char* roles[] = {"system", "user", "assistant", "user"};
  for (std::size_t i = 0; i < messages; ++i)
    out += (i ? "," : "") + message(roles[i % 4], bytes);
  return out + R"(],"temperature":0.7,"max_tokens":64,"stream":false,"n":1})";
}

// Median nanoseconds per call over `rounds` rounds of `iterations` calls.
template <typename Work>
double median_ns(int rounds, int iterations, Work&& work) {
  std::vector<double> samples;
  for (int r = 0; r < rounds; ++r) {
    const auto start = Clock::now();
    for (int i = 0; i < iterations; ++i)
      work();
    samples.push_back(std::chrono::duration<double, std::nano>(Clock::now() - start).count() / iterations);
  }
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  const auto profile = gatecheck::vendor::load_profile("openai");
  struct Case {
    const char* name;
    std::string body;
    int iterations;
  };
  const Case cases[] = {
      {"small", R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]})", 200000},
      {"typical", body(4, 200), 50000},
      {"large", body(20, 500), 5000},
  };
  std::printf("%-8s %7s %14s %16s %7s\n", "body", "bytes", "reader ns", "nlohmann ns", "ratio");
  for (const auto& c : cases) {
    std::uint64_t sink = 0;
    const double reader = median_ns(rounds, c.iterations, [&] {
      sink += gatecheck::mock::read_chat_request(c.body, profile, 7).content_seed;
    });
    const double parse =
        median_ns(rounds, c.iterations, [&] { sink += nlohmann::json::parse(c.body).size(); });
    std::printf("%-8s %7zu %14.0f %16.0f %7.2f%s\n", c.name, c.body.size(), reader, parse, reader / parse,
                sink == 0 ? " " : "");
  }
  std::printf(
      "ratio: the whole reader (parse, validation, ChatRequest, content seed) / an nlohmann parse alone\n");
  return 0;
}
